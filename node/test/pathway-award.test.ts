// Pathway badges awarded on claim, on a city service in this process (memory
// store, local network, a status registry in a temp directory): the badge comes with the claim
// that completes the pathway, in the same batch as the claimed credential and the offer's mark;
// exactly once (a later claim, two concurrent claims, a revoked badge); revoked or suspended
// prerequisites do not count; allOf / anyOf / nOf, order constraints and nested pathways; only
// this node's pathways and achievements; a failure between signing and writing leaves nothing.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kindCollection } from '@cofl/federation'
import { buildPresentation, signCredential, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import type { Requirement } from '@cofl/pathways'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { Batch, Collection, IssuanceRecord, Store } from '@cofl/store'
import { createVerifier } from '@cofl/verifier'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ISSUANCE_BY_SUBJECT_COLLECTION, ISSUANCE_COLLECTION, OFFERS_COLLECTION } from '../src/app/collections.js'
import { issuanceSubjectKey } from '../src/app/issuance-log.js'
import { localNetwork } from '../src/app/network.js'
import { createOfferBook } from '../src/app/offers.js'
import type { ClaimResult, OfferBook, OfferRecord } from '../src/app/offers.js'
import { awardingPathways, pathwayAwardsOnClaim } from '../src/app/pathway-awards.js'
import { createCityService } from '../src/app/service.js'
import type { CityService } from '../src/app/service.js'

type Json = Record<string, any>

const DOMAIN = 'city.test'

interface Recorded { collection: string, key: string }

/** A city service over a memory store whose batches are recorded, and whose writes / signing can be made to fail. */
interface City {
  key: KeyPair
  store: Store
  service: CityService
  book: OfferBook
  registry: StatusRegistry
  /** Every batch written: its puts and dels, as collection name and key. */
  batches: Recorded[][]
  /** When set, signing a credential of this achievement fails (a crash between allocation and writing). */
  failSigning: { achievementId?: string }
  /** When true, the next batch write fails and writes nothing. */
  failWrite: { next: boolean }
  achievement: (name: string) => Promise<string>
  pathway: (id: string, fields: Json) => Promise<void>
  offer: (achievementId: string) => Promise<string>
  claim: (code: string, learner: KeyPair) => Promise<ClaimResult>
  /** offer + claim. */
  earn: (achievementId: string, learner: KeyPair) => Promise<ClaimResult>
  records: (subject: string) => Promise<IssuanceRecord[]>
  close: () => Promise<void>
}

let root = ''
const cities: City[] = []

async function newCity (options: { listLength?: number } = {}): Promise<City> {
  const key = await generateKeyPair()
  const memory = createMemoryStore()
  // The name of each collection the service opens, for the recorded batches.
  const names = new Map<unknown, string>()
  const batches: Recorded[][] = []
  const failWrite = { next: false }
  const failSigning: { achievementId?: string } = {}
  const store: Store = Object.assign(Object.create(memory) as Store, {
    collection<T> (name: string): Collection<T> {
      const collection = memory.collection<T>(name)
      names.set(collection, name)
      return collection
    },
    batch (): Batch {
      const inner = memory.batch()
      const ops: Recorded[] = []
      const batch: Batch = {
        put (collection, key, value) { ops.push({ collection: names.get(collection) ?? '?', key }); inner.put(collection, key, value); return batch },
        del (collection, key) { ops.push({ collection: names.get(collection) ?? '?', key }); inner.del(collection, key); return batch },
        async write () {
          if (failWrite.next) { failWrite.next = false; throw new Error('simulated crash: the batch never reached the disk') }
          await inner.write()
          batches.push(ops)
        }
      }
      return batch
    }
  })
  const registry = await openStatusRegistry({ directory: join(root, `status-${cities.length}`), issuer: key.did, ...(options.listLength != null ? { listLength: options.listLength } : {}) })
  const network = localNetwork({ key, store, directory: join(root, 'unused'), listen: [], bootstrap: [], trustRoots: [] })
  const service = createCityService({
    key,
    name: 'Test City of Learning',
    store,
    registry,
    network,
    log: () => {},
    sign: async (credential) => {
      const subject = (credential as Json).credentialSubject
      if (failSigning.achievementId != null && subject?.achievement?.id === failSigning.achievementId) throw new Error('simulated crash while signing')
      return await signCredential(credential as never, { key }) as never
    }
  })
  await service.prepare()
  const book = createOfferBook({ service })
  let count = 0
  const city: City = {
    key,
    store,
    service,
    book,
    registry,
    batches,
    failSigning,
    failWrite,
    achievement: async (name) => (await service.createAchievement({ id: `urn:example:achievement:${name.toLowerCase().replace(/\W+/g, '-')}:${++count}`, name, description: `The ${name} badge`, criteria: `Earn ${name}` })).id,
    pathway: async (id, fields) => { await service.publishDocument('pathway', { id, name: id, kind: 'destination', ...fields }) },
    offer: async (achievementId) => (await book.create({ achievementId }, `https://${DOMAIN}`)).code,
    claim: async (code, learner) => {
      const info = await book.open(code, DOMAIN)
      const vp = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [] }), { key: learner, challenge: info.challenge, domain: info.domain })
      return await book.claim(code, vp)
    },
    earn: async (achievementId, learner) => await city.claim(await city.offer(achievementId), learner),
    records: async (subject) => {
      const out: IssuanceRecord[] = []
      for await (const r of store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values()) if (r.subject === subject) out.push(r)
      return out
    },
    close: async () => { await registry.close() }
  }
  cities.push(city)
  return city
}

const achievementOf = (credential: Json): string => credential.credentialSubject.achievement.id
const awardIds = (result: ClaimResult): string[] => result.awards.map((c) => achievementOf(c as Json))
const allOf = (...ids: Requirement[]): Requirement => ({ allOf: ids })

test.before(async () => { root = await mkdtemp(join(tmpdir(), 'cofl-pathway-award-')) })
test.after(async () => {
  for (const city of cities) await city.close()
  await rm(root, { recursive: true, force: true })
})

test('a two-step pathway: the first claim awards nothing, the second awards the badge in its answer and in the same batch; a later claim does not award again', async () => {
  const city = await newCity()
  const [a, b, c, badge] = [await city.achievement('Swimming'), await city.achievement('Sailing'), await city.achievement('Knots'), await city.achievement('Harbour Crew')]
  await city.pathway('urn:example:pathway:harbour', { requirements: allOf(a, b), awardAchievementId: badge })
  const learner = await generateKeyPair()

  const first = await city.earn(a, learner)
  assert.equal(Object.keys(first), ['credential', 'awards'])
  assert.equal(first.awards, [])
  assert.is(achievementOf(first.credential), a)

  const batchesBefore = city.batches.length
  const code = await city.offer(b)
  const second = await city.claim(code, learner)
  assert.is(achievementOf(second.credential), b)
  assert.equal(awardIds(second), [badge])
  const award = second.awards[0] as Json
  assert.is(award.credentialSubject.id, learner.did)
  assert.is(award.issuer.id, city.key.did)
  const report = await city.service.verify(award, {})
  assert.ok(report.verified, JSON.stringify(report.checks))

  // one batch: the claimed credential, the badge, and the offer's mark (the offer batch of
  // `city.offer` came before it)
  const claimBatches = city.batches.slice(batchesBefore + 1)
  assert.is(claimBatches.length, 1, JSON.stringify(claimBatches))
  const ops = claimBatches[0] as Recorded[]
  assert.equal(ops.filter((o) => o.collection === ISSUANCE_COLLECTION).map((o) => o.key).sort(), [second.credential.id, award.id].sort())
  // with their entries in the index by subject, in the same batch
  assert.equal(
    ops.filter((o) => o.collection === ISSUANCE_BY_SUBJECT_COLLECTION).map((o) => o.key).sort(),
    [second.credential.id, award.id].map((id) => issuanceSubjectKey(learner.did, id)).sort()
  )
  assert.is(ops.filter((o) => o.collection === OFFERS_COLLECTION).length, 1)

  // the issuance log: the badge names its pathway (analytics counts awards by pathway)
  const records = await city.records(learner.did)
  assert.is(records.length, 3)
  const badgeRecord = records.find((r) => r.achievementId === badge) as IssuanceRecord
  assert.is(badgeRecord.pathwayId, 'urn:example:pathway:harbour')
  assert.is(badgeRecord.credentialId, award.id)
  assert.is(badgeRecord.status?.purpose, 'revocation')
  assert.not.ok('pathwayId' in (records.find((r) => r.achievementId === b) as IssuanceRecord))
  const offer = await city.book.list({ limit: 100 })
  assert.ok(offer.offers.some((o) => o.state === 'claimed' && o.credentialId === second.credential.id))

  // a third, unrelated badge later: no second award
  const third = await city.earn(c, learner)
  assert.equal(third.awards, [])
  // the same prerequisite again (a second offer of it): still no second award
  const again = await city.earn(b, learner)
  assert.equal(again.awards, [])
  assert.is((await city.records(learner.did)).filter((r) => r.achievementId === badge).length, 1)

  // another learner has their own progress
  const other = await generateKeyPair()
  assert.equal((await city.earn(b, other)).awards, [])
  assert.equal(awardIds(await city.earn(a, other)), [badge])
})

test('concurrent claims that complete a pathway award its badge exactly once (allOf: once, not zero; anyOf: once, not twice)', async () => {
  const city = await newCity()
  const [a, b, c, d] = [await city.achievement('A'), await city.achievement('B'), await city.achievement('C'), await city.achievement('D')]
  const both = await city.achievement('Both')
  const either = await city.achievement('Either')
  await city.pathway('urn:example:pathway:both', { requirements: allOf(a, b), awardAchievementId: both })
  await city.pathway('urn:example:pathway:either', { requirements: { anyOf: [c, d] }, awardAchievementId: either })
  for (let round = 0; round < 3; round++) {
    const learner = await generateKeyPair()
    const codes = await Promise.all([city.offer(a), city.offer(b), city.offer(c), city.offer(d)])
    const results = await Promise.all(codes.map(async (code) => await city.claim(code, learner)))
    const awarded = results.flatMap(awardIds).sort()
    assert.equal(awarded, [both, either].sort(), `round ${round}: ${JSON.stringify(results.map(awardIds))}`)
    const records = await city.records(learner.did)
    assert.is(records.filter((r) => r.achievementId === both).length, 1)
    assert.is(records.filter((r) => r.achievementId === either).length, 1)
  }
})

test('a direct issuance (issueWithAwards) completes a pathway as a claim does; a claim and a direct issuance side by side award it once', async () => {
  const city = await newCity()
  const [a, b, badge] = [await city.achievement('Cooking'), await city.achievement('Hygiene'), await city.achievement('Kitchen Ready')]
  await city.pathway('urn:example:pathway:kitchen', { requirements: allOf(a, b), awardAchievementId: badge })
  const learner = await generateKeyPair()
  const first = await city.service.issueWithAwards({ achievementId: a, subject: learner.did })
  assert.equal(first.awards, [])
  const second = await city.service.issueWithAwards({ achievementId: b, subject: learner.did })
  assert.equal(second.awards.map((c) => achievementOf(c as Json)), [badge])
  assert.is((second.awards[0] as Json).credentialSubject.id, learner.did)
  assert.is((await city.records(learner.did)).find((r) => r.achievementId === badge)?.pathwayId, 'urn:example:pathway:kitchen')
  // one batch for the credential and its badge, with their index entries
  const ops = city.batches[city.batches.length - 1] as Recorded[]
  assert.is(ops.filter((o) => o.collection === ISSUANCE_COLLECTION).length, 2)
  assert.is(ops.filter((o) => o.collection === ISSUANCE_BY_SUBJECT_COLLECTION).length, 2)

  // Side by side, for five learners: a claim of A and a direct issuance of B; the badge once each.
  for (let i = 0; i < 5; i++) {
    const other = await generateKeyPair()
    const code = await city.offer(a)
    const [claimed, issued] = await Promise.all([city.claim(code, other), city.service.issueWithAwards({ achievementId: b, subject: other.did })])
    assert.equal([...awardIds(claimed), ...issued.awards.map((c) => achievementOf(c as Json))], [badge], `learner ${i}`)
    assert.is((await city.records(other.did)).filter((r) => r.achievementId === badge).length, 1)
  }
})

test('a revoked or suspended prerequisite does not count; a revoked badge is not awarded again', async () => {
  const city = await newCity()
  const [a, b, badge] = [await city.achievement('First Aid'), await city.achievement('CPR'), await city.achievement('Lifeguard')]
  await city.pathway('urn:example:pathway:lifeguard', { requirements: allOf(a, b), awardAchievementId: badge })

  const learner = await generateKeyPair()
  const first = await city.earn(a, learner)
  await city.service.changeStatus('revoke', first.credential.id as string)
  assert.equal((await city.earn(b, learner)).awards, [], 'A was revoked')
  // A earned again (a new credential, not revoked): now the pathway is complete
  assert.equal(awardIds(await city.earn(a, learner)), [badge])

  // suspended: does not count while suspended
  const suspendable = await generateKeyPair()
  const code = (await city.book.create({ achievementId: a, statusPurpose: 'suspension' }, `https://${DOMAIN}`)).code
  const held = await city.claim(code, suspendable)
  await city.service.changeStatus('suspend', held.credential.id as string)
  assert.equal((await city.earn(b, suspendable)).awards, [])

  // the badge revoked: never awarded twice to one DID
  const revokedBadge = await generateKeyPair()
  await city.earn(a, revokedBadge)
  const awarded = await city.earn(b, revokedBadge)
  assert.equal(awardIds(awarded), [badge])
  await city.service.changeStatus('revoke', (awarded.awards[0] as Json).id)
  assert.equal((await city.earn(a, revokedBadge)).awards, [])
  assert.is((await city.records(revokedBadge.did)).filter((r) => r.achievementId === badge).length, 1)
})

test('nOf and anyOf pathways; order constraints; nested pathways awarded in the same claim', async () => {
  const city = await newCity()
  const [a, b, c, d] = [await city.achievement('Python'), await city.achievement('SQL'), await city.achievement('Git'), await city.achievement('Linux')]
  const two = await city.achievement('Two of Three')
  const any = await city.achievement('Any')
  const ordered = await city.achievement('In Order')
  await city.pathway('urn:example:pathway:two', { requirements: { nOf: { n: 2, of: [a, b, c] } }, awardAchievementId: two })
  await city.pathway('urn:example:pathway:any', { requirements: { anyOf: [d, allOf(a, c)] }, awardAchievementId: any })
  await city.pathway('urn:example:pathway:ordered', { requirements: allOf(b, d), order: [{ before: b, after: d }], awardAchievementId: ordered })

  const learner = await generateKeyPair()
  assert.equal((await city.earn(a, learner)).awards, [])
  assert.equal(awardIds(await city.earn(c, learner)).sort(), [two, any].sort(), 'C completes 2 of 3 and the allOf branch of anyOf')
  assert.equal((await city.earn(d, learner)).awards, [], 'D: anyOf awarded already; the ordered pathway lacks B, which now comes after D')
  assert.equal((await city.earn(b, learner)).awards, [], 'B after D breaks the order')

  const inOrder = await generateKeyPair()
  await city.earn(b, inOrder)
  assert.equal(awardIds(await city.earn(d, inOrder)).sort(), [any, ordered].sort())

  // nested: the outer pathway asks for the inner one's badge
  const [x, y, z] = [await city.achievement('X'), await city.achievement('Y'), await city.achievement('Z')]
  const inner = await city.achievement('Inner')
  const outer = await city.achievement('Outer')
  const top = await city.achievement('Top')
  // ids chosen so that the outer pathways come first in id order: found on a second round
  await city.pathway('urn:example:pathway:0-top', { requirements: allOf(outer, x), awardAchievementId: top })
  await city.pathway('urn:example:pathway:1-outer', { requirements: allOf(inner, z), awardAchievementId: outer })
  await city.pathway('urn:example:pathway:2-inner', { requirements: allOf(x, y), awardAchievementId: inner })
  const nested = await generateKeyPair()
  assert.equal((await city.earn(z, nested)).awards, [])
  assert.equal((await city.earn(x, nested)).awards, [])
  const result = await city.earn(y, nested)
  assert.equal(awardIds(result).sort(), [inner, outer, top].sort())
  const records = await city.records(nested.did)
  const pathwayOf = (id: string): string | undefined => records.find((r) => r.achievementId === id)?.pathwayId
  assert.is(pathwayOf(inner), 'urn:example:pathway:2-inner')
  assert.is(pathwayOf(outer), 'urn:example:pathway:1-outer')
  assert.is(pathwayOf(top), 'urn:example:pathway:0-top')
  const last = city.batches.at(-1) as Recorded[]
  assert.is(last.filter((o) => o.collection === ISSUANCE_COLLECTION).length, 4, 'the claimed credential and three badges in one batch')
})

test('only this node\'s pathways whose badge is this node\'s achievement; an interest pathway awards too', async () => {
  const city = await newCity()
  const [a, badge] = [await city.achievement('Reading'), await city.achievement('Reader')]
  const stranger = await generateKeyPair()
  // a pathway of another city, replicated here: never awarded by this node
  await kindCollection(city.store, 'pathway').put('urn:example:pathway:elsewhere', {
    kind: 'pathway', id: 'urn:example:pathway:elsewhere', issuer: stranger.did, sequence: 1, cid: 'local:x', receivedAt: new Date().toISOString(),
    document: { id: 'urn:example:pathway:elsewhere', name: 'Elsewhere', kind: 'destination', issuer: stranger.did, requirements: a, awardAchievementId: badge }
  })
  // a pathway of this node whose badge is an achievement it does not hold
  await city.pathway('urn:example:pathway:unknown-badge', { requirements: a, awardAchievementId: 'urn:example:achievement:not-here' })
  assert.equal((await awardingPathways({ did: city.service.did, store: city.store })).map((p) => p.id), [])
  const learner = await generateKeyPair()
  assert.equal((await city.earn(a, learner)).awards, [])

  await city.service.publishDocument('pathway', { id: 'urn:example:pathway:interest', name: 'Books', kind: 'interest', theme: { skills: [], tags: ['reading'] }, suggested: [a], awardAchievementId: badge })
  const later = await generateKeyPair()
  assert.equal(awardIds(await city.earn(a, later)), [badge])
  assert.equal(await pathwayAwardsOnClaim({ did: city.service.did, store: city.store }, later.did, { achievementId: a, claimedAt: new Date().toISOString() }), [])
})

test('the decision reads only the claiming learner\'s records (the index by subject), never the whole issuance log', async () => {
  const city = await newCity()
  const [a, b, badge] = [await city.achievement('Maths'), await city.achievement('Physics'), await city.achievement('Engineer')]
  await city.pathway('urn:example:pathway:engineer', { requirements: allOf(a, b), awardAchievementId: badge })
  const learner = await generateKeyPair()
  const others = await Promise.all([0, 1, 2].map(async () => await generateKeyPair()))
  for (const other of others) { await city.earn(a, other); await city.earn(b, other) }
  await city.earn(a, learner)
  const log = city.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION)
  assert.is(await log.count(), 3 * 3 + 1, 'three others with two badges and the award each, the learner with one')

  // The same store, but reading the whole log fails and reads of single records are counted.
  const read: string[] = []
  const issuance = Object.assign(Object.create(log) as Collection<IssuanceRecord>, {
    values: () => { throw new Error('the whole issuance log was read') },
    entries: () => { throw new Error('the whole issuance log was read') },
    get: async (id: string) => { read.push(id); return await log.get(id) }
  })
  const store: Pick<Store, 'collection'> = {
    collection: <T>(name: string): Collection<T> => (name === ISSUANCE_COLLECTION ? issuance : city.store.collection(name)) as Collection<T>
  }
  const due = await pathwayAwardsOnClaim({ did: city.service.did, store }, learner.did, { achievementId: b, claimedAt: new Date().toISOString() })
  assert.equal(due, [{ pathwayId: 'urn:example:pathway:engineer', achievementId: badge }])
  assert.equal(read, (await city.records(learner.did)).map((r) => r.credentialId), 'only the learner\'s one record was read')
  // and through a claim, over the index the claim writes
  assert.equal(awardIds(await city.earn(b, learner)), [badge])
})

test('a failure between signing and writing (signing fails, or the batch never lands) leaves nothing: no credential, no badge, the offer open', async () => {
  const city = await newCity()
  const [a, b, badge] = [await city.achievement('Step One'), await city.achievement('Step Two'), await city.achievement('Both Steps')]
  await city.pathway('urn:example:pathway:steps', { requirements: allOf(a, b), awardAchievementId: badge })
  const learner = await generateKeyPair()
  await city.earn(a, learner)
  const offers = city.store.collection<Json>(OFFERS_COLLECTION)

  const offerState = async (code: string): Promise<string> => {
    const page = await city.book.list({ limit: 1000 })
    const id = (await city.book.open(code, DOMAIN)).offerId
    return page.offers.find((o) => o.offerId === id)?.state ?? 'missing'
  }

  // the badge's signing fails after the claimed credential was signed
  const code = await city.offer(b)
  city.failSigning.achievementId = badge
  await city.claim(code, learner).then(() => assert.unreachable('the claim should fail'), (err: Error) => { assert.match(err.message, /simulated crash while signing/) })
  delete city.failSigning.achievementId
  assert.equal((await city.records(learner.did)).map((r) => r.achievementId), [a])
  assert.is(await offerState(code), 'open')

  // the batch never lands (a crash before the write reached the disk)
  city.failWrite.next = true
  await city.claim(code, learner).then(() => assert.unreachable('the claim should fail'), (err: Error) => { assert.match(err.message, /simulated crash/) })
  assert.equal((await city.records(learner.did)).map((r) => r.achievementId), [a])
  assert.is(await offerState(code), 'open')
  const offerId = (await city.book.open(code, DOMAIN)).offerId
  assert.is(((await offers.get(`offer:${offerId}`)) as unknown as OfferRecord).subject, undefined)

  // the same offer claimed again now: both, once
  const result = await city.claim(code, learner)
  assert.equal(awardIds(result), [badge])
  assert.equal((await city.records(learner.did)).map((r) => r.achievementId).sort(), [a, b, badge].sort())
})

test('issueMany: indexes on two status lists; both lists published before the answer; every credential verifies against them', async () => {
  const city = await newCity({ listLength: 8 })
  const [a, b, badge] = [await city.achievement('Alpha'), await city.achievement('Beta'), await city.achievement('Alpha Beta')]
  await city.pathway('urn:example:pathway:ab', { requirements: allOf(a, b), awardAchievementId: badge })
  const filler = await generateKeyPair()
  // A list of 8 takes 7 credentials (7/8, @cofl/status fillLimit), at random indexes.
  for (let i = 0; i < 5; i++) await city.service.issue({ achievementId: a, subject: filler.did })
  const learner = await generateKeyPair()
  await city.earn(a, learner) // the 6th of list 0
  const result = await city.earn(b, learner) // the 7th of list 0, the badge the first of list 1
  const entries = [result.credential, ...result.awards].map((c) => (c as Json).credentialStatus)
  assert.equal(entries.map((e) => /:(\d+)$/.exec(e.statusListCredential)?.[1]), ['0', '1'])
  assert.is.not(entries[0].statusListCredential, entries[1].statusListCredential)
  for (const entry of entries) assert.ok(await kindCollection(city.store, 'status-list').has(entry.statusListCredential), `${String(entry.statusListCredential)} published`)
  // lists of 8 entries are for tests only: the strict length check is off
  const verifier = createVerifier({ getStatusList: async (id) => (await kindCollection(city.store, 'status-list').get(id))?.document, strictStatusListLength: false })
  for (const credential of [result.credential, ...result.awards]) {
    const report = await verifier.verifyCredential(credential)
    assert.ok(report.verified, JSON.stringify(report.checks))
  }
  await city.service.issueMany([]).then(() => assert.unreachable('an empty list is a programmer\'s mistake'), (err: unknown) => { assert.instance(err, TypeError) })
})

test.run()
