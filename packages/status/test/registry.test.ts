import { existsSync } from 'node:fs'
import { Level } from 'level'
import { tempDir } from '@cofl/test-support'
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkStatusEntry, decodeStatusList, fillLimit, openStatusRegistry, STATUS_LIST_LENGTH, StatusError, StatusErrorCode
} from '../src/index.js'
import { drawFree } from '../src/registry.js'
import { ISSUER, OTHER_ISSUER } from './helpers.js'
import type { StatusRegistry } from '../src/index.js'

async function rejects (promise: Promise<unknown>, code: string): Promise<StatusError> {
  try {
    await promise
  } catch (err) {
    assert.instance(err, StatusError, String(err))
    assert.is((err as StatusError).code, code, (err as Error).message)
    assert.is((err as Error).name, 'StatusError')
    return err as StatusError
  }
  assert.unreachable(`expected ${code}`)
  throw new Error('unreachable')
}

/** Opens a registry in a fresh temp dir, runs `fn`, always closes and removes. */
async function withRegistry (fn: (registry: StatusRegistry, dir: string) => Promise<void>, listLength?: number): Promise<void> {
  const dir = await tempDir()
  const registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength })
  try {
    await fn(registry, dir.path)
  } finally {
    await registry.close()
    await dir.remove()
  }
}

test('allocate hands out an index with a revocation and a suspension entry', async () => {
  await withRegistry(async (registry) => {
    const seen = new Set<number>()
    for (let i = 0; i < 5; i++) {
      const a = await registry.allocate()
      assert.is(a.listNumber, 0)
      assert.ok(Number.isSafeInteger(a.index) && a.index >= 0 && a.index < STATUS_LIST_LENGTH)
      assert.not.ok(seen.has(a.index))
      seen.add(a.index)
      const rev = `urn:cofl:status:${ISSUER}:revocation:0`
      const sus = `urn:cofl:status:${ISSUER}:suspension:0`
      assert.equal(a.entries, [
        { id: `${rev}#${a.index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(a.index), statusListCredential: rev },
        { id: `${sus}#${a.index}`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: String(a.index), statusListCredential: sus }
      ])
    }
    assert.equal(registry.cursor(), { listNumber: 0, allocated: 5 })
    assert.is(registry.listLength, STATUS_LIST_LENGTH)
  })
})

test('1,000 allocations: no duplicates, not in increasing order, spread over the whole list', async () => {
  await withRegistry(async (registry) => {
    const indexes: number[] = []
    for (let i = 0; i < 1000; i++) indexes.push((await registry.allocate()).index)
    assert.is(new Set(indexes).size, 1000, 'an index was handed out twice')
    assert.ok(indexes.some((index, i) => i > 0 && index < (indexes[i - 1] as number)), 'indexes rise with issuance')
    // Uniform over 131,072: the largest of 1,000 is below half the list with probability 2^-1000.
    assert.ok(Math.max(...indexes) > STATUS_LIST_LENGTH / 2, `max index ${Math.max(...indexes)}`)
    assert.ok(Math.min(...indexes) < STATUS_LIST_LENGTH / 2, `min index ${Math.min(...indexes)}`)
    // The index is not the count: fewer than 1 in 1,000 of them are below 1,000 on average.
    assert.ok(indexes.filter((index) => index < 1000).length < 50)
    assert.equal(registry.cursor(), { listNumber: 0, allocated: 1000 })
  })
})

test('the index says nothing of the number issued before: 50 indexes are neither sorted nor 0..49', async () => {
  await withRegistry(async (registry) => {
    const indexes: number[] = []
    for (let i = 0; i < 50; i++) indexes.push((await registry.allocate()).index)
    // Sorted by chance: 1 in 50! (about 3e-65); equal to 0..49 by chance: less still.
    assert.not.equal(indexes, [...indexes].sort((x, y) => x - y))
    assert.not.equal([...indexes].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i))
  })
})

test('concurrent allocate() calls get distinct indexes; a list takes 7/8 of its length, then the next one opens', async () => {
  await withRegistry(async (registry) => {
    assert.is(fillLimit(16), 14)
    const all = await Promise.all(Array.from({ length: 40 }, async () => await registry.allocate()))
    const keys = all.map((a) => `${a.listNumber}:${a.index}`)
    assert.is(new Set(keys).size, 40)
    assert.equal(all.map((a) => a.listNumber).sort((x, y) => x - y), [...Array(14).fill(0), ...Array(14).fill(1), ...Array(12).fill(2)])
    for (const a of all) assert.ok(a.index >= 0 && a.index < 16)
    assert.equal(registry.cursor(), { listNumber: 2, allocated: 12 })
  }, 16)
})

test('reopening keeps every allocation and never hands one out again', async () => {
  const dir = await tempDir()
  try {
    let registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 64 })
    const before: number[] = []
    for (let i = 0; i < 20; i++) before.push((await registry.allocate()).index)
    await registry.close()
    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 64 })
    assert.equal(registry.cursor(), { listNumber: 0, allocated: 20 })
    for (const index of before) assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 0, index }), false)
    const after: number[] = []
    for (let i = 0; i < 36; i++) after.push((await registry.allocate()).index)
    assert.equal(registry.cursor(), { listNumber: 0, allocated: 56 })
    assert.is(new Set([...before, ...after]).size, 56, 'an index was handed out twice across the reopening')
    assert.is((await registry.allocate()).listNumber, 1)
    await registry.close()
  } finally {
    await dir.remove()
  }
})

test('a full list continues with the next list number (listLength 16, for tests)', async () => {
  await withRegistry(async (registry) => {
    const got: Array<{ listNumber: number, index: number }> = []
    for (let i = 0; i < 35; i++) {
      const a = await registry.allocate()
      got.push(a)
      assert.is(a.entries[0]?.statusListCredential, `urn:cofl:status:${ISSUER}:revocation:${a.listNumber}`)
    }
    assert.equal(got.map((a) => a.listNumber), [...Array(14).fill(0), ...Array(14).fill(1), ...Array(7).fill(2)])
    for (const n of [0, 1, 2]) {
      const inList = got.filter((a) => a.listNumber === n).map((a) => a.index)
      assert.is(new Set(inList).size, inList.length)
    }
    assert.equal(registry.cursor(), { listNumber: 2, allocated: 7 })
    const first1 = got[14] as { index: number }
    // A list of a test registry is short: the strict check refuses it, the lenient one reads it.
    const list = await registry.buildListCredential('revocation', 1)
    assert.is((await decodeStatusList(list.credentialSubject.encodedList)).length, 16)
    const entry = { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(first1.index), statusListCredential: list.id }
    assert.is((await checkStatusEntry({ entry, listCredential: list })).code, 'COFL_ERR_STATUS_LIST_LENGTH')
    assert.is((await checkStatusEntry({ entry, listCredential: list, strict: false })).ok, true)
  }, 16)
})

test('listLength: below 8, not a multiple of 8, or too long is refused; a different one on reopen too', async () => {
  for (const listLength of [0, 4, 12, 2 ** 30]) {
    try {
      await openStatusRegistry({ directory: '/nonexistent/never-created', issuer: ISSUER, listLength })
      assert.unreachable(String(listLength))
    } catch (err) {
      assert.instance(err, TypeError)
      assert.match((err as Error).message, /listLength/)
    }
  }
  const dir = await tempDir()
  try {
    const registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 8 })
    await registry.close()
    await rejects(openStatusRegistry({ directory: dir.path, issuer: ISSUER }), StatusErrorCode.LIST_LENGTH_MISMATCH)
  } finally {
    await dir.remove()
  }
})

test('programmer errors: missing directory, issuer that is not a DID, bad listId', async () => {
  const dir = await tempDir()
  const directory = `${dir.path}/never-created`
  const bad: unknown[] = [
    undefined,
    { issuer: ISSUER },
    { directory, issuer: 'https://example.com' },
    { directory, issuer: ISSUER, listId: () => 'same' },
    { directory, issuer: ISSUER, listId: () => 'https://example.com/#frag' }
  ]
  for (const init of bad) {
    try {
      await openStatusRegistry(init as Parameters<typeof openStatusRegistry>[0])
      assert.unreachable(JSON.stringify(init))
    } catch (err) {
      assert.instance(err, TypeError, String(err))
    }
  }
  assert.not.ok(existsSync(directory))
  await dir.remove()
})

test('opening a directory created for another issuer: COFL_ERR_STATUS_ISSUER_MISMATCH', async () => {
  const dir = await tempDir()
  try {
    const registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    await registry.allocate()
    await registry.close()
    const err = await rejects(openStatusRegistry({ directory: dir.path, issuer: OTHER_ISSUER }), StatusErrorCode.ISSUER_MISMATCH)
    assert.match(err.message, new RegExp(ISSUER))
    // ... and the refused open released the directory.
    const again = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    await again.allocate()
    assert.equal(again.cursor(), { listNumber: 0, allocated: 2 })
    await again.close()
  } finally {
    await dir.remove()
  }
})

test('a directory that is already open: COFL_ERR_STATUS_LOCKED', async () => {
  await withRegistry(async (_registry, dir) => {
    const err = await rejects(openStatusRegistry({ directory: dir, issuer: ISSUER }), StatusErrorCode.LOCKED)
    assert.match(err.message, /in use/)
    assert.ok(err.cause !== undefined)
  })
})

test('revoke and suspend, then clear: persisted and reported', async () => {
  const dir = await tempDir()
  try {
    let registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    const other = await registry.allocate()
    const { entries, index } = await registry.allocate()
    const [revocation, suspension] = entries
    assert.ok(revocation !== undefined && suspension !== undefined)
    assert.is(await registry.getStatus(revocation), false)
    assert.equal(await registry.setStatus(revocation, true), { purpose: 'revocation', listNumber: 0, index, value: true, changed: true })
    assert.is((await registry.setStatus(revocation, true)).changed, false)
    assert.is((await registry.setStatus({ purpose: 'suspension', listNumber: 0, index }, true)).changed, true)
    await registry.close()

    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    assert.is(await registry.getStatus(revocation), true)
    assert.is(await registry.getStatus(suspension), true)
    assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 0, index: other.index }), false)
    const revList = await registry.buildListCredential('revocation', 0)
    const susList = await registry.buildListCredential('suspension', 0)
    const revoked = await checkStatusEntry({ entry: revocation, listCredential: revList })
    assert.is(revoked.code, 'COFL_ERR_STATUS_REVOKED')
    assert.is((await checkStatusEntry({ entry: suspension, listCredential: susList })).code, 'COFL_ERR_STATUS_SUSPENDED')

    assert.is((await registry.setStatus(suspension, false)).changed, true)
    assert.is(await registry.getStatus(suspension), false)
    const lifted = await checkStatusEntry({ entry: suspension, listCredential: await registry.buildListCredential('suspension', 0) })
    assert.is(lifted.ok, true, lifted.reason)
    assert.is(await registry.getStatus(revocation), true)
    await registry.close()
  } finally {
    await dir.remove()
  }
})

test('setStatus refuses what this registry never allocated', async () => {
  await withRegistry(async (registry) => {
    const { entries, index } = await registry.allocate()
    const [e] = entries
    assert.ok(e !== undefined)
    const never = (index + 1) % STATUS_LIST_LENGTH
    await rejects(registry.setStatus({ ...e, statusListIndex: String(never) }, true), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.setStatus({ purpose: 'revocation', listNumber: 0, index: (index + 7) % STATUS_LIST_LENGTH }, true), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.setStatus({ purpose: 'revocation', listNumber: 0, index: STATUS_LIST_LENGTH }, true), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.setStatus({ ...e, statusListCredential: `urn:cofl:status:${OTHER_ISSUER}:revocation:0` }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ ...e, statusListCredential: `urn:cofl:status:${ISSUER}:suspension:0` }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ purpose: 'revocation', listNumber: 1, index: 0 }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ ...e, statusPurpose: 'message' as 'revocation' }, true), StatusErrorCode.PURPOSE)
    await rejects(registry.setStatus({ ...e, statusListIndex: 'x' }, true), StatusErrorCode.ENTRY_INVALID)
    await rejects(registry.getStatus({ ...e, statusListIndex: String((index + 3) % STATUS_LIST_LENGTH) }), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.buildListCredential('revocation', 1), StatusErrorCode.UNKNOWN_LIST)
    try {
      await registry.setStatus(e, 'yes' as unknown as boolean)
      assert.unreachable()
    } catch (err) {
      assert.instance(err, TypeError)
    }
    assert.is(await registry.getStatus(e), false)
  })
})

test('list credential: shape, library-decodable, sequence rises by one and survives reopening', async () => {
  const dir = await tempDir()
  const listId = (purpose: string, n: number): string => `https://city.example/status/${purpose}/${n}`
  try {
    let registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listId })
    const { entries, index } = await registry.allocate()
    await registry.setStatus(entries[0]!, true)
    const first = await registry.buildListCredential('revocation', 0)
    assert.equal(Object.keys(first).sort(), ['@context', 'credentialSubject', 'id', 'issuer', 'sequence', 'type', 'validFrom'])
    assert.equal(first['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2'])
    assert.is(first.id, 'https://city.example/status/revocation/0')
    assert.equal(first.type, ['VerifiableCredential', 'BitstringStatusListCredential'])
    assert.is(first.issuer, ISSUER)
    assert.match(first.validFrom, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.ok(Math.abs(Date.parse(first.validFrom) - Date.now()) < 5000)
    assert.equal({ ...first.credentialSubject, encodedList: '' }, {
      id: 'https://city.example/status/revocation/0#list', type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: ''
    })
    assert.is(first.sequence, 1)
    const theirs = await decodeList({ encodedList: first.credentialSubject.encodedList })
    assert.is(theirs.length, STATUS_LIST_LENGTH)
    assert.ok(theirs.getStatus(index))
    assert.not.ok(theirs.getStatus((index + 1) % STATUS_LIST_LENGTH))

    assert.is((await registry.buildListCredential('revocation', 0)).sequence, 2)
    assert.is((await registry.buildListCredential('suspension', 0)).sequence, 1, 'each list has its own sequence')
    const concurrent = await Promise.all([1, 2, 3].map(async () => (await registry.buildListCredential('revocation', 0)).sequence))
    assert.equal(concurrent.sort(), [3, 4, 5])
    await registry.close()

    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listId })
    assert.is((await registry.buildListCredential('revocation', 0)).sequence, 6)
    assert.is((await registry.buildListCredential('suspension', 0)).sequence, 2)
    await registry.close()
  } finally {
    await dir.remove()
  }
})

test('a closed registry refuses calls with COFL_ERR_STATUS_CLOSED; close waits for pending writes', async () => {
  const dir = await tempDir()
  try {
    const registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    const pending = registry.allocate()
    await registry.close()
    const first = await pending
    assert.ok(first.index >= 0)
    await rejects(registry.allocate(), StatusErrorCode.CLOSED)
    await rejects(registry.buildListCredential('revocation', 0), StatusErrorCode.CLOSED)
    await rejects(registry.getStatus({ purpose: 'revocation', listNumber: 0, index: 0 }), StatusErrorCode.CLOSED)
    await registry.close()
    const reopened = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    assert.is(await reopened.getStatus({ purpose: 'revocation', listNumber: 0, index: first.index }), false, 'the allocation before close() was kept')
    assert.is.not((await reopened.allocate()).index, first.index)
    assert.equal(reopened.cursor(), { listNumber: 0, allocated: 2 })
    await reopened.close()
  } finally {
    await dir.remove()
  }
})

test('a registry of the sequential format 1 is migrated on open: 0..next-1 stay allocated, bits and sequences kept, nothing handed out twice', async () => {
  const dir = await tempDir()
  try {
    // Format 1 as it was written: meta, a cursor {listNumber, next}, bits and sequences, keys by hand.
    const pad = (n: number): string => String(n).padStart(10, '0')
    const old = new Level<string, unknown>(dir.path, { valueEncoding: 'json' })
    await old.open()
    await old.batch<string, unknown>([
      { type: 'put', key: 'meta', value: { format: 1, issuer: ISSUER, listLength: 16, created: '2026-01-01T00:00:00Z' } },
      { type: 'put', key: 'cursor', value: { listNumber: 1, next: 5 } },
      { type: 'put', key: `bit!revocation!${pad(0)}!${pad(3)}`, value: true },
      { type: 'put', key: `bit!suspension!${pad(1)}!${pad(4)}`, value: true },
      { type: 'put', key: `seq!revocation!${pad(0)}`, value: 7 }
    ], { sync: true })
    await old.close()

    let registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 16 })
    assert.equal(registry.cursor(), { listNumber: 1, allocated: 5 })
    // Every index the sequential registry handed out is still allocated, the others never were.
    for (let index = 0; index < 16; index++) assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 0, index }), index === 3)
    for (let index = 0; index < 5; index++) assert.is(await registry.getStatus({ purpose: 'suspension', listNumber: 1, index }), index === 4)
    await rejects(registry.getStatus({ purpose: 'suspension', listNumber: 1, index: 5 }), StatusErrorCode.NOT_ALLOCATED)
    assert.is((await registry.buildListCredential('revocation', 0)).sequence, 8)
    // Random allocation continues in list 1 among 5..15, up to its 7/8 (14), then list 2.
    const got: Array<{ listNumber: number, index: number }> = []
    for (let i = 0; i < 9; i++) got.push(await registry.allocate())
    for (const a of got) {
      assert.is(a.listNumber, 1)
      assert.ok(a.index >= 5 && a.index < 16, `index ${a.index} was allocated before the migration`)
    }
    assert.is(new Set(got.map((a) => a.index)).size, 9)
    assert.is((await registry.allocate()).listNumber, 2)
    await registry.close()

    // Format 2 on disk now; reopening reads it (not migrated again) and keeps all of it.
    const raw = new Level<string, unknown>(dir.path, { valueEncoding: 'json' })
    await raw.open()
    const meta = await raw.get('meta') as { format: number, migrated?: { from: number } }
    await raw.close()
    assert.is(meta.format, 2)
    assert.is(meta.migrated?.from, 1)
    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 16 })
    assert.equal(registry.cursor(), { listNumber: 2, allocated: 1 })
    assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 1, index: 0 }), false)
    for (const a of got) assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 1, index: a.index }), false)
    await rejects(registry.getStatus({ purpose: 'revocation', listNumber: 1, index: [...Array(16).keys()].find((i) => i >= 5 && !got.some((a) => a.index === i)) ?? 99 }), StatusErrorCode.NOT_ALLOCATED)
    await registry.close()
  } finally {
    await dir.remove()
  }
})

test('a registry of an unknown format is refused with COFL_ERR_STATUS_STORE', async () => {
  const dir = await tempDir()
  try {
    const raw = new Level<string, unknown>(dir.path, { valueEncoding: 'json' })
    await raw.open()
    await raw.put('meta', { format: 99, issuer: ISSUER, listLength: 16, created: '2026-01-01T00:00:00Z' })
    await raw.close()
    const err = await rejects(openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: 16 }), StatusErrorCode.STORE)
    assert.match(err.message, /format 99/)
  } finally {
    await dir.remove()
  }
})

test('buildListCredential: validFrom given by the caller (a node rounds it), without milliseconds; a bad one is a TypeError', async () => {
  await withRegistry(async (registry) => {
    await registry.allocate()
    assert.is((await registry.buildListCredential('revocation', 0, { validFrom: new Date('2026-12-07T22:35:00.123Z') })).validFrom, '2026-12-07T22:35:00Z')
    assert.is((await registry.buildListCredential('revocation', 0, { validFrom: '2026-12-07T22:40:00Z' })).validFrom, '2026-12-07T22:40:00Z')
    try {
      await registry.buildListCredential('revocation', 0, { validFrom: 'yesterday' })
      assert.unreachable()
    } catch (err) {
      assert.instance(err, TypeError)
    }
  })
})

test('drawing a free index: random draws, or after too many misses the k-th free one for a random k; only free ones, each of them', async () => {
  const allocated = new Uint8Array(4)
  const taken = [0, 1, 2, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]
  for (const i of taken) allocated[i >> 3] = (allocated[i >> 3] as number) | (1 << (i & 7))
  const current = { listNumber: 0, allocated, count: taken.length }
  const free = [3, 4, 6, 29, 30, 31]
  for (const draws of [0, 64]) {
    const seen = new Map<number, number>()
    for (let i = 0; i < 3000; i++) {
      const index = drawFree(current, 32, draws)
      seen.set(index, (seen.get(index) ?? 0) + 1)
    }
    assert.equal([...seen.keys()].sort((x, y) => x - y), free, `draws ${draws}: ${JSON.stringify([...seen])}`)
    // Uniform: 500 expected each (sd 20); below 300 or above 700 has a chance under 1e-20.
    for (const [index, n] of seen) assert.ok(n > 300 && n < 700, `draws ${draws}: index ${index} drawn ${n} times of 3000`)
  }
  assert.throws(() => drawFree({ listNumber: 0, allocated: new Uint8Array([255]), count: 8 }, 8, 0), /no free index/)
})

test.run()
