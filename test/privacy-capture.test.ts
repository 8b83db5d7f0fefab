// What the network learns of a city's learners: nothing. Three city nodes run in this process
// (127.0.0.1, port 0; the museum and Bristol dial Plymouth) through a whole demo: endorsements,
// achievements (one withdrawn), a skills spine, a pathway with a badge, an opportunity, offers to
// learners by name and email (one at a time and in bulk), claims by the learners' own wallets (a
// pathway badge awarded on the way), a direct issuance, revocations, analytics published. A passive
// libp2p peer joins the federation before any of it: subscribed to every cofl topic, it keeps every
// gossip message; afterwards it runs the sync protocol against each node (every page of heads,
// every document, every block of every CID it saw), asks each node's identify, and reads what the
// public HTTP routes show anyone. Then it searches all of it, bytes and decoded JSON, for every
// learner's name, email, DID, claim code, offer id and credential id (and the credentials'
// signatures), and the addresses in announcements, identify's listen addresses and signed peer
// records, and in every text, for any address that is not public (and identify's agent version for
// a software version). A control plants such values in real captured bytes: a search that cannot
// match fails the test.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagJson from '@ipld/dag-json'
import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeAnnouncement, KINDS, SYNC_PROTOCOL, TOPIC_PREFIX, topicOf } from '@cofl/federation'
import type { Announcement, Kind } from '@cofl/federation'
import { MAX_SYNC_MESSAGE_BYTES, SYNC_GET_BATCH, SYNC_HEADS_PAGE } from '@cofl/federation/tuning'
import { generateKeyPair } from '@cofl/identity'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { createWallet } from '@cofl/wallet'
import type { Wallet } from '@cofl/wallet'
import { findSecrets, nonPublicAddressesIn, nonPublicMultiaddrs, tempDir, waitFor } from '@cofl/test-support'
import type { Captured, Secret, TempDir } from '@cofl/test-support'
import { api, ok } from './fixtures/city-api.js'
import type { Json } from './fixtures/city-api.js'

/** The whole test, start to stop: past it, it fails and everything is stopped. */
const TEST_MS = 240_000
/** One wait for the network. */
const WAIT_MS = 30_000
/** One sync request and its answer. */
const SYNC_REQUEST_MS = 15_000

type Passive = Libp2p<{ identify: Identify, pubsub: GossipSub }>

interface Capture {
  /** Everything kept, for the search of secrets and addresses. */
  items: Captured[]
  /** Every announcement seen (gossip, sync), with where. */
  announcements: Array<{ where: string, announcement: Announcement }>
  /** Gossip messages per kind. */
  gossip: Map<Kind, number>
  /** CIDs named by announcements and heads. */
  cids: Set<string>
}

/** The text form of a dag-json (or JSON) value, for the search; undefined when it does not decode. */
function decodedText (bytes: Uint8Array): string | undefined {
  try {
    return JSON.stringify(dagJson.decode(bytes), (_key, value: unknown) => value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value)
  } catch {
    return undefined
  }
}

function keep (capture: Capture, where: string, bytes: Uint8Array): void {
  const text = decodedText(bytes)
  capture.items.push({ where, bytes, ...(text != null ? { text } : {}) })
}

function keepAnnouncement (capture: Capture, where: string, bytes: Uint8Array): void {
  keep(capture, where, bytes)
  const decoded = decodeAnnouncement(bytes)
  if (!decoded.ok) return
  capture.announcements.push({ where, announcement: decoded.announcement })
  capture.cids.add(decoded.announcement.cid)
}

/** A libp2p peer with a cofl node's transports, subscribed to every cofl topic, that keeps every message and publishes nothing. */
async function startPassive (capture: Capture): Promise<Passive> {
  const peer = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ emitSelf: false }) }
  })
  peer.services.pubsub.addEventListener('message', (event) => {
    const { topic, data } = event.detail
    const kind = KINDS.find((k) => topicOf(k, TOPIC_PREFIX) === topic)
    if (kind != null) capture.gossip.set(kind, (capture.gossip.get(kind) ?? 0) + 1)
    keepAnnouncement(capture, `gossip ${topic}`, data)
  })
  for (const kind of KINDS) peer.services.pubsub.subscribe(topicOf(kind, TOPIC_PREFIX))
  return peer
}

/** One sync request to a node: the answer's raw frame (kept) and its decoded value. */
async function syncRequest (peer: Passive, node: PeerId, request: unknown, signal: AbortSignal): Promise<{ frame: Uint8Array, value: Json }> {
  const stream: Stream = await peer.dialProtocol(node, SYNC_PROTOCOL, { signal })
  // A timer cleared afterwards (not AbortSignal.any with a timeout: docs/dependencies.md).
  const timer = setTimeout(() => { stream.abort(new Error(`no answer to ${JSON.stringify(request)} within ${SYNC_REQUEST_MS / 1000} s`)) }, SYNC_REQUEST_MS)
  try {
    if (!stream.send(lp.encode.single(dagJson.encode(request)))) await stream.onDrain({ signal })
    await stream.close({ signal })
    // eslint-disable-next-line no-unreachable-loop -- one answer frame per request
    for await (const frame of lp.decode(stream, { maxDataLength: MAX_SYNC_MESSAGE_BYTES })) {
      const bytes = frame.subarray()
      return { frame: bytes, value: dagJson.decode<Json>(bytes) }
    }
    throw new Error(`node ${node.toString()} answered ${JSON.stringify(request)} with nothing`)
  } catch (err) {
    stream.abort(err as Error)
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/** Every page of a node's heads, every document they name, every block of `capture.cids`: all kept. */
async function syncEverything (peer: Passive, node: PeerId, name: string, capture: Capture, signal: AbortSignal): Promise<{ heads: number, docs: number }> {
  const refs: Array<[number, string]> = []
  let after: unknown
  for (let page = 0; ; page++) {
    const { frame, value } = await syncRequest(peer, node, after == null ? { t: 'heads', limit: SYNC_HEADS_PAGE } : { t: 'heads', after, limit: SYNC_HEADS_PAGE }, signal)
    keep(capture, `sync heads page ${page} of ${name}`, frame)
    for (const head of value.heads as Array<[number, string, number, number, string]>) {
      refs.push([head[0], head[1]])
      capture.cids.add(head[4])
    }
    after = value.next
    if (after == null) break
  }
  // The node answers a batch in order and may stop early (its size limit per answer): ask again from there.
  let docs = 0
  for (let rest = refs; rest.length > 0;) {
    const { frame, value } = await syncRequest(peer, node, { t: 'get', want: rest.slice(0, SYNC_GET_BATCH) }, signal)
    keep(capture, `sync get of ${name}`, frame)
    const answered = value.docs as Array<{ a: Uint8Array, b: Uint8Array }>
    for (const doc of answered) {
      keepAnnouncement(capture, `sync get of ${name}: header`, doc.a)
      keep(capture, `sync get of ${name}: block`, doc.b)
    }
    if (answered.length === 0) break
    docs += answered.length
    rest = rest.slice(answered.length)
  }
  return { heads: refs.length, docs }
}

/** The node's public HTTP routes, as anyone calls them (no admin token): kept. */
async function publicViews (node: CityNode, name: string, capture: Capture, statusListIds: Iterable<string>): Promise<void> {
  const paths = ['/api/health', '/api/catalogue', '/api/achievements?untrusted=true', '/api/analytics/federation', `/api/trust/${encodeURIComponent(node.did)}`,
    ...[...statusListIds].map((id) => `/api/status/${encodeURIComponent(id)}`)]
  for (const path of paths) {
    const response = await fetch(`${node.url}${path}`, { signal: AbortSignal.timeout(30_000) })
    const text = await response.text()
    capture.items.push({ where: `GET ${path} at ${name} (${response.status})`, text })
  }
}

interface Identified { name: string, listenAddrs: string[], recordAddrs: string[], agentVersion: string }

/**
 * Everything in a capture that the network must not learn, one line each: a learner's data
 * anywhere; an address that is not public in an announcement (gossip or sync header), in a node's
 * identify (listen addresses, signed peer record) or written anywhere else (the public routes may
 * name the node's own HTTP host: the test's caller reached them there); a software version in
 * identify's agent version.
 */
function leaksOf (capture: Capture, identified: Identified[], secrets: readonly Secret[], ownHttpHosts: ReadonlySet<string>): string[] {
  const leaks = findSecrets(capture.items, secrets).map((f) => `${f.what} in ${f.where}`)
  for (const { where, announcement } of capture.announcements) {
    for (const a of nonPublicMultiaddrs(announcement.addrs)) leaks.push(`${a} in an announcement of ${announcement.kind} ${announcement.id} (${where})`)
  }
  for (const { name, listenAddrs, recordAddrs, agentVersion } of identified) {
    for (const a of nonPublicMultiaddrs([...listenAddrs, ...recordAddrs])) leaks.push(`${a} in ${name}'s identify`)
    if (/\d+\.\d+/.test(agentVersion)) leaks.push(`a version in ${name}'s agent version: ${agentVersion}`)
  }
  for (const item of capture.items) {
    const text = `${item.text ?? ''}\n${item.bytes != null ? Buffer.from(item.bytes).toString('latin1') : ''}`
    for (const a of nonPublicAddressesIn(text)) if (!(item.where.startsWith('GET ') && ownHttpHosts.has(a))) leaks.push(`${a} in ${item.where}`)
  }
  return [...new Set(leaks)]
}

/**
 * An address to dial a node at on this machine: one it names in node.json, else (a node that
 * announces none of its loopback addresses) the listen address it recorded in DIR/node-ports.json.
 */
async function dialAddress (node: CityNode): Promise<string> {
  const info = node.info()
  const named = info.multiaddrs.find((a) => a.includes('/p2p/'))
  if (named != null) return named
  const ports = JSON.parse(await readFile(join(node.config.data, 'node-ports.json'), 'utf8')) as { listen?: Record<string, string> }
  const listen = Object.values(ports.listen ?? {}).find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))
  if (listen == null || info.peerId == null) throw new Error(`no address to dial ${node.config.data} at`)
  return `${listen}/p2p/${info.peerId}`
}

interface Learner { name: string, email: string, wallet: Wallet, did: string }

/** Runs `body` within `ms`; past it, rejects (the caller's finally stops what was started). */
async function within<T> (ms: number, stage: () => string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { controller.abort(); reject(new Error(`the capture test took more than ${ms / 1000} s, at: ${stage()}`)) }, ms)
  })
  try {
    return await Promise.race([body(controller.signal), late])
  } finally {
    clearTimeout(timer)
  }
}

test('a passive peer on every topic, every CID and the sync protocol of a whole demo finds no learner\'s data and no private address', async () => {
  let dir: TempDir | undefined
  const nodes: CityNode[] = []
  const wallets: Wallet[] = []
  let passive: Passive | undefined
  const capture: Capture = { items: [], announcements: [], gossip: new Map(), cids: new Set() }
  let stage = 'the start'
  /** Says what the test is doing (named when it runs out of time). */
  const step = (name: string): void => { stage = name }
  try {
    await within(TEST_MS, () => stage, async (signal) => {
      const folder = await tempDir('cofl-privacy-capture-')
      dir = folder
      const start = async (name: string, config: Json): Promise<CityNode> => {
        const node = createCityNode({ config: { data: join(folder.path, name.toLowerCase()), name, ...config }, signingWorkers: 0 })
        nodes.push(node)
        await node.start()
        return node
      }

      step('the federation, and the passive peer on it before anything is published')
      // Plymouth publishes changed status lists every 2 s (batched); the museum revokes with `now`.
      const plymouth = await start('Plymouth', { status: { publishIntervalMs: 2000 } })
      const bootstrap = [await dialAddress(plymouth)]
      const museum = await start('Plymouth Science Museum', { bootstrap })
      const bristol = await start('Bristol', { bootstrap, trustRoots: [plymouth.did] })
      const named = new Map([[plymouth, 'Plymouth'], [museum, 'the museum'], [bristol, 'Bristol']])
      for (const n of nodes) await waitFor('the nodes connected', async () => (await ok(n, 'GET', '/api/health')).peers >= 1, { ms: WAIT_MS, signal })

      passive = await startPassive(capture)
      const peer = passive
      const peerIds = new Map<CityNode, PeerId>()
      for (const n of nodes) {
        const connection = await peer.dial(multiaddr(await dialAddress(n)), { signal })
        peerIds.set(n, connection.remotePeer)
      }
      for (const kind of KINDS) {
        await waitFor(`the nodes subscribed to ${kind}`, () => peer.services.pubsub.getSubscribers(topicOf(kind, TOPIC_PREFIX)).length >= nodes.length, { ms: WAIT_MS, signal })
      }
      await new Promise((resolve) => setTimeout(resolve, 1500)) // the mesh forms (heartbeat)

      step('the demo: endorsements (each endorsed node\'s Profile must have arrived first)')
      const endorse = async (by: CityNode, issuer: string): Promise<void> => {
        await waitFor(`an endorsement of ${issuer}`, async () => (await api(by, 'POST', '/api/endorsements', { issuer, comment: 'A partner of the City of Learning.' })).status === 201, { ms: WAIT_MS, signal }, 500)
      }
      await endorse(plymouth, museum.did)
      await endorse(plymouth, bristol.did)

      step('achievements, a skills spine, a destination pathway awarding a badge, an opportunity')
      const achievement = async (node: CityNode, name: string): Promise<string> => (await ok(node, 'POST', '/api/achievements', { name, description: `${name}, in six sessions.`, criteria: 'Take part in every session.' }, 201)).id as string
      const forces = await achievement(museum, 'Young Scientist: Forces and Motion')
      // One the museum takes back: a signed withdrawal goes to the federation.
      await ok(museum, 'POST', '/api/withdrawals', { kind: 'achievement', id: await achievement(museum, 'Kite Making (cancelled)') }, 201)
      const [python, web, badge] = [await achievement(plymouth, 'Coding Club: Python'), await achievement(plymouth, 'Web Design Sprint'), await achievement(plymouth, 'Junior Developer Pathway')]
      await ok(plymouth, 'POST', '/api/spines', { id: 'urn:cofl:plymouth:spine', name: 'Plymouth skills spine', skills: [{ id: 'urn:cofl:plymouth:skill:programming', name: 'Programming', layer: 'city-specific' }] }, 201)
      const opportunity = 'urn:cofl:plymouth:opportunity:apprenticeship'
      await ok(plymouth, 'POST', '/api/opportunities', { id: opportunity, kind: 'apprenticeship', name: 'Junior Developer Apprenticeship', provider: 'Plymouth employers', asks: { achievementIds: [python] } }, 201)
      await ok(plymouth, 'POST', '/api/pathways', {
        id: 'urn:cofl:plymouth:pathway:junior-developer', kind: 'destination', name: 'Junior Developer', description: 'From a coding club to an apprenticeship.',
        requirements: { allOf: [python, web] }, opportunityId: opportunity, awardAchievementId: badge
      }, 201)

      step('learners, each with a wallet of their own; offers by name and email; claims')
      const secrets: Secret[] = []
      const learners: Learner[] = []
      for (const name of ['Amara Okafor', 'Ben Carter', 'Chloe Nguyen', 'Dev Patel', 'Ella Rowe', 'Finn Obrien']) {
        const wallet = createWallet({ directory: join(folder.path, 'wallets', name.replace(/\W+/g, '-').toLowerCase()), unencrypted: true })
        wallets.push(wallet)
        const did = await wallet.init()
        const email = `${name.toLowerCase().replace(/\W+/g, '.')}@learners.example.org`
        learners.push({ name, email, wallet, did })
        secrets.push({ what: `${name}'s name`, value: name }, { what: `${name}'s email`, value: email }, { what: `${name}'s DID`, value: did },
          { what: `${name}'s DID key`, value: did.slice('did:key:'.length) })
      }
      const offerTo = async (node: CityNode, achievementId: string, learner: Learner): Promise<string> => {
        const offer = await ok(node, 'POST', '/api/offers', { achievementId, name: learner.name, email: learner.email }, 201)
        return offer.claimUrl as string
      }
      const claimed: string[] = []
      const claimUrls: string[] = []
      const claim = async (url: string, learner: Learner): Promise<void> => {
        claimUrls.push(url)
        claimed.push((await learner.wallet.claim(url)).id)
      }
      const [amara, ben, chloe, dev, ella, finn] = learners as [Learner, Learner, Learner, Learner, Learner, Learner]
      for (const learner of [amara, ben, chloe, dev]) await claim(await offerTo(museum, forces, learner), learner)
      step('Amara and Chloe complete the pathway: its badge is awarded on the claim that completes it')
      for (const learner of [amara, chloe, ella]) await claim(await offerTo(plymouth, python, learner), learner)
      for (const learner of [amara, chloe]) await claim(await offerTo(plymouth, web, learner), learner)
      step('offers not claimed: in bulk, and one at a time')
      const bulk = await ok(plymouth, 'POST', '/api/offers/bulk', { achievementId: web, rows: [ben, dev, ella, finn].map((l) => ({ name: l.name, email: l.email })) })
      for (const row of bulk.offered as Json[]) claimUrls.push(row.claimUrl as string)
      assert.is(claimUrls.length, 9 + 4, 'the claims and the bulk offers')
      claimUrls.push(await offerTo(museum, forces, finn))
      step('a direct issuance to a DID that no wallet knows')
      const direct = (await generateKeyPair()).did
      secrets.push({ what: 'a directly issued subject DID', value: direct })
      await ok(bristol, 'POST', '/api/achievements', { name: 'Harbour Safety', description: 'A day on the water.', criteria: 'Complete the day.' }, 201)
        .then(async (a) => await ok(bristol, 'POST', '/api/credentials', { achievementId: a.id, subject: direct }, 201))

      step('revocations: the museum\'s list published at once (`now`), Plymouth\'s at its next tick')
      const revoked = new Map<CityNode, string>([[museum, claimed[1] as string], [plymouth, claimed[4] as string]])
      const before = (issuer: string): number => Math.max(0, ...capture.announcements.filter((a) => a.announcement.kind === 'status-list' && a.announcement.issuer === issuer).map((a) => a.announcement.sequence))
      const revokedAt = new Map<string, number>()
      for (const [node, credentialId] of revoked) {
        revokedAt.set(node.did, before(node.did))
        await ok(node, 'POST', '/api/credentials/revoke', node === museum ? { credentialId, now: true } : { credentialId })
      }
      step('analytics: each node\'s aggregate')
      for (const n of nodes) await ok(n, 'POST', '/api/analytics/publish', {}, 201)

      step('every claim code, offer and credential id the nodes hold, and the credentials\' signatures')
      for (const url of claimUrls) {
        const code = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
        secrets.push({ what: 'a claim code', value: code }, { what: 'a claim code\'s SHA-256', value: createHash('sha256').update(code).digest('hex') })
      }
      const issued: Json[] = []
      for (const n of nodes) {
        for (let cursor: string | undefined; ;) {
          const page = await ok(n, 'GET', `/api/credentials?limit=100${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          issued.push(...page.credentials as Json[])
          cursor = page.next as string | undefined
          if (cursor == null) break
        }
        for (let cursor: string | undefined; ;) {
          const page = await ok(n, 'GET', `/api/offers?limit=100${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          for (const offer of page.offers as Json[]) secrets.push({ what: 'an offer id', value: offer.offerId as string })
          cursor = page.next as string | undefined
          if (cursor == null) break
        }
      }
      assert.ok(issued.some((r) => typeof r.pathwayId === 'string'), 'a pathway badge was awarded')
      assert.is(issued.length, claimed.length + 2 + 1, 'the claims, two pathway badges and the direct issuance')
      for (const record of issued) {
        secrets.push({ what: 'a credential id', value: record.credentialId as string }, { what: 'a subject DID', value: record.subject as string })
        const proof = (record.credential as Json).proof as Json | Json[]
        for (const p of Array.isArray(proof) ? proof : [proof]) secrets.push({ what: 'a credential\'s signature', value: p.proofValue as string })
      }

      step('what the passive peer saw: gossip of every kind the demo published, the new status lists')
      // (The nodes' Profiles went out at their start, before the passive peer joined: sync brings them.)
      const published: Kind[] = ['endorsement', 'achievement', 'withdrawal', 'spine', 'opportunity', 'pathway', 'status-list', 'aggregate']
      await waitFor('gossip of every kind published', () => published.every((k) => (capture.gossip.get(k) ?? 0) > 0), { ms: WAIT_MS, signal, detail: () => JSON.stringify([...capture.gossip]) })
      for (const [issuer, was] of revokedAt) await waitFor('the status list after a revocation', () => before(issuer) > was, { ms: WAIT_MS, signal })
      await waitFor('every node\'s aggregate', () => nodes.every((n) => capture.announcements.some((a) => a.announcement.kind === 'aggregate' && a.announcement.issuer === n.did)), { ms: WAIT_MS, signal })

      step('the sync protocol against each node, every block of every CID from each node, identify, public routes')
      const statusLists = new Set<string>()
      for (const n of nodes) {
        const { heads, docs } = await syncEverything(peer, peerIds.get(n) as PeerId, named.get(n) as string, capture, signal)
        assert.ok(heads > 0 && docs === heads, `${named.get(n) ?? ''}: ${docs} documents of ${heads} heads`)
      }
      for (const { announcement } of capture.announcements) if (announcement.kind === 'status-list') statusLists.add(announcement.id)
      let blocks = 0
      for (const n of nodes) {
        for (const cid of capture.cids) {
          const { frame, value } = await syncRequest(peer, peerIds.get(n) as PeerId, { t: 'block', cid }, signal)
          keep(capture, `sync block ${cid} of ${named.get(n) ?? ''}`, frame)
          if (value.b instanceof Uint8Array) { blocks++; keep(capture, `block ${cid} of ${named.get(n) ?? ''}`, value.b) }
        }
      }
      assert.ok(blocks >= capture.cids.size, `blocks fetched: ${blocks} for ${capture.cids.size} CIDs`)
      const identified: Identified[] = []
      for (const n of nodes) {
        const connection = peer.getConnections(peerIds.get(n))[0]
        assert.ok(connection != null, `still connected to ${named.get(n) ?? ''}`)
        const result = await peer.services.identify.identify(connection, { signal })
        const listenAddrs = result.listenAddrs.map((a) => a.toString())
        const recordAddrs = result.signedPeerRecord?.addresses.map((a) => a.toString()) ?? []
        const agentVersion = result.agentVersion ?? ''
        identified.push({ name: named.get(n) as string, listenAddrs, recordAddrs, agentVersion })
        capture.items.push({ where: `identify of ${named.get(n) ?? ''}`, text: JSON.stringify({ listenAddrs, recordAddrs, agentVersion, protocolVersion: result.protocolVersion, protocols: result.protocols }) })
      }
      for (const n of nodes) await publicViews(n, named.get(n) as string, capture, statusLists)

      step('the control: the search finds what is planted')
      const sample = capture.items.find((i) => i.where.startsWith('block ') && i.bytes != null)?.bytes as Uint8Array
      const header = capture.announcements[0]?.announcement as Announcement
      assert.ok(sample != null && header != null)
      const plant = (value: string): Captured => ({ where: `planted ${value}`, bytes: new Uint8Array([...sample.subarray(0, 40), ...new TextEncoder().encode(value), ...sample.subarray(40)]) })
      const kinds = ['email', 'DID', 'name', 'claim code', 'credential id']
      const plantedSecrets = kinds.map((kind) => secrets.find((s) => s.what.endsWith(kind)) as Secret)
      const planted: Capture = {
        items: [...plantedSecrets.map((secret) => plant(secret.value)), plant(amara.email.toUpperCase()), { where: 'planted text', text: '{"url":"http://10.1.2.3:8080/api"}' }],
        announcements: [{ where: 'planted', announcement: { ...header, addrs: ['/ip4/203.0.113.7/tcp/4001', '/ip4/192.168.1.20/tcp/4001'] } }],
        gossip: new Map(),
        cids: new Set()
      }
      const caught = leaksOf(planted, [{ name: 'planted', listenAddrs: ['/ip6/::1/tcp/4001'], recordAddrs: ['/ip4/100.64.0.9/tcp/4001'], agentVersion: 'cofl/0.1.0' }], secrets, new Set())
      for (const [i, secret] of plantedSecrets.entries()) assert.ok(caught.includes(`${secret.what} in planted ${secret.value}`), `a planted ${kinds[i] ?? ''} is found: ${caught.join('\n')}`)
      assert.ok(caught.some((c) => c.startsWith(`${amara.name}'s email in planted ${amara.email.toUpperCase()}`)), 'found whatever its case')
      for (const address of ['/ip4/192.168.1.20/tcp/4001 in an announcement', '/ip6/::1/tcp/4001 in planted\'s identify', '/ip4/100.64.0.9/tcp/4001 in planted\'s identify', 'a version in planted\'s agent version', '10.1.2.3 in planted text']) {
        assert.ok(caught.some((c) => c.startsWith(address)), `planted: ${address}: ${caught.join('\n')}`)
      }
      assert.not.ok(caught.some((c) => c.includes('203.0.113.7')), 'a public address is no finding')

      step('the verdict')
      assert.ok(capture.items.length > 50, `${capture.items.length} things captured`)
      const leaks = leaksOf(capture, identified, secrets, new Set(nodes.map((n) => new URL(n.url).hostname)))
      assert.ok(leaks.length === 0, `what the passive peer learnt (${leaks.length}):\n${leaks.join('\n')}`)
    })
  } finally {
    await Promise.allSettled(wallets.map(async (w) => { await w.close() }))
    await Promise.allSettled([passive?.stop()])
    await Promise.allSettled([...nodes].reverse().map(async (n) => { await n.stop() }))
    await dir?.remove()
  }
})

test.run()
