// Two real nodes on 127.0.0.1: publish on one, the other stores it; config validation; the peer
// key and the data survive a restart; trust through an endorsement.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStore } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFederation, FederationConfigError, federationSchema, KIND_COLLECTION_NAMES, MessageTooLargeError, PublishError } from '../src/index.js'
import type { Federation } from '../src/index.js'
import type { StoredDocument } from '@cofl/store'
import { generateKeyPair, signedAchievement, signedEndorsement, signedStatusList, stopAll } from './helpers.js'

/** The records this package owns, as a node registers them. */
const schemas = [federationSchema]

test('publish on one node: the other fetches, verifies and stores it', async () => {
  const signal = AbortSignal.timeout(20_000)
  let a: Federation | undefined
  let b: Federation | undefined
  try {
    const keyA = await generateKeyPair()
    const storeB = createMemoryStore({ schemas })
    a = await createFederation({ key: keyA, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    b = await createFederation({ key: await generateKeyPair(), store: storeB, bootstrap: a.multiaddrs(), syncIntervalMs: 0 })
    const seen: StoredDocument[] = []
    b.addEventListener('document', (event) => { seen.push(event.detail) })
    await waitFor('the mesh', () => (a?.peers().length ?? 0) > 0, signal)
    await new Promise((resolve) => setTimeout(resolve, 300)) // subscriptions exchanged
    const doc = await signedAchievement(keyA)
    const { cid, sequence } = await a.publish('achievement', doc)
    assert.is(sequence, 1)
    await waitFor('the achievement on b', async () => (await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(doc.id as string)) != null, signal)
    const stored = await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(doc.id as string) as StoredDocument
    assert.is(stored.cid, cid)
    assert.is(stored.issuer, keyA.did)
    assert.is(stored.kind, 'achievement')
    assert.equal(stored.document, JSON.parse(JSON.stringify(doc)))
    assert.is(seen.length, 1)
    // A new version of the same achievement gets the next sequence.
    const again = await a.publish('achievement', doc)
    assert.is(again.sequence, 1, 'the same content is the same version')
  } finally {
    await stopAll([a, b])
  }
})

test('a publish before any peer is there does not throw; sync delivers it on connect', async () => {
  const signal = AbortSignal.timeout(20_000)
  let a: Federation | undefined
  let b: Federation | undefined
  try {
    const keyA = await generateKeyPair()
    a = await createFederation({ key: keyA, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    const list = await signedStatusList(keyA, 3)
    const result = await a.publish('status-list', list)
    assert.is(result.sequence, 3)
    const storeB = createMemoryStore({ schemas })
    b = await createFederation({ key: await generateKeyPair(), store: storeB, bootstrap: a.multiaddrs(), syncIntervalMs: 0 })
    await waitFor('the list on b', async () => (await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES['status-list']).get(list.id as string)) != null, signal)
    assert.is((await b.getStatusList(list.id as string))?.sequence, 3)
    // An older version is refused by the publisher itself.
    try {
      await a.publish('status-list', await signedStatusList(keyA, 2))
      assert.unreachable()
    } catch (err) {
      assert.instance(err, PublishError)
    }
  } finally {
    await stopAll([a, b])
  }
})

test('getStatusList asks connected peers for a list it does not hold', async () => {
  let a: Federation | undefined
  let b: Federation | undefined
  try {
    const keyA = await generateKeyPair()
    a = await createFederation({ key: keyA, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    const list = await signedStatusList(keyA, 1)
    await a.publish('status-list', list)
    b = await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    // Connected, but b has not synced yet: the call itself asks.
    await b.dial(a.multiaddrs()[0] as string, { signal: AbortSignal.timeout(5000) })
    const got = await b.getStatusList(list.id as string)
    assert.is(got?.id, list.id)
    assert.is(await b.getStatusList('urn:cofl:status:nobody'), undefined)
  } finally {
    await stopAll([a, b])
  }
})

test('publish refuses what is not this node\'s signed document, and oversize announcements', async () => {
  let a: Federation | undefined
  try {
    const key = await generateKeyPair()
    a = await createFederation({ key, store: createMemoryStore({ schemas }), syncIntervalMs: 0, maxMessageBytes: 1024, announce: ['loopback'], listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0'] })
    const other = await generateKeyPair()
    for (const [doc, why] of [[await signedAchievement(other), 'another issuer'], [{ id: 'urn:x', type: ['Achievement'] }, 'unsigned']] as const) {
      try {
        await a.publish('achievement', doc as Record<string, unknown>)
        assert.unreachable(why)
      } catch (err) {
        assert.instance(err, PublishError, why)
      }
    }
    try {
      await a.publish('achievement', await signedAchievement(key))
      assert.unreachable('8 addresses make a header > 1 KiB')
    } catch (err) {
      assert.instance(err, MessageTooLargeError)
    }
  } finally {
    await stopAll([a])
  }
})

test('an invalid config is refused with the key, the value and what was expected', async () => {
  const key = await generateKeyPair()
  for (const init of [
    { key, store: createMemoryStore({ schemas }), listen: ['not a multiaddr'] },
    { key, store: createMemoryStore({ schemas }), bootstrap: ['/ip4/127.0.0.1/tcp/1'] },
    { key, store: createMemoryStore({ schemas }), maxMessageBytes: 10 },
    { key, store: createMemoryStore({ schemas }), syncIntervalMs: -1 },
    { key, store: createMemoryStore({ schemas }), trustRoots: ['nobody'] },
    { key: { did: 'did:web:x' }, store: createMemoryStore({ schemas }) }
  ]) {
    try {
      await createFederation({ ...init, start: false } as unknown as Parameters<typeof createFederation>[0])
      assert.unreachable(JSON.stringify(Object.keys(init)))
    } catch (err) {
      assert.instance(err, FederationConfigError)
      assert.match((err as Error).message, /expected/)
    }
  }
})

test('with a directory, the peer id and the blocks survive a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-federation-'))
  let a: Federation | undefined
  try {
    const key = await generateKeyPair()
    const store = createMemoryStore({ schemas })
    a = await createFederation({ key, store, directory: dir, syncIntervalMs: 0 })
    const peerId = a.peerId
    const doc = await signedAchievement(key)
    await a.publish('achievement', doc)
    await a.stop()
    await a.start()
    assert.is(a.peerId, peerId)
    // The restarted node serves the block from its level blockstore to a new peer.
    const storeB = createMemoryStore({ schemas })
    const b = await createFederation({ key: await generateKeyPair(), store: storeB, bootstrap: a.multiaddrs(), syncIntervalMs: 0 })
    try {
      await waitFor('the achievement on b', async () => (await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.achievement).get(doc.id as string)) != null, AbortSignal.timeout(15_000))
    } finally {
      await b.stop()
    }
  } finally {
    await stopAll([a])
    await rm(dir, { recursive: true, force: true })
  }
})

test('trust: own DID, trust roots, and endorsement chains of at most 3 hops', async () => {
  let a: Federation | undefined
  try {
    const city = await generateKeyPair()
    const root = await generateKeyPair()
    const [p1, p2, p3, p4] = await Promise.all([generateKeyPair(), generateKeyPair(), generateKeyPair(), generateKeyPair()])
    const store = createMemoryStore({ schemas })
    a = await createFederation({ key: city, store, trustRoots: [root.did], syncIntervalMs: 0, start: false })
    const put = async (issuer: typeof root, subject: string): Promise<void> => {
      const doc = await signedEndorsement(issuer, subject)
      await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.endorsement).put(doc.id as string, { kind: 'endorsement', id: doc.id as string, issuer: issuer.did, sequence: 1, cid: 'x', document: doc, receivedAt: new Date().toISOString() })
    }
    await put(root, p1!.did)
    await put(p1!, p2!.did)
    await put(p2!, p3!.did)
    await put(p3!, p4!.did)
    assert.ok((await a.trust(city.did)).trusted)
    assert.ok((await a.trust(root.did)).trusted)
    const one = await a.trust(p1!.did)
    assert.ok(one.trusted)
    assert.equal(one.endorsedBy, [root.did])
    assert.equal(one.chain, [root.did, p1!.did])
    const three = await a.trust(p3!.did)
    assert.ok(three.trusted, three.reason)
    assert.equal(three.chain, [root.did, p1!.did, p2!.did, p3!.did])
    const four = await a.trust(p4!.did)
    assert.not.ok(four.trusted, 'four hops is too far')
    assert.equal(four.endorsedBy, [p3!.did])
    assert.match(four.reason, /no chain/)
    const stranger = await a.trust((await generateKeyPair()).did)
    assert.not.ok(stranger.trusted)
    assert.equal(stranger.chain, [])
  } finally {
    await stopAll([a])
  }
})

test.run()
