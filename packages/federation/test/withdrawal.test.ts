// Withdrawals (issue 15): an issuer withdraws a document it published; every node removes it and
// relays the withdrawal, a node that was offline learns it by sync, a restarted node keeps it and
// completes one a crash interrupted, the withdrawn version is refused when announced again, and
// nobody withdraws another DID's document.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signDocument } from '@cofl/credentials'
import { createMemoryStore } from '@cofl/store'
import type { Store, StoredDocument } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { LevelBlockstore } from 'blockstore-level'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ANNOUNCEMENT_VERSION, buildWithdrawal, createFederation, documentBlock, encodeAnnouncement, federationSchema, kindCollection, PublishError,
  signAnnouncement, withdrawalId
} from '../src/index.js'
import type { Federation, Kind, WithdrawableKind } from '../src/index.js'
import { generateKeyPair, signedAchievement, signedProfile, stopAll } from './helpers.js'
import type { KeyPair } from './helpers.js'

const schemas = [federationSchema]

async function signedWithdrawal (key: KeyPair, kind: WithdrawableKind, id: string, sequence: number): Promise<Record<string, unknown>> {
  return await signDocument(buildWithdrawal({ issuer: key.did, kind, id, sequence }) as never, { key }) as unknown as Record<string, unknown>
}

async function holds (store: Store, kind: Kind, id: string, issuer: string): Promise<boolean> {
  for await (const stored of kindCollection(store, kind).values()) if (stored.id === id && stored.issuer === issuer) return true
  return false
}

/** The CID of a document's block, as the blockstore keys it. */
async function blockCid (document: Record<string, unknown>): Promise<Parameters<LevelBlockstore['has']>[0]> {
  return (await documentBlock(document)).cid as unknown as Parameters<LevelBlockstore['has']>[0]
}

/** The header the issuer signed for version `sequence` of a document (what a replay sends again). */
async function headerOf (key: KeyPair, kind: Kind, document: Record<string, unknown>, sequence: number): Promise<Uint8Array> {
  const { cid } = await documentBlock(document)
  return encodeAnnouncement(await signAnnouncement({ v: ANNOUNCEMENT_VERSION, kind, issuer: key.did, id: document.id as string, cid: cid.toString(), sequence, addrs: [] }, key))
}

test('a withdrawal is applied on every node and relayed, learnt by sync after being offline, kept over a restart; the withdrawn version is refused', async () => {
  const signal = AbortSignal.timeout(60_000)
  const dirB = await mkdtemp(join(tmpdir(), 'cofl-withdrawal-'))
  const nodes: Array<Federation | undefined> = []
  try {
    const keyA = await generateKeyPair()
    const storeA = createMemoryStore({ schemas })
    const storeB = createMemoryStore({ schemas })
    const storeC = createMemoryStore({ schemas })
    const storeD = createMemoryStore({ schemas })
    // A - B - C in a line (C never connects to A: allowDial is none), D joins B and leaves.
    const a = await createFederation({ key: keyA, store: storeA, syncIntervalMs: 0 })
    nodes.push(a)
    const b = await createFederation({ key: await generateKeyPair(), store: storeB, directory: dirB, bootstrap: a.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(b)
    const c = await createFederation({ key: await generateKeyPair(), store: storeC, bootstrap: b.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(c)
    const d = await createFederation({ key: await generateKeyPair(), store: storeD, bootstrap: b.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(d)
    const doc = await signedAchievement(keyA, 'Withdrawn club')
    const id = doc.id as string
    const kept = await signedAchievement(keyA, 'Kept club')
    const withdrawnEvents: StoredDocument[] = []
    c.addEventListener('withdrawn', (event) => { withdrawnEvents.push(event.detail) })
    await waitFor('the line', () => a.peers().length > 0 && c.peers().length > 0 && d.peers().length > 0, signal)
    await a.publish('achievement', doc)
    await a.publish('achievement', kept)
    // Published before the gossip mesh formed (even to b, one hop away), gossip may have missed them: sync brings them.
    for (const [name, node, store] of [['b', b, storeB], ['c', c, storeC], ['d', d, storeD]] as const) {
      await waitFor(`the achievements on ${name}`, async () => {
        if (await holds(store, 'achievement', id, keyA.did) && await holds(store, 'achievement', kept.id as string, keyA.did)) return true
        await node.syncNow()
        return false
      }, signal)
    }
    // The mesh between b and c (the withdrawal must travel by gossip, relayed by b): more than one
    // gossipsub heartbeat (1 s) after the connections.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.not.ok(c.peers().includes(a.peerId), 'c is not connected to a')
    await d.stop() // offline during the withdrawal

    const withdrawal = await signedWithdrawal(keyA, 'achievement', id, 1)
    const published = await a.publish('withdrawal', withdrawal)
    assert.is(published.sequence, 1)
    assert.not.ok(await holds(storeA, 'achievement', id, keyA.did), 'the issuer\'s node removed it')
    await waitFor('the withdrawal applied on b', async () => !(await holds(storeB, 'achievement', id, keyA.did)), signal)
    await waitFor('the withdrawal relayed to c and applied', async () => !(await holds(storeC, 'achievement', id, keyA.did)), signal)
    assert.ok(await holds(storeC, 'withdrawal', withdrawalId(keyA.did, 'achievement', id), keyA.did), 'c keeps the withdrawal')
    await waitFor('the withdrawn event on c', () => withdrawnEvents.length > 0, signal)
    assert.is(withdrawnEvents.length, 1)
    assert.is(withdrawnEvents[0]?.id, id)
    assert.ok(await holds(storeC, 'achievement', kept.id as string, keyA.did), 'the other achievement stays')

    // Announced again (a replay of the issuer's own header): refused everywhere.
    const replay = await headerOf(keyA, 'achievement', doc, 1)
    for (const node of [b, c]) {
      const verdict = await node.validateAnnouncement(replay, { topic: 'cofl/1/achievement' })
      assert.is(verdict.verdict, 'ignore', verdict.reason)
      assert.match(verdict.reason, /withdrawn/)
    }

    // B restarts: the withdrawal is still applied, the block is gone from its blockstore (no peer gets it from b).
    await b.stop()
    await b.start()
    assert.not.ok(await holds(storeB, 'achievement', id, keyA.did))
    assert.is((await b.validateAnnouncement(replay, { topic: 'cofl/1/achievement' })).verdict, 'ignore')

    // D comes back, still holding the document: sync with B brings the withdrawal.
    assert.ok(await holds(storeD, 'achievement', id, keyA.did))
    const d2 = await createFederation({ key: await generateKeyPair(), store: storeD, bootstrap: b.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(d2)
    await waitFor('d learns the withdrawal by sync', async () => !(await holds(storeD, 'achievement', id, keyA.did)), signal)
    // and B did not take the withdrawn document back from D meanwhile.
    await b.syncNow()
    assert.not.ok(await holds(storeB, 'achievement', id, keyA.did))

    // The issuer publishes the achievement again (changed, the same id): a new version, above the withdrawn one, accepted.
    const again = await a.publish('achievement', await signedAchievement(keyA, 'Withdrawn club, back', id))
    assert.is(again.sequence, 2)
    // (c lost b when b restarted on another port: b and d are the ones connected now.)
    await waitFor('the new version on b', async () => await holds(storeB, 'achievement', id, keyA.did), signal)
    assert.is((await kindCollection(storeB, 'achievement').get(id))?.sequence, 2)
    await stopAll(nodes)
    // B's blockstore no longer holds the withdrawn document's block (nobody gets it from B by sync
    // or bitswap); the other achievement's block is still there.
    const blocks = new LevelBlockstore(join(dirB, 'blocks'))
    await blocks.open()
    try {
      assert.not.ok(await blocks.has(await blockCid(doc)), 'the withdrawn block is deleted')
      assert.ok(await blocks.has(await blockCid(kept)), 'the other block is kept')
    } finally {
      await blocks.close()
    }
  } finally {
    await stopAll(nodes)
    await rm(dirB, { recursive: true, force: true })
  }
})

test('a withdrawal stored before a crash removed its document is applied on the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-withdrawal-'))
  let a: Federation | undefined
  try {
    const key = await generateKeyPair()
    const store = createMemoryStore({ schemas })
    a = await createFederation({ key, store, directory: dir, syncIntervalMs: 0 })
    const doc = await signedAchievement(key)
    await a.publish('achievement', doc)
    const before = await kindCollection(store, 'achievement').get(doc.id as string) as StoredDocument
    await a.publish('withdrawal', await signedWithdrawal(key, 'achievement', doc.id as string, 1))
    await a.stop()
    // The crash: the withdrawal is stored, the document still is.
    await kindCollection(store, 'achievement').put(doc.id as string, before)
    await a.start()
    assert.not.ok(await holds(store, 'achievement', doc.id as string, key.did))
  } finally {
    await stopAll([a])
    await rm(dir, { recursive: true, force: true })
  }
})

test('nobody withdraws another DID\'s document: refused on publish, ignored from the network, never applied', async () => {
  const signal = AbortSignal.timeout(30_000)
  const nodes: Array<Federation | undefined> = []
  try {
    const keyA = await generateKeyPair()
    const keyM = await generateKeyPair()
    const storeA = createMemoryStore({ schemas })
    const storeB = createMemoryStore({ schemas })
    const a = await createFederation({ key: keyA, store: storeA, syncIntervalMs: 0 })
    nodes.push(a)
    const b = await createFederation({ key: await generateKeyPair(), store: storeB, bootstrap: a.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(b)
    const doc = await signedAchievement(keyA)
    const id = doc.id as string
    await waitFor('the mesh', () => a.peers().length > 0, signal)
    await a.publish('achievement', doc)
    await a.publish('profile', await signedProfile(keyA))
    await waitFor('the documents on b', async () => await holds(storeB, 'achievement', id, keyA.did) && await holds(storeB, 'profile', keyA.did, keyA.did), signal)

    // M joins B, holding A's achievement too (by sync), and withdraws "it".
    const storeM = createMemoryStore({ schemas })
    const m = await createFederation({ key: keyM, store: storeM, bootstrap: b.multiaddrs(), syncIntervalMs: 0 })
    nodes.push(m)
    await waitFor('A\'s achievement on m', async () => await holds(storeM, 'achievement', id, keyA.did), signal)
    try {
      await m.publish('withdrawal', await signedWithdrawal(keyM, 'achievement', id, 1))
      assert.unreachable('a withdrawal of another issuer\'s document was published')
    } catch (err) {
      assert.instance(err, PublishError)
      assert.match((err as Error).message, /another issuer's document/)
    }
    // A's profile: its id names A, so a withdrawal of it by M is no valid document at all.
    try {
      await m.publish('withdrawal', await signedWithdrawal(keyM, 'profile', keyA.did, 1))
      assert.unreachable('a withdrawal of another DID\'s profile was published')
    } catch (err) {
      assert.instance(err, PublishError)
      assert.match((err as Error).message, /cannot withdraw it/)
    }
    // A node that never held A's achievement takes M's withdrawal as M's own (it concerns M's
    // document with that id alone) and relays it: B, which holds A's, ignores it and keeps A's.
    const storeN = createMemoryStore({ schemas })
    const n = await createFederation({ key: keyM, store: storeN, syncIntervalMs: 0 })
    nodes.push(n)
    await n.publish('withdrawal', await signedWithdrawal(keyM, 'achievement', id, 1))
    await n.dial(b.multiaddrs()[0] as string, { signal })
    await waitFor('n connected to b', () => b.peers().includes(n.peerId), signal)
    const summary = await b.syncNow({ peerId: n.peerId })
    assert.is(summary.accepted, 0)
    assert.ok(summary.ignored >= 1, JSON.stringify(summary))
    assert.is(summary.rejected, 0, 'ignored, not rejected: an honest relay is not penalised')
    assert.ok(await holds(storeB, 'achievement', id, keyA.did), 'A\'s achievement is still held')
    assert.not.ok(await holds(storeB, 'withdrawal', withdrawalId(keyM.did, 'achievement', id), keyM.did))
    // A status list is never withdrawn; the kinds are fixed.
    assert.throws(() => buildWithdrawal({ issuer: keyA.did, kind: 'status-list' as never, id: 'x', sequence: 1 }), /kind must be one of/)
  } finally {
    await stopAll(nodes)
  }
})

test.run()
