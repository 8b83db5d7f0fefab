// The validator's verdicts without a network: forged signature and oversize -> reject, stale -> ignore, good -> accept.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ANNOUNCEMENT_VERSION, checkDocument, documentBlock, encodeAnnouncement, idOwner, signAnnouncement, TOPIC_PREFIX, topicOf, validateHeader
} from '../src/index.js'
import type { HeldVersion, Kind } from '../src/index.js'
import { buildAchievementDocument, buildEndorsementCredential, buildProfile, signCredential, signDocument } from '@cofl/credentials'
import { generateKeyPair, signedAchievement, signedEndorsement, signedStatusList } from './helpers.js'
import type { KeyPair } from './helpers.js'

const LIMIT = 16 * 1024

async function announce (key: KeyPair, kind: Kind, document: Record<string, unknown>, sequence: number, extra: { addrs?: string[], issuer?: string } = {}): Promise<Uint8Array> {
  const { cid } = await documentBlock(document)
  const signed = await signAnnouncement({ v: ANNOUNCEMENT_VERSION, kind, issuer: key.did, id: document.id as string, cid: cid.toString(), sequence, addrs: extra.addrs ?? [] }, key)
  return encodeAnnouncement(extra.issuer != null ? { ...signed, issuer: extra.issuer } : signed)
}

function context (held: Map<string, HeldVersion> = new Map(), topic?: string): Parameters<typeof validateHeader>[1] {
  // What is held of the announcing issuer's document with that id: another issuer's is not it.
  return { maxMessageBytes: LIMIT, topicPrefix: TOPIC_PREFIX, held: async (kind, id, issuer) => [held.get(`${kind} ${id}`)].find((h) => h?.issuer === issuer), ...(topic != null ? { topic } : {}) }
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

test('ids: one that names another DID is rejected; an id another issuer holds does not block this one (no squatting either way)', async () => {
  const owner = await generateKeyPair()
  const squatter = await generateKeyPair()
  // Documents are kept per (issuer, id): the owner's document with an id the squatter took first is accepted.
  const doc = await signedAchievement(owner, 'Owned', 'urn:uuid:owned')
  const held = new Map<string, HeldVersion>([['achievement urn:uuid:owned', { issuer: squatter.did, sequence: 1, cid: 'x' }]])
  assert.is((await validateHeader(await announce(owner, 'achievement', doc, 1), context(held))).verdict, 'accept')
  // A status list id names its issuer: the owner's future list, taken ahead by the squatter, is refused.
  for (const id of [`urn:cofl:status:${owner.did}:revocation:1`, `https://city.example/api/status/${encodeURIComponent(`urn:cofl:status:${owner.did}:revocation:1`)}`]) {
    const list = await signedStatusList(squatter, 1, id)
    const verdict = await validateHeader(await announce(squatter, 'status-list', list, 1), context())
    assert.is(verdict.verdict, 'reject', id)
    assert.match(verdict.reason, new RegExp(`is ${owner.did}'s`))
    assert.not.ok((await checkDocument('status-list', list, { id, issuer: squatter.did, sequence: 1 })).ok, 'the document check refuses it too')
    // The owner's own list with that id is accepted.
    assert.is((await validateHeader(await announce(owner, 'status-list', await signedStatusList(owner, 1, id), 1), context())).verdict, 'accept')
  }
  // So is an aggregate id, or an id that is another DID.
  const aggregate = await signedAchievement(squatter, 'Not an aggregate', `urn:cofl:aggregate:${owner.did}`)
  assert.is((await validateHeader(await announce(squatter, 'achievement', aggregate, 1), context())).verdict, 'reject')
  const didUrl = await signedAchievement(squatter, 'A DID URL', `${owner.did}#badge`)
  assert.is((await validateHeader(await announce(squatter, 'achievement', didUrl, 1), context())).verdict, 'reject')
})

test('idOwner: the DID a status list, aggregate or DID URL id names; none for other ids', () => {
  const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
  assert.is(idOwner(`urn:cofl:status:${did}:revocation:0`), did)
  assert.is(idOwner(`urn:cofl:status:${did}:suspension:12`), did)
  assert.is(idOwner(`https://badges.example.org/base/api/status/${encodeURIComponent(`urn:cofl:status:${did}:revocation:3`)}`), did)
  assert.is(idOwner(`urn:cofl:aggregate:${did}`), did)
  assert.is(idOwner(did), did)
  assert.is(idOwner(`${did}#key-1`), did)
  for (const id of ['urn:uuid:0b6f6f3c-1f65-4c1b-a1c7-7c6f0d1d3b5e', 'urn:cofl:pathway:junior-dev', 'https://city.example/badges/1', 'https://city.example/api/status/not-a-urn', `urn:cofl:status:${did}`]) {
    assert.is(idOwner(id), undefined, id)
  }
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

test('checkDocument: the proof\'s key must be the announced issuer\'s did:key key, whatever the document names', async () => {
  const issuer = await generateKeyPair()
  const expected = { issuer: issuer.did, sequence: 1 }
  /** The issuer's achievement (creator: the issuer), signed by a fresh key that its proof names `method`. */
  const forged = async (method: (key: KeyPair) => string): Promise<Record<string, unknown>> => {
    const forger = await generateKeyPair()
    forger.multikey.id = method(forger)
    forger.multikey.controller = forger.multikey.id.split('#')[0] as string
    const doc = buildAchievementDocument({ name: 'Forged', description: 'Forged', criteria: 'None', creator: buildProfile({ id: issuer.did, name: 'A city' }) })
    return await signDocument(doc, { key: forger }) as unknown as Record<string, unknown>
  }
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['another did:key\'s key', await forged((k) => k.multikey.id as string), /not .*'s: a did:key's document names only its own key/],
    ['a key in an https URL\'s fragment', await forged((k) => `https://attacker.example/k#${k.publicKeyMultibase}`), /not .*'s: a did:key's document names only its own key/],
    ['another key under the issuer\'s DID', await forged((k) => `${issuer.did}#${k.publicKeyMultibase}`), /has no verification method/]
  ]
  for (const [what, doc, reason] of cases) {
    const check = await checkDocument('achievement', doc, { id: doc.id as string, ...expected })
    assert.not.ok(check.ok, what)
    assert.match(check.reason, /^the document's proof does not verify: /, what)
    assert.match(check.reason, reason, `${what}: ${check.reason}`)
  }
  // An endorsement (a credential) by the issuer, signed with a key in a URL's fragment: refused too.
  const stranger = await generateKeyPair()
  stranger.multikey.id = `https://attacker.example/k#${stranger.publicKeyMultibase}`
  stranger.multikey.controller = 'https://attacker.example/k'
  const endorsement = await signCredential(buildEndorsementCredential({ issuer: buildProfile({ id: issuer.did, name: 'A city' }), subject: stranger.did, comment: 'forged' }), { key: stranger }) as unknown as Record<string, unknown>
  assert.not.ok((await checkDocument('endorsement', endorsement, { id: endorsement.id as string, ...expected })).ok)
  // A document whose proof cannot be checked here is not relayed either.
  const web = await generateKeyPair()
  web.multikey.id = `did:web:city.example#${web.publicKeyMultibase}`
  web.multikey.controller = 'did:web:city.example'
  const unresolvable = await signDocument(buildAchievementDocument({ name: 'Web', description: 'Web', criteria: 'None', creator: buildProfile({ id: 'did:web:city.example' }) }), { key: web }) as unknown as Record<string, unknown>
  const check = await checkDocument('achievement', unresolvable, { id: unresolvable.id as string, issuer: 'did:web:city.example', sequence: 1 })
  assert.not.ok(check.ok)
  assert.match(check.reason, /cannot be checked here/)
})

test.run()
