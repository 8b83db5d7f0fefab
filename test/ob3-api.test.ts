// The Open Badges 3.0 API end to end, with a test client written with fetch against a node in
// this process (127.0.0.1, port 0, no federation): discovery, dynamic registration, the
// authorisation code grant with PKCE S256 and the learner's signed presentation, tokens, refresh,
// revocation, GET / POST credentials (paged), GET / PUT profile; and the refusals: wrong scope,
// expired token, bad PKCE verifier, reused code, wrong redirect_uri, a presentation by another
// DID than claimed, another learner's credentials. Answers validate against the official schemas.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildAchievement, buildOpenBadgeCredential, buildProfile, CREDENTIALS_V2_CONTEXT, signCredential, signPresentation, validateSchema
} from '@cofl/credentials'
import type { SchemaKind } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode, ob3Clock, OB3_SCOPES } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

const API = '/ims/ob/v3p0'
const ALL_SCOPES = Object.values(OB3_SCOPES)
const REDIRECT = 'http://127.0.0.1:9/callback'

let dir = ''
let node: CityNode
let learner: KeyPair
let other: KeyPair
let elsewhere: KeyPair
const realNow = ob3Clock.now

interface Answer { status: number, body: Json, text: string, headers: Headers }

async function http (method: string, path: string, options: { json?: unknown, form?: Record<string, string>, headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  let body: string | undefined
  if (options.json !== undefined) { body = JSON.stringify(options.json); headers['content-type'] ??= 'application/json' }
  if (options.form !== undefined) { body = new URLSearchParams(options.form).toString(); headers['content-type'] ??= 'application/x-www-form-urlencoded' }
  const url = path.startsWith('http') ? path : `${node.url}${path}`
  const response = await fetch(url, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) })
  const text = await response.text()
  let parsed: Json = {}
  try { parsed = text === '' ? {} : JSON.parse(text) } catch { parsed = {} }
  return { status: response.status, body: parsed, text, headers: response.headers }
}

const admin = async (method: string, path: string, json: unknown): Promise<Json> => {
  const answer = await http(method, path, { json, headers: { authorization: `Bearer ${node.adminToken}` } })
  assert.ok(answer.status < 300, answer.text)
  return answer.body
}

function valid (kind: SchemaKind, document: unknown): void {
  const result = validateSchema(kind, document)
  assert.ok(result.valid, `${kind}: ${result.errors.join('; ')}\n${JSON.stringify(document)}`)
}

/** A refusal of a resource endpoint: its status and an Imsx_StatusInfo naming the code. */
function refused (answer: Answer, status: number, code: string): void {
  assert.is(answer.status, status, answer.text)
  valid('Imsx_StatusInfo', answer.body)
  assert.is(answer.body.imsx_codeMajor, 'failure')
  assert.ok((answer.body.imsx_description as string).startsWith(`${code}:`), answer.body.imsx_description)
}

/** A refusal of an OAuth endpoint (RFC 6749 5.2). */
function oauthRefused (answer: Answer, status: number, error: string, code?: string): void {
  assert.is(answer.status, status, answer.text)
  assert.is(answer.body.error, error, answer.text)
  assert.is(typeof answer.body.error_description, 'string')
  if (code != null) assert.is(answer.body.code, code)
}

/**
 * An error of GET /authorize found before the learner was asked, for a known client and its own
 * redirect URI: never redirected (RFC 9700 4.11.1). 400 with a page that names the error and offers
 * the way back (a link to the redirect URI with error, error_description and state, its origin
 * shown), or, to a JSON client, the same as JSON. Returns the way back.
 */
async function refusedHere (path: string, error: string, redirectUri = REDIRECT): Promise<URL> {
  const page = await http('GET', path, { headers: { accept: 'text/html' } })
  assert.is(page.status, 400, page.text)
  assert.is(page.headers.get('location'), null, 'not redirected')
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.is(page.headers.get('x-frame-options'), 'DENY')
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/)
  assert.is(page.headers.get('cache-control'), 'no-store')
  const href = /<a href="([^"]+)"/.exec(page.text)?.[1]
  assert.ok(href != null, page.text)
  const back = new URL(href.replace(/&#38;/g, '&'))
  assert.is(`${back.origin}${back.pathname}`, redirectUri)
  assert.is(back.searchParams.get('error'), error)
  assert.ok((back.searchParams.get('error_description') ?? '').length > 0)
  assert.match(page.text, new RegExp(`<code>${error}</code>`))
  assert.ok(page.text.includes(escapeHtml(back.searchParams.get('error_description') ?? '')), page.text)
  assert.ok(page.text.includes(`<strong>${new URL(redirectUri).origin}</strong>`), 'the origin the link leads to, as text')
  // The browser's default (Accept: */*) gets the page too.
  const any = await http('GET', path)
  assert.is(any.status, 400)
  assert.is(any.headers.get('location'), null)
  assert.match(any.headers.get('content-type') ?? '', /^text\/html/)
  // A client without a browser: JSON, the way back named, not followed.
  const json = await http('GET', path, { headers: { accept: 'application/json' } })
  oauthRefused(json, 400, error, 'COFL_ERR_OB3_REQUEST')
  assert.is(json.headers.get('location'), null)
  assert.is(json.headers.get('cache-control'), 'no-store')
  assert.is(json.body.error_description, back.searchParams.get('error_description'))
  assert.is(json.body.redirect_uri_with_error, back.toString())
  return back
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

// ---- the test client ----

interface Client { client_id: string, client_secret: string }

// A client on the learner's own machine: every URL on the loopback host of its redirect URI, the
// one case where http is accepted (docs/ob3-api.md, "POST /register"). It asks for refresh tokens.
const registration = (extra: Json = {}): Json => ({
  client_name: 'Test Wallet',
  client_uri: 'http://127.0.0.1:9/',
  logo_uri: 'http://127.0.0.1:9/logo.png',
  tos_uri: 'http://127.0.0.1:9/tos',
  policy_uri: 'http://127.0.0.1:9/privacy',
  software_id: 'c0f1-test-wallet',
  software_version: '1.0.0',
  redirect_uris: [REDIRECT],
  scope: ALL_SCOPES.join(' '),
  grant_types: ['authorization_code', 'refresh_token'],
  ...extra
})

async function register (extra: Json = {}): Promise<Client> {
  const answer = await http('POST', `${API}/register`, { json: registration(extra) })
  assert.is(answer.status, 201, answer.text)
  return answer.body as Client
}

const basic = (client: Client): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`
})

function pkce (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

function authorizeUrl (client: Client, params: Record<string, string>): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 'st4te', code_challenge_method: 'S256', ...params })
  return `${API}/authorize?${query.toString()}`
}

/** GET /authorize as a client without a browser: the request id, challenge and domain. */
async function startAuthorization (client: Client, params: Record<string, string>): Promise<Json> {
  const answer = await http('GET', authorizeUrl(client, params), { headers: { accept: 'application/json' } })
  assert.is(answer.status, 200, answer.text)
  return answer.body
}

async function present (signer: KeyPair, holder: string, challenge: string, domain: string): Promise<Json> {
  return await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder }, { key: signer, challenge, domain }) as Json
}

/** The whole authorisation: GET, the learner signs, POST, 302 back with code, scope and state. */
async function authorize (client: Client, who: KeyPair, scope = ALL_SCOPES.join(' ')): Promise<{ code: string, verifier: string }> {
  const { verifier, challenge } = pkce()
  const pending = await startAuthorization(client, { scope, code_challenge: challenge })
  const presentation = await present(who, who.did, pending.challenge, pending.domain)
  const answer = await http('POST', `${API}/authorize`, { json: { request_id: pending.request_id, did: who.did, presentation } })
  assert.is(answer.status, 302, answer.text)
  const location = new URL(answer.headers.get('location') ?? '')
  assert.is(`${location.origin}${location.pathname}`, REDIRECT)
  assert.is(location.searchParams.get('state'), 'st4te')
  assert.is(location.searchParams.get('scope'), scope)
  const code = location.searchParams.get('code')
  assert.ok(code != null && code.length >= 43)
  return { code, verifier }
}

async function token (client: Client, form: Record<string, string>): Promise<Answer> {
  return await http('POST', `${API}/token`, { form, headers: basic(client) })
}

async function login (client: Client, who: KeyPair, scope?: string): Promise<Json> {
  const { code, verifier } = await authorize(client, who, scope)
  const answer = await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
  assert.is(answer.status, 200, answer.text)
  assert.is(answer.headers.get('cache-control'), 'no-store')
  return answer.body
}

const bearer = (accessToken: string): Record<string, string> => ({ authorization: `Bearer ${accessToken}` })

// ---- fixtures ----

let client: Client
let tokens: Json
const issued: string[] = []
let othersCredential = ''
let foreign: Json

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-ob3-api-'))
  learner = await generateKeyPair()
  other = await generateKeyPair()
  elsewhere = await generateKeyPair()
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  const achievement = await admin('POST', '/api/achievements', { name: 'Coding Club', description: 'Ten sessions of Python', criteria: 'Attend ten sessions' })
  for (let i = 0; i < 3; i++) {
    issued.push((await admin('POST', '/api/credentials', { achievementId: achievement.id, subject: learner.did })).credential.id)
  }
  othersCredential = (await admin('POST', '/api/credentials', { achievementId: achievement.id, subject: other.did })).credential.id
  // A credential issued by someone outside this node, to the learner.
  const issuer = buildProfile({ id: elsewhere.did, name: 'Elsewhere Academy' })
  foreign = await signCredential(buildOpenBadgeCredential({
    issuer, subject: learner.did, achievement: buildAchievement({ name: 'Sailing', description: 'Sailed a dinghy', criteria: 'Sail', creator: issuer })
  }), { key: elsewhere }) as Json
})

test.after(async () => {
  ob3Clock.now = realNow
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

// ---- the flow ----

test('discovery: an OpenAPI document naming registration, authorisation, token and refresh URLs and the four scopes', async () => {
  const answer = await http('GET', `${API}/discovery`)
  assert.is(answer.status, 200)
  const sdd = answer.body
  assert.match(sdd.openapi, /^3\.\d+\.\d+$/)
  assert.is(typeof sdd.info.title, 'string')
  assert.is(typeof sdd.info.version, 'string')
  assert.is(typeof sdd.info.termsOfService, 'string')
  assert.is(typeof sdd.info['x-imssf-privacyPolicyUrl'], 'string')
  for (const path of ['/credentials', '/profile', '/discovery']) assert.ok(sdd.paths[path] != null, path)
  const scheme = sdd.components.securitySchemes.OAuth2ACG
  assert.is(scheme.type, 'oauth2')
  assert.is(scheme['x-imssf-registrationUrl'], `${node.url}${API}/register`)
  const flow = scheme.flows.authorizationCode
  assert.is(flow.authorizationUrl, `${node.url}${API}/authorize`)
  assert.is(flow.tokenUrl, `${node.url}${API}/token`)
  assert.is(flow.refreshUrl, `${node.url}${API}/token`)
  assert.equal(Object.keys(flow.scopes).sort(), [...ALL_SCOPES].sort())
  assert.equal(ALL_SCOPES.sort(), [
    'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly',
    'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert',
    'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly',
    'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update'
  ])
  const policy = await http('GET', `${API}/policy`)
  assert.is(policy.status, 200)
  assert.match(policy.text, /no passwords/)
})

test('register: RFC 7591 with the OB 3.0 metadata; incomplete metadata and unsafe redirect URIs refused', async () => {
  const answer = await http('POST', `${API}/register`, { json: registration() })
  assert.is(answer.status, 201, answer.text)
  client = answer.body as Client
  assert.match(client.client_id, /^[A-Za-z0-9_-]{43}$/)
  assert.match(client.client_secret, /^[A-Za-z0-9_-]{43}$/)
  assert.is(typeof answer.body.client_id_issued_at, 'number')
  // RFC 7591: when the secret expires (0 would say never). A registration never used expires 24
  // hours after it was made; once it redeems a code it is kept (docs/ob3-api.md).
  const day = 24 * 60 * 60
  const expires = answer.body.client_secret_expires_at as number
  assert.ok(Number.isInteger(expires), String(expires))
  assert.ok(expires >= answer.body.client_id_issued_at + day - 1 && expires <= Math.ceil(Date.now() / 1000) + day, `expires ${expires}, issued ${String(answer.body.client_id_issued_at)}`)
  assert.equal(answer.body.redirect_uris, [REDIRECT])
  assert.is(answer.body.token_endpoint_auth_method, 'client_secret_basic')
  assert.equal(answer.body.grant_types, ['authorization_code', 'refresh_token'])
  assert.is(answer.body.scope, ALL_SCOPES.join(' '))

  const { software_id: _omit, ...withoutSoftwareId } = registration()
  oauthRefused(await http('POST', `${API}/register`, { json: withoutSoftwareId }), 400, 'invalid_client_metadata', 'COFL_ERR_OB3_CLIENT')
  oauthRefused(await http('POST', `${API}/register`, { json: registration({ redirect_uris: ['http://wallet.example/cb'] }) }), 400, 'invalid_redirect_uri')
  oauthRefused(await http('POST', `${API}/register`, { json: registration({ redirect_uris: ['https://wallet.example/cb#frag'] }) }), 400, 'invalid_redirect_uri')
  oauthRefused(await http('POST', `${API}/register`, { json: registration({ scope: 'openid' }) }), 400, 'invalid_client_metadata')
  oauthRefused(await http('POST', `${API}/register`, { json: registration({ token_endpoint_auth_method: 'none' }) }), 400, 'invalid_client_metadata')
})

test('authorise: the consent page (HTML) and its JSON form; the learner signs, 302 with code, scope and state; token', async () => {
  const { challenge } = pkce()
  const page = await http('GET', authorizeUrl(client, { scope: ALL_SCOPES.join(' '), code_challenge: challenge }), { headers: { accept: 'text/html' } })
  assert.is(page.status, 200)
  assert.match(page.headers.get('content-type') ?? '', /text\/html/)
  assert.match(page.text, /Test Wallet/)
  assert.match(page.text, /name="request_id"/)
  assert.is(page.headers.get('x-frame-options'), 'DENY')

  tokens = await login(client, learner)
  assert.is(tokens.token_type, 'Bearer')
  assert.is(tokens.expires_in, 3600)
  assert.match(tokens.access_token, /^[A-Za-z0-9_-]{43}$/)
  assert.match(tokens.refresh_token, /^[A-Za-z0-9_-]{43}$/)
  assert.is(tokens.scope, ALL_SCOPES.join(' '))
})

test('credentials: the learner\'s three, as a GetOpenBadgeCredentialsResponse; paged with limit / offset, X-Total-Count and Link', async () => {
  const all = await http('GET', `${API}/credentials`, { headers: bearer(tokens.access_token) })
  assert.is(all.status, 200, all.text)
  valid('GetOpenBadgeCredentialsResponse', all.body)
  assert.is(all.headers.get('x-total-count'), '3')
  assert.equal(all.body.credential.map((c: Json) => c.id).sort(), [...issued].sort())
  for (const c of all.body.credential) assert.is(c.credentialSubject.id, learner.did)
  assert.not.ok(all.body.credential.some((c: Json) => c.id === othersCredential))

  const first = await http('GET', `${API}/credentials?limit=2&offset=0`, { headers: bearer(tokens.access_token) })
  assert.is(first.status, 200)
  valid('GetOpenBadgeCredentialsResponse', first.body)
  assert.is(first.body.credential.length, 2)
  assert.is(first.headers.get('x-total-count'), '3')
  const link = first.headers.get('link') ?? ''
  assert.match(link, /offset=2[^>]*>; rel="next"/)
  assert.match(link, /rel="last"/)
  assert.match(link, /offset=0[^>]*>; rel="first"/)
  assert.not.match(link, /rel="prev"/)
  const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] as string
  const second = await http('GET', next, { headers: bearer(tokens.access_token) })
  assert.is(second.status, 200)
  assert.is(second.body.credential.length, 1)
  assert.match(second.headers.get('link') ?? '', /rel="prev"/)
  assert.not.match(second.headers.get('link') ?? '', /rel="next"/)
  const seen = [...first.body.credential, ...second.body.credential].map((c: Json) => c.id).sort()
  assert.equal(seen, [...issued].sort())

  const future = await http('GET', `${API}/credentials?since=2999-01-01T00:00:00Z`, { headers: bearer(tokens.access_token) })
  assert.is(future.body.credential.length, 0)
  refused(await http('GET', `${API}/credentials?limit=0`, { headers: bearer(tokens.access_token) }), 400, 'COFL_ERR_OB3_REQUEST')
  refused(await http('GET', `${API}/credentials?offset=-1`, { headers: bearer(tokens.access_token) }), 400, 'COFL_ERR_OB3_REQUEST')
})

test('credentials: upsert a credential issued elsewhere (201, then 200); one about someone else or tampered is refused', async () => {
  const created = await http('POST', `${API}/credentials`, { json: foreign, headers: bearer(tokens.access_token) })
  assert.is(created.status, 201, created.text)
  assert.equal(created.body, foreign)
  const replaced = await http('POST', `${API}/credentials`, { json: foreign, headers: { ...bearer(tokens.access_token), 'content-type': 'application/vc+ld+json' } })
  assert.is(replaced.status, 200, replaced.text)
  // A credential this node issued to the learner exists already.
  const mine = (await http('GET', `${API}/credentials?limit=1`, { headers: bearer(tokens.access_token) })).body.credential[0]
  assert.is((await http('POST', `${API}/credentials`, { json: mine, headers: bearer(tokens.access_token) })).status, 200)

  const list = await http('GET', `${API}/credentials`, { headers: bearer(tokens.access_token) })
  assert.is(list.headers.get('x-total-count'), '4')
  valid('GetOpenBadgeCredentialsResponse', list.body)
  assert.ok(list.body.credential.some((c: Json) => c.id === foreign.id))

  const issuer = buildProfile({ id: elsewhere.did })
  const aboutOther = await signCredential(buildOpenBadgeCredential({
    issuer, subject: other.did, achievement: buildAchievement({ name: 'Sailing', description: 'x', criteria: 'y', creator: issuer })
  }), { key: elsewhere })
  refused(await http('POST', `${API}/credentials`, { json: aboutOther, headers: bearer(tokens.access_token) }), 403, 'COFL_ERR_OB3_CREDENTIAL')
  const tampered = { ...foreign, id: 'urn:uuid:00000000-0000-4000-8000-000000000001', name: 'Changed' }
  refused(await http('POST', `${API}/credentials`, { json: tampered, headers: bearer(tokens.access_token) }), 400, 'COFL_ERR_OB3_CREDENTIAL')
  refused(await http('POST', `${API}/credentials`, { form: { a: 'b' }, headers: bearer(tokens.access_token) }), 415, 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE')
})

test('profile: the learner\'s own (a valid Profile), replaced with PUT; another id refused', async () => {
  const first = await http('GET', `${API}/profile`, { headers: bearer(tokens.access_token) })
  assert.is(first.status, 200, first.text)
  valid('Profile', first.body)
  assert.is(first.body.id, learner.did)
  const profile = { ...first.body, name: 'Ada Learner', email: 'ada@example.org' }
  const put = await http('PUT', `${API}/profile`, { json: profile, headers: bearer(tokens.access_token) })
  assert.is(put.status, 200, put.text)
  valid('Profile', put.body)
  const again = await http('GET', `${API}/profile`, { headers: bearer(tokens.access_token) })
  assert.is(again.body.name, 'Ada Learner')
  assert.is(again.body.email, 'ada@example.org')
  refused(await http('PUT', `${API}/profile`, { json: { ...profile, id: other.did }, headers: bearer(tokens.access_token) }), 403, 'COFL_ERR_OB3_PROFILE')
  refused(await http('PUT', `${API}/profile`, { json: { ...profile, type: 'Profile' }, headers: bearer(tokens.access_token) }), 400, 'COFL_ERR_OB3_PROFILE')
})

test('another learner sees only their own credentials and profile', async () => {
  const theirs = await login(client, other)
  const list = await http('GET', `${API}/credentials`, { headers: bearer(theirs.access_token) })
  assert.is(list.status, 200)
  assert.equal(list.body.credential.map((c: Json) => c.id), [othersCredential])
  assert.is(list.headers.get('x-total-count'), '1')
  const profile = await http('GET', `${API}/profile`, { headers: bearer(theirs.access_token) })
  assert.is(profile.body.id, other.did)
  assert.is(profile.body.name, undefined)
})

// ---- refusals ----

test('refused: no token (401, WWW-Authenticate), a wrong scope (403 insufficient_scope)', async () => {
  const none = await http('GET', `${API}/credentials`)
  refused(none, 401, 'COFL_ERR_OB3_TOKEN')
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /)
  refused(await http('GET', `${API}/profile`, { headers: bearer('not-a-token') }), 401, 'COFL_ERR_OB3_TOKEN')

  const readOnly = await login(client, learner, OB3_SCOPES.credentialRead)
  assert.is(readOnly.scope, OB3_SCOPES.credentialRead)
  assert.is((await http('GET', `${API}/credentials`, { headers: bearer(readOnly.access_token) })).status, 200)
  for (const [method, path, json] of [['GET', '/profile'], ['PUT', '/profile', { id: learner.did, type: ['Profile'] }], ['POST', '/credentials', foreign]] as const) {
    const answer = await http(method, `${API}${path}`, { headers: bearer(readOnly.access_token), ...(json != null ? { json } : {}) })
    refused(answer, 403, 'COFL_ERR_OB3_SCOPE')
    assert.match(answer.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/)
  }
  // A client cannot ask for a scope it did not register.
  const narrow = await register({ scope: OB3_SCOPES.credentialRead })
  const { challenge } = pkce()
  const back = await refusedHere(authorizeUrl(narrow, { scope: OB3_SCOPES.profileRead, code_challenge: challenge }), 'invalid_scope')
  assert.is(back.searchParams.get('state'), 'st4te')
  assert.match(back.searchParams.get('error_description') ?? '', /did not register the scope/)
})

test('refused: an expired access token (401 invalid_token); the refresh token gives a new one and is rotated', async () => {
  const session = await login(client, learner)
  ob3Clock.now = () => realNow() + 2 * 60 * 60_000
  try {
    const expired = await http('GET', `${API}/credentials`, { headers: bearer(session.access_token) })
    refused(expired, 401, 'COFL_ERR_OB3_TOKEN')
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
    assert.match(expired.body.imsx_description, /expired/)

    const refreshed = await token(client, { grant_type: 'refresh_token', refresh_token: session.refresh_token })
    assert.is(refreshed.status, 200, refreshed.text)
    assert.is.not(refreshed.body.refresh_token, session.refresh_token)
    assert.is((await http('GET', `${API}/credentials`, { headers: bearer(refreshed.body.access_token) })).status, 200)
    // A narrower scope on refresh is fine; a wider one is not.
    const narrower = await token(client, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, scope: OB3_SCOPES.credentialRead })
    assert.is(narrower.status, 200, narrower.text)
    assert.is(narrower.body.scope, OB3_SCOPES.credentialRead)
    oauthRefused(await token(client, { grant_type: 'refresh_token', refresh_token: narrower.body.refresh_token, scope: ALL_SCOPES.join(' ') }), 400, 'invalid_scope')

    // The replaced refresh token comes back: the grant is revoked, with its newest tokens.
    oauthRefused(await token(client, { grant_type: 'refresh_token', refresh_token: session.refresh_token }), 400, 'invalid_grant', 'COFL_ERR_OB3_GRANT')
    refused(await http('GET', `${API}/credentials`, { headers: bearer(narrower.body.access_token) }), 401, 'COFL_ERR_OB3_TOKEN')
  } finally {
    ob3Clock.now = realNow
  }
})

test('refused: a bad PKCE verifier (400 invalid_grant), and the code is spent', async () => {
  const { code } = await authorize(client, learner)
  const bad = await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier })
  oauthRefused(bad, 400, 'invalid_grant', 'COFL_ERR_OB3_GRANT')
  assert.match(bad.body.error_description, /code_verifier/)
  assert.is(bad.headers.get('cache-control'), 'no-store')
  oauthRefused(await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier }), 400, 'invalid_grant')
  // Missing verifier, plain method.
  const second = await authorize(client, learner)
  oauthRefused(await token(client, { grant_type: 'authorization_code', code: second.code, redirect_uri: REDIRECT }), 400, 'invalid_request')
  const plain = await refusedHere(authorizeUrl(client, { code_challenge: pkce().verifier, code_challenge_method: 'plain' }), 'invalid_request')
  assert.match(plain.searchParams.get('error_description') ?? '', /S256/)
  const noPkce = await refusedHere(`${API}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 's' }).toString()}`, 'invalid_request')
  assert.is(noPkce.searchParams.get('state'), 's')
})

test('any failed redemption spends the code: after one without code_verifier or redirect_uri, or with a wrong verifier, the right one gets invalid_grant', async () => {
  const failures: Array<[(code: string, verifier: string) => Record<string, string>, string]> = [
    [(code) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }), 'invalid_request'], // no code_verifier
    [(code, verifier) => ({ grant_type: 'authorization_code', code, code_verifier: verifier }), 'invalid_request'], // no redirect_uri
    [(code) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier }), 'invalid_grant'] // another verifier
  ]
  for (const [form, error] of failures) {
    const { code, verifier } = await authorize(client, learner)
    oauthRefused(await token(client, form(code, verifier)), 400, error)
    const right = await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
    oauthRefused(right, 400, 'invalid_grant', 'COFL_ERR_OB3_GRANT')
    assert.match(right.body.error_description, /unknown authorisation code/)
  }
})

test('/authorize never redirects an error (RFC 9700 4.11): for a known client and a redirect_uri it registered, exactly, it offers the way back; else 400 JSON, no Location', async () => {
  const { challenge } = pkce()
  // Each request also carries an error that would be redirected (an unsupported response type).
  const bad = { response_type: 'token', code_challenge: challenge }
  const other3 = await register({ redirect_uris: ['http://127.0.0.1:9/third'] })
  const noRedirect = async (query: string, error: string): Promise<void> => {
    for (const accept of ['application/json', 'text/html']) {
      const answer = await http('GET', `${API}/authorize?${query}`, { headers: { accept } })
      oauthRefused(answer, 400, error)
      assert.is(answer.headers.get('location'), null, `${query}: ${answer.headers.get('location') ?? ''}`)
    }
  }
  const q = (params: Record<string, string>): string => new URLSearchParams(params).toString()
  const base = { ...bad, state: 's', code_challenge_method: 'S256' }
  await noRedirect(q({ ...base, redirect_uri: REDIRECT }), 'invalid_client') // no client_id
  await noRedirect(q({ ...base, client_id: 'nobody', redirect_uri: REDIRECT }), 'invalid_client')
  await noRedirect(q({ ...base, client_id: client.client_id }), 'invalid_request') // no redirect_uri
  for (const uri of [
    'http://127.0.0.1:9/third', // another client's
    'HTTP://127.0.0.1:9/callback', 'http://127.0.0.1:9/callback/', 'http://127.0.0.1:9/Callback', 'http://127.0.0.1:9/%63allback',
    `${REDIRECT}#x`, `${REDIRECT}?state=x`, 'http://127.0.0.1:09/callback', 'https://evil.example/callback', 'javascript:alert(1)'
  ]) await noRedirect(q({ ...base, client_id: client.client_id, redirect_uri: uri }), 'invalid_request')
  // Repeated client_id or redirect_uri: refused before either is used.
  await noRedirect(`${q({ ...base, client_id: client.client_id, redirect_uri: REDIRECT })}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, 'invalid_request')
  await noRedirect(`${q({ ...base, client_id: other3.client_id, redirect_uri: REDIRECT })}&client_id=${encodeURIComponent(client.client_id)}`, 'invalid_request')
  // A registration never used expires after 24 hours: its redirect URI is then anyone's.
  const unused = await register()
  ob3Clock.now = () => realNow() + 25 * 60 * 60_000
  try {
    await noRedirect(q({ ...base, client_id: unused.client_id, redirect_uri: REDIRECT }), 'invalid_client')
  } finally {
    ob3Clock.now = realNow
  }
  // The one case where the way back to the client is offered (a link, never a redirect: anyone can
  // register a client whose redirect URI is their own site): known client, its own redirect URI.
  const back = await refusedHere(`${API}/authorize?${q({ ...base, client_id: client.client_id, redirect_uri: REDIRECT })}`, 'unsupported_response_type')
  assert.is(back.searchParams.get('state'), 's')
  assert.is(back.searchParams.get('error_description'), 'response_type must be code')
  // A long state: refused the same way.
  const long = await refusedHere(`${API}/authorize?${q({ ...base, response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 'x'.repeat(3000) })}`, 'invalid_request')
  assert.is(long.searchParams.get('error_description'), 'state is too long')
  // A hostile client: its redirect URI on a site of its registrant's, its description in the page
  // escaped, the node still only shows a link.
  const hostile = await register({ client_uri: 'https://evil.example/', logo_uri: 'https://evil.example/l.png', tos_uri: 'https://evil.example/t', policy_uri: 'https://evil.example/p', redirect_uris: ['https://evil.example/phish'] })
  const phish = await refusedHere(`${API}/authorize?${q({ ...base, client_id: hostile.client_id, redirect_uri: 'https://evil.example/phish', state: '"><script>alert(1)</script>' })}`, 'unsupported_response_type', 'https://evil.example/phish')
  assert.is(phish.searchParams.get('state'), '"><script>alert(1)</script>')
  const page = await http('GET', `${API}/authorize?${q({ ...base, client_id: hostile.client_id, redirect_uri: 'https://evil.example/phish', state: '"><script>' })}`, { headers: { accept: 'text/html' } })
  assert.not.match(page.text, /<script>/)
})

test('refused: a reused code (and the tokens of its first use are revoked); an expired code', async () => {
  const { code, verifier } = await authorize(client, learner)
  const first = await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
  assert.is(first.status, 200)
  oauthRefused(await token(client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }), 400, 'invalid_grant')
  refused(await http('GET', `${API}/credentials`, { headers: bearer(first.body.access_token) }), 401, 'COFL_ERR_OB3_TOKEN')
  oauthRefused(await token(client, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }), 400, 'invalid_grant')

  // Two redemptions at once: exactly one wins.
  const race = await authorize(client, learner)
  const form = { grant_type: 'authorization_code', code: race.code, redirect_uri: REDIRECT, code_verifier: race.verifier }
  const answers = await Promise.all([token(client, form), token(client, form), token(client, form)])
  assert.equal(answers.map((a) => a.status).sort(), [200, 400, 400])

  const late = await authorize(client, learner)
  ob3Clock.now = () => realNow() + 61_000
  try {
    const answer = await token(client, { grant_type: 'authorization_code', code: late.code, redirect_uri: REDIRECT, code_verifier: late.verifier })
    oauthRefused(answer, 400, 'invalid_grant')
    assert.match(answer.body.error_description, /expired/)
  } finally {
    ob3Clock.now = realNow
  }
})

test('refused: a wrong redirect_uri (at /authorize: 400, no redirect; at /token: invalid_grant); a wrong client secret; another client\'s code', async () => {
  const { challenge } = pkce()
  for (const uri of ['https://evil.example/callback', `${REDIRECT}/x`, `${REDIRECT}?a=1`]) {
    const answer = await http('GET', authorizeUrl(client, { code_challenge: challenge, redirect_uri: uri }))
    oauthRefused(answer, 400, 'invalid_request', 'COFL_ERR_OB3_CLIENT')
    assert.is(answer.headers.get('location'), null)
  }
  oauthRefused(await http('GET', authorizeUrl({ client_id: 'nobody', client_secret: '' }, { code_challenge: challenge })), 400, 'invalid_client')

  const other2 = await register({ redirect_uris: [REDIRECT, 'http://127.0.0.1:9/other'] })
  const { code, verifier } = await authorize(other2, learner)
  oauthRefused(await token(other2, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other', code_verifier: verifier }), 400, 'invalid_grant')

  const wrongSecret = await token({ client_id: client.client_id, client_secret: 'nope' }, { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: verifier })
  oauthRefused(wrongSecret, 401, 'invalid_client', 'COFL_ERR_OB3_CLIENT')
  assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic /)
  const noAuth = await http('POST', `${API}/token`, { form: { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: verifier } })
  oauthRefused(noAuth, 401, 'invalid_client')

  const mine = await authorize(client, learner)
  oauthRefused(await token(other2, { grant_type: 'authorization_code', code: mine.code, redirect_uri: REDIRECT, code_verifier: mine.verifier }), 400, 'invalid_grant')
  // JSON is not a token request; a repeated parameter is refused.
  oauthRefused(await http('POST', `${API}/token`, { json: { grant_type: 'authorization_code' }, headers: basic(client) }), 400, 'invalid_request')
  const twice = await fetch(`${node.url}${API}/token`, { method: 'POST', headers: { ...basic(client), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code', signal: AbortSignal.timeout(10_000) })
  assert.is(twice.status, 400)
  assert.is(((await twice.json()) as Json).error, 'invalid_request')
})

test('refused: a presentation by another DID than claimed, over another challenge, or unsigned; a used request id', async () => {
  const attempt = async (build: (pending: Json) => Promise<Json>): Promise<Answer> => {
    const pending = await startAuthorization(client, { code_challenge: pkce().challenge })
    return await http('POST', `${API}/authorize`, { json: { request_id: pending.request_id, ...(await build(pending)) } })
  }
  // Signed by the other learner, naming the learner as holder.
  let answer = await attempt(async (p) => ({ did: learner.did, presentation: await present(other, learner.did, p.challenge, p.domain) }))
  oauthRefused(answer, 403, 'access_denied', 'COFL_ERR_OB3_LEARNER')
  assert.is(answer.headers.get('location'), null)
  // The other learner's own presentation, claiming to be the learner.
  answer = await attempt(async (p) => ({ did: learner.did, presentation: await present(other, other.did, p.challenge, p.domain) }))
  oauthRefused(answer, 403, 'access_denied', 'COFL_ERR_OB3_LEARNER')
  // Over another challenge, or another domain.
  answer = await attempt(async (p) => ({ did: learner.did, presentation: await present(learner, learner.did, 'an-old-challenge', p.domain) }))
  oauthRefused(answer, 403, 'access_denied')
  answer = await attempt(async (p) => ({ did: learner.did, presentation: await present(learner, learner.did, p.challenge, 'https://evil.example') }))
  oauthRefused(answer, 403, 'access_denied')
  // Unsigned.
  answer = await attempt(async () => ({ did: learner.did, presentation: { '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: learner.did } }))
  oauthRefused(answer, 403, 'access_denied')

  // A request id works once, whatever the answer; the learner may refuse (302 access_denied).
  const pending = await startAuthorization(client, { code_challenge: pkce().challenge })
  const deny = await http('POST', `${API}/authorize`, { form: { request_id: pending.request_id, decision: 'deny' } })
  assert.is(deny.status, 302)
  const location = new URL(deny.headers.get('location') ?? '')
  assert.is(location.searchParams.get('error'), 'access_denied')
  assert.is(location.searchParams.get('state'), 'st4te')
  const presentation = await present(learner, learner.did, pending.challenge, pending.domain)
  oauthRefused(await http('POST', `${API}/authorize`, { json: { request_id: pending.request_id, did: learner.did, presentation } }), 403, 'access_denied')
})

test('revocation (RFC 7009): the access token stops working; unknown tokens answer 200', async () => {
  const session = await login(client, learner)
  const answer = await http('POST', `${API}/revoke`, { form: { token: session.access_token, token_type_hint: 'access_token' }, headers: basic(client) })
  assert.is(answer.status, 200, answer.text)
  refused(await http('GET', `${API}/credentials`, { headers: bearer(session.access_token) }), 401, 'COFL_ERR_OB3_TOKEN')
  oauthRefused(await token(client, { grant_type: 'refresh_token', refresh_token: session.refresh_token }), 400, 'invalid_grant')
  assert.is((await http('POST', `${API}/revoke`, { form: { token: 'unknown' }, headers: basic(client) })).status, 200)
  oauthRefused(await http('POST', `${API}/revoke`, { form: { token: 'unknown' } }), 401, 'invalid_client')
})

test('unknown paths and methods answer Imsx_StatusInfo (404, 405); the core API is unchanged', async () => {
  refused(await http('GET', `${API}/nothing`), 404, 'COFL_ERR_NOT_FOUND')
  const answer = await http('DELETE', `${API}/credentials`, { headers: bearer(tokens.access_token) })
  refused(answer, 405, 'COFL_ERR_NOT_FOUND')
  assert.match(answer.headers.get('allow') ?? '', /GET/)
  // The core API still refuses form bodies and keeps its own error format.
  const core = await http('POST', '/api/verify', { form: { a: 'b' } })
  assert.is(core.status, 415)
  assert.is(core.body.error.code, 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE')
})

test.run()
