/**
 * The learner's progress along the pathways and the next steps, computed here from the wallet and
 * the node's public documents (@cofl/pathways, as `cofl wallet progress` does on the command line).
 * The node is asked for the same public lists whoever asks; which badges the wallet holds, and
 * where the learner is, never leave the page.
 */
import { listAll, listedDocument } from '@cofl/api'
import { catalogueEntryOf, learnerProgress, placeOf, validPathways } from '@cofl/pathways'
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
export async function listPublic (path: string, field: string, signal?: AbortSignal): Promise<Json[] | undefined> {
  try {
    return await listAll(async (pathAndQuery) => await api<Json>(pathAndQuery, signal != null ? { signal } : {}), path, field, { pageSize: PAGE_SIZE, max: MAX_PUBLIC_ENTRIES })
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined
    throw err
  }
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

function placeLabel (place: Place): string {
  const parts = [place.name, place.area, place.address?.addressLocality].filter((p): p is string => typeof p === 'string' && p.trim() !== '')
  return [...new Set(parts)].join(', ')
}

/** Reads the public pathways, achievements and opportunities of this node. */
export async function loadPublicData (signal?: AbortSignal): Promise<PublicData> {
  const [pathwayEntries, achievementEntries, opportunityEntries] = await Promise.all([
    listPublic('/api/pathways', 'pathways', signal),
    listPublic('/api/achievements', 'achievements', signal),
    listPublic('/api/opportunities', 'opportunities', signal).catch(() => undefined)
  ])
  const { pathways, skipped } = validPathways((pathwayEntries ?? []).map((entry) => listedDocument(entry, 'pathway')))
  const catalogue = (achievementEntries ?? []).map((e) => listedDocument(e, 'achievement')).filter((d): d is Json => d != null)
    .map(catalogueEntryOf).filter((e): e is CatalogueEntry => e != null)
  const places = new Map<string, NamedPlace>()
  const addPlace = (place: Place | undefined): void => {
    if (place == null) return
    const label = placeLabel(place)
    if (label !== '' && !places.has(label)) places.set(label, { label, lat: place.lat, lon: place.lon })
  }
  for (const entry of catalogue) addPlace(entry.place)
  for (const entry of opportunityEntries ?? []) addPlace(placeOf(listedDocument(entry, 'opportunity')?.place))
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
  const { rows, next } = learnerProgress({
    pathways: data.pathways, catalogue: data.catalogue, held: ids, earnedAt, ...(learnerPlace != null ? { learnerPlace } : {}), limit: NEXT_STEPS
  })
  rows.sort((a, b) => (a.pathway.kind === b.pathway.kind ? 0 : a.pathway.kind === 'destination' ? -1 : 1) || a.pathway.name.localeCompare(b.pathway.name))
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
