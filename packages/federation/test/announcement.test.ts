import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ANNOUNCEMENT_VERSION, decodeAnnouncement, encodeAnnouncement, encodeUnsignedAnnouncement, signAnnouncement, verifyAnnouncement
} from '../src/index.js'
import type { Announcement, UnsignedAnnouncement } from '../src/index.js'
import { generateKeyPair } from './helpers.js'

const CID = 'baguqeerasords4njcts6vs7qvdjfcvgnume4hqohf65zsfguprqphs3icwea'

function header (issuer: string, sequence = 1): UnsignedAnnouncement {
  return { v: ANNOUNCEMENT_VERSION, kind: 'achievement', issuer, id: 'urn:uuid:1', cid: CID, sequence, addrs: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWLRPJAA5o6u9hwn7GZzG2WjYWkDjnLaJbC8g9jz6H9S2n'] }
}

test('a signed announcement round-trips and verifies', async () => {
  const key = await generateKeyPair()
  const signed = await signAnnouncement(header(key.did), key)
  assert.is(signed.sig.length, 64)
  const bytes = encodeAnnouncement(signed)
  const decoded = decodeAnnouncement(bytes)
  assert.ok(decoded.ok)
  if (!decoded.ok) return
  assert.equal(decoded.announcement, signed)
  assert.ok(await verifyAnnouncement(decoded.announcement))
})

test('the encoding is deterministic (dag-json sorts keys)', async () => {
  const key = await generateKeyPair()
  const h = header(key.did)
  const reordered = { addrs: h.addrs, sequence: h.sequence, cid: h.cid, id: h.id, issuer: h.issuer, kind: h.kind, v: h.v }
  assert.equal(encodeUnsignedAnnouncement(h), encodeUnsignedAnnouncement(reordered))
})

test('a tampered field fails verification', async () => {
  const key = await generateKeyPair()
  const signed = await signAnnouncement(header(key.did, 5), key)
  for (const change of [{ sequence: 6 }, { id: 'urn:uuid:2' }, { kind: 'status-list' as const }, { addrs: [] }]) {
    const tampered: Announcement = { ...signed, ...change }
    assert.not.ok(await verifyAnnouncement(tampered), JSON.stringify(change))
  }
  const sig = new Uint8Array(signed.sig)
  sig[0] = (sig[0] as number) ^ 1
  assert.not.ok(await verifyAnnouncement({ ...signed, sig }))
})

test('another DID\'s signature does not verify (a forgery)', async () => {
  const victim = await generateKeyPair()
  const forger = await generateKeyPair()
  const signed = await signAnnouncement(header(forger.did), forger)
  assert.not.ok(await verifyAnnouncement({ ...signed, issuer: victim.did }))
})

test('signAnnouncement refuses a header for another issuer', async () => {
  const key = await generateKeyPair()
  const other = await generateKeyPair()
  try {
    await signAnnouncement(header(other.did), key)
    assert.unreachable()
  } catch (err) {
    assert.instance(err, TypeError)
  }
})

test('decodeAnnouncement refuses garbage and malformed headers without throwing', async () => {
  const key = await generateKeyPair()
  const signed = await signAnnouncement(header(key.did), key)
  const enc = new TextEncoder()
  const cases: Array<[string, Uint8Array]> = [
    ['garbage', new Uint8Array([0xff, 0x00, 0x13, 0x37])],
    ['array', enc.encode('[1,2]')],
    ['unknown kind', encodeAnnouncement({ ...signed, kind: 'badge-class' as unknown as 'achievement' })],
    ['bad cid', encodeAnnouncement({ ...signed, cid: 'not-a-cid' })],
    ['zero sequence', encodeAnnouncement({ ...signed, sequence: 0 })],
    ['float sequence', encodeAnnouncement({ ...signed, sequence: 1.5 })],
    ['not a did:key', encodeAnnouncement({ ...signed, issuer: 'did:web:example.org' })],
    ['too many addrs', encodeAnnouncement({ ...signed, addrs: Array.from({ length: 9 }, () => '/ip4/127.0.0.1/tcp/1') })],
    ['short sig', encodeAnnouncement({ ...signed, sig: new Uint8Array(10) })],
    ['version 2', encodeAnnouncement({ ...signed, v: 2 as 1 })]
  ]
  for (const [name, bytes] of cases) {
    const decoded = decodeAnnouncement(bytes)
    assert.not.ok(decoded.ok, name)
    if (!decoded.ok) assert.type(decoded.reason, 'string')
  }
})

test('a header signed with the cached key object carries the same signature as the key\'s own signer makes', async () => {
  const key = await generateKeyPair()
  const h = header(key.did)
  const signed = await signAnnouncement(h, key)
  const library = new Uint8Array(await key.multikey.signer().sign({ data: encodeUnsignedAnnouncement(h) }))
  assert.equal([...signed.sig], [...library])
  assert.ok(await verifyAnnouncement(signed))
  // A second signature reuses the key object and is the same again (Ed25519 is deterministic).
  assert.equal([...(await signAnnouncement(h, key)).sig], [...library])
})

test.run()
