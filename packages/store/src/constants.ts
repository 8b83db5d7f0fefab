/**
 * Named constants of @cofl/store.
 */

/**
 * The schema version this code writes and reads. A store records its version in `meta` under
 * SCHEMA_VERSION_KEY; opening runs the migrations from the recorded version up to this one, and
 * refuses a store whose version is newer (COFL_ERR_STORE_VERSION).
 */
export const SCHEMA_VERSION = 2

/** The `meta` key under which a store records its schema version (a positive integer). */
export const SCHEMA_VERSION_KEY = 'schema-version'

/**
 * The collections of a store and the names of their level sublevels (on disk: `!<name>!<key>`).
 * Renaming one is a schema change and needs a migration.
 */
export const COLLECTION_NAMES = {
  achievements: 'achievements',
  profiles: 'profiles',
  endorsements: 'endorsements',
  statusLists: 'status-lists',
  spines: 'spines',
  pathways: 'pathways',
  opportunities: 'opportunities',
  aggregates: 'aggregates',
  issuance: 'issuance',
  issuanceBySubject: 'issuance-by-subject',
  peers: 'peers',
  offers: 'offers',
  oauth: 'oauth',
  held: 'held',
  meta: 'meta'
} as const

export type CollectionName = keyof typeof COLLECTION_NAMES
