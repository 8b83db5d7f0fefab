/**
 * Next steps for a learner, computed on the learner's side from the wallet's achievement ids and
 * the replicated catalogue: close the gap to pathways the learner is near, build on skills already
 * shown, stay near where the learner is. Each step comes with its score and the reasons, in words.
 */
import {
  DEFAULT_NEAR_KM, DEFAULT_RECOMMEND_LIMIT, EARTH_RADIUS_KM, MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES, MAX_SKILL_MATCHES, SCORE_DECIMALS, defaultRecommendWeights
} from './constants.js'
import type { RecommendWeights } from './constants.js'
import { distanceKm, formatDistance } from './geo.js'
import type { LatLon } from './geo.js'
import { progress, requirementLeaves } from './progress.js'
import type { CatalogueEntry, Pathway, Requirement, SkillAlignment, SkillsSpine } from './types.js'

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

/** framework -> code -> spine skill id, for the alignments that name a skill by its code. */
type CodeIndex = ReadonlyMap<string, ReadonlyMap<string, string>>

function codeIndex (spine: SkillsSpine | undefined): CodeIndex {
  const byCode = new Map<string, Map<string, string>>()
  for (const s of spine?.skills ?? []) {
    if (s.targetFramework === undefined || s.targetCode === undefined) continue
    let codes = byCode.get(s.targetFramework)
    if (codes === undefined) byCode.set(s.targetFramework, codes = new Map())
    codes.set(s.targetCode, s.id)
  }
  return byCode
}

/** The skill an alignment names: see skillKeys. */
function alignmentKey (a: SkillAlignment, byCode: CodeIndex): string | undefined {
  const coded = a.targetFramework !== undefined && a.targetCode !== undefined ? byCode.get(a.targetFramework)?.get(a.targetCode) : undefined
  return coded ?? a.targetUrl ?? (a.targetCode !== undefined ? `${a.targetFramework ?? ''}:${a.targetCode}` : a.targetName)
}

function keysOf (entry: CatalogueEntry, byCode: CodeIndex): string[] {
  const keys = new Set(entry.skills ?? [])
  for (const a of entry.alignment ?? []) {
    const key = alignmentKey(a, byCode)
    if (key !== undefined) keys.add(key)
  }
  return [...keys]
}

/**
 * The skills an entry shows: its `skills`, and for each alignment the spine skill with the same
 * framework and code, else the `targetUrl`, else `framework:code`, else the `targetName`.
 */
export function skillKeys (entry: CatalogueEntry, spine?: SkillsSpine): string[] {
  return keysOf(entry, codeIndex(spine))
}

function listInWords (items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`
}

const ROUNDING = 10 ** SCORE_DECIMALS

function round (x: number): number {
  return Math.round(x * ROUNDING) / ROUNDING
}

function byId (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Counts packed in one number, so that comparing two packs orders them as evaluateRequirement
 * chooses children (fewest missing first, then most held): missing × HELD_SPAN + (HELD_SPAN − 1 − held).
 * A counted tree has at most MAX_REQUIREMENT_NODES leaves, fewer than HELD_SPAN.
 */
const HELD_SPAN = 4096

/**
 * Kilometres per degree of latitude, a hair less: |Δlat| × this is less than the distance
 * between two places as distanceKm measures it, rounding included.
 */
const KM_AT_LEAST_PER_DEGREE = EARTH_RADIUS_KM * Math.PI / 180 * (1 - 1e-9)
const pack = (missing: number, held: number): number => missing * HELD_SPAN + (HELD_SPAN - 1 - held)
const missingOf = (packed: number): number => Math.floor(packed / HELD_SPAN)
const heldOf = (packed: number): number => HELD_SPAN - 1 - (packed % HELD_SPAN)
const LEAF_HELD = pack(0, 1)
const LEAF_MISSING = pack(1, 0)

/** A node of a requirement tree with the packed counts of its cheapest completion. */
interface CountNode {
  parent: CountNode | undefined
  /** allOf (need: all children), anyOf (need: 1), nOf (need: n); a leaf is an allOf of none. */
  op: 'allOf' | 'anyOf' | 'nOf'
  need: number
  children: CountNode[]
  value: number
  /** A leaf's achievement. */
  id?: string
}

/** The packed values of an nOf's children, sorted (reused: combine is never re-entered). */
const scratch: number[] = []

/** A node's packed counts from its children's, `changed` counting as `value`. */
function combine (node: CountNode, changed: CountNode | undefined, value: number): number {
  const { children } = node
  if (node.op === 'anyOf') {
    let best = Infinity
    for (const c of children) best = Math.min(best, c === changed ? value : c.value)
    return best
  }
  let missing = 0
  let held = 0
  if (node.op === 'allOf') {
    for (const c of children) {
      const v = c === changed ? value : c.value
      missing += missingOf(v)
      held += heldOf(v)
    }
    return pack(missing, held)
  }
  // Insertion sort: an nOf has a few children.
  scratch.length = 0
  for (const c of children) {
    const v = c === changed ? value : c.value
    let i = scratch.length
    scratch.push(v)
    while (i > 0 && (scratch[i - 1] as number) > v) { scratch[i] = scratch[i - 1] as number; i-- }
    scratch[i] = v
  }
  for (let i = 0; i < node.need; i++) {
    missing += missingOf(scratch[i] as number)
    held += heldOf(scratch[i] as number)
  }
  return pack(missing, held)
}

/**
 * A destination pathway's tree with the packed counts of each node for a learner holding `held`
 * (the lengths of evaluateRequirement's `missing` and `held`), and its leaves in tree order.
 * Undefined for a tree these counts do not stand for (an achievement twice, an nOf whose n is out
 * of range, deeper or larger than validation allows): `progress` handles those.
 */
function countTree (requirements: Requirement, held: ReadonlySet<string>): { root: CountNode, leaves: CountNode[] } | undefined {
  const tree: CountTree = { held, leaves: [], seen: new Set(), nodes: 0 }
  const root = countNode(tree, requirements, undefined, 1)
  return root === undefined ? undefined : { root, leaves: tree.leaves }
}

interface CountTree { held: ReadonlySet<string>, leaves: CountNode[], seen: Set<string>, nodes: number }

function countNode (tree: CountTree, r: Requirement, parent: CountNode | undefined, depth: number): CountNode | undefined {
  if (++tree.nodes > MAX_REQUIREMENT_NODES) return undefined
  if (typeof r === 'string') {
    if (tree.seen.has(r)) return undefined
    tree.seen.add(r)
    const node: CountNode = { parent, op: 'allOf', need: 0, children: [], value: tree.held.has(r) ? LEAF_HELD : LEAF_MISSING, id: r }
    tree.leaves.push(node)
    return node
  }
  if (depth > MAX_REQUIREMENT_DEPTH || r == null || typeof r !== 'object') return undefined
  let node: CountNode
  let list: unknown
  if ('allOf' in r) {
    list = r.allOf
    node = { parent, op: 'allOf', need: Array.isArray(list) ? list.length : 0, children: [], value: 0 }
  } else if ('anyOf' in r) {
    list = r.anyOf
    node = { parent, op: 'anyOf', need: 1, children: [], value: 0 }
  } else if ('nOf' in r && r.nOf != null) {
    list = r.nOf.of
    node = { parent, op: 'nOf', need: r.nOf.n, children: [], value: 0 }
  } else return undefined
  if (!Array.isArray(list) || !Number.isInteger(node.need) || node.need < 1 || node.need > list.length) return undefined
  for (const child of list as Requirement[]) {
    const c = countNode(tree, child, node, depth + 1)
    if (c === undefined) return undefined
    node.children.push(c)
  }
  node.value = combine(node, undefined, 0)
  return node
}

/** The root's packed counts when the leaf `node` is held too: only its ancestors change. */
function withLeaf (node: CountNode): number {
  let child = node
  let value = LEAF_HELD
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
    value = parent.op === 'allOf'
      ? pack(missingOf(parent.value) - missingOf(child.value) + missingOf(value), heldOf(parent.value) - heldOf(child.value) + heldOf(value))
      : combine(parent, child, value)
    child = parent
  }
  return value
}

/** What one pathway gives each achievement that brings it closer to completion. */
interface PathwayPlan {
  pathway: Pathway
  /** Done and in all, before the step (for the words). */
  done: number
  total: number
  /** In tree (or suggestion) order: each step (its index in the catalogue), the part of its score, and how many are left after it. */
  steps: number[]
  scores: number[]
  lefts: number[]
}

interface Candidate { id: string, index: number, score: number, km: number | undefined }

/** Whether candidate `a` ranks after `b` (a lower score, or the same score and a higher id). */
const after = (a: Candidate, b: Candidate): boolean => a.score < b.score || (a.score === b.score && a.id > b.id)

/** Keeps the `limit` best candidates in `heap`, whose root is the worst one kept. */
function keepBest (heap: Candidate[], limit: number, c: Candidate): void {
  if (heap.length < limit) {
    heap.push(c)
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (!after(heap[i] as Candidate, heap[parent] as Candidate)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Candidate, heap[i] as Candidate]
      i = parent
    }
    return
  }
  if (limit === 0 || !after(heap[0] as Candidate, c)) return
  heap[0] = c
  for (let i = 0; ;) {
    const l = 2 * i + 1
    const r = l + 1
    let worst = i
    if (l < heap.length && after(heap[l] as Candidate, heap[worst] as Candidate)) worst = l
    if (r < heap.length && after(heap[r] as Candidate, heap[worst] as Candidate)) worst = r
    if (worst === i) break
    ;[heap[i], heap[worst]] = [heap[worst] as Candidate, heap[i] as Candidate]
    i = worst
  }
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
 *
 * Cost, for catalogues of 100,000 achievements and thousands of pathways: per destination
 * pathway, its tree is counted once and each of its achievements recounts only its ancestors (no
 * lists built; a pathway with order constraints, or whose tree validation would refuse, goes
 * through `progress`); then one pass over the catalogue scores skills and nearness and keeps the
 * best `limit` steps. Reasons are put into words for the steps returned only.
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
  const { spine, learnerPlace, maxDistanceKm } = input
  const byCode = codeIndex(spine)

  // The catalogue by id (its first entry of an id), and per entry: a repeated id, held or an
  // award (closed), the pathways' part of its score (when scored), added in the order of the pathways.
  const entries = input.catalogue
  const catalogue = new Map<string, number>()
  const repeated = new Uint8Array(entries.length)
  const closed = new Uint8Array(entries.length)
  const scored = new Uint8Array(entries.length)
  const sums = new Float64Array(entries.length)
  for (let i = 0; i < entries.length; i++) {
    const id = (entries[i] as CatalogueEntry).id
    if (catalogue.get(id) === undefined) catalogue.set(id, i)
    else repeated[i] = 1
  }
  const close = (id: string): void => { const i = catalogue.get(id); if (i !== undefined) closed[i] = 1 }
  for (const id of held) close(id)
  for (const p of input.pathways) if (p.awardAchievementId !== undefined) close(p.awardAchievementId)
  /** The index of an achievement that can be a step (in the catalogue, not held, no award), else -1. */
  const open = (id: string): number => { const i = catalogue.get(id); return i === undefined || closed[i] === 1 ? -1 : i }
  const addTo = (i: number, score: number): void => { sums[i] = (sums[i] as number) + score; scored[i] = 1 }

  const plans: PathwayPlan[] = []
  for (const pathway of input.pathways) {
    if (pathway.kind === 'destination') {
      // Every achievement of the tree that brings completion closer counts, not only those of the
      // one cheapest completion (anyOf [web, sql]: either closes the gap). One that would break
      // an order constraint (its predecessor is still missing) gets nothing from this pathway.
      const plan: PathwayPlan = { pathway, done: 0, total: 0, steps: [], scores: [], lefts: [] }
      const step = (i: number, left: number, fraction: number): void => {
        const score = w.gap * fraction + (left === 0 ? w.completes : 0)
        plan.steps.push(i)
        plan.scores.push(score)
        plan.lefts.push(left)
        addTo(i, score)
      }
      const tree = pathway.order === undefined || pathway.order.length === 0 ? countTree(pathway.requirements, held) : undefined
      if (tree !== undefined) {
        const missing = missingOf(tree.root.value)
        if (missing === 0) continue
        plan.done = heldOf(tree.root.value)
        plan.total = plan.done + missing
        for (const node of tree.leaves) {
          if (node.value === LEAF_HELD) continue
          const i = open(node.id as string)
          if (i < 0) continue
          const next = withLeaf(node)
          const left = missingOf(next)
          if (left < missing) step(i, left, heldOf(next) / (heldOf(next) + left))
        }
      } else {
        const p = progress(pathway, held)
        if (p.complete) continue
        plan.done = p.done.length
        plan.total = p.done.length + p.missing.length
        for (const id of requirementLeaves(pathway.requirements)) {
          const i = open(id)
          if (i < 0) continue
          const next = progress(pathway, [...held, id])
          if (next.missing.length >= p.missing.length) continue
          if (next.orderViolations.length > p.orderViolations.length) continue
          step(i, next.missing.length, next.fraction)
        }
      }
      plans.push(plan)
    } else {
      const p = progress(pathway, held)
      if (p.complete) continue
      const done = p.done.length
      const total = done + p.missing.length
      const score = w.interest * (done + 1) / total
      const steps: number[] = []
      for (const id of p.missing) {
        const i = open(id)
        if (i < 0) continue
        addTo(i, score)
        steps.push(i)
      }
      plans.push({ pathway, done, total, steps, scores: steps.map(() => score), lefts: steps.map(() => total - done - 1) })
    }
  }

  // Skills the learner has shown: those of the catalogue's achievements they hold.
  const shown = new Set<string>()
  for (const id of held) {
    const i = catalogue.get(id)
    if (i !== undefined) for (const k of keysOf(entries[i] as CatalogueEntry, byCode)) shown.add(k)
  }
  // The name of a skill shown: the spine's, else the first targetName the catalogue gives it.
  const names = new Map<string, string>()
  for (const s of spine?.skills ?? []) names.set(s.id, s.name)
  const nearScore = (km: number): number => w.near * Math.max(0, 1 - km / nearKm)

  // One pass: a step's score adds its parts in the order the reasons come (pathways, skills,
  // nearness); the best `limit` steps are kept.
  const best: Candidate[] = []
  const shared: string[] = []
  for (let index = 0; index < entries.length; index++) {
    if (repeated[index] === 1) continue
    const entry = entries[index] as CatalogueEntry
    const open = closed[index] === 0
    shared.length = 0
    if (open && shown.size > 0) for (const k of entry.skills ?? []) if (shown.has(k) && !shared.includes(k)) shared.push(k)
    for (const a of entry.alignment ?? []) {
      const key = alignmentKey(a, byCode)
      if (key === undefined) continue
      if (!shown.has(key)) continue
      if (a.targetName !== undefined && !names.has(key)) names.set(key, a.targetName)
      if (open && !shared.includes(key)) shared.push(key)
    }
    if (!open) continue
    const pathwaySum = scored[index] === 1 ? sums[index] : undefined
    // NaN: a place whose latitude alone puts it at nearKm or more (a near part of 0), measured
    // only if the step is returned.
    let km: number | undefined
    if (learnerPlace !== undefined && entry.place !== undefined) {
      const atLeast = Math.abs(entry.place.lat - learnerPlace.lat) * KM_AT_LEAST_PER_DEGREE
      if (maxDistanceKm !== undefined && atLeast > maxDistanceKm) continue
      if (atLeast < nearKm || maxDistanceKm !== undefined || !Number.isFinite(w.near)) {
        km = distanceKm(learnerPlace, entry.place)
        if (maxDistanceKm !== undefined && km > maxDistanceKm) continue
      } else {
        if (pathwaySum === undefined && shared.length === 0) continue
        km = NaN
      }
    }
    if (pathwaySum === undefined && shared.length === 0 && km === undefined) continue
    let sum = pathwaySum ?? 0
    if (shared.length > 0) sum += w.skill * Math.min(shared.length, MAX_SKILL_MATCHES)
    if (km !== undefined && !Number.isNaN(km)) sum += nearScore(km)
    const score = round(sum)
    if (score > 0) keepBest(best, limit, { id: entry.id, index, score, km })
  }
  best.sort((a, b) => b.score - a.score || byId(a.id, b.id))

  // The reasons of the steps returned, in words.
  const reasonsOf = new Map<number, Reason[]>(best.map((c) => [c.index, []]))
  for (const { pathway, done, total, steps, scores, lefts } of plans) {
    for (let i = 0; i < steps.length; i++) {
      const reasons = reasonsOf.get(steps[i] as number)
      if (reasons === undefined) continue
      const score = scores[i] as number
      const left = lefts[i] as number
      reasons.push(pathway.kind === 'destination'
        ? {
            kind: left === 0 ? 'completes' : 'gap',
            pathwayId: pathway.id,
            score,
            text: `${done} of ${total} done towards '${pathway.name}': ${left === 0 ? 'this completes it' : `${left} more after this`}`
          }
        : { kind: 'interest', pathwayId: pathway.id, score, text: `suggested in '${pathway.name}' (${done} of ${total} held)` })
    }
  }
  return best.map(({ id, index, score, km: measured }) => {
    const entry = entries[index] as CatalogueEntry
    const km = measured !== undefined && Number.isNaN(measured) && learnerPlace !== undefined && entry.place !== undefined
      ? distanceKm(learnerPlace, entry.place)
      : measured
    const reasons = reasonsOf.get(index) as Reason[]
    const named = keysOf(entry, byCode).filter((k) => shown.has(k)).map((k) => ({ k, name: names.get(k) ?? k }))
      .sort((a, b) => byId(a.name, b.name) || byId(a.k, b.k))
    if (named.length > 0) {
      reasons.push({
        kind: 'skill',
        skills: named.map((s) => s.k),
        score: w.skill * Math.min(named.length, MAX_SKILL_MATCHES),
        text: `builds on ${listInWords(named.map((s) => s.name))}, which you have shown`
      })
    }
    if (km !== undefined) reasons.push({ kind: 'near', km, score: nearScore(km), text: `${formatDistance(km)} from you` })
    reasons.forEach((r) => { r.score = round(r.score) })
    reasons.sort((a, b) => b.score - a.score || byId(a.text, b.text))
    const rec: Recommendation = { achievementId: id, name: entry.name, score, reasons }
    if (km !== undefined) rec.km = km
    return rec
  })
}
