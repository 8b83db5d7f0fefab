// Attacks on a node's federation, through real nodes on 127.0.0.1 (port 0), each load bounded in
// count and time, every node stopped in `finally`:
//   (a) ghosts: validly signed announcements of blocks that exist nowhere, with garbage
//       collection forced while their fetches wait: a revocation still arrives at once, the
//       sender is graylisted, no validation slot is left held;
//   (a2) a genuine announcement whose block nobody connected holds: the timeout frees its slot,
//       sync brings the document when its publisher is back;
//   (b) a 30 s flood of ghosts (<= 1,000/s) against a city node in a process of its own (forced
//       GC there too): /api/health stays fast and a revocation is delivered meanwhile;
//   (c) poison documents by sync (deep and huge JSON-LD): refused by the cost bound before any
//       canonicalisation, the peer graylisted after three; documents refused by the rules count
//       half and are not asked for again; one peer's sync requests served at once are capped;
//       work stops when a peer leaves;
//   (d) POST /api/verify refuses the same deep payload, and a wide one, through the schema check,
//       cheaply: the signature of a credential the schema refuses is not computed.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential, signDocument } from '@cofl/credentials'
import { checkDocument, documentBlock, kindCollection, KINDS } from '@cofl/federation'
import { MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES, MAX_PEER_VALIDATIONS, MAX_SYNC_STREAMS_PER_PEER, SCORE_THRESHOLDS } from '@cofl/federation/tuning'
import type { FederationInit } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import { startNodeProcess, waitFor } from '@cofl/test-support'
import type { NodeProcess } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import type { TestIssuer } from '@cofl/test-support/issuers'
import { settle, signedAchievement, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'
import { announcementOf, forceGc, ghostAnnouncements, joinNode, openSync, publishRaw, readAnswer, startHostile } from './fixtures/hostile.js'
import type { HostilePeer, SyncAnswer } from './fixtures/hostile.js'

type Json = Record<string, any>

/** The fetch timeout of the in-process targets (the default, 10 s, in the city node of (b)). */
const FETCH_MS = 2000
const GRAYLIST = SCORE_THRESHOLDS.graylistThreshold

async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

function p95 (samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN
}

/** What a test starts, all stopped when it ends, also when it fails. */
interface Scene {
  signal: AbortSignal
  issuer: TestIssuer
  node: (init?: Partial<FederationInit>) => Promise<TestNode>
  hostile: (options?: { sync?: SyncAnswer }) => Promise<HostilePeer>
  /** Runs `cleanup` when the test ends (after the peers and nodes stop), even when it failed. */
  finally: (cleanup: () => Promise<void>) => void
}

async function scene (timeoutMs: number, run: (scene: Scene) => Promise<void>): Promise<void> {
  const issuer = await createIssuer()
  const nodes: TestNode[] = []
  const peers: HostilePeer[] = []
  const cleanups: Array<() => Promise<void>> = []
  try {
    await run({
      signal: AbortSignal.timeout(timeoutMs),
      issuer,
      node: async (init) => { const node = await startNode(init); nodes.push(node); return node },
      hostile: async (options) => { const peer = await startHostile(options); peers.push(peer); return peer },
      finally: (cleanup) => { cleanups.push(cleanup) }
    })
  } finally {
    await Promise.allSettled(peers.map(async (p) => { await p.stop() }))
    await stopAll(nodes)
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
    await issuer.close()
  }
}

const firstAddress = (node: TestNode): string => node.federation.multiaddrs()[0] as string

test('(a) 64 ghost announcements with forced GC: a revocation arrives at once, the sender is graylisted, no slot stays held', async () => {
  await scene(40_000, async ({ signal, issuer, node, hostile }) => {
    const target = await node({ fetchTimeoutMs: FETCH_MS })
    const publisher = await node({ key: issuer.key, bootstrap: target.federation.multiaddrs() })
    const attacker = await hostile()
    await joinNode(attacker, firstAddress(target), signal)
    const attackerId = attacker.peerId.toString()
    await settle()
    const v1 = await issuer.statusList()
    await publisher.federation.publish('status-list', v1)
    const listId = v1.id as string
    await waitFor('v1 on the target', async () => (await kindCollection(target.store, 'status-list').get(listId))?.sequence === 1, signal)

    for (const ghost of await ghostAnnouncements(64)) await publishRaw(attacker, 'achievement', ghost)
    await waitFor('ghost validations under way', () => target.federation.validationStats().running > 0, signal)
    const stats = target.federation.validationStats()
    assert.ok(stats.running <= MAX_PEER_VALIDATIONS, `one peer holds at most ${MAX_PEER_VALIDATIONS} slots: ${JSON.stringify(stats)}`)
    // Garbage collection between the start of the fetches and their deadline (docs/dependencies.md).
    for (let i = 0; i < 5; i++) { forceGc(); await sleep(50) }

    const revokedAt = Date.now()
    await publisher.federation.publish('status-list', await issuer.revokeOne())
    await waitFor('the revocation on the target within 3 s', async () => (await kindCollection(target.store, 'status-list').get(listId))?.sequence === 2, AbortSignal.timeout(3000))
    const delivered = Date.now() - revokedAt

    // The ghosts' fetches time out (after the collections) and are Rejected: the sender is graylisted.
    await waitFor('the hostile peer graylisted', () => target.federation.peerScore(attackerId) < GRAYLIST, AbortSignal.timeout(FETCH_MS + 5000))
    await waitFor('no validation left running or waiting', () => {
      const now = target.federation.validationStats()
      return now.running === 0 && now.queued === 0
    }, AbortSignal.timeout(5000))
    assert.is(await kindCollection(target.store, 'achievement').count(), 0, 'no ghost stored')
    assert.ok(target.federation.peerScore(publisher.federation.peerId) >= 0, 'the honest publisher keeps its score')
    // Graylisted: what it sends now is not even looked at; honest traffic still flows.
    for (const ghost of await ghostAnnouncements(8)) await publishRaw(attacker, 'achievement', ghost)
    const after = await signedAchievement(issuer.key, 'After the ghosts')
    await publisher.federation.publish('achievement', after)
    await waitFor('an achievement after the attack', async () => (await kindCollection(target.store, 'achievement').get(after.id as string)) != null, AbortSignal.timeout(5000))
    assert.ok(target.federation.validationStats().queued <= 1)
    console.info(`  (a) revocation delivered ${delivered} ms after publishing, behind 64 ghosts; hostile score ${Math.round(target.federation.peerScore(attackerId))}`)
  })
})

test('(a2) a genuine announcement whose block no connected peer holds: the timeout frees its slot (forced GC); sync brings it when its publisher is back', async () => {
  await scene(40_000, async ({ signal, issuer, node, hostile }) => {
    const target = await node({ fetchTimeoutMs: FETCH_MS })
    // The publisher holds the document but is not connected to the target (it went offline).
    const publisher = await node({ key: issuer.key })
    const doc = await signedAchievement(issuer.key, 'Published, then offline')
    await publisher.federation.publish('achievement', doc)
    const relay = await hostile()
    await joinNode(relay, firstAddress(target), signal)
    await settle()
    await publishRaw(relay, 'achievement', await announcementOf(issuer.key, 'achievement', doc))
    await waitFor('its validation under way', () => target.federation.validationStats().running === 1, signal)
    for (let i = 0; i < 5; i++) { forceGc(); await sleep(50) }
    await waitFor('the slot freed by the timeout', () => target.federation.validationStats().queued === 0, AbortSignal.timeout(FETCH_MS + 3000))
    assert.is(await kindCollection(target.store, 'achievement').get(doc.id as string), undefined)
    const relayId = relay.peerId.toString()
    await waitFor('the relay penalised', () => target.federation.peerScore(relayId) < 0, AbortSignal.timeout(3000))
    const relayScore = target.federation.peerScore(relayId)
    assert.ok(relayScore >= GRAYLIST, `the relay that could not give the block is penalised, once, not graylisted: ${relayScore}`)

    // The publisher is back: sync on connect brings the document.
    await publisher.federation.dial(firstAddress(target), { signal })
    await waitFor('the document by sync', async () => (await kindCollection(target.store, 'achievement').get(doc.id as string)) != null, AbortSignal.timeout(5000))
    assert.ok(target.federation.peerScore(publisher.federation.peerId) >= 0)
  })
})

const GC_ON_SIGNAL = fileURLToPath(new URL('./fixtures/gc-on-signal.ts', import.meta.url))
/** The flood of (b): at most this long, this many messages, at most this many a second. */
const FLOOD_MS = 30_000
const FLOOD_PER_SECOND = 1000
const FLOOD_MAX = FLOOD_PER_SECOND * FLOOD_MS / 1000

/** `cofl node start` in a process of its own, with --expose-gc and a full collection on SIGUSR2; up once it printed its banner. */
async function startTarget (dir: string): Promise<NodeProcess> {
  return await startNodeProcess(dir, {
    name: 'the target',
    nodeFlags: ['--expose-gc'],
    imports: [GC_ON_SIGNAL],
    env: { COFL_LISTEN: '/ip4/127.0.0.1/tcp/0', COFL_HTTP_HOST: '127.0.0.1', COFL_HTTP_PORT: '0' },
    ready: 'banner'
  })
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds (pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function rssMb (pid: number | undefined): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'))?.[1] ?? NaN)
  return Math.round(kb / 1024)
}

/**
 * GET /api/health of each of `urls` in turn, one request at a time, for `ms`, from a process of
 * its own (the flood generated in this one must not delay the measurement): the latencies per
 * URL, a timeout counting 10 s.
 */
async function probeHealth (urls: string[], ms: number): Promise<number[][]> {
  const script = `const urls = JSON.parse(process.argv[1]); const until = Date.now() + Number(process.argv[2]); const out = urls.map(() => []);
    for (let i = 0; Date.now() < until && i < 10000; i++) {
      const t = performance.now();
      try { const r = await fetch(urls[i % urls.length] + '/api/health', { signal: AbortSignal.timeout(10000) }); await r.arrayBuffer(); out[i % urls.length].push(performance.now() - t) } catch { out[i % urls.length].push(10000) }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.stdout.write(JSON.stringify(out));`
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(urls), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  proc.stdout?.on('data', (d) => { out += d })
  await new Promise((resolve) => { proc.once('close', resolve) })
  return JSON.parse(out) as number[][]
}

/**
 * The control of the measurement: an HTTP server that does nothing else, in a process of its own.
 * On a shared machine its latency is the machine's own scheduling delay at that moment.
 */
async function startControl (): Promise<{ url: string, stop: () => Promise<void> }> {
  const script = "const s = (await import('node:http')).createServer((q, r) => { r.end('{}') }); s.listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port) + '\\n') })"
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const closed = new Promise((resolve) => { proc.once('close', resolve) })
  const port = await new Promise<string>((resolve, reject) => {
    proc.stdout?.once('data', (d) => { resolve(String(d).trim()) })
    proc.once('close', () => { reject(new Error('the control server exited')) })
  })
  return { url: `http://127.0.0.1:${port}`, stop: async () => { proc.kill('SIGKILL'); await closed } }
}

async function heldSequence (url: string, listId: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/status/${encodeURIComponent(listId)}`, { signal: AbortSignal.timeout(10_000) })
  return response.ok ? (await response.json() as Json).sequence as number : undefined
}

test('(b) a 30 s flood of ghosts (<= 1,000/s) against a city node in its own process (forced GC): /api/health p95 < 500 ms (+ the machine\'s own delay), a revocation delivered meanwhile', async () => {
  // Bounded: the target's start (60 s at most), 3 s of quiet, the flood (FLOOD_MS; the health probe's
  // last request and the revocation's wait end at most 10 s and 15 s after it), the stop (20 s, then SIGKILL).
  await scene(FLOOD_MS + 90_000, async ({ signal, issuer, node, hostile, finally: after }) => {
    const dir = await mkdtemp(join(tmpdir(), 'cofl-attack-flood-'))
    after(async () => { await rm(dir, { recursive: true, force: true }) })
    const target = await startTarget(join(dir, 'city'))
    after(async () => { await target.stop() })
    const control = await startControl()
    after(control.stop)
    const { url } = target
    const publisher = await node({ key: issuer.key, bootstrap: [target.multiaddrs[0] as string] })
    const attacker = await hostile()
    await joinNode(attacker, target.multiaddrs[0] as string, signal)
    await settle()
    const v1 = await issuer.statusList()
    const listId = v1.id as string
    await publisher.federation.publish('status-list', v1)
    await waitFor('v1 on the target', async () => (await heldSequence(url, listId)) === 1, signal, 50)
    const ghosts = await ghostAnnouncements(512, 32)

    const [quiet = []] = await probeHealth([url], 3000)
    const rssBefore = rssMb(target.proc.pid)
    const cpuBefore = cpuSeconds(target.proc.pid)
    const start = Date.now()
    const until = start + FLOOD_MS
    let sent = 0
    const flood = (async () => {
      while (Date.now() < until && sent < FLOOD_MAX) {
        const batch = Array.from({ length: FLOOD_PER_SECOND / 20 }, (_, i) => ghosts[(sent + i) % ghosts.length] as Uint8Array)
        sent += batch.length
        await Promise.all(batch.map(async (ghost) => await publishRaw(attacker, 'achievement', ghost)))
        await sleep(50)
      }
    })()
    const gcs = (async () => {
      while (Date.now() < until) { target.proc.kill('SIGUSR2'); await sleep(2000) }
    })()
    let delivered: number | undefined
    const revocation = (async () => {
      await sleep(5000)
      const publishedAt = Date.now()
      await publisher.federation.publish('status-list', await issuer.revokeOne())
      while (Date.now() < until + 5000) {
        if ((await heldSequence(url, listId)) === 2) { delivered = Date.now() - publishedAt; return }
        await sleep(50)
      }
    })()
    const [[loaded = [], idle = []]] = await Promise.all([probeHealth([url, control.url], FLOOD_MS), flood, gcs, revocation])
    const rssAfter = rssMb(target.proc.pid)
    const cpu = cpuSeconds(target.proc.pid) - cpuBefore
    const floodP95 = p95(loaded)
    const controlP95 = p95(idle)
    console.info(`  (b) ${sent} ghosts in ${Date.now() - start} ms; /api/health p95 quiet ${Math.round(p95(quiet))} ms, under the flood ${Math.round(floodP95)} ms (${loaded.length} requests; an idle server meanwhile ${Math.round(controlP95)} ms); revocation delivered in ${delivered ?? 'never'} ms; target CPU ${cpu.toFixed(1)} s, RSS ${rssBefore} -> ${rssAfter} MB`)
    assert.ok(sent >= FLOOD_PER_SECOND * 5, `the flood was a flood: ${sent} messages`)
    assert.ok(delivered != null, 'the revocation was delivered during the flood')
    // 500 ms, plus what the machine itself adds meanwhile (others' processes on a shared 2-core machine).
    assert.ok(floodP95 < 500 + 2 * controlP95, `/api/health p95 under the flood ${Math.round(floodP95)} ms; an idle server's meanwhile ${Math.round(controlP95)} ms`)
  })
})

/** A chain of `depth` Profiles nested through parentOrg (valid OB 3.0 terms, so JSON-LD expands all of it). */
function deepOrg (depth: number): Json {
  let org: Json = { id: 'urn:example:org:root', type: ['Profile'], name: 'root' }
  for (let i = 1; i < depth; i++) org = { type: ['Profile'], name: `level ${i}`, parentOrg: org }
  return org
}

/** An achievement by `key` carrying `extra`, with a proof that looks right and is not (a forgery costs nothing to make). */
function poisonAchievement (key: KeyPair, extra: Json): Json {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['Achievement'],
    name: 'Poison',
    description: 'Costly to canonicalise',
    criteria: { narrative: 'None' },
    creator: { id: key.did, type: ['Profile'], name: 'Hostile' },
    ...extra,
    proof: {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2026-01-01T00:00:00Z',
      verificationMethod: `${key.did}#${key.did.slice('did:key:'.length)}`,
      proofPurpose: 'assertionMethod',
      proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKNkzF4KgGGz3ngRJ2'
    }
  }
}

/** Poison documents: deep (a chain of Profiles 4 times deeper than the bound) and wide (more values than the bound). */
function poisonDocuments (key: KeyPair, count: number): Json[] {
  const wide = Array.from({ length: Math.ceil(MAX_DOCUMENT_NODES / 5) + 10 }, (_, i) => ({ type: ['Alignment'], targetName: `skill ${i}`, targetUrl: `https://example.org/skills/${i}` }))
  // One in eight wide: a get response stays under the 4 MB frame that length-prefixed frames allow.
  return Array.from({ length: count }, (_, i) => i % 8 === 0
    ? poisonAchievement(key, { alignment: wide })
    : poisonAchievement(key, { creator: { id: key.did, type: ['Profile'], name: 'Hostile', parentOrg: deepOrg(MAX_DOCUMENT_DEPTH * 4) } }))
}

/** A sync answer that offers `docs` (with their signed headers) as the peer's catalogue. */
async function catalogue (key: KeyPair, docs: Json[]): Promise<{ answer: (request: Json) => unknown, served: () => number, servedAt: () => number }> {
  const entries = await Promise.all(docs.map(async (doc) => ({ id: doc.id as string, a: await announcementOf(key, 'achievement', doc), block: await documentBlock(doc) })))
  const byId = new Map(entries.map((e) => [e.id, e]))
  let served = 0
  let servedAt = 0
  const kind = KINDS.indexOf('achievement')
  return {
    served: () => served,
    servedAt: () => servedAt,
    answer: (request) => {
      if (request.t === 'heads') return request.after != null ? { issuers: [], heads: [] } : { issuers: [key.did], heads: entries.map((e) => [kind, e.id, 0, 1, e.block.cid.toString()]) }
      if (request.t === 'get') {
        const docs = (request.want as Array<[number, string]>).flatMap(([, id]) => { const e = byId.get(id); return e == null ? [] : [{ a: e.a, b: e.block.bytes }] })
        served += docs.length
        servedAt = performance.now()
        return { docs }
      }
      return {}
    }
  }
}

test('(c) 64 poison documents by sync: refused by the cost bound unread, the peer graylisted after three, cheaper than checking one', async () => {
  await scene(40_000, async ({ signal, node, hostile }) => {
    const key = await generateKeyPair()
    const poison = poisonDocuments(key, 64)
    const offer = await catalogue(key, poison)
    const target = await node()
    const attacker = await hostile({ sync: offer.answer })
    const attackerId = attacker.peerId.toString()
    await joinNode(attacker, firstAddress(target), signal)
    // The target syncs on connect; this joins that round (or runs one).
    const summary = await target.federation.syncNow({ peerId: attackerId })
    await waitFor('the documents sent', () => offer.served() > 0, signal)
    // From the moment the 64 documents were sent to the end of the round: the target's work on them.
    const elapsed = performance.now() - offer.servedAt()
    assert.is(await kindCollection(target.store, 'achievement').count(), 0)
    assert.ok(target.federation.peerScore(attackerId) < GRAYLIST, `graylisted: ${target.federation.peerScore(attackerId)}`)
    const again = await target.federation.syncNow({ peerId: attackerId })
    assert.match(again.errors.join(' '), 'graylisted', 'no further sync with it')
    // What checking a single one of them would have cost (the wide one; canonicalisation included).
    const one = poison[0] as Json
    const before = performance.now()
    await checkDocument('achievement', one, { id: one.id as string, issuer: key.did, sequence: 1 })
    const checkOne = performance.now() - before
    assert.ok(summary.rejected <= 3 || summary.peers === 0, `at most three examined: ${JSON.stringify(summary)}`)
    assert.ok(elapsed < checkOne, `the whole attack (${Math.round(elapsed)} ms) cost less than checking one poison document (${Math.round(checkOne)} ms)`)
    console.info(`  (c) 64 poison documents refused in ${Math.round(elapsed)} ms from their sending; checking one wide one: ${Math.round(checkOne)} ms`)
  })
})

test('(c3) documents refused by the rules (an old peer may hold them) count half a fault each, and are not asked for again', async () => {
  await scene(30_000, async ({ signal, node, hostile }) => {
    const key = await generateKeyPair()
    const offer = await catalogue(key, [poisonAchievement(key, { name: 'Bad proof 1' }), poisonAchievement(key, { name: 'Bad proof 2' })])
    const target = await node()
    const stale = await hostile({ sync: offer.answer })
    const staleId = stale.peerId.toString()
    await joinNode(stale, firstAddress(target), signal)
    const first = await target.federation.syncNow({ peerId: staleId })
    await waitFor('both refused', () => offer.served() === 2, signal)
    const score = target.federation.peerScore(staleId)
    assert.ok(score < 0 && score > GRAYLIST, `two refusals by the rules: ${score} (${JSON.stringify(first)})`)
    const second = await target.federation.syncNow({ peerId: staleId })
    assert.is(second.requested, 0, 'not asked for again')
    assert.is(offer.served(), 2)
    assert.ok(target.federation.peerScore(staleId) >= score, 'and not penalised again')
  })
})

test('(c4) one peer\'s sync requests: at most MAX_SYNC_STREAMS_PER_PEER served at once, the others reset', async () => {
  await scene(30_000, async ({ signal, node, hostile }) => {
    const target = await node()
    const greedy = await hostile()
    const address = firstAddress(target)
    // MAX_SYNC_STREAMS_PER_PEER requests that never finish arriving: each holds one of its places.
    const held = await Promise.all(Array.from({ length: MAX_SYNC_STREAMS_PER_PEER }, async () => await openSync(greedy, address, undefined, { hold: true, signal })))
    await sleep(200)
    const refused = await readAnswer(await openSync(greedy, address, { t: 'heads', limit: 10 }, { signal }))
    assert.is(refused, undefined, 'one more is reset unanswered')
    const other = await hostile()
    const answered = await readAnswer(await openSync(other, address, { t: 'heads', limit: 10 }, { signal })) as Json | undefined
    assert.ok(Array.isArray(answered?.heads), 'another peer is served meanwhile')
    for (const stream of held) stream.abort(new Error('gone'))
    await sleep(200)
    const again = await readAnswer(await openSync(greedy, address, { t: 'heads', limit: 10 }, { signal })) as Json | undefined
    assert.ok(Array.isArray(again?.heads), 'served again once its requests are over')
  })
})

test('(c2) a peer that leaves in the middle of a sync: the documents it sent are not checked any further', async () => {
  await scene(40_000, async ({ signal, node, hostile }) => {
    const key = await generateKeyPair()
    // Valid and in bounds, but each worth tens of milliseconds of checking.
    const alignment = Array.from({ length: 400 }, (_, i) => ({ type: ['Alignment'], targetName: `skill ${i}`, targetUrl: `https://example.org/skills/${i}` }))
    const docs = await Promise.all(Array.from({ length: 32 }, async (_, i) => {
      const { proof: _proof, ...unsigned } = poisonAchievement(key, { alignment, name: `Valid ${i}` })
      return await signDocument(unsigned as never, { key }) as unknown as Json
    }))
    const offer = await catalogue(key, docs)
    const target = await node()
    const answer = (request: Json): unknown => {
      const response = offer.answer(request)
      // Gone right after sending its documents.
      if (request.t === 'get') setTimeout(() => { for (const c of leaver.getConnections()) void c.close().catch(() => {}) }, 150)
      return response
    }
    const leaver = await hostile({ sync: answer })
    const leaverId = leaver.peerId.toString()
    await joinNode(leaver, firstAddress(target), signal)
    const summary = await target.federation.syncNow({ peerId: leaverId })
    await waitFor('the documents sent', () => offer.served() > 0, signal)
    await waitFor('the peer gone', () => !target.federation.peers().includes(leaverId), signal)
    await waitFor('nothing left running', () => target.federation.validationStats().queued === 0, signal)
    const stored = await kindCollection(target.store, 'achievement').count()
    assert.ok(stored < docs.length / 2, `${stored} of ${docs.length} checked and stored: work stopped when the peer left`)
    assert.match(summary.errors.join(' '), 'the peer is gone', JSON.stringify(summary))
  })
})

test('(d) POST /api/verify refuses the deep and the wide payload through the schema check, at the cost of a normal verify, the signature not computed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-attack-verify-'))
  const node = createCityNode({ config: { data: join(dir, 'city'), name: 'Verify' }, federation: false })
  try {
    await node.start()
    const key = await generateKeyPair()
    const issuer = buildProfile({ id: key.did, name: 'An issuer' })
    const good = await signCredential(buildOpenBadgeCredential({ issuer, achievement: buildAchievement({ name: 'A', description: 'd', criteria: 'c', creator: issuer }), subject: 'did:example:learner' } as never), { key }) as unknown as Json
    const deep = { ...good, issuer: { ...good.issuer, parentOrg: deepOrg(MAX_DOCUMENT_DEPTH * 4) } }
    const verify = async (credential: Json): Promise<{ ms: number, body: Json }> => {
      const started = performance.now()
      const response = await fetch(`${node.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: credential }), signal: AbortSignal.timeout(30_000) })
      const body = await response.json() as Json
      assert.is(response.status, 200, JSON.stringify(body))
      return { ms: performance.now() - started, body }
    }
    const normal: number[] = []
    for (let i = 0; i < 5; i++) normal.push((await verify(good)).ms)
    const refused: number[] = []
    for (let i = 0; i < 3; i++) {
      const { ms, body } = await verify(deep)
      refused.push(ms)
      assert.is(body.verified, false)
      assert.is(body.checks.find((c: Json) => c.id === 'schema')?.outcome, 'failed', 'the schema check refuses it')
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    // Generous: a few normal verifies, whatever the machine's speed.
    assert.ok(median(refused) < 5 * median(normal) + 200, `deep ${Math.round(median(refused))} ms, normal ${Math.round(median(normal))} ms`)
    // Wide (~49 KB): thousands of tags, one of them not a string, so the schema refuses the array.
    // Every term is defined and the structure flat: its signature (canonicalising every tag)
    // would cost ~1-2 s; the schema's single error is found at once, and the proof is not computed.
    const achievement = good.credentialSubject.achievement as Json
    const wide = { ...good, credentialSubject: { ...good.credentialSubject, achievement: { ...achievement, tag: [...Array.from({ length: 6000 }, (_, i) => `t${i}`), 0] } } }
    const wideBytes = JSON.stringify({ verifiableCredential: wide }).length
    assert.ok(wideBytes > 45_000 && wideBytes < 50_000, `${wideBytes} bytes`)
    const wideMs: number[] = []
    for (let i = 0; i < 3; i++) {
      const { ms, body } = await verify(wide)
      wideMs.push(ms)
      assert.is(body.verdict, 'invalid')
      assert.is(body.verified, false)
      const outcome = (id: string): Json | undefined => body.checks.find((c: Json) => c.id === id)
      assert.is(outcome('schema')?.outcome, 'failed', 'the schema check refuses it')
      assert.match(String(outcome('schema')?.reason), /tag/)
      assert.is(outcome('proof')?.outcome, 'skipped', JSON.stringify(outcome('proof')))
      assert.match(String(outcome('proof')?.reason), /does not match the OB 3\.0 schema, so its signature is not computed/)
      assert.is(outcome('status')?.outcome, 'skipped')
      assert.is(outcome('validity')?.outcome, 'passed', 'the dates are still checked')
    }
    // A ratio to the valid credential's verify in this run, not milliseconds: cheaper than 10 of them.
    assert.ok(median(wideMs) < 10 * median(normal), `wide ${Math.round(median(wideMs))} ms, normal ${Math.round(median(normal))} ms`)
    console.info(`  (d) /api/verify: deep payload ${Math.round(median(refused))} ms (schema failed), wide payload (${wideBytes} bytes) ${Math.round(median(wideMs))} ms (schema failed, proof skipped), a valid credential ${Math.round(median(normal))} ms`)
  } finally {
    await node.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
