// Forged issuers, end to end. Anyone can make a fresh Ed25519 key, write any issuer into a
// credential and name the key in the proof: as a URL fragment of the issuer's own URL
// (https://www.harvard.edu/issuers/1#z6Mk...), as a fragment on another origin
// (https://attacker.example/k#z6Mk...), or as a did:key that is not the issuer's (here the city
// node's own DID as the issuer). None of them may be valid anywhere:
//
// - `cofl verify` (the real bin, in a child process, also --node and --batch): exit 3 "cannot be
//   checked here" for the https issuers (their documents are not resolved here), exit 1 invalid
//   for the did:key issuer (a did:key names only its own key), never 0;
// - POST /api/verify of a started node: verdict indeterminate / invalid, never valid;
// - `cofl wallet import`: refused, `wallet list` stays empty (--force keeps an https one only
//   marked "signature not checked", never the forged did:key one);
// - POST /ims/ob/v3p0/credentials: refused (Imsx_StatusInfo, COFL_ERR_OB3_CREDENTIAL), and GET
//   does not serve it;
// - the federation: a document announced by its issuer but signed by a key that is not the
//   issuer's did:key key is rejected on the way in (sync from a hostile peer), and not stored.
//
// Each part has a control (a genuine credential or document, accepted the same way), so that a
// refusal is the binding rule's and not a broken path's.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import * as dagJson from '@ipld/dag-json'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import type { Libp2p, Stream } from '@libp2p/interface'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildAchievement, buildAchievementDocument, buildOpenBadgeCredential, buildProfile, signCredential, signDocument, validateSchema
} from '@cofl/credentials'
import { ANNOUNCEMENT_VERSION, documentBlock, encodeAnnouncement, kindCollection, KINDS, signAnnouncement, SYNC_PROTOCOL } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { runCofl } from '@cofl/test-support'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'
import { answerLogin, http, OB3, redeem, registerClient, signAnything, startLogin } from './fixtures/ob3-login.js'

type Json = Record<string, any>

const HARVARD = 'https://www.harvard.edu/issuers/1'

let dir = ''
let node: CityNode

interface Forgery {
  name: string
  /** The credential, about `subject`. */
  make: (subject: string) => Promise<Json>
  verdict: 'invalid' | 'indeterminate'
  exit: number
  code: string
}

/** An OpenBadgeCredential of `issuer` (named `issuerName`) about `subject`, signed by a fresh key whose proof names `method`. */
async function forge (issuer: string, issuerName: string, method: (key: KeyPair) => string, subject: string): Promise<Json> {
  const key = await generateKeyPair()
  key.multikey.id = method(key)
  key.multikey.controller = key.multikey.id.split('#')[0] as string
  const profile = buildProfile({ id: issuer, name: issuerName })
  const achievement = buildAchievement({ name: 'Doctor of Law', description: 'Honoris causa', criteria: 'Awarded by the corporation', creator: profile })
  return await signCredential(buildOpenBadgeCredential({ issuer: profile, achievement, subject }), { key }) as unknown as Json
}

/** A genuine credential about `subject` from a did:key issuer outside the node (no status entry). */
async function genuine (subject: string): Promise<Json> {
  const key = await generateKeyPair()
  const profile = buildProfile({ id: key.did, name: 'Elsewhere Academy' })
  const achievement = buildAchievement({ name: 'Sailing', description: 'Sailed a dinghy', criteria: 'Sail', creator: profile })
  return await signCredential(buildOpenBadgeCredential({ issuer: profile, achievement, subject }), { key }) as unknown as Json
}

const FORGERIES: Forgery[] = [
  { name: 'an https issuer, the key in the fragment of its own URL', make: async (s) => await forge(HARVARD, 'Harvard University', (k) => `${HARVARD}#${k.publicKeyMultibase}`, s), verdict: 'indeterminate', exit: 3, code: 'COFL_ERR_CONTROLLER_UNRESOLVED' },
  { name: 'an https issuer, the key in a fragment on another origin', make: async (s) => await forge(HARVARD, 'Harvard University', (k) => `https://attacker.example/k#${k.publicKeyMultibase}`, s), verdict: 'indeterminate', exit: 3, code: 'COFL_ERR_CONTROLLER_UNRESOLVED' },
  { name: 'the city\'s did:key as issuer, the proof by another did:key\'s key', make: async (s) => await forge(node.did, 'Plymouth City of Learning', (k) => k.multikey.id as string, s), verdict: 'invalid', exit: 1, code: 'COFL_ERR_KEY_NOT_BOUND' }
]

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-forged-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('cofl verify (the bin, offline and --node): 3 for the https issuers, 1 for the did:key one, never 0; --batch counts them', async () => {
  const learner = await generateKeyPair()
  const batch = join(dir, 'batch')
  await mkdir(batch)
  for (const [i, forgery] of FORGERIES.entries()) {
    const file = join(batch, `forged-${i}.json`)
    await writeFile(file, JSON.stringify(await forgery.make(learner.did)))
    const offline = await runCofl(['verify', file, '--json'])
    assert.is(offline.code, forgery.exit, `${forgery.name}: ${offline.stdout}${offline.stderr}`)
    const report = JSON.parse(offline.stdout) as Json
    assert.is(report.verdict, forgery.verdict, forgery.name)
    assert.is(report.verified, false, forgery.name)
    const proof = (report.checks as Json[]).find((c) => c.id === 'proof') as Json
    assert.is(proof.outcome, forgery.verdict === 'invalid' ? 'failed' : 'indeterminate', forgery.name)
    assert.is(proof.code, forgery.code, `${forgery.name}: ${proof.reason as string}`)
    const text = await runCofl(['verify', file])
    assert.is(text.code, forgery.exit)
    assert.match(text.stdout, forgery.verdict === 'invalid' ? /^INVALID credential/ : /^CANNOT BE CHECKED HERE credential/)
    assert.not.match(text.stdout, /\[ok {2}\] Signature/, 'the signature is never shown as checked')
    const onNode = await runCofl(['verify', '--node', node.url, file])
    assert.is(onNode.code, forgery.exit, `--node, ${forgery.name}: ${onNode.stdout}${onNode.stderr}`)
  }
  // the control: a genuine credential from a did:key issuer verifies (exit 0)
  const control = join(dir, 'genuine.json')
  await writeFile(control, JSON.stringify(await genuine(learner.did)))
  const good = await runCofl(['verify', control])
  assert.is(good.code, 0, good.stdout + good.stderr)
  // --batch: one invalid, two that cannot be checked here: exit 1 (invalid wins)
  const run = await runCofl(['verify', '--batch', batch, '--json', '--workers', '1'])
  assert.is(run.code, 1, run.stdout + run.stderr)
  const summary = JSON.parse(run.stdout.trim().split('\n').pop() as string) as Json
  assert.equal([summary.total, summary.valid, summary.invalid, summary.indeterminate], [3, 0, 1, 2])
  // without the invalid one: exit 3, never 0
  await rm(join(batch, 'forged-2.json'))
  const unchecked = await runCofl(['verify', '--batch', batch, '--workers', '1'])
  assert.is(unchecked.code, 3, unchecked.stdout + unchecked.stderr)
})

test('POST /api/verify: never valid; the reason names the unbound key', async () => {
  const learner = await generateKeyPair()
  for (const forgery of FORGERIES) {
    const answer = await http(`${node.url}/api/verify`, { json: { verifiableCredential: await forgery.make(learner.did) } })
    assert.is(answer.status, 200, answer.text)
    assert.is(answer.body.verdict, forgery.verdict, `${forgery.name}: ${answer.text}`)
    assert.is(answer.body.verified, false)
    const proof = (answer.body.checks as Json[]).find((c) => c.id === 'proof') as Json
    assert.is(proof.code, forgery.code, forgery.name)
    assert.is(answer.body.trust, undefined, 'no trust is reported for a signature that was not checked')
  }
  const same = await http(`${node.url}/api/verify`, { json: { verifiableCredential: await FORGERIES[0]!.make(learner.did) } })
  assert.match(((same.body.checks as Json[]).find((c) => c.id === 'proof') as Json).reason, /a key written in the URL's fragment is not taken on trust/)
  const control = await http(`${node.url}/api/verify`, { json: { verifiableCredential: await genuine(learner.did) } })
  assert.is(control.body.verdict, 'valid', control.text)
})

test('cofl wallet import (the bin): every forgery refused, wallet list stays empty; --force never keeps the forged did:key one', async () => {
  const wallet = join(dir, 'wallet')
  const init = await runCofl(['wallet', 'init', '--wallet', wallet, '--unencrypted'])
  assert.is(init.code, 0, init.stderr)
  const holder = init.stdout.trim()
  assert.match(holder, /^did:key:z6Mk\w+$/)
  const forged = await Promise.all(FORGERIES.map(async (f) => await f.make(holder)))
  const file = join(dir, 'forged-for-wallet.json')
  await writeFile(file, JSON.stringify(forged))
  const run = await runCofl(['wallet', 'import', '--wallet', wallet, file])
  assert.is(run.code, 1, run.stdout + run.stderr)
  assert.match(run.stdout, /imported 0, held already 0, refused 3\n$/)
  assert.match(run.stdout, /refused #1 \S+: refused \S+: it cannot be checked here: Signature: the proof cannot be checked here/)
  assert.match(run.stdout, /refused #3 \S+: refused \S+: Signature: the proof is made with the key did:key:\S+, which is not did:key:\S+'s/)
  const list = await runCofl(['wallet', 'list', '--wallet', wallet, '--json'])
  assert.is(list.code, 0, list.stderr)
  assert.equal(JSON.parse(list.stdout), [])
  // --force: the forged did:key credential is refused all the same; the https ones are kept only
  // marked as not checked (their issuer is not verified), never as Harvard's.
  const forced = await runCofl(['wallet', 'import', '--wallet', wallet, '--force', file])
  assert.is(forced.code, 1, forced.stdout + forced.stderr)
  assert.match(forced.stdout, /imported 2, held already 0, refused 1\n$/)
  const shown = await runCofl(['wallet', 'list', '--wallet', wallet])
  const lines = shown.stdout.trim().split('\n')
  assert.is(lines.length, 2, shown.stdout)
  for (const line of lines) assert.match(line, /from Harvard University \(https:\/\/www\.harvard\.edu\/issuers\/1\) {2}\[.*signature not checked: its issuer is not verified\]$/)
  const held = JSON.parse((await runCofl(['wallet', 'list', '--wallet', wallet, '--json'])).stdout) as Json[]
  assert.ok(held.every((h) => h.unchecked === true))
  assert.not.ok(held.some((h) => h.id === forged[2]?.id), 'the forged did:key credential is not held')
})

test('POST /ims/ob/v3p0/credentials: every forgery refused (Imsx_StatusInfo), and GET does not serve it', async () => {
  const learner = await generateKeyPair()
  const client = await registerClient(node.url, 'Forged Badge Importer', 'http://127.0.0.1:9')
  const pending = await startLogin(node.url, client)
  const tokens = await redeem(node.url, client, pending, await answerLogin(node.url, pending, learner.did, await signAnything(learner, pending.challenge, pending.domain)))
  const bearer = { authorization: `Bearer ${tokens.access_token as string}` }
  const forgedIds: string[] = []
  for (const forgery of FORGERIES) {
    const credential = await forgery.make(learner.did)
    forgedIds.push(credential.id as string)
    const answer = await http(`${node.url}${OB3}/credentials`, { json: credential, headers: bearer })
    assert.is(answer.status, 400, `${forgery.name}: ${answer.text}`)
    assert.ok(validateSchema('Imsx_StatusInfo', answer.body).valid, answer.text)
    assert.is(answer.body.imsx_codeMajor, 'failure')
    const description = answer.body.imsx_description as string
    assert.ok(description.startsWith('COFL_ERR_OB3_CREDENTIAL: '), description)
    assert.match(description, forgery.verdict === 'invalid' ? /does not verify: proof: .*COFL_ERR_KEY_NOT_BOUND/ : /cannot be checked here, so this host does not keep it: proof: .*COFL_ERR_CONTROLLER_UNRESOLVED/)
  }
  // the control: a genuine credential from a did:key issuer outside the node is kept and served
  const control = await genuine(learner.did)
  const kept = await http(`${node.url}${OB3}/credentials`, { json: control, headers: bearer })
  assert.is(kept.status, 201, kept.text)
  const served = await http(`${node.url}${OB3}/credentials?limit=1000`, { headers: bearer })
  assert.is(served.status, 200, served.text)
  const ids = (served.body.credential as Json[]).map((c) => c.id as string)
  assert.ok(ids.includes(control.id as string), JSON.stringify(ids))
  for (const id of forgedIds) assert.not.ok(ids.includes(id), `${id} is not served`)
})

/**
 * A peer that answers the federation's sync protocol with the documents it is given (each with
 * its announcement header): what a hostile node would send.
 */
async function syncPeer (documents: Array<{ kind: (typeof KINDS)[number], issuer: KeyPair, document: Json }>): Promise<Libp2p> {
  const peer = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  const served = await Promise.all(documents.map(async ({ kind, issuer, document }) => {
    const { cid, bytes } = await documentBlock(document)
    const header = encodeAnnouncement(await signAnnouncement({
      v: ANNOUNCEMENT_VERSION, kind, issuer: issuer.did, id: document.id as string, cid: cid.toString(), sequence: 1, addrs: []
    }, issuer))
    return { k: KINDS.indexOf(kind), id: document.id as string, issuer: issuer.did, cid: cid.toString(), header, block: bytes }
  }))
  await peer.handle(SYNC_PROTOCOL, async (stream: Stream) => {
    let request: Json | undefined
    // eslint-disable-next-line no-unreachable-loop -- the first frame only; leaving the loop closes the stream's iterator
    for await (const frame of lp.decode(stream)) { request = dagJson.decode(frame.subarray()); break }
    const issuers = [...new Set(served.map((s) => s.issuer))]
    const answer = request?.t === 'heads'
      ? { issuers, heads: served.map((s) => [s.k, s.id, issuers.indexOf(s.issuer), 1, s.cid]) }
      : request?.t === 'get'
        ? { docs: served.filter((s) => (request?.want as Array<[number, string]>).some(([k, id]) => k === s.k && id === s.id)).map((s) => ({ a: s.header, b: s.block })) }
        : { error: 'unknown request' }
    if (!stream.send(lp.encode.single(dagJson.encode(answer)))) await stream.onDrain()
    await stream.close()
  })
  return peer
}

test('the federation: a document announced by its issuer but signed by a key that is not the issuer\'s did:key key is rejected, not stored', async () => {
  const issuer = await generateKeyPair()
  /** The issuer's achievement (creator: the issuer), signed by a fresh key whose proof names `method`. */
  const signedBy = async (name: string, method?: (key: KeyPair) => string): Promise<Json> => {
    const doc = buildAchievementDocument({ name, description: name, criteria: 'None', creator: buildProfile({ id: issuer.did, name: 'A city' }) })
    if (method == null) return await signDocument(doc, { key: issuer }) as unknown as Json
    const key = await generateKeyPair()
    key.multikey.id = method(key)
    key.multikey.controller = key.multikey.id.split('#')[0] as string
    return await signDocument(doc, { key }) as unknown as Json
  }
  const forged = [
    await signedBy('Another did:key\'s key', (k) => k.multikey.id as string),
    await signedBy('A key in an https URL\'s fragment', (k) => `https://attacker.example/k#${k.publicKeyMultibase}`),
    await signedBy('Another key under the issuer\'s DID', (k) => `${issuer.did}#${k.publicKeyMultibase}`)
  ]
  const control = await signedBy('Genuine')
  const nodes: TestNode[] = []
  let hostile: Libp2p | undefined
  try {
    const receiver = await startNode()
    nodes.push(receiver)
    hostile = await syncPeer([...forged, control].map((document) => ({ kind: 'achievement' as const, issuer, document })))
    const address = hostile.getMultiaddrs()[0]
    assert.ok(address != null)
    await receiver.federation.dial(multiaddr(address.toString()).toString(), { signal: AbortSignal.timeout(20_000) })
    const summary = await receiver.federation.syncNow({ peerId: hostile.peerId.toString() })
    assert.equal([summary.heads, summary.requested, summary.accepted, summary.rejected], [4, 4, 1, 3], JSON.stringify(summary))
    for (const document of forged) assert.is(await kindCollection(receiver.store, 'achievement').get(document.id as string), undefined, `${document.name as string} is not stored`)
    assert.ok(await kindCollection(receiver.store, 'achievement').get(control.id as string) != null, 'the genuine document is stored')
    // and the federation's own publishing refuses the same documents
    const publisher = await startNode({ key: issuer })
    nodes.push(publisher)
    for (const document of forged) {
      await publisher.federation.publish('achievement', document).then(
        () => assert.unreachable(`${document.name as string} was published`),
        (err: Error & { code?: string }) => { assert.is(err.code, 'COFL_ERR_FEDERATION_PUBLISH'); assert.match(err.message, /proof does not verify/) })
    }
  } finally {
    await hostile?.stop()
    await stopAll(nodes)
  }
})

test.run()
