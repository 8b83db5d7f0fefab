/**
 * The wire types of the city node's HTTP API: what its routes answer (docs/api.md), for the node
 * that sends them and for every caller that reads them (the CLI, @cofl/wallet, the web pages).
 * They say what a node sends; a caller that talks to a node it does not trust still checks what
 * it reads (@cofl/wallet's parseOffer, parseGrants).
 */
import type { StatusPurpose } from '@cofl/status'

export type JsonObject = Record<string, unknown>

/** Every error answer (docs/api.md, "Conventions"; the codes are in docs/errors.md). */
export interface ApiErrorBody {
  error: { code: string, message: string }
}

/** A page of a list route: the entries under their name, and the cursor of the next page (`null` after the last). */
export type ApiPage<Name extends string, Entry> = { [K in Name]: Entry[] } & { next: string | null }

/** GET /api/health. */
export interface Health {
  ok: boolean
  did: string
  name?: string | null
  peerId: string | null
  peers: number
}

/**
 * GET /api/trust/:did: an issuer's trust chain in the node's trust graph (the verifier's TrustResult),
 * with `names`: the name in the issuer Profile this node holds, signed by its own DID, of each DID
 * of `issuer`, `endorsedBy` and `chain` that has one (a DID with no such Profile is absent).
 */
export interface TrustAnswer {
  trusted: boolean
  issuer: string
  endorsedBy: string[]
  chain: string[]
  reason: string
  names: Record<string, string>
}

/** A credential as a node issued it, with the pathway badges its issuance completed (`[]` when none): POST /api/credentials, POST /api/claims/:code. */
export interface IssuedCredential {
  credential: JsonObject
  awards: JsonObject[]
}

/** POST /api/credentials/revoke, /suspend, /unsuspend. */
export interface StatusChange {
  credentialId: string
  purpose: StatusPurpose
  /** The bit's value now (true: revoked / suspended). */
  value: boolean
  /** False when it had that value already (a new version is published anyway). */
  changed: boolean
  listId: string
  /**
   * True when the list's new version was published before the answer (`now`); false when it
   * waits for the node's next publication tick (config status.publishIntervalMs), at `publishAt`.
   */
  published: boolean
  /** When the next tick publishes the list (not published yet). */
  publishAt?: string
  /** The published version's sequence, CID and validFrom (published now). */
  sequence?: number
  cid?: string
  validFrom?: string
}

/** POST /api/offers: the code is shown in this answer only. */
export interface CreatedOffer {
  offerId: string
  code: string
  /** The claim page for people: `<node>/claim#<code>` (the code in the fragment never reaches a server). */
  claimLink: string
  /** The claim's API URL, `<node>/api/claims/<code>`, which wallets call (`cofl wallet claim URL`). */
  claimUrl: string
  expiresAt: string
  /** Whether the offer's email is sent (present when the node sends mail and the offer has an email). */
  mail?: OfferMail
}

/**
 * The sending of an offer's email (config `mail`): `pending` until the mail server took it (a
 * pending one is sent again when the node starts), `sent`, or `failed` with the reason (the
 * address itself never in it). `attempts` counts the tries.
 */
export interface OfferMail {
  state: 'pending' | 'sent' | 'failed'
  attempts: number
  /** When it was sent, or last failed. */
  at?: string
  reason?: string
}

export type OfferState = 'open' | 'claimed' | 'expired'

/** An offer as GET /api/offers and GET /api/offers/:id show it: never its code or challenge. */
export interface OfferView {
  offerId: string
  achievementId: string
  name?: string
  email?: string
  statusPurpose: StatusPurpose
  state: OfferState
  /** An open offer's claim page link (`<node>/claim#<code>`), for the issuer to hand out again. */
  claimLink?: string
  createdAt: string
  expiresAt: string
  claimedAt?: string
  credentialId?: string
  /** The sending of its email, when the node sends mail (OfferMail). */
  mail?: OfferMail
}

/** Why a row of a bulk offer was refused: a short stable word (its `reason` says it in words). */
export type RefusalProblem = 'missing-email' | 'bad-email' | 'duplicate-email' | 'bad-name'

/** POST /api/offers/bulk. */
export interface BulkOfferResult {
  offered: Array<{ row: number, offerId: string, code: string, claimLink: string, claimUrl: string, expiresAt: string, mail?: OfferMail }>
  refused: Array<{ row: number, problem: RefusalProblem, reason: string }>
}

/**
 * GET /api/claims/:code: enough for the learner to decide and sign (a fresh `cofl-claim:`
 * challenge and the domain to sign for), nothing of the offer's name or email.
 */
export interface ClaimOffer {
  offerId: string
  achievement: JsonObject
  issuer: { id: string, name?: string }
  challenge: string
  domain: string
  /** When the offer expires (ISO date-time). */
  expiresAt: string
  /** When this challenge expires (ISO date-time): a later GET replaces it. */
  challengeExpiresAt: string
}

/** The body of POST /api/claims/:code and POST /api/grants: a presentation by the learner's DID. */
export interface PresentationBody {
  presentation: JsonObject
}

/** GET /api/grants/challenge: what to sign to list or revoke grants. */
export interface GrantsChallenge {
  /** `cofl-grants:<random>`, single use. */
  challenge: string
  /** The node's host: the presentation is signed for it. */
  domain: string
  expiresAt: string
}

/** An OB 3.0 grant on a node: an app the learner signed in to through the node's OB 3.0 API. */
export interface NodeGrant {
  /** The grant's id on that node (what POST /api/grants/revoke takes). */
  grantId: string
  clientId: string
  /** The app's name as it registered (`client_name`): said by the app, not checked. */
  clientName: string
  clientUri?: string
  /** The OB 3.0 scopes granted. */
  scope: string[]
  /** When the learner signed in (ISO date-time). */
  createdAt: string
  /** When the grant ends unless the app refreshes it (its refresh token's expiry, ISO date-time). */
  expiresAt: string
}

/** POST /api/grants: the live grants of the presentation's holder, newest first. */
export interface GrantList {
  did: string
  grants: NodeGrant[]
}

/** POST /api/grants/revoke. */
export interface GrantRevoked {
  did: string
  revoked: string
}

/** One line of GET /api/credentials/search (admin): an issued credential without its document, with what a person reads. */
export interface CredentialListing {
  credentialId: string
  achievementId: string
  achievementName?: string
  subject: string
  issuedAt: string
  status: 'active' | 'revoked' | 'suspended'
  statusPurpose?: 'revocation' | 'suspension'
  /** The learner's name and email where the node still holds them (its sealed offers). */
  learner?: { name?: string, email?: string }
  pathwayId?: string
}

/** GET /api/credentials/search: one page of matches, how many there are, and the offset of the next page. */
export interface CredentialSearchPage { credentials: CredentialListing[], total: number, next: number | null }
