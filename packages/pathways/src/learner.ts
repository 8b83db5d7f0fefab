/**
 * The learner's side, computed where the learner's badges are (`cofl wallet progress`, the wallet
 * page): the public documents a node lists read into what this package works on (valid pathways,
 * catalogue entries), and the learner's view of them: progress on each pathway and the next steps.
 * Pure: the caller reads the documents and the held badges.
 */
import { progress } from './progress.js'
import type { EarnedAt, PathwayProgress } from './progress.js'
import { recommend } from './recommend.js'
import type { Recommendation } from './recommend.js'
import type { LatLon } from './geo.js'
import type { CatalogueEntry, Pathway, Place } from './types.js'
import { validatePathway } from './validate.js'

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A place with coordinates in range, else undefined (the rest of the place is taken as it is). */
export function placeOf (value: unknown): Place | undefined {
  if (!isObject(value) || typeof value.lat !== 'number' || typeof value.lon !== 'number') return undefined
  if (!(value.lat >= -90 && value.lat <= 90 && value.lon >= -180 && value.lon <= 180)) return undefined
  return value as unknown as Place
}

/**
 * A catalogue entry (what `recommend` reads) from an OB 3.0 Achievement as a node lists it
 * (untrusted): its id, its name (else the id), its alignments, tags and place; undefined without
 * an id.
 */
export function catalogueEntryOf (achievement: Json): CatalogueEntry | undefined {
  if (typeof achievement.id !== 'string') return undefined
  const place = placeOf(achievement.place)
  const name = achievement.name
  return {
    id: achievement.id,
    name: typeof name === 'string' && name.trim() !== '' ? name : achievement.id,
    ...(Array.isArray(achievement.alignment) ? { alignment: achievement.alignment.filter(isObject) as CatalogueEntry['alignment'] } : {}),
    ...(Array.isArray(achievement.tag) ? { tags: achievement.tag.filter((t): t is string => typeof t === 'string') } : {}),
    ...(place != null ? { place } : {})
  }
}

/** The valid pathways among `documents` (untrusted), in their order, and how many were not (left out). */
export function validPathways (documents: Iterable<unknown>): { pathways: Pathway[], skipped: number } {
  const pathways: Pathway[] = []
  let skipped = 0
  for (const doc of documents) {
    const result = validatePathway(doc)
    if (result.valid) pathways.push(result.value)
    else skipped++
  }
  return { pathways, skipped }
}

export interface LearnerProgressInput {
  pathways: readonly Pathway[]
  catalogue: readonly CatalogueEntry[]
  /** The achievement ids that count (held, neither revoked, suspended nor expired). */
  held: ReadonlySet<string>
  /** When each was earned, for the pathways' order constraints. */
  earnedAt?: EarnedAt
  learnerPlace?: LatLon
  /** How many next steps; default DEFAULT_RECOMMEND_LIMIT. */
  limit?: number
}

export interface LearnerProgress {
  /** Progress on each pathway, in the order given. */
  rows: Array<{ pathway: Pathway, progress: PathwayProgress }>
  /** The next steps, best first, each with its reasons. */
  next: Recommendation[]
}

/** Progress on every pathway and the next steps, for the achievements a learner holds. */
export function learnerProgress (input: LearnerProgressInput): LearnerProgress {
  const { pathways, catalogue, held, earnedAt, learnerPlace, limit } = input
  return {
    rows: pathways.map((pathway) => ({ pathway, progress: progress(pathway, held, earnedAt != null ? { earnedAt } : {}) })),
    next: recommend({ pathways, held, catalogue, ...(learnerPlace != null ? { learnerPlace } : {}), ...(limit != null ? { limit } : {}) })
  }
}
