// The city node's HTTP API end to end, on a node started in this process (127.0.0.1, port 0):
// every route, and bad input (malformed JSON, wrong types, missing fields, huge bodies, unknown
// routes, wrong content type, missing or wrong token) answered with the right 4xx and a code,
// with the node still serving after each.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPresentation, signPresentation, validateSchema } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { endorseWhenHeld } from './fixtures/city-api.js'
import { issuerWithProfile, stopAll } from './fixtures/federation.js'
import { cli } from './fixtures/cli.js'

type Json = Record<string, any>

let dir = ''
let node: CityNode
let learner: KeyPair

interface Answer { status: number, body: Json, headers: Headers }

async function call (
  method: string, path: string, options: { body?: unknown, raw?: string, token?: string | null, type?: string | null, authorization?: string } = {}
): Promise<Answer> {
  const headers: Record<string, string> = {}
  const token = options.token === undefined ? node.adminToken : options.token
  if (token != null) headers.authorization = `Bearer ${token}`
  if (options.authorization != null) headers.authorization = options.authorization
  const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined)
  const type = options.type === undefined ? (body !== undefined ? 'application/json' : null) : options.type
  if (type != null) headers['content-type'] = type
  const response = await fetch(`${node.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text), headers: response.headers }
}

const ok = async (method: string, path: string, body?: unknown, status = 200): Promise<Json> => {
  const answer = await call(method, path, { body })
  assert.is(answer.status, status, JSON.stringify(answer.body))
  return answer.body
}

const verify = async (credential: unknown): Promise<Json> => await ok('POST', '/api/verify', { verifiableCredential: credential })
const statusCheck = (report: Json): Json => report.checks.find((c: Json) => c.id === 'status')

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-node-http-'))
  learner = await generateKeyPair()
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' } })
  await node.start()
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

let first: Json
let second: Json

test('start: node.json, the admin token (0600), the issuer key; health', async () => {
  const info = JSON.parse(await readFile(join(dir, 'city', 'node.json'), 'utf8'))
  assert.is(info.did, node.did)
  assert.is(info.http, node.url)
  assert.ok(Array.isArray(info.multiaddrs))
  assert.ok('peerId' in info)
  assert.is((await stat(join(dir, 'city', 'admin-token'))).mode & 0o777, 0o600)
  assert.is((await stat(join(dir, 'city', 'issuer.key'))).mode & 0o777, 0o600)
  assert.match(node.adminToken, /^[A-Za-z0-9_-]{43}$/)
  const health = await call('GET', '/api/health', { token: null })
  assert.is(health.status, 200)
  assert.equal(Object.keys(health.body).sort(), ['did', 'name', 'ok', 'peerId', 'peers'])
  assert.is(health.body.ok, true)
  assert.is(health.body.did, node.did)
  assert.is(health.body.name, 'Plymouth City of Learning')
  assert.is(typeof health.body.peers, 'number')
})

test('achievements: create (signed, stored), catalogue, search, filter by issuer, one by id', async () => {
  first = await ok('POST', '/api/achievements', {
    name: 'Coding Club: Python Basics', description: 'Ten sessions of Python at the city library.',
    criteria: 'Attend ten sessions and build a small game.', achievementType: 'Competency',
    alignment: [{ targetName: 'Programming', targetUrl: 'https://example.org/skills/programming' }]
  }, 201)
  assert.equal(Object.keys(first).sort(), ['achievement', 'cid', 'id'])
  assert.is(first.achievement.id, first.id)
  assert.is(first.achievement.creator.id, node.did)
  assert.is(first.achievement.proof.cryptosuite, 'eddsa-rdfc-2022')
  assert.is(typeof first.cid, 'string')
  second = await ok('POST', '/api/achievements', { id: 'urn:example:first-aid', name: 'First Aid', description: 'Basic first aid at the fire station', criteria: { narrative: 'Pass the course' } }, 201)
  assert.is(second.id, 'urn:example:first-aid')

  const all = await ok('GET', '/api/achievements')
  assert.is(all.achievements.length, 2)
  assert.is(all.next, null)
  const python = await ok('GET', '/api/achievements?q=python%20LIBRARY')
  assert.equal(python.achievements.map((a: Json) => a.id), [first.id])
  assert.is((await ok('GET', '/api/achievements?q=fire')).achievements[0].id, second.id)
  assert.is((await ok('GET', '/api/achievements?q=astronomy')).achievements.length, 0)
  assert.is((await ok('GET', `/api/achievements?issuer=${encodeURIComponent(node.did)}`)).achievements.length, 2)
  assert.is((await ok('GET', '/api/achievements?issuer=did:key:z6MkSomeoneElse')).achievements.length, 0)
  const page = await ok('GET', '/api/achievements?limit=1')
  assert.is(page.achievements.length, 1)
  assert.is(typeof page.next, 'string')
  const rest = await ok('GET', `/api/achievements?limit=1&cursor=${encodeURIComponent(page.next)}`)
  assert.is(rest.achievements.length, 1)
  assert.is.not(rest.achievements[0].id, page.achievements[0].id)
  // the catalogue is public
  assert.is((await call('GET', '/api/achievements', { token: null })).status, 200)
  const one = await ok('GET', `/api/achievements/${encodeURIComponent(second.id)}`)
  assert.is(one.achievement.name, 'First Aid')
  assert.is((await call('GET', '/api/achievements/urn%3Aexample%3Anone')).body.error.code, 'COFL_ERR_NOT_FOUND')
  const again = await call('POST', '/api/achievements', { body: { id: 'urn:example:first-aid', name: 'Again', description: 'x', criteria: 'y' } })
  assert.is(again.status, 409)
  assert.is(again.body.error.code, 'COFL_ERR_CONFLICT')
})

let credential: Json

test('issue: an OpenBadgeCredential with a status entry, valid under the OB schema and on /api/verify; in the issuance log', async () => {
  const issued = await ok('POST', '/api/credentials', { achievementId: first.id, subject: learner.did }, 201)
  credential = issued.credential
  const schema = validateSchema('AchievementCredential', credential)
  assert.ok(schema.valid, schema.errors.join('; '))
  assert.is(credential.credentialSubject.id, learner.did)
  assert.is(credential.issuer.id, node.did)
  assert.is(credential.issuer.name, 'Plymouth City of Learning')
  assert.is(credential.credentialStatus.type, 'BitstringStatusListEntry')
  assert.is(credential.credentialStatus.statusPurpose, 'revocation')
  const report = await verify(credential)
  assert.is(report.verified, true, JSON.stringify(report.checks))
  assert.is(statusCheck(report).outcome, 'passed')
  const record = await ok('GET', `/api/credentials/${encodeURIComponent(credential.id)}`)
  assert.is(record.credentialId, credential.id)
  assert.is(record.subject, learner.did)
  assert.is(record.status.index, Number(credential.credentialStatus.statusListIndex))
  assert.equal(record.credential, credential)
  const list = await ok('GET', '/api/credentials')
  assert.ok(list.credentials.some((r: Json) => r.credentialId === credential.id))
  assert.is((await call('GET', '/api/credentials/urn%3Auuid%3Anone')).status, 404)
  const unknown = await call('POST', '/api/credentials', { body: { achievementId: 'urn:example:none', subject: learner.did } })
  assert.is(unknown.status, 404)
  assert.is(unknown.body.error.code, 'COFL_ERR_NOT_FOUND')
})

test('status lists: served by id, 404 for a list this node does not hold', async () => {
  const id = credential.credentialStatus.statusListCredential
  const list = await ok('GET', `/api/status/${encodeURIComponent(id)}`)
  assert.is(list.id, id)
  assert.ok(list.type.includes('BitstringStatusListCredential'))
  assert.ok(list.sequence >= 1)
  assert.ok(Array.isArray(list.proof))
  const none = await call('GET', `/api/status/${encodeURIComponent('urn:cofl:status:did:key:z6MkNone:revocation:0')}`, { token: null })
  assert.is(none.status, 404)
  assert.is(none.body.error.code, 'COFL_ERR_NOT_FOUND')
})

test('revoke with now: the new list is published before the answer and /api/verify says revoked', async () => {
  const listBefore = await ok('GET', `/api/status/${encodeURIComponent(credential.credentialStatus.statusListCredential)}`)
  const revoked = await ok('POST', '/api/credentials/revoke', { credentialId: credential.id, now: true })
  assert.is(revoked.published, true)
  assert.is(revoked.changed, true)
  assert.is(revoked.listId, credential.credentialStatus.statusListCredential)
  assert.ok(revoked.sequence > listBefore.sequence)
  const report = await verify(credential)
  assert.is(report.verified, false)
  assert.is(statusCheck(report).code, 'COFL_ERR_STATUS_REVOKED')
  assert.is((await ok('GET', `/api/credentials/${encodeURIComponent(credential.id)}`)).revoked, true)
  const twice = await ok('POST', '/api/credentials/revoke', { credentialId: credential.id })
  assert.is(twice.changed, false)
  const cannot = await call('POST', '/api/credentials/suspend', { body: { credentialId: credential.id } })
  assert.is(cannot.status, 409)
  assert.is(cannot.body.error.code, 'COFL_ERR_CONFLICT')
  assert.is((await call('POST', '/api/credentials/revoke', { body: { credentialId: 'urn:uuid:none' } })).status, 404)
})

test('suspend and unsuspend a credential issued with statusPurpose suspension', async () => {
  const { credential: suspendable } = await ok('POST', '/api/credentials', { achievementId: second.id, subject: learner.did, statusPurpose: 'suspension' }, 201)
  assert.is(suspendable.credentialStatus.statusPurpose, 'suspension')
  assert.is((await verify(suspendable)).verified, true)
  assert.is((await ok('POST', '/api/credentials/suspend', { credentialId: suspendable.id, now: true })).changed, true)
  const suspended = await verify(suspendable)
  assert.is(suspended.verified, false)
  assert.is(statusCheck(suspended).code, 'COFL_ERR_STATUS_SUSPENDED')
  assert.is((await ok('POST', '/api/credentials/unsuspend', { credentialId: suspendable.id, now: true })).changed, true)
  assert.is((await verify(suspendable)).verified, true)
  assert.is((await call('POST', '/api/credentials/revoke', { body: { credentialId: suspendable.id } })).status, 409)
})

test('verify a presentation with the challenge and domain; a wrong challenge fails', async () => {
  const { credential: mine } = await ok('POST', '/api/credentials', { achievementId: first.id, subject: learner.did }, 201)
  const vp = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [mine] }), { key: learner, challenge: 'c-123', domain: 'employer.example' })
  const good = await ok('POST', '/api/verify', { verifiablePresentation: vp, challenge: 'c-123', domain: 'employer.example' })
  assert.is(good.verified, true, JSON.stringify(good.checks))
  assert.is(good.kind, 'presentation')
  const bad = await ok('POST', '/api/verify', { verifiablePresentation: vp, challenge: 'c-999', domain: 'employer.example' })
  assert.is(bad.verified, false)
  // verifying is public
  assert.is((await call('POST', '/api/verify', { body: { verifiableCredential: mine }, token: null })).status, 200)
  // a credential that is no credential: a report, not an error
  const junk = await ok('POST', '/api/verify', { verifiableCredential: { hello: 'world' } })
  assert.is(junk.verified, false)
})

test('endorse an issuer: a signed EndorsementCredential, stored and published; only a DID that published its issuer Profile', async () => {
  const signal = AbortSignal.timeout(30_000)
  // A DID without an issuer Profile here (a learner's, say) is refused, and nothing is published.
  const refused = await call('POST', '/api/endorsements', { body: { issuer: learner.did, comment: 'Ada, who finished the course' } })
  assert.is(refused.status, 404, JSON.stringify(refused.body))
  assert.is(refused.body.error.code, 'COFL_ERR_NOT_FOUND')
  assert.match(refused.body.error.message, /holds no issuer Profile of did:key:/)
  assert.match(refused.body.error.message, /public/)
  const peer = await issuerWithProfile(node.info().multiaddrs)
  try {
    await endorseFlow(peer.key, signal)
  } finally {
    await stopAll([peer])
  }
})

async function endorseFlow (other: KeyPair, signal: AbortSignal): Promise<void> {
  const endorsed = await endorseWhenHeld(node, { issuer: other.did, comment: 'A trusted learning provider of our city' }, signal)
  assert.equal(Object.keys(endorsed).sort(), ['cid', 'endorsement', 'id'])
  assert.ok(endorsed.endorsement.type.includes('EndorsementCredential'))
  assert.is(endorsed.endorsement.issuer.id, node.did)
  assert.is(endorsed.endorsement.credentialSubject.id, other.did)
  const schema = validateSchema('EndorsementCredential', endorsed.endorsement)
  assert.ok(schema.valid, schema.errors.join('; '))
  assert.is((await verify(endorsed.endorsement)).verified, true)
  assert.is((await call('POST', '/api/endorsements', { body: { issuer: node.did } })).status, 409)
}

test('bad HTTP input: the right 4xx with a code, and the node keeps serving after each', async () => {
  const big = JSON.stringify({ verifiableCredential: { padding: 'x'.repeat(node.config.limits.bodyBytes + 10) } })
  const cases: Array<[string, () => Promise<Answer>, number, string]> = [
    ['malformed JSON', async () => await call('POST', '/api/credentials', { raw: '{"achievementId": ' }), 400, 'COFL_ERR_BAD_JSON'],
    ['empty JSON body', async () => await call('POST', '/api/verify', { raw: '', type: 'application/json' }), 400, 'COFL_ERR_BAD_JSON'],
    ['a JSON array', async () => await call('POST', '/api/verify', { body: [1, 2] }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['wrong type', async () => await call('POST', '/api/credentials', { body: { achievementId: 42, subject: learner.did } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['subject not a DID', async () => await call('POST', '/api/credentials', { body: { achievementId: first.id, subject: 'alice@example.org' } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['missing field', async () => await call('POST', '/api/credentials', { body: { achievementId: first.id } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['unknown field', async () => await call('POST', '/api/credentials/revoke', { body: { credentialId: 'x', also: 1 } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['bad status purpose', async () => await call('POST', '/api/credentials', { body: { achievementId: first.id, subject: learner.did, statusPurpose: 'expiry' } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['achievement without name', async () => await call('POST', '/api/achievements', { body: { description: 'x', criteria: 'y' } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['achievement with a proof', async () => await call('POST', '/api/achievements', { body: { name: 'x', description: 'x', criteria: 'y', proof: {} } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['achievement with an undefined term', async () => await call('POST', '/api/achievements', { body: { name: 'x', description: 'x', criteria: 'y', favouriteColour: 'blue' } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['verify with both', async () => await call('POST', '/api/verify', { body: { verifiableCredential: {}, verifiablePresentation: {} } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['verify with neither', async () => await call('POST', '/api/verify', { body: {} }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['domain without challenge', async () => await call('POST', '/api/verify', { body: { verifiablePresentation: {}, domain: 'x' } }), 400, 'COFL_ERR_BAD_REQUEST'],
    ['bad limit', async () => await call('GET', '/api/achievements?limit=0'), 400, 'COFL_ERR_BAD_REQUEST'],
    ['unknown query parameter', async () => await call('GET', '/api/achievements?colour=blue'), 400, 'COFL_ERR_BAD_REQUEST'],
    ['prototype poisoning', async () => await call('POST', '/api/verify', { raw: '{"verifiableCredential": {"__proto__": {"x": 1}}}' }), 400, 'COFL_ERR_BAD_JSON'],
    ['huge body', async () => await call('POST', '/api/verify', { raw: big }), 413, 'COFL_ERR_BODY_TOO_LARGE'],
    ['huge body, admin route', async () => await call('POST', '/api/achievements', { raw: big }), 413, 'COFL_ERR_BODY_TOO_LARGE'],
    ['id too long', async () => await call('GET', `/api/achievements/${'a'.repeat(5000)}`), 414, 'COFL_ERR_URI_TOO_LONG'],
    ['bad %-escape', async () => await call('GET', '/api/achievements/%E0%A4%A'), 400, 'COFL_ERR_BAD_REQUEST'],
    ['unknown route', async () => await call('GET', '/api/nothing-here'), 404, 'COFL_ERR_NOT_FOUND'],
    ['unknown method', async () => await call('DELETE', '/api/achievements'), 404, 'COFL_ERR_NOT_FOUND'],
    ['outside /api', async () => await call('GET', '/../../etc/passwd'), 404, 'COFL_ERR_NOT_FOUND'],
    ['text/plain', async () => await call('POST', '/api/verify', { raw: '{"verifiableCredential": {}}', type: 'text/plain' }), 415, 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['form data', async () => await call('POST', '/api/credentials', { raw: 'achievementId=x&subject=y', type: 'application/x-www-form-urlencoded' }), 415, 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['missing token', async () => await call('POST', '/api/credentials', { body: { achievementId: first.id, subject: learner.did }, token: null }), 401, 'COFL_ERR_UNAUTHORIZED'],
    ['missing token, list', async () => await call('GET', '/api/credentials', { token: null }), 401, 'COFL_ERR_UNAUTHORIZED'],
    ['not a bearer token', async () => await call('POST', '/api/endorsements', { body: { issuer: learner.did }, authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, 'COFL_ERR_UNAUTHORIZED'],
    ['wrong token', async () => await call('POST', '/api/credentials', { body: { achievementId: first.id, subject: learner.did }, token: 'x'.repeat(43) }), 403, 'COFL_ERR_FORBIDDEN'],
    ['wrong token, short', async () => await call('POST', '/api/credentials/revoke', { body: { credentialId: credential.id }, token: 'nope' }), 403, 'COFL_ERR_FORBIDDEN'],
    ['wrong token before a bad body', async () => await call('POST', '/api/achievements', { raw: '{bad', token: 'nope' }), 403, 'COFL_ERR_FORBIDDEN']
  ]
  for (const [name, request, status, code] of cases) {
    const answer = await request()
    assert.is(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`)
    assert.is(answer.body?.error?.code, code, `${name}: ${JSON.stringify(answer.body)}`)
    assert.is(typeof answer.body.error.message, 'string', name)
    assert.is((await call('GET', '/api/health', { token: null })).status, 200, `the node stopped serving after: ${name}`)
  }
  // a bad request changed nothing: still the same credentials in the log
  assert.is((await ok('GET', '/api/credentials')).credentials.length, 3)
})

test('publicBaseUrl: status list ids are https URLs, served under /api/status/<url-encoded urn>', async () => {
  const other = createCityNode({ config: { data: join(dir, 'bristol'), publicBaseUrl: 'https://badges.bristol.example/' } })
  await other.start()
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${other.adminToken}` }
    const post = async (path: string, body: unknown): Promise<Json> => await (await fetch(`${other.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).json() as Json
    const { id } = await post('/api/achievements', { name: 'Harbour Safety', description: 'Safety on the water', criteria: 'A day on the harbour' })
    const { credential: issued } = await post('/api/credentials', { achievementId: id, subject: learner.did })
    const listId: string = issued.credentialStatus.statusListCredential
    const prefix = 'https://badges.bristol.example/api/status/'
    assert.ok(listId.startsWith(prefix), listId)
    const path = new URL(listId).pathname
    const served = await fetch(`${other.url}${path}`)
    assert.is(served.status, 200)
    assert.is(((await served.json()) as Json).id, listId)
    assert.is(decodeURIComponent(listId.slice(prefix.length)), `urn:cofl:status:${other.did}:revocation:0`)
    // also under its whole URL-encoded id
    const byId = await fetch(`${other.url}/api/status/${encodeURIComponent(listId)}`)
    assert.is(byId.status, 200)
    const report = await (await fetch(`${other.url}/api/verify`, { method: 'POST', headers, body: JSON.stringify({ verifiableCredential: issued }) })).json() as Json
    assert.is(report.verified, true, JSON.stringify(report.checks))
  } finally {
    await other.stop()
  }
  // the ids are fixed by the first start: another publicBaseUrl is refused
  const moved = createCityNode({ config: { data: join(dir, 'bristol'), publicBaseUrl: 'https://elsewhere.example' } })
  const refused = await moved.start().then(() => undefined, (err: unknown) => err)
  await moved.stop()
  assert.ok(refused != null, 'started with another publicBaseUrl')
  assert.is((refused as { code?: string }).code, 'COFL_ERR_CONFIG')
  assert.match((refused as Error).message, /publicBaseUrl/)
})

test('the CLI on a running node: achievement create, credential issue / revoke, verify --node, endorse', async () => {
  const data = join(dir, 'city')
  await writeFile(join(dir, 'fields.json'), JSON.stringify({ name: 'Museum Explorer', description: 'Five visits to the city museum', criteria: 'Visit five times' }))
  const created = await cli('achievement', 'create', join(dir, 'fields.json'), '--data', data)
  assert.is(created.code, 0, created.stderr)
  const { id } = JSON.parse(created.stdout)
  const listed = await cli('achievement', 'list', '--q', 'museum', '--data', data)
  assert.equal(JSON.parse(listed.stdout).achievements.map((a: Json) => a.id), [id])
  const issued = await cli('credential', 'issue', '--achievement', id, '--subject', learner.did, '--data', data)
  assert.is(issued.code, 0, issued.stderr)
  const vc = JSON.parse(issued.stdout)
  await writeFile(join(dir, 'vc.json'), issued.stdout)
  const valid = await cli('verify', '--node', node.url, join(dir, 'vc.json'), '--json')
  assert.is(valid.code, 0, valid.stdout)
  assert.is(JSON.parse(valid.stdout).verified, true)
  const shown = await cli('credential', 'show', vc.id, '--node', node.url, '--token-file', join(data, 'admin-token'))
  assert.is(JSON.parse(shown.stdout).credentialId, vc.id)
  const revoked = await cli('credential', 'revoke', vc.id, '--now', '--data', data)
  assert.is(revoked.code, 0, revoked.stderr)
  assert.match(revoked.stdout, /^revoked: .*; published /)
  const invalid = await cli('verify', '--data', data, join(dir, 'vc.json'))
  assert.is(invalid.code, 1)
  assert.match(invalid.stdout, /revoked by its issuer/)
  const refused = await cli('credential', 'suspend', vc.id, '--data', data)
  assert.is(refused.code, 2)
  assert.match(refused.stderr, /^cofl: the node refused: .*\(COFL_ERR_CONFLICT, HTTP 409\)\n$/)
  const peer = await issuerWithProfile(node.info().multiaddrs)
  try {
    const other = peer.key
    let endorsed = await cli('endorse', other.did, '--comment', 'Our museum', '--data', data)
    // Until the museum's Profile arrives, the node refuses (404): an endorsement is of issuers only.
    const until = Date.now() + 20_000
    while (endorsed.code !== 0 && /COFL_ERR_NOT_FOUND/.test(endorsed.stderr) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      endorsed = await cli('endorse', other.did, '--comment', 'Our museum', '--data', data)
    }
    assert.is(endorsed.code, 0, endorsed.stderr)
    assert.is(JSON.parse(endorsed.stdout).endorsement.credentialSubject.id, other.did)
  } finally {
    await stopAll([peer])
  }
  await writeFile(join(dir, 'wrong-token'), 'not-the-token\n')
  const wrong = await cli('credential', 'revoke', vc.id, '--node', node.url, '--token-file', join(dir, 'wrong-token'))
  assert.is(wrong.code, 2)
  assert.match(wrong.stderr, /COFL_ERR_FORBIDDEN/)
  const nowhere = await cli('credential', 'revoke', vc.id, '--data', join(dir, 'no-node'))
  assert.is(nowhere.code, 2)
  assert.match(nowhere.stderr, /no node is running on/)
  const tokenless = await cli('credential', 'revoke', vc.id, '--node', node.url)
  assert.is(tokenless.code, 2)
  assert.match(tokenless.stderr, /--token-file/)
  assert.is((await cli('credential', 'issue', '--help')).code, 0)
  assert.is((await cli('node', 'start', '--help')).code, 0)
})

test('stop: node.json removed, the data kept for the next start', async () => {
  await node.stop()
  assert.not.ok(existsSync(join(dir, 'city', 'node.json')))
  node = createCityNode({ config: { data: join(dir, 'city') } })
  await node.start()
  assert.is((await ok('GET', '/api/achievements')).achievements.length, 3)
  assert.is((await ok('GET', '/api/credentials')).credentials.length, 4)
  assert.is((await verify(credential)).verified, false) // still revoked
})

test.run()
