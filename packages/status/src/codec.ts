import { Bitstring } from '@digitalbazaar/bitstring'
import { MAX_STATUS_LIST_LENGTH } from './constants.js'
import { StatusError, StatusErrorCode } from './errors.js'

/** A decoded status list: read-only bits. */
export interface StatusList {
  /** Length in bits (always a multiple of 8). */
  readonly length: number
  /** The raw bits, bit 0 = most significant bit of byte 0. */
  readonly bytes: Uint8Array
  /** The bit at `index`; throws a RangeError outside 0..length-1. */
  get: (index: number) => boolean
}

export interface EncodeStatusListOptions {
  /** Length in bits, a positive multiple of 8. */
  length: number
  /** The indexes whose bit is set. */
  set?: Iterable<number>
}

/**
 * Encodes a list as the W3C `encodedList`: 'u' (multibase base64url, no padding) + GZIP of the
 * bits, bit 0 = most significant bit of byte 0. Encoding is done by @digitalbazaar/bitstring.
 */
export async function encodeStatusList (options: EncodeStatusListOptions): Promise<string> {
  const { length, set = [] } = options
  if (!Number.isSafeInteger(length) || length <= 0 || length % 8 !== 0) {
    throw new TypeError(`length must be a positive multiple of 8, got ${String(length)}`)
  }
  const bitstring = new Bitstring({ length })
  for (const index of set) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= length) {
      throw new RangeError(`index ${String(index)} is outside the list (0..${length - 1})`)
    }
    bitstring.set(index, true)
  }
  return 'u' + await bitstring.encodeBits()
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

function base64urlDecode (text: string): Uint8Array {
  if (!BASE64URL.test(text)) throw new Error('encodedList after the "u" prefix is not base64url')
  const body = text.replace(/=+$/, '')
  if (body.length % 4 === 1) throw new Error('encodedList has a base64url length that no bytes encode to')
  const binary = atob(body.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

async function gunzipBounded (compressed: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start (controller) {
      controller.enqueue(compressed)
      controller.close()
    }
  })
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new Error(`encodedList inflates to more than ${maxBytes * 8} bits, the limit`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

export interface DecodeStatusListOptions {
  /** The longest list to inflate, in bits. Default MAX_STATUS_LIST_LENGTH. */
  maxLength?: number
}

/**
 * Decodes a W3C `encodedList` (untrusted input). Inflation stops as soon as the output exceeds
 * `maxLength` bits, so a small document cannot make it allocate gigabytes. Throws a StatusError
 * with code COFL_ERR_STATUS_LIST_DECODE when the text is not a list.
 */
export async function decodeStatusList (encodedList: string, options: DecodeStatusListOptions = {}): Promise<StatusList> {
  const maxLength = options.maxLength ?? MAX_STATUS_LIST_LENGTH
  try {
    if (typeof encodedList !== 'string') throw new Error('encodedList is not a string')
    if (!encodedList.startsWith('u')) {
      throw new Error('encodedList does not start with "u" (multibase base64url)')
    }
    const compressed = base64urlDecode(encodedList.slice(1))
    if (compressed.length === 0) throw new Error('encodedList is empty')
    let bytes: Uint8Array
    try {
      bytes = await gunzipBounded(compressed, Math.ceil(maxLength / 8))
    } catch (err) {
      if (err instanceof Error && err.message.includes('the limit')) throw err
      throw new Error('encodedList is not a GZIP stream', { cause: err })
    }
    if (bytes.length === 0) throw new Error('encodedList inflates to an empty list')
    const length = bytes.length * 8
    return {
      length,
      bytes,
      get (index: number): boolean {
        if (!Number.isSafeInteger(index) || index < 0 || index >= length) {
          throw new RangeError(`index ${String(index)} is outside the list (0..${length - 1})`)
        }
        return ((bytes[Math.floor(index / 8)] ?? 0) & (0x80 >> (index % 8))) !== 0
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new StatusError(StatusErrorCode.LIST_DECODE, `cannot decode the status list: ${message}`, { cause: err })
  }
}
