// OB 3.0 JSON Schema validation against the published vectors: the spec examples that conform
// pass, the known non-conforming ones fail for their documented reason (test/vectors/README.md),
// and errors read as "<JSON Pointer>: <what is wrong>".
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateKeyPair } from '@cofl/identity'
import { buildAchievement, buildOpenBadgeCredential, buildProfile } from '../src/model.js'
import { verifyCredentialProof } from '../src/proof.js'
import { normalizeArrays, validateSchema } from '../src/schema.js'
import { signCredential } from '../src/sign.js'
import type { SchemaKind } from '../src/schema.js'

const VECTORS = new URL('../../../test/vectors/', import.meta.url)
const vector = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8')) as Record<string, unknown>
const EXAMPLES = 'ob3/spec-examples/'
const OB30_FIXTURES = 'fixtures/1edtech-validator-ob30/ob30/'

const PASSING: Array<[SchemaKind, string]> = [
  ['AchievementCredential', `${EXAMPLES}achievementAlignmentCase.json`],
  ['AchievementCredential', `${EXAMPLES}achievementAlignmentCe.json`],
  ['AchievementCredential', `${EXAMPLES}basicOpenBadgeCredential.json`],
  ['AchievementCredential', `${EXAMPLES}docformat-sampleOpenBadgeCredential.json`],
  ['AchievementCredential', `${EXAMPLES}equality-sample-credential-A.json`],
  ['AchievementCredential', `${EXAMPLES}equality-sample-credential-B.json`],
  ['AchievementCredential', `${EXAMPLES}equality-sample-credential-C.json`],
  ['AchievementCredential', `${EXAMPLES}equality-sample-credential-D.json`],
  ['AchievementCredential', `${EXAMPLES}fullOpenBadge.json`],
  ['AchievementCredential', `${EXAMPLES}skillAssertionCase.json`],
  ['AchievementCredential', `${EXAMPLES}skillAssertionCtdl.json`],
  ['EndorsementCredential', `${EXAMPLES}endorsement.json`],
  ['AchievementCredential', 'ob3/eddsa-rdfc-2022-test-vector/credential-unsigned.json'],
  ['AchievementCredential', `${OB30_FIXTURES}simple.json`],
  ['EndorsementCredential', `${OB30_FIXTURES}endorsement-valid.json`]
]

for (const [kind, file] of PASSING) {
  test(`${kind}: ${file} passes`, () => {
    const result = validateSchema(kind, vector(file))
    assert.equal(result, { valid: true, errors: [] })
  })
}

test('the signed OB vector fails only because proof is an object; wrapped in an array it passes', () => {
  const signed = vector('ob3/eddsa-rdfc-2022-test-vector/signed-credential.json')
  assert.equal(validateSchema('AchievementCredential', signed), { valid: false, errors: ['/proof: must be array'] })
  assert.equal(validateSchema('AchievementCredential', { ...signed, proof: [signed.proof] }), { valid: true, errors: [] })
})

test('the Profile API examples fail the Profile schema: type must be an array', () => {
  for (const file of ['api-getProfile-response-body.json', 'api-putProfile-response.json']) {
    const profile = vector(EXAMPLES + file)
    assert.equal(validateSchema('Profile', profile), { valid: false, errors: ['/type: must be array'] }, file)
    assert.equal(validateSchema('Profile', { ...profile, type: [profile.type] }), { valid: true, errors: [] }, file)
  }
})

test('the getCredentials API example fails: the schema has compactJwsString, the example compactJwsStrings', () => {
  const body = vector(`${EXAMPLES}api-getCredentials-response-body.json`)
  assert.equal(validateSchema('GetOpenBadgeCredentialsResponse', body), {
    valid: false,
    errors: ['/: must NOT have additional property "compactJwsStrings"']
  })
  assert.ok(validateSchema('GetOpenBadgeCredentialsResponse', { compactJwsString: body.compactJwsStrings }).valid)
})

test('a credential without issuer fails with a readable error', () => {
  const { issuer: _issuer, ...credential } = vector(`${EXAMPLES}basicOpenBadgeCredential.json`)
  assert.equal(validateSchema('AchievementCredential', credential), {
    valid: false,
    errors: ["/: must have required property 'issuer'"]
  })
})

test('an achievement without criteria fails with the path to it', () => {
  const credential = vector(`${EXAMPLES}basicOpenBadgeCredential.json`)
  const subject = credential.credentialSubject as Record<string, unknown>
  const { criteria: _criteria, ...achievement } = subject.achievement as Record<string, unknown>
  const result = validateSchema('AchievementCredential', { ...credential, credentialSubject: { ...subject, achievement } })
  assert.equal(result, { valid: false, errors: ["/credentialSubject/achievement: must have required property 'criteria'"] })
})

test('the 1EdTech fixture simple-err-issuer.json fails for its missing issuer', () => {
  const result = validateSchema('AchievementCredential', vector(`${OB30_FIXTURES}simple-err-issuer.json`))
  assert.is(result.valid, false)
  assert.ok(result.errors.includes("/: must have required property 'issuer'"), result.errors.join('\n'))
})

test('a wrong credential type says what the type must contain, without per-item noise', () => {
  const result = validateSchema('AchievementCredential', vector(`${OB30_FIXTURES}simple-err-type.json`))
  assert.is(result.valid, false)
  assert.ok(result.errors.includes('/type: must contain "AchievementCredential" or "OpenBadgeCredential"'), result.errors.join('\n'))
  assert.not.ok(result.errors.some((e) => e.startsWith('/type/')), result.errors.join('\n'))
})

test('Imsx_StatusInfo: a status passes, a wrong code major names the allowed values', () => {
  assert.ok(validateSchema('Imsx_StatusInfo', { imsx_codeMajor: 'failure', imsx_severity: 'error', imsx_description: 'no' }).valid)
  assert.equal(validateSchema('Imsx_StatusInfo', { imsx_codeMajor: 'broken', imsx_severity: 'error' }), {
    valid: false,
    errors: ['/imsx_codeMajor: must be one of "failure", "processing", "success", "unsupported"']
  })
})

test('dates are checked as RFC 3339 date-times', () => {
  const credential = vector(`${EXAMPLES}basicOpenBadgeCredential.json`)
  assert.equal(validateSchema('AchievementCredential', { ...credential, validFrom: 'yesterday' }), {
    valid: false,
    errors: ['/validFrom: must be a valid date-time']
  })
})

test('anything that is not an object fails without throwing', () => {
  for (const input of [undefined, null, 'x', 42, []]) {
    const result = validateSchema('AchievementCredential', input)
    assert.is(result.valid, false)
    assert.ok(result.errors.length > 0)
  }
})

test('an unknown kind is a programmer error (TypeError)', () => {
  assert.throws(() => validateSchema('OpenBadgeCredential' as SchemaKind, {}), TypeError)
})

test('normalizeArrays: the signed OB vector\'s single proof becomes an array, and it passes', () => {
  const signed = vector('ob3/eddsa-rdfc-2022-test-vector/signed-credential.json')
  const normalized = normalizeArrays('AchievementCredential', signed)
  assert.equal(normalized, { ...signed, proof: [signed.proof] })
  assert.equal(validateSchema('AchievementCredential', normalized), { valid: true, errors: [] })
  assert.is(normalized.credentialSubject, signed.credentialSubject, 'what did not change is shared')
})

test('normalizeArrays: a Profile\'s type becomes an array; an Image\'s type, which must be a string, stays one', () => {
  for (const file of ['api-getProfile-response-body.json', 'api-putProfile-response.json']) {
    const profile = vector(EXAMPLES + file)
    assert.equal(normalizeArrays('Profile', profile), { ...profile, type: [profile.type] }, file)
  }
  const image = { id: 'https://example.org/logo.png', type: 'Image' }
  const profile = normalizeArrays('Profile', { id: 'did:example:1', type: 'Profile', image }) as Record<string, unknown>
  assert.equal(profile.type, ['Profile'])
  assert.is(profile.image, image)
})

test('normalizeArrays: what conforms comes back itself; odd input is returned as is; an unknown kind is a TypeError', () => {
  for (const file of ['fullOpenBadge.json', 'basicOpenBadgeCredential.json', 'skillAssertionCase.json']) {
    const credential = vector(EXAMPLES + file)
    assert.is(normalizeArrays('AchievementCredential', credential), credential, file)
  }
  const endorsement = vector(`${EXAMPLES}endorsement.json`)
  assert.is(normalizeArrays('EndorsementCredential', endorsement), endorsement)
  for (const input of [undefined, null, 'x', 42, []]) assert.equal(normalizeArrays('AchievementCredential', input), input)
  assert.throws(() => normalizeArrays('OpenBadgeCredential' as SchemaKind, {}), TypeError)
})

test('normalizeArrays: single values at any depth (proof, subject and achievement types) made arrays; the proof still verifies', async () => {
  const key = await generateKeyPair()
  const issuer = buildProfile({ id: key.did, name: 'Plymouth City of Learning' })
  const signed = await signCredential(buildOpenBadgeCredential({
    issuer, subject: 'did:example:learner', achievement: buildAchievement({ name: 'Coding Club', description: 'Ten sessions', criteria: 'Attend', creator: issuer })
  }), { key }) as unknown as Record<string, any>
  const subject = signed.credentialSubject
  const single = { ...signed, proof: signed.proof[0], credentialSubject: { ...subject, type: 'AchievementSubject', achievement: { ...subject.achievement, type: 'Achievement' } } }
  assert.equal(validateSchema('AchievementCredential', single).errors, [
    '/credentialSubject/type: must be array', '/credentialSubject/achievement/type: must be array', '/proof: must be array'
  ])
  assert.ok((await verifyCredentialProof(single)).verified)
  const normalized = normalizeArrays('AchievementCredential', single)
  assert.equal(normalized, signed)
  assert.ok((await verifyCredentialProof(normalized)).verified)
})

test('the compiled module (dist/src) finds the schemas too', async () => {
  const compiled = new URL('../dist/src/schema.js', import.meta.url)
  if (!existsSync(compiled)) return // not built yet (tsc -b builds it)
  const mod = (await import(compiled.href)) as { validateSchema: typeof validateSchema }
  assert.equal(mod.validateSchema('AchievementCredential', vector(`${OB30_FIXTURES}simple.json`)), { valid: true, errors: [] })
})

test('a document nested thousands of levels deep is refused by its depth, without overflowing the stack', () => {
  let inner: Record<string, unknown> = { id: 'urn:x' }
  for (let i = 0; i < 20_000; i++) inner = { type: ['Profile'], id: `urn:p:${i}`, endorsement: inner }
  const result = validateSchema('AchievementCredential', { type: ['VerifiableCredential', 'OpenBadgeCredential'], issuer: inner })
  assert.is(result.valid, false)
  assert.match(result.errors.join(' '), /nests deeper than 64 levels/)
})

test('thousands of wrong values: each error is told once, at most 50 and a count of the rest (the time it takes: npm run bench:schema)', () => {
  const document = structuredClone(vector('ob3/eddsa-rdfc-2022-test-vector/credential-unsigned.json')) as { credentialSubject: { achievement: Record<string, unknown> } }
  document.credentialSubject.achievement.tag = Array.from({ length: 10_000 }, (_, i) => i)
  const result = validateSchema('AchievementCredential', document)
  assert.is(result.valid, false)
  assert.is(result.errors.length, 51, result.errors.slice(-2).join(' | '))
  assert.is(new Set(result.errors).size, result.errors.length)
  assert.match(result.errors[50] as string, /^\(\d+ more errors not shown\)$/)
})

test.run()
