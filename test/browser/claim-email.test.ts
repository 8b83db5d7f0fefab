// Claiming from an email, end to end: a real SMTP server (smtp-server on 127.0.0.1, an OS-chosen
// port) and a city node configured to send through it; an offer made through the admin HTTP API is
// mailed, received and parsed (mailparser): it names the badge and the issuer and links to the
// claim page, `<node>/claim#<code>`. Chromium follows the link at 1280x800 and at 390x844: the page
// shows the offer (the issuer's trust in the verify page's words, a QR code of the link, the
// `cofl wallet claim` line), "Claim into my wallet" opens the browser wallet, which is made with a
// passphrase and claims the badge, listed at the end. The same link then says it was claimed, and a
// mistyped one that it does not work. No request the page made carried the code in a page URL (it
// stays in the fragment), and nothing the node logged names it. Each state is screenshot, fits the
// width (no sideways scroll) and is checked with axe.
import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import type { Browser, Page } from 'playwright-core'
import { SMTPServer } from 'smtp-server'
import * as assert from 'uvu/assert'
import { adminOk, assertAxeClean, assertFits, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { SizeName, TestNode } from './harness.js'

type Json = Record<string, any>

const { it, before, after, run } = browserSuite('claim from an email')

const ACHIEVEMENT = 'urn:cofl:test:achievement:harbour-swim'
const BADGE_NAME = 'Harbour swim'
const CITY_NAME = 'Bristol City of Learning'
const PASSPHRASE = 'puffins on lundy island'

let browser: Browser | undefined
let city: TestNode | undefined
let smtp: SMTPServer | undefined
const inbox: Array<{ to: string[], raw: string }> = []
const nodeLog: string[] = []

async function admin (method: string, path: string, body?: unknown): Promise<Json> { return await adminOk((city as TestNode).node, method, path, body) }

/** The mail the SMTP server received for `to`, parsed; waits for it (bounded). */
async function mailTo (to: string): Promise<ParsedMail> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const found = inbox.find((m) => m.to.includes(to))
    if (found != null) return await simpleParser(found.raw, { keepCidLinks: true })
    if (Date.now() > deadline) assert.unreachable(`no mail to ${to} within 20 s (the node logged: ${nodeLog.join(' | ')})`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function waitForStatus (page: Page, text: string | RegExp): Promise<void> {
  await page.locator('#status').filter({ hasText: text }).waitFor({ timeout: 30_000 })
}

before(async () => {
  ensureWebBuilt()
  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') })
        callback()
      })
    }
  })
  const server = smtp
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  city = await startTestNode({ name: CITY_NAME, mail: { smtp: { host: '127.0.0.1', port, secure: false }, from: 'Bristol Badges <badges@bristol.example>', perMinute: 6000 } }, { log: (line) => { nodeLog.push(line) } })
  browser = await launchBrowser()
  await admin('POST', '/api/achievements', { id: ACHIEVEMENT, name: BADGE_NAME, description: 'Swims across the floating harbour with a coach', criteria: 'One supervised crossing' })
})

after(async () => {
  await browser?.close()
  await city?.stop()
  const server = smtp
  if (server != null) await new Promise<void>((resolve) => server.close(() => { resolve() }))
})

async function journey (size: SizeName): Promise<void> {
  const node = (city as TestNode).node
  const email = `learner-${size}@example.org`
  const offer = await admin('POST', '/api/offers', { achievementId: ACHIEVEMENT, name: `Learner on a ${size}`, email })
  assert.equal(offer.mail, { state: 'pending', attempts: 0 })
  assert.is(offer.claimLink, `${node.url}/claim#${offer.code as string}`)

  // The mail: the badge, the issuer, the link to the claim page (in the text and as the HTML's link).
  const mail = await mailTo(email)
  assert.match(mail.subject ?? '', `${CITY_NAME} offers you the badge “${BADGE_NAME}”`)
  const text = mail.text ?? ''
  assert.match(text, BADGE_NAME)
  assert.match(text, CITY_NAME)
  assert.match(text, node.did)
  const link = /https?:\/\/\S+\/claim#[A-Za-z0-9_-]+/.exec(text)?.[0]
  assert.is(link, offer.claimLink)
  assert.match(String(mail.html), `href="${link}"`)
  assert.not.match(String(mail.html), /src="https?:/, 'no remote content in the mail')
  assert.is((await admin('GET', `/api/offers/${offer.offerId as string}`)).mail.state, 'sent')

  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors, size)
  const pageUrls: string[] = []
  page.on('request', (request) => { if (request.isNavigationRequest()) pageUrls.push(request.url()) })
  const logged = nodeLog.length
  try {
    // The claim page, opened from the mail's link.
    const response = await page.goto(link as string)
    assert.is(response?.status(), 200)
    await page.locator('#offer').waitFor({ state: 'visible' })
    assert.is(await page.textContent('#offer-heading'), BADGE_NAME)
    assert.match(await page.textContent('#offer-description') ?? '', 'floating harbour')
    assert.match(await page.textContent('#offer-issuer') ?? '', CITY_NAME)
    assert.match(await page.textContent('#offer-issuer') ?? '', node.did)
    assert.match(await page.textContent('#offer-trust') ?? '', 'Trusted. The issuer is a trust root itself')
    assert.match(await page.textContent('#cli-command') ?? '', `cofl wallet claim ${node.url}/api/claims/${offer.code as string}`)
    assert.is(await page.locator('#claim-qr svg[role="img"]').count(), 1, 'a QR code of the link')
    assert.is(await page.evaluate('document.activeElement?.id'), 'offer-heading', 'focus on the offer')
    await screenshot(page, `claim-email-offer-${size}`)
    await assertFits(page, `the claim page (${size})`)
    await assertAxeClean(page, `the claim page (${size})`)

    // Into the browser wallet: made with a passphrase, it shows the offer and claims it.
    await page.getByRole('link', { name: 'Claim into my wallet' }).click()
    await page.locator('#lock').waitFor({ state: 'visible' })
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
    await page.getByLabel('The same passphrase again').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Create the wallet' }).click()
    await page.locator('#offer').waitFor({ state: 'visible' })
    assert.match(await page.textContent('#offer-details') ?? '', BADGE_NAME)
    await screenshot(page, `claim-email-wallet-offer-${size}`)
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, `“${BADGE_NAME}” is in your wallet`)
    const row = page.locator('#badge-table tbody tr').filter({ hasText: BADGE_NAME })
    assert.is(await row.count(), 1, 'the badge is listed in the wallet')
    assert.match(await row.textContent() ?? '', CITY_NAME)
    await screenshot(page, `claim-email-wallet-${size}`)
    await assertFits(page, `the wallet after the claim (${size})`)
    await assertAxeClean(page, `the wallet after the claim (${size})`)
    assert.is((await admin('GET', `/api/offers/${offer.offerId as string}`)).state, 'claimed')

    assert.equal(errors, [], 'no error in the page up to here')

    // The same link again: claimed already. A mistyped one: does not work (the browser reports each refusal: 409, 404).
    await page.goto(link as string)
    await page.locator('#claim-problem').waitFor({ state: 'visible' })
    assert.is(await page.textContent('#problem-heading'), 'This badge was claimed already')
    assert.is(await page.evaluate('document.activeElement?.id'), 'problem-heading')
    await screenshot(page, `claim-email-claimed-${size}`)
    await assertFits(page, `the claim page of a claimed offer (${size})`)
    await assertAxeClean(page, `the claim page of a claimed offer (${size})`)
    // (The same page, another fragment: a hashchange, no new document.)
    await page.goto(`${node.url}/claim#${'x'.repeat(43)}`)
    await page.locator('#problem-heading').filter({ hasText: 'This claim link does not work' }).waitFor()
    assert.ok(await page.locator('#offer').isHidden())
    await screenshot(page, `claim-email-unknown-${size}`)

    // The code never went to a server in a page's URL, and the node never logged it.
    assert.ok(pageUrls.length >= 3, pageUrls.join(' '))
    for (const url of pageUrls) assert.not.ok(url.includes(offer.code as string), `a page URL sent to the node carries the code: ${url}`)
    for (const line of nodeLog.slice(logged)) assert.not.ok(line.includes(offer.code as string), `the node logged the code: ${line}`)
    assert.equal(errors.map((e) => /status of (\d+)/.exec(e)?.[1] ?? e), ['409', '404'])
  } finally {
    await context.close()
  }
}

it('a mailed offer, followed at 1280x800 and claimed into the browser wallet', async () => {
  await journey('laptop')
})

it('a mailed offer, followed at 390x844 and claimed into the browser wallet', async () => {
  await journey('phone')
})

run()
