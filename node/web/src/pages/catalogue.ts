// The catalogue page: search the federation's achievements, pathways and opportunities by words,
// skill (picked from the skills spines the node holds, GET /api/spines), type, area (picked from the
// city's map and the results) and place (a bundled town or city, typed coordinates, or the
// browser's location), through GET /api/catalogue. Results come as a list, nearest first when a
// place is given, and as a map (lib/map.ts: the city's outline from GET /api/geography, clustered
// markers that are buttons; no tiles): a marker focuses its result in the list, which is the
// accessible form of the map. "More results" pages on. On a phone the filters fold into one row.
import type { CatalogueResult, CatalogueSkill, CataloguePage } from '@cofl/catalogue'
import { distanceKm, formatDistance } from '@cofl/pathways'
import { badgeElement } from '../lib/badge-image.js'
import { announce, api, byId, fill, focusResult, h, markReady, messageOf } from '../lib/dom.js'
import { drawMap } from '../lib/map.js'
import type { MapPoint, Outline } from '../lib/map.js'
import { PLACES, placeById, placeLabel } from '../lib/places.js'
import { usePageMessages } from '../lib/i18n.js'
import en from '../../locales/catalogue.en.json' with { type: 'json' }
import cy from '../../locales/catalogue.cy.json' with { type: 'json' }

usePageMessages({ en, cy })

/** Results asked for per page. */
const PAGE_SIZE = 20
/** Default radius when a place is given (km). */
const DEFAULT_KM = 10
/** Pages of GET /api/spines read for the skill picker (of SPINE_PAGE each). */
const SPINE_PAGES = 10
const SPINE_PAGE = 100
/** How long the browser may take to give the location. */
const GEOLOCATION_TIMEOUT_MS = 15_000

const TYPES = ['achievement', 'pathway', 'opportunity'] as const
type ResultType = typeof TYPES[number]
const TYPE_WORDS: Record<ResultType, string> = { achievement: 'Achievement', pathway: 'Pathway', opportunity: 'Opportunity' }
/** Where the signed document of each type is (GET /api/<path>/:id). */
const DOCUMENT_PATHS: Record<ResultType, string> = { achievement: 'achievements', pathway: 'pathways', opportunity: 'opportunities' }

// The answer of GET /api/catalogue: @cofl/catalogue's types (type-only imports: nothing is bundled).
type Result = CatalogueResult
type ResultPlace = NonNullable<CatalogueResult['place']>
type ResultSkill = CatalogueSkill

interface Center { lat: number, lon: number, label: string }
interface Search { params: URLSearchParams, center?: Center, km?: number }

const form = byId<HTMLFormElement>('search-form')
/** The filters beyond the words: open on a wide screen, folded on a phone (where they are a screen tall). */
const filters = byId<HTMLDetailsElement>('filters')
filters.open = window.matchMedia('(min-width: 50rem)').matches
const q = byId<HTMLInputElement>('q')
const skill = byId<HTMLSelectElement>('skill')
const area = byId<HTMLSelectElement>('area')
const filterCount = byId('filter-count')
const near = byId<HTMLSelectElement>('near')
const lat = byId<HTMLInputElement>('lat')
const lon = byId<HTMLInputElement>('lon')
const km = byId<HTMLInputElement>('km')
const searchButton = byId<HTMLButtonElement>('search-button')
const section = byId('results-section')
const summary = byId('results-summary')
const list = byId<HTMLOListElement>('results')
const more = byId<HTMLButtonElement>('more')
const figure = byId('map-figure')
const mapBox = byId('map')
const caption = byId('map-caption')

/** What is shown now: the search, the results loaded so far, and the cursor of the next page. */
let current: { search: Search, results: Result[], total?: number, next: string | null } | undefined
/** The browser's position, once given. */
let myPosition: Center | undefined
let busy = false
/** The city's outline (GET /api/geography), once read; null when the node has none. */
let outline: Outline | null = null
/** The skills of the spines the node holds, by spine; and skills met elsewhere (a result, the address). */
let spineSkills: Array<{ spine: string, skills: Array<{ id: string, name: string }> }> = []
const otherSkills = new Map<string, string>()
/** Areas: the outline's named features, and those of the results seen. */
const outlineAreas = new Set<string>()
const resultAreas = new Set<string>()

function radios (): HTMLInputElement[] {
  return [...form.querySelectorAll<HTMLInputElement>('input[name="where"]')]
}

function where (): string {
  return radios().find((r) => r.checked)?.value ?? 'anywhere'
}

function setWhere (value: string): void {
  for (const r of radios()) r.checked = r.value === value
}

/** The skill picker: "Any skill", then each spine's skills, then any other skill chosen (kept selected). */
function fillSkills (): void {
  const chosen = skill.value
  const known = new Set(spineSkills.flatMap((s) => s.skills.map((k) => k.id)))
  const others = [...otherSkills].filter(([id]) => !known.has(id))
  fill(skill,
    h('option', { value: '' }, 'Any skill'),
    ...spineSkills.map((s) => h('optgroup', { label: s.spine }, ...s.skills.map((k) => h('option', { value: k.id }, k.name)))),
    others.length > 0 ? h('optgroup', { label: 'Other skills' }, ...others.map(([id, name]) => h('option', { value: id }, name))) : null)
  skill.value = chosen
}

/** Chooses a skill in the picker, adding it when no spine holds it (a result's alignment, an address). */
function setSkill (id: string, name?: string): void {
  if (id !== '' && ![...skill.options].some((o) => o.value === id)) {
    otherSkills.set(id, name ?? id)
    fillSkills()
  }
  skill.value = id
}

/** Reads the skills spines the node holds (a few pages) into the skill picker. */
async function loadSkills (): Promise<void> {
  const found: typeof spineSkills = []
  let cursor: string | null = null
  for (let i = 0; i < SPINE_PAGES; i++) {
    const params = new URLSearchParams({ limit: String(SPINE_PAGE) })
    if (cursor != null) params.set('cursor', cursor)
    const page: { spines: Array<{ document: { name?: unknown, skills?: unknown } }>, next?: string | null } = await api(`/api/spines?${params.toString()}`)
    for (const entry of page.spines) {
      const skills = Array.isArray(entry.document.skills) ? entry.document.skills as Array<{ id?: unknown, name?: unknown }> : []
      const list = skills.filter((k) => typeof k.id === 'string').map((k) => ({ id: k.id as string, name: typeof k.name === 'string' ? k.name : k.id as string }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en'))
      if (list.length > 0) found.push({ spine: typeof entry.document.name === 'string' ? entry.document.name : 'Skills', skills: list })
    }
    cursor = page.next ?? null
    if (cursor == null) break
  }
  spineSkills = found
  fillSkills()
}

/** The area picker: "Any area", then the areas of the map and of the results, in alphabetical order (the chosen one kept). */
function fillAreas (): void {
  const chosen = area.value
  const names = [...new Set([...outlineAreas, ...resultAreas, ...(chosen !== '' ? [chosen] : [])])].sort((a, b) => a.localeCompare(b, 'en'))
  fill(area, h('option', { value: '' }, 'Any area'), ...names.map((n) => h('option', { value: n }, n)))
  area.value = chosen
}

function setArea (name: string): void {
  if (name !== '' && ![...area.options].some((o) => o.value === name)) resultAreas.add(name)
  fillAreas()
  area.value = name
}

/** Reads the city's outline; the map draws it and its areas join the area picker. */
async function loadOutline (): Promise<void> {
  const geography = await api<Outline>('/api/geography')
  outline = Array.isArray(geography.features) && geography.features.length > 0 ? geography : null
  for (const f of geography.features ?? []) if (typeof f.properties?.name === 'string') outlineAreas.add(f.properties.name)
  fillAreas()
  // Only the map is drawn again: the list (and the focus in it) stays.
  if (current != null) showMap(ordered(current.results, current.search.center), current.search)
}

/** "(2 on)" beside "Filters": how many filters narrow the search (seen while they are folded). */
function countFilters (): void {
  const types = [...form.querySelectorAll<HTMLInputElement>('input[name="type"]')].filter((c) => c.checked).length
  const on = [skill.value !== '', area.value !== '', types > 0 && types < TYPES.length, where() !== 'anywhere'].filter(Boolean).length
  filterCount.textContent = on > 0 ? `(${on} on)` : ''
}

function fillPlaces (): void {
  const cities = PLACES.filter((p) => p.city == null)
  const areas = PLACES.filter((p) => p.city != null)
  fill(near,
    h('option', { value: '' }, 'Choose a place'),
    h('optgroup', { label: 'Towns and cities' }, ...cities.map((p) => h('option', { value: p.id }, p.name))),
    h('optgroup', { label: 'Areas of cities' }, ...areas.map((p) => h('option', { value: p.id }, placeLabel(p)))))
}

function invalid (field: HTMLElement, message: string): null {
  field.setAttribute('aria-invalid', 'true')
  if (filters.contains(field)) filters.open = true
  announce(message, 'error')
  field.focus()
  return null
}

function clearInvalid (): void {
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid')
}

/** The browser's location, asked once (the browser asks the person). */
async function locate (): Promise<Center> {
  if (myPosition != null) return myPosition
  if (!('geolocation' in navigator)) throw new Error('this browser cannot tell where you are')
  const position = await new Promise<GeolocationPosition>((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(resolve, reject, { timeout: GEOLOCATION_TIMEOUT_MS, maximumAge: 300_000 })
  }).catch((err: GeolocationPositionError) => {
    throw new Error(err.code === err.PERMISSION_DENIED ? 'you did not allow this page to know where you are' : err.code === err.TIMEOUT ? 'the browser took too long to find where you are' : 'the browser could not find where you are')
  })
  myPosition = { lat: position.coords.latitude, lon: position.coords.longitude, label: 'where you are' }
  return myPosition
}

/** The search the form describes, or null (with the reason said) when a field is wrong. */
async function searchFromForm (): Promise<Search | null> {
  clearInvalid()
  const params = new URLSearchParams()
  if (q.value.trim() !== '') params.set('q', q.value.trim())
  if (skill.value !== '') params.set('skill', skill.value)
  if (area.value !== '') params.set('area', area.value)
  const types = [...form.querySelectorAll<HTMLInputElement>('input[name="type"]')].filter((c) => c.checked).map((c) => c.value)
  if (types.length === 0) {
    const first = form.querySelector<HTMLInputElement>('input[name="type"]')
    return first != null ? invalid(first, 'Choose at least one kind of thing to look for.') : null
  }
  if (types.length < TYPES.length) params.set('type', types.join(','))

  let center: Center | undefined
  const choice = where()
  if (choice === 'place') {
    const place = placeById(near.value)
    if (place == null) return invalid(near, 'Choose a town or city to search near.')
    center = { lat: place.lat, lon: place.lon, label: placeLabel(place) }
  } else if (choice === 'coords') {
    const la = Number(lat.value)
    const lo = Number(lon.value)
    if (lat.value.trim() === '' || !Number.isFinite(la) || la < -90 || la > 90) return invalid(lat, 'The latitude must be a number of degrees from −90 to 90.')
    if (lon.value.trim() === '' || !Number.isFinite(lo) || lo < -180 || lo > 180) return invalid(lon, 'The longitude must be a number of degrees from −180 to 180.')
    center = { lat: la, lon: lo, label: `${la}, ${lo}` }
  } else if (choice === 'me') {
    announce('Asking your browser where you are…')
    try {
      center = await locate()
    } catch (err) {
      return invalid(byId('where-me'), `Your location is not available: ${messageOf(err)}. Choose a town or city, or type coordinates.`)
    }
  }
  let radius: number | undefined
  if (center != null) {
    radius = km.value.trim() === '' ? DEFAULT_KM : Number(km.value)
    if (!Number.isFinite(radius) || radius <= 0 || radius > 1000) return invalid(km, 'The distance must be a number of kilometres, more than 0 and at most 1000.')
    params.set('lat', String(round(center.lat)))
    params.set('lon', String(round(center.lon)))
    params.set('km', String(radius))
  }
  return { params, ...(center != null ? { center } : {}), ...(radius != null ? { km: radius } : {}) }
}

function round (degrees: number): number {
  return Math.round(degrees * 1e5) / 1e5
}

/** The page's own address for a search (what it shows can be bookmarked and shared; never your location). */
function pageQuery (search: Search): string {
  const params = new URLSearchParams(search.params)
  const choice = where()
  if (choice === 'place') {
    params.delete('lat'); params.delete('lon')
    params.set('near', near.value)
  } else if (choice === 'me') {
    params.delete('lat'); params.delete('lon'); params.delete('km')
  }
  const text = params.toString()
  return text === '' ? location.pathname : `${location.pathname}?${text}`
}

/** Sets the form from the page's address (a shared or bookmarked search). True when there is one to run. */
function formFromAddress (): boolean {
  const params = new URLSearchParams(location.search)
  if ([...params.keys()].length === 0) return false
  q.value = params.get('q') ?? ''
  setSkill(params.get('skill') ?? '')
  setArea(params.get('area') ?? '')
  const types = params.get('type')?.split(',')
  for (const c of form.querySelectorAll<HTMLInputElement>('input[name="type"]')) c.checked = types == null || types.includes(c.value)
  const placeId = params.get('near')
  if (placeId != null && placeById(placeId) != null) {
    near.value = placeId
    setWhere('place')
  } else if (params.get('lat') != null && params.get('lon') != null) {
    lat.value = params.get('lat') ?? ''
    lon.value = params.get('lon') ?? ''
    setWhere('coords')
  }
  if (params.get('km') != null) km.value = params.get('km') ?? ''
  // A search with filters shows them, on a phone too.
  if (['skill', 'area', 'type', 'near', 'lat'].some((name) => params.get(name) != null)) filters.open = true
  return true
}

// ---------------------------------------------------------------------------------------------
// Results

function distanceOf (result: Result, center: Center | undefined): number | undefined {
  if (typeof result.distanceKm === 'number') return result.distanceKm
  if (center == null || result.place == null || !Number.isFinite(result.place.lat) || !Number.isFinite(result.place.lon)) return undefined
  return distanceKm(center, result.place)
}

function distanceWords (value: number): string {
  return value < 0.1 ? 'under 0.1 km away' : `${formatDistance(value)} away`
}

function typeOf (result: Result): ResultType | undefined {
  return (TYPES as readonly string[]).includes(result.type) ? result.type as ResultType : undefined
}

function addressText (address: unknown): string | undefined {
  if (typeof address === 'string') return address
  if (address == null || typeof address !== 'object') return undefined
  const a = address as Record<string, unknown>
  const parts = ['streetAddress', 'addressLocality', 'postalCode'].map((k) => a[k]).filter((v): v is string => typeof v === 'string' && v !== '')
  return parts.length > 0 ? parts.join(', ') : undefined
}

function placeText (place: ResultPlace | undefined): string | undefined {
  if (place == null) return undefined
  const parts = [place.name, place.area].filter((v): v is string => typeof v === 'string' && v !== '')
  return parts.length > 0 ? parts.join(', ') : undefined
}

/** A detail view of one result, read from its signed document when opened. */
function detailsOf (result: Result): HTMLElement {
  const type = typeOf(result)
  const body = h('div', { class: 'detail-body' }, h('p', { class: 'muted' }, 'Open to read the details.'))
  const details = h('details', { class: 'detail' }, h('summary', {}, 'Details', h('span', { class: 'visually-hidden' }, ` of ${result.name}`)), body)
  let loaded = false
  details.addEventListener('toggle', () => {
    if (!details.open || loaded || type == null) return
    loaded = true
    void (async () => {
      // With its issuer: two issuers may publish documents with one id (docs/api.md).
      const path = `/api/${DOCUMENT_PATHS[type]}/${encodeURIComponent(result.id)}${result.issuer != null ? `?issuer=${encodeURIComponent(result.issuer)}` : ''}`
      fill(body, h('p', { class: 'muted' }, 'Loading…'))
      try {
        const entry = await api<{ achievement?: Record<string, unknown>, document?: Record<string, unknown>, issuer?: string }>(path)
        const document = entry.achievement ?? entry.document ?? {}
        fill(body, detailList(result, document), h('p', {}, h('a', { href: path, class: 'json-link' }, `The signed ${TYPE_WORDS[type].toLowerCase()} (JSON)`)))
      } catch (err) {
        loaded = false
        fill(body, h('p', { class: 'bad' }, `The details could not be read: ${messageOf(err)}`))
      }
    })()
  })
  if (type == null) fill(body, detailList(result, {}))
  return details
}

function text (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(text).filter((v) => v != null).join(', ') || undefined
  if (value != null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    return text(o.narrative ?? o.name ?? o.targetName ?? o['@value'])
  }
  return undefined
}

function detailList (result: Result, document: Record<string, unknown>): HTMLElement {
  const rows: Array<[string, string | Node]> = []
  const add = (term: string, value: string | undefined): void => { if (value != null && value !== '') rows.push([term, value]) }
  add('Description', text(document.description) ?? result.description)
  add('Criteria', text(document.criteria))
  add('Kind', result.kind ?? result.achievementType ?? text(document.achievementType) ?? text(document.kind))
  if (result.requiredCount != null) add('Achievements to complete it', String(result.requiredCount))
  add('Skills', result.skills != null && result.skills.length > 0 ? result.skills.map(skillName).join(', ') : text(document.alignment))
  add('Tags', result.tags?.join(', '))
  add('Place', placeText(result.place))
  add('Address', addressText(result.place?.address))
  if (result.place != null) add('Coordinates', `${result.place.lat}, ${result.place.lon}`)
  add('Starts', result.startDate ?? text(document.startDate))
  add('Ends', result.endDate ?? text(document.endDate))
  add('Apply by', result.applyBy ?? text(document.applyBy))
  if (result.issuer != null) rows.push(['Published by', h('span', { class: 'mono' }, result.issuer)])
  rows.push(['Id', h('span', { class: 'mono' }, result.id)])
  return h('dl', { class: 'facts' }, ...rows.flatMap(([t, v]) => [h('dt', {}, t), h('dd', {}, v)]))
}

function skillId (skill: ResultSkill | string): string {
  return typeof skill === 'string' ? skill : skill.id
}

function skillName (skill: ResultSkill | string): string {
  return typeof skill === 'string' ? skill : skill.name ?? skill.id
}

/** A skill chosen in a result: the same search, for that skill. */
async function searchBySkill (chosen: ResultSkill | string): Promise<void> {
  setSkill(skillId(chosen), skillName(chosen))
  filters.open = true
  await runSearch()
  byId('results-heading').focus()
}

function resultItem (result: Result, index: number, center: Center | undefined): HTMLLIElement {
  const type = typeOf(result)
  const distance = distanceOf(result, center)
  const where = placeText(result.place)
  return h('li', { class: 'result', id: `result-${index + 1}`, 'data-id': result.id, 'data-type': result.type },
    type === 'achievement' ? badgeElement(result.image, { name: result.name, issuer: result.issuer, size: 56, className: 'badge-float' }) : null,
    h('h3', { class: 'result-name', tabindex: '-1' }, result.name),
    h('p', { class: 'meta' },
      h('span', { class: `type-badge type-${type ?? 'other'}` }, type != null ? TYPE_WORDS[type] : result.type),
      result.kind != null ? h('span', {}, ` · ${result.kind}`) : null,
      distance != null ? h('span', {}, ' · ', h('strong', { class: 'distance' }, distanceWords(distance))) : null,
      where != null ? h('span', { class: 'place' }, ` · ${where}`) : null),
    result.description != null ? h('p', { class: 'description' }, result.description) : null,
    result.applyBy != null ? h('p', { class: 'dates' }, 'Apply by ', result.applyBy) : null,
    result.skills != null && result.skills.length > 0
      ? h('div', { class: 'skills' }, h('span', { class: 'muted', id: `skills-${index + 1}` }, 'Skills (search by one):'),
        h('ul', { 'aria-labelledby': `skills-${index + 1}` }, ...result.skills.map((s) => h('li', {},
          h('button', { type: 'button', class: 'skill', 'data-skill': skillId(s), title: `Search by the skill ${skillName(s)}`, onclick: () => { void searchBySkill(s) } }, skillName(s))))))
      : null,
    detailsOf(result))
}

/** The results in the order shown: nearest first when there is a search point (ties keep the node's order). */
function ordered (results: Result[], center: Center | undefined): Result[] {
  if (center == null) return results
  return results.map((r, i) => ({ r, i, d: distanceOf(r, center) ?? Infinity })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.r)
}

function render (firstNew: number): void {
  if (current == null) return
  const { search, results, total, next } = current
  const shown = ordered(results, search.center)
  fill(list, ...shown.map((r, i) => resultItem(r, i, search.center)))
  const count = total != null ? `${results.length} of ${total}` : String(results.length)
  const around = search.center != null ? ` within ${search.km ?? DEFAULT_KM} km of ${search.center.label}, nearest first` : ''
  fill(summary, results.length === 0
    ? `Nothing found${around.replace(', nearest first', '')}. Try fewer words, another skill, or a wider distance.`
    : `Showing ${count} result${(total ?? results.length) === 1 ? '' : 's'}${around}.`)
  more.hidden = next == null
  const areasBefore = resultAreas.size
  for (const r of results) if (typeof r.place?.area === 'string' && r.place.area !== '') resultAreas.add(r.place.area)
  if (resultAreas.size !== areasBefore) fillAreas()
  showMap(shown, search)
  section.hidden = false
  if (firstNew > 0) {
    // After "More results": focus the first result that was not there before.
    const newIds = new Set(results.slice(firstNew).map((r) => r.id))
    const index = shown.findIndex((r) => newIds.has(r.id))
    const heading = list.children[index]?.querySelector<HTMLElement>('.result-name')
    if (heading != null) focusResult(heading)
  }
}

// ---------------------------------------------------------------------------------------------
// The map (lib/map.ts): the city's outline, the search point and radius, a marker per result with
// a place, numbered as in the list; a marker focuses its result.

function showMap (results: Result[], search: Search): void {
  const placed = results.map((r, i) => ({ r, n: i + 1 })).filter(({ r }) => r.place != null && Number.isFinite(r.place.lat) && Number.isFinite(r.place.lon))
  if (placed.length === 0) {
    figure.hidden = true
    fill(mapBox)
    return
  }
  const points: MapPoint[] = placed.map(({ r, n }) => ({
    id: `result-${n}`,
    lat: (r.place as ResultPlace).lat,
    lon: (r.place as ResultPlace).lon,
    name: r.name,
    mark: String(n),
    kind: typeOf(r) ?? 'other'
  }))
  figure.hidden = false
  drawMap(mapBox, {
    label: search.center != null ? `Map of the results within ${search.km ?? DEFAULT_KM} km of ${search.center.label}` : 'Map of the results that have a place',
    outline,
    points,
    ...(search.center != null ? { focus: { lat: search.center.lat, lon: search.center.lon, label: search.center.label, ...(search.km != null ? { km: search.km } : {}) } } : {}),
    countWords: (count) => `${count} result${count === 1 ? '' : 's'}`,
    onSelect: (chosen) => {
      const heading = chosen.map((p) => document.getElementById(p.id)?.querySelector<HTMLElement>('.result-name')).find((e) => e != null)
      if (chosen.length > 1) announce(`${chosen.length} results at this spot: ${chosen.map((p) => `${p.mark ?? ''}. ${p.name}`).join('; ')}.`, 'info')
      if (heading != null) focusResult(heading)
    }
  })
  fill(caption, placed.length === results.length
    ? 'The numbers on the map are those of the list; a number focuses its result, a dark circle holds several (choose it to zoom in).'
    : `The numbers on the map are those of the list; ${results.length - placed.length} result${results.length - placed.length === 1 ? ' has' : 's have'} no place and ${results.length - placed.length === 1 ? 'is' : 'are'} not drawn.`)
}

// ---------------------------------------------------------------------------------------------
// Searching

/**
 * While a search runs its buttons say they are unavailable (aria-disabled: a second press does
 * nothing, see `busy`) but are not disabled, which would drop the focus of the button pressed.
 */
function setBusy (on: boolean): void {
  busy = on
  for (const button of [searchButton, more]) {
    if (on) button.setAttribute('aria-disabled', 'true')
    else button.removeAttribute('aria-disabled')
  }
  section.setAttribute('aria-busy', String(on))
}

async function fetchPage (search: Search, cursor: string | null): Promise<CataloguePage> {
  const params = new URLSearchParams(search.params)
  params.set('limit', String(PAGE_SIZE))
  if (cursor != null) params.set('cursor', cursor)
  return await api<CataloguePage>(`/api/catalogue?${params.toString()}`)
}

async function runSearch (): Promise<void> {
  if (busy) return
  const search = await searchFromForm()
  countFilters()
  if (search == null) return
  setBusy(true)
  announce('Searching…')
  try {
    const page = await fetchPage(search, null)
    current = { search, results: page.results, ...(page.total != null ? { total: page.total } : {}), next: page.next ?? null }
    history.replaceState(null, '', pageQuery(search))
    render(0)
    announce(summary.textContent ?? '', page.results.length > 0 ? 'success' : 'info')
  } catch (err) {
    announce(`The search did not work: ${messageOf(err)}`, 'error')
  } finally {
    setBusy(false)
  }
}

async function loadMore (): Promise<void> {
  if (busy || current?.next == null) return
  setBusy(true)
  announce('Loading more results…')
  try {
    const page = await fetchPage(current.search, current.next)
    const before = current.results.length
    const seen = new Set(current.results.map((r) => r.id))
    current.results.push(...page.results.filter((r) => !seen.has(r.id)))
    current.next = page.next ?? null
    if (page.total != null) current.total = page.total
    render(before)
    announce(`${current.results.length - before} more loaded. ${summary.textContent ?? ''}`, 'success')
  } catch (err) {
    announce(`More results could not be loaded: ${messageOf(err)}`, 'error')
  } finally {
    setBusy(false)
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  void runSearch()
})
more.addEventListener('click', () => { void loadMore() })
// Using a field of a choice chooses it.
near.addEventListener('change', () => { if (near.value !== '') setWhere('place') })
for (const field of [lat, lon]) field.addEventListener('input', () => { setWhere('coords') })
byId<HTMLInputElement>('where-me').addEventListener('change', () => {
  // Asked as soon as it is chosen, so that the browser's question comes from the person's action.
  void locate().then((p) => {
    announce(`Your location is known to this page: ${round(p.lat)}, ${round(p.lon)}. Search to see what is near.`, 'info')
  }, (err: unknown) => {
    announce(`Your location is not available: ${messageOf(err)}. Choose a town or city, or type coordinates.`, 'error')
  })
})

form.addEventListener('change', countFilters)

fillPlaces()
fillSkills()
fillAreas()
markReady() // the search form is wired; a search in the address runs next
if (formFromAddress()) void runSearch()
countFilters()
// The pickers' lists and the outline come while the form is already usable.
void loadSkills().catch((err: unknown) => {
  byId('skill-hint').textContent = `The skills of this node could not be read (${messageOf(err)}); choose a skill shown in a result.`
})
void loadOutline().catch(() => {
  // Without the outline the map shows the markers alone.
})
