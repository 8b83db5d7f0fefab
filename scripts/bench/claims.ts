/**
 * Claims per second against one city node, and the node's memory:
 *
 *   npm run bench:claims -- [--n 2000] [--clients 16] [--e2e 500] [--pathway] [--prefill K] [--json] [--strict]
 *
 * --strict: exit 1 when the target is not met (without it, a missed target is printed, not failed).
 * --pathway: the node also publishes a pathway that awards a badge for the bench badge and a
 *   second one, so that every claim decides whether it completes the pathway (it never does: no
 *   learner holds the second); that decision reads the claimant's records in the issuance log.
 * --prefill K: before the offers, the node issues K credentials to K other learners
 *   (POST /api/credentials), so that the issuance log is not empty.
 *
 * The node runs as a child process (`cofl node start`, the federation on, no peers), so that its
 * RSS is its own and its CPU is not shared with the benchmark's JavaScript. The benchmark:
 *
 * 1. creates an achievement and `--n` offers with POST /api/offers/bulk (chunks of 1,000);
 * 2. a warm-up of 100 claims, not timed (the node starts its signing workers on the first one);
 * 3. node only: `--clients` concurrent clients, each with its own learner key, GET the claim of
 *    each offer and sign their presentation over its challenge BEFORE the clock starts; then the
 *    clients POST the N pre-signed claims, `--clients` at a time, and the clock measures the node
 *    alone (verify the presentation, allocate the status index, sign, write, answer);
 * 4. end to end: `--e2e` more offers, each claimed by a client doing GET + sign + POST while the
 *    clock runs (the clients' signing shares the machine's cores with the node).
 *
 * Every claim must answer 201 with a credential about its client's DID, a sample must verify on
 * the node, and the issuance log must grow by exactly the number of claims; the benchmark exits 1
 * otherwise. The node's RSS is sampled every 100 ms from /proc/<pid>/status (Linux).
 * Target: at least 100 claims/s (node only) on two cores.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'

type Json = Record<string, any>

const BIN = fileURLToPath(new URL('../../node/bin/cofl.js', import.meta.url))
const TARGET = 100
const WARM_UP = 100

function arg (name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`)
  return value
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

interface Node { proc: ChildProcess, url: string, token: string, output: () => string }

async function startNode (dir: string): Promise<Node> {
  const proc = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', BIN, 'node', 'start', '--data', dir, '--name', 'Bench City'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COFL_PASSPHRASE: '' }
  })
  let output = ''
  proc.stdout?.on('data', (d) => { output += d })
  proc.stderr?.on('data', (d) => { output += d })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (proc.exitCode != null) throw new Error(`the node exited (${proc.exitCode}):\n${output}`)
    try {
      const info = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8'))
      if (info.pid === proc.pid) return { proc, url: info.http, token: (await readFile(join(dir, 'admin-token'), 'utf8')).trim(), output: () => output }
    } catch {}
    await sleep(50)
  }
  proc.kill('SIGKILL')
  throw new Error(`the node did not start within 60 s:\n${output}`)
}

async function stopNode (node: Node): Promise<void> {
  if (node.proc.exitCode != null) return
  const exited = new Promise((resolve) => { node.proc.once('close', resolve) })
  node.proc.kill('SIGTERM')
  const timer = setTimeout(() => { node.proc.kill('SIGKILL') }, 15_000)
  await exited
  clearTimeout(timer)
}

async function rssOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN)
  return kb * 1024
}

/** Samples the RSS of a process every 100 ms until stopped. */
function sampler (pid: number): { stop: () => Promise<{ peak: number, last: number }> } {
  let peak = 0
  let last = 0
  let running = true
  const loop = (async () => {
    // eslint-disable-next-line no-unmodified-loop-condition -- `stop()` clears `running`
    while (running) {
      last = await rssOf(pid)
      if (last > peak) peak = last
      await sleep(100)
    }
  })()
  return { stop: async () => { running = false; await loop; return { peak, last } } }
}

async function api (node: Node, method: string, path: string, body?: unknown, admin = true): Promise<{ status: number, body: Json }> {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: { ...(admin ? { authorization: `Bearer ${node.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(120_000)
  })
  return { status: response.status, body: await response.json() as Json }
}

async function must (node: Node, method: string, path: string, body?: unknown, status = 200, admin = true): Promise<Json> {
  const answer = await api(node, method, path, body, admin)
  if (answer.status !== status) throw new Error(`${method} ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`)
  return answer.body
}

async function offers (node: Node, achievementId: string, n: number, tag: string): Promise<string[]> {
  const codes: string[] = []
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, j) => ({ name: `Learner ${tag}${start + j}`, email: `learner.${tag}${start + j}@bench.example` }))
    const result = await must(node, 'POST', '/api/offers/bulk', { achievementId, rows })
    if (result.refused.length > 0) throw new Error(`offers refused: ${JSON.stringify(result.refused.slice(0, 3))}`)
    codes.push(...result.offered.map((o: Json) => o.code as string))
  }
  return codes
}

/** Runs `task` over items with `k` concurrent workers; worker w gets items w, w+k, ... */
async function pool<T> (items: T[], k: number, task: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: k }, async (_, w) => {
    while (next < items.length) {
      const item = items[next++] as T
      await task(item, w)
    }
  }))
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
}

async function sign (node: Node, code: string, key: KeyPair): Promise<Json> {
  const claim = await must(node, 'GET', `/api/claims/${code}`, undefined, 200, false)
  return await signPresentation(buildPresentation({ holder: key.did, verifiableCredential: [] }), { key, challenge: claim.challenge, domain: claim.domain }) as unknown as Json
}

async function post (node: Node, code: string, vp: Json, key: KeyPair, credentials: Json[]): Promise<void> {
  const answer = await api(node, 'POST', `/api/claims/${code}`, { presentation: vp }, false)
  if (answer.status !== 201) throw new Error(`claim: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`)
  if (answer.body.credential?.credentialSubject?.id !== key.did) throw new Error('a credential is not about its claimant')
  credentials.push(answer.body.credential)
}

interface Phase { claims: number, seconds: number, perSecond: number, p50: number, p95: number, p99: number, rssPeak: number, rssEnd: number }

async function measure (
  node: Node, codes: string[], clients: number, keys: KeyPair[], work: (code: string, key: KeyPair, credentials: Json[]) => Promise<void>
): Promise<{ phase: Phase, credentials: Json[] }> {
  const credentials: Json[] = []
  const latencies: number[] = []
  const rss = sampler(node.proc.pid as number)
  const t0 = performance.now()
  await pool(codes, clients, async (code, w) => {
    const t = performance.now()
    await work(code, keys[w] as KeyPair, credentials)
    latencies.push(performance.now() - t)
  })
  const seconds = (performance.now() - t0) / 1000
  const memory = await rss.stop()
  latencies.sort((a, b) => a - b)
  return {
    credentials,
    phase: {
      claims: codes.length, seconds, perSecond: codes.length / seconds,
      p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), rssPeak: memory.peak, rssEnd: memory.last
    }
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`

async function main (): Promise<void> {
  const n = arg('n', 2000)
  const clients = arg('clients', 16)
  const e2e = arg('e2e', 500)
  const json = process.argv.includes('--json')
  const strict = process.argv.includes('--strict')
  const pathway = process.argv.includes('--pathway')
  const prefill = arg('prefill', 0)
  const say = (line: string): void => { if (!json) process.stderr.write(`${line}\n`) }
  const dir = await mkdtemp(join(tmpdir(), 'cofl-bench-claims-'))
  say(`cofl claims benchmark: n=${n} (node only), e2e=${e2e}, ${clients} clients, ${cpus().length} cores, node ${process.version}`)
  const node = await startNode(join(dir, 'city'))
  let failed = false
  try {
    const rssIdle = await rssOf(node.proc.pid as number)
    const { id: achievementId } = await must(node, 'POST', '/api/achievements', { name: 'Bench Badge', description: 'A badge for the benchmark', criteria: 'Be claimed' }, 201)
    const keys = await Promise.all(Array.from({ length: clients }, async () => await generateKeyPair()))
    if (pathway) {
      const { id: second } = await must(node, 'POST', '/api/achievements', { name: 'Bench Second Step', description: 'Never claimed in the benchmark', criteria: 'Be the second step' }, 201)
      const { id: badge } = await must(node, 'POST', '/api/achievements', { name: 'Bench Pathway Badge', description: 'Awarded for both steps', criteria: 'Hold both steps' }, 201)
      await must(node, 'POST', '/api/pathways', { id: 'urn:cofl:bench:pathway', kind: 'destination', name: 'Bench pathway', requirements: { allOf: [achievementId, second] }, awardAchievementId: badge }, 201)
    }
    if (prefill > 0) {
      say(`prefill: issuing ${prefill} credentials to ${prefill} other learners ...`)
      const t = performance.now()
      await pool(Array.from({ length: prefill }, (_, i) => i), clients, async () => {
        // The node issues only to DIDs it can resolve: a fresh did:key per learner.
        await must(node, 'POST', '/api/credentials', { achievementId, subject: (await generateKeyPair()).did }, 201)
      })
      say(`prefill: ${(prefill / ((performance.now() - t) / 1000)).toFixed(0)} credentials/s`)
    }

    say(`creating ${n + e2e} offers (bulk) ...`)
    const t0 = performance.now()
    const codes = await offers(node, achievementId, n, 'a')
    const offerSeconds = (performance.now() - t0) / 1000
    const e2eCodes = await offers(node, achievementId, e2e, 'b')
    const warmCodes = await offers(node, achievementId, WARM_UP, 'w')

    say(`warm-up: ${WARM_UP} claims, not timed (the node's signing workers start, JSON-LD caches fill) ...`)
    await pool(warmCodes, clients, async (code, w) => { await post(node, code, await sign(node, code, keys[w] as KeyPair), keys[w] as KeyPair, []) })

    say('node only: GET each claim and sign its presentation (not timed) ...')
    const signed = new Map<string, { vp: Json, key: KeyPair }>()
    await pool(codes, clients, async (code, w) => { signed.set(code, { vp: await sign(node, code, keys[w] as KeyPair), key: keys[w] as KeyPair }) })
    // The same client posts the claims it signed: a presentation's holder is its client's key.
    say(`node only: ${n} pre-signed claims, ${clients} at a time ...`)
    const nodeOnly = await measure(node, codes, clients, keys, async (code, _key, credentials) => {
      const { vp, key } = signed.get(code) as { vp: Json, key: KeyPair }
      await post(node, code, vp, key, credentials)
    })

    say(`end to end: ${e2e} claims (GET + sign + POST), ${clients} clients ...`)
    const endToEnd = await measure(node, e2eCodes, clients, keys, async (code, key, credentials) => {
      await post(node, code, await sign(node, code, key), key, credentials)
    })

    // Checks: every claim issued one credential, a sample verifies on the node.
    let logged = 0
    let cursor: string | null = null
    do {
      const page: Json = await must(node, 'GET', `/api/credentials?limit=1000${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      logged += page.credentials.length
      cursor = page.next
    } while (cursor != null)
    if (logged !== prefill + n + e2e + WARM_UP) throw new Error(`the issuance log holds ${logged} credentials, expected ${prefill + n + e2e + WARM_UP} (${prefill} prefill + ${n} + ${e2e} + ${WARM_UP} warm-up)`)
    const all = [...nodeOnly.credentials, ...endToEnd.credentials]
    if (new Set(all.map((c) => c.id)).size !== n + e2e) throw new Error('credentials are missing or repeated')
    for (const credential of [all[0], all[Math.floor(all.length / 2)], all[all.length - 1]]) {
      const report = await must(node, 'POST', '/api/verify', { verifiableCredential: credential })
      if (report.verified !== true) throw new Error(`a claimed credential does not verify: ${JSON.stringify(report.checks)}`)
    }
    const indexes = new Set(all.map((c) => `${String(c.credentialStatus.statusListCredential)}#${String(c.credentialStatus.statusListIndex)}`))
    if (indexes.size !== all.length) throw new Error('a status index was handed out twice')

    const result = {
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, platform: `${process.platform}/${process.arch}` },
      node: 'child process (cofl node start, federation on, no peers)',
      clients,
      pathway,
      prefill,
      offers: { n: n + e2e, bulkPerSecond: n / offerSeconds },
      nodeOnly: nodeOnly.phase,
      endToEnd: endToEnd.phase,
      rssIdle,
      target: TARGET,
      met: nodeOnly.phase.perSecond >= TARGET
    }
    if (json) {
      process.stdout.write(JSON.stringify(result) + '\n')
    } else {
      const row = (name: string, p: Phase): string => `${name.padEnd(34)} ${String(p.claims).padStart(6)} ${p.perSecond.toFixed(1).padStart(9)} ${p.p50.toFixed(0).padStart(7)} ${p.p95.toFixed(0).padStart(7)} ${p.p99.toFixed(0).padStart(7)} ${mb(p.rssPeak).padStart(9)}`
      process.stdout.write([
        '',
        `machine: ${result.machine.cores} cores (${result.machine.cpu}), node ${result.machine.node}, ${result.machine.platform}`,
        `node: ${result.node}; ${clients} concurrent clients, each with its own learner key`,
        `issuance log: ${prefill} credentials issued before the claims; ${pathway ? 'a pathway with a badge: every claim decides whether it completes it' : 'no pathway'}`,
        `offers: ${n + e2e} created in bulk (${result.offers.bulkPerSecond.toFixed(0)} offers/s)`,
        '',
        `${'phase'.padEnd(34)} ${'claims'.padStart(6)} ${'claims/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'node RSS'.padStart(9)}`,
        row('node only (pre-signed, POST)', nodeOnly.phase),
        row('end to end (GET + sign + POST)', endToEnd.phase),
        '',
        `node RSS: ${mb(rssIdle)} idle after start, peak ${mb(Math.max(nodeOnly.phase.rssPeak, endToEnd.phase.rssPeak))} (the peak column: sampled every 100 ms)`,
        `target: >= ${TARGET} claims/s, node only: ${result.met ? 'met' : 'NOT met'}`,
        'checks: every claim 201 about its client\'s DID, one credential each, distinct status indexes, samples verify on the node',
        ''
      ].join('\n'))
    }
    if (strict && !result.met) failed = true
  } catch (err) {
    failed = true
    process.stderr.write(`bench:claims failed: ${(err as Error).stack ?? String(err)}\n${node.output().slice(-2000)}\n`)
  } finally {
    await stopNode(node)
    await rm(dir, { recursive: true, force: true })
  }
  process.exitCode = failed ? 1 : 0
}

await main()
