// The City dashboard (/admin) in Chromium, against a real node: a wrong token is refused with a
// clear message; the API's field errors show next to their field (and the page's own checks); then the whole round: sign in
// with the token, define an achievement through the form, offers from a CSV file (one row
// refused by the node and one by the page, with their reasons), the analytics as they change (suppressed below 5, as the page shows
// them), the federation's sums once this node publishes its figures (closed months only: its offers
// of the month under way are in none yet, as the page says; another city's hidden figure of a closed
// month is summed as "more than"), the CSV of the figures
// downloaded, a credential revoked after a confirmation step.
import { readFile } from 'node:fs/promises'
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { signDocument } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { waitFor } from '@cofl/test-support'
import { settle, startNode } from '../fixtures/federation.js'
import { adminOk, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
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
    await page.getByLabel('Name (required)').fill('Field errors')
    await page.getByLabel('Description (required)').fill('An achievement to see the form refused')
    await page.getByLabel(/^Criteria/).fill('Nothing')
    await page.getByLabel('Identifier (optional)').fill('not-a-uri')
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
    await page.getByLabel('Identifier (optional)').fill('')
    await page.getByLabel('Area', { exact: true }).fill('Easton')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    assert.is(await page.locator('#ach-place-error').textContent(), 'A place needs its latitude and longitude.')
    assert.is(await page.locator('#ach-id-error').isHidden(), true)

    await page.getByLabel('Latitude').fill('51.4613')
    await page.getByLabel('Longitude').fill('-2.5620')
    await page.getByRole('button', { name: 'Define the achievement' }).click()
    await page.locator('#achievement-list li.new').waitFor()
    assert.match(await page.textContent('#achievement-list li.new') ?? '', 'Place: Easton')
    assert.is(await page.locator('#ach-place-error').isHidden(), true)
    assert.is(await page.inputValue('#place-area'), '')

    // The same identifier twice: the node's 409 shows at the identifier.
    for (let i = 0; i < 2; i++) {
      await page.getByLabel('Name (required)').fill(`Twice ${i}`)
      await page.getByLabel('Description (required)').fill('Defined twice')
      await page.getByLabel(/^Criteria/).fill('Nothing')
      await page.getByLabel('Identifier (optional)').fill('urn:example:twice')
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
    await page.getByLabel('Name (required)').fill('Coding Club: first website')
    await page.getByLabel('Description (required)').fill('Built and published a first web page at the library coding club.')
    await page.getByLabel(/^Criteria/).fill('Attend four sessions and publish a page.')
    await page.getByLabel('Tags').fill('coding, youth, web')
    await page.getByLabel('Achievement type').selectOption('Course')
    await page.getByLabel('Skill 1: name').fill('Web development')
    await page.getByLabel('Skill 1: URL').fill('https://esco.example.org/skill/web-development')
    await page.getByRole('button', { name: 'Add a skill' }).click()
    assert.is(await focused(page, 'labels?.[0]?.textContent'), 'Skill 2: name')
    await page.getByLabel('Skill 2: name').fill('Teamwork')
    await page.getByLabel('Skill 2: URL').fill('https://esco.example.org/skill/teamwork')
    await page.getByLabel('Place name').fill('Central Library')
    await page.getByLabel('Area', { exact: true }).fill('City Centre')
    await page.getByLabel('Latitude').fill('51.4527')
    await page.getByLabel('Longitude').fill('-2.5973')
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
      assert.match(await tr.locator('.claim-url').textContent() ?? '', new RegExp(`^${node().url}/api/claims/[A-Za-z0-9_-]{43}$`))
    }
    const refused = page.locator('#offer-results-table tr[data-row="3"]')
    assert.is(await refused.getAttribute('data-outcome'), 'refused')
    assert.match(await refused.locator('td').nth(2).textContent() ?? '', 'Refused')
    assert.match(await refused.locator('.reason').textContent() ?? '', 'bad email "not-an-email"')
    assert.is(await focused(page, 'id'), 'offer-results-heading')
    await screenshot(page, 'admin-offers')

    // Two offers: shown as "<5", not as 2 (counts from 1 to 4 are suppressed).
    await waitForText(page, '#total-offered dd', '<5')
    assert.is(await page.getAttribute('#total-offered dd', 'data-suppressed'), 'true')
    assert.is(await figure(page, 'claimed'), '0')
    assert.is(await figure(page, 'claimRate'), 'hidden', 'a rate of hidden counts is "hidden", never "<5" in a % column')
    const month = new Date().toISOString().slice(0, 7)
    assert.is(await page.textContent(`#breakdown-byMonth tr[data-key="${month}"] td[data-measure="offered"]`), '<5')
    assert.is(await page.textContent(`#breakdown-byAchievement tr[data-key="${achievementId}"] td[data-measure="offered"]`), '<5')
    assert.match(await page.textContent('#suppression-note') ?? '', '<5 stands for a count from 1 to 4')
    assert.is(await page.locator('#breakdown-byMonth svg[role="img"] text.hidden-value').first().textContent(), '<5')
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
    assert.is(await page.textContent(`#federation-nodes tr[data-key="${otherCity.did}"] td[data-measure="offered"]`), '<5')
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
    await page.getByRole('button', { name: 'Refresh the list' }).click()
    const row = page.locator(`#credentials-table tr[data-credential-id="${credentialId}"]`)
    await row.waitFor()
    assert.is(await row.getAttribute('data-status'), 'active')
    assert.match(await row.textContent() ?? '', 'Coding Club: first website')
    assert.match(await row.textContent() ?? '', LEARNER_DID)
    // Revoke, then Escape: nothing happens, the focus is back on the button.
    await row.getByRole('button', { name: 'Revoke' }).click()
    assert.is(await focused(page, 'textContent'), 'Yes, revoke')
    await page.keyboard.press('Escape')
    assert.is(await focused(page, 'textContent'), 'Revoke')
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
    assert.match(await page.textContent('#status') ?? '', 'Revoked “Coding Club: first website”')
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

run()
