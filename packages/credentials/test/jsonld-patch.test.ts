// What the fast path relies on in the patched jsonld.js (patches/jsonld+9.0.0.patch,
// docs/jsonld-patch.md), beyond test/jsonld-w3c.test.ts (the W3C suites, patched against
// `jsonld-stock`, with fresh documents from the loader):
//   - the bundled contexts are served deeply frozen and `static`, so that jsonld.js keeps their
//     processed form and finds them by identity (the memo);
//   - with the documents a loader serves deeply frozen and kept (the memo in use), the patched
//     jsonld still gives stock's output or error on every W3C toRdf and expand test, each run twice;
//   - a protected term cannot be redefined through a context that was processed before with
//     protected terms overridable (a stock cache hit that skips the error; the patch keys the
//     cache by that flag too).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BUNDLED_CONTEXTS, createDocumentLoader } from '../src/index.js'
import { VECTORS } from './helpers.js'

type Json = Record<string, unknown>
interface JsonLd {
  expand: (input: unknown, options: Json) => Promise<unknown>
  toRDF: (input: unknown, options: Json) => Promise<unknown>
}
const require = createRequire(import.meta.url)
const patched = require('jsonld') as JsonLd
const stock = require('jsonld-stock') as JsonLd
const SUITE = join(VECTORS, 'w3c-json-ld-api-tests')

function deeplyFrozen (value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen)
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

test('the bundled contexts are served deeply frozen, the same object every time, as static', async () => {
  const loader = createDocumentLoader()
  for (const url of BUNDLED_CONTEXTS.keys()) {
    const a = await loader(url)
    const b = await loader(url)
    assert.is(a.tag, 'static', url)
    assert.ok(a.document === b.document, `${url}: the same object`)
    assert.ok(deeplyFrozen(a.document), `${url}: deeply frozen`)
  }
})

interface Entry { '@id': string, '@type': string[], input: string, option?: Json }

test('W3C toRdf and expand, documents deeply frozen and kept: the patched jsonld as stock', async () => {
  assert.ok(existsSync(join(SUITE, 'toRdf-manifest.jsonld')), `the W3C JSON-LD API tests are in ${SUITE}`)
  const file = (relative: string): string | null => {
    const path = join(SUITE, relative)
    return existsSync(path) ? readFileSync(path, 'utf8') : null
  }
  // One frozen document per URL, shared by both libraries and every run.
  const kept = new Map<string, unknown>()
  const loaderFor = (base: string) => async (url: string): Promise<Json> => {
    const relative = url.startsWith(base) ? url.slice(base.length).replace(/[?#].*$/, '') : ''
    const text = relative.length > 0 ? file(relative) : null
    if (text == null) throw new Error(`${url} is not a file of the test suite`)
    if (!kept.has(url)) kept.set(url, deepFreeze(JSON.parse(text)))
    return { contextUrl: null, documentUrl: url, document: kept.get(url), tag: 'static' }
  }
  const outcome = async (lib: JsonLd, kind: string, entry: Entry, base: string, safe: boolean): Promise<unknown> => {
    const option = entry.option ?? {}
    const options: Json = { documentLoader: loaderFor(base), base: option.base ?? base + entry.input, safe }
    for (const key of ['processingMode', 'rdfDirection', 'produceGeneralizedRdf']) if (option[key] != null) options[key] = option[key]
    if (typeof option.expandContext === 'string') options.expandContext = JSON.parse(file(option.expandContext) ?? 'null')
    const input = deepFreeze(JSON.parse(file(entry.input) ?? 'null'))
    try {
      return { output: kind === 'toRdf' ? await lib.toRDF(input, { ...options, format: 'application/n-quads' }) : await lib.expand(input, options) }
    } catch (err) {
      const e = err as { name?: string, message?: string, details?: { code?: string } }
      return { error: [e?.name, e?.details?.code, e?.message] }
    }
  }
  let compared = 0
  let outputs = 0
  const differences: string[] = []
  for (const kind of ['toRdf', 'expand']) {
    const manifest = JSON.parse(file(`${kind}-manifest.jsonld`) ?? '{}') as { baseIri: string, sequence: Entry[] }
    for (const entry of manifest.sequence) {
      if (entry.option?.specVersion === 'json-ld-1.0') continue
      for (const safe of [false, true]) {
        const ours = [await outcome(patched, kind, entry, manifest.baseIri, safe), await outcome(patched, kind, entry, manifest.baseIri, safe)]
        const theirs = [await outcome(stock, kind, entry, manifest.baseIri, safe), await outcome(stock, kind, entry, manifest.baseIri, safe)]
        compared++
        if ('output' in (ours[0] as Json)) outputs++
        if (!isDeepStrictEqual(ours, theirs)) differences.push(`${kind} ${entry['@id']} safe=${String(safe)}: ${JSON.stringify(ours).slice(0, 300)} vs ${JSON.stringify(theirs).slice(0, 300)}`)
      }
    }
  }
  assert.ok(compared > 1500, `${compared} runs compared`)
  assert.ok(outputs > 1000, `${outputs} with an output`)
  assert.equal(differences, [])
})

test('a protected term is not redefined through a context processed before with overrides allowed', async () => {
  // `aaa` has a property-scoped context that redefines the protected `name` (allowed there); the
  // node under `zzz` embeds the same context, where redefining `name` is an error. Stock 9.0.0
  // finds the context processed for `aaa` in its cache (same context, same active context) and
  // skips the error; the patch caches the two ways of processing apart.
  const context = { '@context': { '@protected': true, name: 'http://schema.org/name', aaa: { '@id': 'http://example.org/aaa', '@context': { name: 'http://example.org/other' } }, zzz: 'http://example.org/zzz' } }
  const documentLoader = async (url: string): Promise<Json> => ({ contextUrl: null, documentUrl: url, document: structuredClone(context), tag: 'static' })
  const doc = { '@context': 'https://context.example/protected', aaa: { name: 'inner' }, zzz: { '@context': { name: 'http://example.org/other' }, name: 'x' } }
  const code = async (lib: JsonLd): Promise<string | undefined> => {
    try {
      await lib.toRDF(structuredClone(doc), { documentLoader, format: 'application/n-quads' })
      return undefined
    } catch (err) {
      return (err as { details?: { code?: string } }).details?.code
    }
  }
  assert.is(await code(patched), 'protected term redefinition')
  // Documents why the patch has this part; if this fails, upstream fixed it (drop that part).
  assert.is(await code(stock), undefined)
})

test.run()
