// The learner's grants (node/src/http/ob3/grants.ts) over a store in memory, with the records the
// authorisation server writes: grants made before the learner index existed are listed (indexed
// once from their live refresh tokens); an index entry whose grant is gone is dropped; a grant whose
// refresh token expired is not listed; a challenge expires, and works once.
import { CREDENTIALS_V2_CONTEXT, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { createMemoryStore } from '@cofl/store'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { OAUTH_COLLECTION } from '../src/app/collections.js'
import { ApiError } from '../src/app/errors.js'
import { createGrantBook } from '../src/http/ob3/grants.js'
import { OAUTH_KEYS } from '../src/http/ob3/oauth.js'

const DOMAIN = 'badges.example'
const DAY = 24 * 3600_000

async function proof (book: ReturnType<typeof createGrantBook>, key: KeyPair): Promise<unknown> {
  const { challenge, domain } = await book.challenge(DOMAIN)
  return await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: key.did }, { key, challenge, domain })
}

async function refused (promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  assert.instance(err, ApiError)
  assert.is((err as ApiError).code, code)
  assert.match((err as Error).message, message)
}

test('older grants are indexed once from their refresh tokens; gone and expired grants are not listed', async () => {
  const store = createMemoryStore()
  const oauth = store.collection<Record<string, unknown>>(OAUTH_COLLECTION)
  let t = Date.parse('2026-03-01T12:00:00Z')
  const book = createGrantBook({ oauth, batch: () => store.batch(), now: () => t })
  const ana = await generateKeyPair()
  const put = async (key: string, value: Record<string, unknown>): Promise<void> => { await oauth.put(key, value) }
  await put(OAUTH_KEYS.client('c1'), { client_id: 'c1', metadata: { client_name: 'Passport', client_uri: 'https://passport.example/' } })
  // A grant from before the index: a grant record and its refresh tokens (one rotated), no index entry.
  await put(OAUTH_KEYS.grant('g-old'), { clientId: 'c1', learner: ana.did, scope: ['s1'], createdAt: t - 10 * DAY })
  await put(OAUTH_KEYS.refresh('r-rotated'), { grantId: 'g-old', clientId: 'c1', learner: ana.did, scope: ['s1'], expiresAt: t + 5 * DAY, rotated: true })
  await put(OAUTH_KEYS.refresh('r-live'), { grantId: 'g-old', clientId: 'c1', learner: ana.did, scope: ['s1'], expiresAt: t + 20 * DAY })
  // An index entry whose grant was revoked, and a grant whose refresh token expired.
  await put(OAUTH_KEYS.learnerGrant(ana.did, 'g-revoked'), { grantId: 'g-revoked', expiresAt: t + DAY })
  await put(OAUTH_KEYS.grant('g-expired'), { clientId: 'c1', learner: ana.did, scope: ['s1'], createdAt: t - 40 * DAY })
  await put(OAUTH_KEYS.learnerGrant(ana.did, 'g-expired'), { grantId: 'g-expired', expiresAt: t - DAY })

  const { did, grants } = await book.list(await proof(book, ana))
  assert.is(did, ana.did)
  assert.equal(grants, [{
    grantId: 'g-old', clientId: 'c1', clientName: 'Passport', clientUri: 'https://passport.example/', scope: ['s1'],
    createdAt: new Date(t - 10 * DAY).toISOString(), expiresAt: new Date(t + 20 * DAY).toISOString()
  }])
  assert.not.ok(await oauth.has(OAUTH_KEYS.learnerGrant(ana.did, 'g-revoked')), 'a stale entry is dropped')

  // The scan runs once per store (a mark in the oauth collection): later grants are indexed as their tokens
  // are written (node/src/http/ob3/oauth.ts), never by another scan.
  await put(OAUTH_KEYS.grant('g-unindexed'), { clientId: 'c1', learner: ana.did, scope: ['s1'], createdAt: t })
  await put(OAUTH_KEYS.refresh('r-unindexed'), { grantId: 'g-unindexed', clientId: 'c1', learner: ana.did, scope: ['s1'], expiresAt: t + DAY })
  const again = createGrantBook({ oauth, batch: () => store.batch(), now: () => t })
  assert.equal((await again.list(await proof(again, ana))).grants.map((g) => g.grantId), ['g-old'])

  // A challenge expires after 10 minutes; each works once; one of another use is refused.
  const late = await proof(book, ana)
  t += 11 * 60_000
  await refused(book.list(late), 'COFL_ERR_GRANTS_PROOF', /expired/)
  await refused(book.list(late), 'COFL_ERR_GRANTS_PROOF', /used already/)
  const claimVp = await signPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], holder: ana.did }, { key: ana, challenge: 'cofl-claim:abc', domain: DOMAIN })
  await refused(book.list(claimVp), 'COFL_ERR_GRANTS_PROOF', /claiming a badge/)
  await refused(book.list({ type: ['VerifiablePresentation'] }), 'COFL_ERR_GRANTS_PROOF', /not signed over a challenge/)

  // Revoked by its learner only; then gone from the list, and its tokens' grant record is gone.
  const ben = await generateKeyPair()
  await refused(book.revoke(await proof(book, ben), 'g-old'), 'COFL_ERR_NOT_FOUND', /no live grant g-old/)
  assert.ok(await oauth.has(OAUTH_KEYS.grant('g-old')))
  assert.equal(await book.revoke(await proof(book, ana), 'g-old'), { did: ana.did, revoked: 'g-old' })
  assert.not.ok(await oauth.has(OAUTH_KEYS.grant('g-old')))
  assert.equal((await book.list(await proof(book, ana))).grants, [])
})

test.run()
