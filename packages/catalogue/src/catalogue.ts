/**
 * The catalogue index: an in-memory index over the achievements, pathways and opportunities of a
 * store (a node's own and those replicated from the network), kept current by putting every
 * document stored. Its parts: entries.ts (what is kept of a document), text.ts (words),
 * skills.ts (skills and spines), places.ts (the grid, distances, areas), query.ts (a search),
 * state.ts (what the index holds).
 */
import type { Store, StoredDocument } from '@cofl/store'
import { CATALOGUE_COLLECTIONS } from './constants.js'
import { search } from './query.js'
import { CatalogueState } from './state.js'
import type { CatalogueIndex, CataloguePage, CatalogueQuery, CatalogueStats, SearchOptions } from './types.js'

/** Creates an empty catalogue index. */
export function createCatalogueIndex (): CatalogueIndex {
  const state = new CatalogueState()
  return {
    put: (stored: StoredDocument): boolean => state.put(stored),
    load: async (store: Pick<Store, 'collection'>): Promise<void> => {
      for (const name of Object.values(CATALOGUE_COLLECTIONS)) {
        for await (const stored of store.collection<StoredDocument>(name).values()) state.put(stored)
      }
    },
    search: (query: CatalogueQuery, options?: SearchOptions): CataloguePage => search(state, query, options),
    stats: (): CatalogueStats => ({
      achievements: state.count('achievement'),
      pathways: state.count('pathway'),
      opportunities: state.count('opportunity'),
      spineSkills: state.spines.count,
      tokens: state.text.size,
      cells: state.postings.cells.size
    })
  }
}
