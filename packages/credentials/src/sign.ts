/**
 * Signing with @digitalbazaar/vc and jsonld-signatures: DataIntegrityProof, eddsa-rdfc-2022.
 */
import * as vc from '@digitalbazaar/vc'
import jsigs from 'jsonld-signatures'
import type { KeyPair } from '@cofl/identity'
import { SigningError } from './errors.js'
import type { DocumentLoader } from './loader.js'
import type { DataIntegrityProof, VerifiableCredential, VerifiablePresentation } from './model.js'
import { signingLoader, signingSuite } from './suites.js'

export interface SignOptions {
  /** The signing key (a did:key key pair from @cofl/identity). */
  key: KeyPair
  /** The proof's `created` date (default: now). */
  date?: string | Date
  documentLoader?: DocumentLoader
}

function assertKey (key: KeyPair | undefined): asserts key is KeyPair {
  if (key == null || !key.canSign) throw new TypeError('key must be a key pair that can sign')
}

function assertUnsigned (document: { proof?: unknown } | undefined, what: string): void {
  if (document == null || typeof document !== 'object' || Array.isArray(document)) throw new TypeError(`${what} must be an object`)
  if (document.proof != null) throw new SigningError(`the ${what} is signed already`)
}

function describe (err: unknown): string {
  const e = err as { message?: string, details?: { event?: { code?: string, details?: { property?: string, type?: string } } } }
  const event = e?.details?.event
  if (event?.code === 'invalid property' || event?.code === 'invalid type value') {
    return `"${event.details?.property ?? event.details?.type ?? '?'}" is not defined by any of the document's contexts`
  }
  return e?.message ?? String(err)
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
    signed = await vc.issue({
      credential: structuredClone(credential),
      suite: signingSuite(options.key.multikey, options.date),
      documentLoader: options.documentLoader ?? signingLoader()
    })
  } catch (err) {
    throw new SigningError(`cannot sign the credential: ${describe(err)}`, { cause: err })
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
    return await vc.signPresentation({
      presentation: structuredClone(presentation),
      suite: signingSuite(options.key.multikey, options.date),
      challenge: options.challenge,
      ...(options.domain != null ? { domain: options.domain } : {}),
      documentLoader: options.documentLoader ?? signingLoader()
    }) as VerifiablePresentation & { proof: DataIntegrityProof }
  } catch (err) {
    throw new SigningError(`cannot sign the presentation: ${describe(err)}`, { cause: err })
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
    return await jsigs.sign(structuredClone(document), {
      suite: signingSuite(options.key.multikey, options.date),
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader: options.documentLoader ?? signingLoader()
    }) as T & { proof: DataIntegrityProof }
  } catch (err) {
    throw new SigningError(`cannot sign the document: ${describe(err)}`, { cause: err })
  }
}
