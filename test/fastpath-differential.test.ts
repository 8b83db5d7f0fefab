// The fast path (the default) against the plain pipeline (@digitalbazaar/vc, jsonld-signatures
// and data-integrity as published: `fast: false`), on every credential, presentation and signed
// document of test/vectors (W3C vc-di-eddsa, OB 3.0, the third-party fixtures, Bitstring Status
// List; JSON files, files without an extension, baked SVG badges), on every signed object nested
// inside them (endorsements, credentials in presentations), on the vectors' credentials signed
// here by a key of ours, and on presentations of those. Verification: the same outcome on both
// paths (verdict, codes, reasons, warnings, verification methods). Signing: the same bytes
// (Ed25519 is deterministic) or the same error. And beneath both paths, the jsonld.js the project
// patches: every one of these documents and its proof options canonicalise to the same N-Quads,
// or fail the same way, with the patched jsonld and with jsonld-stock (the same version as published).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildPresentation, createVerificationLoader, proofPathCounts, signCredential, signDocument, signPresentation, verifyCredentialProof,
  verifyDocumentProof, verifyPresentationProof
} from '@cofl/credentials'
import type { DocumentLoader, ProofOptions, ProofOutcome, VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { readCredential } from '@cofl/formats'

type Json = Record<string, unknown>

const VECTORS = fileURLToPath(new URL('./vectors/', import.meta.url))
/** Folders of test/vectors that hold no credentials (contexts, JSON Schemas, the JSON-LD suite). */
const NOT_CREDENTIALS = new Set(['contexts', 'schemas', 'w3c-json-ld-api-tests'])
const DATE = '2026-01-15T10:00:00Z'

const readJson = (path: string): Json => JSON.parse(readFileSync(join(VECTORS, path), 'utf8')) as Json
/** Contexts only the W3C vectors use (never bundled in production). */
const TEST_CONTEXTS: ReadonlyMap<string, object> = new Map([
  ['https://www.w3.org/ns/credentials/examples/v2', readJson('contexts/w3c/credentials-examples-v2.jsonld')],
  ['https://w3id.org/citizenship/v4rc1', readJson('contexts/w3c/citizenship-v4rc1.jsonld')]
])
const documentLoader = createVerificationLoader({ contexts: TEST_CONTEXTS })

// The two paths. Everything else in this file is the same for both.
const FAST: ProofOptions = { documentLoader }
const PLAIN: ProofOptions = { documentLoader, fast: false }

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function files (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (!NOT_CREDENTIALS.has(name)) out.push(...files(path))
    } else if (!/\.(md|txt|jwt)$/.test(name)) {
      out.push(path)
    }
  }
  return out
}

/** The JSON objects of a vector file: parsed JSON, or the credential baked into an image. */
function objectsOf (path: string): Json[] {
  const bytes = readFileSync(path)
  let value: unknown
  if (/\.(svg|png)$/.test(path)) {
    try { value = readCredential(bytes).value } catch { return [] } // a VC-JWT is a string: not for these paths
  } else {
    try { value = JSON.parse(bytes.toString('utf8')) } catch { return [] }
  }
  return (Array.isArray(value) ? value : [value]).filter(isObject)
}

/** The objects with a proof inside `value` (an endorsement, a credential in a presentation). */
function nestedSigned (value: unknown, depth = 0, out: Json[] = []): Json[] {
  if (depth > 32) return out
  if (Array.isArray(value)) for (const v of value) nestedSigned(v, depth + 1, out)
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'proof') continue
      if (isObject(v) && v.proof != null) out.push(v)
      nestedSigned(v, depth + 1, out)
    }
  }
  return out
}

const summary = (o: ProofOutcome): Json => ({ verified: o.verified, codes: o.codes, errors: o.errors, warnings: o.warnings, verificationMethods: o.verificationMethods })

interface Tally { compared: number, verified: number, rejected: number, fastDecided: number, differences: string[] }
const tally = (): Tally => ({ compared: 0, verified: 0, rejected: 0, fastDecided: 0, differences: [] })

/** Checks `document` every way (credential, document, presentation) on both paths. */
async function compare (t: Tally, what: string, document: Json, challenge?: string): Promise<void> {
  const proof = (Array.isArray(document.proof) ? document.proof[0] : document.proof) as Json | undefined
  const presentationChallenge = challenge ?? (typeof proof?.challenge === 'string' ? proof.challenge : 'no challenge given')
  const domain = typeof proof?.domain === 'string' ? proof.domain : undefined
  const ways: Array<[string, (options: ProofOptions) => Promise<ProofOutcome>]> = [
    ['credential', async (o) => await verifyCredentialProof(document, o)],
    ['document', async (o) => await verifyDocumentProof(document, o)],
    ['presentation', async (o) => await verifyPresentationProof(document, { ...o, challenge: presentationChallenge, ...(domain != null ? { domain } : {}) })]
  ]
  for (const [as, verify] of ways) {
    const before = proofPathCounts().fast
    const fast = summary(await verify(FAST))
    t.fastDecided += proofPathCounts().fast - before
    const plain = summary(await verify(PLAIN))
    t.compared++
    if (fast.verified === true) t.verified++
    else t.rejected++
    if (JSON.stringify(fast) !== JSON.stringify(plain)) t.differences.push(`${what} as a ${as}: fast ${JSON.stringify(fast)} vs plain ${JSON.stringify(plain)}`)
  }
}

function report (name: string, t: Tally, documents: number): void {
  process.stdout.write(`  ${name}: ${documents} documents, ${t.compared} verifications compared (${t.verified} verified, ${t.rejected} rejected on both paths; ${t.fastDecided} of the verified decided on the fast path), ${t.differences.length} differences\n`)
}

const vectorDocuments: Array<{ what: string, document: Json }> = []

test('every credential, presentation and signed document of test/vectors: the same outcome on both paths', async () => {
  for (const path of files(VECTORS)) {
    const what = relative(VECTORS, path)
    for (const document of objectsOf(path)) {
      vectorDocuments.push({ what, document })
      for (const [i, nested] of nestedSigned(document).entries()) vectorDocuments.push({ what: `${what} (signed object ${i + 1} inside)`, document: nested })
    }
  }
  const t = tally()
  for (const { what, document } of vectorDocuments) await compare(t, what, document)
  report('vectors', t, vectorDocuments.length)
  assert.equal(t.differences, [])
  // Both verdicts are exercised: the published signatures that hold, and the many that do not.
  assert.ok(vectorDocuments.length > 200, `${vectorDocuments.length} documents`)
  assert.ok(t.verified >= 25, `${t.verified} verified`)
  assert.ok(t.fastDecided > 0, 'the fast path decided some')
})

let issuerKey: KeyPair
let holderKey: KeyPair
const resigned: VerifiableCredential[] = []
const presentations: Json[] = []

/** Signs on both paths: the same document, byte for byte, or the same error. */
async function signBoth<T> (sign: (fast: boolean) => Promise<T>): Promise<{ signed?: T, difference?: string }> {
  const run = async (fast: boolean): Promise<{ ok: true, value: T } | { ok: false, error: string }> => {
    try { return { ok: true, value: await sign(fast) } } catch (err) { return { ok: false, error: `${(err as Error).name}: ${(err as Error).message}` } }
  }
  const fast = await run(true)
  const plain = await run(false)
  const shown = (r: typeof fast): string => r.ok ? JSON.stringify(r.value) : r.error
  if (shown(fast) !== shown(plain)) return { difference: `fast ${shown(fast)}\nplain ${shown(plain)}` }
  return fast.ok ? { signed: fast.value } : {}
}

test('the vectors\' credentials signed here on both paths (the same bytes), then verified on both (the same outcome)', async () => {
  issuerKey = await generateKeyPair({ seed: new Uint8Array(32).fill(7) })
  holderKey = await generateKeyPair({ seed: new Uint8Array(32).fill(8) })
  const t = tally()
  const signingDifferences: string[] = []
  let unsignable = 0
  let documents = 0
  for (const { what, document } of vectorDocuments) {
    const types = Array.isArray(document.type) ? document.type : [document.type]
    if (!types.includes('VerifiableCredential')) continue
    const { proof: _proof, ...unsigned } = document
    unsigned.issuer = isObject(unsigned.issuer) ? { ...unsigned.issuer, id: issuerKey.did } : issuerKey.did
    // A VC 1.1 credential without issuanceDate gets the clock's (to the second) when signed: a fixed
    // one, so that the two paths sign the same bytes even across a second's boundary.
    const v1 = Array.isArray(unsigned['@context']) && unsigned['@context'][0] === 'https://www.w3.org/2018/credentials/v1'
    if (v1 && unsigned.issuanceDate == null) unsigned.issuanceDate = DATE
    const credential = await signBoth(async (fast) => await signCredential(unsigned, { key: issuerKey, date: DATE, fast }))
    // The same fields as a document of their own (signDocument: proofPurpose assertionMethod).
    const asDocument = await signBoth(async (fast) => await signDocument(unsigned, { key: issuerKey, date: DATE, fast }))
    for (const [kind, r] of [['credential', credential], ['document', asDocument]] as const) {
      if (r.difference != null) signingDifferences.push(`${what} signed as a ${kind}:\n${r.difference}`)
    }
    if (credential.signed == null) { unsignable++; continue }
    const signed = credential.signed as unknown as VerifiableCredential
    resigned.push(signed)
    await compare(t, `${what}, signed here`, signed as unknown as Json)
    const tampered = structuredClone(signed) as unknown as Json
    tampered.id = 'urn:uuid:00000000-0000-4000-8000-000000000000'
    await compare(t, `${what}, signed here then tampered`, tampered)
    documents += 2
  }
  report('vectors signed here', t, documents)
  process.stdout.write(`  signing: ${resigned.length} credentials the same bytes on both paths; ${unsignable} refused by both with the same error (undefined terms, invalid data); ${signingDifferences.length} differences\n`)
  assert.equal(signingDifferences, [])
  assert.equal(t.differences, [])
  assert.ok(resigned.length > 50, `${resigned.length} signed`)
  // A credential of ours verifies as a credential and as a document (never as a presentation).
  assert.is(t.verified, resigned.length * 2)
  // ... and each of those was decided on the fast path (the comparison is not of the plain pipeline with itself).
  assert.is(t.fastDecided, t.verified)
})

test('presentations of those credentials signed on both paths (the same bytes), verified on both (the same outcome)', async () => {
  const t = tally()
  const signingDifferences: string[] = []
  for (let i = 0; i < resigned.length; i += 8) {
    const credentials = resigned.slice(i, i + 8)
    const challenge = `challenge-${i}`
    const unsigned = buildPresentation({ id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, holder: holderKey.did, verifiableCredential: credentials })
    const signed = await signBoth(async (fast) => await signPresentation(unsigned, { key: holderKey, challenge, domain: 'verifier.example', date: DATE, fast }))
    if (signed.difference != null) signingDifferences.push(`presentation ${i / 8}:\n${signed.difference}`)
    const presentation = signed.signed as unknown as Json
    presentations.push(presentation)
    await compare(t, `presentation ${i / 8}`, presentation, challenge)
    await compare(t, `presentation ${i / 8}, wrong challenge`, presentation, 'another challenge')
    const reordered = structuredClone(presentation)
    ;(reordered.verifiableCredential as Json[]).reverse()
    await compare(t, `presentation ${i / 8}, credentials reordered`, reordered, challenge)
  }
  report('presentations', t, presentations.length * 3)
  // Not vacuous: the previous test's credentials made presentations to compare.
  assert.ok(presentations.length >= 5, `${presentations.length} presentations`)
  assert.equal(signingDifferences, [])
  assert.equal(t.differences, [])
  // Each verifies with its challenge, also with its credentials in another order (an unordered set in JSON-LD).
  assert.is(t.verified, presentations.length * 2)
  assert.is(t.fastDecided, t.verified)
})

// --- the patched jsonld.js beneath both paths ------------------------------------------------------

interface JsonLd { toRDF: (input: unknown, options: Json) => Promise<unknown> }
const require = createRequire(import.meta.url)
const patched = require('jsonld') as JsonLd
const stock = require('jsonld-stock') as JsonLd
const rdfCanonize = require('rdf-canonize') as { canonize: (dataset: unknown, options: Json) => Promise<string> }

/** RDFC-1.0 canonical N-Quads as the eddsa-rdfc-2022 cryptosuite makes them, with `lib` as jsonld.js. */
async function canonical (lib: JsonLd, input: unknown, loader: DocumentLoader): Promise<string> {
  const options: Json = { algorithm: 'RDFC-1.0', format: 'application/n-quads', base: null, safe: true, documentLoader: loader }
  const dataset = await lib.toRDF(input, { rdfDirection: 'i18n-datatype', ...options, format: undefined, produceGeneralizedRdf: false })
  return await rdfCanonize.canonize(dataset, options)
}

const DATA_INTEGRITY_V2 = 'https://w3id.org/security/data-integrity/v2'
const CREDENTIALS_V2 = 'https://www.w3.org/ns/credentials/v2'

/** What data-integrity canonicalises for a document: the document without its proofs, and each proof's options. */
function canonicalInputs (document: Json): unknown[] {
  const { proof, ...unsecured } = document
  const out: unknown[] = [unsecured]
  for (const p of (Array.isArray(proof) ? proof : [proof]).filter(isObject)) {
    const { proofValue: _value, ...rest } = p
    const options: Json = { '@context': document['@context'], ...rest }
    const contexts = Array.isArray(options['@context']) ? options['@context'] : [options['@context']]
    if (!contexts.includes(DATA_INTEGRITY_V2) && !contexts.includes(CREDENTIALS_V2)) options['@context'] = [...contexts.filter((c) => c != null), DATA_INTEGRITY_V2]
    out.push(options)
  }
  return out
}

test('the patched jsonld.js and jsonld-stock canonicalise every one of these documents and its proof options the same', async () => {
  const inputs = [
    ...vectorDocuments.map((d) => d.document),
    ...resigned as unknown as Json[],
    ...presentations
  ].flatMap(canonicalInputs)
  let same = 0
  let failedAlike = 0
  const differences: string[] = []
  for (const input of inputs) {
    const run = async (lib: JsonLd): Promise<string> => {
      try { return `ok ${await canonical(lib, input, documentLoader)}` } catch (err) { return `error ${(err as Error).name}: ${(err as Error).message}` }
    }
    const [ours, theirs] = [await run(patched), await run(stock)]
    if (ours !== theirs) differences.push(`${JSON.stringify(input).slice(0, 300)}\npatched: ${ours.slice(0, 300)}\nstock:   ${theirs.slice(0, 300)}`)
    else if (ours.startsWith('ok ')) same++
    else failedAlike++
  }
  process.stdout.write(`  jsonld patched vs stock: ${inputs.length} documents and proof options, ${same} the same canonical N-Quads, ${failedAlike} the same error, ${differences.length} differences\n`)
  assert.equal(differences, [])
  assert.ok(same > 500, `${same} canonicalised`)
})

test.run()
