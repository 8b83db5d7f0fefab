import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createMemoryStore } from '../src/index.js'
import { doc, storeCompliance } from './compliance.js'

storeCompliance('memory store', async () => {
  const store = createMemoryStore()
  return { store, dispose: async () => { await store.close() } }
}).run()

test('memory stores are independent of each other', async () => {
  const a = createMemoryStore()
  const b = createMemoryStore()
  await a.achievements.put('x', doc('x'))
  assert.is(await b.achievements.has('x'), false)
  await b.batch().put(b.achievements, 'y', doc('y')).write()
  assert.is(await a.achievements.has('y'), false)
  await a.close()
  assert.is(await b.achievements.has('y'), true)
  await b.close()
})

test.run()
