// The node's issuance log and its index by subject (node/src/app/issuance-log.ts): written
// together, read by subject, on the memory store and on level; and its schema's migration to
// version 2, which indexes the records of a store written before the index.
import { createMemoryStore, openLevelStore, SCHEMA_VERSION_KEY } from '@cofl/store'
import type { IssuanceRecord, Store } from '@cofl/store'
import { tempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CITY_STORE_SCHEMAS } from '../src/app/collections.js'
import {
  ISSUANCE_BY_SUBJECT_COLLECTION, ISSUANCE_COLLECTION, issuanceOf, issuanceSchema, issuanceSubjectKey, putIssuance
} from '../src/app/issuance-log.js'

const ALICE = 'did:key:z6MkAlice'

/** An issuance record (what service.issueMany writes), with a small credential. */
function issuance (credentialId: string, subject: string, achievementId: string): IssuanceRecord {
  return {
    credentialId,
    achievementId,
    subject,
    issuedAt: '2026-11-01T10:00:00Z',
    credential: { id: credentialId, credentialSubject: { id: subject, achievement: { id: achievementId } } }
  }
}

async function collect<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

async function logAndIndex (store: Store): Promise<void> {
  // A subject that is another's followed by NUL and more must not see the other's records.
  const crafted = `${ALICE}\u0000urn:uuid:2`
  const records = [
    issuance('urn:uuid:3', ALICE, 'https://city.example/a/1'),
    issuance('urn:uuid:1', ALICE, 'https://city.example/a/2'),
    issuance('urn:uuid:2', 'did:key:z6MkBob', 'https://city.example/a/1'),
    issuance('urn:uuid:4', crafted, 'https://city.example/a/3')
  ]
  const batch = store.batch()
  for (const record of records) putIssuance(batch, store, record)
  await batch.write()
  assert.is(await store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).count(), 4)
  assert.is(await store.collection<string>(ISSUANCE_BY_SUBJECT_COLLECTION).get(issuanceSubjectKey(ALICE, 'urn:uuid:3')), 'urn:uuid:3')
  const ids = async (subject: string): Promise<string[]> => (await collect(issuanceOf(store, subject))).map((r) => r.credentialId)
  assert.equal(await ids(ALICE), ['urn:uuid:1', 'urn:uuid:3'], "alice's records, in credential id order")
  assert.equal(await ids('did:key:z6MkBob'), ['urn:uuid:2'])
  assert.equal(await ids(crafted), ['urn:uuid:4'])
  // A source that wraps `collection` (a spy over the log) is read through it.
  const read: string[] = []
  const spied = { collection: <T>(name: string) => { read.push(name); return store.collection<T>(name) } }
  assert.equal((await collect(issuanceOf(spied, ALICE))).map((r) => r.credentialId), ['urn:uuid:1', 'urn:uuid:3'])
  assert.ok(read.includes(ISSUANCE_COLLECTION) && read.includes(ISSUANCE_BY_SUBJECT_COLLECTION))
  assert.equal(await ids('did:key:z6Mk'), [], 'a prefix of a subject is another subject')
  assert.equal(await ids('did:key:z6MkNobody'), [])
  // A status change rewrites the record in place: the index still finds it, with the change.
  await store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).put('urn:uuid:1', { ...(records[1] as IssuanceRecord), revoked: true })
  assert.equal((await collect(issuanceOf(store, ALICE))).map((r) => r.revoked === true), [true, false])
  // A failed batch writes neither the record nor its index entry.
  const failing = putIssuance(store.batch(), store, issuance('urn:uuid:5', ALICE, 'https://city.example/a/4'))
    .put(store.collection('meta'), 'bad', 10n as unknown as number)
  try {
    await failing.write()
    assert.unreachable('a batch with a value JSON cannot hold was written')
  } catch (err) {
    assert.instance(err, TypeError)
  }
  assert.is(await store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).has('urn:uuid:5'), false)
  assert.is(await store.collection<string>(ISSUANCE_BY_SUBJECT_COLLECTION).count(), 4)
}

test('the issuance log and its index by subject: written together, read by subject (memory store)', async () => {
  const store = createMemoryStore({ schemas: CITY_STORE_SCHEMAS })
  try {
    assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), issuanceSchema.version, 'the log\'s version, under the store\'s older key')
    await logAndIndex(store)
  } finally {
    await store.close()
  }
})

test('the issuance log and its index by subject (level store)', async () => {
  const dir = await tempDir()
  try {
    const store = await openLevelStore({ directory: dir.path, schemas: CITY_STORE_SCHEMAS })
    try {
      await logAndIndex(store)
    } finally {
      await store.close()
    }
  } finally {
    await dir.remove()
  }
})

test('schema version 2: a version-1 store gets its issuance log indexed by subject on open', async () => {
  const dir = await tempDir()
  try {
    // A store as the code of schema version 1 left it: issuance records, no index.
    const v1 = await openLevelStore({ directory: dir.path, schemas: [{ owner: issuanceSchema.owner, version: 1, migrations: [] }] })
    const subjects = [ALICE, 'did:key:z6MkBob', `${ALICE}\u0000x`]
    const id = (i: number): string => `urn:uuid:${String(i).padStart(2, '0')}`
    for (let i = 0; i < 30; i++) await v1.collection<IssuanceRecord>(ISSUANCE_COLLECTION).put(id(i), issuance(id(i), subjects[i % 3] as string, 'https://city.example/a/1'))
    assert.is(await v1.collection(ISSUANCE_BY_SUBJECT_COLLECTION).count(), 0)
    await v1.close()

    const store = await openLevelStore({ directory: dir.path, schemas: CITY_STORE_SCHEMAS })
    try {
      assert.is(await store.collection('meta').get(SCHEMA_VERSION_KEY), 2)
      assert.is(await store.collection(ISSUANCE_BY_SUBJECT_COLLECTION).count(), 30)
      for (const [s, subject] of subjects.entries()) {
        const expected = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 === s).map(id)
        assert.equal((await collect(issuanceOf(store, subject))).map((r) => r.credentialId), expected, subject)
      }
      assert.is(await store.collection(ISSUANCE_COLLECTION).count(), 30, 'the log itself is unchanged')
    } finally {
      await store.close()
    }
  } finally {
    await dir.remove()
  }
})

test.run()
