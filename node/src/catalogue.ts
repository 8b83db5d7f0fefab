/**
 * The catalogue search of a city node: an in-memory index over the achievements, pathways and
 * opportunities of the store (the node's own and those replicated from the network), kept current
 * through `service.onDocument`. GET /api/catalogue (routes/catalogue.ts) answers from it.
 *
 * What it holds per document is only what a result shows and what the filters read (never the
 * whole signed document), under an internal number. Documents are kept per (issuer, id), as in
 * the store: two issuers' documents with one id are two entries. A newer version of an issuer's
 * document (higher sequence) gets a new number and the old one is dropped from the entries; the posting lists keep the old
 * number until a compaction (when dropped numbers outnumber the live ones), and every query skips
 * numbers that no longer name an entry.
 *
 * - Text: an inverted index token -> numbers, tokens folded to lower case without accents
 *   (NFKD, combining marks removed, ø æ œ ß ł đ þ spelt out). Every word of the query must match;
 *   the last one also as a prefix unless the query ends with a space (a sorted token list gives
 *   the tokens of a prefix). A few English stop words are dropped from the query.
 * - Skill: alignment targetUrl, targetCode and framework + code of achievements, theme skills of
 *   pathways; a skill of a skills spine also matches alignments by its framework and code.
 *   Pathways and opportunities match through the achievements they ask for.
 * - Place: a grid of GRID_DEGREES cells over latitude and longitude; a radius query visits only
 *   the cells that the spherical cap can touch, then measures the great-circle distance. A pathway
 *   is as near as the nearest of its achievements, and in the areas of its achievements.
 * - Order: by distance when a point is given; else by how many query words the name matches;
 *   then by name, id (and issuer) and type. The cursor is that key of the last result (keyset
 *   paging: no duplicates or gaps between pages while the catalogue does not change).
 * - Trust: given the issuers the node trusts (`search(query, { trusted })`), a search finds only
 *   their documents, and a pathway's place and skills come from the trusted issuers'
 *   achievements, unless the query says `untrusted` (docs/api.md, GET /api/catalogue).
 *
 * @example
 * ```ts
 * const catalogue = createCatalogueIndex()
 * service.onDocument((stored) => catalogue.put(stored))
 * await catalogue.load(service.store)
 * const page = catalogue.search({ q: 'coding brist', near: { lat: 51.45, lon: -2.59, km: 10 } }, { trusted: new Set([cityDid]) })
 * ```
 */
import { distanceKm, EARTH_RADIUS_KM, MAX_LIST_LENGTH, MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES } from '@cofl/pathways'
import type { LatLon } from '@cofl/pathways'
import type { Store, StoredDocument } from '@cofl/store'
import { InputError } from './errors.js'

/** What the catalogue holds, in the order of ties. */
export const CATALOGUE_TYPES = ['achievement', 'pathway', 'opportunity'] as const
export type CatalogueType = typeof CATALOGUE_TYPES[number]

/** Results per page when a query does not say. */
export const DEFAULT_CATALOGUE_LIMIT = 20

/** The most results of one page. */
export const MAX_CATALOGUE_LIMIT = 100

/** Characters of a description shown in a result (more ends with '…'). */
export const CATALOGUE_EXCERPT_CHARS = 200

/** The most skills listed in one result. */
export const MAX_RESULT_SKILLS = 20

/** Characters of one text field that are indexed (a description longer than this is cut). */
export const MAX_INDEXED_FIELD_CHARS = 5000

/** Side of a cell of the place grid, in degrees of latitude and longitude (0.1° ≈ 11 km × 7 km in the UK). */
export const GRID_DEGREES = 0.1

/** The largest search radius (km): half the Earth's circumference (20,016 km), i.e. everywhere. */
export const MAX_RADIUS_KM = Math.ceil(Math.PI * EARTH_RADIUS_KM)

/** The most achievement ids, skills or tags read from one list of a document (as @cofl/pathways validates them). */
const MAX_REFS = MAX_LIST_LENGTH

/** Dropped from queries (not from the index): "health and safety" finds "Health & Safety". */
const STOP_WORDS = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with'])

export interface CataloguePlace {
  name?: string
  area?: string
  address?: Record<string, string>
  lat: number
  lon: number
}

export interface CatalogueQuery {
  /** Free text: every word must match (the last also as a prefix). */
  q?: string
  /** A spine skill id, an alignment's targetUrl or targetCode. */
  skill?: string
  /** Sort by distance from this point; with `km`, only what lies within `km` of it. */
  near?: { lat: number, lon: number, km?: number }
  /** `place.area`, exact but for case and accents. */
  area?: string
  /** Only these types (all when absent or empty). */
  type?: readonly CatalogueType[]
  /** Only documents of this issuer (DID). */
  issuer?: string
  /** Also documents of issuers this node does not trust (SearchOptions.trusted); default false. */
  untrusted?: boolean
  /** 1 to MAX_CATALOGUE_LIMIT; default DEFAULT_CATALOGUE_LIMIT. */
  limit?: number
  /** The `next` of the previous page. */
  cursor?: string
}

export interface CatalogueSkill {
  /** The spine skill id, else the alignment's targetUrl, else `framework:code`, else its name. */
  id: string
  name?: string
}

export interface CatalogueResult {
  type: CatalogueType
  id: string
  name: string
  /** The start of the description. */
  description?: string
  issuer: string
  place?: CataloguePlace
  /** From the query's point (km, to the metre); for a pathway, to its nearest achievement. */
  distanceKm?: number
  skills: CatalogueSkill[]
  /** Pathway: destination | interest; opportunity: interview, apprenticeship, internship, course. */
  kind?: string
  /** Pathway: the fewest achievements that complete it (interest: its suggested achievements). */
  requiredCount?: number
  achievementType?: string
  tags?: string[]
  /** Opportunity dates (ISO 8601). */
  startDate?: string
  endDate?: string
  applyBy?: string
}

export interface CataloguePage {
  results: CatalogueResult[]
  /** How many documents match the query (all pages). */
  total: number
  /** The cursor of the next page, null after the last one. */
  next: string | null
}

export interface CatalogueStats {
  achievements: number
  pathways: number
  opportunities: number
  spineSkills: number
  /** Distinct tokens of the text index. */
  tokens: number
  /** Grid cells holding at least one place. */
  cells: number
}

export interface CatalogueIndex {
  /**
   * Adds a stored document (achievement, pathway, opportunity; a skills spine for skill names and
   * codes), or replaces the version held when this one's sequence is higher. Other kinds and
   * older versions are ignored. Returns whether the index changed.
   */
  put: (stored: StoredDocument) => boolean
  /** Puts every achievement, pathway, opportunity and spine of the store. */
  load: (store: Store) => Promise<void>
  /**
   * A page of results. An invalid cursor is an InputError (COFL_ERR_INPUT); a bad limit a TypeError.
   * With `options.trusted`, only those issuers' documents, unless the query asks for `untrusted`.
   */
  search: (query: CatalogueQuery, options?: SearchOptions) => CataloguePage
  stats: () => CatalogueStats
}

/** A token of the text index and the numbers of the entries that hold it. */
interface Term {
  token: string
  docs: number[]
  /** The query that last selected this term as a prefix match. */
  mark: number
  /** The document that last took this term (each document takes a term once). */
  taken: number
}

interface Alignment {
  url?: string
  name?: string
  framework?: string
  code?: string
}

/** What a search may see beside its query. */
export interface SearchOptions {
  /** The issuers this node trusts (its trust graph): only their documents are found, unless the query says `untrusted`. */
  trusted?: ReadonlySet<string>
}

interface Entry {
  no: number
  type: CatalogueType
  id: string
  /** `id U+0000 issuer`: two issuers' documents with one id are two entries (documents are kept per (issuer, id)). */
  key: string
  issuer: string
  sequence: number
  name: string
  /** The folded name (its first 100 characters), the order of results after the score. */
  sortName: string
  nameTerms: readonly Term[]
  terms: readonly Term[]
  excerpt?: string
  place?: CataloguePlace
  cell?: number
  /** The folded area of the place. */
  area?: string
  /** Keys of the skill index: alignment url / code / framework + code; a pathway's theme skills. */
  skillKeys: readonly string[]
  alignment: readonly Alignment[]
  themeSkills: readonly string[]
  /** Achievement ids: a pathway's requirements and suggestions, an opportunity's asks. */
  refs: readonly string[]
  /** An opportunity's pathway. */
  pathwayRef?: string
  kind?: string
  requiredCount?: number
  achievementType?: string
  tags?: readonly string[]
  startDate?: string
  endDate?: string
  applyBy?: string
}

interface SpineSkillInfo { name?: string, framework?: string, code?: string }

/** The sort key of a result: primary number, then folded name, id (the entry's key: id, then issuer) and type. */
interface Key { p: number, s: string, i: string, t: number }
interface Hit extends Key { no: number, km: number | undefined }

const TYPE_NO: Record<CatalogueType, number> = { achievement: 0, pathway: 1, opportunity: 2 }
const NONE: readonly never[] = Object.freeze([])
const RAD = Math.PI / 180
const LAT_CELLS = Math.ceil(180 / GRID_DEGREES) + 1
const LON_CELLS = Math.round(360 / GRID_DEGREES)
const FOLDED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', þ: 'th', ð: 'd', ı: 'i' }

// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007f]/

/** Lower case, accents removed: what both the index and the queries compare. */
export function foldText (text: string): string {
  if (!NOT_ASCII.test(text)) return text.toLowerCase()
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[øæœßłđþðı]/g, (c) => FOLDED[c] ?? c)
}

/** The folded words of a text, in order (duplicates kept). */
export function tokenize (text: string): string[] {
  const folded = foldText(text)
  return folded.split(NOT_ASCII.test(folded) ? /[^\p{L}\p{N}]+/u : /[^a-z0-9]+/).filter((t) => t !== '')
}

function str (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The text of a value (a string, a language map, an array of either). */
function textOf (value: unknown, depth = 0): string {
  if (typeof value === 'string') return value
  if (depth > 3) return ''
  if (Array.isArray(value)) return value.map((v) => textOf(v, depth + 1)).join(' ')
  if (value != null && typeof value === 'object') return Object.values(value).map((v) => textOf(v, depth + 1)).join(' ')
  return ''
}

function strings (value: unknown, max = MAX_REFS): string[] {
  if (!Array.isArray(value)) return []
  const out = new Set<string>()
  for (const v of value) {
    if (typeof v === 'string' && v !== '') out.add(v)
    if (out.size >= max) break
  }
  return [...out]
}

function cellOf (lat: number, lon: number): number {
  const latIdx = Math.floor((lat + 90) / GRID_DEGREES)
  const lonIdx = ((Math.floor((lon + 180) / GRID_DEGREES) % LON_CELLS) + LON_CELLS) % LON_CELLS
  return latIdx * LON_CELLS + lonIdx
}

const ADDRESS_FIELDS = ['streetAddress', 'postalCode', 'addressLocality', 'addressRegion', 'addressCountry'] as const

function placeOf (value: unknown, intern: (s: string) => string): CataloguePlace | undefined {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const p = value as Record<string, unknown>
  const { lat, lon } = p
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return undefined
  const place: CataloguePlace = { lat, lon }
  const name = str(p.name)
  const area = str(p.area)
  if (name !== undefined) place.name = intern(name)
  if (area !== undefined) place.area = intern(area)
  if (p.address != null && typeof p.address === 'object') {
    const address: Record<string, string> = {}
    for (const k of ADDRESS_FIELDS) {
      const v = str((p.address as Record<string, unknown>)[k])
      if (v !== undefined) address[k] = intern(v)
    }
    if (Object.keys(address).length > 0) place.address = address
  }
  return place
}

function excerptOf (text: string): string | undefined {
  const t = text.trim()
  if (t === '') return undefined
  if (t.length <= CATALOGUE_EXCERPT_CHARS) return t
  const cut = t.slice(0, CATALOGUE_EXCERPT_CHARS)
  const space = cut.lastIndexOf(' ')
  return `${(space > CATALOGUE_EXCERPT_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/** The readable part of a skill id for the text index: what follows its last '/', '#' or ':'. */
function skillLabel (id: string): string {
  const m = /[^/#:]*$/.exec(id)
  return m?.[0] ?? id
}

/** "LearningProgram" -> "LearningProgram Learning Program". */
function splitCamel (text: string): string {
  return `${text} ${text.replace(/([a-z])([A-Z])/g, '$1 $2')}`
}

/**
 * The fewest achievements that complete a requirement tree, and its leaves; undefined for a tree
 * that is not one (a wrong shape, deeper than 8 levels, more than 1,000 nodes).
 */
function readRequirements (node: unknown, leaves: Set<string>, depth = 1, state = { nodes: 0 }): number | undefined {
  if (++state.nodes > MAX_REQUIREMENT_NODES) return undefined
  if (typeof node === 'string') { leaves.add(node); return 1 }
  if (node == null || typeof node !== 'object' || depth > MAX_REQUIREMENT_DEPTH) return undefined
  const n = node as Record<string, unknown>
  let list: unknown
  let need: number | undefined
  if (Array.isArray(n.allOf)) list = n.allOf
  else if (Array.isArray(n.anyOf)) { list = n.anyOf; need = 1 } else if (n.nOf != null && typeof n.nOf === 'object') {
    const body = n.nOf as Record<string, unknown>
    list = body.of
    need = typeof body.n === 'number' && Number.isInteger(body.n) ? body.n : undefined
    if (need === undefined) return undefined
  }
  if (!Array.isArray(list) || list.length === 0) return undefined
  const costs: number[] = []
  for (const child of list) {
    const c = readRequirements(child, leaves, depth + 1, state)
    if (c === undefined) return undefined
    costs.push(c)
  }
  need ??= costs.length
  if (need < 1 || need > costs.length) return undefined
  return costs.sort((a, b) => a - b).slice(0, need).reduce((s, c) => s + c, 0)
}

/** The key of a document in the index: its id and issuer (U+0000 between them, as in the store). */
function entryKey (stored: StoredDocument): string {
  return `${stored.id}\u0000${stored.issuer}`
}

function push<K, V> (map: Map<K, V[]>, key: K, no: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [no])
  else list.push(no)
}

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
  throw new InputError('the cursor is not one this node gave (start again without it)')
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

/** Creates an empty catalogue index. */
export function createCatalogueIndex (): CatalogueIndex {
  let entries: Array<Entry | undefined> = []
  let live = 0
  // By entry key (entryKey: id and issuer).
  const ids: Record<CatalogueType, Map<string, number>> = { achievement: new Map(), pathway: new Map(), opportunity: new Map() }
  // Achievement id -> the keys of the entries with that id (one per issuer).
  const achievementKeys = new Map<string, string[]>()
  // Whose documents the search under way may show (search() sets it; between searches, everyone's).
  let visible: (issuer: string) => boolean = () => true
  const terms = new Map<string, Term>()
  let sortedTokens: string[] = []
  let newTokens: string[] = []
  let skills = new Map<string, number[]>()
  let cells = new Map<number, number[]>()
  let areas = new Map<string, number[]>()
  let issuers = new Map<string, number[]>()
  let byType: Record<CatalogueType, number[]> = { achievement: [], pathway: [], opportunity: [] }
  /** Achievement id -> pathways and opportunities that ask for it; pathway id -> opportunities. */
  let refs = new Map<string, number[]>()
  let pathwayRefs = new Map<string, number[]>()
  let seen = new Uint32Array(1024)
  let epoch = 0

  // Skills spines: skill id -> name, framework, code; and back from codes to skill ids.
  const spines = new Map<string, { sequence: number, skills: Array<SpineSkillInfo & { id: string }> }>()
  let spineSkills = new Map<string, SpineSkillInfo>()
  let spineByCode = new Map<string, string[]>()
  let spineByFrameworkCode = new Map<string, string>()

  function rebuildSpines (): void {
    spineSkills = new Map()
    spineByCode = new Map()
    spineByFrameworkCode = new Map()
    for (const spine of spines.values()) {
      for (const s of spine.skills) {
        spineSkills.set(s.id, s)
        if (s.code !== undefined) {
          const list = spineByCode.get(s.code) ?? []
          if (!list.includes(s.id)) list.push(s.id)
          spineByCode.set(s.code, list)
          if (s.framework !== undefined) spineByFrameworkCode.set(`${s.framework}\u0000${s.code}`, s.id)
        }
      }
    }
  }

  function putSpine (stored: StoredDocument): boolean {
    const held = spines.get(entryKey(stored))
    if (held !== undefined && held.sequence >= stored.sequence) return false
    const list = Array.isArray(stored.document.skills) ? stored.document.skills as unknown[] : []
    const skills: Array<SpineSkillInfo & { id: string }> = []
    for (const s of list.slice(0, MAX_REFS)) {
      if (s == null || typeof s !== 'object') continue
      const o = s as Record<string, unknown>
      const id = str(o.id)
      if (id === undefined) continue
      const name = str(o.name)
      const framework = str(o.targetFramework)
      const code = str(o.targetCode)
      skills.push({ id, ...(name !== undefined ? { name } : {}), ...(framework !== undefined ? { framework } : {}), ...(code !== undefined ? { code } : {}) })
    }
    spines.set(entryKey(stored), { sequence: stored.sequence, skills })
    rebuildSpines()
    return true
  }

  let takings = 0
  function termsOf (texts: string[]): readonly Term[] {
    const out: Term[] = []
    const taking = ++takings
    for (const text of texts) {
      for (const token of tokenize(text.length > MAX_INDEXED_FIELD_CHARS ? text.slice(0, MAX_INDEXED_FIELD_CHARS) : text)) {
        let term = terms.get(token)
        if (term === undefined) {
          term = { token, docs: [], mark: 0, taken: 0 }
          terms.set(token, term)
          newTokens.push(token)
        }
        if (term.taken === taking) continue
        term.taken = taking
        out.push(term)
      }
    }
    // Kept per entry: an exact copy (a pushed-to array keeps room to grow).
    return out.length === 0 ? NONE : out.slice()
  }

  // One copy of each repeated value (issuers, skills, tags, areas, names...) for all entries.
  const pool = new Map<string, string>()
  function intern (value: string): string {
    const held = pool.get(value)
    if (held !== undefined) return held
    pool.set(value, value)
    return value
  }

  /** What the index keeps of a document. */
  function entryOf (type: CatalogueType, stored: StoredDocument, sequence: number, no: number): Entry {
    const d = stored.document
    const name = intern(textOf(d.name).trim() || stored.id)
    const description = textOf(d.description)
    const texts = [name, description]
    const entry: Entry = {
      no,
      type,
      id: stored.id,
      key: entryKey(stored),
      issuer: intern(stored.issuer),
      sequence,
      name,
      sortName: intern(foldText(name).slice(0, 100)),
      nameTerms: NONE,
      terms: NONE,
      skillKeys: NONE,
      alignment: NONE,
      themeSkills: NONE,
      refs: NONE,
      // Every field from the start: one shape for all entries.
      excerpt: undefined,
      place: undefined,
      cell: undefined,
      area: undefined,
      pathwayRef: undefined,
      kind: undefined,
      requiredCount: undefined,
      achievementType: undefined,
      tags: undefined,
      startDate: undefined,
      endDate: undefined,
      applyBy: undefined
    }
    const excerpt = excerptOf(description)
    if (excerpt !== undefined) entry.excerpt = excerpt
    // A pathway is where its achievements are (inArea, distances): a place of its own is not read.
    const place = type === 'pathway' ? undefined : placeOf(d.place, intern)
    if (place !== undefined) {
      entry.place = place
      entry.cell = cellOf(place.lat, place.lon)
      if (place.area !== undefined) entry.area = intern(foldText(place.area))
    }
    if (type === 'achievement') {
      const tags = strings(d.tag, 100).map(intern)
      if (tags.length > 0) entry.tags = tags
      texts.push(...tags)
      const achievementType = str(d.achievementType)
      if (achievementType !== undefined) {
        entry.achievementType = intern(achievementType)
        texts.push(splitCamel(achievementType.replace(/^ext:/, '')))
      }
      const alignment: Alignment[] = []
      const keys = new Set<string>()
      for (const a of Array.isArray(d.alignment) ? (d.alignment as unknown[]).slice(0, 100) : []) {
        if (a == null || typeof a !== 'object') continue
        const o = a as Record<string, unknown>
        const al: Alignment = {}
        const url = internIf(str(o.targetUrl))
        const aName = internIf(str(o.targetName))
        const framework = internIf(str(o.targetFramework))
        const code = internIf(str(o.targetCode))
        if (url !== undefined) { al.url = url; keys.add(url) }
        if (aName !== undefined) { al.name = aName; texts.push(aName) }
        if (framework !== undefined) al.framework = framework
        if (code !== undefined) {
          al.code = code
          keys.add(code)
          texts.push(code)
          if (framework !== undefined) keys.add(intern(`${framework}\u0000${code}`))
        }
        if (url !== undefined || aName !== undefined || code !== undefined) alignment.push(al)
      }
      if (alignment.length > 0) entry.alignment = alignment.slice()
      if (keys.size > 0) entry.skillKeys = [...keys]
    } else if (type === 'pathway') {
      const kind = internIf(str(d.kind))
      if (kind !== undefined) entry.kind = kind
      const leaves = new Set<string>()
      if (kind === 'interest') {
        const theme = d.theme != null && typeof d.theme === 'object' ? d.theme as Record<string, unknown> : {}
        const themeSkills = strings(theme.skills).map(intern)
        const themeTags = strings(theme.tags).map(intern)
        if (themeSkills.length > 0) entry.themeSkills = entry.skillKeys = themeSkills
        if (themeTags.length > 0) entry.tags = themeTags
        texts.push(...themeTags, ...themeSkills.map(skillLabel))
        const suggested = strings(d.suggested)
        for (const id of suggested) leaves.add(id)
        entry.requiredCount = suggested.length
      } else {
        const required = readRequirements(d.requirements, leaves)
        if (required === undefined) leaves.clear()
        else entry.requiredCount = required
      }
      if (leaves.size > 0) entry.refs = [...leaves].slice(0, MAX_REFS)
    } else {
      const kind = internIf(str(d.kind))
      if (kind !== undefined) { entry.kind = kind; texts.push(kind) }
      const asks = d.asks != null && typeof d.asks === 'object' ? d.asks as Record<string, unknown> : {}
      const achievementIds = strings(asks.achievementIds)
      if (achievementIds.length > 0) entry.refs = achievementIds
      const pathwayId = str(asks.pathwayId)
      if (pathwayId !== undefined) entry.pathwayRef = pathwayId
      for (const k of ['startDate', 'endDate', 'applyBy'] as const) {
        const v = internIf(str(d[k]))
        if (v !== undefined) entry[k] = v
      }
    }
    entry.nameTerms = termsOf([name])
    entry.terms = termsOf(texts)
    return entry
  }

  function internIf (value: string | undefined): string | undefined {
    return value === undefined ? undefined : intern(value)
  }

  /** Adds an entry's number to every posting list it belongs to. */
  function post (e: Entry): void {
    for (const t of e.terms) t.docs.push(e.no)
    for (const k of e.skillKeys) push(skills, k, e.no)
    if (e.cell !== undefined) push(cells, e.cell, e.no)
    if (e.area !== undefined) push(areas, e.area, e.no)
    push(issuers, e.issuer, e.no)
    byType[e.type].push(e.no)
    for (const id of e.refs) push(refs, id, e.no)
    if (e.pathwayRef !== undefined) push(pathwayRefs, e.pathwayRef, e.no)
  }

  /** Renumbers the live entries and rebuilds every posting list without the dropped numbers. */
  function compact (): void {
    const kept = entries.filter((e): e is Entry => e !== undefined)
    entries = kept
    for (const term of terms.values()) term.docs = []
    skills = new Map()
    cells = new Map()
    areas = new Map()
    issuers = new Map()
    byType = { achievement: [], pathway: [], opportunity: [] }
    refs = new Map()
    pathwayRefs = new Map()
    kept.forEach((e, no) => {
      e.no = no
      ids[e.type].set(e.key, no)
      post(e)
    })
    for (const [token, term] of terms) if (term.docs.length === 0) terms.delete(token)
    sortedTokens = [...terms.keys()].sort()
    newTokens = []
  }

  function put (stored: StoredDocument): boolean {
    if (stored == null || typeof stored !== 'object' || typeof stored.id !== 'string' || stored.document == null || typeof stored.document !== 'object') return false
    if (stored.kind === 'spine') return putSpine(stored)
    const type: CatalogueType | undefined = stored.kind === 'achievement' ? 'achievement' : stored.kind === 'pathway' ? 'pathway' : stored.kind === 'opportunity' ? 'opportunity' : undefined
    if (type === undefined) return false
    const sequence = typeof stored.sequence === 'number' ? stored.sequence : 0
    const heldNo = ids[type].get(entryKey(stored))
    if (heldNo !== undefined) {
      if ((entries[heldNo] as Entry).sequence >= sequence) return false
      entries[heldNo] = undefined
      live--
    }
    const no = entries.length
    const entry = entryOf(type, stored, sequence, no)
    entries.push(entry)
    ids[type].set(entry.key, no)
    if (type === 'achievement' && heldNo === undefined) push(achievementKeys, entry.id, entry.key)
    live++
    post(entry)
    if (no >= seen.length) {
      const bigger = new Uint32Array(Math.max(seen.length * 2, no + 1))
      bigger.set(seen)
      seen = bigger
    }
    const dropped = entries.length - live
    if (dropped > 1000 && dropped > live) compact()
    return true
  }

  async function load (store: Store): Promise<void> {
    for await (const stored of store.spines.values()) put(stored)
    for await (const stored of store.achievements.values()) put(stored)
    for await (const stored of store.pathways.values()) put(stored)
    for await (const stored of store.opportunities.values()) put(stored)
  }

  /** The terms whose token starts with `prefix` (the sorted token list is brought up to date first). */
  function termsWithPrefix (prefix: string): Term[] {
    if (newTokens.length > 0) {
      if (newTokens.length > 64) {
        sortedTokens = [...terms.keys()].sort()
      } else {
        for (const token of newTokens) {
          if (!terms.has(token)) continue
          sortedTokens.splice(lowerBound(sortedTokens, token), 0, token)
        }
      }
      newTokens = []
    }
    const out: Term[] = []
    for (let i = lowerBound(sortedTokens, prefix); i < sortedTokens.length; i++) {
      const token = sortedTokens[i] as string
      if (!token.startsWith(prefix)) break
      const term = terms.get(token)
      if (term !== undefined) out.push(term)
    }
    return out
  }

  /** The keys of the skill index that a queried skill stands for. */
  function skillKeysOf (skill: string): string[] {
    const keys = new Set([skill])
    const s = spineSkills.get(skill)
    if (s?.framework !== undefined && s.code !== undefined) keys.add(`${s.framework}\u0000${s.code}`)
    for (const id of spineByCode.get(skill) ?? []) {
      keys.add(id)
      const other = spineSkills.get(id)
      if (other?.framework !== undefined && other.code !== undefined) keys.add(`${other.framework}\u0000${other.code}`)
    }
    return [...keys]
  }

  /** The numbers of everything that matches a skill: directly, or through the achievements (and pathways) it asks for. */
  function skillMatches (skill: string): Set<number> {
    const out = new Set<number>()
    for (const key of skillKeysOf(skill)) for (const no of skills.get(key) ?? NONE) if (entries[no] !== undefined) out.add(no)
    for (const no of [...out]) {
      const e = entries[no] as Entry
      if (e.type === 'achievement' && visible(e.issuer)) for (const r of refs.get(e.id) ?? NONE) if (entries[r] !== undefined) out.add(r)
    }
    const pathways: Entry[] = []
    for (const no of out) if ((entries[no] as Entry).type === 'pathway') pathways.push(entries[no] as Entry)
    for (const p of pathways) for (const r of pathwayRefs.get(p.id) ?? NONE) if (entries[r] !== undefined) out.add(r)
    return out
  }

  /**
   * The achievement with this id that a document refers to: of the issuers with an achievement
   * of that id, the first the search at hand may see (`visible`).
   */
  function achievementOf (id: string): Entry | undefined {
    for (const key of achievementKeys.get(id) ?? NONE) {
      const no = ids.achievement.get(key)
      const e = no === undefined ? undefined : entries[no]
      if (e !== undefined && visible(e.issuer)) return e
    }
    return undefined
  }

  /** The distance from a point: of the entry's place; for a pathway, of its nearest achievement. */
  function distanceOf (e: Entry, point: LatLon): number | undefined {
    if (e.place !== undefined) return distanceKm(point, e.place)
    if (e.type !== 'pathway') return undefined
    let best: number | undefined
    for (const id of e.refs) {
      const a = achievementOf(id)
      if (a?.place === undefined) continue
      const km = distanceKm(point, a.place)
      if (best === undefined || km < best) best = km
    }
    return best
  }

  function inArea (e: Entry, area: string): boolean {
    if (e.type !== 'pathway') return e.area === area
    return e.refs.some((id) => achievementOf(id)?.area === area)
  }

  /** The grid cells (their posting lists) that a circle of `km` around the point can touch. */
  function cellsNear (lat: number, lon: number, km: number): number[][] {
    const theta = km / EARTH_RADIUS_KM
    const dLat = theta / RAD + 1e-9
    const latMin = Math.max(-90, lat - dLat)
    const latMax = Math.min(90, lat + dLat)
    const phi = lat * RAD
    let lonMin = -Infinity
    let lonMax = Infinity
    // A cap that reaches a pole covers every longitude; else its longitudes are within asin(sin θ / cos φ).
    if (theta < Math.PI / 2 - Math.abs(phi)) {
      const dLon = Math.asin(Math.min(1, Math.sin(theta) / Math.cos(phi))) / RAD + 1e-9
      lonMin = lon - dLon
      lonMax = lon + dLon
    }
    const latLo = Math.floor((latMin + 90) / GRID_DEGREES)
    const latHi = Math.min(LAT_CELLS - 1, Math.floor((latMax + 90) / GRID_DEGREES))
    const allLons = lonMin === -Infinity || lonMax - lonMin >= 360 - GRID_DEGREES
    const lonLo = allLons ? 0 : Math.floor((lonMin + 180) / GRID_DEGREES)
    const lonHi = allLons ? LON_CELLS - 1 : Math.floor((lonMax + 180) / GRID_DEGREES)
    const out: number[][] = []
    const count = (latHi - latLo + 1) * (lonHi - lonLo + 1)
    if (count > cells.size) {
      // Fewer occupied cells than cells in range: test each occupied one.
      for (const [cell, list] of cells) {
        const latIdx = Math.floor(cell / LON_CELLS)
        const lonIdx = cell % LON_CELLS
        if (latIdx < latLo || latIdx > latHi) continue
        if (!allLons) {
          const inRange = (i: number): boolean => i >= lonLo && i <= lonHi
          if (!inRange(lonIdx) && !inRange(lonIdx + LON_CELLS) && !inRange(lonIdx - LON_CELLS)) continue
        }
        out.push(list)
      }
      return out
    }
    for (let la = latLo; la <= latHi; la++) {
      for (let lo = lonLo; lo <= lonHi; lo++) {
        const list = cells.get(la * LON_CELLS + (((lo % LON_CELLS) + LON_CELLS) % LON_CELLS))
        if (list !== undefined) out.push(list)
      }
    }
    return out
  }

  function search (query: CatalogueQuery, options: SearchOptions = {}): CataloguePage {
    const trusted = options.trusted
    visible = trusted === undefined || query?.untrusted === true ? () => true : (issuer) => trusted.has(issuer)
    try {
      return run(query)
    } finally {
      visible = () => true
    }
  }

  function run (query: CatalogueQuery): CataloguePage {
    if (query == null || typeof query !== 'object') throw new TypeError('query must be an object')
    const limit = query.limit ?? DEFAULT_CATALOGUE_LIMIT
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CATALOGUE_LIMIT) throw new TypeError(`query.limit must be an integer from 1 to ${MAX_CATALOGUE_LIMIT}`)
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined
    const empty: CataloguePage = { results: [], total: 0, next: null }
    const types = new Set<CatalogueType>(query.type !== undefined && query.type.length > 0 ? query.type : CATALOGUE_TYPES)
    const near = query.near
    if (near !== undefined && (!(Math.abs(near.lat) <= 90) || !(Math.abs(near.lon) <= 180) || (near.km !== undefined && !(near.km > 0)))) {
      throw new TypeError('query.near must have lat in [-90, 90], lon in [-180, 180] and a positive km')
    }
    const radius = near?.km
    const point: LatLon = { lat: near?.lat ?? 0, lon: near?.lon ?? 0 }

    if (++epoch === 0xffffffff) {
      epoch = 1
      seen.fill(0)
      for (const t of terms.values()) t.mark = 0
    }
    const mark = epoch

    // Text: the terms of the complete words; the terms that start with the last word.
    let words: Term[] = []
    let prefixTerms: Term[] | undefined
    const q = query.q ?? ''
    let tokens = tokenize(q)
    const lastIsPrefix = tokens.length > 0 && !/[\s\p{P}]$/u.test(q)
    const kept = tokens.filter((t, i) => !STOP_WORDS.has(t) || (lastIsPrefix && i === tokens.length - 1))
    if (kept.length > 0) tokens = kept
    const textual = tokens.length > 0
    if (textual) {
      const complete = [...new Set(lastIsPrefix ? tokens.slice(0, -1) : tokens)]
      for (const w of complete) {
        const t = terms.get(w)
        if (t === undefined) return empty
        words.push(t)
      }
      words = words.sort((a, b) => a.docs.length - b.docs.length)
      if (lastIsPrefix) {
        prefixTerms = termsWithPrefix(tokens[tokens.length - 1] as string)
        if (prefixTerms.length === 0) return empty
        for (const t of prefixTerms) t.mark = mark
      }
    }
    const skillSet = query.skill !== undefined ? skillMatches(query.skill) : undefined
    if (skillSet?.size === 0) return empty
    const area = query.area !== undefined ? foldText(query.area.trim()) : undefined
    const issuer = query.issuer

    // The driver: the smallest list of candidates; every other filter is tested per candidate.
    let size = entries.length
    let drive = (visit: (no: number) => void): void => { for (let no = 0; no < entries.length; no++) visit(no) }
    let driver = ''
    const consider = (name: string, n: number, run: (visit: (no: number) => void) => void): void => {
      if (n < size) { size = n; drive = run; driver = name }
    }
    const withPathways = types.has('pathway')
    /** Visits the pathways that ask for the achievement `no` too (not the opportunities: they have places of their own), when the search may see it. */
    const andPathways = (visit: (no: number) => void, no: number): void => {
      visit(no)
      const e = entries[no]
      if (withPathways && e?.type === 'achievement' && visible(e.issuer)) for (const r of refs.get(e.id) ?? NONE) if (entries[r]?.type === 'pathway') visit(r)
    }
    const first = words[0]
    if (first !== undefined) consider('text', first.docs.length, (visit) => { for (const no of first.docs) visit(no) })
    if (prefixTerms !== undefined) {
      const list = prefixTerms
      consider('prefix', list.reduce((s, t) => s + t.docs.length, 0), (visit) => { for (const t of list) for (const no of t.docs) visit(no) })
    }
    if (skillSet !== undefined) consider('skill', skillSet.size, (visit) => { for (const no of skillSet) visit(no) })
    if (area !== undefined) {
      const list = areas.get(area) ?? NONE
      consider('area', list.length * (withPathways ? 2 : 1), (visit) => { for (const no of list) andPathways(visit, no) })
    }
    if (near !== undefined && radius !== undefined) {
      const lists = cellsNear(near.lat, near.lon, radius)
      consider('near', lists.reduce((s, l) => s + l.length, 0) * (withPathways ? 2 : 1), (visit) => {
        for (const list of lists) for (const no of list) andPathways(visit, no)
      })
    }
    if (issuer !== undefined) {
      const list = issuers.get(issuer) ?? NONE
      consider('issuer', list.length, (visit) => { for (const no of list) visit(no) })
    }
    if (types.size < CATALOGUE_TYPES.length) {
      const lists = [...types].map((t) => byType[t])
      consider('type', lists.reduce((s, l) => s + l.length, 0), (visit) => { for (const list of lists) for (const no of list) visit(no) })
    }

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
      if (areaTest !== undefined && !inArea(e, areaTest)) return
      let km: number | undefined
      if (near !== undefined) {
        km = distanceOf(e, point)
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
    const results = hits.map((h) => resultOf(entries[h.no] as Entry, h.km))
    const last = hits[hits.length - 1]
    return { results, total, next: last !== undefined && remaining > hits.length ? encodeCursor(last) : null }
  }

  function skillOf (key: string, fallbackName?: string): CatalogueSkill {
    const name = spineSkills.get(key)?.name ?? fallbackName
    return name !== undefined ? { id: key, name } : { id: key }
  }

  /** The skills an achievement shows, as @cofl/pathways' skillKeys names them. */
  function achievementSkills (e: Entry, out: Map<string, CatalogueSkill>): void {
    for (const a of e.alignment) {
      if (out.size >= MAX_RESULT_SKILLS) return
      const coded = a.framework !== undefined && a.code !== undefined ? spineByFrameworkCode.get(`${a.framework}\u0000${a.code}`) : undefined
      const id = coded ?? a.url ?? (a.code !== undefined ? `${a.framework ?? ''}:${a.code}` : a.name)
      if (id !== undefined && !out.has(id)) out.set(id, skillOf(id, a.name))
    }
  }

  function resultOf (e: Entry, km: number | undefined): CatalogueResult {
    const r: CatalogueResult = { type: e.type, id: e.id, name: e.name, issuer: e.issuer, skills: [] }
    if (e.excerpt !== undefined) r.description = e.excerpt
    if (e.place !== undefined) r.place = { ...e.place, ...(e.place.address !== undefined ? { address: { ...e.place.address } } : {}) }
    if (km !== undefined) r.distanceKm = Math.round(km * 1000) / 1000
    const skillMap = new Map<string, CatalogueSkill>()
    for (const s of e.themeSkills) if (skillMap.size < MAX_RESULT_SKILLS && !skillMap.has(s)) skillMap.set(s, skillOf(s))
    if (e.type === 'achievement') achievementSkills(e, skillMap)
    else {
      for (const id of e.refs) {
        if (skillMap.size >= MAX_RESULT_SKILLS) break
        const a = achievementOf(id)
        if (a !== undefined) achievementSkills(a, skillMap)
      }
    }
    r.skills = [...skillMap.values()]
    if (e.kind !== undefined) r.kind = e.kind
    if (e.requiredCount !== undefined) r.requiredCount = e.requiredCount
    if (e.achievementType !== undefined) r.achievementType = e.achievementType
    if (e.tags !== undefined) r.tags = [...e.tags]
    if (e.startDate !== undefined) r.startDate = e.startDate
    if (e.endDate !== undefined) r.endDate = e.endDate
    if (e.applyBy !== undefined) r.applyBy = e.applyBy
    return r
  }

  function stats (): CatalogueStats {
    let spineCount = 0
    for (const s of spines.values()) spineCount += s.skills.length
    return {
      achievements: ids.achievement.size,
      pathways: ids.pathway.size,
      opportunities: ids.opportunity.size,
      spineSkills: spineCount,
      tokens: terms.size,
      cells: cells.size
    }
  }

  return { put, load, search, stats }
}

function lowerBound (sorted: readonly string[], value: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as string) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
