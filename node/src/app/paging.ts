/**
 * One page of a listing over a store collection, as every paged route answers it:
 * `{ <items>, next }`, where `next` is the key to give as `cursor` for the page after (null at
 * the end). Keys are visited in order from the cursor (`gte`); entries the route does not show
 * are skipped without counting.
 */
export interface Page<R> {
  items: R[]
  next: string | null
}

/**
 * Reads `entries` (in key order, from the cursor) until `limit` items are kept: `view` maps an
 * entry to its item, or to undefined to leave it out. `cursorOf` turns the key of the first entry
 * left over into the cursor of the next page (default: the key itself).
 */
export async function pageOf<T, R> (
  entries: AsyncIterable<[string, T]>,
  limit: number,
  view: (value: T, key: string) => R | undefined,
  cursorOf: (key: string) => string = (key) => key
): Promise<Page<R>> {
  const items: R[] = []
  for await (const [key, value] of entries) {
    const item = view(value, key)
    if (item === undefined) continue
    if (items.length === limit) return { items, next: cursorOf(key) }
    items.push(item)
  }
  return { items, next: null }
}
