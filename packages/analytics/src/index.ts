/**
 * @packageDocumentation
 *
 * @cofl/analytics: a city's figures and what it may publish of them. `computeAnalytics` counts a
 * node's offers and issuance log (offered, claimed, issued, revoked; by achievement, issuer, area,
 * month and pathway; learners counted, never listed) and suppresses small counts as one system
 * of linked tables, so that no combination of the shown figures gives a hidden one back
 * (`suppressLinked`). `nextAggregate` makes the next version of a node's signed aggregate
 * (closed months only, knowing every version before), `validateAggregate` checks one on
 * arrival, and `federationTotals` sums the newest aggregate of each trusted node. CSV (RFC 4180) for the figures and for offers to
 * learners from a file. Pure functions, no I/O; the CSV and the figures' types also run in the
 * browser. The rules: docs/analytics.md.
 *
 * @example
 * ```ts
 * import { computeAnalytics, federationTotals, nextAggregate, toCsv } from '@cofl/analytics'
 *
 * const analytics = await computeAnalytics({ issuance: store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values(), offers, achievements, pathways, now: Date.now() })
 * // analytics.totals.issued: { value: 130, suppressed: false }; a count from 1 to 4: { value: null, suppressed: true }
 * const csv = toCsv(analytics)
 * const { content, added } = nextAggregate({ issuer: did, now: Date.now(), history, issuance, offers }) // keep `added`, then sign and publish
 * const totals = federationTotals(storedAggregates, { trusted: (issuer) => trusted.has(issuer) })
 * ```
 */
export {
  MAX_SUPPRESSED_COUNT, UNKNOWN_AREA, SUPPRESSION_WEIGHTS, AGGREGATE_ID_PREFIX, MAX_AGGREGATE_MONTHS,
  MAX_AGGREGATE_THRESHOLD, MAX_AGGREGATE_DID_LENGTH, MAX_LISTED_UNTRUSTED
} from './constants.js'
export { CsvError, CsvErrorCode } from './errors.js'
export { COUNTS, countCell, suppressLearners, suppressLinked } from './suppression.js'
export type { Cell, Count, LinkedTables, Witness } from './suppression.js'
export { MEASURES, BREAKDOWNS, CSV_HEADER, computeAnalytics, toCsv } from './analytics.js'
export type {
  AnalyticsOffer, AnalyticsIssuance, AnalyticsAchievement, AnalyticsPathway, AnalyticsInput, Measure, Totals, Row,
  PathwayRow, Analytics
} from './analytics.js'
export {
  AGGREGATE_TOTALS, AGGREGATE_MONTH_FIGURES, aggregateId, buildAggregate, validateAggregate, untrustedReason, sumCells,
  federationTotals
} from './aggregates.js'
export type {
  AggregateTotal, AggregateMonthFigure, AggregatePeriod, AggregateMonth, AggregateContent, SumCell, FederationRow,
  FederationTotals, AggregateInput
} from './aggregates.js'
export { nextAggregate, aggregateOfPeriods, lastClosedMonth } from './publication.js'
export type { PublishedFigure, PublishedPeriod, NextAggregateInput, NextAggregate } from './publication.js'
export { parseCsv, csvField, csvLine, normaliseEmail, learnerRows } from './csv.js'
export type { CsvRecord, LearnerRow } from './csv.js'
