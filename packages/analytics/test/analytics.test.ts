// City analytics against a generated issuance log and offers whose figures are known: every
// figure, the suppression of small counts (primary, complementary across the linked tables,
// derived), an adversary that tries every subtraction across the tables of generated logs, and
// that nothing personal comes out in the JSON or the CSV.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  type Analytics, type AnalyticsAchievement, type AnalyticsIssuance, type AnalyticsOffer, type AnalyticsPathway, type Cell,
  COUNTS, type Count, CSV_HEADER, computeAnalytics, countCell, MAX_SUPPRESSED_COUNT, parseCsv, suppressLinked, toCsv
} from '../src/index.js'

/** An offer record as a node keeps it, with the learner's name and email: analytics reads only AnalyticsOffer's fields. */
type OfferRecord = AnalyticsOffer & {
  offerId: string, codeDigest: string, name?: string, email?: string, statusPurpose: string, expiresAt: string, credentialId?: string, subject?: string
}

const I1 = 'did:web:library.example.org'
const I2 = 'did:web:youth-club.example.org'
const A = 'https://library.example.org/achievements/reader'
const B = 'https://library.example.org/achievements/writer'
const C = 'https://youth-club.example.org/achievements/coder'
const D = 'https://youth-club.example.org/achievements/unused'

const achievements = new Map<string, AnalyticsAchievement>([
  [A, { name: 'Reader', issuer: I1, area: 'north' }],
  [B, { name: 'Writer', issuer: I1, area: 'south' }],
  [C, { name: 'Coder', issuer: I2 }],
  [D, { name: 'Unused', issuer: I2, area: 'north' }]
])

// 40 learners, each with a DID, a name and an email that must never come out.
const learners = Array.from({ length: 40 }, (_, i) => {
  const n = String(i).padStart(2, '0')
  return { did: `did:key:z6MkLearner${n}xyz`, name: `Learner Person${n}`, email: `learner${n}@mail.example.net` }
})
const L = (i: number): typeof learners[number] => learners[i] as typeof learners[number]
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k)

let offerCount = 0
function offer (achievementId: string, learner: number, createdAt: string, claimed: boolean): OfferRecord {
  offerCount++
  const id = `offer-${String(offerCount).padStart(3, '0')}`
  return {
    offerId: id,
    codeDigest: `digest-${id}`,
    achievementId,
    name: L(learner).name,
    email: L(learner).email,
    statusPurpose: 'revocation',
    createdAt,
    expiresAt: '2025-12-31T00:00:00.000Z',
    ...(claimed ? { claimedAt: createdAt, credentialId: `urn:uuid:claimed-${id}`, subject: L(learner).did } : {})
  }
}

let credentialCount = 0
const credentialIds: string[] = []
function issued (achievementId: string, learner: number, issuedAt: string, revoked = false): AnalyticsIssuance & { credentialId: string, credential: Record<string, unknown> } {
  credentialCount++
  const credentialId = `urn:uuid:00000000-0000-4000-8000-${String(credentialCount).padStart(12, '0')}`
  credentialIds.push(credentialId)
  return {
    credentialId,
    achievementId,
    subject: L(learner).did,
    issuedAt,
    ...(revoked ? { revoked: true } : {}),
    credential: { id: credentialId, credentialSubject: { id: L(learner).did, name: L(learner).name } }
  }
}

// Offers: A 12 in January (10 claimed); B 5 in February (3 claimed); C 10 in February (8 claimed)
// and 10 in March (7 claimed); D none.
const JAN = '2025-01-15T10:00:00.000Z'
const FEB = '2025-02-10T10:00:00.000Z'
const MAR = '2025-03-05T10:00:00.000Z'
const offers: OfferRecord[] = [
  ...range(0, 11).map((i) => offer(A, i, JAN, i <= 9)),
  ...range(0, 4).map((i) => offer(B, i, FEB, i <= 2)),
  ...[0, 1, 2, 3, 4, 5, 12, 13, 14, 15].map((i, k) => offer(C, i, FEB, k < 8)),
  ...[16, 17, 18, 19, 20, 21, 22, 23, 24, 25].map((i, k) => offer(C, i, MAR, k < 7))
]

// Issuance: A to learners 0-11 in January (12); B to 0-2 in February (3); C to 0-5 and 12-13 in
// February (8) and to 14-20 in March (7), the one to learner 20 revoked.
const issuance = [
  ...range(0, 11).map((i) => issued(A, i, JAN)),
  ...range(0, 2).map((i) => issued(B, i, FEB)),
  ...[0, 1, 2, 3, 4, 5, 12, 13].map((i) => issued(C, i, FEB)),
  ...range(14, 20).map((i) => issued(C, i, MAR, i === 20))
]

// Held, not revoked: 0-2 hold A, B, C; 3-5 hold A, C; 6-11 hold A; 12-19 hold C; 20 nothing.
// Pathways with the default rule (complete: holds every one of its achievements).
const PAC = 'https://city.example.org/pathways/a-and-c'
const PALL = 'https://city.example.org/pathways/all-three'
const PUNUSED = 'https://city.example.org/pathways/unused'
const pathways = new Map<string, AnalyticsPathway>([
  [PAC, { name: 'A and C', achievements: [A, C] }],
  [PALL, { achievements: [A, B, C] }],
  [PUNUSED, { achievements: [D] }]
])

const NOW = Date.parse('2025-04-01T00:00:00.000Z')
const compute = async (): Promise<Analytics> => await computeAnalytics({ issuance, offers, achievements, pathways, now: NOW })

const S: Cell = { value: null, suppressed: true }
const v = (value: number | null): Cell => ({ value, suppressed: false })

test('the generated log is what the test says it is', () => {
  assert.is(learners.length, 40)
  assert.is(offers.length, 37)
  assert.is(offers.filter((o) => o.claimedAt != null).length, 28)
  assert.is(issuance.length, 30)
})

test('suppression of a count: 1 to 4 hidden, 0 and 5 and more shown', () => {
  assert.equal(countCell(0), v(0))
  for (const n of [1, 2, 3, 4]) assert.equal(countCell(n), S, String(n))
  assert.equal(countCell(5), v(5))
  assert.equal(countCell(12), v(12))
})

// One column (achievements, one month, a total): the linked suppression on the simplest table.
function column (counts: number[]): boolean[] {
  const rows = counts.length
  const weight = [...counts.map(() => 1), 1, 1000]
  const zeros = counts.map(() => [0])
  const values = [...counts, counts.reduce((a, b) => a + b, 0), counts.reduce((a, b) => a + b, 0)]
  const hidden = suppressLinked(
    {
      rowCells: counts.map((_, r) => [r]), monthCell: [rows], totalCell: rows + 1, weight,
      atoms: { offered: counts.map((n) => [n]), claimed: zeros, issued: zeros, revoked: zeros }
    },
    { offered: values, claimed: values.map(() => 0), issued: values.map(() => 0), revoked: values.map(() => 0) }
  )
  return hidden.offered
}

test('complementary suppression in one column: a hidden count always has another beside it that could stand in for it', () => {
  // [cells..., month, total]: the month holds everything, like the total.
  assert.equal(column([0, 5, 3, 7]), [false, true, true, false, false, false]) // the smallest that is not 0
  assert.equal(column([4, 0, 9, 9]), [true, false, true, false, false, false]) // ties: the first; never a 0
  assert.equal(column([0, 5, 6]), [false, false, false, false, false])
  // Two hidden 1s beside a shown total give themselves away (12 - 10 = 2 = 1 + 1, and neither can
  // be 0): one record moved to or from the 10 is the cheapest witness, so the 10 is hidden too.
  assert.equal(column([1, 1, 10]), [true, true, true, false, false])
  // 1 and 2: moving one record from the 2 to the 1 gives 2 and 1, the same shown figures.
  assert.equal(column([1, 2, 10]), [true, true, false, false, false])
  // A small total hides every figure that is not 0 (the month is the total here).
  assert.equal(column([3, 0, 0]), [true, false, false, true, true])
})

test('totals: offered, claimed, claim rate, issued, revoked, learners, learners with more than one badge', async () => {
  const a = await compute()
  assert.is(a.generatedAt, '2025-04-01T00:00:00.000Z')
  assert.is(a.suppressionThreshold, 4)
  assert.equal(a.totals, {
    offered: v(37),
    claimed: v(28),
    claimRate: v(28 / 37),
    issued: v(30),
    revoked: S, // 1
    learners: v(20), // 0-19; learner 20's only badge is revoked
    learnersWithMoreThanOne: v(6) // 0-5
  })
})

test('by achievement: 0, 3, 5 and 12 as they should be, with complementary and derived suppression', async () => {
  const a = await compute()
  assert.equal(a.byAchievement, [
    // claimed 10 and issued 12 hidden beside B's 3: one record moved between A and B leaves every
    // shown figure as it is (the issuer's, the total, C's)
    { key: A, label: 'Reader', offered: v(12), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    // offered 5 shown; claimed 3 and issued 3 hidden, so the claim rate too
    { key: B, label: 'Writer', offered: v(5), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    // revoked 1 hidden, with every figure that holds it (all of them 1: the total, the issuer's,
    // the area's, the month's, the pathways')
    { key: C, label: 'Coder', offered: v(20), claimed: v(15), claimRate: v(0.75), issued: v(15), revoked: S },
    { key: D, label: 'Unused', offered: v(0), claimed: v(0), claimRate: v(null), issued: v(0), revoked: v(0) }
  ])
})

test('by issuer', async () => {
  const a = await compute()
  assert.equal(a.byIssuer, [
    { key: I1, offered: v(17), claimed: v(13), claimRate: v(13 / 17), issued: v(15), revoked: v(0) },
    { key: I2, offered: v(20), claimed: v(15), claimRate: v(0.75), issued: v(15), revoked: S }
  ])
})

test('by month: offers and claims in the month of the offer, issuance in the month issued', async () => {
  const a = await compute()
  assert.equal(a.byMonth, [
    // The claims of A (January) and B (February) are hidden; the witness that keeps both
    // achievements' figures hidden moves a claim between them, from January to February: the
    // months' claims are hidden too (the two records that could stand in for each other lie in
    // different months).
    { key: '2025-01', offered: v(12), claimed: S, claimRate: S, issued: v(12), revoked: v(0) },
    { key: '2025-02', offered: v(15), claimed: S, claimRate: S, issued: v(11), revoked: v(0) },
    { key: '2025-03', offered: v(10), claimed: v(7), claimRate: v(0.7), issued: v(7), revoked: S }
  ])
})

test('by area: the achievement\'s area, "unknown" last when it has none', async () => {
  const a = await compute()
  assert.equal(a.byArea, [
    { key: 'north', offered: v(12), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    { key: 'south', offered: v(5), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    { key: 'unknown', offered: v(20), claimed: v(15), claimRate: v(0.75), issued: v(15), revoked: S }
  ])
})

test('by pathway: the records of its achievements, learners who completed it and who progressed', async () => {
  const a = await compute()
  assert.equal(a.byPathway, [
    // A + C: 32 offered; claimed 25 and issued 27 hidden (A's are, and C's are shown)
    { key: PAC, label: 'A and C', offered: v(32), claimed: S, claimRate: S, issued: S, revoked: S, completed: v(6), progressed: v(14) },
    // A + B + C: every record, as the totals
    // 3 completed, so 17 progressed is hidden too (the two add up to the learners holding any of its achievements)
    { key: PALL, offered: v(37), claimed: v(28), claimRate: v(28 / 37), issued: v(30), revoked: S, completed: S, progressed: S },
    { key: PUNUSED, offered: v(0), claimed: v(0), claimRate: v(null), issued: v(0), revoked: v(0), completed: v(0), progressed: v(0) }
  ])
  assert.equal((await computeAnalytics({ issuance, offers, achievements, now: NOW })).byPathway, [])
})

test('by pathway: its own completion rule, and badges awarded for it (pathwayId)', async () => {
  const P = 'https://city.example.org/pathways/any-two'
  const Q = 'https://elsewhere.example.org/pathways/not-held-here'
  const badge = 'https://city.example.org/achievements/badge'
  const records: AnalyticsIssuance[] = [
    ...range(0, 9).map((i) => ({ achievementId: A, subject: L(i).did, issuedAt: JAN })),
    ...range(0, 6).map((i) => ({ achievementId: B, subject: L(i).did, issuedAt: FEB })),
    // the pathway badge of P, awarded to 0-5; the one of 5 revoked
    ...range(0, 5).map((i) => ({ achievementId: badge, subject: L(i).did, issuedAt: FEB, pathwayId: P, ...(i === 5 ? { revoked: true } : {}) })),
    // a badge awarded for a pathway this node does not hold: it gets a row of its own
    ...range(10, 14).map((i) => ({ achievementId: C, subject: L(i).did, issuedAt: MAR, pathwayId: Q }))
  ]
  const a = await computeAnalytics({
    issuance: records,
    offers: [],
    achievements,
    // complete: holds A and B (the award is not among its achievements: its records count through pathwayId)
    pathways: new Map([[P, { name: 'Any two', achievements: [A, B], complete: (held) => held.has(A) && held.has(B) }]]),
    now: NOW
  })
  assert.equal(a.byPathway.map((r) => [r.key, r.label, r.issued, r.revoked, r.completed, r.progressed]), [
    // A 10 + B 7 + badge 6 = 23 issued; 1 revoked (hidden, and every figure that holds it);
    // completed: 0-6 hold A and B (7, hidden with the 3); progressed: 7-9 hold A only (3, hidden)
    [P, 'Any two', v(23), S, S, S],
    // C 5, awarded for Q to 10-14: they completed it
    [Q, undefined, v(5), v(0), v(5), v(0)]
  ])
})

test('async iterables (a store\'s values()) give the same figures; a Date is taken for now', async () => {
  async function * gen<T> (items: T[]): AsyncIterable<T> { for (const x of items) yield x }
  const a = await computeAnalytics({ issuance: gen(issuance), offers: gen(offers), achievements, pathways, now: new Date(NOW) })
  assert.equal(a, await compute())
})

test('an achievement not in the map counts under issuer and area "unknown"', async () => {
  const stray = 'https://elsewhere.example.org/achievements/x'
  const a = await computeAnalytics({
    issuance: range(30, 35).map((i) => issued(stray, i, MAR)),
    offers: [],
    achievements: new Map(),
    now: NOW
  })
  assert.equal(a.byAchievement, [{ key: stray, offered: v(0), claimed: v(0), claimRate: v(null), issued: v(6), revoked: v(0) }])
  assert.equal(a.byIssuer.map((r) => r.key), ['unknown'])
  assert.equal(a.byArea.map((r) => r.key), ['unknown'])
  assert.equal(a.totals.learners, v(6))
  assert.equal(a.totals.learnersWithMoreThanOne, v(0))
})

// ---- the adversary ------------------------------------------------------------------------------
//
// It knows what the catalogue tells everyone (each achievement's issuer, area and the achievements
// of each pathway), reads the published figures, and tries to get back every suppressed count:
// (1) every subtraction of one shown figure from another of the same measure (any two tables),
// (2) every linear combination of the shown figures (Gaussian elimination: a hidden figure whose
// sum is a combination of shown sums is recovered), (3) bounds: every count >= 0, a hidden one
// >= 1, claimed <= offered and revoked <= issued, propagated through every sum until nothing
// moves. It fails the test if any hidden count from 1 to 4 comes back, and checks that whatever it
// recovers is true (so that it is a real attack, not noise).

interface World {
  rows: string[] // achievement ids, as published
  months: string[]
  issuerOf: (id: string) => string
  areaOf: (id: string) => string
  /** pathway id -> the achievements that count for it */
  pathwaySets: Map<string, Set<string>>
}

interface Published { form: number[], value: number | null, name: string }

function publishedCells (a: Analytics, world: World, m: Count): Published[] {
  const n = world.rows.length + world.months.length
  const rowForm = (pred: (id: string) => boolean): number[] => {
    const f = new Array<number>(n).fill(0)
    world.rows.forEach((id, r) => { if (pred(id)) f[r] = 1 })
    return f
  }
  const out: Published[] = []
  const add = (name: string, form: number[], cell: Cell): void => { out.push({ name, form, value: cell.suppressed ? null : cell.value }) }
  for (const row of a.byAchievement) add(`achievement ${row.key}`, rowForm((id) => id === row.key), row[m])
  for (const row of a.byIssuer) add(`issuer ${row.key}`, rowForm((id) => world.issuerOf(id) === row.key), row[m])
  for (const row of a.byArea) add(`area ${row.key}`, rowForm((id) => world.areaOf(id) === row.key), row[m])
  for (const row of a.byPathway) add(`pathway ${row.key}`, rowForm((id) => world.pathwaySets.get(row.key)?.has(id) === true), row[m])
  for (const row of a.byMonth) {
    const f = new Array<number>(n).fill(0)
    f[world.rows.length + world.months.indexOf(row.key)] = 1
    add(`month ${row.key}`, f, row[m])
  }
  add('total', rowForm(() => true), a.totals[m])
  // The same total as the sum of the months.
  const months = new Array<number>(n).fill(0)
  for (let t = 0; t < world.months.length; t++) months[world.rows.length + t] = 1
  add('total (months)', months, a.totals[m])
  return out
}

const EPS = 1e-9
const dot = (f: number[], x: number[]): number => f.reduce((s, c, i) => s + c * (x[i] as number), 0)

/** What the adversary recovers: name of a hidden cell -> value, for one measure (and bounds across measures). */
function attack (a: Analytics, world: World, zeroHidden: ReadonlySet<Count> = new Set()): Map<string, number> {
  const recovered = new Map<string, number>()
  const n = world.rows.length + world.months.length
  const cells = Object.fromEntries(COUNTS.map((m) => [m, publishedCells(a, world, m)])) as Record<Count, Published[]>
  for (const m of COUNTS) {
    const shown = cells[m].filter((c) => c.value !== null)
    const hiddenCells = cells[m].filter((c) => c.value === null)
    // (1) every subtraction of two shown figures
    for (const big of shown) {
      for (const small of shown) {
        if (big === small || !small.form.every((c, i) => c <= (big.form[i] as number))) continue
        const rest = big.form.map((c, i) => c - (small.form[i] as number))
        for (const h of hiddenCells) if (h.form.every((c, i) => c === rest[i])) recovered.set(`${m} ${h.name}`, (big.value as number) - (small.value as number))
      }
    }
    // (2) every linear combination: reduced row echelon form of the shown sums (and sum of the
    // achievements = sum of the months, always true)
    const equations = shown.map((c) => [...c.form, c.value as number])
    equations.push([...Array.from({ length: n }, (_, i) => i < world.rows.length ? 1 : -1), 0])
    const pivots: Array<{ col: number, row: number[] }> = []
    for (const eq0 of equations) {
      const eq = [...eq0]
      for (const p of pivots) { const f = eq[p.col] as number; if (Math.abs(f) > EPS) for (let i = 0; i <= n; i++) eq[i] = (eq[i] as number) - f * (p.row[i] as number) }
      const col = eq.findIndex((c, i) => i < n && Math.abs(c) > EPS)
      if (col === -1) continue
      const f = eq[col] as number
      for (let i = 0; i <= n; i++) eq[i] = (eq[i] as number) / f
      for (const p of pivots) { const g = p.row[col] as number; if (Math.abs(g) > EPS) for (let i = 0; i <= n; i++) p.row[i] = (p.row[i] as number) - g * (eq[i] as number) }
      pivots.push({ col, row: eq })
    }
    for (const h of hiddenCells) {
      const f = [...h.form]
      let value = 0
      for (const p of pivots) {
        const c = f[p.col] as number
        if (Math.abs(c) > EPS) { value += c * (p.row[n] as number); for (let i = 0; i < n; i++) f[i] = (f[i] as number) - c * (p.row[i] as number) }
      }
      if (f.every((c) => Math.abs(c) < EPS)) recovered.set(`${m} ${h.name}`, Math.round(value))
    }
  }
  // (3) bounds, all measures together (claimed <= offered, revoked <= issued, per row and month)
  const BIG = 1e9
  const lo = Object.fromEntries(COUNTS.map((m) => [m, new Array<number>(n).fill(0)])) as Record<Count, number[]>
  const hi = Object.fromEntries(COUNTS.map((m) => [m, new Array<number>(n).fill(BIG)])) as Record<Count, number[]>
  const tighten = (m: Count, i: number, low: number, high: number): boolean => {
    let changed = false
    if (low > (lo[m][i] as number) + EPS) { lo[m][i] = low; changed = true }
    if (high < (hi[m][i] as number) - EPS) { hi[m][i] = high; changed = true }
    return changed
  }
  for (let round = 0; round < 500; round++) {
    let changed = false
    for (const m of COUNTS) {
      for (const c of cells[m]) {
        const members = c.form.flatMap((x, i) => x === 1 ? [i] : [])
        const sumLo = members.reduce((s, i) => s + (lo[m][i] as number), 0)
        const sumHi = members.reduce((s, i) => s + Math.min(hi[m][i] as number, BIG), 0)
        for (const j of members) {
          const otherLo = sumLo - (lo[m][j] as number)
          const otherHi = sumHi - Math.min(hi[m][j] as number, BIG)
          if (c.value !== null) changed = tighten(m, j, c.value - otherHi, c.value - otherLo) || changed
          else changed = tighten(m, j, (zeroHidden.has(m) ? 0 : 1) - otherHi, BIG) || changed // hidden: at least 1 (0 where zeros may be hidden)
        }
      }
      // sum of the achievements = sum of the months
      const rows = [...Array(world.rows.length).keys()]
      const months = [...Array(world.months.length).keys()].map((t) => world.rows.length + t)
      const range = (ids: number[]): [number, number] => [ids.reduce((s, i) => s + (lo[m][i] as number), 0), ids.reduce((s, i) => s + Math.min(hi[m][i] as number, BIG), 0)]
      for (const [side, other] of [[rows, months], [months, rows]] as const) {
        const [oLo, oHi] = range([...other])
        const [sLo, sHi] = range([...side])
        for (const j of side) changed = tighten(m, j, oLo - (sHi - Math.min(hi[m][j] as number, BIG)), oHi - (sLo - (lo[m][j] as number))) || changed
      }
    }
    for (const [part, whole] of [['claimed', 'offered'], ['revoked', 'issued']] as const) {
      for (let i = 0; i < n; i++) {
        changed = tighten(part, i, 0, hi[whole][i] as number) || changed
        changed = tighten(whole, i, lo[part][i] as number, BIG) || changed
      }
    }
    if (!changed) break
  }
  for (const m of COUNTS) {
    for (const h of cells[m].filter((c) => c.value === null)) {
      const members = h.form.flatMap((x, i) => x === 1 ? [i] : [])
      const low = members.reduce((s, i) => s + (lo[m][i] as number), 0)
      const high = members.reduce((s, i) => s + (hi[m][i] as number), 0)
      if (Math.abs(high - low) < EPS) recovered.set(`${m} ${h.name}`, Math.round(low))
    }
  }
  return recovered
}

/** The true figure of every published cell, from the records themselves. */
function truth (world: World, offersIn: AnalyticsOffer[], issuanceIn: AnalyticsIssuance[]): Record<Count, number[]> {
  const n = world.rows.length + world.months.length
  const x = Object.fromEntries(COUNTS.map((m) => [m, new Array<number>(n).fill(0)])) as Record<Count, number[]>
  const count = (m: Count, id: string, when: string): void => {
    x[m][world.rows.indexOf(id)]!++
    x[m][world.rows.length + world.months.indexOf(when.slice(0, 7))]!++
  }
  for (const o of offersIn) { count('offered', o.achievementId, o.createdAt); if (o.claimedAt != null) count('claimed', o.achievementId, o.createdAt) }
  for (const r of issuanceIn) { count('issued', r.achievementId, r.issuedAt); if (r.revoked === true) count('revoked', r.achievementId, r.issuedAt) }
  return x
}

/** Runs the adversary on one log; the names of the small counts it recovered (none, for the test to pass). */
function breaches (a: Analytics, world: World, offersIn: AnalyticsOffer[], issuanceIn: AnalyticsIssuance[], zeroHidden: ReadonlySet<Count> = new Set()): string[] {
  const x = truth(world, offersIn, issuanceIn)
  const out: string[] = []
  for (const [name, value] of attack(a, world, zeroHidden)) {
    const m = name.split(' ')[0] as Count
    const cell = publishedCells(a, world, m).find((c) => `${m} ${c.name}` === name) as Published
    const real = dot(cell.form, x[m])
    assert.is(value, real, `the adversary's ${name} = ${value} is not the true ${real}`)
    if (real >= 1 && real <= MAX_SUPPRESSED_COUNT) out.push(`${name} = ${real}`)
  }
  return out
}

/** A small PRNG, so that a failing log can be run again (its seed is in the message). */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Generated {
  achievements: Map<string, AnalyticsAchievement>
  pathways: Map<string, AnalyticsPathway>
  offers: AnalyticsOffer[]
  issuance: AnalyticsIssuance[]
}

function generate (seed: number, size: { achievements: number, months: number, records: number } = { achievements: 7, months: 4, records: 12 }): Generated {
  const random = prng(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const nAchievements = 2 + Math.floor(random() * (size.achievements - 1))
  const issuers = ['did:web:a.example.org', 'did:web:b.example.org', 'did:web:c.example.org'].slice(0, 1 + Math.floor(random() * 3))
  const areas = ['north', 'south', 'east', undefined]
  const ids = Array.from({ length: nAchievements }, (_, i) => `urn:example:achievement:${i}`)
  const achievements = new Map<string, AnalyticsAchievement>()
  for (const id of ids) {
    const area = pick(areas)
    // now and then an achievement not in the catalogue (issuer and area unknown)
    if (random() < 0.9) achievements.set(id, { issuer: pick(issuers), ...(area !== undefined ? { area } : {}) })
  }
  const pathways = new Map<string, AnalyticsPathway>()
  const nPathways = Math.floor(random() * 4)
  for (let p = 0; p < nPathways; p++) pathways.set(`urn:example:pathway:${p}`, { achievements: ids.filter(() => random() < 0.4) })
  const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12'].slice(0, 1 + Math.floor(random() * size.months))
  const when = (): string => `${pick(months)}-15T12:00:00.000Z`
  // Mostly small counts, so that suppression has work to do; some larger ones.
  const amount = (): number => random() < 0.7 ? Math.floor(random() * 5) : Math.floor(random() * size.records)
  const offersOut: AnalyticsOffer[] = []
  const issuanceOut: AnalyticsIssuance[] = []
  const pathwayIds = [...pathways.keys(), 'urn:example:pathway:elsewhere']
  let learner = 0
  for (const id of ids) {
    for (let k = amount(); k > 0; k--) {
      const createdAt = when()
      offersOut.push({ achievementId: id, createdAt, ...(random() < 0.6 ? { claimedAt: createdAt } : {}) })
    }
    for (let k = amount(); k > 0; k--) {
      issuanceOut.push({
        achievementId: id,
        subject: `did:example:learner${learner++ % 9}`,
        issuedAt: when(),
        ...(random() < 0.2 ? { revoked: true } : {}),
        ...(random() < 0.1 ? { pathwayId: pick(pathwayIds) } : {})
      })
    }
  }
  return { achievements, pathways, offers: offersOut, issuance: issuanceOut }
}

function worldOf (a: Analytics, g: Generated): World {
  const pathwaySets = new Map<string, Set<string>>()
  for (const [id, p] of g.pathways) pathwaySets.set(id, new Set(p.achievements))
  for (const r of g.issuance) {
    if (r.pathwayId === undefined) continue
    if (!pathwaySets.has(r.pathwayId)) pathwaySets.set(r.pathwayId, new Set())
    pathwaySets.get(r.pathwayId)?.add(r.achievementId)
  }
  return {
    rows: a.byAchievement.map((r) => r.key),
    months: a.byMonth.map((r) => r.key),
    issuerOf: (id) => g.achievements.get(id)?.issuer ?? 'unknown',
    areaOf: (id) => g.achievements.get(id)?.area ?? 'unknown',
    pathwaySets
  }
}

/** The figures with primary suppression only (what the tables would be without the complementary kind). */
function primaryOnly (a: Analytics, world: World, g: Generated): Analytics {
  const x = truth(world, g.offers, g.issuance)
  const out = structuredClone(a)
  for (const m of COUNTS) {
    const cells = publishedCells(a, world, m)
    const fill = (name: string, target: Record<Count, Cell>): void => {
      const c = cells.find((p) => p.name === name) as Published
      target[m] = countCell(dot(c.form, x[m]))
    }
    for (const row of out.byAchievement) fill(`achievement ${row.key}`, row)
    for (const row of out.byIssuer) fill(`issuer ${row.key}`, row)
    for (const row of out.byArea) fill(`area ${row.key}`, row)
    for (const row of out.byPathway) fill(`pathway ${row.key}`, row)
    for (const row of out.byMonth) fill(`month ${row.key}`, row)
    fill('total', out.totals)
  }
  return out
}

test('the adversary: on 400 generated logs, no subtraction across the tables gives back a suppressed count', async () => {
  let hiddenSmall = 0
  let naiveBreaches = 0
  for (let seed = 1; seed <= 400; seed++) {
    const g = generate(seed)
    const a = await computeAnalytics({ ...g, now: NOW })
    const world = worldOf(a, g)
    const found = breaches(a, world, g.offers, g.issuance)
    assert.equal(found, [], `seed ${seed}: recovered ${found.join(', ')}`)
    const x = truth(world, g.offers, g.issuance)
    for (const m of COUNTS) for (const c of publishedCells(a, world, m)) if (c.value === null && dot(c.form, x[m]) <= MAX_SUPPRESSED_COUNT) hiddenSmall++
    if (breaches(primaryOnly(a, world, g), world, g.offers, g.issuance).length > 0) naiveBreaches++
  }
  assert.ok(hiddenSmall > 1000, `the logs have small counts to protect (${hiddenSmall})`)
  // The adversary has teeth: with primary suppression only, it recovers small counts in many logs.
  assert.ok(naiveBreaches > 100, `the adversary breaks primary suppression alone in ${naiveBreaches} of 400 logs`)
})

test('the adversary with the revoked total public (the set bits of the revocation lists): shown, and no revoked count comes back', async () => {
  let shownSmall = 0
  for (let seed = 1; seed <= 200; seed++) {
    const g = generate(seed)
    const revoked = g.issuance.filter((r) => r.revoked === true).length
    const a = await computeAnalytics({ ...g, now: NOW, publicRevoked: revoked })
    assert.equal(a.totals.revoked, { value: revoked, suppressed: false }, `seed ${seed}`)
    if (revoked >= 1 && revoked <= MAX_SUPPRESSED_COUNT) shownSmall++
    // The adversary knows the total now, and that a hidden revoked figure may be 0.
    // Not a breach: a figure that holds every credential issued (one month, one issuer) is the
    // public count itself, whatever is hidden.
    const world = worldOf(a, g)
    const x = truth(world, g.offers, g.issuance)
    const everyCredential = new Set(publishedCells(a, world, 'issued').filter((c) => dot(c.form, x.issued) === g.issuance.length).map((c) => `revoked ${c.name}`))
    const found = breaches(a, world, g.offers, g.issuance, new Set(['revoked'])).filter((b) => !everyCredential.has(b.replace(/ = \d+$/, '')))
    assert.equal(found, [], `seed ${seed}: recovered ${found.join(', ')}`)
    // A public count that is not the total (a revocation not yet in a published list): as before.
    const pending = await computeAnalytics({ ...g, now: NOW, publicRevoked: revoked + 1 })
    assert.equal(pending, await computeAnalytics({ ...g, now: NOW }))
  }
  assert.ok(shownSmall > 20, `small revoked totals shown: ${shownSmall}`)
})

test('the adversary on larger logs (up to 12 achievements, 12 months), and on a city-sized log (6,000 records)', async () => {
  for (let seed = 1001; seed <= 1030; seed++) {
    const g = generate(seed, { achievements: 12, months: 12, records: 40 })
    const a = await computeAnalytics({ ...g, now: NOW })
    const found = breaches(a, worldOf(a, g), g.offers, g.issuance)
    assert.equal(found, [], `seed ${seed}: recovered ${found.join(', ')}`)
  }
  // A city's year: 60 achievements, 24 months, 6,000 offers and credentials, many small counts.
  const random = prng(7)
  const ids = Array.from({ length: 60 }, (_, i) => `urn:example:big:${i}`)
  const big = new Map(ids.map((id, i) => [id, { issuer: `did:web:issuer${i % 5}.example.org`, area: `area-${i % 7}` }]))
  const when = (): string => `${2024 + Math.floor(random() * 2)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-10T00:00:00.000Z`
  const weightOf = (i: number): number => i < 20 ? 0.002 : 1 // a third of the achievements with a handful of records
  const total = ids.reduce((s, _, i) => s + weightOf(i), 0)
  const draw = (): string => {
    let r = random() * total
    for (let i = 0; i < ids.length; i++) { r -= weightOf(i); if (r <= 0) return ids[i] as string }
    return ids[ids.length - 1] as string
  }
  const bigOffers = Array.from({ length: 3000 }, () => { const at = when(); return { achievementId: draw(), createdAt: at, ...(random() < 0.7 ? { claimedAt: at } : {}) } })
  const bigIssuance = Array.from({ length: 3000 }, (_, k) => ({ achievementId: draw(), subject: `did:example:l${k % 900}`, issuedAt: when(), ...(random() < 0.05 ? { revoked: true } : {}) }))
  const paths = new Map(Array.from({ length: 8 }, (_, p) => [`urn:example:bigpath:${p}`, { achievements: ids.filter((_, i) => (i + p) % 6 === 0) }]))
  const a = await computeAnalytics({ issuance: bigIssuance, offers: bigOffers, achievements: big, pathways: paths, now: NOW })
  const g: Generated = { achievements: big, pathways: paths, offers: bigOffers, issuance: bigIssuance }
  assert.equal(breaches(a, worldOf(a, g), bigOffers, bigIssuance), [])
})

test('CSV: a header, one row per figure, suppressed figures empty and marked', async () => {
  const a = await compute()
  const csv = toCsv(a)
  const rows = parseCsv(csv).map((r) => r.fields)
  assert.equal(rows[0], [...CSV_HEADER])
  const find = (breakdown: string, key: string, measure: string): string[] | undefined =>
    rows.find((r) => r[0] === breakdown && r[1] === key && r[3] === measure)
  assert.equal(find('totals', '', 'offered'), ['totals', '', '', 'offered', '37', 'false'])
  assert.equal(find('totals', '', 'revoked'), ['totals', '', '', 'revoked', '', 'true'])
  assert.equal(find('byAchievement', B, 'offered'), ['byAchievement', B, 'Writer', 'offered', '5', 'false'])
  assert.equal(find('byAchievement', B, 'claimed'), ['byAchievement', B, 'Writer', 'claimed', '', 'true'])
  assert.equal(find('byAchievement', D, 'claimRate'), ['byAchievement', D, 'Unused', 'claimRate', '', 'false'])
  assert.equal(find('byMonth', '2025-03', 'claimRate'), ['byMonth', '2025-03', '', 'claimRate', '0.7', 'false'])
  assert.equal(find('byPathway', PALL, 'completed')?.slice(4), ['', 'true'])
  assert.equal(find('byPathway', PAC, 'offered'), ['byPathway', PAC, 'A and C', 'offered', '32', 'false'])
  // 7 totals, 5 measures for each of 4 + 2 + 3 + 3 rows, 7 for each of 3 pathways, and the header
  assert.is(rows.length, 1 + 7 + 5 * (4 + 2 + 3 + 3) + 7 * 3)
  assert.ok(csv.endsWith('\r\n'))
})

test('CSV: a text that a spreadsheet would run as a formula is made inert', async () => {
  const a = await computeAnalytics({
    issuance: [], offers: [], achievements: new Map([['urn:x', { name: '=HYPERLINK("http://evil")', issuer: I1 }]]), now: NOW
  })
  assert.ok(toCsv(a).includes('\'=HYPERLINK'))
})

test('nothing personal in the JSON or the CSV: no learner DID, name, email, credential or offer id', async () => {
  const a = await compute()
  const outputs = [JSON.stringify(a), toCsv(a)]
  for (const out of outputs) {
    for (const l of learners) {
      assert.not.ok(out.includes(l.did), l.did)
      assert.not.ok(out.includes(l.name), l.name)
      assert.not.ok(out.includes(l.email), l.email)
    }
    for (const id of credentialIds) assert.not.ok(out.includes(id), id)
    for (const o of offers) {
      assert.not.ok(out.includes(o.offerId), o.offerId)
      assert.not.ok(out.includes(o.codeDigest), o.codeDigest)
    }
    assert.not.ok(/did:key|@mail|urn:uuid|Learner|Person/.test(out))
  }
})

test('a programmer\'s mistake is a TypeError', async () => {
  await computeAnalytics(undefined as never).then(() => assert.unreachable(), (e: unknown) => assert.instance(e, TypeError))
  await computeAnalytics({ issuance: [], offers: [], achievements: {} as never, now: NOW }).then(() => assert.unreachable(), (e: unknown) => assert.instance(e, TypeError))
  await computeAnalytics({ issuance: [], offers: [], achievements, pathways: {} as never, now: NOW })
    .then(() => assert.unreachable(), (e: unknown) => assert.instance(e, TypeError))
  await computeAnalytics({ issuance: [], offers: [], achievements, now: Number.NaN }).then(() => assert.unreachable(), (e: unknown) => assert.instance(e, TypeError))
})

test.run()
