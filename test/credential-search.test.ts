// GET /api/credentials/search on a city node started in this process (no federation): refused
// without the admin token; newest first; learners' names and emails (sealed in their offers)
// found by the node, by name, email, achievement name and DID, accents and case aside; narrowed
// by status; paged by offset; bad queries refused with their reason.
import { join } from 'node:path'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { nodeApi, tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

let dir: TempDir
let node: CityNode
const learners: KeyPair[] = []
const ids: Record<string, string> = {}
/** Just over a second: the next credential's issuedAt is a later second. */
const NEXT_SECOND = 1050

async function call (method: string, path: string, body?: unknown, token: string | null = node.adminToken): Promise<{ status: number, body: Json }> {
  return await nodeApi(token != null ? { url: node.url, token } : { url: node.url }, method, path, body)
}

async function ok (method: string, path: string, body?: unknown): Promise<Json> {
  const answer = await call(method, path, body)
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body
}

/** Offers `achievementId` to a named learner, who claims it with `key`; the credential id. */
async function offerAndClaim (achievementId: string, name: string, email: string, key: KeyPair): Promise<string> {
  const offer = await ok('POST', '/api/offers', { achievementId, name, email })
  const open = await call('GET', `/api/claims/${offer.code as string}`, undefined, null)
  const vp = await signPresentation(buildPresentation({ holder: key.did, verifiableCredential: [] }), { key, challenge: open.body.challenge, domain: open.body.domain })
  const claimed = await call('POST', `/api/claims/${offer.code as string}`, { presentation: vp }, null)
  assert.is(claimed.status, 201, JSON.stringify(claimed.body))
  return claimed.body.credential.id
}

const search = async (query: string): Promise<Json> => await ok('GET', `/api/credentials/search${query}`)
const names = (answer: Json): string[] => answer.credentials.map((c: Json) => c.learner?.name ?? c.subject)

test.before(async () => {
  dir = await tempDir('cofl-credential-search-')
  for (let i = 0; i < 3; i++) learners.push(await generateKeyPair())
  node = createCityNode({ config: { data: join(dir.path, 'city'), name: 'Search City' }, federation: false })
  await node.start()
  const kayak = (await ok('POST', '/api/achievements', { name: 'Harbour Kayak Safety', description: 'A day on the water', criteria: 'Paddle' })).id
  const code = (await ok('POST', '/api/achievements', { name: 'Coding Club', description: 'A web page', criteria: 'Publish it' })).id
  ids.ana = await offerAndClaim(kayak, 'Ana Bérard', 'ana@learners.example', learners[0] as KeyPair)
  // A credential's issuedAt is to the second: one second apart, so that "newest first" is seen.
  await sleep(NEXT_SECOND)
  ids.ben = await offerAndClaim(code, 'Ben Okafor', 'ben@learners.example', learners[1] as KeyPair)
  await sleep(NEXT_SECOND)
  // Issued without an offer: the node knows the DID only.
  ids.direct = (await ok('POST', '/api/credentials', { achievementId: kayak, subject: (learners[2] as KeyPair).did })).credential.id
})

test.after(async () => {
  await node?.stop()
  await dir?.remove()
})

test('refused without the admin token, and with a wrong one', async () => {
  const none = await call('GET', '/api/credentials/search?q=ana', undefined, null)
  assert.is(none.status, 401)
  assert.is(none.body.error.code, 'COFL_ERR_UNAUTHORIZED')
  assert.not.ok(JSON.stringify(none.body).includes('Bérard'))
  const wrong = await call('GET', '/api/credentials/search?q=ana', undefined, 'not-the-token')
  assert.is(wrong.status, 403)
  assert.not.ok(JSON.stringify(wrong.body).includes('Bérard'))
})

test('newest first, with the learner\'s name and email where the node holds them', async () => {
  const all = await search('')
  assert.is(all.total, 3)
  assert.is(all.next, null)
  assert.equal(all.credentials.map((c: Json) => c.credentialId), [ids.direct, ids.ben, ids.ana])
  const ana = all.credentials[2]
  assert.equal(ana.learner, { name: 'Ana Bérard', email: 'ana@learners.example' })
  assert.is(ana.achievementName, 'Harbour Kayak Safety')
  assert.is(ana.status, 'active')
  assert.is(ana.statusPurpose, 'revocation')
  assert.is(all.credentials[0].learner, undefined)
  assert.is(all.credentials[0].subject, (learners[2] as KeyPair).did)
  assert.not.ok('credential' in ana, 'the list carries no whole credential')
})

test('searched on the node by name, email, achievement and DID; case and accents aside', async () => {
  assert.equal(names(await search('?q=berard')), ['Ana Bérard'])
  assert.equal(names(await search('?q=ANA')), ['Ana Bérard'])
  assert.equal(names(await search('?q=ben%40learners')), ['Ben Okafor'])
  assert.equal(names(await search('?q=kayak')), [(learners[2] as KeyPair).did, 'Ana Bérard'])
  assert.equal(names(await search('?q=kayak%20ana')), ['Ana Bérard'], 'every word must match')
  assert.equal(names(await search(`?q=${encodeURIComponent((learners[1] as KeyPair).did)}`)), ['Ben Okafor'])
  assert.is((await search('?q=nobody')).total, 0)
})

test('narrowed by status after a suspension and a revocation; paged by offset', async () => {
  await sleep(NEXT_SECOND)
  const suspendable = (await ok('POST', '/api/credentials', { achievementId: (await search('?q=coding')).credentials[0].achievementId, subject: (learners[0] as KeyPair).did, statusPurpose: 'suspension' })).credential.id
  await ok('POST', '/api/credentials/suspend', { credentialId: suspendable })
  await ok('POST', '/api/credentials/revoke', { credentialId: ids.ben })
  assert.equal((await search('?status=suspended')).credentials.map((c: Json) => c.credentialId), [suspendable])
  assert.equal((await search('?status=revoked')).credentials.map((c: Json) => c.credentialId), [ids.ben])
  // The suspended one goes to Ana's DID: a badge of her DID is hers (as a pathway badge would be).
  assert.equal((await search('?status=suspended')).credentials[0].learner?.name, 'Ana Bérard')
  const first = await search('?limit=2')
  assert.is(first.total, 4)
  assert.is(first.next, 2)
  const second = await search('?limit=2&offset=2')
  assert.is(second.next, null)
  assert.equal([...first.credentials, ...second.credentials].map((c: Json) => c.credentialId), [suspendable, ids.direct, ids.ben, ids.ana])
})

test('bad queries are refused with their reason', async () => {
  for (const [query, pattern] of [['?offset=-1', /offset/], ['?status=lost', /status/], ['?limit=0', /limit/], [`?q=${'x'.repeat(201)}`, /q/], ['?other=1', /additional/]] as const) {
    const answer = await call('GET', `/api/credentials/search${query}`)
    assert.is(answer.status, 400, query)
    assert.is(answer.body.error.code, 'COFL_ERR_BAD_REQUEST', query)
    assert.match(answer.body.error.message, pattern, query)
  }
})

test.run()
