// Five nodes in a line (each dials only the next): an achievement published at one end reaches
// the other end's store, and so does a revocation (a newer status list version).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { kindCollection } from '@cofl/federation'
import { waitFor } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import { settle, signedAchievement, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'

test('5 nodes in a line: an achievement and a revocation cross 4 hops by gossip', async () => {
  const signal = AbortSignal.timeout(60_000)
  const nodes: TestNode[] = []
  const issuer = await createIssuer()
  try {
    // Built from the far end: node i dials node i + 1 only.
    for (let i = 4; i >= 0; i--) {
      const next = nodes[0]
      const node = await startNode({ ...(i === 0 ? { key: issuer.key } : {}), ...(next != null ? { bootstrap: next.federation.multiaddrs() } : {}) })
      nodes.unshift(node)
    }
    for (const [i, n] of nodes.entries()) {
      await waitFor(`node ${i} connected`, () => n.federation.peers().length === (i === 0 || i === 4 ? 1 : 2), signal)
    }
    await settle()
    const [first, , , , last] = nodes as [TestNode, TestNode, TestNode, TestNode, TestNode]
    assert.not.ok(last.federation.peers().includes(first.federation.peerId), 'the ends are not connected')

    const achievement = await signedAchievement(issuer.key)
    await first.federation.publish('achievement', achievement)
    await waitFor('the achievement at the far end', async () => (await kindCollection(last.store, 'achievement').get(achievement.id as string)) != null, signal)

    const v1 = await issuer.statusList()
    await first.federation.publish('status-list', v1)
    await waitFor('list v1 at the far end', async () => (await kindCollection(last.store, 'status-list').get(v1.id as string))?.sequence === 1, signal)

    const v2 = await issuer.revokeOne()
    assert.is(v2.sequence, 2)
    const started = Date.now()
    await first.federation.publish('status-list', v2)
    await waitFor('the revocation at the far end', async () => (await kindCollection(last.store, 'status-list').get(v2.id as string))?.sequence === 2, signal)
    const elapsed = Date.now() - started
    assert.ok(elapsed < 5000, `revocation took ${elapsed} ms over 4 hops`)
    for (const n of nodes) {
      const held = await n.federation.getStatusList(v2.id as string)
      assert.is(held?.sequence, 2)
      assert.equal(held, JSON.parse(JSON.stringify(v2)))
    }
    // The far end's trust: the issuer is nobody it trusts (no endorsement), and says so.
    const trust = await last.federation.trust(issuer.key.did)
    assert.not.ok(trust.trusted)
  } finally {
    await stopAll(nodes)
    await issuer.close()
  }
})

test.run()
