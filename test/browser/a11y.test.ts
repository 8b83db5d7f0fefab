// Accessibility of every page, in Chromium against a real node, at 1280x800 and on a phone (390x844,
// touch): the home page (and its skip link, shown on the first Tab), the catalogue (a search with no
// result, coordinates out of range, results with the map), the verify page (text that is not JSON,
// a credential changed after signing), the wallet (its passphrase form, two passphrases that differ,
// an empty wallet, an offer, a badge held, the badge's share panel), the City dashboard (a wrong
// token, signed in, an achievement sent with its fields empty) and the claim page (an offer, a link
// that does not work). In each state: axe-core finds no serious or critical violation, the page does not scroll
// sideways, every control shown is at least 24x24 px (links in sentences aside), and a screenshot
// is kept as test/browser/screenshots/<page>-<state>-<1280|390>.png. The checks themselves are
// shown to fail on a page made wrong on purpose. (mobile.test.ts walks the main states of the
// same pages through the same checks.)
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { adminOk, assertAxeClean, assertFits, browserSuite, newPage, screenshot, SIZES, startPageWalk } from './harness.js'
import type { SizeName, TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('accessibility of every page (axe, target size, no sideways scroll)')

const KAYAK = 'Harbour Kayak Safety and Rescue Skills'
const LEARNER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const PASSPHRASE = 'puffins on the breakwater'

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

/** A page at `size` whose errors are collected; closed by the caller. */
async function opened (size: SizeName, errors: string[]): Promise<{ page: Page, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors, size)
  return { page, close: async () => { await context.close() } }
}

/** The checks of one state: it fits (no sideways scroll, targets of 24 px), a screenshot, axe. */
async function check (page: Page, size: SizeName, journey: string, state: string): Promise<void> {
  const name = `${journey}-${state}-${SIZES[size].width}`
  await assertFits(page, name)
  await screenshot(page, name)
  await assertAxeClean(page, name)
}

const focusedId = async (page: Page): Promise<string> => await page.evaluate(() => document.activeElement?.id ?? '')

it('the checks fail on a page made wrong: a button with no name, grey on grey, a tiny target, a page too wide', async () => {
  const { page, close } = await opened('phone', [])
  try {
    await page.goto(node().url + '/')
    await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
    await assertAxeClean(page, 'the home page as it is')
    await assertFits(page, 'the home page as it is')
    // Made by the DevTools protocol (the page's CSP allows no inline script or style attribute it did not make).
    await page.evaluate(() => {
      const button = document.createElement('button')
      button.id = 'nameless'
      document.querySelector('main')?.append(button)
      const faint = document.createElement('p')
      faint.textContent = 'Hard to read'
      faint.style.color = '#bbb'
      faint.style.background = '#ccc'
      document.querySelector('main')?.append(faint)
    })
    const axeFailure = await assertAxeClean(page, 'a broken page').then(() => '', (err: Error) => err.message)
    assert.match(axeFailure, 'button-name (critical)')
    assert.match(axeFailure, 'color-contrast (serious)')
    assert.match(axeFailure, '#nameless')
    assert.match(axeFailure, 'at a broken page')

    await page.evaluate(() => {
      document.getElementById('nameless')?.remove()
      const tiny = document.createElement('button')
      tiny.textContent = 'x'
      tiny.id = 'tiny'
      tiny.style.cssText = 'width: 16px; height: 16px; padding: 0; min-height: 0; min-width: 0'
      document.querySelector('main')?.append(tiny)
    })
    const smallFailure = await assertFits(page, 'a tiny target').then(() => '', (err: Error) => err.message)
    assert.match(smallFailure, '<button#tiny> "x": 16x16')

    // Small links: in a menu (only separators beside them) they count; in a sentence they do not.
    await page.evaluate(() => {
      document.getElementById('tiny')?.remove()
      const menu = document.createElement('p')
      const sentence = document.createElement('p')
      for (const p of [menu, sentence]) p.style.cssText = 'font-size: 10px; line-height: 1'
      // (No function named in here: the test's compiler would wrap it in a helper the page lacks.)
      const [a, b, c] = [['menu-a', 'One'], ['menu-b', 'Two'], ['in-sentence', 'the rules']].map(([id, text]) => Object.assign(document.createElement('a'), { id, href: '#', textContent: text }))
      menu.append(a as HTMLAnchorElement, ' · ', b as HTMLAnchorElement)
      sentence.append('Read ', c as HTMLAnchorElement, ' first.')
      document.querySelector('main')?.append(menu, sentence)
    })
    const menuFailure = await assertFits(page, 'a menu of small links').then(() => '', (err: Error) => err.message)
    assert.match(menuFailure, '<a#menu-a> "One"')
    assert.match(menuFailure, '<a#menu-b> "Two"')
    assert.not.match(menuFailure, 'in-sentence')

    await page.evaluate(() => {
      for (const id of ['menu-a', 'in-sentence']) document.getElementById(id)?.parentElement?.remove()
      const wide = document.createElement('div')
      wide.id = 'wide'
      wide.style.cssText = 'width: 600px; height: 10px'
      document.querySelector('main')?.append(wide)
    })
    const wideFailure = await assertFits(page, 'a wide block').then(() => '', (err: Error) => err.message)
    assert.match(wideFailure, 'scrolls sideways')
    assert.match(wideFailure, '<div#wide>')
  } finally {
    await close()
  }
})

for (const size of ['laptop', 'phone'] as const) {
  const at = `${size} (${SIZES[size].width}x${SIZES[size].height})`

  it(`${at}: the home page, and its skip link on the first Tab`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      await page.goto(node().url + '/')
      await page.locator('#about dl').waitFor()
      await check(page, size, 'home', 'start')
      await page.keyboard.press('Tab')
      assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content')
      const skip = await page.locator('a.skip').boundingBox()
      assert.ok(skip != null && skip.width >= 24 && skip.height >= 24 && skip.y >= 0, `the skip link is shown when focused: ${JSON.stringify(skip)}`)
      await check(page, size, 'home', 'skip-link')
      await page.keyboard.press('Enter')
      assert.ok(await page.evaluate(() => location.hash === '#main'), 'the skip link leads to the main content')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${at}: the catalogue: no result, coordinates out of range, results with the map`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      await page.goto(node().url + '/catalogue')
      await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
      await page.getByLabel('Words').fill('zeppelin')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await page.locator('#results-section').waitFor()
      assert.match(await page.textContent('#status') ?? '', /no|0|nothing/i)
      await check(page, size, 'catalogue', 'no-result')

      if (!await page.locator('#filters').evaluate((d) => (d as HTMLDetailsElement).open)) await page.locator('#filters summary').click()
      await page.getByLabel('Words').fill('')
      await page.locator('#where-coords').check()
      await page.getByLabel('Latitude').fill('123')
      await page.getByLabel('Longitude').fill('-2.6')
      await page.locator('#filters-search').click()
      await page.locator('[aria-invalid="true"]').first().waitFor()
      assert.is(await page.getAttribute('#status', 'data-kind'), 'error', 'the error is said in the live region')
      await check(page, size, 'catalogue', 'bad-coordinates')

      await page.locator('#where-coords').evaluate((r) => { (r as HTMLInputElement).form?.reset() })
      await page.getByLabel('Words').fill('kayak')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await page.locator('#results > li').first().waitFor()
      await page.locator('#map-figure').waitFor().catch(() => {}) // the map, where the build draws one
      await check(page, size, 'catalogue', 'results')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${at}: the verify page: not JSON, then a credential changed after signing`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      const { credential } = await admin('POST', '/api/credentials', { achievementId, subject: LEARNER })
      await page.goto(node().url + '/verify')
      await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
      await page.fill('#json', '{ this is not json')
      await page.click('#verify-button')
      await page.locator('#status[data-kind="error"]').waitFor()
      await check(page, size, 'verify', 'not-json')

      const changed = { ...credential, credentialSubject: { ...credential.credentialSubject, id: 'did:example:someone-else' } }
      await page.fill('#json', JSON.stringify(changed, null, 2))
      await page.click('#verify-button')
      await page.locator('#verdict').waitFor()
      assert.is(await focusedId(page), 'verdict', 'the focus is on the verdict')
      assert.match(await page.textContent('#verdict') ?? '', 'Not valid')
      await check(page, size, 'verify', 'not-valid')
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${at}: the wallet: its passphrase, two that differ, empty, an offer, a badge held, its share panel`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      await page.goto(node().url + '/wallet')
      await page.locator('#lock').waitFor()
      await check(page, size, 'wallet', 'new-passphrase')
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
      await page.getByLabel('The same passphrase again').fill(`${PASSPHRASE}!`)
      await page.getByRole('button', { name: 'Create the wallet' }).click()
      await page.locator('#status[data-kind="error"]').waitFor()
      await check(page, size, 'wallet', 'passphrases-differ')
      await page.getByLabel('The same passphrase again').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Create the wallet' }).click()
      await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 })
      await check(page, size, 'wallet', 'empty')

      const offer = await admin('POST', '/api/offers', { achievementId, name: 'Ana', email: `ana-a11y-${size}@example.org` })
      await page.getByLabel('Claim link').fill(offer.claimUrl as string)
      await page.getByRole('button', { name: 'Look up' }).click()
      await page.locator('#offer').waitFor({ state: 'visible' })
      await check(page, size, 'wallet', 'offer')
      await page.getByRole('button', { name: 'Accept the badge' }).click()
      await page.locator('#status').filter({ hasText: `“${KAYAK}” is in your wallet` }).waitFor({ timeout: 30_000 })
      await check(page, size, 'wallet', 'badge')

      // The share panel (link, QR code, PDF), where this build has a Share button beside a badge.
      const share = page.locator('#badges').getByRole('button', { name: /^Share/ }).first()
      if (await share.count() > 0) {
        await share.click()
        await page.locator('#share-link-panel').waitFor({ state: 'visible', timeout: 30_000 }).catch(async (err: Error) => {
          throw new Error(`${err.message}\nthe page said: ${await page.textContent('#status') ?? ''}`)
        })
        await check(page, size, 'wallet', 'share')
      }
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })

  it(`${at}: the claim page: an offer, then a link that does not work`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      const offer = await admin('POST', '/api/offers', { achievementId, name: 'Ana', email: `ana-claim-${size}@example.org` })
      await page.goto(offer.claimLink as string)
      await page.locator('#offer').waitFor({ state: 'visible' })
      await page.locator('#claim-actions').waitFor({ state: 'visible' })
      assert.match(await page.textContent('#offer-heading') ?? '', KAYAK)
      await check(page, size, 'claim', 'offer')
      await page.goto(`${node().url}/claim#${'x'.repeat(43)}`)
      await page.locator('#claim-problem').waitFor({ state: 'visible' })
      await check(page, size, 'claim', 'unknown-link')
      // The browser reports the API's 404 for the mistyped code; nothing else.
      assert.equal(errors.filter((e) => !/status of 404/.test(e)), [])
    } finally {
      await close()
    }
  })

  it(`${at}: the City dashboard: a wrong token, signed in, an achievement sent empty`, async () => {
    const errors: string[] = []
    const { page, close } = await opened(size, errors)
    try {
      await page.goto(node().url + '/admin')
      await page.locator('#signin-form').waitFor()
      await page.getByLabel('Admin token').fill('not-the-token')
      await page.getByLabel('Admin token').press('Enter')
      await page.locator('#token[aria-invalid="true"], #status[data-kind="error"]').first().waitFor()
      await check(page, size, 'admin', 'wrong-token')

      await page.getByLabel('Admin token').fill(node().adminToken)
      await page.getByLabel('Admin token').press('Enter')
      await page.locator('#dashboard').waitFor()
      await page.getByText('Signed in: the dashboard is up to date.').waitFor()
      await check(page, size, 'admin', 'signed-in')

      await page.locator('#achievement-form').getByRole('button', { name: /define|create|save/i }).first().click()
      await page.locator('#achievement-form [aria-invalid="true"]').first().waitFor()
      assert.ok(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid') === 'true' || document.activeElement?.id === 'achievement-error'),
        'the focus is on the first field in error (or the form\'s error)')
      await check(page, size, 'admin', 'achievement-errors')
      // The page logs nothing but the API's refusal of the wrong token (which the browser reports).
      assert.equal(errors.filter((e) => !/status of 40[13]/.test(e)), [])
    } finally {
      await close()
    }
  })
}

run()
