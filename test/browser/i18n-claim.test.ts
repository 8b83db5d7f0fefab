// The claim page in Welsh, in Chromium against a real node: a browser whose language is Welsh
// (cy-GB) on a phone (390x844) follows a claim link and gets the page in Welsh (<html lang="cy">,
// the title, the heading, the buttons, the status message saying who offers the badge, the date to
// claim before written the Welsh way), then copies the command (a status message in Welsh), then
// follows a mistyped link (the problem in Welsh). In each state no English text of the page's
// catalogue is left in what a person reads (the page's innerText), and the page is axe-clean and
// fits the phone, with a screenshot.
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { adminOk, assertAxeClean, assertFits, browserSuite, englishLeft, screenshot, SIZES, startPageWalk, WELSH_MONTHS } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('claim page in Welsh')

const BADGE = 'Harbour Rescue Skills'

let browser: Browser | undefined
let city: TestNode | undefined
let claimLink = ''

before(async () => {
  const walk = await startPageWalk(BADGE)
  browser = walk.browser
  city = walk.city
  const offer = await adminOk(city.node, 'POST', '/api/offers', { achievementId: walk.achievementId, name: 'Learner in Welsh' })
  claimLink = offer.claimLink as string
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** English words of the page (its labels, buttons, months) that a Welsh page must not show (case-sensitive: the `cofl wallet claim` command is a code). */
const ENGLISH_WORDS = ['Claim', 'Copy', 'Issuer', 'Earned', 'Trusted', 'trusts', 'offers you', 'passphrase', 'another device', 'command line',
  'January', 'February', 'March', 'April', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** Fails, naming it, when the page's visible text holds an English text of the catalogue or an English word of the page. */
async function noEnglish (page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText)
  const left = englishLeft(text, 'claim')
  assert.equal(left, [], `${where}: English texts of the catalogue left on the page`)
  const words = ENGLISH_WORDS.filter((word) => new RegExp(`\\b${word}\\b`).test(text))
  assert.equal(words, [], `${where}: English words left on the page`)
}

async function openWelsh (errors: string[]): Promise<{ context: BrowserContext, page: Page }> {
  const context = await (browser as Browser).newContext({ locale: 'cy-GB', viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 })
  context.setDefaultTimeout(20_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => { errors.push(err.message) })
  // The node's 404s (no trust network, the mistyped code) are answers the page shows, not script errors.
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text()) })
  return { context, page }
}

it('a Welsh browser on a phone: the offer, copying the command and a mistyped link in Welsh', async () => {
  const errors: string[] = []
  const { context, page } = await openWelsh(errors)
  try {
    // The offer, from the link.
    const response = await page.goto(claimLink)
    assert.is(response?.status(), 200)
    await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
    await page.locator('#status', { hasText: `cynnig y bathodyn “${BADGE}” i chi.` }).waitFor()
    assert.is(await page.getAttribute('html', 'lang'), 'cy', '<html lang>')
    assert.is(await page.title(), `Hawlio “${BADGE}” · cofl`)
    assert.is((await page.locator('h1').textContent())?.trim(), 'Hawlio eich bathodyn')
    assert.is(await page.getByRole('button', { name: 'Copïo', exact: true }).count(), 1, 'the Copy button in Welsh')
    assert.is(await page.getByRole('link', { name: 'Hawlio i\'m waled', exact: true }).count(), 1, 'the wallet link in Welsh')
    assert.is(await page.getByRole('img', { name: `Cod QR dolen y dudalen hawlio hon, ar gyfer “${BADGE}”` }).count(), 1, 'the QR code\'s label in Welsh')
    assert.is((await page.locator('#lang-switch').textContent())?.trim(), 'English', 'the switcher offers English')
    const before = await page.locator('#offer-facts time').textContent() ?? ''
    assert.ok(WELSH_MONTHS.some((month) => before.includes(month)), `the date is written in Welsh: ${before}`)
    await page.locator('#offer-trust', { hasText: 'ymddiried' }).waitFor()
    await noEnglish(page, 'the offer')
    await assertAxeClean(page, 'i18n-claim-offer-390')
    await assertFits(page, 'i18n-claim-offer-390')
    await screenshot(page, 'i18n-claim-offer-390')

    // Copying the command: the status message in Welsh (copied, or why not).
    await page.getByRole('button', { name: 'Copïo', exact: true }).click()
    await page.locator('#status').filter({ hasText: /^(Mae'r gorchymyn wedi'i gopïo\.|Nid oes modd copïo yma: dewiswch y gorchymyn a'i gopïo\.)$/ }).waitFor()
    await noEnglish(page, 'the command copied')
    await assertAxeClean(page, 'i18n-claim-copied-390')
    await assertFits(page, 'i18n-claim-copied-390')
    await screenshot(page, 'i18n-claim-copied-390')

    // A mistyped link: the problem in Welsh.
    await page.goto(`${(city as TestNode).node.url}/claim#${'x'.repeat(43)}`)
    await page.locator('#problem-heading', { hasText: 'Nid yw\'r ddolen hawlio hon yn gweithio' }).waitFor()
    assert.ok((await page.textContent('#problem-todo'))?.includes('gofynnwch i\'r cyhoeddwr'), 'what to do, in Welsh')
    await noEnglish(page, 'a mistyped link')
    await assertAxeClean(page, 'i18n-claim-not-found-390')
    await assertFits(page, 'i18n-claim-not-found-390')
    await screenshot(page, 'i18n-claim-not-found-390')
    assert.equal(errors, [], 'no script errors')
  } finally {
    await context.close()
  }
})

run()
