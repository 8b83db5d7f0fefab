/**
 * The store on level: one sublevel per collection, named as the collection (`!<name>!<key>` on
 * disk, the layout of every store written before collections had free names), keys in cofl's key
 * encoding (see encodeKey), values as JSON text, every write synced.
 */
import { Level } from 'level'
import { decodeKey, encodeKey } from './codec.js'
import { StoreError, StoreErrorCode } from './errors.js'
import { applySchemas, checkSchemas } from './migrations.js'
import { createStore } from './store.js'
import type { Bounds } from './codec.js'
import type { Backend, BatchOp } from './store.js'
import type { LevelStoreInit, Store } from './types.js'

type Db = Level<Uint8Array, string>
const ENCODINGS = { keyEncoding: 'view', valueEncoding: 'utf8' } as const

const makeSublevel = (db: Db, name: string) => db.sublevel<Uint8Array, string>(name, ENCODINGS)
type Sublevel = ReturnType<typeof makeSublevel>

const SYNC = { sync: true } as const

function isLockError (err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'LEVEL_LOCKED') return true
  }
  return false
}

function rangeOptions (bounds: Bounds): { gte: Uint8Array, lt?: Uint8Array, limit: number, reverse: boolean } {
  return {
    gte: encodeKey(bounds.lower),
    ...(bounds.upper === undefined ? {} : { lt: encodeKey(bounds.upper) }),
    limit: bounds.limit === Infinity ? -1 : bounds.limit,
    reverse: bounds.reverse
  }
}

/**
 * Opens (or creates) the store in `init.directory`, with the schemas of the packages whose
 * records it keeps (`init.schemas`; see StoreInit).
 *
 * Throws StoreError: COFL_ERR_STORE_LOCKED when another process (or another open store in this
 * one) holds the directory; COFL_ERR_STORE_VERSION when an owner's schema version is newer than
 * its schema's, it is no cofl store, or a migration failed; COFL_ERR_STORE_IO when level fails.
 * TypeError: an invalid init or schema.
 */
export async function openLevelStore (init: LevelStoreInit): Promise<Store> {
  if (typeof init !== 'object' || init === null) throw new TypeError('openLevelStore(init): init must be an object')
  const { directory } = init
  if (typeof directory !== 'string' || directory === '') throw new TypeError('openLevelStore: init.directory must be a non-empty string')
  const schemas = checkSchemas(init.schemas ?? [], 'openLevelStore')
  const label = `the store in ${directory}`

  const db: Db = new Level<Uint8Array, string>(directory, ENCODINGS)
  try {
    await db.open()
  } catch (err) {
    if (isLockError(err)) {
      throw new StoreError(StoreErrorCode.LOCKED, `${label} is in use by another process (or is already open in this one)`, { cause: err })
    }
    throw new StoreError(StoreErrorCode.IO, `cannot open ${label}`, { cause: err })
  }

  // One sublevel per collection, made on first use: a collection is its name's key range on disk.
  const made = new Map<string, Sublevel>()
  const sublevel = (name: string): Sublevel => {
    let found = made.get(name)
    if (found === undefined) {
      found = makeSublevel(db, name)
      made.set(name, found)
    }
    return found
  }

  const backend: Backend = {
    get: async (name, key) => await sublevel(name).get(encodeKey(key)),
    has: async (name, key) => await sublevel(name).has(encodeKey(key)),
    batch: async (ops: BatchOp[]) => {
      await db.batch(ops.map((op) => op.type === 'put'
        ? { type: 'put' as const, sublevel: sublevel(op.collection), key: encodeKey(op.key), value: op.value }
        : { type: 'del' as const, sublevel: sublevel(op.collection), key: encodeKey(op.key) }), SYNC)
    },
    iterate: async function * (name, bounds) {
      // A level iterator reads from the snapshot taken when it is created.
      const iterator = sublevel(name).iterator(rangeOptions(bounds))
      try {
        for await (const [key, value] of iterator) yield [decodeKey(key), value]
      } finally {
        await iterator.close()
      }
    },
    count: async (name, bounds) => {
      let n = 0
      const iterator = sublevel(name).keys(rangeOptions(bounds))
      try {
        for (;;) {
          const keys = await iterator.nextv(1000)
          if (keys.length === 0) return n
          n += keys.length
        }
      } finally {
        await iterator.close()
      }
    },
    close: async () => { await db.close() }
  }

  const store = createStore(backend, label)
  try {
    await applySchemas(store, label, schemas, async () => {
      const first = await db.keys({ limit: 1 }).all()
      return first.length === 0
    })
  } catch (err) {
    await store.close().catch(() => {})
    if (err instanceof StoreError) throw err
    throw new StoreError(StoreErrorCode.IO, `cannot read ${label}`, { cause: err })
  }
  return store
}
