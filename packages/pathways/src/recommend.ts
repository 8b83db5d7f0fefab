/**
 * Next steps for a learner, computed on the learner's side from the wallet's achievement ids and
 * the replicated catalogue: close the gap to pathways the learner is near, build on skills already
 * shown, stay near where the learner is. Each step comes with its score and the reasons, in words.
 */
import { DEFAULT_NEAR_KM, DEFAULT_RECOMMEND_LIMIT, MAX_SKILL_MATCHES, SCORE_DECIMALS, defaultRecommendWeights } from './constants.js'
import type { RecommendWeights } from './constants.js'
import { distanceKm, formatDistance } from './geo.js'
import type { LatLon } from './geo.js'
import { progress, requirementLeaves } from './progress.js'
import type { CatalogueEntry, Pathway, SkillsSpine } from './types.js'

export type ReasonKind = 'completes' | 'gap' | 'interest' | 'skill' | 'near'

/** Why a step was suggested, with the part of the score it gave. */
export interface Reason {
  kind: ReasonKind
  text: string
  score: number
  pathwayId?: string
  /** Shared skills (keys, as `skillKeys` gives them). */
  skills?: string[]
  km?: number
}

export interface Recommendation {
  achievementId: string
  name: string
  score: number
  /** Highest contribution first. */
  reasons: Reason[]
  /** Distance from the learner, when both places are known. */
  km?: number
}

export interface RecommendInput {
  pathways: readonly Pathway[]
  /** The achievement ids the learner holds. */
  held: Iterable<string>
  catalogue: readonly CatalogueEntry[]
  learnerPlace?: LatLon
  /** How many steps to return; default DEFAULT_RECOMMEND_LIMIT. */
  limit?: number
  /** The spine, for the names of skills in reasons and to map framework codes to spine skills. */
  spine?: SkillsSpine
  weights?: Partial<RecommendWeights>
  /** Distance at which the nearness bonus reaches zero; default DEFAULT_NEAR_KM. */
  nearKm?: number
  /** Leave out steps whose place is further than this from the learner. */
  maxDistanceKm?: number
}

/**
 * The skills an entry shows: its `skills`, and for each alignment the spine skill with the same
 * framework and code, else the `targetUrl`, else `framework:code`, else the `targetName`.
 */
export function skillKeys (entry: CatalogueEntry, spine?: SkillsSpine): string[] {
  const byCode = new Map<string, string>()
  for (const s of spine?.skills ?? []) {
    if (s.targetFramework !== undefined && s.targetCode !== undefined) byCode.set(`${s.targetFramework}\u0000${s.targetCode}`, s.id)
  }
  const keys = new Set(entry.skills ?? [])
  for (const a of entry.alignment ?? []) {
    const coded = a.targetFramework !== undefined && a.targetCode !== undefined ? byCode.get(`${a.targetFramework}\u0000${a.targetCode}`) : undefined
    const key = coded ?? a.targetUrl ?? (a.targetCode !== undefined ? `${a.targetFramework ?? ''}:${a.targetCode}` : a.targetName)
    if (key !== undefined) keys.add(key)
  }
  return [...keys]
}

function listInWords (items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`
}

function round (x: number): number {
  const f = 10 ** SCORE_DECIMALS
  return Math.round(x * f) / f
}

function byId (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Ranks the catalogue's achievements that the learner does not hold (and that are no pathway's
 * award) as next steps. A step's score is the sum of its reasons' parts (see RecommendWeights):
 * - per destination pathway it brings closer to completion (fewer achievements missing after it):
 *   `gap` × the fraction done after the step, plus `completes` when nothing is missing after it.
 *   A step that an order constraint puts after an achievement still missing gets nothing from
 *   that pathway;
 * - per interest pathway that suggests it: `interest` × the fraction of suggestions held after;
 * - `skill` per skill it shares with the achievements held (at most MAX_SKILL_MATCHES);
 * - `near` × (1 − km / nearKm) when both places are known.
 * Steps with a score of 0 are left out; ties are ordered by achievement id.
 */
export function recommend (input: RecommendInput): Recommendation[] {
  if (input == null || typeof input !== 'object') throw new TypeError('input must be an object')
  if (!Array.isArray(input.pathways)) throw new TypeError('input.pathways must be an array')
  if (!Array.isArray(input.catalogue)) throw new TypeError('input.catalogue must be an array')
  const limit = input.limit ?? DEFAULT_RECOMMEND_LIMIT
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError('input.limit must be a non-negative integer')
  const nearKm = input.nearKm ?? DEFAULT_NEAR_KM
  if (!(nearKm > 0)) throw new TypeError('input.nearKm must be a positive number')
  const w: RecommendWeights = { ...defaultRecommendWeights(), ...input.weights }
  const held = new Set(input.held)
  const { spine } = input

  const catalogue = new Map<string, CatalogueEntry>()
  for (const entry of input.catalogue) if (!catalogue.has(entry.id)) catalogue.set(entry.id, entry)
  const excluded = new Set(held)
  for (const p of input.pathways) if (p.awardAchievementId !== undefined) excluded.add(p.awardAchievementId)

  const steps = new Map<string, Reason[]>()
  const add = (id: string, reason: Reason): void => {
    if (excluded.has(id) || !catalogue.has(id)) return
    const list = steps.get(id)
    if (list === undefined) steps.set(id, [reason])
    else list.push(reason)
  }

  for (const pathway of input.pathways) {
    const p = progress(pathway, held)
    if (p.complete) continue
    const done = p.done.length
    const total = done + p.missing.length
    if (pathway.kind === 'destination') {
      // Every achievement of the tree that brings completion closer counts, not only those of the
      // one cheapest completion (anyOf [web, sql]: either closes the gap). One that would break
      // an order constraint (its predecessor is still missing) gets nothing from this pathway.
      for (const id of requirementLeaves(pathway.requirements)) {
        if (held.has(id) || excluded.has(id) || !catalogue.has(id)) continue
        const next = progress(pathway, [...held, id])
        if (next.missing.length >= p.missing.length) continue
        if (next.orderViolations.length > p.orderViolations.length) continue
        const left = next.missing.length
        add(id, {
          kind: left === 0 ? 'completes' : 'gap',
          pathwayId: pathway.id,
          score: w.gap * next.fraction + (left === 0 ? w.completes : 0),
          text: `${done} of ${total} done towards '${pathway.name}': ` +
            (left === 0 ? 'this completes it' : `${left} more after this`)
        })
      }
    } else {
      for (const id of p.missing) {
        add(id, {
          kind: 'interest',
          pathwayId: pathway.id,
          score: w.interest * (done + 1) / total,
          text: `suggested in '${pathway.name}' (${done} of ${total} held)`
        })
      }
    }
  }

  // Skills the learner has shown: those of the catalogue's achievements they hold.
  const names = new Map<string, string>()
  for (const s of spine?.skills ?? []) names.set(s.id, s.name)
  const shown = new Set<string>()
  for (const entry of catalogue.values()) {
    for (const a of entry.alignment ?? []) {
      const key = skillKeys({ id: entry.id, name: entry.name, alignment: [a] }, spine)[0]
      if (key !== undefined && a.targetName !== undefined && !names.has(key)) names.set(key, a.targetName)
    }
    if (held.has(entry.id)) for (const k of skillKeys(entry, spine)) shown.add(k)
  }
  for (const entry of catalogue.values()) {
    if (excluded.has(entry.id)) continue
    const shared = skillKeys(entry, spine).filter((k) => shown.has(k))
      .map((k) => ({ k, name: names.get(k) ?? k }))
      .sort((a, b) => byId(a.name, b.name) || byId(a.k, b.k))
    if (shared.length === 0) continue
    add(entry.id, {
      kind: 'skill',
      skills: shared.map((s) => s.k),
      score: w.skill * Math.min(shared.length, MAX_SKILL_MATCHES),
      text: `builds on ${listInWords(shared.map((s) => s.name))}, which you have shown`
    })
  }

  const kms = new Map<string, number>()
  if (input.learnerPlace !== undefined) {
    for (const entry of catalogue.values()) {
      if (excluded.has(entry.id) || entry.place === undefined) continue
      const km = distanceKm(input.learnerPlace, entry.place)
      kms.set(entry.id, km)
      if (input.maxDistanceKm !== undefined && km > input.maxDistanceKm) {
        excluded.add(entry.id)
        steps.delete(entry.id)
        continue
      }
      add(entry.id, { kind: 'near', km, score: w.near * Math.max(0, 1 - km / nearKm), text: `${formatDistance(km)} from you` })
    }
  }

  const out: Recommendation[] = []
  for (const [id, reasons] of steps) {
    const score = round(reasons.reduce((s, r) => s + r.score, 0))
    if (score <= 0) continue
    const entry = catalogue.get(id) as CatalogueEntry
    reasons.forEach((r) => { r.score = round(r.score) })
    reasons.sort((a, b) => b.score - a.score || byId(a.text, b.text))
    const rec: Recommendation = { achievementId: id, name: entry.name, score, reasons }
    const km = kms.get(id)
    if (km !== undefined) rec.km = km
    out.push(rec)
  }
  out.sort((a, b) => b.score - a.score || byId(a.achievementId, b.achievementId))
  return out.slice(0, limit)
}
