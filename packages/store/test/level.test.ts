import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@cofl/test-support'
import { Level } from 'level'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openLevelStore, SCHEMA_VERSION_KEY, StoreError } from '../src/index.js'
import { AWKWARD_KEYS, doc, LEGACY_SCHEMA, SCHEMA_VERSION, storeCompliance } from './compliance.js'
import type { PeerRecord } from './compliance.js'
import type { Migration, Schema, Store, StoredDocument } from '../src/index.js'

const SCRIPT = fileURLToPath(new URL('./fixtures/put-loop.ts', import.meta.url))
const WAIT_MS = 60_000

async function expectCode (promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<StoreError> {
  try {
    await promise
  } catch (err) {
    assert.instance(err, StoreError, String(err))
    assert.is((err as StoreError).code, code, String(err))
    if (pattern !== undefined) assert.match((err as StoreError).message, pattern)
    return err as StoreError
  }
  assert.unreachable(`did not reject with ${code}`)
  throw new Error('unreachable')
}

/**
 * Runs `fn` in a new directory with `open`, which opens the store there with `schemas` (default:
 * LEGACY_SCHEMA) and keeps it; afterwards every store it opened is closed and the directory removed.
 */
async function inDirectory (fn: (dir: string, open: (schemas?: Schema[]) => Promise<Store>) => Promise<void>): Promise<void> {
  const dir = await tempDir()
  const opened: Store[] = []
  const open = async (schemas?: Schema[]): Promise<Store> => {
    const store = await openLevelStore({ directory: dir.path, schemas: schemas ?? [LEGACY_SCHEMA] })
    opened.push(store)
    return store
  }
  try {
    await fn(dir.path, open)
  } finally {
    for (const s of opened) await s.close().catch(() => {})
    await dir.remove()
  }
}

storeCompliance('level store', async (init) => {
  const dir = await tempDir()
  let store: Store
  try {
    store = await openLevelStore({ directory: dir.path, ...init })
  } catch (err) {
    await dir.remove()
    throw err
  }
  return { store, dispose: async () => { try { await store.close() } finally { await dir.remove() } } }
}).run()

test('reopening keeps the data, in every collection, and the schema version', async () => {
  const dir = await tempDir()
  try {
    let store = await openLevelStore({ directory: join(dir.path, 'nested', 'store'), schemas: [LEGACY_SCHEMA] })
    for (const key of AWKWARD_KEYS) await store.collection<StoredDocument>('achievements').put(key, doc(key))
    await store.batch().put(store.collection<PeerRecord>('peers'), 'p', { peerId: 'p', multiaddrs: ['/ip4/127.0.0.1/tcp/1'], lastSeen: 'now' }).put(store.collection('meta'), 'n', 3).write()
    await store.close()
    store = await openLevelStore({ directory: join(dir.path, 'nested', 'store'), schemas: [LEGACY_SCHEMA] })
    try {
      assert.equal((await store.collection<StoredDocument>('achievements').entries()[Symbol.asyncIterator]().next()).value?.[0], '')
      for (const key of AWKWARD_KEYS) assert.equal(await store.collection<StoredDocument>('achievements').get(key), doc(key), JSON.stringify(key))
      assert.is(await store.collection<StoredDocument>('achievements').count(), new Set(AWKWARD_KEYS).size)
      assert.equal((await store.collection<PeerRecord>('peers').get('p'))?.multiaddrs, ['/ip4/127.0.0.1/tcp/1'])
      assert.is(await store.collection('meta').get('n'), 3)
      assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    } finally {
      await store.close()
    }
  } finally {
    await dir.remove()
  }
})

test('a directory already open gives COFL_ERR_STORE_LOCKED, not level\'s error', async () => {
  const dir = await tempDir()
  try {
    const store = await openLevelStore({ directory: dir.path })
    try {
      const err = await expectCode(openLevelStore({ directory: dir.path }), 'COFL_ERR_STORE_LOCKED', /in use by another process/)
      assert.ok(err.message.includes(dir.path))
      assert.ok(err.cause !== undefined)
    } finally {
      await store.close()
    }
    const again = await openLevelStore({ directory: dir.path }) // free after close
    await again.close()
  } finally {
    await dir.remove()
  }
})

test('programmer mistakes in init are TypeErrors', async () => {
  for (const init of [undefined, null, {}, { directory: '' }, { directory: 7 }]) {
    try {
      await openLevelStore(init as never)
      assert.unreachable(JSON.stringify(init))
    } catch (err) {
      assert.instance(err, TypeError)
    }
  }
})

test('a directory with data but no schema version is refused with COFL_ERR_STORE_VERSION', async () => {
  const dir = await tempDir()
  try {
    const db = new Level(dir.path)
    await db.put('something', 'else')
    await db.close()
    await expectCode(openLevelStore({ directory: dir.path, schemas: [LEGACY_SCHEMA] }), 'COFL_ERR_STORE_VERSION', /not a cofl store/)
    // With no schemas the store is opened as it is: no owner to check it for, nothing recorded.
    const store = await openLevelStore({ directory: dir.path })
    assert.is(await store.collection('meta').count(), 0)
    await store.close()
  } finally {
    await dir.remove()
  }
})

test('migrations: run once, in order, atomically; a newer store is refused', async () => await inDirectory(async (directory, openWith) => {
  const open = async (version: number, migrations: Migration[]): Promise<Store> => await openWith([{ owner: 'issuance', version, migrations }])
  let store = await open(1, [])
  await store.collection<StoredDocument>('achievements').put('a', doc('a', 1))
  await store.collection<StoredDocument>('achievements').put('b', doc('b', 2))
  await store.close()

  // A migration that fails half-way writes nothing: the store stays at version 1.
  const failing: Migration = {
    to: 2,
    description: 'fails after adding writes',
    migrate: async (s, batch) => {
      batch.put(s.collection('meta'), 'migrated', true).del(s.collection<StoredDocument>('achievements'), 'a')
      throw new Error('disk full, say')
    }
  }
  await expectCode(open(2, [failing]), 'COFL_ERR_STORE_VERSION', /migration of issuance to schema version 2 .*disk full/)
  store = await open(1, [])
  assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 1)
  assert.is(await store.collection('meta').has('migrated'), false)
  assert.is(await store.collection<StoredDocument>('achievements').has('a'), true)
  await store.close()

  // No path from 1 to 3.
  await expectCode(open(3, []), 'COFL_ERR_STORE_VERSION', /no migration to version 2/)

  // The fake migration 1 -> 2 runs once: on the first open, not on later ones.
  let runs = 0
  const toTwo: Migration = {
    to: 2,
    description: 'sequence doubled, a counter in meta',
    migrate: async (s, batch) => {
      runs++
      assert.is(await s.collection('meta').get(SCHEMA_VERSION_KEY), 1, 'runs on a version-1 store')
      for await (const [key, value] of s.collection<StoredDocument>('achievements').entries()) batch.put(s.collection<StoredDocument>('achievements'), key, { ...value, sequence: value.sequence * 2 })
      batch.put(s.collection('meta'), 'documents', await s.collection<StoredDocument>('achievements').count())
    }
  }
  store = await open(2, [toTwo])
  assert.is(runs, 1)
  assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 2)
  assert.is((await store.collection<StoredDocument>('achievements').get('a'))?.sequence, 2)
  assert.is((await store.collection<StoredDocument>('achievements').get('b'))?.sequence, 4)
  assert.is(await store.collection('meta').get('documents'), 2)
  await store.close()
  store = await open(2, [toTwo])
  assert.is(runs, 1, 'not run again')
  assert.is((await store.collection<StoredDocument>('achievements').get('b'))?.sequence, 4)
  await store.close()

  // Migrations chain in order: 2 -> 3 only (1 -> 2 is done).
  const order: number[] = []
  const mark = (to: number): Migration => ({ to, description: `mark ${to}`, migrate: async (s, batch) => { order.push(to); batch.put(s.collection('meta'), `mark-${to}`, to) } })
  store = await open(4, [mark(4), mark(3), toTwo])
  assert.equal(order, [3, 4])
  assert.is(runs, 1)
  assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 4)
  await store.close()

  // This code knows version 1: a version-4 store is refused, and left as it is.
  const err = await expectCode(openLevelStore({ directory, schemas: [LEGACY_SCHEMA] }), 'COFL_ERR_STORE_VERSION', new RegExp(`schema version 4 for issuance, newer than this cofl knows \\(${SCHEMA_VERSION}\\)`))
  assert.is(err.name, 'StoreError')
  store = await open(4, [])
  assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 4)
  await store.close()
}))

test('a data directory written with the layout of fixed collections opens unchanged, through collection(name)', async () => {
  const dir = await tempDir()
  try {
    // Written with level directly, as the store of fixed properties wrote it: `!<name>!<key>`,
    // values JSON text, the one schema version 2 in meta.
    const db = new Level<string, string>(dir.path, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
    const list = { ...doc('https://city.example/status/1'), kind: 'status-list' as const }
    const record = { credentialId: 'urn:uuid:1', subject: 'did:key:z6MkAlice', credential: {} }
    await db.batch([
      { type: 'put', key: '!meta!schema-version', value: '2' },
      { type: 'put', key: '!meta!federation:holdings-version', value: '1' },
      { type: 'put', key: '!status-lists!https://city.example/status/1', value: JSON.stringify(list) },
      { type: 'put', key: '!achievements!a!b', value: JSON.stringify(doc('a!b')) },
      { type: 'put', key: '!issuance!urn:uuid:1', value: JSON.stringify(record) },
      // No index entry for it: a migration run on open would add one.
      { type: 'put', key: '!peers!p', value: JSON.stringify({ peerId: 'p', multiaddrs: [], lastSeen: 'x' }) },
      { type: 'put', key: '!held!urn:uuid:h', value: JSON.stringify({ id: 'urn:uuid:h' }) },
      { type: 'put', key: '!held-x!urn:uuid:h', value: JSON.stringify({ id: 'other' }) }
    ])
    await db.close()

    let runs = 0
    const spy: Schema = { owner: 'issuance', version: 2, migrations: [{ to: 2, description: 'spy', migrate: async () => { runs++ } }] }
    let store = await openLevelStore({ directory: dir.path, schemas: [spy] })
    assert.is(runs, 0, 'a store at version 2 runs nothing')
    assert.equal(await store.collection<StoredDocument>('status-lists').get('https://city.example/status/1'), list)
    assert.is(store.collection('status-lists'), store.collection('status-lists'))
    assert.equal(await store.collection<StoredDocument>('achievements').get('a!b'), doc('a!b'))
    assert.equal(await store.collection('issuance').get('urn:uuid:1'), record)
    assert.is(await store.collection('issuance-by-subject').count(), 0)
    assert.is((await store.collection<PeerRecord>('peers').get('p'))?.lastSeen, 'x')
    assert.equal(await store.collection('held').get('urn:uuid:h'), { id: 'urn:uuid:h' })
    assert.is(await store.collection('held').count(), 1)
    assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 2)
    assert.is(await store.collection('meta').get('federation:holdings-version'), 1)
    await store.collection<StoredDocument>('status-lists').put('https://city.example/status/2', list)
    await store.close()
    store = await openLevelStore({ directory: dir.path }) // no schemas: nothing checked, nothing recorded
    assert.is(await store.collection('issuance-by-subject').count(), 0)
    await store.close()

    // What collection(name) writes is where the fixed properties wrote it.
    const raw = new Level<string, string>(dir.path, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
    assert.equal(JSON.parse(await raw.get('!status-lists!https://city.example/status/2') as string), list)
    assert.is(await raw.get('!meta!schema-version'), '2')
    assert.equal((await raw.keys({ gte: '!meta!', lt: '!meta"' }).all()), ['!meta!federation:holdings-version', '!meta!schema-version'], 'no other version recorded')
    await raw.close()
  } finally {
    await dir.remove()
  }
})

test('owners: each its own version and migrations; a newer owner is refused with nothing changed; others left alone', async () => await inDirectory(async (directory, open) => {
  const runs: string[] = []
  const step = (owner: string, to: number, collection: string): Migration => ({
    to,
    description: `${owner} ${to}`,
    migrate: async (s, batch) => {
      runs.push(`${owner}:${to}`)
      assert.is(await s.collection('meta').get(`schema-version:${owner}`), to === 2 && owner === 'gamma' ? undefined : to - 1)
      for await (const [key, value] of s.collection<number>(collection).entries()) batch.put(s.collection<number>(collection), key, value * 10)
    }
  })
  let store = await open([{ owner: 'alpha', version: 1, migrations: [] }, { owner: 'beta', version: 1, migrations: [] }, LEGACY_SCHEMA])
  await store.collection<number>('alpha-things').put('x', 1)
  await store.collection<number>('beta-things').put('x', 1)
  await store.close()

  // alpha moves to 3, beta stays at 1; gamma, new in an existing store, starts at 1.
  const alpha3: Schema = { owner: 'alpha', version: 3, migrations: [step('alpha', 3, 'alpha-things'), step('alpha', 2, 'alpha-things')] }
  const gamma2: Schema = { owner: 'gamma', version: 2, migrations: [step('gamma', 2, 'gamma-things')] }
  store = await open([alpha3, { owner: 'beta', version: 1, migrations: [] }, gamma2])
  assert.equal(runs, ['alpha:2', 'alpha:3', 'gamma:2'])
  assert.is(await store.collection('alpha-things').get('x'), 100)
  assert.is(await store.collection('beta-things').get('x'), 1)
  const meta = store.collection('meta')
  assert.is(await meta.get('schema-version:alpha'), 3)
  assert.is(await meta.get('schema-version:beta'), 1)
  assert.is(await meta.get('schema-version:gamma'), 2)
  assert.is(await meta.get(SCHEMA_VERSION_KEY), 2, 'issuance, not given this time, left as it was')
  await store.close()

  // Opened again: nothing runs. A store that only knows beta reads it and leaves alpha alone.
  store = await open([alpha3, gamma2])
  assert.is(runs.length, 3)
  await store.close()
  store = await open([{ owner: 'beta', version: 1, migrations: [] }])
  assert.is(await store.collection('meta').get('schema-version:alpha'), 3)
  await store.close()

  // Code that knows alpha at version 2 only is refused, before beta's migration runs.
  const beta2: Schema = { owner: 'beta', version: 2, migrations: [step('beta', 2, 'beta-things')] }
  const err = await expectCode(open([beta2, { owner: 'alpha', version: 2, migrations: [step('alpha', 2, 'alpha-things')] }]), 'COFL_ERR_STORE_VERSION', /schema version 3 for alpha, newer than this cofl knows \(2\)/)
  assert.match(err.message, new RegExp(directory.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  assert.is(runs.length, 3, 'nothing ran')
  // No migration path for an owner: refused, nothing ran.
  await expectCode(open([beta2, { owner: 'alpha', version: 5, migrations: [step('alpha', 5, 'alpha-things')] }]), 'COFL_ERR_STORE_VERSION', /schema version 3 for alpha and this cofl has no migration to version 4/)
  assert.is(runs.length, 3, 'nothing ran')
  store = await open([{ owner: 'beta', version: 1, migrations: [] }])
  assert.is(await store.collection('meta').get('schema-version:beta'), 1)
  assert.is(await store.collection('beta-things').get('x'), 1)
  await store.close()
}))

test('a newly created store is at SCHEMA_VERSION and the memory of its version survives reopening', async () => {
  const dir = await tempDir()
  try {
    const store = await openLevelStore({ directory: dir.path, schemas: [LEGACY_SCHEMA] })
    assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    await store.close()
    const again = await openLevelStore({ directory: dir.path, schemas: [LEGACY_SCHEMA] })
    assert.is(await again.collection('meta').get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    await again.close()
  } finally {
    await dir.remove()
  }
})

test('kill -9 while writing: every write whose key was printed is there after reopening', async () => {
  const dir = await tempDir()
  const child = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', SCRIPT, dir.path], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let stderr = ''
  let buffer = ''
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.race([exited, new Promise((_resolve, reject) => setTimeout(() => { reject(new Error('child did not exit after SIGKILL')) }, WAIT_MS).unref())])
  }
  let wake = (): void => {}
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? '' // a line is a write that resolved only once its newline is there
    for (const line of parts) if (line !== 'ready') lines.push(line)
    wake()
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { done(new Error(`child printed ${lines.length} keys in ${WAIT_MS} ms; stderr: ${stderr}`)) }, WAIT_MS)
      const onExit = (code: number | null, signal: string | null): void => { done(new Error(`child exited early (${code ?? signal}); stderr: ${stderr}`)) }
      const done = (err?: Error): void => {
        clearTimeout(timer)
        wake = () => {}
        child.off('exit', onExit)
        if (err === undefined) resolve(); else reject(err)
      }
      wake = () => { if (lines.length >= 60) done() }
      child.once('exit', onExit)
      wake()
    })
    // While the child holds the directory, another opener gets a clear error.
    await expectCode(openLevelStore({ directory: dir.path }), 'COFL_ERR_STORE_LOCKED')
    await kill()
    assert.is(child.signalCode, 'SIGKILL')
    // Lines still in the pipe at the kill were printed after their write resolved too.
    await Promise.race([
      new Promise<void>((resolve) => { if (child.stdout.closed) resolve(); else child.stdout.once('close', resolve) }),
      new Promise((_resolve, reject) => setTimeout(() => { reject(new Error('the child\'s stdout did not close')) }, WAIT_MS).unref())
    ])

    const store = await openLevelStore({ directory: dir.path })
    try {
      let batches = 0
      for (const line of lines) {
        if (line.startsWith('batch:')) {
          const key = line.slice('batch:'.length)
          batches++
          assert.is((await store.collection<StoredDocument>('endorsements').get(key))?.id, key, `batch ${key} lost`)
          assert.ok(await store.collection('meta').has(`last!${key}`), `batch ${key} half written`)
        } else {
          assert.is((await store.collection<StoredDocument>('achievements').get(line))?.id, line, `put ${line} lost`)
        }
      }
      assert.ok(batches >= 30)
      // Nothing half written either: every batch left both of its records or neither.
      for await (const [key] of store.collection<StoredDocument>('endorsements').entries()) assert.ok(await store.collection('meta').has(`last!${key}`), key)
      assert.is(await store.collection('meta').count({ prefix: 'last!' }), await store.collection<StoredDocument>('endorsements').count())
      assert.ok(await store.collection<StoredDocument>('achievements').count() + await store.collection<StoredDocument>('endorsements').count() >= lines.length)
    } finally {
      await store.close()
    }
  } finally {
    await kill().catch(() => {})
    await dir.remove()
  }
})

test.run()
