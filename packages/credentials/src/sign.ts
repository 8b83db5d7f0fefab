/**
 * Signing: DataIntegrityProof, eddsa-rdfc-2022. The fast path (fastverify.ts: the algorithm written
 * out, the key pair's KeyObject kept) makes the proof; what it does not handle or what fails there
 * is signed by @digitalbazaar/vc and jsonld-signatures as published, whose error a failure
 * reports. Both make the same document, byte for byte (Ed25519 signatures are deterministic).
 */
import * as vc from '@digitalbazaar/vc'
import jsigs from 'jsonld-signatures'
import type { ProofPurpose } from 'jsonld-signatures'
import type { KeyPair } from '@cofl/identity'
import { SigningError } from './errors.js'
import { signFast } from './fastverify.js'
import type { DocumentLoader } from './loader.js'
import type { DataIntegrityProof, VerifiablePresentation } from './model.js'
import { signingLoader, signingSuite } from './suites.js'

export interface SignOptions {
  /** The signing key (a did:key key pair from @cofl/identity). */
  key: KeyPair
  /** The proof's `created` date (default: now). */
  date?: string | Date
  documentLoader?: DocumentLoader
  /**
   * Sign on the fast path (default true); `false`: only @digitalbazaar/vc and jsonld-signatures
   * as published (the same output, slower), for comparison.
   */
  fast?: boolean
}

type Json = Record<string, unknown>

/** How many proofs each path made, in this thread (see signPathCounts). */
const pathCounts = { fast: 0, plain: 0 }

/**
 * How many proofs this thread has made on the fast path and with the plain pipeline (`fast:
 * false`, a document the fast path does not handle, and every failure).
 */
export function signPathCounts (): { fast: number, plain: number } {
  return { ...pathCounts }
}

/** The fast path's signature of `copy`, or undefined (then the libraries sign). */
async function tryFast (copy: object, options: SignOptions, purpose: ProofPurpose, credential = false): Promise<Json | undefined> {
  const signed = options.fast === false
    ? undefined
    : await signFast(copy as Json, {
      key: options.key.multikey,
      ...(options.date != null ? { date: options.date } : {}),
      purpose,
      documentLoader: options.documentLoader ?? signingLoader(),
      credential
    })
  pathCounts[signed != null ? 'fast' : 'plain']++
  return signed
}

function assertKey (key: KeyPair | undefined): asserts key is KeyPair {
  if (key == null || !key.canSign) throw new TypeError('key must be a key pair that can sign')
}

function assertUnsigned (document: { proof?: unknown } | undefined, what: string): void {
  if (document == null || typeof document !== 'object' || Array.isArray(document)) throw new TypeError(`${what} must be an object`)
  if (document.proof != null) throw new SigningError(`the ${what} is signed already`)
}

/** The path (`criteria.id`, `alignment[0].targetUrl`) of the first field of `value` that `match` accepts, outside `@context`. */
function pathWhere (value: unknown, match: (key: string, field: unknown) => boolean, path = ''): string | undefined {
  if (value == null || typeof value !== 'object') return undefined
  for (const [key, field] of Object.entries(value)) {
    if (key === '@context') continue
    const here = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`
    if (!Array.isArray(value) && match(key, field)) return here
    const inner = pathWhere(field, match, here)
    if (inner != null) return inner
  }
  return undefined
}

const holds = (field: unknown, value: string): boolean => field === value || (Array.isArray(field) && field.includes(value))

/**
 * A signing failure in words. JSON-LD safe mode refuses a document with "Safe mode validation
 * error." and the event that caused it: said here with the term or value and where it is in `document`.
 */
function describe (err: unknown, document?: unknown): string {
  const e = err as { message?: string, details?: { event?: { code?: string, details?: Record<string, unknown> } } }
  const event = e?.details?.event
  if (event?.code == null) return e?.message ?? String(err)
  const details = event.details ?? {}
  const at = (path: string | undefined): string => path == null ? '' : ` (at ${path})`
  switch (event.code) {
    case 'invalid property': {
      const term = String(details.property ?? '?')
      const path = pathWhere(document, (key) => key === term)
      return `"${term}"${path === term ? '' : at(path)} is not defined by any of the document's contexts`
    }
    case 'invalid type value':
    case 'relative @type reference': {
      const type = String(details.type ?? '?')
      const path = pathWhere(document, (key, field) => key === 'type' && holds(field, type))
      return `the type "${type}"${path === 'type' ? '' : at(path)} is not defined by any of the document's contexts`
    }
    case 'relative @id reference':
    case 'relative object reference':
    case 'relative subject reference': {
      const id = String(details.id ?? details.object ?? details.subject ?? '?')
      return `${JSON.stringify(id)}${at(pathWhere(document, (_key, field) => holds(field, id)))} is not an absolute URL or URN, which an id or a link must be (such as https://example.org/badges/1 or urn:uuid:...)`
    }
    default: {
      const value = Object.values(details).find((v) => typeof v === 'string') as string | undefined
      const where = value == null ? undefined : pathWhere(document, (key, field) => key === value || holds(field, value))
      return `JSON-LD safe mode refuses the document: ${event.code}${value != null ? ` ${JSON.stringify(value)}${at(where)}` : ''}`
    }
  }
}

/**
 * Signs a credential (an OpenBadgeCredential, an EndorsementCredential or a status list). The
 * `proof` comes back as an array, as the official OB 3.0 JSON Schemas require (the signature is
 * the same either way: 1EdTech spec issue 473).
 */
export async function signCredential<T extends object> (credential: T, options: SignOptions): Promise<T & { proof: DataIntegrityProof[] }> {
  assertUnsigned(credential as { proof?: unknown }, 'credential')
  assertKey(options?.key)
  let signed: Record<string, unknown>
  try {
    signed = await tryFast(structuredClone(credential), options, new vc.CredentialIssuancePurpose(), true) ??
      await vc.issue({
        credential: structuredClone(credential),
        suite: signingSuite(options.key.multikey, options.date),
        documentLoader: options.documentLoader ?? signingLoader()
      })
  } catch (err) {
    throw new SigningError(`cannot sign the credential: ${describe(err, credential)}`, { cause: err })
  }
  const proof = signed.proof as DataIntegrityProof | DataIntegrityProof[]
  return { ...signed, proof: Array.isArray(proof) ? proof : [proof] } as T & { proof: DataIntegrityProof[] }
}

export interface SignPresentationOptions extends SignOptions {
  /** The verifier's fresh challenge (a nonce), bound into the proof. */
  challenge: string
  /** The verifier's domain, bound into the proof. */
  domain?: string
}

/** Signs a presentation as its holder (proofPurpose authentication, with challenge and domain). */
export async function signPresentation (presentation: VerifiablePresentation, options: SignPresentationOptions): Promise<VerifiablePresentation & { proof: DataIntegrityProof }> {
  assertUnsigned(presentation, 'presentation')
  assertKey(options?.key)
  if (typeof options.challenge !== 'string' || options.challenge.length === 0) throw new TypeError('challenge must be a non-empty string')
  try {
    const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: options.challenge, ...(options.domain != null ? { domain: options.domain } : {}) })
    const fast = await tryFast(structuredClone(presentation), options, purpose)
    if (fast != null) return fast as unknown as VerifiablePresentation & { proof: DataIntegrityProof }
    return await vc.signPresentation({
      presentation: structuredClone(presentation),
      suite: signingSuite(options.key.multikey, options.date),
      challenge: options.challenge,
      ...(options.domain != null ? { domain: options.domain } : {}),
      documentLoader: options.documentLoader ?? signingLoader()
    }) as VerifiablePresentation & { proof: DataIntegrityProof }
  } catch (err) {
    throw new SigningError(`cannot sign the presentation: ${describe(err, presentation)}`, { cause: err })
  }
}

/**
 * Signs any JSON-LD document that is not a credential (an Achievement or a Profile published on
 * its own) with proofPurpose assertionMethod.
 */
export async function signDocument<T extends object> (document: T, options: SignOptions): Promise<T & { proof: DataIntegrityProof }> {
  assertUnsigned(document as { proof?: unknown }, 'document')
  assertKey(options?.key)
  try {
    const fast = await tryFast(structuredClone(document), options, new jsigs.purposes.AssertionProofPurpose())
    if (fast != null) return fast as T & { proof: DataIntegrityProof }
    return await jsigs.sign(structuredClone(document), {
      suite: signingSuite(options.key.multikey, options.date),
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader: options.documentLoader ?? signingLoader()
    }) as T & { proof: DataIntegrityProof }
  } catch (err) {
    throw new SigningError(`cannot sign the document: ${describe(err, document)}`, { cause: err })
  }
}
