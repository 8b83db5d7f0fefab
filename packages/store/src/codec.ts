/**
 * What both implementations share: how keys and values are checked and encoded, and how range
 * options become bounds. Keys order as JavaScript strings (UTF-16 code units) in both stores.
 */
import type { CountOptions, RangeOptions } from './types.js'

/** Throws a TypeError unless `key` is a string. */
export function checkKey (key: unknown, where: string): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`${where}: key must be a string, got ${typeof key}`)
}

/**
 * The JSON text of `value`; a TypeError (with JSON's error as `cause`) when JSON cannot represent
 * it: a BigInt, a cycle, or `undefined` / a function / a symbol at the top.
 */
export function serialise (value: unknown, where: string): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (err) {
    throw new TypeError(`${where}: the value cannot be stored as JSON (${(err as Error).message})`, { cause: err })
  }
  if (typeof json !== 'string') throw new TypeError(`${where}: the value cannot be stored as JSON (${typeof value})`)
  return json
}

export function parse<T> (json: string): T {
  return JSON.parse(json) as T
}

/**
 * A key as bytes whose order is the string order of the keys, for any string (lone surrogates
 * included, which UTF-8 would replace): every UTF-16 code unit is written as UTF-8 writes a code
 * point of that value (1 to 3 bytes, as in CESU-8). ASCII stays ASCII, so keys stay readable on
 * disk. The code is prefix-free, so `s` starts with `p` exactly when its bytes start with p's.
 */
export function encodeKey (key: string): Uint8Array {
  const out = new Uint8Array(key.length * 3)
  let n = 0
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 0x3f)
    } else {
      out[n++] = 0xe0 | (c >> 12)
      out[n++] = 0x80 | ((c >> 6) & 0x3f)
      out[n++] = 0x80 | (c & 0x3f)
    }
  }
  return out.subarray(0, n)
}

/** The inverse of encodeKey. */
export function decodeKey (bytes: Uint8Array): string {
  const units: number[] = []
  let i = 0
  const next = (): number => {
    const b = bytes[i++]
    if (b === undefined || (b & 0xc0) !== 0x80) throw new Error('a key in the store is not in cofl\'s key encoding')
    return b & 0x3f
  }
  while (i < bytes.length) {
    const b = bytes[i++] as number
    if (b < 0x80) units.push(b)
    else if ((b & 0xe0) === 0xc0) units.push(((b & 0x1f) << 6) | next())
    else if ((b & 0xf0) === 0xe0) units.push(((b & 0x0f) << 12) | (next() << 6) | next())
    else throw new Error('a key in the store is not in cofl\'s key encoding')
  }
  let key = ''
  for (let j = 0; j < units.length; j += 4096) key += String.fromCharCode(...units.slice(j, j + 4096))
  return key
}

/** Bounds of an iteration: keys `>= lower` and (when `upper` is defined) `< upper`. */
export interface Bounds {
  lower: string
  upper: string | undefined
  limit: number
  reverse: boolean
}

/**
 * The least string greater than every string that starts with `prefix`: the prefix without its
 * trailing U+FFFF units, with its last unit raised by one. Undefined when there is none (an
 * empty prefix, or one of U+FFFF only).
 */
export function prefixEnd (prefix: string): string | undefined {
  let end = prefix.length
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--
  if (end === 0) return undefined
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1)
}

/** Checks range options (TypeError naming the option) and turns them into bounds. */
export function toBounds (options: RangeOptions | undefined, where: string): Bounds {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError(`${where}: options must be an object`)
  const { gte, lt, prefix, limit, reverse } = options ?? {}
  for (const [name, value] of [['gte', gte], ['lt', lt], ['prefix', prefix]] as const) {
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`${where}: options.${name} must be a string, got ${typeof value}`)
  }
  if (limit !== undefined && !(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
    throw new TypeError(`${where}: options.limit must be a non-negative integer or Infinity, got ${String(limit)}`)
  }
  if (reverse !== undefined && typeof reverse !== 'boolean') throw new TypeError(`${where}: options.reverse must be a boolean`)
  let lower = gte ?? ''
  let upper = lt
  if (prefix !== undefined) {
    if (prefix > lower) lower = prefix
    const end = prefixEnd(prefix)
    if (end !== undefined && (upper === undefined || end < upper)) upper = end
  }
  return { lower, upper, limit: limit ?? Infinity, reverse: reverse ?? false }
}

export function countBounds (options: CountOptions | undefined, where: string): Bounds {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError(`${where}: options must be an object`)
  return toBounds({ prefix: options?.prefix }, where)
}

/** True when the bounds select no key at all. */
export function isEmpty (bounds: Bounds): boolean {
  return bounds.limit === 0 || (bounds.upper !== undefined && bounds.upper <= bounds.lower)
}
