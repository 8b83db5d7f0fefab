/**
 * Checking the proofs of credentials, presentations and signed documents. Untrusted input never
 * throws out of these functions: they return an outcome that says which proof failed and why,
 * in words a person reads, with stable codes where cofl knows the cause.
 *
 * Every key is bound to its signer by the signer's own document, never by the proof alone: a
 * verification method is accepted only when its controller document says so. For a did:key that
 * document is the DID itself (a credential's key must be its issuer's did:key key, and a did:key
 * issuer has no other key); for a URL or a DID of another method it is the issuer's document,
 * which the document loader must answer (this verifier resolves did:key only: anything else
 * "cannot be checked here"). A key merely written in a URL fragment is never taken on trust.
 *
 * Three outcomes, not two: verified, failed (forged, tampered, a key that is not the signer's),
 * and indeterminate: nothing failed, but no proof could be checked here (an unsupported
 * cryptosuite, a DID method or a URL whose document this verifier cannot get, a context it does
 * not bundle). A proof set is verified when one of its proofs verifies by a key bound to the
 * signer and none fails; a proof that cannot be checked beside it is a warning, never a pass.
 *
 * A document with one checkable eddsa-rdfc-2022 proof goes through the fast path first
 * (fastverify.ts), which can only say "verified"; whatever it does not say verified, the
 * libraries decide and explain, exactly as with `fast: false`.
 */
import * as vc from '@digitalbazaar/vc'
import jsigs from 'jsonld-signatures'
import type { ProofPurpose } from 'jsonld-signatures'
import { verifyFast } from './fastverify.js'
import type { DocumentLoader } from './loader.js'
import { didMethod, publicKeyFromMultibase } from '@cofl/identity'
import { ContextNotBundledError } from './errors.js'
import type { DataIntegrityProof } from './model.js'
import { isSupportedProof, signingLoader, verificationSuites } from './suites.js'

export interface ProofOutcome {
  /** A proof verified, by a key bound to the signer, and none failed. */
  verified: boolean
  /**
   * Nothing failed, but no proof could be checked here (the verdict "cannot be checked here"):
   * `errors` and `codes` say why. False when verified, and when a proof failed.
   */
  indeterminate: boolean
  /** One reason per failure (or, when indeterminate, per proof that could not be checked), for a person. */
  errors: string[]
  /** Stable codes of those reasons (COFL_ERR_*), where known. */
  codes: string[]
  /** What a person should know although the outcome stands (a proof beside it that could not be checked). */
  warnings: string[]
  /** The verification methods of the proofs that verified. */
  verificationMethods: string[]
  /** The controllers of those verification methods (by their controller documents), in the same order. */
  controllers: string[]
}

export interface ProofOptions {
  /**
   * Default: bundled contexts and offline did:key resolution. A loader that answers more (a URL
   * issuer's controller document, createVerificationLoader's `controllerDocuments`) lets keys
   * bound by those documents verify.
   */
  documentLoader?: DocumentLoader
  /**
   * The DID or URL whose key must have made the proof. Default: a credential's issuer; none for a
   * presentation (its verifier binds the holder) or another signed document.
   */
  controller?: string
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
  proofInvalid: 'COFL_ERR_PROOF_INVALID',
  keyNotBound: 'COFL_ERR_KEY_NOT_BOUND',
  controllerUnresolved: 'COFL_ERR_CONTROLLER_UNRESOLVED',
  didMethodNotSupported: 'COFL_ERR_DID_METHOD_NOT_SUPPORTED',
  contextNotBundled: 'COFL_ERR_CONTEXT_NOT_BUNDLED'
} as const

/**
 * The codes of proofs that cannot be checked here (neither verified nor failed): a suite this
 * verifier does not support, a DID method or a controller document it cannot resolve, a context it
 * does not bundle.
 */
export const UNCHECKABLE_PROOF_CODES: ReadonlySet<string> = new Set([
  PROOF_CODES.unsupportedProof, PROOF_CODES.controllerUnresolved, PROOF_CODES.didMethodNotSupported, PROOF_CODES.contextNotBundled
])

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

function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const id = (value as { id?: unknown } | null | undefined)?.id
  return typeof id === 'string' ? id : undefined
}

/** The verification method a proof names (a URL, or an embedded method's id). */
function methodOf (proof: DataIntegrityProof): string | undefined {
  return idOf((proof as { verificationMethod?: unknown }).verificationMethod)
}

/** The URL without its fragment: the controller document a verification method's id points into. */
function documentPart (url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}

/** An http(s) verification method whose fragment is an Ed25519 multibase key: the form a forger writes. */
function keyInFragment (url: string): boolean {
  const hash = url.indexOf('#')
  return /^https?:/i.test(url) && hash !== -1 && publicKeyFromMultibase(url.slice(hash + 1)) != null
}

function codeOf (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

type Judged = { outcome: 'checkable' } | { outcome: 'failed' | 'unchecked', reason: Reason }

/**
 * Whether a proof's key can be bound to `controller` here, before any signature is checked:
 * failed when it cannot be `controller`'s (a did:key names only its own key), unchecked when the
 * document that would bind it cannot be had here, checkable otherwise (the libraries then check
 * the signature, and that the key's controller document lists it for the proof's purpose).
 */
async function judgeKey (method: string | undefined, controller: string | undefined, loader: DocumentLoader, label: string): Promise<Judged> {
  // A proof without a verification method: the libraries say so.
  if (method == null) return { outcome: 'checkable' }
  const owner = documentPart(method)
  if (controller != null && didMethod(controller) === 'key' && owner !== controller) {
    return { outcome: 'failed', reason: { code: PROOF_CODES.keyNotBound, message: `${label} is made with the key ${method}, which is not ${controller}'s: a did:key's document names only its own key` } }
  }
  if (controller != null && didMethod(owner) === 'key' && owner !== controller) {
    return { outcome: 'failed', reason: { code: PROOF_CODES.keyNotBound, message: `${label} is made with the key of ${owner}, not with a key of ${controller}` } }
  }
  try {
    await loader(method)
    return { outcome: 'checkable' }
  } catch (err) {
    if (codeOf(err) === PROOF_CODES.didMethodNotSupported) {
      return { outcome: 'unchecked', reason: { code: PROOF_CODES.didMethodNotSupported, message: `${label} cannot be checked here: ${(err as Error).message}` } }
    }
    if (!(err instanceof ContextNotBundledError)) return { outcome: 'failed', reason: explainProofError(err) }
    if (!/^https?:\/\/./i.test(method)) {
      return { outcome: 'failed', reason: { code: PROOF_CODES.proofInvalid, message: `${label} names the verification method ${JSON.stringify(method)}, which is neither a DID URL nor an http(s) URL: no key can be bound to a signer through it` } }
    }
    // The controller document is known here, and does not name this key.
    let known = false
    try { await loader(owner); known = true } catch {}
    if (known) return { outcome: 'failed', reason: { code: PROOF_CODES.keyNotBound, message: `${label} is made with the key ${method}, which the document of ${owner} does not name` } }
    const fragment = keyInFragment(method) ? ' (a key written in the URL\'s fragment is not taken on trust: anyone can write one)' : ''
    return {
      outcome: 'unchecked',
      reason: { code: PROOF_CODES.controllerUnresolved, message: `${label} cannot be checked here: its key ${method} is bound to ${controller ?? owner} only by ${owner}'s own document, which this verifier cannot get${fragment}` }
    }
  }
}

function controllerOf (verificationMethod: unknown): string | undefined {
  return idOf((verificationMethod as { controller?: unknown } | null | undefined)?.controller)
}

async function verifyProofSet (document: unknown, purpose: ProofPurpose, options: ProofOptions, controller: string | undefined): Promise<ProofOutcome> {
  const outcome: ProofOutcome = { verified: false, indeterminate: false, errors: [], codes: [], warnings: [], verificationMethods: [], controllers: [] }
  const failures: Reason[] = []
  const unchecked: Reason[] = []
  const finish = (): ProofOutcome => {
    if (failures.length > 0) {
      outcome.verified = false
      outcome.verificationMethods = []
      outcome.controllers = []
      for (const r of failures) { outcome.errors.push(r.message); outcome.codes.push(r.code) }
      for (const r of unchecked) outcome.warnings.push(`not checked: ${r.message}`)
    } else if (outcome.verificationMethods.length > 0) {
      outcome.verified = true
      for (const r of unchecked) outcome.warnings.push(`not checked: ${r.message}`)
    } else {
      outcome.indeterminate = unchecked.length > 0
      for (const r of unchecked) { outcome.errors.push(r.message); outcome.codes.push(r.code) }
    }
    return outcome
  }
  if (document == null || typeof document !== 'object' || Array.isArray(document)) {
    failures.push({ code: PROOF_CODES.proofInvalid, message: 'not a JSON object' })
    return finish()
  }
  const proofs = proofsOf(document)
  if (proofs.length === 0) {
    failures.push({ code: PROOF_CODES.noProof, message: 'the document has no proof' })
    return finish()
  }
  const base = options.documentLoader ?? signingLoader()
  const checkable: DataIntegrityProof[] = []
  for (const [i, proof] of proofs.entries()) {
    const label = `proof ${i + 1} of ${proofs.length}`
    if (proof == null || typeof proof !== 'object') {
      failures.push({ code: PROOF_CODES.proofInvalid, message: `proof ${i + 1} is not an object` })
    } else if (!isSupportedProof(proof)) {
      const name = [proof.type, proof.cryptosuite].filter((x) => x != null).map(String).join(' / ')
      unchecked.push({ code: PROOF_CODES.unsupportedProof, message: `${label} is a ${name || 'proof without a type'}, which this verifier does not support (it checks DataIntegrityProof / eddsa-rdfc-2022 and Ed25519Signature2020)` })
    } else {
      const judged = await judgeKey(methodOf(proof), controller, base, proofs.length === 1 ? 'the proof' : label)
      if (judged.outcome === 'checkable') checkable.push(proof)
      else (judged.outcome === 'failed' ? failures : unchecked).push(judged.reason)
    }
  }
  if (checkable.length === 0) return finish()
  // Only the proofs that can be checked here go to the libraries.
  const toVerify = checkable.length === proofs.length ? document : { ...document, proof: checkable.length === 1 ? checkable[0] : checkable }

  const verified = (vm: string, verificationMethod: unknown): void => {
    const owner = controllerOf(verificationMethod)
    if (controller != null && owner !== controller) {
      failures.push({ code: PROOF_CODES.keyNotBound, message: `the key ${vm} is controlled by ${owner ?? 'no one named'}, not by ${controller}` })
      return
    }
    outcome.verificationMethods.push(vm)
    outcome.controllers.push(owner ?? documentPart(vm))
  }
  const judge = (reason: Reason): void => { (UNCHECKABLE_PROOF_CODES.has(reason.code) ? unchecked : failures).push(reason) }

  if ((options.fast ?? true) && failures.length === 0 && checkable.length === 1) {
    const fast = await verifyFast(toVerify, purpose, base)
    if (fast != null) {
      pathCounts.fast++
      fast.verificationMethods.forEach((vm, i) => { verified(vm, { controller: fast.controllers[i] }) })
      return finish()
    }
  }
  pathCounts.plain++
  let result: Awaited<ReturnType<typeof jsigs.verify>>
  try {
    result = await jsigs.verify(toVerify, { suite: verificationSuites(), purpose, documentLoader: base })
  } catch (err) {
    judge(explainProofError(err))
    return finish()
  }
  const results = result.results ?? []
  for (const r of results) {
    if (r.verified) {
      verified(r.verificationMethod?.id ?? String((r.proof as { verificationMethod?: unknown }).verificationMethod), r.verificationMethod)
    } else {
      judge(explainProofError(r.error))
    }
  }
  if (results.length < checkable.length && failures.length === 0) {
    judge(result.error != null ? explainProofError(result.error) : { code: PROOF_CODES.proofPurpose, message: `${checkable.length - results.length} of ${checkable.length} proofs match no accepted suite and proof purpose` })
  }
  return finish()
}

/**
 * Checks the proof(s) of a credential: signature, proofPurpose assertionMethod, and the key bound
 * to the issuer (`options.controller`, default the credential's issuer) by its controller document.
 */
export async function verifyCredentialProof (credential: unknown, options: ProofOptions = {}): Promise<ProofOutcome> {
  const issuer = idOf((credential as { issuer?: unknown } | null | undefined)?.issuer)
  return await verifyProofSet(credential, new vc.CredentialIssuancePurpose(), options, options.controller ?? issuer)
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
  return await verifyProofSet(presentation, purpose, options, options.controller)
}

/** Checks the proof of a signed document that is not a credential (an Achievement or a Profile). */
export async function verifyDocumentProof (document: unknown, options: ProofOptions = {}): Promise<ProofOutcome> {
  return await verifyProofSet(document, new jsigs.purposes.AssertionProofPurpose(), options, options.controller)
}
