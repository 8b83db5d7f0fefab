// The demo city (scripts/demo-city.ts: Plymouth's providers, pathways and twelve learners' claims)
// on a node started in this process (127.0.0.1, port 0), its records then read from its store and
// spread over five months (the demo makes them all today), and published month after month and at
// odd times between: every version the node would publish (nextAggregate), taken together, passes
// the auditor (@cofl/test-support/auditor: no suppressed count is determined by any combination
// of them). The former rule (the figures as they stand, at each publication) fails it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  type AggregateContent, type AnalyticsIssuance, type AnalyticsOffer, buildAggregate, computeAnalytics, nextAggregate,
  type PublishedPeriod
} from '@cofl/analytics'
import { openLevelStore } from '@cofl/store'
import type { IssuanceRecord } from '@cofl/store'
import { auditAggregates } from '@cofl/test-support/auditor'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'

type Fill = (target: { url: string, token: string }) => Promise<unknown>

const DAY = 86_400_000
const START = Date.parse('2025-01-01T00:00:00Z')

test('the demo city, published over five months: the auditor finds nothing; the former rule leaks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-analytics-audit-'))
  const data = join(dir, 'city')
  const issuance: AnalyticsIssuance[] = []
  const offers: AnalyticsOffer[] = []
  try {
    const node = createCityNode({ config: { data, name: 'Plymouth City of Learning' } })
    try {
      await node.start()
      // Loaded at run time: scripts/ is outside the tests' TypeScript project.
      const { fillCity } = await import(pathToFileURL(join(process.cwd(), 'scripts', 'demo-city.ts')).href) as { fillCity: Fill }
      await fillCity({ url: node.url, token: node.adminToken })
    } finally {
      await node.stop()
    }
    // The node's issuance log read as it lies on disk (DIR/store, collection 'issuance'), with no
    // schema: the true figures that the published versions are audited against.
    const store = await openLevelStore({ directory: join(data, 'store') })
    try {
      for await (const r of store.collection<IssuanceRecord>('issuance').values()) {
        issuance.push({ achievementId: r.achievementId, subject: r.subject, issuedAt: r.issuedAt, ...(r.revoked === true ? { revoked: true } : {}) })
      }
      for await (const o of store.collection<Record<string, unknown>>('offers').values({ prefix: 'offer:' })) {
        if (typeof o.achievementId === 'string' && typeof o.createdAt === 'string') offers.push({ achievementId: o.achievementId, createdAt: o.createdAt, ...(typeof o.claimedAt === 'string' ? { claimedAt: o.claimedAt } : {}) })
      }
    } finally {
      await store.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  assert.ok(issuance.length >= 20, `the demo's credentials: ${issuance.length}`)

  // Spread over January to May 2025, in the order they were made: a record every few days.
  const at = (i: number, n: number): number => START + Math.floor((i * 150 * DAY) / Math.max(n, 1))
  const spreadIssuance = [...issuance].sort((a, b) => a.issuedAt < b.issuedAt ? -1 : 1)
    .map((r, i, all) => ({ ...r, t: at(i, all.length), issuedAt: new Date(at(i, all.length)).toISOString() }))
  const spreadOffers = [...offers].sort((a, b) => a.createdAt < b.createdAt ? -1 : 1).map((o, i, all) => ({ ...o, t: at(i, all.length) }))
  const recordsAt = (now: number): { issuance: AnalyticsIssuance[], offers: AnalyticsOffer[] } => ({
    issuance: spreadIssuance.filter((r) => r.t <= now).map(({ t: _t, ...r }) => r),
    offers: spreadOffers.filter((o) => o.t <= now).map(({ t, ...o }) => ({
      achievementId: o.achievementId,
      createdAt: new Date(t).toISOString(),
      // claimed two days after the offer, when the demo's was
      ...(o.claimedAt !== undefined && t + 2 * DAY <= now ? { claimedAt: new Date(t + 2 * DAY).toISOString() } : {})
    }))
  })
  // Monthly on the 2nd, and at odd times: twice a few seconds apart, mid-month.
  const times = [1, 2, 3, 4, 5, 6].flatMap((m) => [Date.UTC(2025, m, 2), Date.UTC(2025, m, 2, 0, 0, 3), Date.UTC(2025, m, 17)])
  const achievements = new Map<string, { issuer: string }>()

  const history: PublishedPeriod[] = []
  const versions: AggregateContent[] = []
  const former: AggregateContent[] = []
  for (const now of times) {
    const next = nextAggregate({ issuer: 'did:web:plymouth.example', now, history, ...recordsAt(now) })
    if (next.added !== undefined) history.push(next.added)
    versions.push(next.content)
    former.push(buildAggregate(await computeAnalytics({ ...recordsAt(now), achievements, now }), { issuer: 'did:web:plymouth.example' }))
  }
  assert.is(history.length, 6, 'a period a month')
  assert.ok(versions.at(-1)?.byMonth.some((m) => m.issued.value !== null && m.issued.value > 0), 'figures are shown, not all hidden')
  assert.equal(auditAggregates(versions, { frozen: ['offered', 'claimed', 'issued'] }), [])
  const leaks = auditAggregates(former, { frozen: ['offered', 'issued'] })
  assert.ok(leaks.length > 0, 'the former rule leaks')
})

test.run()
