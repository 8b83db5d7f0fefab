// GET /api/analytics and /api/analytics.csv on a node started in this process (127.0.0.1, port
// 0): figures from the node's own issuance log and offers, small counts suppressed (primary and
// complementary), the pathway breakdown from the pathways the node publishes, admin only, and no
// learner DID, email or credential id in either answer. Then the node's aggregate: published
// (admin; closed months only, so this month's records wait), replaced by a newer version with the
// same figures, and summed by GET /api/analytics/federation (public).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

let dir = ''
let node: CityNode

async function call (path: string, token: string | null = node.adminToken): Promise<{ status: number, text: string, headers: Headers }> {
  const response = await fetch(`${node.url}${path}`, { headers: token != null ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(30_000) })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

async function post (path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000)
  })
  const text = await response.text()
  assert.ok(response.status < 300, `${path}: ${response.status} ${text}`)
  return JSON.parse(text)
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-analytics-http-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Analytics City' } })
  await node.start()
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

const S = { value: null, suppressed: true }
const v = (value: number | null): Json => ({ value, suppressed: false })

test('analytics of the node: known figures, suppressed, admin only, nothing personal', async () => {
  const empty = JSON.parse((await call('/api/analytics')).text)
  assert.equal(empty.totals.issued, v(0))

  const one = await post('/api/achievements', { id: 'urn:example:analytics-one', name: 'One', description: 'd', criteria: 'c' })
  const two = await post('/api/achievements', { id: 'urn:example:analytics-two', name: 'Two', description: 'd', criteria: 'c' })
  const learners = await Promise.all(Array.from({ length: 6 }, async () => await generateKeyPair()))
  const emails = Array.from({ length: 7 }, (_, i) => `person${i}@mail.example.net`)
  const credentialIds: string[] = []
  // One: issued to learners 0-5 (6), the one of learner 5 revoked; Two: to learners 0-1 (2); 7 offers of One.
  for (const l of learners) credentialIds.push((await post('/api/credentials', { achievementId: one.id, subject: l.did })).credential.id)
  for (const l of learners.slice(0, 2)) credentialIds.push((await post('/api/credentials', { achievementId: two.id, subject: l.did })).credential.id)
  await post('/api/credentials/revoke', { credentialId: credentialIds[5] })
  const bulk = await post('/api/offers/bulk', { achievementId: one.id, rows: emails.map((email, i) => ({ email, name: `Person Name${i}` })) })
  assert.is(bulk.offered.length, 7)
  const pathway = await post('/api/pathways', { id: 'urn:example:analytics-pathway', name: 'One and two', kind: 'destination', requirements: { allOf: [one.id, two.id] } })

  const answer = await call('/api/analytics')
  assert.is(answer.status, 200, answer.text)
  assert.is(answer.headers.get('cache-control'), 'no-store')
  const a = JSON.parse(answer.text)
  assert.equal(a.totals, {
    offered: v(7), claimed: v(0), claimRate: v(0), issued: v(8), revoked: S, learners: v(5), learnersWithMoreThanOne: S
  })
  assert.equal(a.byAchievement, [
    // issued 6 is hidden beside Two's 2: the total 8 is shown (secondary suppression)
    { key: one.id, label: 'One', offered: v(7), claimed: v(0), claimRate: v(0), issued: S, revoked: S },
    { key: two.id, label: 'Two', offered: v(0), claimed: v(0), claimRate: v(null), issued: S, revoked: v(0) }
  ])
  assert.equal(a.byIssuer.map((r: Json) => r.key), [node.did])
  assert.equal(a.byMonth.map((r: Json) => r.key), [new Date().toISOString().slice(0, 7)])
  assert.equal(a.byArea.map((r: Json) => r.key), ['unknown'])
  // The pathway counts the records of One and Two (all of them: as the totals); completed by
  // learners 0-1 (2), progressed by 2-4 (3; learner 5's One is revoked).
  assert.equal(a.byPathway, [{
    key: pathway.id, label: 'One and two', offered: v(7), claimed: v(0), claimRate: v(0), issued: v(8), revoked: S, completed: S, progressed: S
  }])

  const csv = await call('/api/analytics.csv')
  assert.is(csv.status, 200)
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/)
  assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="analytics.csv"/)
  assert.ok(csv.text.startsWith('breakdown,key,label,measure,value,suppressed\r\n'))
  assert.ok(csv.text.includes('totals,,,offered,7,false\r\n'))
  assert.ok(csv.text.includes('totals,,,revoked,,true\r\n'))

  for (const out of [answer.text, csv.text]) {
    for (const l of learners) assert.not.ok(out.includes(l.did), l.did)
    for (const id of credentialIds) assert.not.ok(out.includes(id), id)
    for (const e of emails) assert.not.ok(out.includes(e), e)
    for (const o of bulk.offered) assert.not.ok(out.includes(o.offerId) || out.includes(o.code), o.offerId)
    assert.not.ok(out.includes('Person Name'))
  }

  assert.is(csv.headers.get('cache-control'), 'no-store')

  // Every answer of the analytics routes, refusals included, is kept by no cache (PRIVATE_PATHS).
  for (const path of ['/api/analytics', '/api/analytics.csv']) {
    const refused = await call(path, null)
    assert.is(refused.status, 401)
    assert.is(JSON.parse(refused.text).error.code, 'COFL_ERR_UNAUTHORIZED')
    assert.is(refused.headers.get('cache-control'), 'no-store', `${path} 401`)
    const wrong = await call(path, 'wrong')
    assert.is(wrong.status, 403)
    assert.is(wrong.headers.get('cache-control'), 'no-store', `${path} 403`)
  }
})

test('the node\'s aggregate: published (admin), a new version replaces the old, summed by the public federation route', async () => {
  const refused = await fetch(`${node.url}/api/analytics/publish`, { method: 'POST', signal: AbortSignal.timeout(30_000) })
  assert.is(refused.status, 401)
  assert.is(refused.headers.get('cache-control'), 'no-store')
  const first = await post('/api/analytics/publish', {})
  assert.is(first.id, `urn:cofl:aggregate:${node.did}`)
  assert.is(first.sequence, 1)
  assert.type(first.cid, 'string')
  assert.equal(first.document.type, ['CoflAggregate'])
  assert.is(first.document.issuer, node.did)
  // Closed months only (docs/analytics.md, "Publication over time"): this month's 8 credentials
  // and 7 offers wait for the month to end; the period is the months before it, with nothing.
  assert.equal(first.document.totals, { offered: v(0), claimed: v(0), issued: v(0), learners: v(0), learnersWithMoreThanOne: v(0) })
  assert.equal(first.document.byMonth, [])
  assert.equal(first.document.period, { until: `${new Date().toISOString().slice(0, 7)}-01T00:00:00.000Z` })
  assert.ok(first.document.proof != null)
  // The subtraction of issue 15 through the API: one more credential, then a version seconds
  // later. It shows the same figures, so the two differ by nothing (not by the one credential).
  await post('/api/credentials', { achievementId: 'urn:example:analytics-one', subject: (await generateKeyPair()).did })
  // Without a body, too; the sequence grows and the id stays.
  const response = await fetch(`${node.url}/api/analytics/publish`, { method: 'POST', headers: { authorization: `Bearer ${node.adminToken}` }, signal: AbortSignal.timeout(30_000) })
  assert.is(response.status, 201)
  assert.is(response.headers.get('cache-control'), 'no-store')
  const second = await response.json() as Json
  assert.is(second.id, first.id)
  assert.is(second.sequence, 2)
  assert.equal([second.document.totals, second.document.byMonth, second.document.period], [first.document.totals, first.document.byMonth, first.document.period], 'the same period: the same figures')

  const federation = await call('/api/analytics/federation', null) // public
  assert.is(federation.status, 200, federation.text)
  assert.is(federation.headers.get('cache-control'), 'no-store')
  const f = JSON.parse(federation.text)
  assert.is(f.nodes, 1)
  assert.equal(f.rejected, [])
  assert.equal(f.rows.map((r: Json) => [r.issuer, r.sequence, r.cid]), [[node.did, 2, second.cid]])
  assert.equal(f.totals.issued, { value: 0, suppressed: false, lowerBound: false, suppressedIn: [] })
  assert.equal(f.totals.learnersWithMoreThanOne, { value: 0, suppressed: false, lowerBound: false, suppressedIn: [] })
  assert.not.ok(/did:key:z6Mk[^"]*"/.test(federation.text.replaceAll(node.did, '')), 'no DID but the node\'s')
  assert.not.ok(federation.text.includes('@mail') || federation.text.includes('Person Name'))
})

test.run()
