import { existsSync } from 'node:fs'
import { tempDir } from '@cofl/test-support'
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkStatusEntry, decodeStatusList, openStatusRegistry, STATUS_LIST_LENGTH, StatusError, StatusErrorCode
} from '../src/index.js'
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

test('allocate hands out sequential indexes with a revocation and a suspension entry', async () => {
  await withRegistry(async (registry) => {
    for (let i = 0; i < 5; i++) {
      const a = await registry.allocate()
      assert.is(a.listNumber, 0)
      assert.is(a.index, i)
      const rev = `urn:cofl:status:${ISSUER}:revocation:0`
      const sus = `urn:cofl:status:${ISSUER}:suspension:0`
      assert.equal(a.entries, [
        { id: `${rev}#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(i), statusListCredential: rev },
        { id: `${sus}#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: String(i), statusListCredential: sus }
      ])
    }
    assert.equal(registry.cursor(), { listNumber: 0, allocated: 5 })
    assert.is(registry.listLength, STATUS_LIST_LENGTH)
  })
})

test('concurrent allocate() calls get distinct, gapless indexes', async () => {
  await withRegistry(async (registry) => {
    const all = await Promise.all(Array.from({ length: 40 }, async () => await registry.allocate()))
    const keys = all.map((a) => `${a.listNumber}:${a.index}`)
    assert.is(new Set(keys).size, 40)
    assert.equal(all.map((a) => a.listNumber * 16 + a.index).sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i))
  }, 16)
})

test('reopening continues after the last allocated index', async () => {
  const dir = await tempDir()
  try {
    let registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    for (let i = 0; i < 3; i++) await registry.allocate()
    await registry.close()
    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    assert.is((await registry.allocate()).index, 3)
    await registry.close()
  } finally {
    await dir.remove()
  }
})

test('a full list continues with the next list number (listLength 16, for tests)', async () => {
  await withRegistry(async (registry) => {
    const got: string[] = []
    for (let i = 0; i < 35; i++) {
      const a = await registry.allocate()
      got.push(`${a.listNumber}:${a.index}`)
      assert.is(a.entries[0]?.statusListCredential, `urn:cofl:status:${ISSUER}:revocation:${a.listNumber}`)
    }
    assert.is(got[15], '0:15')
    assert.is(got[16], '1:0')
    assert.is(got[34], '2:2')
    assert.equal(registry.cursor(), { listNumber: 2, allocated: 3 })
    // A list of a test registry is short: the strict check refuses it, the lenient one reads it.
    const list = await registry.buildListCredential('revocation', 1)
    assert.is((await decodeStatusList(list.credentialSubject.encodedList)).length, 16)
    const entry = { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '0', statusListCredential: list.id }
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
    assert.is((await again.allocate()).index, 1)
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
    await registry.allocate()
    const { entries } = await registry.allocate()
    const [revocation, suspension] = entries
    assert.ok(revocation !== undefined && suspension !== undefined)
    assert.is(await registry.getStatus(revocation), false)
    assert.equal(await registry.setStatus(revocation, true), { purpose: 'revocation', listNumber: 0, index: 1, value: true, changed: true })
    assert.is((await registry.setStatus(revocation, true)).changed, false)
    assert.is((await registry.setStatus({ purpose: 'suspension', listNumber: 0, index: 1 }, true)).changed, true)
    await registry.close()

    registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    assert.is(await registry.getStatus(revocation), true)
    assert.is(await registry.getStatus(suspension), true)
    assert.is(await registry.getStatus({ purpose: 'revocation', listNumber: 0, index: 0 }), false)
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
    const { entries } = await registry.allocate()
    const [e] = entries
    assert.ok(e !== undefined)
    await rejects(registry.setStatus({ ...e, statusListIndex: '1' }, true), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.setStatus({ purpose: 'revocation', listNumber: 0, index: 7 }, true), StatusErrorCode.NOT_ALLOCATED)
    await rejects(registry.setStatus({ ...e, statusListCredential: `urn:cofl:status:${OTHER_ISSUER}:revocation:0` }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ ...e, statusListCredential: `urn:cofl:status:${ISSUER}:suspension:0` }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ purpose: 'revocation', listNumber: 1, index: 0 }, true), StatusErrorCode.UNKNOWN_LIST)
    await rejects(registry.setStatus({ ...e, statusPurpose: 'message' as 'revocation' }, true), StatusErrorCode.PURPOSE)
    await rejects(registry.setStatus({ ...e, statusListIndex: 'x' }, true), StatusErrorCode.ENTRY_INVALID)
    await rejects(registry.getStatus({ ...e, statusListIndex: '3' }), StatusErrorCode.NOT_ALLOCATED)
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
    const { entries } = await registry.allocate()
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
    assert.ok(theirs.getStatus(0))
    assert.not.ok(theirs.getStatus(1))

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
    assert.is((await pending).index, 0)
    await rejects(registry.allocate(), StatusErrorCode.CLOSED)
    await rejects(registry.buildListCredential('revocation', 0), StatusErrorCode.CLOSED)
    await rejects(registry.getStatus({ purpose: 'revocation', listNumber: 0, index: 0 }), StatusErrorCode.CLOSED)
    await registry.close()
    const reopened = await openStatusRegistry({ directory: dir.path, issuer: ISSUER })
    assert.is((await reopened.allocate()).index, 1)
    await reopened.close()
  } finally {
    await dir.remove()
  }
})

test.run()
