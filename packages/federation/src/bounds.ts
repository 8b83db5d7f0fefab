/**
 * The cost bound of a document, checked where it enters (gossip, bitswap, sync) before anything
 * decodes, hashes to RDF or checks a signature: JSON-LD expansion and canonicalisation of deep or
 * wide structures cost up to seconds of CPU per document, this walk ~3 ms a megabyte. A single pass
 * over the dag-json bytes, without decoding them (no recursion, nothing allocated).
 */
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES } from './constants.js'

export interface DocumentBounds { maxBytes: number, maxDepth: number, maxNodes: number }

export type BoundsCheck = { ok: true, depth: number, nodes: number } | { ok: false, reason: string }

/** The bytes that matter outside strings: { } [ ] , " \\ and JSON's whitespace. */
const B = { openObject: 0x7b, closeObject: 0x7d, openArray: 0x5b, closeArray: 0x5d, comma: 0x2c, quote: 0x22, backslash: 0x5c } as const
const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/**
 * Bytes, nesting depth (objects and arrays) and nodes (every JSON value: objects, arrays, strings,
 * numbers, literals) of a JSON text, each against its limit (DEFAULT_MAX_DOCUMENT_BYTES,
 * MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES). Says nothing about well-formedness: decoding comes after.
 */
export function checkDocumentBounds (bytes: Uint8Array, limits: Partial<DocumentBounds> = {}): BoundsCheck {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
  const maxDepth = limits.maxDepth ?? MAX_DOCUMENT_DEPTH
  const maxNodes = limits.maxNodes ?? MAX_DOCUMENT_NODES
  if (bytes.byteLength > maxBytes) return { ok: false, reason: `the document has ${bytes.byteLength} bytes, more than ${maxBytes}` }
  let depth = 0
  let deepest = 0
  let nodes = 0
  let inString = false
  // After an opening bracket: the next significant byte starts a first element unless it closes.
  let opened = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    if (inString) {
      if (byte === B.backslash) i++
      else if (byte === B.quote) inString = false
      continue
    }
    if (isSpace(byte)) continue
    if (opened) {
      opened = false
      if (byte !== B.closeObject && byte !== B.closeArray) nodes++
    } else if (nodes === 0) {
      nodes = 1 // the root value
    }
    if (byte === B.quote) {
      inString = true
    } else if (byte === B.openObject || byte === B.openArray) {
      depth++
      if (depth > deepest) deepest = depth
      if (depth > maxDepth) return { ok: false, reason: `the document is nested deeper than ${maxDepth} levels` }
      opened = true
    } else if (byte === B.closeObject || byte === B.closeArray) {
      depth--
    } else if (byte === B.comma) {
      nodes++
    }
    if (nodes > maxNodes) return { ok: false, reason: `the document has more than ${maxNodes} values` }
  }
  return { ok: true, depth: deepest, nodes }
}
