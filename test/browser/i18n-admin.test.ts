// The City dashboard (/admin) in Welsh, against a real node, on a phone (390x844) whose browser
// speaks Welsh (cy-GB): the sections converted so far (the page's title and heading, signing in and
// out, the signed-in bar, the dashboard's sections nav, the issued credentials) are in Welsh: an empty token and a wrong one are refused in Welsh (the
// node's own English reason shown inside the Welsh sentence), signing in and out say so in Welsh,
// and no English text of the catalogue, nor an English word of the page, is left in what the
// person reads in those states. The issued credentials (two issued through the API first) are
// listed with a Welsh date, searched (a Welsh summary), one revoked after a Welsh confirmation, one
// suspended and restored, each said in Welsh. An offer (made through the API) is listed in Welsh,
// with a Welsh date; its link is copied and its QR code shown, each named and said in Welsh. Axe-clean, no sideways scroll, a screenshot of each state.
// The dashboard's other sections are not converted yet: they are checked in English by admin.test.ts.
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { adminOk, assertAxeClean, assertFits, browserSuite, catalogueEnglish, ensureWebBuilt, launchBrowser, screenshot, SIZES, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('the City dashboard in Welsh')

let browser: Browser | undefined
let city: TestNode | undefined

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

const node = (): TestNode['node'] => (city as TestNode).node

/** The English side of the page's catalogue: every message, cut at its placeholders, in pieces long enough to be words of the page. */
/** The English texts of the dashboard's catalogue (as whole sentences' parts). */
const englishTexts = (): string[] => catalogueEnglish('admin')

/** English words that the states visited must not show (as whole words), whatever the catalogue says. */
const ENGLISH_WORDS = ['Sign', 'signed', 'token', 'Admin', 'dashboard', 'City', 'node', 'browser', 'Skip', 'Verify', 'Wallet', 'Paste', 'Check', 'issuer', 'Loading', 'the',
  'credentials?', 'Issued', 'Search', 'Status', 'Active', 'Revoked?', 'Suspend(ed)?', 'Unsuspend', 'Details', 'Learner', 'Achievement', 'Actions',
  'newest', 'first', 'offers?', 'Open', 'Claimed', 'Expires', 'Copy', 'link', 'Refresh', 'Analytics', 'Withdraw', 'Endorse', 'December', 'Dec', 'January', 'Yes', 'Cancel', 'Restored', 'matching']

/**
 * Fails when `text` (what the person reads, with the node's own English reasons and the codes cut out)
 * holds an English text of the catalogue or an English word; `names` (the node's name) are cut out too.
 */
function assertNoEnglish (text: string, where: string, names: string[] = []): void {
  const read = names.reduce((read, name) => read.split(name).join(''), text) // names of the node's own (a city's name)
    .replace(/\(COFL_ERR_[A-Z_]+\): [^\n]*?\.(?= Gwiriwch|\s*$)/gm, '') // the node's reason, in English by design
    .replace(/admin-token/g, '') // a file's name
    .replace(/\bEnglish\b/g, '') // the switcher, in its own language
  for (const english of englishTexts()) assert.not.ok(read.includes(english), `${where}: English left: "${english}" in\n${read}`)
  for (const word of ENGLISH_WORDS) assert.not.ok(new RegExp(`\\b${word}\\b`, 'i').test(read), `${where}: the English word "${word}" in\n${read}`)
}

/** Checks the state: it fits, axe finds nothing serious, and a screenshot. */
async function state (page: Page, name: string): Promise<void> {
  await assertFits(page, `${name} at 390`)
  await assertAxeClean(page, `${name} at 390`)
  await screenshot(page, `i18n-admin-${name}-390`)
}

/**
 * The visible text of the parts converted so far: the whole page while signed out; once signed in,
 * the header, heading, status, signed-in bar, sections nav, issued credentials and offers.
 */
async function visibleText (page: Page, signedIn: boolean): Promise<string> {
  if (!signedIn) return await page.locator('body').innerText()
  const parts = await Promise.all(['header.site', 'h1', '#status', '.signed-in', 'nav.sections', '#credentials', '#offer-list'].map(async (s) => await page.locator(s).innerText()))
  // The accessible names of the credentials' buttons, details and confirmation too (not in innerText).
  const names = await page.locator('#credentials [aria-label], #credentials .visually-hidden, #offer-list [aria-label], #offer-list .visually-hidden').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))
  return [...parts, ...names].join('\n')
}

/** The achievements' and learners' names (data, not the page's words), cut out of what is checked. */
const DATA_NAMES = ['Nofio yn yr harbwr', 'Cân y ddinas', 'Ana Bérard', 'ana@learners.example', 'sion@learners.example', 'Siôn Puw']

it('phone (390x844): the sections nav, the issued credentials (listed with a Welsh date, searched, revoked after a confirmation, suspended and restored) and the offers (copied, QR code) in Welsh', async () => {
  const errors: string[] = []
  const city = node()
  // Two credentials issued through the API: one revocable, one on a suspension list, to named learners (offers claimed).
  const swim = (await adminOk(city, 'POST', '/api/achievements', { name: 'Nofio yn yr harbwr', description: 'Nofio ar draws yr harbwr', criteria: 'Un daith' })).id as string
  const song = (await adminOk(city, 'POST', '/api/achievements', { name: 'Cân y ddinas', description: 'Canu yn y côr', criteria: 'Un cyngerdd' })).id as string
  const revocable = (await adminOk(city, 'POST', '/api/credentials', { achievementId: swim, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })).credential.id as string
  const suspendable = (await adminOk(city, 'POST', '/api/credentials', { achievementId: song, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', statusPurpose: 'suspension' })).credential.id as string
  const offer = await adminOk(city, 'POST', '/api/offers', { achievementId: swim, name: 'Siôn Puw', email: 'sion@learners.example' })
  const context: BrowserContext = await (browser as Browser).newContext({ locale: 'cy-GB', viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 })
  context.setDefaultTimeout(20_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: city.url })
  try {
    const page = await context.newPage()
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(city.url + '/admin')
    await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
    await page.getByLabel('Tocyn gweinyddu').fill(city.adminToken)
    await page.getByRole('button', { name: 'Mewngofnodi', exact: true }).tap()
    await page.locator('#credentials-table').waitFor()
    const names = [(await page.textContent('#node-name')) ?? '', ...DATA_NAMES]

    // The sections nav and the credentials' section in Welsh; the list's date in Welsh.
    const nav = page.getByRole('navigation', { name: 'Adrannau\'r dangosfwrdd' })
    assert.is(await nav.getByRole('link', { name: 'Tystlythyrau a gyhoeddwyd' }).count(), 1)
    assert.is(await page.getByRole('heading', { name: 'Tystlythyrau a gyhoeddwyd', level: 2 }).count(), 1)
    assert.is(await page.getAttribute('#credentials', 'lang'), 'cy')
    assert.is((await page.textContent('#credentials-summary'))?.trim(), '2 tystlythyr, y diweddaraf yn gyntaf.')
    const row = page.locator(`#credentials-table tr[data-credential-id="${revocable}"]`)
    const issued = (await row.locator('time').textContent()) ?? ''
    const month = ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'][new Date().getUTCMonth()] as string
    assert.ok(issued.includes(month) && issued.includes(' am '), `the date issued is written in Welsh: ${issued}`)
    assert.is((await row.locator('td.status').textContent())?.trim(), 'Gweithredol')
    assertNoEnglish(await visibleText(page, true), 'the issued credentials', names)
    await state(page, 'credentials')

    // A search: its summary in Welsh, said in the status area.
    await page.getByLabel('Chwilio yn ôl enw\'r dysgwr, ei e-bost neu\'r cyflawniad').fill('Nofio')
    await page.getByRole('button', { name: 'Chwilio', exact: true }).tap()
    await page.locator('#credentials-summary:has-text("sy\'n cyfateb i “Nofio”")').waitFor()
    assert.is((await page.textContent('#credentials-summary'))?.trim(), '1 tystlythyr sy\'n cyfateb i “Nofio”, y diweddaraf yn gyntaf.')
    await page.getByLabel('Chwilio yn ôl enw\'r dysgwr, ei e-bost neu\'r cyflawniad').fill('')
    await page.getByRole('button', { name: 'Chwilio', exact: true }).tap()
    await page.locator('#credentials-table tbody tr >> nth=1').waitFor()

    // Revoke: a Welsh confirmation, then said in Welsh.
    await row.getByRole('button', { name: 'Dirymu Nofio yn yr harbwr ar gyfer y dysgwr did:key:z6MkhaXg…2doK', exact: true }).tap()
    const confirm = page.getByRole('group', { name: 'Cadarnhau dirymu Nofio yn yr harbwr ar gyfer y dysgwr did:key:z6MkhaXg…2doK' })
    await confirm.waitFor()
    assert.ok((await confirm.textContent())?.includes('Dirymu “Nofio yn yr harbwr” y dysgwr did:key:z6MkhaXg…2doK yn barhaol?'))
    assertNoEnglish(await visibleText(page, true), 'confirming a revocation', names)
    await state(page, 'revoke-confirm')
    await confirm.getByRole('button', { name: 'Ie, dirymu', exact: true }).tap()
    await page.locator(`#credentials-table tr[data-credential-id="${revocable}"][data-status="revoked"]`).waitFor()
    await page.getByText('Wedi\'i ddirymu: “Nofio yn yr harbwr” y dysgwr did:key:z6MkhaXg…2doK. Bydd dilyswyr yn gweld hyn pan gyhoeddir y rhestr statws nesaf.').waitFor()
    assert.is(await page.getAttribute('#status', 'lang'), 'cy')
    assert.is((await row.locator('td.status').textContent())?.trim(), 'Wedi\'i ddirymu')
    assert.is((await row.locator('td.action').textContent())?.trim(), 'Dim (wedi\'i ddirymu\'n barhaol)')
    assertNoEnglish(await visibleText(page, true), 'revoked', names)
    await state(page, 'revoked')

    // Suspend and restore, each said in Welsh.
    const other = page.locator(`#credentials-table tr[data-credential-id="${suspendable}"]`)
    await other.getByRole('button', { name: 'Atal dros dro Cân y ddinas ar gyfer y dysgwr did:key:z6MkhaXg…2doK', exact: true }).tap()
    await page.locator(`#credentials-table tr[data-credential-id="${suspendable}"][data-status="suspended"]`).waitFor()
    await page.locator('#status:has-text("Wedi\'i atal dros dro: “Cân y ddinas”")').waitFor()
    assert.is((await other.locator('td.status').textContent())?.trim(), 'Wedi\'i atal dros dro')
    assertNoEnglish(await visibleText(page, true), 'suspended', names)
    await state(page, 'suspended')
    await other.getByRole('button', { name: 'Adfer Cân y ddinas ar gyfer y dysgwr did:key:z6MkhaXg…2doK', exact: true }).tap()
    await page.locator(`#credentials-table tr[data-credential-id="${suspendable}"][data-status="active"]`).waitFor()
    await page.locator('#status:has-text("Wedi\'i adfer: “Cân y ddinas”")').waitFor()

    // The offers: the list in Welsh, its date in Welsh; the link copied and its QR code shown.
    await page.getByRole('button', { name: 'Adnewyddu\'r cynigion', exact: true }).tap()
    await page.getByText('Mae\'r rhestr o gynigion yn gyfredol.').waitFor()
    assert.is(await page.getAttribute('#offer-list', 'lang'), 'cy')
    assert.is((await page.textContent('#offers-summary'))?.trim(), '1 cynnig: pob cynnig, y diweddaraf yn gyntaf.')
    const offerRow = page.locator(`#offers-table tr[data-offer-id="${offer.offerId as string}"]`)
    assert.is((await offerRow.locator('td.offer-state').textContent())?.trim(), 'Agored')
    const expires = (await offerRow.locator('td time').textContent()) ?? ''
    assert.ok(((await offerRow.locator('td time').locator('..').textContent()) ?? '').startsWith('Yn dod i ben '), 'the expiry in Welsh')
    assert.ok(['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'].some((m) => expires.includes(m)) && expires.includes(' am '),
      `the expiry date is written in Welsh: ${expires}`)
    assert.match((await page.locator('#offer-state option[value="open"]').textContent()) ?? '', /^Agored \(heb eu hawlio eto\) \(1\)$/)
    await offerRow.getByRole('button', { name: 'Copïo\'r ddolen: Nofio yn yr harbwr ar gyfer Siôn Puw', exact: true }).tap()
    await page.getByText('Mae dolen hawlio Nofio yn yr harbwr ar gyfer Siôn Puw wedi\'i chopïo. Anfonwch hi at y dysgwr hwnnw yn unig.').waitFor()
    const link = await page.evaluate('navigator.clipboard.readText()') as string
    assert.ok(link.startsWith(city.url), `the claim link is copied: ${link}`)
    const qr = offerRow.getByRole('button', { name: 'Cod QR: Nofio yn yr harbwr ar gyfer Siôn Puw', exact: true })
    await qr.tap()
    assert.is(await qr.getAttribute('aria-expanded'), 'true')
    assert.is(await offerRow.getByRole('img', { name: 'Cod QR dolen hawlio Nofio yn yr harbwr ar gyfer Siôn Puw' }).count(), 1)
    assertNoEnglish(await visibleText(page, true), 'the offers', [...names, link])
    await state(page, 'offers')
    assert.equal(errors, [], 'no page errors')
  } finally {
    await context.close()
  }
})

it('phone (390x844): a Welsh browser signs in to the City dashboard in Welsh, and out again', async () => {
  const errors: string[] = []
  const context: BrowserContext = await (browser as Browser).newContext({ locale: 'cy-GB', viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 })
  context.setDefaultTimeout(20_000)
  try {
    const page = await context.newPage()
    page.on('pageerror', (err) => { errors.push(err.message) })
    await page.goto(node().url + '/admin')
    await page.locator('body[data-page-ready]').waitFor({ state: 'attached' })
    await page.locator('#signin-form').waitFor()

    // The page in Welsh: its title, heading (with its own lang while the page is half converted), the form.
    assert.is(await page.title(), 'Dangosfwrdd y ddinas · cofl')
    const heading = page.locator('h1')
    assert.is((await heading.textContent())?.trim(), 'Dangosfwrdd y ddinas')
    assert.is(await heading.getAttribute('lang'), 'cy', 'the heading says it is Welsh')
    assert.is(await page.getByRole('heading', { name: 'Mewngofnodi', level: 2 }).count(), 1)
    const field = page.getByLabel('Tocyn gweinyddu')
    assert.is(await field.count(), 1, 'the token field is labelled in Welsh')
    assert.ok((await page.textContent('#token-help'))?.includes('y ffeil admin-token yng nghyfeiriadur data\'r nod'))
    assert.is(await page.locator('#token-help code').textContent(), 'admin-token', 'the file name stays a code')
    assert.is((await page.locator('#lang-switch').textContent())?.trim(), 'English', 'the switcher offers English')
    assertNoEnglish(await visibleText(page, false), 'signing in')
    await state(page, 'signin')

    // An empty token: the page's own check, in Welsh, at the field and in the status.
    const submit = page.getByRole('button', { name: 'Mewngofnodi', exact: true })
    await submit.tap()
    await page.locator('#token-error:not([hidden])').waitFor()
    assert.is((await page.textContent('#token-error'))?.trim(), 'Gludwch docyn gweinyddu\'r nod hwn.')
    assert.is((await page.textContent('#status'))?.trim(), 'Gludwch docyn gweinyddu\'r nod hwn.')
    assert.is(await page.getAttribute('#status', 'lang'), 'cy')

    // A wrong token: the node's refusal inside a Welsh sentence.
    await field.fill('not-the-token')
    await submit.tap()
    await page.waitForFunction('/^(Gwrthododd|Gofynnodd) y nod/.test(document.getElementById("token-error")?.textContent ?? "")')
    const refusal = (await page.textContent('#token-error')) ?? ''
    assert.match(refusal, /\(COFL_ERR_[A-Z_]+\): /, 'the node\'s code is shown')
    assert.is(await page.getAttribute('#token-error', 'lang'), 'cy')
    assertNoEnglish(await visibleText(page, false), 'a wrong token')
    await state(page, 'refused')

    // The right token: signed in, said in Welsh, the node's DID in the signed-in bar.
    await field.fill(node().adminToken)
    await submit.tap()
    await page.locator('#headline').waitFor()
    await page.getByText('Rydych wedi mewngofnodi: mae\'r dangosfwrdd yn gyfredol.').waitFor()
    const bar = (await page.textContent('#signed-in-text')) ?? ''
    assert.ok(bar.startsWith('Rydych wedi mewngofnodi i '), `the signed-in bar: ${bar}`)
    assert.ok(bar.includes(`(cyhoeddwr ${node().did})`), `the signed-in bar names the issuer: ${bar}`)
    assert.is(await page.textContent('#node-did'), node().did)
    const signOut = page.getByRole('button', { name: 'Allgofnodi', exact: true })
    assert.is(await signOut.count(), 1)
    assertNoEnglish(await visibleText(page, true), 'signed in', [(await page.textContent('#node-name')) ?? '', ...DATA_NAMES])
    await state(page, 'signedin')

    // Signing out: said in Welsh, the focus back on the token field.
    await signOut.tap()
    await page.getByText('Rydych wedi allgofnodi. Nid yw\'r tocyn yn cael ei gadw yn y tab hwn mwyach.').waitFor()
    assert.is(await page.evaluate('document.activeElement?.id'), 'token')
    assertNoEnglish(await visibleText(page, false), 'signed out')
    await state(page, 'signedout')
    assert.equal(errors, [], 'no page errors')
  } finally {
    await context.close()
  }
})

run()
