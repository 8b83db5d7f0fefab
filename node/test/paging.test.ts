// pageOf: one page of a store listing, as the paged routes answer it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pageOf } from '../src/app/paging.js'

async function * entries (keys: string[]): AsyncGenerator<[string, number]> {
  for (const [i, key] of keys.entries()) yield [key, i]
}

test('at most `limit` items; `next` is the key of the first entry that would be shown next', async () => {
  assert.equal(await pageOf(entries(['a', 'b', 'c', 'd']), 2, (v) => v), { items: [0, 1], next: 'c' })
  assert.equal(await pageOf(entries(['a', 'b']), 2, (v) => v), { items: [0, 1], next: null }, 'exactly full: no next page')
  assert.equal(await pageOf(entries([]), 5, (v) => v), { items: [], next: null })
})

test('entries left out do not count, and are never the cursor', async () => {
  const odd = (v: number): number | undefined => v % 2 === 1 ? v * 10 : undefined
  assert.equal(await pageOf(entries(['a', 'b', 'c', 'd', 'e', 'f']), 2, odd), { items: [10, 30], next: 'f' })
  assert.equal(await pageOf(entries(['a', 'b', 'c', 'd', 'e']), 2, odd), { items: [10, 30], next: null }, 'only left-out entries after the page')
})

test('cursorOf maps the key to the cursor (a prefixed key to the id)', async () => {
  assert.equal(await pageOf(entries(['offer:1', 'offer:2']), 1, (v) => v, (key) => key.slice('offer:'.length)), { items: [0], next: '2' })
})

test.run()
