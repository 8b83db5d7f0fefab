// The catalogue page in Welsh, in Chromium against a real node: a browser whose language is Welsh
// (cy-GB) on a phone (390x844) gets the page's markup in Welsh (the title, the heading, the search
// form, the filters). The texts the page's script writes (results, status messages, the map) are
// not converted yet, so <html> is not marked data-i18n-page and this test checks the markup only:
// no English text of the page's catalogue is left in what a person reads, axe-clean, fits the phone.
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { assertAxeClean, assertFits, browserSuite, englishLeft, screenshot, SIZES, startPageWalk } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('catalogue page in Welsh')

let browser: Browser | undefined
let city: TestNode | undefined

before(async () => {
  const walk = await startPageWalk('Harbour Rescue Skills')
  browser = walk.browser
  city = walk.city
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** Fails, naming it, when the visible text of `selector` holds an English text of the catalogue. */
async function noEnglish (page: Page, selector: string, where: string): Promise<void> {
  const text = await page.locator(selector).innerText()
  const left = englishLeft(text, 'catalogue')
  assert.equal(left, [], `${where}: English texts of the catalogue left on the page`)
}

it('a Welsh browser on a phone: the catalogue\'s heading, search form and filters in Welsh', async () => {
  const errors: string[] = []
  const context = await (browser as Browser).newContext({ locale: 'cy-GB', viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 })
  context.setDefaultTimeout(20_000)
  try {
    const page = await context.newPage()
    page.on('pageerror', (err) => { errors.push(err.message) })
    const response = await page.goto((city as TestNode).node.url + '/catalogue')
    assert.is(response?.status(), 200)
    await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })

    assert.is(await page.title(), 'Catalog · cofl')
    assert.is((await page.locator('h1').textContent())?.trim(), 'Catalog')
    assert.is(await page.getAttribute('h1', 'lang'), 'cy', 'the heading says it is Welsh')
    assert.is(await page.getByRole('button', { name: 'Chwilio', exact: true }).count(), 1, 'the Search button in Welsh')
    assert.is(await page.getByRole('search', { name: 'Chwilio’r catalog' }).count(), 1, 'the form\'s name in Welsh')
    assert.is(await page.getByLabel('Geiriau').count(), 1, 'the words field\'s label in Welsh')

    await page.locator('#filters summary').click()
    assert.is(await page.getByLabel('Cyflawniadau (bathodynnau)').count(), 1, 'the types in Welsh')
    assert.is(await page.getByLabel('O fewn (km)').count(), 1, 'the radius in Welsh')
    assert.is(await page.getByRole('button', { name: 'Chwilio gyda’r hidlwyr hyn' }).count(), 1)
    await noEnglish(page, 'main', 'the page with its filters open')
    await assertAxeClean(page, 'i18n-catalogue-filters-390')
    await assertFits(page, 'i18n-catalogue-filters-390')
    await screenshot(page, 'i18n-catalogue-filters-390')
    assert.equal(errors, [], 'no page errors')
  } finally {
    await context.close()
  }
})

run()
