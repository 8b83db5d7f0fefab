/**
 * Named defaults and limits of @cofl/pathways.
 */

/** The four layers of a city's skills spine, from the most general to the most local. */
export const SPINE_LAYERS = ['universal-core', 'city-of-learning', 'city-specific', 'strategic'] as const
export type SpineLayer = typeof SPINE_LAYERS[number]

/** The kinds of opportunity that employers and providers publish. */
export const OPPORTUNITY_KINDS = ['interview', 'apprenticeship', 'internship', 'course'] as const
export type OpportunityKind = typeof OPPORTUNITY_KINDS[number]

/** The two kinds of pathway. */
export const PATHWAY_KINDS = ['destination', 'interest'] as const
export type PathwayKind = typeof PATHWAY_KINDS[number]

/**
 * The deepest nesting of requirement operators (allOf / anyOf / nOf) that validation accepts; the
 * root operator is at depth 1. Pathways are untrusted input: this bounds the recursion of every
 * function that walks a requirement tree.
 */
export const MAX_REQUIREMENT_DEPTH = 8

/** The most nodes (operators and achievement leaves together) in one requirement tree. */
export const MAX_REQUIREMENT_NODES = 1000

/** The most order constraints, suggested achievements, skills or tags in one document. */
export const MAX_LIST_LENGTH = 1000

/** The longest identifier, name or tag (characters) that validation accepts. */
export const MAX_STRING_LENGTH = 2048

/** Mean radius of the Earth in kilometres (IUGG), used by the haversine distance. */
export const EARTH_RADIUS_KM = 6371.0088

/** How many next steps `recommend` returns when no `limit` is given. */
export const DEFAULT_RECOMMEND_LIMIT = 10

/**
 * Within this distance (km) an achievement counts as near the learner; its distance bonus falls
 * linearly from full at 0 km to none at this distance.
 */
export const DEFAULT_NEAR_KM = 20

/** Weights of the parts of a next step's score; see `recommend`. */
export interface RecommendWeights {
  /** Per destination pathway the step advances: times the pathway's fraction done after the step. */
  gap: number
  /** Added when the step completes a destination pathway. */
  completes: number
  /** Per interest pathway that suggests the step: times the fraction of its suggestions held after. */
  interest: number
  /** Per skill the step shares with skills the learner has shown (at most MAX_SKILL_MATCHES count). */
  skill: number
  /** Times the nearness (1 at the learner's place, 0 at `nearKm` and beyond). */
  near: number
}

/** Shared skills beyond this many add nothing more to a step's score. */
export const MAX_SKILL_MATCHES = 3

/** A fresh copy of the default weights, safe to change. */
export function defaultRecommendWeights (): RecommendWeights {
  return { gap: 1, completes: 1, interest: 0.5, skill: 0.25, near: 0.5 }
}

/** Scores are rounded to this many decimals, so that equal scores compare equal and ties go by id. */
export const SCORE_DECIMALS = 6
