// Who may use which id, and how much an untrusted issuer may store: real nodes on 127.0.0.1.
// Documents are kept per (issuer, id), so an id taken first by another issuer neither blocks nor
// shadows the issuer's own document; a lookup by id resolves to the owner, this node's own, the
// one trusted claimant, or the only claimant; an untrusted issuer stops at its quota.
import { createMemoryStore } from '@cofl/store'
import type { Store, StoredDocument } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { claimKey, claimOf, createFederation, documentBlock, federationSchema, KIND_COLLECTION_NAMES } from '../src/index.js'
import type { Federation, FederationInit } from '../src/index.js'
import { generateKeyPair, signedAchievement, signedEndorsement, signedStatusList, stopAll } from './helpers.js'

/** The records this package owns, as a node registers them. */
const schemas = [federationSchema]

const settle = async (ms = 300): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

type Start = (init: Omit<FederationInit, 'store'> & { store?: Store }) => Promise<Federation>

/** Runs `body` with `start` (a node on a memory store unless given, no periodic sync); stops every node it started. */
async function withNodes (body: (start: Start) => Promise<void>): Promise<void> {
  const nodes: Federation[] = []
  try {
    await body(async (init) => {
      const node = await createFederation({ store: createMemoryStore({ schemas }), syncIntervalMs: 0, ...init })
      nodes.push(node)
      return node
    })
  } finally {
    await stopAll(nodes)
  }
}

test('an id taken first by another issuer: the issuer\'s own document is accepted too, the id resolves to the trusted one, nobody is penalised', async () => {
  const signal = AbortSignal.timeout(30_000)
  await withNodes(async (start) => {
    const owner = await generateKeyPair()
    const squatter = await generateKeyPair()
    const root = await generateKeyPair()
    const store = createMemoryStore({ schemas })
    const s = await start({ key: squatter })
    const o = await start({ key: owner })
    const r = await start({ key: root })
    // n trusts `root`; it meets the squatter first.
    const n = await start({ key: await generateKeyPair(), store, trustRoots: [root.did], bootstrap: s.multiaddrs() })
    const id = 'https://owner.example/badges/first-aid'
    const copy = await signedAchievement(squatter, 'First Aid (copy)', id)
    await s.publish('achievement', copy)
    await waitFor('the squatter\'s copy on n', async () => (await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id)) != null, signal)
    assert.is((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.issuer, squatter.did, 'the only claimant: served by id')

    // The owner's own document, with the same id, from another peer: accepted, not refused as "held".
    const real = await signedAchievement(owner, 'First Aid', id)
    await o.publish('achievement', real)
    await n.dial(o.multiaddrs()[0] as string, { signal })
    await waitFor('the owner\'s document on n', async () => (await claimOf(store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement), id, owner.did)) != null, signal)
    // Neither is trusted by n: the id is claimed by two, so it resolves to none (served only with its issuer).
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id), undefined)
    assert.is((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(claimKey(id, squatter.did)))?.issuer, squatter.did)
    assert.is((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(claimKey(id, owner.did)))?.issuer, owner.did)

    // The root endorses the owner: the id now resolves to the owner's document.
    await n.dial(r.multiaddrs()[0] as string, { signal })
    await settle()
    await r.publish('endorsement', await signedEndorsement(root, owner.did))
    await waitFor('the id resolves to the owner', async () => (await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.issuer === owner.did, signal)
    assert.equal((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id) as StoredDocument).document, JSON.parse(JSON.stringify(real)))
    assert.is((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(claimKey(id, squatter.did)))?.issuer, squatter.did, 'the copy is kept beside it, under its issuer')
    assert.ok(await n.trustedIssuers().then((t) => t.has(owner.did)))

    // A new version of the owner's document replaces the owner's only.
    const v2 = await signedAchievement(owner, 'First Aid, second edition', id)
    await o.publish('achievement', v2)
    await waitFor('the second edition', async () => (await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.sequence === 2, signal)
    assert.is((await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(claimKey(id, squatter.did)))?.sequence, 1)

    // A fourth node syncs from n: both claims travel, under their issuers (n serves both).
    const far = createMemoryStore({ schemas })
    await start({ key: await generateKeyPair(), store: far, trustRoots: [owner.did], bootstrap: n.multiaddrs() })
    await waitFor('both claims on the far node', async () => (await claimOf(far.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement), id, owner.did))?.sequence === 2 && (await claimOf(far.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement), id, squatter.did)) != null, signal)
    assert.is((await far.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(id))?.issuer, owner.did)

    // Nobody relayed anything invalid: every peer keeps a score of zero or more.
    for (const peer of [s, o, r]) assert.ok(n.peerScore(peer.peerId) >= 0, `n's score of a peer: ${n.peerScore(peer.peerId)}`)
  })
})

test('a status list id names its issuer: another DID\'s list with it is refused; a store from an older version is cleaned on start', async () => {
  const signal = AbortSignal.timeout(30_000)
  await withNodes(async (start) => {
    const victim = await generateKeyPair()
    const attacker = await generateKeyPair()
    const id = `urn:cofl:status:${victim.did}:revocation:1`
    const a = await start({ key: attacker })
    // The attacker cannot even publish it.
    try {
      await a.publish('status-list', await signedStatusList(attacker, 5, id))
      assert.unreachable('published another DID\'s list id')
    } catch (err) {
      assert.match((err as Error).message, new RegExp(`is ${victim.did}'s`))
    }
    // A store written by an older version holds the attacker's list under the victim's id.
    const store = createMemoryStore({ schemas })
    const forged = await signedStatusList(attacker, 5, id)
    await store.collection<StoredDocument>(KIND_COLLECTION_NAMES['status-list']).put(id, { kind: 'status-list', id, issuer: attacker.did, sequence: 5, cid: (await documentBlock(forged)).cid.toString(), document: forged, receivedAt: new Date().toISOString() })
    const v = await start({ key: victim, store })
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES['status-list']).get(id), undefined, 'removed on start')
    const real = await signedStatusList(victim, 1, id)
    assert.is((await v.publish('status-list', real)).sequence, 1)
    assert.is((await v.getStatusList(id))?.issuer, victim.did)
    // Nor does a peer's copy come back by sync.
    const other = createMemoryStore({ schemas })
    await start({ key: await generateKeyPair(), store: other, bootstrap: v.multiaddrs() })
    await waitFor('the real list on the other node', async () => (await other.collection<StoredDocument>(KIND_COLLECTION_NAMES['status-list']).get(id))?.issuer === victim.did, signal)
  })
})

test('an untrusted issuer stops at its quota (documents, bytes); its documents come once it is endorsed', async () => {
  const signal = AbortSignal.timeout(60_000)
  await withNodes(async (start) => {
    const untrusted = await generateKeyPair()
    const root = await generateKeyPair()
    const u = await start({ key: untrusted })
    const docs = await Promise.all(Array.from({ length: 8 }, async (_, i) => await signedAchievement(untrusted, `Badge ${i}`)))
    for (const doc of docs) await u.publish('achievement', doc)
    const store = createMemoryStore({ schemas })
    const n = await start({ key: await generateKeyPair(), store, trustRoots: [root.did], untrustedQuota: { documents: 5 }, bootstrap: u.multiaddrs() })
    const summary = await n.syncNow({ peerId: u.peerId })
    assert.is(summary.accepted, 5, JSON.stringify(summary))
    assert.is(summary.ignored, 3)
    assert.is(summary.rejected, 0, 'over quota is not the peer\'s fault')
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 5)
    await settle()
    assert.ok(n.peerScore(u.peerId) >= 0)

    // Bytes: a node whose byte quota holds three and a half of them takes three.
    const each = (await documentBlock(docs[0] as Record<string, unknown>)).bytes.byteLength
    const small = createMemoryStore({ schemas })
    const b = await start({ key: await generateKeyPair(), store: small, untrustedQuota: { bytes: Math.floor(3.5 * each) }, bootstrap: u.multiaddrs() })
    await b.syncNow({ peerId: u.peerId })
    assert.is(await small.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 3, `documents of ${each} bytes`)

    // Endorsed by n's trust root, the issuer has no quota: the next sync brings the rest.
    const r = await start({ key: root })
    await r.publish('endorsement', await signedEndorsement(root, untrusted.did))
    await n.dial(r.multiaddrs()[0] as string, { signal })
    await waitFor('the endorsement on n', async () => (await n.trustedIssuers()).has(untrusted.did), signal)
    await n.syncNow({ peerId: u.peerId })
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).count(), 8)
  })
})

test.run()
