// The CORS policy of a city node (node/src/http/cors.ts), through its real HTTP API, as a browser
// on another origin would ask: the public routes a wallet on another node's page calls (a claim,
// a status list, the catalogue, an achievement) allow any origin without credentials and only the
// header content-type; an admin route, the OB 3.0 API, analytics and grants answer a preflight
// with no permission and send no CORS header, even to a request that carries the admin token.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeApi, rawRequest } from '@cofl/test-support'
import type { RawAnswer } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

const ORIGIN = 'http://127.0.0.1:1' // another origin: a wallet page on another node

let dir = ''
let node: CityNode
let claimPath = ''
let achievementId = ''
let statusPath = ''

async function ask (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  const url = new URL(node.url)
  return await rawRequest({
    host: url.hostname, port: Number(url.port), method, path, headers: { origin: ORIGIN, ...headers }, ...(body != null ? { body } : {}), timeoutMs: 10_000
  })
}

async function preflight (path: string, method: string, headers = 'content-type'): Promise<RawAnswer> {
  return await ask('OPTIONS', path, { 'access-control-request-method': method, 'access-control-request-headers': headers })
}

async function admin (method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const answer = await nodeApi({ url: node.url, token: node.adminToken }, method, path, body, { timeoutMs: 10_000 })
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: ${answer.status}`)
  return answer.body
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-cors-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  achievementId = (await admin('POST', '/api/achievements', { name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day' })).id
  const offer = await admin('POST', '/api/offers', { achievementId })
  claimPath = new URL(offer.claimUrl as string).pathname
  const issued = await admin('POST', '/api/credentials', { achievementId, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })
  const status = (issued.credential ?? issued).credentialStatus
  const entry = Array.isArray(status) ? status[0] : status
  statusPath = `/api/status/${encodeURIComponent(entry.statusListCredential as string)}`
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('the claim route\'s preflight allows GET and POST from any origin, with content-type only (never authorization)', async () => {
  const answer = await preflight(claimPath, 'POST')
  assert.is(answer.status, 204)
  assert.is(answer.headers['access-control-allow-origin'], '*')
  assert.is(answer.headers['access-control-allow-credentials'], undefined)
  assert.equal(String(answer.headers['access-control-allow-methods']).split(/,\s*/).sort(), ['GET', 'POST'])
  assert.is(answer.headers['access-control-allow-headers'], 'content-type')
  assert.not.match(String(answer.headers['access-control-allow-headers']), /authorization/i)
  // A preflight for another method gets no permission.
  const put = await preflight(claimPath, 'DELETE')
  assert.is(put.headers['access-control-allow-origin'], undefined)
})

test('the wallet\'s public routes answer cross-origin, their errors included', async () => {
  const offer = await ask('GET', claimPath)
  assert.is(offer.status, 200)
  assert.is(offer.headers['access-control-allow-origin'], '*')
  assert.type(offer.body.challenge, 'string')
  // A refused claim: the wallet on another origin must read why.
  const refused = await ask('POST', claimPath, { 'content-type': 'application/json' }, JSON.stringify({ presentation: { nothing: true } }))
  assert.ok(refused.status >= 400 && refused.status < 500, `status ${refused.status}`)
  assert.is(refused.headers['access-control-allow-origin'], '*')
  assert.type(refused.body.error?.code, 'string')
  const status = await ask('GET', statusPath)
  assert.is(status.status, 200)
  assert.is(status.headers['access-control-allow-origin'], '*')
  assert.is((await preflight(statusPath, 'GET')).headers['access-control-allow-origin'], '*')
  for (const path of ['/api/catalogue', `/api/achievements/${encodeURIComponent(achievementId)}`]) {
    const answer = await ask('GET', path)
    assert.is(answer.status, 200, path)
    assert.is(answer.headers['access-control-allow-origin'], '*', path)
  }
})

test('admin, OB 3.0, analytics and grants routes: no permission to a preflight, no CORS header on an answer', async () => {
  for (const [path, method] of [
    ['/api/offers', 'POST'], ['/api/achievements', 'POST'], ['/api/credentials', 'POST'], ['/api/analytics', 'GET'], ['/api/grants', 'POST'],
    ['/ims/ob/v3p0/credentials', 'GET'], [`${claimPath}/x`, 'POST'], ['/api/offers/x', 'GET']
  ] as const) {
    const answer = await preflight(path, method, 'authorization, content-type')
    assert.is(answer.headers['access-control-allow-origin'], undefined, `${method} ${path}`)
    assert.is(answer.headers['access-control-allow-headers'], undefined, `${method} ${path}`)
    assert.is(answer.headers['access-control-allow-methods'], undefined, `${method} ${path}`)
  }
  // Even with the token, an admin answer carries no CORS header: a page elsewhere cannot read it.
  const listed = await ask('GET', '/api/offers', { authorization: `Bearer ${node.adminToken}` })
  assert.is(listed.status, 200)
  assert.is(listed.headers['access-control-allow-origin'], undefined)
  const posted = await ask('POST', '/api/achievements', { 'content-type': 'application/json', authorization: `Bearer ${node.adminToken}` }, JSON.stringify({ name: 'X' }))
  assert.is(posted.headers['access-control-allow-origin'], undefined)
})

test.run()
