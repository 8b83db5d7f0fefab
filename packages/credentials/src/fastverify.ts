/**
 * The fast path of eddsa-rdfc-2022 (W3C vc-di-eddsa, DataIntegrityProof): verifying and signing
 * with the algorithm written out, instead of through @digitalbazaar/vc and jsonld-signatures.
 *
 *   proof options    the proof without proofValue, with the document's @context (and the Data
 *                    Integrity context when neither it nor VC 2.0's is there)
 *   transformation   the document without its proof and the proof options, each to RDF with
 *                    jsonld.js toRDF (safe mode, base null, the offline document loader) and
 *                    canonicalised with RDFC-1.0: the cryptosuite's own `canonize` function
 *   hashing          sha256(canonical proof options) || sha256(canonical document)
 *   signature        Ed25519 over those 64 bytes with node:crypto, with a KeyObject made once per
 *                    public key (verify) or per key pair (sign) instead of on every call
 *
 * Most of the speed is not here but in the jsonld.js the project installs
 * (patches/jsonld+9.0.0.patch, docs/jsonld-patch.md): active contexts are immutable, so that
 * jsonld.js's processed-context cache hits, deeply frozen contexts are found by identity, and
 * expansion does not copy its options object for every type IRI.
 * The offline loader (loader.ts) serves the bundled contexts deep-frozen with `tag: 'static'`,
 * so their processed form is kept for the life of the process: only they are memoised, and a
 * context that is not bundled is refused as before (COFL_ERR_CONTEXT_NOT_BUNDLED).
 *
 * Why the results are the libraries' results: this path decides one outcome only. `verifyFast`
 * says "verified" when every check that jsonld-signatures and data-integrity make has passed,
 * each one that is not the algorithm above made with the libraries' own function (loading the
 * verification method, checking it as an Ed25519 key, decoding proofValue, the proof purpose:
 * controller, challenge, domain, issuer). Anything else (a check that fails, an error, a document
 * with several proofs or another suite, a key that is no Multikey) returns undefined, and the
 * caller runs the libraries as published, which give the verdict and its reasons. Likewise
 * `signFast` returns the signed document or undefined, and the caller then signs with the
 * libraries (whose error a failure reports). Only key objects are cached: never a canonical form,
 * a hash or a verdict.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import jsigs from 'jsonld-signatures'
import type { ProofPurpose } from 'jsonld-signatures'
import { publicKeyFromMultibase } from '@cofl/identity'
import type { Multikey } from '@cofl/identity'
import { FAST_PATH_KEY_CACHE_SIZE } from './constants.js'
import { CREDENTIALS_V2_CONTEXT } from './contexts.js'
import type { DocumentLoader } from './loader.js'
import { DATA_INTEGRITY_PROOF, EDDSA_RDFC_2022 } from './suites.js'

type Json = Record<string, unknown>

/** What the fast path decided: the document verified (otherwise it decides nothing). */
export interface FastVerified {
  /** The ids of the verification methods of the proofs, as jsonld-signatures reports them. */
  verificationMethods: string[]
  /** Their controllers, as their controller documents name them (undefined: none named). */
  controllers: Array<string | undefined>
}

class NotHandled extends Error {}

// --- keys ----------------------------------------------------------------------------------------

interface Verifier { id?: string, algorithm: string, verify: (input: { data: Uint8Array, signature: Uint8Array }) => Promise<boolean> }

const verifiers = new Map<string, Promise<Verifier>>()

function remember<V> (map: Map<string, V>, key: string, value: V): void {
  map.set(key, value)
  if (map.size > FAST_PATH_KEY_CACHE_SIZE) map.delete(map.keys().next().value as string)
}

/**
 * The cryptosuite's `createVerifier`, with the verify done by a node:crypto KeyObject made once
 * per verification method. The library's own createVerifier still checks each new method (it
 * throws as the library throws); a method that is not a plain Ed25519 Multikey is not handled.
 */
async function createVerifier ({ verificationMethod }: { verificationMethod: Json }): Promise<Verifier> {
  const cacheKey = JSON.stringify(verificationMethod)
  let pending = verifiers.get(cacheKey)
  if (pending != null) {
    // Least recently used goes first: a hit moves to the back.
    verifiers.delete(cacheKey)
    verifiers.set(cacheKey, pending)
  } else {
    pending = (async () => {
      const library = await eddsaRdfc2022.createVerifier({ verificationMethod }) as Verifier
      const raw = verificationMethod.type === 'Multikey' && verificationMethod.publicKeyJwk === undefined
        ? publicKeyFromMultibase(verificationMethod.publicKeyMultibase as string)
        : undefined
      if (raw == null) throw new NotHandled('not an Ed25519 Multikey verification method')
      const key: KeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
      return {
        ...(library.id !== undefined ? { id: library.id } : {}),
        algorithm: library.algorithm,
        async verify ({ data, signature }: { data: Uint8Array, signature: Uint8Array }): Promise<boolean> {
          return cryptoVerify(null, data, key, signature)
        }
      }
    })()
    pending.catch(() => { verifiers.delete(cacheKey) })
    remember(verifiers, cacheKey, pending)
  }
  return await pending
}

/**
 * The library's suite, used for what it does per proof without per-document state: loading the
 * verification method, the suite context, decoding and checking proofValue (with the verifier
 * above), encoding a new proofValue (with the signers below).
 */
const verifySuite = new DataIntegrityProof({ cryptosuite: { ...eddsaRdfc2022, createVerifier } })

interface Signing { id: string, privateKey: KeyObject, suite?: DataIntegrityProof }
const signings = new WeakMap<object, Signing>()

/**
 * The node:crypto KeyObject of `key`'s secret key, made once per key pair (the library's signer
 * imports the secret key on every signature). Undefined when the key pair is not a usable Ed25519
 * key pair (the library then decides).
 */
function signingKey (key: Multikey): Signing | undefined {
  const known = signings.get(key)
  if (known != null && known.id === key.id) return known
  const secret = key.secretKey
  const publicKey = key.publicKey
  if (typeof key.id !== 'string' || !(secret instanceof Uint8Array) || (secret.length !== 32 && secret.length !== 64)) return undefined
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return undefined
  const x = Buffer.from(publicKey).toString('base64url')
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(secret.subarray(0, 32)).toString('base64url'), x }, format: 'jwk' })
  // The key pair's public key must be the one its secret key makes: the proof names it.
  if (createPublicKey(privateKey).export({ format: 'jwk' }).x !== x) return undefined
  const signing: Signing = { id: key.id, privateKey }
  signings.set(key, signing)
  return signing
}

/** The library's suite for `key`, whose signer signs with the cached KeyObject. */
function signingFor (key: Multikey): Required<Signing> | undefined {
  const signing = signingKey(key)
  if (signing == null) return undefined
  if (signing.suite == null) {
    const { privateKey } = signing
    const signer = {
      id: key.id,
      algorithm: eddsaRdfc2022.requiredAlgorithm,
      async sign ({ data }: { data: Uint8Array }): Promise<Uint8Array> {
        return new Uint8Array(cryptoSign(null, data, privateKey))
      }
    }
    signing.suite = new DataIntegrityProof({ signer, cryptosuite: eddsaRdfc2022 })
  }
  return signing as Required<Signing>
}

/**
 * An Ed25519 signature of `data` by `key`, with the cached KeyObject; undefined when the key pair
 * is not one this path handles (the caller then signs with the key's own signer). Used for the
 * federation's announcement headers.
 */
export function signBytesFast (key: Multikey, data: Uint8Array): Uint8Array | undefined {
  const signing = signingKey(key)
  return signing == null ? undefined : new Uint8Array(cryptoSign(null, data, signing.privateKey))
}

// --- the algorithm -------------------------------------------------------------------------------

/** RDFC-1.0 canonical N-Quads of `input`, as the cryptosuite makes them for data-integrity. */
async function canonize (input: Json, documentLoader: DocumentLoader): Promise<string> {
  return await eddsaRdfc2022.canonize(input, { documentLoader, base: null, safe: true })
}

function sha256 (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** hashData: sha256 of the canonical proof options, then sha256 of the canonical document. */
async function hashData (unsecured: Json, proof: Json, documentLoader: DocumentLoader): Promise<Uint8Array> {
  const options: Json = { '@context': unsecured['@context'], ...proof }
  verifySuite.ensureSuiteContext({ document: options, addSuiteContext: true })
  delete options.proofValue
  const documentHash = sha256(await canonize(unsecured, documentLoader))
  const optionsHash = sha256(await canonize(options, documentLoader))
  return new Uint8Array(Buffer.concat([optionsHash, documentHash]))
}

/**
 * An XML Schema dateTimeStamp, anchored: every string it accepts is one that data-integrity's own
 * (unanchored) test accepts, so the fast path never accepts a `created` the library refuses.
 */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-3]):[0-5]\d)?$/

function dateAccepted (value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && DATE_TIME.test(value) && vc.dateRegex.test(value))
}

function isObject (value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Verifies a document with one eddsa-rdfc-2022 DataIntegrityProof for `purpose` (a proof purpose
 * of jsonld-signatures or vc). Returns what verified, or undefined: the libraries must decide.
 * Never throws.
 */
export async function verifyFast (document: unknown, purpose: ProofPurpose, loader: DocumentLoader): Promise<FastVerified | undefined> {
  try {
    if (!isObject(document)) return undefined
    const proofs = Array.isArray(document.proof) ? document.proof as unknown[] : [document.proof]
    const original = proofs[0]
    if (proofs.length !== 1 || !isObject(original)) return undefined
    if (original.type !== DATA_INTEGRITY_PROOF || original.cryptosuite !== EDDSA_RDFC_2022) return undefined
    // As jsonld-signatures' ProofSet.verify: its loader, the document without its proof, the
    // proof with the document's context.
    const documentLoader = jsigs.extendContextLoader(loader) as DocumentLoader
    const unsecured: Json = { ...document }
    delete unsecured.proof
    // (`||` as theirs: any falsy @context means the security context)
    const proof: Json = { '@context': document['@context'] || jsigs.SECURITY_CONTEXT_URL, ...original }
    if (!await purpose.match(proof, { document: unsecured, documentLoader })) return undefined
    if (!dateAccepted(proof.created) || !dateAccepted(proof.expires)) return undefined

    const verificationMethod = await verifySuite.getVerificationMethod({ proof, documentLoader })
    // A key this path does not handle is known before the two canonicalisations (cached: free again below).
    await createVerifier({ verificationMethod })
    const verifyData = await hashData(unsecured, proof, documentLoader)
    if (!await verifySuite.verifySignature({ verifyData, verificationMethod, proof })) return undefined
    const purposeResult = await purpose.validate(proof, { document: unsecured, suite: verifySuite, verificationMethod, documentLoader })
    if (purposeResult.valid !== true) return undefined
    const id = verificationMethod.id
    if (typeof id !== 'string') return undefined
    const controller = verificationMethod.controller
    return { verificationMethods: [id], controllers: [typeof controller === 'string' ? controller : isObject(controller) && typeof controller.id === 'string' ? controller.id : undefined] }
  } catch {
    return undefined
  }
}

export interface FastSignInit {
  /** The signing key pair (a Multikey with `id` and `controller` set). */
  key: Multikey
  /** The proof's `created` (default: now). */
  date?: string | Date
  /** The proof purpose, as the libraries would be given it. */
  purpose: ProofPurpose
  documentLoader: DocumentLoader
  /** A credential: vc.issue's checks first (only VC 2.0 credentials are handled here). */
  credential?: boolean
}

/** data-integrity's `created`: an XML Schema dateTime to the second, in UTC. */
function w3cDate (date: Date): string {
  const iso = date.toISOString()
  return `${iso.slice(0, -5)}Z`
}

/**
 * Signs `document` (a copy the caller owns: it is changed and returned) as vc.issue,
 * vc.signPresentation or jsonld-signatures' sign would, with the proof made as theirs is. Returns
 * undefined when this path does not handle the document or anything failed: the caller then signs
 * with the libraries, whose error a failure reports.
 */
export async function signFast (document: Json, init: FastSignInit): Promise<Json | undefined> {
  try {
    const signing = signingFor(init.key)
    if (signing == null || 'proof' in document) return undefined
    if (init.credential === true) {
      // vc.issue: a VC 1.1 credential may get an issuanceDate first; that one is the library's.
      const context = document['@context']
      if (!Array.isArray(context) || context[0] !== CREDENTIALS_V2_CONTEXT) return undefined
      vc._checkCredential({ credential: document, mode: 'issue' })
    }
    // The suite's date, as data-integrity takes it (a falsy date means now).
    const date = init.date != null && init.date !== '' ? new Date(init.date) : new Date()
    if (Number.isNaN(date.getTime())) return undefined
    const { suite } = signing

    // jsonld-signatures' sign and ProofSet.add, then data-integrity's createProof.
    suite.ensureSuiteContext({ document, addSuiteContext: true })
    const documentLoader = jsigs.extendContextLoader(init.documentLoader) as DocumentLoader
    const unsecured: Json = { ...document }
    let proof: Json = { type: DATA_INTEGRITY_PROOF, created: w3cDate(date), verificationMethod: signing.id, cryptosuite: EDDSA_RDFC_2022 }
    proof = await init.purpose.update(proof, { document: unsecured, suite, documentLoader })
    const verifyData = await hashData(unsecured, proof, documentLoader)
    proof = await suite.sign({ verifyData, proof })
    document.proof = proof
    return document
  } catch {
    return undefined
  }
}
