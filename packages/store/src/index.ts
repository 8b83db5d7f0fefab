/**
 * @packageDocumentation
 *
 * @cofl/store: a node's local index, level behind small typed stores. A store has one collection
 * per kind of record (achievements, profiles, endorsements, status lists, the private issuance
 * log and its index by subject, peers, meta); keys are any strings, values JSON. Every write is synced to disk before its
 * promise resolves, batches are atomic across collections, and the schema version in `meta` is
 * checked and migrated on open. `createMemoryStore()` behaves the same, in memory, for tests.
 *
 * @example
 * ```ts
 * import { openLevelStore } from '@cofl/store'
 *
 * const store = await openLevelStore({ directory: './data/store' })
 * await store.achievements.put(doc.id, doc)                     // durable when it resolves
 * await store.batch()
 *   .put(store.statusLists, list.id, list)
 *   .put(store.meta, 'last-sync', new Date().toISOString())
 *   .write()                                                     // both or neither
 * for await (const [id, doc] of store.achievements.entries({ prefix: 'urn:uuid:', limit: 10 })) {
 *   console.log(id, doc.issuer)
 * }
 * await store.close()
 * ```
 */
export { SCHEMA_VERSION, SCHEMA_VERSION_KEY, COLLECTION_NAMES } from './constants.js'
export { StoreError, StoreErrorCode } from './errors.js'
export type {
  Batch, Collection, CountOptions, IssuanceRecord, LevelStoreInit, PeerRecord, RangeOptions, Store, StoredDocument
} from './types.js'
export { openLevelStore } from './level.js'
export { createMemoryStore } from './memory.js'
export { issuanceOf, issuanceSubjectKey, putIssuance } from './issuance.js'
