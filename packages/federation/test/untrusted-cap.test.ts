// The cap on what all the issuers a node does not trust may store there together (untrustedCap):
// many throw-away issuers, each well within its own quota, stop at the cap; the refusal is an
// Ignore (an honest relay is not penalised); trusted issuers' documents pass; the cap holds after
// a restart (derived from the store); an issuer that becomes trusted stops counting.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStore, openLevelStore } from '@cofl/store'
import type { Store, StoredDocument } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFederation, documentBlock, federationSchema, KIND_COLLECTION_NAMES } from '../src/index.js'
import type { Federation, FederationInit } from '../src/index.js'
import { generateKeyPair, signedAchievement, signedEndorsement, stopAll } from './helpers.js'
import type { KeyPair } from './helpers.js'

/** The records this package owns, as a node registers them. */
const schemas = [federationSchema]

const settle = async (ms = 300): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Issuers of `perIssuer` achievements each, every one on a node of its own: their keys, nodes and documents. */
async function issuers (
  count: number, perIssuer: number, start: (init: FederationInit) => Promise<Federation>
): Promise<Array<{ key: KeyPair, node: Federation, docs: Array<Record<string, unknown>> }>> {
  return await Promise.all(Array.from({ length: count }, async (_, i) => {
    const key = await generateKeyPair()
    const node = await start({ key, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    const docs = await Promise.all(Array.from({ length: perIssuer }, async (_, j) => await signedAchievement(key, `Issuer ${i} badge ${j}`)))
    for (const doc of docs) await node.publish('achievement', doc)
    return { key, node, docs }
  }))
}

test('many untrusted issuers, each within its quota, stop at the cap: Ignored, not Rejected; trusted issuers pass; it holds after a restart; an endorsed issuer stops counting', async () => {
  const signal = AbortSignal.timeout(90_000)
  const dir = await mkdtemp(join(tmpdir(), 'cofl-untrusted-cap-'))
  const nodes: Federation[] = []
  let n: Federation | undefined
  let store: Store | undefined
  const start = async (init: FederationInit): Promise<Federation> => {
    const node = await createFederation(init)
    nodes.push(node)
    return node
  }
  try {
    // Four throw-away issuers with two achievements each; a relay (default limits) holds all eight.
    const sybils = await issuers(4, 2, start)
    const relayStore = createMemoryStore({ schemas })
    const relay = await start({ key: await generateKeyPair(), store: relayStore, syncIntervalMs: 0, bootstrap: sybils.flatMap((s) => s.node.multiaddrs().slice(0, 1)) })
    await waitFor('the eight documents on the relay', async () => (await relayStore.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count()) === 8, signal)
    const root = await generateKeyPair()
    const r = await start({ key: root, store: createMemoryStore({ schemas }), syncIntervalMs: 0, bootstrap: relay.multiaddrs().slice(0, 1) })

    // n: a quota of 3 per untrusted issuer (none of them reaches it), a cap of 5 for all of them together.
    const key = await generateKeyPair()
    const init = (s: Store): FederationInit => ({
      key, store: s, directory: join(dir, 'n', 'federation'), syncIntervalMs: 0, trustRoots: [root.did],
      untrustedQuota: { documents: 3 }, untrustedCap: { documents: 5 }, bootstrap: relay.multiaddrs().slice(0, 1)
    })
    store = await openLevelStore({ directory: join(dir, 'n', 'store'), schemas })
    n = await createFederation(init(store))
    const first = await n.syncNow({ peerId: relay.peerId })
    assert.is(first.rejected, 0, `over the cap is not the relay's fault: ${JSON.stringify(first)}`)
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 5, 'five of the eight: the cap')
    assert.equal((await n.untrustedUsage()).documents, 5)
    const again = await n.syncNow({ peerId: relay.peerId })
    assert.equal([again.accepted, again.ignored, again.rejected], [0, 3, 0], `the three beyond the cap, ignored: ${JSON.stringify(again)}`)

    // By gossip, through the relay: a new untrusted issuer's document is ignored, the relay is not
    // penalised; the trust root's document (a trusted issuer) is accepted, cap or not; so is n's own.
    const late = await generateKeyPair()
    const l = await start({ key: late, store: createMemoryStore({ schemas }), syncIntervalMs: 0, bootstrap: relay.multiaddrs().slice(0, 1) })
    await settle(1000)
    const lateDoc = await signedAchievement(late, 'One more sybil')
    await l.publish('achievement', lateDoc)
    await waitFor('the late document on the relay', async () => (await relayStore.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(lateDoc.id as string)) != null, signal)
    const trustedDoc = await signedAchievement(root, 'The root\'s badge')
    await r.publish('achievement', trustedDoc)
    await waitFor('the trusted document on n', async () => (await store?.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(trustedDoc.id as string)) != null, signal)
    await n.publish('achievement', await signedAchievement(key, 'n\'s own badge'))
    await settle(500)
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(lateDoc.id as string), undefined, 'the late sybil\'s document is not stored')
    assert.ok(n.peerScore(relay.peerId) >= 0, `the relay keeps its score: ${n.peerScore(relay.peerId)}`)
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 7)
    assert.equal((await n.untrustedUsage()).documents, 5, 'trusted documents do not count')

    // A restart: the cap still holds (derived from the store, not from what this run counted).
    const bytesBefore = (await n.untrustedUsage()).bytes
    await n.stop()
    n = undefined
    await store.close()
    store = await openLevelStore({ directory: join(dir, 'n', 'store'), schemas })
    n = await createFederation(init(store))
    assert.equal(await n.untrustedUsage(), { documents: 5, bytes: bytesBefore })
    const restarted = await n.syncNow({ peerId: relay.peerId })
    assert.is(restarted.rejected, 0, JSON.stringify(restarted))
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 7, `nothing more after the restart: ${JSON.stringify(restarted)}`)
    const afterRestart = await n.syncNow({ peerId: relay.peerId })
    assert.equal([afterRestart.accepted, afterRestart.ignored, afterRestart.rejected], [0, 4, 0], JSON.stringify(afterRestart))

    // The root endorses a sybil with both its documents here (five among four issuers of two: one
    // has both). They stop counting, which makes room for two of the four others missing here.
    const achievements = store?.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement)
    const held = await Promise.all(sybils.map(async (s) => (await Promise.all(s.docs.map(async (d) => await achievements?.get(d.id as string)))).filter((x) => x != null).length))
    const endorsed = sybils[held.indexOf(2)] as typeof sybils[number]
    await r.publish('endorsement', await signedEndorsement(root, endorsed.key.did))
    // By gossip, or by sync from the relay if n's mesh has not formed again since its restart.
    await waitFor('the endorsed issuer trusted on n', async () => {
      if ((await (n as Federation).trustedIssuers()).has(endorsed.key.did)) return true
      await (n as Federation).syncNow({ peerId: relay.peerId }).catch(() => {})
      return (await (n as Federation).trustedIssuers()).has(endorsed.key.did)
    }, signal, 200)
    // Sync (a round under way when the endorsement came may already have brought some: again until all are here).
    await waitFor('nine achievements on n', async () => {
      await (n as Federation).syncNow({ peerId: relay.peerId })
      return (await (store as Store).collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count()) >= 9
    }, AbortSignal.timeout(10_000), 100)
    const last = await n.syncNow({ peerId: relay.peerId })
    assert.equal([last.accepted, last.ignored, last.rejected], [0, 2, 0], `the two beyond the cap again, ignored: ${JSON.stringify(last)}`)
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 9, 'two more of the untrusted ones, no more')
    assert.equal((await n.untrustedUsage()).documents, 5, 'the cap is full again, without the endorsed issuer\'s')
  } finally {
    await n?.stop().catch(() => {})
    await stopAll(nodes)
    await store?.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
})

test('the cap in bytes; a lower cap after a restart: new documents refused, new versions that add nothing still pass', async () => {
  const signal = AbortSignal.timeout(60_000)
  const nodes: Federation[] = []
  const start = async (init: FederationInit): Promise<Federation> => {
    const node = await createFederation(init)
    nodes.push(node)
    return node
  }
  try {
    const sybils = await issuers(5, 1, start)
    const each = Math.max(...await Promise.all(sybils.map(async (s) => (await documentBlock(s.docs[0] as Record<string, unknown>)).bytes.byteLength)))
    const store = createMemoryStore({ schemas })
    // Room for three and a half documents of all the untrusted issuers together (each quota holds many).
    const key = await generateKeyPair()
    const n = await start({ key, store, syncIntervalMs: 0, untrustedCap: { bytes: Math.floor(3.5 * each) } })
    for (const s of sybils) {
      await n.dial(s.node.multiaddrs()[0] as string, { signal })
      const summary = await n.syncNow({ peerId: s.node.peerId })
      assert.is(summary.rejected, 0, JSON.stringify(summary))
    }
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 3, `documents of at most ${each} bytes`)
    const usage = await n.untrustedUsage()
    assert.ok(usage.documents === 3 && usage.bytes <= 3.5 * each, JSON.stringify(usage))
    await n.stop()

    // Started again on the same store with a cap of 2 documents, below the 3 held: nothing new comes
    // in, but a new version of a held document (one fewer byte or more, no new document) does.
    const again = await start({ key, store, syncIntervalMs: 0, untrustedCap: { documents: 2 } })
    assert.equal(await again.untrustedUsage(), usage)
    const holders: typeof sybils = []
    for (const s of sybils) {
      await again.dial(s.node.multiaddrs()[0] as string, { signal })
      const summary = await again.syncNow({ peerId: s.node.peerId })
      assert.equal([summary.accepted, summary.rejected], [0, 0], JSON.stringify(summary))
      if (await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(s.docs[0]?.id as string) != null) holders.push(s)
    }
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 3)
    const holder = holders[0] as typeof sybils[number]
    const id = holder.docs[0]?.id as string
    await holder.node.publish('achievement', await signedAchievement(holder.key, 'v2', id))
    // By gossip or by sync, whichever comes first.
    await waitFor('the new version on the node', async () => {
      if ((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.sequence === 2) return true
      await again.syncNow({ peerId: holder.node.peerId })
      return (await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.sequence === 2
    }, AbortSignal.timeout(5000), 100)
    assert.is((await again.untrustedUsage()).documents, 3)
  } finally {
    await stopAll(nodes)
  }
})

test.run()
