/**
 * The browser's stand-in for zlib.ts (package.json `browser` maps one to the other). A PNG needs
 * CRC-32, the checksum of every chunk (ISO 3309, the polynomial node:zlib's crc32 computes), here
 * from its table; and reading an `openbadgecredential` iTXt chunk that another baker compressed
 * (the OB 3.0 baking rules forbid it, but such badges exist) needs inflate of a zlib stream (RFC
 * 1950), which fflate does synchronously, so that a page reads every badge Node reads, with the
 * same limit on what a chunk may inflate to. There is no deflate: `defaultBadgePng`, the only
 * deflate, is for Node (a page draws its badge with a canvas).
 */
import { Unzlib } from 'fflate'

let table: Uint32Array | undefined

function crcTable (): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c >>> 0
    }
  }
  return table
}

/** CRC-32 of `data`, continuing from `value` (as node:zlib's crc32). */
export function crc32 (data: Uint8Array, value = 0): number {
  const t = crcTable()
  let c = (value ^ 0xffffffff) >>> 0
  for (const byte of data) c = (t[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export function deflateSync (_data: Uint8Array, _options?: object): Uint8Array {
  throw new Error('deflate is not available in the browser build of @cofl/formats')
}

/** How much compressed input is given to the inflater at a time: what one step may expand to stays small. */
const INPUT_STEP = 1024

/**
 * Inflates a zlib stream (RFC 1950), as node:zlib's inflateSync does: throws for a damaged or
 * truncated stream, a wrong checksum or a preset dictionary, and a RangeError for output beyond
 * `maxOutputLength`, found while inflating (the input is fed in small steps, so a small stream
 * that would inflate to gigabytes stops at the limit).
 */
export function inflateSync (data: Uint8Array, options: { maxOutputLength?: number } = {}): Uint8Array {
  const max = options.maxOutputLength ?? 0x7fffffff
  const parts: Uint8Array[] = []
  let length = 0
  let ended = false
  const inflater = new Unzlib((chunk, final) => {
    length += chunk.length
    if (length > max) throw new RangeError(`the stream inflates beyond ${max} bytes`)
    parts.push(chunk)
    if (final) ended = true
  })
  for (let at = 0; at < data.length; at += INPUT_STEP) {
    const end = Math.min(at + INPUT_STEP, data.length)
    inflater.push(data.subarray(at, end), end === data.length)
  }
  if (data.length === 0) inflater.push(data, true)
  if (!ended || data.length < 6) throw new Error('unexpected end of file')
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  // fflate does not check the stream's Adler-32 (its last four bytes, big-endian); node:zlib does.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (adler32(out) !== view.getUint32(data.length - 4)) throw new Error('incorrect data check')
  return out
}

/** Adler-32 (RFC 1950, 8.2), the checksum that ends a zlib stream. */
function adler32 (bytes: Uint8Array): number {
  let a = 1
  let b = 0
  // 5,552 bytes is the most that can be summed before b may overflow 2^32 (as zlib does).
  for (let at = 0; at < bytes.length; at += 5552) {
    const end = Math.min(at + 5552, bytes.length)
    for (let i = at; i < end; i++) {
      a += bytes[i] as number
      b += a
    }
    a %= 65521
    b %= 65521
  }
  return ((b << 16) | a) >>> 0
}
