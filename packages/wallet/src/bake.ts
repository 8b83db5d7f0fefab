/**
 * Baked badges (Open Badges 3.0, "Baked Badge"): a credential carried inside its badge image.
 *
 * - PNG: one `iTXt` chunk with keyword `openbadgecredential`, uncompressed, whose text is the
 *   credential's JSON (or the compact JWS of a VC-JWT), inserted before IEND. Baking again
 *   replaces it: there is never more than one. Every other chunk is copied byte for byte.
 * - SVG: the root `<svg>` gets `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` and, as
 *   its first child, `<openbadges:credential>` holding the JSON in a CDATA section (a VC-JWT goes
 *   in its `verify` attribute instead). Only the root's start tag and the credential element are
 *   touched; the rest of the document stays as it was, comments and all.
 *
 * The PNG chunk codec is written here (crc32 and deflate from zlib.ts: node:zlib, or in a browser
 * bundle its stand-in zlib-browser.ts); the SVG is read with a small XML scanner that knows
 * comments, CDATA, processing instructions, DOCTYPE and quoted attributes, and refuses a document
 * that is not well-formed rather than guess.
 */
import { crc32, deflateSync, inflateSync } from './zlib.js'
import { CHECK_TITLES } from '@cofl/verifier'
import type { Check, CheckId, VerificationReport } from '@cofl/verifier'
import { BakeError, BakeErrorCode } from './bake-errors.js'

/** The keyword of the PNG iTXt chunk that holds an OB 3.0 credential. */
export const OB3_PNG_KEYWORD = 'openbadgecredential'
/** The XML namespace of the SVG credential element. */
export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0'
/** The SVG element that holds an OB 3.0 credential. */
export const OB3_SVG_ELEMENT = 'openbadges:credential'
/** The most text a compressed iTXt chunk may inflate to (the spec forbids compression; we still read it). */
export const MAX_BAKED_TEXT_BYTES = 16 * 1024 * 1024

export type BadgeFormat = 'png' | 'svg'

/** What `extractCredential` found in an image. */
export interface BakedCredential {
  format: BadgeFormat
  /** The parsed JSON of the credential, or the compact JWS string of a VC-JWT. */
  value: unknown
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
const UTF8 = new TextEncoder()
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true })
const KEYWORD_BYTES = UTF8.encode(OB3_PNG_KEYWORD)
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/
/** Characters XML 1.0 cannot carry, and lone surrogates (which UTF-8 cannot carry). */
const NOT_XML_CHAR = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\p{Cs}/gu
const LONE_SURROGATE = /\p{Cs}/gu

function malformed (message: string, options?: ErrorOptions): BakeError {
  return new BakeError(BakeErrorCode.MALFORMED, message, options)
}

// ---------------------------------------------------------------------------------------------
// The credential's text

interface CredentialText { text: string, jws: boolean }

/** The UTF-8 text of a base64url string (atob and TextDecoder, not Buffer: this module runs in browsers too). */
function base64urlText (value: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))
}

/** The compact JWS's protected header, when `text` is a compact JWS (a VC-JWT). */
function jwsHeader (text: string): Record<string, unknown> | undefined {
  if (!COMPACT_JWS.test(text)) return undefined
  try {
    const header: unknown = JSON.parse(base64urlText(text.slice(0, text.indexOf('.'))))
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? header as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

function credentialText (credential: object | string): CredentialText {
  if (typeof credential === 'string') {
    if (jwsHeader(credential) !== undefined) return { text: credential, jws: true }
    try {
      JSON.parse(credential)
    } catch (err) {
      throw new TypeError('credential must be an object, its JSON text, or a compact JWS (VC-JWT)', { cause: err })
    }
    return { text: credential, jws: false }
  }
  if (credential === null || typeof credential !== 'object') {
    throw new TypeError('credential must be an object, its JSON text, or a compact JWS (VC-JWT)')
  }
  return { text: JSON.stringify(credential), jws: false }
}

/**
 * JSON text with the characters a format cannot carry written as JSON escapes (`\uFFFE`): they
 * can only stand inside JSON strings, so the parsed value is the same.
 */
function escapeInJson (text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The credential read from a baked image's text: its JSON parsed, or the compact JWS of a VC-JWT
 * as a string. Throws COFL_ERR_BAKE_MALFORMED for anything else, and for JSON that tries
 * prototype poisoning (`__proto__`, `constructor.prototype`), as the node's JSON API does.
 */
export function parseBakedCredential (text: string): unknown {
  if (typeof text !== 'string') throw new TypeError('text must be a string')
  const trimmed = text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '')
  if (jwsHeader(trimmed) !== undefined) return trimmed
  try {
    return JSON.parse(trimmed, function (key, value: unknown) {
      if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'))) {
        throw malformed(`the baked credential holds a "${key}" key (prototype poisoning)`)
      }
      return value
    })
  } catch (err) {
    if (err instanceof BakeError) throw err
    throw malformed(`the baked credential is neither JSON nor a compact JWS (VC-JWT): ${(err as Error).message}`, { cause: err })
  }
}

// ---------------------------------------------------------------------------------------------
// PNG

interface PngChunk {
  type: string
  /** Offset of its length field. */
  start: number
  /** Offset just after its CRC. */
  end: number
  data: Uint8Array
}

function isPng (bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

function isChunkTypeByte (b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
}

/** The chunks of a PNG up to and including IEND; every CRC checked. */
function * pngChunks (png: Uint8Array): Generator<PngChunk> {
  if (!(png instanceof Uint8Array)) throw new TypeError('png must be a Uint8Array')
  if (!isPng(png)) throw new BakeError(BakeErrorCode.NOT_PNG, 'not a PNG image: it does not begin with the PNG signature')
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  let offset = PNG_SIGNATURE.length
  for (let index = 0; ; index++) {
    if (offset + 12 > png.length) throw malformed(`the PNG is truncated: ${offset === png.length ? 'it ends' : 'a chunk is cut off'} before its IEND chunk (byte ${offset})`)
    const length = view.getUint32(offset)
    const dataEnd = offset + 8 + length
    if (length > 0x7fffffff || dataEnd + 4 > png.length) throw malformed(`the PNG is truncated: the chunk at byte ${offset} says it holds ${length} bytes`)
    const typeBytes = png.subarray(offset + 4, offset + 8)
    if (!typeBytes.every(isChunkTypeByte)) throw malformed(`the PNG has a chunk with an invalid type at byte ${offset}`)
    const type = String.fromCharCode(...typeBytes)
    if (crc32(png.subarray(offset + 4, dataEnd)) !== view.getUint32(dataEnd)) throw malformed(`the CRC of the PNG's ${type} chunk at byte ${offset} is wrong: the file is damaged`)
    if (index === 0 && type !== 'IHDR') throw malformed(`the PNG's first chunk is ${type}, not IHDR`)
    yield { type, start: offset, end: dataEnd + 4, data: png.subarray(offset + 8, dataEnd) }
    if (type === 'IEND') return
    offset = dataEnd + 4
  }
}

function encodeChunk (type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) { out.set(p, offset); offset += p.length }
  return out
}

/** True when an iTXt chunk's keyword is `openbadgecredential`. */
function isCredentialChunk (chunk: PngChunk): boolean {
  const d = chunk.data
  return chunk.type === 'iTXt' && d.length > KEYWORD_BYTES.length && d[KEYWORD_BYTES.length] === 0 && KEYWORD_BYTES.every((b, i) => d[i] === b)
}

/** The text of an `openbadgecredential` iTXt chunk. */
function iTxtText (data: Uint8Array): string {
  let i = KEYWORD_BYTES.length + 1
  const flag = data[i]
  const method = data[i + 1]
  i += 2
  for (let field = 0; field < 2; field++) { // language tag, translated keyword
    const nul = data.indexOf(0, i)
    if (nul === -1) throw malformed('the PNG\'s openbadgecredential iTXt chunk is malformed (a missing NUL separator)')
    i = nul + 1
  }
  if (flag === undefined || method === undefined || i > data.length) throw malformed('the PNG\'s openbadgecredential iTXt chunk is truncated')
  let text = data.subarray(i)
  if (flag === 1) {
    if (method !== 0) throw malformed(`the PNG's openbadgecredential iTXt chunk uses unknown compression method ${method}`)
    try {
      text = inflateSync(text, { maxOutputLength: MAX_BAKED_TEXT_BYTES })
    } catch (err) {
      throw malformed(`the PNG's compressed openbadgecredential iTXt chunk does not inflate (or inflates beyond ${MAX_BAKED_TEXT_BYTES} bytes)`, { cause: err })
    }
  } else if (flag !== 0) {
    throw malformed(`the PNG's openbadgecredential iTXt chunk has compression flag ${flag}`)
  }
  try {
    return UTF8_STRICT.decode(text)
  } catch (err) {
    throw malformed('the text of the PNG\'s openbadgecredential iTXt chunk is not UTF-8', { cause: err })
  }
}

/**
 * Bakes a credential into a PNG: an uncompressed iTXt chunk `openbadgecredential` before IEND,
 * replacing any there was. `credential` is the credential object (written as
 * `JSON.stringify(credential)`), its JSON text (kept as it is), or the compact JWS of a VC-JWT.
 * Throws COFL_ERR_BAKE_NOT_PNG / COFL_ERR_BAKE_MALFORMED for an image it cannot read.
 */
export function bakePng (png: Uint8Array, credential: object | string): Uint8Array {
  const { text, jws } = credentialText(credential)
  const body = UTF8.encode(jws ? text : escapeInJson(text, LONE_SURROGATE))
  const parts: Uint8Array[] = [PNG_SIGNATURE]
  let iend: PngChunk | undefined
  for (const chunk of pngChunks(png)) {
    if (chunk.type === 'IEND') iend = chunk
    else if (!isCredentialChunk(chunk)) parts.push(png.subarray(chunk.start, chunk.end))
  }
  // keyword, NUL, compression flag 0, compression method 0, empty language tag + NUL, empty translated keyword + NUL
  const header = concat([KEYWORD_BYTES, Uint8Array.of(0, 0, 0, 0, 0)])
  parts.push(encodeChunk('iTXt', concat([header, body])))
  parts.push(png.subarray((iend as PngChunk).start, (iend as PngChunk).end))
  return concat(parts)
}

/**
 * The text of the first `openbadgecredential` iTXt chunk of a PNG (the credential's JSON, or a
 * compact JWS), or undefined when it has none. Throws COFL_ERR_BAKE_NOT_PNG for bytes that are
 * not a PNG and COFL_ERR_BAKE_MALFORMED for a damaged one.
 */
export function unbakePng (png: Uint8Array): string | undefined {
  for (const chunk of pngChunks(png)) {
    if (isCredentialChunk(chunk)) return iTxtText(chunk.data)
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// SVG: a small XML scanner

interface Attribute {
  name: string
  /** The value as written, entities undecoded. */
  raw: string
  valueStart: number
  valueEnd: number
}

interface StartTag {
  name: string
  start: number
  /** Just after the last attribute (after its closing quote), or after the name. */
  attributesEnd: number
  /** Where `>` or `/>` begins. */
  close: number
  /** Just after the tag. */
  end: number
  selfClosing: boolean
  attributes: Attribute[]
}

interface CredentialElement {
  start: number
  end: number
  tag: StartTag
  /** Its character data (text and CDATA), entities decoded, line ends normalised. */
  text: string
}

interface SvgDocument {
  root: StartTag
  credentials: CredentialElement[]
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: '\'' }

function isSpace (c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

function skipSpace (s: string, i: number): number {
  while (isSpace(s[i])) i++
  return i
}

function nameEnd (s: string, i: number): number {
  for (;;) {
    const c = s[i]
    if (c === undefined || isSpace(c) || c === '>' || c === '/' || c === '=' || c === '<' || c === '"' || c === '\'' || c === '?' || c === '!') return i
    i++
  }
}

/** "line L, column C" of an offset, for messages. */
function where (s: string, i: number): string {
  const before = s.slice(0, i)
  const line = before.split('\n').length
  return `line ${line}, column ${i - before.lastIndexOf('\n')}`
}

function decodeEntities (text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[ref] ?? whole
  })
}

function normaliseLineEnds (text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

/** An attribute's value as an XML parser gives it: line ends and whitespace normalised, entities decoded. */
function attributeValue (raw: string): string {
  return decodeEntities(normaliseLineEnds(raw).replace(/[\t\n]/g, ' '))
}

/** Skips `<!DOCTYPE ...>`, with its quoted ids and internal subset; returns the offset after it. */
function skipDoctype (s: string, i: number): number {
  let j = i + '<!DOCTYPE'.length
  let subset = false
  while (j < s.length) {
    const c = s[j]
    if (c === '"' || c === '\'') {
      const close = s.indexOf(c, j + 1)
      if (close === -1) break
      j = close + 1
    } else if (subset && s.startsWith('<!--', j)) {
      const close = s.indexOf('-->', j + 4)
      if (close === -1) break
      j = close + 3
    } else if (c === '[' && !subset) {
      subset = true
      j++
    } else if (c === ']' && subset) {
      subset = false
      j++
    } else if (c === '>' && !subset) {
      return j + 1
    } else {
      j++
    }
  }
  throw malformed(`the DOCTYPE at ${where(s, i)} is not closed`)
}

function readStartTag (s: string, start: number): StartTag {
  const end = nameEnd(s, start + 1)
  if (end === start + 1) throw malformed(`a "<" at ${where(s, start)} begins no tag`)
  const name = s.slice(start + 1, end)
  const attributes: Attribute[] = []
  let attributesEnd = end
  let i = end
  for (;;) {
    const spaceStart = i
    i = skipSpace(s, i)
    const c = s[i]
    if (c === '>') return { name, start, attributesEnd, close: i, end: i + 1, selfClosing: false, attributes }
    if (c === '/' && s[i + 1] === '>') return { name, start, attributesEnd, close: i, end: i + 2, selfClosing: true, attributes }
    if (c === undefined) throw malformed(`the <${name}> tag at ${where(s, start)} is not closed`)
    const attrEnd = nameEnd(s, i)
    if (attrEnd === i || i === spaceStart) throw malformed(`unexpected ${JSON.stringify(c)} in the <${name}> tag at ${where(s, i)}`)
    const attrName = s.slice(i, attrEnd)
    i = skipSpace(s, attrEnd)
    if (s[i] !== '=') throw malformed(`the attribute ${attrName} of <${name}> at ${where(s, i)} has no value`)
    i = skipSpace(s, i + 1)
    const quote = s[i]
    if (quote !== '"' && quote !== '\'') throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} is not quoted`)
    const close = s.indexOf(quote, i + 1)
    if (close === -1) throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} is not closed`)
    const raw = s.slice(i + 1, close)
    if (raw.includes('<')) throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} holds a "<"`)
    if (attributes.some((a) => a.name === attrName)) throw malformed(`<${name}> at ${where(s, start)} has the attribute ${attrName} twice`)
    attributes.push({ name: attrName, raw, valueStart: i + 1, valueEnd: close })
    i = close + 1
    attributesEnd = i
  }
}

/** The credential element's names: openbadges:credential, and P:credential for every prefix P the root binds to the OB 3.0 namespace. */
function credentialNames (root: StartTag): Set<string> {
  const names = new Set([OB3_SVG_ELEMENT])
  for (const a of root.attributes) {
    if (a.name.startsWith('xmlns:') && attributeValue(a.raw) === OB3_SVG_NAMESPACE) names.add(`${a.name.slice(6)}:credential`)
  }
  return names
}

/**
 * Reads an SVG: its root start tag and every credential element. Checks that it is well-formed
 * (elements nested and closed, one root, nothing but comments, processing instructions and
 * whitespace around it); entity references other than the XML ones are left as they are.
 */
function scanSvg (s: string): SvgDocument {
  if (typeof s !== 'string') throw new TypeError('svg must be a string')
  const notSvg = (why: string): BakeError => new BakeError(BakeErrorCode.NOT_SVG, `not an SVG image: ${why}`)
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  const stack: string[] = []
  let root: StartTag | undefined
  let names = new Set<string>()
  const credentials: CredentialElement[] = []
  let open: { tag: StartTag, depth: number, parts: string[] } | undefined
  while (i < s.length) {
    if (s[i] !== '<') {
      let next = s.indexOf('<', i)
      if (next === -1) next = s.length
      const text = s.slice(i, next)
      if (stack.length === 0 && !/^[ \t\r\n]*$/.test(text)) {
        if (root === undefined) throw notSvg(`text before the root element, at ${where(s, i)}`)
        throw malformed(`text after the root element, at ${where(s, i)}`)
      }
      if (open !== undefined) open.parts.push(decodeEntities(normaliseLineEnds(text)))
      i = next
    } else if (s.startsWith('<!--', i)) {
      const close = s.indexOf('-->', i + 4)
      if (close === -1) throw malformed(`the comment at ${where(s, i)} is not closed`)
      i = close + 3
    } else if (s.startsWith('<?', i)) {
      const close = s.indexOf('?>', i + 2)
      if (close === -1) throw malformed(`the processing instruction at ${where(s, i)} is not closed`)
      i = close + 2
    } else if (s.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw root === undefined ? notSvg(`a CDATA section before the root element, at ${where(s, i)}`) : malformed(`a CDATA section after the root element, at ${where(s, i)}`)
      const close = s.indexOf(']]>', i + 9)
      if (close === -1) throw malformed(`the CDATA section at ${where(s, i)} is not closed`)
      if (open !== undefined) open.parts.push(normaliseLineEnds(s.slice(i + 9, close)))
      i = close + 3
    } else if (s.startsWith('<!DOCTYPE', i)) {
      if (root !== undefined) throw malformed(`a DOCTYPE after the root element began, at ${where(s, i)}`)
      i = skipDoctype(s, i)
    } else if (s.startsWith('<!', i)) {
      if (root === undefined) throw notSvg(`unexpected "<!" at ${where(s, i)}`)
      throw malformed(`unexpected "<!" at ${where(s, i)}`)
    } else if (s.startsWith('</', i)) {
      const end = nameEnd(s, i + 2)
      const name = s.slice(i + 2, end)
      const close = skipSpace(s, end)
      if (s[close] !== '>') throw malformed(`the end tag </${name}> at ${where(s, i)} is not closed`)
      const opened = stack.pop()
      if (opened !== name) throw malformed(`the end tag </${name}> at ${where(s, i)} ${opened === undefined ? 'closes nothing' : `closes <${opened}>`}`)
      if (open !== undefined && stack.length === open.depth) {
        credentials.push({ start: open.tag.start, end: close + 1, tag: open.tag, text: open.parts.join('') })
        open = undefined
      }
      i = close + 1
    } else {
      const tag = readStartTag(s, i)
      if (root === undefined) {
        if (tag.name !== 'svg') throw notSvg(`its root element is <${tag.name}>`)
        root = tag
        names = credentialNames(tag)
      } else if (stack.length === 0) {
        throw malformed(`a second root element <${tag.name}> at ${where(s, i)}`)
      } else if (open === undefined && names.has(tag.name)) {
        if (tag.selfClosing) credentials.push({ start: tag.start, end: tag.end, tag, text: '' })
        else open = { tag, depth: stack.length, parts: [] }
      }
      if (!tag.selfClosing) stack.push(tag.name)
      i = tag.end
    }
  }
  if (root === undefined) throw notSvg('it has no root element')
  const unclosed = stack.at(-1)
  if (unclosed !== undefined) throw malformed(`the <${unclosed}> element is not closed`)
  return { root, credentials }
}

/** True when the text is an SVG document: an `<svg>` root after an optional prolog. */
function looksLikeSvg (s: string): boolean {
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  for (;;) {
    i = skipSpace(s, i)
    if (s.startsWith('<?', i)) {
      const close = s.indexOf('?>', i + 2)
      if (close === -1) return false
      i = close + 2
    } else if (s.startsWith('<!--', i)) {
      const close = s.indexOf('-->', i + 4)
      if (close === -1) return false
      i = close + 3
    } else if (s.startsWith('<!DOCTYPE', i)) {
      try {
        i = skipDoctype(s, i)
      } catch {
        return false
      }
    } else {
      return s.startsWith('<svg', i) && nameEnd(s, i + 1) === i + 4
    }
  }
}

function escapeAttribute (value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`)
}

function escapeText (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', '\'': 'apos' } as Record<string, string>)[c] ?? ''};`)
}

/**
 * Bakes a credential into an SVG: `xmlns:openbadges` on the root, and `<openbadges:credential>`
 * as the root's first child with the JSON in a CDATA section (`]]>` split across two sections),
 * or a VC-JWT in its `verify` attribute. Every credential element there was is removed (with the
 * whitespace before it). `credential` is as for `bakePng`. Throws COFL_ERR_BAKE_NOT_SVG /
 * COFL_ERR_BAKE_MALFORMED for a document it cannot read.
 */
export function bakeSvg (svg: string, credential: object | string): string {
  const { text, jws } = credentialText(credential)
  const { root, credentials } = scanSvg(svg)
  const element = jws
    ? `<${OB3_SVG_ELEMENT} verify="${escapeAttribute(text)}"></${OB3_SVG_ELEMENT}>`
    : `<${OB3_SVG_ELEMENT}><![CDATA[${escapeInJson(text, NOT_XML_CHAR).replaceAll(']]>', ']]]]><![CDATA[>')}]]></${OB3_SVG_ELEMENT}>`
  const edits: Array<{ start: number, end: number, text: string }> = []
  const ns = root.attributes.find((a) => a.name === 'xmlns:openbadges')
  if (ns === undefined) edits.push({ start: root.attributesEnd, end: root.attributesEnd, text: ` xmlns:openbadges="${OB3_SVG_NAMESPACE}"` })
  else if (attributeValue(ns.raw) !== OB3_SVG_NAMESPACE) edits.push({ start: ns.valueStart, end: ns.valueEnd, text: OB3_SVG_NAMESPACE })
  if (root.selfClosing) edits.push({ start: root.close, end: root.end, text: `>${element}</${root.name}>` })
  else edits.push({ start: root.end, end: root.end, text: element })
  for (const old of credentials) {
    let start = old.start
    while (isSpace(svg[start - 1])) start--
    // Only whitespace that is a whole text node (it follows a tag): never part of a sentence.
    edits.push({ start: start === root.end || svg[start - 1] === '>' ? start : old.start, end: old.end, text: '' })
  }
  edits.sort((a, b) => a.start - b.start) // stable: the insertion at root.end stays before a removal there
  let out = ''
  let cursor = 0
  for (const edit of edits) {
    out += svg.slice(cursor, edit.start) + edit.text
    cursor = edit.end
  }
  return out + svg.slice(cursor)
}

/**
 * The credential baked into an SVG: the character data of its first `<openbadges:credential>`
 * element without the whitespace around it, or its `verify` attribute (a VC-JWT) when the element
 * is empty; undefined when it has none. Throws COFL_ERR_BAKE_NOT_SVG for text that is not an SVG
 * and COFL_ERR_BAKE_MALFORMED for one that is not well-formed or whose element is empty.
 */
export function unbakeSvg (svg: string): string | undefined {
  const first = scanSvg(svg).credentials[0]
  if (first === undefined) return undefined
  const text = first.text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '')
  if (text !== '') return text
  const verify = first.tag.attributes.find((a) => a.name === 'verify')
  if (verify !== undefined && attributeValue(verify.raw).trim() !== '') return attributeValue(verify.raw).trim()
  throw malformed(`the SVG's <${first.tag.name}> element is empty`)
}

// ---------------------------------------------------------------------------------------------
// Any image

/** The text of an SVG file: UTF-8 (with or without BOM), UTF-16 with BOM, or the encoding its XML declaration names. */
function decodeSvgBytes (bytes: Uint8Array): string {
  const [a, b] = bytes
  if (a === 0xff && b === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (a === 0xfe && b === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  const head = String.fromCharCode(...bytes.subarray(0, 200)) // latin1: the declaration is ASCII
  const label = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]
  let decoder = new TextDecoder('utf-8')
  if (label !== undefined) {
    try {
      decoder = new TextDecoder(label)
    } catch {
      // an encoding this runtime does not know: read it as UTF-8
    }
  }
  return decoder.decode(bytes)
}

function sniff (bytes: Uint8Array): { format: BadgeFormat, svg?: string } | undefined {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  if (isPng(bytes)) return { format: 'png' }
  if (!bytes.subarray(0, 1024).includes(0x3c)) return undefined // no '<' near the start: not XML (UTF-16 has one too)
  const svg = decodeSvgBytes(bytes)
  return looksLikeSvg(svg) ? { format: 'svg', svg } : undefined
}

/** 'png' for bytes with the PNG signature, 'svg' for an `<svg>` document, undefined for anything else. */
export function detectBadgeFormat (bytes: Uint8Array): BadgeFormat | undefined {
  return sniff(bytes)?.format
}

/**
 * The credential baked into a PNG or SVG image: its parsed JSON, or the compact JWS string of a
 * VC-JWT. Undefined when the bytes are not a PNG or SVG image (`detectBadgeFormat` says which) or
 * the image holds no credential. Throws COFL_ERR_BAKE_MALFORMED for a damaged image or a baked
 * text that is neither JSON nor a compact JWS.
 */
export function extractCredential (bytes: Uint8Array): BakedCredential | undefined {
  const found = sniff(bytes)
  if (found === undefined) return undefined
  const text = found.format === 'png' ? unbakePng(bytes) : unbakeSvg(found.svg as string)
  return text === undefined ? undefined : { format: found.format, value: parseBakedCredential(text) }
}

/**
 * The verification report of a VC-JWT (a compact JWS), which cofl does not verify: its proof
 * cannot be checked here (COFL_ERR_PROOF_UNSUPPORTED), the other checks are skipped; the verdict
 * is indeterminate, not invalid.
 */
export function vcJwtReport (jws: string): VerificationReport {
  const alg = jwsHeader(jws)?.alg
  const check = (id: CheckId, outcome: Check['outcome'], reason: string, code?: string): Check =>
    ({ id, title: CHECK_TITLES[id], outcome, reason, ...(code !== undefined ? { code } : {}) })
  const skipped = 'not read: VC-JWT credentials are not supported'
  return {
    verdict: 'indeterminate',
    verified: false,
    kind: 'credential',
    checks: [
      check('format', 'skipped', skipped),
      check('schema', 'skipped', skipped),
      check('proof', 'indeterminate', `a VC-JWT (compact JWS${typeof alg === 'string' ? `, ${alg}` : ''}): VC-JWT credentials are not supported; cofl verifies credentials with an embedded proof (DataIntegrityProof eddsa-rdfc-2022, Ed25519Signature2020)`, 'COFL_ERR_PROOF_UNSUPPORTED'),
      check('status', 'skipped', skipped),
      check('validity', 'skipped', skipped)
    ],
    warnings: []
  }
}

// ---------------------------------------------------------------------------------------------
// Images to bake into when the achievement has none

let defaultPng: Uint8Array | undefined

/** A 128x128 PNG of a plain round badge, to bake into when the achievement has no image. */
export function defaultBadgePng (): Uint8Array {
  if (defaultPng === undefined) {
    const size = 128
    const rows = new Uint8Array(size * (1 + size * 4))
    for (let y = 0; y < size; y++) {
      const row = y * (1 + size * 4) // filter byte 0 (None), then RGBA pixels
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2)
        const rgba = r > 60 ? [0, 0, 0, 0] : r > 54 ? [0x1f, 0x4e, 0x79, 255] : r > 50 ? [255, 255, 255, 255] : [0x2e, 0x75, 0xb6, 255]
        rows.set(rgba, row + 1 + x * 4)
      }
    }
    const ihdr = new Uint8Array(13)
    const view = new DataView(ihdr.buffer)
    view.setUint32(0, size)
    view.setUint32(4, size)
    ihdr.set([8, 6, 0, 0, 0], 8) // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
    defaultPng = concat([PNG_SIGNATURE, encodeChunk('IHDR', ihdr), encodeChunk('IDAT', deflateSync(rows, { level: 9 })), encodeChunk('IEND', new Uint8Array(0))])
  }
  return defaultPng.slice()
}

/** An SVG of a plain round badge with `name` on it (escaped), to bake into when the achievement has no image. */
export function defaultBadgeSvg (name: string): string {
  if (typeof name !== 'string') throw new TypeError('name must be a string')
  const clean = name.replace(NOT_XML_CHAR, '\uFFFD').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  const shown = chars.length > 40 ? `${chars.slice(0, 39).join('')}\u2026` : clean
  const fit = Array.from(shown).length > 14 ? ' textLength="176" lengthAdjust="spacingAndGlyphs"' : ''
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="${escapeText(clean)}">`,
    `  <title>${escapeText(clean)}</title>`,
    '  <circle cx="128" cy="128" r="120" fill="#1f4e79"/>',
    '  <circle cx="128" cy="128" r="108" fill="#ffffff"/>',
    '  <circle cx="128" cy="128" r="100" fill="#2e75b6"/>',
    `  <text x="128" y="136" text-anchor="middle" font-family="sans-serif" font-size="22" fill="#ffffff"${fit}>${escapeText(shown)}</text>`,
    '</svg>',
    ''
  ].join('\n')
}
