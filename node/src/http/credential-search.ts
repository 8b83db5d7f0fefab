/**
 * GET /api/credentials/search (docs/api.md), admin: the issuance log as the City dashboard lists
 * it, newest first, with the learner's name and email where the node still holds them (sealed in
 * the offer the credential was claimed from: docs/privacy.md) and the achievement's name, searched
 * on the node by `q` (a learner's name or email, an achievement's name, a credential id or DID).
 * The page is sent one bounded page of matches, never the node's contacts.
 */
import type { FastifyInstance } from 'fastify'
import type { CredentialListing } from '@cofl/api'
import type { IssuanceRecord } from '@cofl/store'
import { ISSUANCE_COLLECTION } from '../app/issuance-log.js'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import { limitOf } from '../app/schemas.js'
import type { RouteContext } from './server.js'

/** The longest search text. */
const MAX_QUERY_LENGTH = 200

/** The statuses a search may be narrowed to. */
const STATUSES = ['active', 'revoked', 'suspended'] as const
type Status = typeof STATUSES[number]

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH },
    status: { type: 'string', enum: [...STATUSES] },
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$' }
  }
} as const

interface SearchQuery { q?: string, status?: Status, limit?: string, offset?: string }

function statusOf (record: IssuanceRecord): Status {
  if (record.revoked === true) return 'revoked'
  if (record.suspended === true) return 'suspended'
  return 'active'
}

function achievementNameOf (record: IssuanceRecord): string | undefined {
  const subject = record.credential?.credentialSubject as Record<string, unknown> | undefined
  const achievement = subject?.achievement as Record<string, unknown> | undefined
  return typeof achievement?.name === 'string' ? achievement.name : undefined
}

/** Lower case without accents, for matching "Ana" with "ANA" and "Zoë" with "zoe". */
function folded (text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Registers GET /api/credentials/search. */
export async function credentialSearchRoutes (app: FastifyInstance, { service, offers, admin }: RouteContext): Promise<void> {
  app.get<{ Querystring: SearchQuery }>('/api/credentials/search', { onRequest: admin, schema: { querystring: searchQuery } }, async (request) => {
    const limit = limitOf(request.query.limit)
    const offset = Number(request.query.offset ?? '0')
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ApiError(ApiErrorCode.BAD_REQUEST, 'querystring/offset must be a whole number from 0')
    const terms = folded(request.query.q ?? '').split(/\s+/).filter((t) => t !== '')

    // The learners the node still knows, by credential id and by DID (a pathway badge awarded on a
    // claim goes to the DID that claimed): opened here, on the node, behind the admin token.
    const byCredential = new Map<string, { name?: string, email?: string }>()
    const bySubject = new Map<string, { name?: string, email?: string }>()
    for (const offer of await offers.find((o) => o.credentialId != null && (o.name != null || o.email != null))) {
      const learner = { ...(offer.name != null ? { name: offer.name } : {}), ...(offer.email != null ? { email: offer.email } : {}) }
      byCredential.set(offer.credentialId as string, learner)
      if (offer.subject != null) bySubject.set(offer.subject, learner)
    }

    const matches: CredentialListing[] = []
    for await (const record of service.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values()) {
      const status = statusOf(record)
      if (request.query.status != null && status !== request.query.status) continue
      const learner = byCredential.get(record.credentialId) ?? bySubject.get(record.subject)
      const achievementName = achievementNameOf(record)
      if (terms.length > 0) {
        const text = folded([learner?.name, learner?.email, achievementName, record.achievementId, record.credentialId, record.subject].filter((x) => x != null).join('\n'))
        if (!terms.every((t) => text.includes(t))) continue
      }
      matches.push({
        credentialId: record.credentialId,
        achievementId: record.achievementId,
        ...(achievementName != null ? { achievementName } : {}),
        subject: record.subject,
        issuedAt: record.issuedAt,
        status,
        ...(record.status?.purpose != null ? { statusPurpose: record.status.purpose } : {}),
        ...(learner != null ? { learner } : {}),
        ...(record.pathwayId != null ? { pathwayId: record.pathwayId } : {})
      })
    }
    // Newest first; the same instant in credential id order, so that pages never overlap.
    matches.sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : a.issuedAt > b.issuedAt ? -1 : a.credentialId < b.credentialId ? -1 : 1))
    const page = matches.slice(offset, offset + limit)
    return { credentials: page, total: matches.length, next: offset + limit < matches.length ? offset + limit : null }
  })
}
