// The node's record of what its aggregates published (node/src/http/analytics.ts, the store's
// 'aggregate-history' collection): a period is kept before it is published, later versions show
// it as kept (a late claim or revocation of a published month changes nothing), and the revoked
// total that the node's public revocation lists show is not hidden from its own analytics.
import { createMemoryStore } from '@cofl/store'
import type { IssuanceRecord, Store, StoredDocument } from '@cofl/store'
import { encodeStatusList } from '@cofl/status'
import { federationSchema, kindCollection } from '@cofl/federation'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { AGGREGATE_HISTORY_COLLECTION, OFFERS_COLLECTION } from '../src/app/collections.js'
import { issuanceSchema, putIssuance } from '../src/app/issuance-log.js'
import { aggregateHistory, nextNodeAggregate, nodeAnalytics, publicRevokedCount } from '../src/http/analytics.js'

const DID = 'did:web:history.example.org'
const A = 'https://history.example.org/achievements/a'
const B = 'https://history.example.org/achievements/b'
const S = { value: null, suppressed: true }
const v = (value: number): { value: number, suppressed: boolean } => ({ value, suppressed: false })

const open = (): Store => createMemoryStore({ schemas: [issuanceSchema, federationSchema] })
async function issue (store: Store, n: number, month: string, from: number, revoked = 0, achievementId = A): Promise<void> {
  let batch = store.batch()
  for (let i = 0; i < n; i++) {
    const record: IssuanceRecord = {
      credentialId: `urn:uuid:history-${month}-${from + i}`,
      achievementId,
      subject: `did:key:z6MkHistoryLearner${from + i}`,
      issuedAt: `${month}-10T12:00:00.000Z`,
      ...(i < revoked ? { revoked: true } : {}),
      credential: {}
    }
    batch = putIssuance(batch, store, record)
  }
  await batch.write()
}

test('a period is kept before it is published, and every later version shows it as kept', async () => {
  const store = open()
  await issue(store, 7, '2024-11', 0)
  await issue(store, 2, '2024-12', 7)
  const first = await nextNodeAggregate(store, DID, Date.parse('2024-12-05T00:00:00Z'))
  assert.equal(first.content.totals.issued, v(7))
  assert.equal(first.content.byMonth.map((m) => m.month), ['2024-11'], 'December is under way')
  assert.equal((await aggregateHistory(store)).map((p) => p.until), ['2024-11'], 'kept before it is returned for publication')
  // The node "crashed" before publishing; then offers of November are made and claimed late.
  const offers = store.collection<Record<string, unknown>>(OFFERS_COLLECTION)
  for (let i = 0; i < 6; i++) await offers.put(`offer:late-${i}`, { achievementId: A, createdAt: '2024-11-20T00:00:00Z', claimedAt: '2024-12-06T00:00:00Z' })
  const again = await nextNodeAggregate(store, DID, Date.parse('2024-12-07T00:00:00Z'))
  assert.equal(again.added, undefined)
  assert.equal(again.content.totals, first.content.totals)
  assert.equal(again.content.byMonth, first.content.byMonth)
  // January: December's 2 is hidden, and the total with it (9 - 7 would give it back); November as published.
  const second = await nextNodeAggregate(store, DID, Date.parse('2025-01-05T00:00:00Z'))
  assert.equal(second.content.byMonth.map((m) => [m.month, m.offered, m.issued]), [['2024-11', v(0), v(7)], ['2024-12', v(0), S]])
  assert.equal(second.content.totals.issued, S)
  assert.equal((await aggregateHistory(store)).map((p) => p.until), ['2024-11', '2024-12'])
  // The history holds the true values of the hidden figures: private, never a document.
  const kept = await store.collection<Record<string, any>>(AGGREGATE_HISTORY_COLLECTION).get('period:2024-12')
  assert.equal(kept?.months[0].issued, { value: 2, hidden: true })
})

test('the revoked total that the node\'s published revocation lists show is public: shown, not hidden', async () => {
  const store = open()
  await issue(store, 9, '2025-01', 0, 1)
  await issue(store, 6, '2025-01', 9, 0, B)
  const hiddenBefore = await nodeAnalytics(store, DID, Date.parse('2025-02-01T00:00:00Z'))
  assert.equal(hiddenBefore.totals.revoked, S, 'no list published: 1 is hidden')
  const list = (id: string, set: number[], purpose = 'revocation', issuer = DID): StoredDocument => ({
    kind: 'status-list', id, issuer, sequence: 1, cid: 'bafy', receivedAt: '2025-01-11T00:00:00Z',
    document: { id, issuer, credentialSubject: { type: 'BitstringStatusList', statusPurpose: purpose, encodedList: '' }, _set: set }
  })
  const lists = kindCollection(store, 'status-list')
  for (const [doc, set] of [[list('urn:cofl:status:1', [5]), [5]], [list('urn:cofl:status:2', [1, 2], 'suspension'), [1, 2]], [list('urn:cofl:status:3', [0, 1, 2], 'revocation', 'did:web:other.example.org'), [0, 1, 2]]] as const) {
    (doc.document.credentialSubject as Record<string, unknown>).encodedList = await encodeStatusList({ length: 64, set })
    delete doc.document._set
    await lists.put(doc.id, doc)
  }
  assert.is(await publicRevokedCount(store, DID), 1, 'only this node\'s revocation lists')
  const a = await nodeAnalytics(store, DID, Date.parse('2025-02-01T00:00:00Z'))
  assert.equal(a.totals.revoked, v(1), 'the lists show one bit set: hiding it protects nothing')
  // The parts of the known total: hidden, B's 0 too (1 - 0 would say which achievement it was).
  assert.equal(a.byAchievement.map((r) => [r.key, r.revoked]), [[A, S], [B, S]])
  assert.equal(a.byMonth.map((r) => r.revoked), [S])
})

test.run()
