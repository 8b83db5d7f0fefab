// Anti-entropy sync: a late joiner converges without anyone re-publishing; a node cut off while
// its peer revokes converges when it is back.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { kindCollection } from '@cofl/federation'
import { waitFor } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import { settle, signedAchievement, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'

test('a late joiner after 100 announcements converges through sync alone', async () => {
  const signal = AbortSignal.timeout(120_000)
  const nodes: TestNode[] = []
  const issuer = await createIssuer()
  try {
    const a = await startNode({ key: issuer.key })
    nodes.push(a)
    // b and c trust the publisher: an untrusted issuer's 101 documents would stop at its quota (UNTRUSTED_MAX_DOCUMENTS).
    const b = await startNode({ bootstrap: a.federation.multiaddrs(), trustRoots: [issuer.key.did] })
    nodes.push(b)
    await waitFor('a and b connected', () => a.federation.peers().length === 1, signal)
    await settle()
    const ids: string[] = []
    for (let i = 0; i < 100; i++) {
      const doc = await signedAchievement(issuer.key, `Achievement ${i}`)
      ids.push(doc.id as string)
      await a.federation.publish('achievement', doc)
    }
    const list = await issuer.revokeOne()
    await a.federation.publish('status-list', list)
    await waitFor('b has all 100', async () => (await kindCollection(b.store, 'achievement').count()) === 100, signal)
    // c joins late, connected to b only: nothing is published any more.
    const c = await startNode({ bootstrap: b.federation.multiaddrs(), trustRoots: [issuer.key.did] })
    nodes.push(c)
    await waitFor('c has all 100', async () => (await kindCollection(c.store, 'achievement').count()) === 100, signal)
    await waitFor('c has the status list', async () => (await kindCollection(c.store, 'status-list').get(list.id as string))?.sequence === 1, signal)
    for (const id of ids) {
      const stored = await kindCollection(c.store, 'achievement').get(id)
      assert.is(stored?.issuer, issuer.key.did)
      assert.is(stored?.cid, (await kindCollection(a.store, 'achievement').get(id))?.cid)
    }
    assert.not.ok(c.federation.peers().includes(a.federation.peerId), 'c never talked to the publisher')
    // A second round finds nothing to fetch.
    const again = await c.federation.syncNow()
    assert.is(again.requested, 0)
    assert.ok(again.heads >= 101)
  } finally {
    await stopAll(nodes)
    await issuer.close()
  }
})

test('a node stopped while its peer revokes converges when it starts again', async () => {
  const signal = AbortSignal.timeout(60_000)
  const issuer = await createIssuer()
  let a: TestNode | undefined
  let b: TestNode | undefined
  try {
    a = await startNode({ key: issuer.key })
    b = await startNode({ bootstrap: a.federation.multiaddrs() })
    await waitFor('a and b connected', () => a!.federation.peers().length === 1, signal)
    await settle()
    const v1 = await issuer.statusList()
    await a.federation.publish('status-list', v1)
    await waitFor('b has v1', async () => (await kindCollection(b!.store, 'status-list').get(v1.id as string))?.sequence === 1, signal)
    await b.federation.stop()
    const v2 = await issuer.revokeOne()
    await a.federation.publish('status-list', v2)
    const v3 = await issuer.revokeOne()
    await a.federation.publish('status-list', v3)
    assert.is((await kindCollection(b.store, 'status-list').get(v1.id as string))?.sequence, 1, 'b missed the revocations')
    await b.federation.start() // the same store; dials its bootstrap peer again and syncs on connect
    await waitFor('b has v3', async () => (await kindCollection(b!.store, 'status-list').get(v1.id as string))?.sequence === 3, signal)
    assert.equal((await b.federation.getStatusList(v1.id as string)), JSON.parse(JSON.stringify(v3)))
  } finally {
    await stopAll([a, b])
    await issuer.close()
  }
})

test('a node disconnected while its peer revokes converges when it reconnects (no re-publishing)', async () => {
  const signal = AbortSignal.timeout(60_000)
  const issuer = await createIssuer()
  let a: TestNode | undefined
  let b: TestNode | undefined
  try {
    a = await startNode({ key: issuer.key })
    b = await startNode()
    await b.federation.dial(a.federation.multiaddrs()[0] as string, { signal })
    await settle()
    const v1 = await issuer.statusList()
    await a.federation.publish('status-list', v1)
    await waitFor('b has v1', async () => (await kindCollection(b!.store, 'status-list').get(v1.id as string))?.sequence === 1, signal)
    await b.federation.hangUp(a.federation.peerId)
    await waitFor('disconnected', () => a!.federation.peers().length === 0 && b!.federation.peers().length === 0, signal)
    const v2 = await issuer.revokeOne()
    await a.federation.publish('status-list', v2) // no peers: stored, not sent, no error
    await settle(200)
    assert.is((await kindCollection(b.store, 'status-list').get(v1.id as string))?.sequence, 1)
    await b.federation.dial(a.federation.multiaddrs()[0] as string, { signal })
    await waitFor('b has v2', async () => (await kindCollection(b!.store, 'status-list').get(v1.id as string))?.sequence === 2, signal)
  } finally {
    await stopAll([a, b])
    await issuer.close()
  }
})

test.run()
