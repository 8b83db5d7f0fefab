// Three verdicts, not two. Invalid (a check failed: forged, tampered, a key that is not the
// issuer's, revoked, expired), indeterminate ("cannot be checked here": nothing failed, but a check
// could not be made: an unsupported cryptosuite, a DID method or an issuer's document this verifier
// cannot resolve, a status list it does not have), valid (every check that applies passed). With
// real keys, signatures and a status registry.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, createVerificationLoader, signCredential } from '@cofl/credentials'
import type { VerifiableCredential } from '@cofl/credentials'
import { buildControllerDocument, generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { Allocation, StatusRegistry } from '@cofl/status'
import { createVerifier, formatReport, verdictFromChecks } from '../src/index.js'
import type { Check, Verdict, VerificationReport } from '../src/index.js'
import { assertCheck, createIssuer, present, tampered, tempDir } from './helpers.js'
import type { TestIssuer } from './helpers.js'

const DAY = 24 * 3600 * 1000
const HARVARD = 'https://www.harvard.edu/issuers/1'
const UNSUPPORTED = { type: 'DataIntegrityProof', cryptosuite: 'ecdsa-rdfc-2019', created: '2026-01-01T00:00:00Z', verificationMethod: 'did:key:zDnaexample#zDnaexample', proofPurpose: 'assertionMethod', proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKhL6zmrjhCiDfKHQ1cr' }

let issuer: TestIssuer
let learner: KeyPair
let dir: Awaited<ReturnType<typeof tempDir>>
let registry: StatusRegistry
let lists: VerifiableCredential[]
let withStatus: VerifiableCredential
let revoked: VerifiableCredential

function assertVerdict (report: VerificationReport, verdict: Verdict): void {
  assert.is(report.verdict, verdict, formatReport(report))
  assert.is(report.verified, verdict === 'valid', 'verified is the verdict valid')
}

/** A credential of `issuerId`, signed by a fresh key whose proof names `method`. */
async function signedBy (issuerId: string, method: (key: KeyPair) => string, init: { validUntil?: Date } = {}): Promise<{ credential: VerifiableCredential, key: KeyPair }> {
  const key = await generateKeyPair()
  key.multikey.id = method(key)
  key.multikey.controller = key.multikey.id.split('#')[0] as string
  const profile = buildProfile({ id: issuerId, name: 'Harvard University' })
  const achievement = buildAchievement({ name: 'Doctor of Law', description: 'Honoris causa', criteria: 'Awarded', creator: profile })
  const credential = await signCredential(buildOpenBadgeCredential({ issuer: profile, achievement, subject: learner.did, ...init }), { key }) as unknown as VerifiableCredential
  return { credential, key }
}

test.before(async () => {
  issuer = await createIssuer()
  learner = await generateKeyPair()
  dir = await tempDir()
  registry = await openStatusRegistry({ directory: `${dir.path}/issuer`, issuer: issuer.did })
  const [a, b] = [await registry.allocate(), await registry.allocate()] as [Allocation, Allocation]
  withStatus = await issuer.issue(learner.did, { credentialStatus: a.entries[0] })
  revoked = await issuer.issue(learner.did, { credentialStatus: b.entries[0] })
  await registry.setStatus(b.entries[0] as Allocation['entries'][number], true)
  lists = [await signCredential(await registry.buildListCredential('revocation', a.listNumber), { key: issuer.key }) as unknown as VerifiableCredential]
})

test.after(async () => {
  await registry?.close()
  await dir?.remove()
})

test('verdictFromChecks: a failed check is invalid, else an indeterminate one is indeterminate, else valid', () => {
  const c = (outcome: Check['outcome']): Check => ({ id: 'proof', title: 'Signature', outcome, reason: outcome })
  assert.is(verdictFromChecks([c('passed'), c('skipped')]), 'valid')
  assert.is(verdictFromChecks([c('passed'), c('indeterminate'), c('skipped')]), 'indeterminate')
  assert.is(verdictFromChecks([c('indeterminate'), c('failed')]), 'invalid')
  assert.is(verdictFromChecks([c('failed'), c('passed')]), 'invalid')
  assert.is(verdictFromChecks([]), 'valid')
})

test('valid: every check that applies passed', async () => {
  const report = await createVerifier({ statusLists: lists }).verify(withStatus)
  assertVerdict(report, 'valid')
  assert.match(formatReport(report), /^VALID credential/)
})

test('invalid: tampered, revoked, expired, signed by a key that is not the issuer\'s', async () => {
  const verifier = createVerifier({ statusLists: lists })
  const changed = await verifier.verify(tampered(withStatus, (c) => { c.credentialSubject.achievement.name = 'Rocket Science' }))
  assertVerdict(changed, 'invalid')
  assertCheck(changed, 'proof', 'failed', 'COFL_ERR_INVALID_SIGNATURE')
  const gone = await verifier.verify(revoked)
  assertVerdict(gone, 'invalid')
  assertCheck(gone, 'status', 'failed', 'COFL_ERR_STATUS_REVOKED')
  const old = await verifier.verify(await issuer.issue(learner.did, { validFrom: new Date(Date.now() - 10 * DAY), validUntil: new Date(Date.now() - DAY) }))
  assertVerdict(old, 'invalid')
  assertCheck(old, 'validity', 'failed', 'COFL_ERR_EXPIRED')
  const { credential } = await signedBy(issuer.did, (k) => k.multikey.id as string)
  const foreign = await verifier.verify(credential)
  assertVerdict(foreign, 'invalid')
  assertCheck(foreign, 'proof', 'failed', 'COFL_ERR_KEY_NOT_BOUND')
  assert.match(formatReport(foreign), /^INVALID credential/)
})

test('indeterminate: a status list this verifier does not have', async () => {
  const report = await createVerifier().verify(withStatus)
  assertVerdict(report, 'indeterminate')
  assertCheck(report, 'proof', 'passed')
  assertCheck(report, 'status', 'indeterminate', 'COFL_ERR_STATUS_LIST_UNAVAILABLE', /not available to this verifier/)
  assert.match(formatReport(report), /^CANNOT BE CHECKED HERE credential/)
  assert.match(formatReport(report), /\[ \?\? \] Revocation and suspension: the status list/)
  // a status list it cannot get from its lookup either
  const lookup = await createVerifier({ getStatusList: async () => { throw new Error('offline') } }).verify(withStatus)
  assertVerdict(lookup, 'indeterminate')
})

test('indeterminate: an unsupported cryptosuite only', async () => {
  const { proof: _proof, ...unsigned } = withStatus as unknown as Record<string, unknown>
  const report = await createVerifier({ statusLists: lists }).verify({ ...unsigned, proof: [UNSUPPORTED] })
  assertVerdict(report, 'indeterminate')
  assertCheck(report, 'proof', 'indeterminate', 'COFL_ERR_PROOF_UNSUPPORTED', /ecdsa-rdfc-2019, which this verifier does not support/)
  assertCheck(report, 'status', 'skipped', undefined, /signature cannot be checked here/)
})

test('indeterminate: an issuer whose DID method is not resolved here (did:web)', async () => {
  const { credential } = await signedBy('did:web:university.example', (k) => `did:web:university.example#${k.publicKeyMultibase}`)
  const report = await createVerifier().verify(credential)
  assertVerdict(report, 'indeterminate')
  assertCheck(report, 'proof', 'indeterminate', 'COFL_ERR_DID_METHOD_NOT_SUPPORTED')
})

test('an https issuer whose key is named in a URL\'s fragment: indeterminate, never valid; with its document held: valid', async () => {
  const { credential, key } = await signedBy(HARVARD, (k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const report = await createVerifier().verify(credential)
  assertVerdict(report, 'indeterminate')
  assertCheck(report, 'proof', 'indeterminate', 'COFL_ERR_CONTROLLER_UNRESOLVED', /not taken on trust/)
  assert.is(report.trust, undefined, 'no trust is asked for a signature that was not checked')
  const elsewhere = await signedBy(HARVARD, (k) => `https://attacker.example/k#${k.publicKeyMultibase}`)
  assertVerdict(await createVerifier().verify(elsewhere.credential), 'indeterminate')
  const held = createVerifier({ documentLoader: createVerificationLoader({ controllerDocuments: [buildControllerDocument(HARVARD, [key.publicKeyMultibase])] }) })
  assertVerdict(await held.verify(credential), 'valid')
  // the forger's key from another origin is not the one Harvard's document names
  assertVerdict(await held.verify(elsewhere.credential), 'indeterminate')
  const sameOrigin = await signedBy(HARVARD, (k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const forged = await held.verify(sameOrigin.credential)
  assertVerdict(forged, 'invalid')
  assertCheck(forged, 'proof', 'failed', 'COFL_ERR_KEY_NOT_BOUND')
})

test('invalid beats indeterminate: expired and from an issuer that cannot be checked here', async () => {
  const { credential } = await signedBy(HARVARD, (k) => `${HARVARD}#${k.publicKeyMultibase}`, { validUntil: new Date(Date.now() - DAY) })
  const report = await createVerifier().verify(credential)
  assertVerdict(report, 'invalid')
  assertCheck(report, 'proof', 'indeterminate')
  assertCheck(report, 'validity', 'failed', 'COFL_ERR_EXPIRED')
})

test('two proofs: one unsupported and one by the issuer\'s key is valid; one forged is invalid', async () => {
  const verifier = createVerifier({ statusLists: lists })
  const proofs = (withStatus as unknown as { proof: Array<Record<string, unknown>> }).proof
  const set = { ...withStatus, proof: [UNSUPPORTED, ...proofs] }
  const report = await verifier.verify(set)
  assertVerdict(report, 'valid')
  assert.ok(report.warnings.some((w) => /^not checked: proof 1 of 2 is a DataIntegrityProof \/ ecdsa-rdfc-2019/.test(w)), JSON.stringify(report.warnings))
  const genuine = proofs[0] as Record<string, unknown>
  const value = String(genuine.proofValue)
  const forged = { ...genuine, proofValue: `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}` }
  const bad = await verifier.verify({ ...withStatus, proof: [genuine, forged] })
  assertVerdict(bad, 'invalid')
  assertCheck(bad, 'proof', 'failed')
  // an unsupported proof beside a forged one: invalid too
  assertVerdict(await verifier.verify({ ...withStatus, proof: [UNSUPPORTED, forged] }), 'invalid')
})

test('a presentation: a credential inside that cannot be checked here makes it indeterminate; a forged one, invalid', async () => {
  const { credential } = await signedBy(HARVARD, (k) => `${HARVARD}#${k.publicKeyMultibase}`)
  const vp = await present(learner.did, learner, [credential], 'c-1')
  const report = await createVerifier().verify(vp, { challenge: 'c-1' })
  assertVerdict(report, 'indeterminate')
  assertCheck(report, 'credentials', 'indeterminate', 'COFL_ERR_CREDENTIAL_UNCHECKED')
  assertCheck(report, 'holder', 'passed')
  const foreign = await signedBy(issuer.did, (k) => k.multikey.id as string)
  const worse = await createVerifier().verify(await present(learner.did, learner, [credential, foreign.credential], 'c-1'), { challenge: 'c-1' })
  assertVerdict(worse, 'invalid')
  assertCheck(worse, 'credentials', 'failed', 'COFL_ERR_CREDENTIAL_INVALID')
})

test('a presentation of a did:key holder signed by a key in an https URL\'s fragment: the holder check fails', async () => {
  const forger = await generateKeyPair()
  forger.multikey.id = `https://attacker.example/k#${forger.publicKeyMultibase}`
  forger.multikey.controller = 'https://attacker.example/k'
  const vp = await present(learner.did, forger, [await issuer.issue(learner.did)], 'c-2')
  const report = await createVerifier().verify(vp, { challenge: 'c-2' })
  assertVerdict(report, 'invalid')
  assertCheck(report, 'proof', 'indeterminate', 'COFL_ERR_CONTROLLER_UNRESOLVED')
  assertCheck(report, 'holder', 'failed', 'COFL_ERR_HOLDER', /signed by https:\/\/attacker\.example\/k, not by the holder/)
})

test.run()
