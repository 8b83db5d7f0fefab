// The dial policy (which addresses a node dials) and the known peers' record; then known peers
// across restarts on 127.0.0.1: a node that moved is recorded at its new address (from its signed
// peer record) and found there by its neighbour after the neighbour's own restart.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { createMemoryStore } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addressKind, createDialPolicy, createFederation, FederationConfigError, federationSchema } from '../src/index.js'
import type { Federation } from '../src/index.js'
import { decodeKnownPeer, encodeKnownPeer, transportAddress } from '../src/dialling.js'
import { generateKeyPair, stopAll } from './helpers.js'

/** The records this package owns, as a node registers them. */
const schemas = [federationSchema]

const PEER = '12D3KooWGRUVh8ggNvmH6uVN8gnBBMwCRgcVmFvNW5dSqtUaJbpV'

test('addressKind: public, loopback, private, unroutable, names and other transports', () => {
  const cases: Array<[string, string]> = [
    ['/ip4/8.8.8.8/tcp/4001', 'public'],
    ['/ip4/193.62.1.2/tcp/4001/p2p/' + PEER, 'public'],
    ['/ip6/2a00:1450:4009::200e/tcp/4001', 'public'],
    ['/ip4/127.0.0.1/tcp/22', 'loopback'],
    ['/ip4/127.5.6.7/tcp/22', 'loopback'],
    ['/ip6/::1/tcp/22', 'loopback'],
    ['/ip6/::ffff:127.0.0.1/tcp/22', 'loopback'], // IPv4-mapped
    ['/ip6/64:ff9b::7f00:1/tcp/22', 'loopback'], // NAT64 of 127.0.0.1
    ['/ip4/10.0.0.5/tcp/5432', 'private'],
    ['/ip4/172.16.0.1/tcp/80', 'private'],
    ['/ip4/172.31.255.255/tcp/80', 'private'],
    ['/ip4/192.168.1.1/tcp/80', 'private'],
    ['/ip4/100.64.0.1/tcp/80', 'private'],
    ['/ip4/169.254.169.254/tcp/80', 'private'], // cloud metadata
    ['/ip6/fd00::1/tcp/22', 'private'],
    ['/ip6/fe80::1/tcp/22', 'private'],
    ['/ip6/::ffff:10.0.0.1/tcp/22', 'private'],
    ['/ip6zone/eth0/ip6/fe80::1/tcp/22', 'private'],
    ['/ip4/0.0.0.0/tcp/22', 'unroutable'], // reaches this host on Linux
    ['/ip6/::/tcp/22', 'unroutable'],
    ['/ip4/224.0.0.1/tcp/22', 'unroutable'],
    ['/ip4/255.255.255.255/tcp/22', 'unroutable'],
    ['/ip4/192.0.2.1/tcp/22', 'unroutable'],
    ['/ip6/2001:db8::1/tcp/22', 'unroutable'],
    ['/dns4/localhost/tcp/22', 'name'],
    ['/dns/internal.example/tcp/22', 'name'],
    ['/unix/tmp%2Fsocket', 'other']
  ]
  for (const [address, kind] of cases) assert.is(addressKind(multiaddr(address)), kind, address)
  assert.is(addressKind(multiaddr('/ip4/172.32.0.1/tcp/80')), 'public', 'just outside 172.16/12')
  assert.is(addressKind(multiaddr('/ip4/100.128.0.1/tcp/80')), 'public', 'just outside 100.64/10')
})

test('createDialPolicy: public always; loopback and private when allowed; named addresses always; never names or unroutable ones', () => {
  const none = createDialPolicy([])
  const loopback = createDialPolicy(['loopback'])
  const both = createDialPolicy(['private', 'loopback'])
  const ma = (s: string): ReturnType<typeof multiaddr> => multiaddr(`${s}/p2p/${PEER}`)
  assert.ok(none.allows(ma('/ip4/8.8.8.8/tcp/4001')))
  assert.not.ok(none.allows(ma('/ip4/127.0.0.1/tcp/4001')))
  assert.not.ok(none.allows(ma('/ip4/10.0.0.1/tcp/4001')))
  assert.ok(loopback.allows(ma('/ip4/127.0.0.1/tcp/4001')))
  assert.not.ok(loopback.allows(ma('/ip4/10.0.0.1/tcp/4001')))
  assert.ok(both.allows(ma('/ip4/10.0.0.1/tcp/4001')))
  for (const policy of [none, both]) {
    assert.not.ok(policy.allows(ma('/ip4/0.0.0.0/tcp/4001')), 'unroutable: never')
    assert.not.ok(policy.allows(ma('/dns4/localhost/tcp/4001')), 'a name a peer gave: never')
  }
  // Named by the operator (bootstrap, dial()): allowed, with or without /p2p, whatever the policy.
  const named = createDialPolicy([], [multiaddr(`/ip4/10.0.0.7/tcp/4001/p2p/${PEER}`), multiaddr('/dns4/bristol.example.org/tcp/4001')])
  assert.ok(named.allows(multiaddr('/ip4/10.0.0.7/tcp/4001')))
  assert.ok(named.allows(ma('/ip4/10.0.0.7/tcp/4001')))
  assert.ok(named.allows(ma('/dns4/bristol.example.org/tcp/4001')))
  assert.not.ok(named.allows(ma('/ip4/10.0.0.7/tcp/4002')), 'another port of the same host is not named')
  none.allowAddress(multiaddr('/ip4/127.0.0.1/tcp/9'))
  assert.ok(none.allows(ma('/ip4/127.0.0.1/tcp/9')))
})

test('known peer records: round trip, at most 8 addresses, damaged ones read as nothing', () => {
  const addrs = Array.from({ length: 10 }, (_, i) => `/ip4/203.0.114.${i}/tcp/4001`)
  const decoded = decodeKnownPeer(PEER, encodeKnownPeer({ peerId: PEER, addrs, seen: 1234 }))
  assert.equal(decoded, { peerId: PEER, addrs: addrs.slice(0, 8), seen: 1234 })
  assert.is(decodeKnownPeer(PEER, new TextEncoder().encode('{"addrs":["not a multiaddr"],"seen":1}')), undefined)
  assert.is(decodeKnownPeer(PEER, new TextEncoder().encode('[]')), undefined)
  assert.is(decodeKnownPeer(PEER, new Uint8Array([0xff])), undefined)
  assert.is(transportAddress(multiaddr(`/ip4/1.2.3.4/tcp/5/p2p/${PEER}`)), '/ip4/1.2.3.4/tcp/5')
})

test('allowDial is validated', async () => {
  for (const allowDial of [['public'], ['everything'], 'loopback']) {
    try {
      await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), start: false, allowDial: allowDial as unknown as ['loopback'] })
      assert.unreachable(`accepted ${JSON.stringify(allowDial)}`)
    } catch (err) {
      assert.instance(err, FederationConfigError)
      assert.match((err as Error).message, /allowDial/)
    }
  }
})

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

test('known peers: B restarts on another port and dials A; A records the new address; A restarts elsewhere and dials B there; hangUp forgets', async () => {
  const signal = AbortSignal.timeout(60_000)
  const root = await mkdtemp(join(tmpdir(), 'cofl-known-'))
  const nodes: Array<Federation | undefined> = []
  const node = async (name: string, init: { listen?: string[], bootstrap?: string[] } = {}): Promise<Federation> => {
    const f = await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), directory: join(root, name), syncIntervalMs: 0, allowDial: ['loopback'], announce: ['loopback'], ...init })
    nodes.push(f)
    return f
  }
  const port = (address: string | undefined): number => Number(/\/tcp\/(\d+)/.exec(address ?? '')?.[1])
  try {
    let a = await node('a')
    let b = await node('b', { bootstrap: a.multiaddrs() })
    const [idA, idB] = [a.peerId, b.peerId]
    await waitFor('each knows the other', () => a.knownPeers().some((p) => p.peerId === idB) && b.knownPeers().some((p) => p.peerId === idA), signal)
    assert.equal(a.knownPeers()[0]?.addrs, [`/ip4/127.0.0.1/tcp/${port(b.multiaddrs()[0])}`], 'the address B announced (its signed peer record)')

    await b.stop()
    const portB = await freePort()
    b = await node('b', { listen: [`/ip4/127.0.0.1/tcp/${portB}`] }) // no bootstrap: it dials the peers it knew
    assert.is(b.peerId, idB, 'the same peer id (the key is in the datastore)')
    await waitFor('B dialled A, its known peer', () => a.peers().includes(idB), signal)
    await waitFor('A recorded B\'s new address', () => a.knownPeers().find((p) => p.peerId === idB)?.addrs[0] === `/ip4/127.0.0.1/tcp/${portB}`, signal)

    await a.stop()
    a = await node('a', { listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`] })
    assert.is(a.peerId, idA)
    // B knows only A's old address: only A's dial of B at B's new address connects them.
    await waitFor('A dialled B at its new address', () => a.peers().includes(idB), signal)

    await a.hangUp(idB)
    assert.not.ok(a.knownPeers().some((p) => p.peerId === idB), 'hangUp forgets the peer')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.not.ok(a.peers().includes(idB), 'and does not dial it again')
  } finally {
    await stopAll(nodes)
    await rm(root, { recursive: true, force: true })
  }
})

test.run()
