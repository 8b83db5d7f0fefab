// The node's HTTP answers, hardened (docs/api.md, "Headers" and "The node's own origin"), on a
// node started in this process (127.0.0.1, port 0, no federation, no publicBaseUrl):
// - claim URLs and the domain presentations are signed for come from the address the node
//   listens on, never from the Host header: `Host: evil.example` gets the node's own domain, and
//   a claim presentation signed for evil.example is refused;
// - malformed DIDs (did:key:\u0000, a DID URL, a key that is no Ed25519 key, a method this node
//   cannot resolve) are refused as credential subjects, through POST /api/credentials and claims,
//   before any status index is taken;
// - every answer says `X-Content-Type-Options: nosniff`, and every route that answers personal
//   data (credentials, issuance records, offers, claims, grants, verification reports, the
//   OB 3.0 API's tokens and resources) says `Cache-Control: no-store`: a walk over the routes.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CREDENTIALS_V2_CONTEXT, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { rawRequest } from '@cofl/test-support'
import type { RawAnswer } from '@cofl/test-support'
import { openStatusRegistry } from '@cofl/status'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode, OB3_SCOPES } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

const OB3 = '/ims/ob/v3p0'
const REDIRECT = 'http://127.0.0.1:9/callback'

let dir = ''
let node: CityNode
let learner: KeyPair
let achievementId = ''

type Answer = RawAnswer

/**
 * One request with node:http (which, unlike fetch, sends the Host header it is given).
 * `token`: the admin token unless null; `host`: the Host header.
 */
async function call (
  method: string, path: string, options: { json?: unknown, raw?: string, type?: string, token?: string | null, host?: string, headers?: Record<string, string> } = {}
): Promise<Answer> {
  const url = new URL(node.url)
  const body = options.raw ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined)
  const headers: Record<string, string> = { ...options.headers }
  if (body !== undefined) headers['content-type'] = options.type ?? 'application/json'
  const token = options.token === undefined ? node.adminToken : options.token
  if (token != null) headers.authorization ??= `Bearer ${token}`
  if (options.host != null) headers.host = options.host
  return await rawRequest({ host: url.hostname, port: url.port, method, path, headers, ...(body !== undefined ? { body } : {}) })
}

const ok = async (method: string, path: string, json?: unknown, status = 200): Promise<Json> => {
  const answer = await call(method, path, json !== undefined ? { json } : {})
  assert.is(answer.status, status, answer.text)
  return answer.body
}

async function present (holder: string, challenge: string, domain: string, key: KeyPair = learner): Promise<Json> {
  return await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder }, { key, challenge, domain }) as Json
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-http-hardening-'))
  learner = await generateKeyPair()
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Hardened City' }, federation: false })
  await node.start()
  achievementId = (await ok('POST', '/api/achievements', { name: 'Harbour Safety', description: 'Knows the harbour rules', criteria: 'Pass the quiz' }, 201)).id
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('claim URLs and the claim domain come from the address the node listens on, not the Host header; a claim signed for evil.example is refused', async () => {
  const own = new URL(node.url)
  const offer = await call('POST', '/api/offers', { json: { achievementId, email: 'ada@example.org' }, host: 'evil.example' })
  assert.is(offer.status, 201, offer.text)
  assert.ok((offer.body.claimUrl as string).startsWith(`${node.url}/api/claims/`), offer.body.claimUrl)
  const bulk = await call('POST', '/api/offers/bulk', { json: { achievementId, rows: [{ email: 'bo@example.org' }] }, host: 'evil.example:8443' })
  assert.ok((bulk.body.offered[0].claimUrl as string).startsWith(`${node.url}/api/claims/`), JSON.stringify(bulk.body))

  const code = offer.body.code as string
  const opened = await call('GET', `/api/claims/${code}`, { token: null, host: 'evil.example' })
  assert.is(opened.status, 200, opened.text)
  assert.is(opened.body.domain, own.host)
  // A wallet tricked into signing for evil.example: refused, and the offer is still open.
  const forged = await call('POST', `/api/claims/${code}`, { token: null, json: { presentation: await present(learner.did, opened.body.challenge, 'evil.example') } })
  assert.is(forged.status, 400, forged.text)
  assert.is(forged.body.error.code, 'COFL_ERR_CLAIM_PROOF')
  assert.match(forged.body.error.message, /evil\.example/)
  const again = await call('GET', `/api/claims/${code}`, { token: null, host: 'evil.example' })
  assert.is(again.body.domain, own.host)
  const claimed = await call('POST', `/api/claims/${code}`, { token: null, json: { presentation: await present(learner.did, again.body.challenge, again.body.domain) } })
  assert.is(claimed.status, 201, claimed.text)

  // The same for the grants challenge and the OB 3.0 API's URLs and login domain.
  const grants = await call('GET', '/api/grants/challenge', { token: null, host: 'evil.example' })
  assert.is(grants.body.domain, own.host)
  const discovery = await call('GET', `${OB3}/discovery`, { token: null, host: 'evil.example' })
  assert.is(discovery.body.components.securitySchemes.OAuth2ACG['x-imssf-registrationUrl'], `${node.url}${OB3}/register`)
  assert.not.match(discovery.text, /evil\.example/)
})

test('malformed DIDs are refused as credential subjects (400) through POST /api/credentials and claims, before a status index is taken', async () => {
  await ok('POST', '/api/credentials', { achievementId, subject: learner.did }, 201)
  const before = (await ok('GET', '/api/credentials?limit=1000')).credentials.length
  const x25519 = 'did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc'
  for (const subject of [
    'did:key:\u0000', `${learner.did}\u0000`, 'did:key:z6Mk\u0000', 'did:key:z0OIl', 'did:key:zzz', `${learner.did}#key-1`, `${learner.did}/path`,
    x25519, 'did:web:example.org', 'did:example:123'
  ]) {
    const answer = await call('POST', '/api/credentials', { json: { achievementId, subject } })
    assert.is(answer.status, 400, `${JSON.stringify(subject)}: ${answer.text}`)
    assert.is(answer.body.error.code, 'COFL_ERR_BAD_REQUEST', answer.text)
  }
  assert.is((await ok('GET', '/api/credentials?limit=1000')).credentials.length, before, 'nothing was issued')
  // No status index was taken by the refusals: indexes are drawn at random, so the registry on
  // disk is counted (the node stopped and started again on its directory).
  await node.stop()
  const registry = await openStatusRegistry({ directory: join(dir, 'city', 'status'), issuer: node.did })
  const { allocated } = registry.cursor()
  await registry.close()
  assert.is(allocated, before, 'a status index was taken by a refusal')
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Hardened City' }, federation: false })
  await node.start()

  // A claim whose presentation names did:key:\u0000 as its holder (signed by a real key) is refused; the offer stays open.
  const offer = await ok('POST', '/api/offers', { achievementId, email: 'cy@example.org' }, 201)
  const opened = await call('GET', `/api/claims/${offer.code as string}`, { token: null })
  for (const holder of ['did:key:\u0000', 'did:web:example.org']) {
    const answer = await call('POST', `/api/claims/${offer.code as string}`, { token: null, json: { presentation: await present(holder, opened.body.challenge, opened.body.domain) } })
    assert.is(answer.status, 400, answer.text)
    assert.is(answer.body.error.code, 'COFL_ERR_CLAIM_PROOF')
  }
  assert.is((await ok('GET', `/api/offers/${offer.offerId as string}`)).state, 'open')
  assert.is((await ok('GET', '/api/credentials?limit=1000')).credentials.length, before)
})

test('every answer says nosniff; routes that answer personal data say Cache-Control: no-store (a walk over the routes)', async () => {
  const issued = await ok('POST', '/api/credentials', { achievementId, subject: learner.did }, 201)
  const credentialId = issued.credential.id as string
  const offer = await ok('POST', '/api/offers', { achievementId, email: 'di@example.org' }, 201)
  const statusListId = issued.credential.credentialStatus.statusListCredential as string
  // An OB 3.0 client and a learner's tokens.
  const client = await ok('POST', `${OB3}/register`, {
    client_name: 'Walker', client_uri: 'http://127.0.0.1:9/', logo_uri: 'http://127.0.0.1:9/l.png', tos_uri: 'http://127.0.0.1:9/tos', policy_uri: 'http://127.0.0.1:9/p',
    software_id: 'walker', software_version: '1', redirect_uris: [REDIRECT], scope: Object.values(OB3_SCOPES).join(' ')
  }, 201)
  const verifier = randomBytes(32).toString('base64url')
  const authorize = `${OB3}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }).toString()}`
  const pending = await call('GET', authorize, { token: null, headers: { accept: 'application/json' } })
  const answer = await call('POST', `${OB3}/authorize`, { token: null, json: { request_id: pending.body.request_id, did: learner.did, presentation: await present(learner.did, pending.body.challenge, pending.body.domain) } })
  const code = new URL(answer.headers.location as string).searchParams.get('code') as string
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`
  const form = 'application/x-www-form-urlencoded'
  const tokenAnswer = await call('POST', `${OB3}/token`, { token: null, type: form, raw: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(), headers: { authorization: basic } })
  const bearer = `Bearer ${tokenAnswer.body.access_token as string}`

  // [method, path, options, personal]: every route of docs/api.md and docs/ob3-api.md, and some errors.
  const walk: Array<[string, string, Parameters<typeof call>[2], boolean]> = [
    ['GET', '/api/health', {}, false],
    ['GET', '/api/achievements', {}, false],
    ['GET', `/api/achievements/${encodeURIComponent(achievementId)}`, {}, false],
    ['POST', '/api/achievements', { json: { name: 'N', description: 'D', criteria: 'C' } }, false],
    ['GET', `/api/status/${encodeURIComponent(statusListId)}`, {}, false],
    ['GET', '/api/catalogue?q=harbour', {}, false],
    ['GET', '/api/spines', {}, false],
    ['GET', '/api/pathways', {}, false],
    ['GET', '/api/opportunities', {}, false],
    ['GET', '/api/analytics/federation', {}, false],
    ['GET', '/api/nowhere', {}, false],
    ['POST', '/api/credentials', { json: { achievementId, subject: learner.did } }, true],
    ['GET', '/api/credentials', {}, true],
    ['GET', `/api/credentials/${encodeURIComponent(credentialId)}`, {}, true],
    ['GET', '/api/credentials', { token: null }, true], // 401
    ['POST', '/api/credentials/suspend', { json: { credentialId } }, true], // 409: revocable, not suspendable
    ['POST', '/api/credentials/revoke', { json: { credentialId } }, true],
    ['POST', '/api/verify', { json: { verifiableCredential: issued.credential } }, true],
    ['POST', '/api/verify', { raw: '{not json' }, true],
    ['POST', '/api/offers', { json: { achievementId, email: 'ed@example.org' } }, true],
    ['POST', '/api/offers/bulk', { json: { achievementId, rows: [{ email: 'fi@example.org' }] } }, true],
    ['GET', '/api/offers', {}, true],
    ['GET', `/api/offers/${offer.offerId as string}`, {}, true],
    ['GET', `/api/claims/${offer.code as string}`, { token: null }, true],
    ['POST', `/api/claims/${offer.code as string}`, { token: null, json: { presentation: {} } }, true],
    ['GET', '/api/claims/unknown-code', { token: null }, true],
    ['GET', '/api/grants/challenge', { token: null }, true],
    ['POST', '/api/grants', { token: null, json: { presentation: {} } }, true],
    ['POST', '/api/grants/revoke', { token: null, json: { presentation: {}, grantId: 'g' } }, true],
    ['GET', `${OB3}/discovery`, { token: null }, true],
    ['POST', `${OB3}/register`, { token: null, json: {} }, true],
    ['GET', authorize, { token: null, headers: { accept: 'application/json' } }, true],
    ['POST', `${OB3}/token`, { token: null, type: form, raw: 'grant_type=refresh_token&refresh_token=x', headers: { authorization: basic } }, true],
    ['GET', `${OB3}/credentials`, { token: null, headers: { authorization: bearer } }, true],
    ['GET', `${OB3}/credentials`, { token: null }, true], // 401
    ['GET', `${OB3}/profile`, { token: null, headers: { authorization: bearer } }, true],
    ['PUT', `${OB3}/profile`, { token: null, headers: { authorization: bearer }, json: { id: learner.did, type: ['Profile'] } }, true],
    ['POST', `${OB3}/revoke`, { token: null, type: form, raw: 'token=x', headers: { authorization: basic } }, true],
    ['GET', `${OB3}/nowhere`, { token: null }, true]
  ]
  for (const [method, path, options, personal] of walk) {
    const answer = await call(method, path, options)
    const what = `${method} ${path.split('?')[0] ?? ''} (${answer.status})`
    assert.ok(answer.status > 0 && answer.status < 500, `${what}: ${answer.text}`)
    assert.is(answer.headers['x-content-type-options'], 'nosniff', what)
    if (personal) assert.is(answer.headers['cache-control'], 'no-store', what)
  }
})

test.run()
