import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@cofl/test-support'
import { Level } from 'level'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { issuanceOf, openLevelStore, SCHEMA_VERSION, SCHEMA_VERSION_KEY, StoreError } from '../src/index.js'
import { openLevelStoreWith } from '../src/level.js'
import { AWKWARD_KEYS, doc, issuance, storeCompliance } from './compliance.js'
import { MIGRATIONS } from '../src/migrations.js'
import type { Migration } from '../src/migrations.js'
import type { Store } from '../src/index.js'

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

storeCompliance('level store', async () => {
  const dir = await tempDir()
  const store = await openLevelStore({ directory: dir.path })
  return { store, dispose: async () => { try { await store.close() } finally { await dir.remove() } } }
}).run()

test('reopening keeps the data, in every collection, and the schema version', async () => {
  const dir = await tempDir()
  try {
    let store = await openLevelStore({ directory: join(dir.path, 'nested', 'store') })
    for (const key of AWKWARD_KEYS) await store.achievements.put(key, doc(key))
    await store.batch().put(store.peers, 'p', { peerId: 'p', multiaddrs: ['/ip4/127.0.0.1/tcp/1'], lastSeen: 'now' }).put(store.meta, 'n', 3).write()
    await store.close()
    store = await openLevelStore({ directory: join(dir.path, 'nested', 'store') })
    try {
      assert.equal((await store.achievements.entries()[Symbol.asyncIterator]().next()).value?.[0], '')
      for (const key of AWKWARD_KEYS) assert.equal(await store.achievements.get(key), doc(key), JSON.stringify(key))
      assert.is(await store.achievements.count(), new Set(AWKWARD_KEYS).size)
      assert.equal((await store.peers.get('p'))?.multiaddrs, ['/ip4/127.0.0.1/tcp/1'])
      assert.is(await store.meta.get('n'), 3)
      assert.is(await store.meta.get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
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
    await expectCode(openLevelStore({ directory: dir.path }), 'COFL_ERR_STORE_VERSION', /not a cofl store/)
  } finally {
    await dir.remove()
  }
})

test('migrations: run once, in order, atomically; a newer store is refused', async () => {
  const dir = await tempDir()
  const opened: Store[] = []
  const open = async (schemaVersion: number, migrations: Migration[]): Promise<Store> => {
    const store = await openLevelStoreWith({ directory: dir.path }, { schemaVersion, migrations })
    opened.push(store)
    return store
  }
  try {
    let store = await open(1, [])
    await store.achievements.put('a', doc('a', 1))
    await store.achievements.put('b', doc('b', 2))
    await store.close()

    // A migration that fails half-way writes nothing: the store stays at version 1.
    const failing: Migration = {
      to: 2,
      description: 'fails after adding writes',
      migrate: async (s, batch) => {
        batch.put(s.meta, 'migrated', true).del(s.achievements, 'a')
        throw new Error('disk full, say')
      }
    }
    await expectCode(open(2, [failing]), 'COFL_ERR_STORE_VERSION', /migration to schema version 2 .*disk full/)
    store = await open(1, [])
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), 1)
    assert.is(await store.meta.has('migrated'), false)
    assert.is(await store.achievements.has('a'), true)
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
        assert.is(await s.meta.get(SCHEMA_VERSION_KEY), 1, 'runs on a version-1 store')
        for await (const [key, value] of s.achievements.entries()) batch.put(s.achievements, key, { ...value, sequence: value.sequence * 2 })
        batch.put(s.meta, 'documents', await s.achievements.count())
      }
    }
    store = await open(2, [toTwo])
    assert.is(runs, 1)
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), 2)
    assert.is((await store.achievements.get('a'))?.sequence, 2)
    assert.is((await store.achievements.get('b'))?.sequence, 4)
    assert.is(await store.meta.get('documents'), 2)
    await store.close()
    store = await open(2, [toTwo])
    assert.is(runs, 1, 'not run again')
    assert.is((await store.achievements.get('b'))?.sequence, 4)
    await store.close()

    // Migrations chain in order: 2 -> 3 only (1 -> 2 is done).
    const order: number[] = []
    const mark = (to: number): Migration => ({ to, description: `mark ${to}`, migrate: async (s, batch) => { order.push(to); batch.put(s.meta, `mark-${to}`, to) } })
    store = await open(4, [mark(4), mark(3), toTwo])
    assert.equal(order, [3, 4])
    assert.is(runs, 1)
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), 4)
    await store.close()

    // This code knows version 1: a version-4 store is refused, and left as it is.
    const err = await expectCode(openLevelStore({ directory: dir.path }), 'COFL_ERR_STORE_VERSION', new RegExp(`schema version 4, newer than this cofl knows \\(${SCHEMA_VERSION}\\)`))
    assert.is(err.name, 'StoreError')
    store = await open(4, [])
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), 4)
    await store.close()
  } finally {
    for (const s of opened) await s.close().catch(() => {})
    await dir.remove()
  }
})

test('schema version 2: a version-1 store gets its issuance log indexed by subject on open', async () => {
  const dir = await tempDir()
  const opened: Store[] = []
  try {
    // A store as the code of schema version 1 left it: issuance records, no index.
    const v1 = await openLevelStoreWith({ directory: dir.path }, { schemaVersion: 1, migrations: [] })
    opened.push(v1)
    const subjects = ['did:key:z6MkAlice', 'did:key:z6MkBob', 'did:key:z6MkAlice\u0000x']
    for (let i = 0; i < 30; i++) {
      await v1.issuance.put(`urn:uuid:${String(i).padStart(2, '0')}`, issuance(`urn:uuid:${String(i).padStart(2, '0')}`, subjects[i % 3] as string, 'https://city.example/a/1'))
    }
    assert.is(await v1.issuanceBySubject.count(), 0)
    await v1.close()

    const store = await openLevelStoreWith({ directory: dir.path }, { schemaVersion: 2, migrations: [...MIGRATIONS] })
    opened.push(store)
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), 2)
    assert.is(await store.issuanceBySubject.count(), 30)
    for (const [s, subject] of subjects.entries()) {
      const ids: string[] = []
      for await (const record of issuanceOf(store, subject)) ids.push(record.credentialId)
      const expected = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 === s).map((i) => `urn:uuid:${String(i).padStart(2, '0')}`)
      assert.equal(ids, expected, subject)
    }
    assert.is(await store.issuance.count(), 30, 'the log itself is unchanged')
  } finally {
    for (const s of opened) await s.close().catch(() => {})
    await dir.remove()
  }
})

test('a newly created store is at SCHEMA_VERSION and the memory of its version survives reopening', async () => {
  const dir = await tempDir()
  try {
    const store = await openLevelStore({ directory: dir.path })
    assert.is(await store.meta.get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
    await store.close()
    const again = await openLevelStore({ directory: dir.path })
    assert.is(await again.meta.get(SCHEMA_VERSION_KEY), SCHEMA_VERSION)
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
          assert.is((await store.endorsements.get(key))?.id, key, `batch ${key} lost`)
          assert.ok(await store.meta.has(`last!${key}`), `batch ${key} half written`)
        } else {
          assert.is((await store.achievements.get(line))?.id, line, `put ${line} lost`)
        }
      }
      assert.ok(batches >= 30)
      // Nothing half written either: every batch left both of its records or neither.
      for await (const [key] of store.endorsements.entries()) assert.ok(await store.meta.has(`last!${key}`), key)
      assert.is(await store.meta.count({ prefix: 'last!' }), await store.endorsements.count())
      assert.ok(await store.achievements.count() + await store.endorsements.count() >= lines.length)
    } finally {
      await store.close()
    }
  } finally {
    await kill().catch(() => {})
    await dir.remove()
  }
})

test.run()
