// The verify page in Welsh, in Chromium against a real node: a browser whose language is Welsh
// (cy-GB) on a phone (390x844) gets the page in Welsh (<html lang="cy">, the title, the heading,
// the buttons), the message of a verification with nothing to verify, then a valid credential
// pasted and verified: the status message, the verdict and the report in Welsh, its date written
// the Welsh way. In each state no English text of the page's catalogue is left in what a person
// reads (the page's innerText), and the page is axe-clean and fits the phone, with a screenshot.
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { adminOk, assertAxeClean, assertFits, browserSuite, englishLeft, screenshot, SIZES, startPageWalk, WELSH_MONTHS } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('verify page in Welsh')

let browser: Browser | undefined
let city: TestNode | undefined
let credential: Record<string, unknown> = {}

const LEARNER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'

before(async () => {
  const walk = await startPageWalk('Harbour Rescue Skills')
  browser = walk.browser
  city = walk.city
  credential = (await adminOk(city.node, 'POST', '/api/credentials', { achievementId: walk.achievementId, subject: LEARNER })).credential as Record<string, unknown>
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** English words of the page (its labels, verdicts, months) that a Welsh page must not show. */
const ENGLISH_WORDS = ['Verify', 'Paste', 'Clear', 'Challenge', 'Domain', 'Valid', 'Issued', 'Awarded', 'Status', 'Achievement', 'Description',
  'Criteria', 'Trusted', 'vouches', 'Technical', 'Passed', 'Active', 'expiry', 'this node', 'Nothing', 'January', 'February', 'March',
  'April', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** Fails, naming it, when the page's visible text holds an English text of the catalogue or an English word of the page. */
async function noEnglish (page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText)
  // As whole words: the credential's type, OpenBadgeCredential, holds "Credential" but is a code, not English.
  const left = englishLeft(text, 'verify')
  assert.equal(left, [], `${where}: English texts of the catalogue left on the page`)
  const words = ENGLISH_WORDS.filter((word) => new RegExp(`\\b${word}\\b`).test(text))
  assert.equal(words, [], `${where}: English words left on the page`)
}

async function openWelsh (errors: string[]): Promise<{ context: BrowserContext, page: Page }> {
  const context = await (browser as Browser).newContext({ locale: 'cy-GB', viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 })
  context.setDefaultTimeout(20_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => { errors.push(err.message) })
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
  const response = await page.goto((city as TestNode).node.url + '/verify')
  assert.is(response?.status(), 200)
  await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
  return { context, page }
}

it('a Welsh browser on a phone: the page, an error, and a valid credential\'s report in Welsh', async () => {
  const errors: string[] = []
  const { context, page } = await openWelsh(errors)
  try {
    // The page as it opens.
    assert.is(await page.getAttribute('html', 'lang'), 'cy', '<html lang>')
    assert.is(await page.title(), 'Gwirio bathodyn · cofl')
    assert.is((await page.locator('h1').textContent())?.trim(), 'Gwirio bathodyn')
    assert.is(await page.getByRole('button', { name: 'Gwirio', exact: true }).count(), 1, 'the Verify button in Welsh')
    assert.is(await page.getByRole('button', { name: 'Clirio', exact: true }).count(), 1, 'the Clear button in Welsh')
    assert.is(await page.getByLabel('Tystlythyr neu gyflwyniad (JSON)').count(), 1, 'the text area\'s label in Welsh')
    assert.is((await page.locator('#lang-switch').textContent())?.trim(), 'English', 'the switcher offers English')
    await noEnglish(page, 'the page as it opens')
    await assertAxeClean(page, 'i18n-verify-start-390')
    await assertFits(page, 'i18n-verify-start-390')
    await screenshot(page, 'i18n-verify-start-390')

    // Nothing to verify: the message in Welsh.
    await page.click('#verify-button')
    await page.locator('#status', { hasText: 'Does dim i\'w wirio' }).waitFor()
    assert.is(await page.getAttribute('#json', 'aria-invalid'), 'true')
    await noEnglish(page, 'nothing to verify')
    await assertAxeClean(page, 'i18n-verify-empty-390')
    await assertFits(page, 'i18n-verify-empty-390')
    await screenshot(page, 'i18n-verify-empty-390')

    // A valid credential, pasted: what it looks like, the status message, the verdict and the report.
    await page.fill('#json', JSON.stringify(credential, null, 2))
    assert.is((await page.textContent('#detected'))?.trim(), 'Mae hwn yn edrych fel tystlythyr (OpenBadgeCredential).')
    await page.click('#verify-button')
    await page.locator('#verdict').waitFor({ timeout: 60_000 })
    assert.match((await page.textContent('#verdict') ?? '').trim(), /^✓ Dilys$/)
    await page.locator('#status', { hasText: 'Y tystlythyr a ludwyd: Dilys.' }).waitFor()
    const report = await page.textContent('#report') ?? ''
    for (const expected of ['Beth mae\'r bathodyn yn ei ddweud', 'Cyhoeddwyd gan', 'Dyfarnwyd i', 'Gweithredol: nid yw wedi\'i ddirymu', 'Pwy sy\'n gwarantu\'r cyhoeddwr', 'Ymddiriedir ynddo.', 'Harbour Rescue Skills', LEARNER]) {
      assert.ok(report.includes(expected), `the report says ${expected}`)
    }
    const validFrom = await page.locator('#report dl.facts time').first().textContent() ?? ''
    assert.ok(WELSH_MONTHS.some((month) => validFrom.includes(month)), `the date is written in Welsh: ${validFrom}`)
    assert.match(validFrom, / am \d{2}:\d{2}$/, `the time is written the Welsh way: ${validFrom}`)
    await noEnglish(page, 'the valid credential\'s report')
    // The technical details opened: their headings and outcomes in Welsh (the checks' reasons are the verifier's own, in English).
    await page.locator('#report details.technical summary').click()
    assert.is((await page.locator('#report tr[data-check="proof"] td.outcome').textContent())?.trim(), '✓ Wedi pasio')
    assert.is(await page.locator('#report table.checks thead th').allTextContents().then((t) => t.join('|')), 'Gwiriad|Canlyniad|Pam')
    await page.locator('#report details.technical summary').click()
    await assertAxeClean(page, 'i18n-verify-valid-390')
    await assertFits(page, 'i18n-verify-valid-390')
    await screenshot(page, 'i18n-verify-valid-390')
    assert.equal(errors, [], 'no page or console errors')
  } finally {
    await context.close()
  }
})

run()
