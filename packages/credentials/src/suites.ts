/**
 * The signature suites: eddsa-rdfc-2022 (what cofl signs with, what OB 3.0 certification asks
 * for) and, for verification only, the legacy Ed25519Signature2020 that other OB 3.0 platforms
 * still issue. And the document loaders that sign and verify with: bundled contexts only, DIDs
 * resolved offline.
 */
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { createDidResolver, DID_V1_CONTEXT, didMethod, MULTIKEY_V1_CONTEXT, publicKeyFromMultibase } from '@cofl/identity'
import type { DidResolver, Multikey } from '@cofl/identity'
import { createDocumentLoader } from './loader.js'
import type { DocumentLoader } from './loader.js'

export const DATA_INTEGRITY_PROOF = 'DataIntegrityProof'
export const EDDSA_RDFC_2022 = 'eddsa-rdfc-2022'
export const ED25519_SIGNATURE_2020 = 'Ed25519Signature2020'

/** The suite that signs with `key` (a Multikey with `id` and `controller` set). */
export function signingSuite (key: Multikey, date?: string | Date): DataIntegrityProof {
  if (key?.id == null || key.controller == null) throw new TypeError('key must have id and controller set')
  return new DataIntegrityProof({ signer: key.signer(), cryptosuite: eddsaRdfc2022, ...(date != null ? { date } : {}) })
}

/**
 * Fresh verification suites for the plain pipeline (the libraries cache per-document state on
 * them: one set per verify): DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite as
 * published, and Ed25519Signature2020. (The fast path, fastverify.ts, uses no suite objects.)
 */
export function verificationSuites (): object[] {
  return [new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), new Ed25519Signature2020()]
}

/** Whether this verifier can check a proof of this type / cryptosuite. */
export function isSupportedProof (proof: { type?: unknown, cryptosuite?: unknown }): boolean {
  return (proof.type === DATA_INTEGRITY_PROOF && proof.cryptosuite === EDDSA_RDFC_2022) || proof.type === ED25519_SIGNATURE_2020
}

export interface VerificationLoaderInit {
  didResolver?: DidResolver
  /** Extra contexts (tests: the W3C examples context). */
  contexts?: ReadonlyMap<string, object>
}

/**
 * The document loader for verification and signing: bundled contexts and did:key resolved
 * offline. Anything else is refused with a coded error that a verification report turns into a
 * reason.
 */
export function createVerificationLoader (init: VerificationLoaderInit = {}): DocumentLoader {
  const didResolver = init.didResolver ?? createDidResolver()
  return createDocumentLoader({
    contexts: init.contexts,
    resolve: async (url: string): Promise<object | undefined> => {
      if (url.startsWith('did:') && didMethod(url) != null) return await didResolver.dereference(url)
      return undefined
    }
  })
}

/**
 * The Multikey method of an http(s) verification method whose fragment is the Ed25519 key itself
 * (`https://example.edu/issuers/565049#z6Mk...`), as the OB 3.0 implementation guide's vector and
 * the 1EdTech validator use them. Undefined for any other URL.
 */
export function fragmentKeyMethod (url: string): { '@context': string, id: string, type: 'Multikey', controller: string, publicKeyMultibase: string } | undefined {
  // Only http(s) URLs with a fragment qualify: most URLs (did:, contexts) are known without
  // parsing. (As the URL parser reads it: leading C0 controls and spaces, and tabs and newlines
  // anywhere, do not count.)
  if (typeof url !== 'string' || !url.includes('#') || !/^https?:/i.test(url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''))) return undefined
  let parsed: URL
  try { parsed = new URL(url) } catch { return undefined }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  const fragment = parsed.hash.slice(1)
  if (fragment.length === 0 || publicKeyFromMultibase(fragment) == null) return undefined
  return { '@context': MULTIKEY_V1_CONTEXT, id: url, type: 'Multikey', controller: url.slice(0, url.length - parsed.hash.length), publicKeyMultibase: fragment }
}

/**
 * Wraps `loader` for one verification so that it also answers fragment keys and, for each, a
 * controller document that names only that key. The key is self-asserted: nothing binds it to
 * the controller URL, which is why reports say so.
 */
export function withFragmentKeys (loader: DocumentLoader): DocumentLoader {
  const controllers = new Map<string, string>()
  return async (url: string) => {
    const method = fragmentKeyMethod(url)
    if (method != null) {
      controllers.set(method.controller, method.id)
      return { contextUrl: null, documentUrl: url, document: method }
    }
    const keyId = controllers.get(url)
    if (keyId != null) {
      return { contextUrl: null, documentUrl: url, document: { '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT], id: url, assertionMethod: [keyId], authentication: [keyId] } }
    }
    return await loader(url)
  }
}

let defaultSigningLoader: DocumentLoader | undefined
/** The loader signing uses by default (bundled contexts, did:key). */
export function signingLoader (): DocumentLoader {
  defaultSigningLoader ??= createVerificationLoader()
  return defaultSigningLoader
}
