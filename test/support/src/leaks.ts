/**
 * What a test that listens to the network searches its capture with: secrets (a learner's name,
 * email, DID, claim code...) in captured bytes or text, and addresses that are not public (the
 * ranges of RFC 1918, loopback, link-local, shared address space, unique local IPv6) in
 * multiaddrs or in text. Node's own `net.BlockList` decides what falls in a range.
 */
import { BlockList, isIP } from 'node:net'

/** One thing captured: where it came from (for the report) and its bytes and / or a text form. */
export interface Captured {
  where: string
  bytes?: Uint8Array
  /** Another form of it to search as well, such as its decoded JSON. */
  text?: string
}

/** One value that must not appear: what it is (for the report) and the value. */
export interface Secret {
  what: string
  value: string
}

export interface Finding {
  what: string
  value: string
  where: string
}

/** The ranges that are not public: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16, ::, ::1, fc00::/7, fe80::/10. */
const NOT_PUBLIC = new BlockList()
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4')
}
NOT_PUBLIC.addAddress('::', 'ipv6')
NOT_PUBLIC.addAddress('::1', 'ipv6')
NOT_PUBLIC.addSubnet('fc00::', 7, 'ipv6')
NOT_PUBLIC.addSubnet('fe80::', 10, 'ipv6')

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i

/** Whether an IP address (v4, v6, v4-mapped v6) or host name is loopback, private, link-local or otherwise not public. */
export function isNonPublicHost (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const version = isIP(bare)
  if (version === 4) return NOT_PUBLIC.check(bare, 'ipv4')
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
    return mapped != null ? NOT_PUBLIC.check(mapped, 'ipv4') : NOT_PUBLIC.check(bare, 'ipv6')
  }
  return LOCAL_NAMES.test(bare)
}

/** The host of a multiaddr string (`/ip4/127.0.0.1/tcp/1/p2p/...` -> 127.0.0.1), if it has one. */
export function multiaddrHost (address: string): string | undefined {
  const parts = address.split('/')
  const i = parts.findIndex((p) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr'].includes(p))
  return i >= 0 ? parts[i + 1] : undefined
}

/** Those of `addresses` (multiaddr strings) whose host is not public. */
export function nonPublicMultiaddrs (addresses: Iterable<string>): string[] {
  return [...addresses].filter((a) => {
    const host = multiaddrHost(a)
    return host != null && isNonPublicHost(host)
  })
}

const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g
const IP6_COMPONENT = /\/ip6\/([0-9a-fA-F:.]+)/g
const BRACKETED = /\[([0-9a-fA-F:.]+)\]/g
const HOSTS = /\/(?:dns|dns4|dns6|dnsaddr)\/([^/\s"]+)|\/\/([A-Za-z0-9.-]+)(?::\d+)?\//g

/**
 * The non-public addresses written anywhere in `text`: IPv4 literals, /ip6/ components and
 * bracketed IPv6 (URLs), and host names such as localhost in /dns/ components or URLs.
 */
export function nonPublicAddressesIn (text: string): string[] {
  const found = new Set<string>()
  for (const m of text.matchAll(IPV4)) if (isIP(m[0]) === 4 && isNonPublicHost(m[0])) found.add(m[0])
  for (const re of [IP6_COMPONENT, BRACKETED]) for (const m of text.matchAll(re)) if (m[1] != null && isIP(m[1]) === 6 && isNonPublicHost(m[1])) found.add(m[1])
  for (const m of text.matchAll(HOSTS)) {
    const host = m[1] ?? m[2]
    if (host != null && isIP(host) === 0 && LOCAL_NAMES.test(host)) found.add(host)
  }
  return [...found]
}

const decoder = new TextDecoder('utf-8', { fatal: false })

/**
 * Every secret found in anything captured: searched, ignoring case, in the bytes read as UTF-8 and
 * as Latin-1 (so a value inside a binary frame is found too) and in the text form.
 */
export function findSecrets (captured: Iterable<Captured>, secrets: readonly Secret[]): Finding[] {
  const wanted = secrets.filter((s) => s.value.length > 0).map((s) => ({ ...s, lower: s.value.toLowerCase() }))
  const findings: Finding[] = []
  for (const item of captured) {
    const forms: string[] = []
    if (item.bytes != null) {
      forms.push(decoder.decode(item.bytes).toLowerCase(), Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength).toString('latin1').toLowerCase())
    }
    if (item.text != null) forms.push(item.text.toLowerCase())
    for (const secret of wanted) {
      if (forms.some((form) => form.includes(secret.lower))) findings.push({ what: secret.what, value: secret.value, where: item.where })
    }
  }
  return findings
}
