// The validator's verdicts without a network: forged signature and oversize -> reject, stale -> ignore, good -> accept.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ANNOUNCEMENT_VERSION, checkDocument, documentBlock, encodeAnnouncement, signAnnouncement, TOPIC_PREFIX, topicOf, validateHeader
} from '../src/index.js'
import type { HeldVersion, Kind } from '../src/index.js'
import { generateKeyPair, signedAchievement, signedEndorsement, signedStatusList } from './helpers.js'
import type { KeyPair } from './helpers.js'

const LIMIT = 16 * 1024

async function announce (key: KeyPair, kind: Kind, document: Record<string, unknown>, sequence: number, extra: { addrs?: string[], issuer?: string } = {}): Promise<Uint8Array> {
  const { cid } = await documentBlock(document)
  const signed = await signAnnouncement({ v: ANNOUNCEMENT_VERSION, kind, issuer: key.did, id: document.id as string, cid: cid.toString(), sequence, addrs: extra.addrs ?? [] }, key)
  return encodeAnnouncement(extra.issuer != null ? { ...signed, issuer: extra.issuer } : signed)
}

function context (held: Map<string, HeldVersion> = new Map(), topic?: string): Parameters<typeof validateHeader>[1] {
  return { maxMessageBytes: LIMIT, topicPrefix: TOPIC_PREFIX, held: async (kind, id) => held.get(`${kind} ${id}`), ...(topic != null ? { topic } : {}) }
}

test('a good announcement is accepted', async () => {
  const key = await generateKeyPair()
  const doc = await signedAchievement(key)
  const result = await validateHeader(await announce(key, 'achievement', doc, 1), context(new Map(), topicOf('achievement', TOPIC_PREFIX)))
  assert.is(result.verdict, 'accept', result.reason)
  assert.is(result.announcement?.id, doc.id)
})

test('a forged signature (another DID signed it) is rejected', async () => {
  const victim = await generateKeyPair()
  const forger = await generateKeyPair()
  const doc = await signedAchievement(forger)
  const result = await validateHeader(await announce(forger, 'achievement', doc, 1, { issuer: victim.did }), context())
  assert.is(result.verdict, 'reject')
  assert.match(result.reason, /signature/)
})

test('an oversize message is rejected before it is decoded', async () => {
  const key = await generateKeyPair()
  const doc = await signedAchievement(key)
  const big = await announce(key, 'achievement', doc, 1, { addrs: ['/ip4/127.0.0.1/tcp/1/' + 'x'.repeat(400)] })
  const result = await validateHeader(big, { ...context(), maxMessageBytes: 256 })
  assert.is(result.verdict, 'reject')
  assert.match(result.reason, /limit/)
  const huge = new Uint8Array(LIMIT + 1)
  assert.is((await validateHeader(huge, context())).verdict, 'reject')
})

test('garbage bytes and unknown kinds are rejected', async () => {
  assert.is((await validateHeader(new Uint8Array([1, 2, 3]), context())).verdict, 'reject')
  assert.is((await validateHeader(new TextEncoder().encode('{"v":1,"kind":"pathway"}'), context())).verdict, 'reject')
})

test('an announcement on the wrong topic is rejected', async () => {
  const key = await generateKeyPair()
  const doc = await signedAchievement(key)
  const result = await validateHeader(await announce(key, 'achievement', doc, 1), context(new Map(), topicOf('status-list', TOPIC_PREFIX)))
  assert.is(result.verdict, 'reject')
})

test('a stale or replayed version is ignored: never a roll-back of a status list', async () => {
  const key = await generateKeyPair()
  const v1 = await signedStatusList(key, 1)
  const bytes = await announce(key, 'status-list', v1, 1)
  const held = new Map<string, HeldVersion>([[`status-list ${v1.id as string}`, { issuer: key.did, sequence: 2, cid: 'x' }]])
  const older = await validateHeader(bytes, context(held))
  assert.is(older.verdict, 'ignore')
  held.set(`status-list ${v1.id as string}`, { issuer: key.did, sequence: 1, cid: (await documentBlock(v1)).cid.toString() })
  assert.is((await validateHeader(bytes, context(held))).verdict, 'ignore', 'a replay of the held version')
  const v3 = await signedStatusList(key, 3)
  assert.is((await validateHeader(await announce(key, 'status-list', v3, 3), context(held))).verdict, 'accept')
})

test('an id held for another issuer is rejected (no squatting)', async () => {
  const owner = await generateKeyPair()
  const squatter = await generateKeyPair()
  const doc = await signedAchievement(squatter, 'Squat', 'urn:uuid:owned')
  const held = new Map<string, HeldVersion>([['achievement urn:uuid:owned', { issuer: owner.did, sequence: 1, cid: 'x' }]])
  assert.is((await validateHeader(await announce(squatter, 'achievement', doc, 2), context(held))).verdict, 'reject')
})

test('checkDocument: the proof, the issuer and the id must match the announcement', async () => {
  const key = await generateKeyPair()
  const other = await generateKeyPair()
  const doc = await signedAchievement(key)
  const id = doc.id as string
  assert.ok((await checkDocument('achievement', doc, { id, issuer: key.did, sequence: 1 })).ok)
  assert.not.ok((await checkDocument('achievement', doc, { id, issuer: other.did, sequence: 1 })).ok, 'another issuer')
  assert.not.ok((await checkDocument('achievement', doc, { id: 'urn:uuid:other', issuer: key.did, sequence: 1 })).ok, 'another id')
  assert.not.ok((await checkDocument('achievement', { ...doc, name: 'Changed' }, { id, issuer: key.did, sequence: 1 })).ok, 'tampered')
  assert.not.ok((await checkDocument('status-list', doc, { id, issuer: key.did, sequence: 1 })).ok, 'wrong kind')
  const list = await signedStatusList(key, 4)
  assert.ok((await checkDocument('status-list', list, { id: list.id as string, issuer: key.did, sequence: 4 })).ok)
  assert.not.ok((await checkDocument('status-list', list, { id: list.id as string, issuer: key.did, sequence: 5 })).ok, 'sequence differs from the list\'s own')
  const endorsement = await signedEndorsement(key, other.did)
  assert.ok((await checkDocument('endorsement', endorsement, { id: endorsement.id as string, issuer: key.did, sequence: 1 })).ok)
})

test.run()
