// The verifier's verdicts on the third-party fixture sets of test/vectors/fixtures (see its
// EXPECTED-OUTCOMES.md), verified offline at a fixed time. Each row names every check that must
// fail or cannot be checked here, with its code and a pattern of its reason; its verdict follows
// (a failed check: invalid; else one that cannot be checked: indeterminate; else valid). Where our
// verdict differs from the table's, the row says why.
//
// The 1EdTech fixtures' issuers are URLs (https://example.com/issuers/876543, ...), whose keys
// their proofs name in the URL's fragment. A key is bound to a URL issuer only by the issuer's
// document: the rows are verified with the issuers' documents that a verifier which resolved
// those URLs would hold (ISSUER_DOCUMENTS); without them (a node's default), none of those
// credentials is valid (the last tests).
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVerificationLoader, ED25519_2020_V1_CONTEXT } from '@cofl/credentials'
import type { DocumentLoader } from '@cofl/credentials'
import { buildControllerDocument } from '@cofl/identity'
import { createVerifier } from '../src/index.js'
import type { CheckId, Verdict, VerificationReport } from '../src/index.js'
import { assertCheck, at, checkOf, CONTEXTS, failedChecks, FIXTURES, fixture, noThrow, readJson } from './helpers.js'

/** A check that fails (or, marked 'indeterminate', cannot be checked here), its code and reason. */
type Fail = [check: CheckId, code: string, reason: RegExp, outcome?: 'indeterminate']
interface Row { file: string, fails: Fail[], warning?: RegExp }
const ok = (file: string, warning?: RegExp): Row => ({ file, fails: [], ...(warning != null ? { warning } : {}) })
const bad = (file: string, ...fails: Fail[]): Row => ({ file, fails })
const unchecked = (check: CheckId, code: string, reason: RegExp): Fail => [check, code, reason, 'indeterminate']

// Frequent reasons.
const DID_WEB = unchecked('proof', 'COFL_ERR_DID_METHOD_NOT_SUPPORTED', /DID method "web" not supported offline/)
const EXPIRED_2010: Fail = ['validity', 'COFL_ERR_EXPIRED', /expired on 2010-01-02/]
const LIST_ISSUER: Fail = ['status', 'COFL_ERR_STATUS_LIST_ISSUER', /e5WK8CbZ1GjycuPombrj was issued by did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q, not by the credential's issuer/]
const UNDEFINED = (term: string): Fail => ['proof', 'COFL_ERR_UNDEFINED_TERM', new RegExp(`"${term}" is not defined by the document's JSON-LD contexts`)]
const SCHEMA = (what: RegExp): Fail => ['schema', 'COFL_ERR_SCHEMA', what]

const OB = '1edtech-validator-ob30/ob30/'
const ONE_EDTECH: Row[] = [
  ok(`${OB}simple.json`),
  ok(`${OB}simple.1ob`),
  ok(`${OB}simple-context-alias.json`),
  ok(`${OB}simple-context-version.json`),
  // Despite its name, its verification method is https://1edtech.edu/issuers/565049#z6Mk... (no did:web).
  ok(`${OB}simple-did-web-method.json`),
  ok(`${OB}simple_v1.json`, /outdated context: the credential uses VC 1\.1/),
  ok(`${OB}endorsement-valid.json`),
  ok(`${OB}bit-string-list/testlist`),
  // Table: valid. The verification method is a bare did:key, not the key of the issuer urn:uuid:...
  bad(`${OB}simple-did-key-method.json`, ['proof', 'COFL_ERR_KEY_NOT_BOUND', /made with the key of did:key:z6MkjZRZ\w+, not with a key of urn:uuid:6f2e33e5/]),
  // Table: 1 error (the unknown proof type). One proof verifies by the issuer's key and none fails:
  // valid, the proof that cannot be checked said in a warning.
  ok(`${OB}simple-multiple-proofs.json`, /^not checked: proof 1 of 2 is a SomeProofType, which this verifier does not support/),
  bad(`${OB}simple-eddsa-2022.json`, unchecked('proof', 'COFL_ERR_PROOF_UNSUPPORTED', /DataIntegrityProof \/ eddsa-2022, which this verifier does not support/)),
  bad(`${OB}sd/derivedcredential.json`, unchecked('proof', 'COFL_ERR_PROOF_UNSUPPORTED', /DataIntegrityProof \/ ecdsa-sd-2023, which this verifier does not support/)),
  bad(`${OB}simple-noproof.json`, ['proof', 'COFL_ERR_NO_PROOF', /no proof/]),
  bad(`${OB}simple-err-proof-value.json`, ['proof', 'COFL_ERR_INVALID_SIGNATURE', /signature does not match/]),
  // A garbled key that the issuer's document does not name.
  bad(`${OB}simple-err-proof-method.json`, ['proof', 'COFL_ERR_KEY_NOT_BOUND', /#z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi, which the document of https:\/\/example\.edu\/issuers\/565049 does not name/]),
  bad(`${OB}simple-err-proof-method-no-scheme.json`, ['proof', 'COFL_ERR_PROOF_INVALID', /verification method "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", which is neither a DID URL nor an http\(s\) URL/]),
  bad(`${OB}simple-err-proof-method-unknown-scheme.json`, ['proof', 'COFL_ERR_PROOF_INVALID', /verification method "xxx:z6Mk\w+", which is neither a DID URL nor an http\(s\) URL/]),
  // Table: invalid. A DID method this verifier cannot resolve: cannot be checked here.
  bad(`${OB}simple-err-proof-method-unknown-did-method.json`, unchecked('proof', 'COFL_ERR_DID_METHOD_NOT_SUPPORTED', /DID method "example" not supported offline/)),
  bad(`${OB}simple-err-expired.json`, ['validity', 'COFL_ERR_EXPIRED', /expired on 2010-01-01/]),
  bad(`${OB}simple-err-issued.json`, SCHEMA(/must have required property 'achievement'/), ['validity', 'COFL_ERR_NOT_YET_VALID', /not yet valid: valid from 2040-01-01/]),
  // These fail the schema: their signatures are not computed (proof and status skipped), so the
  // terms their contexts do not define (COFL_ERR_UNDEFINED_TERM when the proof is computed) are not reported.
  bad(`${OB}simple-err-issuer.json`, ['format', 'COFL_ERR_NOT_A_CREDENTIAL', /"issuer" property is required/]),
  bad(`${OB}simple-err-context.json`, ['format', 'COFL_ERR_NOT_A_CREDENTIAL', /needs to be first in the list of contexts/]),
  bad(`${OB}simple-err-type.json`, UNDEFINED('OtherCredential')),
  bad(`${OB}simple-err-credential-subject-achievement-result-description-type.json`, SCHEMA(/resultDescription\/0\/type: must be array/)),
  bad(`${OB}simple-err-credential-subject-identifier-type.json`, SCHEMA(/identifier\/0\/type: must be one of "IdentityObject"/)),
  bad(`${OB}simple-err-credential-subject-profile-type.json`, SCHEMA(/source\/type: must be array/)),
  bad(`${OB}simple-err-credential-subject-result-type.json`, SCHEMA(/result\/1\/type: must contain "Result"/)),
  bad(`${OB}simple-err-credential-subject-type.json`, SCHEMA(/credentialSubject\/type: must contain "AchievementSubject"/)),
  bad(`${OB}simple-err-evidence-type.json`, SCHEMA(/evidence\/0\/type: must be array/)),
  bad(`${OB}simple-err-issuer-type.json`, SCHEMA(/issuer\/type: must contain "Profile"/)),
  bad(`${OB}simple-err-issuer-parentorg-type.json`, SCHEMA(/parentOrg\/type: must contain "Profile"/)),
  bad(`${OB}simple-err-issuer-otheridentifier-type.json`, SCHEMA(/otherIdentifier\/1\/type: must be one of "IdentifierEntry"/)),
  // Table: invalid upstream only for a 404 credentialSchema; we cannot check its 1EdTechRevocationList status.
  bad(`${OB}complete.json`, unchecked('status', 'COFL_ERR_STATUS_TYPE_UNSUPPORTED', /status type 1EdTechRevocationList is not supported/)),
  // Its key #key-1 is not one the issuer's document names.
  bad(`${OB}complete_v1.json`, ['proof', 'COFL_ERR_KEY_NOT_BOUND', /#key-1, which the document of https:\/\/1edtech\.edu\/issuers\/565049 does not name/], ['validity', 'COFL_ERR_EXPIRED', /expired on 2020-01-01/]),
  // Table (local check): signature VALID, key from the fragment. Its method is did:web:...#z6Mk...: not resolved offline.
  bad(`${OB}credential-status-revoked.json`, DID_WEB),
  bad(`${OB}bit-string-list/credential-status-revoked.json`, ['status', 'COFL_ERR_STATUS_REVOKED', /^revoked by its issuer \(revoked: bit 23 of revocation list/]),
  bad(`${OB}bit-string-list/credential-status-revoked-blank-nodes.json`, ['status', 'COFL_ERR_STATUS_REVOKED', /^revoked by its issuer \(revoked: bit 23 of/]),
  bad(`${OB}endorsement-err-schema-status-refresh.json`, ['proof', 'COFL_ERR_INVALID_SIGNATURE', /signature does not match/])
]

const V2 = 'dcc-vc-test-fixtures/verifiableCredentials/v2/'
const BOTH = `${V2}bothSignatureTypes/`
const DI = `${V2}dataIntegrityProof/`
const ED = `${V2}ed25519/`
const NOT_OB_ACHIEVEMENT_TYPE = SCHEMA(/achievementType: must be one of "Achievement"/)
const DCC: Row[] = [
  ok(`${BOTH}didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json`),
  ok(`${BOTH}didkey/legacy-noStatus-noExpiry.json`),
  ok(`${BOTH}didkey/legacy-noStatus-notExpired-endorsement-withSchema.json`),
  ok(`${BOTH}didkey/legacy-noStatus-notExpired-endorsement.json`),
  bad(`${BOTH}didkey/noRegistry-revokedStatus-expired.json`, LIST_ISSUER, EXPIRED_2010),
  bad(`${BOTH}didkey/noRegistry-revokedStatus-notExpired.json`, LIST_ISSUER),
  bad(`${BOTH}didkey/oidf-revokedStatus-noExpiry.json`, LIST_ISSUER),
  bad(`${BOTH}didweb/legacy-revokedStatus-expired.json`, DID_WEB, EXPIRED_2010),
  bad(`${BOTH}didweb/legacy-revokedStatus-noExpiry.json`, DID_WEB),
  bad(`${BOTH}didweb/oidf-noStatus-notExpired.json`, DID_WEB),
  ok(`${DI}didKey/legacyRegistry-noStatus-noExpiry-OBSpecExample.json`),
  ok(`${DI}didKey/legacyRegistry-noStatus-noExpiry-achievementTypeExample.json`),
  ok(`${DI}didKey/legacyRegistry-noStatus-noExpiry-alignments.json`),
  ok(`${DI}didKey/legacyRegistry-noStatus-noExpiry-basicOBv3.json`),
  ok(`${DI}didKey/legacyRegistry-noStatus-noExpiry-minimal.json`),
  ok(`${DI}didKey/legacyRegistry-noStatus-notExpired-withSchema.json`),
  // Table: valid (it judges signatures and dates). achievementType "Program" is not an OB 3.0 AchievementType.
  bad(`${DI}didKey/legacyRegistry-noStatus-noExpiry-credName.json`, NOT_OB_ACHIEVEMENT_TYPE),
  bad(`${DI}didKey/legacyRegistry-noStatus-noExpiry-credSubjName.json`, NOT_OB_ACHIEVEMENT_TYPE),
  bad(`${DI}didKey/legacyRegistry-noStatus-noExpiry-identityHash.json`, NOT_OB_ACHIEVEMENT_TYPE),
  // Its issuer's embedded endorsement has a single proof object: valid VC 2.0 (1EdTech spec issue 473).
  ok(`${DI}didKey/oidf-noStatus-notExpired-complexIssuer.json`),
  bad(`${DI}didKey/noRegistry-revokedStatus-noExpiry.json`, LIST_ISSUER, EXPIRED_2010),
  bad(`${DI}didKey/noRegsitry-revokedStatus-notExpired.json`, LIST_ISSUER),
  bad(`${DI}didKey/oidf-noStatus-notExpired-notYetValid.json`, ['validity', 'COFL_ERR_NOT_YET_VALID', /valid from 2099-01-01/]),
  bad(`${DI}didKey/oidf-revokedStatus-noExpiry.json`, LIST_ISSUER),
  // Its status list is the e5WK list (LIST_ISSUER), not looked at: the schema refused it, so its proof and status are skipped.
  bad(`${DI}didKey/twoOIDF-revoked-notExpired-badSchema.json`, SCHEMA(/must have required property 'validFrom'/)),
  // Table: status ok (index 7). The list's issuer is not the credential's.
  bad(`${DI}didKey/twoOIDF-validStatus-expired.json`, LIST_ISSUER, EXPIRED_2010),
  bad(`${DI}didweb/legacy-revokedStatus-expired.json`, DID_WEB, EXPIRED_2010),
  bad(`${DI}didweb/legacy-revokedStatus-noExpiry.json`, DID_WEB),
  bad(`${DI}didweb/oidf-noStatus-notExpired.json`, DID_WEB),
  ok(`${ED}didKey/legacy-noStatus-noExpiry.json`),
  ok(`${ED}didKey/legacy-noStatus-noExpiry-lcwExperience.json`),
  ok(`${ED}didKey/legacy-noStatus-noExpiry-stringIssuerId.json`),
  bad(`${ED}didKey/legacy-noStatus-noExpiry-tampered.json`, ['proof', 'COFL_ERR_INVALID_SIGNATURE', /signature does not match/]),
  bad(`${ED}didKey/legacy-noStatus-expired.json`, ['validity', 'COFL_ERR_EXPIRED', /expired on 2011-01-01/]),
  bad(`${ED}didKey/legacy-tamperedStatus-noExpiry.json`, ['status', 'COFL_ERR_STATUS_LIST_INVALID', /tampered does not verify: the signature does not match/]),
  bad(`${ED}didKey/legacy-expiredStatus-noExpiry.json`, ['status', 'COFL_ERR_STATUS_LIST_INVALID', /expired is expired on 2021-01-09/]),
  bad(`${ED}didKey/legacy-notYetValidStatus-noExpiry.json`, ['status', 'COFL_ERR_STATUS_LIST_INVALID', /notYetValid is not yet valid/]),
  bad(`${ED}didKey/legacy-missingTypeStatus-noExpiry.json`, ['status', 'COFL_ERR_STATUS_LIST_INVALID', /is not a BitstringStatusListCredential/]),
  bad(`${ED}didKey/noRegistry-revokedStatus-expired.json`, LIST_ISSUER, EXPIRED_2010),
  bad(`${ED}didKey/noRegistry-revokedStatus-notExpired.json`, LIST_ISSUER),
  bad(`${ED}didKey/oidf-revokedStatus-noExpiry.json`, LIST_ISSUER),
  bad(`${ED}didWeb/badDidWeb.json`, DID_WEB),
  bad(`${ED}didWeb/legacy-revokedStatus-expired.json`, DID_WEB, EXPIRED_2010),
  bad(`${ED}didWeb/legacy-revokedStatus-noExpiry.json`, DID_WEB),
  bad(`${ED}didWeb/oidf-noStatus-notExpired.json`, DID_WEB)
]

// The status lists, under the URLs the credentials name them by.
const DCC_LISTS = 'dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/'
const DCC_PUBLISHED = 'https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/'
const DCC_CORE_URL = 'https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj'
const TESTLIST_URL = 'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist'
const E5WK = fixture(`${DCC_LISTS}e5WK8CbZ1GjycuPombrj`)
const LISTS = new Map<string, unknown>([
  [DCC_CORE_URL, fixture('dcc-verifier-core/status/e5WK8CbZ1GjycuPombrj')],
  [TESTLIST_URL, fixture(`${OB}bit-string-list/testlist`)],
  ...['e5WK8CbZ1GjycuPombrj', 'expired', 'missingBitStringType', 'notYetValid', 'tampered']
    .map((name): [string, unknown] => [DCC_PUBLISHED + name, fixture(DCC_LISTS + name)])
])
// The documents of the 1EdTech fixtures' URL issuers, naming the keys their fixtures are signed
// with (the 1EdTech validator's key z6MkjZRZ... is the OB 3.0 vector's, EXPECTED-OUTCOMES.md):
// what a verifier that resolved those issuer URLs would hold.
const VALIDATOR_KEY = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'
const ISSUER_DOCUMENTS = [
  buildControllerDocument('https://example.com/issuers/876543', [VALIDATOR_KEY, 'z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv', 'z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x']),
  buildControllerDocument('https://example.edu/issuers/565049', [VALIDATOR_KEY]),
  buildControllerDocument('https://1edtech.edu/issuers/565049', [VALIDATOR_KEY, 'z6Mknyb2Gb4NxzW3xSr9ChTtdQZ1zs77piQ3r9SaJ9vMzmrs']),
  buildControllerDocument('https://state.gov/issuers/565049', ['z6MkmQ49FhpMN7V11B7Qzc6WC6Q3ymVW4xmHUsHBR2MWMMo1', 'z6MkoMGF38Ck9xkdqrbZt4h9eHb1qc3GhAAkoSWa4Vy3SHRN'])
]
const bound = createVerificationLoader({ controllerDocuments: ISSUER_DOCUMENTS })
const verifier = createVerifier({ statusLists: LISTS, now: at, documentLoader: bound })

function verdictOf (row: Row): Verdict {
  if (row.fails.some((f) => f[3] == null)) return 'invalid'
  return row.fails.length > 0 ? 'indeterminate' : 'valid'
}

function assertRow (row: Row, report: VerificationReport): void {
  const where = `${row.file}: ${JSON.stringify(report.checks)}`
  assert.is(report.verdict, verdictOf(row), where)
  assert.is(report.verified, verdictOf(row) === 'valid', where)
  assert.equal(failedChecks(report), row.fails.filter((f) => f[3] == null).map(([id]) => id).sort(), where)
  assert.equal(report.checks.filter((c) => c.outcome === 'indeterminate').map((c) => c.id).sort(), row.fails.filter((f) => f[3] != null).map(([id]) => id).sort(), where)
  for (const [id, code, reason, outcome] of row.fails) assertCheck(report, id, outcome ?? 'failed', code, reason)
  // A credential the schema refuses: its signature is not computed, nor its status looked at.
  if (row.fails.some(([id]) => id === 'schema')) {
    assertCheck(report, 'proof', 'skipped', undefined, /does not match the OB 3\.0 schema, so its signature is not computed/)
    assertCheck(report, 'status', 'skipped')
  }
  if (row.warning != null) assert.ok(report.warnings.some((w) => row.warning?.test(w) === true), `${row.file}: warnings ${JSON.stringify(report.warnings)}`)
}

// First of this file's tests: since @cofl/credentials tags its bundled contexts `static`, jsonld.js
// keeps a resolved bundled context for the life of the process and no later document loader is
// asked for that URL again. The copy must be served before anything in this process resolves the
// bundled Ed25519 2020 context (the count of copies served tells if it was not).
test('Ed25519Signature2020 fixtures: same verdicts with the bundled context and the older vector copy', async () => {
  const copy = readJson(join(CONTEXTS, 'w3c/lds-ed25519-2020-v1.json'))
  const base = createVerificationLoader()
  let served = 0
  const documentLoader: DocumentLoader = async (url) => {
    if (url !== ED25519_2020_V1_CONTEXT) return await base(url)
    served++
    return { contextUrl: null, documentUrl: url, document: copy }
  }
  const withCopy = createVerifier({ statusLists: LISTS, now: at, documentLoader })
  const plain = createVerifier({ statusLists: LISTS, now: at })
  const rows = DCC.filter((r) => JSON.stringify(fixture(r.file).proof).includes('Ed25519Signature2020'))
  assert.is(rows.length, 26)
  // Every copy first: a bundled verification in between would put the bundled context in the cache.
  const older: VerificationReport[] = []
  for (const row of rows) older.push(await withCopy.verify(fixture(row.file)))
  const copiesServed = served
  let verified = 0
  for (const [i, row] of rows.entries()) {
    const report = older[i] as VerificationReport
    assert.equal(report.checks, (await plain.verify(fixture(row.file))).checks, row.file)
    assertRow(row, report)
    if (checkOf(report, 'proof').outcome === 'passed') verified++
  }
  assert.ok(copiesServed >= rows.length, `the vector copy was served ${copiesServed} times`)
  assert.is(verified, 18)
})

for (const row of [...ONE_EDTECH, ...DCC]) {
  test(`fixture ${row.file}`, async () => {
    assertRow(row, await noThrow(row.file, async () => await verifier.verify(fixture(row.file))))
  })
}

test('the tables cover every JSON credential of both sets', () => {
  const walk = (dir: string): string[] => readdirSync(join(dir), { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])
  const covered = new Set([...ONE_EDTECH, ...DCC].map((r) => r.file))
  const credentials = [...walk(join(FIXTURES, OB)), ...walk(join(FIXTURES, V2))]
    .filter((f) => /\.(json|1ob)$|\/testlist$/.test(f)).map((f) => relative(FIXTURES, f))
  assert.equal(credentials.filter((f) => !covered.has(f)), [])
  assert.is(covered.size, ONE_EDTECH.length + DCC.length, 'a file is listed twice')
})

test('VC 1.1 credentials: schema skipped with a warning, proof checked', async () => {
  const report = await verifier.verify(fixture(`${OB}simple_v1.json`))
  assertCheck(report, 'schema', 'skipped', undefined, /VC 1\.1 context/)
  assertCheck(report, 'proof', 'passed')
  assert.ok(report.warnings.some((w) => w.startsWith('outdated context')), JSON.stringify(report.warnings))
})

test('a proof set with an unsupported proof: the other proof decides, the warning names exactly that proof', async () => {
  const credential = fixture(`${OB}simple-multiple-proofs.json`)
  const report = await verifier.verify(credential)
  assertCheck(report, 'proof', 'passed', undefined, /signed by https:\/\/example\.com\/issuers\/876543 \(https:\/\/example\.com\/issuers\/876543#z6MkjZRZ/)
  const warning = report.warnings.filter((w) => w.startsWith('not checked:')).join('\n')
  assert.equal(warning.match(/proof \d of 2/g), ['proof 1 of 2'], warning)
  // The same set whose supported proof is forged: invalid, whatever the unsupported one says.
  const proofs = credential.proof as Array<Record<string, unknown>>
  const forged = { ...credential, proof: [proofs[0], { ...proofs[1], proofValue: String(proofs[1]?.proofValue).replace(/.$/, (c) => c === 'z' ? 'y' : 'z') }] }
  const invalid = await verifier.verify(forged)
  assertCheck(invalid, 'proof', 'failed', 'COFL_ERR_INVALID_SIGNATURE')
  assert.is(invalid.verdict, 'invalid')
  // Without the issuer's document, neither proof can be checked here.
  const unbound = await createVerifier({ statusLists: LISTS, now: at }).verify(credential)
  assertCheck(unbound, 'proof', 'indeterminate', 'COFL_ERR_PROOF_UNSUPPORTED')
  assert.is(unbound.verdict, 'indeterminate')
})

test('bothSignatureTypes: the eddsa-rdfc-2022 and the Ed25519Signature2020 proof both verify', async () => {
  for (const row of DCC.filter((r) => r.file.startsWith(`${BOTH}didkey/`))) {
    const credential = fixture(row.file)
    const types = (credential.proof as Array<{ type: string, cryptosuite?: string }>).map((p) => p.cryptosuite ?? p.type).sort()
    assert.equal(types, ['Ed25519Signature2020', 'eddsa-rdfc-2022'], row.file)
    const proof = assertCheck(await verifier.verify(credential), 'proof', 'passed')
    assert.is(proof.reason.match(/did:key:\w+#\w+/g)?.length, 2, proof.reason)
  }
})

test('DCC status lists: the list issuer is not the issuer of any credential that names it', async () => {
  assert.is(E5WK.issuer, 'did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q')
  const naming = DCC.filter((r) => JSON.stringify(fixture(r.file).credentialStatus ?? null).includes('e5WK8CbZ1GjycuPombrj'))
  assert.is(naming.length, 17)
  for (const row of naming) {
    const issuer = fixture(row.file).issuer as string | { id: string }
    assert.is.not(typeof issuer === 'string' ? issuer : issuer.id, E5WK.issuer, row.file)
  }
  // Not strict about the length: still refused, for the issuer (status is not looked at where the
  // signature cannot be checked here, or the schema refused the credential).
  const lax = createVerifier({ statusLists: LISTS, now: at, strictStatusListLength: false })
  for (const row of naming.filter((r) => !r.fails.includes(DID_WEB) && !r.fails.some(([id]) => id === 'schema'))) {
    assertCheck(await lax.verify(fixture(row.file)), 'status', 'failed', 'COFL_ERR_STATUS_LIST_ISSUER')
  }
})

test('DCC list length (100,000 bits): strict refuses it, not strict reads index 7 as clear', async () => {
  // No credential of the list's own issuer names e5WK8CbZ1GjycuPombrj. legacy-missingTypeStatus
  // (that issuer, index 7) is given the e5WK list in place of its own, to reach the length rule.
  const file = `${ED}didKey/legacy-missingTypeStatus-noExpiry.json`
  const lists = new Map([[`${DCC_PUBLISHED}missingBitStringType`, E5WK]])
  const strict = await createVerifier({ statusLists: lists, now: at }).verify(fixture(file))
  assertCheck(strict, 'status', 'failed', 'COFL_ERR_STATUS_LIST_LENGTH', /has 100000 bits, fewer than the 131072/)
  assert.is(strict.verified, false)
  const lax = await createVerifier({ statusLists: lists, now: at, strictStatusListLength: false }).verify(fixture(file))
  assertCheck(lax, 'status', 'passed', undefined, /^not revoked/)
  assert.ok(lax.warnings.some((w) => /100000 bits.*accepted: not strict/.test(w)), JSON.stringify(lax.warnings))
  assert.is(lax.verified, true, JSON.stringify(lax.checks))
})

test('a status entry whose list is not given: the status cannot be checked here', async () => {
  const report = await createVerifier({ now: at, documentLoader: bound }).verify(fixture(`${OB}bit-string-list/credential-status-revoked.json`))
  assertCheck(report, 'status', 'indeterminate', 'COFL_ERR_STATUS_LIST_UNAVAILABLE', /is not available to this verifier/)
  assert.is(report.verified, false)
  assert.is(report.verdict, 'indeterminate')
})

/** The verification methods a fixture's proofs name. */
function methodsOf (credential: Record<string, unknown>): string[] {
  return [credential.proof].flat().map((p) => (p as { verificationMethod?: unknown } | null)?.verificationMethod).filter((m): m is string => typeof m === 'string')
}

test('without the issuers\' documents (a node\'s default), no credential of a URL issuer is valid; the others\' verdicts stand', async () => {
  const unbound = createVerifier({ statusLists: LISTS, now: at })
  let urlKeys = 0
  for (const row of [...ONE_EDTECH, ...DCC]) {
    const credential = fixture(row.file)
    const report = await unbound.verify(credential)
    const where = `${row.file}: ${JSON.stringify(report.checks)}`
    if (!methodsOf(credential).some((m) => /^https?:/.test(m))) {
      assert.is(report.verdict, verdictOf(row), where)
      continue
    }
    urlKeys++
    // The key in the URL's fragment is not taken on trust: the proof cannot be checked here (or
    // was not reached); invalid only for what another check finds.
    assert.ok(['indeterminate', 'skipped'].includes(checkOf(report, 'proof').outcome), where)
    const failed = report.checks.filter((c) => c.outcome === 'failed')
    assert.is(report.verdict, failed.length > 0 ? 'invalid' : 'indeterminate', where)
    const proof = checkOf(report, 'proof')
    if (proof.outcome === 'indeterminate') assert.ok(['COFL_ERR_CONTROLLER_UNRESOLVED', 'COFL_ERR_PROOF_UNSUPPORTED'].includes(proof.code ?? ''), where)
    if (proof.code === 'COFL_ERR_CONTROLLER_UNRESOLVED' && row.file.endsWith('/simple.json')) assert.match(proof.reason, /a key written in the URL's fragment is not taken on trust/)
  }
  assert.ok(urlKeys >= 30, `${urlKeys} fixtures name a URL key`)
})

test.run()
