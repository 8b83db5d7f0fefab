/**
 * The federation on loopback, all nodes in this one process:
 *
 *   npm run bench:federation -- [--nodes 10,30] [--revocations 20] [--catalogue 10000]
 *
 * 1. For each N: N nodes, each dialling 2-3 random earlier ones (a connected, random-ish graph).
 *    One issuer node publishes `--revocations` status list versions (a real registry, each
 *    revoking one more index, signed); the time from publish() until every node holds that
 *    version is measured (p50, p95, max). Memory: the process's RSS and heap, and per node.
 * 2. A catalogue of `--catalogue` signed achievements is written straight into one node's store
 *    and level blockstore (not gossiped); a fresh node dials it and is timed until its store holds
 *    every achievement (sync alone: heads pages, get batches, every proof checked).
 * 3. Revocation speed as a verifier sees it: two city nodes (createCityNode, A and B, B dialling
 *    A); A issues a credential and revokes it through its HTTP API; timed from the revoke call
 *    until B's POST /api/verify says revoked. Status lists are published in batches
 *    (status.publishIntervalMs): measured with a short interval (`--batch-interval`, 2 s) and with
 *    `now` (published at once); the default interval's worst case is that interval plus the
 *    propagation measured with `now` (`--revocation-samples` each, 6).
 * Targets: revocation everywhere < 1 s at p95 for N = 30; 10,000 achievements synced < 60 s.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildAchievementDocument, buildProfile, signCredential, signDocument } from '@cofl/credentials'
import { createFederation, documentBlock, kindCollection } from '@cofl/federation'
import type { Federation } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { Store } from '@cofl/store'
import { LevelBlockstore } from 'blockstore-level'
import { CID } from 'multiformats/cid'
import { createCityNode, defaultConfig } from 'cofl'
import type { CityNode } from 'cofl'

function arg (name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback
}

const SIZES = arg('nodes', '10,30').split(',').map(Number).filter((n) => n > 0)
const REVOCATIONS = Number(arg('revocations', '20'))
const CATALOGUE = Number(arg('catalogue', '10000'))
const BATCH_INTERVAL_MS = Number(arg('batch-interval', '2000'))
const REVOCATION_SAMPLES = Number(arg('revocation-samples', '6'))
/** The node's default status.publishIntervalMs (config/default.json). */
const DEFAULT_INTERVAL_MS = defaultConfig().status?.publishIntervalMs ?? NaN

function quantile (sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function waitUntil (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await sleep(5)
  }
}

interface RevocationResult { n: number, p50: number, p95: number, max: number, rss: number, heap: number, connections: number }

async function revocations (n: number): Promise<RevocationResult> {
  const issuer = await generateKeyPair()
  const dir = await mkdtemp(join(tmpdir(), 'cofl-bench-status-'))
  const registry = await openStatusRegistry({ directory: dir, issuer: issuer.did })
  const nodes: Federation[] = []
  try {
    for (let i = 0; i < n; i++) {
      const peers = [...nodes].sort(() => Math.random() - 0.5).slice(0, 2 + Math.floor(Math.random() * 2))
      nodes.push(await createFederation({
        key: i === 0 ? issuer : await generateKeyPair(),
        store: createMemoryStore(),
        syncIntervalMs: 0,
        bootstrap: peers.map((p) => p.multiaddrs()[0] as string),
        allowDial: ['loopback'] // all on 127.0.0.1: publishers' announced addresses are loopback ones
      }))
    }
    await waitUntil(() => nodes.every((f) => f.peers().length >= 1), 30_000, 'every node connected')
    await sleep(1500) // meshes form
    const arrivals = nodes.map(() => new Map<number, number>())
    nodes.forEach((f, i) => {
      f.addEventListener('document', (event) => {
        if (event.detail.kind === 'status-list') arrivals[i]!.set(event.detail.sequence, performance.now())
      })
    })
    const times: number[] = []
    for (let r = 0; r < REVOCATIONS; r++) {
      const { entries } = await registry.allocate()
      await registry.setStatus(entries[0]!, true)
      const list = await signCredential(await registry.buildListCredential('revocation', 0), { key: issuer }) as unknown as Record<string, unknown>
      const sequence = list.sequence as number
      const t0 = performance.now()
      await nodes[0]!.publish('status-list', list)
      arrivals[0]!.set(sequence, performance.now())
      try {
        await waitUntil(() => arrivals.every((a) => a.has(sequence)), 10_000, `revocation ${sequence} everywhere`)
      } catch (err) {
        const missing = arrivals.flatMap((a, i) => a.has(sequence) ? [] : [`node ${i} (${nodes[i]!.peers().length} peers, holds ${[...a.keys()].join(',')})`])
        throw new Error(`${(err as Error).message}: missing at ${missing.join('; ')}`)
      }
      times.push(Math.max(...arrivals.map((a) => a.get(sequence) as number)) - t0)
      await sleep(50)
    }
    times.sort((a, b) => a - b)
    const memory = process.memoryUsage()
    const connections = nodes.reduce((sum, f) => sum + f.peers().length, 0) / n
    return { n, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times[times.length - 1] as number, rss: memory.rss, heap: memory.heapUsed, connections }
  } finally {
    await Promise.allSettled(nodes.map(async (f) => { await f.stop() }))
    await registry.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function prepareCatalogue (key: KeyPair, count: number, store: Store, directory: string): Promise<number> {
  const t0 = performance.now()
  const blockstore = new LevelBlockstore(join(directory, 'blocks'))
  await blockstore.open()
  const creator = buildProfile({ id: key.did, name: 'A big city' })
  try {
    for (let i = 0; i < count; i++) {
      const doc = await signDocument(buildAchievementDocument({ name: `Achievement ${i}`, description: `Catalogue entry ${i}`, criteria: 'Do the thing', creator }), { key }) as unknown as Record<string, unknown>
      const { cid, bytes } = await documentBlock(doc)
      await blockstore.put(CID.parse(cid.toString()) as unknown as Parameters<LevelBlockstore['put']>[0], bytes)
      await kindCollection(store, 'achievement').put(doc.id as string, { kind: 'achievement', id: doc.id as string, issuer: key.did, sequence: 1, cid: cid.toString(), document: doc, receivedAt: new Date().toISOString() })
    }
  } finally {
    await blockstore.close()
  }
  return performance.now() - t0
}

async function catalogue (count: number): Promise<{ prepareMs: number, syncMs: number, rss: number }> {
  const key = await generateKeyPair()
  const dir = await mkdtemp(join(tmpdir(), 'cofl-bench-catalogue-'))
  const store = createMemoryStore()
  let source: Federation | undefined
  let fresh: Federation | undefined
  try {
    const prepareMs = await prepareCatalogue(key, count, store, dir)
    source = await createFederation({ key, store, directory: dir, syncIntervalMs: 0, allowDial: ['loopback'] })
    const freshStore = createMemoryStore()
    const t0 = performance.now()
    // The fresh node trusts the catalogue's issuer: an untrusted one stops at its quota (UNTRUSTED_MAX_DOCUMENTS).
    fresh = await createFederation({ key: await generateKeyPair(), store: freshStore, syncIntervalMs: 0, bootstrap: source.multiaddrs(), allowDial: ['loopback'], trustRoots: [key.did] })
    await waitUntil(async () => (await kindCollection(freshStore, 'achievement').count()) === count, 600_000, 'the catalogue synced')
    const syncMs = performance.now() - t0
    return { prepareMs, syncMs, rss: process.memoryUsage().rss }
  } finally {
    await fresh?.stop()
    await source?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

interface SpeedResult { samples: number[], p50: number, max: number }

/**
 * Revoke at A (HTTP API) -> B's verifier says revoked, for `samples` credentials, with A publishing
 * every `intervalMs` (batched) or at once (`now`).
 */
async function revocationSpeed (intervalMs: number, now: boolean, samples: number): Promise<SpeedResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-bench-revocation-'))
  const nodes: CityNode[] = []
  const call = async (node: CityNode, method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${node.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000)
    })
    const json = await response.json() as Record<string, any>
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
    return json
  }
  try {
    const status = { publishIntervalMs: intervalMs }
    const a = createCityNode({ config: { data: join(dir, 'a'), name: 'A', allowDial: ['loopback'], status }, signingWorkers: 0 })
    await a.start()
    nodes.push(a)
    const b = createCityNode({ config: { data: join(dir, 'b'), name: 'B', allowDial: ['loopback'], trustRoots: [a.did], bootstrap: [a.info().multiaddrs[0] as string], status }, signingWorkers: 0 })
    await b.start()
    nodes.push(b)
    const { id: achievementId } = await call(a, 'POST', '/api/achievements', { name: 'Timed', description: 'Revoked against the clock', criteria: 'Be issued' })
    const credentials: Array<Record<string, unknown>> = []
    for (let i = 0; i < samples; i++) credentials.push((await call(a, 'POST', '/api/credentials', { achievementId, subject: a.did })).credential)
    const statusAtB = async (credential: Record<string, unknown>): Promise<string | undefined> => {
      const report = await call(b, 'POST', '/api/verify', { verifiableCredential: credential })
      return (report.checks as Array<{ id: string, code?: string }>).find((c) => c.id === 'status')?.code
    }
    // B holds the list (its first version) before the clock starts.
    const listId = (credentials[0]?.credentialStatus as { statusListCredential: string }).statusListCredential
    await waitUntil(async () => (await fetch(`${b.url}/api/status/${encodeURIComponent(listId)}`, { signal: AbortSignal.timeout(30_000) })).ok, 30_000, 'the list at B')
    const times: number[] = []
    for (const credential of credentials) {
      // Revocations at no particular moment of the interval (uniform over it), as an issuer's would be.
      await sleep(Math.floor(Math.random() * (now ? 500 : intervalMs)))
      const t0 = performance.now()
      await call(a, 'POST', '/api/credentials/revoke', { credentialId: credential.id, ...(now ? { now: true } : {}) })
      const end = Date.now() + intervalMs + 30_000
      while ((await statusAtB(credential)) !== 'COFL_ERR_STATUS_REVOKED') {
        if (Date.now() > end) throw new Error('timed out: the revocation seen at B')
        await sleep(20)
      }
      times.push(performance.now() - t0)
    }
    const sorted = [...times].sort((x, y) => x - y)
    return { samples: times, p50: quantile(sorted, 0.5), max: sorted[sorted.length - 1] as number }
  } finally {
    for (const node of nodes.reverse()) await node.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}

const rows: string[] = []
if (REVOCATION_SAMPLES > 0) {
  const fast = await revocationSpeed(DEFAULT_INTERVAL_MS, true, REVOCATION_SAMPLES)
  rows.push(`| revoke at A -> B's verifier says revoked, \`now\` (published at once) | p50 ${fast.p50.toFixed(0)} ms, max ${fast.max.toFixed(0)} ms over ${REVOCATION_SAMPLES} | 2 city nodes |`)
  process.stdout.write(rows[rows.length - 1] + '\n')
  const batched = await revocationSpeed(BATCH_INTERVAL_MS, false, REVOCATION_SAMPLES)
  rows.push(`| revoke at A -> B's verifier says revoked, batched every ${BATCH_INTERVAL_MS / 1000} s | p50 ${batched.p50.toFixed(0)} ms, max ${batched.max.toFixed(0)} ms over ${REVOCATION_SAMPLES} (expected: up to ${BATCH_INTERVAL_MS} ms + propagation) | 2 city nodes |`)
  process.stdout.write(rows[rows.length - 1] + '\n')
  rows.push(`| revoke -> seen revoked, default interval ${DEFAULT_INTERVAL_MS / 1000} s (expected, not run) | worst case ${DEFAULT_INTERVAL_MS / 1000} s + ${fast.max.toFixed(0)} ms propagation; ${DEFAULT_INTERVAL_MS / 2000} s on average | |`)
  process.stdout.write(rows[rows.length - 1] + '\n')
}
for (const n of SIZES) {
  const r = await revocations(n)
  rows.push(`| revocation everywhere, N=${n} (${r.connections.toFixed(1)} peers/node) | p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms over ${REVOCATIONS} | RSS ${mb(r.rss)} MB, heap ${mb(r.heap)} MB (process); ~${mb(r.rss / n)} MB RSS, ~${mb(r.heap / n)} MB heap per node |`)
  process.stdout.write(rows[rows.length - 1] + '\n')
}
if (CATALOGUE > 0) {
  const c = await catalogue(CATALOGUE)
  rows.push(`| ${CATALOGUE} achievements to a fresh node by sync | ${(c.syncMs / 1000).toFixed(1)} s (${(CATALOGUE / (c.syncMs / 1000)).toFixed(0)}/s; preparing them took ${(c.prepareMs / 1000).toFixed(1)} s) | RSS ${mb(c.rss)} MB (process, 2 nodes) |`)
}
process.stdout.write(`\nnode ${process.version}, all nodes in one process on 127.0.0.1\n\n| what | time | memory |\n|---|---|---|\n${rows.join('\n')}\n`)
process.exit(0)
