/**
 * Which addresses a node dials (the dial policy, applied to every dial through libp2p's
 * connection gater) and the record of the peers it has been connected to (known peers, kept in
 * the datastore so that a restarted node dials them again). docs/federation.md, "Which addresses
 * a node dials".
 */
import { BlockList, isIPv4 } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { MAX_KNOWN_PEER_ADDRS } from './constants.js'
import type { DialKind } from './constants.js'

/**
 * What an address reaches: the Internet (`public`), this host (`loopback`), a private or
 * link-local network (`private`), nothing that may be dialled (`unroutable`: unspecified,
 * multicast, broadcast, documentation and reserved ranges), a DNS name whose address is not known
 * before the dial (`name`), or another transport (`other`).
 */
export type AddressKind = 'public' | DialKind | 'unroutable' | 'name' | 'other'

function subnets (list: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const blocks = new BlockList()
  for (const [address, prefix, family] of list) blocks.addSubnet(address, prefix, family)
  return blocks
}

// Node's BlockList matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 subnets.
const LOOPBACK = subnets([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])
const PRIVATE = subnets([
  ['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['169.254.0.0', 16, 'ipv4'], // link-local (cloud metadata services live here)
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['fec0::', 10, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'] // local-use NAT64
])
const UNROUTABLE = subnets([
  ['0.0.0.0', 8, 'ipv4'], // "this network": 0.0.0.0 reaches this host on Linux
  ['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], // multicast; reserved and broadcast
  ['::', 128, 'ipv6'], ['100::', 64, 'ipv6'], ['2001:db8::', 32, 'ipv6'], ['ff00::', 8, 'ipv6']
])

/** The IPv4 address inside a NAT64 address (64:ff9b::a.b.c.d), which is what it reaches. */
function nat64 (ip6: string): string | undefined {
  const match = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(ip6)
  if (match == null) return undefined
  if (match[3] != null) return isIPv4(match[3]) ? match[3] : undefined
  const high = parseInt(match[1] as string, 16)
  const low = parseInt(match[2] as string, 16)
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

function ipKind (address: string, family: 'ipv4' | 'ipv6'): AddressKind {
  if (family === 'ipv6') {
    const embedded = nat64(address)
    if (embedded != null) return ipKind(embedded, 'ipv4')
  }
  if (LOOPBACK.check(address, family)) return 'loopback'
  if (UNROUTABLE.check(address, family)) return 'unroutable'
  if (PRIVATE.check(address, family)) return 'private'
  return 'public'
}

/** What a multiaddr reaches (by its first component). */
export function addressKind (address: Multiaddr): AddressKind {
  const first = address.getComponents()[0]
  if (first == null) return 'other'
  switch (first.name) {
    case 'ip4': return first.value != null ? ipKind(first.value, 'ipv4') : 'other'
    case 'ip6': return first.value != null ? ipKind(first.value, 'ipv6') : 'other'
    case 'ip6zone': return 'private' // a zone is a link: link-local addresses
    case 'dns': case 'dns4': case 'dns6': case 'dnsaddr': return 'name'
    default: return 'other'
  }
}

/** The address without its /p2p/<peer id>: what the transport connects to. */
export function transportAddress (address: Multiaddr): string {
  const components = address.getComponents()
  while (components.length > 0 && components[components.length - 1]?.name === 'p2p') components.pop()
  return multiaddr(components).toString()
}

export interface DialPolicy {
  /** Whether this node may dial the address (libp2p's gater asks before every dial). */
  allows: (address: Multiaddr) => boolean
  /** An address the operator named (bootstrap, dial()): always allowed. */
  allowAddress: (address: Multiaddr) => void
}

/**
 * The dial policy: public IP addresses always; loopback and private ones only when `allow` says
 * so; addresses the operator named always; nothing else (DNS names from peers, unspecified,
 * multicast and reserved addresses, other transports).
 */
export function createDialPolicy (allow: readonly DialKind[], named: readonly Multiaddr[] = []): DialPolicy {
  const kinds = new Set<AddressKind>(['public', ...allow])
  const operator = new Set(named.map(transportAddress))
  return {
    allows: (address) => operator.has(transportAddress(address)) || kinds.has(addressKind(address)),
    allowAddress: (address) => { operator.add(transportAddress(address)) }
  }
}

/** A peer this node has been connected to: its addresses as it last announced them (signed peer record). */
export interface KnownPeer {
  peerId: string
  /** Transport addresses without /p2p (at most MAX_KNOWN_PEER_ADDRS). */
  addrs: string[]
  /** When this node was last connected to it (ms since the epoch). */
  seen: number
}

/** The JSON of a known peer record (what goes into the datastore). */
export function encodeKnownPeer (peer: KnownPeer): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ addrs: peer.addrs.slice(0, MAX_KNOWN_PEER_ADDRS), seen: peer.seen }))
}

/** A known peer record read back; undefined when it is not one (a damaged datastore is not fatal). */
export function decodeKnownPeer (peerId: string, bytes: Uint8Array): KnownPeer | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as { addrs?: unknown, seen?: unknown }
    if (!Array.isArray(value.addrs) || typeof value.seen !== 'number' || !Number.isFinite(value.seen)) return undefined
    const addrs = value.addrs.filter((a): a is string => typeof a === 'string').slice(0, MAX_KNOWN_PEER_ADDRS)
    for (const a of addrs) multiaddr(a) // throws on a malformed one
    return { peerId, addrs, seen: value.seen }
  } catch {
    return undefined
  }
}
