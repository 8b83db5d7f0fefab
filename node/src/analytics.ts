/**
 * City analytics (issue 5, point 6): the figures of a node computed from its own issuance log and
 * offers alone, as pure functions over records (no HTTP, no store here). Nothing personal goes
 * out: no learner DID, name or email, no credential id, no offer id. Learners are only ever
 * counted, never listed. The keys of the rows are achievement ids, issuer DIDs (organisations),
 * pathway ids, months (YYYY-MM) and areas.
 *
 *   const analytics = await computeAnalytics({ issuance: store.issuance.values(), offers, achievements, pathways, now: Date.now() })
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
 *
 * The breakdowns of offered, claimed, issued and revoked: by achievement, by issuer (of the
 * achievement), by area (of the achievement's place), by month, and by pathway. A pathway's row
 * sums the records of the achievements that count for it (its requirement leaves or suggested
 * achievements, its award, and the achievement of any record whose `pathwayId` names it: see
 * AnalyticsPathway); pathways overlap, so their rows do not add up to anything. A pathway row also
 * has `completed` (learners who completed it, or hold a badge awarded for it) and `progressed`
 * (learners who hold at least one of its achievements and did not complete it).
 *
 * Open and expired offers are not reported: with offered and claimed shown, either would give the
 * other by subtraction, and small counts would come back that way.
 *
 * Suppression (so that no person can be singled out)
 *
 *   Primary: every count from 1 to MAX_SUPPRESSED_COUNT (4) is reported as `{ value: null,
 *   suppressed: true }`. 0 is shown as 0 (nobody is in it), 5 and more as they are, unless
 *   hidden by the complementary suppression below. A 0 is never hidden, so a hidden cell is known
 *   to be at least 1.
 *
 *   Complementary, across all the tables at once. The record counts are linked: for each measure,
 *   an issuer's, an area's and a pathway's figure and the grand total are sums of achievement
 *   figures, and the months add up to the grand total too. Hiding a small count in one table is
 *   worthless if another table, or a total minus the figures shown, gives it back. The rule: every
 *   primary-suppressed count must have a *witness*, another set of records that gives exactly the
 *   same shown figures (every table, every measure) in which that count is different. The witness
 *   is a change of one or two records, so that it is a real set of records (a claim is of an
 *   offer, a revocation of a credential): add or remove an offer or a credential, claim or
 *   unclaim an offer, revoke or restore a credential, or move one such record from one
 *   achievement or month to another. Every figure the change touches must be hidden, and stay at
 *   least 1 in the witness (a hidden figure is never 0). For each small count in turn, the search
 *   (findWitness) looks at every such change and takes the one that hides the least that is not
 *   hidden already: nothing when a witness exists among the hidden cells, else the cheapest cells
 *   (weights: achievement or month 1, pathway 2, issuer or area 4, grand total 1000, plus the
 *   figure itself, so that smaller figures go first). Hiding more never breaks a witness found
 *   before, so one pass protects every small count. No subtraction, nor any other reasoning over
 *   the shown figures and the facts every set of records obeys (claimed <= offered, revoked <=
 *   issued, a hidden figure is >= 1), can tell the two sets of records apart, so none can recover
 *   a suppressed count exactly. node/test/analytics.test.ts checks it with an adversary that solves
 *   every linear combination of the shown figures on generated logs.
 *
 *   The search only tries changes of one or two records, so it may hide more than a minimal
 *   pattern would (a month beside an achievement, when the two records that would stand in for
 *   each other lie in different months). That costs figures, never protection.
 *
 *   Derived: a claim rate is suppressed when its claimed or its offered count is suppressed.
 *
 *   Counts of learners (learners, learnersWithMoreThanOne, a pathway's completed and progressed)
 *   are of people, not of records: they are not sums of one another or of the record counts, so
 *   they get primary suppression only. Limits: they are outside the witness (its changes of
 *   records may change them), and a suppression rule that someone knows in full can tell more
 *   than the figures alone (which cell was the cheapest); neither gives a suppressed count back by
 *   subtraction.
 */
import type { IssuanceRecord } from '@cofl/store'
import { csvLine } from './csv.js'

/** Counts from 1 to this are suppressed. */
export const MAX_SUPPRESSED_COUNT = 4

/** The area of an achievement whose place is not known. */
export const UNKNOWN_AREA = 'unknown'

/** The cost of hiding a figure of each table (plus the figure itself): see the top of this file. */
export const SUPPRESSION_WEIGHTS = { achievement: 1, month: 1, pathway: 2, issuer: 4, area: 4, total: 1000 } as const

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
}

export const MEASURES = ['offered', 'claimed', 'claimRate', 'issued', 'revoked'] as const
export type Measure = typeof MEASURES[number]
/** The measures that are counts of records (claimRate is derived from two of them). */
export const COUNTS = ['offered', 'claimed', 'issued', 'revoked'] as const
export type Count = typeof COUNTS[number]

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

/** A count as reported: primary suppression applied. */
export function countCell (n: number): Cell {
  return n >= 1 && n <= MAX_SUPPRESSED_COUNT ? { value: null, suppressed: true } : { value: n, suppressed: false }
}

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

// ---- complementary suppression across linked tables ---------------------------------------------

/**
 * The linked tables of the record counts, as the suppression sees them. A record falls in one
 * atom: (row, month), a row being an achievement. Every published figure is a cell: the
 * achievement-side cells of a row (its own, its issuer's, its area's, its pathways'), the cell of
 * each month, and the grand total, which holds every atom.
 */
export interface LinkedTables {
  /** Per row: the ids of the achievement-side cells that hold it (its own first), no duplicates. */
  rowCells: ReadonlyArray<readonly number[]>
  /** Per month: the id of its cell. */
  monthCell: readonly number[]
  totalCell: number
  /** Per cell: the cost of hiding it (SUPPRESSION_WEIGHTS), the figure is added. */
  weight: readonly number[]
  /** Per measure: the records of each atom, [row][month]. */
  atoms: Readonly<Record<Count, ReadonlyArray<readonly number[]>>>
}

/** How a witness changes records, and which measures that touches. */
type Change = Count | 'offered+claimed' | 'issued+revoked'
const CHANGE_MEASURES: Record<Change, readonly Count[]> = {
  offered: ['offered'], // add or remove an offer not claimed
  claimed: ['claimed'], // claim or unclaim an offer
  'offered+claimed': ['offered', 'claimed'], // add or remove a claimed offer
  issued: ['issued'], // add or remove a credential not revoked
  revoked: ['revoked'], // revoke or restore a credential
  'issued+revoked': ['issued', 'revoked'] // add or remove a revoked credential
}
const CHANGES_FOR: Record<Count, readonly Change[]> = {
  offered: ['offered', 'offered+claimed'],
  claimed: ['claimed', 'offered+claimed'],
  issued: ['issued', 'issued+revoked'],
  revoked: ['revoked', 'issued+revoked']
}

/** A witness: records changed by `delta` at atoms, and the cells whose figure that changes. */
export interface Witness {
  change: Change
  atoms: Array<{ row: number, month: number, delta: 1 | -1 }>
  cells: Array<[cell: number, delta: number]>
  /** What it hid that was not hidden already. */
  cost: number
}

/**
 * Which cells to hide, per measure: primary suppression, then complementary suppression until
 * every small count has a witness (see the top of this file). `values[m][cell]` are the true
 * figures, which must be the sums of the atoms.
 */
export function suppressLinked (tables: LinkedTables, values: Readonly<Record<Count, readonly number[]>>): Record<Count, boolean[]> {
  const { rowCells, monthCell, totalCell, weight, atoms } = tables
  const cellCount = weight.length
  const rows = rowCells.length
  const months = monthCell.length
  const rowSets = rowCells.map((cells) => new Set(cells))
  const monthOf = new Map(monthCell.map((cell, t) => [cell, t]))
  const isPrimary = (v: number): boolean => v >= 1 && v <= MAX_SUPPRESSED_COUNT
  const hide = {} as Record<Count, boolean[]>
  for (const m of COUNTS) hide[m] = Array.from({ length: cellCount }, (_, k) => isPrimary(values[m][k] as number))

  const at = (m: Count, r: number, t: number): number => atoms[m][r]?.[t] ?? 0
  /** The change can be made at this atom: there is a record to remove or to change. */
  function possible (change: Change, r: number, t: number, delta: number): boolean {
    switch (change) {
      case 'offered': return delta > 0 || at('offered', r, t) - at('claimed', r, t) >= 1
      case 'claimed': return delta > 0 ? at('offered', r, t) - at('claimed', r, t) >= 1 : at('claimed', r, t) >= 1
      case 'offered+claimed': return delta > 0 || at('claimed', r, t) >= 1
      case 'issued': return delta > 0 || at('issued', r, t) - at('revoked', r, t) >= 1
      case 'revoked': return delta > 0 ? at('issued', r, t) - at('revoked', r, t) >= 1 : at('revoked', r, t) >= 1
      case 'issued+revoked': return delta > 0 || at('revoked', r, t) >= 1
    }
  }
  /** Whether the cells may change so (hidden, not 0, at least 1 after) and what hiding them costs. */
  function price (measures: readonly Count[], cells: ReadonlyArray<readonly [number, number]>): number {
    let cost = 0
    for (const m of measures) {
      for (const [k, d] of cells) {
        const v = values[m][k] as number
        if (v < 1 || v + d < 1) return Infinity
        if (!hide[m][k]) cost += (weight[k] as number) + v
      }
    }
    return cost
  }
  function rowDifference (r: number, r2: number, delta: number): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (const k of rowCells[r] as number[]) if (!(rowSets[r2] as Set<number>).has(k)) out.push([k, delta])
    for (const k of rowCells[r2] as number[]) if (!(rowSets[r] as Set<number>).has(k)) out.push([k, -delta])
    return out
  }

  function findWitness (m0: Count, k0: number): Witness | undefined {
    const targetMonth = monthOf.get(k0)
    const total = k0 === totalCell
    const rowSide = targetMonth === undefined && !total
    let best: Witness | undefined
    for (const change of CHANGES_FOR[m0]) {
      const measures = CHANGE_MEASURES[change]
      const nonZero = (k: number): boolean => measures.every((m) => (values[m][k] as number) >= 1)
      const candidateRows = [...Array(rows).keys()].filter((r) => nonZero((rowCells[r] as number[])[0] as number))
      const candidateMonths = [...Array(months).keys()].filter((t) => nonZero(monthCell[t] as number))
      for (const r of candidateRows) {
        if (rowSide && !(rowSets[r] as Set<number>).has(k0)) continue
        // The row side of moving a record from r to r2 depends on neither month: worked out once
        // per (delta, r2) for all of them. (`hide` does not change during a search, so neither
        // does a price.)
        const rowSides = new Map<number, Array<{ cells: Array<[number, number]>, cost: number, reaches: boolean } | undefined>>([[1, []], [-1, []]])
        for (const t of candidateMonths) {
          if (targetMonth !== undefined && t !== targetMonth) continue
          for (const delta of [1, -1] as const) {
            if (!possible(change, r, t, delta)) continue
            // One record: every cell that holds the atom changes, the total too.
            const single: Array<[number, number]> = [...(rowCells[r] as number[]), monthCell[t] as number, totalCell].map((k) => [k, delta])
            const cost = price(measures, single)
            if (cost < (best?.cost ?? Infinity)) best = { change, atoms: [{ row: r, month: t, delta }], cells: single, cost }
            if (best?.cost === 0) return best
            if (total) continue // a move of one record between atoms leaves the total as it is
            // Two records: +delta here, -delta at (r2, t2); the cells holding both do not change.
            const monthSides = candidateMonths.map((t2) => {
              const cells: Array<[number, number]> = t2 === t ? [] : [[monthCell[t] as number, delta], [monthCell[t2] as number, -delta]]
              return { t2, cells, cost: price(measures, cells) }
            })
            const sides = rowSides.get(delta) as Array<{ cells: Array<[number, number]>, cost: number, reaches: boolean } | undefined>
            for (const r2 of candidateRows) {
              if (rowSide && r2 === r) continue
              let rowSideOf = sides[r2]
              if (rowSideOf === undefined) {
                const cells = r2 === r ? [] : rowDifference(r, r2, delta)
                rowSideOf = { cells, cost: price(measures, cells), reaches: cells.some(([k]) => k === k0) }
                sides[r2] = rowSideOf
              }
              if (rowSide && !rowSideOf.reaches) continue
              const rowCellsChanged = rowSideOf.cells
              const rowCost = rowSideOf.cost
              if (rowCost >= (best?.cost ?? Infinity)) continue
              for (const side of monthSides) {
                if (r2 === r && side.t2 === t) continue
                if (targetMonth !== undefined && side.t2 === t) continue
                const cost = rowCost + side.cost
                if (cost >= (best?.cost ?? Infinity)) continue
                if (!possible(change, r2, side.t2, -delta)) continue
                best = {
                  change,
                  atoms: [{ row: r, month: t, delta }, { row: r2, month: side.t2, delta: delta === 1 ? -1 : 1 }],
                  cells: [...rowCellsChanged, ...side.cells],
                  cost
                }
                if (best.cost === 0) return best
              }
            }
          }
        }
      }
    }
    return best
  }

  for (const m0 of COUNTS) {
    for (let k0 = 0; k0 < cellCount; k0++) {
      if (!isPrimary(values[m0][k0] as number)) continue
      const witness = findWitness(m0, k0)
      if (witness === undefined) {
        // Not reached (one record added at an atom of the cell is always a witness once the cells
        // that hold it are hidden); if it were, hiding every figure of the measure but the zeros
        // leaves nothing to subtract from.
        for (let k = 0; k < cellCount; k++) if ((values[m0][k] as number) > 0) hide[m0][k] = true
        continue
      }
      for (const m of CHANGE_MEASURES[witness.change]) for (const [k] of witness.cells) hide[m][k] = true
    }
  }
  return hide
}

// ---- computeAnalytics ---------------------------------------------------------------------------

type Table = 'achievement' | 'issuer' | 'area' | 'pathway' | 'month' | 'total'

/** The figures of a node from its issuance log and offers, suppressed (see the top of this file). */
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

  const hide = suppressLinked({ rowCells, monthCell, totalCell, weight: tableOf.map((t) => SUPPRESSION_WEIGHTS[t]), atoms }, values)
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
    return { ...row(key, pathwayCell.get(key) as number, given?.name), completed: countCell(completed), progressed: countCell(progressed) }
  })

  const totalRow = row('', totalCell)
  return {
    generatedAt: new Date(now).toISOString(),
    suppressionThreshold: MAX_SUPPRESSED_COUNT,
    totals: {
      offered: totalRow.offered,
      claimed: totalRow.claimed,
      claimRate: totalRow.claimRate,
      issued: totalRow.issued,
      revoked: totalRow.revoked,
      learners: countCell(held.size),
      learnersWithMoreThanOne: countCell(moreThanOne)
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
