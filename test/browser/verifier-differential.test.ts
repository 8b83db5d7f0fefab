// One verifier for Node and the browser: @cofl/verifier's createVerifier, bundled as the node's
// pages are bundled (scripts/browser-bundle.mjs: platform browser, the packages' `browser` paths,
// and no Node built-in left) and run in Chromium on a page served with the pages' Content Security
// Policy (no 'unsafe-eval'), against the same verifier in Node, over every credential vector of
// test/vectors (the OB 3.0 spec examples and eddsa-rdfc-2022 vector, the 1EdTech validator
// fixtures, the DCC fixtures and their status lists, the W3C VC data model and vc-di-eddsa
// vectors, the Bitstring Status List examples), each read from its bytes by @cofl/formats (baked
// SVGs too), at a fixed time, with the fixture sets' status lists; each verified twice, with the
// documents of the URL issuers their proofs name (as a verifier that resolved them holds them) and
// without (a node's default); a presentation whose proof names its challenge also with that
// challenge. Every input must get the same verdict and the same checks, outcomes and codes, at
// every level (the credentials inside a presentation); the whole reports, reasons and warnings
// included, are compared too. In Node, the fast eddsa-rdfc-2022 path decides what verifies; in the
// browser the libraries do all the work: this is also where the two paths meet.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import * as assert from 'uvu/assert'
import type { Browser } from 'playwright-core'
import { FormatError, readCredential } from '@cofl/formats'
import { publicKeyFromMultibase } from '@cofl/identity'
import type { VerificationReport } from '@cofl/verifier'
import { BROWSER_BUILD, checkBuiltins } from '../../scripts/browser-bundle.mjs'
import { CONTENT_SECURITY_POLICY } from '../../node/src/http/web.js'
import { runVerifiers } from './differential-run.js'
import type { DifferentialInput, DifferentialJob, DifferentialResult } from './differential-run.js'
import { browserSuite, launchBrowser, newPage } from './harness.js'

const { it, before, after, run } = browserSuite('verifier differential (Node and Chromium)')

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const VECTORS = join(ROOT, 'test', 'vectors')
/** The folders of test/vectors that hold credentials, presentations and status lists (not contexts, schemas or JSON-LD suites). */
const CREDENTIAL_FOLDERS = ['ob3/spec-examples', 'ob3/eddsa-rdfc-2022-test-vector', 'fixtures', 'bitstring-status-list', 'w3c-vc-di-eddsa']
/** The fixed time of every verification (as the verifier's fixture tests). */
const AT = '2026-06-01T00:00:00Z'
/** At least this many inputs are compared: the vectors are all there, the test cannot pass on none. */
const MIN_INPUTS = 250
/** Inputs per call into the page. */
const CHUNK = 40

type Json = Record<string, unknown>

let browser: Browser | undefined
let server: Server | undefined
let origin = ''

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function files (dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.(md|txt)$/i.test(name) ? [] : [path]
  })
}

/** Every object nested in `value` (itself included), to find proofs and status entries. */
function * objects (value: unknown, depth = 0): Generator<Json> {
  if (depth > 32) return
  if (Array.isArray(value)) for (const v of value) yield * objects(v, depth + 1)
  else if (isObject(value)) {
    yield value
    for (const v of Object.values(value)) yield * objects(v, depth + 1)
  }
}

interface Vectors { job: DifferentialJob, files: number, vcJwts: number, unreadable: string[] }

/**
 * The job: every vector file read by @cofl/formats; the status lists under every URL a vector names
 * one by (the list file named as the URL's last segment); the URL issuers with the Ed25519 keys
 * their proofs name in a fragment.
 */
function collect (): Vectors {
  const read: Array<{ name: string, value: unknown }> = []
  const unreadable: string[] = []
  let vcJwts = 0
  const all = CREDENTIAL_FOLDERS.flatMap((folder) => files(join(VECTORS, folder)))
  for (const path of all) {
    const name = relative(VECTORS, path)
    try {
      const result = readCredential(readFileSync(path), { fileName: name })
      if (result.vcJwt != null) vcJwts++ // not for the verifier: vcJwtReport says cofl does not verify those
      else read.push({ name, value: result.value })
    } catch (err) {
      if (!(err instanceof FormatError)) throw err
      unreadable.push(`${name}: ${err.code}`)
    }
  }
  const byBasename = new Map(read.map((r) => [basename(r.name), r.value]))
  const statusLists = new Map<string, unknown>()
  const keys = new Map<string, Set<string>>()
  const inputs: DifferentialInput[] = []
  for (const { name, value } of read) {
    inputs.push({ name, value })
    for (const object of objects(value)) {
      const list = object.statusListCredential
      if (typeof list === 'string' && !statusLists.has(list)) {
        const file = byBasename.get(list.slice(list.lastIndexOf('/') + 1))
        if (file !== undefined) statusLists.set(list, file)
      }
      const method = object.verificationMethod
      const url = typeof method === 'string' ? /^(https?:\/\/[^#]+)#(z6Mk\w+)$/.exec(method) : null
      if (url != null) {
        // Not an Ed25519 key (a garbled one): no document binds it.
        if (publicKeyFromMultibase(url[2] as string) != null) keys.set(url[1] as string, (keys.get(url[1] as string) ?? new Set()).add(url[2] as string))
      }
    }
    // A presentation whose proof names its challenge: also verified with it (and its domain).
    const types = isObject(value) ? [value.type].flat() : []
    const proof = isObject(value) ? [value.proof].flat()[0] : undefined
    if (types.includes('VerifiablePresentation') && isObject(proof) && typeof proof.challenge === 'string') {
      inputs.push({ name: `${name} (its challenge)`, value, options: { challenge: proof.challenge, ...(typeof proof.domain === 'string' ? { domain: proof.domain } : {}) } })
    }
  }
  return {
    job: { inputs, statusLists: [...statusLists], issuerKeys: [...keys].map(([id, set]) => [id, [...set].sort()]), at: AT },
    files: all.length,
    vcJwts,
    unreadable
  }
}

/** What must be the same on both sides: the verdict, and every check's id, outcome and code, at every level. */
function outcome (report: VerificationReport): unknown {
  return {
    verdict: report.verdict,
    verified: report.verified,
    checks: report.checks.map((c) => [c.id, c.outcome, c.code ?? null]),
    credentials: (report.credentials ?? []).map(outcome)
  }
}

before(async () => {
  // The page's module, bundled as the node's pages are: no Node built-in may be left in it.
  const bundle = await build({
    ...BROWSER_BUILD,
    entryPoints: [fileURLToPath(new URL('./differential-entry.ts', import.meta.url))],
    absWorkingDir: ROOT,
    outdir: 'differential-out', // in memory only (write: false)
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  assert.equal(checkBuiltins(bundle.metafile, ROOT), [])
  // The browser paths: the libraries verify every proof there (no fast path), key files and schema files are not read.
  for (const browserPath of ['packages/credentials/src/fastverify-browser.ts', 'packages/credentials/src/schema-files-browser.ts']) {
    assert.ok(Object.hasOwn(bundle.metafile.inputs, browserPath), `${browserPath} is bundled`)
  }
  const script = bundle.outputFiles.find((f) => f.path.endsWith('.js'))?.contents
  assert.ok(script != null && script.length > 100_000, 'the bundle holds the verifier')
  const page = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>verifier</title><script type="module" src="/entry.js"></script></head><body></body></html>'
  server = createServer((request, response) => {
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY)
    response.setHeader('x-content-type-options', 'nosniff')
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
    else if (request.url === '/entry.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script)
    else if (request.url === '/favicon.ico') response.writeHead(204).end()
    else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => { (server as Server).listen(0, '127.0.0.1', resolve) })
  origin = `http://127.0.0.1:${((server as Server).address() as AddressInfo).port}`
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => { server != null ? server.close(() => { resolve() }) : resolve() })
})

it('every credential vector: the same verdict, checks, outcomes and codes in Chromium as in Node', async () => {
  const { job, files: fileCount, vcJwts, unreadable } = collect()
  assert.ok(job.inputs.length >= MIN_INPUTS, `only ${job.inputs.length} inputs`)
  assert.ok(job.statusLists.length >= 7, `status lists found: ${job.statusLists.map(([url]) => url).join(', ')}`)
  assert.ok(job.issuerKeys.length >= 4, `URL issuers found: ${job.issuerKeys.map(([id]) => id).join(', ')}`)

  const inNode = await runVerifiers(job)

  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  const inBrowser: DifferentialResult[] = []
  try {
    await page.goto(`${origin}/`)
    await page.waitForFunction(() => typeof (globalThis as { coflDifferential?: unknown }).coflDifferential === 'function')
    for (let start = 0; start < job.inputs.length; start += CHUNK) {
      const part: DifferentialJob = { ...job, inputs: job.inputs.slice(start, start + CHUNK) }
      inBrowser.push(...await page.evaluate(async (j) => {
        return await (globalThis as unknown as { coflDifferential: (job: DifferentialJob) => Promise<DifferentialResult[]> }).coflDifferential(j)
      }, part))
    }
  } finally {
    await context.close()
  }
  assert.equal(errors, [], 'no page error, no CSP violation')
  assert.is(inBrowser.length, inNode.length)

  const differences: string[] = []
  const reasonDifferences: string[] = []
  const verdicts = new Map<string, number>()
  for (const [i, node] of inNode.entries()) {
    const chromium = inBrowser[i] as DifferentialResult
    assert.is(chromium.name, node.name)
    for (const way of ['bound', 'unbound'] as const) {
      const [a, b] = [node[way], chromium[way]]
      if (JSON.stringify(outcome(a)) !== JSON.stringify(outcome(b))) differences.push(`${node.name} (${way}): Node ${JSON.stringify(outcome(a))}, Chromium ${JSON.stringify(outcome(b))}`)
      else if (JSON.stringify(a) !== JSON.stringify(b)) reasonDifferences.push(`${node.name} (${way}): Node ${JSON.stringify(a)}\n  Chromium ${JSON.stringify(b)}`)
      verdicts.set(`${way} ${a.verdict}`, (verdicts.get(`${way} ${a.verdict}`) ?? 0) + 1)
    }
  }
  const summary = [...verdicts].sort().map(([k, n]) => `${k} ${n}`).join(', ')
  process.stdout.write(`  ${job.inputs.length} inputs from ${fileCount} vector files (${vcJwts} VC-JWT${unreadable.length > 0 ? `, not read: ${unreadable.join(', ')}` : ''}), ${job.statusLists.length} status lists, ${job.issuerKeys.length} URL issuers; ${inNode.length * 2} reports each side: ${summary}\n`)
  assert.equal(differences, [], 'verdicts, checks, outcomes and codes')
  assert.equal(reasonDifferences, [], 'the whole reports: reasons and warnings')
  // Not all alike: the vectors hold valid, invalid and cannot-be-checked credentials.
  for (const verdict of ['valid', 'invalid', 'indeterminate']) assert.ok((verdicts.get(`bound ${verdict}`) ?? 0) > 0, `no ${verdict} report`)
})

run()
