// Published signing vectors, byte for byte: the W3C vc-di-eddsa eddsa-rdfc-2022 vectors and the
// OB 3.0 implementation guide's vector. Our canonical forms, hashes and signatures must equal the
// published ones from the published keys, and the published signed documents must verify.
import { createHash } from 'node:crypto'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { keyPairFromMultibase } from '@cofl/identity'
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
    // The issuer (https://vc.example/issuers/5678) is not the key's controller (a did:key): as a
    // credential the vector's proof is valid, but its issuer is not the signer.
    const asCredential = await verifyCredentialProof(signed, { documentLoader })
    assert.not.ok(asCredential.verified)
    assert.match(asCredential.errors.join(), /issuer must match/)
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
  const { generateKeyPair } = await import('@cofl/identity')
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
  const outcome = await verifyCredentialProof(published, { documentLoader })
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.is(outcome.warnings.length, 1, 'the key taken from the URL fragment is reported')
  assert.ok((await verifyCredentialProof(signed, { documentLoader })).verified)
  // without fragment keys, the https verification method cannot be resolved offline
  const strict = await verifyCredentialProof(published, { documentLoader, keyFromFragment: false })
  assert.not.ok(strict.verified)
  assert.equal(strict.codes, ['COFL_ERR_CONTEXT_NOT_BUNDLED'])
})

test.run()
