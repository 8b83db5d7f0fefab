/**
 * The query part of the catalogue. A search drives from its smallest list of candidates (the
 * rarest word, the terms of the prefix, the skill's matches, the area, the cells of the radius,
 * the issuer, the types), tests every other filter per candidate, and keeps the best `limit` in a
 * heap.
 *
 * Order: by distance when a point is given; else by how many query words the name matches; then
 * by name, id (and issuer) and type. The cursor is that key of the last result (keyset paging: no
 * duplicates or gaps between pages while the catalogue does not change).
 *
 * Trust: given the issuers the node trusts (`search(query, { trusted })`), a search finds only
 * their documents, and a pathway's place and skills come from the trusted issuers' achievements,
 * unless the query says `untrusted`.
 */
import type { LatLon } from '@cofl/pathways'
import { CATALOGUE_TYPES, DEFAULT_CATALOGUE_LIMIT, MAX_CATALOGUE_LIMIT } from './constants.js'
import type { CatalogueType } from './constants.js'
import type { Entry } from './entries.js'
import { CatalogueError, CatalogueErrorCode } from './errors.js'
import { cellsNear, distanceOf, inArea } from './places.js'
import type { AchievementLookup } from './places.js'
import { resultSkills, skillMatches } from './skills.js'
import { EVERYONE } from './state.js'
import type { CatalogueState, Visible } from './state.js'
import { foldText, matchText } from './text.js'
import type { TextMatch } from './text.js'
import type { CataloguePage, CatalogueQuery, CatalogueResult, SearchOptions } from './types.js'
import { NONE } from './util.js'

/** The sort key of a result: primary number, then folded name, id (the entry's key: id, then issuer) and type. */
interface Key { p: number, s: string, i: string, t: number }
interface Hit extends Key { no: number, km: number | undefined }

const TYPE_NO: Record<CatalogueType, number> = { achievement: 0, pathway: 1, opportunity: 2 }

function compareKeys (a: Key, b: Key): number {
  return a.p - b.p || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) || (a.i < b.i ? -1 : a.i > b.i ? 1 : 0) || a.t - b.t
}

function encodeCursor (key: Key): string {
  return Buffer.from(JSON.stringify([key.p, key.s, key.i, key.t])).toString('base64url')
}

function decodeCursor (cursor: string): Key {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {}
  if (Array.isArray(value) && value.length === 4) {
    const [p, s, i, t] = value as unknown[]
    if (typeof p === 'number' && Number.isFinite(p) && typeof s === 'string' && typeof i === 'string' && typeof t === 'number' && [0, 1, 2].includes(t)) {
      return { p, s, i, t }
    }
  }
  throw new CatalogueError(CatalogueErrorCode.INPUT, 'the cursor is not one this node gave (start again without it)')
}

/** A max-heap of the `k` smallest hits. */
class TopK {
  readonly items: Hit[] = []
  constructor (readonly k: number) {}

  /** Whether a hit with this key would be kept. */
  wants (key: Key): boolean {
    return this.items.length < this.k || compareKeys(key, this.items[0] as Hit) < 0
  }

  add (hit: Hit): void {
    const h = this.items
    if (h.length < this.k) {
      h.push(hit)
      let i = h.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (compareKeys(h[i] as Hit, h[parent] as Hit) <= 0) break
        ;[h[i], h[parent]] = [h[parent] as Hit, h[i] as Hit]
        i = parent
      }
      return
    }
    h[0] = hit
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let largest = i
      if (l < h.length && compareKeys(h[l] as Hit, h[largest] as Hit) > 0) largest = l
      if (r < h.length && compareKeys(h[r] as Hit, h[largest] as Hit) > 0) largest = r
      if (largest === i) break
      ;[h[i], h[largest]] = [h[largest] as Hit, h[i] as Hit]
      i = largest
    }
  }

  sorted (): Hit[] {
    return [...this.items].sort(compareKeys)
  }
}

/** A query's checked parameters (a programmer's mistake is a TypeError, a cursor not given here a CatalogueError). */
interface Plan {
  limit: number
  after: Key | undefined
  types: Set<CatalogueType>
  near: CatalogueQuery['near']
  radius: number | undefined
  point: LatLon
}

function planOf (query: CatalogueQuery): Plan {
  if (query == null || typeof query !== 'object') throw new TypeError('query must be an object')
  const limit = query.limit ?? DEFAULT_CATALOGUE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CATALOGUE_LIMIT) throw new TypeError(`query.limit must be an integer from 1 to ${MAX_CATALOGUE_LIMIT}`)
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined
  const types = new Set<CatalogueType>(query.type !== undefined && query.type.length > 0 ? query.type : CATALOGUE_TYPES)
  const near = query.near
  if (near !== undefined && (!(Math.abs(near.lat) <= 90) || !(Math.abs(near.lon) <= 180) || (near.km !== undefined && !(near.km > 0)))) {
    throw new TypeError('query.near must have lat in [-90, 90], lon in [-180, 180] and a positive km')
  }
  return { limit, after, types, near, radius: near?.km, point: { lat: near?.lat ?? 0, lon: near?.lon ?? 0 } }
}

type Visit = (no: number) => void
type Drive = (visit: Visit) => void

/** The filters that have lists of candidates of their own. */
interface Candidates {
  text: TextMatch
  skillSet: Set<number> | undefined
  area: string | undefined
  issuer: string | undefined
}

/** The smallest list of candidates (its name, and how to walk it); every other filter is tested per candidate. */
function driverOf (state: CatalogueState, plan: Plan, c: Candidates, visible: Visible): { driver: string, drive: Drive } {
  const { entries } = state
  const { areas, issuers, byType, refs, cells } = state.postings
  const { types, near, radius } = plan
  let size = entries.length
  let drive: Drive = (visit) => { for (let no = 0; no < entries.length; no++) visit(no) }
  let driver = ''
  const consider = (name: string, n: number, run: Drive): void => {
    if (n < size) { size = n; drive = run; driver = name }
  }
  const withPathways = types.has('pathway')
  /** Visits the pathways that ask for the achievement `no` too (not the opportunities: they have places of their own), when the search may see it. */
  const andPathways = (visit: Visit, no: number): void => {
    visit(no)
    const e = entries[no]
    if (withPathways && e?.type === 'achievement' && visible(e.issuer)) for (const r of refs.get(e.id) ?? NONE) if (entries[r]?.type === 'pathway') visit(r)
  }
  const first = c.text.words[0]
  if (first !== undefined) consider('text', first.docs.length, (visit) => { for (const no of first.docs) visit(no) })
  const prefixTerms = c.text.prefixTerms
  if (prefixTerms !== undefined) {
    consider('prefix', prefixTerms.reduce((s, t) => s + t.docs.length, 0), (visit) => { for (const t of prefixTerms) for (const no of t.docs) visit(no) })
  }
  const skillSet = c.skillSet
  if (skillSet !== undefined) consider('skill', skillSet.size, (visit) => { for (const no of skillSet) visit(no) })
  if (c.area !== undefined) {
    const list = areas.get(c.area) ?? NONE
    consider('area', list.length * (withPathways ? 2 : 1), (visit) => { for (const no of list) andPathways(visit, no) })
  }
  if (near !== undefined && radius !== undefined) {
    const lists = cellsNear(cells, near.lat, near.lon, radius)
    consider('near', lists.reduce((s, l) => s + l.length, 0) * (withPathways ? 2 : 1), (visit) => {
      for (const list of lists) for (const no of list) andPathways(visit, no)
    })
  }
  if (c.issuer !== undefined) {
    const list = issuers.get(c.issuer) ?? NONE
    consider('issuer', list.length, (visit) => { for (const no of list) visit(no) })
  }
  if (types.size < CATALOGUE_TYPES.length) {
    const lists = [...types].map((t) => byType[t])
    consider('type', lists.reduce((s, l) => s + l.length, 0), (visit) => { for (const list of lists) for (const no of list) visit(no) })
  }
  return { driver, drive }
}

/** A page of results of the query (CatalogueIndex.search). */
export function search (state: CatalogueState, query: CatalogueQuery, options: SearchOptions = {}): CataloguePage {
  const trusted = options.trusted
  const visible: Visible = trusted === undefined || query?.untrusted === true ? EVERYONE : (issuer) => trusted.has(issuer)
  const plan = planOf(query)
  const empty: CataloguePage = { results: [], total: 0, next: null }
  const mark = state.marks.next(state.text)

  // Text: the terms of the complete words; the terms that start with the last word.
  const text = matchText(state.text, query.q ?? '', mark)
  if (text === undefined) return empty
  const skillSet = query.skill !== undefined ? skillMatches(state, query.skill, visible) : undefined
  if (skillSet?.size === 0) return empty
  const area = query.area !== undefined ? foldText(query.area.trim()) : undefined
  const issuer = query.issuer
  const { driver, drive } = driverOf(state, plan, { text, skillSet, area, issuer }, visible)

  const { entries } = state
  const seen = state.marks.seen
  const { textual, words, prefixTerms } = text
  const { limit, after, types, near, radius, point } = plan
  const achievementOf: AchievementLookup = (id) => state.achievementOf(id, visible)
  // What the driver gives is in the area already: achievements and opportunities of its list,
  // pathways that ask for one of them.
  const areaTest = driver === 'area' ? undefined : area
  let total = 0
  let remaining = 0
  const top = new TopK(limit)
  const key: Key = { p: 0, s: '', i: '', t: 0 }
  drive((no) => {
    if (seen[no] === mark) return
    seen[no] = mark
    const e = entries[no]
    if (e === undefined || !types.has(e.type)) return
    if (issuer !== undefined && e.issuer !== issuer) return
    if (!visible(e.issuer)) return
    for (const w of words) if (!e.terms.includes(w)) return
    if (prefixTerms !== undefined && !e.terms.some((t) => t.mark === mark)) return
    if (skillSet !== undefined && !skillSet.has(no)) return
    if (areaTest !== undefined && !inArea(e, areaTest, achievementOf)) return
    let km: number | undefined
    if (near !== undefined) {
      km = distanceOf(e, point, achievementOf)
      if (radius !== undefined && (km === undefined || km > radius)) return
    }
    total++
    // Nearest first; else the most query words in the name; without a place, last.
    if (near !== undefined) key.p = km ?? Number.MAX_VALUE
    else if (textual) {
      let score = 0
      for (const w of words) if (e.nameTerms.includes(w)) score++
      if (prefixTerms !== undefined && e.nameTerms.some((t) => t.mark === mark)) score++
      key.p = -score
    } else key.p = 0
    key.s = e.sortName
    key.i = e.key
    key.t = TYPE_NO[e.type]
    if (after !== undefined && compareKeys(key, after) <= 0) return
    remaining++
    if (top.wants(key)) top.add({ ...key, no, km })
  })

  const hits = top.sorted()
  const results = hits.map((h) => resultOf(state, entries[h.no] as Entry, h.km, visible))
  const last = hits[hits.length - 1]
  return { results, total, next: last !== undefined && remaining > hits.length ? encodeCursor(last) : null }
}

function resultOf (state: CatalogueState, e: Entry, km: number | undefined, visible: Visible): CatalogueResult {
  const r: CatalogueResult = { type: e.type, id: e.id, name: e.name, issuer: e.issuer, skills: [] }
  if (e.excerpt !== undefined) r.description = e.excerpt
  if (e.place !== undefined) r.place = { ...e.place, ...(e.place.address !== undefined ? { address: { ...e.place.address } } : {}) }
  if (km !== undefined) r.distanceKm = Math.round(km * 1000) / 1000
  r.skills = resultSkills(state, e, visible)
  if (e.kind !== undefined) r.kind = e.kind
  if (e.requiredCount !== undefined) r.requiredCount = e.requiredCount
  if (e.achievementType !== undefined) r.achievementType = e.achievementType
  if (e.image !== undefined) r.image = e.image
  if (e.tags !== undefined) r.tags = [...e.tags]
  if (e.startDate !== undefined) r.startDate = e.startDate
  if (e.endDate !== undefined) r.endDate = e.endDate
  if (e.applyBy !== undefined) r.applyBy = e.applyBy
  return r
}
