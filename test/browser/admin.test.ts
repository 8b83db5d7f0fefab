// The City dashboard (/admin) in Chromium, against a real node: a wrong token is refused with a
// clear message; the API's field errors show next to their field (and the page's own checks); then the whole round: sign in
// with the token, define an achievement through the form, offers from a CSV file (one row
// refused by the node and one by the page, with their reasons), the analytics as they change (suppressed below 5, as the page shows
// them), the federation's sums once this node publishes its figures (closed months only: its offers
// of the month under way are in none yet, as the page says; another city's hidden figure of a closed
// month is summed as "more than"), the CSV of the figures
// downloaded, a credential revoked after a confirmation step.
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { buildPresentation, buildProfileDocument, signDocument, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { waitFor } from '@cofl/test-support'
import { settle, startNode } from '../fixtures/federation.js'
import { adminOk, assertAxeClean, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, SIZES, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('city dashboard page')

let browser: Browser | undefined
let city: TestNode | undefined
/** Another city, a trust root of this one: it publishes an aggregate of a closed month. */
let otherCity: KeyPair

before(async () => {
  ensureWebBuilt()
  otherCity = await generateKeyPair()
  city = await startTestNode({ trustRoots: [otherCity.did] })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await city?.stop()
  await dash?.stop()
  await new Promise<void>((resolve) => { if (smtp == null) resolve(); else smtp.close(() => { resolve() }) })
})

const node = (): TestNode['node'] => (city as TestNode).node

async function adminCall (method: string, path: string, body?: unknown): Promise<any> { return await adminOk(node(), method, path, body) }

/** Console errors other than the browser's own line for an HTTP answer of one of these statuses. */
function unexpected (errors: string[], statuses: number[]): string[] {
  return errors.filter((e) => !statuses.some((s) => e.startsWith(`Failed to load resource: the server responded with a status of ${s}`)))
}

async function signIn (page: Page): Promise<void> {
  await page.goto(node().url + '/admin')
  const field = page.getByLabel('Admin token')
  await field.fill(node().adminToken)
  await field.press('Enter') // the keyboard way
  await page.locator('#headline').waitFor()
  await page.getByText('Signed in: the dashboard is up to date.').waitFor()
}

const figure = async (page: Page, key: string): Promise<string> => ((await page.textContent(`#total-${key} dd`)) ?? '').trim()

// In the page, as expressions (this project's tests are typed without the DOM library).
const TOKEN_KEY = 'cofl.admin.token'
/** A learner's did:key (the node issues only to DIDs it can resolve). */
const LEARNER_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
/** "2026-11" -> "November 2026", as the page writes a month. */
const monthName = (month: string): string => new Date(`${month}-01T00:00:00.000Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })
/** The YYYY-MM before a YYYY-MM. */
const monthBefore = (month: string): string => new Date(Date.parse(`${month}-01T00:00:00.000Z`) - 1).toISOString().slice(0, 7)

/** A city's signed aggregate of one closed month, `closed`, taken in `current`: a few offers (hidden), nothing else. */
async function closedMonthAggregate (key: KeyPair, closed: string, current: string): Promise<Record<string, unknown>> {
  const hidden = { value: null, suppressed: true }
  const zero = { value: 0, suppressed: false }
  return await signDocument({
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2'],
    id: `urn:cofl:aggregate:${key.did}`,
    type: ['CoflAggregate'],
    issuer: key.did,
    period: { from: closed, until: `${current}-01T00:00:00.000Z` },
    generatedAt: new Date().toISOString(),
    suppressionThreshold: 4,
    totals: { offered: hidden, claimed: zero, issued: zero, learners: zero, learnersWithMoreThanOne: zero },
    byMonth: [{ month: closed, offered: hidden, claimed: zero, issued: zero }]
  }, { key }) as unknown as Record<string, unknown>
}
/** A property of the focused element, such as 'id' or 'textContent'. */
const focused = async (page: Page, property: string): Promise<unknown> => await page.evaluate(`document.activeElement?.${property}`)
/** The token the page keeps in sessionStorage (null when none). */
const keptToken = async (page: Page): Promise<unknown> => await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)
/** Waits until the element's text is `text` (a locator wait: the page's CSP allows no string eval). */
async function waitForText (page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor()
}

it('a wrong token is refused with a clear message, and the dashboard stays hidden', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    const response = await page.goto(node().url + '/admin')
    assert.is(response?.status(), 200)
    assert.match(response?.headers()['content-security-policy'] ?? '', "default-src 'self'")
    assert.is(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'City dashboard' }).getAttribute('aria-current'), 'page')
    await screenshot(page, 'admin-signin')

    await page.getByLabel('Admin token').fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const error = page.locator('#token-error')
    await error.waitFor()
    const text = await error.textContent() ?? ''
    assert.match(text, 'The node refused this token (COFL_ERR_FORBIDDEN): wrong admin token')
    assert.is(await page.getAttribute('#token', 'aria-invalid'), 'true')
    assert.match(await page.getAttribute('#token', 'aria-describedby') ?? '', 'token-error')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'error')
    assert.match(await page.textContent('#status') ?? '', 'refused this token')
    assert.ok(await page.locator('#dashboard').isHidden())
    assert.is(await focused(page, 'id'), 'token')
    assert.is(await keptToken(page), null)
    await screenshot(page, 'admin-wrong-token')
    assert.equal(unexpected(errors, [403]), [])
  } finally {
    await context.close()
  }
})

it('the API\'s field errors are shown next to their field and announced', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    await signIn(page)
    await page.locator('#achievement-form').getByLabel('Name (required)').fill('Field errors')
    await page.locator('#achievement-form').getByLabel('Description (required)').fill('An achievement to see the form refused')
    await page.locator('#achievement-form').getByLabel(/^Criteria/).fill('Nothing')
    await page.locator('#achievement-form').getByLabel('Identifier (optional)').fill('not-a-uri')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    const idError = page.locator('#ach-id-error')
    await idError.waitFor()
    assert.match(await idError.textContent() ?? '', 'body/id must match pattern')
    assert.is(await page.getAttribute('#ach-id', 'aria-invalid'), 'true')
    assert.is(await focused(page, 'id'), 'ach-id')
    assert.match(await page.textContent('#achievement-error') ?? '', 'The node refused the achievement')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'error')
    await screenshot(page, 'admin-field-error')

    // A place half given is caught before the node sees it.
    await page.locator('#achievement-form').getByLabel('Identifier (optional)').fill('')
    await page.locator('#achievement-form').getByLabel('Area', { exact: true }).fill('Easton')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    assert.is(await page.locator('#ach-place-error').textContent(), 'A place needs its latitude and longitude.')
    assert.is(await page.locator('#ach-id-error').isHidden(), true)

    await page.locator('#achievement-form').getByLabel('Latitude').fill('51.4613')
    await page.locator('#achievement-form').getByLabel('Longitude').fill('-2.5620')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    await page.locator('#achievement-list li.new').waitFor()
    assert.match(await page.textContent('#achievement-list li.new') ?? '', 'Place: Easton')
    assert.is(await page.locator('#ach-place-error').isHidden(), true)
    assert.is(await page.inputValue('#place-area'), '')

    // The same identifier twice: the node's 409 shows at the identifier.
    for (let i = 0; i < 2; i++) {
      await page.locator('#achievement-form').getByLabel('Name (required)').fill(`Twice ${i}`)
      await page.locator('#achievement-form').getByLabel('Description (required)').fill('Defined twice')
      await page.locator('#achievement-form').getByLabel(/^Criteria/).fill('Nothing')
      await page.locator('#achievement-form').getByLabel('Identifier (optional)').fill('urn:example:twice')
      await page.getByRole('button', { name: 'Define the achievement' }).click()
      if (i === 0) await page.locator('#achievement-list li.new[data-id="urn:example:twice"]').waitFor()
    }
    await page.locator('#ach-id-error:not([hidden])').waitFor()
    const conflict = await page.textContent('#ach-id-error') ?? ''
    assert.match(conflict, 'an achievement with id urn:example:twice exists already', conflict)
    assert.match(conflict, '(COFL_ERR_CONFLICT)', conflict)
    assert.is(await focused(page, 'id'), 'ach-id')
    assert.is(await page.inputValue('#ach-name'), 'Twice 1')
    await screenshot(page, 'admin-field-error-conflict')
    assert.equal(unexpected(errors, [400, 409]), [])
  } finally {
    await context.close()
  }
})

it('signed in: define an achievement, offer it from a CSV file, watch the figures, download them, revoke', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    await signIn(page)
    assert.is(await keptToken(page), node().adminToken)
    assert.ok((await page.textContent('#node-did'))?.includes(node().did))
    assert.is(await figure(page, 'offered'), '0')
    assert.is(await figure(page, 'issued'), '0')
    assert.is(await figure(page, 'claimRate'), 'n/a')
    await screenshot(page, 'admin-signed-in')

    // Define an achievement through the form.
    await page.locator('#achievement-form').getByLabel('Name (required)').fill('Coding Club: first website')
    await page.locator('#achievement-form').getByLabel('Description (required)').fill('Built and published a first web page at the library coding club.')
    await page.locator('#achievement-form').getByLabel(/^Criteria/).fill('Attend four sessions and publish a page.')
    await page.locator('#achievement-form').getByLabel('Tags').fill('coding, youth, web')
    await page.locator('#achievement-form').getByLabel('Achievement type').selectOption('Course')
    await page.locator('#achievement-form').getByLabel('Skill 1: name').fill('Web development')
    await page.locator('#achievement-form').getByLabel('Skill 1: URL').fill('https://esco.example.org/skill/web-development')
    await page.getByRole('button', { name: 'Add a skill', exact: true }).click()
    assert.is(await focused(page, 'labels?.[0]?.textContent'), 'Skill 2: name')
    await page.locator('#achievement-form').getByLabel('Skill 2: name').fill('Teamwork')
    await page.locator('#achievement-form').getByLabel('Skill 2: URL').fill('https://esco.example.org/skill/teamwork')
    await page.locator('#achievement-form').getByLabel('Place name').fill('Central Library')
    await page.locator('#achievement-form').getByLabel('Area', { exact: true }).fill('City Centre')
    await page.locator('#achievement-form').getByLabel('Latitude').fill('51.4527')
    await page.locator('#achievement-form').getByLabel('Longitude').fill('-2.5973')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    const created = page.locator('#achievement-list li.new')
    await created.waitFor()
    assert.match(await created.textContent() ?? '', 'Coding Club: first website')
    assert.match(await created.textContent() ?? '', 'Skills: Web development, Teamwork')
    assert.match(await created.textContent() ?? '', 'Place: Central Library, City Centre')
    const achievementId = await created.getAttribute('data-id') as string
    assert.match(achievementId, /^urn:uuid:/)
    const stored = await adminCall('GET', `/api/achievements/${encodeURIComponent(achievementId)}`)
    assert.equal(stored.achievement.tag, ['coding', 'youth', 'web'])
    assert.is(stored.achievement.achievementType, 'Course')
    assert.is(stored.achievement.alignment.length, 2)
    assert.equal(stored.achievement.place, { name: 'Central Library', area: 'City Centre', lat: 51.4527, lon: -2.5973 })
    assert.is(await page.inputValue('#offer-achievement'), achievementId)
    assert.is(await page.inputValue('#ach-name'), '')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'success')
    await screenshot(page, 'admin-achievement-defined')

    // Offers from a CSV file: three learners, the second with an email that is not one (refused by
    // the node), and a fourth row repeating the first's email (refused by the page, not sent).
    await page.getByLabel('CSV file of learners').setInputFiles({
      name: 'learners.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Name,Email,Group\r\nAda Lovelace,ada@example.org,A\r\nAlan Turing,not-an-email,B\r\nGrace Hopper,grace@example.org,A\r\nAda Again,ADA@example.org,C\r\n')
    })
    await page.getByRole('button', { name: 'Upload and make the offers' }).click()
    await page.locator('#offer-summary').waitFor()
    assert.is(await page.textContent('#offer-summary'), '2 of 4 rows offered, 2 refused.')
    const rows = page.locator('#offer-results-table tbody tr')
    assert.is(await rows.count(), 4)
    const repeated = page.locator('#offer-results-table tr[data-row="5"]')
    assert.is(await repeated.getAttribute('data-outcome'), 'refused')
    assert.match(await repeated.textContent() ?? '', 'Ada Again')
    assert.match(await repeated.locator('.reason').textContent() ?? '', 'duplicate email ADA@example.org: the same as row 2')
    for (const [row, email] of [[2, 'ada@example.org'], [4, 'grace@example.org']] as const) {
      const tr = page.locator(`#offer-results-table tr[data-row="${row}"]`)
      assert.is(await tr.getAttribute('data-outcome'), 'offered')
      assert.match(await tr.textContent() ?? '', email)
      assert.match(await tr.locator('td').nth(2).textContent() ?? '', 'Offered')
      assert.match(await tr.locator('.claim-url').textContent() ?? '', new RegExp(`^${node().url}/(claim#|api/claims/)[A-Za-z0-9_-]{43}$`))
    }
    const refused = page.locator('#offer-results-table tr[data-row="3"]')
    assert.is(await refused.getAttribute('data-outcome'), 'refused')
    assert.match(await refused.locator('td').nth(2).textContent() ?? '', 'Refused')
    assert.match(await refused.locator('.reason').textContent() ?? '', 'bad email "not-an-email"')
    assert.is(await focused(page, 'id'), 'offer-results-heading')
    await screenshot(page, 'admin-offers')

    // Two offers: shown as hidden, in words, not as 2 (counts from 1 to 4 are suppressed).
    await waitForText(page, '#total-offered dd', 'hidden (fewer than 5)')
    assert.is(await page.getAttribute('#total-offered dd', 'data-suppressed'), 'true')
    assert.is(await figure(page, 'claimed'), '0')
    assert.is(await figure(page, 'claimRate'), 'hidden', 'a rate of hidden counts is "hidden", never "<5" in a % column')
    const month = new Date().toISOString().slice(0, 7)
    assert.is(await page.textContent(`#breakdown-byMonth tr[data-key="${month}"] td[data-measure="offered"]`), 'hidden (fewer than 5)')
    assert.is(await page.textContent(`#breakdown-byAchievement tr[data-key="${achievementId}"] td[data-measure="offered"]`), 'hidden (fewer than 5)')
    assert.match(await page.textContent('#suppression-note') ?? '', 'hidden (fewer than 5) stands for a count from 1 to 4')
    assert.is(await page.locator('#breakdown-byMonth svg[role="img"] text.hidden-value').first().textContent(), 'hidden (fewer than 5)')
    assert.not.match(await page.textContent('#analytics') ?? '', '<5')
    await screenshot(page, 'admin-analytics-suppressed')

    // The federation's figures: none until this node publishes its own aggregate. A node publishes
    // closed months only (docs/analytics.md, "Publication over time") and these offers are of the
    // month under way: published now, they are in no aggregate yet, and the page says why.
    const underWay = `The figures of ${monthName(month)}, the month under way, are published after it ends.`
    assert.match(await page.textContent('#federation-summary') ?? '', 'No node\'s figures have reached this node yet')
    assert.is(await page.textContent('#federation-period'), `No closed month is published yet: a node publishes whole months (UTC) only, once they have ended. ${underWay}`)
    await page.getByRole('button', { name: 'Publish this node\'s figures to the federation' }).click()
    const noClosedMonth = 'This node\'s figures are published to the federation, with no closed month yet: only whole months (UTC) that have ended are published, ' +
      `and this node has no record in one. The figures of ${monthName(month)} are published after it ends.`
    await waitForText(page, '#status', noClosedMonth)
    assert.is(await page.getAttribute('#status', 'data-kind'), 'success')
    assert.is(await page.textContent('#federation-summary'), 'The figures of 1 node.')
    assert.is(await page.textContent('#federation-total-offered dd'), '0')
    assert.is(await page.getAttribute('#federation-total-offered dd', 'data-lower-bound'), null)
    assert.is(await page.textContent('#federation-period'), `No closed month is published yet: a node publishes whole months (UTC) only, once they have ended. ${underWay}`)
    const ownRow = page.locator(`#federation-nodes tr[data-key="${node().did}"]`)
    assert.is(await ownRow.locator('td[data-measure="offered"]').textContent(), '0')
    assert.is(await ownRow.locator('td[data-measure="period"]').textContent(), 'no closed month yet')
    assert.is(await page.locator('#federation-months').count(), 0)

    // Four more offers (through the API): six are shown as 6.
    await adminCall('POST', '/api/offers/bulk', { achievementId, rows: ['e', 'f', 'g', 'h'].map((x) => ({ email: `${x}@example.org` })) })
    await page.getByRole('button', { name: 'Refresh the figures' }).click()
    await waitForText(page, '#total-offered dd', '6')
    assert.is(await page.getAttribute('#total-offered dd', 'data-suppressed'), null)
    assert.is(await figure(page, 'claimRate'), '0%')
    assert.is(await page.textContent(`#breakdown-byMonth tr[data-key="${month}"] td[data-measure="offered"]`), '6')
    assert.is(await page.textContent(`#breakdown-byAchievement tr[data-key="${achievementId}"] th`), 'Coding Club: first website')
    assert.is(await page.textContent(`#breakdown-byAchievement tr[data-key="${achievementId}"] td[data-measure="offered"]`), '6')
    assert.is(await page.textContent('#breakdown-byArea tr[data-key="City Centre"] td[data-measure="offered"]'), '6')
    assert.is(await page.textContent('#breakdown-byArea tr[data-key="Easton"] td[data-measure="offered"]'), '0')
    for (const breakdown of ['byMonth', 'byAchievement', 'byArea']) {
      const chart = page.locator(`#breakdown-${breakdown} svg[role="img"]`)
      assert.is(await chart.count(), 1, breakdown)
      assert.ok(((await chart.locator('title').first().textContent()) ?? '').length > 0, breakdown)
      assert.is(await page.locator(`#breakdown-${breakdown} table caption`).count(), 1, breakdown)
    }
    assert.match(await page.textContent('#breakdown-byPathway') ?? '', 'No pathway figures yet')
    await screenshot(page, 'admin-analytics')

    // Published again in the same month: the same figures (two versions a few seconds apart would
    // tell the offers made between them), and the same message.
    await page.getByRole('button', { name: 'Publish this node\'s figures to the federation' }).click()
    await waitForText(page, '#status', noClosedMonth)
    assert.is(await page.textContent('#federation-summary'), 'The figures of 1 node.')
    assert.is(await page.textContent('#federation-total-offered dd'), '0')
    assert.is(await page.textContent('#federation-total-issued dd'), '0')
    assert.is(await ownRow.locator('td[data-measure="offered"]').textContent(), '0')
    assert.is(await page.textContent(`#federation-nodes tr[data-key="${node().did}"] th`), 'this node')

    // A node that published a closed month (another city, a trust root of this one; a node of this
    // test cannot close a month without a clock): its hidden figure is never guessed, the sum says
    // "more than 0", and the page says which months the figures cover.
    const closed = monthBefore(month)
    const other = await startNode({ key: otherCity, bootstrap: node().info().multiaddrs })
    try {
      const signal = AbortSignal.timeout(30_000)
      await waitFor('the other city connected', () => other.federation.peers().length >= 1, signal)
      await settle()
      await other.federation.publish('aggregate', await closedMonthAggregate(otherCity, closed, month))
      await waitFor('the other city\'s aggregate', async () => (await adminCall('GET', '/api/analytics/federation')).nodes === 2, signal)
    } finally {
      await other.federation.stop()
    }
    await page.getByRole('button', { name: 'Refresh the federation\'s figures' }).click()
    await waitForText(page, '#federation-summary', 'The figures of 2 nodes.')
    assert.is(await page.textContent('#federation-total-offered dd'), 'more than 0')
    assert.is(await page.getAttribute('#federation-total-offered dd', 'data-lower-bound'), 'true')
    assert.match(await page.getAttribute('#federation-total-offered dd', 'title') ?? '', '1 node hides its figure')
    assert.is(await page.textContent(`#federation-months tr[data-key="${closed}"] td[data-measure="offered"]`), 'more than 0')
    assert.is(await page.textContent(`#federation-nodes tr[data-key="${otherCity.did}"] td[data-measure="offered"]`), 'hidden (fewer than 5)')
    assert.is(await page.textContent(`#federation-nodes tr[data-key="${otherCity.did}"] td[data-measure="period"]`), monthName(closed))
    assert.is(await page.textContent('#federation-period'), `Published figures cover whole months (UTC) up to ${monthName(closed)}. ${underWay}`)
    await screenshot(page, 'admin-federation')

    // The figures as CSV: fetched with the token, saved from a blob: URL.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    assert.match(download.suggestedFilename(), /^analytics-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = await readFile(await download.path(), 'utf8')
    const lines = csv.split('\r\n')
    assert.is(lines[0], 'breakdown,key,label,measure,value,suppressed')
    assert.ok(lines.includes('totals,,,offered,6,false'), csv)
    assert.ok(lines.includes('totals,,,issued,0,false'), csv)

    // Revoke a credential issued through the API, after a confirmation step.
    const issued = await adminCall('POST', '/api/credentials', { achievementId, subject: LEARNER_DID })
    const credentialId = issued.credential.id as string
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    const row = page.locator(`#credentials-table tr[data-credential-id="${credentialId}"]`)
    await row.waitFor()
    assert.is(await row.getAttribute('data-status'), 'active')
    assert.match(await row.textContent() ?? '', 'Coding Club: first website')
    assert.match(await row.textContent() ?? '', LEARNER_DID)
    // Revoke, then Escape: nothing happens, the focus is back on the button.
    await row.getByRole('button', { name: 'Revoke' }).click()
    assert.is(await focused(page, 'textContent'), 'Yes, revoke')
    await page.keyboard.press('Escape')
    assert.is(await focused(page, 'dataset.action'), 'revoke')
    assert.is(await row.getAttribute('data-status'), 'active')
    await row.getByRole('button', { name: 'Revoke' }).click()
    assert.match(await row.locator('.confirm').textContent() ?? '', 'for good?')
    await screenshot(page, 'admin-revoke-confirm')
    await row.getByRole('button', { name: 'Yes, revoke' }).click()
    await page.locator(`#credentials-table tr[data-credential-id="${credentialId}"][data-status="revoked"]`).waitFor()
    assert.is(await row.locator('td.status').textContent(), 'Revoked')
    assert.is(await row.getByRole('button').count(), 0)
    assert.is(await focused(page, "classList.contains('status')"), true)
    assert.is((await adminCall('GET', `/api/credentials/${encodeURIComponent(credentialId)}`)).revoked, true)
    assert.match(await page.textContent('#status') ?? '', 'Revoked: “Coding Club: first website”')
    await screenshot(page, 'admin-revoked')

    // Sign out: the token is gone from the tab, and so are the claim links.
    await page.getByRole('button', { name: 'Sign out' }).click()
    assert.ok(await page.locator('#dashboard').isHidden())
    assert.is(await keptToken(page), null)
    assert.is(await page.locator('.claim-url').count(), 0)
    assert.is(await focused(page, 'id'), 'token')
    await screenshot(page, 'admin-signed-out')
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

it('a token kept in the tab signs in again on reload, and one that stops working signs the tab out', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    await signIn(page)
    await page.reload()
    await page.getByText('Signed in: the dashboard is up to date.').waitFor()
    assert.ok(await page.locator('#signin').isHidden())
    // The token kept is changed under the page (as if the node's token were replaced).
    await page.evaluate(`sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, 'stale')`)
    await page.reload()
    await page.locator('#token-error:not([hidden])').waitFor()
    assert.match(await page.textContent('#token-error') ?? '', 'COFL_ERR_FORBIDDEN')
    assert.is(await keptToken(page), null)
    assert.equal(unexpected(errors, [403]), [])
  } finally {
    await context.close()
  }
})

// ---------------------------------------------------------------------------------------------
// The dashboard a city needs (issue 16): its own node with the demo's outline and a mail server on
// loopback; every journey walked at 1280x800 and at 390x844 (no sideways scroll), axe-clean at its end.

let dash: TestNode | undefined
let smtp: SMTPServer | undefined
/** The mails the loopback server received: to whom, and the text. */
const mails: Array<{ to: string[], text: string }> = []

async function dashCall (method: string, path: string, body?: unknown): Promise<any> { return await adminOk((dash as TestNode).node, method, path, body) }

async function startDash (): Promise<void> {
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: Buffer.concat(chunks).toString('utf8') })
        callback()
      })
    }
  })
  await new Promise<void>((resolve, reject) => { smtp?.once('error', reject); smtp?.listen(0, '127.0.0.1', () => { resolve() }) })
  const port = (smtp.server.address() as AddressInfo).port
  dash = await startTestNode({
    name: 'Plymouth City of Learning',
    geography: fileURLToPath(new URL('../../node/assets/geography/plymouth.geojson', import.meta.url)),
    mail: { smtp: { host: '127.0.0.1', port, secure: false }, from: 'Plymouth Badges <badges@plymouth.example>', perMinute: 6000 }
  })
}

async function dashSignIn (page: Page): Promise<void> {
  await page.goto((dash as TestNode).node.url + '/admin')
  const field = page.getByLabel('Admin token')
  await field.fill((dash as TestNode).node.adminToken)
  await field.press('Enter')
  await page.getByText('Signed in: the dashboard is up to date.').waitFor()
}

/** No sideways scroll at the phone's width. */
async function assertNoSidewaysScroll (page: Page, where: string): Promise<void> {
  const width = await page.evaluate('document.documentElement.scrollWidth') as number
  assert.ok(width <= SIZES.phone.width, `${where}: the page is ${width} px wide at ${SIZES.phone.width} px`)
}

/** An achievement defined through the API; its id. */
async function achievementOf (name: string, place?: Record<string, unknown>): Promise<string> {
  return (await dashCall('POST', '/api/achievements', { name, description: `${name}: a day of it`, criteria: 'Take part', ...(place != null ? { place } : {}) })).id
}

/** An offer to a named learner, claimed by a fresh key through the real claim API; the credential id and the learner's DID. */
async function claimed (achievementId: string, name: string, email: string, statusPurpose?: 'suspension'): Promise<{ credentialId: string, did: string }> {
  const url = (dash as TestNode).node.url
  const key = await generateKeyPair()
  const offer = await dashCall('POST', '/api/offers', { achievementId, name, email, ...(statusPurpose != null ? { statusPurpose } : {}) })
  const open = await (await fetch(`${url}/api/claims/${offer.code as string}`, { signal: AbortSignal.timeout(10_000) })).json() as { challenge: string, domain: string }
  const vp = await signPresentation(buildPresentation({ holder: key.did, verifiableCredential: [] }), { key, challenge: open.challenge, domain: open.domain })
  const answer = await fetch(`${url}/api/claims/${offer.code as string}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ presentation: vp }), signal: AbortSignal.timeout(30_000)
  })
  const body = await answer.json() as { credential: { id: string } }
  assert.is(answer.status, 201, JSON.stringify(body))
  return { credentialId: body.credential.id, did: key.did }
}

/** The learners of each size's walk (a walk changes what it finds: each has its own). */
const PEOPLE = {
  laptop: { ana: 'Ana Bérard', anaEmail: 'ana.berard@learners.example', ben: 'Ben Okafor', benEmail: 'ben@learners.example' },
  phone: { ana: 'Chloé Martin', anaEmail: 'chloe.martin@learners.example', ben: 'Dev Patel', benEmail: 'dev@learners.example' }
} as const

/** The credential rows the list shows now, as their learners' names. */
async function listedLearners (page: Page): Promise<string[]> {
  return await page.locator('#credentials-table tbody tr .learner-name').allTextContents()
}

/** Types a search and waits for the node's answer to be shown. */
async function searchFor (page: Page, text: string): Promise<void> {
  await page.getByLabel('Search by learner name, email or achievement').fill(text)
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.locator(`#credentials-summary:has-text("${text}")`).waitFor()
}

for (const size of ['laptop', 'phone'] as const) {
  it(`credentials at ${size} size: searched by name, email and achievement; revoked after a confirmation; suspended and restored`, async () => {
    if (dash == null) await startDash()
    const who = PEOPLE[size]
    const kayak = await achievementOf(`Harbour Kayak Safety (${size})`)
    const coding = await achievementOf(`Coding Club (${size})`)
    const ana = await claimed(kayak, who.ana, who.anaEmail)
    await claimed(coding, who.ben, who.benEmail)
    // issuedAt is to the second: the newest a second later, so that "newest first" is seen.
    await sleep(1050)
    const suspendable = await claimed(coding, who.ana, `second.${who.anaEmail}`, 'suspension')
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await dashSignIn(page)
      // Newest first, with names and achievements, not DIDs.
      const rows = page.locator('#credentials-table tbody tr')
      assert.is(await rows.first().getAttribute('data-credential-id'), suspendable.credentialId)
      assert.match(await rows.first().locator('th').textContent() ?? '', `Coding Club (${size})`)
      assert.is(await rows.first().locator('.learner-name').textContent(), who.ana)
      assert.not.ok(await rows.first().locator('details.ids dd').first().isVisible(), 'the DID is under the details, closed')
      await screenshot(page, `admin-credentials-${size}`)

      // The first action is a few Tab presses away: skip link, then the dashboard's sections.
      await page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name: 'Issued credentials' }).click()
      await page.keyboard.press('Tab')
      assert.is(await focused(page, 'id'), 'credential-q')

      // By name (accents aside), by email, by achievement.
      await searchFor(page, size === 'laptop' ? 'berard' : 'CHLOE')
      assert.equal(await listedLearners(page), [who.ana, who.ana])
      assert.is(await focused(page, 'id'), 'search-submit')
      await searchFor(page, who.benEmail)
      assert.equal(await listedLearners(page), [who.ben])
      await searchFor(page, `kayak (${size})`)
      assert.equal(await listedLearners(page), [who.ana])
      assert.match(await page.textContent('#credentials-summary') ?? '', '1 credential matching')
      await screenshot(page, `admin-credentials-search-${size}`)

      // Revoke: the button names what it revokes and for whom; Escape cancels, focus back on it.
      const row = page.locator(`#credentials-table tr[data-credential-id="${ana.credentialId}"]`)
      const revoke = page.getByRole('button', { name: `Revoke Harbour Kayak Safety (${size}) for ${who.ana}`, exact: true })
      await revoke.click()
      assert.is(await focused(page, 'textContent'), 'Yes, revoke')
      await page.keyboard.press('Escape')
      assert.is(await focused(page, 'dataset.action'), 'revoke')
      assert.is(await row.getAttribute('data-status'), 'active')
      await revoke.click()
      assert.match(await row.locator('.confirm').textContent() ?? '', `of ${who.ana} for good?`)
      await screenshot(page, `admin-credentials-revoke-confirm-${size}`)
      if (size === 'phone') await assertNoSidewaysScroll(page, 'the confirmation')
      await row.getByRole('button', { name: 'Yes, revoke' }).click()
      await page.locator(`#credentials-table tr[data-credential-id="${ana.credentialId}"][data-status="revoked"]`).waitFor()
      assert.is(await focused(page, "classList.contains('status')"), true)
      assert.is((await dashCall('GET', `/api/credentials/${encodeURIComponent(ana.credentialId)}`)).revoked, true)

      // Suspend and restore a credential on a suspension list; the focus stays on its row's button.
      await page.locator('#credential-status').selectOption('active')
      await searchFor(page, who.ana.split(' ')[0] as string)
      const suspendRow = page.locator(`#credentials-table tr[data-credential-id="${suspendable.credentialId}"]`)
      await page.getByRole('button', { name: `Suspend Coding Club (${size}) for ${who.ana}`, exact: true }).click()
      await page.locator(`#credentials-table tr[data-credential-id="${suspendable.credentialId}"][data-status="suspended"]`).waitFor()
      assert.is(await focused(page, 'dataset.action'), 'unsuspend')
      assert.is((await dashCall('GET', `/api/credentials/${encodeURIComponent(suspendable.credentialId)}`)).suspended, true)
      assert.is(await suspendRow.locator('td.status').textContent(), 'Suspended')
      await screenshot(page, `admin-credentials-suspended-${size}`)
      await page.getByRole('button', { name: `Unsuspend Coding Club (${size}) for ${who.ana}`, exact: true }).click()
      await page.locator(`#credentials-table tr[data-credential-id="${suspendable.credentialId}"][data-status="active"]`).waitFor()
      assert.is(await focused(page, 'dataset.action'), 'suspend')
      assert.is((await dashCall('GET', `/api/credentials/${encodeURIComponent(suspendable.credentialId)}`)).suspended, false)
      if (size === 'phone') {
        await assertNoSidewaysScroll(page, 'the credentials')
        // A card per credential: its cells one under another, not a table two columns wide.
        const cells = await suspendRow.locator('th, td').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)))
        assert.is(new Set(cells).size, 1, `the cells of a card start at one left edge: ${cells.join(', ')}`)
      }
      await assertAxeClean(page, `the credentials at ${size} size`)
      assert.equal(errors, [])
    } finally {
      await context.close()
    }
  })
}

for (const size of ['laptop', 'phone'] as const) {
  it(`offers at ${size} size: listed by state, a claim link copied and shown as a QR code, a mail sent again`, async () => {
    if (dash == null) await startDash()
    const name = `Bike Repair (${size})`
    const achievementId = await achievementOf(name)
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: (dash as TestNode).node.url })
    try {
      await dashSignIn(page)
      // Two offers made in the page: their links are known to it.
      await page.getByLabel('Achievement to offer').selectOption(achievementId)
      await page.getByLabel('CSV file of learners').setInputFiles({
        name: 'learners.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,email\nEmma Stone ${size},emma.${size}@learners.example\nFinn Wolf ${size},finn.${size}@learners.example\n`)
      })
      await page.getByRole('button', { name: 'Upload and make the offers' }).click()
      await page.locator('#offer-summary').waitFor()
      assert.not.match(await page.textContent('#offers') ?? '', 'send each', 'the old instruction is gone')
      const emma = page.locator('#offers-table tr', { hasText: `Emma Stone ${size}` })
      await emma.waitFor()
      assert.is(await emma.getAttribute('data-state'), 'open')
      // The node mails each learner: the row says so once the server has it.
      await waitFor('both mails', () => mails.filter((m) => m.to.some((t) => t.endsWith(`.${size}@learners.example`))).length >= 2, AbortSignal.timeout(20_000))
      await page.getByRole('button', { name: 'Refresh the offers' }).click()
      await page.locator('#offers-table tr[data-mail="sent"]', { hasText: `Emma Stone ${size}` }).waitFor()

      // Copy link: the clipboard holds the claim page's link.
      const what = `${name} for Emma Stone ${size}`
      await page.getByRole('button', { name: `Copy link of ${what}`, exact: true }).click()
      await page.locator('#status[data-kind="success"]').waitFor()
      const copied = await page.evaluate('navigator.clipboard.readText()') as string
      assert.match(copied, new RegExp(`^${(dash as TestNode).node.url}/(claim#|api/claims/)[A-Za-z0-9_-]{43}$`))
      // Its QR code, drawn in the page, with the link under it.
      const qr = page.getByRole('button', { name: `QR code of ${what}`, exact: true })
      await qr.click()
      assert.is(await qr.getAttribute('aria-expanded'), 'true')
      assert.is(await emma.locator('svg.qr[role="img"]').count(), 1)
      assert.is(await emma.locator('.qr-box .claim-url').textContent(), copied)
      await screenshot(page, `admin-offers-list-${size}`)
      // An offer made elsewhere (the API, `cofl offer`): the node lists its link too, so the page can copy it.
      const elsewhere = await adminOk((dash as TestNode).node, 'POST', '/api/offers', { achievementId, name: `Gus Hale ${size}`, email: `gus.${size}@learners.example` })
      await page.getByRole('button', { name: 'Refresh the offers' }).click()
      await page.getByRole('button', { name: `Copy link of ${name} for Gus Hale ${size}`, exact: true }).click()
      await page.locator('#status[data-kind="success"]', { hasText: 'is copied' }).waitFor()
      assert.is(await page.evaluate('navigator.clipboard.readText()'), elsewhere.claimLink, 'the link of an offer made outside the page')

      // Resend: a new mail (and a new link, the one before stops working); the focus stays on the button.
      const before = mails.length
      await page.getByRole('button', { name: `Resend the mail of ${what}`, exact: true }).click()
      await page.locator('#status[data-kind="success"]', { hasText: 'is sent to' }).waitFor()
      assert.is(await focused(page, 'dataset.action'), 'resend')
      assert.ok(mails.slice(before).some((m) => m.to.includes(`emma.${size}@learners.example`)), 'the mail is sent again')
      const renewed = await page.locator('#offers-table tr', { hasText: `Emma Stone ${size}` }).locator('.qr-box .claim-url')
      assert.is(await renewed.count(), 0, 'the row is drawn again, its QR code closed')
      await page.getByRole('button', { name: `Copy link of ${what}`, exact: true }).click()
      await page.locator('#status[data-kind="success"]', { hasText: 'is copied' }).waitFor()
      assert.is.not(await page.evaluate('navigator.clipboard.readText()'), copied, 'the new link is the one copied')
      const gone = await fetch(copied.replace('/claim#', '/api/claims/'), { signal: AbortSignal.timeout(10_000) })
      assert.is(gone.status, 404, 'the link before the resend no longer works')

      // By state: the open ones, then none claimed yet.
      await page.getByLabel('Show offers').selectOption('claimed')
      assert.is(await page.locator('#offers-table tr', { hasText: `Emma Stone ${size}` }).count(), 0)
      await page.getByLabel('Show offers').selectOption('open')
      assert.ok(await page.locator('#offers-table tr', { hasText: `Finn Wolf ${size}` }).count() === 1)
      assert.match(await page.locator('#offer-state option[value="open"]').textContent() ?? '', /^Open \(not claimed yet\) \(\d+\)$/)
      if (size === 'phone') await assertNoSidewaysScroll(page, 'the offers')
      await assertAxeClean(page, `the offers at ${size} size`)
      assert.equal(unexpected(errors, []), [])
    } finally {
      await context.close()
    }
  })
}

for (const size of ['laptop', 'phone'] as const) {
  it(`spines, pathways and opportunities at ${size} size: created and edited in the page, the node's refusals in words`, async () => {
    if (dash == null) await startDash()
    const first = await achievementOf(`Sea Swimming (${size})`)
    const second = await achievementOf(`First Aid (${size})`)
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await dashSignIn(page)
      // An opportunity: the page's own check first (what it asks for), then the node's (a latitude).
      await page.getByLabel('Name of the opportunity (required)').fill(`Lifeguard Apprenticeship (${size})`)
      await page.locator('#opp-kind').selectOption('apprenticeship')
      await page.locator('#opp-form').getByRole('button', { name: 'Publish the opportunity' }).click()
      assert.is(await page.textContent('#opp-asks-error'), 'Choose the pathway or the achievements it asks for (or both).')
      assert.is(await focused(page, 'id'), 'opp-pathway')
      await page.locator('#opp-form').getByLabel(`Sea Swimming (${size})`).check()
      await page.locator('#opp-place-area').fill('Barbican')
      await page.locator('#opp-lat').fill('95')
      await page.locator('#opp-lon').fill('-4.13')
      await page.locator('#opp-form').getByRole('button', { name: 'Publish the opportunity' }).click()
      await page.locator('#opp-place-error:not([hidden])').waitFor()
      assert.match(await page.textContent('#opp-place-error') ?? '', 'place.lat: must be a number between -90 and 90')
      assert.match(await page.textContent('#opp-form-error') ?? '', 'The node refused the opportunity')
      assert.is(await focused(page, 'id'), 'opp-place-name')
      await screenshot(page, `admin-documents-refused-${size}`)
      await page.locator('#opp-lat').fill('50.366')
      await page.locator('#opp-form').getByRole('button', { name: 'Publish the opportunity' }).click()
      const created = page.locator('#opportunities-list li.new')
      await created.waitFor()
      const opportunityId = await created.getAttribute('data-id') as string
      assert.is(await focused(page, 'dataset.id'), opportunityId)
      let stored = await dashCall('GET', `/api/opportunities/${encodeURIComponent(opportunityId)}`)
      assert.equal(stored.document.asks, { achievementIds: [first] })
      assert.equal(stored.document.place, { area: 'Barbican', lat: 50.366, lon: -4.13 })

      // Edited: a new version under the same id.
      await page.getByRole('button', { name: `Edit opportunity Lifeguard Apprenticeship (${size})`, exact: true }).click()
      assert.is(await focused(page, 'id'), 'opp-form-heading')
      assert.is(await page.inputValue('#opp-name'), `Lifeguard Apprenticeship (${size})`)
      await page.locator('#opp-name').fill(`Lifeguard Apprenticeship 2027 (${size})`)
      await page.locator('#opp-form').getByRole('button', { name: 'Publish the new version of the opportunity' }).click()
      await page.locator('#opportunities-list li.new', { hasText: '2027' }).waitFor()
      stored = await dashCall('GET', `/api/opportunities/${encodeURIComponent(opportunityId)}`)
      assert.is(stored.document.name, `Lifeguard Apprenticeship 2027 (${size})`)
      assert.is(stored.sequence, 2)

      // A destination pathway: both achievements, towards the opportunity, with a badge on completion.
      await page.locator('#path-name').fill(`Water Safety Pathway (${size})`)
      await page.locator('#path-form').getByLabel(`Sea Swimming (${size})`).check()
      await page.locator('#path-form').getByLabel(`First Aid (${size})`).check()
      await page.locator('#path-rule').selectOption('nOf')
      await page.locator('#path-n').fill('3')
      await page.locator('#path-form').getByRole('button', { name: 'Publish the pathway' }).click()
      assert.match(await page.textContent('#path-n-error') ?? '', 'from 1 to 2')
      assert.is(await focused(page, 'id'), 'path-n')
      await page.locator('#path-n').fill('2')
      await page.locator('#path-opportunity').selectOption(opportunityId)
      await page.locator('#path-form').getByRole('button', { name: 'Publish the pathway' }).click()
      const pathway = page.locator('#pathways-list li.new')
      await pathway.waitFor()
      const pathwayId = await pathway.getAttribute('data-id') as string
      const storedPathway = await dashCall('GET', `/api/pathways/${encodeURIComponent(pathwayId)}`)
      assert.is(storedPathway.document.requirements.nOf.n, 2)
      assert.equal([...storedPathway.document.requirements.nOf.of].sort(), [first, second].sort())
      assert.is(storedPathway.document.opportunityId, opportunityId)
      // Edited: an interest pathway now.
      await page.getByRole('button', { name: `Edit pathway Water Safety Pathway (${size})`, exact: true }).click()
      assert.is(await page.inputValue('#path-n'), '2')
      await page.locator('#path-kind').selectOption('interest')
      await page.locator('#path-tags').fill('water, safety')
      await page.locator('#path-form').getByRole('button', { name: 'Publish the new version of the pathway' }).click()
      await page.locator('#pathways-list li.new', { hasText: 'interest pathway' }).waitFor()
      const interest = await dashCall('GET', `/api/pathways/${encodeURIComponent(pathwayId)}`)
      assert.is(interest.document.kind, 'interest')
      assert.equal(interest.document.theme, { tags: ['water', 'safety'], skills: [] })
      assert.is(interest.sequence, 2)

      // A skills spine of two skills; edited to rename one.
      await page.locator('#spine-name').fill(`Plymouth Skills (${size})`)
      await page.getByLabel('Spine skill 1: name').fill('Teamwork')
      await page.getByLabel('Spine skill 1: id').fill(`https://plymouth.example/skills/teamwork-${size}`)
      await page.locator('#spine-form').getByRole('button', { name: 'Add a skill' }).click()
      assert.is(await focused(page, 'labels?.[0]?.textContent'), 'Spine skill 2: name')
      await page.getByLabel('Spine skill 2: name').fill('Swimming')
      await page.getByLabel('Spine skill 2: layer').selectOption('city-specific')
      await page.locator('#spine-form').getByRole('button', { name: 'Publish the skills spine' }).click()
      const spine = page.locator('#spines-list li.new')
      await spine.waitFor()
      const spineId = await spine.getAttribute('data-id') as string
      let storedSpine = await dashCall('GET', `/api/spines/${encodeURIComponent(spineId)}`)
      assert.equal(storedSpine.document.skills.map((s: any) => [s.name, s.layer]), [['Teamwork', 'universal-core'], ['Swimming', 'city-specific']])
      assert.is(storedSpine.document.skills[0].id, `https://plymouth.example/skills/teamwork-${size}`)
      await page.getByRole('button', { name: `Edit skills spine Plymouth Skills (${size})`, exact: true }).click()
      assert.is(await page.inputValue('#spine-skills .spine-skill:nth-child(2) input[data-part="name"]'), 'Swimming')
      await page.getByLabel('Spine skill 2: name').fill('Open-water swimming')
      await page.locator('#spine-form').getByRole('button', { name: 'Publish the new version of the skills spine' }).click()
      await page.locator('#spines-list li.new', { hasText: 'version 2' }).waitFor()
      storedSpine = await dashCall('GET', `/api/spines/${encodeURIComponent(spineId)}`)
      assert.is(storedSpine.document.skills[1].name, 'Open-water swimming')
      assert.is(storedSpine.sequence, 2)
      await screenshot(page, `admin-documents-${size}`)
      if (size === 'phone') await assertNoSidewaysScroll(page, 'the documents')
      await assertAxeClean(page, `the documents at ${size} size`)
      assert.equal(unexpected(errors, [400]), [])
    } finally {
      await context.close()
    }
  })
}

for (const size of ['laptop', 'phone'] as const) {
  it(`analytics at ${size} size: labels whole, hidden counts in words, by area as a map over the city's outline`, async () => {
    if (dash == null) await startDash()
    const long = `Harbour Kayak Safety and Sea Survival Skills for Young People of the City (${size})`
    const achievementId = await achievementOf(long, { name: 'Mount Batten', area: 'Barbican', lat: 50.3665, lon: -4.1326 })
    await dashCall('POST', '/api/offers/bulk', { achievementId, rows: [{ email: `one.${size}@learners.example` }, { email: `two.${size}@learners.example` }] })
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await dashSignIn(page)
      const row = page.locator(`#breakdown-byAchievement tr[data-key="${achievementId}"]`)
      assert.is(await row.locator('th').textContent(), long)
      // Two offers: hidden, in words; never "<5".
      assert.is(await row.locator('td[data-measure="offered"]').textContent(), 'hidden (fewer than 5)')
      assert.not.match(await page.textContent('#analytics') ?? '', '<5')
      // The chart's label is the whole name, over several lines, not cut.
      const labels = await page.locator('#breakdown-byAchievement svg text.category-label').evaluateAll((els) => els.map((e) => Array.from(e.querySelectorAll('tspan'), (t) => t.textContent).join(' ')))
      assert.ok(labels.includes(long), `a label reads "${long}": ${JSON.stringify(labels)}`)
      assert.not.ok(labels.some((l) => l.includes('…')), 'no label is cut')
      // By area: a map over the outline, a marker per area that leads to its row.
      const map = page.locator('#byArea-map .cofl-map')
      await map.waitFor()
      assert.ok(await map.locator('svg path.map-area').count() >= 1, 'the areas are drawn')
      const marker = map.getByRole('button', { name: /^Barbican: hidden \(fewer than 5\) offered/ })
      await marker.click()
      assert.is(await focused(page, 'textContent'), 'Barbican')
      assert.is(await page.locator('#breakdown-byArea table').count(), 1, 'the figures are in a table too')
      await screenshot(page, `admin-analytics-${size}`)
      if (size === 'phone') await assertNoSidewaysScroll(page, 'the analytics')
      await assertAxeClean(page, `the analytics at ${size} size`)
      assert.equal(errors, [])
    } finally {
      await context.close()
    }
  })
}

for (const size of ['laptop', 'phone'] as const) {
  it(`endorsing at ${size} size: a provider's self-signed Profile pasted, a changed one refused at the field`, async () => {
    if (dash == null) await startDash()
    const provider = await generateKeyPair()
    const profile = await signDocument(buildProfileDocument({ id: provider.did, name: `Library Coding Club (${size})` }), { key: provider }) as unknown as Record<string, unknown>
    const errors: string[] = []
    const { context, page } = await newPage(browser as Browser, errors, size)
    try {
      await dashSignIn(page)
      // Changed after signing: refused, in words, at the Profile; the focus there.
      await page.getByLabel('The issuer\'s self-signed Profile').fill(JSON.stringify({ ...profile, name: 'Someone Else' }))
      await page.getByRole('button', { name: 'Endorse and publish' }).click()
      await page.locator('#endorse-profile-error:not([hidden])').waitFor()
      assert.match(await page.textContent('#endorse-profile-error') ?? '', 'does not verify')
      assert.is(await focused(page, 'id'), 'endorse-profile')
      assert.is(await page.inputValue('#endorse-issuer'), provider.did, 'the Profile\'s DID fills the empty field')
      // Not JSON: the page says so before sending.
      await page.getByLabel('The issuer\'s self-signed Profile').fill('{ not json')
      await page.getByRole('button', { name: 'Endorse and publish' }).click()
      assert.match(await page.textContent('#endorse-profile-error') ?? '', 'The Profile is not a JSON object')
      // The Profile as signed: endorsed, and the provider is then trusted.
      await page.getByLabel('The issuer\'s DID').fill('')
      await page.getByLabel('The issuer\'s self-signed Profile').fill(JSON.stringify(profile))
      await page.getByRole('button', { name: 'Endorse and publish' }).click()
      await page.locator('#status[data-kind="success"]', { hasText: `Endorsed ${provider.did}` }).waitFor()
      assert.is((await dashCall('GET', `/api/trust/${encodeURIComponent(provider.did)}`)).trusted, true)
      await screenshot(page, `admin-endorsed-${size}`)
      if (size === 'phone') await assertNoSidewaysScroll(page, 'the endorsement')
      await assertAxeClean(page, `the endorsement at ${size} size`)
      assert.equal(unexpected(errors, [400]), [])
    } finally {
      await context.close()
    }
  })
}

run()
