/**
 * Offers and claims (no HTTP here; node/src/http/offers.ts serves them). An issuer offers an
 * achievement to a learner known by name and email; the offer has a one-time claim code, valid
 * for a set time. The learner's wallet fetches a fresh challenge with the code, signs a
 * presentation over it as its holder DID, and the node issues the credential to that DID. A claim's
 * challenge is `cofl-claim:<random>`: a presentation made for another use (an OB 3.0 login, grant
 * management) is refused here, and one made for a claim is refused there (node/src/app/presentation.ts).
 *
 * Everything here is private and stays in the store's `offers` collection (never announced, never on gossip or
 * IPFS). Keys of that collection:
 *
 *   offer:<offerId>                       the OfferRecord
 *   code:<hex SHA-256 of the code>        {"offerId"}: the code itself is never stored
 *   email:["<achievementId>","<email>"]   {"offerId"}: the newest offer of an achievement to an
 *                                         email, to refuse a second live offer to the same person
 *
 * Concurrency: offers are created one request at a time (the duplicate check and the writes of a
 * request see a settled store), and everything that changes an offer (a new challenge, a claim)
 * runs one at a time per offer, so of concurrent claims of one code exactly one wins.
 *
 * Pathway badges: a claim also issues the badges of this node's pathways that it completes
 * (node/src/app/pathway-awards.ts decides), in the same batch as the claimed credential and the offer's
 * mark. Claims by one learner DID run one at a time (after the presentation is checked), so two
 * claims that each complete a pathway cannot both award its badge.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { normaliseEmail } from '@cofl/analytics'
import type { BulkOfferResult, ClaimOffer, CreatedOffer, IssuedCredential, OfferState, OfferView, RefusalProblem } from '@cofl/api'
import type { StatusPurpose } from '@cofl/status'
import { kindCollection } from '@cofl/federation'
import type { Batch } from '@cofl/store'
import { CHALLENGE_PREFIXES } from '@cofl/wallet'
import {
  CLAIM_CHALLENGE_BYTES, CLAIM_CHALLENGE_TTL_MS, DEFAULT_OFFER_TTL_HOURS, MAX_EMAIL_LENGTH, MAX_OFFER_NAME_LENGTH,
  MAX_OFFER_TTL_HOURS, OFFER_CODE_BYTES
} from './constants.js'
import { OFFERS_COLLECTION } from './collections.js'
import { ApiErrorCode, DomainError } from './errors.js'
import type { CityService } from './service.js'
import { pageOf } from './paging.js'
import { checkHolderPresentation } from './presentation.js'
import { keyedQueue } from './serial.js'

type Json = Record<string, unknown>

/** An offer as the node stores it. */
export interface OfferRecord {
  offerId: string
  /** Hex SHA-256 of the claim code. */
  codeDigest: string
  achievementId: string
  name?: string
  email?: string
  statusPurpose: StatusPurpose
  createdAt: string
  expiresAt: string
  /** The challenge (`cofl-claim:<random>`) of the last GET of the claim (one at a time), and the domain it was given for. */
  challenge?: { value: string, domain: string, expiresAt: string }
  claimedAt?: string
  credentialId?: string
  /** The learner's DID, once claimed. */
  subject?: string
}

export interface OfferRequest {
  achievementId: string
  name?: string
  email?: string
  statusPurpose?: StatusPurpose
  ttlHours?: number
}

export interface BulkOfferRequest {
  achievementId: string
  /** `row`: the number the answer and its reasons use for the row (default: its 1-based place in `rows`). */
  rows: Array<{ name?: string, email?: string, row?: number }>
  statusPurpose?: StatusPurpose
  ttlHours?: number
}

/** What POST /api/claims/:code answers: the claimed credential and the pathway badges it earned (empty when none). */
export type ClaimResult = IssuedCredential

export interface OffersInit {
  service: Pick<CityService, 'did' | 'name' | 'store' | 'issueWithAwards'>
  /** The clock (ms since the epoch); tests move it. Default Date.now. */
  now?: () => number
}

export interface OfferBook {
  /** One offer; `base` is the URL the claim URL starts with (`<base>/api/claims/<code>`). */
  create: (request: OfferRequest, base: string) => Promise<CreatedOffer>
  /** Many offers, all written in one batch; bad rows are refused with their reason, not thrown. */
  createBulk: (request: BulkOfferRequest, base: string) => Promise<BulkOfferResult>
  list: (options: { limit: number, cursor?: string }) => Promise<{ offers: OfferView[], next: string | null }>
  get: (offerId: string) => Promise<OfferView | undefined>
  /** A fresh challenge for the offer of this code (replacing the one before), bound to `domain`. */
  open: (code: string, domain: string) => Promise<ClaimOffer>
  /**
   * Checks the presentation, then issues the credential to its holder, with the pathway badges it
   * completes, and marks the offer claimed: all in one synced batch.
   */
  claim: (code: string, presentation: unknown) => Promise<ClaimResult>
}

const OFFER = 'offer:'
const CODE = 'code:'

const offerKey = (offerId: string): string => `${OFFER}${offerId}`
const codeKey = (digest: string): string => `${CODE}${digest}`
const emailKey = (achievementId: string, email: string): string => `email:${JSON.stringify([achievementId, email])}`

/** Hex SHA-256 of a claim code: the only form in which the node keeps it. */
export function codeDigest (code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex')
}

function isoMs (ms: number): string {
  return new Date(ms).toISOString()
}

// A practical address check (what a mail server accepts, not all of RFC 5322): a local part
// without spaces, quotes or brackets, an @, and a domain of dot-separated labels ending in a
// top-level domain of letters.
const EMAIL = /^[^\s@"(),:;<>[\\\]]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u

/** Why an email address is refused, or undefined when it is fine. */
export function emailProblem (email: string): string | undefined {
  if (email.length > MAX_EMAIL_LENGTH) return `longer than ${MAX_EMAIL_LENGTH} characters`
  if (!email.includes('@')) return 'it has no @'
  if (!EMAIL.test(email)) return 'it is not a valid address (expected local-part@domain.tld, without spaces)'
  if (email.split('@')[0]?.startsWith('.') === true || email.split('@')[0]?.endsWith('.') === true || email.includes('..')) return 'it is not a valid address (a dot at the start or end of the local part, or two dots in a row)'
  return undefined
}

function stateOf (offer: OfferRecord, now: number): OfferState {
  if (offer.claimedAt != null) return 'claimed'
  return Date.parse(offer.expiresAt) <= now ? 'expired' : 'open'
}

function viewOf (offer: OfferRecord, now: number): OfferView {
  return {
    offerId: offer.offerId,
    achievementId: offer.achievementId,
    ...(offer.name != null ? { name: offer.name } : {}),
    ...(offer.email != null ? { email: offer.email } : {}),
    statusPurpose: offer.statusPurpose,
    state: stateOf(offer, now),
    createdAt: offer.createdAt,
    expiresAt: offer.expiresAt,
    ...(offer.claimedAt != null ? { claimedAt: offer.claimedAt } : {}),
    ...(offer.credentialId != null ? { credentialId: offer.credentialId } : {})
  }
}

/** The public face of an achievement for the learner who holds a claim code. */
function achievementSummary (document: Json): Json {
  const out: Json = {}
  for (const k of ['id', 'type', 'name', 'description', 'criteria', 'image', 'achievementType', 'alignment', 'tag', 'creator']) {
    if (document[k] !== undefined) out[k] = document[k]
  }
  return out
}

const claimProof = (message: string): DomainError => new DomainError(ApiErrorCode.CLAIM_PROOF, message)

/** What a claim's presentation is checked against when the offer's stored challenge does not match. */
const STALE_CHALLENGE = 'the presentation is signed over another challenge than the one this offer holds now: a stale challenge (it lasts 10 minutes, and each GET of the claim replaces it); GET the claim again and sign over its challenge'

export function createOfferBook (init: OffersInit): OfferBook {
  const { service } = init
  const offers = service.store.collection<Json>(OFFERS_COLLECTION)
  const now = init.now ?? Date.now

  // One creation at a time: duplicate checks see the writes of the request before.
  const creating = keyedQueue()
  const oneAtATime = async <T>(task: () => Promise<T>): Promise<T> => await creating('', task)
  // Changes to one offer (a challenge, a claim) one at a time.
  const perOffer = keyedQueue()

  async function achievementOf (achievementId: string): Promise<Json> {
    const stored = await kindCollection(service.store, 'achievement').get(achievementId)
    if (stored == null) throw new DomainError(ApiErrorCode.NOT_FOUND, `this node holds no achievement ${achievementId} (GET /api/achievements lists them)`)
    return stored.document
  }

  function ttlOf (ttlHours: number | undefined): number {
    const hours = ttlHours ?? DEFAULT_OFFER_TTL_HOURS
    if (!(hours > 0 && hours <= MAX_OFFER_TTL_HOURS)) throw new DomainError(ApiErrorCode.BAD_REQUEST, `ttlHours must be more than 0 and at most ${MAX_OFFER_TTL_HOURS}`)
    return hours * 3_600_000
  }

  /** The offer that holds a live claim on this email for this achievement, if any. */
  async function liveOfferFor (achievementId: string, email: string, at: number): Promise<OfferRecord | undefined> {
    const index = await offers.get(emailKey(achievementId, email))
    if (index == null) return undefined
    const offer = await offers.get(offerKey(index.offerId as string)) as OfferRecord | undefined
    return offer != null && stateOf(offer, at) === 'open' ? offer : undefined
  }

  /** A new offer record and its code, added to `batch`. */
  function newOffer (
    batch: Batch, fields: { achievementId: string, name?: string, email?: string, statusPurpose: StatusPurpose }, at: number, ttlMs: number, base: string
  ): CreatedOffer {
    const code = randomBytes(OFFER_CODE_BYTES).toString('base64url')
    const offer: OfferRecord = {
      offerId: randomUUID(),
      codeDigest: codeDigest(code),
      achievementId: fields.achievementId,
      ...(fields.name != null && fields.name !== '' ? { name: fields.name } : {}),
      ...(fields.email != null ? { email: fields.email } : {}),
      statusPurpose: fields.statusPurpose,
      createdAt: isoMs(at),
      expiresAt: isoMs(at + ttlMs)
    }
    batch.put(offers, offerKey(offer.offerId), offer as unknown as Json)
    batch.put(offers, codeKey(offer.codeDigest), { offerId: offer.offerId })
    if (fields.email != null) batch.put(offers, emailKey(fields.achievementId, normaliseEmail(fields.email)), { offerId: offer.offerId })
    return { offerId: offer.offerId, code, claimUrl: `${base}/api/claims/${code}`, expiresAt: offer.expiresAt }
  }

  async function offerOfCode (code: string): Promise<OfferRecord> {
    const index = await offers.get(codeKey(codeDigest(code)))
    const offer = index == null ? undefined : await offers.get(offerKey(index.offerId as string)) as OfferRecord | undefined
    if (offer == null) throw new DomainError(ApiErrorCode.OFFER_NOT_FOUND, 'no offer has this claim code: check the link (it is case-sensitive and must be complete)')
    return offer
  }

  function assertClaimable (offer: OfferRecord, at: number): void {
    const state = stateOf(offer, at)
    if (state === 'claimed') throw new DomainError(ApiErrorCode.OFFER_CLAIMED, `this offer was claimed already (at ${offer.claimedAt ?? '?'}): a claim code works once`)
    if (state === 'expired') throw new DomainError(ApiErrorCode.OFFER_EXPIRED, `this offer expired at ${offer.expiresAt}: ask its issuer for a new one`)
  }

  return {
    async create (request, base) {
      await achievementOf(request.achievementId)
      const ttlMs = ttlOf(request.ttlHours)
      const name = request.name?.trim()
      if (name != null && name.length > MAX_OFFER_NAME_LENGTH) throw new DomainError(ApiErrorCode.BAD_REQUEST, `the name is longer than ${MAX_OFFER_NAME_LENGTH} characters`)
      const email = request.email?.trim()
      if (email != null) {
        const problem = emailProblem(email)
        if (problem != null) throw new DomainError(ApiErrorCode.BAD_REQUEST, `bad email ${JSON.stringify(email)}: ${problem}`)
      }
      return await oneAtATime(async () => {
        const at = now()
        if (email != null) {
          const live = await liveOfferFor(request.achievementId, normaliseEmail(email), at)
          if (live != null) throw new DomainError(ApiErrorCode.CONFLICT, `a live offer of this achievement to ${email} exists already (offer ${live.offerId}, until ${live.expiresAt})`)
        }
        const batch = service.store.batch()
        const created = newOffer(batch, { achievementId: request.achievementId, ...(name != null ? { name } : {}), ...(email != null ? { email } : {}), statusPurpose: request.statusPurpose ?? 'revocation' }, at, ttlMs, base)
        await batch.write()
        return created
      })
    },

    async createBulk (request, base) {
      await achievementOf(request.achievementId)
      const ttlMs = ttlOf(request.ttlHours)
      const statusPurpose = request.statusPurpose ?? 'revocation'
      return await oneAtATime(async () => {
        const at = now()
        const result: BulkOfferResult = { offered: [], refused: [] }
        const seen = new Map<string, number>()
        const batch = service.store.batch()
        for (const [i, row] of request.rows.entries()) {
          const rowNumber = row.row ?? i + 1
          const refuse = (problem: RefusalProblem, reason: string): void => { result.refused.push({ row: rowNumber, problem, reason }) }
          const name = (row.name ?? '').trim()
          const email = (row.email ?? '').trim()
          if (email === '') { refuse('missing-email', 'missing email'); continue }
          const problem = emailProblem(email)
          if (problem != null) { refuse('bad-email', `bad email ${JSON.stringify(email)}: ${problem}`); continue }
          if (name.length > MAX_OFFER_NAME_LENGTH) { refuse('bad-name', `the name is longer than ${MAX_OFFER_NAME_LENGTH} characters`); continue }
          const normal = normaliseEmail(email)
          const before = seen.get(normal)
          if (before != null) { refuse('duplicate-email', `duplicate email ${email}: the same as row ${before}`); continue }
          const live = await liveOfferFor(request.achievementId, normal, at)
          if (live != null) { refuse('duplicate-email', `duplicate email ${email}: a live offer of this achievement to it exists already (offer ${live.offerId}, until ${live.expiresAt})`); continue }
          seen.set(normal, rowNumber)
          const created = newOffer(batch, { achievementId: request.achievementId, ...(name !== '' ? { name } : {}), email, statusPurpose }, at, ttlMs, base)
          result.offered.push({ row: rowNumber, ...created })
        }
        if (result.offered.length > 0) await batch.write()
        return result
      })
    },

    async list ({ limit, cursor }) {
      const at = now()
      const { items, next } = await pageOf(offers.entries({ prefix: OFFER, ...(cursor != null ? { gte: offerKey(cursor) } : {}) }), limit,
        (value) => viewOf(value as unknown as OfferRecord, at), (key) => key.slice(OFFER.length))
      return { offers: items, next }
    },

    async get (offerId) {
      const offer = await offers.get(offerKey(offerId)) as OfferRecord | undefined
      return offer == null ? undefined : viewOf(offer, now())
    },

    async open (code, domain) {
      const found = await offerOfCode(code)
      return await perOffer(found.offerId, async () => {
        const offer = await offers.get(offerKey(found.offerId)) as unknown as OfferRecord
        const at = now()
        assertClaimable(offer, at)
        const achievement = await achievementOf(offer.achievementId)
        const challenge = { value: `${CHALLENGE_PREFIXES.claim}${randomBytes(CLAIM_CHALLENGE_BYTES).toString('base64url')}`, domain, expiresAt: isoMs(Math.min(at + CLAIM_CHALLENGE_TTL_MS, Date.parse(offer.expiresAt))) }
        await offers.put(offerKey(offer.offerId), { ...offer, challenge } as unknown as Json)
        return {
          offerId: offer.offerId,
          achievement: achievementSummary(achievement),
          issuer: { id: service.did, ...(service.name != null ? { name: service.name } : {}) },
          challenge: challenge.value,
          domain,
          expiresAt: offer.expiresAt,
          challengeExpiresAt: challenge.expiresAt
        }
      })
    },

    async claim (code, presentation) {
      const found = await offerOfCode(code)
      return await perOffer(found.offerId, async () => {
        const offer = await offers.get(offerKey(found.offerId)) as unknown as OfferRecord
        assertClaimable(offer, now())
        const challenge = offer.challenge
        if (challenge == null) throw claimProof('this offer has no challenge yet: GET the claim first, then sign the presentation over its challenge and domain')
        if (Date.parse(challenge.expiresAt) <= now()) throw claimProof(`the challenge expired at ${challenge.expiresAt} (a stale challenge): GET the claim again and sign over the new one`)
        const holder = await checkHolderPresentation(presentation, { challenge: challenge.value, domain: challenge.domain, use: 'claim', otherChallenge: STALE_CHALLENGE }, claimProof)
        // The offer may have expired while the proof was checked.
        assertClaimable(offer, now())
        const { challenge: _used, ...rest } = offer
        // The credential, the pathway badges it completes (decided under the learner's lock, in
        // the service) and the claimed offer land together (one synced batch).
        const { credential, awards } = await service.issueWithAwards(
          { achievementId: offer.achievementId, subject: holder, statusPurpose: offer.statusPurpose },
          {
            earnedAt: isoMs(now()),
            alsoWrite: (batch, record) => {
              const claimed: OfferRecord = { ...rest, claimedAt: isoMs(now()), credentialId: record.credentialId, subject: holder }
              batch.put(offers, offerKey(offer.offerId), claimed as unknown as Json)
            }
          })
        return { credential: credential as Json, awards: awards as Json[] }
      })
    }
  }
}
