/**
 * The records @cofl/federation owns in a @cofl/store store: the public documents of each kind,
 * one collection per kind (KIND_COLLECTION_NAMES), and its keys in the store's `meta` collection
 * (`federation:*`: usage per issuer, contested ids, the holdings version). A node opens its store
 * with `federationSchema` among its schemas; a change of this layout is a migration here.
 */
import { META_COLLECTION } from '@cofl/store'
import type { Collection, Schema, Store, StoredDocument } from '@cofl/store'
import { KIND_COLLECTION_NAMES } from './constants.js'
import type { Kind } from './constants.js'

/** The federation's schema: version 1 is the layout of the store's former fixed collections. */
export const federationSchema: Schema = { owner: 'federation', version: 1, migrations: [] }

/** The collection of the documents of `kind`. */
export function kindCollection (store: Pick<Store, 'collection'>, kind: Kind): Collection<StoredDocument> {
  return store.collection<StoredDocument>(KIND_COLLECTION_NAMES[kind])
}

/** The store's collection of small named values, where the federation's keys start with `federation:`. */
export function metaCollection (store: Pick<Store, 'collection'>): Collection<unknown> {
  return store.collection(META_COLLECTION)
}
