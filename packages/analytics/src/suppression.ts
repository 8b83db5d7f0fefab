/**
 * Suppression, so that no person can be singled out: primary (every count from 1 to
 * MAX_SUPPRESSED_COUNT is hidden) and complementary across all the linked tables at once (every
 * hidden count has a witness: another set of records, one or two records away, that shows the
 * same figures everywhere but a different value for that count). The rules and why they protect:
 * docs/analytics.md, "Suppression".
 */
import { MAX_SUPPRESSED_COUNT } from './constants.js'

/**
 * One figure. `suppressed: true` always comes with `value: null`. `value: null` with
 * `suppressed: false` only for a claim rate of nothing offered.
 */
export interface Cell {
  value: number | null
  suppressed: boolean
}

/** The measures that are counts of records (claimRate is derived from two of them). */
export const COUNTS = ['offered', 'claimed', 'issued', 'revoked'] as const
export type Count = typeof COUNTS[number]

/** A count from 1 to MAX_SUPPRESSED_COUNT: one that primary suppression hides. */
export function isSmall (n: number): boolean {
  return n >= 1 && n <= MAX_SUPPRESSED_COUNT
}

/** A count as reported: primary suppression applied. */
export function countCell (n: number): Cell {
  return isSmall(n) ? { value: null, suppressed: true } : { value: n, suppressed: false }
}

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
 * every small count has a witness (docs/analytics.md, "Complementary suppression"). `values[m][cell]` are the true
 * figures, which must be the sums of the atoms.
 */
export function suppressLinked (
  tables: LinkedTables, values: Readonly<Record<Count, readonly number[]>>,
  options: { known?: Partial<Record<Count, readonly number[]>> } = {}
): Record<Count, boolean[]> {
  const { rowCells, monthCell, totalCell, weight, atoms } = tables
  const cellCount = weight.length
  const rows = rowCells.length
  const months = monthCell.length
  const rowSets = rowCells.map((cells) => new Set(cells))
  const monthOf = new Map(monthCell.map((cell, t) => [cell, t]))
  // Cells whose figure is public anyway (the revoked total that the revocation lists show): never
  // hidden, so no witness may change them.
  const known = {} as Record<Count, Set<number>>
  for (const m of COUNTS) known[m] = new Set(options.known?.[m] ?? [])
  const hide = {} as Record<Count, boolean[]>
  for (const m of COUNTS) hide[m] = Array.from({ length: cellCount }, (_, k) => !known[m].has(k) && isSmall(values[m][k] as number))

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
        if (v < 1 || v + d < 1 || known[m].has(k)) return Infinity
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
      if (!hide[m0][k0]) continue
      if (!isSmall(values[m0][k0] as number)) continue
      const witness = findWitness(m0, k0)
      if (witness === undefined) {
        // Not reached without known cells (one record added at an atom of the cell is always a
        // witness once the cells that hold it are hidden); if it were, hiding every figure of the
        // measure but the zeros leaves nothing to subtract from. With a known cell (a total that
        // is public), the zeros are hidden too: else the known total minus the shown zeros is the
        // one hidden cell.
        const zerosToo = known[m0].size > 0
        for (let k = 0; k < cellCount; k++) if (!known[m0].has(k) && (zerosToo || (values[m0][k] as number) > 0)) hide[m0][k] = true
        continue
      }
      for (const m of CHANGE_MEASURES[witness.change]) for (const [k] of witness.cells) hide[m][k] = true
    }
  }
  return hide
}

/**
 * Which learner counts to hide: learners (L) and learners with more than one badge (M), knowing
 * the ones published before (`earlier`, with their true values). Counts of people are not sums of
 * one another, but three more figures follow from them: the learners with one badge (L - M, never
 * published), and the difference of each between two publications (who came, who left). Every one
 * of these from 1 to MAX_SUPPRESSED_COUNT (in size) must involve a hidden count (docs/analytics.md,
 * "Counts of learners"). Hides M before L, and both only when one is not enough.
 */
export function suppressLearners (
  learners: number, more: number,
  earlier: ReadonlyArray<{ learners: { value: number, hidden: boolean }, more: { value: number, hidden: boolean } }> = []
): { learners: boolean, more: boolean } {
  const small = (n: number): boolean => isSmall(Math.abs(n))
  const safe = (hideL: boolean, hideM: boolean): boolean => {
    const shown: number[] = []
    if (!hideL) shown.push(learners)
    if (!hideM) shown.push(more)
    if (!hideL && !hideM) shown.push(learners - more)
    for (const { learners: l, more: m } of earlier) {
      if (!hideL && !l.hidden) shown.push(learners - l.value)
      if (!hideM && !m.hidden) shown.push(more - m.value)
      if (!hideL && !hideM && !l.hidden && !m.hidden) shown.push((learners - more) - (l.value - m.value))
    }
    return !shown.some(small)
  }
  for (const [l, m] of [[false, false], [false, true], [true, false]] as const) {
    const hideL = l || small(learners)
    const hideM = m || small(more)
    if (safe(hideL, hideM)) return { learners: hideL, more: hideM }
  }
  return { learners: true, more: true }
}
