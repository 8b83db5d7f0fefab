/**
 * The named thresholds, weights and limits of city analytics and aggregates (docs/analytics.md).
 */

/** Counts from 1 to this are suppressed. */
export const MAX_SUPPRESSED_COUNT = 4

/** The area of an achievement whose place is not known. */
export const UNKNOWN_AREA = 'unknown'

/** The cost of hiding a figure of each table (plus the figure itself): docs/analytics.md, "Complementary suppression". */
export const SUPPRESSION_WEIGHTS = { achievement: 1, month: 1, pathway: 2, issuer: 4, area: 4, total: 1000 } as const

/** The prefix of an aggregate's id; the node's DID follows. */
export const AGGREGATE_ID_PREFIX = 'urn:cofl:aggregate:'

/** The most months an aggregate holds (50 years). */
export const MAX_AGGREGATE_MONTHS = 600

/** The highest suppression threshold an aggregate may declare. */
export const MAX_AGGREGATE_THRESHOLD = 100

/** The longest issuer DID accepted in an aggregate. */
export const MAX_AGGREGATE_DID_LENGTH = 2048

/** The most aggregates of untrusted issuers listed in a FederationTotals (all are counted in `leftOut`). */
export const MAX_LISTED_UNTRUSTED = 100
