// Learners' data at rest (issue 15): the data key (AES-256-GCM with the record id as associated
// data, a keyed hash for lookups, sealed with COFL_PASSPHRASE like the issuer key); offers whose
// names, emails and claimant DIDs are sealed and whose email index holds keyed hashes; the migration
// of clear offers of an older node at start; the retention sweep (at start and periodically, with a
// clock the test moves); a learner's request to be forgotten on a city service in this process
// (offers, issuance log, OB 3.0 records), what it keeps for revocation and the figures; the config
// key retention.offerContactDays; and the data directory's modes (0700 / 0600) on a node started here.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore, openLevelStore } from '@cofl/store'
import type { IssuanceRecord, Store } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CITY_STORE_SCHEMAS, ISSUANCE_BY_SUBJECT_COLLECTION, ISSUANCE_COLLECTION, OAUTH_COLLECTION, OFFERS_COLLECTION } from '../src/app/collections.js'
import { dataKeyFrom, DATA_KEY_FILE, enforcePrivateModes, openDataKey } from '../src/app/datadir.js'
import { createLearners, ERASED_SUBJECT_PREFIX } from '../src/app/forget.js'
import type { Learners } from '../src/app/forget.js'
import { localNetwork } from '../src/app/network.js'
import { createOfferBook } from '../src/app/offers.js'
import type { OfferBook } from '../src/app/offers.js'
import { createCityService } from '../src/app/service.js'
import type { CityService } from '../src/app/service.js'
import { ConfigError, createCityNode, loadConfig } from '../src/index.js'

type Json = Record<string, any>

const DOMAIN = 'city.test'
const DAY = 86_400_000
const NAME = 'Philippa Quernmore-Sealed'
const EMAIL = 'Philippa.Sealed@learners.example'

let root = ''
const registries: StatusRegistry[] = []
const books: OfferBook[] = []

test.before(async () => { root = await mkdtemp(join(tmpdir(), 'cofl-learner-data-')) })
test.after(async () => {
  for (const book of books) await book.stop()
  for (const registry of registries) await registry.close()
  await rm(root, { recursive: true, force: true })
})

interface City {
  store: Store
  service: CityService
  book: OfferBook
  learners: Learners
  clock: { now: number }
  achievement: (name: string) => Promise<string>
  offer: (achievementId: string, fields?: { name?: string, email?: string, ttlHours?: number }) => Promise<{ offerId: string, code: string }>
  claim: (code: string, learner: KeyPair) => Promise<Json>
  /** Every key and value of every collection the node keeps learners' data in, as text. */
  dump: () => Promise<string>
}

let cities = 0

/** A city service over a memory store (or `store`), with an offer book on a clock the test moves. */
async function newCity (options: { contactDays?: number, sweepEveryMs?: number, store?: Store } = {}): Promise<City> {
  const key = await generateKeyPair()
  const store = options.store ?? createMemoryStore({ schemas: CITY_STORE_SCHEMAS })
  const registry = await openStatusRegistry({ directory: join(root, `status-${cities++}`), issuer: key.did })
  registries.push(registry)
  const network = localNetwork({ key, store, directory: join(root, 'unused'), listen: [], bootstrap: [], trustRoots: [] })
  const service = createCityService({ key, name: 'Sealed City', store, registry, network, log: () => {} })
  await service.prepare()
  const clock = { now: Date.now() }
  const book = createOfferBook({ service, now: () => clock.now, dataKey: dataKeyFrom(Buffer.alloc(32, 7)), ...options })
  books.push(book)
  let count = 0
  const city: City = {
    store,
    service,
    book,
    learners: createLearners({ store, offers: book, now: () => clock.now, withCredential: service.withCredential }),
    clock,
    achievement: async (name) => (await service.createAchievement({ id: `urn:example:achievement:${++count}`, name, description: `The ${name} badge`, criteria: `Earn ${name}` })).id,
    offer: async (achievementId, fields = {}) => {
      const created = await book.create({ achievementId, ...fields }, `https://${DOMAIN}`)
      return { offerId: created.offerId, code: created.code }
    },
    claim: async (code, learner) => {
      const info = await book.open(code, DOMAIN)
      const vp = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [] }), { key: learner, challenge: info.challenge, domain: info.domain })
      return await book.claim(code, vp) as Json
    },
    dump: async () => {
      const out: unknown[] = []
      for (const name of [OFFERS_COLLECTION, ISSUANCE_COLLECTION, ISSUANCE_BY_SUBJECT_COLLECTION, OAUTH_COLLECTION, 'meta']) {
        for await (const entry of store.collection(name).entries()) out.push(entry)
      }
      return JSON.stringify(out)
    }
  }
  return city
}

async function rejects (promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await promise
  } catch (err) {
    assert.is((err as { code?: string }).code, code, (err as Error).message)
    if (message != null) assert.match((err as Error).message, message)
    return
  }
  assert.unreachable(`expected ${code}`)
}

test('the data key: authenticated encryption bound to the record id, a fresh nonce each time, a keyed hash', () => {
  const key = dataKeyFrom(Buffer.alloc(32, 1))
  const sealed = key.seal('{"email":"a@b.example"}', 'offer-1')
  assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/)
  assert.not.ok(sealed.includes('a@b.example'))
  assert.is(key.open(sealed, 'offer-1'), '{"email":"a@b.example"}')
  assert.is.not(key.seal('{"email":"a@b.example"}', 'offer-1'), sealed, 'a random nonce per record')
  // moved to another record, altered, or another key: refused
  assert.throws(() => key.open(sealed, 'offer-2'), /does not open/)
  const bytes = Buffer.from(sealed.slice(3), 'base64url')
  bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 1
  assert.throws(() => key.open(`v1.${bytes.toString('base64url')}`, 'offer-1'), /does not open/)
  assert.throws(() => dataKeyFrom(Buffer.alloc(32, 2)).open(sealed, 'offer-1'), /does not open/)
  // the hash: stable under one key, different under another, never the text
  assert.is(key.hash('a@b.example'), key.hash('a@b.example'))
  assert.match(key.hash('a@b.example'), /^[0-9a-f]{64}$/)
  assert.is.not(dataKeyFrom(Buffer.alloc(32, 2)).hash('a@b.example'), key.hash('a@b.example'))
})

test('DIR/data.key: created at first start (0600), sealed with the passphrase like the issuer key, the same key when opened again', async () => {
  const clear = join(root, 'key-clear')
  await mkdir(clear)
  const first = await openDataKey(clear, {})
  assert.ok(first.created)
  assert.is((await stat(join(clear, DATA_KEY_FILE))).mode & 0o777, 0o600)
  const again = await openDataKey(clear, {})
  assert.not.ok(again.created)
  assert.is(again.key.hash('x'), first.key.hash('x'))
  assert.is(again.key.open(first.key.seal('text', 'id'), 'id'), 'text')

  const sealed = join(root, 'key-sealed')
  await mkdir(sealed)
  const made = await openDataKey(sealed, { passphrase: 'correct horse' })
  const file = JSON.parse(await readFile(join(sealed, DATA_KEY_FILE), 'utf8'))
  assert.is(file.secret.encryption, 'scrypt-aes-256-gcm')
  assert.not.ok('secretKeyMultibase' in file.secret)
  assert.is((await openDataKey(sealed, { passphrase: 'correct horse' })).key.hash('x'), made.key.hash('x'))
  await rejects(openDataKey(sealed, {}), 'COFL_ERR_INPUT', /data key .* is encrypted: set COFL_PASSPHRASE/)
  await rejects(openDataKey(sealed, { passphrase: 'wrong' }), 'COFL_ERR_KEY_PASSPHRASE')
})

test('offers at rest: name, email and the claimant DID sealed, the email index a keyed hash; the book shows them; a second live offer to the same email is refused', async () => {
  const city = await newCity()
  const a = await city.achievement('Sealing')
  const learner = await generateKeyPair()
  const offer = await city.offer(a, { name: NAME, email: EMAIL })
  const before = await city.dump()
  for (const secret of [NAME, EMAIL, EMAIL.toLowerCase(), 'Quernmore']) assert.not.ok(before.includes(secret), `${secret} in clear in the store`)
  const stored = await city.store.collection<Json>(OFFERS_COLLECTION).get(`offer:${offer.offerId}`) as Json
  assert.match(stored.contact, /^v1\./)
  assert.match(stored.emailHash, /^[0-9a-f]{64}$/)
  const indexKeys: string[] = []
  for await (const [k] of city.store.collection(OFFERS_COLLECTION).entries({ prefix: 'emailhash:' })) indexKeys.push(k)
  assert.equal(indexKeys, [`emailhash:${stored.emailHash as string}!${a}`])
  const shown = await city.book.get(offer.offerId)
  assert.is(shown?.name, NAME)
  assert.is(shown?.email, EMAIL)
  // the index finds the email in any case
  await rejects(city.book.create({ achievementId: a, email: EMAIL.toUpperCase() }, `https://${DOMAIN}`), 'COFL_ERR_CONFLICT', /live offer/)

  await city.claim(offer.code, learner)
  const after = await city.store.collection<Json>(OFFERS_COLLECTION).get(`offer:${offer.offerId}`) as Json
  assert.not.ok(JSON.stringify(after).includes(learner.did), 'the claimant DID is sealed in the offer')
  assert.is((await city.book.find((o) => o.offerId === offer.offerId))[0]?.subject, learner.did)
})

test('a data directory of an older node, offers in clear: sealed and re-indexed at start, still shown, claimable and deduplicated', async () => {
  const dir = join(root, 'migrate')
  let node = createCityNode({ config: { data: dir }, federation: false, signingWorkers: 0 })
  await node.start()
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number, body: Json }> => {
    const response = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${node.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) })
    return { status: response.status, body: await response.json() as Json }
  }
  const achievementId = (await call('POST', '/api/achievements', { name: 'Legacy', description: 'An older offer', criteria: 'Be offered' })).body.id as string
  await node.stop()

  // what a node before the data key wrote: the record in clear, the index keyed by the email
  const { createHash } = await import('node:crypto')
  const code = 'legacy-code-'.padEnd(43, 'x')
  const claimant = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
  const store = await openLevelStore({ directory: join(dir, 'store'), schemas: CITY_STORE_SCHEMAS })
  const offers = store.collection<Json>(OFFERS_COLLECTION)
  const far = new Date(Date.now() + 10 * DAY).toISOString()
  await store.batch()
    .put(offers, 'offer:legacy-open', { offerId: 'legacy-open', codeDigest: createHash('sha256').update(code).digest('hex'), achievementId, name: NAME, email: EMAIL, statusPurpose: 'revocation', createdAt: new Date().toISOString(), expiresAt: far })
    .put(offers, `code:${createHash('sha256').update(code).digest('hex')}`, { offerId: 'legacy-open' })
    .put(offers, `email:${JSON.stringify([achievementId, EMAIL.toLowerCase()])}`, { offerId: 'legacy-open' })
    .put(offers, 'offer:legacy-claimed', { offerId: 'legacy-claimed', codeDigest: 'ab', achievementId, name: 'Other Legacy', email: 'other.legacy@learners.example', statusPurpose: 'revocation', createdAt: new Date().toISOString(), expiresAt: far, claimedAt: new Date().toISOString(), credentialId: 'urn:uuid:legacy', subject: claimant })
    .write()
  await store.close()

  node = createCityNode({ config: { data: dir }, federation: false, signingWorkers: 0 })
  await node.start()
  try {
    const open = (await call('GET', '/api/offers/legacy-open')).body
    assert.is(open.name, NAME)
    assert.is(open.email, EMAIL)
    assert.is((await call('GET', '/api/offers/legacy-claimed')).body.email, 'other.legacy@learners.example')
    // the migrated index still finds the live offer; its code still opens the claim
    const again = await call('POST', '/api/offers', { achievementId, email: EMAIL })
    assert.is(again.status, 409, JSON.stringify(again.body))
    const page = await fetch(`${node.url}/api/claims/${code}`, { signal: AbortSignal.timeout(30_000) })
    assert.is(page.status, 200)
  } finally {
    await node.stop()
  }
  const raw = await openLevelStore({ directory: join(dir, 'store'), schemas: CITY_STORE_SCHEMAS })
  try {
    const all: unknown[] = []
    for await (const entry of raw.collection(OFFERS_COLLECTION).entries()) all.push(entry)
    const text = JSON.stringify(all)
    for (const secret of [NAME, EMAIL, EMAIL.toLowerCase(), 'other.legacy', claimant]) assert.not.ok(text.includes(secret), `${secret} still in clear after the migration`)
    assert.ok(text.includes('"contact":"v1.'))
    assert.not.ok(text.includes('"email:'), 'the clear email index is gone')
  } finally {
    await raw.close()
  }

  // the data key lost (or another one put in its place): the start is refused, and leaves no new key behind
  await rm(join(dir, DATA_KEY_FILE))
  await rejects(createCityNode({ config: { data: dir }, federation: false, signingWorkers: 0 }).start(), 'COFL_ERR_INPUT', /sealed with another data key .*restore the data\.key/)
  await rejects(stat(join(dir, DATA_KEY_FILE)), 'ENOENT')
})

test('retention: names and emails erased contactDays after the claim or the expiry, at start and by the periodic sweep; open offers keep theirs; stop() ends the sweeps', async () => {
  const city = await newCity({ contactDays: 30, sweepEveryMs: 20 })
  const a = await city.achievement('Retention')
  const learner = await generateKeyPair()
  const t0 = city.clock.now
  const claimed = await city.offer(a, { name: 'Claimed Person', email: 'claimed@learners.example', ttlHours: 24 })
  await city.claim(claimed.code, learner)
  const expiring = await city.offer(a, { name: 'Expiring Person', email: 'expiring@learners.example', ttlHours: 24 })
  const open = await city.offer(a, { name: 'Open Person', email: 'open@learners.example', ttlHours: 24 * 60 })
  const contactOf = async (offerId: string): Promise<string | undefined> => (await city.book.get(offerId))?.email

  // 29 days on: nothing due
  city.clock.now = t0 + 29 * DAY
  assert.is(await city.book.sweep(), 0)
  assert.is(await contactOf(claimed.offerId), 'claimed@learners.example')
  // 30 days after the claim: the claimed offer's; the expired one ends a day later
  city.clock.now = t0 + 30 * DAY + 1000
  assert.is(await city.book.sweep(), 1)
  assert.is(await contactOf(claimed.offerId), undefined)
  const view = await city.book.get(claimed.offerId)
  assert.is(view?.state, 'claimed')
  assert.is(view?.name, undefined)
  assert.ok(view?.credentialId != null, 'the credential id stays')
  const stored = await city.store.collection<Json>(OFFERS_COLLECTION).get(`offer:${claimed.offerId}`) as Json
  assert.equal(Object.keys(stored).filter((k) => ['contact', 'emailHash', 'name', 'email', 'subject'].includes(k)), [])
  assert.ok(stored.erasedAt != null)
  assert.is(await contactOf(expiring.offerId), 'expiring@learners.example')

  // the periodic sweep (started by start(), which sweeps once first)
  city.clock.now = t0 + 31 * DAY + 1000
  await city.book.start()
  await waitFor('the sweep to erase the expired offer', async () => await contactOf(expiring.offerId) === undefined, { ms: 10_000 })
  assert.is(await contactOf(open.offerId), 'open@learners.example', 'an open offer keeps its contact')
  // the index entry of an erased offer is gone, the open one's stays
  let entries = 0
  for await (const _ of city.store.collection(OFFERS_COLLECTION).entries({ prefix: 'emailhash:' })) entries++
  assert.is(entries, 1)
  const late = await city.offer(a, { email: 'late@learners.example', ttlHours: 1 })
  city.clock.now += 2 * 3_600_000
  // ten periods of the sweep (20 ms) pass: not due (contactDays is 30)
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.is(await contactOf(late.offerId), 'late@learners.example', 'contactDays is 30: not due')
  city.clock.now += 31 * DAY
  await waitFor('the sweep to erase the late offer', async () => await contactOf(late.offerId) === undefined, { ms: 10_000 })

  await city.book.stop()
  const after = await city.offer(a, { email: 'after.stop@learners.example', ttlHours: 1 })
  city.clock.now += 40 * DAY
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.is(await contactOf(after.offerId), 'after.stop@learners.example', 'no sweep after stop()')
})

test('forget by email: offers, the DID that claimed, its credentials and OB 3.0 records are erased; what revocation and the figures need is kept', async () => {
  const city = await newCity()
  const [a, b] = [await city.achievement('Forget A'), await city.achievement('Forget B')]
  const learner = await generateKeyPair()
  const other = await generateKeyPair()
  const first = await city.offer(a, { name: NAME, email: EMAIL })
  const claimed = await city.claim(first.code, learner)
  const openOffer = await city.offer(b, { name: NAME, email: EMAIL.toLowerCase() })
  // a credential issued straight to the DID (no offer), and the records of the OB 3.0 API
  const direct = await city.service.issue({ achievementId: b, subject: learner.did })
  const oauth = city.store.collection<Json>(OAUTH_COLLECTION)
  await city.store.batch()
    .put(oauth, 'grant!g1', { clientId: 'c1', learner: learner.did, scope: [], createdAt: 1 })
    .put(oauth, 'access!d1', { grantId: 'g1', clientId: 'c1', learner: learner.did, scope: [], expiresAt: Date.now() + DAY })
    .put(oauth, 'refresh!d2', { grantId: 'g1', clientId: 'c1', learner: learner.did, scope: [], expiresAt: Date.now() + DAY })
    .put(oauth, `learner!${learner.did}!g1`, { grantId: 'g1', expiresAt: Date.now() + DAY })
    .put(oauth, `credential!${learner.did}!urn:x`, { id: 'urn:x' })
    .put(oauth, `profile!${learner.did}`, { id: learner.did })
    .put(oauth, 'grant!g2', { clientId: 'c1', learner: other.did, scope: [], createdAt: 1 })
    .write()
  // someone else, who must not be touched
  const kept = await city.offer(a, { name: 'Untouched Person', email: 'untouched@learners.example' })
  await city.claim(kept.code, other)

  const recordsBefore: IssuanceRecord[] = []
  for await (const r of city.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values()) recordsBefore.push(r)
  const learnersBefore = new Set(recordsBefore.map((r) => r.subject)).size
  assert.ok((await city.dump()).includes(learner.did), 'the probe sees the DID before')

  const result = await city.learners.forget({ email: `  ${EMAIL.toUpperCase()} ` })
  assert.equal(result.found, { emails: 1, dids: 1 })
  assert.equal(result.removed.map((r) => r.count), [2, 2, 6])
  assert.ok(result.kept.every((k) => typeof k.why === 'string' && k.why.length > 0))

  const dump = await city.dump()
  for (const secret of [NAME, EMAIL, EMAIL.toLowerCase(), learner.did]) assert.not.ok(dump.includes(secret), `${secret} left after forget`)
  assert.ok(dump.includes(other.did) && dump.includes('grant!g2'), 'the other learner is untouched')
  assert.is((await city.book.get(kept.offerId))?.email, 'untouched@learners.example')

  // the issuance records stay, with what revocation and the analytics need
  const recordsAfter: IssuanceRecord[] = []
  for await (const r of city.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values()) recordsAfter.push(r)
  assert.is(recordsAfter.length, recordsBefore.length)
  assert.is(new Set(recordsAfter.map((r) => r.subject)).size, learnersBefore, 'one stand-in per DID: the count of learners is the same')
  const stripped = recordsAfter.find((r) => r.credentialId === claimed.credential.id) as IssuanceRecord
  assert.ok(stripped.subject.startsWith(ERASED_SUBJECT_PREFIX))
  assert.equal(stripped.credential, {})
  assert.ok(stripped.status != null)
  assert.is(recordsAfter.find((r) => r.credentialId === direct.id)?.subject, stripped.subject)
  // offers: the same number, the same claims, nothing about the learner
  assert.is((await city.book.list({ limit: 100 })).offers.length, 3)
  assert.is((await city.book.get(first.offerId))?.state, 'claimed')
  // the open offer ended: its code no longer gives a claim
  assert.is((await city.book.get(openOffer.offerId))?.state, 'expired')
  await rejects(city.book.open(openOffer.code, DOMAIN), 'COFL_ERR_OFFER_WITHDRAWN')
  // revocation still works, and brings back nothing
  const change = await city.service.changeStatus('revoke', claimed.credential.id as string)
  assert.ok(change.changed)
  assert.not.ok((await city.dump()).includes(learner.did))
  // a second request finds nothing more
  const again = await city.learners.forget({ email: EMAIL })
  assert.equal(again.removed.map((r) => r.count), [0, 0, 0])
})

test('forget by DID: the offers it claimed lead to its email, whose other offers are erased too; bad requests are refused', async () => {
  const city = await newCity()
  const [a, b] = [await city.achievement('Did A'), await city.achievement('Did B')]
  const learner = await generateKeyPair()
  const first = await city.offer(a, { name: NAME, email: EMAIL })
  await city.claim(first.code, learner)
  const second = await city.offer(b, { name: NAME, email: EMAIL })
  const result = await city.learners.forget({ did: learner.did })
  assert.equal(result.found, { emails: 1, dids: 1 })
  assert.is(result.removed[0]?.count, 2)
  assert.is((await city.book.get(second.offerId))?.email, undefined)
  const dump = await city.dump()
  for (const secret of [NAME, learner.did]) assert.not.ok(dump.includes(secret), secret)

  await rejects(city.learners.forget({}), 'COFL_ERR_BAD_REQUEST', /"email" or by "did"/)
  await rejects(city.learners.forget({ email: EMAIL, did: learner.did }), 'COFL_ERR_BAD_REQUEST')
  await rejects(city.learners.forget({ did: 'not-a-did' }), 'COFL_ERR_BAD_REQUEST', /not a DID/)
})

test('forget while the same credentials are revoked: each record ends revoked and without the DID, whichever runs first', async () => {
  const city = await newCity()
  const a = await city.achievement('Race A')
  const learner = await generateKeyPair()
  const ids: string[] = []
  for (let i = 0; i < 6; i++) {
    const offer = await city.offer(a, { name: NAME, email: EMAIL })
    ids.push((await city.claim(offer.code, learner)).credential.id as string)
  }
  await Promise.all([
    ...ids.map(async (id) => await city.service.changeStatus('revoke', id)),
    city.learners.forget({ did: learner.did })
  ])
  const issuance = city.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION)
  for (const id of ids) {
    const record = await issuance.get(id) as IssuanceRecord
    assert.ok(record.subject.startsWith(ERASED_SUBJECT_PREFIX), `${id}: the DID came back`)
    assert.is(record.revoked, true, `${id}: the revocation was lost`)
  }
  assert.not.ok((await city.dump()).includes(learner.did))
})

test('config retention.offerContactDays: 30 by default, from the environment, a clear error for a bad value', async () => {
  assert.is((await loadConfig({ env: {}, cwd: root })).retention.offerContactDays, 30)
  assert.is((await loadConfig({ env: { COFL_RETENTION_OFFER_CONTACT_DAYS: '7' }, cwd: root })).retention.offerContactDays, 7)
  for (const [env, value] of [['-1', '"-1"'], ['1.5', '"1.5"'], ['4000', '4000'], ['soon', '"soon"']] as const) {
    try {
      await loadConfig({ env: { COFL_RETENTION_OFFER_CONTACT_DAYS: env }, cwd: root })
      assert.unreachable(`${env} accepted`)
    } catch (err) {
      assert.instance(err, ConfigError)
      assert.match((err as Error).message, new RegExp(`retention.offerContactDays is ${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(from COFL_RETENTION_OFFER_CONTACT_DAYS\\); expected an integer from 0 to 3650`))
    }
  }
  try {
    createCityNode({ config: { retention: { offerContactDays: 'never' as unknown as number } } })
    assert.unreachable('accepted')
  } catch (err) {
    assert.instance(err, ConfigError)
    assert.is((err as ConfigError).key, 'retention.offerContactDays')
  }
})

/** Every file and directory under `dir` (itself included) with its mode (those deleted meanwhile left out). */
async function modes (dir: string): Promise<Array<{ path: string, mode: number, directory: boolean }>> {
  const out = [{ path: dir, mode: (await stat(dir)).mode & 0o777, directory: true }]
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)
    if (entry.isSymbolicLink()) continue
    // level deletes files as it compacts: one gone since the listing is no longer there to check
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err })
    if (info != null) out.push({ path, mode: info.mode & 0o777, directory: entry.isDirectory() })
  }
  return out
}

test('the data directory: a 0755 directory with 0644 files made beforehand ends 0700 / 0600 after start, and so do the files leveldb makes while the node runs', async () => {
  const dir = join(root, 'loose')
  // what a careless setup leaves: a world-readable data directory, store and token
  await mkdir(join(dir, 'store'), { recursive: true, mode: 0o755 })
  await chmod(dir, 0o755)
  await chmod(join(dir, 'store'), 0o755)
  await writeFile(join(dir, 'admin-token'), 'a-token-made-beforehand-with-enough-length\n', { mode: 0o644 })
  await chmod(join(dir, 'admin-token'), 0o644)
  const umask = process.umask(0o022)
  let node
  try {
    node = createCityNode({ config: { data: dir }, federation: false, signingWorkers: 0 })
    await node.start()
  } finally {
    if (node == null) process.umask(umask)
  }
  try {
    const loose = (await modes(dir)).filter((m) => m.mode !== (m.directory ? 0o700 : 0o600))
    assert.equal(loose, [], 'everything 0700 / 0600 after start')
    const achievementId = (await (await fetch(`${node.url}/api/achievements`, { method: 'POST', headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Many', description: 'Many offers', criteria: 'Be offered' }), signal: AbortSignal.timeout(30_000) })).json() as Json).id as string
    const ldbBefore = (await readdir(join(dir, 'store'))).filter((n) => n.endsWith('.ldb')).length
    // enough offers for leveldb to write new table files (its write buffer is 4 MiB)
    for (let chunk = 0; chunk < 16; chunk++) {
      const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `Learner ${chunk}-${i} ${'n'.repeat(400)}`, email: `learner-${chunk}-${i}@many.example` }))
      const response = await fetch(`${node.url}/api/offers/bulk`, { method: 'POST', headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ achievementId, rows }), signal: AbortSignal.timeout(120_000) })
      assert.is(response.status, 200)
    }
    await waitFor('leveldb to write a new table file', async () => (await readdir(join(dir, 'store'))).filter((n) => n.endsWith('.ldb')).length > ldbBefore, { ms: 30_000 })
    const after = (await modes(dir)).filter((m) => m.mode !== (m.directory ? 0o700 : 0o600))
    assert.equal(after, [], 'the files made while running are 0600 too')
  } finally {
    await node.stop()
    process.umask(umask)
  }
})

test('a data directory entry of another user that is not private: refused with what to do (as root only)', async () => {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return
  const dir = join(root, 'foreign')
  await mkdir(dir, { mode: 0o700 })
  await writeFile(join(dir, 'left-by-someone'), 'x', { mode: 0o644 })
  const { chown } = await import('node:fs/promises')
  await chown(join(dir, 'left-by-someone'), 65534, 65534)
  await chmod(join(dir, 'left-by-someone'), 0o644)
  await rejects(enforcePrivateModes(dir), 'COFL_ERR_INPUT', /left-by-someone is mode 0644 and belongs to another user \(uid 65534.*chown it to this user or chmod it to 0600/)
  await rejects(createCityNode({ config: { data: dir }, federation: false }).start(), 'COFL_ERR_INPUT', /belongs to another user/)
})

test.run()
