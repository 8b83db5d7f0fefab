// Federation totals: two city nodes started in this process (127.0.0.1, port 0; B dials A), each
// issuing credentials and publishing its aggregate; GET /api/analytics/federation on either shows
// both nodes and the right sums. A bare federation peer (no content rules of its own) publishes a
// signed aggregate with negative figures: both city nodes refuse it on arrival (never stored,
// never summed), and take the same peer's valid aggregate that follows.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signDocument } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { api, endorseWhenHeld, ok } from './fixtures/city-api.js'
import type { Json } from './fixtures/city-api.js'
import { waitFor } from '@cofl/test-support'
import { settle, signedAchievement, signedProfile, startNode } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'

const CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2']

const federation = async (node: CityNode): Promise<Json> => {
  const answer = await api(node, 'GET', '/api/analytics/federation', undefined, false) // public
  assert.is(answer.status, 200)
  return answer.body
}

/** An aggregate as a node signs it, with the figures given (valid or not). */
async function aggregate (key: KeyPair, totals: Json, generatedAt: string): Promise<Record<string, unknown>> {
  return await signDocument({
    '@context': CONTEXT,
    id: `urn:cofl:aggregate:${key.did}`,
    type: ['CoflAggregate'],
    issuer: key.did,
    period: { until: generatedAt },
    generatedAt,
    suppressionThreshold: 4,
    totals,
    byMonth: []
  }, { key }) as unknown as Record<string, unknown>
}

const v = (value: number): Json => ({ value, suppressed: false })
const sum = (value: number, suppressedIn: string[] = []): Json => ({ value, suppressed: false, lowerBound: suppressedIn.length > 0, suppressedIn })

test('two nodes publish their aggregates; either shows both and their sums; a tampered aggregate from a bare peer is refused', async () => {
  const signal = AbortSignal.timeout(120_000)
  const dir = await mkdtemp(join(tmpdir(), 'cofl-analytics-federation-'))
  let a: CityNode | undefined
  let b: CityNode | undefined
  let bare: TestNode | undefined
  try {
    a = createCityNode({ config: { data: join(dir, 'a'), name: 'City A' }, signingWorkers: 0 })
    await a.start()
    const addressesOfA = a.info().multiaddrs
    assert.ok(addressesOfA.length > 0)
    // Totals count only the nodes a node trusts: B trusts A (a trust root), A endorses B.
    b = createCityNode({ config: { data: join(dir, 'b'), name: 'City B', bootstrap: [addressesOfA[0] as string], trustRoots: [a.did] }, signingWorkers: 0 })
    await b.start()
    for (const n of [a, b]) await waitFor('connected', async () => (await ok(n, 'GET', '/api/health')).peers >= 1, signal)
    await settle()
    // B's node published its Profile on start: A endorses B once it holds it.
    await endorseWhenHeld(a, { issuer: b.did }, signal)

    // A: 7 credentials of one achievement to 7 learners, and 6 offers.
    // B: 6 of X and 2 of Y (the first two learners hold both).
    const learners = await Promise.all(Array.from({ length: 7 }, async () => (await generateKeyPair()).did))
    const [x, y, z] = await Promise.all([
      ok(a, 'POST', '/api/achievements', { name: 'Sailing', description: 'd', criteria: 'c' }, 201),
      ok(b, 'POST', '/api/achievements', { name: 'Climbing', description: 'd', criteria: 'c' }, 201),
      ok(b, 'POST', '/api/achievements', { name: 'Belaying', description: 'd', criteria: 'c' }, 201)
    ])
    for (const did of learners) await ok(a, 'POST', '/api/credentials', { achievementId: x.id, subject: did }, 201)
    for (const did of learners.slice(0, 6)) await ok(b, 'POST', '/api/credentials', { achievementId: y.id, subject: did }, 201)
    for (const did of learners.slice(0, 2)) await ok(b, 'POST', '/api/credentials', { achievementId: z.id, subject: did }, 201)
    await ok(a, 'POST', '/api/offers/bulk', { achievementId: x.id, rows: Array.from({ length: 6 }, (_, i) => ({ email: `person${i}@mail.example.net`, name: `Person Name${i}` })) })

    const [publishedA, publishedB] = await Promise.all([ok(a, 'POST', '/api/analytics/publish', {}, 201), ok(b, 'POST', '/api/analytics/publish', {}, 201)])
    assert.is(publishedA.id, `urn:cofl:aggregate:${a.did}`)
    assert.is(publishedB.id, `urn:cofl:aggregate:${b.did}`)
    // Closed months only (docs/analytics.md, "Publication over time"): this month's records are
    // in no aggregate yet, so both nodes publish the months that have ended: nothing.
    const nothing = { offered: v(0), claimed: v(0), issued: v(0), learners: v(0), learnersWithMoreThanOne: v(0) }
    assert.equal(publishedA.document.totals, nothing)
    assert.equal(publishedB.document.totals, nothing)
    for (const p of [publishedA, publishedB]) {
      assert.equal(p.document.byMonth, [])
      assert.is(p.document.period.until, `${new Date().toISOString().slice(0, 7)}-01T00:00:00.000Z`)
    }
    assert.equal((await ok(a, 'GET', '/api/analytics')).totals.issued, v(7), 'the node\'s own figures have them')

    for (const n of [a, b]) await waitFor('both aggregates', async () => (await federation(n)).nodes === 2, signal)
    const [fa, fb] = [await federation(a), await federation(b)]
    for (const f of [fa, fb]) {
      assert.equal(f.rejected, [])
      assert.equal(f.totals, { offered: sum(0), claimed: sum(0), issued: sum(0), learners: sum(0), learnersWithMoreThanOne: sum(0) })
      const rows = [...f.rows].sort((p: Json, q: Json) => p.issuer < q.issuer ? -1 : 1)
      const expected = [[a.did, publishedA.cid, publishedA.document.generatedAt], [b.did, publishedB.cid, publishedB.document.generatedAt]]
        .sort((p, q) => (p[0] as string) < (q[0] as string) ? -1 : 1)
      assert.equal(rows.map((r: Json) => [r.issuer, r.cid, r.generatedAt]), expected)
      assert.equal(f.byMonth, [])
    }
    assert.equal(fa.totals, fb.totals)
    const text = JSON.stringify([fa, fb])
    for (const did of learners) assert.not.ok(text.includes(did), 'no learner DID')
    assert.not.ok(text.includes('@mail') || text.includes('Person Name'))

    // ---- a bare federation peer: no content rules, so it publishes what it likes
    bare = await startNode({ bootstrap: [addressesOfA[0] as string] })
    const peer = bare
    await waitFor('the bare peer connected', () => peer.federation.peers().length >= 1, signal)
    await settle()
    const tampered = await aggregate(peer.key, { offered: v(-500), claimed: v(0), issued: v(-1000), learners: v(0), learnersWithMoreThanOne: v(0) }, new Date().toISOString())
    await peer.federation.publish('aggregate', tampered)
    // Then something both nodes take from it: its arrival shows the peer's announcements get through.
    const marker = await signedAchievement(peer.key, 'Marker')
    await peer.federation.publish('achievement', marker)
    for (const n of [a, b]) await waitFor('the marker', async () => (await api(n, 'GET', `/api/achievements/${encodeURIComponent(marker.id as string)}`)).status === 200, signal)
    await settle(1000)
    for (const n of [a, b]) {
      const f = await federation(n)
      assert.is(f.nodes, 2, 'the tampered aggregate is not summed')
      assert.not.ok(f.rows.some((r: Json) => r.issuer === peer.key.did))
      assert.equal(f.rejected, [], 'nor stored')
      assert.equal(f.totals.issued, sum(0))
    }

    // The same peer's valid aggregate (its next version) is taken: the refusal was of the figures.
    // Left out of the sums while no trust root reaches the peer; summed once A endorses it.
    const valid = await aggregate(peer.key, { offered: v(10), claimed: v(9), issued: v(9), learners: v(9), learnersWithMoreThanOne: v(0) }, new Date().toISOString())
    await peer.federation.publish('aggregate', valid)
    for (const n of [a, b]) await waitFor('the valid aggregate, left out', async () => (await federation(n)).leftOut.untrusted === 1, signal)
    for (const n of [a, b]) {
      const f = await federation(n)
      assert.is(f.nodes, 2)
      assert.equal(f.untrusted.map((u: Json) => u.issuer), [peer.key.did])
      assert.equal(f.totals.issued, sum(0))
    }
    // Only an issuer that published its Profile is endorsed.
    await peer.federation.publish('profile', await signedProfile(peer.key))
    await endorseWhenHeld(a, { issuer: peer.key.did }, signal)
    for (const n of [a, b]) await waitFor('the valid aggregate, summed', async () => (await federation(n)).nodes === 3, signal)
    for (const n of [a, b]) {
      const f = await federation(n)
      assert.equal(f.totals.issued, sum(9))
      assert.equal(f.totals.offered, sum(10))
      assert.equal(f.totals.learners, sum(9)) // each node counts its own learners
      assert.equal(f.rows.find((r: Json) => r.issuer === peer.key.did)?.sequence, 2)
    }
  } finally {
    await Promise.allSettled([bare?.federation.stop(), b?.stop()])
    await a?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
