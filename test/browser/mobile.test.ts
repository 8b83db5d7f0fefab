// Every page on a phone (390x844) and on a laptop (1280x800), in Chromium against a real node: the
// home page, the catalogue (its form, then results), the verify page (with a report shown), the
// wallet (a badge held, its details open) and the City dashboard (signed in, with analytics and
// issued credentials, then one revoked). In each state: no page scrolls sideways (the widest element
// is named when one does), the controls of the main content are at least 24x24 px, and after each
// main action the focus is on the element the action leads to. On the phone: identifiers wrap,
// the credentials and badges stack as cards with their column names, a hidden claim rate reads
// "hidden", a long achievement name is written whole in its chart, the catalogue's filters fold.
// No serious or critical axe finding in any state. Screenshots of each state in test/browser/screenshots
// (layout-<state>-390.png on the phone: touch, 3 device pixels per CSS pixel; layout-<state>-1280.png).
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { adminOk, assertAxeClean, assertFits, browserSuite, newPage, screenshot, SIZES as PAGE_SIZES, startPageWalk } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('pages on a phone and a laptop')

/** A name longer than a chart's label column, with a place (for the catalogue). */
const KAYAK = 'Harbour Kayak Safety and Rescue Skills'
/** A learner's did:key: an identifier with no place to break. */
const LEARNER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const PASSPHRASE = 'gulls above the harbour wall'
const SIZES = [{ name: 'phone', ...PAGE_SIZES.phone }, { name: 'laptop', ...PAGE_SIZES.laptop }] as const

let browser: Browser | undefined
let city: TestNode | undefined
let achievementId = ''

const node = (): TestNode['node'] => (city as TestNode).node

async function admin (method: string, path: string, body?: unknown): Promise<any> { return await adminOk(node(), method, path, body) }

before(async () => {
  ({ browser, city, achievementId } = await startPageWalk(KAYAK))
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** The checks of one state of a page (layout, then axe), and its screenshot. */
async function checkState (page: Page, size: typeof SIZES[number], state: string): Promise<void> {
  await assertFits(page, `${state} at ${size.width} px`)
  await screenshot(page, `layout-${state}-${size.width}`)
  await assertAxeClean(page, `${state} at ${size.width} px`)
}

const activeId = async (page: Page): Promise<string> => await page.evaluate(() => document.activeElement?.id ?? '')
const activeTag = async (page: Page): Promise<string> => await page.evaluate(() => document.activeElement?.tagName ?? '')

async function sized (size: typeof SIZES[number], errors: string[]): Promise<{ page: Page, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors, size.name)
  return { page, close: async () => { await context.close() } }
}

for (const size of SIZES) {
  it(`${size.name} (${size.width}x${size.height}): the home page and the catalogue, its form and its results`, async () => {
    const errors: string[] = []
    const { page, close } = await sized(size, errors)
    try {
      await page.goto(node().url + '/')
      await page.getByText('Bristol City of Learning').first().waitFor()
      await checkState(page, size, 'home')

      await page.goto(node().url + '/catalogue')
      await page.locator('#search-form').waitFor()
      const filtersOpen = await page.evaluate(() => (document.getElementById('filters') as HTMLDetailsElement).open)
      assert.is(filtersOpen, size.name === 'laptop', 'the filters fold on a phone only')
      if (size.name === 'phone') {
        const formHeight = await page.evaluate(() => document.getElementById('search-form')?.getBoundingClientRect().height ?? 0)
        assert.ok(formHeight < size.height / 2, `the search form is ${formHeight} px tall on a ${size.height} px screen`)
      }
      await checkState(page, size, 'catalogue')
      if (size.name === 'phone') {
        await page.locator('#filters summary').click()
        await checkState(page, size, 'catalogue-filters')
      }
      await page.getByLabel('Words').fill('kayak')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await page.locator('#results > li').first().waitFor()
      assert.is(await activeId(page), 'search-button', 'the focus stays on the Search button (the results are announced)')
      await page.locator('#results details.detail summary').first().click()
      await checkState(page, size, 'catalogue-results')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${size.name} (${size.width}x${size.height}): the verify page, before and with a report; focus on the verdict`, async () => {
    const errors: string[] = []
    const { page, close } = await sized(size, errors)
    try {
      const { credential } = await admin('POST', '/api/credentials', { achievementId, subject: LEARNER })
      await page.goto(node().url + '/verify')
      await page.locator('#json').waitFor()
      await checkState(page, size, 'verify')
      await page.fill('#json', JSON.stringify(credential, null, 2))
      await page.click('#verify-button')
      await page.locator('#verdict').waitFor()
      assert.is(await activeId(page), 'verdict', 'the focus is on the verdict after verifying')
      assert.match(await page.textContent('#report') ?? '', LEARNER)
      await checkState(page, size, 'verify-report')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${size.name} (${size.width}x${size.height}): the wallet with a badge held and its details open`, async () => {
    const errors: string[] = []
    const { page, close } = await sized(size, errors)
    try {
      const offer = await admin('POST', '/api/offers', { achievementId, name: 'Ana', email: `ana-${size.name}@example.org` })
      await page.goto(`${node().url}/wallet#claim=${encodeURIComponent(offer.claimUrl as string)}`)
      // A wallet sealed with a passphrase asks for one first (as wallet.test.ts makes it).
      await page.locator('#lock:visible, #offer:visible').first().waitFor()
      if (await page.locator('#lock').isVisible()) {
        await checkState(page, size, 'wallet-lock')
        await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
        await page.getByLabel('The same passphrase again').fill(PASSPHRASE)
        await page.getByRole('button', { name: 'Create the wallet' }).click()
      }
      await page.locator('#offer').waitFor({ state: 'visible' })
      await checkState(page, size, 'wallet-offer')
      await page.getByRole('button', { name: 'Accept the badge' }).click()
      await page.locator('#status').filter({ hasText: `“${KAYAK}” is in your wallet` }).waitFor({ timeout: 30_000 })
      assert.is(await activeId(page), 'badges-heading', 'the focus is on the badges after a claim')
      await checkState(page, size, 'wallet-badge')

      const summary = page.locator('#badge-table summary').first()
      await summary.focus()
      await page.keyboard.press('Enter') // the keyboard way: the details open, the focus stays on its summary
      assert.ok(await page.evaluate(() => document.querySelector<HTMLDetailsElement>('#badge-table details')?.open === true), 'the details are open')
      assert.is(await activeTag(page), 'SUMMARY', 'the focus stays on the Details control')
      const box = await summary.boundingBox()
      assert.ok(box != null && box.width >= 24 && box.height >= 24, `the Details control is ${box?.width ?? 0}x${box?.height ?? 0} px`)
      if (size.name === 'phone') {
        // A card: the cells one under another, named by their column.
        const cells = await page.evaluate(() => Array.from(document.querySelectorAll('#badge-table tbody tr:first-child td')).map((td) => `${getComputedStyle(td).display} ${getComputedStyle(td, '::before').content}`))
        assert.equal(cells.slice(0, 3), ['block "Issuer: "', 'block "Issued: "', 'block "Status: "'])
      }
      await checkState(page, size, 'wallet-details')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${size.name} (${size.width}x${size.height}): the City dashboard with analytics and credentials; a revocation keeps the focus`, async () => {
    const errors: string[] = []
    const { page, close } = await sized(size, errors)
    try {
      const issued = await admin('POST', '/api/credentials', { achievementId, subject: LEARNER })
      const credentialId = issued.credential.id as string
      await page.goto(node().url + '/admin')
      await checkState(page, size, 'admin-signin')
      const field = page.getByLabel('Admin token')
      await field.fill(node().adminToken)
      await field.press('Enter')
      await page.locator('#headline').waitFor()
      await page.getByText('Signed in: the dashboard is up to date.').waitFor()
      assert.is.not(await activeTag(page), 'BODY', 'the focus is somewhere after signing in')

      // A few offers: their claim rate is hidden, and says so in words.
      assert.is(((await page.textContent('#total-claimRate dd')) ?? '').trim(), 'hidden')
      assert.match(await page.getAttribute('#total-claimRate dd', 'title') ?? '', 'hidden: its counts are fewer than')
      // The long name, whole, on the lines of its chart label.
      const labels = await page.evaluate(() => Array.from(document.querySelectorAll('#analytics-body svg text.category-label')).map((t) => Array.from(t.querySelectorAll('tspan')).map((s) => s.textContent).join(' ')))
      assert.ok(labels.includes(KAYAK), `a chart label reads "${KAYAK}": ${JSON.stringify(labels)}`)
      // Every box that scrolls on its own can take the focus, and has a name.
      const unfocusable = await page.evaluate(() => Array.from(document.querySelectorAll('main .table-wrap')).filter((el) => el.getAttribute('tabindex') !== '0' || (el.getAttribute('aria-label') ?? '') === '').length)
      assert.is(unfocusable, 0)
      await checkState(page, size, 'admin-analytics')

      const row = page.locator(`#credentials-table tr[data-credential-id="${credentialId}"]`)
      await row.waitFor()
      if (size.name === 'phone') {
        const issued = await row.locator('td[data-label="Issued"]').evaluate((td) => `${getComputedStyle(td).display} ${getComputedStyle(td, '::before').content}`)
        assert.is(issued, 'block "Issued: "', 'a stacked row names its column')
      }
      await row.getByRole('button', { name: 'Revoke' }).click()
      assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Yes, revoke')
      await checkState(page, size, 'admin-revoke-confirm')
      await row.getByRole('button', { name: 'Yes, revoke' }).click()
      await page.locator(`#credentials-table tr[data-credential-id="${credentialId}"][data-status="revoked"]`).waitFor()
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('status') === true), 'the focus is on the new status')
      await checkState(page, size, 'admin-revoked')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })
}

run()
