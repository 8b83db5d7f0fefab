// A hostile peer publishes straight onto the topics: forged announcements (another DID's
// signature), oversize messages, garbage bytes and replayed old status list versions. None is
// accepted or relayed, honest traffic keeps flowing, and the hostile peer's score goes negative.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ANNOUNCEMENT_VERSION, documentBlock, encodeAnnouncement, kindCollection, signAnnouncement } from '@cofl/federation'
import { SCORE_THRESHOLDS } from '@cofl/federation/tuning'
import type { Kind } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import { waitFor } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import { settle, signedAchievement, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'
import { announcementOf, joinNode, publishRaw, startHostile } from './fixtures/hostile.js'
import type { HostilePeer } from './fixtures/hostile.js'

test('a hostile peer: forgeries, oversize, garbage and replays are refused; honest traffic flows; its score drops', async () => {
  const signal = AbortSignal.timeout(60_000)
  const issuer = await createIssuer()
  const nodes: TestNode[] = []
  let hostile: HostilePeer | undefined
  try {
    const publisher = await startNode({ key: issuer.key })
    nodes.push(publisher)
    const honest = await startNode({ bootstrap: publisher.federation.multiaddrs() })
    nodes.push(honest)
    const far = await startNode({ bootstrap: honest.federation.multiaddrs() })
    nodes.push(far)
    await waitFor('honest connected to both', () => honest.federation.peers().length === 2, signal)

    hostile = await startHostile()
    await joinNode(hostile, honest.federation.multiaddrs()[0] as string, signal)
    const hostileId = hostile.peerId.toString()
    await settle()

    // The honest state: a status list at version 2.
    const v1 = await issuer.statusList()
    const v1Header = await announcementOf(issuer.key, 'status-list', v1, 1, publisher.federation.multiaddrs())
    await publisher.federation.publish('status-list', v1)
    const v2 = await issuer.revokeOne()
    await publisher.federation.publish('status-list', v2)
    await waitFor('far has v2', async () => (await kindCollection(far.store, 'status-list').get(v2.id as string))?.sequence === 2, signal)

    const forger = await generateKeyPair()
    const victim = issuer.key
    const pub = async (kind: Kind, data: Uint8Array): Promise<void> => { await publishRaw(hostile!, kind, data) }
    const forgedIds: string[] = []
    // 1. Replay of the genuine, correctly signed v1 header: stale -> Ignore, no roll-back.
    await pub('status-list', v1Header)
    // 2. Garbage bytes and an oversize message.
    await pub('achievement', new Uint8Array([0xde, 0xad, 0xbe, 0xef]))
    await pub('achievement', new Uint8Array(20 * 1024).fill(0x7b))
    // 3. Forgeries: the forger's own signed achievement announced under the victim's DID.
    for (let i = 0; i < 4; i++) {
      const doc = await signedAchievement(forger, `Forged ${i}`)
      forgedIds.push(doc.id as string)
      const { cid } = await documentBlock(doc)
      const signed = await signAnnouncement({ v: ANNOUNCEMENT_VERSION, kind: 'achievement', issuer: forger.did, id: doc.id as string, cid: cid.toString(), sequence: 1, addrs: [] }, forger)
      await pub('achievement', encodeAnnouncement({ ...signed, issuer: victim.did }))
      // and a forged newer status list version: the victim's list id, the forger's signature
      const list = { ...v2, sequence: 99 }
      const forgedList = encodeAnnouncement({ ...(await signAnnouncement({ v: ANNOUNCEMENT_VERSION, kind: 'status-list', issuer: forger.did, id: v2.id as string, cid: (await documentBlock(list)).cid.toString(), sequence: 99 + i, addrs: [] }, forger)), issuer: victim.did })
      await pub('status-list', forgedList)
    }
    await waitFor('the hostile peer\'s score below zero', () => honest.federation.peerScore(hostileId) < 0, signal)
    const score = honest.federation.peerScore(hostileId)
    assert.ok(score < 0, `score ${score}`)
    await waitFor('graylisted', () => honest.federation.peerScore(hostileId) < SCORE_THRESHOLDS.graylistThreshold, signal)

    // Honest traffic keeps flowing, across the node that was attacked.
    const fresh = await signedAchievement(issuer.key, 'After the attack')
    await publisher.federation.publish('achievement', fresh)
    const v3 = await issuer.revokeOne()
    await publisher.federation.publish('status-list', v3)
    await waitFor('far has the new achievement', async () => (await kindCollection(far.store, 'achievement').get(fresh.id as string)) != null, signal)
    await waitFor('far has v3', async () => (await kindCollection(far.store, 'status-list').get(v3.id as string))?.sequence === 3, signal)

    for (const n of [honest, far, publisher]) {
      for (const id of forgedIds) assert.is(await kindCollection(n.store, 'achievement').get(id), undefined, 'no forged achievement is stored')
      assert.is((await kindCollection(n.store, 'status-list').get(v2.id as string))?.sequence, 3, 'the newest list, never the replayed or forged one')
      assert.is(await kindCollection(n.store, 'achievement').count(), 1)
    }
    assert.ok(honest.federation.peerScore(hostileId) < 0)
    // The honest peers keep a non-negative score with each other.
    assert.ok(honest.federation.peerScore(publisher.federation.peerId) >= 0)
    assert.ok(far.federation.peerScore(honest.federation.peerId) >= 0)
  } finally {
    await hostile?.stop()
    await stopAll(nodes)
    await issuer.close()
  }
})

test.run()
