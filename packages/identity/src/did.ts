/**
 * did:key identifiers and offline DID resolution through did-resolver + key-did-resolver.
 *
 * key-did-resolver describes keys as Ed25519VerificationKey2018 (publicKeyBase58) without an
 * `@context`; the Data Integrity suites want Multikey verification methods in a document with the
 * DID v1 and Multikey contexts. `createDidResolver` resolves with the library and adapts its output.
 */
import { Resolver } from 'did-resolver'
import KeyResolver from 'key-did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import { DEFAULT_DID_CACHE_SIZE, DID_V1_CONTEXT, ED25519_PUB_MULTICODEC, MULTIKEY_V1_CONTEXT } from './constants.js'
import { DidMethodNotSupportedError, DidResolutionError } from './errors.js'

/** A Multikey verification method. */
export interface VerificationMethod {
  '@context'?: string | string[]
  id: string
  type: 'Multikey'
  controller: string
  publicKeyMultibase: string
}

/** A DID document with Multikey verification methods. */
export interface DidDocument {
  '@context': string[]
  id: string
  verificationMethod: VerificationMethod[]
  authentication: string[]
  assertionMethod: string[]
  capabilityDelegation: string[]
  capabilityInvocation: string[]
}

export interface DidResolver {
  /** The DID document of `did`, with Multikey verification methods. */
  resolve(did: string): Promise<DidDocument>
  /**
   * A DID (the document) or a DID URL with a fragment (the verification method, with the
   * Multikey context, as a JSON-LD document loader returns it).
   */
  dereference(url: string): Promise<DidDocument | VerificationMethod>
}

/** The did:key DID of an Ed25519 public key given as multibase (`z6Mk...`). */
export function didKeyFromPublicKeyMultibase (publicKeyMultibase: string): string {
  return `did:key:${publicKeyMultibase}`
}

/** The DID method of `did` (`key` for `did:key:...`), or undefined when it is no DID. */
export function didMethod (did: string): string | undefined {
  const match = /^did:([a-z0-9]+):/.exec(did)
  return match?.[1]
}

/** Encodes a raw 32-byte Ed25519 public key as Multikey multibase (`z6Mk...`). */
export function publicKeyToMultibase (publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new TypeError('an Ed25519 public key has 32 bytes')
  const bytes = new Uint8Array(34)
  bytes.set(ED25519_PUB_MULTICODEC)
  bytes.set(publicKey, 2)
  return base58btc.encode(bytes)
}

/**
 * The raw Ed25519 public key of a Multikey multibase string, or undefined when it is not one.
 */
export function publicKeyFromMultibase (multibase: string): Uint8Array | undefined {
  if (typeof multibase !== 'string' || !multibase.startsWith('z')) return undefined
  let bytes: Uint8Array
  try { bytes = base58btc.decode(multibase) } catch { return undefined }
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUB_MULTICODEC[0] || bytes[1] !== ED25519_PUB_MULTICODEC[1]) return undefined
  return bytes.subarray(2)
}

/**
 * A controller document (a DID document, or a URL issuer's document) that names `keys` (Ed25519
 * Multikey multibase strings) as its verification methods `${id}#${key}`, for assertion and
 * authentication. What binds a key to its issuer: a verifier accepts a key only when its
 * controller document names it.
 */
export function buildControllerDocument (id: string, keys: readonly string[]): DidDocument {
  if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string')
  if (!Array.isArray(keys) || keys.some((k) => publicKeyFromMultibase(k) == null)) throw new TypeError('keys must be Ed25519 Multikey multibase strings (z6Mk...)')
  return documentOf(id, keys.map((publicKeyMultibase) => ({ id: `${id}#${publicKeyMultibase}`, type: 'Multikey', controller: id, publicKeyMultibase })))
}

function documentOf (id: string, methods: VerificationMethod[]): DidDocument {
  const ids = methods.map((m) => m.id)
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id,
    verificationMethod: methods,
    authentication: ids,
    assertionMethod: ids,
    capabilityDelegation: ids,
    capabilityInvocation: ids
  }
}

/** Creates an offline resolver (did:key). Resolved documents are cached: a did:key document is a pure function of its DID. */
export function createDidResolver (init: { cacheSize?: number } = {}): DidResolver {
  const cacheSize = init.cacheSize ?? DEFAULT_DID_CACHE_SIZE
  const resolver = new Resolver(KeyResolver.getResolver(), { cache: false })
  const cache = new Map<string, DidDocument>()

  async function resolve (did: string): Promise<DidDocument> {
    if (typeof did !== 'string') throw new TypeError('did must be a string')
    const cached = cache.get(did)
    if (cached != null) return cached
    const method = didMethod(did)
    if (method == null) throw new DidResolutionError(`"${did}" is not a DID`)
    if (method !== 'key') throw new DidMethodNotSupportedError(method)
    const result = await resolver.resolve(did)
    const source = result.didDocument
    if (source == null || result.didResolutionMetadata.error != null) {
      throw new DidResolutionError(`cannot resolve ${did}: ${result.didResolutionMetadata.error ?? 'no document'} ${String(result.didResolutionMetadata.message ?? '')}`.trim())
    }
    const methods: VerificationMethod[] = []
    for (const vm of source.verificationMethod ?? []) {
      if (vm.type !== 'Ed25519VerificationKey2018' || vm.publicKeyBase58 == null) continue
      const publicKeyMultibase = publicKeyToMultibase(base58btc.baseDecode(vm.publicKeyBase58))
      methods.push({ id: vm.id, type: 'Multikey', controller: vm.controller, publicKeyMultibase })
    }
    if (methods.length === 0) throw new DidResolutionError(`${did} names no Ed25519 key`)
    const doc = documentOf(source.id, methods)
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
    cache.set(did, doc)
    return doc
  }

  return {
    resolve,
    async dereference (url: string): Promise<DidDocument | VerificationMethod> {
      if (typeof url !== 'string') throw new TypeError('url must be a string')
      const [did, fragment] = url.split('#', 2) as [string, string | undefined]
      const doc = await resolve(did)
      if (fragment == null) return doc
      const vm = doc.verificationMethod.find((m) => m.id === url)
      if (vm == null) throw new DidResolutionError(`${did} has no verification method #${fragment}`)
      return { '@context': MULTIKEY_V1_CONTEXT, ...vm }
    }
  }
}
