/**
 * The catalogue this node holds, searchable (GET /api/catalogue, node/src/http/catalogue.ts):
 * @cofl/catalogue's index over its own achievements, pathways and opportunities and those
 * replicated from the network. Built with the node (app/city.ts), it follows every document the
 * node stores from then on, and reads the store once, starting then, in the background (a search
 * waits for it; if reading fails, the next search reads again).
 */
import { CATALOGUE_COLLECTIONS, createCatalogueIndex } from '@cofl/catalogue'
import type { CatalogueIndex, CataloguePage, CatalogueQuery } from '@cofl/catalogue'
import type { CityService } from './service.js'

export interface Catalogue {
  /** The page of entries a query finds, of the issuers this node trusts (unless the query asks for untrusted ones too). */
  search: (query: CatalogueQuery) => Promise<CataloguePage>
}

export function createCatalogue (service: CityService): Catalogue {
  let index: CatalogueIndex = createCatalogueIndex()
  // From now on every document stored goes to the index, and the store is read in the background
  // (a version older than one the index has is ignored, so the order does not matter).
  service.onDocument((stored) => { index.put(stored) })
  // A withdrawn document leaves the catalogue: the index is built again from the store (which no
  // longer holds it). Withdrawals are rare; the index has no removal. Only for a kind it reads.
  service.onWithdrawn((stored) => {
    if (!Object.hasOwn(CATALOGUE_COLLECTIONS, stored.kind)) return
    index = createCatalogueIndex()
    loading = load()
  })
  let loading: Promise<void> | undefined
  const load = (): Promise<void> => {
    const run = index.load(service.store)
    // Handled here (a node that stops while reading closes the store under it); a search that
    // awaits a failed reading gets its error, and the next one reads again.
    run.catch(() => { if (loading === run) loading = undefined })
    return run
  }
  loading = load()
  const ready = async (): Promise<void> => { await (loading ??= load()) }
  return {
    async search (query) {
      await ready()
      // Only what the issuers this node trusts published, unless asked for (docs/api.md).
      const trusted = await service.trustedIssuers()
      return index.search(query, trusted != null ? { trusted } : {})
    }
  }
}
