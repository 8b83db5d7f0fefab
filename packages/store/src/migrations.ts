/**
 * Schema versions and migrations. A store records its schema version in `meta`; on open the
 * migrations from that version up to the code's run in order, each in one atomic batch together
 * with the new version number, so that a crash leaves the store at one version or the next.
 */
import { SCHEMA_VERSION, SCHEMA_VERSION_KEY } from './constants.js'
import { StoreError, StoreErrorCode } from './errors.js'
import { issuanceSubjectKey } from './issuance.js'
import type { Batch, Store } from './types.js'

export interface Migration {
  /** The version this migration upgrades to; it runs on a store at version `to - 1`. */
  readonly to: number
  /** What it changes, for error messages. */
  readonly description: string
  /**
   * Reads through `store` and adds its writes to `batch`, which the runner writes (with the new
   * schema version) when this resolves. Nothing is written when it throws. It must not write
   * through `store` directly: that would not be atomic.
   */
  migrate(store: Store, batch: Batch): Promise<void>
}

/** The migrations of this code, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    description: 'the issuance log indexed by subject',
    async migrate (store, batch) {
      for await (const record of store.issuance.values()) {
        batch.put(store.issuanceBySubject, issuanceSubjectKey(record.subject, record.credentialId), record.credentialId)
      }
    }
  }
]

export interface SchemaOptions {
  /** The version this code writes (SCHEMA_VERSION). */
  schemaVersion: number
  migrations: readonly Migration[]
}

export const DEFAULT_SCHEMA: SchemaOptions = { schemaVersion: SCHEMA_VERSION, migrations: MIGRATIONS }

/**
 * Brings `store` to `schema.schemaVersion`: records it in a new (empty) store, runs the
 * migrations from the recorded version, refuses a version newer than the code's.
 * `isEmpty` tells whether the database holds nothing at all (a new store).
 */
export async function applySchema (store: Store, label: string, schema: SchemaOptions, isEmpty: () => Promise<boolean>): Promise<void> {
  const { schemaVersion, migrations } = schema
  const recorded = await store.meta.get(SCHEMA_VERSION_KEY)
  if (recorded === undefined) {
    if (!(await isEmpty())) {
      throw new StoreError(StoreErrorCode.VERSION, `${label} holds data but no schema version: it is not a cofl store (or was written by something else)`)
    }
    await store.meta.put(SCHEMA_VERSION_KEY, schemaVersion)
    return
  }
  if (typeof recorded !== 'number' || !Number.isSafeInteger(recorded) || recorded < 1) {
    throw new StoreError(StoreErrorCode.VERSION, `${label} records an invalid schema version ${JSON.stringify(recorded)}`)
  }
  if (recorded > schemaVersion) {
    throw new StoreError(StoreErrorCode.VERSION, `${label} has schema version ${recorded}, newer than this cofl knows (${schemaVersion}): upgrade cofl to open it`)
  }
  for (let version = recorded + 1; version <= schemaVersion; version++) {
    const migration = migrations.find((m) => m.to === version)
    if (migration === undefined) {
      throw new StoreError(StoreErrorCode.VERSION, `${label} has schema version ${version - 1} and this cofl has no migration to version ${version}`)
    }
    const batch = store.batch()
    try {
      await migration.migrate(store, batch)
      batch.put(store.meta, SCHEMA_VERSION_KEY, version)
      await batch.write()
    } catch (err) {
      if (err instanceof StoreError) throw err
      throw new StoreError(StoreErrorCode.VERSION, `${label}: the migration to schema version ${version} (${migration.description}) failed: ${(err as Error).message}`, { cause: err })
    }
  }
}
