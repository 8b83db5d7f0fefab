// Badge images in the pages (node/web/src/lib/badge-image.ts), walked at 1280x800 and 390x844: the
// catalogue, the claim page, the wallet (its list and a badge's details) and the verify report show
// an achievement's image from this node by its hash (loaded: naturalWidth > 0; alt = the badge's
// name), and an achievement without one as the drawn badge (@cofl/formats defaultBadgeSvg, in an
// <img>); a forged credential's report shows no image. No SVG from the network enters the DOM.
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { defaultBadgePng, defaultBadgeSvg } from '@cofl/formats'
import { adminOk, assertAxeClean, assertFits, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { SizeName, TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('badge images')

let browser: Browser | undefined
let city: TestNode | undefined

const WITH_IMAGE = 'Harbour Pilot'
const WITHOUT_IMAGE = 'Knot Tying'
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#0a5"/><rect x="20" y="20" width="24" height="24" fill="#fff"/></svg>'
const PASSPHRASE = 'gulls over the barbican'
let imageId = ''
let file = ''
let plainId = ''

async function admin (method: string, path: string, body?: unknown): Promise<any> { return await adminOk((city as TestNode).node, method, path, body) }

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  browser = await launchBrowser()
  const created = await admin('POST', '/api/achievements', {
    name: WITH_IMAGE, description: 'Bring a boat into the harbour', criteria: 'Pilot a boat in', image: `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`
  })
  imageId = created.id
  file = /([0-9a-f]{64}\.svg)$/.exec(String(created.achievement.image.id))?.[1] ?? ''
  assert.ok(file !== '', 'the image is named by its hash')
  plainId = (await admin('POST', '/api/achievements', { name: WITHOUT_IMAGE, description: 'Six knots', criteria: 'Tie six knots' })).id
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** The badge image `selector` once loaded: its src, alt, data-image and natural width. */
async function loaded (page: Page, selector: string): Promise<{ src: string, alt: string, image: string, width: number, inline: number }> {
  const img = page.locator(selector).first()
  await img.waitFor()
  await page.waitForFunction((s) => { const i = document.querySelector(s) as HTMLImageElement | null; return i != null && i.complete && i.naturalWidth > 0 }, selector)
  return await img.evaluate((i: HTMLImageElement) => ({
    src: i.getAttribute('src') ?? '', alt: i.alt, image: i.dataset.image ?? '', width: i.naturalWidth, inline: document.querySelectorAll('svg circle[fill="#0a5"]').length
  }))
}

function assertOwnImage (shown: { src: string, alt: string, image: string, inline: number }, where: string): void {
  assert.is(shown.src, `/api/images/${file}`, `${where}: the image from this node, by its hash`)
  assert.is(shown.image, file, where)
  assert.is(shown.alt, WITH_IMAGE, `${where}: alt is the badge's name`)
  assert.is(shown.inline, 0, `${where}: the SVG is never put into the DOM`)
}

async function done (page: Page, name: string): Promise<void> {
  await screenshot(page, name)
  await assertFits(page, name)
  await assertAxeClean(page, name)
}

for (const size of ['laptop', 'phone'] as SizeName[]) {
  it(`dashboard (${size}): an achievement's image chosen as a file; an SVG with a script refused at the field`, async () => {
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    const node = (city as TestNode).node
    try {
      await page.goto(`${node.url}/admin`)
      const field = page.getByLabel('Admin token')
      await field.fill(node.adminToken)
      await field.press('Enter')
      await page.getByText('Signed in: the dashboard is up to date.').waitFor()
      const name = `Lighthouse Keeper ${size}`
      await page.getByLabel('Name (required)').fill(name)
      await page.getByLabel('Description (required)').fill('Keep the light')
      await page.getByLabel(/^Criteria/).fill('A night in the lighthouse')
      await page.setInputFiles('#ach-image', { name: 'evil.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') })
      await page.getByRole('button', { name: 'Define the achievement' }).click()
      const imageError = page.locator('#ach-image-error')
      await imageError.waitFor()
      assert.match(await imageError.textContent() ?? '', /<script>/)
      assert.is(await page.evaluate('document.activeElement?.id'), 'ach-image', 'focus on the image field')
      await screenshot(page, `images-dashboard-refused-${size}`)
      await page.setInputFiles('#ach-image', { name: 'badge.png', mimeType: 'image/png', buffer: Buffer.from(defaultBadgePng('did:example:lighthouse')) })
      await page.getByRole('button', { name: 'Define the achievement' }).click()
      await page.locator('#achievement-list li.new').waitFor()
      const listed = await admin('GET', `/api/achievements?q=${encodeURIComponent(name)}`)
      const made = listed.achievements.find((e: any) => e.achievement.name === name)
      assert.match(String(made?.achievement.image?.id), /[0-9a-f]{64}\.png$/, 'the achievement has the image, by its hash')
      await done(page, `images-dashboard-${size}`)
      assert.equal(errors.filter((e) => !e.includes('status of 400')), [])
    } finally {
      await context.close()
    }
  })

  it(`catalogue and claim page (${size}): the achievement's image, and the drawn badge for one without`, async () => {
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await page.goto(`${(city as TestNode).node.url}/catalogue`)
      await page.click('#search-button')
      const withImage = `#results > li[data-id="${imageId}"] img.badge-image`
      assertOwnImage(await loaded(page, withImage), 'catalogue')
      const drawn = await loaded(page, `#results > li[data-id="${plainId}"] img.badge-image`)
      assert.is(drawn.image, 'drawn')
      assert.is(drawn.alt, WITHOUT_IMAGE)
      assert.is(decodeURIComponent(drawn.src.replace(/^data:image\/svg\+xml;charset=utf-8,/, '')), defaultBadgeSvg(WITHOUT_IMAGE, (city as TestNode).node.did), 'the drawn badge is @cofl/formats\' drawing, the CLI\'s')
      await done(page, `images-catalogue-${size}`)

      const offer = await admin('POST', '/api/offers', { achievementId: imageId })
      await page.goto(String(offer.claimLink))
      await page.locator('#offer').waitFor({ state: 'visible' })
      assertOwnImage(await loaded(page, '#offer-image img'), 'claim page')
      await done(page, `images-claim-${size}`)
      assert.equal(errors, [])
    } finally {
      await context.close()
    }
  })

  it(`wallet list, details and verify report (${size}): the achievement's image; a forged badge's report shows none`, async () => {
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await page.goto(`${(city as TestNode).node.url}/wallet`)
      await page.locator('#lock').waitFor({ state: 'visible' })
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
      await page.getByLabel('The same passphrase again').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Create the wallet' }).click()
      await page.locator('body[data-ready="true"]').waitFor()
      const did = (await page.textContent('#holder-did'))?.trim() ?? ''
      const issued = await admin('POST', '/api/credentials', { achievementId: imageId, subject: did })
      const credential = issued.credential ?? issued
      await page.locator('#import summary').click()
      await page.getByLabel('Credential, presentation or backup (JSON)').fill(JSON.stringify(credential))
      await page.getByRole('button', { name: 'Add to wallet' }).click()
      assertOwnImage(await loaded(page, '#badge-table img.badge-inline'), 'wallet list')
      await page.locator('#badge-table details summary').first().click()
      assertOwnImage(await loaded(page, '#badge-table details img.badge-detail'), 'wallet details')
      await done(page, `images-wallet-${size}`)

      await page.goto(`${(city as TestNode).node.url}/verify`)
      await page.fill('#json', JSON.stringify(credential, null, 2))
      await page.click('#verify-button')
      await page.locator('#verdict').waitFor()
      assertOwnImage(await loaded(page, '#report img.badge-report'), 'verify report')
      await done(page, `images-verify-${size}`)

      // The same credential with its name changed: its signature does not hold, and no image is shown.
      const forged = structuredClone(credential)
      forged.credentialSubject.achievement.name = 'Master Mariner'
      await page.fill('#json', JSON.stringify(forged, null, 2))
      await page.click('#verify-button')
      await page.locator('#report .achievement-name', { hasText: 'Master Mariner' }).waitFor()
      assert.is(await page.locator('#report img.badge-report').count(), 0, 'no image on a forged badge')
      await screenshot(page, `images-verify-forged-${size}`)
      assert.equal(errors, [])
    } finally {
      await context.close()
    }
  })
}

run()
