/**
 * Checking the proofs of credentials, presentations and signed documents. Untrusted input never
 * throws out of these functions: they return an outcome that says which proof failed and why,
 * in words a person reads, with stable codes where cofl knows the cause.
 *
 * Unlike jsonld-signatures' own rule (one verified proof is enough), every proof of a proof set
 * must verify here: an extra proof that cannot be checked, or that fails, fails the document.
 *
 * A document with one eddsa-rdfc-2022 proof goes through the fast path first (fastverify.ts),
 * which can only say "verified"; whatever it does not say verified, the libraries decide and
 * explain, exactly as with `fast: false`.
 */
import * as vc from '@digitalbazaar/vc'
import jsigs from 'jsonld-signatures'
import type { ProofPurpose } from 'jsonld-signatures'
import { verifyFast } from './fastverify.js'
import type { DocumentLoader } from './loader.js'
import type { DataIntegrityProof } from './model.js'
import { fragmentKeyMethod, isSupportedProof, signingLoader, verificationSuites, withFragmentKeys } from './suites.js'

export interface ProofOutcome {
  verified: boolean
  /** One reason per failure, for a person. */
  errors: string[]
  /** Stable codes of the failures (COFL_ERR_*), where known. */
  codes: string[]
  /** What a person should know although the proof verified. */
  warnings: string[]
  /** The verification methods of the proofs that verified. */
  verificationMethods: string[]
}

export interface ProofOptions {
  /** Default: bundled contexts and offline did:key resolution. */
  documentLoader?: DocumentLoader
  /**
   * Accept http(s) verification methods whose fragment is the key itself (the OB 3.0
   * implementation guide's form); a warning says that such a key is self-asserted. Default true.
   */
  keyFromFragment?: boolean
  /**
   * Try the fast eddsa-rdfc-2022 path first (fastverify.ts: the algorithm written out, key
   * objects kept; it decides only "verified", the libraries decide everything else). `false`:
   * only the plain pipeline, jsonld-signatures and data-integrity as published (on the same
   * patched jsonld.js), for comparison. Default true.
   */
  fast?: boolean
}

export const PROOF_CODES = {
  noProof: 'COFL_ERR_NO_PROOF',
  unsupportedProof: 'COFL_ERR_PROOF_UNSUPPORTED',
  invalidSignature: 'COFL_ERR_INVALID_SIGNATURE',
  undefinedTerm: 'COFL_ERR_UNDEFINED_TERM',
  proofPurpose: 'COFL_ERR_PROOF_PURPOSE',
  proofInvalid: 'COFL_ERR_PROOF_INVALID'
} as const

interface Reason { message: string, code: string }

function errorTree (err: unknown, depth = 0): unknown[] {
  if (err == null || typeof err !== 'object' || depth > 6) return []
  const e = err as { errors?: unknown[], cause?: unknown, error?: unknown, details?: { cause?: unknown } }
  const out: unknown[] = [err]
  // jsonld.js keeps the document loader's error as details.cause ("loading remote context failed").
  for (const child of [...(Array.isArray(e.errors) ? e.errors : []), e.cause, e.error, e.details?.cause]) out.push(...errorTree(child, depth + 1))
  return out
}

/** A person-readable reason for a verification error from the signing libraries. */
export function explainProofError (err: unknown): Reason {
  const all = errorTree(err)
  const coded = all.find((e) => typeof (e as { code?: unknown }).code === 'string' && ((e as { code: string }).code).startsWith('COFL_ERR_')) as { code: string, message: string } | undefined
  if (coded != null) return { message: coded.message, code: coded.code }
  for (const e of all) {
    const event = (e as { details?: { event?: { code?: string, details?: Record<string, unknown> } } }).details?.event
    if (event?.code != null) {
      const d = event.details ?? {}
      const what = d.property ?? d.type ?? d.value ?? d.term
      return {
        code: PROOF_CODES.undefinedTerm,
        message: what != null
          ? `"${String(what)}" is not defined by the document's JSON-LD contexts (${event.code}), so the document cannot be canonicalised safely`
          : `the document cannot be canonicalised safely: ${event.code}`
      }
    }
  }
  const messages = all.map((e) => (e as { message?: string }).message).filter((m): m is string => typeof m === 'string')
  const message = messages.find((m) => !m.startsWith('Verification error')) ?? messages[0] ?? String(err)
  if (/^Invalid signature\.?$/.test(message)) {
    return { code: PROOF_CODES.invalidSignature, message: 'the signature does not match: the document was changed after it was signed, or another key signed it' }
  }
  if (/must match the verification method controller|challenge|domain|not authorized by controller|proof purpose|proofPurpose/i.test(message)) {
    return { code: PROOF_CODES.proofPurpose, message }
  }
  return { code: PROOF_CODES.proofInvalid, message }
}

/** How many proof sets each path decided, in this thread (see proofPathCounts). */
const pathCounts = { fast: 0, plain: 0 }

/**
 * How many documents' proofs this thread has decided on the fast path (verified there) and on the
 * plain pipeline (`fast: false`, a document the fast path does not handle, and every failure).
 */
export function proofPathCounts (): { fast: number, plain: number } {
  return { ...pathCounts }
}

function proofsOf (document: unknown): DataIntegrityProof[] {
  const proof = (document as { proof?: unknown })?.proof
  if (proof == null) return []
  return (Array.isArray(proof) ? proof : [proof]) as DataIntegrityProof[]
}

function addVerified (outcome: ProofOutcome, vm: string): void {
  outcome.verificationMethods.push(vm)
  if (fragmentKeyMethod(vm) != null) {
    outcome.warnings.push(`the signing key is named in the verification method URL itself (${vm}); without a DID document nothing offline binds it to ${vm.split('#')[0] ?? vm}`)
  }
}

async function verifyProofSet (document: unknown, purpose: ProofPurpose, options: ProofOptions): Promise<ProofOutcome> {
  const outcome: ProofOutcome = { verified: false, errors: [], codes: [], warnings: [], verificationMethods: [] }
  const fail = (reason: Reason): ProofOutcome => { outcome.errors.push(reason.message); outcome.codes.push(reason.code); return outcome }
  if (document == null || typeof document !== 'object' || Array.isArray(document)) {
    return fail({ code: PROOF_CODES.proofInvalid, message: 'not a JSON object' })
  }
  const proofs = proofsOf(document)
  if (proofs.length === 0) return fail({ code: PROOF_CODES.noProof, message: 'the document has no proof' })
  proofs.forEach((proof, i) => {
    if (proof == null || typeof proof !== 'object') {
      fail({ code: PROOF_CODES.proofInvalid, message: `proof ${i + 1} is not an object` })
    } else if (!isSupportedProof(proof)) {
      const name = [proof.type, proof.cryptosuite].filter((x) => x != null).map(String).join(' / ')
      fail({ code: PROOF_CODES.unsupportedProof, message: `proof ${i + 1} of ${proofs.length} is a ${name || 'proof without a type'}, which this verifier does not support (it checks DataIntegrityProof / eddsa-rdfc-2022 and Ed25519Signature2020)` })
    }
  })
  const supported = proofs.filter((p) => p != null && typeof p === 'object' && isSupportedProof(p))
  if (supported.length === 0) return outcome

  const base = options.documentLoader ?? signingLoader()
  const keyFromFragment = options.keyFromFragment ?? true
  const loaderFor = (): DocumentLoader => keyFromFragment ? withFragmentKeys(base) : base
  if ((options.fast ?? true) && outcome.errors.length === 0) {
    const fast = await verifyFast(document, purpose, loaderFor())
    if (fast != null) {
      pathCounts.fast++
      for (const vm of fast.verificationMethods) addVerified(outcome, vm)
      outcome.verified = true
      return outcome
    }
  }
  pathCounts.plain++
  let result: Awaited<ReturnType<typeof jsigs.verify>>
  try {
    result = await jsigs.verify(document, { suite: verificationSuites(), purpose, documentLoader: loaderFor() })
  } catch (err) {
    return fail(explainProofError(err))
  }
  const results = result.results ?? []
  for (const r of results) {
    if (r.verified) {
      addVerified(outcome, r.verificationMethod?.id ?? String((r.proof as { verificationMethod?: unknown }).verificationMethod))
    } else {
      fail(explainProofError(r.error))
    }
  }
  if (results.length < supported.length && outcome.errors.length === 0) {
    fail(result.error != null ? explainProofError(result.error) : { code: PROOF_CODES.proofPurpose, message: `${supported.length - results.length} of ${supported.length} proofs match no accepted suite and proof purpose` })
  }
  outcome.verified = outcome.errors.length === 0 && results.length === supported.length && results.every((r) => r.verified)
  return outcome
}

/** Checks the proof(s) of a credential: signature, proofPurpose assertionMethod, issuer = key controller. */
export async function verifyCredentialProof (credential: unknown, options: ProofOptions = {}): Promise<ProofOutcome> {
  return await verifyProofSet(credential, new vc.CredentialIssuancePurpose(), options)
}

export interface PresentationProofOptions extends ProofOptions {
  /** The challenge the verifier gave the holder; required: a presentation without one can be replayed. */
  challenge: string
  domain?: string
}

/** Checks the holder's proof on a presentation: signature, proofPurpose authentication, challenge, domain. */
export async function verifyPresentationProof (presentation: unknown, options: PresentationProofOptions): Promise<ProofOutcome> {
  if (typeof options?.challenge !== 'string') throw new TypeError('challenge must be a string')
  const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: options.challenge, ...(options.domain != null ? { domain: options.domain } : {}) })
  return await verifyProofSet(presentation, purpose, options)
}

/** Checks the proof of a signed document that is not a credential (an Achievement or a Profile). */
export async function verifyDocumentProof (document: unknown, options: ProofOptions = {}): Promise<ProofOutcome> {
  return await verifyProofSet(document, new jsigs.purposes.AssertionProofPurpose(), options)
}
