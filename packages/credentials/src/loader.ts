/**
 * The offline JSON-LD document loader (the jsonld.js `documentLoader` contract). It answers
 * bundled contexts, then the caller's extra contexts, then the caller's `resolve` function (DID
 * resolution, for instance), and refuses everything else with ContextNotBundledError. It never
 * does network I/O.
 *
 *   const documentLoader = createDocumentLoader({ resolve: (url) => resolveDid(url) })
 *   await jsonld.expand(credential, { documentLoader })
 */
import { BUNDLED_CONTEXTS } from './contexts.js'
import { ContextNotBundledError } from './errors.js'

/** What a document loader returns (jsonld.js RemoteDocument). */
export interface RemoteDocument {
  contextUrl: null
  documentUrl: string
  document: object
  /** `static`: jsonld.js may keep the resolved context (and contexts processed from it) for the life of the process. */
  tag?: 'static'
}

/** A jsonld.js document loader. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>

export interface DocumentLoaderOptions {
  /** Extra contexts (e.g. test-only contexts). A URL that is already bundled is refused. */
  contexts?: ReadonlyMap<string, object>
  /** Answers URLs that are not contexts, e.g. DID resolution; `undefined` means "not mine". */
  resolve?: (url: string) => Promise<object | undefined>
}

/** Creates an offline document loader. */
export function createDocumentLoader (options: DocumentLoaderOptions = {}): DocumentLoader {
  const extra = new Map<string, object>()
  for (const [url, document] of options.contexts ?? []) {
    if (BUNDLED_CONTEXTS.has(url)) {
      throw new TypeError(`options.contexts: ${url} is a bundled context and cannot be replaced`)
    }
    if (document === null || typeof document !== 'object') {
      throw new TypeError(`options.contexts: the document for ${url} must be an object`)
    }
    extra.set(url, document)
  }
  const resolve = options.resolve
  if (resolve !== undefined && typeof resolve !== 'function') {
    throw new TypeError('options.resolve must be a function')
  }

  return async function documentLoader (url: string): Promise<RemoteDocument> {
    if (typeof url !== 'string') throw new TypeError('documentLoader: url must be a string')
    const bundled = BUNDLED_CONTEXTS.get(url)
    if (bundled !== undefined) return { contextUrl: null, documentUrl: url, document: bundled, tag: 'static' }
    const document = extra.get(url) ?? (await resolve?.(url))
    if (document === undefined || document === null) throw new ContextNotBundledError(url)
    return { contextUrl: null, documentUrl: url, document }
  }
}
