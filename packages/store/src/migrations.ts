/**
 * Schema versions and migrations, per owner. Each package that keeps records in a store gives
 * its Schema (owner, version, migrations); the store records each owner's version in `meta`. On
 * open, each owner's migrations from its recorded version up to its schema's run in order, each in
 * one atomic batch together with the owner's new version, so that a crash leaves the owner at one
 * version or the next. Nothing here knows any owner's records.
 */
import { LEGACY_SCHEMA_OWNER, META_COLLECTION, SCHEMA_VERSION_KEY, SCHEMA_VERSION_KEY_PREFIX } from './constants.js'
import { StoreError, StoreErrorCode } from './errors.js'
import { checkCollectionName } from './store.js'
import type { Migration, Schema, Store } from './types.js'

export type { Migration, Schema } from './types.js'

/** The `meta` key under which a store records `owner`'s schema version. */
export function schemaVersionKey (owner: string): string {
  return owner === LEGACY_SCHEMA_OWNER ? SCHEMA_VERSION_KEY : `${SCHEMA_VERSION_KEY_PREFIX}${owner}`
}

/** Whether `key` of `meta` records a schema version (of any owner, registered here or not). */
function isVersionKey (key: string): boolean {
  return key === SCHEMA_VERSION_KEY || key.startsWith(SCHEMA_VERSION_KEY_PREFIX)
}

/** Checks `schemas` (TypeErrors: they are the code's, not the store's) and returns them as an array. */
export function checkSchemas (schemas: unknown, where: string): readonly Schema[] {
  if (!Array.isArray(schemas)) throw new TypeError(`${where}: schemas must be an array of { owner, version, migrations }`)
  const owners = new Set<string>()
  for (const schema of schemas as unknown[]) {
    if (typeof schema !== 'object' || schema === null) throw new TypeError(`${where}: a schema must be an object { owner, version, migrations }`)
    const { owner, version, migrations } = schema as Partial<Schema>
    checkCollectionName(owner, `${where}: schema owner`)
    if (owners.has(owner)) throw new TypeError(`${where}: two schemas of the owner ${JSON.stringify(owner)}`)
    owners.add(owner)
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
      throw new TypeError(`${where}: the schema version of ${JSON.stringify(owner)} must be a positive integer`)
    }
    if (!Array.isArray(migrations)) throw new TypeError(`${where}: the migrations of ${JSON.stringify(owner)} must be an array`)
    const targets = new Set<number>()
    for (const m of migrations as unknown[]) {
      const { to, migrate } = (typeof m === 'object' && m !== null ? m : {}) as { to?: unknown, migrate?: unknown }
      if (typeof to !== 'number' || !Number.isSafeInteger(to) || to < 2 || to > version || typeof migrate !== 'function') {
        throw new TypeError(`${where}: a migration of ${JSON.stringify(owner)} must be { to: 2..${version}, description, migrate() }`)
      }
      if (targets.has(to)) throw new TypeError(`${where}: two migrations of ${JSON.stringify(owner)} to version ${to}`)
      targets.add(to)
    }
  }
  return schemas as readonly Schema[]
}

/**
 * Brings every owner of `schemas` (checked by checkSchemas) to its version in `store`: a new
 * store records them all; an existing one runs each owner's migrations from its recorded version
 * (1 for an owner not recorded yet) and refuses an owner's version newer than its schema's.
 * A store is a cofl store when `meta` records some owner's version; `isEmpty` tells whether the
 * database holds nothing at all (a new store). With no schemas, nothing is recorded or checked:
 * the store is opened as it is.
 */
export async function applySchemas (store: Store, label: string, schemas: readonly Schema[], isEmpty: () => Promise<boolean>): Promise<void> {
  if (schemas.length === 0) return
  const meta = store.collection(META_COLLECTION)
  let recordsAny = false
  for await (const [key] of meta.entries({ prefix: SCHEMA_VERSION_KEY })) {
    if (isVersionKey(key)) { recordsAny = true; break }
  }
  if (!recordsAny) {
    if (!(await isEmpty())) {
      throw new StoreError(StoreErrorCode.VERSION, `${label} holds data but no schema version: it is not a cofl store (or was written by something else)`)
    }
    const batch = store.batch()
    for (const { owner, version } of schemas) batch.put(meta, schemaVersionKey(owner), version)
    await batch.write()
    return
  }
  // Refuse before changing anything: a store that this code cannot read for one owner is left as it is.
  const from = new Map<string, number>()
  for (const { owner, version } of schemas) {
    const recorded = await meta.get(schemaVersionKey(owner))
    if (recorded === undefined) { from.set(owner, 1); continue }
    if (typeof recorded !== 'number' || !Number.isSafeInteger(recorded) || recorded < 1) {
      throw new StoreError(StoreErrorCode.VERSION, `${label} records an invalid schema version ${JSON.stringify(recorded)} for ${owner}`)
    }
    if (recorded > version) {
      throw new StoreError(StoreErrorCode.VERSION, `${label} has schema version ${recorded} for ${owner}, newer than this cofl knows (${version}): upgrade cofl to open it`)
    }
    from.set(owner, recorded)
  }
  for (const { owner, version, migrations } of schemas) {
    for (let to = (from.get(owner) as number) + 1; to <= version; to++) {
      if (!migrations.some((m) => m.to === to)) {
        throw new StoreError(StoreErrorCode.VERSION, `${label} has schema version ${to - 1} for ${owner} and this cofl has no migration to version ${to}`)
      }
    }
  }
  for (const { owner, version, migrations } of schemas) {
    const recorded = from.get(owner) as number
    for (let to = recorded + 1; to <= version; to++) {
      const migration = migrations.find((m) => m.to === to) as Migration
      const batch = store.batch()
      try {
        await migration.migrate(store, batch)
        batch.put(meta, schemaVersionKey(owner), to)
        await batch.write()
      } catch (err) {
        if (err instanceof StoreError) throw err
        throw new StoreError(StoreErrorCode.VERSION, `${label}: the migration of ${owner} to schema version ${to} (${migration.description}) failed: ${(err as Error).message}`, { cause: err })
      }
    }
    // An owner seen for the first time, with nothing to migrate, is recorded too.
    if (recorded === version && (await meta.get(schemaVersionKey(owner))) === undefined) await meta.put(schemaVersionKey(owner), version)
  }
}
