/**
 * City analytics (issue 5, point 6): the figures of a node computed from its own issuance log and
 * offers alone, as pure functions over records (no HTTP, no store here). Nothing personal goes
 * out: no learner DID, name or email, no credential id, no offer id. Learners are only ever
 * counted, never listed. The keys of the rows are achievement ids, issuer DIDs (organisations),
 * pathway ids, months (YYYY-MM) and areas.
 *
 *   const analytics = await computeAnalytics({ issuance: store.issuance.values(), offers, achievements, now: Date.now() })
 *   const csv = toCsv(analytics)
 *
 * What is counted
 *
 *   offered   offers made (an offer record), counted in the month of its `createdAt`
 *   claimed   of those offers, the ones claimed (`claimedAt` set); counted in the month the offer
 *             was made, so that claimed / offered is the claim rate of that month's offers
 *   claimRate claimed / offered (null when nothing was offered)
 *   issued    credentials issued (issuance records, by claim or directly), month of `issuedAt`
 *   revoked   of those, the ones revoked now
 *   learners  (totals only) distinct learners holding a badge that is not revoked
 *   learnersWithMoreThanOne (totals only) distinct learners holding two or more badges that are
 *             not revoked
 *   pathways  per pathway (an "all of" set of achievements): learners who completed it (hold a
 *             badge, not revoked, of every achievement of it) and learners who progressed (hold at
 *             least one, not all)
 *
 * Open and expired offers are not reported: with offered and claimed shown, either would give the
 * other by subtraction, and small counts would come back that way.
 *
 * Suppression (so that no person can be singled out)
 *
 *   Primary: every count from 1 to MAX_SUPPRESSED_COUNT (4) is reported as `{ value: null,
 *   suppressed: true }`. 0 is shown as 0 (nobody is in it), 5 and more as they are.
 *
 *   Secondary (against differencing): within a breakdown (by achievement, issuer, month, area),
 *   each measure is a column whose total is shown in `totals` when the total itself is not
 *   suppressed. If exactly one cell of such a column is suppressed, total minus the others would
 *   give it back; so the next smallest cell of the column that is not 0 and not suppressed is
 *   suppressed too (ties: the first in the row order). A 0 is never the one chosen: hiding a 0
 *   beside a small count would leave their sum equal to the small count. The pathway breakdown
 *   has no total (pathways overlap), so only primary suppression applies there.
 *
 *   Derived: a claim rate is suppressed when its claimed or its offered count is suppressed
 *   (primarily or secondarily).
 *
 *   Known limit: suppression is per column of one breakdown. Breakdowns are linked (an area or an
 *   issuer is the sum of its achievements), and the cells hidden in one table are not hidden in
 *   the others on purpose; publishing several breakdowns together leaves that differencing open.
 */
import type { IssuanceRecord } from '@cofl/store'
import { csvLine } from './csv.js'

/** Counts from 1 to this are suppressed. */
export const MAX_SUPPRESSED_COUNT = 4

/** The area of an achievement whose place is not known. */
export const UNKNOWN_AREA = 'unknown'

/**
 * One figure. `suppressed: true` always comes with `value: null`. `value: null` with
 * `suppressed: false` only for a claim rate of nothing offered.
 */
export interface Cell {
  value: number | null
  suppressed: boolean
}

/** The few fields of an offer record (node/src/offers.ts OfferRecord) that analytics reads. */
export interface AnalyticsOffer {
  achievementId: string
  createdAt: string
  claimedAt?: string
}

/** The few fields of an issuance record that analytics reads. */
export type AnalyticsIssuance = Pick<IssuanceRecord, 'achievementId' | 'subject' | 'issuedAt' | 'revoked'>

export interface AnalyticsAchievement {
  name?: string
  /** The issuer's DID. */
  issuer: string
  /** The area where it happens (a district, a neighbourhood), when known. */
  area?: string
}

export interface AnalyticsInput {
  issuance: Iterable<AnalyticsIssuance> | AsyncIterable<AnalyticsIssuance>
  offers: Iterable<AnalyticsOffer> | AsyncIterable<AnalyticsOffer>
  /** key: achievement id. Records of achievements not in it count under issuer and area "unknown". */
  achievements: ReadonlyMap<string, AnalyticsAchievement>
  /** key: pathway id; value: the achievement ids it requires (all of them). */
  pathways?: ReadonlyMap<string, readonly string[]>
  /** When the figures are taken (ms since the epoch, or a Date). */
  now: number | Date
}

export const MEASURES = ['offered', 'claimed', 'claimRate', 'issued', 'revoked'] as const
export type Measure = typeof MEASURES[number]
const COUNTS = ['offered', 'claimed', 'issued', 'revoked'] as const
type Count = typeof COUNTS[number]

export interface Totals extends Record<Measure, Cell> {
  learners: Cell
  learnersWithMoreThanOne: Cell
}

export interface Row extends Record<Measure, Cell> {
  /** Achievement id, issuer DID, YYYY-MM or area. */
  key: string
  /** The achievement's name (by achievement only). */
  label?: string
}

export interface PathwayRow {
  key: string
  completed: Cell
  progressed: Cell
}

export interface Analytics {
  generatedAt: string
  /** Counts from 1 to this are suppressed. */
  suppressionThreshold: number
  totals: Totals
  byAchievement: Row[]
  byIssuer: Row[]
  byMonth: Row[]
  byArea: Row[]
  byPathway: PathwayRow[]
}

export const BREAKDOWNS = ['byAchievement', 'byIssuer', 'byMonth', 'byArea'] as const

type RawRow = Record<Count, number>

const zero = (): RawRow => ({ offered: 0, claimed: 0, issued: 0, revoked: 0 })

/** A count as reported: primary suppression applied. */
export function countCell (n: number): Cell {
  return n >= 1 && n <= MAX_SUPPRESSED_COUNT ? { value: null, suppressed: true } : { value: n, suppressed: false }
}

const hidden: Cell = { value: null, suppressed: true }

function rateCell (claimed: Cell, offered: Cell): Cell {
  if (claimed.suppressed || offered.suppressed) return hidden
  if (offered.value === 0 || offered.value === null || claimed.value === null) return { value: null, suppressed: false }
  return { value: claimed.value / offered.value, suppressed: false }
}

function month (iso: string): string {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? 'unknown' : new Date(t).toISOString().slice(0, 7)
}

function bump (rows: Map<string, RawRow>, key: string, measure: Count): void {
  let row = rows.get(key)
  if (row === undefined) { row = zero(); rows.set(key, row) }
  row[measure]++
}

/**
 * The cells of one column of a breakdown, with primary and secondary suppression (see the
 * comment at the top). `totalShown`: the column's total is reported unsuppressed.
 */
export function suppressColumn (values: readonly number[], totalShown: boolean): Cell[] {
  const cells = values.map(countCell)
  const primary = cells.filter((c) => c.suppressed).length
  if (primary === 1 && totalShown) {
    let pick = -1
    values.forEach((v, i) => {
      if (cells[i]?.suppressed === true || v === 0) return
      if (pick === -1 || v < (values[pick] as number)) pick = i
    })
    if (pick !== -1) cells[pick] = hidden
  }
  return cells
}

function finishRows (raw: Map<string, RawRow>, order: string[], totals: Totals, label?: (key: string) => string | undefined): Row[] {
  const columns = {} as Record<Count, Cell[]>
  for (const m of COUNTS) {
    columns[m] = suppressColumn(order.map((k) => raw.get(k)?.[m] ?? 0), !totals[m].suppressed)
  }
  return order.map((key, i) => {
    const cell = (m: Count): Cell => columns[m][i] as Cell
    const name = label?.(key)
    return {
      key,
      ...(name !== undefined ? { label: name } : {}),
      offered: cell('offered'),
      claimed: cell('claimed'),
      claimRate: rateCell(cell('claimed'), cell('offered')),
      issued: cell('issued'),
      revoked: cell('revoked')
    }
  })
}

async function * each<T> (source: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield * source
}

/** The figures of a node from its issuance log and offers, suppressed (see the top of this file). */
export async function computeAnalytics (input: AnalyticsInput): Promise<Analytics> {
  if (input == null) throw new TypeError('computeAnalytics: input is required')
  const { achievements } = input
  if (!(achievements instanceof Map)) throw new TypeError('computeAnalytics: input.achievements must be a Map')
  const now = input.now instanceof Date ? input.now.getTime() : input.now
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('computeAnalytics: input.now must be a time')

  const issuerOf = (id: string): string => achievements.get(id)?.issuer ?? 'unknown'
  const areaOf = (id: string): string => achievements.get(id)?.area ?? UNKNOWN_AREA

  const total = zero()
  const byAchievement = new Map<string, RawRow>()
  const byIssuer = new Map<string, RawRow>()
  const byMonth = new Map<string, RawRow>()
  const byArea = new Map<string, RawRow>()
  const count = (achievementId: string, when: string, measure: Count): void => {
    total[measure]++
    bump(byAchievement, achievementId, measure)
    bump(byIssuer, issuerOf(achievementId), measure)
    bump(byMonth, month(when), measure)
    bump(byArea, areaOf(achievementId), measure)
  }

  for await (const offer of each(input.offers)) {
    count(offer.achievementId, offer.createdAt, 'offered')
    if (offer.claimedAt != null) count(offer.achievementId, offer.createdAt, 'claimed')
  }

  // Per learner: the achievements held (not revoked), and how many badges. Kept in memory only
  // for the count; the subjects never reach the result.
  const held = new Map<string, { badges: number, achievements: Set<string> }>()
  for await (const record of each(input.issuance)) {
    count(record.achievementId, record.issuedAt, 'issued')
    if (record.revoked === true) { count(record.achievementId, record.issuedAt, 'revoked'); continue }
    let learner = held.get(record.subject)
    if (learner === undefined) { learner = { badges: 0, achievements: new Set() }; held.set(record.subject, learner) }
    learner.badges++
    learner.achievements.add(record.achievementId)
  }

  let moreThanOne = 0
  for (const learner of held.values()) if (learner.badges >= 2) moreThanOne++

  const totalCells = {} as Record<Count, Cell>
  for (const m of COUNTS) totalCells[m] = countCell(total[m])
  const totals: Totals = {
    offered: totalCells.offered,
    claimed: totalCells.claimed,
    claimRate: rateCell(totalCells.claimed, totalCells.offered),
    issued: totalCells.issued,
    revoked: totalCells.revoked,
    learners: countCell(held.size),
    learnersWithMoreThanOne: countCell(moreThanOne)
  }

  // Every known achievement has a row (0 when nothing happened), then the unknown ones seen.
  const achievementOrder = [...new Set([...[...achievements.keys()].sort(), ...[...byAchievement.keys()].sort()])]
  const issuerOrder = [...new Set([...[...achievements.values()].map((a) => a.issuer).sort(), ...[...byIssuer.keys()].sort()])]
  const areaKeys = [...new Set([...[...achievements.values()].flatMap((a) => a.area !== undefined ? [a.area] : []), ...byArea.keys()])]
  const areaOrder = [...areaKeys.filter((a) => a !== UNKNOWN_AREA).sort(), ...areaKeys.filter((a) => a === UNKNOWN_AREA)]
  const monthOrder = [...byMonth.keys()].sort()

  const byPathway: PathwayRow[] = []
  for (const [key, required] of [...(input.pathways ?? new Map<string, readonly string[]>())].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    const need = new Set(required)
    let completed = 0
    let progressed = 0
    for (const learner of held.values()) {
      let has = 0
      for (const id of need) if (learner.achievements.has(id)) has++
      if (need.size > 0 && has === need.size) completed++
      else if (has > 0) progressed++
    }
    byPathway.push({ key, completed: countCell(completed), progressed: countCell(progressed) })
  }

  return {
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: MAX_SUPPRESSED_COUNT,
    totals,
    byAchievement: finishRows(byAchievement, achievementOrder, totals, (id) => achievements.get(id)?.name),
    byIssuer: finishRows(byIssuer, issuerOrder, totals),
    byMonth: finishRows(byMonth, monthOrder, totals),
    byArea: finishRows(byArea, areaOrder, totals),
    byPathway
  }
}

/** The header of the CSV of toCsv. */
export const CSV_HEADER = ['breakdown', 'key', 'label', 'measure', 'value', 'suppressed'] as const

// A text field that a spreadsheet would run as a formula is written with a leading quote.
const inert = (text: string): string => /^[=+\-@\t\r]/.test(text) ? `'${text}` : text

/**
 * The analytics as one CSV (RFC 4180, CRLF): a header row, then one row per figure in long form
 * (`breakdown,key,label,measure,value,suppressed`), so that every breakdown sits in one file and a
 * spreadsheet pivots it. `breakdown` is `totals`, `byAchievement`, `byIssuer`, `byMonth`, `byArea`
 * or `byPathway`; a suppressed figure has an empty value and `suppressed` = `true`; a claim rate of
 * nothing offered has an empty value and `suppressed` = `false`.
 */
export function toCsv (analytics: Analytics): string {
  const line = (breakdown: string, key: string, label: string, measure: string, cell: Cell): string =>
    csvLine([breakdown, inert(key), inert(label), measure, cell.value === null ? '' : String(cell.value), cell.suppressed ? 'true' : 'false'])
  let out = csvLine([...CSV_HEADER])
  const t = analytics.totals
  for (const m of [...MEASURES, 'learners', 'learnersWithMoreThanOne'] as const) out += line('totals', '', '', m, t[m])
  for (const breakdown of BREAKDOWNS) {
    for (const row of analytics[breakdown]) {
      for (const m of MEASURES) out += line(breakdown, row.key, row.label ?? '', m, row[m])
    }
  }
  for (const row of analytics.byPathway) {
    out += line('byPathway', row.key, '', 'completed', row.completed)
    out += line('byPathway', row.key, '', 'progressed', row.progressed)
  }
  return out
}
