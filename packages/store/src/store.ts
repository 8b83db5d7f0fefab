/**
 * The part of a store that both implementations share: the collections by name, batches, argument
 * checks, JSON values, the closed state and error mapping, over a small backend that moves JSON
 * text under encoded bounds. Sharing it is what keeps the level and the memory store alike.
 */
import { COLLECTION_NAME_PATTERN } from './constants.js'
import { checkKey, countBounds, isEmpty, parse, serialise, toBounds } from './codec.js'
import { StoreError, StoreErrorCode } from './errors.js'
import type { Bounds } from './codec.js'
import type { Batch, Collection, CountOptions, RangeOptions, Store } from './types.js'

export type BatchOp =
  | { type: 'put', collection: string, key: string, value: string }
  | { type: 'del', collection: string, key: string }

/**
 * What an implementation provides: JSON text in, JSON text out, no checks. `collection` is
 * always a valid collection name (checkCollectionName); a collection never written holds nothing.
 */
export interface Backend {
  get(collection: string, key: string): Promise<string | undefined>
  has(collection: string, key: string): Promise<boolean>
  /** Atomic and durable (synced) when it resolves. */
  batch(ops: BatchOp[]): Promise<void>
  /** Entries within non-empty bounds, in order, from a snapshot taken at the first step. */
  iterate(collection: string, bounds: Bounds): AsyncGenerator<[string, string]>
  count(collection: string, bounds: Bounds): Promise<number>
  close(): Promise<void>
}

/** Throws a TypeError unless `name` is a valid collection name (COLLECTION_NAME_PATTERN). */
export function checkCollectionName (name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !COLLECTION_NAME_PATTERN.test(name)) {
    throw new TypeError(`${where}: ${JSON.stringify(name) ?? String(name)} is not a collection name (lowercase letters, digits and '-', 1 to 64 characters, not starting with '-')`)
  }
}

/** Builds a Store over `backend`; `label` names the store in error messages ("the store in ./data"). */
export function createStore (backend: Backend, label: string): Store {
  let closed = false
  let closing: Promise<void> | undefined
  const inFlight = new Set<Promise<unknown>>()
  const names = new WeakMap<object, string>()
  const collections = new Map<string, Collection<unknown>>()

  const closedError = (): StoreError => new StoreError(StoreErrorCode.CLOSED, `${label} is closed`)

  function wrap (err: unknown, what: string): unknown {
    if (err instanceof StoreError || err instanceof TypeError) return err
    if (closed) return closedError()
    return new StoreError(StoreErrorCode.IO, `${label}: cannot ${what}`, { cause: err })
  }

  /** Runs one operation: refused once closed, tracked so that close() waits for it, errors mapped. */
  async function run<R> (what: string, task: () => Promise<R>): Promise<R> {
    if (closed) throw closedError()
    const promise = task()
    inFlight.add(promise)
    try {
      return await promise
    } catch (err) {
      throw wrap(err, what)
    } finally {
      inFlight.delete(promise)
    }
  }

  function collection<T> (name: string): Collection<T> {
    checkCollectionName(name, 'store.collection')
    const known = collections.get(name)
    if (known !== undefined) return known as Collection<T>
    const made = makeCollection<T>(name)
    collections.set(name, made as Collection<unknown>)
    return made
  }

  function makeCollection<T> (name: string): Collection<T> {
    const where = (method: string): string => `${name}.${method}`

    async function * entries (options: RangeOptions | undefined): AsyncGenerator<[string, T]> {
      const bounds = toBounds(options, where('entries'))
      if (closed) throw closedError()
      if (isEmpty(bounds)) return
      const iterator = backend.iterate(name, bounds)
      try {
        for (;;) {
          let step: IteratorResult<[string, string]>
          try {
            if (closed) throw closedError()
            step = await iterator.next()
          } catch (err) {
            throw wrap(err, `read ${name}`)
          }
          if (step.done === true) return
          const [key, json] = step.value
          yield [key, parse<T>(json)]
        }
      } finally {
        await iterator.return(undefined).catch(() => {})
      }
    }

    const coll: Collection<T> = {
      get: async (key) => {
        checkKey(key, where('get'))
        const json = await run(`read ${name}`, async () => await backend.get(name, key))
        return json === undefined ? undefined : parse<T>(json)
      },
      has: async (key) => {
        checkKey(key, where('has'))
        return await run(`read ${name}`, async () => await backend.has(name, key))
      },
      put: async (key, value) => {
        checkKey(key, where('put'))
        const json = serialise(value, `${where('put')}(${JSON.stringify(key)})`)
        await run(`write to ${name}`, async () => { await backend.batch([{ type: 'put', collection: name, key, value: json }]) })
      },
      del: async (key) => {
        checkKey(key, where('del'))
        await run(`write to ${name}`, async () => { await backend.batch([{ type: 'del', collection: name, key }]) })
      },
      entries: (options?: RangeOptions) => entries(options),
      values: (options?: RangeOptions) => (async function * () {
        for await (const [, value] of entries(options)) yield value
      })(),
      count: async (options?: CountOptions) => {
        const bounds = countBounds(options, where('count'))
        return await run(`read ${name}`, async () => isEmpty(bounds) ? 0 : await backend.count(name, bounds))
      }
    }
    names.set(coll, name)
    return coll
  }

  function batch (): Batch {
    const ops: BatchOp[] = []
    let invalid: TypeError | undefined
    let written = false
    const add = (method: 'put' | 'del', target: Collection<unknown>, key: string, make: (name: string) => BatchOp): void => {
      if (invalid !== undefined) return
      try {
        const name = typeof target === 'object' && target !== null ? names.get(target) : undefined
        if (name === undefined) throw new TypeError(`batch.${method}: the collection is not one of this store's`)
        checkKey(key, `batch.${method}`)
        ops.push(make(name))
      } catch (err) {
        invalid = err instanceof TypeError ? err : new TypeError(String(err), { cause: err })
      }
    }
    const self: Batch = {
      put: (target, key, value) => {
        add('put', target as Collection<unknown>, key, (name) => ({ type: 'put', collection: name, key, value: serialise(value, `batch.put(${name}, ${JSON.stringify(key)})`) }))
        return self
      },
      del: (target, key) => {
        add('del', target, key, (name) => ({ type: 'del', collection: name, key }))
        return self
      },
      write: async () => {
        if (written) throw new TypeError('batch.write: this batch was written already')
        written = true
        if (invalid !== undefined) throw invalid
        if (ops.length === 0) { if (closed) throw closedError(); return }
        await run('write a batch', async () => { await backend.batch(ops) })
      }
    }
    return self
  }

  const store = {
    collection,
    batch,
    close: async () => {
      if (closing === undefined) {
        closed = true
        closing = (async () => {
          await Promise.allSettled([...inFlight])
          await backend.close()
        })()
      }
      await closing
    }
  }
  return store as unknown as Store
}
