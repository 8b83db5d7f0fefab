// Aggregates over time (nextAggregate): closed months only, a published figure never shown again
// with another value, and suppression decided knowing every version before; checked by the
// auditor (@cofl/test-support/auditor), which sets every version a node published up as one linear system and
// reports any suppressed count it determines. Generated cities (fast-check: records over months,
// claims and revocations later, publications at random times) must pass it; publishing the
// current analytics at each publication, as nodes did before, must fail it.
import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  type AggregateContent, type AnalyticsIssuance, type AnalyticsOffer, buildAggregate, computeAnalytics, nextAggregate,
  type PublishedPeriod, suppressLearners, validateAggregate
} from '../src/index.js'
import { auditAggregates, type AuditedVersion } from '@cofl/test-support/auditor'

const CITY = 'did:web:city.example.org'
const A = 'https://city.example.org/achievements/a'
const B = 'https://city.example.org/achievements/b'
const achievements = new Map([[A, { issuer: CITY }], [B, { issuer: CITY }]])
const S = { value: null, suppressed: true }
const v = (value: number): { value: number, suppressed: boolean } => ({ value, suppressed: false })
const at = (iso: string): number => Date.parse(iso)
const learner = (i: number): string => `did:key:z6MkPublicationLearner${i}`
const issued = (n: number, month: string, from = 0): AnalyticsIssuance[] =>
  Array.from({ length: n }, (_, i) => ({ achievementId: A, subject: learner(from + i), issuedAt: `${month}-10T12:00:00.000Z` }))

/** Publications at these times, each knowing the ones before, from the records as they stood then. */
function publish (times: readonly number[], records: (t: number) => { issuance: AnalyticsIssuance[], offers: AnalyticsOffer[] }): AggregateContent[] {
  const history: PublishedPeriod[] = []
  return times.map((now) => {
    const { content, added } = nextAggregate({ issuer: CITY, now, history, ...records(now) })
    if (added !== undefined) history.push(added)
    assert.equal(validateAggregate(content), [], 'a valid aggregate')
    return content
  })
}

test('closed months only: the month under way is in no version', () => {
  const [content] = publish([at('2025-03-15T00:00:00Z')], () => ({ issuance: [...issued(7, '2025-02'), ...issued(9, '2025-03', 7)], offers: [] }))
  assert.equal(content?.byMonth.map((m) => m.month), ['2025-02'])
  assert.equal(content?.totals.issued, v(7))
  assert.is(content?.period.from, '2025-02')
  assert.is(content?.period.until, '2025-03-01T00:00:00.000Z')
})

test('the issue\'s subtraction across versions: November 7, then December 2 is hidden and so is the total', () => {
  const records = { issuance: [...issued(7, '2024-11'), ...issued(2, '2024-12', 7)], offers: [] }
  const [v1, v2] = publish([at('2024-12-05T00:00:00Z'), at('2025-01-05T00:00:00Z')], () => records)
  assert.equal(v1?.totals.issued, v(7))
  assert.equal(v2?.byMonth.map((m) => [m.month, m.issued]), [['2024-11', v(7)], ['2024-12', S]])
  assert.equal(v2?.totals.issued, S, 'else 9 - 7 = 2')
  assert.equal(auditAggregates([v1, v2] as AuditedVersion[], { frozen: ['offered', 'claimed', 'issued'] }), [])
  // Published as nodes did before (everything up to now, as it stands): the auditor finds it.
  const old = [v1, v2].map((c) => ({ ...(c as AggregateContent), totals: { ...(c as AggregateContent).totals, issued: v(c === v1 ? 7 : 9) } }))
  assert.equal(auditAggregates(old, { frozen: ['offered', 'claimed', 'issued'] }), [{ cell: 'v2 2024-12 issued', value: 2 }, { cell: 'v2 - v1 totals.issued', value: 2 }])
})

test('a published month keeps its figures: a late claim is in no later version; two versions of a period are the same', () => {
  const offers: AnalyticsOffer[] = Array.from({ length: 9 }, (_, i) => ({ achievementId: B, createdAt: '2025-01-03T00:00:00Z', ...(i < 5 ? { claimedAt: '2025-01-04T00:00:00Z' } : i === 5 ? { claimedAt: '2025-02-20T00:00:00Z' } : {}) }))
  const records = (t: number): { issuance: AnalyticsIssuance[], offers: AnalyticsOffer[] } => ({
    issuance: [],
    offers: offers.map((o) => o.claimedAt !== undefined && Date.parse(o.claimedAt) > t ? { achievementId: o.achievementId, createdAt: o.createdAt } : o)
  })
  const versions = publish([at('2025-02-02T00:00:00Z'), at('2025-02-02T00:00:03Z'), at('2025-02-25T00:00:00Z'), at('2025-03-02T00:00:00Z')], records)
  for (const c of versions) assert.equal(c.byMonth[0], { month: '2025-01', offered: v(9), claimed: v(5), issued: v(0) })
  assert.equal(versions[1]?.totals, versions[0]?.totals)
  assert.equal(versions[2]?.totals, versions[0]?.totals, 'the claim of 20 February is not shown')
})

test('learner counts: with one badge is learners minus more than one, so a small one hides more than one', () => {
  assert.equal(suppressLearners(7, 5), { learners: false, more: true }) // 7 - 5 = 2
  assert.equal(suppressLearners(12, 5), { learners: false, more: false })
  assert.equal(suppressLearners(3, 0), { learners: true, more: false })
  // Across versions: 7 learners then 9 shows 2 who came.
  assert.equal(suppressLearners(9, 0, [{ learners: { value: 7, hidden: false }, more: { value: 0, hidden: false } }]), { learners: true, more: false })
  assert.equal(suppressLearners(9, 0, [{ learners: { value: 7, hidden: true }, more: { value: 0, hidden: false } }]), { learners: false, more: false })
})

// ---- generated cities ---------------------------------------------------------------------------

const START = at('2025-01-01T00:00:00Z')
const DAY = 86_400_000
const SPAN = 200 * DAY

const arbitraryCity = fc.record({
  offers: fc.array(fc.record({ at: fc.integer({ min: 0, max: SPAN }), claimAfter: fc.option(fc.integer({ min: 0, max: 80 * DAY })), b: fc.boolean() }), { maxLength: 80, size: 'medium' }),
  credentials: fc.array(fc.record({ at: fc.integer({ min: 0, max: SPAN }), revokeAfter: fc.option(fc.integer({ min: 0, max: 80 * DAY })), subject: fc.integer({ min: 0, max: 30 }), b: fc.boolean() }), { maxLength: 80, size: 'medium' }),
  publications: fc.uniqueArray(fc.integer({ min: 0, max: SPAN + 40 * DAY }), { minLength: 1, maxLength: 8 }).map((ts) => ts.sort((a, b) => a - b))
})
type City = typeof arbitraryCity extends fc.Arbitrary<infer T> ? T : never

/** The records of a generated city as they stood at `t`. */
function recordsAt (city: City, t: number): { issuance: AnalyticsIssuance[], offers: AnalyticsOffer[] } {
  const iso = (ms: number): string => new Date(START + ms).toISOString()
  return {
    offers: city.offers.filter((o) => START + o.at <= t).map((o) => ({
      achievementId: o.b ? B : A,
      createdAt: iso(o.at),
      ...(o.claimAfter !== null && START + o.at + o.claimAfter <= t ? { claimedAt: iso(o.at + o.claimAfter) } : {})
    })),
    issuance: city.credentials.filter((c) => START + c.at <= t).map((c) => ({
      achievementId: c.b ? B : A,
      subject: learner(c.subject),
      issuedAt: iso(c.at),
      ...(c.revokeAfter !== null && START + c.at + c.revokeAfter <= t ? { revoked: true } : {})
    }))
  }
}

const FROZEN = ['offered', 'claimed', 'issued'] as const
// Bounded: runs and time (fast-check stops early when the time is up, the runs done still count).
const RUNS = { numRuns: 300, interruptAfterTimeLimit: 20_000, seed: Number(process.env.COFL_PROPERTY_SEED ?? 15015) }

test('generated cities: no version, nor any set of versions, determines a suppressed count (auditor)', () => {
  fc.assert(fc.property(arbitraryCity, (city) => {
    const versions = publish(city.publications.map((p) => START + p), (t) => recordsAt(city, t))
    const leaks = auditAggregates(versions, { frozen: FROZEN })
    if (leaks.length > 0) throw new Error(`leaks: ${JSON.stringify(leaks)}`)
  }), RUNS)
})

test('generated cities: publishing the figures as they stand at each publication (the former rule) fails the auditor', async () => {
  const result = await fc.check(fc.asyncProperty(arbitraryCity, async (city) => {
    const versions: AggregateContent[] = []
    for (const p of city.publications) {
      const now = START + p
      versions.push(buildAggregate(await computeAnalytics({ ...recordsAt(city, now), achievements, now }), { issuer: CITY }))
    }
    // Before: offered and issued of an ended month never change; claimed does.
    return auditAggregates(versions, { frozen: ['offered', 'issued'] }).length === 0
  }), RUNS)
  assert.ok(result.failed, 'a counterexample')
  assert.ok(result.counterexample !== null)
})

test.run()
