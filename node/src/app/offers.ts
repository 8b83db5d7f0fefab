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
 *   offer:<offerId>                       the offer (StoredOffer): its learner's name, email, the
 *                                         claim code while the offer is open and, once claimed, the
 *                                         DID, sealed with the node's data key
 *   code:<hex SHA-256 of the code>        {"offerId"}: the lookup by code (never the code in clear)
 *   emailhash:<hash>!<achievementId>      {"offerId"}: the newest offer of an achievement to an
 *                                         email, to refuse a second live offer to the same person;
 *                                         <hash> is the data key's HMAC of the normalised email
 *
 * Learners' data at rest (docs/operations.md, "Learners' data"): the name, email and claimant DID of
 * an offer are sealed together (AES-256-GCM, the offer id as associated data) with the data key
 * (DIR/data.key, node/src/app/datadir.ts), and an email is looked up by its keyed hash only.
 * Records of older nodes (in clear, indexed under `email:["<achievementId>","<email>"]`) are sealed
 * and re-indexed by `start()`. Once an offer is claimed or expired, its name, email, DID and email
 * hash are erased `contactDays` later (config retention.offerContactDays), by a sweep at start and
 * every `sweepEveryMs`; `erase` does it at once for a learner who asks to be forgotten
 * (node/src/app/forget.ts). What stays of an erased offer is what the city's analytics count:
 * its achievement, dates and credential id.
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
import type { BulkOfferResult, ClaimOffer, CreatedOffer, IssuedCredential, OfferMail, OfferState, OfferView, RefusalProblem } from '@cofl/api'
import type { StatusPurpose } from '@cofl/status'
import { kindCollection } from '@cofl/federation'
import type { Batch } from '@cofl/store'
import { CHALLENGE_PREFIXES } from '@cofl/wallet'
import {
  CLAIM_CHALLENGE_BYTES, CLAIM_CHALLENGE_TTL_MS, DEFAULT_OFFER_TTL_HOURS, MAX_EMAIL_LENGTH, MAX_OFFER_NAME_LENGTH,
  MAX_OFFER_TTL_HOURS, OFFER_CODE_BYTES
} from './constants.js'
import { OFFERS_COLLECTION } from './collections.js'
import { ephemeralDataKey } from './datadir.js'
import type { DataKey } from './datadir.js'
import { ApiErrorCode, DomainError, InputError } from './errors.js'
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
  /** The data key's HMAC of the normalised email (the lookup key of the email index). */
  emailHash?: string
  /** When the name, email and DID were erased (retention or a request to be forgotten). */
  erasedAt?: string
  /** Set when the erasure ended the offer while it was open (its code then answers COFL_ERR_OFFER_WITHDRAWN). */
  withdrawn?: boolean
  /** The sending of its email when the node sends mail (node/src/app/mail.ts). */
  mail?: OfferMail
  /**
   * The claim code while the offer is open, sealed with the contact (so that the dashboard can copy
   * the link again and a pending mail can be sent after a restart); dropped at the claim and at erasure.
   */
  claimCode?: string
}

/** An offer as the store keeps it: OfferRecord without name, email and subject, which are in `contact`, sealed. */
export type StoredOffer = Omit<OfferRecord, 'name' | 'email' | 'subject' | 'claimCode'> & {
  /** `{name?, email?, subject?}` as JSON, sealed with the data key for the offer id (DataKey.seal). */
  contact?: string
}

/** How long the name and email of a claimed or expired offer are kept by default (config retention.offerContactDays). */
export const DEFAULT_OFFER_CONTACT_DAYS = 30
/** How often a running node sweeps for offers whose contact data is due for erasure. */
export const OFFER_SWEEP_EVERY_MS = 3_600_000
const DAY_MS = 86_400_000
/** Records written per batch by the migration and the sweep. */
const CHUNK = 500

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
  /**
   * Seals names, emails and claimants' DIDs, and hashes emails for lookup: the node's (DIR/data.key,
   * openDataKey). Default: ephemeralDataKey(), for tests only (what it seals is unreadable after a restart).
   */
  dataKey?: DataKey
  /** Days after an offer is claimed or expires until its contact data is erased (config retention.offerContactDays). Default DEFAULT_OFFER_CONTACT_DAYS. */
  contactDays?: number
  /** How often `start()`'s sweep runs again. Default OFFER_SWEEP_EVERY_MS. */
  sweepEveryMs?: number
  /** Where a failed periodic sweep is said. Default: nowhere. */
  log?: (line: string) => void
  /** Whether offers with an email get it sent (config `mail`): they are then created with their mail pending. Default false. */
  sendsMail?: boolean
}

/** What the mailer needs of an offer whose email is pending (OfferBook.mailJob). */
export interface MailJob {
  offer: OfferRecord
  code: string
  /** The achievement offered, as the node holds it. */
  achievement: Json
}

export interface OfferBook {
  /** One offer; `base` is the URL its links start with (`<base>/claim#<code>`, `<base>/api/claims/<code>`). */
  create: (request: OfferRequest, base: string) => Promise<CreatedOffer>
  /** Many offers, all written in one batch; bad rows are refused with their reason, not thrown. */
  createBulk: (request: BulkOfferRequest, base: string) => Promise<BulkOfferResult>
  /** A page of offers; with `base`, each open one with its claim page link (`<base>/claim#<code>`). */
  list: (options: { limit: number, cursor?: string, base?: string }) => Promise<{ offers: OfferView[], next: string | null }>
  get: (offerId: string, base?: string) => Promise<OfferView | undefined>
  /** A fresh challenge for the offer of this code (replacing the one before), bound to `domain`. */
  open: (code: string, domain: string) => Promise<ClaimOffer>
  /**
   * Checks the presentation, then issues the credential to its holder, with the pathway badges it
   * completes, and marks the offer claimed: all in one synced batch.
   */
  claim: (code: string, presentation: unknown) => Promise<ClaimResult>
  /**
   * Seals the records an older node kept in clear (and re-indexes their emails by hash), erases the
   * contact data due (sweep), then sweeps every `sweepEveryMs` until `stop()` (the timer does not
   * keep the process alive).
   */
  start: () => Promise<{ migrated: number, erased: number }>
  /** Stops the periodic sweep and waits for one under way. */
  stop: () => Promise<void>
  /** Erases the name, email and DID of every offer claimed or expired `contactDays` ago or more; how many. */
  sweep: () => Promise<number>
  /** The keyed hash of an email, normalised (what the email index and `emailHash` hold). */
  emailHash: (email: string) => string
  /** Every offer (opened) that `match` accepts. */
  find: (match: (offer: OfferRecord) => boolean) => Promise<OfferRecord[]>
  /**
   * Erases the name, email, DID and email hash of these offers now, one at a time with their claims
   * (an open one is ended: its code then answers 410); removes every index entry of `emailHashes`.
   * How many offers it changed.
   */
  erase: (offerIds: readonly string[], emailHashes?: readonly string[]) => Promise<number>
  /**
   * The offer and code of a pending email, or undefined (and the state made `failed`, saying why)
   * when it can no longer go: claimed, expired, withdrawn, no email.
   */
  mailJob: (offerId: string) => Promise<MailJob | undefined>
  /** Records how the sending went; the pending code is dropped unless `mail.state` is pending. */
  setMail: (offerId: string, mail: OfferMail) => Promise<void>
  /**
   * A new claim code for an open offer with an email, its mail pending again (to resend it): the
   * code before stops working. NOT_FOUND, OFFER_CLAIMED, OFFER_EXPIRED, OFFER_WITHDRAWN, CONFLICT (no email).
   */
  renewCode: (offerId: string, base: string) => Promise<CreatedOffer>
  /** The ids of the offers whose email is pending (to send them at start). */
  pendingMail: () => Promise<string[]>
}

const OFFER = 'offer:'
const CODE = 'code:'

const EMAIL_HASH = 'emailhash:'
/** The index of offers by email of nodes before the data key (email in clear): read and removed by the migration. */
const CLEAR_EMAIL = 'email:'

const offerKey = (offerId: string): string => `${OFFER}${offerId}`
const codeKey = (digest: string): string => `${CODE}${digest}`
const emailHashPrefix = (hash: string): string => `${EMAIL_HASH}${hash}!`
const emailKey = (achievementId: string, hash: string): string => `${emailHashPrefix(hash)}${achievementId}`

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

/** The links of a claim code: the claim page for people, the API URL for wallets. */
export function claimLinks (base: string, code: string): { claimLink: string, claimUrl: string } {
  return { claimLink: `${base}/claim#${code}`, claimUrl: `${base}/api/claims/${code}` }
}

function stateOf (offer: OfferRecord, now: number): OfferState {
  if (offer.claimedAt != null) return 'claimed'
  return Date.parse(offer.expiresAt) <= now ? 'expired' : 'open'
}

function viewOf (offer: OfferRecord, now: number, base?: string): OfferView {
  const state = stateOf(offer, now)
  return {
    offerId: offer.offerId,
    achievementId: offer.achievementId,
    ...(offer.name != null ? { name: offer.name } : {}),
    ...(offer.email != null ? { email: offer.email } : {}),
    statusPurpose: offer.statusPurpose,
    state,
    ...(state === 'open' && offer.claimCode != null && base != null ? { claimLink: claimLinks(base, offer.claimCode).claimLink } : {}),
    createdAt: offer.createdAt,
    expiresAt: offer.expiresAt,
    ...(offer.claimedAt != null ? { claimedAt: offer.claimedAt } : {}),
    ...(offer.credentialId != null ? { credentialId: offer.credentialId } : {}),
    ...(offer.mail != null ? { mail: offer.mail } : {})
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

/** Whether a stored offer still holds anything about its learner (sealed, or in clear from an older node). */
function holdsContact (value: Json): boolean {
  return value.contact != null || value.name != null || value.email != null || value.subject != null || value.emailHash != null
}

export function createOfferBook (init: OffersInit): OfferBook {
  const { service } = init
  const offers = service.store.collection<Json>(OFFERS_COLLECTION)
  const now = init.now ?? Date.now
  const dataKey = init.dataKey ?? ephemeralDataKey()
  const contactDays = init.contactDays ?? DEFAULT_OFFER_CONTACT_DAYS
  if (!(Number.isInteger(contactDays) && contactDays >= 0)) throw new TypeError('contactDays must be a non-negative integer')
  const sweepEveryMs = init.sweepEveryMs ?? OFFER_SWEEP_EVERY_MS
  const log = init.log ?? (() => {})
  const sendsMail = init.sendsMail === true
  const hashOf = (email: string): string => dataKey.hash(normaliseEmail(email))

  /** The record to store: name, email and subject sealed for the offer id. */
  function toStored (offer: OfferRecord): Json {
    const { name, email, subject, claimCode, ...rest } = offer
    const contact = { ...(name != null ? { name } : {}), ...(email != null ? { email } : {}), ...(subject != null ? { subject } : {}), ...(claimCode != null ? { claimCode } : {}) }
    const stored: StoredOffer = Object.keys(contact).length === 0 ? rest : { ...rest, contact: dataKey.seal(JSON.stringify(contact), offer.offerId) }
    return stored as unknown as Json
  }

  /** The offer of a stored record, its contact opened (a record in clear from an older node is read as it is). */
  function fromStored (value: Json): OfferRecord {
    const { contact, ...rest } = value as unknown as StoredOffer & { name?: string, email?: string, subject?: string }
    if (typeof contact !== 'string') return rest as OfferRecord
    return { ...rest, ...JSON.parse(dataKey.open(contact, rest.offerId)) as Pick<OfferRecord, 'name' | 'email' | 'subject' | 'claimCode'> }
  }

  /** A stored offer without anything about its learner; an open one ends at `at`. */
  function withoutContact (value: Json, at: number): Json {
    const { contact: _c, name: _n, email: _e, subject: _s, emailHash: _h, challenge: _ch, ...rest } = value
    const open = value.claimedAt == null && Date.parse(value.expiresAt as string) > at
    return { ...rest, ...(open ? { expiresAt: isoMs(at), withdrawn: true } : {}), erasedAt: isoMs(at) }
  }

  /** Adds to `batch` the erasure of a stored offer's contact and of its email index entry when it names this offer. */
  async function eraseInto (batch: Batch, value: Json, at: number): Promise<void> {
    batch.put(offers, offerKey(value.offerId as string), withoutContact(value, at))
    if (typeof value.emailHash === 'string') {
      const key = emailKey(value.achievementId as string, value.emailHash)
      const index = await offers.get(key)
      if (index?.offerId === value.offerId) batch.del(offers, key)
    }
  }

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
    const index = await offers.get(emailKey(achievementId, dataKey.hash(email)))
    if (index == null) return undefined
    const offer = await offers.get(offerKey(index.offerId as string)) as OfferRecord | undefined
    return offer != null && stateOf(offer, at) === 'open' ? offer : undefined
  }

  /** A new offer record and its code, added to `batch`. */
  function newOffer (
    batch: Batch, fields: { achievementId: string, name?: string, email?: string, statusPurpose: StatusPurpose }, at: number, ttlMs: number, base: string
  ): CreatedOffer {
    const code = randomBytes(OFFER_CODE_BYTES).toString('base64url')
    const emailHash = fields.email != null ? hashOf(fields.email) : undefined
    const mail: OfferMail | undefined = sendsMail && fields.email != null ? { state: 'pending', attempts: 0 } : undefined
    const offer: OfferRecord = {
      offerId: randomUUID(),
      codeDigest: codeDigest(code),
      achievementId: fields.achievementId,
      ...(fields.name != null && fields.name !== '' ? { name: fields.name } : {}),
      ...(fields.email != null ? { email: fields.email } : {}),
      ...(emailHash != null ? { emailHash } : {}),
      statusPurpose: fields.statusPurpose,
      createdAt: isoMs(at),
      expiresAt: isoMs(at + ttlMs),
      claimCode: code,
      ...(mail != null ? { mail } : {})
    }
    batch.put(offers, offerKey(offer.offerId), toStored(offer))
    batch.put(offers, codeKey(offer.codeDigest), { offerId: offer.offerId })
    if (emailHash != null) batch.put(offers, emailKey(fields.achievementId, emailHash), { offerId: offer.offerId })
    return { offerId: offer.offerId, code, ...claimLinks(base, code), expiresAt: offer.expiresAt, ...(mail != null ? { mail } : {}) }
  }

  async function offerOfCode (code: string): Promise<OfferRecord> {
    const index = await offers.get(codeKey(codeDigest(code)))
    const stored = index == null ? undefined : await offers.get(offerKey(index.offerId as string))
    const offer = stored == null ? undefined : fromStored(stored)
    if (offer == null) throw new DomainError(ApiErrorCode.OFFER_NOT_FOUND, 'no offer has this claim code: check the link (it is case-sensitive and must be complete)')
    return offer
  }

  function assertClaimable (offer: OfferRecord, at: number): void {
    const state = stateOf(offer, at)
    if (state !== 'claimed' && offer.withdrawn === true) throw new DomainError(ApiErrorCode.OFFER_WITHDRAWN, `this offer was withdrawn at ${offer.erasedAt ?? '?'}: its issuer ended it, and it can no longer be claimed`)
    if (state === 'claimed') throw new DomainError(ApiErrorCode.OFFER_CLAIMED, `this offer was claimed already (at ${offer.claimedAt ?? '?'}): a claim code works once`)
    if (state === 'expired') throw new DomainError(ApiErrorCode.OFFER_EXPIRED, `this offer expired at ${offer.expiresAt}: ask its issuer for a new one`)
  }

  const book: OfferBook = {
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

    async list ({ limit, cursor, base }) {
      const at = now()
      const { items, next } = await pageOf(offers.entries({ prefix: OFFER, ...(cursor != null ? { gte: offerKey(cursor) } : {}) }), limit,
        (value) => viewOf(fromStored(value), at, base), (key) => key.slice(OFFER.length))
      return { offers: items, next }
    },

    async get (offerId, base) {
      const stored = await offers.get(offerKey(offerId))
      return stored == null ? undefined : viewOf(fromStored(stored), now(), base)
    },

    async open (code, domain) {
      const found = await offerOfCode(code)
      return await perOffer(found.offerId, async () => {
        const offer = fromStored(await offers.get(offerKey(found.offerId)) as Json)
        const at = now()
        assertClaimable(offer, at)
        const achievement = await achievementOf(offer.achievementId)
        const challenge = { value: `${CHALLENGE_PREFIXES.claim}${randomBytes(CLAIM_CHALLENGE_BYTES).toString('base64url')}`, domain, expiresAt: isoMs(Math.min(at + CLAIM_CHALLENGE_TTL_MS, Date.parse(offer.expiresAt))) }
        await offers.put(offerKey(offer.offerId), toStored({ ...offer, challenge }))
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
        const offer = fromStored(await offers.get(offerKey(found.offerId)) as Json)
        assertClaimable(offer, now())
        const challenge = offer.challenge
        if (challenge == null) throw claimProof('this offer has no challenge yet: GET the claim first, then sign the presentation over its challenge and domain')
        if (Date.parse(challenge.expiresAt) <= now()) throw claimProof(`the challenge expired at ${challenge.expiresAt} (a stale challenge): GET the claim again and sign over the new one`)
        const holder = await checkHolderPresentation(presentation, { challenge: challenge.value, domain: challenge.domain, use: 'claim', otherChallenge: STALE_CHALLENGE }, claimProof)
        // The offer may have expired while the proof was checked.
        assertClaimable(offer, now())
        const { challenge: _used, claimCode: _code, ...rest } = offer
        // The credential, the pathway badges it completes (decided under the learner's lock, in
        // the service) and the claimed offer land together (one synced batch).
        const { credential, awards } = await service.issueWithAwards(
          { achievementId: offer.achievementId, subject: holder, statusPurpose: offer.statusPurpose },
          {
            earnedAt: isoMs(now()),
            alsoWrite: (batch, record) => {
              const claimed: OfferRecord = { ...rest, claimedAt: isoMs(now()), credentialId: record.credentialId, subject: holder }
              batch.put(offers, offerKey(offer.offerId), toStored(claimed))
            }
          })
        return { credential: credential as Json, awards: awards as Json[] }
      })
    },

    async start () {
      const migrated = await migrate()
      const erased = await sweep()
      timer = setInterval(() => {
        if (sweeping != null) return
        sweeping = sweep().then(() => {}, (err: unknown) => { log(`the sweep of offers' contact data failed: ${(err as Error).message}`) }).finally(() => { sweeping = undefined })
      }, sweepEveryMs)
      timer.unref()
      return { migrated, erased }
    },

    async stop () {
      if (timer != null) clearInterval(timer)
      timer = undefined
      await sweeping
    },

    sweep,

    emailHash: hashOf,

    async find (match) {
      const found: OfferRecord[] = []
      for await (const value of offers.values({ prefix: OFFER })) {
        const offer = fromStored(value)
        if (match(offer)) found.push(offer)
      }
      return found
    },

    async erase (offerIds, emailHashes = []) {
      let changed = 0
      for (const offerId of new Set(offerIds)) {
        // With the offer's claims and challenges held back, and between creations (the email index).
        changed += await perOffer(offerId, async () => await oneAtATime(async () => {
          const value = await offers.get(offerKey(offerId))
          if (value == null || !holdsContact(value)) return 0
          const batch = service.store.batch()
          await eraseInto(batch, value, now())
          await batch.write()
          return 1
        }))
      }
      for (const hash of new Set(emailHashes)) {
        await oneAtATime(async () => {
          const batch = service.store.batch()
          let any = false
          for await (const key of keysOf(offers.entries({ prefix: emailHashPrefix(hash) }))) { batch.del(offers, key); any = true }
          if (any) await batch.write()
        })
      }
      return changed
    },

    async mailJob (offerId) {
      return await perOffer(offerId, async () => {
        const stored = await offers.get(offerKey(offerId))
        if (stored == null) return undefined
        const offer = fromStored(stored)
        if (offer.mail?.state !== 'pending') return undefined
        const at = now()
        let why: string | undefined
        if (offer.email == null) why = offer.erasedAt != null ? 'not sent: the learner\'s email was erased first' : 'not sent: the offer has no email'
        else if (offer.withdrawn === true) why = 'not sent: the offer was withdrawn first'
        else if (stateOf(offer, at) !== 'open') why = `not sent: the offer was ${stateOf(offer, at)} first`
        else if (offer.claimCode == null) why = 'not sent: its claim code is not kept (resend it: a new code is made)'
        if (why != null) {
          await offers.put(offerKey(offerId), toStored({ ...offer, mail: { ...offer.mail, state: 'failed', at: isoMs(at), reason: why } }))
          return undefined
        }
        return { offer, code: offer.claimCode as string, achievement: await achievementOf(offer.achievementId) }
      })
    },

    async setMail (offerId, mail) {
      await perOffer(offerId, async () => {
        const stored = await offers.get(offerKey(offerId))
        if (stored == null) return
        await offers.put(offerKey(offerId), toStored({ ...fromStored(stored), mail }))
      })
    },

    async renewCode (offerId, base) {
      return await perOffer(offerId, async () => await oneAtATime(async () => {
        const stored = await offers.get(offerKey(offerId))
        if (stored == null) throw new DomainError(ApiErrorCode.NOT_FOUND, `this node made no offer ${offerId}`)
        const offer = fromStored(stored)
        assertClaimable(offer, now())
        if (offer.email == null) throw new DomainError(ApiErrorCode.CONFLICT, `offer ${offerId} has no email to send it to`)
        const code = randomBytes(OFFER_CODE_BYTES).toString('base64url')
        const { challenge: _old, ...rest } = offer
        const mail: OfferMail = { state: 'pending', attempts: offer.mail?.attempts ?? 0 }
        const renewed: OfferRecord = { ...rest, codeDigest: codeDigest(code), mail, claimCode: code }
        const batch = service.store.batch()
        batch.del(offers, codeKey(offer.codeDigest))
        batch.put(offers, codeKey(renewed.codeDigest), { offerId })
        batch.put(offers, offerKey(offerId), toStored(renewed))
        await batch.write()
        return { offerId, code, ...claimLinks(base, code), expiresAt: offer.expiresAt, mail }
      }))
    },

    async pendingMail () {
      const ids: string[] = []
      for await (const value of offers.values({ prefix: OFFER })) {
        if ((value.mail as OfferMail | undefined)?.state === 'pending') ids.push(value.offerId as string)
      }
      return ids
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined
  let sweeping: Promise<void> | undefined

  /**
   * Seals the offers an older node kept in clear and moves its email index to keyed hashes, in
   * batches; each step is idempotent, so a crash part way is completed by the next start.
   */
  async function migrate (): Promise<number> {
    let migrated = 0
    let batch = service.store.batch()
    let pending = 0
    const flush = async (): Promise<void> => {
      if (pending === 0) return
      await batch.write()
      batch = service.store.batch()
      pending = 0
    }
    let checked = false
    for await (const [key, value] of offers.entries({ prefix: OFFER })) {
      if (typeof value.contact === 'string' && !checked) {
        // One sealed record opens, or the data key is not the one this store was sealed with.
        checked = true
        try {
          dataKey.open(value.contact, value.offerId as string)
        } catch (err) {
          throw new InputError('the offers in the store were sealed with another data key than this node\'s (DIR/data.key was replaced or lost): restore the data.key that goes with this store, from its backup', { cause: err })
        }
      }
      if (typeof value.contact === 'string' || (value.name == null && value.email == null && value.subject == null)) continue
      const offer = value as unknown as OfferRecord
      batch.put(offers, key, toStored({ ...offer, ...(offer.email != null ? { emailHash: hashOf(offer.email) } : {}) }))
      migrated++
      if (++pending >= CHUNK) await flush()
    }
    for await (const [key, value] of offers.entries({ prefix: CLEAR_EMAIL })) {
      let parsed: unknown
      try { parsed = JSON.parse(key.slice(CLEAR_EMAIL.length)) } catch { parsed = undefined }
      if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
        batch.put(offers, emailKey(parsed[0], dataKey.hash(parsed[1])), value)
      }
      batch.del(offers, key)
      if (++pending >= CHUNK) await flush()
    }
    await flush()
    return migrated
  }

  /**
   * Erases the contact data of the offers claimed or expired `contactDays` ago or more. Those
   * offers change no more (a claim or a challenge needs an open offer); each batch is written
   * between creations of offers, which move the email index.
   */
  async function sweep (): Promise<number> {
    const at = now()
    const cutoff = at - contactDays * DAY_MS
    let erased = 0
    let due: Json[] = []
    const flush = async (): Promise<void> => {
      const chunk = due
      due = []
      if (chunk.length === 0) return
      await oneAtATime(async () => {
        const batch = service.store.batch()
        for (const value of chunk) await eraseInto(batch, value, at)
        await batch.write()
      })
      erased += chunk.length
    }
    for await (const value of offers.values({ prefix: OFFER })) {
      if (!holdsContact(value)) continue
      // Claimed: from the claim; not claimed: from the expiry, once passed (an open offer is never due).
      const ended = typeof value.claimedAt === 'string' ? Date.parse(value.claimedAt) : Date.parse(value.expiresAt as string)
      if (!(ended <= cutoff && ended <= at)) continue
      due.push(value)
      if (due.length >= CHUNK) await flush()
    }
    await flush()
    return erased
  }

  return book
}

async function * keysOf<T> (entries: AsyncIterable<[string, T]>): AsyncIterable<string> {
  for await (const [key] of entries) yield key
}
