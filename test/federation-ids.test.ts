// Ids, totals and quotas against a hostile federation, through real nodes on 127.0.0.1 (city nodes,
// bare federation nodes, and a hostile peer that serves whatever it likes over the sync protocol):
//
// (a) An attacker serves, before the victim city uses them, the victim's next status lists
//     (`urn:cofl:status:<victim>:revocation:1`, `:suspension:1`) and an achievement with the id the
//     victim will give its own. The victim's real documents are accepted everywhere, its
//     credentials on list 1 verify, its revocation works, it restarts (also from a store that an
//     older version filled with the attacker's list), a new node that meets the attacker first ends
//     up serving the victim's achievement, and no honest peer is penalised or refused.
// (b) 20 made-up nodes (fresh, unendorsed DIDs) with aggregates of a billion credentials each do
//     not change GET /api/analytics/federation; the answer counts and lists them as left out.
// (c) 500 small achievements from one unendorsed issuer stop at its quota, and none of them is in
//     the catalogue or the listings (unless asked for with `untrusted=1`).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildAchievementDocument, buildProfile, signCredential, signDocument } from '@cofl/credentials'
import { claimOf, documentBlock, kindCollection } from '@cofl/federation'
import { HOLDINGS_VERSION_KEY, UNTRUSTED_MAX_DOCUMENTS } from '@cofl/federation/tuning'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusPurpose } from '@cofl/status'
import { META_COLLECTION, openLevelStore } from '@cofl/store'
import { createVerifier } from '@cofl/verifier'
import { Level } from 'level'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode, ConfigInput } from 'cofl'
import { api, endorseWhenHeld, ok } from './fixtures/city-api.js'
import type { Json } from './fixtures/city-api.js'
import { waitFor } from '@cofl/test-support'
import { settle, signedProfile, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'
import { hostileSyncPeer } from './fixtures/hostile-sync.js'
import type { HostileSyncPeer } from './fixtures/hostile-sync.js'

const CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2']
const enc = encodeURIComponent

async function startCity (config: ConfigInput): Promise<CityNode> {
  const node = createCityNode({ config, signingWorkers: 0 })
  await node.start()
  return node
}

async function achievement (key: KeyPair, name: string, id?: string): Promise<Json> {
  const doc = buildAchievementDocument({ ...(id != null ? { id } : {}), name, description: `${name}: ten sessions`, criteria: 'Attend ten sessions', creator: buildProfile({ id: key.did, name: 'Somebody' }) })
  return await signDocument(doc, { key }) as unknown as Json
}

/** A real status list (every bit of the first index set), signed by `key`, under the id given. */
async function listUnder (key: KeyPair, purpose: StatusPurpose, id: string, directory: string): Promise<Json> {
  const registry = await openStatusRegistry({ directory, issuer: key.did, listId: (p) => p === purpose ? id : `${id}:other` })
  try {
    const { entries } = await registry.allocate()
    await registry.setStatus(entries.find((e) => e.statusPurpose === purpose)!, true)
    return await signCredential(await registry.buildListCredential(purpose, 0), { key }) as unknown as Json
  } finally {
    await registry.close()
  }
}

/** An aggregate as a node publishes it, with these totals. */
async function aggregate (key: KeyPair, totals: Json): Promise<Json> {
  const now = new Date().toISOString()
  return await signDocument({
    '@context': CONTEXT, id: `urn:cofl:aggregate:${key.did}`, type: ['CoflAggregate'], issuer: key.did,
    period: { until: now }, generatedAt: now, suppressionThreshold: 4, totals, byMonth: []
  }, { key }) as unknown as Json
}

const v = (value: number): Json => ({ value, suppressed: false })

test('(a) an attacker takes the victim\'s future status list ids and an achievement id first: the victim\'s documents are accepted everywhere, its credentials verify and revoke, it restarts, a new node serves its achievement', async () => {
  const signal = AbortSignal.timeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'cofl-ids-'))
  const attacker = await generateKeyPair()
  const nodes: TestNode[] = []
  let hostile: HostileSyncPeer | undefined
  let victimNode: CityNode | undefined
  try {
    const honest = await startNode()
    nodes.push(honest)
    const honestAddress = honest.federation.multiaddrs()[0] as string
    const config: ConfigInput = { data: join(dir, 'victim'), name: 'Victim City', bootstrap: [honestAddress] }
    victimNode = await startCity(config)
    const victim = victimNode.did
    await waitFor('the victim and the honest node connected', () => honest.federation.peers().length >= 1, signal)

    // The attacker serves, before the victim uses them: its next lists and the id of its next achievement.
    const ID = 'https://victim.example/badges/dinghy-sailing'
    const listId = (purpose: StatusPurpose): string => `urn:cofl:status:${victim}:${purpose}:1`
    hostile = await hostileSyncPeer()
    for (const purpose of ['revocation', 'suspension'] as const) {
      await hostile.serve('status-list', attacker, await listUnder(attacker, purpose, listId(purpose), join(dir, `attacker-${purpose}`)))
    }
    await hostile.serve('achievement', attacker, await achievement(attacker, 'Dinghy Sailing (a copy)', ID))
    // The honest node meets the attacker.
    await honest.federation.dial(hostile.address, { signal })
    const taken = await honest.federation.syncNow({ peerId: hostile.peerId })
    assert.is(taken.accepted, 1, `the achievement copy only: ${JSON.stringify(taken)}`)
    assert.is(taken.rejected, 2, 'the lists that name the victim')
    // The victim starts again and syncs with the honest node: what it took from the attacker comes along.
    await victimNode.stop()
    victimNode = await startCity(config)
    const v1 = victimNode
    await waitFor('the copy on the victim\'s node', async () => (await api(v1, 'GET', `/api/achievements/${enc(ID)}`)).status === 200, signal)
    await settle(500)
    assert.is((await api(v1, 'GET', `/api/status/${enc(listId('revocation'))}`)).status, 404, 'the attacker\'s list is nowhere')

    // The victim's list 0 is full (as if 131,072 credentials had been issued on it): its next credentials go on list 1.
    await victimNode.stop()
    const cursor = new Level<string, unknown>(join(dir, 'victim', 'status'), { valueEncoding: 'json' })
    await cursor.put('cursor', { listNumber: 1, next: 0 })
    await cursor.close()
    victimNode = await startCity(config)
    const v2 = victimNode
    // Its own achievement, with the id the attacker took first.
    const created = await ok(v2, 'POST', '/api/achievements', { id: ID, name: 'Dinghy Sailing', description: 'Rig, launch and sail', criteria: 'Sail a triangle course' }, 201)
    assert.is(created.achievement.creator.id, victim)
    assert.is((await ok(v2, 'GET', `/api/achievements/${enc(ID)}`)).issuer, victim, 'the victim\'s node serves its own')
    const learner = await generateKeyPair()
    const { credential } = await ok(v2, 'POST', '/api/credentials', { achievementId: ID, subject: learner.did }, 201)
    assert.is(credential.credentialStatus.statusListCredential, listId('revocation'))

    // Accepted at the honest node, where the credential verifies from its replica.
    await waitFor('the victim\'s list 1 at the honest node', async () => (await honest.federation.getStatusList(listId('revocation')))?.issuer === victim, signal)
    await waitFor('the victim\'s achievement at the honest node', async () => (await claimOf(kindCollection(honest.store, 'achievement'), ID, victim)) != null, signal)
    const verifier = createVerifier({ getStatusList: async (id) => await honest.federation.getStatusList(id) })
    const status = (report: Json): Json => report.checks.find((c: Json) => c.id === 'status')
    const atHonest = await verifier.verify(credential) as unknown as Json
    assert.is(atHonest.verified, true, JSON.stringify(atHonest.checks))
    assert.is(status(atHonest).outcome, 'passed')
    const atVictim = await ok(v2, 'POST', '/api/verify', { verifiableCredential: credential })
    assert.is(atVictim.verified, true, JSON.stringify(atVictim.checks))

    // The revocation works, and reaches the honest node.
    const revoked = await ok(v2, 'POST', '/api/credentials/revoke', { credentialId: credential.id, now: true })
    assert.is(revoked.listId, listId('revocation'))
    await waitFor('the revocation at the honest node', async () => (await honest.federation.getStatusList(listId('revocation')))?.sequence === revoked.sequence, signal)
    const afterRevocation = await verifier.verify(credential) as unknown as Json
    assert.is(status(afterRevocation).outcome, 'failed')
    assert.is(status(afterRevocation).code, 'COFL_ERR_STATUS_REVOKED')
    // The honest node did not hold the victim's documents against it.
    const victimPeer = v2.info().peerId as string
    assert.ok(honest.federation.peerScore(victimPeer) >= 0, `the honest node's score of the victim: ${honest.federation.peerScore(victimPeer)}`)

    // The victim restarts fine; then also from a store that an older version (ids first come, first
    // served) filled with the attacker's list under the victim's id, marked for publication.
    await victimNode.stop()
    victimNode = await startCity(config)
    assert.is((await ok(victimNode, 'GET', `/api/status/${enc(listId('revocation'))}`)).issuer, victim)
    await victimNode.stop()
    const forged = await listUnder(attacker, 'revocation', listId('revocation'), join(dir, 'attacker-again'))
    const store = await openLevelStore({ directory: join(dir, 'victim', 'store') })
    await kindCollection(store, 'status-list').put(listId('revocation'), { kind: 'status-list', id: listId('revocation'), issuer: attacker.did, sequence: 99, cid: (await documentBlock(forged)).cid.toString(), document: forged, receivedAt: new Date().toISOString() })
    await store.collection(META_COLLECTION).del(HOLDINGS_VERSION_KEY)
    await store.collection(META_COLLECTION).put('node:list-dirty:revocation:1', true)
    await store.close()
    // A list marked changed is published at the first tick (status.publishIntervalMs).
    const restarted = await startCity({ ...config, status: { publishIntervalMs: 1000 } })
    victimNode = restarted
    await waitFor('the marked list published at the first tick', async () => (await ok(restarted, 'GET', `/api/status/${enc(listId('revocation'))}`)).sequence > revoked.sequence, signal)
    const again = await ok(victimNode, 'GET', `/api/status/${enc(listId('revocation'))}`)
    assert.is(again.issuer, victim)
    assert.ok(again.sequence > revoked.sequence, 'the list marked for publication was published again')

    // A new node meets the attacker first: the copy is all it knows of the id, the lists are refused.
    const fresh = await startNode({ trustRoots: [victim] })
    nodes.push(fresh)
    await fresh.federation.dial(hostile.address, { signal })
    const fromAttacker = await fresh.federation.syncNow({ peerId: hostile.peerId })
    assert.equal([fromAttacker.accepted, fromAttacker.rejected], [1, 2], JSON.stringify(fromAttacker))
    assert.is((await kindCollection(fresh.store, 'achievement').get(ID))?.issuer, attacker.did)
    // Then the honest node: the victim's achievement and lists come, nothing is refused, and the
    // id now resolves to the victim's achievement (the copy stays beside it, under its issuer).
    await fresh.federation.dial(honestAddress, { signal })
    const fromHonest = await fresh.federation.syncNow({ peerId: honest.federation.peerId })
    assert.is(fromHonest.rejected, 0, JSON.stringify(fromHonest))
    assert.is((await kindCollection(fresh.store, 'achievement').get(ID))?.issuer, victim)
    assert.equal((await kindCollection(fresh.store, 'achievement').get(ID))?.document, created.achievement)
    assert.is((await fresh.federation.getStatusList(listId('revocation')))?.issuer, victim)
    assert.is((await claimOf(kindCollection(fresh.store, 'achievement'), ID, attacker.did))?.issuer, attacker.did)
    assert.ok(fresh.federation.peerScore(honest.federation.peerId) >= 0)
  } finally {
    await victimNode?.stop()
    await hostile?.stop()
    await stopAll(nodes)
    await rm(dir, { recursive: true, force: true })
  }
})

const federationTotals = async (node: CityNode): Promise<Json> => await ok(node, 'GET', '/api/analytics/federation')

/** A city node whose only peer is a hostile sync peer serving what `serve` gives it; all stopped after `body`. */
async function againstHostilePeer (serve: (peer: HostileSyncPeer) => Promise<void>, body: (city: CityNode) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-hostile-'))
  const hostile = await hostileSyncPeer()
  let city: CityNode | undefined
  try {
    await serve(hostile)
    city = await startCity({ data: join(dir, 'city'), name: 'A City', bootstrap: [hostile.address] })
    await body(city)
  } finally {
    await city?.stop()
    await hostile.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

test('(b) 20 made-up nodes with a billion credentials each: the federation totals do not change; the answer says they were left out and why', async () => {
  const signal = AbortSignal.timeout(120_000)
  const sybils = await Promise.all(Array.from({ length: 20 }, async () => await generateKeyPair()))
  const billion = 1_000_000_000
  await againstHostilePeer(async (hostile) => {
    for (const key of sybils) {
      await hostile.serve('aggregate', key, await aggregate(key, { offered: v(billion), claimed: v(billion), issued: v(billion), learners: v(billion), learnersWithMoreThanOne: v(0) }))
    }
    // The one the city endorses later published its issuer Profile (a city endorses only issuers).
    await hostile.serve('profile', sybils[0]!, await signedProfile(sybils[0]!))
  }, async (node) => {
    const own = await ok(node, 'POST', '/api/analytics/publish', {}, 201)
    await waitFor('all 21 aggregates held', async () => {
      const f = await federationTotals(node)
      return f.rows.length + (f.leftOut?.untrusted ?? 0) === 21
    }, signal)
    const f = await federationTotals(node)
    assert.is(f.nodes, 1, 'only the node itself is summed')
    assert.equal(f.rows.map((r: Json) => r.issuer), [node.did])
    assert.equal(f.totals.issued.value, own.document.totals.issued.value)
    assert.equal(f.leftOut, { untrusted: 20, rejected: 0 })
    assert.equal(f.untrusted.map((u: Json) => u.issuer), sybils.map((k) => k.did).sort())
    for (const u of f.untrusted) {
      assert.is(u.id, `urn:cofl:aggregate:${u.issuer as string}`)
      assert.match(u.reason, /is not trusted by this node/)
    }
    assert.not.ok(JSON.stringify(f.totals).includes(String(billion)))
    // Trust is the rule: once the city endorses one of them, that one is summed.
    await endorseWhenHeld(node, { issuer: sybils[0]!.did }, signal)
    await waitFor('the endorsed node summed', async () => (await federationTotals(node)).nodes === 2, signal)
    const after = await federationTotals(node)
    assert.is(after.totals.issued.value, billion + (own.document.totals.issued.value as number))
    assert.is(after.leftOut.untrusted, 19)
  })
})

test('(c) 500 small achievements from one unendorsed issuer: its quota stops them, and none is in the catalogue or the listings', async () => {
  const signal = AbortSignal.timeout(180_000)
  const flooder = await generateKeyPair()
  // Served after the achievements (aggregates come last in a sync round): when it is in, the round is done.
  const marker = await generateKeyPair()
  await againstHostilePeer(async (hostile) => {
    for (let i = 0; i < 500; i++) await hostile.serve('achievement', flooder, await achievement(flooder, `Floodbadge ${i}`))
    await hostile.serve('aggregate', marker, await aggregate(marker, { offered: v(0), claimed: v(0), issued: v(0), learners: v(0), learnersWithMoreThanOne: v(0) }))
  }, async (node) => {
    await waitFor('the sync round with the flooder done', async () => {
      const f = await federationTotals(node)
      return [...f.rows, ...(f.untrusted ?? [])].some((r: Json) => r.issuer === marker.did)
    }, signal, 100)
    // Nothing of the flooder in the catalogue or in the listings.
    assert.is((await ok(node, 'GET', `/api/catalogue?issuer=${enc(flooder.did)}`)).total, 0)
    assert.is((await ok(node, 'GET', '/api/catalogue?q=floodbadge')).total, 0)
    assert.equal((await ok(node, 'GET', `/api/achievements?issuer=${enc(flooder.did)}`)).achievements, [])
    // What it holds of them, asked for explicitly: its quota, not 500.
    const held = await ok(node, 'GET', `/api/catalogue?issuer=${enc(flooder.did)}&untrusted=1&limit=1`)
    assert.is(held.total, UNTRUSTED_MAX_DOCUMENTS)
    // The city's own achievements are found as before.
    await ok(node, 'POST', '/api/achievements', { name: 'Floodbadge of the city', description: 'd', criteria: 'c' }, 201)
    const found = await ok(node, 'GET', '/api/catalogue?q=floodbadge')
    assert.equal(found.results.map((r: Json) => r.issuer), [node.did])
  })
})

test.run()
