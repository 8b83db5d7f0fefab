/**
 * Baked PNG badges (Open Badges 3.0, "Baked Badge"): one `iTXt` chunk with keyword
 * `openbadgecredential`, uncompressed, whose text is the credential's JSON (or the compact JWS of
 * a VC-JWT), inserted before IEND. Baking again replaces it: there is never more than one. Every
 * other chunk is copied byte for byte. The chunk codec is written here; crc32 and deflate come
 * from zlib.ts (node:zlib, or in a browser bundle its stand-in zlib-browser.ts).
 */
import { badgeColours, hexRgb } from './badge.js'
import { MAX_BAKED_TEXT_BYTES, OB3_PNG_KEYWORD } from './constants.js'
import { FormatError, FormatErrorCode, malformed } from './errors.js'
import { credentialText, escapeInJson, LONE_SURROGATE } from './text.js'
import { crc32, deflateSync, inflateSync } from './zlib.js'

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
const UTF8 = new TextEncoder()
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true })
const KEYWORD_BYTES = UTF8.encode(OB3_PNG_KEYWORD)

interface PngChunk {
  type: string
  /** Offset of its length field. */
  start: number
  /** Offset just after its CRC. */
  end: number
  data: Uint8Array
}

/** True when the bytes begin with the PNG signature. */
export function isPng (bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

function isChunkTypeByte (b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
}

/** The chunks of a PNG up to and including IEND; every CRC checked. */
function * pngChunks (png: Uint8Array): Generator<PngChunk> {
  if (!(png instanceof Uint8Array)) throw new TypeError('png must be a Uint8Array')
  if (!isPng(png)) throw new FormatError(FormatErrorCode.NOT_PNG, 'not a PNG image: it does not begin with the PNG signature')
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

/** The drawn PNG badges made so far, by issuer ('' for none): a few, each drawn once. */
const drawnPngs = new Map<string, Uint8Array>()
/** How many drawn PNGs are kept (a wallet holds the badges of a few issuers). */
const DRAWN_PNG_CACHE = 32

/**
 * A 128x128 PNG of the drawn badge (badge.ts) in the colours of `issuer`, without its name (the
 * PNG is drawn here without a font), to bake into when the achievement has no PNG image. Node
 * only: the browser build has no deflate (a page draws its badge with a canvas) and throws.
 */
export function defaultBadgePng (issuer?: string): Uint8Array {
  const seed = issuer ?? ''
  let png = drawnPngs.get(seed)
  if (png === undefined) {
    const colours = badgeColours(seed)
    const ring = [...hexRgb(colours.ring), 255]
    const inner = [...hexRgb(colours.inner), 255]
    const face = [...hexRgb(colours.face), 255]
    const size = 128
    const rows = new Uint8Array(size * (1 + size * 4))
    for (let y = 0; y < size; y++) {
      const row = y * (1 + size * 4) // filter byte 0 (None), then RGBA pixels
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2)
        const rgba = r > 60 ? [0, 0, 0, 0] : r > 54 ? ring : r > 50 ? inner : face
        rows.set(rgba, row + 1 + x * 4)
      }
    }
    const ihdr = new Uint8Array(13)
    const view = new DataView(ihdr.buffer)
    view.setUint32(0, size)
    view.setUint32(4, size)
    ihdr.set([8, 6, 0, 0, 0], 8) // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
    png = concat([PNG_SIGNATURE, encodeChunk('IHDR', ihdr), encodeChunk('IDAT', deflateSync(rows, { level: 9 })), encodeChunk('IEND', new Uint8Array(0))])
    if (drawnPngs.size >= DRAWN_PNG_CACHE) drawnPngs.clear()
    drawnPngs.set(seed, png)
  }
  return png.slice()
}

/** The chunks that carry text or metadata, which a badge image must not bring along (a credential baked in, EXIF, ...). */
export const PNG_TEXT_CHUNKS: readonly string[] = ['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME']

/** What a PNG says of itself: its size (IHDR), its chunk types in order. */
export interface PngInfo { width: number, height: number, chunks: string[] }

/**
 * Reads a whole PNG: its signature, every chunk's CRC, IHDR first and IEND last (nothing after
 * it). Throws COFL_ERR_BAKE_NOT_PNG / COFL_ERR_BAKE_MALFORMED.
 */
export function pngInfo (png: Uint8Array): PngInfo {
  const chunks: string[] = []
  let width = 0
  let height = 0
  let end = 0
  for (const chunk of pngChunks(png)) {
    if (chunk.type === 'IHDR') {
      if (chunk.data.length !== 13) throw malformed('the PNG\'s IHDR chunk does not hold 13 bytes')
      const view = new DataView(chunk.data.buffer, chunk.data.byteOffset, 13)
      width = view.getUint32(0)
      height = view.getUint32(4)
    }
    chunks.push(chunk.type)
    end = chunk.end
  }
  if (end !== png.length) throw malformed(`the PNG has ${png.length - end} bytes after its IEND chunk`)
  if (width === 0 || height === 0) throw malformed('the PNG\'s IHDR chunk gives it no width or no height')
  return { width, height, chunks }
}

/** The PNG without its text and metadata chunks (PNG_TEXT_CHUNKS); every other chunk copied byte for byte. */
export function stripPngText (png: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [PNG_SIGNATURE]
  for (const chunk of pngChunks(png)) {
    if (!PNG_TEXT_CHUNKS.includes(chunk.type)) parts.push(png.subarray(chunk.start, chunk.end))
  }
  return concat(parts)
}
