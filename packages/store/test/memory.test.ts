import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createMemoryStore } from '../src/index.js'
import { doc, storeCompliance } from './compliance.js'
import type { StoredDocument } from '../src/index.js'

storeCompliance('memory store', async (init) => {
  const store = createMemoryStore(init)
  return { store, dispose: async () => { await store.close() } }
}).run()

test('memory stores are independent of each other', async () => {
  const a = createMemoryStore()
  const b = createMemoryStore()
  await a.collection<StoredDocument>('achievements').put('x', doc('x'))
  assert.is(await b.collection<StoredDocument>('achievements').has('x'), false)
  await b.batch().put(b.collection<StoredDocument>('achievements'), 'y', doc('y')).write()
  assert.is(await a.collection<StoredDocument>('achievements').has('y'), false)
  await a.close()
  assert.is(await b.collection<StoredDocument>('achievements').has('y'), true)
  await b.close()
})

test.run()
