// Reading list routes: every page of a listing through the caller's `get`, up to a maximum; a page
// without its list refused with COFL_ERR_API_RESPONSE; the document of a listed entry.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ApiResponseError, listAll, listedDocument } from '../src/index.js'

/** A listing of `total` entries `{ n }` in pages of the `limit` asked, recording the paths asked. */
function pages (total: number): { asked: string[], get: (path: string) => Promise<unknown> } {
  const asked: string[] = []
  return {
    asked,
    get: async (path) => {
      asked.push(path)
      const url = new URL(path, 'http://node.test')
      const limit = Number(url.searchParams.get('limit'))
      const from = Number(url.searchParams.get('cursor') ?? '0')
      const entries = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, i) => ({ n: from + i }))
      return { things: [...entries, 'not an object', null], next: from + limit < total ? String(from + limit) : null }
    }
  }
}

test('listAll reads every page, in order, through the caller\'s get; entries that are not objects are left out', async () => {
  const { asked, get } = pages(7)
  const all = await listAll(get, '/api/things', 'things', { pageSize: 3, max: 100 })
  assert.equal(all.map((e) => e.n), [0, 1, 2, 3, 4, 5, 6])
  assert.equal(asked, ['/api/things?limit=3', '/api/things?limit=3&cursor=3', '/api/things?limit=3&cursor=6'])
})

test('listAll asks for no further page once it has max entries', async () => {
  const { asked, get } = pages(50)
  const all = await listAll(get, '/api/things', 'things', { pageSize: 10, max: 15 })
  assert.is(all.length, 20)
  assert.is(asked.length, 2)
})

test('listAll: a page without its list is an ApiResponseError naming the route; get\'s errors pass through', async () => {
  try {
    await listAll(async () => ({ other: [] }), '/api/things', 'things', { pageSize: 10, max: 10 })
    assert.unreachable('did not reject')
  } catch (err) {
    assert.instance(err, ApiResponseError)
    assert.is((err as ApiResponseError).code, 'COFL_ERR_API_RESPONSE')
    assert.match((err as Error).message, 'the node\'s /api/things answered without a list of things')
  }
  const failure = new Error('down')
  try {
    await listAll(async () => { throw failure }, '/api/things', 'things', { pageSize: 10, max: 10 })
    assert.unreachable('did not reject')
  } catch (err) {
    assert.is(err, failure)
  }
})

test('listedDocument: under `document`, else under the name of its kind; undefined when there is none', () => {
  assert.equal(listedDocument({ id: 'p', document: { id: 'p', name: 'P' } }, 'pathway'), { id: 'p', name: 'P' })
  assert.equal(listedDocument({ id: 'a', achievement: { id: 'a' } }, 'achievement'), { id: 'a' })
  assert.is(listedDocument({ id: 'a', achievement: 'text' }, 'achievement'), undefined)
  assert.is(listedDocument({ id: 'a', document: [1] }, 'pathway'), undefined)
})

test.run()
