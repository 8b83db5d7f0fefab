// The catalogue index on a small catalogue whose answers are known: text (accents, case, prefix,
// stop words, every word), skills (direct, through a spine's codes, pathways and opportunities
// through their achievements), radius queries with known distances, areas, types, issuers, paging
// with a cursor, newer versions. GET /api/catalogue on a node: node/test/catalogue-http.test.ts.
import { EARTH_RADIUS_KM } from '@cofl/pathways'
import { createMemoryStore } from '@cofl/store'
import type { StoredDocument } from '@cofl/store'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CATALOGUE_COLLECTIONS, createCatalogueIndex, foldText, MAX_CATALOGUE_LIMIT, tokenize } from '../src/index.js'
import type { CatalogueIndex, CataloguePage, CatalogueQuery, CatalogueResult } from '../src/index.js'

type Json = Record<string, any>

const LIB = 'did:example:library'
const CLUB = 'did:example:youth-club'
const SPINE = 'https://bristol.example/spine'
const SK = (s: string): string => `${SPINE}/skills/${s}`

/** km per degree of latitude along a meridian: distances below are multiples of it. */
const KM_PER_DEGREE = EARTH_RADIUS_KM * Math.PI / 180
const HOME = { lat: 51.45, lon: -2.59 }
const north = (km: number): { lat: number, lon: number } => ({ lat: HOME.lat + km / KM_PER_DEGREE, lon: HOME.lon })

let sequence = 0
function stored (kind: StoredDocument['kind'], document: Json, issuer = LIB, seq?: number): StoredDocument {
  return { kind, id: document.id, issuer, sequence: seq ?? ++sequence, cid: `cid-${sequence}`, document, receivedAt: '2025-01-01T00:00:00.000Z' }
}

function achievement (id: string, name: string, extra: Json = {}, issuer = LIB): StoredDocument {
  return stored('achievement', { id, type: ['Achievement'], name, description: `About ${name}.`, criteria: { narrative: 'Do it.' }, ...extra }, issuer)
}

const spine = stored('spine', {
  id: SPINE,
  name: 'Bristol skills',
  skills: [
    { id: SK('coding'), name: 'Coding', layer: 'universal-core', targetFramework: 'ESCO', targetCode: 'S1.2' },
    { id: SK('teamwork'), name: 'Teamwork', layer: 'universal-core', targetFramework: 'ESCO', targetCode: 'S4.8' },
    { id: SK('gardening'), name: 'Gardening', layer: 'city-specific' }
  ]
})

const docs: StoredDocument[] = [
  spine,
  achievement('urn:a:cafe', 'Café Barista Skills', {
    tag: ['hospitality', 'coffee'],
    achievementType: 'Certificate',
    place: { name: 'Easton Community Centre', area: 'Easton', lat: north(1).lat, lon: north(1).lon, address: { addressLocality: 'Bristol' } }
  }),
  achievement('urn:a:python', 'Python for Beginners', {
    alignment: [{ targetName: 'Coding', targetUrl: SK('coding'), targetFramework: 'ESCO', targetCode: 'S1.2' }],
    place: { area: 'Bedminster', ...north(5) }
  }),
  // Aligned by framework and code only: the spine maps ESCO S1.2 to its coding skill.
  achievement('urn:a:web', 'Web Pages from Scratch', {
    alignment: [{ targetName: 'Programming', targetFramework: 'ESCO', targetCode: 'S1.2' }],
    place: { area: 'easton', ...north(10) }
  }, CLUB),
  achievement('urn:a:safety', 'Health & Safety at Work', {
    description: 'Understand risks. '.repeat(40),
    alignment: [{ targetName: 'Teamwork', targetUrl: SK('teamwork') }]
  }, CLUB),
  achievement('urn:a:garden', 'Growing Vegetables', {
    tag: ['outdoors'],
    alignment: [{ targetName: 'Gardening', targetUrl: SK('gardening') }],
    place: { area: 'Manchester Centre', lat: 53.4808, lon: -2.2426 }
  }),
  achievement('urn:a:zurich', 'Zürich Exchange', { achievementType: 'ext:LearningProgram' }),
  stored('pathway', {
    id: 'urn:p:developer',
    type: ['CoflPathway'],
    issuer: LIB,
    kind: 'destination',
    name: 'Junior Developer',
    description: 'Towards an apprenticeship.',
    requirements: { allOf: ['urn:a:cafe', { anyOf: ['urn:a:python', 'urn:a:web'] }, { nOf: { n: 2, of: ['urn:a:safety', 'urn:a:garden', 'urn:a:zurich'] } }] },
    opportunityId: 'urn:o:apprenticeship'
  }),
  stored('pathway', {
    id: 'urn:p:green',
    type: ['CoflPathway'],
    issuer: CLUB,
    kind: 'interest',
    name: 'Green Fingers',
    theme: { skills: [SK('gardening')], tags: ['nature'] },
    suggested: ['urn:a:garden', 'urn:a:cafe']
  }, CLUB),
  stored('opportunity', {
    id: 'urn:o:apprenticeship',
    type: ['CoflOpportunity'],
    kind: 'apprenticeship',
    name: 'Software Apprenticeship',
    description: 'Two years with a local employer.',
    place: { name: 'Temple Quay', area: 'Redcliffe', ...north(3) },
    startDate: '2025-09-01',
    asks: { pathwayId: 'urn:p:developer' }
  }),
  stored('opportunity', {
    id: 'urn:o:course',
    type: ['CoflOpportunity'],
    kind: 'course',
    name: 'Evening Course in Coding',
    asks: { achievementIds: ['urn:a:python'] }
  }),
  stored('status-list', { id: 'urn:status:1' })
]

function indexOf (list: readonly StoredDocument[] = docs): CatalogueIndex {
  const index = createCatalogueIndex()
  for (const d of list) index.put(d)
  return index
}

const ids = (page: CataloguePage): string[] => page.results.map((r) => r.id)
const sorted = (list: string[]): string[] => [...list].sort()

test('tokens: folded to lower case without accents, split on anything but letters and digits', () => {
  assert.equal(tokenize('Café CRÈCHE naïve Zürich Øresund Straße Łódź'), ['cafe', 'creche', 'naive', 'zurich', 'oresund', 'strasse', 'lodz'])
  assert.equal(tokenize("Health & Safety: level-2 children's"), ['health', 'safety', 'level', '2', 'children', 's'])
  assert.is(foldText('ÉCOLE'), 'ecole')
})

test('text: every word must match, in any case and without accents, over name, description, tags, type and alignments', () => {
  const index = indexOf()
  assert.equal(ids(index.search({ q: 'cafe' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'CAFÉ barista' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'barista cafe' })), ['urn:a:cafe'], 'order of words does not matter')
  assert.equal(ids(index.search({ q: 'zurich' })), ['urn:a:zurich'])
  assert.equal(ids(index.search({ q: 'barista tea' })), [], 'all words must match')
  assert.equal(ids(index.search({ q: 'coffee' })), ['urn:a:cafe'], 'tag')
  assert.equal(ids(index.search({ q: 'certificate' })), ['urn:a:cafe'], 'achievementType')
  assert.equal(ids(index.search({ q: 'learning program' })), ['urn:a:zurich'], 'a camel-case achievementType, split')
  assert.equal(ids(index.search({ q: 'programming' })), ['urn:a:web'], 'alignment targetName')
  assert.equal(sorted(ids(index.search({ q: 's1.2 ' }))), ['urn:a:python', 'urn:a:web'], 'alignment targetCode')
  assert.equal(ids(index.search({ q: 'nature' })), ['urn:p:green'], 'pathway theme tag')
  assert.equal(ids(index.search({ q: 'apprenticeship', type: ['opportunity'] })), ['urn:o:apprenticeship'], 'opportunity kind')
  assert.equal(ids(index.search({ q: 'health and safety' })), ['urn:a:safety'], 'stop words dropped from the query')
  assert.equal(ids(index.search({ q: '  ' })).length, 10, 'no words: everything')
})

test('text: the last word is a prefix unless the query ends with a space', () => {
  const index = indexOf()
  assert.equal(ids(index.search({ q: 'caf' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'barista sk' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'caf ' })), [])
  assert.equal(ids(index.search({ q: 'cafe ' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'sk barista' })), [], 'only the last word')
  assert.equal(ids(index.search({ q: 'zzz' })), [])
  // A token added after the first prefix search is found by the next one.
  index.put(achievement('urn:a:cafeteria', 'Cafeteria Management'))
  assert.equal(sorted(ids(index.search({ q: 'caf' }))), ['urn:a:cafe', 'urn:a:cafeteria'])
})

test('text: names that match more words come first', () => {
  const index = indexOf([
    achievement('urn:x:1', 'Gardening Basics', { description: 'Growing food in the city.' }),
    achievement('urn:x:2', 'Urban Food', { description: 'Gardening in small spaces.' }),
    achievement('urn:x:3', 'Gardening for Food', {})
  ])
  // x3 has both words in its name; x1 and x2 one each (the other in the description), by name.
  assert.equal(ids(index.search({ q: 'gardening food' })), ['urn:x:3', 'urn:x:1', 'urn:x:2'])
  assert.equal(ids(index.search({ q: 'gardening' })), ['urn:x:1', 'urn:x:3', 'urn:x:2'])
})

test('skill: a spine skill id, a targetUrl or a targetCode; the spine maps framework codes to its skills', () => {
  const index = indexOf()
  const achievements = (skill: string): string[] => sorted(ids(index.search({ skill, type: ['achievement'] })))
  assert.equal(achievements(SK('coding')), ['urn:a:python', 'urn:a:web'])
  assert.equal(achievements('S1.2'), ['urn:a:python', 'urn:a:web'])
  assert.equal(achievements(SK('teamwork')), ['urn:a:safety'])
  assert.equal(achievements('S4.8'), ['urn:a:safety'], 'a code whose spine skill an achievement names by targetUrl')
  assert.equal(achievements('https://unknown.example/skill'), [])
  const python = index.search({ skill: SK('coding'), q: 'python' }).results[0] as CatalogueResult
  assert.equal(python.skills, [{ id: SK('coding'), name: 'Coding' }])
  const web = index.search({ q: 'web pages' }).results[0] as CatalogueResult
  assert.equal(web.skills, [{ id: SK('coding'), name: 'Coding' }], 'a framework code shown as the spine skill')
})

test('skill: pathways through their theme or their achievements, opportunities through what they ask for', () => {
  const index = indexOf()
  const of = (skill: string, type: CatalogueQuery['type']): string[] => sorted(ids(index.search({ skill, type })))
  assert.equal(of(SK('teamwork'), ['pathway']), ['urn:p:developer'], 'a required achievement (inside an nOf)')
  assert.equal(of(SK('gardening'), ['pathway']), ['urn:p:developer', 'urn:p:green'], 'theme skill, and a required achievement')
  assert.equal(of(SK('coding'), ['pathway', 'opportunity']), ['urn:o:apprenticeship', 'urn:o:course', 'urn:p:developer'])
  const green = index.search({ q: 'green fingers' }).results[0] as CatalogueResult
  assert.is(green.kind, 'interest')
  assert.is(green.requiredCount, 2)
  assert.equal(green.skills.map((s) => s.name), ['Gardening'])
  const dev = index.search({ q: 'junior developer' }).results[0] as CatalogueResult
  assert.is(dev.kind, 'destination')
  assert.is(dev.requiredCount, 4, 'cafe + one of python/web + two of three')
  assert.equal(dev.skills.map((s) => s.id), [SK('coding'), SK('teamwork'), SK('gardening')])
})

test('near: within a radius, nearest first, with known distances; without km, everything by distance', () => {
  const index = indexOf()
  const page = index.search({ near: { ...HOME, km: 6 }, type: ['achievement', 'opportunity'] })
  assert.equal(ids(page), ['urn:a:cafe', 'urn:o:apprenticeship', 'urn:a:python'])
  assert.equal(page.results.map((r) => r.distanceKm), [1, 3, 5])
  assert.is(page.total, 3)
  assert.equal(ids(index.search({ near: { ...HOME, km: 0.999 } })), [])
  assert.equal(ids(index.search({ near: { ...HOME, km: 10.001 }, type: ['achievement'] })), ['urn:a:cafe', 'urn:a:python', 'urn:a:web'])
  // Manchester, 230 km away: the garden and the two pathways that ask for it, at the same distance (then by name).
  const far = index.search({ near: { lat: 53.48, lon: -2.24, km: 1 } })
  assert.equal(ids(far), ['urn:p:green', 'urn:a:garden', 'urn:p:developer'])
  assert.ok((far.results[0]?.distanceKm ?? 99) < 0.2)
  assert.is(far.results[0]?.distanceKm, far.results[1]?.distanceKm)
  assert.is(index.search({ near: { lat: -33.86, lon: 151.2, km: 20_000 }, type: ['achievement'] }).total, 4, 'the four with a place')
  // A point without km: placed documents by distance, then those without a place.
  const all = index.search({ near: HOME, type: ['achievement'], limit: 10 })
  assert.equal(ids(all), ['urn:a:cafe', 'urn:a:python', 'urn:a:web', 'urn:a:garden', 'urn:a:safety', 'urn:a:zurich'])
  assert.is(all.results[4]?.distanceKm, undefined)
})

test('near: a pathway is as near as its nearest achievement', () => {
  const index = indexOf()
  const page = index.search({ near: { ...HOME, km: 2 }, type: ['pathway'] })
  assert.equal(ids(page), ['urn:p:green', 'urn:p:developer'], 'both through the café, 1 km away (then by name)')
  assert.equal(page.results.map((r) => r.distanceKm), [1, 1])
  assert.equal(ids(index.search({ near: { lat: 53.48, lon: -2.24, km: 5 }, type: ['pathway'] })), ['urn:p:green', 'urn:p:developer'])
  // Each filter on its own: near through the garden (Manchester), coding through Python (Bristol).
  assert.equal(ids(index.search({ near: { lat: 53.48, lon: -2.24, km: 5 }, skill: SK('coding') })), ['urn:p:developer'])
  assert.equal(ids(index.search({ near: { lat: 53.48, lon: -2.24, km: 5 }, skill: SK('coding'), type: ['achievement', 'opportunity'] })), [])
})

test('near: radius queries agree with measuring every place, across grid cells, at high latitudes and across the 180th meridian', () => {
  const list: StoredDocument[] = []
  const points: Array<{ id: string, lat: number, lon: number }> = []
  let seed = 7
  const random = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
  for (const [lat, lon] of [[51.45, -2.59], [69.6, 18.9], [-16.5, 179.9], [0, -179.95], [89.9, 10]] as const) {
    for (let i = 0; i < 200; i++) {
      const p = { id: `urn:pt:${lat}:${i}`, lat: Math.max(-90, Math.min(90, lat + (random() - 0.5) * 1.2)), lon: ((lon + (random() - 0.5) * 3 + 540) % 360) - 180 }
      points.push(p)
      list.push(achievement(p.id, `Point ${i}`, { place: { lat: p.lat, lon: p.lon } }))
    }
  }
  const index = indexOf(list)
  const R = EARTH_RADIUS_KM
  const rad = Math.PI / 180
  const haversine = (a: { lat: number, lon: number }, b: { lat: number, lon: number }): number =>
    2 * R * Math.asin(Math.min(1, Math.sqrt(Math.sin((b.lat - a.lat) * rad / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin((b.lon - a.lon) * rad / 2) ** 2)))
  for (const [lat, lon, km] of [[51.45, -2.59, 15], [69.6, 18.9, 40], [-16.5, 179.99, 60], [-16.5, -179.99, 60], [0, 179.99, 25], [89.95, 0, 50], [51.45, -2.59, 0.5]] as const) {
    const center = { lat, lon }
    const expected = points.filter((p) => haversine(center, p) <= km).map((p) => p.id).sort()
    const got: string[] = []
    let cursor: string | undefined
    do {
      const page = index.search({ near: { ...center, km }, limit: MAX_CATALOGUE_LIMIT, ...(cursor !== undefined ? { cursor } : {}) })
      got.push(...ids(page))
      cursor = page.next ?? undefined
    } while (cursor !== undefined)
    assert.equal(sorted(got), expected, `${lat},${lon} ${km} km`)
  }
})

test('area: exact, but for case and accents; pathways through their achievements', () => {
  const index = indexOf()
  assert.equal(sorted(ids(index.search({ area: 'easton', type: ['achievement'] }))), ['urn:a:cafe', 'urn:a:web'])
  assert.equal(sorted(ids(index.search({ area: 'EASTON' }))), ['urn:a:cafe', 'urn:a:web', 'urn:p:developer', 'urn:p:green'])
  assert.equal(ids(index.search({ area: 'East' })), [])
  assert.equal(ids(index.search({ area: 'Redcliffe' })), ['urn:o:apprenticeship'])
  // The course asks for Python (Bedminster) but has no place: not in Bedminster.
  assert.equal(sorted(ids(index.search({ area: 'bedminster' }))), ['urn:a:python', 'urn:p:developer'])
  assert.equal(sorted(ids(index.search({ area: 'bedminster', type: ['pathway', 'opportunity'] }))), ['urn:p:developer'])
  const cafe = index.search({ area: 'Easton', q: 'cafe' }).results[0] as CatalogueResult
  assert.equal(cafe.place, { name: 'Easton Community Centre', area: 'Easton', lat: north(1).lat, lon: north(1).lon, address: { addressLocality: 'Bristol' } })
})

test('type and issuer', () => {
  const index = indexOf()
  assert.equal(sorted(ids(index.search({ type: ['pathway'] }))), ['urn:p:developer', 'urn:p:green'])
  assert.equal(sorted(ids(index.search({ type: ['pathway', 'opportunity'] }))), ['urn:o:apprenticeship', 'urn:o:course', 'urn:p:developer', 'urn:p:green'])
  assert.is(index.search({}).total, 10, 'spines and status lists are not results')
  assert.equal(sorted(ids(index.search({ issuer: CLUB }))), ['urn:a:safety', 'urn:a:web', 'urn:p:green'])
  assert.equal(ids(index.search({ issuer: CLUB, q: 'web' })), ['urn:a:web'])
  assert.equal(ids(index.search({ issuer: 'did:example:nobody' })), [])
})

test('results: what a page shows', () => {
  const index = indexOf()
  const safety = index.search({ q: 'health' }).results[0] as CatalogueResult
  assert.is(safety.type, 'achievement')
  assert.is(safety.name, 'Health & Safety at Work')
  assert.is(safety.issuer, CLUB)
  assert.ok((safety.description ?? '').length <= 201 && (safety.description ?? '').endsWith('…'), safety.description)
  const opportunity = index.search({ q: 'software' }).results[0] as CatalogueResult
  assert.equal({ kind: opportunity.kind, startDate: opportunity.startDate, skills: opportunity.skills }, { kind: 'apprenticeship', startDate: '2025-09-01', skills: [] })
  const course = index.search({ q: 'evening' }).results[0] as CatalogueResult
  assert.equal(course.skills, [{ id: SK('coding'), name: 'Coding' }])
})

test('paging: pages follow each other with no duplicate and no gap, in every order', () => {
  const list: StoredDocument[] = []
  for (let i = 0; i < 53; i++) {
    // Equal names and equal distances, so that ties are decided by id.
    list.push(achievement(`urn:page:${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'Same Name' : `Page Badge ${i % 7}`, { place: north(i % 5) }))
  }
  const index = indexOf(list)
  for (const query of [{}, { q: 'badge' }, { q: 'page bad' }, { near: HOME }, { near: { ...HOME, km: 3.5 } }] as CatalogueQuery[]) {
    const whole = index.search({ ...query, limit: MAX_CATALOGUE_LIMIT })
    assert.is(whole.next, null)
    const got: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = index.search({ ...query, limit: 7, ...(cursor !== undefined ? { cursor } : {}) })
      assert.is(page.total, whole.total)
      got.push(...ids(page))
      cursor = page.next ?? undefined
      pages++
    } while (cursor !== undefined)
    assert.equal(got, ids(whole), JSON.stringify(query))
    assert.is(new Set(got).size, got.length)
    assert.is(pages, Math.max(1, Math.ceil(whole.total / 7)))
  }
  assert.throws(() => index.search({ cursor: 'not-a-cursor' }), (err: Error & { code?: string }) => err.code === 'COFL_ERR_INPUT')
  assert.throws(() => index.search({ cursor: Buffer.from('[1,"a","b",9]').toString('base64url') }), /cursor/)
  assert.throws(() => index.search({ limit: 0 }), TypeError)
  assert.throws(() => index.search({ limit: MAX_CATALOGUE_LIMIT + 1 }), TypeError)
})

test('versions: a newer one replaces the one held, an older or the same one changes nothing', () => {
  const index = indexOf()
  const base = { id: 'urn:a:versioned', type: ['Achievement'], name: 'Old Name', place: { area: 'Easton', ...north(2) } }
  assert.ok(index.put(stored('achievement', base, LIB, 5)))
  assert.equal(ids(index.search({ q: 'old name' })), ['urn:a:versioned'])
  assert.ok(index.put(stored('achievement', { ...base, name: 'New Name', place: { area: 'Bedminster', ...north(9) } }, LIB, 6)))
  assert.equal(ids(index.search({ q: 'old' })), [])
  assert.equal(ids(index.search({ q: 'new name' })), ['urn:a:versioned'])
  assert.equal(ids(index.search({ area: 'easton', q: 'name' })), [])
  assert.equal(ids(index.search({ near: { ...HOME, km: 3 }, q: 'name' })), [])
  assert.equal(index.search({ near: { ...HOME, km: 10 }, q: 'name' }).results.map((r) => r.distanceKm), [9])
  assert.not.ok(index.put(stored('achievement', { ...base, name: 'Older Name' }, LIB, 4)))
  assert.not.ok(index.put(stored('achievement', { ...base, name: 'Same Sequence' }, LIB, 6)))
  assert.equal(ids(index.search({ q: 'new' })), ['urn:a:versioned'])
  assert.is(index.stats().achievements, 7)
  // A pathway's new version with other requirements: matched by the skills of the new ones only.
  assert.ok(index.put(stored('pathway', { id: 'urn:p:developer', kind: 'destination', name: 'Junior Developer', requirements: { allOf: ['urn:a:garden'] } }, LIB, 1000)))
  assert.equal(ids(index.search({ skill: SK('coding'), type: ['pathway'] })), [])
  assert.equal(sorted(ids(index.search({ skill: SK('gardening'), type: ['pathway'] }))), ['urn:p:developer', 'urn:p:green'])
  // Many versions: the posting lists are compacted and the answers stay the same.
  for (let s = 7; s < 3000; s++) index.put(stored('achievement', { ...base, name: `Name ${s}` }, LIB, s))
  assert.equal(ids(index.search({ q: 'name 2999' })), ['urn:a:versioned'])
  assert.equal(ids(index.search({ q: 'name 2998' })), [])
  assert.is(index.search({ type: ['achievement'] }).total, 7)
  assert.equal(sorted(ids(index.search({ area: 'easton', type: ['achievement'] }))), ['urn:a:cafe', 'urn:a:versioned', 'urn:a:web'])
  assert.equal(ids(index.search({ q: 'caf' })), ['urn:a:cafe'])
})

test('documents are kept per (issuer, id); with the trusted issuers given, only theirs are found unless the query says untrusted', () => {
  const SQUATTER = 'did:example:squatter'
  // The squatter took the id of the library's Python achievement first, with another place and text.
  const copy = achievement('urn:a:python', 'Python for Beginners (copy)', { place: { area: 'Nowhere', lat: -33.9, lon: 151.2 } }, SQUATTER)
  const index = indexOf([copy, ...docs, achievement('urn:a:spam', 'Python Spam', {}, SQUATTER)])
  // Both claims of the id are entries, each under its issuer; neither replaced the other.
  assert.equal(index.search({ q: 'python beginners' }).results.map((r) => r.issuer).sort(), [LIB, SQUATTER].sort())
  assert.is(index.stats().achievements, 8)
  const trusted = new Set([LIB, CLUB])
  assert.equal(index.search({ q: 'python beginners' }, { trusted }).results.map((r) => [r.id, r.issuer]), [['urn:a:python', LIB]])
  assert.equal(ids(index.search({ q: 'spam' }, { trusted })), [])
  assert.is(index.search({ issuer: SQUATTER }, { trusted }).total, 0)
  assert.is(index.search({ issuer: SQUATTER, untrusted: true }, { trusted }).total, 2)
  assert.is(index.search({}, { trusted }).total, 10, 'the trusted issuers\' documents, as before')
  // A pathway is near, and in the area of, its trusted issuers' achievements (not the copy's place).
  const developer = index.search({ q: 'junior', near: { ...HOME } }, { trusted }).results[0] as CatalogueResult
  assert.is(developer.distanceKm, 1)
  assert.equal(ids(index.search({ area: 'nowhere' }, { trusted })), [])
  // Paging over two entries with the same name and id: no duplicate, no gap.
  const same = indexOf([achievement('urn:a:same', 'Same', {}, LIB), achievement('urn:a:same', 'Same', {}, CLUB)])
  const first = same.search({ limit: 1 })
  const second = same.search({ limit: 1, cursor: first.next as string })
  assert.equal([...first.results, ...second.results].map((r) => r.issuer).sort(), [CLUB, LIB].sort())
  assert.is(second.next, null)
})

test('malformed documents are indexed for what can be read, never thrown on', () => {
  const index = createCatalogueIndex()
  const bad: Json[] = [
    { id: 'urn:bad:1', name: 42, place: { lat: 'x', lon: 2 }, alignment: 'nope', tag: [1, null, 'ok'] },
    { id: 'urn:bad:2', name: { en: 'Language Map' }, place: { lat: 95, lon: 0 }, alignment: [null, 7, { targetCode: 'C1' }] }
  ]
  for (const d of bad) assert.ok(index.put(stored('achievement', d)))
  assert.ok(index.put(stored('pathway', { id: 'urn:bad:p', kind: 'destination', name: 'Deep', requirements: deep(12) })))
  assert.ok(index.put(stored('pathway', { id: 'urn:bad:q', kind: 'destination', name: 'Bad nOf', requirements: { nOf: { n: 5, of: ['a'] } } })))
  assert.not.ok(index.put({ kind: 'achievement' } as unknown as StoredDocument))
  assert.equal(ids(index.search({ q: 'language map' })), ['urn:bad:2'])
  assert.equal(ids(index.search({ skill: 'C1' })), ['urn:bad:2'])
  assert.equal(ids(index.search({ q: 'ok' })), ['urn:bad:1'])
  assert.is(index.search({ q: 'deep' }).results[0]?.requiredCount, undefined)
  assert.is(index.search({ near: { ...HOME, km: 20_000 } }).total, 0)
})

function deep (n: number): unknown {
  return n === 0 ? 'urn:leaf' : { allOf: [deep(n - 1)] }
}

test('load: everything the store holds, and no older version over a newer one put meanwhile', async () => {
  const store = createMemoryStore()
  // The federation's collections, by the names the store's former properties had (the same data).
  assert.equal(CATALOGUE_COLLECTIONS, { spine: 'spines', achievement: 'achievements', pathway: 'pathways', opportunity: 'opportunities' })
  for (const d of docs) {
    const name = CATALOGUE_COLLECTIONS[d.kind as keyof typeof CATALOGUE_COLLECTIONS] as string | undefined
    if (name !== undefined) await store.collection<StoredDocument>(name).put(d.id, d)
  }
  const index = createCatalogueIndex()
  index.put(stored('achievement', { id: 'urn:a:cafe', name: 'Renamed Cafe' }, LIB, 10_000))
  await index.load(store)
  assert.equal(index.stats(), { achievements: 6, pathways: 2, opportunities: 2, spineSkills: 3, tokens: index.stats().tokens, cells: 3 })
  assert.equal(ids(index.search({ q: 'renamed' })), ['urn:a:cafe'])
  assert.equal(ids(index.search({ q: 'barista' })), [])
  assert.equal(sorted(ids(index.search({ skill: 'S1.2', type: ['achievement'] }))), ['urn:a:python', 'urn:a:web'])
  await store.close()
})

test.run()
