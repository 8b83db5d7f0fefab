/**
 * The learner's progress along the pathways and the next steps, computed here from the wallet and
 * the node's public documents (@cofl/pathways, as `cofl wallet progress` does on the command line).
 * The node is asked for the same public lists whoever asks; which badges the wallet holds, and
 * where the learner is, never leave the page.
 */
import { progress, recommend, validatePathway } from '@cofl/pathways'
import type { CatalogueEntry, LatLon, Pathway, PathwayProgress, Place, Recommendation } from '@cofl/pathways'
import type { HeldSummary } from '@cofl/wallet/browser'
import { api } from '../lib/dom.js'

type Json = Record<string, unknown>

/** At most this many entries of one public list are read (pages of PAGE_SIZE). */
export const MAX_PUBLIC_ENTRIES = 5000
export const PAGE_SIZE = 100

/**
 * Every entry of a paged public listing `{ <field>: [...], next }`. Undefined when the node has
 * no such route (an older node): the page then goes without.
 */
export async function listAll (path: string, field: string, signal?: AbortSignal): Promise<Json[] | undefined> {
  const out: Json[] = []
  let cursor: string | null = null
  do {
    const query: string = `?limit=${PAGE_SIZE}${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    let page: Json
    try {
      page = await api<Json>(`${path}${query}`, signal != null ? { signal } : {})
    } catch (err) {
      if ((err as { status?: number }).status === 404 && out.length === 0) return undefined
      throw err
    }
    const entries = page[field]
    if (!Array.isArray(entries)) throw new Error(`the node's ${path} answered without a list of ${field}`)
    out.push(...entries.filter((e): e is Json => typeof e === 'object' && e !== null && !Array.isArray(e)))
    cursor = typeof page.next === 'string' ? page.next : null
  } while (cursor != null && out.length < MAX_PUBLIC_ENTRIES)
  return out
}

/** How many next steps the page shows. */
export const NEXT_STEPS = 5

/** The public documents progress is computed from. */
export interface PublicData {
  pathways: Pathway[]
  /** Pathway documents the node listed that are not valid pathways (left out). */
  skipped: number
  catalogue: CatalogueEntry[]
  /** Named places of the catalogue and of opportunities: the learner may pick one as theirs. */
  places: NamedPlace[]
  /** False when the node has no pathway route (an older node). */
  pathwaysListed: boolean
}

export interface NamedPlace { label: string, lat: number, lon: number }

export interface PathwayRow {
  pathway: Pathway
  progress: PathwayProgress
}

export interface LearnerView {
  rows: PathwayRow[]
  next: Recommendation[]
}

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function documentOf (entry: Json, field: string): Json | undefined {
  const doc = entry.document ?? entry[field]
  return isObject(doc) ? doc : undefined
}

function placeOf (value: unknown): Place | undefined {
  if (!isObject(value) || typeof value.lat !== 'number' || typeof value.lon !== 'number') return undefined
  if (!(value.lat >= -90 && value.lat <= 90 && value.lon >= -180 && value.lon <= 180)) return undefined
  return value as unknown as Place
}

function nameString (value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value : fallback
}

/** A catalogue entry (what `recommend` reads) from an achievement of GET /api/achievements. */
export function catalogueEntry (achievement: Json): CatalogueEntry | undefined {
  if (typeof achievement.id !== 'string') return undefined
  const place = placeOf(achievement.place)
  return {
    id: achievement.id,
    name: nameString(achievement.name, achievement.id),
    ...(Array.isArray(achievement.alignment) ? { alignment: achievement.alignment.filter(isObject) as CatalogueEntry['alignment'] } : {}),
    ...(Array.isArray(achievement.tag) ? { tags: achievement.tag.filter((t): t is string => typeof t === 'string') } : {}),
    ...(place != null ? { place } : {})
  }
}

function placeLabel (place: Place): string {
  const parts = [place.name, place.area, place.address?.addressLocality].filter((p): p is string => typeof p === 'string' && p.trim() !== '')
  return [...new Set(parts)].join(', ')
}

/** Reads the public pathways, achievements and opportunities of this node. */
export async function loadPublicData (signal?: AbortSignal): Promise<PublicData> {
  const [pathwayEntries, achievementEntries, opportunityEntries] = await Promise.all([
    listAll('/api/pathways', 'pathways', signal),
    listAll('/api/achievements', 'achievements', signal),
    listAll('/api/opportunities', 'opportunities', signal).catch(() => undefined)
  ])
  const pathways: Pathway[] = []
  let skipped = 0
  for (const entry of pathwayEntries ?? []) {
    const result = validatePathway(documentOf(entry, 'pathway'))
    if (result.valid) pathways.push(result.value)
    else skipped++
  }
  const catalogue = (achievementEntries ?? []).map((e) => documentOf(e, 'achievement')).filter((d): d is Json => d != null)
    .map(catalogueEntry).filter((e): e is CatalogueEntry => e != null)
  const places = new Map<string, NamedPlace>()
  const addPlace = (place: Place | undefined): void => {
    if (place == null) return
    const label = placeLabel(place)
    if (label !== '' && !places.has(label)) places.set(label, { label, lat: place.lat, lon: place.lon })
  }
  for (const entry of catalogue) addPlace(entry.place)
  for (const entry of opportunityEntries ?? []) addPlace(placeOf(documentOf(entry, 'opportunity')?.place))
  return {
    pathways,
    skipped,
    catalogue,
    places: [...places.values()].sort((a, b) => a.label.localeCompare(b.label)),
    pathwaysListed: pathwayEntries != null
  }
}

/**
 * The achievement ids that count, with when each was earned: badges neither revoked, suspended
 * nor expired (as the CLI's progress).
 */
export function heldAchievements (held: HeldSummary[], now = new Date()): { ids: Set<string>, earnedAt: Map<string, string> } {
  const ids = new Set<string>()
  const earnedAt = new Map<string, string>()
  for (const h of held) {
    const id = h.achievement?.id
    if (id == null || h.status.state === 'revoked' || h.status.state === 'suspended') continue
    if (h.validUntil != null && Date.parse(h.validUntil) < now.getTime()) continue
    ids.add(id)
    const at = h.validFrom ?? h.addedAt
    const before = earnedAt.get(id)
    if (before == null || at < before) earnedAt.set(id, at)
  }
  return { ids, earnedAt }
}

/** Progress on every pathway (destination pathways first, then by name) and the next steps. */
export function learnerView (data: PublicData, held: HeldSummary[], learnerPlace?: LatLon): LearnerView {
  const { ids, earnedAt } = heldAchievements(held)
  const rows = data.pathways
    .map((pathway) => ({ pathway, progress: progress(pathway, ids, { earnedAt }) }))
    .sort((a, b) => (a.pathway.kind === b.pathway.kind ? 0 : a.pathway.kind === 'destination' ? -1 : 1) || a.pathway.name.localeCompare(b.pathway.name))
  const next = recommend({ pathways: data.pathways, held: ids, catalogue: data.catalogue, ...(learnerPlace != null ? { learnerPlace } : {}), limit: NEXT_STEPS })
  return { rows, next }
}

/** `lat, lon` in degrees, as the learner types it; undefined when it is not that. */
export function parseLatLon (text: string): LatLon | undefined {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text)
  if (match == null) return undefined
  const lat = Number(match[1])
  const lon = Number(match[2])
  return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 ? { lat, lon } : undefined
}
