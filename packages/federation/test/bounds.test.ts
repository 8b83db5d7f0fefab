// The cost bound of a document, before any decoding, canonicalisation or signature check:
// bytes, depth and values counted in one pass over the dag-json bytes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkDocumentBounds, DEFAULT_MAX_DOCUMENT_BYTES, documentBlock } from '../src/index.js'
import { MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES } from '../src/tuning.js'
import { generateKeyPair, signedAchievement, signedStatusList } from './helpers.js'

const text = (value: string): Uint8Array => new TextEncoder().encode(value)

function nested (depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { name: 'leaf' }
  for (let i = 1; i < depth; i++) value = { name: `level ${i}`, parentOrg: value }
  return value
}

test('real documents pass, with their depth and number of values', async () => {
  const key = await generateKeyPair()
  for (const document of [await signedAchievement(key), await signedStatusList(key, 1)]) {
    const { bytes } = await documentBlock(document)
    const result = checkDocumentBounds(bytes)
    assert.ok(result.ok, JSON.stringify(result))
    if (result.ok) {
      assert.ok(result.depth >= 2 && result.depth < 12, `depth ${result.depth}`)
      assert.ok(result.nodes > 10 && result.nodes < 200, `${result.nodes} values`)
    }
  }
})

test('counting: values, not keys; brackets and escaped quotes inside strings do not count', () => {
  assert.equal(checkDocumentBounds(text('{}')), { ok: true, depth: 1, nodes: 1 })
  assert.equal(checkDocumentBounds(text(' [ ] ')), { ok: true, depth: 1, nodes: 1 })
  assert.equal(checkDocumentBounds(text('{"a": 1, "b": [true, null, "x"], "c": {}}')), { ok: true, depth: 2, nodes: 7 })
  assert.equal(checkDocumentBounds(text('{"a": "[[[{{\\"]]", "b\\\\": "}"}')), { ok: true, depth: 1, nodes: 3 })
  assert.equal(checkDocumentBounds(text('"just a string"')), { ok: true, depth: 0, nodes: 1 })
})

test('deeper than MAX_DOCUMENT_DEPTH, more values than MAX_DOCUMENT_NODES, more bytes than the limit: refused', async () => {
  const at = await documentBlock(nested(MAX_DOCUMENT_DEPTH))
  assert.ok(checkDocumentBounds(at.bytes).ok, 'exactly the limit passes')
  const deep = checkDocumentBounds((await documentBlock(nested(MAX_DOCUMENT_DEPTH + 1))).bytes)
  assert.is(deep.ok, false)
  if (!deep.ok) assert.match(deep.reason, `nested deeper than ${MAX_DOCUMENT_DEPTH} levels`)
  // Deep arrays too, also far past the limit (no recursion, no stack overflow).
  const arrays = checkDocumentBounds(text('['.repeat(200_000) + ']'.repeat(200_000)))
  assert.is(arrays.ok, false)

  const wide = checkDocumentBounds((await documentBlock({ alignment: Array.from({ length: MAX_DOCUMENT_NODES }, (_, i) => i) })).bytes)
  assert.is(wide.ok, false)
  if (!wide.ok) assert.match(wide.reason, `more than ${MAX_DOCUMENT_NODES} values`)
  const fits = checkDocumentBounds((await documentBlock({ alignment: Array.from({ length: MAX_DOCUMENT_NODES - 2 }, (_, i) => i) })).bytes)
  assert.ok(fits.ok)

  const big = checkDocumentBounds(new Uint8Array(DEFAULT_MAX_DOCUMENT_BYTES + 1).fill(0x20))
  assert.is(big.ok, false)
  if (!big.ok) assert.match(big.reason, 'bytes, more than')
  assert.is(checkDocumentBounds(text('[[1]]'), { maxDepth: 1 }).ok, false, 'limits can be given')
})

test.run()
