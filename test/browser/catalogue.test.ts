// The catalogue page in Chromium, against a real node holding achievements in two cities (Bristol
// and Plymouth) and one with no place, a skills spine, and the demo's outline of Plymouth (config
// geography): a search near a bundled place with a radius gives only the near ones, nearest
// first, with their distances and a map; typed coordinates and the browser's location do the
// same; text and skill searches; paging with "More results"; a result's details; a bookmarked
// search; bad input that only gets a message. The map (at 1280x800 and 390x844): the outline and
// its areas drawn, clustered markers with their counts, a cluster that zooms in, a marker that
// focuses its result; the skill picker lists the spine's skills and filters, the area picker the
// outline's areas and filters; on a phone the search form is one short row. No console errors,
// no sideways scroll, axe clean.
import { fileURLToPath } from 'node:url'
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { distanceKm, formatDistance } from '@cofl/pathways'
import { SIZES, assertAxeClean, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { SizeName, TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('catalogue page')

/** The centre of Bristol in the page's list of places (node/web/src/lib/places.ts). */
const BRISTOL = { lat: 51.4545, lon: -2.5879 }
const PLYMOUTH_HOE = { lat: 50.3640, lon: -4.1420 }
const CODING_SKILL = 'https://skills.example/digital/coding'
const PLYMOUTH_GEOGRAPHY = fileURLToPath(new URL('../../node/assets/geography/plymouth.geojson', import.meta.url))
const SPINE = {
  name: 'Test City skills spine',
  skills: [
    { id: CODING_SKILL, name: 'Coding', layer: 'city-specific' },
    { id: 'https://skills.example/water/sailing', name: 'Sailing', layer: 'city-specific' }
  ]
}
/** Four achievements within about 100 m of each other in Plymouth's City Centre: one cluster at the first view. */
const CITY_CENTRE = ['Library Code Dojo', 'Guildhall Debating', 'Armada Way Art Walk', 'Market Hall Cooking']

interface Fixture { name: string, description: string, place?: { name: string, area: string, lat: number, lon: number }, alignment?: unknown[] }

const FIXTURES: Fixture[] = [
  { name: 'Bike Repair Basics', description: 'Puncture repair, brakes and gears at the community bike workshop.', place: { name: 'The Bike Workshop', area: 'Bedminster', lat: 51.4410, lon: -2.5980 } },
  { name: 'Harbour Sailing', description: 'Sail a dinghy round the floating harbour.', place: { name: 'Harbourside Sailing Centre', area: 'Harbourside', lat: 51.4490, lon: -2.6000 } },
  { name: 'Coding Club Bristol', description: 'Ten sessions of making games in Python.', place: { name: 'Easton Community Centre', area: 'Easton', lat: 51.4640, lon: -2.5640 }, alignment: [{ type: ['Alignment'], targetName: 'Coding', targetUrl: CODING_SKILL, targetCode: 'CODE1' }] },
  { name: 'Marine Biology Taster', description: 'A day at the marine station.', place: { name: 'Marine Station', area: 'The Hoe', lat: 50.3650, lon: -4.1410 } },
  { name: 'Coding Club Plymouth', description: 'Ten sessions of making robots.', place: { name: 'Devonport Library', area: 'Devonport', lat: 50.3700, lon: -4.1780 }, alignment: [{ type: ['Alignment'], targetName: 'Coding', targetUrl: CODING_SKILL, targetCode: 'CODE1' }] },
  { name: 'Online Safety', description: 'Staying safe online, taken anywhere.' },
  // Two at one spot in Exeter: a cluster that no zoom splits.
  ...['Twin Workshop A', 'Twin Workshop B'].map((name): Fixture => ({ name, description: 'At the quay.', place: { name: 'Quay House', area: 'Exeter Quay', lat: 50.7185, lon: -3.5297 } })),
  ...CITY_CENTRE.map((name, i): Fixture => ({ name, description: 'In the city centre.', place: { name: `Centre ${i + 1}`, area: 'City Centre', lat: 50.3712 + i * 0.0002, lon: -4.1430 + i * 0.0003 } }))
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
  city = await startTestNode({ geography: PLYMOUTH_GEOGRAPHY })
  browser = await launchBrowser()
  for (const fixture of FIXTURES) ids.set(fixture.name, await publish(fixture))
  const node = city.node
  const spine = await fetch(node.url + '/api/spines', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminToken}` },
    body: JSON.stringify(SPINE),
    signal: AbortSignal.timeout(20_000)
  })
  if (spine.status !== 201) throw new Error(`POST /api/spines: ${spine.status} ${await spine.text()}`)
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

async function open (errors: string[], path = '/catalogue', size?: SizeName): Promise<{ page: Page, context: BrowserContext, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors, size)
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

interface Marker { cluster: boolean, id: string | null, count: number, x: number, y: number, name: string | null, width: number, height: number }

/** The result a single marker stands for: its accessible name is "<number in the list>: <the result's name>". */
const resultOf = (m: Marker): string | undefined => m.cluster ? undefined : /^\d+: (.*)$/.exec(m.name ?? '')?.[1]

/** The map's markers: single results (count 1) and clusters (their count), where they are (percent of the map). */
async function markers (page: Page): Promise<Marker[]> {
  return await page.locator('#map .map-markers button').evaluateAll((buttons) => buttons.map((b) => {
    const box = b.getBoundingClientRect()
    return {
      cluster: b.classList.contains('map-cluster'),
      id: b.getAttribute('data-id'),
      count: b.classList.contains('map-cluster') ? Number(b.getAttribute('data-count')) : 1,
      x: Number.parseFloat((b as HTMLElement).style.left),
      y: Number.parseFloat((b as HTMLElement).style.top),
      name: b.getAttribute('aria-label'),
      width: box.width,
      height: box.height
    }
  }))
}

const total = (list: Marker[]): number => list.reduce((sum, m) => sum + m.count, 0)

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

    // The map: a group named for the search, an SVG image with the search point and the radius, the
    // results as markers (single ones and clusters) that count the three results.
    assert.is(await page.locator('#map svg').getAttribute('role'), 'img')
    assert.is(await page.locator('#map .cofl-map').getAttribute('aria-label'), 'Map of the results within 10 km of Bristol')
    assert.is(await page.locator('#map .map-radius').count(), 1)
    assert.is(await page.locator('#map .map-center').count(), 1)
    const shown = await markers(page)
    assert.is(total(shown), 3, JSON.stringify(shown))
    // Bedminster and Harbourside (under a kilometre apart) are south-west of the search point (the
    // map's middle), alone or as a cluster; Easton north-east, unless it is in that cluster.
    const easton = shown.find((m) => resultOf(m) === 'Coding Club Bristol')
    if (easton != null) assert.ok(easton.x > 50 && easton.y < 50, `Easton is drawn north-east of the centre (${JSON.stringify(easton)})`)
    for (const m of shown.filter((m) => m !== easton && m.count < 3)) assert.ok(m.x < 50 && m.y > 50, `south-west of the centre: ${JSON.stringify(m)}`)
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
    const within5 = FIXTURES.filter((f) => f.place != null && distanceKm(PLYMOUTH_HOE, f.place) <= 5)
      .sort((a, b) => distanceKm(PLYMOUTH_HOE, a.place as Fixture['place'] & object) - distanceKm(PLYMOUTH_HOE, b.place as Fixture['place'] & object)).map((f) => f.name)
    assert.ok(within5.includes('Marine Biology Taster') && within5.includes('Coding Club Plymouth') && !within5.includes('Harbour Sailing'))
    assert.equal(await names(page), within5)
    assert.equal(await page.locator('#results > li .distance').allTextContents(), within5.map((n) => expectedDistance(n, PLYMOUTH_HOE)))
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
    // Without a search point the map still draws the results that have a place, with no radius:
    // Bristol's coding club north-east of Plymouth's.
    const clubs = await markers(page)
    assert.is(total(clubs), 2)
    const bristolClub = clubs.find((m) => resultOf(m) === 'Coding Club Bristol')
    const plymouthClub = clubs.find((m) => resultOf(m) === 'Coding Club Plymouth')
    assert.ok(bristolClub != null && plymouthClub != null && bristolClub.x > plymouthClub.x && bristolClub.y < plymouthClub.y, `Bristol is north-east of Plymouth: ${JSON.stringify(clubs)}`)
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
    assert.is(total(await markers(page)), 22)
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

it('a cluster of results at one spot: choosing it says which they are and focuses the first in the list', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors, '/catalogue?q=twin', 'laptop')
  try {
    await page.locator('#map button.map-cluster').waitFor()
    const shown = await markers(page)
    assert.equal(shown.map((m) => ({ cluster: m.cluster, count: m.count })), [{ cluster: true, count: 2 }])
    assert.is(shown[0]?.name, '2 results here: zoom in')
    await page.click('#map button.map-cluster')
    await page.waitForFunction(() => document.activeElement?.classList.contains('result-name') === true)
    assert.is(await page.evaluate(() => document.activeElement?.closest('li')?.id), 'result-1')
    assert.match(await page.textContent('#status') ?? '', /^2 results at this spot: 1\. Twin Workshop [AB]; 2\. Twin Workshop [AB]\.$/)
    await screenshot(page, 'catalogue-one-spot-laptop')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

for (const size of Object.keys(SIZES) as SizeName[]) {
  it(`at ${size} size (${SIZES[size].width}x${SIZES[size].height}): a short form, the skill and area pickers, the outline, clusters that zoom, markers that focus their result`, async () => {
    const errors: string[] = []
    const { page, close } = await open(errors, '/catalogue', size)
    try {
      const width = SIZES[size].width
      const noSidewaysScroll = async (where: string): Promise<void> => {
        assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `no sideways scroll at ${width} px: ${where}`)
      }
      // The form: the words and Search on one line, "Filters" under them; folded on a phone (one short row).
      const formHeight = (await page.locator('#search-form').boundingBox())?.height ?? Infinity
      if (size === 'phone') {
        assert.not.ok(await page.evaluate(() => (document.getElementById('filters') as HTMLDetailsElement).open), 'the filters are folded on a phone')
        assert.ok(formHeight <= 200, `the search form is one short row on a phone (${formHeight} px tall)`)
        const q = await page.locator('#q').boundingBox()
        const button = await page.locator('#search-button').boundingBox()
        assert.ok(q != null && button != null && Math.abs(q.y - button.y) < 12, 'the words and Search share a line')
      } else {
        assert.ok(await page.evaluate(() => (document.getElementById('filters') as HTMLDetailsElement).open), 'the filters are open on a wide screen')
      }
      await noSidewaysScroll('the form')
      await screenshot(page, `catalogue-form-${size}`)
      if (size === 'phone') {
        await page.click('#filters > summary')
        assert.ok(await page.evaluate(() => (document.getElementById('filters') as HTMLDetailsElement).open))
      }

      // The skill picker: the spine's skills under the spine's name; choosing one filters.
      await page.locator(`#skill option[value="${CODING_SKILL}"]`).waitFor({ state: 'attached' })
      const groups = await page.locator('#skill optgroup').evaluateAll((gs) => gs.map((g) => ({ label: g.getAttribute('label'), skills: Array.from(g.querySelectorAll('option')).map((o) => o.textContent) })))
      assert.equal(groups, [{ label: SPINE.name, skills: ['Coding', 'Sailing'] }])
      await page.selectOption('#skill', CODING_SKILL)
      await search(page)
      assert.equal((await names(page)).sort(), ['Coding Club Bristol', 'Coding Club Plymouth'])
      assert.is(await page.textContent('#filter-count'), '(1 on)')
      assert.match(page.url(), /skill=https%3A%2F%2Fskills\.example%2Fdigital%2Fcoding/)
      await noSidewaysScroll('a skill chosen')
      await screenshot(page, `catalogue-skill-${size}`)

      // The area picker: the outline's areas (and those of the results); choosing one filters.
      await page.selectOption('#skill', '')
      const areas = await page.locator('#area option').allTextContents()
      for (const name of ['Barbican', 'Central Park', 'City Centre', 'Derriford', 'Devonport', 'Stonehouse', 'Easton']) assert.ok(areas.includes(name), `the area picker offers ${name}: ${areas.join(', ')}`)
      assert.is(areas[0], 'Any area')
      await page.selectOption('#area', 'Devonport')
      await search(page)
      assert.equal(await names(page), ['Coding Club Plymouth'])
      await screenshot(page, `catalogue-area-${size}`)

      // Near Plymouth: the outline (land, the six areas), the markers over it, a cluster of the city centre.
      await page.selectOption('#area', '')
      await page.selectOption('#near', 'plymouth')
      await page.fill('#km', '10')
      await search(page)
      const plymouth = FIXTURES.filter((f) => f.place != null && distanceKm({ lat: 50.3755, lon: -4.1427 }, f.place) <= 10).map((f) => f.name)
      assert.equal((await names(page)).sort(), [...plymouth].sort())
      assert.ok(await page.locator('#map path.map-land').count() >= 1, 'land is drawn')
      assert.equal((await page.locator('#map path.map-area').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-area')))).sort(), ['Barbican', 'Central Park', 'City Centre', 'Derriford', 'Devonport', 'Stonehouse'])
      assert.ok(await page.locator('#map text.map-area-name').count() >= 1, 'some areas are named on the map')
      let shown = await markers(page)
      assert.is(total(shown), plymouth.length, JSON.stringify(shown))
      const cluster = shown.filter((m) => m.cluster).sort((a, b) => b.count - a.count)[0]
      assert.ok(cluster != null && cluster.count >= 4, `the city centre's four are one cluster at first: ${JSON.stringify(shown)}`)
      for (const m of shown) assert.ok(m.width >= 24 && m.height >= 24, `a marker is at least 24 px: ${JSON.stringify(m)}`)
      if (size === 'phone') await page.locator('#map-figure').scrollIntoViewIfNeeded()
      await noSidewaysScroll('the map')
      await screenshot(page, `catalogue-map-${size}`)

      // A cluster zooms in (focus moves into the map's markers) until the city centre's four are single markers.
      for (let step = 0; step < 8; step++) {
        const biggest = (await markers(page)).filter((m) => m.cluster && m.count >= 2).sort((a, b) => b.count - a.count)[0]
        if (biggest == null) break
        const before = await page.evaluate(() => document.querySelectorAll('#map .map-markers button').length)
        const clusters = page.locator(`#map button.map-cluster[data-count="${biggest.count}"]`)
        await clusters.first().click()
        await page.waitForFunction(() => document.activeElement?.closest('.map-markers') != null)
        const after = await markers(page)
        assert.ok(after.every((m) => !m.cluster || m.count < biggest.count) || after.length > before, `the cluster of ${biggest.count} was split: ${JSON.stringify(after)}`)
        if (step === 0) await screenshot(page, `catalogue-map-zoomed-${size}`)
      }
      shown = await markers(page)
      for (const name of CITY_CENTRE) assert.ok(shown.some((m) => resultOf(m) === name), `${name} is a marker of its own: ${JSON.stringify(shown)}`)

      // A marker is a button named as its result; activating it (here with the keyboard) focuses the result.
      const id = shown.find((m) => resultOf(m) === 'Guildhall Debating')?.id ?? ''
      const marker = page.locator(`#map button.map-marker[data-id="${id}"]`)
      assert.match(await marker.getAttribute('aria-label') ?? '', /^\d+: Guildhall Debating$/)
      await marker.focus()
      await page.keyboard.press('Enter')
      await page.waitForFunction(() => document.activeElement?.classList.contains('result-name') === true)
      assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Guildhall Debating')
      assert.is(await page.evaluate(() => document.activeElement?.closest('li')?.id), id)
      await screenshot(page, `catalogue-marker-focused-${size}`)

      // Zoom out and "Show all" bring the whole search back.
      await page.click('#map .map-zoom-out')
      await page.click('#map .map-reset')
      assert.is(total(await markers(page)), plymouth.length)
      await noSidewaysScroll('after zooming')
      await assertAxeClean(page, `the catalogue's map at ${size} size`)
      assert.equal(errors, [])
    } finally {
      await close()
    }
  })
}

run()
