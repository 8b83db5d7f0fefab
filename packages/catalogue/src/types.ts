/**
 * The public face of the catalogue index: its queries, results, pages and the index itself.
 */
import type { Store, StoredDocument } from '@cofl/store'
import type { CatalogueType } from './constants.js'

export interface CataloguePlace {
  name?: string
  area?: string
  address?: Record<string, string>
  lat: number
  lon: number
}

export interface CatalogueQuery {
  /** Free text: every word must match (the last also as a prefix). */
  q?: string
  /** A spine skill id, an alignment's targetUrl or targetCode. */
  skill?: string
  /** Sort by distance from this point; with `km`, only what lies within `km` of it. */
  near?: { lat: number, lon: number, km?: number }
  /** `place.area`, exact but for case and accents. */
  area?: string
  /** Only these types (all when absent or empty). */
  type?: readonly CatalogueType[]
  /** Only documents of this issuer (DID). */
  issuer?: string
  /** Also documents of issuers this node does not trust (SearchOptions.trusted); default false. */
  untrusted?: boolean
  /** 1 to MAX_CATALOGUE_LIMIT; default DEFAULT_CATALOGUE_LIMIT. */
  limit?: number
  /** The `next` of the previous page. */
  cursor?: string
}

export interface CatalogueSkill {
  /** The spine skill id, else the alignment's targetUrl, else `framework:code`, else its name. */
  id: string
  name?: string
}

export interface CatalogueResult {
  type: CatalogueType
  id: string
  name: string
  /** The start of the description. */
  description?: string
  issuer: string
  place?: CataloguePlace
  /** From the query's point (km, to the metre); for a pathway, to its nearest achievement. */
  distanceKm?: number
  skills: CatalogueSkill[]
  /** Pathway: destination | interest; opportunity: interview, apprenticeship, internship, course. */
  kind?: string
  /** Pathway: the fewest achievements that complete it (interest: its suggested achievements). */
  requiredCount?: number
  achievementType?: string
  /** An achievement's image, by its file name `<sha256 hex>.<png|svg>`: GET /api/images/<file> on any node that holds it. */
  image?: string
  tags?: string[]
  /** Opportunity dates (ISO 8601). */
  startDate?: string
  endDate?: string
  applyBy?: string
}

export interface CataloguePage {
  results: CatalogueResult[]
  /** How many documents match the query (all pages). */
  total: number
  /** The cursor of the next page, null after the last one. */
  next: string | null
}

export interface CatalogueStats {
  achievements: number
  pathways: number
  opportunities: number
  spineSkills: number
  /** Distinct tokens of the text index. */
  tokens: number
  /** Grid cells holding at least one place. */
  cells: number
}

/** What a search may see beside its query. */
export interface SearchOptions {
  /** The issuers this node trusts (its trust graph): only their documents are found, unless the query says `untrusted`. */
  trusted?: ReadonlySet<string>
}

export interface CatalogueIndex {
  /**
   * Adds a stored document (achievement, pathway, opportunity; a skills spine for skill names and
   * codes), or replaces the version held when this one's sequence is higher. Other kinds and
   * older versions are ignored. Returns whether the index changed.
   */
  put: (stored: StoredDocument) => boolean
  /** Puts every achievement, pathway, opportunity and spine of the store (CATALOGUE_COLLECTIONS). */
  load: (store: Pick<Store, 'collection'>) => Promise<void>
  /**
   * A page of results. An invalid cursor is a CatalogueError (COFL_ERR_INPUT); a bad limit a TypeError.
   * With `options.trusted`, only those issuers' documents, unless the query asks for `untrusted`.
   */
  search: (query: CatalogueQuery, options?: SearchOptions) => CataloguePage
  stats: () => CatalogueStats
}
