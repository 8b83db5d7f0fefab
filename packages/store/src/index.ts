/**
 * @packageDocumentation
 *
 * @cofl/store: a node's local index, level behind collections of records. A collection is named
 * by the package that owns its records (`store.collection<T>('status-lists')`); keys are any
 * strings, values JSON. Every write is synced to disk before its promise resolves, batches are
 * atomic across collections, and each owning package's schema version is recorded in `meta`,
 * checked and migrated on open (`schemas`). `createMemoryStore()` behaves the same, in memory,
 * for tests.
 *
 * @example
 * ```ts
 * import { openLevelStore } from '@cofl/store'
 *
 * const store = await openLevelStore({ directory: './data/store', schemas: [federationSchema, mySchema] })
 * const achievements = store.collection<StoredDocument>('achievements')
 * await achievements.put(doc.id, doc)                               // durable when it resolves
 * await store.batch()
 *   .put(store.collection('status-lists'), list.id, list)
 *   .put(store.collection('meta'), 'last-sync', new Date().toISOString())
 *   .write()                                                          // both or neither
 * for await (const [id, doc] of achievements.entries({ prefix: 'urn:uuid:', limit: 10 })) {
 *   console.log(id, doc.issuer)
 * }
 * await store.close()
 * ```
 */
export {
  COLLECTION_NAME_PATTERN, LEGACY_SCHEMA_OWNER, META_COLLECTION, SCHEMA_VERSION_KEY, SCHEMA_VERSION_KEY_PREFIX
} from './constants.js'
export { StoreError, StoreErrorCode } from './errors.js'
export type {
  Batch, Collection, CountOptions, IssuanceRecord, LevelStoreInit, Migration, RangeOptions, Schema, Store, StoredDocument, StoreInit
} from './types.js'
export { openLevelStore } from './level.js'
export { createMemoryStore } from './memory.js'
export { schemaVersionKey } from './migrations.js'
