/**
 * The documents of @cofl/pathways: the skills spine, pathways, opportunities and places. They are
 * published signed (the signing and announcing is the caller's); these types are their content.
 */
import type { OpportunityKind, SpineLayer } from './constants.js'

/** A skill of the spine. `id` is what an OB 3.0 Alignment's `targetUrl` names. */
export interface SpineSkill {
  id: string
  name: string
  layer: SpineLayer
  description?: string
  /** The public framework this skill maps to (an OB 3.0 Alignment's `targetFramework`), e.g. 'ESCO'. */
  targetFramework?: string
  /** The skill's code in that framework (`targetCode`). */
  targetCode?: string
}

/** A city's framework of skills in four layers. */
export interface SkillsSpine {
  id: string
  name: string
  /** The city (issuer DID) that publishes it. */
  issuer?: string
  skills: SpineSkill[]
}

/**
 * A rule over achievements. A string is a leaf: the id of an achievement that must be held.
 * `allOf`: every child; `anyOf`: at least one; `nOf`: at least `n` of `of`.
 */
export type Requirement =
  | string
  | { allOf: Requirement[] }
  | { anyOf: Requirement[] }
  | { nOf: { n: number, of: Requirement[] } }

/** Achievement `before` must be earned before achievement `after`. */
export interface OrderConstraint {
  before: string
  after: string
}

interface PathwayCommon {
  id: string
  name: string
  description?: string
  /** The issuer (DID) that publishes the pathway. */
  issuer?: string
  /** The achievement awarded, once, when the pathway is complete (the pathway badge). */
  awardAchievementId?: string
}

/** A route to an opportunity: the achievements it asks for, and in what order where it matters. */
export interface DestinationPathway extends PathwayCommon {
  kind: 'destination'
  requirements: Requirement
  order?: OrderConstraint[]
  /** The opportunity the pathway unlocks. */
  opportunityId?: string
}

/** A theme to explore: skills and tags, with suggested achievements. */
export interface InterestPathway extends PathwayCommon {
  kind: 'interest'
  theme: { skills: string[], tags: string[] }
  suggested: string[]
}

export type Pathway = DestinationPathway | InterestPathway

/** A postal address (the OB 3.0 Address fields cofl uses). */
export interface PostalAddress {
  streetAddress?: string
  postalCode?: string
  addressLocality?: string
  addressRegion?: string
  addressCountry?: string
}

/** Where something happens: an address and coordinates (WGS 84 degrees). */
export interface Place {
  name?: string
  address?: PostalAddress
  /** A named area of the city (a district), for filtering and analytics by area. */
  area?: string
  lat: number
  lon: number
}

/** An interview, apprenticeship, internship or course, published by an employer or provider. */
export interface Opportunity {
  id: string
  kind: OpportunityKind
  name: string
  description?: string
  /** The employer or provider (DID). */
  provider?: string
  place?: Place
  /** ISO 8601 dates. */
  startDate?: string
  endDate?: string
  applyBy?: string
  /** What the opportunity asks for: a pathway, badges, or both. */
  asks: { pathwayId?: string, achievementIds?: string[] }
}

/** An alignment of an achievement to a skill (the fields of OB 3.0 Alignment that matter here). */
export interface SkillAlignment {
  targetName?: string
  /** The spine skill's id, or a public framework's URL for the skill. */
  targetUrl?: string
  targetFramework?: string
  targetCode?: string
}

/** An achievement of the replicated catalogue, as recommendations read it. */
export interface CatalogueEntry {
  id: string
  name: string
  /** Spine skill ids. */
  skills?: string[]
  /** OB 3.0 alignments; a `targetUrl` (else `targetCode`) counts as a skill. */
  alignment?: SkillAlignment[]
  tags?: string[]
  place?: Place
}
