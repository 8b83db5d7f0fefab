// The records the federation owns in its store: one collection per kind, named as the store's
// former fixed collections (existing data directories open unchanged), and its schema.
import { createMemoryStore } from '@cofl/store'
import type { StoredDocument } from '@cofl/store'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFederation, FederationConfigError, federationSchema, KIND_COLLECTION_NAMES, KINDS, kindCollection } from '../src/index.js'
import { generateKeyPair } from './helpers.js'

test('each kind\'s collection keeps the name of the store\'s former collection for it', () => {
  const former = { achievement: 'achievements', profile: 'profiles', endorsement: 'endorsements', 'status-list': 'status-lists', spine: 'spines', pathway: 'pathways', opportunity: 'opportunities', aggregate: 'aggregates', withdrawal: 'withdrawals' /* new: no former collection */, image: 'images' /* new */ }
  for (const kind of KINDS) {
    assert.is(KIND_COLLECTION_NAMES[kind], former[kind], kind)
  }
})

test('federationSchema: recorded per owner; what the store holds under the former properties is read by name', async () => {
  const store = createMemoryStore({ schemas: [federationSchema] })
  assert.is(await store.collection('meta').get('schema-version:federation'), federationSchema.version)
  const list: StoredDocument = {
    kind: 'status-list', id: 'https://city.example/status/1', issuer: 'did:key:z6Mk', sequence: 1, cid: 'b', document: { id: 'https://city.example/status/1' }, receivedAt: '2026-01-01T00:00:00Z'
  }
  await kindCollection(store, 'status-list').put(list.id, list) // as the node writes it
  const federation = await createFederation({ key: await generateKeyPair(), store, start: false })
  try {
    assert.equal(await federation.getStatusList(list.id), list.document)
  } finally {
    await federation.stop()
    await store.close()
  }
})

test('a store without collection(name) is refused', async () => {
  for (const store of [{}, { achievements: {}, statusLists: {} }, null]) {
    try {
      await createFederation({ key: await generateKeyPair(), store: store as never, start: false })
      assert.unreachable()
    } catch (err) {
      assert.instance(err, FederationConfigError)
    }
  }
})

test.run()
