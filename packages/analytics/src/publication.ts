/**
 * The versions of a node's aggregate over time, so that no version, nor any set of versions, gives
 * a suppressed count back by subtraction (docs/analytics.md, "Publication over time"):
 *
 * - a version covers closed months only (whole months, UTC, that have ended when it is taken);
 * - a closed month's figures, and the totals and learner counts of a period (the months up to a
 *   closed month), are taken once, when first published, and every later version shows them as
 *   they were then: records that change a published month later (a claim of its offers, a
 *   revocation) are in no aggregate;
 * - the suppression of a new period is decided knowing every period published before (`history`,
 *   kept by the node with the true figures of the hidden cells, never published).
 *
 *   const { content, added } = nextAggregate({ issuer: did, now: Date.now(), history, issuance, offers })
 *   // keep `added` in the history (first, synced), then sign and publish `content`
 */
import { MAX_SUPPRESSED_COUNT } from './constants.js'
import { aggregateId, AGGREGATE_MONTH_FIGURES, AGGREGATE_TOTALS } from './aggregates.js'
import type { AggregateContent, AggregateMonthFigure, AggregateTotal } from './aggregates.js'
import type { AnalyticsIssuance, AnalyticsOffer } from './analytics.js'
import { isSmall, suppressLearners } from './suppression.js'
import type { Cell } from './suppression.js'

/** A figure as the node published it: its true value, and whether it was shown. */
export interface PublishedFigure {
  value: number
  hidden: boolean
}

/** The node's private record of one published period (never published itself: it holds the true values of hidden figures). */
export interface PublishedPeriod {
  /** YYYY-MM: the last month the period covers (a closed month). */
  until: string
  /** The months first published with this period (after the previous period's `until`), in order. */
  months: Array<{ month: string } & Record<AggregateMonthFigure, PublishedFigure>>
  /** The totals of the period: the record counts are the sums of every month up to `until`. */
  totals: Record<AggregateTotal, PublishedFigure>
  /** When it was first published (ISO 8601). */
  publishedAt: string
}

export interface NextAggregateInput {
  issuer: string
  /** When the version is taken (ms since the epoch, or a Date). */
  now: number | Date
  /** Every period published before, oldest first (as `nextAggregate` returned them in `added`). */
  history: readonly PublishedPeriod[]
  issuance: Iterable<AnalyticsIssuance>
  offers: Iterable<AnalyticsOffer>
}

export interface NextAggregate {
  content: AggregateContent
  /** The period this version adds, to be kept in the history before the content is published; absent when no month closed since the last one. */
  added?: PublishedPeriod
}

const monthOf = (iso: string): string | undefined => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 7)
}
/** The month after a YYYY-MM. */
function nextMonth (month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}
/** The last month that has ended at `now` (UTC). */
export function lastClosedMonth (now: number): string {
  const d = new Date(now)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth() // 0-based: the current month is m + 1, the last closed one m
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`
}

/**
 * Which of a new period's record counts (one measure) to hide, knowing the periods before: the
 * months of each period, and its total (the sum of every month up to it). The shown totals cut
 * the months into blocks (from one shown total to the next); a block's hidden months are known
 * only by their sum. So: no block with a single hidden month, or hidden months that are all 1
 * (known from the sum, a hidden figure being at least 1); a hidden total with a hidden month on
 * either side of it in its block; and two shown totals that differ by 0 or more than the
 * threshold (their difference counts the records of the months between).
 */
function decideSeries (
  old: ReadonlyArray<{ months: readonly PublishedFigure[], total: PublishedFigure }>, months: readonly number[], total: number
): { months: boolean[], total: boolean } {
  const hideMonth = months.map(isSmall)
  let hideTotal = isSmall(total)
  let k = -1 // the last shown total before this period (-1: none, the sum of nothing, 0)
  for (let i = old.length - 1; i >= 0; i--) if (!(old[i] as { total: PublishedFigure }).total.hidden) { k = i; break }
  const shownBefore = k < 0 ? 0 : (old[k] as { total: PublishedFigure }).total.value
  const open = old.slice(k + 1)
  const oldHidden = open.flatMap((s) => s.months.filter((m) => m.hidden).map((m) => m.value))
  const hideOneMore = (): boolean => {
    let pick = -1
    months.forEach((v, i) => { if (!(hideMonth[i] as boolean) && v > 0 && (pick < 0 || v < (months[pick] as number))) pick = i })
    if (pick < 0) return false
    hideMonth[pick] = true
    return true
  }
  for (;;) {
    const newHidden = months.filter((_, i) => hideMonth[i])
    if (hideTotal) {
      // A hidden total needs a hidden month since the last shown total, or it is that total plus the shown months.
      if (oldHidden.length + newHidden.length === 0 && hideOneMore()) continue
      return { months: hideMonth, total: hideTotal }
    }
    const difference = total - shownBefore
    if (isSmall(Math.abs(difference))) { hideTotal = true; continue }
    const block = [...oldHidden, ...newHidden]
    let bad = block.length === 1 || (block.length > 1 && block.reduce((a, b) => a + b, 0) === block.length)
    // Every hidden total of the block needs a hidden month after it (up to this shown total).
    open.forEach((s, j) => {
      if (!s.total.hidden) return
      const after = open.slice(j + 1).some((later) => later.months.some((m) => m.hidden)) || newHidden.length > 0
      if (!after) bad = true
    })
    if (!bad) return { months: hideMonth, total: hideTotal }
    if (!hideOneMore()) hideTotal = true
  }
}

const cellOf = (f: PublishedFigure): Cell => f.hidden ? { value: null, suppressed: true } : { value: f.value, suppressed: false }

/** The content of the aggregate that shows these periods (the newest one's totals). */
export function aggregateOfPeriods (issuer: string, periods: readonly PublishedPeriod[], now: number): AggregateContent {
  const months = periods.flatMap((p) => p.months)
  const last = periods[periods.length - 1]
  const zero: PublishedFigure = { value: 0, hidden: false }
  const totals = last?.totals ?? Object.fromEntries(AGGREGATE_TOTALS.map((m) => [m, zero])) as Record<AggregateTotal, PublishedFigure>
  const until = last !== undefined ? `${nextMonth(last.until)}-01T00:00:00.000Z` : `${nextMonth(lastClosedMonth(now))}-01T00:00:00.000Z`
  return {
    id: aggregateId(issuer),
    period: { ...(months[0] !== undefined ? { from: months[0].month } : {}), until },
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: MAX_SUPPRESSED_COUNT,
    totals: Object.fromEntries(AGGREGATE_TOTALS.map((m) => [m, cellOf(totals[m])])) as Record<AggregateTotal, Cell>,
    byMonth: months.map((row) => ({ month: row.month, offered: cellOf(row.offered), claimed: cellOf(row.claimed), issued: cellOf(row.issued) }))
  }
}

/**
 * The next version of a node's aggregate: the periods published before as they were, and a new
 * period when a month closed since the last one (its months, its totals and learner counts,
 * suppressed knowing the periods before). Pure: the node keeps `added` in its history before it
 * publishes `content`.
 */
export function nextAggregate (input: NextAggregateInput): NextAggregate {
  if (input == null) throw new TypeError('nextAggregate: input is required')
  const now = input.now instanceof Date ? input.now.getTime() : input.now
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('nextAggregate: input.now must be a time')
  if (!Array.isArray(input.history)) throw new TypeError('nextAggregate: input.history must be an array')
  const history = input.history
  const until = lastClosedMonth(now)
  const previous = history[history.length - 1]
  if (previous !== undefined && previous.until >= until) return { content: aggregateOfPeriods(input.issuer, history, now) }

  // The months of the new period: after the last one published, from the first month ever shown
  // (or the first month with a record), up to the last closed month; a month with nothing is 0.
  const counts = new Map<string, Record<AggregateMonthFigure, number>>()
  const at = (month: string): Record<AggregateMonthFigure, number> => {
    let c = counts.get(month)
    if (c === undefined) { c = { offered: 0, claimed: 0, issued: 0 }; counts.set(month, c) }
    return c
  }
  for (const o of input.offers) {
    const month = monthOf(o.createdAt)
    if (month === undefined) continue
    at(month).offered++
    if (o.claimedAt != null) at(month).claimed++
  }
  const issuedIn: Array<{ month: string, subject: string }> = []
  for (const r of input.issuance) {
    const month = monthOf(r.issuedAt)
    if (month === undefined) continue
    at(month).issued++
    if (r.revoked !== true) issuedIn.push({ month, subject: r.subject })
  }
  const firstShown = history.find((p) => p.months.length > 0)?.months[0]?.month
  const firstRecord = [...counts.keys()].filter((m) => m <= until).sort()[0]
  const after = previous !== undefined ? nextMonth(previous.until) : undefined
  // Records of months published before (as nothing, when no month was shown yet) stay out.
  const start = firstShown !== undefined
    ? after
    : firstRecord === undefined
      ? undefined
      : after !== undefined && firstRecord < after ? (Array.from(counts.keys()).filter((m) => m >= after && m <= until).sort()[0]) : firstRecord
  const newMonths: string[] = []
  if (start !== undefined) for (let m = start; m <= until; m = nextMonth(m)) newMonths.push(m)

  const hidden = {} as Record<AggregateMonthFigure, { months: boolean[], total: boolean }>
  const totalValues = {} as Record<AggregateMonthFigure, number>
  for (const f of AGGREGATE_MONTH_FIGURES) {
    const values = newMonths.map((m) => counts.get(m)?.[f] ?? 0)
    const before = history.reduce((sum: number, p: PublishedPeriod) => sum + p.months.reduce((s: number, m) => s + m[f].value, 0), 0)
    totalValues[f] = before + values.reduce((a, b) => a + b, 0)
    hidden[f] = decideSeries(history.map((p: PublishedPeriod) => ({ months: p.months.map((m) => m[f]), total: p.totals[f] })), values, totalValues[f])
  }
  // Learners of the period: holding a badge of its months (those published) that is not revoked now.
  const first = firstShown ?? newMonths[0]
  const held = new Map<string, number>()
  for (const r of issuedIn) if (first !== undefined && r.month >= first && r.month <= until) held.set(r.subject, (held.get(r.subject) ?? 0) + 1)
  const learners = held.size
  const more = [...held.values()].filter((n) => n >= 2).length
  const people = suppressLearners(learners, more, history.map((p) => ({ learners: p.totals.learners, more: p.totals.learnersWithMoreThanOne })))

  const added: PublishedPeriod = {
    until,
    months: newMonths.map((month, i) => ({
      month,
      ...Object.fromEntries(AGGREGATE_MONTH_FIGURES.map((f) => [
        f, { value: counts.get(month)?.[f] ?? 0, hidden: hidden[f].months[i] as boolean }
      ])) as Record<AggregateMonthFigure, PublishedFigure>
    })),
    totals: {
      offered: { value: totalValues.offered, hidden: hidden.offered.total },
      claimed: { value: totalValues.claimed, hidden: hidden.claimed.total },
      issued: { value: totalValues.issued, hidden: hidden.issued.total },
      learners: { value: learners, hidden: people.learners },
      learnersWithMoreThanOne: { value: more, hidden: people.more }
    },
    publishedAt: new Date(now).toISOString()
  }
  return { content: aggregateOfPeriods(input.issuer, [...history, added], now), added }
}
