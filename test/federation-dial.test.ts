// Which addresses a node dials (docs/federation.md, "Which addresses a node dials"). A hostile
// peer announces documents that nobody holds, each naming 8 addresses of this host as its
// publisher's: plain TCP listeners on 127.0.0.1 that count the connections they get (a port scan
// by announcement). A node that does not dial loopback (the default) connects to none of them;
// the same announcements make a node that opted into loopback connect to them (the test sees it).
// Addresses the operator names (bootstrap, dial()) are dialled whatever the policy.
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { generateKeyPair as generatePeerKey } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { DialKind } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import { waitFor } from '@cofl/test-support'
import { settle, signedAchievement, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'
import { announcementOf, joinNode, publishRaw, startHostile } from './fixtures/hostile.js'
import type { HostilePeer } from './fixtures/hostile.js'

/** `n` TCP listeners on 127.0.0.1 that count connections and close each at once. */
async function listeners (n: number): Promise<{ addrs: string[], connections: () => number, close: () => Promise<void> }> {
  let connections = 0
  const servers: Server[] = []
  for (let i = 0; i < n; i++) {
    const server = createServer((socket) => { connections++; socket.destroy() })
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve) })
    servers.push(server)
  }
  return {
    addrs: servers.map((s) => `/ip4/127.0.0.1/tcp/${(s.address() as { port: number }).port}`),
    connections: () => connections,
    close: async () => { await Promise.all(servers.map(async (s) => { await new Promise((resolve) => s.close(resolve)) })) }
  }
}

/** The hostile peer's 4 announcements of blocks nobody holds, each naming `addrs` (with made-up peer ids) as the publisher's. */
async function bait (hostile: HostilePeer, addrs: string[]): Promise<void> {
  const key = await generateKeyPair()
  for (let i = 0; i < 4; i++) {
    const named = await Promise.all(addrs.map(async (a) => `${a}/p2p/${peerIdFromPrivateKey(await generatePeerKey('Ed25519')).toString()}`))
    assert.ok(await publishRaw(hostile, 'achievement', await announcementOf(key, 'achievement', await signedAchievement(key, `Bait ${i}`), 1, named)))
  }
}

test('announcements naming 8 loopback addresses each: a node that does not dial loopback connects to none; one that does connects to them', async () => {
  const signal = AbortSignal.timeout(60_000)
  const nodes: TestNode[] = []
  const hostiles: HostilePeer[] = []
  const targets = await Promise.all([listeners(8), listeners(8)])
  try {
    // Two honest nodes, each with its own hostile peer and its own 8 listeners: the same attack at the same time.
    const cases: Array<{ allowDial: DialKind[], node: TestNode, hostile: HostilePeer }> = []
    for (const allowDial of [[], ['loopback']] as DialKind[][]) {
      const node = await startNode({ allowDial, fetchTimeoutMs: 5000 })
      nodes.push(node)
      const hostile = await startHostile()
      hostiles.push(hostile)
      // Inbound connections are not dials: the hostile peer reaches the node whatever its policy.
      await joinNode(hostile, node.federation.multiaddrs()[0] as string, signal)
      cases.push({ allowDial, node, hostile })
    }
    await settle()
    const [strict, open] = targets as [Awaited<ReturnType<typeof listeners>>, Awaited<ReturnType<typeof listeners>>]
    await Promise.all([bait(cases[0]!.hostile, strict.addrs), bait(cases[1]!.hostile, open.addrs)])
    // The node that may dial loopback dials the named addresses (the attack works there)...
    await waitFor('the loopback-dialling node connected to the named addresses', () => open.connections() >= 8, signal)
    await settle(1000)
    // ...the default one, under the same attack at the same time, dials none of them.
    assert.is(strict.connections(), 0, 'a node that does not dial loopback connected to addresses an announcement named')
    assert.ok(open.connections() >= 8, `the loopback-dialling node made ${open.connections()} connections`)
    // Neither node is cut off from its peers for that: the hostile peer is still connected.
    for (const { node } of cases) assert.is(node.federation.peers().length, 1)
  } finally {
    await Promise.allSettled(hostiles.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
    await Promise.all(targets.map(async (t) => { await t.close() }))
  }
})

test('bootstrap and dial() addresses are dialled whatever the policy: the operator named them', async () => {
  const signal = AbortSignal.timeout(30_000)
  const nodes: TestNode[] = []
  try {
    const a = await startNode({ allowDial: [] })
    nodes.push(a)
    const b = await startNode({ allowDial: [], bootstrap: a.federation.multiaddrs() })
    nodes.push(b)
    await waitFor('b connected to its bootstrap peer on loopback', () => b.federation.peers().includes(a.federation.peerId), signal)
    const c = await startNode({ allowDial: [] })
    nodes.push(c)
    await c.federation.dial(a.federation.multiaddrs()[0] as string, { signal })
    assert.ok(c.federation.peers().includes(a.federation.peerId))
  } finally {
    await stopAll(nodes)
  }
})

test.run()
