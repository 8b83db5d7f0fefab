// Sharing without a server (issue 16, point 4), in Chromium at 1280x800 and at 390x844, against a
// city node behind a recording proxy (every request the node receives, its line, headers and body,
// is kept). A learner claims two badges in the wallet page; "Share" on one checks its status, signs
// it and shows a link (`/verify#vp=...`), its QR code and a PDF. The link, opened in a fresh browser
// (no wallet), verifies in the page: Valid, with the badge's name, and what a share link proves;
// no request the node received carries the link's data. A tampered link is not valid; a damaged
// one says it cannot be read. The other badge, revoked by its issuer, is refused when shared and
// then shows no Share action. The PDF is a PDF that pdf-lib reads back, titled with the badge's name.
import { request as httpRequest, createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { adminOk, assertAxeClean, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { SizeName, TestNode } from './harness.js'

type Json = Record<string, any>

/** What the test reads a PDF with: pdf-lib, the node's own dependency (node/package.json), as the page uses it. */
interface PdfDict { keys: () => unknown[] }
interface PdfPage { node: { Resources: () => { lookup: (key: unknown, type: unknown) => PdfDict | undefined } | undefined } }
interface PdfLib {
  PDFDocument: { load: (bytes: Uint8Array) => Promise<{ getTitle: () => string | undefined, getPageCount: () => number, getPage: (i: number) => PdfPage }> }
  PDFName: { of: (name: string) => unknown }
  PDFDict: unknown
}
const { PDFDict, PDFDocument, PDFName } = createRequire(new URL('../../node/package.json', import.meta.url))('pdf-lib') as PdfLib

const { it, before, after, run } = browserSuite('share without a server')

const PYTHON = 'urn:cofl:test:achievement:share-python'
const GIT = 'urn:cofl:test:achievement:share-git'
const LONG = 'urn:cofl:test:achievement:share-long'
/** A description that does not compress: its badge's link is too long for a QR code. */
const RANDOM_WORDS = Array.from({ length: 700 }, (_, i) => ((i * 2654435761) % 4294967296).toString(36)).join(' ')
const PASSPHRASE = 'kittiwakes over the hoe'

let browser: Browser | undefined
let city: TestNode | undefined
let proxy: Server | undefined
/** The proxy's origin: the pages are opened here, so every request of theirs to this node is recorded. */
let origin = ''
/** What the node received through the proxy: request line, headers and body, as text. */
const received: string[] = []

async function admin (method: string, path: string, body?: unknown): Promise<Json> { return await adminOk((city as TestNode).node, method, path, body) }

/** A proxy on 127.0.0.1 (port 0) to the node that records each request it forwards. */
async function startProxy (target: string): Promise<Server> {
  const to = new URL(target)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => { chunks.push(c) })
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push(`${req.method ?? ''} ${req.url ?? ''}\n${JSON.stringify(req.headers)}\n${body.toString('latin1')}`)
      const forward = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', () => { res.writeHead(502).end() })
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return server
}

async function waitForStatus (page: Page, text: string | RegExp): Promise<void> {
  await page.locator('#status').filter({ hasText: text }).waitFor({ timeout: 30_000 })
}

async function noSidewaysScroll (page: Page, size: SizeName, where: string): Promise<void> {
  if (size !== 'phone') return
  const width = await page.evaluate('document.documentElement.scrollWidth') as number
  assert.ok(width <= 390, `${where}: the page is ${width} px wide at 390 px`)
}

async function claim (page: Page, achievementId: string, name: string): Promise<void> {
  const offer = await admin('POST', '/api/offers', { achievementId, name: 'Ana', email: 'ana@example.org' })
  await page.getByLabel('Claim link').fill(offer.claimUrl as string)
  await page.getByRole('button', { name: 'Look up' }).click()
  await page.locator('#offer-details').filter({ hasText: name }).waitFor()
  await page.getByRole('button', { name: 'Accept the badge' }).click()
  await waitForStatus(page, `“${name}” is in your wallet`)
}

/** The verify page at `link` in a fresh browser (no wallet), the report (or the refusal) shown. */
async function openLink (link: string, size: SizeName, errors: string[]): Promise<{ page: Page, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors, size)
  try {
    await page.goto(link)
  } catch (err) {
    await context.close()
    throw err
  }
  return { page, close: async () => { await context.close() } }
}

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  proxy = await startProxy(city.node.url)
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  browser = await launchBrowser()
  await admin('POST', '/api/achievements', { id: PYTHON, name: 'Python basics', description: 'Writes small Python programs', criteria: 'Ten exercises in the coding club' })
  await admin('POST', '/api/achievements', { id: GIT, name: 'Git for teams', description: 'Shares code with git', criteria: 'A pull request reviewed and merged' })
  await admin('POST', '/api/achievements', { id: LONG, name: 'Long story', description: RANDOM_WORDS, criteria: 'A story told at length' })
})

after(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => { if (proxy == null) resolve(); else proxy.close(() => { resolve() }) })
  await city?.stop()
})

for (const size of ['laptop', 'phone'] as const) {
  it(`shares a badge as a link, a QR code and a PDF, verified in a page the node never sees it reach (${size})`, async () => {
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    const opened: Array<() => Promise<void>> = []
    try {
      await page.goto(`${origin}/wallet`)
      await page.locator('#lock').waitFor({ state: 'visible' })
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
      await page.getByLabel('The same passphrase again').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Create the wallet' }).click()
      await page.locator('body[data-ready="true"]').waitFor()
      const did = (await page.textContent('#holder-did'))?.trim() ?? ''
      await claim(page, PYTHON, 'Python basics')
      await claim(page, GIT, 'Git for teams')
      await claim(page, LONG, 'Long story')

      // A badge whose link is too long for a QR code: the link, and why there is no QR code nor PDF.
      await page.getByRole('button', { name: 'Share Long story' }).click()
      await waitForStatus(page, 'The share link for “Long story” is ready')
      assert.match(await page.textContent('#share-qr-too-long') ?? '', /This link is too long for a QR code \(\d+ bytes; a QR code holds at most 2953\)/)
      assert.ok(await page.getByRole('button', { name: 'Download PDF' }).isDisabled())
      assert.match(await page.textContent('#share-pdf-hint') ?? '', 'this link is too long for one')
      await noSidewaysScroll(page, size, 'a link too long for a QR code')
      await screenshot(page, `share-too-long-${size}`)
      await assertAxeClean(page, `share-too-long-${size}`)

      // Share: status checked, signed, a link with its QR code; focus on the result.
      await page.getByRole('button', { name: 'Share Python basics' }).click()
      await waitForStatus(page, 'The share link for “Python basics” is ready')
      const panel = page.locator('#share-link-panel')
      assert.ok(await panel.isVisible())
      assert.is(await page.evaluate('document.activeElement?.id'), 'share-link-panel', 'focus moves to the link')
      const link = await page.getByLabel('Share link', { exact: true }).inputValue()
      assert.match(link, new RegExp(`^${origin.replace(/\./g, '\\.')}/verify#vp=[A-Za-z0-9_-]+$`))
      assert.is(await page.locator('#share-open').getAttribute('href'), link)
      assert.is(await page.locator('#share-qr svg[role="img"]').getAttribute('aria-label'), 'QR code of the share link to Python basics')
      assert.match(await page.textContent('#share-link-what') ?? '', 'Anyone with the link can show it')
      const data = link.split('#vp=')[1] as string
      process.stdout.write(`  a one-badge share link: ${link.length} characters, its QR code ${(await page.locator('#share-qr svg').getAttribute('viewBox'))?.split(' ')[2] ?? '?'} modules wide with its quiet zone\n`)
      const shared = JSON.parse(inflateRawSync(Buffer.from(data, 'base64url')).toString('utf8')) as Json
      assert.is(shared.holder, did)
      assert.match(shared.proof.challenge as string, /^cofl-share:[A-Za-z0-9_-]{43}$/)
      assert.is(shared.proof.domain, new URL(origin).host)
      assert.is(shared.verifiableCredential.length, 1)
      await noSidewaysScroll(page, size, 'the share link')
      const copy = await page.getByRole('button', { name: 'Copy link' }).boundingBox()
      assert.ok(copy != null && copy.height >= 24 && copy.width >= 24, 'the copy button is a target of 24 px at least')
      await screenshot(page, `share-link-${size}`)
      await assertAxeClean(page, `share-link-${size}`)

      // The PDF: loaded only now, a PDF pdf-lib reads back, titled with the badge's name.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()])
      assert.is(download.suggestedFilename(), 'python-basics.pdf')
      const bytes = await readFile(await download.path())
      assert.is(bytes.subarray(0, 5).toString('latin1'), '%PDF-')
      const pdf = await PDFDocument.load(bytes)
      assert.is(pdf.getTitle(), 'Python basics')
      assert.is(pdf.getPageCount(), 1)
      const drawn = pdf.getPage(0).node.Resources()?.lookup(PDFName.of('XObject'), PDFDict)
      assert.ok(drawn != null && drawn.keys().length === 1, 'the badge\'s picture is on the page')
      await waitForStatus(page, 'The PDF of “Python basics”')

      // The link in a fresh browser: verified in the page, valid, with the badge's name; the node never received the data.
      const before = received.length
      const verify = await openLink(link, size, errors)
      opened.push(verify.close)
      await verify.page.locator('#verdict').waitFor({ timeout: 60_000 })
      assert.match(await verify.page.textContent('#verdict') ?? '', /Presentation: Valid$/)
      assert.match(await verify.page.textContent('#report') ?? '', 'Python basics')
      const note = await verify.page.textContent('#share-note') ?? ''
      assert.match(note, 'Shared by link.')
      assert.match(note, did)
      assert.match(note, 'not that whoever sent you the link is the holder')
      assert.ok(received.length > before, 'the verify page asked the node (its status lists, its trust) through the proxy')
      for (const entry of received) assert.not.ok(entry.includes(data.slice(0, 24)) || entry.includes(data.slice(-24)), `the node received the link's data: ${entry.slice(0, 200)}`)
      await noSidewaysScroll(verify.page, size, 'the verified link')
      await screenshot(verify.page, `share-verified-${size}`)
      await assertAxeClean(verify.page, `share-verified-${size}`)

      // A tampered link: the badge's name changed inside; the holder's and the issuer's signatures no longer hold.
      const changed = structuredClone(shared)
      changed.verifiableCredential[0].credentialSubject.achievement.name = 'Python expert'
      const tampered = `${origin}/verify#vp=${deflateRawSync(Buffer.from(JSON.stringify(changed))).toString('base64url')}`
      const bad = await openLink(tampered, size, errors)
      opened.push(bad.close)
      await bad.page.locator('#verdict').waitFor({ timeout: 60_000 })
      assert.match(await bad.page.textContent('#verdict') ?? '', /Presentation: Not valid$/)
      await screenshot(bad.page, `share-tampered-${size}`)
      await assertAxeClean(bad.page, `share-tampered-${size}`)

      // A damaged link (cut short): said, no report.
      const cut = await openLink(link.slice(0, link.length - Math.floor(data.length / 2)), size, [])
      opened.push(cut.close)
      await cut.page.locator('#status').filter({ hasText: 'This share link cannot be read' }).waitFor()
      assert.ok(await cut.page.locator('#report').isHidden())
      await screenshot(cut.page, `share-damaged-${size}`)
      await assertAxeClean(cut.page, `share-damaged-${size}`)

      // Revoked by its issuer: refused when shared, then no Share action, and why.
      const row = page.locator('#badge-table tbody tr').filter({ hasText: 'Git for teams' })
      const credentialId = await row.getAttribute('data-id')
      assert.type(credentialId, 'string')
      await admin('POST', '/api/credentials/revoke', { credentialId, now: true })
      await page.getByRole('button', { name: 'Share Git for teams' }).click()
      await waitForStatus(page, '“Git for teams” is not shared: its issuer revoked it.')
      assert.is(await row.getByRole('button', { name: /^Share/ }).count(), 0, 'a revoked badge has no Share action')
      assert.match(await row.textContent() ?? '', 'Not shareable: its issuer revoked it.')
      assert.ok(await panel.isHidden(), 'no link is left on show')
      assert.is(await page.evaluate('document.activeElement?.id'), 'badges-heading', 'focus moves to the badges')
      assert.is(await page.locator('#badge-table tbody tr').filter({ hasText: 'Python basics' }).getByRole('button', { name: 'Share Python basics' }).count(), 1)
      await noSidewaysScroll(page, size, 'a revoked badge')
      await screenshot(page, `share-revoked-${size}`)
      await assertAxeClean(page, `share-revoked-${size}`)
      assert.equal(errors, [])
    } finally {
      for (const close of opened) await close()
      await context.close()
    }
  })
}

run()
