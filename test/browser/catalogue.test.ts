// The catalogue page in Chromium, against a real node holding achievements in two cities (Bristol
// and Plymouth) and one with no place: a search near a bundled place with a radius gives only the
// near ones, nearest first, with their distances and an SVG map; typed coordinates and the
// browser's location do the same; text and skill searches; paging with "More results"; a result's
// details; a bookmarked search; bad input that only gets a message. No console errors.
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { distanceKm, formatDistance } from '@cofl/pathways'
import { browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('catalogue page')

/** The centre of Bristol in the page's list of places (node/web/src/lib/places.ts). */
const BRISTOL = { lat: 51.4545, lon: -2.5879 }
const PLYMOUTH_HOE = { lat: 50.3640, lon: -4.1420 }
const CODING_SKILL = 'https://skills.example/digital/coding'

interface Fixture { name: string, description: string, place?: { name: string, area: string, lat: number, lon: number }, alignment?: unknown[] }

const FIXTURES: Fixture[] = [
  { name: 'Bike Repair Basics', description: 'Puncture repair, brakes and gears at the community bike workshop.', place: { name: 'The Bike Workshop', area: 'Bedminster', lat: 51.4410, lon: -2.5980 } },
  { name: 'Harbour Sailing', description: 'Sail a dinghy round the floating harbour.', place: { name: 'Harbourside Sailing Centre', area: 'Harbourside', lat: 51.4490, lon: -2.6000 } },
  { name: 'Coding Club Bristol', description: 'Ten sessions of making games in Python.', place: { name: 'Easton Community Centre', area: 'Easton', lat: 51.4640, lon: -2.5640 }, alignment: [{ type: ['Alignment'], targetName: 'Coding', targetUrl: CODING_SKILL, targetCode: 'CODE1' }] },
  { name: 'Marine Biology Taster', description: 'A day at the marine station.', place: { name: 'Marine Station', area: 'The Hoe', lat: 50.3650, lon: -4.1410 } },
  { name: 'Coding Club Plymouth', description: 'Ten sessions of making robots.', place: { name: 'Devonport Library', area: 'Devonport', lat: 50.3700, lon: -4.1780 }, alignment: [{ type: ['Alignment'], targetName: 'Coding', targetUrl: CODING_SKILL, targetCode: 'CODE1' }] },
  { name: 'Online Safety', description: 'Staying safe online, taken anywhere.' }
]

let browser: Browser | undefined
let city: TestNode | undefined
const ids = new Map<string, string>()

async function publish (fixture: Fixture): Promise<string> {
  const node = (city as TestNode).node
  const response = await fetch(node.url + '/api/achievements', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminToken}` },
    body: JSON.stringify({ criteria: 'Take part', ...fixture }),
    signal: AbortSignal.timeout(20_000)
  })
  const json = await response.json() as { id: string }
  if (response.status !== 201) throw new Error(`POST /api/achievements ${fixture.name}: ${response.status} ${JSON.stringify(json)}`)
  return json.id
}

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  browser = await launchBrowser()
  for (const fixture of FIXTURES) ids.set(fixture.name, await publish(fixture))
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

async function open (errors: string[], path = '/catalogue'): Promise<{ page: Page, context: BrowserContext, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors)
  const response = await page.goto((city as TestNode).node.url + path)
  assert.is(response?.status(), 200)
  return { page, context, close: async () => { await context.close() } }
}

async function search (page: Page): Promise<void> {
  const before = await page.textContent('#results-summary')
  await page.click('#search-button')
  await page.waitForFunction((previous) => {
    const s = document.getElementById('results-summary')?.textContent ?? ''
    return document.getElementById('results-section')?.hidden === false && s !== '' && s !== previous && document.getElementById('results-section')?.getAttribute('aria-busy') === 'false'
  }, before)
}

async function names (page: Page): Promise<string[]> {
  return await page.locator('#results > li .result-name').allTextContents()
}

/** What the page should say of a fixture's distance from `from`. */
function expectedDistance (name: string, from: { lat: number, lon: number }): string {
  const place = FIXTURES.find((f) => f.name === name)?.place
  if (place == null) throw new Error(`${name} has no place`)
  return `${formatDistance(distanceKm(from, place))} away`
}

it('near a town from the list, within a radius: only the near ones, nearest first, with distances and a map', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    await page.selectOption('#near', 'bristol')
    assert.ok(await page.isChecked('#where-place'), 'choosing a place chooses "Near a town or city"')
    await page.fill('#km', '10')
    await search(page)
    const found = await names(page)
    const bristol = ['Bike Repair Basics', 'Harbour Sailing', 'Coding Club Bristol']
    const placeOf = (name: string): { lat: number, lon: number } => FIXTURES.find((f) => f.name === name)?.place as { lat: number, lon: number }
    const byDistance = [...bristol].sort((a, b) => distanceKm(BRISTOL, placeOf(a)) - distanceKm(BRISTOL, placeOf(b)))
    assert.equal(found, byDistance, 'the Bristol achievements, nearest first; nothing from Plymouth, nothing without a place')
    const distances = await page.locator('#results > li .distance').allTextContents()
    assert.equal(distances, byDistance.map((n) => expectedDistance(n, BRISTOL)))
    assert.match(await page.textContent('#results-summary') ?? '', 'Showing 3 of 3 results within 10 km of Bristol, nearest first.')
    assert.match(await page.textContent('#status') ?? '', 'Showing 3 of 3 results')
    assert.match(await page.textContent('#results > li:first-child') ?? '', 'Achievement')

    // The map: an SVG labelled as an image, the search point, the radius, a numbered point per result.
    const map = page.locator('#map svg')
    assert.is(await map.getAttribute('role'), 'img')
    assert.match(await page.textContent('#map-title') ?? '', 'Map of the results within 10 km of Bristol')
    assert.is(await page.locator('#map .map-radius').count(), 1)
    assert.is(await page.locator('#map .map-center').count(), 1)
    const points = await page.locator('#map .map-point').evaluateAll((gs) => gs.map((g) => ({ n: g.getAttribute('data-n'), x: Number(g.querySelector('circle')?.getAttribute('cx')), y: Number(g.querySelector('circle')?.getAttribute('cy')) })))
    assert.is(points.length, 3)
    const byNumber = new Map(points.map((p) => [p.n, p]))
    // Bike Repair (Bedminster) lies south-west of the centre: left of and below the search point.
    const bike = byNumber.get(String(byDistance.indexOf('Bike Repair Basics') + 1))
    assert.ok(bike != null && bike.x < 200 && bike.y > 200, `Bedminster is drawn south-west of the centre (${JSON.stringify(bike)})`)
    const easton = byNumber.get(String(byDistance.indexOf('Coding Club Bristol') + 1))
    assert.ok(easton != null && easton.x > 200 && easton.y < 200, 'Easton is drawn north-east of the centre')
    // The page's address holds the search (bookmarkable).
    assert.match(page.url(), /near=bristol/)
    await screenshot(page, 'catalogue-near-bristol')

    // A smaller radius leaves out the further ones.
    await page.fill('#km', '1.5')
    await search(page)
    const near = await names(page)
    const within = byDistance.filter((n) => distanceKm(BRISTOL, FIXTURES.find((f) => f.name === n)?.place as { lat: number, lon: number }) <= 1.5)
    assert.ok(within.length > 0 && within.length < byDistance.length, `the fixtures put some, not all, within 1.5 km (${within.join(', ')})`)
    assert.equal(near, within, 'exactly those within 1.5 km, nearest first')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('typed coordinates and the browser\'s location', async () => {
  const errors: string[] = []
  const { page, context, close } = await open(errors)
  try {
    await page.fill('#lat', String(PLYMOUTH_HOE.lat))
    await page.fill('#lon', String(PLYMOUTH_HOE.lon))
    assert.ok(await page.isChecked('#where-coords'), 'typing coordinates chooses "At coordinates"')
    await page.fill('#km', '5')
    await search(page)
    assert.equal(await names(page), ['Marine Biology Taster', 'Coding Club Plymouth'])
    assert.equal(await page.locator('#results > li .distance').allTextContents(), ['Marine Biology Taster', 'Coding Club Plymouth'].map((n) => expectedDistance(n, PLYMOUTH_HOE)))
    await screenshot(page, 'catalogue-coordinates')

    // The browser's location, once the person allows it (Bedminster, Bristol).
    await context.grantPermissions(['geolocation'], { origin: (city as TestNode).node.url })
    await context.setGeolocation({ latitude: 51.4420, longitude: -2.5990 })
    await page.check('#where-me')
    await page.getByText('Your location is known to this page').waitFor()
    await page.fill('#km', '2')
    await search(page)
    const found = await names(page)
    assert.is(found[0], 'Bike Repair Basics')
    assert.not.ok(found.includes('Coding Club Plymouth'))
    assert.match(await page.textContent('#results-summary') ?? '', 'within 2 km of where you are')
    assert.not.match(page.url(), /lat=/, 'the person\'s location is not put in the page\'s address')
    await screenshot(page, 'catalogue-my-location')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('by text and by skill, with the keyboard; a result\'s details; a bookmarked search', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    // Type words and press Enter in the field: the form searches.
    await page.focus('#q')
    await page.keyboard.type('coding club')
    await page.keyboard.press('Enter')
    await page.locator('#results > li').first().waitFor()
    assert.equal((await names(page)).sort(), ['Coding Club Bristol', 'Coding Club Plymouth'])
    assert.is(await page.locator('#results .distance').count(), 0, 'no distances without a place')
    assert.match(await page.textContent('#results-summary') ?? '', 'Showing 2 of 2 results.')
    // Without a search point the map still draws the results that have a place, with no radius.
    assert.is(await page.locator('#map .map-point').count(), 2)
    assert.is(await page.locator('#map .map-radius').count(), 0)
    await screenshot(page, 'catalogue-text')

    // A result's skill searches by that skill.
    await page.fill('#q', '')
    await page.locator('#results button.skill').first().click()
    await page.waitForFunction(() => document.activeElement?.id === 'results-heading')
    assert.is(await page.inputValue('#skill'), CODING_SKILL)
    assert.equal((await names(page)).sort(), ['Coding Club Bristol', 'Coding Club Plymouth'])

    // Details: a disclosure read from the signed document, with a link to it.
    const first = page.locator('#results > li').first()
    await first.locator('summary').click()
    const link = first.locator('a.json-link')
    await link.waitFor()
    assert.match(await first.locator('dl.facts').textContent() ?? '', 'Ten sessions of making')
    const href = await link.getAttribute('href') ?? ''
    const entry = await (await fetch((city as TestNode).node.url + href)).json() as { id: string }
    assert.ok(ids.get((await names(page))[0] ?? '') === entry.id, 'the details link to that achievement')

    // A bookmarked search runs when the page opens.
    await page.goto((city as TestNode).node.url + '/catalogue?q=sailing&near=bristol&km=10')
    await page.locator('#results > li').first().waitFor()
    assert.equal(await names(page), ['Harbour Sailing'])
    assert.is(await page.inputValue('#q'), 'sailing')
    assert.ok(await page.isChecked('#where-place'))
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('more results: the next page is added, and focus goes to the first new result', async () => {
  const errors: string[] = []
  // 22 more in Bristol: more than one page (20).
  for (let i = 1; i <= 22; i++) {
    await publish({ name: `Library Workshop ${String(i).padStart(2, '0')}`, description: 'A workshop at the central library.', place: { name: 'Central Library', area: 'College Green', lat: 51.4530 + i * 0.0004, lon: -2.6010 } })
  }
  const { page, close } = await open(errors)
  try {
    await page.fill('#q', 'library workshop')
    await page.selectOption('#near', 'bristol')
    await page.fill('#km', '5')
    await search(page)
    assert.is(await page.locator('#results > li').count(), 20)
    assert.match(await page.textContent('#results-summary') ?? '', 'Showing 20 of 22 results')
    assert.ok(await page.isVisible('#more'))
    await page.focus('#more')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.querySelectorAll('#results > li').length === 22)
    assert.ok(await page.isHidden('#more'), 'no "More results" after the last page')
    assert.match(await page.textContent('#results-summary') ?? '', 'Showing 22 of 22 results')
    const distances = await page.locator('#results > li').evaluateAll((lis) => lis.map((li) => Number.parseFloat(li.querySelector('.distance')?.textContent ?? 'NaN')))
    for (let i = 1; i < distances.length; i++) assert.ok((distances[i] as number) >= (distances[i - 1] as number), 'nearest first over both pages')
    assert.is(await page.evaluate(() => document.activeElement?.closest('li')?.id), 'result-21')
    assert.is(await page.locator('#map .map-point').count(), 22)
    await screenshot(page, 'catalogue-more')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('bad input gets a message in the live region and the field is marked', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    await page.check('#where-coords')
    await page.fill('#lat', '')
    await page.click('#search-button')
    assert.match(await page.textContent('#status') ?? '', 'The latitude must be a number')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'error')
    assert.is(await page.getAttribute('#lat', 'aria-invalid'), 'true')
    assert.is(await page.evaluate(() => document.activeElement?.id), 'lat')
    await screenshot(page, 'catalogue-bad-input')

    await page.fill('#lat', '51.45')
    await page.fill('#lon', '-2.59')
    await page.fill('#km', '0')
    await page.click('#search-button')
    assert.match(await page.textContent('#status') ?? '', 'The distance must be a number of kilometres')
    assert.is(await page.getAttribute('#km', 'aria-invalid'), 'true')
    assert.is(await page.getAttribute('#lat', 'aria-invalid'), null, 'a corrected field is no longer marked')

    await page.fill('#km', '10')
    for (const box of await page.locator('input[name="type"]').all()) await box.uncheck()
    await page.click('#search-button')
    assert.match(await page.textContent('#status') ?? '', 'Choose at least one kind')

    await page.check('input[name="type"][value="pathway"]')
    await search(page)
    assert.match(await page.textContent('#results-summary') ?? '', 'Nothing found within 10 km')
    assert.is(await page.locator('#results > li').count(), 0)

    // A phone's width: everything reflows, nothing scrolls sideways (WCAG 1.4.10).
    await page.setViewportSize({ width: 390, height: 800 })
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling at 390 px')
    await screenshot(page, 'catalogue-narrow')
    await page.setViewportSize({ width: 1280, height: 900 })

    await page.check('#where-place')
    await page.selectOption('#near', '')
    await page.check('#where-place')
    await page.click('#search-button')
    assert.match(await page.textContent('#status') ?? '', 'Choose a town or city')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

run()
