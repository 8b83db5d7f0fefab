// City analytics against a generated issuance log and offers whose figures are known: every
// figure, the suppression of small counts (primary, secondary, derived), and that nothing personal
// comes out in the JSON or the CSV.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  type Analytics, type AnalyticsAchievement, type AnalyticsIssuance, type Cell, CSV_HEADER, computeAnalytics,
  countCell, suppressColumn, toCsv
} from '../src/analytics.js'
import { parseCsv } from '../src/csv.js'
import type { OfferRecord } from '../src/offers.js'

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
const pathways = new Map<string, string[]>([
  ['https://city.example.org/pathways/a-and-c', [A, C]],
  ['https://city.example.org/pathways/all-three', [A, B, C]],
  ['https://city.example.org/pathways/unused', [D]]
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

test('secondary suppression: one hidden cell and a shown total hide the next smallest cell that is not 0', () => {
  assert.equal(suppressColumn([0, 5, 3, 7], true), [v(0), S, S, v(7)])
  // A 0 is never the one chosen; ties go to the first.
  assert.equal(suppressColumn([4, 0, 9, 9], true), [S, v(0), S, v(9)])
  // Two hidden cells already protect each other; a hidden total leaves nothing to subtract from.
  assert.equal(suppressColumn([1, 2, 10], true), [S, S, v(10)])
  assert.equal(suppressColumn([3, 0, 0], false), [S, v(0), v(0)])
  assert.equal(suppressColumn([0, 5, 6], true), [v(0), v(5), v(6)])
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

test('by achievement: 0, 3, 5 and 12 as they should be, with secondary and derived suppression', async () => {
  const a = await compute()
  assert.equal(a.byAchievement, [
    // offered 12, claimed 10 (hidden: the next smallest beside B's 3), issued 12 (same)
    { key: A, label: 'Reader', offered: v(12), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    // offered 5 shown; claimed 3 and issued 3 hidden, so the claim rate too
    { key: B, label: 'Writer', offered: v(5), claimed: S, claimRate: S, issued: S, revoked: v(0) },
    // revoked 1 hidden; its total is hidden too, so no secondary suppression in that column
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
    { key: '2025-01', offered: v(12), claimed: v(10), claimRate: v(10 / 12), issued: v(12), revoked: v(0) },
    { key: '2025-02', offered: v(15), claimed: v(11), claimRate: v(11 / 15), issued: v(11), revoked: v(0) },
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

test('by pathway: learners who completed it and who progressed', async () => {
  const a = await compute()
  assert.equal(a.byPathway, [
    { key: 'https://city.example.org/pathways/a-and-c', completed: v(6), progressed: v(14) },
    { key: 'https://city.example.org/pathways/all-three', completed: S, progressed: v(17) }, // 3 completed
    { key: 'https://city.example.org/pathways/unused', completed: v(0), progressed: v(0) }
  ])
  assert.equal((await computeAnalytics({ issuance, offers, achievements, now: NOW })).byPathway, [])
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
  assert.equal(find('byPathway', 'https://city.example.org/pathways/all-three', 'completed')?.slice(4), ['', 'true'])
  // 7 totals, 5 measures for each of 4 + 2 + 3 + 3 rows, 2 for each of 3 pathways, and the header
  assert.is(rows.length, 1 + 7 + 5 * (4 + 2 + 3 + 3) + 2 * 3)
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
  await computeAnalytics({ issuance: [], offers: [], achievements, now: Number.NaN }).then(() => assert.unreachable(), (e: unknown) => assert.instance(e, TypeError))
})

test.run()
