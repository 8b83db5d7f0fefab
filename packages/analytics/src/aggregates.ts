/**
 * Aggregates: a node's analytics totals, suppressed, as the content of a cofl document of kind
 * 'aggregate' (type `CoflAggregate`) that the node signs and publishes to the federation; the
 * rules every node checks an aggregate against; and the federation's totals summed from the
 * newest aggregate of each node. Pure functions: signing, publishing and reading the stored
 * aggregates are the node's. What an aggregate holds and how sums treat suppressed figures:
 * docs/analytics.md, "Aggregates".
 *
 *   const content = buildAggregate(analytics, { issuer: did })   // then signed and published by the node
 *   const totals = federationTotals(storedAggregates, { trusted: (issuer) => trusted.has(issuer) })
 */
import type { StoredDocument } from '@cofl/store'
import type { Analytics } from './analytics.js'
import {
  AGGREGATE_ID_PREFIX, MAX_AGGREGATE_DID_LENGTH, MAX_AGGREGATE_MONTHS, MAX_AGGREGATE_THRESHOLD, MAX_LISTED_UNTRUSTED,
  MAX_SUPPRESSED_COUNT
} from './constants.js'
import { countCell } from './suppression.js'
import type { Cell } from './suppression.js'

/** The figures of an aggregate's totals. */
export const AGGREGATE_TOTALS = ['offered', 'claimed', 'issued', 'learners', 'learnersWithMoreThanOne'] as const
export type AggregateTotal = typeof AGGREGATE_TOTALS[number]

/** The figures of an aggregate's months. */
export const AGGREGATE_MONTH_FIGURES = ['offered', 'claimed', 'issued'] as const
export type AggregateMonthFigure = typeof AGGREGATE_MONTH_FIGURES[number]

/** What the figures cover: records from the month `from` (when known) up to `until`. */
export interface AggregatePeriod {
  /** YYYY-MM of the first month with a record; absent when the node has none. */
  from?: string
  /**
   * ISO date-time: where the figures end. A node's published aggregate (`nextAggregate`): the
   * first instant of the month after the last closed month it covers.
   */
  until: string
}

export type AggregateMonth = { month: string } & Record<AggregateMonthFigure, Cell>

/**
 * The content of an aggregate (the node's service adds @context, type, issuer and the proof). A
 * type, not an interface, so that it is a `Record<string, unknown>` as publishDocument takes.
 */
export type AggregateContent = {
  id: string
  period: AggregatePeriod
  generatedAt: string
  suppressionThreshold: number
  totals: Record<AggregateTotal, Cell>
  byMonth: AggregateMonth[]
}

/** The id of the aggregate of the node whose DID this is. */
export function aggregateId (did: string): string {
  if (typeof did !== 'string' || !did.startsWith('did:')) throw new TypeError('aggregateId: did must be a DID')
  return `${AGGREGATE_ID_PREFIX}${did}`
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/
const copy = (cell: Cell): Cell => cell.suppressed ? { value: null, suppressed: true } : { value: cell.value, suppressed: false }

/**
 * The publishable content of a node's aggregate: the totals and months of its analytics, as they
 * are (suppressed already); rows of an unknown month are left out.
 */
export function buildAggregate (analytics: Analytics, options: { issuer: string, period?: AggregatePeriod }): AggregateContent {
  if (analytics == null || typeof analytics !== 'object') throw new TypeError('buildAggregate: analytics is required')
  if (options == null) throw new TypeError('buildAggregate: options is required')
  const months = analytics.byMonth.filter((row) => MONTH.test(row.key))
  const period = options.period ?? { ...(months[0] !== undefined ? { from: months[0].key } : {}), until: analytics.generatedAt }
  return {
    id: aggregateId(options.issuer),
    period: { ...(period.from !== undefined ? { from: period.from } : {}), until: period.until },
    generatedAt: analytics.generatedAt,
    suppressionThreshold: analytics.suppressionThreshold,
    totals: {
      offered: copy(analytics.totals.offered),
      claimed: copy(analytics.totals.claimed),
      issued: copy(analytics.totals.issued),
      learners: copy(analytics.totals.learners),
      learnersWithMoreThanOne: copy(analytics.totals.learnersWithMoreThanOne)
    },
    byMonth: months.map((row) => ({ month: row.key, offered: copy(row.offered), claimed: copy(row.claimed), issued: copy(row.issued) }))
  }
}

// ---- validation ---------------------------------------------------------------------------------

const ENVELOPE = ['@context', 'id', 'type', 'issuer', 'proof']
const FIELDS = ['period', 'generatedAt', 'suppressionThreshold', 'totals', 'byMonth']

const isObject = (value: unknown): value is Record<string, unknown> => value != null && typeof value === 'object' && !Array.isArray(value)
const isDate = (value: unknown): value is string => typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value))

function unknownFields (errors: string[], value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) errors.push(`${path === '' ? key : `${path}.${key}`}: is not a field of an aggregate`)
  }
}

/** A cell's errors; its value when shown and valid, null when suppressed, undefined when invalid. */
function checkCell (errors: string[], value: unknown, path: string, threshold: number): number | null | undefined {
  if (!isObject(value)) { errors.push(`${path}: must be an object { value, suppressed }`); return undefined }
  unknownFields(errors, value, ['value', 'suppressed'], path)
  if (typeof value.suppressed !== 'boolean') { errors.push(`${path}.suppressed: must be a boolean`); return undefined }
  if (value.suppressed) {
    if (value.value !== null && value.value !== undefined) { errors.push(`${path}.value: must be null when suppressed`); return undefined }
    return null
  }
  const n = value.value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) { errors.push(`${path}.value: must be a non-negative integer`); return undefined }
  if (n >= 1 && n <= threshold) { errors.push(`${path}.value: ${n} is a count from 1 to ${threshold} shown (it must be suppressed)`); return undefined }
  return n
}

/**
 * The errors of an aggregate (`path: message`); [] when it is valid. Reads a whole document
 * (envelope fields allowed) or the content alone (then without `issuer`, the id is not checked
 * against it). Never throws on bad input.
 */
export function validateAggregate (document: Record<string, unknown>): string[] {
  const errors: string[] = []
  if (!isObject(document)) return ['the aggregate must be a JSON object']
  unknownFields(errors, document, [...ENVELOPE, ...FIELDS], '')

  const issuer = document.issuer
  if (issuer !== undefined) {
    if (typeof issuer !== 'string' || !issuer.startsWith('did:') || issuer.length > MAX_AGGREGATE_DID_LENGTH) errors.push('issuer: must be a DID')
    else if (document.id !== `${AGGREGATE_ID_PREFIX}${issuer}`) errors.push(`id: must be ${AGGREGATE_ID_PREFIX}<issuer DID> (${AGGREGATE_ID_PREFIX}${issuer})`)
  } else if (typeof document.id !== 'string' || !document.id.startsWith(`${AGGREGATE_ID_PREFIX}did:`)) {
    errors.push(`id: must be ${AGGREGATE_ID_PREFIX}<DID>`)
  }
  const type = document.type
  if (type !== undefined && !(type === 'CoflAggregate' || (Array.isArray(type) && type.includes('CoflAggregate')))) errors.push('type: must include CoflAggregate')

  const period = document.period
  if (!isObject(period)) {
    errors.push('period: must be an object { from?, until }')
  } else {
    unknownFields(errors, period, ['from', 'until'], 'period')
    if (period.from !== undefined && (typeof period.from !== 'string' || !MONTH.test(period.from))) errors.push('period.from: must be a month YYYY-MM')
    if (!isDate(period.until)) errors.push('period.until: must be an ISO 8601 date')
  }
  if (!isDate(document.generatedAt)) errors.push('generatedAt: must be an ISO 8601 date')

  const t = document.suppressionThreshold
  const thresholdOk = typeof t === 'number' && Number.isSafeInteger(t) && t >= MAX_SUPPRESSED_COUNT && t <= MAX_AGGREGATE_THRESHOLD
  if (!thresholdOk) errors.push(`suppressionThreshold: must be an integer from ${MAX_SUPPRESSED_COUNT} to ${MAX_AGGREGATE_THRESHOLD}`)
  const threshold = thresholdOk ? t : MAX_SUPPRESSED_COUNT

  const totals: Partial<Record<AggregateTotal, number | null>> = {}
  if (!isObject(document.totals)) {
    errors.push('totals: must be an object')
  } else {
    unknownFields(errors, document.totals, AGGREGATE_TOTALS, 'totals')
    for (const m of AGGREGATE_TOTALS) {
      const n = checkCell(errors, document.totals[m], `totals.${m}`, threshold)
      if (n !== undefined) totals[m] = n
    }
    const le = (a: AggregateTotal, b: AggregateTotal, factor = 1): void => {
      const x = totals[a]
      const y = totals[b]
      if (typeof x === 'number' && typeof y === 'number' && x * factor > y) errors.push(`totals.${a}: ${x} is more than ${factor === 1 ? '' : `1/${factor} of `}${b} (${y})`)
    }
    le('claimed', 'offered')
    le('learners', 'issued')
    le('learnersWithMoreThanOne', 'learners')
    le('learnersWithMoreThanOne', 'issued', 2) // each holds two badges at least
  }

  const byMonth = document.byMonth
  if (!Array.isArray(byMonth)) {
    errors.push('byMonth: must be an array')
  } else if (byMonth.length > MAX_AGGREGATE_MONTHS) {
    errors.push(`byMonth: must have at most ${MAX_AGGREGATE_MONTHS} months`)
  } else {
    const seen = new Set<string>()
    const shown: Record<AggregateMonthFigure, number> = { offered: 0, claimed: 0, issued: 0 }
    byMonth.forEach((row: unknown, i) => {
      const path = `byMonth[${i}]`
      if (!isObject(row)) { errors.push(`${path}: must be an object { month, offered, claimed, issued }`); return }
      unknownFields(errors, row, ['month', ...AGGREGATE_MONTH_FIGURES], path)
      if (typeof row.month !== 'string' || !MONTH.test(row.month)) errors.push(`${path}.month: must be a month YYYY-MM`)
      else if (seen.has(row.month)) errors.push(`${path}.month: ${row.month} appears twice`)
      else seen.add(row.month)
      const cells: Partial<Record<AggregateMonthFigure, number | null>> = {}
      for (const m of AGGREGATE_MONTH_FIGURES) {
        const n = checkCell(errors, row[m], `${path}.${m}`, threshold)
        if (n !== undefined) cells[m] = n
        // a suppressed month counts 1 at least
        shown[m] += n === null ? 1 : n ?? 0
      }
      if (typeof cells.claimed === 'number' && typeof cells.offered === 'number' && cells.claimed > cells.offered) {
        errors.push(`${path}.claimed: ${cells.claimed} is more than offered (${cells.offered})`)
      }
    })
    for (const m of AGGREGATE_MONTH_FIGURES) {
      const total = totals[m]
      if (typeof total === 'number' && shown[m] > total) errors.push(`byMonth: the months' ${m} add up to ${shown[m]} at least, more than the total (${total})`)
    }
  }
  return errors
}

// ---- federation totals --------------------------------------------------------------------------

/**
 * A sum over nodes. `value`: the sum of the figures the nodes show (null when suppressed again);
 * `lowerBound`: some node's figure is suppressed, so the true sum is higher; `suppressedIn`: those
 * nodes' DIDs.
 */
export interface SumCell extends Cell {
  lowerBound: boolean
  suppressedIn: string[]
}

export interface FederationRow {
  /** The node's DID (an organisation's). */
  issuer: string
  id: string
  cid: string | null
  sequence: number | null
  /** When the node took its figures. */
  generatedAt: string
  /** When this node received the aggregate. */
  receivedAt: string | null
  period: AggregatePeriod
  totals: Record<AggregateTotal, Cell>
  byMonth: AggregateMonth[]
}

export interface FederationTotals {
  generatedAt: string
  suppressionThreshold: number
  /** How many nodes' aggregates are summed. */
  nodes: number
  totals: Record<AggregateTotal, SumCell>
  byMonth: Array<{ month: string } & Record<AggregateMonthFigure, SumCell>>
  /** The nodes, one row each (the newest valid aggregate of each), in DID order. */
  rows: FederationRow[]
  /** Aggregates held but not summed, with why (a node's figures that fail validation). */
  rejected: Array<{ id: string, issuer: string | null, errors: string[] }>
  /**
   * How many aggregates held are left out of the sums, by why: `untrusted`, their issuer is not
   * one this node trusts (its DID, its trust roots, or a chain of endorsements from one); `rejected`,
   * they fail validation (listed in `rejected`).
   */
  leftOut: { untrusted: number, rejected: number }
  /** The aggregates left out because their issuer is not trusted (at most MAX_LISTED_UNTRUSTED, in DID order), with why. */
  untrusted: Array<{ id: string, issuer: string, reason: string }>
}

/** Why an aggregate of an issuer that this node does not trust is not summed. */
export function untrustedReason (issuer: string): string {
  return `${issuer} is not trusted by this node: it is neither this node's DID nor a trust root, and no chain of endorsements from one reaches it`
}

/** What federationTotals reads of a stored aggregate (a StoredDocument, or a bare document). */
export type AggregateInput = Pick<StoredDocument, 'document'> & Partial<Pick<StoredDocument, 'issuer' | 'cid' | 'sequence' | 'receivedAt' | 'id'>>

/** The sum of one figure over nodes (docs/analytics.md, "Federation totals"). */
export function sumCells (parts: Array<{ issuer: string, cell: Cell }>): SumCell {
  let value = 0
  const suppressedIn: string[] = []
  for (const { issuer, cell } of parts) {
    if (cell.suppressed || cell.value === null) suppressedIn.push(issuer)
    else value += cell.value
  }
  const again = countCell(value)
  return { value: again.value, suppressed: again.suppressed, lowerBound: suppressedIn.length > 0, suppressedIn }
}

/**
 * The federation's totals from the aggregates a node holds: the newest valid aggregate of each
 * issuer (by generatedAt, then sequence), its figures in a row, and their sums (docs/analytics.md,
 * "Federation totals": the rule of a sum with suppressed parts).
 */
export function federationTotals (aggregates: Iterable<AggregateInput>, options: { now?: number | Date, trusted?: (issuer: string) => boolean } = {}): FederationTotals {
  if (aggregates == null) throw new TypeError('federationTotals: aggregates is required')
  const now = options.now instanceof Date ? options.now.getTime() : options.now ?? Date.now()
  const newest = new Map<string, FederationRow>()
  const rejected: FederationTotals['rejected'] = []
  const untrusted: FederationTotals['untrusted'] = []
  for (const stored of aggregates) {
    const document = stored?.document
    const id = typeof document?.id === 'string' ? document.id : typeof stored?.id === 'string' ? stored.id : ''
    const issuer = typeof document?.issuer === 'string' ? document.issuer : null
    const errors = isObject(document) ? validateAggregate(document) : ['the aggregate must be a JSON object']
    if (issuer === null && errors.length === 0) errors.push('issuer: is required')
    if (stored.issuer !== undefined && issuer !== null && stored.issuer !== issuer) errors.push(`issuer: ${issuer} is not the issuer it was stored for (${stored.issuer})`)
    if (errors.length > 0 || issuer === null) { rejected.push({ id, issuer, errors }); continue }
    if (options.trusted != null && !options.trusted(issuer)) { untrusted.push({ id, issuer, reason: untrustedReason(issuer) }); continue }
    const content = document as unknown as AggregateContent
    const row: FederationRow = {
      issuer,
      id,
      cid: stored.cid ?? null,
      sequence: stored.sequence ?? null,
      generatedAt: content.generatedAt,
      receivedAt: stored.receivedAt ?? null,
      period: { ...(content.period.from !== undefined ? { from: content.period.from } : {}), until: content.period.until },
      totals: Object.fromEntries(AGGREGATE_TOTALS.map((m) => [m, copy(content.totals[m])])) as Record<AggregateTotal, Cell>,
      byMonth: content.byMonth.map((r) => ({ month: r.month, offered: copy(r.offered), claimed: copy(r.claimed), issued: copy(r.issued) }))
        .sort((a, b) => a.month < b.month ? -1 : a.month > b.month ? 1 : 0)
    }
    const held = newest.get(issuer)
    const newer = held === undefined || Date.parse(row.generatedAt) > Date.parse(held.generatedAt) ||
      (Date.parse(row.generatedAt) === Date.parse(held.generatedAt) && (row.sequence ?? 0) > (held.sequence ?? 0))
    if (newer) newest.set(issuer, row)
  }
  const rows = [...newest.values()].sort((a, b) => a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : 0)
  const totals = Object.fromEntries(AGGREGATE_TOTALS.map((m) => [m, sumCells(rows.map((r) => ({ issuer: r.issuer, cell: r.totals[m] })))])) as Record<AggregateTotal, SumCell>
  const months = [...new Set(rows.flatMap((r) => r.byMonth.map((m) => m.month)))].sort()
  const zero: Cell = { value: 0, suppressed: false }
  const byMonth = months.map((month) => {
    const of = (r: FederationRow): AggregateMonth | undefined => r.byMonth.find((m) => m.month === month)
    const cells = Object.fromEntries(AGGREGATE_MONTH_FIGURES.map((m) => [
      m, sumCells(rows.map((r) => ({ issuer: r.issuer, cell: of(r)?.[m] ?? zero })))
    ])) as Record<AggregateMonthFigure, SumCell>
    return { month, ...cells }
  })
  return {
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: MAX_SUPPRESSED_COUNT,
    nodes: rows.length,
    totals,
    byMonth,
    rows,
    rejected,
    leftOut: { untrusted: untrusted.length, rejected: rejected.length },
    untrusted: untrusted.sort((a, b) => a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : 0).slice(0, MAX_LISTED_UNTRUSTED)
  }
}
