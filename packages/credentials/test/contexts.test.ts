// Bundled contexts and the offline document loader: every bundled context equals its published
// copy in test/vectors/contexts, the loader serves them, refuses anything else with
// COFL_ERR_CONTEXT_NOT_BUNDLED, and no network I/O happens.
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  BITSTRING_STATUS_LIST_V1_CONTEXT, BUNDLED_CONTEXTS, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT,
  CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT,
  DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT, OB_V3P0_3_0_0_CONTEXT, OB_V3P0_3_0_1_CONTEXT, OB_V3P0_3_0_2_CONTEXT,
  OB_V3P0_CONTEXT, OB_V3P0_EXTENSIONS_CONTEXT
} from '../src/contexts.js'
import { ContextNotBundledError, CredentialsError } from '../src/errors.js'
import { createDocumentLoader } from '../src/loader.js'

const VECTORS = new URL('../../../test/vectors/', import.meta.url)
const vector = (path: string): unknown => JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8'))

// The URL -> file table of test/vectors/README.md, for the contexts cofl bundles.
const VECTOR_FILES: Record<string, string> = {
  'https://www.w3.org/ns/credentials/v2': 'contexts/w3c/credentials-v2.jsonld',
  'https://www.w3.org/ns/credentials/undefined-terms/v2': 'contexts/w3c/credentials-undefined-terms-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'contexts/w3c/credentials-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'contexts/w3c/data-integrity-v2.jsonld',
  'https://w3id.org/security/data-integrity/v1': 'contexts/w3c/data-integrity-v1.jsonld',
  'https://w3id.org/security/multikey/v1': 'contexts/w3c/multikey-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'contexts/w3c/bitstring-status-list-v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'contexts/1edtech/context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'contexts/1edtech/context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'contexts/1edtech/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'contexts/1edtech/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'contexts/1edtech/extensions.json'
}

// The Ed25519Signature2020 context is bundled from ed25519-signature-2020-context (the document
// published at w3id.org); the copy in the vectors is the vc-di-eddsa repository's older local copy,
// which lacks `proof` and the nested @protected definitions. The fixture tests show that both
// give the same verdicts on every Ed25519Signature2020 fixture.
const NOT_IN_VECTORS = [DID_V1_CONTEXT, 'https://w3id.org/security/suites/ed25519-2020/v1']

function isDeepFrozen (value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen)
}

/** Runs fn while every outgoing TCP connection and fetch is recorded and refused. */
async function withoutNetwork (fn: () => Promise<void>): Promise<string[]> {
  const attempts: string[] = []
  const connect = net.Socket.prototype.connect
  const fetch = globalThis.fetch
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`connect ${JSON.stringify(args[0])}`)
    throw new Error('network I/O attempted in an offline test')
  } as typeof connect
  globalThis.fetch = async (input: string | URL | Request): Promise<Response> => {
    attempts.push(`fetch ${String(input)}`)
    throw new Error('network I/O attempted in an offline test')
  }
  try {
    await fn()
  } finally {
    net.Socket.prototype.connect = connect
    globalThis.fetch = fetch
  }
  return attempts
}

interface JsonLd {
  expand: (input: object, options: { documentLoader: unknown, safe?: boolean }) => Promise<unknown[]>
}
// jsonld has no types and is not part of this package's typed surface: a typed view for the test.
const JSONLD_MODULE: string = 'jsonld'
const loadJsonLd = async (): Promise<JsonLd> => ((await import(JSONLD_MODULE)) as { default: JsonLd }).default

test('every bundled context equals its published copy in test/vectors/contexts', () => {
  for (const [url, file] of Object.entries(VECTOR_FILES)) {
    const bundled = BUNDLED_CONTEXTS.get(url)
    assert.ok(bundled !== undefined, `${url} is bundled`)
    assert.equal(bundled, vector(file), `${url} equals ${file}`)
  }
})

test('the bundled set is exactly the table plus DID v1 and Ed25519 2020 (no identical copy in the vectors)', () => {
  assert.equal([...BUNDLED_CONTEXTS.keys()].sort(), [...Object.keys(VECTOR_FILES), ...NOT_IN_VECTORS].sort())
  const did = BUNDLED_CONTEXTS.get(DID_V1_CONTEXT) as { '@context'?: Record<string, unknown> } | undefined
  assert.ok(did?.['@context']?.['@protected'] === true, 'DID v1 is a protected context')
  assert.ok(did?.['@context']?.verificationMethod !== undefined, 'DID v1 defines verificationMethod')
})

test('the URL constants name bundled contexts; OB_V3P0_CONTEXT is 3.0.3', () => {
  const constants = [
    CREDENTIALS_V2_CONTEXT, CREDENTIALS_V1_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT,
    DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT, MULTIKEY_V1_CONTEXT,
    BITSTRING_STATUS_LIST_V1_CONTEXT, DID_V1_CONTEXT, OB_V3P0_CONTEXT, OB_V3P0_3_0_2_CONTEXT,
    OB_V3P0_3_0_1_CONTEXT, OB_V3P0_3_0_0_CONTEXT, OB_V3P0_EXTENSIONS_CONTEXT
  ]
  for (const url of constants) assert.ok(BUNDLED_CONTEXTS.has(url), url)
  assert.is(OB_V3P0_CONTEXT, 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json')
  assert.is(CREDENTIALS_V2_CONTEXT, 'https://www.w3.org/ns/credentials/v2')
})

test('bundled contexts are deep-frozen and the map refuses changes', () => {
  for (const [url, document] of BUNDLED_CONTEXTS) assert.ok(isDeepFrozen(document), `${url} is deep-frozen`)
  const map = BUNDLED_CONTEXTS as Map<string, object>
  assert.throws(() => map.set(CREDENTIALS_V2_CONTEXT, {}), TypeError)
  assert.throws(() => map.delete(CREDENTIALS_V2_CONTEXT), TypeError)
  assert.throws(() => { map.clear() }, TypeError)
  assert.ok(BUNDLED_CONTEXTS.has(CREDENTIALS_V2_CONTEXT))
})

test('the loader returns bundled contexts in the jsonld.js RemoteDocument shape', async () => {
  const loader = createDocumentLoader()
  for (const [url, document] of BUNDLED_CONTEXTS) {
    const remote = await loader(url)
    // tag 'static': jsonld.js may keep the resolved (and processed) context for the process's life
    assert.equal(remote, { contextUrl: null, documentUrl: url, document, tag: 'static' })
    assert.ok(remote.document === document)
  }
})

test('the loader refuses an unknown URL with COFL_ERR_CONTEXT_NOT_BUNDLED', async () => {
  const loader = createDocumentLoader()
  for (const url of ['https://example.com/context.json', 'https://www.w3.org/ns/credentials/examples/v2']) {
    try {
      await loader(url)
      assert.unreachable(`${url} should be refused`)
    } catch (err) {
      assert.instance(err, ContextNotBundledError)
      assert.instance(err, CredentialsError)
      const e = err as ContextNotBundledError
      assert.is(e.code, 'COFL_ERR_CONTEXT_NOT_BUNDLED')
      assert.is(e.name, 'ContextNotBundledError')
      assert.is(e.url, url)
      assert.ok(e.message.includes(url), 'the message names the URL')
      assert.match(e.message, /cofl never fetches from the web/)
    }
  }
})

test('extra contexts are served; a bundled URL cannot be replaced', async () => {
  const examples = vector('contexts/w3c/credentials-examples-v2.jsonld') as object
  const url = 'https://www.w3.org/ns/credentials/examples/v2'
  const loader = createDocumentLoader({ contexts: new Map([[url, examples]]) })
  assert.ok((await loader(url)).document === examples)
  assert.throws(() => createDocumentLoader({ contexts: new Map([[CREDENTIALS_V2_CONTEXT, {}]]) }), TypeError)
})

test('resolve answers what is not bundled; undefined from resolve is refused', async () => {
  const did = 'did:example:123'
  const asked: string[] = []
  const loader = createDocumentLoader({
    resolve: async (url) => {
      asked.push(url)
      return url === did ? { '@context': DID_V1_CONTEXT, id: did } : undefined
    }
  })
  assert.equal(await loader(did), { contextUrl: null, documentUrl: did, document: { '@context': DID_V1_CONTEXT, id: did } })
  await loader(CREDENTIALS_V2_CONTEXT)
  assert.equal(asked, [did], 'bundled contexts never reach resolve')
  try {
    await loader('did:example:unknown')
    assert.unreachable()
  } catch (err) {
    assert.is((err as CredentialsError).code, 'COFL_ERR_CONTEXT_NOT_BUNDLED')
  }
})

test('jsonld.js expands OB and W3C vectors with the loader, without any network I/O', async () => {
  const jsonld = await loadJsonLd()
  const attempts = await withoutNetwork(async () => {
    const loader = createDocumentLoader()
    const ob = vector('ob3/eddsa-rdfc-2022-test-vector/signed-credential.json') as object
    const expanded = await jsonld.expand(ob, { documentLoader: loader, safe: true })
    assert.is(expanded.length, 1)
    assert.ok(JSON.stringify(expanded).includes('https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement'))

    // Frozen documents are fine for jsonld.js, also on a second (cached) pass.
    await jsonld.expand(ob, { documentLoader: loader, safe: true })

    const examplesUrl = 'https://www.w3.org/ns/credentials/examples/v2'
    const withExamples = createDocumentLoader({
      contexts: new Map([[examplesUrl, vector('contexts/w3c/credentials-examples-v2.jsonld') as object]])
    })
    const w3c = vector('w3c-vc-di-eddsa/TestVectors/unsigned.json') as object
    assert.is((await jsonld.expand(w3c, { documentLoader: withExamples, safe: true })).length, 1)

    // Without the examples context, expansion fails with our error as the cause.
    try {
      await jsonld.expand(w3c, { documentLoader: loader, safe: true })
      assert.unreachable('the examples context is not bundled')
    } catch (err) {
      const cause = (err as { details?: { cause?: { code?: string } } }).details?.cause
      assert.is(cause?.code, 'COFL_ERR_CONTEXT_NOT_BUNDLED')
    }
  })
  assert.equal(attempts, [], 'no network I/O')
})

test.run()
