/**
 * The store in memory: one sorted Map per collection holding JSON text, so that values are copied
 * in and out and everything behaves as on level (same key order, same JSON semantics).
 */
import { META_COLLECTION } from './constants.js'
import { checkSchemas, schemaVersionKey } from './migrations.js'
import { createStore } from './store.js'
import type { Bounds } from './codec.js'
import type { Backend } from './store.js'
import type { Store, StoreInit } from './types.js'

/** A sorted key list beside a Map: binary search for ranges, the Map for lookups. */
class SortedMap {
  readonly #values = new Map<string, string>()
  #keys: string[] = []

  get (key: string): string | undefined { return this.#values.get(key) }
  has (key: string): boolean { return this.#values.has(key) }

  set (key: string, value: string): void {
    if (!this.#values.has(key)) this.#keys.splice(this.#index(key), 0, key)
    this.#values.set(key, value)
  }

  delete (key: string): void {
    if (!this.#values.delete(key)) return
    this.#keys.splice(this.#index(key), 1)
  }

  /** Index of the first key >= `key`. */
  #index (key: string): number {
    let lo = 0
    let hi = this.#keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#keys[mid] as string) < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** [start, end) indexes of the keys within `bounds`. */
  range (bounds: Bounds): [number, number] {
    const start = this.#index(bounds.lower)
    const end = bounds.upper === undefined ? this.#keys.length : this.#index(bounds.upper)
    return [start, Math.max(start, end)]
  }

  /** A snapshot of the entries within `bounds`, in iteration order, `limit` applied. */
  slice (bounds: Bounds): Array<[string, string]> {
    let [start, end] = this.range(bounds)
    if (bounds.limit < end - start) {
      if (bounds.reverse) start = end - bounds.limit
      else end = start + bounds.limit
    }
    const keys = this.#keys.slice(start, end)
    if (bounds.reverse) keys.reverse()
    return keys.map((key) => [key, this.#values.get(key) as string])
  }
}

/**
 * A new, empty store in memory, for tests and tools, with the schemas of the packages whose
 * records it keeps (`init.schemas`, default none): each owner at its schema's version. A TypeError for an invalid init or schema.
 */
export function createMemoryStore (init: StoreInit = {}): Store {
  if (typeof init !== 'object' || init === null) throw new TypeError('createMemoryStore(init): init must be an object')
  const schemas = checkSchemas(init.schemas ?? [], 'createMemoryStore')
  const maps = new Map<string, SortedMap>()
  const map = (name: string): SortedMap => {
    let found = maps.get(name)
    if (found === undefined) {
      found = new SortedMap()
      maps.set(name, found)
    }
    return found
  }

  const backend: Backend = {
    get: async (name, key) => map(name).get(key),
    has: async (name, key) => map(name).has(key),
    batch: async (ops) => {
      // Every value was serialised and checked before it got here: nothing below can fail.
      for (const op of ops) {
        if (op.type === 'put') map(op.collection).set(op.key, op.value)
        else map(op.collection).delete(op.key)
      }
    },
    iterate: async function * (name, bounds) {
      yield * map(name).slice(bounds)
    },
    count: async (name, bounds) => {
      const [start, end] = map(name).range(bounds)
      return end - start
    },
    close: async () => {}
  }
  // A new store: nothing to migrate, each owner's version recorded.
  for (const { owner, version } of schemas) map(META_COLLECTION).set(schemaVersionKey(owner), JSON.stringify(version))
  return createStore(backend, 'the memory store')
}
