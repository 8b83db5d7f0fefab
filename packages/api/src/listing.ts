/**
 * Reading the node's list routes, for every caller alike (the CLI, the web pages): every entry of
 * a paged listing (`ApiPage`: `{ <name>: [...], next }`, docs/api.md "Conventions"), and the
 * signed document of an entry of a public document listing.
 */
import { ApiResponseError } from './errors.js'
import type { JsonObject } from './types.js'

function isObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export interface ListAllOptions {
  /** The `limit` asked for each page. */
  pageSize: number
  /** No further page is asked for once this many entries are read. */
  max: number
}

/**
 * Every entry of the paged listing at `path` (a public list route, such as `/api/pathways`, named
 * in the error), its entries under `field`, read with `get` (the caller's client: it is given the
 * path with `?limit=` and `&cursor=`), until the last page or `options.max` entries. Entries that
 * are not JSON objects are left out. A page without the list rejects with an ApiResponseError
 * (COFL_ERR_API_RESPONSE); `get`'s own errors pass through.
 */
export async function listAll (get: (pathAndQuery: string) => Promise<unknown>, path: string, field: string, options: ListAllOptions): Promise<JsonObject[]> {
  const out: JsonObject[] = []
  let cursor: string | null = null
  do {
    const query: string = `?limit=${options.pageSize}${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = await get(`${path}${query}`)
    const entries = isObject(page) ? page[field] : undefined
    if (!Array.isArray(entries)) throw new ApiResponseError(`the node's ${path} answered without a list of ${field}`, { status: 200 })
    out.push(...entries.filter(isObject))
    cursor = isObject(page) && typeof page.next === 'string' ? page.next : null
  } while (cursor != null && out.length < options.max)
  return out
}

/**
 * The signed document of an entry of a public document listing: under `document` (GET
 * /api/pathways, /api/opportunities, ...) or under the name of its kind (GET /api/achievements:
 * `achievement`); undefined when it holds none.
 */
export function listedDocument (entry: JsonObject, kind: string): JsonObject | undefined {
  const doc = entry.document ?? entry[kind]
  return isObject(doc) ? doc : undefined
}
