/**
 * The collections of the city store (@cofl/store) that the node owns and names, and the schemas
 * the node opens its store with.
 *
 * The node's own records (offers, the OB 3.0 API's OAuth records) have had one layout since they
 * were written: the node needs no migrations, so it registers no schema of its own (a change of
 * their layout would add a `nodeSchema` here). The issuance log is the node's too: its names
 * (ISSUANCE_COLLECTION, ISSUANCE_BY_SUBJECT_COLLECTION), its schema and its reads and writes
 * (`putIssuance` / `issuanceOf`) are in issuance-log.ts. The public documents are @cofl/federation's
 * (KIND_COLLECTION_NAMES, federationSchema). The node keeps no peers in its store: libp2p keeps
 * them in the federation's datastore.
 */
import { federationSchema } from '@cofl/federation'
import type { Schema } from '@cofl/store'
import { issuanceSchema } from './issuance-log.js'

export { META_COLLECTION } from '@cofl/store'
export { ISSUANCE_BY_SUBJECT_COLLECTION, ISSUANCE_COLLECTION } from './issuance-log.js'

/** key: offer id. Offers of credentials to learners, with their names and emails (private: never replicated). */
export const OFFERS_COLLECTION = 'offers'

/**
 * key: `period:<YYYY-MM>`. What this node published in its aggregates, one record per period with
 * the true values of the hidden figures (@cofl/analytics PublishedPeriod; private: never replicated).
 */
export const AGGREGATE_HISTORY_COLLECTION = 'aggregate-history'

/** key: a prefixed id (clients, authorisation codes, tokens, grants) of the OB 3.0 API (private). */
export const OAUTH_COLLECTION = 'oauth'

/** The schemas of the owners whose records the city store keeps. */
export const CITY_STORE_SCHEMAS: readonly Schema[] = [issuanceSchema, federationSchema]
