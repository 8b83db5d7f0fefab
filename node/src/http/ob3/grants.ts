/**
 * The learner's view of the OB 3.0 grants made in their name (docs/api.md, "Grants"): which apps
 * signed in as a DID through this node's OB 3.0 API, with what scopes, and their revocation. No
 * account and no password: the learner proves the DID with a presentation over a fresh
 * `cofl-grants:` challenge of this node, for its domain, single use. A grant revoked here ends at
 * once: its access and refresh tokens are checked against the grant record
 * (node/src/http/ob3/oauth.ts), which is deleted.
 *
 *   const book = createGrantBook({ oauth: store.collection(OAUTH_COLLECTION), batch: () => store.batch(), now: Date.now })
 *   const { challenge, domain } = await book.challenge('badges.example')
 *   const { did, grants } = await book.list(presentation)        // signed over that challenge
 *   await book.revoke(presentation2, grants[0].grantId)          // over a second challenge
 *
 * Grants are found by the learner's index in the store's oauth collection (`learner!<did>!<grant id>`), which the
 * authorisation server writes with each token pair. Grants made before the index existed are
 * indexed once, from their live refresh tokens, the first time any learner lists.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Batch, Collection } from '@cofl/store'
import { challengeUseProblem, CHALLENGE_PREFIXES } from '@cofl/wallet'
import type { GrantList, GrantRevoked, GrantsChallenge, NodeGrant } from '@cofl/api'
import { GRANTS_CHALLENGE_TTL_MS } from '../../app/constants.js'
import { ApiError, ApiErrorCode } from '../../app/errors.js'
import { challengeOf, checkHolderPresentation } from '../../app/presentation.js'
import { keyedQueue } from '../../app/serial.js'
import { OB3_SECRET_BYTES } from './constants.js'
import { OAUTH_KEYS } from './oauth.js'

type Json = Record<string, unknown>

export interface GrantBookInit {
  oauth: Collection<Json>
  batch: () => Batch
  /** Milliseconds since the epoch. */
  now: () => number
}

export interface GrantBook {
  /** A fresh single-use challenge for grant management, bound to `domain` (this node's). */
  challenge: (domain: string) => Promise<GrantsChallenge>
  /** The live grants of the presentation's holder, newest first. */
  list: (presentation: unknown) => Promise<GrantList>
  /** Revokes a grant of the presentation's holder; 404 for a grant that is not theirs, or is gone. */
  revoke: (presentation: unknown, grantId: string) => Promise<GrantRevoked>
}

/** The index of grants made before it existed is written once; this marks that it was. */
const INDEX_MARK = 'learner-index!v1'

const proofError = (message: string): ApiError => new ApiError(ApiErrorCode.GRANTS_PROOF, message)

function digest (text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function createGrantBook (init: GrantBookInit): GrantBook {
  const { oauth, now } = init
  // A challenge is spent by the first request that presents it, also under concurrent requests.
  const spending = keyedQueue()
  let indexing: Promise<void> | undefined

  /** Indexes, once, the grants of live refresh tokens written before the learner index existed. */
  async function indexOlderGrants (): Promise<void> {
    if (await oauth.has(INDEX_MARK)) return
    const batch = init.batch()
    for await (const [, token] of oauth.entries({ prefix: OAUTH_KEYS.refresh('') })) {
      const { grantId, learner, expiresAt, rotated } = token as { grantId?: unknown, learner?: unknown, expiresAt?: unknown, rotated?: unknown }
      if (rotated === true || typeof grantId !== 'string' || typeof learner !== 'string' || typeof expiresAt !== 'number') continue
      if (await oauth.has(OAUTH_KEYS.grant(grantId))) batch.put(oauth, OAUTH_KEYS.learnerGrant(learner, grantId), { grantId, expiresAt })
    }
    await batch.put(oauth, INDEX_MARK, { at: now() }).write()
  }

  /** The DID that the presentation proves, over a challenge of this book (spent now, whatever the outcome). */
  async function learnerOf (presentation: unknown): Promise<string> {
    const challenge = challengeOf(presentation)
    if (challenge == null) throw proofError('the presentation is not signed over a challenge: GET /api/grants/challenge, then sign over its challenge')
    const problem = challengeUseProblem(challenge, 'grants')
    if (problem != null) throw proofError(problem)
    const key = OAUTH_KEYS.grantsChallenge(digest(challenge))
    const record = await spending(key, async () => {
      const found = await oauth.get(key) as { domain: string, expiresAt: number } | undefined
      if (found != null) await oauth.del(key)
      return found
    })
    if (record == null) throw proofError('this node gave no such challenge, or it was used already (each works once): GET /api/grants/challenge again')
    if (record.expiresAt <= now()) throw proofError('the challenge expired: GET /api/grants/challenge again')
    return await checkHolderPresentation(presentation, {
      challenge, domain: record.domain, use: 'grants', otherChallenge: 'the presentation\'s proofs are signed over different challenges: sign it once, over the challenge of GET /api/grants/challenge'
    }, proofError)
  }

  async function grantsOf (did: string): Promise<NodeGrant[]> {
    indexing ??= indexOlderGrants().catch((err: unknown) => { indexing = undefined; throw err })
    await indexing
    const t = now()
    const out: NodeGrant[] = []
    const gone: string[] = []
    for await (const [key, entry] of oauth.entries({ prefix: OAUTH_KEYS.learnerGrantPrefix(did) })) {
      const { grantId, expiresAt } = entry as { grantId: string, expiresAt: number }
      const grant = await oauth.get(OAUTH_KEYS.grant(grantId)) as { clientId: string, learner: string, scope: string[], createdAt?: number } | undefined
      if (grant == null) { gone.push(key); continue }
      // A DID that contains '!' cannot borrow another's entries; a grant whose refresh token expired is over.
      if (grant.learner !== did || expiresAt <= t) continue
      const client = await oauth.get(OAUTH_KEYS.client(grant.clientId)) as { metadata?: Record<string, unknown> } | undefined
      const name = client?.metadata?.client_name
      const uri = client?.metadata?.client_uri
      out.push({
        grantId,
        clientId: grant.clientId,
        clientName: typeof name === 'string' ? name : grant.clientId,
        ...(typeof uri === 'string' ? { clientUri: uri } : {}),
        scope: grant.scope,
        createdAt: new Date(grant.createdAt ?? t).toISOString(),
        expiresAt: new Date(expiresAt).toISOString()
      })
    }
    if (gone.length > 0) {
      const batch = init.batch()
      for (const key of gone) batch.del(oauth, key)
      await batch.write()
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.grantId.localeCompare(b.grantId))
  }

  return {
    async challenge (domain) {
      const challenge = `${CHALLENGE_PREFIXES.grants}${randomBytes(OB3_SECRET_BYTES).toString('base64url')}`
      const expiresAt = now() + GRANTS_CHALLENGE_TTL_MS
      await oauth.put(OAUTH_KEYS.grantsChallenge(digest(challenge)), { domain, expiresAt })
      return { challenge, domain, expiresAt: new Date(expiresAt).toISOString() }
    },

    async list (presentation) {
      const did = await learnerOf(presentation)
      return { did, grants: await grantsOf(did) }
    },

    async revoke (presentation, grantId) {
      if (typeof grantId !== 'string' || grantId === '') throw new TypeError('grantId must be a non-empty string')
      const did = await learnerOf(presentation)
      const grant = await oauth.get(OAUTH_KEYS.grant(grantId)) as { learner?: unknown } | undefined
      // Another learner's grant is answered as an unknown one: its existence is not told.
      if (grant == null || grant.learner !== did) throw new ApiError(ApiErrorCode.NOT_FOUND, `${did} has no live grant ${grantId} on this node (POST /api/grants lists them)`)
      // The grant record is what every token of the grant is checked against: without it, they stop.
      await init.batch().del(oauth, OAUTH_KEYS.grant(grantId)).del(oauth, OAUTH_KEYS.learnerGrant(did, grantId)).write()
      return { did, revoked: grantId }
    }
  }
}
