/**
 * @packageDocumentation
 *
 * @cofl/pathways: the pure logic of a City of Learning's routes. The skills spine (four layers,
 * mapped to public frameworks), pathways of two kinds (destination-driven: a tree of allOf / anyOf
 * / nOf over achievement ids, with order constraints, that unlocks an opportunity; interest-driven:
 * a theme with suggested achievements), opportunities and places. Validation of untrusted
 * documents that returns errors with their paths instead of throwing; a learner's progress along a
 * pathway with the fewest achievements that would complete it; ranked next steps with their
 * reasons in words; and the decision to award a pathway badge, exactly once. No I/O, no signing:
 * the wallet and the node call it with what they hold.
 *
 * @example
 * ```ts
 * import { validatePathway, progress, recommend, decidePathwayAward } from '@cofl/pathways'
 *
 * const result = validatePathway(untrustedJson)
 * if (!result.valid) throw new Error(result.errors.map(formatValidationError).join('\n'))
 * const pathway = result.value
 * const p = progress(pathway, heldIds, { earnedAt })
 * // p.complete, p.fraction, p.missing (fewest badges to complete), p.orderViolations
 * const steps = recommend({ pathways: [pathway], held: heldIds, catalogue, learnerPlace: { lat: 51.45, lon: -2.59 } })
 * // steps[0].reasons[0].text === "2 of 3 done towards 'Junior Developer Apprenticeship': this completes it"
 * const d = decidePathwayAward({ pathway, held: heldIds, awarded: alreadyAwarded })
 * if (d.award) { alreadyAwarded.add(d.achievementId); // then issue d.achievementId }
 * ```
 */
export {
  SPINE_LAYERS, OPPORTUNITY_KINDS, PATHWAY_KINDS, MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES, MAX_LIST_LENGTH,
  MAX_STRING_LENGTH, EARTH_RADIUS_KM, DEFAULT_RECOMMEND_LIMIT, DEFAULT_NEAR_KM, MAX_SKILL_MATCHES, SCORE_DECIMALS,
  defaultRecommendWeights
} from './constants.js'
export type { SpineLayer, OpportunityKind, PathwayKind, RecommendWeights } from './constants.js'
export { PathwayError, PathwayErrorCode } from './errors.js'
export type { ValidationError } from './errors.js'
export type {
  SpineSkill, SkillsSpine, Requirement, OrderConstraint, DestinationPathway, InterestPathway, Pathway, PostalAddress,
  Place, Opportunity, SkillAlignment, CatalogueEntry
} from './types.js'
export {
  validatePathway, assertValidPathway, validateSpine, validateOpportunity, validatePlace, formatValidationError
} from './validate.js'
export type { ValidationResult } from './validate.js'
export { progress, evaluateRequirement, requirementLeaves } from './progress.js'
export type { NodeProgress, OrderViolation, PathwayProgress, ProgressOptions, EarnedAt } from './progress.js'
export { distanceKm, formatDistance, byDistance } from './geo.js'
export type { LatLon } from './geo.js'
export { createRecommender, recommend, skillKeys } from './recommend.js'
export type { Recommendation, Reason, ReasonKind, RecommendInput, RecommendOptions, Recommender, RecommenderInit } from './recommend.js'
export { decidePathwayAward, pathwayAwardsDue } from './award.js'
export { catalogueEntryOf, learnerProgress, placeOf, validPathways } from './learner.js'
export type { LearnerProgress, LearnerProgressInput } from './learner.js'
export type { AwardDecision, AwardInput } from './award.js'
