/**
 * The interfaces of @cofl/store (the federation and the node use them).
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
  /** key: achievement id */
  readonly achievements: Collection<StoredDocument>
  /** key: issuer DID */
  readonly profiles: Collection<StoredDocument>
  /** key: endorsement credential id */
  readonly endorsements: Collection<StoredDocument>
  /** key: status list credential id (newest version only) */
  readonly statusLists: Collection<StoredDocument>
  /** key: skills spine id (public, replicated) */
  readonly spines: Collection<StoredDocument>
  /** key: pathway id (public, replicated) */
  readonly pathways: Collection<StoredDocument>
  /** key: opportunity id (public, replicated) */
  readonly opportunities: Collection<StoredDocument>
  /** key: aggregate id (a node's signed, suppressed analytics totals; public, replicated) */
  readonly aggregates: Collection<StoredDocument>
  /** key: credential id (private: never replicated) */
  readonly issuance: Collection<IssuanceRecord>
  /**
   * key: `<subject> NUL <credential id>`, value: the credential id. The issuance log's index by
   * subject (private): written with each record by `putIssuance`, read by `issuanceOf`.
   */
  readonly issuanceBySubject: Collection<string>
  /** key: peer id */
  readonly peers: Collection<PeerRecord>
  /** key: offer id. Offers of credentials to learners, with their names and emails (private: never replicated). */
  readonly offers: Collection<Record<string, unknown>>
  /** key: a prefixed id (clients, authorisation codes, tokens) of the OB 3.0 API (private). */
  readonly oauth: Collection<Record<string, unknown>>
  /** key: credential id. A learner's wallet: the credentials it holds (private to the learner). */
  readonly held: Collection<Record<string, unknown>>
  /** Small named values (schema version, counters). */
  readonly meta: Collection<unknown>
  batch(): Batch
  /** Waits for writes under way, then closes; every later call rejects with COFL_ERR_STORE_CLOSED. Idempotent. */
  close(): Promise<void>
}

export interface StoredDocument {
  kind: 'achievement' | 'profile' | 'endorsement' | 'status-list' | 'spine' | 'pathway' | 'opportunity' | 'aggregate'
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

export interface PeerRecord {
  peerId: string
  multiaddrs: string[]
  lastSeen: string
}

export interface LevelStoreInit {
  /** Directory of the level database; created when missing. */
  directory: string
}
