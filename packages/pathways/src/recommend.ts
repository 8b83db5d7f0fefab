/**
 * Next steps for a learner, computed on the learner's side from the wallet's achievement ids and
 * the replicated catalogue: close the gap to pathways the learner is near, build on skills already
 * shown, stay near where the learner is. Each step comes with its score and the reasons, in words.
 *
 * `createRecommender({ catalogue, pathways, spine })` reads the catalogue and the pathways once
 * (ids, skills, places, requirement trees) so that each `recommend({ held, ... })` afterwards
 * works on arrays of numbers: what a wallet that keeps the catalogue wants. `recommend(input)` is
 * the same for one call.
 */
import {
  DEFAULT_NEAR_KM, DEFAULT_RECOMMEND_LIMIT, EARTH_RADIUS_KM, MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES, MAX_SKILL_MATCHES, SCORE_DECIMALS,
  defaultRecommendWeights
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

/** What a recommender reads once. */
export interface RecommenderInit {
  pathways: readonly Pathway[]
  catalogue: readonly CatalogueEntry[]
  /** The spine, for the names of skills in reasons and to map framework codes to spine skills. */
  spine?: SkillsSpine
}

/** What each recommendation asks. */
export interface RecommendOptions {
  /** The achievement ids the learner holds. */
  held: Iterable<string>
  learnerPlace?: LatLon
  /** How many steps to return; default DEFAULT_RECOMMEND_LIMIT. */
  limit?: number
  weights?: Partial<RecommendWeights>
  /** Distance at which the nearness bonus reaches zero; default DEFAULT_NEAR_KM. */
  nearKm?: number
  /** Leave out steps whose place is further than this from the learner. */
  maxDistanceKm?: number
}

export interface RecommendInput extends RecommenderInit, RecommendOptions {}

/**
 * Next steps over a catalogue and pathways read once. The catalogue, its entries and the
 * pathways must not change while the recommender is in use: make a new one when they do.
 */
export interface Recommender {
  recommend: (options: RecommendOptions) => Recommendation[]
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
 * Kilometres per degree of latitude, a hair less: |Δlat| × this is less than the distance
 * between two places as distanceKm measures it, rounding included.
 */
const KM_AT_LEAST_PER_DEGREE = EARTH_RADIUS_KM * Math.PI / 180 * (1 - 1e-9)
const RAD = Math.PI / 180

/**
 * Beyond this difference of longitude (degrees), a place whose latitude is within `nearKm` of the
 * learner's is at `nearKm` or more: the haversine h is at least cos φ1 · cos φ2 · sin²(Δλ / 2).
 * 180 when no such bound holds (near a pole, or a radius of half the Earth).
 */
function longitudeWindow (learnerLat: number, nearKm: number): number {
  const theta = nearKm / EARTH_RADIUS_KM
  const farthestLat = Math.min(90, Math.abs(learnerLat) + nearKm / KM_AT_LEAST_PER_DEGREE)
  const arg = Math.sin(Math.min(Math.PI, theta) / 2) / Math.sqrt(Math.cos(learnerLat * RAD) * Math.cos(farthestLat * RAD))
  if (!(arg < 1)) return 180
  return Math.min(180, (2 * Math.asin(arg) / RAD) * (1 + 1e-9) + 1e-9)
}

/**
 * The missing and held counts of a requirement node's cheapest completion (the lengths of
 * evaluateRequirement's `missing` and `held`) packed in one 32-bit integer, so that comparing two
 * packs orders them as evaluateRequirement chooses children (fewest missing first, then most
 * held): missing << 12 | (4095 − held). A counted tree has at most MAX_REQUIREMENT_NODES leaves,
 * fewer than 4096.
 */
const HELD_BITS = 12
const HELD_MASK = (1 << HELD_BITS) - 1
const NO_PACK = 0x7fffffff
const pack = (missing: number, held: number): number => (missing << HELD_BITS) | (HELD_MASK - held)
const missingOf = (packed: number): number => packed >> HELD_BITS
const heldOf = (packed: number): number => HELD_MASK - (packed & HELD_MASK)
const LEAF_HELD = pack(0, 1)
const LEAF_MISSING = pack(1, 0)

const LEAF = 0
const ALL_OF = 1
const ANY_OF = 2
const N_OF = 3

/**
 * The requirement trees of all counted pathways, node by node in depth-first order (a node's
 * descendants follow it, so a backward walk meets children before their parent).
 */
interface Forest {
  op: Uint8Array
  need: Int32Array
  parent: Int32Array
  /** Children of node n: childList[childStart[n] .. childStart[n + 1]). */
  childStart: Int32Array
  childList: Int32Array
  /** A leaf's position in the catalogue, else -1. */
  leafEntry: Int32Array
  /** A leaf's achievement id. */
  leafId: Array<string | undefined>
}

/** A pathway as the recommender reads it. */
type PreparedPathway =
  /** A destination pathway counted on the forest: nodes [start, end), leaves in tree order. */
  | { how: 'count', pathway: Pathway, start: number, end: number, leaves: Int32Array }
  /** A destination pathway with order constraints, or a tree the counts do not stand for: `progress` decides. */
  | { how: 'progress', pathway: Pathway, leaves: string[], entries: Int32Array }
  | { how: 'interest', pathway: Pathway, suggested: string[], entries: Int32Array }

/** Builds the forest: node arrays, growing while pathways are read. */
class ForestBuilder {
  op: number[] = []
  need: number[] = []
  parent: number[] = []
  leafEntry: number[] = []
  leafId: Array<string | undefined> = []

  /**
   * Adds a tree and returns its leaves; undefined (and nothing added) for a tree whose counts
   * would not be evaluateRequirement's: an achievement twice, an nOf whose n is out of range,
   * deeper or larger than validation allows.
   */
  add (root: Requirement, entryOf: (id: string) => number): number[] | undefined {
    const mark = this.op.length
    const leaves: number[] = []
    const seen = new Set<string>()
    const visit = (r: Requirement, parent: number, depth: number): boolean => {
      if (this.op.length - mark >= MAX_REQUIREMENT_NODES) return false
      const n = this.op.length
      this.parent.push(parent)
      if (typeof r === 'string') {
        if (seen.has(r)) return false
        seen.add(r)
        this.op.push(LEAF)
        this.need.push(0)
        this.leafEntry.push(entryOf(r))
        this.leafId.push(r)
        leaves.push(n)
        return true
      }
      if (depth > MAX_REQUIREMENT_DEPTH || r == null || typeof r !== 'object') return false
      let list: unknown
      let op: number
      let need: unknown
      if ('allOf' in r) { list = r.allOf; op = ALL_OF; need = Array.isArray(list) ? list.length : 0 } else if ('anyOf' in r) { list = r.anyOf; op = ANY_OF; need = 1 } else if ('nOf' in r && r.nOf != null) { list = r.nOf.of; op = N_OF; need = r.nOf.n } else return false
      this.op.push(op)
      this.need.push(typeof need === 'number' ? need : 0)
      this.leafEntry.push(-1)
      this.leafId.push(undefined)
      if (!Array.isArray(list) || typeof need !== 'number' || !Number.isInteger(need) || need < 1 || need > list.length) return false
      for (const child of list as Requirement[]) if (!visit(child, n, depth + 1)) return false
      return true
    }
    if (visit(root, -1, 1)) return leaves
    for (const list of [this.op, this.need, this.parent, this.leafEntry, this.leafId]) list.length = mark
    return undefined
  }

  build (): Forest {
    // Children in order: a node's children come after it, in tree order, each after its parent.
    const nodes = this.op.length
    const childStart = new Int32Array(nodes + 1)
    for (const p of this.parent) if (p >= 0) childStart[p + 1] = (childStart[p + 1] as number) + 1
    for (let n = 0; n < nodes; n++) childStart[n + 1] = (childStart[n + 1] as number) + (childStart[n] as number)
    const childList = new Int32Array(nodes)
    const fill = childStart.slice(0, nodes)
    this.parent.forEach((p, n) => {
      if (p < 0) return
      childList[fill[p] as number] = n
      fill[p] = (fill[p] as number) + 1
    })
    return {
      op: Uint8Array.from(this.op),
      need: Int32Array.from(this.need),
      parent: Int32Array.from(this.parent),
      childStart,
      childList,
      leafEntry: Int32Array.from(this.leafEntry),
      leafId: this.leafId
    }
  }
}

/** The packed counts of node `n` from its children's in `value`, child `changed` counting as `v`. */
function combine (f: Forest, value: Int32Array, n: number, changed: number, v: number): number {
  const from = f.childStart[n] as number
  const to = f.childStart[n + 1] as number
  const op = f.op[n]
  if (op === ANY_OF) {
    let best = NO_PACK
    for (let i = from; i < to; i++) {
      const c = f.childList[i] as number
      const x = c === changed ? v : value[c] as number
      if (x < best) best = x
    }
    return best
  }
  let missing = 0
  let held = 0
  if (op === ALL_OF) {
    for (let i = from; i < to; i++) {
      const c = f.childList[i] as number
      const x = c === changed ? v : value[c] as number
      missing += missingOf(x)
      held += heldOf(x)
    }
    return pack(missing, held)
  }
  // nOf: its `need` smallest children (insertion sort: an nOf has a few children).
  scratch.length = 0
  for (let i = from; i < to; i++) {
    const c = f.childList[i] as number
    const x = c === changed ? v : value[c] as number
    let j = scratch.length
    scratch.push(x)
    while (j > 0 && (scratch[j - 1] as number) > x) { scratch[j] = scratch[j - 1] as number; j-- }
    scratch[j] = x
  }
  const need = f.need[n] as number
  for (let i = 0; i < need; i++) {
    missing += missingOf(scratch[i] as number)
    held += heldOf(scratch[i] as number)
  }
  return pack(missing, held)
}

/** Sorted packs of an nOf's children (reused: combine is never re-entered). */
const scratch: number[] = []

/** The root's packed counts when leaf `n` is held too: only its ancestors change. */
function withLeaf (f: Forest, value: Int32Array, n: number): number {
  let child = n
  let v = LEAF_HELD
  for (let p = f.parent[n] as number; p >= 0; p = f.parent[p] as number) {
    v = f.op[p] === ALL_OF
      ? pack(missingOf(value[p] as number) - missingOf(value[child] as number) + missingOf(v), heldOf(value[p] as number) - heldOf(value[child] as number) + heldOf(v))
      : combine(f, value, p, child, v)
    child = p
  }
  return v
}

interface Candidate { id: string, entry: number, score: number, km: number | undefined }

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

function checkInit (init: RecommenderInit): void {
  if (init == null || typeof init !== 'object') throw new TypeError('input must be an object')
  if (!Array.isArray(init.pathways)) throw new TypeError('input.pathways must be an array')
  if (!Array.isArray(init.catalogue)) throw new TypeError('input.catalogue must be an array')
}

function checkOptions (options: RecommendOptions): { limit: number, nearKm: number } {
  if (options == null || typeof options !== 'object') throw new TypeError('options must be an object')
  const limit = options.limit ?? DEFAULT_RECOMMEND_LIMIT
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError('input.limit must be a non-negative integer')
  const nearKm = options.nearKm ?? DEFAULT_NEAR_KM
  if (!(nearKm > 0)) throw new TypeError('input.nearKm must be a positive number')
  return { limit, nearKm }
}

/**
 * Reads the catalogue (the first entry of each id), the pathways and the spine once; see
 * `recommend` for what the recommendations are.
 */
export function createRecommender (init: RecommenderInit): Recommender {
  checkInit(init)
  const byCode = codeIndex(init.spine)

  // The catalogue: the first entry of each id, its place, and its skills as numbers.
  const entries: CatalogueEntry[] = []
  const position = new Map<string, number>()
  for (const entry of init.catalogue) {
    if (position.get(entry.id) !== undefined) continue
    position.set(entry.id, entries.length)
    entries.push(entry)
  }
  const count = entries.length
  const entryOf = (id: string): number => position.get(id) ?? -1
  const lat = new Float64Array(count).fill(NaN)
  const lon = new Float64Array(count).fill(NaN)
  const keyNumbers = new Map<string, number>()
  const keys: string[] = []
  /** The name of a skill: the spine's, else the first targetName the catalogue gives it. */
  const names = new Map<string, string>()
  for (const s of init.spine?.skills ?? []) names.set(s.id, s.name)
  const skillStart = new Int32Array(count + 1)
  const skillList: number[] = []
  /** Adds skill `key` to the skills of the entry whose list starts at `from`, once. */
  const note = (key: string, from: number): void => {
    let k = keyNumbers.get(key)
    if (k === undefined) { k = keys.length; keys.push(key); keyNumbers.set(key, k) }
    for (let i = from; i < skillList.length; i++) if (skillList[i] === k) return
    skillList.push(k)
  }
  for (let e = 0; e < count; e++) {
    const entry = entries[e] as CatalogueEntry
    if (entry.place !== undefined) { lat[e] = entry.place.lat; lon[e] = entry.place.lon }
    const from = skillList.length
    for (const key of entry.skills ?? []) note(key, from)
    for (const a of entry.alignment ?? []) {
      const key = alignmentKey(a, byCode)
      if (key === undefined) continue
      if (a.targetName !== undefined && !names.has(key)) names.set(key, a.targetName)
      note(key, from)
    }
    skillStart[e + 1] = skillList.length
  }
  const skills = Int32Array.from(skillList)
  const award = new Uint8Array(count)
  for (const p of init.pathways) {
    if (p.awardAchievementId === undefined) continue
    const e = entryOf(p.awardAchievementId)
    if (e >= 0) award[e] = 1
  }

  // The pathways, their trees counted on the forest where the counts stand for progress.
  const builder = new ForestBuilder()
  const pathways: PreparedPathway[] = init.pathways.map((pathway): PreparedPathway => {
    if (pathway.kind !== 'destination') {
      return { how: 'interest', pathway, suggested: pathway.suggested, entries: Int32Array.from(pathway.suggested, entryOf) }
    }
    const start = builder.op.length
    const leaves = pathway.order === undefined || pathway.order.length === 0 ? builder.add(pathway.requirements, entryOf) : undefined
    if (leaves !== undefined) return { how: 'count', pathway, start, end: builder.op.length, leaves: Int32Array.from(leaves) }
    const ids = requirementLeaves(pathway.requirements)
    return { how: 'progress', pathway, leaves: ids, entries: Int32Array.from(ids, entryOf) }
  })
  const forest = builder.build()

  // Working space of a recommendation, reused (a recommendation runs to its end before the next).
  const heldEntry = new Uint8Array(count)
  const closed = new Uint8Array(count)
  const scored = new Uint8Array(count)
  const sums = new Float64Array(count)
  const value = new Int32Array(forest.op.length)
  const shown = new Uint8Array(keys.length)
  const done = new Int32Array(pathways.length)
  const total = new Int32Array(pathways.length)
  /** The steps pathways give, in the order of the pathways: which pathway, which entry, the part of its score, how many left after it. */
  const stepPathway: number[] = []
  const stepEntry: number[] = []
  const stepScore: number[] = []
  const stepLeft: number[] = []

  function recommend (options: RecommendOptions): Recommendation[] {
    const { limit, nearKm } = checkOptions(options)
    const w: RecommendWeights = { ...defaultRecommendWeights(), ...options.weights }
    const { learnerPlace, maxDistanceKm } = options
    const held = new Set(options.held)
    // Per entry: held, closed (held or an award: never a step), and the pathways' part of its
    // score (when it has one), added in the order of the pathways.
    heldEntry.fill(0)
    for (const id of held) {
      const e = entryOf(id)
      if (e >= 0) heldEntry[e] = 1
    }
    for (let e = 0; e < count; e++) closed[e] = (heldEntry[e] as number) | (award[e] as number)
    scored.fill(0)
    sums.fill(0)
    stepPathway.length = stepEntry.length = stepScore.length = stepLeft.length = 0
    const isHeld = (id: string | undefined, e: number): boolean => e >= 0 ? heldEntry[e] === 1 : held.has(id as string)
    const step = (p: number, e: number, left: number, score: number): void => {
      stepPathway.push(p)
      stepEntry.push(e)
      stepScore.push(score)
      stepLeft.push(left)
      sums[e] = (sums[e] as number) + score
      scored[e] = 1
    }

    for (let pi = 0; pi < pathways.length; pi++) {
      const prepared = pathways[pi] as PreparedPathway
      const { pathway } = prepared
      if (prepared.how === 'count') {
        // Every achievement of the tree that brings completion closer counts, not only those of
        // the one cheapest completion (anyOf [web, sql]: either closes the gap).
        for (let n = prepared.end - 1; n >= prepared.start; n--) {
          value[n] = forest.op[n] === LEAF
            ? (isHeld(forest.leafId[n], forest.leafEntry[n] as number) ? LEAF_HELD : LEAF_MISSING)
            : combine(forest, value, n, -1, 0)
        }
        const root = value[prepared.start] as number
        const missing = missingOf(root)
        if (missing === 0) continue
        done[pi] = heldOf(root)
        total[pi] = heldOf(root) + missing
        for (const n of prepared.leaves) {
          const e = forest.leafEntry[n] as number
          if (value[n] === LEAF_HELD || e < 0 || closed[e] === 1) continue
          const next = withLeaf(forest, value, n)
          const left = missingOf(next)
          if (left < missing) step(pi, e, left, w.gap * (heldOf(next) / (heldOf(next) + left)) + (left === 0 ? w.completes : 0))
        }
      } else if (prepared.how === 'progress') {
        // One that would break an order constraint (its predecessor is still missing) gets
        // nothing from this pathway.
        const p = progress(pathway, held)
        if (p.complete) continue
        done[pi] = p.done.length
        total[pi] = p.done.length + p.missing.length
        prepared.leaves.forEach((id, i) => {
          const e = prepared.entries[i] as number
          if (e < 0 || closed[e] === 1) return
          const next = progress(pathway, [...held, id])
          if (next.missing.length >= p.missing.length) return
          if (next.orderViolations.length > p.orderViolations.length) return
          const left = next.missing.length
          step(pi, e, left, w.gap * next.fraction + (left === 0 ? w.completes : 0))
        })
      } else {
        // An interest pathway: every suggestion not held, as progress lists them.
        let heldHere = 0
        prepared.suggested.forEach((id, i) => { if (isHeld(id, prepared.entries[i] as number)) heldHere++ })
        const all = prepared.suggested.length
        if (heldHere === all) continue
        done[pi] = heldHere
        total[pi] = all
        const score = w.interest * (heldHere + 1) / all
        prepared.suggested.forEach((id, i) => {
          const e = prepared.entries[i] as number
          if (isHeld(id, e) || e < 0 || closed[e] === 1) return
          step(pi, e, all - heldHere - 1, score)
        })
      }
    }

    // Skills the learner has shown: those of the catalogue's achievements they hold.
    shown.fill(0)
    let anyShown = false
    for (let e = 0; e < count; e++) {
      if (heldEntry[e] !== 1) continue
      for (let i = skillStart[e] as number; i < (skillStart[e + 1] as number); i++) { shown[skills[i] as number] = 1; anyShown = true }
    }
    const nearScore = (km: number): number => w.near * Math.max(0, 1 - km / nearKm)
    const window = learnerPlace !== undefined ? longitudeWindow(learnerPlace.lat, nearKm) : 180

    // One pass: a step's score adds its parts in the order its reasons come (pathways, skills,
    // nearness); the best `limit` steps are kept. A place whose latitude or longitude alone puts
    // it at nearKm or more adds 0 and is measured only for the steps returned (km NaN until then).
    const best: Candidate[] = []
    for (let e = 0; e < count; e++) {
      if (closed[e] === 1) continue
      let shared = 0
      if (anyShown) for (let i = skillStart[e] as number; i < (skillStart[e + 1] as number); i++) shared += shown[skills[i] as number] as number
      let km: number | undefined
      if (learnerPlace !== undefined && !Number.isNaN(lat[e])) {
        const atLeast = Math.abs((lat[e] as number) - learnerPlace.lat) * KM_AT_LEAST_PER_DEGREE
        if (maxDistanceKm !== undefined && atLeast > maxDistanceKm) continue
        let dLon = Math.abs((lon[e] as number) - learnerPlace.lon) % 360
        if (dLon > 180) dLon = 360 - dLon
        if ((atLeast < nearKm && dLon <= window) || maxDistanceKm !== undefined || !Number.isFinite(w.near)) {
          km = distanceKm(learnerPlace, (entries[e] as CatalogueEntry).place as LatLon)
          if (maxDistanceKm !== undefined && km > maxDistanceKm) continue
        } else {
          if (scored[e] === 0 && shared === 0) continue
          km = NaN
        }
      }
      if (scored[e] === 0 && shared === 0 && km === undefined) continue
      let sum = scored[e] === 1 ? sums[e] as number : 0
      if (shared > 0) sum += w.skill * Math.min(shared, MAX_SKILL_MATCHES)
      if (km !== undefined && !Number.isNaN(km)) sum += nearScore(km)
      const score = round(sum)
      if (score > 0) keepBest(best, limit, { id: (entries[e] as CatalogueEntry).id, entry: e, score, km })
    }
    best.sort((a, b) => b.score - a.score || byId(a.id, b.id))

    // The reasons of the steps returned, in words.
    const reasonsOf = new Map<number, Reason[]>(best.map((c) => [c.entry, []]))
    for (let i = 0; i < stepEntry.length; i++) {
      const reasons = reasonsOf.get(stepEntry[i] as number)
      if (reasons === undefined) continue
      const pi = stepPathway[i] as number
      const { pathway } = pathways[pi] as PreparedPathway
      const score = stepScore[i] as number
      const left = stepLeft[i] as number
      reasons.push(pathway.kind === 'destination'
        ? {
            kind: left === 0 ? 'completes' : 'gap',
            pathwayId: pathway.id,
            score,
            text: `${done[pi] as number} of ${total[pi] as number} done towards '${pathway.name}': ${left === 0 ? 'this completes it' : `${left} more after this`}`
          }
        : { kind: 'interest', pathwayId: pathway.id, score, text: `suggested in '${pathway.name}' (${done[pi] as number} of ${total[pi] as number} held)` })
    }
    return best.map(({ id, entry: e, score, km: measured }) => {
      const entry = entries[e] as CatalogueEntry
      const km = measured !== undefined && Number.isNaN(measured) ? distanceKm(learnerPlace as LatLon, entry.place as LatLon) : measured
      const reasons = reasonsOf.get(e) as Reason[]
      const named: Array<{ k: string, name: string }> = []
      for (let i = skillStart[e] as number; i < (skillStart[e + 1] as number); i++) {
        const k = skills[i] as number
        if (shown[k] === 1) named.push({ k: keys[k] as string, name: names.get(keys[k] as string) ?? keys[k] as string })
      }
      named.sort((a, b) => byId(a.name, b.name) || byId(a.k, b.k))
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

  return { recommend }
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
 * For many recommendations over the same catalogue, `createRecommender` reads it once.
 */
export function recommend (input: RecommendInput): Recommendation[] {
  checkInit(input)
  checkOptions(input)
  return createRecommender(input).recommend(input)
}
