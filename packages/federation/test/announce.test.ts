// What a node tells its peers (issue 15): by default no address on a private, link-local, CGNAT or
// loopback network (identify's listen addresses, its signed peer record, its announcements' addrs),
// and no software version in identify; `announce` names what it tells instead.
import type { Libp2p } from '@libp2p/interface'
import { createMemoryStore } from '@cofl/store'
import { nonPublicMultiaddrs, waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFederation, decodeAnnouncement, FederationConfigError, federationSchema } from '../src/index.js'
import type { Federation } from '../src/index.js'
import { generateKeyPair, signedAchievement, stopAll } from './helpers.js'

const schemas = [federationSchema]

/** What an observer learnt of `node` by identify: its agent and protocol versions, the addresses it announced. */
async function identified (observer: Federation, node: Federation): Promise<{ agent: string, protocol: string, addresses: string[] }> {
  // The observer's libp2p, behind the interface: identify's result is in its peer store.
  const libp2p = (observer as unknown as { helia: { libp2p: Libp2p } }).helia.libp2p
  const remote = libp2p.getConnections().find((c) => c.remotePeer.toString() === node.peerId)?.remotePeer
  if (remote == null) return { agent: '', protocol: '', addresses: [] }
  const peer = await libp2p.peerStore.get(remote)
  const text = (key: string): string => new TextDecoder().decode(peer.metadata.get(key) ?? new Uint8Array())
  return { agent: text('AgentVersion'), protocol: text('ProtocolVersion'), addresses: peer.addresses.map((a) => a.multiaddr.toString()) }
}

test('by default a node on loopback and private addresses announces none of them, and identify carries no version', async () => {
  const signal = AbortSignal.timeout(20_000)
  const nodes: Array<Federation | undefined> = []
  try {
    const key = await generateKeyPair()
    // Listening on loopback and on every interface (private ones, if this host has any).
    const a = await createFederation({ key, store: createMemoryStore({ schemas }), syncIntervalMs: 0, listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/0.0.0.0/tcp/0'] })
    nodes.push(a)
    const b = await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), syncIntervalMs: 0, bootstrap: [a.multiaddrs()[0] as string] })
    nodes.push(b)
    assert.ok(a.multiaddrs().some((m) => m.startsWith('/ip4/127.0.0.1/')), 'multiaddrs() still lists where it listens')
    assert.equal(nonPublicMultiaddrs(a.announced()), [], 'it announces no loopback or private address')

    await waitFor('b identified a', async () => (await identified(b, a)).agent !== '', signal)
    const seen = await identified(b, a)
    assert.is(seen.agent, 'cofl')
    // identify's own protocol version, the same on every libp2p node (docs/federation.md).
    assert.is(seen.protocol, 'ipfs/0.1.0')
    assert.not.match(seen.agent + seen.protocol, /js-libp2p|helia|node\/|\d+\.\d+\.\d+\.\d+|libp2p\/\d/, 'no software version')
    // The peer store holds what identify said (the signed peer record's addresses) and the address b dialled.
    assert.equal(nonPublicMultiaddrs(seen.addresses.filter((m) => m !== a.multiaddrs()[0]?.replace(/\/p2p\/.*$/, ''))), [], `only the dialled address: ${seen.addresses.join(' ')}`)

    // An announcement's addrs: none of them either.
    let header: Uint8Array | undefined
    type Listen = (t: string, l: (e: { detail: { data: Uint8Array } }) => void) => void
    const pubsub = (b as unknown as { helia: { libp2p: { services: { pubsub: { addEventListener: Listen } } } } }).helia.libp2p.services.pubsub
    pubsub.addEventListener('message', (event) => { header = event.detail.data })
    await waitFor('the mesh', () => a.peers().length > 0, signal)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await a.publish('achievement', await signedAchievement(key))
    await waitFor('the announcement at b', () => header != null, signal)
    const decoded = decodeAnnouncement(header as Uint8Array)
    assert.ok(decoded.ok)
    if (decoded.ok) assert.equal(nonPublicMultiaddrs(decoded.announcement.addrs), [])
  } finally {
    await stopAll(nodes)
  }
})

test('announce: named addresses replace the public listen addresses; \'loopback\' adds the loopback ones; bad entries refused', async () => {
  const nodes: Array<Federation | undefined> = []
  try {
    const named = await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), syncIntervalMs: 0, announce: ['/dns4/city.example.org/tcp/4001'] })
    nodes.push(named)
    assert.equal(named.announced(), [`/dns4/city.example.org/tcp/4001/p2p/${named.peerId}`])
    const local = await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), syncIntervalMs: 0, announce: ['loopback'] })
    nodes.push(local)
    assert.equal(local.announced(), local.multiaddrs())
    for (const bad of [['not an address'], ['/ip4/1.2.3.4/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'], 'loopback']) {
      try {
        await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), start: false, announce: bad as string[] })
        assert.unreachable(`accepted ${JSON.stringify(bad)}`)
      } catch (err) {
        assert.instance(err, FederationConfigError)
        assert.match((err as Error).message, /announce/)
      }
    }
  } finally {
    await stopAll(nodes)
  }
})

test.run()
