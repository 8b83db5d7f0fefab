// The binding rule: a proof counts only by a key that the signer's own controller document binds
// to it. A did:key issuer's only key is its DID's own; a URL (or did:web) issuer's key needs the
// issuer's document, which this verifier holds only when given; a key merely written in a URL's
// fragment is never taken on trust. And the three outcomes of a proof set: verified, failed,
// indeterminate (cannot be checked here). Each case on the fast path and on the plain pipeline.
import { buildControllerDocument, generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildAchievement, buildAchievementDocument, buildOpenBadgeCredential, buildProfile, createVerificationLoader, CREDENTIALS_V2_CONTEXT,
  signCredential, signDocument, signPresentation, verifyCredentialProof, verifyDocumentProof, verifyPresentationProof
} from '../src/index.js'
import type { DocumentLoader, ProofOutcome } from '../src/index.js'

type Json = Record<string, unknown>
const HARVARD = 'https://www.harvard.edu/issuers/1'

function unsignedFrom (issuer: string): Json {
  const profile = buildProfile({ id: issuer, name: 'Harvard University' })
  const achievement = buildAchievement({ name: 'Doctor of Law', description: 'Honoris causa', criteria: 'Awarded by the corporation', creator: profile })
  return buildOpenBadgeCredential({ issuer: profile, achievement, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }) as unknown as Json
}

/** A fresh key pair whose proofs name `method` (controller: `method` without its fragment). */
async function keyNamed (method: (key: KeyPair) => string): Promise<KeyPair> {
  const key = await generateKeyPair()
  key.multikey.id = method(key)
  key.multikey.controller = key.multikey.id.split('#')[0] as string
  return key
}

async function signed (issuer: string, key: KeyPair): Promise<Json> {
  return await signCredential(unsignedFrom(issuer), { key }) as unknown as Json
}

/** Both paths' outcomes; they must agree on the verdict and the codes. */
async function both (document: unknown, documentLoader?: DocumentLoader, controller?: string): Promise<ProofOutcome> {
  const options = { ...(documentLoader != null ? { documentLoader } : {}), ...(controller != null ? { controller } : {}) }
  const fast = await verifyCredentialProof(document, options)
  const plain = await verifyCredentialProof(document, { ...options, fast: false })
  assert.equal([plain.verified, plain.indeterminate, plain.codes], [fast.verified, fast.indeterminate, fast.codes], 'the fast path and the plain pipeline agree')
  return fast
}

function assertFailed (outcome: ProofOutcome, code: string, reason?: RegExp): void {
  assert.is(outcome.verified, false, outcome.errors.join('; '))
  assert.is(outcome.indeterminate, false, outcome.errors.join('; '))
  assert.is(outcome.codes[0], code, outcome.errors.join('; '))
  if (reason != null) assert.match(outcome.errors.join('; '), reason)
}

function assertIndeterminate (outcome: ProofOutcome, code: string, reason?: RegExp): void {
  assert.is(outcome.verified, false, outcome.errors.join('; '))
  assert.is(outcome.indeterminate, true, outcome.errors.join('; '))
  assert.equal(outcome.verificationMethods, [])
  assert.is(outcome.codes[0], code, outcome.errors.join('; '))
  if (reason != null) assert.match(outcome.errors.join('; '), reason)
}

test('a did:key issuer: its own key verifies; its controller is the DID', async () => {
  const key = await generateKeyPair()
  const outcome = await both(await signed(key.did, key))
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.equal(outcome.verificationMethods, [key.multikey.id])
  assert.equal(outcome.controllers, [key.did])
})

test('a did:key issuer, the proof by another did:key\'s key: invalid (a did:key names only its own key)', async () => {
  const issuer = await generateKeyPair()
  const forger = await generateKeyPair()
  assertFailed(await both(await signed(issuer.did, forger)), 'COFL_ERR_KEY_NOT_BOUND', new RegExp(`${forger.did}#\\w+, which is not ${issuer.did}'s`))
})

test('a did:key issuer, the proof by another key under the issuer\'s own DID (did:key:A#B): invalid', async () => {
  const issuer = await generateKeyPair()
  const forger = await keyNamed((k) => `${issuer.did}#${k.publicKeyMultibase}`)
  const outcome = await both(await signed(issuer.did, forger))
  assert.is(outcome.verified, false)
  assert.is(outcome.indeterminate, false)
  assert.match(outcome.errors.join(), /has no verification method/)
})

test('a did:key issuer, the proof by a key in an https URL\'s fragment: invalid, not merely unchecked', async () => {
  const issuer = await generateKeyPair()
  const forger = await keyNamed((k) => `https://attacker.example/k#${k.publicKeyMultibase}`)
  assertFailed(await both(await signed(issuer.did, forger)), 'COFL_ERR_KEY_NOT_BOUND')
})

test('an https issuer, the key in the fragment of the issuer\'s own URL: cannot be checked here, never valid', async () => {
  const forger = await keyNamed((k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const forged = await signed(HARVARD, forger)
  assertIndeterminate(await both(forged), 'COFL_ERR_CONTROLLER_UNRESOLVED', /not taken on trust/)
  assert.not.ok((await verifyDocumentProof(forged)).verified, 'nor as a document')
})

test('an https issuer, the key in a fragment on another origin: cannot be checked here, never valid', async () => {
  const forger = await keyNamed((k) => `https://attacker.example/k#${k.publicKeyMultibase}`)
  assertIndeterminate(await both(await signed(HARVARD, forger)), 'COFL_ERR_CONTROLLER_UNRESOLVED', /bound to https:\/\/www\.harvard\.edu\/issuers\/1 only by https:\/\/attacker\.example\/k's own document/)
})

test('an https issuer with its document held: its key verifies; a key it does not name, or a document of someone else, does not', async () => {
  const genuine = await keyNamed((k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const document = buildControllerDocument(HARVARD, [genuine.publicKeyMultibase])
  const loader = createVerificationLoader({ controllerDocuments: [document] })
  const outcome = await both(await signed(HARVARD, genuine), loader)
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.equal(outcome.controllers, [HARVARD])
  assert.equal(outcome.warnings, [])
  // The fragment key of a forger, on the issuer's URL: the issuer's document does not name it.
  const forger = await keyNamed((k) => `${HARVARD}#${k.publicKeyMultibase}`)
  assertFailed(await both(await signed(HARVARD, forger), loader), 'COFL_ERR_KEY_NOT_BOUND', /which the document of https:\/\/www\.harvard\.edu\/issuers\/1 does not name/)
  // A key bound by another issuer's document (held too) does not sign for Harvard.
  const other = await keyNamed((k) => `https://other.example/issuer#${k.publicKeyMultibase}`)
  const both2 = createVerificationLoader({ controllerDocuments: [document, buildControllerDocument('https://other.example/issuer', [other.publicKeyMultibase])] })
  assertFailed(await both(await signed(HARVARD, other), both2), 'COFL_ERR_PROOF_PURPOSE', /issuer must match the verification method controller/)
  // As a document signed for Harvard (no credential purpose to check the issuer): the binding rule says the same.
  const achievement = await signDocument(buildAchievementDocument({ name: 'Law', description: 'Honoris causa', criteria: 'Awarded', creator: buildProfile({ id: HARVARD }) }), { key: other })
  assertFailed(await verifyDocumentProof(achievement, { documentLoader: both2, controller: HARVARD }), 'COFL_ERR_KEY_NOT_BOUND', /controlled by https:\/\/other\.example\/issuer, not by https:\/\/www\.harvard\.edu\/issuers\/1/)
})

test('a did:web issuer (or any DID method not resolved here): cannot be checked here', async () => {
  const key = await keyNamed((k) => `did:web:university.example#${k.publicKeyMultibase}`)
  assertIndeterminate(await both(await signed('did:web:university.example', key)), 'COFL_ERR_DID_METHOD_NOT_SUPPORTED', /DID method "web" not supported offline/)
  const example = await keyNamed(() => 'did:example:123#key-1')
  assertIndeterminate(await both(await signed('did:example:123', example)), 'COFL_ERR_DID_METHOD_NOT_SUPPORTED')
})

test('a verification method that is no URL at all: invalid', async () => {
  const key = await keyNamed((k) => `xxx:${k.publicKeyMultibase}`)
  assertFailed(await both(await signed('xxx:issuer', key)), 'COFL_ERR_PROOF_INVALID', /neither a DID URL nor an http\(s\) URL/)
})

// ---- proof sets ------------------------------------------------------------------------------

const UNSUPPORTED = { type: 'DataIntegrityProof', cryptosuite: 'ecdsa-rdfc-2019', created: '2026-01-01T00:00:00Z', verificationMethod: 'did:key:zDnaexample#zDnaexample', proofPurpose: 'assertionMethod', proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKhL6zmrjhCiDfKHQ1cr' }

/** The issuer's credential with its own proof and `others` beside it, in that order. */
async function proofSet (key: KeyPair, issuer: string, ...others: Json[]): Promise<Json> {
  const credential = await signed(issuer, key)
  return { ...credential, proof: [...(credential.proof as Json[]), ...others] }
}

test('two proofs, one unsupported, one by the issuer\'s key: verified, the other said in a warning', async () => {
  const key = await generateKeyPair()
  const outcome = await verifyCredentialProof(await proofSet(key, key.did, UNSUPPORTED))
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.equal(outcome.verificationMethods, [key.multikey.id])
  assert.is(outcome.warnings.length, 1)
  assert.match(outcome.warnings[0] as string, /^not checked: proof 2 of 2 is a DataIntegrityProof \/ ecdsa-rdfc-2019/)
})

test('two proofs, one by the issuer\'s key and one forged: invalid', async () => {
  const key = await generateKeyPair()
  const credential = await signed(key.did, key)
  const [genuine] = credential.proof as Json[]
  const forged = { ...genuine, proofValue: String(genuine?.proofValue).slice(0, -2) + (String(genuine?.proofValue).endsWith('11') ? '22' : '11') }
  const outcome = await verifyCredentialProof({ ...credential, proof: [genuine, forged] })
  assertFailed(outcome, 'COFL_ERR_INVALID_SIGNATURE')
  // and a second proof by a key that is not the issuer's: invalid too
  const stranger = await generateKeyPair()
  const theirs = (await signed(key.did, stranger)).proof as Json[]
  assertFailed(await verifyCredentialProof({ ...credential, proof: [genuine, ...theirs] }), 'COFL_ERR_KEY_NOT_BOUND')
})

test('two proofs, one unsupported and one that cannot be resolved here: cannot be checked here', async () => {
  const forger = await keyNamed((k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const outcome = await verifyCredentialProof(await proofSet(forger, HARVARD, UNSUPPORTED))
  assert.ok(outcome.indeterminate)
  assert.equal(outcome.codes.sort(), ['COFL_ERR_CONTROLLER_UNRESOLVED', 'COFL_ERR_PROOF_UNSUPPORTED'])
})

test('no proof at all: invalid, not indeterminate', async () => {
  const key = await generateKeyPair()
  const { proof: _proof, ...unsigned } = await signed(key.did, key)
  assertFailed(await verifyCredentialProof(unsigned), 'COFL_ERR_NO_PROOF')
})

// ---- documents and presentations -------------------------------------------------------------

test('a document with an expected controller: only that DID\'s key', async () => {
  const key = await generateKeyPair()
  const other = await generateKeyPair()
  const document = await signDocument(buildAchievementDocument({ name: 'Coding Club', description: '10 sessions', criteria: 'Attend', creator: buildProfile({ id: key.did }) }), { key })
  assert.ok((await verifyDocumentProof(document, { controller: key.did })).verified)
  assertFailed(await verifyDocumentProof(document, { controller: other.did }), 'COFL_ERR_KEY_NOT_BOUND')
  // without an expected controller a document proof holds for whoever's key made it
  assert.ok((await verifyDocumentProof(document)).verified)
})

test('a presentation with an expected controller (its holder): only the holder\'s key', async () => {
  const holder = await generateKeyPair()
  const other = await generateKeyPair()
  const vp = await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: holder.did }, { key: other, challenge: 'c-1' })
  assert.ok((await verifyPresentationProof(vp, { challenge: 'c-1' })).verified, 'the signature itself holds')
  assertFailed(await verifyPresentationProof(vp, { challenge: 'c-1', controller: holder.did }), 'COFL_ERR_KEY_NOT_BOUND')
  const own = await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: holder.did }, { key: holder, challenge: 'c-1' })
  const outcome = await verifyPresentationProof(own, { challenge: 'c-1', controller: holder.did })
  assert.ok(outcome.verified)
  assert.equal(outcome.controllers, [holder.did])
})

test('controllerDocuments: each needs an id; the loader answers the document and each method', async () => {
  assert.throws(() => createVerificationLoader({ controllerDocuments: [{}] }), /controllerDocuments\[0\] must be an object with an id/)
  const key = await generateKeyPair()
  const document = buildControllerDocument(HARVARD, [key.publicKeyMultibase])
  const loader = createVerificationLoader({ controllerDocuments: [document] })
  assert.is(((await loader(HARVARD)).document as Json).id, HARVARD)
  const method = (await loader(`${HARVARD}#${key.publicKeyMultibase}`)).document as Json
  assert.equal([method.type, method.controller, method.publicKeyMultibase], ['Multikey', HARVARD, key.publicKeyMultibase])
  await loader(`${HARVARD}#another`).then(() => assert.unreachable('a key the document does not name'), (err: Error & { code?: string }) => { assert.is(err.code, 'COFL_ERR_CONTEXT_NOT_BUNDLED') })
})

test.run()
