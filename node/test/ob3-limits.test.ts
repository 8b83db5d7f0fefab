// What anonymous callers can store on a node through the OB 3.0 API is bounded (docs/ob3-api.md,
// "Limits"): a flood of 300 registrations from one address is refused with 429 beyond the rate
// limit and the store keeps 20; unused registrations expire and are swept; caps per address and
// for everyone; pending requests to authorise are capped and expire; a registration body is
// small; a client that redeems a code is kept for good. On a node of one (memory store, federation
// off, 127.0.0.1 and other loopback addresses as sources), with the API's clock in the test's hands.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CREDENTIALS_V2_CONTEXT, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { Store } from '@cofl/store'
import { rawRequest, waitFor } from '@cofl/test-support'
import type { RawAnswer } from '@cofl/test-support'
import type { FastifyInstance } from 'fastify'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityServices } from '../src/app/city.js'
import { OAUTH_COLLECTION } from '../src/app/collections.js'
import { buildApi } from '../src/http/server.js'
import type { HttpLimits } from '../src/http/server.js'
import { localNetwork } from '../src/app/network.js'
import type { Network } from '../src/app/network.js'
import { OB3_SCOPES } from '../src/http/ob3/constants.js'
import type { Ob3LimitsInit } from '../src/http/ob3/constants.js'
import { createCityService } from '../src/app/service.js'

type Json = Record<string, any>

const API = '/ims/ob/v3p0'
const REDIRECT = 'http://127.0.0.1:9/callback'
const HOUR = 60 * 60_000

interface Node { app: FastifyInstance, store: Store, base: string, port: number, clock: { now: number }, close: () => Promise<void> }

/** A node of one whose OB 3.0 API runs on `clock` with `limits` (and `http`: its server's options, trustProxy). */
async function startNode (limits: Ob3LimitsInit = {}, http: HttpLimits = {}): Promise<Node> {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-ob3-limits-'))
  const key = await generateKeyPair()
  const store = createMemoryStore()
  const registry: StatusRegistry = await openStatusRegistry({ directory: join(dir, 'status'), issuer: key.did })
  const network: Network = localNetwork({ key, store, directory: join(dir, 'network'), listen: [], bootstrap: [], trustRoots: [], federation: false })
  const service = createCityService({ key, name: 'Limits City', store, registry, network, log: () => {} })
  const clock = { now: Date.now() }
  const app = buildApi({ service, services: createCityServices(service), adminToken: 'token', bodyLimit: 1 << 20, closing: () => false, http, ob3: { now: () => clock.now, limits } })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app, store, base, port: Number(new URL(base).port), clock,
    close: async () => {
      await app.close()
      await network.stop()
      await registry.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

type Answer = RawAnswer

/** One request from `from` (a loopback address: each is another source to the node), bounded to 10 s. */
async function call (node: Node, method: string, path: string, options: { json?: unknown, raw?: string, from?: string, headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = options.raw ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined)
  return await rawRequest({
    host: '127.0.0.1',
    port: node.port,
    method,
    path,
    localAddress: options.from ?? '127.0.0.1',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    timeoutMs: 10_000,
    ...(body !== undefined ? { body } : {})
  })
}

const registration = (extra: Json = {}): Json => ({
  client_name: 'Flood Wallet',
  client_uri: 'http://127.0.0.1:9/',
  logo_uri: 'http://127.0.0.1:9/logo.png',
  tos_uri: 'http://127.0.0.1:9/tos',
  policy_uri: 'http://127.0.0.1:9/privacy',
  software_id: 'flood',
  software_version: '1.0.0',
  redirect_uris: [REDIRECT],
  scope: Object.values(OB3_SCOPES).join(' '),
  ...extra
})

const count = async (node: Node, prefix: string): Promise<number> => await node.store.collection(OAUTH_COLLECTION).count({ prefix })

function authorizePath (clientId: string, challenge: string): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 's', code_challenge: challenge, code_challenge_method: 'S256' })
  return `${API}/authorize?${query.toString()}`
}

const pkce = (): { verifier: string, challenge: string } => {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

test('a flood of 300 registrations from one address: 20 stored, 280 refused 429; unused ones expire after 24 h and are swept', async () => {
  const node = await startNode({ sweepIntervalMs: 50 })
  try {
    const started = Date.now()
    const answers: Answer[] = []
    // Ten at a time: a few seconds in all.
    for (let i = 0; i < 300; i += 10) {
      answers.push(...await Promise.all(Array.from({ length: 10 }, async () => await call(node, 'POST', `${API}/register`, { json: registration() }))))
    }
    const seconds = (Date.now() - started) / 1000
    const created = answers.filter((a) => a.status === 201)
    const refused = answers.filter((a) => a.status === 429)
    assert.is(created.length, 20, `201s: ${created.length}, statuses: ${[...new Set(answers.map((a) => a.status))].join(',')}`)
    assert.is(refused.length, 280)
    for (const answer of refused.slice(0, 3)) {
      assert.is(answer.body.code, 'COFL_ERR_RATE_LIMITED', JSON.stringify(answer.body))
      assert.is(answer.body.error, 'temporarily_unavailable')
      assert.ok(Number(answer.headers['retry-after']) > 0, 'Retry-After')
    }
    assert.ok(seconds < 30, `the flood took ${seconds} s`)
    // The store keeps the 20 (and their index by address), nothing of the refused ones.
    assert.is(await count(node, 'client!'), 20)
    assert.is(await count(node, 'pendingclient!127.0.0.1!'), 20)

    // A day later, none was used: unknown at once (shown, not redirected), then swept.
    const client = created[0]?.body as Json
    node.clock.now += 25 * HOUR
    const late = await call(node, 'GET', authorizePath(client.client_id as string, pkce().challenge), { headers: { accept: 'application/json' } })
    assert.is(late.status, 400, JSON.stringify(late.body))
    assert.is(late.body.error, 'invalid_client')
    assert.is(late.headers.location, undefined)
    await waitFor('the expired registrations to be swept', async () => await count(node, 'client!') === 0, AbortSignal.timeout(10_000))
    assert.is(await count(node, 'pendingclient!'), 0)
  } finally {
    await node.close()
  }
})

test('caps of unused registrations: per address (429) and for everyone (503); a client that redeems a code is kept for good', async () => {
  const node = await startNode({ pendingClientsPerAddress: 5, pendingClients: 8, rates: { register: { max: 1000, timeWindowMs: 60_000 } } })
  try {
    const register = async (from: string): Promise<Answer> => await call(node, 'POST', `${API}/register`, { json: registration(), from })
    for (let i = 0; i < 5; i++) assert.is((await register('127.0.0.2')).status, 201)
    const sixth = await register('127.0.0.2')
    assert.is(sixth.status, 429, JSON.stringify(sixth.body))
    assert.is(sixth.body.code, 'COFL_ERR_RATE_LIMITED')
    assert.match(sixth.body.error_description, /holds 5 registrations not used yet/)
    // Another address has its own allowance, up to what the node keeps for everyone.
    for (let i = 0; i < 3; i++) assert.is((await register('127.0.0.3')).status, 201)
    const full = await register('127.0.0.3')
    assert.is(full.status, 503, JSON.stringify(full.body))
    assert.is(full.body.code, 'COFL_ERR_UNAVAILABLE')
    assert.is(await count(node, 'client!'), 8)

    // A client used once (a code redeemed) is no longer pending: it frees its place and never expires.
    const used = (await call(node, 'POST', `${API}/register`, { json: registration(), from: '127.0.0.4' }))
    assert.is(used.status, 503, 'the node is full for everyone')
    node.clock.now += 25 * HOUR
    const client = (await register('127.0.0.4')).body as Json
    assert.ok(typeof client.client_id === 'string', 'after expiry there is room again (the full sweep runs at the cap)')
    const learner = await generateKeyPair()
    const { verifier, challenge } = pkce()
    const pending = await call(node, 'GET', authorizePath(client.client_id as string, challenge), { headers: { accept: 'application/json' } })
    assert.is(pending.status, 200, JSON.stringify(pending.body))
    const presentation = await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: learner.did }, { key: learner, challenge: pending.body.challenge, domain: pending.body.domain })
    const answer = await call(node, 'POST', `${API}/authorize`, { json: { request_id: pending.body.request_id, did: learner.did, presentation } })
    assert.is(answer.status, 302, JSON.stringify(answer.body))
    const code = new URL(answer.headers.location as string).searchParams.get('code') as string
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString()
    const basic = Buffer.from(`${encodeURIComponent(client.client_id as string)}:${encodeURIComponent(client.client_secret as string)}`).toString('base64')
    const tokens = await call(node, 'POST', `${API}/token`, { raw: form, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` } })
    assert.is(tokens.status, 200, JSON.stringify(tokens.body))
    assert.is(await count(node, 'pendingclient!127.0.0.4!'), 0)
    node.clock.now += 48 * HOUR
    const later = await call(node, 'GET', authorizePath(client.client_id as string, pkce().challenge), { headers: { accept: 'application/json' } })
    assert.is(later.status, 200, `a used client outlives the 24 h of unused ones: ${JSON.stringify(later.body)}`)
  } finally {
    await node.close()
  }
})

test('requests to authorise: capped per address (429), expire after 10 minutes, and are swept', async () => {
  const node = await startNode({ authRequestsPerAddress: 4, sweepIntervalMs: 50, rates: { authorize: { max: 1000, timeWindowMs: 60_000 } } })
  try {
    const client = (await call(node, 'POST', `${API}/register`, { json: registration() })).body as Json
    const start = async (from = '127.0.0.1'): Promise<Answer> => await call(node, 'GET', authorizePath(client.client_id as string, pkce().challenge), { from, headers: { accept: 'application/json' } })
    for (let i = 0; i < 4; i++) assert.is((await start()).status, 200)
    const fifth = await start()
    assert.is(fifth.status, 429, JSON.stringify(fifth.body))
    assert.is(fifth.body.code, 'COFL_ERR_RATE_LIMITED')
    assert.is(fifth.headers.location, undefined)
    assert.is((await start('127.0.0.5')).status, 200, 'another address is not held back')
    assert.is(await count(node, 'authreq!'), 5)
    // Unanswered, they lapse: the address may ask again, and the store forgets them.
    node.clock.now += 11 * 60_000
    await waitFor('the expired requests to be swept', async () => await count(node, 'authreq!') === 0 && await count(node, 'authreqaddr!') === 0, AbortSignal.timeout(10_000))
    assert.is((await start()).status, 200)
  } finally {
    await node.close()
  }
})

test('rate limits of GET /authorize and /token per address (429 with Retry-After); registration bodies of 9 KB and 52 KB are refused (413)', async () => {
  const node = await startNode({ rates: { authorize: { max: 3, timeWindowMs: 60_000 }, token: { max: 2, timeWindowMs: 60_000 } } })
  try {
    const client = (await call(node, 'POST', `${API}/register`, { json: registration() })).body as Json
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await call(node, 'GET', authorizePath(client.client_id as string, pkce().challenge), { headers: { accept: 'application/json' } })).status)
    assert.equal(statuses, [200, 200, 200, 429, 429])
    const token = async (): Promise<Answer> => await call(node, 'POST', `${API}/token`, { raw: 'grant_type=authorization_code&code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    assert.is((await token()).status, 401)
    assert.is((await token()).status, 401)
    const limited = await token()
    assert.is(limited.status, 429)
    assert.ok(Number(limited.headers['retry-after']) > 0)

    for (const bytes of [9 * 1024, 52 * 1024]) {
      const big = await call(node, 'POST', `${API}/register`, { json: registration({ client_name: 'x'.repeat(bytes) }) })
      assert.is(big.status, 413, `${bytes}: ${JSON.stringify(big.body)}`)
      assert.is(big.body.code, 'COFL_ERR_BODY_TOO_LARGE')
    }
  } finally {
    await node.close()
  }
})

test('behind a reverse proxy (http.trustProxy): each client\'s X-Forwarded-For address has its own quota; without it, or from an address not named, the header is ignored', async () => {
  const rates = { register: { max: 2, timeWindowMs: 60_000 } }
  const register = async (node: Node, forwardedFor?: string, from = '127.0.0.1'): Promise<number> =>
    (await call(node, 'POST', `${API}/register`, { json: registration(), from, headers: forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {} })).status
  // The proxy on 127.0.0.1 forwards two clients.
  const proxied = await startNode({ rates }, { trustProxy: ['127.0.0.1'] })
  try {
    assert.equal([await register(proxied, '203.0.113.1'), await register(proxied, '203.0.113.1'), await register(proxied, '203.0.113.1')], [201, 201, 429])
    assert.equal([await register(proxied, '203.0.113.2'), await register(proxied, '203.0.113.2')], [201, 201], 'another client, its own quota')
    // A client that sends its own X-Forwarded-For through the proxy: the proxy adds the address it
    // saw, and only that one counts.
    assert.is(await register(proxied, '198.51.100.7, 203.0.113.1'), 429)
    // What a registration keeps counts against the client's address too (the per-address caps).
    assert.is(await count(proxied, 'pendingclient!203.0.113.1!'), 2)
    assert.is(await count(proxied, 'pendingclient!203.0.113.2!'), 2)
    assert.is(await count(proxied, 'pendingclient!127.0.0.1!'), 0)
    // From an address that is not the proxy's, the header is not believed.
    assert.equal([await register(proxied, '203.0.113.3', '127.0.0.2'), await register(proxied, '203.0.113.4', '127.0.0.2'), await register(proxied, '203.0.113.5', '127.0.0.2')], [201, 201, 429])
    assert.is(await count(proxied, 'pendingclient!127.0.0.2!'), 2)
  } finally {
    await proxied.close()
  }
  // Without trustProxy (the default): one quota for the connection's address, whatever the header says.
  const direct = await startNode({ rates })
  try {
    assert.equal([await register(direct, '203.0.113.1'), await register(direct, '203.0.113.2'), await register(direct, '203.0.113.3')], [201, 201, 429])
    assert.is(await count(direct, 'pendingclient!127.0.0.1!'), 2)
  } finally {
    await direct.close()
  }
})

test.run()
