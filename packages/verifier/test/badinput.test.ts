// Bad input never throws out of the verifier: each case gives a failed check with a stable code and
// a reason a person understands. Credentials, presentations and status lists here are real: keys
// from @cofl/identity, a status registry from @cofl/status, signatures from @cofl/credentials.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVerificationLoader, signCredential } from '@cofl/credentials'
import type { DocumentLoader, VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { Allocation, StatusRegistry } from '@cofl/status'
import { createVerifier, formatReport } from '../src/index.js'
import type { Verifier } from '../src/index.js'
import { assertCheck, createIssuer, failedChecks, noThrow, present, tampered, tempDir } from './helpers.js'
import type { TestIssuer } from './helpers.js'

const DAY = 24 * 3600 * 1000
const CHALLENGE = 'b7c3f6d0-challenge'

let issuer: TestIssuer
let learner: KeyPair
let other: KeyPair
let dir: Awaited<ReturnType<typeof tempDir>>
let registry: StatusRegistry
let verifier: Verifier
let valid: VerifiableCredential
let revoked: VerifiableCredential
let suspended: VerifiableCredential
let otherList: { credential: VerifiableCredential, registry: StatusRegistry }

async function signedLists (reg: StatusRegistry, key: KeyPair, listNumber: number): Promise<VerifiableCredential[]> {
  return await Promise.all((['revocation', 'suspension'] as const).map(async (purpose) =>
    await signCredential(await reg.buildListCredential(purpose, listNumber), { key }) as unknown as VerifiableCredential))
}

test.before(async () => {
  issuer = await createIssuer()
  learner = await generateKeyPair()
  other = await generateKeyPair()
  dir = await tempDir()
  registry = await openStatusRegistry({ directory: `${dir.path}/issuer`, issuer: issuer.did })
  const allocations: Allocation[] = []
  for (let i = 0; i < 3; i++) allocations.push(await registry.allocate())
  const [a, b, c] = allocations as [Allocation, Allocation, Allocation]
  valid = await issuer.issue(learner.did, { credentialStatus: a.entries[0] })
  revoked = await issuer.issue(learner.did, { credentialStatus: b.entries[0] })
  suspended = await issuer.issue(learner.did, { credentialStatus: c.entries[1] })
  await registry.setStatus(b.entries[0] as Allocation['entries'][number], true)
  await registry.setStatus(c.entries[1] as Allocation['entries'][number], true)
  assert.is(a.listNumber, c.listNumber)

  // A list of another issuer, validly signed by that issuer, named by a credential of ours.
  const otherRegistry = await openStatusRegistry({ directory: `${dir.path}/other`, issuer: other.did })
  const foreign = await otherRegistry.allocate()
  otherList = { credential: await issuer.issue(learner.did, { credentialStatus: foreign.entries[0] }), registry: otherRegistry }
  verifier = createVerifier({ statusLists: [...await signedLists(registry, issuer.key, a.listNumber), ...await signedLists(otherRegistry, other, foreign.listNumber)] })
})

test.after(async () => {
  await registry?.close()
  await otherList?.registry.close()
  await dir?.remove()
})

test('a valid credential passes every check', async () => {
  const report = await verifier.verify(valid)
  assert.is(report.verified, true, formatReport(report))
  assert.is(report.kind, 'credential')
  assertCheck(report, 'format', 'passed')
  assertCheck(report, 'schema', 'passed', undefined, /valid AchievementCredential/)
  assertCheck(report, 'proof', 'passed', undefined, new RegExp(`signed by ${issuer.did}`))
  assertCheck(report, 'status', 'passed', undefined, /^not revoked \(checked against the issuer's signed status list\)$/)
  assertCheck(report, 'validity', 'passed')
  assert.is(report.issuer?.id, issuer.did)
  assert.is(report.subject, learner.did)
  assert.equal(report.warnings, [])
})

test('not an object: format fails, the rest is skipped', async () => {
  for (const [input, what] of [['a string', 'string'], [[1, 2], 'an array'], [null, 'null'], [42, 'number'], [undefined, 'undefined']] as const) {
    const report = await noThrow(String(what), async () => await verifier.verify(input))
    assert.is(report.verified, false)
    assert.is(report.kind, 'unknown')
    assertCheck(report, 'format', 'failed', 'COFL_ERR_NOT_A_CREDENTIAL', new RegExp(`expected a credential \\(a JSON object\\), got ${what}$`))
    for (const id of ['schema', 'proof', 'status', 'validity'] as const) assertCheck(report, id, 'skipped')
    assert.not.throws(() => formatReport(report))
  }
})

test('JSON that is no credential: format fails', async () => {
  const report = await noThrow('{hello: 1}', async () => await verifier.verify({ hello: 1 }))
  assertCheck(report, 'format', 'failed', 'COFL_ERR_NOT_A_CREDENTIAL', /^not a valid verifiable credential: .+/)
  assert.equal(failedChecks(report), ['format'])
})

test('a context that is not bundled: the proof cannot be checked here, no fetch', async () => {
  const unknown = tampered(valid, (c) => { c['@context'] = [...c['@context'], 'https://contexts.example/unknown/v1'] })
  const report = await noThrow('unknown context', async () => await verifier.verify(unknown))
  assertCheck(report, 'proof', 'indeterminate', 'COFL_ERR_CONTEXT_NOT_BUNDLED', /"https:\/\/contexts\.example\/unknown\/v1" cannot be loaded offline: it is not a bundled JSON-LD context/)
  assert.is(report.verified, false)
  assert.is(report.verdict, 'indeterminate')
})

test('a credential that fails the OB 3.0 schema: invalid, its signature not computed (no key or context looked up), its dates still checked', async () => {
  const base = createVerificationLoader()
  let loads = 0
  const documentLoader: DocumentLoader = async (url) => { loads++; return await base(url) }
  const counting = createVerifier({ documentLoader })
  // The counting loader is asked when a signature is computed (the issuer's did:key at least).
  assertCheck(await counting.verify(valid), 'proof', 'passed')
  assert.ok(loads > 0, 'the loader counts the proof check of a valid credential')
  // Wide: thousands of alignments without the targetUrl the schema requires (every term defined,
  // so that computing the signature would canonicalise all of them).
  const alignment = Array.from({ length: 2000 }, (_, i) => ({ type: ['Alignment'], targetName: `skill ${i}` }))
  const wide = tampered(valid, (c) => { c.credentialSubject.achievement.alignment = alignment })
  const expired = tampered(wide, (c) => { c.validUntil = new Date(Date.now() - DAY).toISOString() })
  for (const [what, credential] of [['wide', wide], ['wide and expired', expired]] as const) {
    loads = 0
    const report = await noThrow(what, async () => await counting.verify(credential))
    assertCheck(report, 'schema', 'failed', 'COFL_ERR_SCHEMA', /targetUrl/)
    assertCheck(report, 'proof', 'skipped', undefined, /^not checked: the credential does not match the OB 3\.0 schema, so its signature is not computed$/)
    assertCheck(report, 'status', 'skipped', undefined, /does not match the OB 3\.0 schema/)
    assert.is(report.verdict, 'invalid', what)
    assert.is(report.verified, false, what)
    assert.is(loads, 0, `${what}: the document loader was asked ${loads} times`)
  }
  assertCheck(await counting.verify(wide), 'validity', 'passed')
  assertCheck(await counting.verify(expired), 'validity', 'failed', 'COFL_ERR_EXPIRED', /^expired on/)
  assert.equal(failedChecks(await counting.verify(expired)), ['schema', 'validity'])
})

test('a credential without proof', async () => {
  const report = await verifier.verify(tampered(valid, (c) => { delete c.proof }))
  assertCheck(report, 'proof', 'failed', 'COFL_ERR_NO_PROOF', /no proof/)
  assertCheck(report, 'status', 'skipped', undefined, /signature does not hold/)
})

test('a tampered field breaks the signature', async () => {
  const report = await verifier.verify(tampered(valid, (c) => { c.credentialSubject.achievement.name = 'Rocket Science' }))
  assertCheck(report, 'proof', 'failed', 'COFL_ERR_INVALID_SIGNATURE', /signature does not match/)
  assert.equal(failedChecks(report), ['proof'])
})

test('issuer DID A, signed by key B: the proof fails (the key must be the issuer\'s)', async () => {
  const unsigned = tampered(valid, (c) => { delete c.proof; delete c.credentialStatus })
  const forged = await signCredential(unsigned, { key: other })
  const report = await verifier.verify(forged)
  assertCheck(report, 'proof', 'failed', 'COFL_ERR_KEY_NOT_BOUND', new RegExp(`made with the key ${other.did}#\\w+, which is not ${issuer.did}'s`))
  assert.is(report.verified, false)
  assert.is(report.verdict, 'invalid')
})

test('expired and not yet valid', async () => {
  const expired = await verifier.verify(await issuer.issue(learner.did, { validFrom: new Date(Date.now() - 10 * DAY), validUntil: new Date(Date.now() - DAY) }))
  assertCheck(expired, 'validity', 'failed', 'COFL_ERR_EXPIRED', /^expired on \d{4}-/)
  assertCheck(expired, 'proof', 'passed')
  const early = await verifier.verify(await issuer.issue(learner.did, { validFrom: new Date(Date.now() + DAY) }))
  assertCheck(early, 'validity', 'failed', 'COFL_ERR_NOT_YET_VALID', /^not yet valid: valid from \d{4}-/)
  assert.equal(failedChecks(early), ['validity'])
})

test('revoked and suspended', async () => {
  const r = await verifier.verify(revoked)
  assertCheck(r, 'status', 'failed', 'COFL_ERR_STATUS_REVOKED', /^revoked by its issuer/)
  assert.equal(failedChecks(r), ['status'])
  const s = await verifier.verify(suspended)
  assertCheck(s, 'status', 'failed', 'COFL_ERR_STATUS_SUSPENDED', /^suspended by its issuer/)
  assert.equal(failedChecks(s), ['status'])
})

test('a status list signed by another issuer is refused', async () => {
  const report = await verifier.verify(otherList.credential)
  assertCheck(report, 'status', 'failed', 'COFL_ERR_STATUS_LIST_ISSUER', new RegExp(`issued by ${other.did}, not by the credential's issuer ${issuer.did}`))
})

test('a status list that is not given: not available, so the credential cannot be checked here', async () => {
  const report = await createVerifier().verify(valid)
  assertCheck(report, 'status', 'indeterminate', 'COFL_ERR_STATUS_LIST_UNAVAILABLE', /not available to this verifier/)
  assert.is(report.verdict, 'indeterminate')
  assert.is(report.verified, false)
})

test('a valid presentation passes', async () => {
  const vp = await present(learner.did, learner, [valid], CHALLENGE, 'verifier.example')
  const report = await verifier.verify(vp, { challenge: CHALLENGE, domain: 'verifier.example' })
  assert.is(report.verified, true, formatReport(report))
  assert.is(report.kind, 'presentation')
  for (const id of ['format', 'proof', 'holder', 'credentials'] as const) assertCheck(report, id, 'passed')
  assert.is(report.credentials?.[0]?.verified, true)
})

test('presentation: wrong challenge, wrong domain, no challenge', async () => {
  const vp = await present(learner.did, learner, [valid], CHALLENGE, 'verifier.example')
  const wrongChallenge = await verifier.verify(vp, { challenge: 'another', domain: 'verifier.example' })
  assertCheck(wrongChallenge, 'proof', 'failed', 'COFL_ERR_PROOF_PURPOSE', /challenge/)
  const wrongDomain = await verifier.verify(vp, { challenge: CHALLENGE, domain: 'elsewhere.example' })
  assertCheck(wrongDomain, 'proof', 'failed', 'COFL_ERR_PROOF_PURPOSE', /domain/)
  const none = await verifier.verify(vp)
  assertCheck(none, 'proof', 'failed', 'COFL_ERR_CHALLENGE_MISSING', /no challenge was given/)
  for (const r of [wrongChallenge, wrongDomain, none]) {
    assert.is(r.verified, false)
    assertCheck(r, 'holder', 'skipped')
    assertCheck(r, 'credentials', 'passed')
  }
})

test('presentation signed by another DID than its holder', async () => {
  const vp = await present(learner.did, other, [valid], CHALLENGE)
  const report = await verifier.verify(vp, { challenge: CHALLENGE })
  assertCheck(report, 'proof', 'passed')
  assertCheck(report, 'holder', 'failed', 'COFL_ERR_HOLDER', new RegExp(`signed by ${other.did}, not by the holder ${learner.did}`))
  assert.is(report.verified, false)
})

test('presentation of a credential about someone else', async () => {
  const vp = await present(other.did, other, [valid], CHALLENGE)
  const report = await verifier.verify(vp, { challenge: CHALLENGE })
  assertCheck(report, 'holder', 'failed', 'COFL_ERR_HOLDER', /1 of 1 credentials are about someone other than the holder/)
  assertCheck(report, 'credentials', 'passed')
  assert.is(report.verified, false)
})

test('presentation containing a tampered credential', async () => {
  const bad = tampered(valid, (c) => { c.credentialSubject.id = other.did })
  const vp = await present(other.did, other, [bad], CHALLENGE)
  const report = await verifier.verify(vp, { challenge: CHALLENGE })
  assertCheck(report, 'proof', 'passed')
  assertCheck(report, 'holder', 'passed')
  assertCheck(report, 'credentials', 'failed', 'COFL_ERR_CREDENTIAL_INVALID', /1 of 1 do not verify/)
  assertCheck(report.credentials?.[0] ?? { checks: [] } as never, 'proof', 'failed', 'COFL_ERR_INVALID_SIGNATURE')
  assert.is(report.verified, false)
})

test.run()
