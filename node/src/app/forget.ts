/**
 * A learner's request to be forgotten (POST /api/learners/forget, `cofl learner forget`): every
 * record the node holds about the person named by an email or a DID is erased, except what
 * revocation and the city's published figures need, and the answer says what was removed, what was
 * kept and why (docs/api.md, "Learners").
 *
 * The person is followed across records: the offers to the email (found by its keyed hash), the
 * DIDs that claimed them, the credentials issued to those DIDs (the issuance log's index by
 * subject), the emails of the offers those DIDs claimed, and so on until nothing new turns up.
 * Then:
 *
 *   offers          name, email, claimant DID and email hash erased (app/offers.ts `erase`); an open
 *                   offer ends (its code answers 410). Kept: achievement, dates, credential id.
 *   issuance log    the record keeps credential id, achievement, issue date, status list and index,
 *                   revoked / suspended flags and pathway; the learner's DID is replaced by a
 *                   random stand-in (one per DID, linked to nothing), the copy of the signed
 *                   credential (which names the DID) is dropped, and the index by subject follows.
 *   OB 3.0 records  the learner's grants, their tokens and codes, the credentials apps upserted
 *                   for the DID, its profile: deleted (the apps' access ends at once).
 *
 * One request at a time. A claim by the same person that lands while a request runs may be left:
 * run the request again.
 */
import { randomUUID } from 'node:crypto'
import type { IssuanceRecord, Store } from '@cofl/store'
import { OAUTH_KEYS } from '../http/ob3/oauth.js'
import { OAUTH_COLLECTION } from './collections.js'
import { ISSUANCE_BY_SUBJECT_COLLECTION, ISSUANCE_COLLECTION, issuanceOf, issuanceSubjectKey } from './issuance-log.js'
import { ApiErrorCode, DomainError } from './errors.js'
import type { OfferBook } from './offers.js'
import { keyedQueue } from './serial.js'

/** Who is to be forgotten: an email or a DID (one of them). */
export interface ForgetRequest {
  email?: string
  did?: string
}

/** What one kind of record lost or kept, in words, and how many records. */
export interface ForgetItem {
  what: string
  /** How many records (absent where records are not counted). */
  count?: number
  why?: string
}

/** The answer of a request to be forgotten. */
export interface ForgetResult {
  /** How many emails and DIDs of the person the node found linked to the one given (itself included). */
  found: { emails: number, dids: number }
  removed: ForgetItem[]
  kept: ForgetItem[]
}

export interface Learners {
  forget: (request: ForgetRequest) => Promise<ForgetResult>
}

export interface LearnersInit {
  store: Store
  offers: Pick<OfferBook, 'emailHash' | 'find' | 'erase'>
  /** Runs a rewrite of a credential's issuance record apart from its status changes (CityService.withCredential). */
  withCredential?: <T>(credentialId: string, task: () => Promise<T>) => Promise<T>
  /** The clock (ms since the epoch). Default Date.now. */
  now?: () => number
}

/** The prefix of the stand-ins that replace a forgotten learner's DID in the issuance log. */
export const ERASED_SUBJECT_PREFIX = 'urn:cofl:erased:'

/** Rounds of following a person from email to DID and back, at most (a person has a few of each). */
const MAX_ROUNDS = 10

/** The kinds of OB 3.0 records that name their learner in a `learner` field. */
const LEARNER_FIELD_PREFIXES = [OAUTH_KEYS.grant(''), OAUTH_KEYS.access(''), OAUTH_KEYS.refresh(''), OAUTH_KEYS.code('')]

function badRequest (message: string): DomainError {
  return new DomainError(ApiErrorCode.BAD_REQUEST, message)
}

export function createLearners (init: LearnersInit): Learners {
  const { store, offers } = init
  const withCredential = init.withCredential ?? (async <T>(_id: string, task: () => Promise<T>): Promise<T> => await task())
  const now = init.now ?? Date.now
  const issuance = store.collection<IssuanceRecord>(ISSUANCE_COLLECTION)
  const bySubject = store.collection<string>(ISSUANCE_BY_SUBJECT_COLLECTION)
  const oauth = store.collection<Record<string, unknown>>(OAUTH_COLLECTION)
  const queue = keyedQueue()

  /** Every email hash, DID and offer of the person, followed from `hashes` and `dids`. */
  async function person (hashes: Set<string>, dids: Set<string>): Promise<{ offerIds: Set<string>, credentialIds: Set<string> }> {
    // The offers are read and opened once (find opens every sealed record); the rounds follow
    // the person through what links each offer to someone, in memory.
    const links = (await offers.find((o) => o.emailHash != null || o.email != null || o.subject != null || o.credentialId != null))
      .map((o) => ({ offerId: o.offerId, hash: o.emailHash ?? (o.email != null ? offers.emailHash(o.email) : undefined), subject: o.subject, credentialId: o.credentialId }))
    const offerIds = new Set<string>()
    const credentialIds = new Set<string>()
    for (let round = 0; round < MAX_ROUNDS; round++) {
      for (const did of dids) for await (const record of issuanceOf(store, did)) credentialIds.add(record.credentialId)
      let grew = false
      for (const link of links) {
        if (!((link.hash != null && hashes.has(link.hash)) || (link.subject != null && dids.has(link.subject)) ||
          (link.credentialId != null && credentialIds.has(link.credentialId)))) continue
        offerIds.add(link.offerId)
        if (link.subject != null && !dids.has(link.subject)) { dids.add(link.subject); grew = true }
        if (link.hash != null && !hashes.has(link.hash)) { hashes.add(link.hash); grew = true }
      }
      if (!grew) break
    }
    return { offerIds, credentialIds }
  }

  /**
   * Replaces the DIDs in their issuance records by stand-ins and drops the credentials' copies; how
   * many records. Each record is read again and rewritten while no status change of its credential
   * runs (withCredential), so a revocation at the same moment neither brings the DID back nor is lost.
   */
  async function stripIssuance (dids: Set<string>, at: string): Promise<number> {
    let count = 0
    for (const did of dids) {
      const standIn = `${ERASED_SUBJECT_PREFIX}${randomUUID()}`
      const ids: string[] = []
      for await (const record of issuanceOf(store, did)) ids.push(record.credentialId)
      for (const credentialId of ids) {
        const stripped = await withCredential(credentialId, async () => {
          const record = await issuance.get(credentialId)
          if (record == null || record.subject !== did) return false
          const kept: IssuanceRecord = {
            credentialId: record.credentialId,
            achievementId: record.achievementId,
            subject: standIn,
            issuedAt: record.issuedAt,
            ...(record.status != null ? { status: record.status } : {}),
            ...(record.revoked != null ? { revoked: record.revoked } : {}),
            ...(record.suspended != null ? { suspended: record.suspended } : {}),
            ...(record.pathwayId != null ? { pathwayId: record.pathwayId } : {}),
            credential: {}
          }
          await store.batch()
            .put(issuance, credentialId, Object.assign(kept, { erasedAt: at }))
            .del(bySubject, issuanceSubjectKey(did, credentialId))
            .put(bySubject, issuanceSubjectKey(standIn, credentialId), credentialId)
            .write()
          return true
        })
        if (stripped) count++
      }
    }
    return count
  }

  /** Deletes the OB 3.0 records of these DIDs; how many. */
  async function deleteOauth (dids: Set<string>): Promise<number> {
    const keys = new Set<string>()
    for (const did of dids) {
      for (const prefix of [OAUTH_KEYS.learnerGrantPrefix(did), OAUTH_KEYS.credentialPrefix(did)]) {
        for await (const [key] of oauth.entries({ prefix })) keys.add(key)
      }
      if (await oauth.has(OAUTH_KEYS.profile(did))) keys.add(OAUTH_KEYS.profile(did))
    }
    for (const prefix of LEARNER_FIELD_PREFIXES) {
      for await (const [key, value] of oauth.entries({ prefix })) {
        if (typeof value.learner === 'string' && dids.has(value.learner)) keys.add(key)
      }
    }
    if (keys.size > 0) {
      const batch = store.batch()
      for (const key of keys) batch.del(oauth, key)
      await batch.write()
    }
    return keys.size
  }

  return {
    async forget (request) {
      const email = typeof request.email === 'string' ? request.email.trim() : undefined
      const did = typeof request.did === 'string' ? request.did.trim() : undefined
      if ((email == null) === (did == null)) throw badRequest('name the learner by "email" or by "did" (one of them)')
      if (email === '') throw badRequest('the email is empty')
      if (did != null && !/^did:[a-z0-9]+:\S+$/.test(did)) throw badRequest(`${JSON.stringify(did)} is not a DID (such as did:key:z6Mk...)`)
      return await queue('', async () => {
        const hashes = new Set<string>(email != null ? [offers.emailHash(email)] : [])
        const dids = new Set<string>(did != null ? [did] : [])
        const found = await person(hashes, dids)
        const at = new Date(now()).toISOString()
        const erasedOffers = await offers.erase([...found.offerIds], [...hashes])
        const strippedRecords = await stripIssuance(dids, at)
        const oauthRecords = await deleteOauth(dids)
        const offerCount = found.offerIds.size
        return {
          found: { emails: hashes.size, dids: dids.size },
          removed: [
            { what: 'the name, email, learner DID and email hash of offers', count: erasedOffers },
            { what: 'the learner DID and the copy of the signed credential in issuance records', count: strippedRecords },
            { what: 'OB 3.0 API records of the learner (grants, tokens, codes, credentials apps stored, profile)', count: oauthRecords }
          ],
          kept: [
            {
              what: 'offer records without anything about the learner: achievement, dates, state, credential id',
              count: offerCount,
              why: 'the city\'s analytics count offers and claims per achievement and month, and figures published for closed periods must not change'
            },
            {
              what: 'issuance records: credential id, achievement, issue date, status list and index, revoked / suspended flags, pathway; the DID replaced by a random stand-in',
              count: strippedRecords,
              why: 'revoking or suspending the credential needs its id and status position; the stand-in (one per DID, linked to nothing) keeps the count of learners in the analytics'
            },
            {
              what: 'the status lists\' bits',
              why: 'public lists of positions, with nothing about who holds them; the learner\'s credential stays valid in their wallet'
            }
          ]
        }
      })
    }
  }
}
