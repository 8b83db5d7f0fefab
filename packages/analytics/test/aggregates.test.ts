// Aggregates: what a node publishes of its analytics (totals and months after suppression, nothing
// personal), the validation every node runs on arrival, and the federation's sums (newest
// aggregate per node, suppressed parts as lower bounds with the nodes named, suppression again).
// A signed aggregate through the node's content rules: node/test/aggregates-documents.test.ts.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  AGGREGATE_ID_PREFIX, type AggregateContent, aggregateId, type AnalyticsIssuance, type AnalyticsOffer, buildAggregate,
  type Cell, computeAnalytics, federationTotals, MAX_AGGREGATE_MONTHS, sumCells, validateAggregate
} from '../src/index.js'

/** The contexts of a cofl document as a node signs it (VC 2.0, undefined terms). */
const COFL_DOCUMENT_CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2']

const NOW = Date.parse('2025-04-01T00:00:00.000Z')
const S: Cell = { value: null, suppressed: true }
const v = (value: number): Cell => ({ value, suppressed: false })
const A = 'https://city.example.org/achievements/a'
const B = 'https://city.example.org/achievements/b'
const CITY = 'did:web:city.example.org'

// 12 learners: A to 0-9 in January (10), B to 0-2 in February (3); 14 offers of A in January, 12 claimed.
const learner = (i: number): string => `did:key:z6MkAggregateLearner${String(i).padStart(2, '0')}`
const issuance: AnalyticsIssuance[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ achievementId: A, subject: learner(i), issuedAt: '2025-01-10T00:00:00.000Z' })),
  ...Array.from({ length: 3 }, (_, i) => ({ achievementId: B, subject: learner(i), issuedAt: '2025-02-10T00:00:00.000Z' }))
]
const offers: AnalyticsOffer[] = Array.from({ length: 14 }, (_, i) => ({ achievementId: A, createdAt: '2025-01-05T00:00:00.000Z', ...(i < 12 ? { claimedAt: '2025-01-06T00:00:00.000Z' } : {}) }))
const achievements = new Map([[A, { name: 'A', issuer: CITY }], [B, { name: 'B', issuer: CITY }]])

async function content (): Promise<AggregateContent> {
  return buildAggregate(await computeAnalytics({ issuance, offers, achievements, now: NOW }), { issuer: CITY })
}

test('buildAggregate: the totals and months as the analytics show them, the node\'s id, nothing else', async () => {
  const c = await content()
  assert.equal(c, {
    id: `urn:cofl:aggregate:${CITY}`,
    period: { from: '2025-01', until: '2025-04-01T00:00:00.000Z' },
    generatedAt: '2025-04-01T00:00:00.000Z',
    suppressionThreshold: 4,
    // issued 13 shown; learners 10; with more than one badge: 0-2 (3, hidden)
    totals: { offered: v(14), claimed: v(12), issued: v(13), learners: v(10), learnersWithMoreThanOne: S },
    byMonth: [
      // February's 3 issued is hidden, and January's 10 beside it (the witness moves one between them)
      { month: '2025-01', offered: v(14), claimed: v(12), issued: S },
      { month: '2025-02', offered: v(0), claimed: v(0), issued: S }
    ]
  })
  assert.is(aggregateId(CITY), `${AGGREGATE_ID_PREFIX}${CITY}`)
  assert.equal(validateAggregate({ ...c, issuer: CITY }), [])
  const text = JSON.stringify(c)
  assert.not.ok(/did:key|Learner|urn:uuid/.test(text))
  assert.not.ok(text.includes(A) || text.includes(B), 'no achievement ids either')
  // A period given is taken as it is.
  const given = buildAggregate(await computeAnalytics({ issuance, offers, achievements, now: NOW }), { issuer: CITY, period: { from: '2024-09', until: '2025-03-31T23:59:59.000Z' } })
  assert.equal(given.period, { from: '2024-09', until: '2025-03-31T23:59:59.000Z' })
  // A node with nothing yet: no months, no `from`.
  const empty = buildAggregate(await computeAnalytics({ issuance: [], offers: [], achievements, now: NOW }), { issuer: CITY })
  assert.equal(empty.period, { until: '2025-04-01T00:00:00.000Z' })
  assert.equal(empty.byMonth, [])
  assert.equal(validateAggregate(empty), [])
  assert.throws(() => buildAggregate(undefined as never, { issuer: CITY }), TypeError)
  assert.throws(() => aggregateId('city'), TypeError)
})

test('validateAggregate: every rule, with the path of the offending value', async () => {
  const good = { ...(await content()), issuer: CITY } as Record<string, any>
  const errorsOf = (change: (d: Record<string, any>) => void): string[] => {
    const d = structuredClone(good)
    change(d)
    return validateAggregate(d)
  }
  assert.equal(validateAggregate(good), [])
  assert.equal(validateAggregate(null as never), ['the aggregate must be a JSON object'])
  assert.equal(validateAggregate([] as never), ['the aggregate must be a JSON object'])
  assert.equal(errorsOf((d) => { d.totals.offered = v(-1) }), ['totals.offered.value: must be a non-negative integer'])
  assert.equal(errorsOf((d) => { d.totals.offered = v(14.5) }), ['totals.offered.value: must be a non-negative integer'])
  assert.equal(errorsOf((d) => { d.totals.offered = { value: '14', suppressed: false } }), ['totals.offered.value: must be a non-negative integer'])
  assert.equal(errorsOf((d) => { d.totals.learnersWithMoreThanOne = v(3) }), ['totals.learnersWithMoreThanOne.value: 3 is a count from 1 to 4 shown (it must be suppressed)'])
  assert.equal(errorsOf((d) => { d.totals.offered = { value: 14, suppressed: true } }), ['totals.offered.value: must be null when suppressed'])
  assert.equal(errorsOf((d) => { d.totals.offered = { value: 14 } }), ['totals.offered.suppressed: must be a boolean'])
  assert.equal(errorsOf((d) => { delete d.totals.claimed }), ['totals.claimed: must be an object { value, suppressed }'])
  // Nothing can ride along: an unknown field anywhere is refused.
  assert.equal(errorsOf((d) => { d.learners = ['did:key:z6Mkx'] }), ['learners: is not a field of an aggregate'])
  assert.equal(errorsOf((d) => { d.totals.revoked = v(0) }), ['totals.revoked: is not a field of an aggregate'])
  assert.equal(errorsOf((d) => { d.totals.offered.note = 'x' }), ['totals.offered.note: is not a field of an aggregate'])
  assert.equal(errorsOf((d) => { d.byMonth[0].subject = 'x' }), ['byMonth[0].subject: is not a field of an aggregate'])
  assert.equal(errorsOf((d) => { d.period.to = 'x' }), ['period.to: is not a field of an aggregate'])
  // Consistency
  assert.equal(errorsOf((d) => { d.totals.claimed = v(15) }), ['totals.claimed: 15 is more than offered (14)'])
  assert.equal(errorsOf((d) => { d.totals.learners = v(20) }), ['totals.learners: 20 is more than issued (13)'])
  assert.equal(errorsOf((d) => { d.totals.learnersWithMoreThanOne = v(11) }), [
    'totals.learnersWithMoreThanOne: 11 is more than learners (10)', 'totals.learnersWithMoreThanOne: 11 is more than 1/2 of issued (13)'
  ])
  assert.equal(errorsOf((d) => { d.byMonth[0].claimed = v(20); d.byMonth[0].offered = v(19) }), [
    'byMonth[0].claimed: 20 is more than offered (19)', 'byMonth: the months\' offered add up to 19 at least, more than the total (14)', 'byMonth: the months\' claimed add up to 20 at least, more than the total (12)'
  ])
  // Two suppressed months count 1 each at least: 12 + 1 is more than a total of 12.
  assert.equal(errorsOf((d) => { d.byMonth[1].claimed = S }), ['byMonth: the months\' claimed add up to 13 at least, more than the total (12)'])
  assert.equal(errorsOf((d) => { d.byMonth[1].month = '2025-01' }), ['byMonth[1].month: 2025-01 appears twice'])
  assert.equal(errorsOf((d) => { d.byMonth[1].month = '2025-13' }), ['byMonth[1].month: must be a month YYYY-MM'])
  assert.equal(errorsOf((d) => { d.byMonth = Array.from({ length: MAX_AGGREGATE_MONTHS + 1 }, () => ({})) }), [`byMonth: must have at most ${MAX_AGGREGATE_MONTHS} months`])
  assert.equal(errorsOf((d) => { d.byMonth = {} }), ['byMonth: must be an array'])
  // Identity, dates, threshold
  assert.equal(errorsOf((d) => { d.id = 'urn:cofl:aggregate:did:web:other.example.org' }), [`id: must be urn:cofl:aggregate:<issuer DID> (urn:cofl:aggregate:${CITY})`])
  assert.equal(errorsOf((d) => { d.issuer = 'city' }), ['issuer: must be a DID'])
  assert.equal(errorsOf((d) => { delete d.issuer; d.id = 'urn:example:x' }), ['id: must be urn:cofl:aggregate:<DID>'])
  assert.equal(errorsOf((d) => { d.type = ['Achievement'] }), ['type: must include CoflAggregate'])
  assert.equal(errorsOf((d) => { d.generatedAt = 'yesterday' }), ['generatedAt: must be an ISO 8601 date'])
  assert.equal(errorsOf((d) => { d.period = { from: '2025', until: '2025-04-01' } }), ['period.from: must be a month YYYY-MM'])
  assert.equal(errorsOf((d) => { d.period = 'all' }), ['period: must be an object { from?, until }'])
  assert.equal(errorsOf((d) => { d.suppressionThreshold = 2 }), ['suppressionThreshold: must be an integer from 4 to 100'])
  // A higher threshold is allowed; then a 5 shown is too small.
  assert.equal(errorsOf((d) => { d.suppressionThreshold = 10; d.totals.offered = v(5) }), [
    'totals.offered.value: 5 is a count from 1 to 10 shown (it must be suppressed)', 'totals.learners.value: 10 is a count from 1 to 10 shown (it must be suppressed)'
  ])
})

function aggregate (issuer: string, totals: Partial<Record<string, Cell>>, byMonth: Array<Record<string, unknown>>, generatedAt = '2025-04-01T00:00:00.000Z'): { document: Record<string, unknown>, issuer: string, sequence: number, cid: string, receivedAt: string } {
  const full = { offered: v(0), claimed: v(0), issued: v(0), learners: v(0), learnersWithMoreThanOne: v(0), ...totals }
  return {
    issuer,
    sequence: 1,
    cid: `bafy-${issuer.slice(-1)}`,
    receivedAt: '2025-04-02T00:00:00.000Z',
    document: {
      '@context': [...COFL_DOCUMENT_CONTEXT],
      id: aggregateId(issuer),
      type: ['CoflAggregate'],
      issuer,
      period: { from: '2025-01', until: generatedAt },
      generatedAt,
      suppressionThreshold: 4,
      totals: full,
      byMonth
    }
  }
}

const N1 = 'did:web:one.example.org'
const N2 = 'did:web:two.example.org'
const N3 = 'did:web:three.example.org'

test('federationTotals: sums of the newest aggregate of each node; a suppressed part makes a lower bound and names its node', () => {
  const month = (m: string, offered: Cell, claimed: Cell, issued: Cell): Record<string, unknown> => ({ month: m, offered, claimed, issued })
  const held = [
    aggregate(N1, { offered: v(20), claimed: v(15), issued: v(30), learners: v(25), learnersWithMoreThanOne: v(5) }, [month('2025-01', v(20), v(15), v(30))]),
    // an older version of N1: replaced by the one above
    aggregate(N1, { offered: v(10), claimed: v(5), issued: v(10), learners: v(8), learnersWithMoreThanOne: v(0) }, [], '2025-03-01T00:00:00.000Z'),
    aggregate(N2, { offered: v(7), claimed: S, issued: v(12), learners: v(9), learnersWithMoreThanOne: S }, [month('2025-01', v(7), S, S), month('2025-02', v(0), v(0), S)]),
    aggregate(N3, { offered: v(0), claimed: v(0), issued: v(6), learners: v(6), learnersWithMoreThanOne: v(0) }, [month('2025-02', v(0), v(0), v(6))])
  ]
  const f = federationTotals(held, { now: NOW })
  assert.is(f.generatedAt, '2025-04-01T00:00:00.000Z')
  assert.is(f.nodes, 3)
  assert.equal(f.rejected, [])
  const sum = (value: number | null, suppressedIn: string[] = []): Record<string, unknown> =>
    ({ value, suppressed: value === null, lowerBound: suppressedIn.length > 0, suppressedIn })
  assert.equal(f.totals, {
    offered: sum(27),
    claimed: sum(15, [N2]), // at least 15: N2's claims are suppressed
    issued: sum(48),
    learners: sum(40),
    learnersWithMoreThanOne: sum(5, [N2])
  })
  assert.equal(f.byMonth, [
    { month: '2025-01', offered: sum(27), claimed: sum(15, [N2]), issued: sum(30, [N2]) },
    // N1 has no February: 0
    { month: '2025-02', offered: sum(0), claimed: sum(0), issued: sum(6, [N2]) }
  ])
  assert.equal(f.rows.map((r) => [r.issuer, r.generatedAt, r.totals.offered, r.cid, r.sequence, r.receivedAt]), [
    [N3, '2025-04-01T00:00:00.000Z', v(0), 'bafy-g', 1, '2025-04-02T00:00:00.000Z'],
    [N1, '2025-04-01T00:00:00.000Z', v(20), 'bafy-g', 1, '2025-04-02T00:00:00.000Z'],
    [N2, '2025-04-01T00:00:00.000Z', v(7), 'bafy-g', 1, '2025-04-02T00:00:00.000Z']
  ].sort((a, b) => (a[0] as string) < (b[0] as string) ? -1 : 1))
  assert.equal(f.rows.find((r) => r.issuer === N2)?.byMonth.map((m) => m.month), ['2025-01', '2025-02'])
  // Of two versions with the same time, the higher sequence.
  const again = aggregate(N3, { offered: v(9), claimed: v(0), issued: v(6), learners: v(6) }, [])
  again.sequence = 2
  assert.equal(federationTotals([held[3]!, again]).totals.offered, sum(9))
  assert.equal(federationTotals([]).nodes, 0)
  assert.equal(federationTotals([]).totals.issued, sum(0))
})

test('federationTotals: an aggregate that fails validation is not summed, and is reported with why', () => {
  const bad = aggregate(N2, { offered: v(-40) }, [])
  const forged = aggregate(N3, { offered: v(12) }, [])
  forged.issuer = N1 // stored for another issuer than the document names
  const notAnObject = { issuer: N1, document: 'x' as never }
  const f = federationTotals([aggregate(N1, { offered: v(12) }, []), bad, forged, notAnObject])
  assert.is(f.nodes, 1)
  assert.equal(f.totals.offered.value, 12)
  assert.equal(f.rejected, [
    { id: aggregateId(N2), issuer: N2, errors: ['totals.offered.value: must be a non-negative integer'] },
    { id: aggregateId(N3), issuer: N3, errors: [`issuer: ${N3} is not the issuer it was stored for (${N1})`] },
    { id: '', issuer: null, errors: ['the aggregate must be a JSON object'] }
  ])
  assert.throws(() => federationTotals(undefined as never), TypeError)
})

test('federationTotals with `trusted`: only the trusted issuers\' aggregates are summed; the others are counted and listed as left out, with why', () => {
  const held = [
    aggregate(N1, { offered: v(12) }, []),
    aggregate(N2, { offered: v(1_000_000_000), claimed: v(0) }, []),
    aggregate(N3, { offered: v(1_000_000_000), claimed: v(0) }, []),
    aggregate(N3, { offered: v(-1) }, []) // invalid: rejected before trust is asked
  ]
  const f = federationTotals(held, { now: NOW, trusted: (issuer) => issuer === N1 })
  assert.is(f.nodes, 1)
  assert.equal(f.rows.map((r) => r.issuer), [N1])
  assert.equal(f.totals.offered.value, 12)
  assert.equal(f.leftOut, { untrusted: 2, rejected: 1 })
  assert.equal(f.untrusted.map((u) => [u.id, u.issuer]), [[aggregateId(N2), N2], [aggregateId(N3), N3]].sort((a, b) => (a[1] as string) < (b[1] as string) ? -1 : 1))
  for (const u of f.untrusted) assert.match(u.reason, /is not trusted by this node/)
  // Without `trusted` (a node without the federation), every valid aggregate is summed.
  assert.is(federationTotals(held, { now: NOW }).nodes, 3)
  assert.equal(federationTotals(held, { now: NOW }).leftOut, { untrusted: 0, rejected: 1 })
})

test('sumCells: suppression again on the sum; suppressed parts never guessed', () => {
  // Valid aggregates show 0 or more than 4, so a sum of them is too; a part shown small (an
  // aggregate with a lower threshold, were one accepted) is suppressed again in the sum.
  assert.equal(sumCells([{ issuer: N1, cell: v(3) }, { issuer: N2, cell: v(0) }]), { value: null, suppressed: true, lowerBound: false, suppressedIn: [] })
  assert.equal(sumCells([{ issuer: N1, cell: S }, { issuer: N2, cell: S }]), { value: 0, suppressed: false, lowerBound: true, suppressedIn: [N1, N2] })
  assert.equal(sumCells([{ issuer: N1, cell: v(5) }, { issuer: N2, cell: v(6) }]), { value: 11, suppressed: false, lowerBound: false, suppressedIn: [] })
})

test.run()
