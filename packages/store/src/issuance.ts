/**
 * The issuance log's index by subject. The log (`store.issuance`) is keyed by credential id; the
 * index (`store.issuanceBySubject`) maps `<subject> NUL <credential id>` to the credential id, so
 * that what a node issued to one learner is found without reading the whole log. Every new record
 * goes into the log and the index in the same atomic batch (`putIssuance`); schema version 2's
 * migration indexes the records of older stores.
 */
import type { Batch, IssuanceRecord, Store } from './types.js'

const SEPARATOR = '\u0000'

/** The index key of `credentialId` issued to `subject`. */
export function issuanceSubjectKey (subject: string, credentialId: string): string {
  return `${subject}${SEPARATOR}${credentialId}`
}

/** Adds `record` to the issuance log and its index, in `batch`. */
export function putIssuance (batch: Batch, store: Pick<Store, 'issuance' | 'issuanceBySubject'>, record: IssuanceRecord): Batch {
  return batch
    .put(store.issuance, record.credentialId, record)
    .put(store.issuanceBySubject, issuanceSubjectKey(record.subject, record.credentialId), record.credentialId)
}

/**
 * The issuance records of `subject`, in credential id order, from the index. A record is
 * returned only when it is about `subject` (a subject that contains NUL cannot borrow another's
 * entries).
 */
export async function * issuanceOf (store: Pick<Store, 'issuance' | 'issuanceBySubject'>, subject: string): AsyncGenerator<IssuanceRecord> {
  for await (const credentialId of store.issuanceBySubject.values({ prefix: `${subject}${SEPARATOR}` })) {
    const record = await store.issuance.get(credentialId)
    if (record != null && record.subject === subject) yield record
  }
}
