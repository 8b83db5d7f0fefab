// The fast eddsa-rdfc-2022 path (src/fastverify.ts) in use. Signing on it makes the document the
// plain pipeline (@digitalbazaar/vc, jsonld-signatures: `fast: false`) makes, byte for byte, and
// jsonld as published canonicalises both alike; each path verifies what the other signed; the
// fast path says "verified" only where the plain pipeline does, and leaves everything else (every
// failure, every document it does not handle) to the plain pipeline, so outcomes are the same.
import { createRequire } from 'node:module'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import jsigs from 'jsonld-signatures'
import * as vc from '@digitalbazaar/vc'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildAchievement, buildAchievementDocument, buildEndorsementCredential, buildOpenBadgeCredential, buildPresentation, buildProfile,
  buildProfileDocument, createVerificationLoader, CREDENTIALS_V1_CONTEXT, proofPathCounts, signCredential, signDocument,
  signPathCounts, signPresentation, SigningError, verifyCredentialProof, verifyDocumentProof, verifyPresentationProof
} from '../src/index.js'
import type { ProofOptions, ProofOutcome, SignOptions, VerifiableCredential } from '../src/index.js'
import { verifyFast } from '../src/fastverify.js'

type Json = Record<string, unknown>
const DATE = '2026-11-01T10:00:00Z'
const documentLoader = createVerificationLoader()

let issuerKey: KeyPair
let holderKey: KeyPair

function credentialFor (key: KeyPair, subject = 'did:example:learner'): Json {
  const issuer = buildProfile({ id: key.did, name: 'Plymouth City of Learning', url: 'https://plymouth.example.org', image: 'https://plymouth.example.org/logo.png' })
  const achievement = buildAchievement({
    id: 'https://plymouth.example.org/achievements/coding',
    name: 'Coding Club',
    description: '10 sessions',
    criteria: { id: 'https://plymouth.example.org/criteria/1', narrative: 'Attend 10 sessions' },
    creator: issuer,
    achievementType: 'Competency',
    image: 'https://plymouth.example.org/badge.png',
    tag: ['coding', 'youth'],
    alignment: [{ targetName: 'Digital competence', targetUrl: 'https://example.org/skills/digital', targetFramework: 'ESCO', targetCode: 'S5' }]
  })
  return buildOpenBadgeCredential({
    issuer,
    achievement,
    subject,
    validFrom: new Date('2026-10-01T00:00:00Z'),
    evidence: [{ id: 'https://plymouth.example.org/evidence/1', name: 'Portfolio', narrative: 'Built a game' }],
    result: [{ value: 'A', status: 'Completed' }]
  }) as unknown as Json
}

const summary = (o: ProofOutcome): Json => ({ verified: o.verified, codes: o.codes, errors: o.errors, warnings: o.warnings, verificationMethods: o.verificationMethods })

/** The fast path's and the plain pipeline's outcomes, and which path decided the first. */
async function bothOutcomes (verify: (options: ProofOptions) => Promise<ProofOutcome>): Promise<{ fast: Json, plain: Json, decidedFast: boolean }> {
  const before = proofPathCounts().fast
  const fast = summary(await verify({ documentLoader }))
  const decidedFast = proofPathCounts().fast > before
  const plain = summary(await verify({ documentLoader, fast: false }))
  return { fast, plain, decidedFast }
}

/** Signs with both paths; asserts which path signed. */
async function signBoth<T> (sign: (options: Partial<SignOptions>) => Promise<T>): Promise<[T, T]> {
  const before = signPathCounts()
  const fast = await sign({})
  const middle = signPathCounts()
  assert.is(middle.fast, before.fast + 1, 'the fast path signed')
  const plain = await sign({ fast: false })
  assert.is(signPathCounts().plain, middle.plain + 1, 'the plain pipeline signed')
  return [fast, plain]
}

test.before(async () => {
  issuerKey = await generateKeyPair()
  holderKey = await generateKeyPair()
})

test('signing: the fast path makes the plain pipeline\'s credentials and documents, byte for byte', async () => {
  const issuer = buildProfile({ id: issuerKey.did, name: 'Plymouth City of Learning' })
  const credential = credentialFor(issuerKey)
  const endorsement = buildEndorsementCredential({ issuer, subject: 'https://other.example.org/achievements/1', comment: 'Solid', validFrom: new Date(DATE) })
  const achievement = buildAchievementDocument({ id: 'https://plymouth.example.org/achievements/robotics', name: 'Robotics', description: 'Build a robot', criteria: 'Build one', creator: issuer })
  const profile = buildProfileDocument({ id: issuerKey.did, name: 'Plymouth City of Learning', url: 'https://plymouth.example.org' })
  const cases: Array<[string, (o: Partial<SignOptions>) => Promise<unknown>]> = [
    ['an OpenBadgeCredential', async (o) => await signCredential(credential, { key: issuerKey, date: DATE, ...o })],
    ['an EndorsementCredential', async (o) => await signCredential(endorsement, { key: issuerKey, date: DATE, ...o })],
    ['an Achievement document', async (o) => await signDocument(achievement, { key: issuerKey, date: DATE, ...o })],
    ['a Profile document (date as a Date)', async (o) => await signDocument(profile, { key: issuerKey, date: new Date(DATE), ...o })],
    ['a date with milliseconds (created to the second)', async (o) => await signCredential(credential, { key: issuerKey, date: '2026-11-01T10:00:00.987Z', ...o })]
  ]
  for (const [what, sign] of cases) {
    const [fast, plain] = await signBoth(sign)
    assert.is(JSON.stringify(fast), JSON.stringify(plain), what)
  }
})

test('signing a presentation: byte for byte, with and without a domain', async () => {
  const inner = await signCredential(credentialFor(issuerKey, holderKey.did), { key: issuerKey, date: DATE })
  for (const domain of [undefined, 'https://verifier.example.org']) {
    const presentation = buildPresentation({ holder: holderKey.did, verifiableCredential: inner as unknown as VerifiableCredential })
    const [fast, plain] = await signBoth(async (o) => await signPresentation(presentation, { key: holderKey, date: DATE, challenge: 'c-1234', ...(domain != null ? { domain } : {}), ...o }))
    assert.is(JSON.stringify(fast), JSON.stringify(plain), `domain ${String(domain)}`)
    const { fast: f, plain: p, decidedFast } = await bothOutcomes(async (o) => await verifyPresentationProof(fast, { challenge: 'c-1234', ...(domain != null ? { domain } : {}), ...o }))
    assert.is(f.verified, true, JSON.stringify(f))
    assert.ok(decidedFast)
    assert.equal(f, p)
    // a wrong challenge: not verified, and the reason is the plain pipeline's
    const wrong = await bothOutcomes(async (o) => await verifyPresentationProof(fast, { challenge: 'c-9999', ...o }))
    assert.is(wrong.fast.verified, false)
    assert.not.ok(wrong.decidedFast)
    assert.equal(wrong.fast, wrong.plain)
  }
})

test('jsonld as published canonicalises what the fast path signed exactly as what the plain pipeline signed', async () => {
  const stock = createRequire(import.meta.url)('jsonld-stock') as { canonize: (input: unknown, options: Json) => Promise<string> }
  const credential = credentialFor(issuerKey)
  const [fast, plain] = await signBoth(async (o) => await signCredential(credential, { key: issuerKey, date: DATE, ...o }))
  const options = { algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, base: null, rdfDirection: 'i18n-datatype', documentLoader }
  const canonical = async (doc: unknown): Promise<string> => await stock.canonize(structuredClone(doc), options)
  const [a, b] = await Promise.all([canonical(fast), canonical(plain)])
  assert.ok(a.split('\n').length > 30, 'a canonical form of some size')
  assert.is(a, b)
})

test('each path verifies what the other signed; the fast path decides only "verified"', async () => {
  const credential = credentialFor(issuerKey)
  const [fast, plain] = await signBoth(async (o) => await signCredential(credential, { key: issuerKey, ...o }))
  for (const signed of [fast, plain]) {
    const outcome = await bothOutcomes(async (o) => await verifyCredentialProof(signed, o))
    assert.is(outcome.fast.verified, true)
    assert.ok(outcome.decidedFast, 'decided on the fast path')
    assert.equal(outcome.fast, outcome.plain)
    const tampered = structuredClone(signed) as Json
    tampered.name = 'Something else'
    const bad = await bothOutcomes(async (o) => await verifyCredentialProof(tampered, o))
    assert.is(bad.fast.verified, false)
    assert.equal(bad.fast.codes, ['COFL_ERR_INVALID_SIGNATURE'])
    assert.not.ok(bad.decidedFast, 'a failure is decided by the plain pipeline')
    assert.equal(bad.fast, bad.plain)
  }
})

test('signing failures are the plain pipeline\'s failures', async () => {
  const withUndefinedTerm = { ...credentialFor(issuerKey), credentialSubject: { id: 'did:example:x', type: ['AchievementSubject'], notATerm: 'x' } }
  const noIssuer = { ...credentialFor(issuerKey) }
  delete noIssuer.issuer
  for (const [what, doc] of [['an undefined term', withUndefinedTerm], ['no issuer', noIssuer]] as const) {
    const errors: string[] = []
    for (const fast of [true, false]) {
      try {
        await signCredential(doc, { key: issuerKey, date: DATE, fast })
        assert.unreachable(`${what}: signed`)
      } catch (err) {
        assert.instance(err, SigningError)
        errors.push((err as Error).message)
      }
    }
    assert.is(errors[0], errors[1], what)
  }
  // A VC 1.1 credential (vc.issue adds its issuanceDate): the plain pipeline signs it, the same way.
  const v1 = { '@context': [CREDENTIALS_V1_CONTEXT], type: ['VerifiableCredential'], issuer: issuerKey.did, issuanceDate: '2026-01-01T00:00:00Z', credentialSubject: { id: 'did:example:x' } }
  const before = signPathCounts()
  const a = await signCredential(v1, { key: issuerKey, date: DATE })
  assert.is(signPathCounts().plain, before.plain + 1, 'VC 1.1: the plain pipeline signed')
  const b = await signCredential(v1, { key: issuerKey, date: DATE, fast: false })
  assert.is(JSON.stringify(a), JSON.stringify(b))
})

test('what the plain pipeline refuses is refused: the fast path leaves it undecided', async () => {
  const signed = await signCredential(credentialFor(issuerKey), { key: issuerKey, date: DATE }) as unknown as Json
  const purpose = new vc.CredentialIssuancePurpose()
  assert.ok(await verifyFast(signed, purpose, documentLoader), 'the unchanged credential verifies on the fast path')
  const proof = (signed.proof as Json[])[0] as Json
  // [what, the document, whether the plain pipeline verifies it]
  const variants: Array<[string, Json, boolean?]> = [
    ['a relative IRI as the subject id (dropped in safe mode)', { ...signed, credentialSubject: { ...(signed.credentialSubject as Json), id: 'learner-1' } }],
    ['a context that is not bundled', { ...signed, '@context': [...(signed['@context'] as string[]), 'https://unknown.example/context'] }],
    ['an inline context that redefines a term', { ...signed, '@context': [...(signed['@context'] as string[]), { name: 'https://example.org/#name' }] }],
    ['two proofs (both valid: the plain pipeline decides)', { ...signed, proof: [proof, proof] }, true],
    ['another suite', { ...signed, proof: [{ ...proof, type: 'Ed25519Signature2020' }] }],
    ['another proof purpose', { ...signed, proof: [{ ...proof, proofPurpose: 'authentication' }] }],
    ['a created that is no dateTime', { ...signed, proof: [{ ...proof, created: '2026-13-01T10:00:00Z' }] }],
    ['a proofValue in base64url', { ...signed, proof: [{ ...proof, proofValue: `u${Buffer.from('x'.repeat(64)).toString('base64url')}` }] }],
    ['no proofValue', { ...signed, proof: [{ ...proof, proofValue: undefined }] }],
    ['another issuer', { ...signed, issuer: { ...(signed.issuer as Json), id: holderKey.did } }],
    ['a verification method of another key', { ...signed, proof: [{ ...proof, verificationMethod: holderKey.id }] }]
  ]
  for (const [what, doc, verifies] of variants) {
    const document = JSON.parse(JSON.stringify(doc)) as Json
    assert.is(await verifyFast(document, purpose, documentLoader), undefined, what)
    const outcome = await bothOutcomes(async (o) => await verifyCredentialProof(document, o))
    assert.is(outcome.fast.verified, verifies === true, what)
    assert.not.ok(outcome.decidedFast, what)
    assert.equal(outcome.fast, outcome.plain, what)
  }
  const unbundled = await verifyCredentialProof({ ...signed, '@context': [...(signed['@context'] as string[]), 'https://unknown.example/context'] })
  assert.equal(unbundled.codes, ['COFL_ERR_CONTEXT_NOT_BUNDLED'])
})

test('a document proof and a presentation proof are checked for their own purpose', async () => {
  const doc = await signDocument(buildAchievementDocument({ id: 'https://plymouth.example.org/achievements/chess', name: 'Chess', description: 'Play', criteria: 'Win a game', creator: buildProfile({ id: issuerKey.did }) }), { key: issuerKey })
  const asDocument = await bothOutcomes(async (o) => await verifyDocumentProof(doc, o))
  assert.is(asDocument.fast.verified, true)
  assert.ok(asDocument.decidedFast)
  assert.equal(asDocument.fast, asDocument.plain)
  // an assertion proof is no authentication proof
  assert.is(await verifyFast(doc, new jsigs.purposes.AuthenticationProofPurpose({ challenge: 'x' }), documentLoader), undefined)
})

test('many verifications at once: the right verdict for each', async () => {
  const keys = [issuerKey, holderKey]
  const signed = await Promise.all(Array.from({ length: 24 }, async (_, i) => await signCredential(credentialFor(keys[i % 2] as KeyPair, `did:example:learner${i}`), { key: keys[i % 2] as KeyPair })))
  const documents = signed.map((c, i) => {
    if (i % 3 !== 0) return c
    const t = structuredClone(c) as unknown as Json
    t.name = `changed ${i}`
    return t
  })
  const outcomes = await Promise.all(documents.map(async (d) => await verifyCredentialProof(d)))
  outcomes.forEach((o, i) => { assert.is(o.verified, i % 3 !== 0, `credential ${i}`) })
})

test.run()
