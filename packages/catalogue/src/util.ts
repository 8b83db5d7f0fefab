/**
 * Small helpers shared by the parts of the index: reading untrusted values, posting lists, and
 * one copy of each repeated string.
 */
import { MAX_REFS } from './constants.js'

/** The empty list every entry without a list shares. */
export const NONE: readonly never[] = Object.freeze([])

/** A non-empty string, else undefined. */
export function str (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The distinct non-empty strings of a list, at most `max`. */
export function strings (value: unknown, max = MAX_REFS): string[] {
  if (!Array.isArray(value)) return []
  const out = new Set<string>()
  for (const v of value) {
    if (typeof v === 'string' && v !== '') out.add(v)
    if (out.size >= max) break
  }
  return [...out]
}

/** Appends to the posting list of `key`, making it when there is none. */
export function push<K, V> (map: Map<K, V[]>, key: K, no: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [no])
  else list.push(no)
}

/** One copy of each repeated value (issuers, skills, tags, areas, names...) for all entries. */
export class Interner {
  private readonly pool = new Map<string, string>()

  intern (value: string): string {
    const held = this.pool.get(value)
    if (held !== undefined) return held
    this.pool.set(value, value)
    return value
  }

  internIf (value: string | undefined): string | undefined {
    return value === undefined ? undefined : this.intern(value)
  }
}
