/**
 * City analytics: the figures of a node computed from its own issuance log and offers alone, as
 * pure functions over records (no HTTP, no store here), with small counts suppressed. Nothing
 * personal goes out: learners are counted, never listed. What is counted, the breakdowns and the
 * rules of suppression: docs/analytics.md.
 *
 *   const analytics = await computeAnalytics({ issuance: store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values(), offers, achievements, pathways, now: Date.now() })
 *   const csv = toCsv(analytics)
 */
import type { IssuanceRecord } from '@cofl/store'
import { MAX_SUPPRESSED_COUNT, SUPPRESSION_WEIGHTS, UNKNOWN_AREA } from './constants.js'
import { csvLine } from './csv.js'
import { countCell, COUNTS, suppressLearners, suppressLinked } from './suppression.js'
import type { Cell, Count } from './suppression.js'

/** The few fields of an offer record (a node's offers to learners) that analytics reads. */
export interface AnalyticsOffer {
  achievementId: string
  createdAt: string
  claimedAt?: string
}

/** The few fields of an issuance record that analytics reads. */
export type AnalyticsIssuance = Pick<IssuanceRecord, 'achievementId' | 'subject' | 'issuedAt' | 'revoked'> & {
  /** A pathway badge awarded on claim: the pathway whose completion awarded it. */
  pathwayId?: string
}

export interface AnalyticsAchievement {
  name?: string
  /** The issuer's DID. */
  issuer: string
  /** The area where it happens (a district, a neighbourhood), when known. */
  area?: string
}

/** A pathway as analytics reads it. */
export interface AnalyticsPathway {
  name?: string
  /**
   * The achievement ids that count for it: its requirement leaves (destination) or suggested
   * achievements (interest), and its award. The achievement of a record whose `pathwayId` names
   * the pathway counts for it too.
   */
  achievements: readonly string[]
  /**
   * Whether a learner holding these achievements (not revoked) completed it. Default: holds every
   * one of `achievements`. A learner holding a badge awarded for the pathway (a record with its
   * `pathwayId`, not revoked) completed it either way.
   */
  complete?: (held: ReadonlySet<string>) => boolean
}

export interface AnalyticsInput {
  issuance: Iterable<AnalyticsIssuance> | AsyncIterable<AnalyticsIssuance>
  offers: Iterable<AnalyticsOffer> | AsyncIterable<AnalyticsOffer>
  /** key: achievement id. Records of achievements not in it count under issuer and area "unknown". */
  achievements: ReadonlyMap<string, AnalyticsAchievement>
  /** key: pathway id. A `pathwayId` of a record that is not in it gets a row of its own. */
  pathways?: ReadonlyMap<string, AnalyticsPathway>
  /** When the figures are taken (ms since the epoch, or a Date). */
  now: number | Date
  /**
   * How many credentials the node's published revocation lists show revoked (their set bits):
   * public. When the revoked total is that figure, it is shown, and the suppression of the other
   * revoked figures treats it as known (docs/analytics.md, "Public figures").
   */
  publicRevoked?: number
}

export const MEASURES = ['offered', 'claimed', 'claimRate', 'issued', 'revoked'] as const
export type Measure = typeof MEASURES[number]

export interface Totals extends Record<Measure, Cell> {
  learners: Cell
  learnersWithMoreThanOne: Cell
}

export interface Row extends Record<Measure, Cell> {
  /** Achievement id, issuer DID, YYYY-MM, area or pathway id. */
  key: string
  /** The achievement's or the pathway's name (by achievement and by pathway only). */
  label?: string
}

export interface PathwayRow extends Row {
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

const hidden: Cell = { value: null, suppressed: true }

function rateCell (claimed: Cell, offered: Cell): Cell {
  if (claimed.suppressed || offered.suppressed) return { ...hidden }
  if (offered.value === 0 || offered.value === null || claimed.value === null) return { value: null, suppressed: false }
  return { value: claimed.value / offered.value, suppressed: false }
}

function month (iso: string): string {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? 'unknown' : new Date(t).toISOString().slice(0, 7)
}

async function * each<T> (source: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield * source
}

const compare = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

type Table = 'achievement' | 'issuer' | 'area' | 'pathway' | 'month' | 'total'

/** The figures of a node from its issuance log and offers, suppressed (docs/analytics.md). */
export async function computeAnalytics (input: AnalyticsInput): Promise<Analytics> {
  if (input == null) throw new TypeError('computeAnalytics: input is required')
  const { achievements } = input
  if (!(achievements instanceof Map)) throw new TypeError('computeAnalytics: input.achievements must be a Map')
  const pathways = input.pathways ?? new Map<string, AnalyticsPathway>()
  if (!(pathways instanceof Map)) throw new TypeError('computeAnalytics: input.pathways must be a Map')
  const now = input.now instanceof Date ? input.now.getTime() : input.now
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('computeAnalytics: input.now must be a time')

  // Read the records once; keep only what is counted. Subjects stay in memory for the learner
  // counts and never reach the result.
  const offers: Array<{ achievementId: string, month: string, claimed: boolean }> = []
  for await (const offer of each(input.offers)) {
    offers.push({ achievementId: offer.achievementId, month: month(offer.createdAt), claimed: offer.claimedAt != null })
  }
  const records: Array<{ achievementId: string, month: string, revoked: boolean, subject: string, pathwayId?: string }> = []
  for await (const record of each(input.issuance)) {
    records.push({
      achievementId: record.achievementId,
      month: month(record.issuedAt),
      revoked: record.revoked === true,
      subject: record.subject,
      ...(typeof record.pathwayId === 'string' ? { pathwayId: record.pathwayId } : {})
    })
  }

  const issuerOf = (id: string): string => achievements.get(id)?.issuer ?? 'unknown'
  const areaOf = (id: string): string => achievements.get(id)?.area ?? UNKNOWN_AREA

  // Rows: every known achievement (0 when nothing happened), then the unknown ones seen.
  const seen = [...offers.map((o) => o.achievementId), ...records.map((r) => r.achievementId)]
  const achievementOrder = [...new Set([...[...achievements.keys()].sort(compare), ...[...new Set(seen)].sort(compare)])]
  const issuerOrder = [...new Set([...[...achievements.values()].map((a) => a.issuer).sort(compare), ...achievementOrder.map(issuerOf).sort(compare)])]
  const areaKeys = [...new Set([...[...achievements.values()].flatMap((a) => a.area !== undefined ? [a.area] : []), ...achievementOrder.map(areaOf)])]
  const areaOrder = [...areaKeys.filter((a) => a !== UNKNOWN_AREA).sort(compare), ...areaKeys.filter((a) => a === UNKNOWN_AREA)]
  const monthOrder = [...new Set([...offers.map((o) => o.month), ...records.map((r) => r.month)])].sort(compare)

  // Pathways: the given ones, and any a record names; the achievements that count for each.
  const pathwayAchievements = new Map<string, Set<string>>()
  for (const [id, pathway] of pathways) pathwayAchievements.set(id, new Set(pathway.achievements))
  for (const r of records) {
    if (r.pathwayId === undefined) continue
    let set = pathwayAchievements.get(r.pathwayId)
    if (set === undefined) { set = new Set(); pathwayAchievements.set(r.pathwayId, set) }
    set.add(r.achievementId)
  }
  const pathwayOrder = [...pathwayAchievements.keys()].sort(compare)

  // Cells: achievements, issuers, areas, pathways, months, total.
  const tableOf: Table[] = []
  const addCell = (table: Table): number => tableOf.push(table) - 1
  const achievementCell = achievementOrder.map(() => addCell('achievement'))
  const issuerCell = new Map(issuerOrder.map((k) => [k, addCell('issuer')]))
  const areaCell = new Map(areaOrder.map((k) => [k, addCell('area')]))
  const pathwayCell = new Map(pathwayOrder.map((k) => [k, addCell('pathway')]))
  const monthCell = monthOrder.map(() => addCell('month'))
  const totalCell = addCell('total')

  const rowOf = new Map(achievementOrder.map((id, r) => [id, r]))
  const monthIndex = new Map(monthOrder.map((m, t) => [m, t]))
  const rowCells = achievementOrder.map((id, r) => {
    const cells = [achievementCell[r] as number, issuerCell.get(issuerOf(id)) as number, areaCell.get(areaOf(id)) as number]
    for (const p of pathwayOrder) if (pathwayAchievements.get(p)?.has(id) === true) cells.push(pathwayCell.get(p) as number)
    return cells
  })

  const atoms = {} as Record<Count, number[][]>
  for (const m of COUNTS) atoms[m] = achievementOrder.map(() => monthOrder.map(() => 0))
  const bump = (m: Count, achievementId: string, monthKey: string): void => {
    const row = atoms[m][rowOf.get(achievementId) as number] as number[]
    row[monthIndex.get(monthKey) as number]!++
  }
  for (const o of offers) {
    bump('offered', o.achievementId, o.month)
    if (o.claimed) bump('claimed', o.achievementId, o.month)
  }
  for (const r of records) {
    bump('issued', r.achievementId, r.month)
    if (r.revoked) bump('revoked', r.achievementId, r.month)
  }

  const values = {} as Record<Count, number[]>
  for (const m of COUNTS) {
    const v = tableOf.map(() => 0)
    achievementOrder.forEach((_, r) => {
      monthOrder.forEach((_, t) => {
        const n = atoms[m][r]?.[t] ?? 0
        if (n === 0) return
        for (const k of rowCells[r] as number[]) v[k]! += n
        v[monthCell[t] as number]! += n
        v[totalCell]! += n
      })
    })
    values[m] = v
  }

  const publicRevoked = input.publicRevoked
  const knownRevoked = typeof publicRevoked === 'number' && publicRevoked === values.revoked[totalCell]
  const hide = suppressLinked(
    { rowCells, monthCell, totalCell, weight: tableOf.map((t) => SUPPRESSION_WEIGHTS[t]), atoms }, values,
    knownRevoked ? { known: { revoked: [totalCell] } } : {}
  )
  const cell = (m: Count, k: number): Cell => hide[m][k] === true ? { ...hidden } : { value: values[m][k] as number, suppressed: false }
  const row = (key: string, k: number, label?: string): Row => ({
    key,
    ...(label !== undefined ? { label } : {}),
    offered: cell('offered', k),
    claimed: cell('claimed', k),
    claimRate: rateCell(cell('claimed', k), cell('offered', k)),
    issued: cell('issued', k),
    revoked: cell('revoked', k)
  })

  // Learners: the achievements each holds (not revoked), how many badges, and the pathways whose
  // badge they were awarded.
  const held = new Map<string, { badges: number, achievements: Set<string>, awarded: Set<string> }>()
  for (const r of records) {
    if (r.revoked) continue
    let learner = held.get(r.subject)
    if (learner === undefined) { learner = { badges: 0, achievements: new Set(), awarded: new Set() }; held.set(r.subject, learner) }
    learner.badges++
    learner.achievements.add(r.achievementId)
    if (r.pathwayId !== undefined) learner.awarded.add(r.pathwayId)
  }
  let moreThanOne = 0
  for (const learner of held.values()) if (learner.badges >= 2) moreThanOne++

  const byPathway: PathwayRow[] = pathwayOrder.map((key) => {
    const given = pathways.get(key)
    const counted = pathwayAchievements.get(key) as Set<string>
    const complete = given?.complete ?? ((have: ReadonlySet<string>) => counted.size > 0 && [...counted].every((id) => have.has(id)))
    let completed = 0
    let progressed = 0
    for (const learner of held.values()) {
      if (learner.awarded.has(key) || complete(learner.achievements)) completed++
      else if ([...counted].some((id) => learner.achievements.has(id))) progressed++
    }
    // completed + progressed are the learners holding any of its achievements, which other
    // figures can give (the learners, a row's issued): when one is small, both are hidden.
    const either = countCell(completed).suppressed || countCell(progressed).suppressed
    const people = (n: number): Cell => either ? { ...hidden } : countCell(n)
    return { ...row(key, pathwayCell.get(key) as number, given?.name), completed: people(completed), progressed: people(progressed) }
  })

  const totalRow = row('', totalCell)
  const people = suppressLearners(held.size, moreThanOne)
  return {
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: MAX_SUPPRESSED_COUNT,
    totals: {
      offered: totalRow.offered,
      claimed: totalRow.claimed,
      claimRate: totalRow.claimRate,
      issued: totalRow.issued,
      revoked: totalRow.revoked,
      learners: people.learners ? { ...hidden } : countCell(held.size),
      learnersWithMoreThanOne: people.more ? { ...hidden } : countCell(moreThanOne)
    },
    byAchievement: achievementOrder.map((key, r) => row(key, achievementCell[r] as number, achievements.get(key)?.name)),
    byIssuer: issuerOrder.map((key) => row(key, issuerCell.get(key) as number)),
    byMonth: monthOrder.map((key, t) => row(key, monthCell[t] as number)),
    byArea: areaOrder.map((key) => row(key, areaCell.get(key) as number)),
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
    for (const m of [...MEASURES, 'completed', 'progressed'] as const) out += line('byPathway', row.key, row.label ?? '', m, row[m])
  }
  return out
}
