/**
 * The achievements a node holds (docs/api.md): GET /api/achievements (searched, paged; trusted
 * issuers only unless `untrusted=1`), GET /api/achievements/:id, and POST /api/achievements
 * (admin: signed by the city, stored, published).
 */
import type { FastifyInstance } from 'fastify'
import { kindCollection } from '@cofl/federation'
import type { StoredDocument } from '@cofl/store'
import { MAX_QUERY_LENGTH } from '../app/constants.js'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import { pageOf } from '../app/paging.js'
import { DID, idParams, includesUntrusted, issuerQuery, limitOf, pageQuery, untrustedParam } from '../app/schemas.js'
import type { RouteContext } from './server.js'

const achievementBody = {
  type: 'object',
  required: ['name', 'description', 'criteria'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', maxLength: 2000 },
    name: { type: 'string', minLength: 1, maxLength: 1000 },
    description: { type: 'string', maxLength: 20000 },
    criteria: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', properties: { id: { type: 'string' }, narrative: { type: 'string' } }, additionalProperties: false, minProperties: 1 }
      ]
    },
    achievementType: { type: 'string' },
    alignment: { type: 'array', maxItems: 100, items: { type: 'object' } },
    image: { type: 'string' },
    tag: { type: 'array', maxItems: 100, items: { type: 'string' } },
    resultDescription: { type: 'array', maxItems: 100, items: { type: 'object' } },
    proof: { not: {} },
    '@context': { not: {} },
    creator: { not: {} }
  }
} as const

const catalogueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery.properties,
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH },
    issuer: { type: 'string', pattern: DID },
    untrusted: untrustedParam
  }
} as const

function catalogueEntry (stored: StoredDocument): Record<string, unknown> {
  return { id: stored.id, issuer: stored.issuer, cid: stored.cid, sequence: stored.sequence, achievement: stored.document }
}

/**
 * The text of a value (a string, a language map, an array of either), for search. Documents come
 * from peers: nesting deeper than a language map in an array is not read.
 */
function text (value: unknown, depth = 0): string {
  if (typeof value === 'string') return value
  if (depth >= 3) return ''
  if (Array.isArray(value)) return value.map((v) => text(v, depth + 1)).join(' ')
  if (value != null && typeof value === 'object') return Object.values(value).map((v) => text(v, depth + 1)).join(' ')
  return ''
}

function matches (stored: StoredDocument, q: string | undefined, issuer: string | undefined): boolean {
  if (issuer != null && stored.issuer !== issuer) return false
  if (q == null || q.trim() === '') return true
  const doc = stored.document
  const haystack = `${text(doc.name)} ${text(doc.description)} ${text(doc.tag)} ${text(doc.achievementType)}`.toLowerCase()
  return q.toLowerCase().split(/\s+/).filter((w) => w !== '').every((word) => haystack.includes(word))
}

/** Registers the achievement routes. */
export async function achievementRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  app.get<{ Querystring: { q?: string, issuer?: string, limit?: string, cursor?: string, untrusted?: string } }>('/api/achievements', { schema: { querystring: catalogueQuery } }, async (request) => {
    const { q, issuer, cursor } = request.query
    const limit = limitOf(request.query.limit)
    // The trusted issuers' achievements only, unless `untrusted=1` (docs/api.md).
    const shown = await service.shows(includesUntrusted(request.query.untrusted))
    const { items, next } = await pageOf(kindCollection(service.store, 'achievement').entries(cursor != null ? { gte: cursor } : {}), limit, (stored) =>
      shown(stored.issuer) && matches(stored, q, issuer) ? catalogueEntry(stored) : undefined)
    return { achievements: items, next }
  })

  app.get<{ Params: { id: string }, Querystring: { issuer?: string } }>('/api/achievements/:id', { schema: { params: idParams, querystring: issuerQuery } }, async (request) => {
    const stored = await service.documentOf('achievement', request.params.id, request.query.issuer)
    if (stored == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no achievement ${request.params.id}`)
    return catalogueEntry(stored)
  })

  app.post<{ Body: Record<string, unknown> }>('/api/achievements', { onRequest: admin, schema: { body: achievementBody } }, async (request, reply) => {
    const result = await service.createAchievement(request.body)
    return await reply.status(201).send(result)
  })
}
