/**
 * What the index keeps of a document: an entry, holding only what a result shows and what the
 * filters read (never the whole signed document), under an internal number. Documents are kept
 * per (issuer, id), as in the store: two issuers' documents with one id are two entries. Whatever
 * a document holds, it is read for what can be read and never thrown on.
 */
import { MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES } from '@cofl/pathways'
import type { StoredDocument } from '@cofl/store'
import { MAX_REFS } from './constants.js'
import type { CatalogueType } from './constants.js'
import { cellOf, placeOf } from './places.js'
import { excerptOf, foldText, skillLabel, splitCamel, textOf } from './text.js'
import type { Term, TextIndex } from './text.js'
import type { CataloguePlace } from './types.js'
import { NONE, str, strings } from './util.js'
import type { Interner } from './util.js'

export interface Alignment {
  url?: string
  name?: string
  framework?: string
  code?: string
}

export interface Entry {
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
  /** An achievement's image by its file name `<sha256 hex>.<png|svg>` (served at /api/images/<file>), when its image id names one. */
  image?: string
  tags?: readonly string[]
  startDate?: string
  endDate?: string
  applyBy?: string
}

/** An image id that names an image by its hash: `<base>/api/images/<file>` or `urn:cofl:image:<file>`. */
const IMAGE_FILE = /(?:\/api\/images\/|^urn:cofl:image:)([0-9a-f]{64}\.(?:png|svg))$/

/** The key of a document in the index: its id and issuer (U+0000 between them, as in the store). */
export function entryKey (stored: StoredDocument): string {
  return `${stored.id}\u0000${stored.issuer}`
}

/**
 * The fewest achievements that complete a requirement tree, and its leaves; undefined for a tree
 * that is not one (a wrong shape, deeper than 8 levels, more than 1,000 nodes).
 */
export function readRequirements (node: unknown, leaves: Set<string>, depth = 1, state = { nodes: 0 }): number | undefined {
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

/** The entry number `no` of a document: its terms are made in `text` (their posting lists are left to the caller). */
export function entryOf (type: CatalogueType, stored: StoredDocument, sequence: number, no: number, text: TextIndex, pool: Interner): Entry {
  const d = stored.document
  const name = pool.intern(textOf(d.name).trim() || stored.id)
  const description = textOf(d.description)
  const texts = [name, description]
  const entry: Entry = {
    no,
    type,
    id: stored.id,
    key: entryKey(stored),
    issuer: pool.intern(stored.issuer),
    sequence,
    name,
    sortName: pool.intern(foldText(name).slice(0, 100)),
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
    image: undefined,
    tags: undefined,
    startDate: undefined,
    endDate: undefined,
    applyBy: undefined
  }
  const excerpt = excerptOf(description)
  if (excerpt !== undefined) entry.excerpt = excerpt
  // A pathway is where its achievements are (inArea, distances): a place of its own is not read.
  const place = type === 'pathway' ? undefined : placeOf(d.place, pool)
  if (place !== undefined) {
    entry.place = place
    entry.cell = cellOf(place.lat, place.lon)
    if (place.area !== undefined) entry.area = pool.intern(foldText(place.area))
  }
  if (type === 'achievement') readAchievement(entry, d, texts, pool)
  else if (type === 'pathway') readPathway(entry, d, texts, pool)
  else readOpportunity(entry, d, texts, pool)
  entry.nameTerms = text.termsOf([name])
  entry.terms = text.termsOf(texts)
  return entry
}

/** Tags, type and alignments; their words go to `texts`. */
function readAchievement (entry: Entry, d: Record<string, unknown>, texts: string[], pool: Interner): void {
  const tags = strings(d.tag, 100).map((t) => pool.intern(t))
  if (tags.length > 0) entry.tags = tags
  texts.push(...tags)
  const imageId = str(d.image) ?? (d.image != null && typeof d.image === 'object' ? str((d.image as { id?: unknown }).id) : undefined)
  const image = imageId !== undefined ? IMAGE_FILE.exec(imageId)?.[1] : undefined
  if (image !== undefined) entry.image = image
  const achievementType = str(d.achievementType)
  if (achievementType !== undefined) {
    entry.achievementType = pool.intern(achievementType)
    texts.push(splitCamel(achievementType.replace(/^ext:/, '')))
  }
  const alignment: Alignment[] = []
  const keys = new Set<string>()
  for (const a of Array.isArray(d.alignment) ? (d.alignment as unknown[]).slice(0, 100) : []) {
    if (a == null || typeof a !== 'object') continue
    const o = a as Record<string, unknown>
    const al: Alignment = {}
    const url = pool.internIf(str(o.targetUrl))
    const aName = pool.internIf(str(o.targetName))
    const framework = pool.internIf(str(o.targetFramework))
    const code = pool.internIf(str(o.targetCode))
    if (url !== undefined) { al.url = url; keys.add(url) }
    if (aName !== undefined) { al.name = aName; texts.push(aName) }
    if (framework !== undefined) al.framework = framework
    if (code !== undefined) {
      al.code = code
      keys.add(code)
      texts.push(code)
      if (framework !== undefined) keys.add(pool.intern(`${framework}\u0000${code}`))
    }
    if (url !== undefined || aName !== undefined || code !== undefined) alignment.push(al)
  }
  if (alignment.length > 0) entry.alignment = alignment.slice()
  if (keys.size > 0) entry.skillKeys = [...keys]
}

/** Kind, the achievements asked for or suggested and how many complete it; an interest's theme. */
function readPathway (entry: Entry, d: Record<string, unknown>, texts: string[], pool: Interner): void {
  const kind = pool.internIf(str(d.kind))
  if (kind !== undefined) entry.kind = kind
  const leaves = new Set<string>()
  if (kind === 'interest') {
    const theme = d.theme != null && typeof d.theme === 'object' ? d.theme as Record<string, unknown> : {}
    const themeSkills = strings(theme.skills).map((s) => pool.intern(s))
    const themeTags = strings(theme.tags).map((t) => pool.intern(t))
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
}

/** Kind, the achievements and the pathway it asks for, dates. */
function readOpportunity (entry: Entry, d: Record<string, unknown>, texts: string[], pool: Interner): void {
  const kind = pool.internIf(str(d.kind))
  if (kind !== undefined) { entry.kind = kind; texts.push(kind) }
  const asks = d.asks != null && typeof d.asks === 'object' ? d.asks as Record<string, unknown> : {}
  const achievementIds = strings(asks.achievementIds)
  if (achievementIds.length > 0) entry.refs = achievementIds
  const pathwayId = str(asks.pathwayId)
  if (pathwayId !== undefined) entry.pathwayRef = pathwayId
  for (const k of ['startDate', 'endDate', 'applyBy'] as const) {
    const v = pool.internIf(str(d[k]))
    if (v !== undefined) entry[k] = v
  }
}
