/**
 * The named defaults and limits of the catalogue index.
 */
import { EARTH_RADIUS_KM, MAX_LIST_LENGTH } from '@cofl/pathways'

/** What the catalogue holds, in the order of ties. */
export const CATALOGUE_TYPES = ['achievement', 'pathway', 'opportunity'] as const
export type CatalogueType = typeof CATALOGUE_TYPES[number]

/**
 * The store collections the index loads (`load(store)`), in load order: spines first, for the
 * skill names. @cofl/federation owns them (its KIND_COLLECTION_NAMES, which these must equal: the
 * catalogue does not depend on the federation); the catalogue only reads them.
 */
export const CATALOGUE_COLLECTIONS = {
  spine: 'spines',
  achievement: 'achievements',
  pathway: 'pathways',
  opportunity: 'opportunities'
} as const

/** Results per page when a query does not say. */
export const DEFAULT_CATALOGUE_LIMIT = 20

/** The most results of one page. */
export const MAX_CATALOGUE_LIMIT = 100

/** Characters of a description shown in a result (more ends with '…'). */
export const CATALOGUE_EXCERPT_CHARS = 200

/** The most skills listed in one result. */
export const MAX_RESULT_SKILLS = 20

/** Characters of one text field that are indexed (a description longer than this is cut). */
export const MAX_INDEXED_FIELD_CHARS = 5000

/** Side of a cell of the place grid, in degrees of latitude and longitude (0.1° ≈ 11 km × 7 km in the UK). */
export const GRID_DEGREES = 0.1

/** The largest search radius (km): half the Earth's circumference (20,016 km), i.e. everywhere. */
export const MAX_RADIUS_KM = Math.ceil(Math.PI * EARTH_RADIUS_KM)

/** The most achievement ids, skills or tags read from one list of a document (as @cofl/pathways validates them). */
export const MAX_REFS = MAX_LIST_LENGTH

/** Dropped from queries (not from the index): "health and safety" finds "Health & Safety". */
export const STOP_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with'])

/** Dropped entries (replaced versions) beyond which, when they also outnumber the live ones, the posting lists are compacted. */
export const COMPACT_AFTER_DROPPED = 1000
