/**
 * The pathway badge: when a learner completes a pathway that names an `awardAchievementId`, the
 * node awards that achievement on claim, exactly once. These functions decide; issuing is the
 * caller's, who records the award (adds it to `awarded`) before or atomically with issuing it.
 */
import { progress } from './progress.js'
import type { EarnedAt, PathwayProgress } from './progress.js'
import type { Pathway } from './types.js'

export type AwardDecision =
  | { award: true, pathwayId: string, achievementId: string, reason: string }
  | { award: false, pathwayId: string, achievementId?: string, reason: string, progress?: PathwayProgress }

export interface AwardInput {
  pathway: Pathway
  /** The achievement ids the learner holds. */
  held: Iterable<string>
  /** The pathway badges (achievement ids) already awarded to this learner. */
  awarded: Iterable<string>
  earnedAt?: EarnedAt
  /** Whether broken order constraints withhold the badge; default true. */
  enforceOrder?: boolean
}

/**
 * Whether to award the pathway's badge now: only when it names one, the learner neither holds it
 * nor has been awarded it, every requirement is met and (unless `enforceOrder: false`) no order
 * constraint is broken. Calling it again after recording the award says no: exactly once.
 */
export function decidePathwayAward (input: AwardInput): AwardDecision {
  if (input == null || typeof input !== 'object') throw new TypeError('input must be an object')
  const { pathway } = input
  const achievementId = pathway.awardAchievementId
  if (achievementId === undefined) return { award: false, pathwayId: pathway.id, reason: `'${pathway.name}' has no pathway badge` }
  const held = new Set(input.held)
  const awarded = new Set(input.awarded)
  if (awarded.has(achievementId) || held.has(achievementId)) {
    return { award: false, pathwayId: pathway.id, achievementId, reason: `the badge of '${pathway.name}' was awarded already` }
  }
  const p = progress(pathway, held, input.earnedAt !== undefined ? { earnedAt: input.earnedAt } : {})
  if (!p.complete) {
    return { award: false, pathwayId: pathway.id, achievementId, progress: p, reason: `'${pathway.name}' is not complete: missing ${p.missing.join(', ')}` }
  }
  if ((input.enforceOrder ?? true) && !p.inOrder) {
    return { award: false, pathwayId: pathway.id, achievementId, progress: p, reason: `'${pathway.name}' was not followed in order: ${p.orderViolations.map((v) => v.reason).join('; ')}` }
  }
  return { award: true, pathwayId: pathway.id, achievementId, reason: `'${pathway.name}' is complete` }
}

/**
 * The pathway badges due to a learner across many pathways, each achievement once even when two
 * pathways award the same one (the first pathway in id order gets it). Pathways are taken in id
 * order so the result does not depend on the order given. A badge awarded here counts as held for
 * the other pathways, so a pathway that asks for another's badge is awarded in the same call.
 */
export function pathwayAwardsDue (input: Omit<AwardInput, 'pathway'> & { pathways: readonly Pathway[] }): Array<AwardDecision & { award: true }> {
  if (input == null || !Array.isArray(input.pathways)) throw new TypeError('input.pathways must be an array')
  const held = [...input.held]
  const awarded = new Set(input.awarded)
  const due: Array<AwardDecision & { award: true }> = []
  const sorted = [...input.pathways].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  // A badge just awarded may complete another pathway that asks for it: go round until nothing
  // changes (at most once per pathway).
  let changed = true
  while (changed) {
    changed = false
    for (const pathway of sorted) {
      const d = decidePathwayAward({ ...input, pathway, held, awarded })
      if (d.award) {
        due.push(d)
        awarded.add(d.achievementId)
        held.push(d.achievementId)
        changed = true
      }
    }
  }
  return due
}
