/**
 * Credentials signed and verified per second, against a plain @digitalbazaar/vc pipeline in the
 * same run.
 *
 *   npm run bench:credentials -- [--n N] [--json]
 *
 * Pipelines:
 *   plain   @digitalbazaar/vc verifyCredential, a new DataIntegrityProof({ cryptosuite }) suite and
 *           a fresh document loader per verification (the same bundled contexts; did:key through
 *           key-did-resolver, converted to Multikey, no cache), one thread
 *   sign    our signCredential
 *   ours    createVerifier().verifyCredential (format, schema, proof, status, dates), one thread
 *   batch   verifyMany(credentials, { workers: availableParallelism() }) (a pool for the call,
 *           its start-up included); and a warm createVerifierPool for comparison
 *
 * The single-thread pipelines each run in a worker thread of their own, so that no module state
 * (jsonld.js's shared context cache) crosses from one pipeline into another. Every credential must
 * come back verified from every pipeline, and a tampered copy must fail in every pipeline; the
 * benchmark exits 1 otherwise.
 */
import { availableParallelism, cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import { Resolver } from 'did-resolver'
import KeyResolver from 'key-did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import {
  BUNDLED_CONTEXTS, buildAchievement, buildOpenBadgeCredential, buildProfile, DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT,
  signCredential
} from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { createVerifier, createVerifierPool, verifyMany } from '@cofl/verifier'

type Json = Record<string, unknown>

interface PhaseResult { name: string, n: number, seconds: number, opsPerSecond: number, verdicts: boolean[], tampered: boolean }

// ---------------------------------------------------------------------------------------------
// The plain pipeline: what an integrator writes with the libraries and no tuning.

const ED25519_PUB = new Uint8Array([0xed, 0x01])

function plainLoader (): (url: string) => Promise<{ contextUrl: null, documentUrl: string, document: object }> {
  const resolver = new Resolver(KeyResolver.getResolver(), { cache: false })
  return async (url: string) => {
    const context = BUNDLED_CONTEXTS.get(url)
    if (context != null) return { contextUrl: null, documentUrl: url, document: context }
    if (url.startsWith('did:key:')) {
      const [did] = url.split('#') as [string]
      const { didDocument } = await resolver.resolve(did)
      if (didDocument == null) throw new Error(`cannot resolve ${did}`)
      const methods = []
      for (const vm of didDocument.verificationMethod ?? []) {
        if (vm.type !== 'Ed25519VerificationKey2018' || vm.publicKeyBase58 == null) continue
        const raw = base58btc.baseDecode(vm.publicKeyBase58)
        const bytes = new Uint8Array(34)
        bytes.set(ED25519_PUB)
        bytes.set(raw, 2)
        const key = await Ed25519Multikey.from({ id: vm.id, controller: vm.controller, type: 'Multikey', publicKeyMultibase: base58btc.encode(bytes) })
        methods.push(await key.export({ publicKey: true, includeContext: false }) as Json)
      }
      const ids = methods.map((m) => m.id as string)
      if (url.includes('#')) {
        const method = methods.find((m) => m.id === url)
        if (method == null) throw new Error(`no verification method ${url}`)
        return { contextUrl: null, documentUrl: url, document: { '@context': MULTIKEY_V1_CONTEXT, ...method } }
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT], id: did, verificationMethod: methods, authentication: ids, assertionMethod: ids }
      }
    }
    throw new Error(`not found: ${url}`)
  }
}

async function plainVerify (credential: Json): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: plainLoader()
  })
  return result.verified
}

// ---------------------------------------------------------------------------------------------
// Measurement

async function timed (name: string, credentials: Json[], tampered: Json, warmup: number, one: (c: Json) => Promise<boolean>): Promise<PhaseResult> {
  for (let i = 0; i < warmup; i++) await one(credentials[i % credentials.length] as Json)
  const start = performance.now()
  const verdicts: boolean[] = []
  for (const c of credentials) verdicts.push(await one(c))
  const seconds = (performance.now() - start) / 1000
  return { name, n: credentials.length, seconds, opsPerSecond: credentials.length / seconds, verdicts, tampered: await one(tampered) }
}

async function runInWorker (role: 'plain' | 'ours', credentials: Json[], tampered: Json, warmup: number): Promise<PhaseResult> {
  return await new Promise((resolve, reject) => {
    // Node 20 does not carry tsx's loader hooks into worker threads: register them there first.
    const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}) })`
    const worker = new Worker(bootstrap, { eval: true, workerData: { role, credentials, tampered, warmup } })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`${role} worker exited with ${code}`)) })
  })
}

async function workerMain (): Promise<void> {
  const { role, credentials, tampered, warmup } = workerData as { role: 'plain' | 'ours', credentials: Json[], tampered: Json, warmup: number }
  let result: PhaseResult
  if (role === 'plain') {
    result = await timed('plain @digitalbazaar/vc, 1 thread', credentials, tampered, warmup, plainVerify)
  } else {
    const verifier = createVerifier()
    result = await timed('ours verifyCredential, 1 thread', credentials, tampered, warmup, async (c) => (await verifier.verifyCredential(c)).verified)
  }
  parentPort?.postMessage(result)
}

function parseArgs (argv: string[]): { n: number, json: boolean } {
  let n = 2000
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--json') json = true
    else if (arg === '--n') n = Number(argv[++i])
    else if (arg?.startsWith('--n=') === true) n = Number(arg.slice(4))
    else throw new TypeError(`unknown argument ${String(arg)} (use --n N, --json)`)
  }
  if (!Number.isInteger(n) || n < 10) throw new TypeError('--n must be a whole number >= 10')
  return { n, json }
}

const SUBJECTS = ['Coding Club', 'Robotics', 'First Aid', 'Public Speaking', 'Digital Photography', 'Volunteering', 'Chess', 'Creative Writing']

async function makeUnsigned (keys: KeyPair[], n: number): Promise<Json[]> {
  const out: Json[] = []
  for (let i = 0; i < n; i++) {
    const key = keys[i % keys.length] as KeyPair
    const topic = SUBJECTS[i % SUBJECTS.length] as string
    const issuer = buildProfile({ id: key.did, name: `City of Learning ${i % keys.length}`, url: `https://col${i % keys.length}.example.org`, image: `https://col${i % keys.length}.example.org/logo.png` })
    const achievement = buildAchievement({
      id: `https://col${i % keys.length}.example.org/achievements/${topic.toLowerCase().replace(/ /g, '-')}`,
      name: topic,
      description: `Completed the ${topic} programme of 10 sessions`,
      criteria: { id: `https://col${i % keys.length}.example.org/criteria/${i % SUBJECTS.length}`, narrative: `Attend at least 8 of 10 ${topic} sessions and present a final piece of work.` },
      creator: issuer,
      achievementType: 'Competency',
      image: `https://col${i % keys.length}.example.org/badges/${i % SUBJECTS.length}.png`,
      tag: ['youth', 'non-formal', topic.toLowerCase()],
      alignment: [
        { targetName: 'Digital competence', targetUrl: 'https://esco.ec.europa.eu/en/classification/skills?uri=http://data.europa.eu/esco/skill/S5', targetFramework: 'ESCO', targetCode: 'S5', targetType: 'ext:ESCO' },
        { targetName: 'Working with others', targetUrl: 'https://example.org/frameworks/skills#teamwork', targetDescription: 'Cooperates in a group towards a shared result' }
      ]
    })
    out.push(buildOpenBadgeCredential({
      issuer,
      achievement,
      subject: `did:example:learner${i}`,
      description: `${topic}, awarded to learner ${i}`,
      validFrom: new Date(Date.now() - 86_400_000),
      evidence: [{ id: `https://col${i % keys.length}.example.org/evidence/${i}`, name: 'Final piece', narrative: 'A portfolio of the sessions', description: 'Reviewed by two mentors', genre: 'Portfolio', audience: 'Public' }]
    }) as unknown as Json)
  }
  return out
}

function fmt (x: number, digits = 0): string {
  return x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

async function main (): Promise<void> {
  const { n, json } = parseArgs(process.argv.slice(2))
  const warmup = Math.min(200, Math.max(20, Math.floor(n / 10)))
  const parallelism = availableParallelism()
  const log = (line: string): void => { if (!json) process.stderr.write(`${line}\n`) }

  log(`cofl credentials benchmark: n=${n}, warm-up ${warmup}, ${parallelism} cores, node ${process.version}`)
  const keys = await Promise.all([0, 1, 2].map(async () => await generateKeyPair()))
  const unsigned = await makeUnsigned(keys, n + warmup)

  // (b) signing
  log('signing ...')
  for (let i = 0; i < warmup; i++) await signCredential(unsigned[n + i] as Json, { key: keys[i % keys.length] as KeyPair })
  let start = performance.now()
  const credentials: Json[] = []
  for (let i = 0; i < n; i++) credentials.push(await signCredential(unsigned[i] as Json, { key: keys[i % keys.length] as KeyPair }) as Json)
  const signSeconds = (performance.now() - start) / 1000
  const tampered = structuredClone(credentials[0]) as Json
  ;(tampered.credentialSubject as Json).id = 'did:example:someone-else'

  // (a) plain and (c) ours, each in a fresh thread
  log('plain pipeline ...')
  const plain = await runInWorker('plain', credentials, tampered, warmup)
  log('ours, single thread ...')
  const ours = await runInWorker('ours', credentials, tampered, warmup)

  // (d) batch: verifyMany (a pool for the call, its start-up included), after one warm-up call
  log('batch verifyMany ...')
  await verifyMany(credentials.slice(0, warmup * parallelism), { workers: parallelism })
  start = performance.now()
  const batchReports = await verifyMany([...credentials, tampered], { workers: parallelism })
  const batchSeconds = (performance.now() - start) / 1000
  const batch: PhaseResult = { name: `ours verifyMany, ${parallelism} workers`, n, seconds: batchSeconds, opsPerSecond: (n + 1) / batchSeconds, verdicts: batchReports.slice(0, n).map((r) => r.verified), tampered: batchReports[n]?.verified ?? true }

  // and a pool that is already up (what a node that verifies continuously has)
  const pool = createVerifierPool({ workers: parallelism })
  await pool.verifyMany(credentials.slice(0, warmup * parallelism))
  start = performance.now()
  const poolReports = await pool.verifyMany([...credentials, tampered])
  const poolSeconds = (performance.now() - start) / 1000
  await pool.close()
  const warmPool: PhaseResult = { name: `ours warm pool, ${parallelism} workers`, n, seconds: poolSeconds, opsPerSecond: (n + 1) / poolSeconds, verdicts: poolReports.slice(0, n).map((r) => r.verified), tampered: poolReports[n]?.verified ?? true }

  const verifiers = [plain, ours, batch, warmPool]
  const problems: string[] = []
  for (const r of verifiers) {
    const failed = r.verdicts.filter((v) => !v).length
    if (failed > 0 || r.verdicts.length !== n) problems.push(`${r.name}: ${failed} of ${n} credentials did not verify`)
    if (r.tampered) problems.push(`${r.name}: the tampered credential verified`)
  }

  const results = {
    machine: { cores: parallelism, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}/${process.arch}` },
    n,
    warmup,
    signPerSecond: n / signSeconds,
    verifyPerSecond: { plain: plain.opsPerSecond, ours: ours.opsPerSecond, batch: batch.opsPerSecond, warmPool: warmPool.opsPerSecond },
    ratios: {
      oursOverPlain: ours.opsPerSecond / plain.opsPerSecond,
      batchOverPlain: batch.opsPerSecond / plain.opsPerSecond,
      warmPoolOverPlain: warmPool.opsPerSecond / plain.opsPerSecond
    },
    targets: { oursOverPlain: 1.2, batchOverPlain: 2 },
    verdicts: { allVerified: problems.length === 0, tamperedRejectedByAll: verifiers.every((r) => !r.tampered), problems }
  }

  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
  } else {
    const rows: Array<[string, string, string]> = [
      ['(b) sign: ours signCredential, 1 thread', fmt(results.signPerSecond), ''],
      [`(a) verify: ${plain.name}`, fmt(plain.opsPerSecond), '1.00x'],
      [`(c) verify: ${ours.name}`, fmt(ours.opsPerSecond), `${fmt(results.ratios.oursOverPlain, 2)}x (target 1.2x)`],
      [`(d) verify: ${batch.name}`, fmt(batch.opsPerSecond), `${fmt(results.ratios.batchOverPlain, 2)}x (target 2x)`],
      [`    verify: ${warmPool.name}`, fmt(warmPool.opsPerSecond), `${fmt(results.ratios.warmPoolOverPlain, 2)}x`]
    ]
    const w = Math.max(...rows.map((r) => r[0].length))
    const lines = [
      '',
      `machine: ${parallelism} cores (${results.machine.cpu}), node ${process.version}, ${results.machine.platform}; n = ${n} credentials, warm-up ${warmup}`,
      '',
      `${'pipeline'.padEnd(w)}  ${'ops/s'.padStart(8)}  vs plain`,
      ...rows.map(([a, b, c]) => `${a.padEnd(w)}  ${b.padStart(8)}  ${c}`),
      '',
      problems.length === 0
        ? `verdicts: all ${n} credentials verified in every pipeline; the tampered copy failed in every pipeline`
        : `VERDICTS WRONG:\n  ${problems.join('\n  ')}`
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  }
  if (problems.length > 0) process.exitCode = 1
}

if (isMainThread) {
  main().catch((err) => { process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`); process.exitCode = 1 })
} else {
  workerMain().catch((err) => { process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`); process.exitCode = 1 })
}
