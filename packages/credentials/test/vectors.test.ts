// Published signing vectors, byte for byte: the W3C vc-di-eddsa eddsa-rdfc-2022 vectors and the
// OB 3.0 implementation guide's vector. Our canonical forms, hashes and signatures must equal the
// published ones from the published keys, and the published signed documents must verify where
// their key is bound to their signer: by its did:key, or by the issuer's controller document (the
// OB 3.0 vector's issuer is a URL; the test holds its document), never by a key written in a URL's
// fragment.
import { createHash } from 'node:crypto'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { buildControllerDocument, generateKeyPair, keyPairFromMultibase } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVerificationLoader, signCredential, validateSchema, verifyCredentialProof, verifyDocumentProof } from '../src/index.js'
import { readJson, readVector, TEST_CONTEXTS } from './helpers.js'

const documentLoader = createVerificationLoader({ contexts: TEST_CONTEXTS })
const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const trimmed = (path: string): string => readVector(path).trim()

async function checkVector (dir: string, unsignedPath: string, key: { publicKeyMultibase: string, secretKeyMultibase: string }, verificationMethod?: string): Promise<void> {
  const unsigned = readJson(unsignedPath)
  const proofConfig = readJson(`${dir}/proofConfigDataInt.json`)
  const suite = new DataIntegrityProof({ cryptosuite })
  // canonical document and its hash
  const canonDoc = await cryptosuite.canonize(unsigned, { documentLoader })
  assert.is(canonDoc, readVector(`${dir}/canonDocDataInt.txt`).replace(/\n?$/, '\n'), 'canonical document')
  assert.is(hex(sha256(canonDoc)), trimmed(`${dir}/docHashDataInt.txt`), 'document hash')
  // canonical proof options and their hash
  const canonProof = await suite.canonizeProof(proofConfig, { documentLoader, document: unsigned })
  assert.is(canonProof, readVector(`${dir}/proofCanonDataInt.txt`).replace(/\n?$/, '\n'), 'canonical proof options')
  assert.is(hex(sha256(canonProof)), trimmed(`${dir}/proofHashDataInt.txt`), 'proof hash')
  assert.is(hex(sha256(canonProof)) + hex(sha256(canonDoc)), trimmed(`${dir}/combinedHashDataInt.txt`), 'combined hash')
  // our signing path, from the published key and date, gives the published signature
  const keyPair = await keyPairFromMultibase(key)
  if (verificationMethod != null) {
    keyPair.multikey.id = verificationMethod
    keyPair.multikey.controller = verificationMethod.split('#')[0]
  }
  const signed = await signCredential(unsigned, { key: keyPair, date: proofConfig.created as string, documentLoader })
  const published = readJson(`${dir}/signedDataInt.json`) as { proof: { proofValue: string } }
  assert.is(signed.proof.length, 1)
  assert.is(signed.proof[0]?.proofValue, published.proof.proofValue, 'proofValue')
  const signature = await keyPair.multikey.signer().sign({ data: Buffer.concat([sha256(canonProof), sha256(canonDoc)]) })
  assert.is(hex(signature), trimmed(`${dir}/sigHexDataInt.txt`), 'signature')
}

const W3C_KEY = readJson<{ publicKeyMultibase: string, privateKeyMultibase: string }>('w3c-vc-di-eddsa/TestVectors/keyPair.json')
const w3cKey = { publicKeyMultibase: W3C_KEY.publicKeyMultibase, secretKeyMultibase: W3C_KEY.privateKeyMultibase }

test('W3C vc-di-eddsa eddsa-rdfc-2022: canonical forms, hashes and signature byte for byte', async () => {
  await checkVector('w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022', 'w3c-vc-di-eddsa/TestVectors/unsigned.json', w3cKey)
})

test('W3C vc-di-eddsa eddsa-rdfc-2022 (employment authorization): byte for byte', async () => {
  await checkVector('w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ', 'w3c-vc-di-eddsa/TestVectors/employmentAuth.json', w3cKey)
})

test('W3C signed vectors verify; a changed byte does not', async () => {
  for (const path of ['w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json', 'w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json']) {
    const signed = readJson(path)
    const outcome = await verifyDocumentProof(signed, { documentLoader })
    assert.ok(outcome.verified, `${path}: ${outcome.errors.join('; ')}`)
    // The issuer (https://vc.example/issuers/5678; employ: another did:key) is not the key's
    // controller (a did:key): as a credential the vector's proof is valid, but its issuer is not the signer.
    const asCredential = await verifyCredentialProof(signed, { documentLoader })
    assert.not.ok(asCredential.verified)
    assert.not.ok(asCredential.indeterminate)
    assert.equal(asCredential.codes, ['COFL_ERR_KEY_NOT_BOUND'])
    const issuer = typeof signed.issuer === 'string' ? signed.issuer : (signed.issuer as { id: string }).id
    assert.ok(asCredential.errors.join().includes(issuer), asCredential.errors.join())
    assert.match(asCredential.errors.join(), /made with the key (of )?did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2/)
    const tampered = structuredClone(signed) as Record<string, unknown>
    tampered.validFrom = '2023-01-01T00:00:01Z'
    const bad = await verifyDocumentProof(tampered, { documentLoader })
    assert.not.ok(bad.verified)
    assert.equal(bad.codes, ['COFL_ERR_INVALID_SIGNATURE'])
  }
})

test('OB 3.0 implementation guide vector: byte for byte, and the signed credential verifies', async () => {
  const dir = 'ob3/eddsa-rdfc-2022-test-vector'
  const k = readJson<Record<string, string>>(`${dir}/keypair-and-hashes.json`)
  const unsigned = readJson(`${dir}/credential-unsigned.json`)
  const options = readJson(`${dir}/proof-options.json`)
  const suite = new DataIntegrityProof({ cryptosuite })
  const canonDoc = await cryptosuite.canonize(unsigned, { documentLoader })
  assert.is(canonDoc, readVector(`${dir}/document-canon.txt`).replace(/\n?$/, '\n'))
  assert.is(hex(sha256(canonDoc)), k.documentHashHex)
  const canonProof = await suite.canonizeProof(options, { documentLoader, document: unsigned })
  assert.is(canonProof, readVector(`${dir}/proof-canon.txt`).replace(/\n?$/, '\n'))
  assert.is(hex(sha256(canonProof)), k.proofHashHex)

  const seed = Buffer.from(k.privateKeyHex_seedPlusPublic64 as string, 'hex').subarray(0, 32)
  const keyPair = await generateKeyPair({ seed })
  assert.is(keyPair.publicKeyMultibase, k.publicKeyMultibase)
  keyPair.multikey.id = k.verificationMethod
  keyPair.multikey.controller = k.controller
  const signed = await signCredential(unsigned, { key: keyPair, date: options.created as string, documentLoader })
  assert.is(signed.proof[0]?.proofValue, k.proofValue)
  assert.is(hex(await keyPair.multikey.signer().sign({ data: Buffer.from(k.dataToSignHex_proofHashThenDocumentHash as string, 'hex') })), k.signatureHex)

  // What we emit (proof as an array) passes the official schema; the published form (one object) does not.
  assert.ok(validateSchema('AchievementCredential', signed).valid, validateSchema('AchievementCredential', signed).errors.join('; '))
  const published = readJson(`${dir}/signed-credential.json`)
  assert.not.ok(validateSchema('AchievementCredential', published).valid)
  // The issuer is a URL: its key is bound to it by the issuer's document (here the test's, as a
  // verifier that resolved https://example.edu/issuers/565049 would hold it).
  const issuerDocument = buildControllerDocument(k.controller as string, [k.publicKeyMultibase as string])
  assert.is(issuerDocument.verificationMethod[0]?.id, k.verificationMethod)
  const bound = createVerificationLoader({ contexts: TEST_CONTEXTS, controllerDocuments: [issuerDocument] })
  const outcome = await verifyCredentialProof(published, { documentLoader: bound })
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.equal(outcome.warnings, [])
  assert.equal(outcome.controllers, [k.controller])
  assert.ok((await verifyCredentialProof(signed, { documentLoader: bound })).verified)
  assert.ok((await verifyCredentialProof(published, { documentLoader: bound, fast: false })).verified, 'the plain pipeline too')
  // Without the issuer's document, the key in the URL's fragment is not taken on trust: the
  // credential cannot be checked here (neither valid nor forged).
  for (const fast of [true, false]) {
    const unbound = await verifyCredentialProof(published, { documentLoader, fast })
    assert.not.ok(unbound.verified)
    assert.ok(unbound.indeterminate)
    assert.equal(unbound.codes, ['COFL_ERR_CONTROLLER_UNRESOLVED'])
    assert.match(unbound.errors.join(), /not taken on trust/)
  }
  // An issuer document that names another key: the fragment's key is not the issuer's (invalid).
  const rotated = buildControllerDocument(k.controller as string, [(await generateKeyPair()).publicKeyMultibase])
  const notBound = await verifyCredentialProof(published, { documentLoader: createVerificationLoader({ contexts: TEST_CONTEXTS, controllerDocuments: [rotated] }) })
  assert.not.ok(notBound.verified)
  assert.not.ok(notBound.indeterminate)
  assert.equal(notBound.codes, ['COFL_ERR_KEY_NOT_BOUND'])
})

test.run()
