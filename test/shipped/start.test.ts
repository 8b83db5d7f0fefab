// `npm start` as a user runs it after `npm ci` (the compiled node, its embedded defaults, data in a
// temporary folder through COFL_DATA): every page and every asset it links answers 200 with its
// type, compressed when the browser accepts it, with validators and the caching its name allows;
// then Chromium verifies on /verify a credential that the compiled CLI issued on that node, and
// /wallet and /admin load with no console error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import * as assert from 'uvu/assert'
import { suite } from 'uvu'
import type { Browser } from 'playwright-core'
import { chromiumUnavailable, launchBrowser, newPage, screenshot } from '../browser/harness.js'
import { assetLinks, cofl, ensureBuilt, NPM, startServer, userEnv } from './support.js'
import type { Server } from './support.js'

const test = suite('npm start (the compiled node)')

const PAGES = ['/', '/verify', '/catalogue', '/wallet', '/admin']
const TYPES: Record<string, RegExp> = {
  '.js': /^(text|application)\/javascript; charset=utf-8$/,
  '.css': /^text\/css; charset=utf-8$/,
  '.svg': /^image\/svg\+xml/
}

let dir = ''
let server: Server | undefined

test.before(async () => {
  // The temp dir first: if the build is missing, the tests that still run write there, never into the checkout.
  dir = await mkdtemp(join(tmpdir(), 'cofl-shipped-'))
  ensureBuilt()
  server = await startServer(NPM, ['start'], { env: userEnv({ COFL_DATA: join(dir, 'data') }) })
})

async function get (path: string, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(`${(server as Server).url}${path}`, { headers, signal: AbortSignal.timeout(20_000) })
}

test('it prints its home page; every page answers 200 as HTML, revalidated with its ETag', async () => {
  for (const path of PAGES) {
    const response = await get(path)
    assert.is(response.status, 200, `${path}: ${await response.clone().text()}`)
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/)
    assert.is(response.headers.get('cache-control'), 'no-cache', `${path} is revalidated on every visit`)
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/)
    const html = await response.text()
    assert.match(html, /<!doctype html>/i)
    assert.ok(assetLinks(html).length >= 2, `${path} links its assets`)
    assert.ok(response.headers.get('etag') != null, `${path} has an ETag`)
    // Through node:http: fetch() adds `cache-control: no-cache` to a request with If-None-Match.
    // Each encoding is its own file with its own ETag.
    for (const encoding of ['identity', 'br']) {
      const first = await raw(path, { 'accept-encoding': encoding })
      assert.is(first.status, 200)
      const again = await raw(path, { 'accept-encoding': encoding, 'if-none-match': first.etag ?? '' })
      assert.is(again.status, 304, `${path} in ${encoding}, unchanged: 304`)
    }
  }
})

test('every asset the pages link: 200 with its type, immutable, and the same bytes in brotli, gzip and plain', async () => {
  const links = new Set<string>()
  for (const path of PAGES) for (const link of assetLinks(await (await get(path)).text())) links.add(link)
  assert.ok([...links].some((l) => l.endsWith('.js')) && [...links].some((l) => l.endsWith('.css')), [...links].join(', '))
  for (const link of links) {
    const ext = /\.[a-z]+$/.exec(link)?.[0] ?? ''
    const plain = await get(link, { 'accept-encoding': 'identity' })
    assert.is(plain.status, 200, link)
    assert.match(plain.headers.get('content-type') ?? '', TYPES[ext] ?? /^$/, `${link}: ${plain.headers.get('content-type') ?? ''}`)
    assert.is(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable', `${link} is named by its hash`)
    assert.is(plain.headers.get('content-encoding'), null)
    assert.ok(plain.headers.get('etag') != null, `${link} has an ETag`)
    const bytes = Buffer.from(await plain.arrayBuffer())
    // fetch() would decode a compressed body itself: the raw bytes through node:http instead.
    const br = await raw(link, { 'accept-encoding': 'br' })
    assert.is(br.encoding, 'br', `${link} in brotli`)
    assert.ok(brotliDecompressSync(br.body).equals(bytes), `${link}: brotli decodes to the same bytes`)
    assert.ok(br.body.length < bytes.length, `${link}: brotli is smaller (${br.body.length} < ${bytes.length})`)
    const gz = await raw(link, { 'accept-encoding': 'gzip' })
    assert.is(gz.encoding, 'gzip', `${link} in gzip`)
    assert.ok(gunzipSync(gz.body).equals(bytes), `${link}: gzip decodes to the same bytes`)
    assert.match(br.vary ?? '', /accept-encoding/i)
  }
})

test('an asset that is not in the build: 404 saying which file is missing, never the server\'s paths', async () => {
  const response = await get('/assets/nope-ABCDEFGH.js')
  assert.is(response.status, 404)
  const body = await response.json() as { error: { code: string, message: string } }
  assert.is(body.error.code, 'COFL_ERR_NOT_FOUND')
  assert.match(body.error.message, /nope-ABCDEFGH\.js is not part of this build \(no nope-ABCDEFGH\.js in node\/web\/dist\/assets\)/)
  assert.not.match(body.error.message, new RegExp(tmpdir()))
})

/** A GET through node:http, as sent (no header added) and as received (the body not decoded). */
async function raw (
  path: string, headers: Record<string, string>
): Promise<{ status: number, body: Buffer, encoding: string | undefined, vary: string | undefined, etag: string | undefined }> {
  return await new Promise((resolve, reject) => {
    const req = request(`${(server as Server).url}${path}`, { headers, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), encoding: res.headers['content-encoding'], vary: res.headers.vary, etag: res.headers.etag }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const browserTests = suite('npm start in Chromium')
const reason = chromiumUnavailable()
if (reason != null) process.stdout.write(`npm start in Chromium: skipped: ${reason}\n`)
const it = reason == null ? browserTests : browserTests.skip
let browser: Browser | undefined

browserTests.before(async () => {
  if (reason == null) browser = await launchBrowser()
})
browserTests.after(async () => {
  await browser?.close()
})

it('/verify: a credential issued by the compiled CLI on this node, pasted, is Valid', async () => {
  const data = join(dir, 'data')
  const learner = await cofl(['keys', 'new', '--out', join(dir, 'learner.key'), '--unencrypted'])
  assert.is(learner.code, 0, learner.stderr)
  await writeFile(join(dir, 'fields.json'), JSON.stringify({ name: 'Harbour Kayak Safety', description: 'Capsize drill and rescue', criteria: 'Pass the capsize drill' }))
  const created = await cofl(['achievement', 'create', join(dir, 'fields.json'), '--data', data])
  assert.is(created.code, 0, created.stderr)
  const { id } = JSON.parse(created.stdout) as { id: string }
  const issued = await cofl(['credential', 'issue', '--achievement', id, '--subject', learner.stdout.trim(), '--data', data])
  assert.is(issued.code, 0, issued.stderr)

  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    const response = await page.goto(`${(server as Server).url}/verify`)
    assert.is(response?.status(), 200)
    await page.fill('#json', issued.stdout)
    await page.click('#verify-button')
    await page.locator('#verdict').waitFor()
    assert.match((await page.locator('#verdict').textContent() ?? '').trim(), /^✓ Valid$/)
    assert.ok((await page.textContent('#report') ?? '').includes('Harbour Kayak Safety'))
    await screenshot(page, 'shipped-verify-valid')
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

/** What each page's script puts in the page once it has run. */
const RAN: Record<string, string> = {
  '/wallet': '#lock:not([hidden])', // its passphrase asked (a fresh profile: to create the wallet)
  '/admin': '#signin:not([hidden])',
  '/catalogue': '#near optgroup',
  '/': '#peer-count'
}

for (const [path, selector] of Object.entries(RAN)) {
  it(`${path} runs its script with no failed request and no console error`, async () => {
    const errors: string[] = []
    const failed: string[] = []
    const { context, page } = await newPage(browser as Browser, errors)
    page.on('requestfailed', (request) => { failed.push(request.url()) })
    page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`) })
    try {
      const response = await page.goto(`${(server as Server).url}${path}`, { waitUntil: 'networkidle' })
      assert.is(response?.status(), 200)
      await page.locator(selector).first().waitFor({ state: 'attached' })
      assert.equal(failed, [], `${path}: failed requests`)
      assert.equal(errors, [], `${path}: console errors`)
    } finally {
      await context.close()
    }
  })
}

// The node runs through the suites above; this last one stops it and removes its folder.
const last = suite('npm start stops')
last.after(async () => {
  await server?.stop()
  await rm(dir, { recursive: true, force: true })
})
last('Ctrl-C (SIGINT to its process group) stops the node gracefully', async () => {
  await server?.stop()
  assert.match(server?.output() ?? '', /SIGINT: stopping\.\.\.\nstopped\n/)
})

test.run()
browserTests.run()
last.run()
