/**
 * Credentials signed and verified per second: the plain @digitalbazaar/vc pipeline and ours, in
 * ONE run, so that the ratios hold on a shared, noisy machine.
 *
 *   npm run bench:credentials -- [--rounds R] [--round-size K] [--shape full|minimal]
 *                                [--cli-credentials N] [--cli-only] [--json] [--strict]
 *
 * Credentials (--shape): `full` (the default) as cofl issues them, with an achievement that has
 * criteria, image, tags, two alignments, and an evidence record (39 quads); `minimal`, only what
 * OB 3.0 requires (21 quads). The JSON-LD work grows with the quads; Ed25519 does not.
 *
 * Pipelines (each single-thread one in a worker thread of its own, so that no module state, such
 * as jsonld.js's context caches, crosses from one pipeline into another):
 *   plain          @digitalbazaar/vc as an integrator writes it: vc.issue / vc.verifyCredential, a
 *                  new DataIntegrityProof suite and a fresh document loader per call (the bundled
 *                  contexts; did:key through key-did-resolver, converted to Multikey, no cache),
 *                  on jsonld 9.0.0 AS PUBLISHED (`jsonld-stock`: the worker resolves `jsonld` to it)
 *   plain+patch    the same code on the patched jsonld (patches/jsonld+9.0.0.patch): what the
 *                  patch alone gives an unchanged pipeline
 *   ours           signCredential and verifyCredentialProof (the fast eddsa-rdfc-2022 path); and
 *                  createVerifier().verifyCredential, the whole pipeline (format, JSON Schema,
 *                  proof, status, dates)
 *   parts          in our worker, between the rounds: the two canonicalisations of a verification
 *                  alone (the credential without its proof and the proof options, the cryptosuite's
 *                  canonize: jsonld.js toRDF and RDFC-1.0) and node:crypto Ed25519 verify alone.
 *                  Their sum is the least any verification on this jsonld.js can cost: the
 *                  "ceiling" row is 1 / (1 / canonicalisations + 1 / Ed25519) per round
 *   batch          the verifier's worker pool on all cores, the whole pipeline in each worker:
 *                  verifyMany(credentials) (a pool for the call, its start-up included) and a
 *                  pool already started (createVerifierPool().verifyMany), which the target is for
 *   cli            `cofl verify --batch DIR --workers 1 --json` as a user runs it: the compiled CLI
 *                  (node/dist: run `npm run build` first; the benchmark refuses a missing or stale
 *                  build) in a child process, timed from spawn to exit, so that its start-up and
 *                  module loading count; on --cli-credentials N (default 3,000; 0 leaves it out)
 *                  credentials from five fresh issuers that are not cofl (plain.ts: OB 3.0 JSON
 *                  written by hand, signed with vc.issue and eddsa-rdfc-2022) and one tampered copy.
 *                  Against the plain pipeline on the same credentials, with this process and the
 *                  CLI pinned to one CPU (taskset) while they take turns. --cli-only: these rows alone
 *
 * The single-thread pipelines take turns, round after round, on slices of the same credentials;
 * a rate is the median over the rounds and a ratio the median of the rounds' ratios. Every
 * credential must verify in every pipeline, a tampered copy must fail in every pipeline, and the
 * two signers must make the same document byte for byte; the benchmark exits 1 otherwise (and,
 * with --strict, when a target is missed).
 */
import { generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import {
  buildAchievement, buildOpenBadgeCredential, buildProfile, createDocumentLoader, proofPathCounts, signCredential, verifyCredentialProof
} from '@cofl/credentials'
import { generateKeyPair, keyPairFromMultibase } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { createVerifier } from '@cofl/verifier'
import { createVerifierPool, verifyMany } from '@cofl/verifier/pool'
import { onOneCpu, runCompiledCli, staleBuild } from './cli-batch.js'
import type { CliRun } from './cli-batch.js'
import { makeForeignCredentials, plainIssue, plainVerify } from './plain.js'

type Json = Record<string, unknown>
type Role = 'stock' | 'patched' | 'ours'
interface KeyMaterial { publicKeyMultibase: string, secretKeyMultibase: string }
interface Task { op: 'sign' | 'verify' | 'pipeline' | 'canonize' | 'ed25519' | 'check', items: Json[], dates?: string[], keys?: number[] }
interface Answer { seconds: number, out?: Json[], verdicts?: boolean[], info?: Json }

/** @digitalbazaar/vc's issue with cofl's key pair's own signer, the proof as signCredential returns it (an array: 1EdTech spec issue 473). */
async function plainSign (credential: Json, key: KeyPair, date: string): Promise<Json> {
  const signed = await plainIssue(credential, key.multikey, date)
  return { ...signed, proof: [signed.proof] }
}

// ---------------------------------------------------------------------------------------------
// The worker side

/** Which jsonld.js files this thread has loaded (proof that a pipeline ran on the one it says). */
function loadedJsonld (): Json {
  const cache = (createRequire(import.meta.url)('node:module') as { _cache: Record<string, unknown> })._cache
  const files = Object.keys(cache)
  return {
    patched: files.some((f) => /[\\/]node_modules[\\/]jsonld[\\/]lib[\\/]/.test(f)),
    stock: files.some((f) => /[\\/]node_modules[\\/]jsonld-stock[\\/]lib[\\/]/.test(f))
  }
}

async function workerMain (): Promise<void> {
  const { role, keyMaterial } = workerData as { role: Role, keyMaterial: KeyMaterial[] }
  const keys = await Promise.all(keyMaterial.map(async (k) => await keyPairFromMultibase(k)))
  const verifier = createVerifier()
  const contextLoader = createDocumentLoader()
  parentPort?.on('message', (task: Task) => {
    void (async () => {
      const start = performance.now()
      const answer: Answer = { seconds: 0 }
      if (task.op === 'sign') {
        answer.out = []
        for (const [i, item] of task.items.entries()) {
          const key = keys[task.keys?.[i] ?? 0] as KeyPair
          const date = task.dates?.[i] as string
          answer.out.push(role === 'ours' ? await signCredential(item, { key, date }) as Json : await plainSign(item, key, date))
        }
      } else if (task.op === 'verify') {
        answer.verdicts = []
        for (const item of task.items) answer.verdicts.push(role === 'ours' ? (await verifyCredentialProof(item)).verified : await plainVerify(item))
      } else if (task.op === 'pipeline') {
        answer.verdicts = []
        for (const item of task.items) answer.verdicts.push((await verifier.verifyCredential(item)).verified)
      } else if (task.op === 'canonize') {
        // What every verification of these credentials canonicalises (fastverify.ts hashData).
        const options = { documentLoader: contextLoader, base: null, safe: true }
        for (const item of task.items) {
          const { proof, ...unsecured } = item
          const { proofValue, ...proofOptions } = (Array.isArray(proof) ? proof[0] : proof) as Json
          await eddsaRdfc2022.canonize(unsecured, options)
          await eddsaRdfc2022.canonize({ '@context': item['@context'], ...proofOptions }, options)
        }
      } else if (task.op === 'ed25519') {
        const { publicKey, privateKey } = generateKeyPairSync('ed25519')
        const data = Buffer.alloc(64, 7)
        const signature = cryptoSign(null, data, privateKey)
        const begin = performance.now()
        for (let i = 0; i < task.items.length; i++) cryptoVerify(null, data, publicKey, signature)
        answer.seconds = (performance.now() - begin) / 1000
        parentPort?.postMessage(answer)
        return
      } else {
        // How many quads the first credential (without its proof) makes.
        const first = task.items[0]
        let quads: number | undefined
        if (first != null) {
          const { proof, ...unsecured } = first
          quads = (await eddsaRdfc2022.canonize(unsecured, { documentLoader: contextLoader, base: null, safe: true }) as string).split('\n').filter((line) => line !== '').length
        }
        answer.info = { jsonld: loadedJsonld(), proofPaths: proofPathCounts(), quads }
      }
      answer.seconds = (performance.now() - start) / 1000
      parentPort?.postMessage(answer)
    })().catch((err) => { process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`); process.exit(1) })
  })
}

// ---------------------------------------------------------------------------------------------
// The main side

/**
 * A worker thread for one pipeline. Node 20 does not carry tsx's loader hooks into worker threads:
 * they are registered first. The `stock` worker also resolves `jsonld` (ES modules and require)
 * to the unpatched `jsonld-stock` before anything loads it.
 */
function startWorker (role: Role, keyMaterial: KeyMaterial[]): { run: (task: Task) => Promise<Answer>, stop: () => Promise<number> } {
  const redirect = role !== 'stock'
    ? ''
    : `
      const { register, default: Module } = await import('node:module')
      const hook = 'export async function resolve (s, c, next) { return next(s === "jsonld" || s.startsWith("jsonld/") ? "jsonld-stock" + s.slice(6) : s, c) }'
      register('data:text/javascript,' + encodeURIComponent(hook))
      const resolveFilename = Module._resolveFilename
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'jsonld' || request.startsWith('jsonld/')) request = 'jsonld-stock' + request.slice(6)
        return resolveFilename.call(this, request, ...rest)
      }`
  const bootstrap = `(async () => {
      const api = await import('tsx/esm/api'); api.register()
      ${redirect}
      await import(${JSON.stringify(import.meta.url)})
    })().catch((err) => { console.error(err); process.exit(1) })`
  const worker = new Worker(bootstrap, { eval: true, workerData: { role, keyMaterial } })
  let pending: { resolve: (a: Answer) => void, reject: (e: Error) => void } | undefined
  worker.on('message', (answer: Answer) => { const p = pending; pending = undefined; p?.resolve(answer) })
  worker.on('error', (err) => { pending?.reject(err) })
  worker.on('exit', (code) => { if (code !== 0) pending?.reject(new Error(`${role} worker exited with ${code}`)) })
  return {
    run: async (task) => await new Promise<Answer>((resolve, reject) => { pending = { resolve, reject }; worker.postMessage(task) }),
    stop: async () => await worker.terminate()
  }
}

type Shape = 'full' | 'minimal'
interface Args { rounds: number, roundSize: number, shape: Shape, json: boolean, strict: boolean, cliCredentials: number, cliOnly: boolean }

function parseArgs (argv: string[]): Args {
  const args: Args = { rounds: 5, roundSize: 300, shape: 'full', json: false, strict: false, cliCredentials: 3000, cliOnly: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [name, inline] = arg.split('=', 2) as [string, string | undefined]
    const value = (): number => Number(inline ?? argv[++i])
    if (name === '--json') args.json = true
    else if (name === '--strict') args.strict = true
    else if (name === '--rounds') args.rounds = value()
    else if (name === '--round-size') args.roundSize = value()
    else if (name === '--cli-credentials') args.cliCredentials = value()
    else if (name === '--cli-only') args.cliOnly = true
    else if (name === '--shape') {
      const shape = inline ?? argv[++i]
      if (shape !== 'full' && shape !== 'minimal') throw new TypeError('--shape must be full or minimal')
      args.shape = shape
    } else throw new TypeError(`unknown argument ${arg} (use --rounds R, --round-size K, --shape full|minimal, --cli-credentials N, --cli-only, --json, --strict)`)
  }
  if (!Number.isInteger(args.cliCredentials) || args.cliCredentials < 0) throw new TypeError('--cli-credentials must be a whole number >= 0')
  if (args.cliOnly && args.cliCredentials === 0) throw new TypeError('--cli-only wants --cli-credentials N > 0')
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new TypeError('--rounds must be a whole number >= 1')
  if (!Number.isInteger(args.roundSize) || args.roundSize < 10) throw new TypeError('--round-size must be a whole number >= 10')
  return args
}

const SUBJECTS = ['Coding Club', 'Robotics', 'First Aid', 'Public Speaking', 'Digital Photography', 'Volunteering', 'Chess', 'Creative Writing']

function makeUnsigned (keys: KeyPair[], n: number, shape: Shape): Json[] {
  const out: Json[] = []
  for (let i = 0; i < n; i++) {
    const key = keys[i % keys.length] as KeyPair
    const topic = SUBJECTS[i % SUBJECTS.length] as string
    const site = `https://col${i % keys.length}.example.org`
    const issuer = shape === 'minimal'
      ? buildProfile({ id: key.did, name: `City of Learning ${i % keys.length}` })
      : buildProfile({ id: key.did, name: `City of Learning ${i % keys.length}`, url: site, image: `${site}/logo.png` })
    const achievement = shape === 'minimal'
      ? buildAchievement({ id: `${site}/achievements/${topic.toLowerCase().replace(/ /g, '-')}`, name: topic, description: `Completed the ${topic} programme`, criteria: { narrative: `Attend the ${topic} sessions.` } })
      : buildAchievement({
        id: `${site}/achievements/${topic.toLowerCase().replace(/ /g, '-')}`,
        name: topic,
        description: `Completed the ${topic} programme of 10 sessions`,
        criteria: { id: `${site}/criteria/${i % SUBJECTS.length}`, narrative: `Attend at least 8 of 10 ${topic} sessions and present a final piece of work.` },
        creator: issuer,
        achievementType: 'Competency',
        image: `${site}/badges/${i % SUBJECTS.length}.png`,
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
      validFrom: new Date(Date.now() - 86_400_000),
      ...(shape === 'minimal'
        ? {}
        : {
            description: `${topic}, awarded to learner ${i}`,
            evidence: [{ id: `${site}/evidence/${i}`, name: 'Final piece', narrative: 'A portfolio of the sessions', description: 'Reviewed by two mentors', genre: 'Portfolio', audience: 'Public' }]
          })
    }) as unknown as Json)
  }
  return out
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function fmt (x: number, digits = 0): string {
  return x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

interface Row { group: string, name: string, rate: number, ratio?: number, target?: string, pass?: boolean }

interface Part { rows: Row[], problems: string[], results: Json, lines: { head: string[], foot: string[] } }

type Log = (line: string) => void

/** The library's rows: signing, verifying on one core, the parts, the worker pool. */
async function libraryRows (args: Args, log: Log): Promise<Part> {
  const { rounds, roundSize } = args
  const n = rounds * roundSize
  const warmup = warmupOf(args)
  const parallelism = availableParallelism()
  const problems: string[] = []

  const keys = await Promise.all([0, 1, 2].map(async () => await generateKeyPair()))
  const keyMaterial = keys.map((k) => ({ publicKeyMultibase: k.publicKeyMultibase, secretKeyMultibase: k.secretKeyMultibase as string }))
  const unsigned = makeUnsigned(keys, n + warmup, args.shape)
  const keyOf = unsigned.map((_, i) => i % keys.length)
  // One `created` per credential, the same for both signers (so their outputs can be compared).
  const dates = unsigned.map((_, i) => new Date(Date.UTC(2026, 10, 1, 12, 0, i % 60)).toISOString())

  log('starting the pipelines ...')
  const workers = { stock: startWorker('stock', keyMaterial), patched: startWorker('patched', keyMaterial), ours: startWorker('ours', keyMaterial) }
  const slice = <T>(xs: T[], r: number): T[] => xs.slice(warmup + r * roundSize, warmup + (r + 1) * roundSize)
  const head = <T>(xs: T[]): T[] => xs.slice(0, warmup)

  // Signing: plain (stock jsonld) and ours, taking turns.
  log('signing ...')
  for (const role of ['stock', 'ours'] as const) await workers[role].run({ op: 'sign', items: head(unsigned), dates: head(dates), keys: head(keyOf) })
  const signRates: Record<'stock' | 'ours', number[]> = { stock: [], ours: [] }
  const signed: Record<'stock' | 'ours', Json[]> = { stock: [], ours: [] }
  for (let r = 0; r < rounds; r++) {
    for (const role of ['stock', 'ours'] as const) {
      const answer = await workers[role].run({ op: 'sign', items: slice(unsigned, r), dates: slice(dates, r), keys: slice(keyOf, r) })
      signRates[role].push(roundSize / answer.seconds)
      signed[role].push(...(answer.out ?? []))
    }
  }
  const differentSignatures = signed.ours.filter((doc, i) => JSON.stringify(doc) !== JSON.stringify(signed.stock[i])).length
  if (differentSignatures > 0 || signed.ours.length !== n) problems.push(`${differentSignatures} of ${n} credentials signed by ours differ from the plain pipeline's`)
  const credentials = signed.ours
  const tampered = structuredClone(credentials[0]) as Json
  ;(tampered.credentialSubject as Json).id = 'did:example:someone-else'

  // Verifying, one core: plain (stock jsonld), plain (patched jsonld), ours (proof), ours (pipeline).
  log('verifying, one core ...')
  const phases = [['stock', 'verify'], ['patched', 'verify'], ['ours', 'verify'], ['ours', 'pipeline'], ['ours', 'canonize'], ['ours', 'ed25519']] as const
  const verifyRates: number[][] = phases.map(() => [])
  for (const [role, op] of phases) await workers[role].run({ op, items: credentials.slice(0, warmup) })
  for (let r = 0; r < rounds; r++) {
    for (const [p, [role, op]] of phases.entries()) {
      const items = credentials.slice(r * roundSize, (r + 1) * roundSize)
      const answer = await workers[role].run({ op, items })
      verifyRates[p]?.push(roundSize / answer.seconds)
      const failed = (answer.verdicts ?? []).filter((v) => !v).length
      if (failed > 0) problems.push(`${role} ${op}: ${failed} of ${roundSize} credentials did not verify (round ${r + 1})`)
    }
  }
  for (const [role, op] of phases) {
    if (op === 'canonize' || op === 'ed25519') continue
    const answer = await workers[role].run({ op, items: [tampered] })
    if (answer.verdicts?.[0] !== false) problems.push(`${role} ${op}: the tampered credential verified`)
  }
  const info: Record<Role, Json> = { stock: {}, patched: {}, ours: {} }
  for (const role of ['stock', 'patched', 'ours'] as const) info[role] = (await workers[role].run({ op: 'check', items: role === 'ours' ? [credentials[0] as Json] : [] })).info ?? {}
  await Promise.all(Object.values(workers).map(async (w) => await w.stop()))
  const jsonldOf = (role: Role): { patched: boolean, stock: boolean } => info[role].jsonld as { patched: boolean, stock: boolean }
  if (jsonldOf('stock').patched || !jsonldOf('stock').stock) problems.push('the plain worker did not run on jsonld-stock alone')
  if (jsonldOf('patched').stock || !jsonldOf('patched').patched) problems.push('the plain+patch worker did not run on the patched jsonld alone')
  if (jsonldOf('ours').stock || !jsonldOf('ours').patched) problems.push('our worker did not run on the patched jsonld alone')
  const oursPaths = info.ours.proofPaths as { fast: number, plain: number }
  if (oursPaths.plain !== phases.filter(([role, op]) => role === 'ours' && (op === 'verify' || op === 'pipeline')).length) {
    problems.push(`our worker decided ${oursPaths.plain} proofs on the plain pipeline (expected only the tampered copies)`)
  }

  // Batch, all cores: verifyMany (a pool for the call, start-up included) and a warm pool.
  log(`batch, ${parallelism} workers ...`)
  await verifyMany(credentials.slice(0, warmup * parallelism), { workers: parallelism })
  let start = performance.now()
  const batchReports = await verifyMany([...credentials, tampered], { workers: parallelism })
  const batchRate = (n + 1) / ((performance.now() - start) / 1000)
  // The warm pool: its workers warmed up on every credential once, then `rounds` passes over all
  // of them; the rate is the median pass.
  const pool = createVerifierPool({ workers: parallelism })
  await pool.verifyMany(credentials)
  const poolRates: number[] = []
  let poolReports: Awaited<ReturnType<typeof pool.verifyMany>> = []
  for (let r = 0; r < rounds; r++) {
    start = performance.now()
    poolReports = await pool.verifyMany([...credentials, tampered])
    poolRates.push((n + 1) / ((performance.now() - start) / 1000))
  }
  const poolRate = median(poolRates)
  const poolPaths = pool.proofPathCounts()
  await pool.close()
  for (const [name, reports] of [['verifyMany', batchReports], ['warm pool', poolReports]] as const) {
    const failed = reports.slice(0, n).filter((r) => !r.verified).length
    if (failed > 0 || reports.length !== n + 1) problems.push(`${name}: ${failed} of ${n} credentials did not verify`)
    if (reports[n]?.verified !== false) problems.push(`${name}: the tampered credential verified`)
  }
  if (poolPaths.fast < n * (rounds + 1)) problems.push(`the pool's workers decided only ${poolPaths.fast} proofs on the fast path`)

  const ratios = (a: number[], b: number[]): number => median(a.map((x, i) => x / (b[i] as number)))
  const [stockV, patchedV, oursV, pipelineV, canonV, edV] = verifyRates as [number[], number[], number[], number[], number[], number[]]
  const ceilingV = canonV.map((c, i) => 1 / (1 / c + 1 / (edV[i] as number)))
  const plainVerifyRate = median(stockV)
  const rows: Row[] = [
    { group: 'sign', name: 'plain @digitalbazaar/vc (jsonld as published)', rate: median(signRates.stock), ratio: 1 },
    { group: 'sign', name: 'ours signCredential (fast path)', rate: median(signRates.ours), ratio: ratios(signRates.ours, signRates.stock), target: '>= 2,000/s', pass: median(signRates.ours) >= 2000 },
    { group: 'verify', name: 'plain @digitalbazaar/vc (jsonld as published), 1 core', rate: plainVerifyRate, ratio: 1 },
    { group: 'verify', name: 'plain @digitalbazaar/vc on the patched jsonld, 1 core', rate: median(patchedV), ratio: ratios(patchedV, stockV) },
    { group: 'verify', name: 'ours verifyCredentialProof (fast path), 1 core', rate: median(oursV), ratio: ratios(oursV, stockV), target: '>= 3,000/s', pass: median(oursV) >= 3000 },
    { group: '', name: '  the same, against plain', rate: median(oursV), ratio: ratios(oursV, stockV), target: '>= 8x plain', pass: ratios(oursV, stockV) >= 8 },
    { group: 'verify', name: 'ours createVerifier (schema, proof, status, dates), 1 core', rate: median(pipelineV), ratio: ratios(pipelineV, stockV) },
    { group: 'batch', name: `ours verifyMany, ${parallelism} workers (the pool's start-up included)`, rate: batchRate, ratio: batchRate / plainVerifyRate },
    { group: 'batch', name: `ours verifier pool, ${parallelism} workers, started (median of ${rounds} passes)`, rate: poolRate, ratio: poolRate / plainVerifyRate, target: '>= 5,000/s', pass: poolRate >= 5000 },
    { group: 'parts', name: 'the two canonicalisations of a verify alone, 1 core', rate: median(canonV) },
    { group: 'parts', name: 'node:crypto Ed25519 verify alone (KeyObject), 1 core', rate: median(edV) },
    { group: 'ceiling', name: 'verify if nothing else cost: 1/(1/canonicalisations + 1/Ed25519)', rate: median(ceilingV), ratio: ratios(ceilingV, stockV) }
  ]

  return {
    rows,
    problems,
    results: {
      shape: args.shape,
      quads: info.ours.quads,
      rounds,
      roundSize,
      warmup,
      perRound: {
        signStock: signRates.stock, signOurs: signRates.ours, verifyStock: stockV, verifyPatched: patchedV, verifyOurs: oursV, verifyPipeline: pipelineV,
        canonicalisations: canonV, ed25519: edV, ceiling: ceilingV, pool: poolRates
      },
      proofPaths: { ours: oursPaths, pool: poolPaths },
      sameSignatures: differentSignatures === 0
    },
    lines: {
      head: [`${rounds} rounds of ${roundSize} credentials per pipeline (warm-up ${warmup}), shape ${args.shape} (${String(info.ours.quads)} quads without the proof); rates are medians over the rounds, ratios medians of the rounds' ratios`],
      foot: [
        `proof paths: our worker ${oursPaths.fast} fast / ${oursPaths.plain} plain; the warm pool's workers ${poolPaths.fast} fast / ${poolPaths.plain} plain`,
        ...(problems.length === 0 ? [`verdicts: all ${n} credentials verified in every pipeline, the tampered copy failed in every pipeline, and both signers made the same ${n} documents byte for byte`] : [])
      ]
    }
  }
}

/** The issuers of the CLI's credentials: five platforms, none of them cofl. */
const FOREIGN_ISSUERS = 5

/**
 * The CLI's rows: `cofl verify --batch DIR --workers 1 --json`, compiled, in a child process (its
 * start-up included), on credentials from five fresh issuers signed with the plain pipeline alone,
 * and one tampered copy; against the plain pipeline on the same credentials, both on one CPU
 * (taskset), taking turns round after round.
 */
async function cliRows (args: Args, log: Log): Promise<Part> {
  const { rounds, roundSize } = args
  const count = args.cliCredentials
  const warmup = warmupOf(args)
  const problems: string[] = []
  const dir = await mkdtemp(join(tmpdir(), 'cofl-bench-cli-'))
  try {
    log(`the compiled CLI: ${count} credentials from ${FOREIGN_ISSUERS} fresh issuers, signed with plain @digitalbazaar/vc ...`)
    const credentials = await makeForeignCredentials(count, FOREIGN_ISSUERS, dir)
    const tampered = structuredClone(credentials[0]) as Json
    ;(tampered.credentialSubject as Json).id = 'did:example:someone-else'
    await writeFile(join(dir, 'tampered.json'), JSON.stringify(tampered))
    const files = count + 1
    const plainItems = (r: number): Json[] => Array.from({ length: roundSize }, (_, k) => credentials[(warmup + r * roundSize + k) % count] as Json)

    return await onOneCpu(async (cpu) => {
      log(`the compiled CLI against the plain pipeline, ${cpu != null ? `both on CPU ${cpu}` : 'NOT pinned to one CPU (no taskset)'} ...`)
      const plain = startWorker('stock', [])
      const plainRates: number[] = []
      const cliRates: number[] = []
      const cliOwnRates: number[] = []
      try {
        await plain.run({ op: 'verify', items: credentials.slice(0, warmup) })
        for (let r = 0; r < rounds; r++) {
          const answer = await plain.run({ op: 'verify', items: plainItems(r) })
          plainRates.push(roundSize / answer.seconds)
          const failed = (answer.verdicts ?? []).filter((v) => !v).length
          if (failed > 0) problems.push(`plain, foreign credentials: ${failed} of ${roundSize} did not verify (round ${r + 1})`)
          const run = await runCompiledCli(['verify', '--batch', dir, '--workers', '1', '--json'])
          cliRates.push(files / run.seconds)
          const problem = cliProblem(run, count)
          if (problem != null) problems.push(`cofl verify --batch (round ${r + 1}): ${problem}`)
          const own = Number((JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Json).seconds)
          if (own > 0) cliOwnRates.push(files / own)
        }
        const tamperedVerdict = await plain.run({ op: 'verify', items: [tampered] })
        if (tamperedVerdict.verdicts?.[0] !== false) problems.push('plain, foreign credentials: the tampered credential verified')
      } finally {
        await plain.stop()
      }
      const ratio = median(cliRates.map((x, i) => x / (plainRates[i] as number)))
      const where = cpu != null ? '1 CPU' : '1 thread'
      const rows: Row[] = [
        { group: 'cli', name: `plain @digitalbazaar/vc (jsonld as published), ${where}, on the CLI's credentials`, rate: median(plainRates), ratio: 1 },
        { group: 'cli', name: `cofl verify --batch --workers 1, compiled, a process (start-up included), ${where}`, rate: median(cliRates), ratio, target: '>= 5x plain', pass: ratio >= 5 },
        { group: '', name: '  the same, its own "seconds" (after start-up and module loading)', rate: median(cliOwnRates), ratio: median(cliOwnRates.map((x, i) => x / (plainRates[i] as number))) }
      ]
      return {
        rows,
        problems,
        results: { credentials: count, issuers: FOREIGN_ISSUERS, files, cpu: cpu ?? null, perRound: { plain: plainRates, cli: cliRates, cliOwnSeconds: cliOwnRates } },
        lines: {
          head: [`cli: \`node node/bin/cofl.js verify --batch DIR --workers 1 --json\` (compiled) on ${count} credentials from ${FOREIGN_ISSUERS} fresh issuers signed with plain @digitalbazaar/vc, not by cofl, and 1 tampered copy; ${rounds} runs, each after a round of ${roundSize} of them through the plain pipeline, ${cpu != null ? `both pinned to CPU ${cpu} (taskset)` : 'not pinned (no taskset)'}; the CLI's rate is files / (spawn to exit)`],
          foot: problems.length === 0 ? [`cli verdicts: every run found ${count} valid and the tampered copy invalid (COFL_ERR_INVALID_SIGNATURE), as the plain pipeline did`] : []
        }
      }
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What is wrong with a run of `cofl verify --batch DIR --json` on `count` valid files and tampered.json, if anything. */
function cliProblem (run: CliRun, count: number): string | undefined {
  const lines = run.stdout.trim().split('\n')
  let objects: Json[]
  try {
    objects = lines.map((l) => JSON.parse(l) as Json)
  } catch {
    return `exit ${run.code}, output not JSON lines: ${run.stdout.slice(0, 300)}${run.stderr.slice(0, 300)}`
  }
  const summary = objects.pop() ?? {}
  if (run.code !== 1) return `exit ${run.code} (expected 1: one tampered file): ${run.stderr.slice(0, 300)}`
  if (summary.total !== count + 1 || summary.valid !== count || summary.invalid !== 1) return `summary ${JSON.stringify(summary)}, expected ${count + 1} files, ${count} valid, 1 invalid`
  const codes = objects[0]?.codes
  if (objects.length !== 1 || objects[0]?.file !== 'tampered.json' || !Array.isArray(codes) || codes[0] !== 'COFL_ERR_INVALID_SIGNATURE') return `invalid files ${JSON.stringify(objects)}, expected tampered.json alone (COFL_ERR_INVALID_SIGNATURE)`
  return undefined
}

function warmupOf (args: Args): number {
  return Math.min(200, Math.max(30, args.roundSize))
}

async function main (): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log: Log = (line) => { if (!args.json) process.stderr.write(`${line}\n`) }
  if (args.cliCredentials > 0) {
    const stale = staleBuild()
    if (stale != null) {
      process.stderr.write(`bench:credentials: the compiled CLI is not built or not up to date (${stale}). Run \`npm run build\` first (or leave its rows out with --cli-credentials 0).\n`)
      process.exitCode = 1
      return
    }
  }
  const parallelism = availableParallelism()
  log(`cofl credentials benchmark: ${args.cliOnly ? '' : `${args.rounds} rounds of ${args.roundSize} credentials, warm-up ${warmupOf(args)}, `}${args.cliCredentials > 0 ? `the CLI on ${args.cliCredentials}, ` : ''}${parallelism} cores, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const parts: Part[] = []
  if (!args.cliOnly) parts.push(await libraryRows(args, log))
  if (args.cliCredentials > 0) parts.push(await cliRows(args, log))
  const rows = parts.flatMap((p) => p.rows)
  const problems = parts.flatMap((p) => p.problems)

  const machine = { cores: parallelism, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}/${process.arch}`, load: loadavg() }
  if (args.json) {
    const [library, cli] = args.cliOnly ? [undefined, parts[0]] : [parts[0], parts[1]]
    const results = { machine, ...library?.results, ...(cli != null ? { cli: cli.results } : {}), rows, verdicts: { ok: problems.length === 0, problems } }
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
  } else {
    const cells = rows.map((r) => [
      r.group, r.name, fmt(r.rate), r.ratio != null ? `${fmt(r.ratio, 2)}x` : '', r.target ?? '', r.pass == null ? '' : r.pass ? 'PASS' : 'FAIL'
    ])
    const header = ['', 'pipeline', 'ops/s', 'vs plain', 'target', '']
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
    const line = (c: string[]): string => c.map((x, i) => (i === 2 || i === 3 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number))).join('  ').trimEnd()
    const out = [
      '',
      `machine: ${parallelism} cores (${machine.cpu}), node ${process.version}, ${machine.platform}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      ...parts.flatMap((p) => p.lines.head),
      '',
      line(header),
      ...cells.map(line),
      '',
      ...parts.flatMap((p) => p.lines.foot),
      ...(problems.length === 0 ? [] : [`VERDICTS WRONG:\n  ${problems.join('\n  ')}`])
    ]
    process.stdout.write(`${out.join('\n')}\n`)
  }
  if (problems.length > 0 || (args.strict && rows.some((r) => r.pass === false))) process.exitCode = 1
}

if (isMainThread) {
  main().catch((err) => { process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`); process.exitCode = 1 })
} else if ((workerData as { role?: Role })?.role != null) {
  workerMain().catch((err) => { process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`); process.exit(1) })
}
