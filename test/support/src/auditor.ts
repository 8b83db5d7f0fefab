/**
 * An auditor of published aggregates (@cofl/analytics), for the tests: given every version a node published (in
 * order), it sets up what they show as a linear system and reports every suppressed count that
 * follows from it exactly.
 *
 * The unknowns are the hidden figures of every version, and the learners with one badge of each
 * (learners - learners with more than one, never published). The equations: in every version,
 * each total of a record count is the sum of its months, and learners = with one + with more than
 * one; across versions, a figure of a month that had ended when the earlier version was taken is
 * the same in both when it cannot change any more (`frozen`: offers are made and credentials
 * issued at the time of their record, so a month's offered and issued never change once it is
 * over; claimed does, unless the publication rules freeze it). The cells that must not come back
 * with a value from 1 to the threshold: every hidden figure, every learners-with-one, and the
 * difference of a figure between two versions (records or learners that came or went between
 * them, which two versions a few seconds apart would show one by one).
 *
 * Linear part only: a hidden figure is "determined" when it is a combination of the equations
 * (exact rationals, BigInt, Gaussian elimination). Bounds (a hidden figure is at least 1, claimed
 * at most offered) would need a linear programme, which this does not do: a leak it reports is a
 * leak, the absence of one is proof against linear reasoning only.
 */
/** The figures of an aggregate's months. */
export type AggregateMonthFigure = 'offered' | 'claimed' | 'issued'

export interface AuditedCell { value: number | null, suppressed: boolean }
export interface AuditedVersion {
  generatedAt: string
  totals: Record<'offered' | 'claimed' | 'issued' | 'learners' | 'learnersWithMoreThanOne', AuditedCell>
  byMonth: Array<{ month: string } & Record<AggregateMonthFigure, AuditedCell>>
}

export interface Leak {
  /** The cell, e.g. `v2 2025-03 claimed`, `v1 learnersWithOne`, `v3 - v1 totals.issued`. */
  cell: string
  value: number
}

// ---- exact rationals ----------------------------------------------------------------------------

const abs = (a: bigint): bigint => a < 0n ? -a : a
function gcd (a: bigint, b: bigint): bigint { a = abs(a); b = abs(b); while (b !== 0n) [a, b] = [b, a % b]; return a }
class Q {
  readonly n: bigint
  readonly d: bigint
  constructor (n: bigint, d = 1n) {
    if (d < 0n) { n = -n; d = -d }
    const g = gcd(n, d) || 1n
    this.n = n / g
    this.d = d / g
  }

  add (o: Q): Q { return new Q(this.n * o.d + o.n * this.d, this.d * o.d) }
  sub (o: Q): Q { return new Q(this.n * o.d - o.n * this.d, this.d * o.d) }
  mul (o: Q): Q { return new Q(this.n * o.n, this.d * o.d) }
  div (o: Q): Q { return new Q(this.n * o.d, this.d * o.n) }
  get zero (): boolean { return this.n === 0n }
}
const ZERO = new Q(0n)
const ONE = new Q(1n)

/** A linear form over the unknowns, and a constant: Σ coef·x + constant. */
interface Form { coef: Map<number, Q>, constant: Q }

/** A system of equations `form = 0` over unknowns, in reduced row echelon form as they come. */
class System {
  /** pivot unknown → its row (coefficient 1 at the pivot, no other pivot in it) and constant. */
  private readonly pivots = new Map<number, Form>()

  private reduce (form: Form): Form {
    const coef = new Map(form.coef)
    let constant = form.constant
    for (const [x, a] of [...coef]) {
      const row = this.pivots.get(x)
      if (row === undefined || a.zero) continue
      coef.delete(x)
      for (const [y, b] of row.coef) {
        if (y === x) continue
        const v = (coef.get(y) ?? ZERO).sub(a.mul(b))
        if (v.zero) coef.delete(y); else coef.set(y, v)
      }
      constant = constant.sub(a.mul(row.constant))
    }
    for (const [x, a] of [...coef]) if (a.zero) coef.delete(x)
    return { coef, constant }
  }

  add (form: Form): void {
    const reduced = this.reduce(form)
    const first = reduced.coef.entries().next()
    if (first.done === true) return // implied by the others (or inconsistent, which published figures never are)
    const [p, a] = first.value
    const row: Form = { coef: new Map([...reduced.coef].map(([x, b]) => [x, b.div(a)])), constant: reduced.constant.div(a) }
    for (const [q, other] of this.pivots) {
      const c = other.coef.get(p)
      if (c === undefined) continue
      for (const [y, b] of row.coef) {
        const v = (other.coef.get(y) ?? ZERO).sub(c.mul(b))
        if (v.zero) other.coef.delete(y); else other.coef.set(y, v)
      }
      other.constant = other.constant.sub(c.mul(row.constant))
      this.pivots.set(q, other)
    }
    this.pivots.set(p, row)
  }

  /** The value of `form` when the equations determine it, else undefined. */
  valueOf (form: Form): Q | undefined {
    // Each pivot row says Σ row.coef·x + row.constant = 0. Subtracting a·row from the form leaves
    // its value unchanged; when no unknown is left, the form's value is its constant.
    const reduced = this.reduce(form)
    return reduced.coef.size === 0 ? reduced.constant : undefined
  }
}

// ---- the audit ----------------------------------------------------------------------------------

const MONTH_FIGURES = ['offered', 'claimed', 'issued'] as const
const TOTALS = ['offered', 'claimed', 'issued', 'learners', 'learnersWithMoreThanOne'] as const

/**
 * Every suppressed count (hidden figure, learners with one badge, difference between versions)
 * that the published versions determine, with a value from 1 to `threshold` in size.
 */
export function auditAggregates (versions: readonly AuditedVersion[], options: { frozen: readonly AggregateMonthFigure[], threshold?: number }): Leak[] {
  const threshold = options.threshold ?? 4
  const names: string[] = []
  const ids = new Map<string, number>()
  const known = new Map<string, number>()
  const unknown = (name: string): number => {
    let id = ids.get(name)
    if (id === undefined) { id = names.push(name) - 1; ids.set(name, id) }
    return id
  }
  /** A figure as a form: its value when shown, else its unknown. */
  const figure = (name: string): Form => {
    const value = known.get(name)
    return value !== undefined ? { coef: new Map(), constant: new Q(BigInt(value)) } : { coef: new Map([[unknown(name), ONE]]), constant: ZERO }
  }
  const sum = (terms: Array<[Q, Form]>): Form => {
    const coef = new Map<number, Q>()
    let constant = ZERO
    for (const [k, f] of terms) {
      for (const [x, a] of f.coef) {
        const v = (coef.get(x) ?? ZERO).add(k.mul(a))
        if (v.zero) coef.delete(x); else coef.set(x, v)
      }
      constant = constant.add(k.mul(f.constant))
    }
    return { coef, constant }
  }
  const MINUS = new Q(-1n)

  const hiddenCells: string[] = []
  versions.forEach((v, i) => {
    const put = (name: string, cell: AuditedCell): void => {
      if (!cell.suppressed && cell.value !== null) known.set(name, cell.value)
      else { unknown(name); hiddenCells.push(name) }
    }
    for (const m of TOTALS) put(`v${i + 1} totals.${m}`, v.totals[m])
    for (const row of v.byMonth) for (const f of MONTH_FIGURES) put(`v${i + 1} ${row.month} ${f}`, row[f])
    unknown(`v${i + 1} learnersWithOne`)
  })

  const system = new System()
  versions.forEach((v, i) => {
    const at = `v${i + 1}`
    for (const f of MONTH_FIGURES) {
      system.add(sum([[ONE, figure(`${at} totals.${f}`)], ...v.byMonth.map((row) => [MINUS, figure(`${at} ${row.month} ${f}`)] as [Q, Form])]))
    }
    system.add(sum([[ONE, figure(`${at} totals.learners`)], [MINUS, figure(`${at} totals.learnersWithMoreThanOne`)], [MINUS, figure(`${at} learnersWithOne`)]]))
    // A month that had ended when an earlier version was taken: its frozen figures are the same.
    for (let j = 0; j < i; j++) {
      const earlier = versions[j] as AuditedVersion
      const closed = earlier.generatedAt.slice(0, 7)
      for (const row of v.byMonth) {
        if (row.month >= closed || !earlier.byMonth.some((r) => r.month === row.month)) continue
        for (const f of options.frozen) system.add(sum([[ONE, figure(`${at} ${row.month} ${f}`)], [MINUS, figure(`v${j + 1} ${row.month} ${f}`)]]))
      }
    }
  })

  const leaks: Leak[] = []
  const check = (cell: string, form: Form): void => {
    const value = system.valueOf(form)
    if (value === undefined || value.d !== 1n) return
    const n = Number(value.n)
    if (Math.abs(n) >= 1 && Math.abs(n) <= threshold) leaks.push({ cell, value: n })
  }
  for (const name of hiddenCells) check(name, figure(name))
  versions.forEach((_, i) => { check(`v${i + 1} learnersWithOne`, figure(`v${i + 1} learnersWithOne`)) })
  // Differences of a figure between two versions.
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = versions[i] as AuditedVersion
      const b = versions[j] as AuditedVersion
      const pairs: string[] = [...TOTALS.map((m) => `totals.${m}`), 'learnersWithOne']
      for (const row of a.byMonth) if (b.byMonth.some((r) => r.month === row.month)) for (const f of MONTH_FIGURES) pairs.push(`${row.month} ${f}`)
      for (const p of pairs) check(`v${i + 1} - v${j + 1} ${p}`, sum([[ONE, figure(`v${i + 1} ${p}`)], [MINUS, figure(`v${j + 1} ${p}`)]]))
    }
  }
  return leaks
}
