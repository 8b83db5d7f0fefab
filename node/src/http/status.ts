/**
 * GET /api/status/:listId (docs/api.md): a signed status list credential from the node's replica,
 * public (verifiers elsewhere, the verify page).
 */
import type { FastifyInstance } from 'fastify'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'

/** Registers GET /api/status/:listId. */
export async function statusRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.get<{ Params: { listId: string } }>('/api/status/:listId', { schema: { params: { type: 'object', required: ['listId'], properties: { listId: { type: 'string', minLength: 1, maxLength: 4000 } } } } }, async (request, reply) => {
    const list = await service.statusList(request.params.listId)
    if (list == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no status list ${request.params.listId}`)
    return await reply.type('application/json').send(list)
  })
}
