// GET /api/trust/:did (docs/api.md): an issuer's trust chain from the node's trust graph, the
// same answer POST /api/verify adds to a report as `trust` (the verify page asks it so, verifying
// in the browser). Public, cacheable and revalidated (an ETag; 304 when unchanged, a new ETag once
// an endorsement changes it); 400 for what is no DID; 404 on a node without the federation, whose
// reports carry no trust.
import { join } from 'node:path'
import { generateKeyPair } from '@cofl/identity'
import { tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import type { TrustResult } from '@cofl/verifier'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { endorseWhenHeld } from './fixtures/city-api.js'
import { signedProfile, startNode, stopAll } from './fixtures/federation.js'

type Json = Record<string, any>

let dir: TempDir | undefined
let city: CityNode
let local: CityNode

async function get (node: CityNode, did: string, headers: Record<string, string> = {}): Promise<{ status: number, body: Json, headers: Headers }> {
  const response = await fetch(`${node.url}/api/trust/${encodeURIComponent(did)}`, { headers, signal: AbortSignal.timeout(20_000) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json, headers: response.headers }
}

async function post (node: CityNode, path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminToken}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000)
  })
  const json = await response.json() as Json
  assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

test.before(async () => {
  dir = await tempDir('cofl-trust-http-')
  // One node with the federation (a trust graph), one without.
  city = createCityNode({ config: { data: join(dir.path, 'city'), name: 'Plymouth City of Learning' }, signingWorkers: 0 })
  local = createCityNode({ config: { data: join(dir.path, 'local'), name: 'Local' }, federation: false, signingWorkers: 0 })
  await Promise.all([city.start(), local.start()])
})

test.after(async () => {
  await Promise.all([city?.stop(), local?.stop()])
  await dir?.remove()
})

test('the node\'s own DID: trusted, a trust root itself; public, cacheable, revalidated with an ETag', async () => {
  const answer = await get(city, city.did)
  assert.is(answer.status, 200, JSON.stringify(answer.body))
  const trust = answer.body as TrustResult
  assert.equal(Object.keys(trust).sort(), ['chain', 'endorsedBy', 'issuer', 'names', 'reason', 'trusted'])
  // Its name from the Profile it published, signed by its own DID.
  assert.equal((answer.body as Json).names, { [city.did]: 'Plymouth City of Learning' })
  assert.is(trust.trusted, true)
  assert.is(trust.issuer, city.did)
  assert.match(trust.reason, 'is a trust root of this node')
  assert.equal(trust.chain, [city.did])
  assert.is(answer.headers.get('cache-control'), 'public, no-cache')
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/)
  const etag = answer.headers.get('etag') ?? ''
  assert.match(etag, /^"[\w-]+"$/)
  const again = await get(city, city.did, { 'if-none-match': etag })
  assert.is(again.status, 304)
  assert.is(again.headers.get('etag'), etag)
  assert.is((await get(city, city.did, { 'if-none-match': `W/${etag}, "other"` })).status, 304, 'a weak or listed tag matches too')
  assert.is((await get(city, city.did, { 'if-none-match': '"other"' })).status, 200)
})

test('another issuer: what POST /api/verify reports as trust, before and after the city endorses it (a new ETag)', async () => {
  const maker = await createIssuer({ name: 'Harbourside Makerspace' })
  const { key } = maker
  const credential = await maker.issue((await generateKeyPair()).did)
  const reported = async (): Promise<Json> => (await post(city, '/api/verify', { verifiableCredential: credential })).trust as Json

  const before = await get(city, key.did)
  assert.is(before.status, 200)
  assert.is(before.body.trusted, false)
  const { names: namesBefore, ...trustBefore } = before.body
  assert.equal(trustBefore, await reported())
  // No Profile of the makerspace is held yet: it has no name from a verified source (never the one its credential gives itself).
  assert.equal(namesBefore, {})

  // The makerspace's node publishes its issuer Profile (a city endorses issuers only), then the city endorses it.
  const node = await startNode({ key, bootstrap: city.info().multiaddrs })
  try {
    await node.federation.publish('profile', await signedProfile(key, 'Harbourside Makerspace'))
    await endorseWhenHeld(city, { issuer: key.did, comment: 'Our partner makerspace' }, AbortSignal.timeout(30_000))
  } finally {
    await stopAll([node])
  }
  const after = await get(city, key.did, { 'if-none-match': before.headers.get('etag') ?? '' })
  assert.is(after.status, 200, 'the old ETag no longer matches')
  assert.is(after.body.trusted, true)
  assert.equal(after.body.endorsedBy, [city.did])
  assert.equal(after.body.chain, [city.did, key.did])
  const { names, ...trustAfter } = after.body
  assert.equal(trustAfter, await reported())
  // Each DID of the chain named from the Profile the node holds, signed by that DID.
  assert.equal(names, { [city.did]: 'Plymouth City of Learning', [key.did]: 'Harbourside Makerspace' })
  assert.is.not(after.headers.get('etag'), before.headers.get('etag'))
})

test('what is no DID: 400; a node without the federation keeps no trust graph: 404, and its reports carry no trust', async () => {
  for (const bad of ['not-a-did', 'did:', 'https://issuer.example/1']) {
    const answer = await get(city, bad)
    assert.is(answer.status, 400, `${bad}: ${JSON.stringify(answer.body)}`)
    assert.is(answer.body.error?.code, 'COFL_ERR_BAD_REQUEST')
  }
  const missing = await get(local, local.did)
  assert.is(missing.status, 404)
  assert.is(missing.body.error?.code, 'COFL_ERR_NOT_FOUND')
  assert.match(missing.body.error?.message, 'no trust graph')
  const somewhere = await createIssuer({ name: 'Somewhere' })
  const report = await post(local, '/api/verify', { verifiableCredential: await somewhere.issue(somewhere.did) })
  assert.is(report.verdict, 'valid')
  assert.is(report.trust, undefined)
})

test.run()
