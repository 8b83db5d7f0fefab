/**
 * Pathway badges awarded on claim: when a learner claims an offer, which pathway badges
 * does the claim earn them? The decision is @cofl/pathways' (`pathwayAwardsDue`); this file
 * gathers what it decides on, from this node's store only:
 *
 * - the pathways this node published (issuer = its DID) that name an `awardAchievementId` which is
 *   an achievement of this node (it can issue it);
 * - what the node has issued to the learner's DID (its issuance log): the achievements held are
 *   the records neither revoked nor suspended, plus the one being claimed now; the badges
 *   "awarded already" are every record of the learner, revoked ones included, so a badge is never
 *   issued twice to one DID, also not after its revocation.
 *
 * The caller (node/src/app/offers.ts) issues the badges in the same batch as the claimed credential,
 * while it holds the learner's lock: see docs/architecture.md, "Pathway badges".
 */
import { kindCollection } from '@cofl/federation'
import { pathwayAwardsDue, validatePathway } from '@cofl/pathways'
import type { Pathway } from '@cofl/pathways'
import type { Store } from '@cofl/store'
import { issuanceOf } from './issuance-log.js'

/** A pathway badge due: the achievement to issue, and the pathway whose completion awards it. */
export interface DueAward {
  pathwayId: string
  achievementId: string
}

export interface AwardContext {
  /** This node's DID. */
  did: string
  /** Read: the achievements and pathways (@cofl/federation's collections) and the issuance log. */
  store: Pick<Store, 'collection'>
}

/** The valid pathways published by this node whose badge is an achievement of this node, in id order. */
export async function awardingPathways (context: AwardContext): Promise<Pathway[]> {
  const { did, store } = context
  const ours = new Map<string, boolean>()
  const issuable = async (achievementId: string): Promise<boolean> => {
    let known = ours.get(achievementId)
    if (known == null) {
      const stored = await kindCollection(store, 'achievement').get(achievementId)
      known = stored != null && stored.issuer === did
      ours.set(achievementId, known)
    }
    return known
  }
  const out: Pathway[] = []
  for await (const stored of kindCollection(store, 'pathway').values()) {
    if (stored.kind !== 'pathway' || stored.issuer !== did || stored.document.issuer !== did) continue
    const result = validatePathway(stored.document)
    if (!result.valid) continue
    const pathway = result.value
    if (pathway.awardAchievementId == null || !(await issuable(pathway.awardAchievementId))) continue
    out.push(pathway)
  }
  return out
}

/**
 * The pathway badges due to `subject` once `claimed` (the achievement being issued to them now, at
 * `claimedAt`) is added to what this node issued them. A badge whose completion rests on another
 * badge due in the same claim is included (nested pathways, to a fixed point).
 */
export async function pathwayAwardsOnClaim (context: AwardContext, subject: string, claimed: { achievementId: string, claimedAt: string }): Promise<DueAward[]> {
  const pathways = await awardingPathways(context)
  if (pathways.length === 0) return []
  const held = new Set<string>([claimed.achievementId])
  const awarded = new Set<string>([claimed.achievementId])
  const earnedAt = new Map<string, string>([[claimed.achievementId, claimed.claimedAt]])
  // The learner's records only, through the issuance log's index by subject.
  for await (const record of issuanceOf(context.store, subject)) {
    awarded.add(record.achievementId)
    if (record.revoked === true || record.suspended === true) continue
    held.add(record.achievementId)
    const before = earnedAt.get(record.achievementId)
    if (before == null || Date.parse(record.issuedAt) < Date.parse(before)) earnedAt.set(record.achievementId, record.issuedAt)
  }
  return pathwayAwardsDue({ pathways, held, awarded, earnedAt }).map((d) => ({ pathwayId: d.pathwayId, achievementId: d.achievementId }))
}
