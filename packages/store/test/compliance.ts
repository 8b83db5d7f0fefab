// The compliance suite of the Store interface: every implementation runs the same tests
// (level.test.ts, memory.test.ts), as libp2p's interface-compliance-tests do.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { LEGACY_SCHEMA_OWNER, SCHEMA_VERSION_KEY, StoreError } from '../src/index.js'
import type { Collection, IssuanceRecord, Schema, Store, StoredDocument, StoreInit } from '../src/index.js'

/** A record of no package's, in the tests' own collection `peers`. */
export interface PeerRecord {
  peerId: string
  multiaddrs: string[]
  lastSeen: string
}

/**
 * The schema the tests open a store with unless they give theirs: one owner at version 2 under
 * the store's older single version key (LEGACY_SCHEMA_OWNER), as every store written before
 * owners had schemas records it. The store itself registers no owner.
 */
export const LEGACY_SCHEMA: Schema = { owner: LEGACY_SCHEMA_OWNER, version: 2, migrations: [] }

/** The version LEGACY_SCHEMA records under SCHEMA_VERSION_KEY. */
export const SCHEMA_VERSION = LEGACY_SCHEMA.version

/** A store under test and how to get rid of it (close it if open, remove its files). */
export interface Harness {
  store: Store
  dispose: () => Promise<void>
}

/** Keys that a naive sublevel or encoding would get wrong. */
export const AWKWARD_KEYS: readonly string[] = [
  '', '!', '!!', 'a!b', '!achievements!x', '!meta!schema-version', '"', '~', '\u0000', '\u007f', '\u0080', 'é', 'e\u0301',
  '\u00ff', '\u0800', '日本語', '😀', '\ud800', '\udfff', 'x\ud83d', '\uffff', '\uffff\uffff', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  'https://city.example/achievements/1?x=1&y=2#frag', 'urn:uuid:8a6b9c7e-1a2b-4c3d-9e8f-0123456789ab', ' ', 'A', 'a', 'a\u0000', 'ab'
]

export function doc (id: string, n = 1): StoredDocument {
  return {
    kind: 'achievement',
    id,
    issuer: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    sequence: n,
    cid: 'bagaaierasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea',
    document: { id, name: `Achievement ${n}`, tags: ['a', 'b'], nested: { deep: [1, 2, { x: 'é' }] } },
    receivedAt: '2025-01-01T00:00:00Z'
  }
}

async function collect<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

async function keys (collection: Collection<unknown>, options?: Parameters<Collection<unknown>['entries']>[0]): Promise<string[]> {
  return (await collect(collection.entries(options))).map(([key]) => key)
}

async function rejects (promise: Promise<unknown>, check: (err: unknown) => boolean, what: string): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    assert.ok(check(err), `${what}: unexpected error ${String(err)}`)
    return err
  }
  assert.unreachable(`${what}: did not reject`)
}

const isType = (err: unknown): boolean => err instanceof TypeError
const isCode = (code: string) => (err: unknown): boolean => err instanceof StoreError && err.code === code

/**
 * Registers the compliance tests for the stores that `open` makes (a fresh, empty store each
 * time, with `init`: its schemas; LEGACY_SCHEMA unless a test says) in a new uvu suite called `name`, and returns it:
 * call `.run()` on it.
 */
export function storeCompliance (name: string, open: (init?: StoreInit) => Promise<Harness>): ReturnType<typeof suite> {
  const test = suite(name)
  const withStore = (title: string, fn: (store: Store) => Promise<void>, init?: StoreInit): void => {
    test(title, async () => {
      const harness = await open(init ?? { schemas: [LEGACY_SCHEMA] })
      try {
        await fn(harness.store)
      } finally {
        await harness.dispose()
      }
    })
  }

  withStore('collection(name): the same object for the same name, any valid name', async (store) => {
    const names = ['a', '0', 'held', 'held-x', 'status-lists', 'x'.repeat(64), 'a-b-c', '9-lives', 'catalogue-index-2']
    for (const n of names) {
      const c = store.collection(n)
      assert.is(store.collection(n), c, n)
      assert.is(await c.count(), 0, n)
    }
    assert.is.not(store.collection('held'), store.collection('held-x'))
    await store.collection('a-new-one').put('k', { v: 1 })
    assert.equal(await store.collection('a-new-one').get('k'), { v: 1 })
  })

  withStore('collection(name): a bad name is a TypeError', async (store) => {
    const bad: unknown[] = ['', 'A', 'Held', 'held!', '!held', 'held x', 'held_x', 'held.x', 'held/x', '-held', 'é', 'x'.repeat(65), 'held\u0000', '\u0000', 1, undefined, null, {}, ['held']]
    for (const n of bad) {
      assert.throws(() => store.collection(n as string), (err: unknown) => err instanceof TypeError, JSON.stringify(n) ?? String(n))
    }
  })

  withStore('the former fixed properties are gone: collections are only by name', async (store) => {
    for (const property of ['achievements', 'statusLists', 'issuance', 'issuanceBySubject', 'offers', 'oauth', 'held', 'meta']) {
      assert.not.ok(property in store, property)
    }
    await store.collection<StoredDocument>('status-lists').put('list', { ...doc('list'), kind: 'status-list' })
    assert.is((await store.collection<StoredDocument>('status-lists').get('list'))?.kind, 'status-list')
    assert.is(await store.collection('statuslists').count(), 0)
  })

  withStore('named collections sharing a prefix are apart: held / held-x / held-x-y, a / a-', async (store) => {
    const names = ['held', 'held-x', 'held-x-y', 'hel', 'a', 'a-', 'a0']
    for (const n of names) {
      for (const key of ['', '!', 'x', '-x', `!${n}!`, 'held-x!k', '\uffff']) await store.collection(n).put(key, `${n}:${key}`)
    }
    for (const n of names) {
      const c = store.collection<string>(n)
      assert.is(await c.count(), 7, n)
      for await (const [key, value] of c.entries()) assert.is(value, `${n}:${key}`, n)
      assert.equal(await keys(c, { prefix: '-' }), ['-x'], n)
      assert.equal(await keys(c, { reverse: true, limit: 1 }), ['\uffff'], n)
    }
    await store.collection('held').del('x')
    assert.is(await store.collection('held-x').get('x'), 'held-x:x')
    assert.is(await store.collection('held').has('x'), false)
  })

  withStore('batch: atomic across named collections, all or nothing', async (store) => {
    const left = store.collection<number>('left')
    const right = store.collection<{ n: number }>('left-right')
    await store.batch().put(left, 'k', 1).put(right, 'k', { n: 1 }).put(store.collection('meta'), 'k', true).write()
    assert.is(await left.get('k'), 1)
    assert.equal(await right.get('k'), { n: 1 })
    const failing = store.batch().put(left, 'k', 2).del(right, 'k').put(store.collection('third'), 'k', 10n as unknown as number)
    await rejects(failing.write(), isType, 'a batch with a value JSON cannot hold')
    assert.is(await left.get('k'), 1)
    assert.equal(await right.get('k'), { n: 1 })
    assert.is(await store.collection('third').count(), 0)
    // The same collection got again by name is the one of the batch.
    await store.batch().del(store.collection('left'), 'k').put(store.collection('left-right'), 'k', { n: 2 }).write()
    assert.is(await left.has('k'), false)
    assert.equal(await right.get('k'), { n: 2 })
  })

  const owners: Schema[] = [
    { owner: 'alpha', version: 3, migrations: [{ to: 2, description: 'x', migrate: async () => {} }, { to: 3, description: 'y', migrate: async () => {} }] },
    { owner: 'beta-2', version: 1, migrations: [] },
    LEGACY_SCHEMA
  ]
  withStore('a new store records the version of each owner of its schemas; the owner issuance under the key schema-version', async (store) => {
    const meta = store.collection('meta')
    assert.is(await meta.get('schema-version:alpha'), 3)
    assert.is(await meta.get('schema-version:beta-2'), 1)
    assert.is(await meta.get(SCHEMA_VERSION_KEY), 2, 'the owner issuance, under the key of stores before owners')
    assert.is(await meta.has('schema-version:issuance'), false)
    assert.is(await meta.count(), 3)
  }, { schemas: owners })

  withStore('with no schemas given, a new store records no version: the store owns no records', async (store) => {
    assert.is(await store.collection('meta').count(), 0)
    await store.collection('meta').put('k', 1)
    assert.is(await store.collection('meta').get('k'), 1)
  }, {})
  withStore('empty schemas are no schemas', async (store) => {
    assert.is(await store.collection('meta').count(), 0)
  }, { schemas: [] })

  test('invalid schemas are TypeErrors', async () => {
    const migration = { to: 2, description: 'd', migrate: async () => {} }
    const invalid: unknown[] = [
      'issuance', [null], {}, [{ owner: 'Bad', version: 1, migrations: [] }], [{ owner: 'a', version: 0, migrations: [] }],
      [{ owner: 'a', version: 1.5, migrations: [] }], [{ owner: 'a', version: 1 }], [{ owner: 'a', version: 1, migrations: [migration] }],
      [{ owner: 'a', version: 2, migrations: [migration, migration] }], [{ owner: 'a', version: 2, migrations: [{ to: 1, description: 'd', migrate: async () => {} }] }],
      [{ owner: 'a', version: 2, migrations: [{ to: 2, description: 'd' }] }],
      [{ owner: 'a', version: 1, migrations: [] }, { owner: 'a', version: 1, migrations: [] }]
    ]
    for (const schemas of invalid) {
      await rejects((async () => { const h = await open({ schemas: schemas as Schema[] }); await h.dispose() })(), isType, JSON.stringify(schemas) ?? String(schemas))
    }
  })

  withStore('a new store is empty but for its schema version', async (store) => {
    for (const c of [store.collection<StoredDocument>('achievements'), store.collection<StoredDocument>('profiles'), store.collection<StoredDocument>('endorsements'), store.collection<StoredDocument>('status-lists'), store.collection<IssuanceRecord>('issuance'), store.collection<string>('issuance-by-subject'), store.collection<PeerRecord>('peers')]) {
      assert.is(await c.count(), 0)
    }
    assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    assert.is(await store.collection('meta').count(), 1)
  })

  withStore('get, put, has, del', async (store) => {
    const c = store.collection<StoredDocument>('achievements')
    assert.is(await c.get('x'), undefined)
    assert.is(await c.has('x'), false)
    await c.put('x', doc('x'))
    assert.equal(await c.get('x'), doc('x'))
    assert.is(await c.has('x'), true)
    await c.put('x', doc('x', 2))
    assert.is((await c.get('x'))?.sequence, 2, 'put overwrites')
    assert.is(await c.count(), 1)
    await c.del('x')
    assert.is(await c.get('x'), undefined)
    assert.is(await c.has('x'), false)
    await c.del('x') // deleting a missing key is no error
    await store.collection('meta').put('zero', 0)
    await store.collection('meta').put('null', null)
    await store.collection('meta').put('false', false)
    await store.collection('meta').put('text', '')
    assert.is(await store.collection('meta').get('zero'), 0)
    assert.is(await store.collection('meta').get('null'), null)
    assert.is(await store.collection('meta').has('null'), true)
    assert.is(await store.collection('meta').get('false'), false)
    assert.is(await store.collection('meta').get('text'), '')
  })

  withStore('collections are separate', async (store) => {
    await store.collection<StoredDocument>('achievements').put('k', doc('a'))
    await store.collection<StoredDocument>('profiles').put('k', { ...doc('p'), kind: 'profile' })
    await store.collection<PeerRecord>('peers').put('k', { peerId: 'k', multiaddrs: [], lastSeen: '2025-01-01T00:00:00Z' })
    assert.is((await store.collection<StoredDocument>('achievements').get('k'))?.id, 'a')
    assert.is((await store.collection<StoredDocument>('profiles').get('k'))?.id, 'p')
    await store.collection<StoredDocument>('achievements').del('k')
    assert.is((await store.collection<StoredDocument>('profiles').get('k'))?.id, 'p')
    assert.is(await store.collection<PeerRecord>('peers').count(), 1)
    assert.is(await store.collection<StoredDocument>('endorsements').count(), 0)
  })

  withStore('any string is a key: separators, unicode, lone surrogates, the empty string', async (store) => {
    for (const [i, key] of AWKWARD_KEYS.entries()) await store.collection<StoredDocument>('achievements').put(key, doc(key, i))
    for (const [i, key] of AWKWARD_KEYS.entries()) {
      const got = await store.collection<StoredDocument>('achievements').get(key)
      assert.is(got?.id, key, `get(${JSON.stringify(key)})`)
      assert.is(got?.sequence, i)
      assert.ok(await store.collection<StoredDocument>('achievements').has(key))
    }
    const sorted = [...new Set(AWKWARD_KEYS)].sort()
    assert.equal(await keys(store.collection<StoredDocument>('achievements')), sorted, 'keys iterate in JavaScript string order')
    assert.is(await store.collection<StoredDocument>('achievements').count(), sorted.length)
    // Nothing leaked into the other collections, whatever the keys looked like.
    assert.is(await store.collection('meta').count(), 1)
    assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    assert.is(await store.collection<StoredDocument>('profiles').count(), 0)
    assert.is(await store.collection<StoredDocument>('status-lists').count(), 0)
    for (const key of AWKWARD_KEYS) {
      await store.collection<StoredDocument>('profiles').put(key, { ...doc(key), kind: 'profile' })
      assert.equal(await keys(store.collection<StoredDocument>('achievements'), { prefix: key }), sorted.filter((k) => k.startsWith(key)), `prefix ${JSON.stringify(key)}`)
    }
    assert.is(await store.collection<StoredDocument>('profiles').count(), sorted.length)
    for (const key of AWKWARD_KEYS) await store.collection<StoredDocument>('achievements').del(key)
    assert.is(await store.collection<StoredDocument>('achievements').count(), 0)
    assert.is(await store.collection<StoredDocument>('profiles').count(), sorted.length)
  })

  withStore('entries and values: order, gte / lt, reverse, limit', async (store) => {
    const c = store.collection('meta')
    await c.del(SCHEMA_VERSION_KEY) // leave only our keys (the version is re-checked only on open)
    const all = ['a', 'b', 'ba', 'bb', 'c', 'd', 'e']
    for (const key of [...all].reverse()) await c.put(key, key.toUpperCase())
    assert.equal(await keys(c), all)
    assert.equal(await collect(c.entries()), all.map((k) => [k, k.toUpperCase()]))
    assert.equal(await collect(c.values()), all.map((k) => k.toUpperCase()))
    assert.equal(await keys(c, { gte: 'b' }), ['b', 'ba', 'bb', 'c', 'd', 'e'])
    assert.equal(await keys(c, { gte: 'b0' }), ['ba', 'bb', 'c', 'd', 'e'])
    assert.equal(await keys(c, { lt: 'c' }), ['a', 'b', 'ba', 'bb'])
    assert.equal(await keys(c, { gte: 'b', lt: 'c' }), ['b', 'ba', 'bb'])
    assert.equal(await keys(c, { gte: 'c', lt: 'c' }), [])
    assert.equal(await keys(c, { gte: 'd', lt: 'b' }), [])
    assert.equal(await keys(c, { reverse: true }), [...all].reverse())
    assert.equal(await keys(c, { gte: 'b', lt: 'd', reverse: true }), ['c', 'bb', 'ba', 'b'])
    assert.equal(await keys(c, { limit: 2 }), ['a', 'b'])
    assert.equal(await keys(c, { limit: 2, reverse: true }), ['e', 'd'])
    assert.equal(await keys(c, { gte: 'b', lt: 'd', limit: 2, reverse: true }), ['c', 'bb'])
    assert.equal(await keys(c, { limit: 0 }), [])
    assert.equal(await keys(c, { limit: 100 }), all)
    assert.equal(await keys(c, { limit: Infinity }), all)
    assert.equal(await collect(c.values({ gte: 'b', lt: 'c', reverse: true })), ['BB', 'BA', 'B'])
    for (const bad of [{ limit: -1 }, { limit: 1.5 }, { gte: 1 }, { prefix: null }, { reverse: 'yes' }]) {
      await rejects(collect(c.entries(bad as never)), isType, `entries(${JSON.stringify(bad)})`)
    }
  })

  withStore('prefix, alone and with gte / lt / limit / reverse', async (store) => {
    const c = store.collection<StoredDocument>('endorsements')
    const ids = ['did:key:a', 'did:key:a!1', 'did:key:a/1', 'did:key:a/2', 'did:key:a/3', 'did:key:b', 'did:web:a', 'did\uffff', 'did\uffffx', 'dia', 'die']
    for (const id of ids) await c.put(id, { ...doc(id), kind: 'endorsement' })
    assert.equal(await keys(c, { prefix: 'did:key:a/' }), ['did:key:a/1', 'did:key:a/2', 'did:key:a/3'])
    assert.equal(await keys(c, { prefix: 'did:key:' }), ['did:key:a', 'did:key:a!1', 'did:key:a/1', 'did:key:a/2', 'did:key:a/3', 'did:key:b'])
    assert.equal(await keys(c, { prefix: 'did:key:a/', reverse: true, limit: 2 }), ['did:key:a/3', 'did:key:a/2'])
    assert.equal(await keys(c, { prefix: 'did:key:a/', gte: 'did:key:a/2' }), ['did:key:a/2', 'did:key:a/3'])
    assert.equal(await keys(c, { prefix: 'did:key:a/', gte: 'a' }), ['did:key:a/1', 'did:key:a/2', 'did:key:a/3'], 'a lower gte does not widen the prefix')
    assert.equal(await keys(c, { prefix: 'did:key:a/', lt: 'did:key:a/3' }), ['did:key:a/1', 'did:key:a/2'])
    assert.equal(await keys(c, { prefix: 'did:key:a/', lt: 'z' }), ['did:key:a/1', 'did:key:a/2', 'did:key:a/3'], 'a higher lt does not widen the prefix')
    assert.equal(await keys(c, { prefix: 'did\uffff' }), ['did\uffff', 'did\uffffx'])
    assert.equal(await keys(c, { prefix: 'did\uffff', reverse: true }), ['did\uffffx', 'did\uffff'])
    assert.equal(await keys(c, { prefix: 'did:x' }), [])
    assert.equal(await keys(c, { prefix: '' }), [...ids].sort())
    assert.equal(await keys(c, { prefix: 'did:key:a!' }), ['did:key:a!1'])
    assert.is(await c.count({ prefix: 'did:key:' }), 6)
    assert.is(await c.count({ prefix: 'did:key:a' }), 5)
    assert.is(await c.count({ prefix: 'did\uffff' }), 2)
    assert.is(await c.count({ prefix: 'nothing' }), 0)
    assert.is(await c.count({}), ids.length)
    assert.is(await c.count(), ids.length)
  })

  withStore('breaking out of an iteration is clean', async (store) => {
    for (let i = 0; i < 50; i++) await store.collection<PeerRecord>('peers').put(`p${String(i).padStart(2, '0')}`, { peerId: `p${i}`, multiaddrs: [], lastSeen: '' })
    let seen = 0
    for await (const [key] of store.collection<PeerRecord>('peers').entries()) {
      if (++seen === 3) { assert.is(key, 'p02'); break }
    }
    assert.is(await store.collection<PeerRecord>('peers').count(), 50)
  })

  withStore('an iteration reads a snapshot: writes made meanwhile do not show', async (store) => {
    for (const key of ['a', 'b', 'c']) await store.collection('meta').put(key, key)
    const seen: string[] = []
    for await (const [key] of store.collection('meta').entries({ lt: 'd' })) {
      seen.push(key)
      if (key === 'a') { await store.collection('meta').put('bb', 'new'); await store.collection('meta').del('c') }
    }
    assert.equal(seen, ['a', 'b', 'c'])
    assert.equal(await keys(store.collection('meta'), { lt: 'd' }), ['a', 'b', 'bb'])
  })

  withStore('batch: atomic across collections', async (store) => {
    await store.collection<PeerRecord>('peers').put('gone', { peerId: 'gone', multiaddrs: [], lastSeen: '' })
    const b = store.batch()
    assert.is(b.put(store.collection<StoredDocument>('achievements'), 'a1', doc('a1')), b, 'put chains')
    b.put(store.collection<StoredDocument>('profiles'), 'did:key:x', { ...doc('did:key:x'), kind: 'profile' })
      .put(store.collection<IssuanceRecord>('issuance'), 'urn:c:1', { credentialId: 'urn:c:1', achievementId: 'a1', subject: 'did:key:s', issuedAt: '2025-01-01T00:00:00Z', credential: {} })
      .put(store.collection('meta'), 'counter', 7)
      .del(store.collection<PeerRecord>('peers'), 'gone')
      .put(store.collection<StoredDocument>('achievements'), 'a2', doc('a2'))
      .del(store.collection<StoredDocument>('achievements'), 'a2')
    await b.write()
    assert.equal(await store.collection<StoredDocument>('achievements').get('a1'), doc('a1'))
    assert.is(await store.collection<StoredDocument>('achievements').has('a2'), false, 'operations apply in order')
    assert.is((await store.collection<StoredDocument>('profiles').get('did:key:x'))?.kind, 'profile')
    assert.is((await store.collection<IssuanceRecord>('issuance').get('urn:c:1'))?.achievementId, 'a1')
    assert.is(await store.collection('meta').get('counter'), 7)
    assert.is(await store.collection<PeerRecord>('peers').has('gone'), false)
    await rejects(b.write(), isType, 'a batch written twice')
    await store.batch().write() // an empty batch is fine
  })

  withStore('batch: an invalid operation writes nothing', async (store) => {
    await store.collection<PeerRecord>('peers').put('stay', { peerId: 'stay', multiaddrs: [], lastSeen: '' })
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const other = createOtherCollection()
    const invalid: Array<[string, (b: ReturnType<Store['batch']>) => void]> = [
      ['a BigInt value', (b) => b.put(store.collection('meta'), 'big', 10n)],
      ['a cyclic value', (b) => b.put(store.collection('meta'), 'cyclic', cyclic)],
      ['an undefined value', (b) => b.put(store.collection('meta'), 'undefined', undefined)],
      ['a number as key', (b) => b.put(store.collection('meta'), 1 as unknown as string, 1)],
      ['a collection of another store', (b) => b.put(other, 'x', 1)]
    ]
    for (const [what, addInvalid] of invalid) {
      const b = store.batch()
        .put(store.collection<StoredDocument>('achievements'), 'a1', doc('a1'))
        .put(store.collection('meta'), 'counter', 1)
        .del(store.collection<PeerRecord>('peers'), 'stay')
      addInvalid(b)
      b.put(store.collection<StoredDocument>('profiles'), 'after', { ...doc('after'), kind: 'profile' })
      await rejects(b.write(), isType, what)
      assert.is(await store.collection<StoredDocument>('achievements').count(), 0, what)
      assert.is(await store.collection('meta').has('counter'), false, what)
      assert.is(await store.collection<StoredDocument>('profiles').count(), 0, what)
      assert.is(await store.collection<PeerRecord>('peers').has('stay'), true, what)
    }
  })

  withStore('put refuses what JSON cannot represent, and stores nothing', async (store) => {
    const err = await rejects(store.collection('meta').put('big', 10n), isType, 'a BigInt')
    assert.match(String(err), /JSON/)
    await rejects(store.collection('meta').put('u', undefined), isType, 'undefined')
    await rejects(store.collection('meta').put('f', () => 1), isType, 'a function')
    await rejects(store.collection('meta').put(5 as unknown as string, 1), isType, 'a number as key')
    await rejects(store.collection('meta').get(undefined as unknown as string), isType, 'get without a key')
    assert.is(await store.collection('meta').count(), 1)
    // Values go through JSON, in both stores alike.
    await store.collection('meta').put('json', { date: new Date('2025-01-01T00:00:00Z'), nan: NaN, skip: undefined, list: [undefined] })
    assert.equal(await store.collection('meta').get('json'), { date: '2025-01-01T00:00:00.000Z', nan: null, list: [null] })
  })

  withStore('isolation: changing a value given or returned does not change the store', async (store) => {
    const value = doc('a')
    await store.collection<StoredDocument>('achievements').put('a', value)
    value.sequence = 99
    value.document.name = 'changed'
    assert.equal(await store.collection<StoredDocument>('achievements').get('a'), doc('a'))
    const got = await store.collection<StoredDocument>('achievements').get('a') as StoredDocument
    got.sequence = 42;
    (got.document.nested as { deep: unknown[] }).deep.push('x')
    assert.equal(await store.collection<StoredDocument>('achievements').get('a'), doc('a'))
    for await (const [, v] of store.collection<StoredDocument>('achievements').entries()) v.id = 'mutated'
    for await (const v of store.collection<StoredDocument>('achievements').values()) v.issuer = 'mutated'
    assert.equal(await store.collection<StoredDocument>('achievements').get('a'), doc('a'))
    const later = doc('b')
    const b = store.batch().put(store.collection<StoredDocument>('achievements'), 'b', later)
    later.id = 'changed before write'
    await b.write()
    assert.equal(await store.collection<StoredDocument>('achievements').get('b'), doc('b'))
    assert.is.not(await store.collection<StoredDocument>('achievements').get('a'), await store.collection<StoredDocument>('achievements').get('a'))
  })

  withStore('concurrent writes all land', async (store) => {
    await Promise.all(Array.from({ length: 100 }, async (_, i) => { await store.collection<PeerRecord>('peers').put(`p${i}`, { peerId: `p${i}`, multiaddrs: [`/ip4/127.0.0.1/tcp/${i}`], lastSeen: '' }) }))
    assert.is(await store.collection<PeerRecord>('peers').count(), 100)
    assert.equal((await store.collection<PeerRecord>('peers').get('p42'))?.multiaddrs, ['/ip4/127.0.0.1/tcp/42'])
  })

  withStore('after close every call rejects with COFL_ERR_STORE_CLOSED', async (store) => {
    await store.collection<StoredDocument>('achievements').put('a', doc('a'))
    const pending = store.collection<StoredDocument>('achievements').put('b', doc('b')) // under way while closing
    const iteration = store.collection<StoredDocument>('achievements').entries()[Symbol.asyncIterator]()
    assert.is((await iteration.next()).value?.[0], 'a')
    await store.close()
    await pending
    await store.close() // idempotent
    const closed = isCode('COFL_ERR_STORE_CLOSED')
    const c = store.collection<StoredDocument>('achievements')
    await rejects(c.get('a'), closed, 'get')
    await rejects(c.has('a'), closed, 'has')
    await rejects(c.put('a', doc('a')), closed, 'put')
    await rejects(c.del('a'), closed, 'del')
    await rejects(c.count(), closed, 'count')
    await rejects(collect(c.entries()), closed, 'entries')
    await rejects(collect(c.values({ prefix: 'a' })), closed, 'values')
    await rejects(iteration.next(), closed, 'an iteration begun before close')
    await rejects(store.batch().put(c, 'x', doc('x')).write(), closed, 'batch.write')
    await rejects(store.batch().write(), closed, 'empty batch.write')
    const err = await rejects(store.collection('meta').get(SCHEMA_VERSION_KEY), closed, 'meta.get') as StoreError
    assert.is(err.name, 'StoreError')
    assert.match(err.message, /closed/)
  })

  return test
}

/** A collection that belongs to no store under test (for the batch test). */
function createOtherCollection (): Collection<unknown> {
  return {
    get: async () => undefined,
    has: async () => false,
    put: async () => {},
    del: async () => {},
    entries: async function * () {},
    values: async function * () {},
    count: async () => 0
  }
}
