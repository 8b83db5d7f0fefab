/**
 * The credentials this node issues (docs/api.md), admin only: POST /api/credentials (with the
 * pathway badges it completes), GET /api/credentials (the issuance log, paged),
 * GET /api/credentials/:id, and POST /api/credentials/{revoke,suspend,unsuspend} (the list's new
 * version at the node's next publication tick, or at once with `"now": true`).
 */
import type { FastifyInstance } from 'fastify'
import type { IssuanceRecord } from '@cofl/store'
import { ISSUANCE_COLLECTION } from '../app/collections.js'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import { pageOf } from '../app/paging.js'
import { DID, idParams, limitOf, pageQuery } from '../app/schemas.js'
import type { StatusAction } from '../app/service.js'
import type { RouteContext } from './server.js'

const credentialBody = {
  type: 'object',
  additionalProperties: false,
  required: ['achievementId', 'subject'],
  properties: {
    achievementId: { type: 'string', minLength: 1, maxLength: 2000 },
    subject: { type: 'string', pattern: DID, maxLength: 2000 },
    statusPurpose: { type: 'string', enum: ['revocation', 'suspension'] },
    validUntil: { type: 'string', format: 'date-time' }
  }
} as const

const statusBody = {
  type: 'object',
  additionalProperties: false,
  required: ['credentialId'],
  properties: {
    credentialId: { type: 'string', minLength: 1, maxLength: 2000 },
    // Publish the list's new version at once, not at the next tick (an urgent revocation).
    now: { type: 'boolean' }
  }
} as const

/** Registers the credential routes. */
export async function credentialRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  app.post<{ Body: { achievementId: string, subject: string, statusPurpose?: 'revocation' | 'suspension', validUntil?: string } }>(
    '/api/credentials', { onRequest: admin, schema: { body: credentialBody } }, async (request, reply) => {
      // With the pathway badges it completes, as a claim would award them.
      const { credential, awards } = await service.issueWithAwards(request.body)
      return await reply.status(201).send({ credential, awards })
    })

  app.get<{ Querystring: { limit?: string, cursor?: string } }>('/api/credentials', { onRequest: admin, schema: { querystring: pageQuery } }, async (request) => {
    const limit = limitOf(request.query.limit)
    const cursor = request.query.cursor
    const { items, next } = await pageOf(service.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).entries(cursor != null ? { gte: cursor } : {}), limit, (record) => record)
    return { credentials: items, next }
  })

  app.get<{ Params: { id: string } }>('/api/credentials/:id', { onRequest: admin, schema: { params: idParams } }, async (request) => {
    const record = await service.store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).get(request.params.id)
    if (record == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node issued no credential ${request.params.id}`)
    return record
  })

  for (const action of ['revoke', 'suspend', 'unsuspend'] as const satisfies readonly StatusAction[]) {
    app.post<{ Body: { credentialId: string, now?: boolean } }>(`/api/credentials/${action}`, { onRequest: admin, schema: { body: statusBody } }, async (request) => {
      return await service.changeStatus(action, request.body.credentialId, { now: request.body.now === true })
    })
  }
}
