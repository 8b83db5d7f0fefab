/**
 * The signature suites: eddsa-rdfc-2022 (what cofl signs with, what OB 3.0 certification asks
 * for) and, for verification only, the legacy Ed25519Signature2020 that other OB 3.0 platforms
 * still issue. And the document loaders that sign and verify with: bundled contexts only, DIDs
 * resolved offline.
 */
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { createDidResolver, didMethod, MULTIKEY_V1_CONTEXT } from '@cofl/identity'
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
  /**
   * Controller documents this verifier holds, resolved elsewhere (a URL issuer's, or a did:web
   * document, which this loader does not fetch): each answers its `id`, and each verification
   * method it embeds answers its own id. A key binds to a URL issuer only through such a document.
   */
  controllerDocuments?: readonly object[]
}

/** The controller documents by id, and the verification methods they embed by theirs. */
function indexControllers (documents: readonly object[]): Map<string, object> {
  const byId = new Map<string, object>()
  for (const [i, document] of documents.entries()) {
    const doc = document as { id?: unknown, verificationMethod?: unknown }
    if (doc == null || typeof doc !== 'object' || typeof doc.id !== 'string') throw new TypeError(`controllerDocuments[${i}] must be an object with an id`)
    byId.set(doc.id, document)
    for (const method of Array.isArray(doc.verificationMethod) ? doc.verificationMethod as unknown[] : []) {
      const id = (method as { id?: unknown } | null)?.id
      if (typeof id !== 'string') continue
      byId.set(id, { '@context': MULTIKEY_V1_CONTEXT, ...(method as object) })
    }
  }
  return byId
}

/**
 * The document loader for verification and signing: bundled contexts, did:key resolved offline,
 * and the controller documents given. Anything else is refused with a coded error that a
 * verification report turns into a reason.
 */
export function createVerificationLoader (init: VerificationLoaderInit = {}): DocumentLoader {
  const didResolver = init.didResolver ?? createDidResolver()
  const controllers = indexControllers(init.controllerDocuments ?? [])
  return createDocumentLoader({
    contexts: init.contexts,
    resolve: async (url: string): Promise<object | undefined> => {
      const held = controllers.get(url)
      if (held != null) return held
      if (url.startsWith('did:') && didMethod(url) != null) return await didResolver.dereference(url)
      return undefined
    }
  })
}

let defaultSigningLoader: DocumentLoader | undefined
/** The loader signing uses by default (bundled contexts, did:key). */
export function signingLoader (): DocumentLoader {
  defaultSigningLoader ??= createVerificationLoader()
  return defaultSigningLoader
}
