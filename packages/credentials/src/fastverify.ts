/**
 * A faster eddsa-rdfc-2022 cryptosuite for verification: the same algorithm and the same library
 * code paths as @digitalbazaar/eddsa-rdfc-2022-cryptosuite, with two costs removed.
 *
 * 1. JSON-LD expansion. Inside jsonld.js, every active context is deep-copied before each
 *    type-scoped context is applied and whenever expansion reverts to a previous context
 *    (jsonld.js#414): most of a verification's time, and its garbage. Here the document is
 *    expanded with jsonld.js's own expansion and context processing, started from an initial
 *    active context whose `clone` copies on write: the child gets its own `mappings` Map and
 *    `protected` object, and shares the term definitions and the previous context with its parent.
 *    That is safe because jsonld.js never changes a term definition after creating it
 *    (createTermDefinition builds a new object for every definition) and never changes an active
 *    context after processing it (api.process clones before every change; its processed-context
 *    cache already shares them). The expanded document then goes through jsonld.toRDF
 *    (skipExpansion) and RDFC-1.0 exactly as the library's canonize does.
 * 2. Key import. The library imports the public key (DER -> KeyObject) on every verification; a
 *    verification method is a pure function of its content, so its node:crypto KeyObject is kept
 *    (by the method's JSON, bounded). Only keys are cached: never a canonical form, a hash or a
 *    verdict.
 *
 * Anything this path does not handle the usual way (a string input, an expandContext, an explicit
 * processing mode) and any exception inside it falls back to the library's own canonize, so errors
 * and verdicts stay the library's.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { publicKeyFromMultibase } from '@cofl/identity'

type Json = Record<string, unknown>
type CanonizeOptions = Json & { skipExpansion?: boolean, expandContext?: unknown, processingMode?: unknown, documentLoader?: unknown }
interface ActiveContext {
  mappings: Map<string, unknown>
  protected: Json
  previousContext?: ActiveContext
  inverse: unknown
  clone: () => ActiveContext
  getInverse: unknown
  revertToPreviousContext: unknown
  processingMode?: unknown
  [key: string]: unknown
}

// jsonld.js internals (CommonJS; the same module instances that `import jsonld` uses).
const require = createRequire(import.meta.url)
const jsonldUtil = require('jsonld/lib/util.js') as { clone: (value: unknown) => unknown }
const jsonldContext = require('jsonld/lib/context.js') as { getInitialContext: (options: Json) => ActiveContext }
const jsonldExpand = require('jsonld/lib/expand.js') as { expand: (init: { activeCtx: ActiveContext, element: unknown, options: Json }) => Promise<unknown> }
const jsonldEvents = require('jsonld/lib/events.js') as { setupEventHandler: (init: { options: Json }) => unknown }
const ContextResolver = require('jsonld/lib/ContextResolver.js') as new (init: { sharedCache: { get: (key: string) => unknown, set: (key: string, value: unknown) => void } }) => unknown
const jsonld = require('jsonld') as { documentLoader: unknown }

/** A bounded map for jsonld.js's resolved-context cache (it holds inline contexts of untrusted documents too). */
class BoundedCache {
  private readonly map = new Map<string, unknown>()
  constructor (private readonly max: number) {}
  get (key: string): unknown {
    const value = this.map.get(key)
    if (value !== undefined) { this.map.delete(key); this.map.set(key, value) }
    return value
  }

  set (key: string, value: unknown): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string)
  }
}

const RESOLVED_CONTEXT_CACHE_SIZE = 100
const KEY_CACHE_SIZE = 1000
const resolvedContexts = new BoundedCache(RESOLVED_CONTEXT_CACHE_SIZE)

/** jsonld.js's _cloneActiveContext, copy-on-write: the same fields, term definitions shared. */
function cloneCopyOnWrite (this: ActiveContext): ActiveContext {
  const child: ActiveContext = {
    mappings: new Map(this.mappings),
    clone: this.clone,
    inverse: null,
    getInverse: this.getInverse,
    protected: { ...this.protected },
    revertToPreviousContext: this.revertToPreviousContext
  }
  if (this.previousContext != null) child.previousContext = this.previousContext
  if ('@base' in this) child['@base'] = this['@base']
  if ('@language' in this) child['@language'] = this['@language']
  if ('@vocab' in this) child['@vocab'] = this['@vocab']
  return child
}

let initialContext: ActiveContext | undefined
function copyOnWriteInitialContext (): ActiveContext {
  if (initialContext == null) {
    const library = jsonldContext.getInitialContext({})
    initialContext = {
      processingMode: library.processingMode,
      mappings: new Map(),
      inverse: null,
      getInverse: library.getInverse,
      clone: cloneCopyOnWrite,
      revertToPreviousContext: library.revertToPreviousContext,
      protected: {}
    }
  }
  return initialContext
}

class NotHandled extends Error {}

/** jsonld.expand (jsonld.js 9), from the copy-on-write initial context. */
async function expand (input: unknown, userOptions: CanonizeOptions): Promise<unknown[]> {
  if (typeof input !== 'object' || input === null) throw new NotHandled('input')
  if ('expandContext' in userOptions || userOptions.processingMode !== undefined) throw new NotHandled('options')
  if ('compactionMap' in userOptions || 'expansionMap' in userOptions) throw new NotHandled('options')
  const options: Json = Object.assign(
    {},
    { documentLoader: jsonld.documentLoader },
    { keepFreeFloatingNodes: false, contextResolver: new ContextResolver({ sharedCache: resolvedContexts }) },
    userOptions,
    { eventHandler: jsonldEvents.setupEventHandler({ options: userOptions }) }
  )
  const element = jsonldUtil.clone(input)
  if (!('base' in options)) options.base = ''
  let expanded = await jsonldExpand.expand({ activeCtx: copyOnWriteInitialContext(), element, options })
  if (expanded !== null && typeof expanded === 'object' && !Array.isArray(expanded) && '@graph' in expanded && Object.keys(expanded).length === 1) {
    expanded = (expanded as Json)['@graph']
  } else if (expanded === null) {
    expanded = []
  }
  return Array.isArray(expanded) ? expanded : [expanded]
}

/** eddsa-rdfc-2022 canonize with the faster expansion; the library's canonize on anything else. */
async function canonize (input: object, options: CanonizeOptions = {}): Promise<string> {
  if (options.skipExpansion === true) return await eddsaRdfc2022.canonize(input, options)
  let expanded: unknown[]
  try {
    expanded = await expand(input, options)
  } catch {
    // Not handled here, or an error: the library decides, with its own error.
    return await eddsaRdfc2022.canonize(input, options)
  }
  return await eddsaRdfc2022.canonize(expanded, { ...options, skipExpansion: true })
}

interface Verifier { id?: string, algorithm: string, verify: (input: { data: Uint8Array, signature: Uint8Array }) => Promise<boolean> }
const verifiers = new Map<string, Promise<Verifier>>()

/**
 * The library's verifier for a verification method (which validates the method and throws as the
 * library does), its verify done with a KeyObject imported once per method.
 */
async function createVerifier (init: { verificationMethod: Json }): Promise<Verifier> {
  let cacheKey: string
  try { cacheKey = JSON.stringify(init.verificationMethod) } catch { return await eddsaRdfc2022.createVerifier(init) as Verifier }
  let pending = verifiers.get(cacheKey)
  if (pending == null) {
    pending = (async () => {
      const library = await eddsaRdfc2022.createVerifier(init) as Verifier
      const vm = init.verificationMethod
      const raw = vm.type === 'Multikey' && vm.publicKeyJwk === undefined ? publicKeyFromMultibase(vm.publicKeyMultibase as string) : undefined
      if (raw == null) return library
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
    verifiers.set(cacheKey, pending)
    if (verifiers.size > KEY_CACHE_SIZE) verifiers.delete(verifiers.keys().next().value as string)
  }
  return await pending
}

/** The eddsa-rdfc-2022 cryptosuite with the faster canonize and the key cache (verification only). */
export const fastEddsaRdfc2022 = { ...eddsaRdfc2022, canonize, createVerifier }
