// The search of a network capture: secrets in bytes and text, addresses that are not public.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { findSecrets, isNonPublicHost, nonPublicAddressesIn, nonPublicMultiaddrs } from '../src/index.js'

test('isNonPublicHost: RFC 1918, loopback, link-local, shared, unique local, v4-mapped and local names; public ones are not', () => {
  for (const host of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.10', '127.0.0.1', '127.9.9.9', '100.64.0.1', '100.127.255.254', '169.254.1.1', '0.0.0.0',
    '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', '[::1]', '::ffff:192.168.0.1', 'localhost', 'node.local']) {
    assert.ok(isNonPublicHost(host), host)
  }
  for (const host of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2001:db8::1', '2a00:1450::1', 'example.org', 'fec0::1']) {
    assert.not.ok(isNonPublicHost(host), host)
  }
})

test('nonPublicMultiaddrs: by the host of each multiaddr', () => {
  assert.equal(nonPublicMultiaddrs([
    '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA', '/ip4/203.0.113.7/tcp/4001', '/ip6/::1/tcp/1', '/ip6/2001:db8::2/tcp/1', '/dns4/localhost/tcp/1', '/dns4/city.example/tcp/443/wss', '/ip4/10.0.0.2/udp/1/quic-v1'
  ]), ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA', '/ip6/::1/tcp/1', '/dns4/localhost/tcp/1', '/ip4/10.0.0.2/udp/1/quic-v1'])
})

test('nonPublicAddressesIn: literals, multiaddrs and URLs in text; versions and public addresses are not found', () => {
  const text = '{"addrs":["/ip4/192.168.0.4/tcp/1","/ip6/fe80::2/tcp/2"],"url":"http://127.0.0.1:8080/x","u2":"http://[::1]:9/","h":"https://localhost/a","v":"1.2.3.4.5","ok":"203.0.113.9 and 2001:db8::1"}'
  assert.equal(nonPublicAddressesIn(text).sort(), ['127.0.0.1', '192.168.0.4', '::1', 'fe80::2', 'localhost'].sort())
  assert.equal(nonPublicAddressesIn('libp2p/3.3.1 node/20.20.0 cofl 0.1.0'), [])
})

test('findSecrets: in UTF-8 bytes, inside a binary frame, in a text form, ignoring case; nothing when absent', () => {
  const email = 'ada@learners.example'
  const frame = new Uint8Array([0xff, 0x00, ...new TextEncoder().encode('name=ADA@Learners.example'), 0x81])
  const findings = findSecrets([
    { where: 'clean', bytes: new TextEncoder().encode('{"id":"urn:uuid:1"}') },
    { where: 'frame', bytes: frame },
    { where: 'decoded', text: '{"to":"did:key:z6MkLearner"}' }
  ], [{ what: 'email', value: email }, { what: 'DID', value: 'did:key:z6MkLearner' }, { what: 'empty', value: '' }])
  assert.equal(findings, [{ what: 'email', value: email, where: 'frame' }, { what: 'DID', value: 'did:key:z6MkLearner', where: 'decoded' }])
  assert.equal(findSecrets([{ where: 'x', bytes: new Uint8Array(8) }], [{ what: 'email', value: email }]), [])
})

test.run()
