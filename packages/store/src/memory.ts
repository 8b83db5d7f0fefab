/**
 * The store in memory: one sorted Map per collection holding JSON text, so that values are copied
 * in and out and everything behaves as on level (same key order, same JSON semantics).
 */
import { COLLECTION_NAMES, SCHEMA_VERSION, SCHEMA_VERSION_KEY } from './constants.js'
import { createStore } from './store.js'
import type { Bounds } from './codec.js'
import type { CollectionName } from './constants.js'
import type { Backend } from './store.js'
import type { Store } from './types.js'

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

/** A new, empty store in memory (at schema version SCHEMA_VERSION), for tests and tools. */
export function createMemoryStore (): Store {
  const maps = {} as Record<CollectionName, SortedMap>
  for (const name of Object.keys(COLLECTION_NAMES) as CollectionName[]) maps[name] = new SortedMap()
  maps.meta.set(SCHEMA_VERSION_KEY, JSON.stringify(SCHEMA_VERSION))

  const backend: Backend = {
    get: async (name, key) => maps[name].get(key),
    has: async (name, key) => maps[name].has(key),
    batch: async (ops) => {
      // Every value was serialised and checked before it got here: nothing below can fail.
      for (const op of ops) {
        if (op.type === 'put') maps[op.collection].set(op.key, op.value)
        else maps[op.collection].delete(op.key)
      }
    },
    iterate: async function * (name, bounds) {
      yield * maps[name].slice(bounds)
    },
    count: async (name, bounds) => {
      const [start, end] = maps[name].range(bounds)
      return end - start
    },
    close: async () => {}
  }
  return createStore(backend, 'the memory store')
}
