/**
 * Progress of a learner along a pathway, computed on the learner's side from the achievement ids
 * the wallet holds: per requirement node done or not, the fewest achievements that would complete
 * it, and the order constraints the earned dates break.
 */
import type { OrderConstraint, Pathway, Requirement } from './types.js'

/** Progress of one node of a requirement tree. */
export interface NodeProgress {
  /** Where the node is, as validation names it: `requirements.allOf[2].nOf.of[0]`. */
  path: string
  kind: 'achievement' | 'allOf' | 'anyOf' | 'nOf'
  /** For a leaf: the achievement. */
  achievementId?: string
  /** How many children must be done (1 for a leaf). */
  need: number
  /** How many children are done (for a leaf: 1 when held). */
  doneChildren: number
  done: boolean
  /** The fewest achievements that would complete this node, in tree order. */
  missing: string[]
  /** The held achievements this node's cheapest completion counts, in tree order. */
  held: string[]
  children: NodeProgress[]
}

/** An order constraint that the learner's achievements break. */
export interface OrderViolation extends OrderConstraint {
  reason: string
}

export interface PathwayProgress {
  pathwayId: string
  kind: Pathway['kind']
  /** Every requirement is met (for an interest pathway: every suggested achievement is held). */
  complete: boolean
  /** No order constraint is broken. */
  inOrder: boolean
  /** done / (done + missing), in [0, 1]. */
  fraction: number
  /** The held achievements that count towards the pathway (along its cheapest completion). */
  done: string[]
  /** The fewest achievements that would complete it; for nOf the cheapest children are chosen. */
  missing: string[]
  /** Per node progress (destination pathways). */
  tree?: NodeProgress
  orderViolations: OrderViolation[]
  /** Constraints between two held achievements that could not be checked for want of an earned date. */
  orderUnchecked: OrderConstraint[]
}

export type EarnedAt = ReadonlyMap<string, string | Date> | Readonly<Record<string, string | Date>>

export interface ProgressOptions {
  /** When each held achievement was earned (ISO 8601 or Date), for checking order constraints. */
  earnedAt?: EarnedAt
}

/** Evaluates one requirement node against the held achievement ids. */
export function evaluateRequirement (requirement: Requirement, held: ReadonlySet<string>, path = 'requirements'): NodeProgress {
  if (typeof requirement === 'string') {
    const has = held.has(requirement)
    return {
      path,
      kind: 'achievement',
      achievementId: requirement,
      need: 1,
      doneChildren: has ? 1 : 0,
      done: has,
      missing: has ? [] : [requirement],
      held: has ? [requirement] : [],
      children: []
    }
  }
  let kind: 'allOf' | 'anyOf' | 'nOf'
  let list: Requirement[]
  let need: number
  let childPath: string
  if ('allOf' in requirement) {
    kind = 'allOf'; list = requirement.allOf; need = list.length; childPath = `${path}.allOf`
  } else if ('anyOf' in requirement) {
    kind = 'anyOf'; list = requirement.anyOf; need = 1; childPath = `${path}.anyOf`
  } else {
    kind = 'nOf'; list = requirement.nOf.of; need = requirement.nOf.n; childPath = `${path}.nOf.of`
  }
  const children = list.map((child, i) => evaluateRequirement(child, held, `${childPath}[${i}]`))
  // Leaves of a validated tree are distinct, so a node's cheapest completion is that of its `need`
  // cheapest children: fewest missing first, then the most progress, then tree order.
  const chosen = children
    .map((child, index) => ({ child, index }))
    .sort((a, b) => a.child.missing.length - b.child.missing.length || b.child.held.length - a.child.held.length || a.index - b.index)
    .slice(0, need)
    .sort((a, b) => a.index - b.index)
  const missing = chosen.flatMap(({ child }) => child.missing)
  return {
    path,
    kind,
    need,
    doneChildren: children.filter((c) => c.done).length,
    done: missing.length === 0 && chosen.length === need,
    missing,
    held: chosen.flatMap(({ child }) => child.held),
    children
  }
}

function toSet (held: Iterable<string>, name: string): ReadonlySet<string> {
  if (held == null || typeof (held as Iterable<string>)[Symbol.iterator] !== 'function' || typeof held === 'string') {
    throw new TypeError(`${name} must be an iterable of achievement ids`)
  }
  return held instanceof Set ? held : new Set(held)
}

function timeOf (earnedAt: EarnedAt | undefined, id: string): number | undefined {
  if (earnedAt === undefined) return undefined
  const value = earnedAt instanceof Map ? earnedAt.get(id) : (earnedAt as Readonly<Record<string, string | Date>>)[id]
  if (value === undefined) return undefined
  const t = value instanceof Date ? value.getTime() : Date.parse(value)
  return Number.isNaN(t) ? undefined : t
}

function fractionOf (done: number, missing: number): number {
  return done + missing === 0 ? 1 : done / (done + missing)
}

/**
 * Where a learner holding `held` stands on `pathway` (a validated one: see validatePathway).
 * An order constraint "A before B" is broken when B is held and A is held with a later earned date,
 * or when B is held and A is still among the missing achievements (A can now only come after).
 */
export function progress (pathway: Pathway, held: Iterable<string>, options: ProgressOptions = {}): PathwayProgress {
  if (pathway == null || typeof pathway !== 'object') throw new TypeError('pathway must be a pathway object')
  const have = toSet(held, 'held')
  if (pathway.kind === 'interest') {
    const done = pathway.suggested.filter((id) => have.has(id))
    const missing = pathway.suggested.filter((id) => !have.has(id))
    return {
      pathwayId: pathway.id,
      kind: 'interest',
      complete: missing.length === 0,
      inOrder: true,
      fraction: fractionOf(done.length, missing.length),
      done,
      missing,
      orderViolations: [],
      orderUnchecked: []
    }
  }
  const tree = evaluateRequirement(pathway.requirements, have)
  const missing = [...new Set(tree.missing)]
  const done = [...new Set(tree.held)]
  const orderViolations: OrderViolation[] = []
  const orderUnchecked: OrderConstraint[] = []
  for (const { before, after } of pathway.order ?? []) {
    if (!have.has(after)) continue
    if (!have.has(before)) {
      if (missing.includes(before)) {
        orderViolations.push({ before, after, reason: `'${after}' was earned before '${before}', which is still missing` })
      }
      continue
    }
    const tBefore = timeOf(options.earnedAt, before)
    const tAfter = timeOf(options.earnedAt, after)
    if (tBefore === undefined || tAfter === undefined) {
      orderUnchecked.push({ before, after })
    } else if (tAfter < tBefore) {
      orderViolations.push({
        before,
        after,
        reason: `'${after}' was earned on ${new Date(tAfter).toISOString()}, before '${before}' (${new Date(tBefore).toISOString()})`
      })
    }
  }
  return {
    pathwayId: pathway.id,
    kind: 'destination',
    complete: tree.done,
    inOrder: orderViolations.length === 0,
    fraction: fractionOf(done.length, missing.length),
    done,
    missing,
    tree,
    orderViolations,
    orderUnchecked
  }
}

/** The achievement ids of a requirement tree's leaves, in tree order. */
export function requirementLeaves (requirement: Requirement): string[] {
  if (typeof requirement === 'string') return [requirement]
  const list = 'allOf' in requirement ? requirement.allOf : 'anyOf' in requirement ? requirement.anyOf : requirement.nOf.of
  return list.flatMap(requirementLeaves)
}
