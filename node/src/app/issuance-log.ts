/**
 * The issuance log and its index by subject: the node's records of what it issued (private,
 * never replicated). The log (collection ISSUANCE_COLLECTION) is keyed by credential id; the index
 * (ISSUANCE_BY_SUBJECT_COLLECTION) maps `<subject> NUL <credential id>` to the credential id, so
 * that what the node issued to one learner is found without reading the whole log. Every new
 * record goes into the log and the index in the same atomic batch (`putIssuance`);
 * `issuanceSchema`'s migration to version 2 indexes the records of older stores.
 *
 * The record type, IssuanceRecord, stays in @cofl/store: @cofl/analytics reads these records too.
 */
import { LEGACY_SCHEMA_OWNER } from '@cofl/store'
import type { Batch, Collection, IssuanceRecord, Schema, Store } from '@cofl/store'

/** key: credential id. The issuance log (private, never replicated). */
export const ISSUANCE_COLLECTION = 'issuance'

/** key: `<subject> NUL <credential id>`, value: the credential id. The log's index by subject. */
export const ISSUANCE_BY_SUBJECT_COLLECTION = 'issuance-by-subject'

const SEPARATOR = '\u0000'

/** The index key of `credentialId` issued to `subject`. */
export function issuanceSubjectKey (subject: string, credentialId: string): string {
  return `${subject}${SEPARATOR}${credentialId}`
}

/**
 * Where the issuance log is: a store, whose collections ISSUANCE_COLLECTION and
 * ISSUANCE_BY_SUBJECT_COLLECTION it reads by name (a test may put a spy in their place by
 * wrapping `collection`).
 */
export type IssuanceSource = Pick<Store, 'collection'>

function log (store: IssuanceSource): Collection<IssuanceRecord> {
  return store.collection<IssuanceRecord>(ISSUANCE_COLLECTION)
}

function bySubject (store: IssuanceSource): Collection<string> {
  return store.collection<string>(ISSUANCE_BY_SUBJECT_COLLECTION)
}

/** Adds `record` to the issuance log and its index, in `batch`. */
export function putIssuance (batch: Batch, store: IssuanceSource, record: IssuanceRecord): Batch {
  return batch
    .put(log(store), record.credentialId, record)
    .put(bySubject(store), issuanceSubjectKey(record.subject, record.credentialId), record.credentialId)
}

/**
 * The issuance records of `subject`, in credential id order, from the index. A record is
 * returned only when it is about `subject` (a subject that contains NUL cannot borrow another's
 * entries).
 */
export async function * issuanceOf (store: IssuanceSource, subject: string): AsyncGenerator<IssuanceRecord> {
  for await (const credentialId of bySubject(store).values({ prefix: `${subject}${SEPARATOR}` })) {
    const record = await log(store).get(credentialId)
    if (record != null && record.subject === subject) yield record
  }
}

/**
 * The issuance log's schema: version 2 since the log is indexed by subject. Its owner is the
 * store's LEGACY_SCHEMA_OWNER, whose version the store keeps under its older single key
 * `schema-version`, so that every store written before owners had schemas opens at version 2
 * without running anything.
 */
export const issuanceSchema: Schema = {
  owner: LEGACY_SCHEMA_OWNER,
  version: 2,
  migrations: [
    {
      to: 2,
      description: 'the issuance log indexed by subject',
      async migrate (store, batch) {
        for await (const record of log(store).values()) {
          batch.put(bySubject(store), issuanceSubjectKey(record.subject, record.credentialId), record.credentialId)
        }
      }
    }
  ]
}
