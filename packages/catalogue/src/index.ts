/**
 * @packageDocumentation
 *
 * @cofl/catalogue: the catalogue search of a city node. An in-memory index over the achievements,
 * pathways and opportunities a node holds (its own and those replicated from the network), kept
 * current by putting every document the node stores: words (folded, every word, the last one a
 * prefix), skills (alignments, skills spines, pathways and opportunities through what they ask
 * for), places (a grid of cells, radius queries, areas), issuers and types, the trusted issuers'
 * documents only unless a query asks for all; pages in a stable order with a cursor. No I/O but
 * reading a store on `load`.
 *
 * @example
 * ```ts
 * import { createCatalogueIndex } from '@cofl/catalogue'
 *
 * const catalogue = createCatalogueIndex()
 * service.onDocument((stored) => catalogue.put(stored))
 * await catalogue.load(service.store)
 * const page = catalogue.search({ q: 'coding brist', near: { lat: 51.45, lon: -2.59, km: 10 } }, { trusted: new Set([cityDid]) })
 * // page.results[0].distanceKm, page.total, page.next (the cursor of the next page, or null)
 * ```
 */
export {
  CATALOGUE_COLLECTIONS, CATALOGUE_TYPES, DEFAULT_CATALOGUE_LIMIT, MAX_CATALOGUE_LIMIT, CATALOGUE_EXCERPT_CHARS, MAX_RESULT_SKILLS,
  MAX_INDEXED_FIELD_CHARS, GRID_DEGREES, MAX_RADIUS_KM
} from './constants.js'
export type { CatalogueType } from './constants.js'
export { CatalogueError, CatalogueErrorCode } from './errors.js'
export type {
  CataloguePlace, CatalogueQuery, CatalogueSkill, CatalogueResult, CataloguePage, CatalogueStats, SearchOptions,
  CatalogueIndex
} from './types.js'
export { createCatalogueIndex } from './catalogue.js'
export { foldText, tokenize } from './text.js'
