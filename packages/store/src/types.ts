/**
 * The interfaces of @cofl/store, and the two record types that several packages share, declared
 * in the lowest package that they all depend on: StoredDocument (the public documents:
 * @cofl/federation's, read by the catalogue, analytics and the node) and IssuanceRecord (the
 * node's issuance log, node/src/app/issuance-log.ts, read by @cofl/analytics).
 */

/**
 * Which keys an iteration visits. Keys compare as JavaScript strings do (by UTF-16 code unit),
 * in both implementations. All bounds combine: a key is visited when it is `>= gte`, `< lt` and
 * starts with `prefix`.
 */
export interface RangeOptions {
  /** Visit keys greater than or equal to this one. */
  gte?: string
  /** Visit keys less than this one. */
  lt?: string
  /** Visit keys that start with this string. */
  prefix?: string
  /** At most this many entries (a non-negative integer or Infinity); default: all. */
  limit?: number
  /** Descending key order; `limit` then keeps the highest keys. */
  reverse?: boolean
}

export interface CountOptions {
  /** Count keys that start with this string. */
  prefix?: string
}

/**
 * A typed key-value collection. Keys are any strings (ids, DIDs, URLs; '!' and unicode included).
 * Values go through JSON: what `get` returns is a fresh copy, equal to `JSON.parse(JSON.stringify(value))`;
 * a value JSON cannot represent (a BigInt, a cycle, `undefined`) is refused with a TypeError.
 */
export interface Collection<T> {
  get(key: string): Promise<T | undefined>
  has(key: string): Promise<boolean>
  /** Durable (synced to disk) when it resolves. */
  put(key: string, value: T): Promise<void>
  /** Durable (synced to disk) when it resolves; deleting a missing key is no error. */
  del(key: string): Promise<void>
  /**
   * In key order; gte/lt bound the keys, prefix selects keys starting with it. The iteration
   * reads a snapshot taken when it starts: writes made meanwhile do not show.
   */
  entries(options?: RangeOptions): AsyncIterable<[string, T]>
  values(options?: RangeOptions): AsyncIterable<T>
  count(options?: CountOptions): Promise<number>
}

/**
 * Writes to one or more collections of the same store, all or nothing. `put` and `del` never
 * throw: an invalid operation (a key that is not a string, a value JSON cannot represent, a
 * collection of another store) makes `write()` reject with its TypeError, and nothing is written.
 * `put` copies the value when it is called.
 */
export interface Batch {
  put<T>(collection: Collection<T>, key: string, value: T): Batch
  del(collection: Collection<unknown>, key: string): Batch
  /** Atomic across collections, synced to disk when it resolves. A batch is written once. */
  write(): Promise<void>
}

export interface Store {
  /**
   * The collection called `name` (COLLECTION_NAME_PATTERN: lowercase letters, digits and '-',
   * 1 to 64 characters; any other name is a TypeError). The same object for the same name, so
   * that a batch can write to any collections of the store together. The package that owns a
   * kind of record declares its collection's name (and, for changes of layout, its schema).
   * On disk: the level sublevel `!<name>!<key>`.
   */
  collection<T = unknown>(name: string): Collection<T>
  batch(): Batch
  /** Waits for writes under way, then closes; every later call rejects with COFL_ERR_STORE_CLOSED. Idempotent. */
  close(): Promise<void>
}

/**
 * A change of the records an owner keeps. It runs on a store where its owner is at version
 * `to - 1`.
 */
export interface Migration {
  /** The version this migration upgrades its owner to (2 or more: version 1 is the first layout). */
  readonly to: number
  /** What it changes, for error messages. */
  readonly description: string
  /**
   * Reads through `store` and adds its writes to `batch`, which the runner writes (with the
   * owner's new version) when this resolves. Nothing is written when it throws. It must not
   * write through `store` directly: that would not be atomic.
   */
  migrate(store: Store, batch: Batch): Promise<void>
}

/**
 * The records one package owns in a store, as far as their layout goes: the version its code
 * writes and the migrations from older ones. Each store records every registered owner's version
 * in `meta` (`schema-version:<owner>`; the owner 'issuance' under the older key `schema-version`).
 */
export interface Schema {
  /** Who owns these records (a package); the same rule as a collection's name. */
  readonly owner: string
  /** The version this code writes and reads: a positive integer. */
  readonly version: number
  /** One migration for each version from 2 to `version` (any order). */
  readonly migrations: readonly Migration[]
}

export interface StoredDocument {
  kind: 'achievement' | 'profile' | 'endorsement' | 'status-list' | 'spine' | 'pathway' | 'opportunity' | 'aggregate' | 'withdrawal' | 'image'
  /** The document's id. */
  id: string
  /** Issuer DID. */
  issuer: string
  /** The announcement's sequence number (status lists: the list's own `sequence`). */
  sequence: number
  /** CID (string) of the dag-json block in Helia. */
  cid: string
  /** The signed JSON-LD document. */
  document: Record<string, unknown>
  /** ISO date. */
  receivedAt: string
}

export interface IssuanceRecord {
  credentialId: string
  achievementId: string
  subject: string
  issuedAt: string
  status?: { purpose: 'revocation' | 'suspension', listId: string, listNumber: number, index: number }
  revoked?: boolean
  suspended?: boolean
  /** For a pathway badge awarded on claim: the id of the pathway whose completion awarded it. */
  pathwayId?: string
  credential: Record<string, unknown>
}

export interface StoreInit {
  /**
   * The schemas of the packages whose records the store keeps (owners unique).
   * A new store records each one's version; opening an existing one runs each owner's
   * migrations from its recorded version (an owner it has not recorded yet: from version 1) and
   * refuses a store where an owner's version is newer than its schema's (COFL_ERR_STORE_VERSION).
   * Owners recorded in the store but not given here are left as they are.
   * Default: none; a store opened with no schemas records and checks no version (a tool's or a
   * test's: an owner's code opens its store with its schema).
   */
  schemas?: readonly Schema[]
}

export interface LevelStoreInit extends StoreInit {
  /** Directory of the level database; created when missing. */
  directory: string
}
