/**
 * POST /api/withdrawals (docs/api.md), admin: the city withdraws a document it published (an
 * achievement, endorsement, pathway, spine or opportunity). A signed withdrawal goes to the
 * federation; every node removes the document and no longer serves it.
 */
import type { FastifyInstance } from 'fastify'
import { WITHDRAWN_KINDS } from '../app/constants.js'
import type { RouteContext } from './server.js'

const withdrawalBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'id'],
  properties: {
    kind: { type: 'string', enum: [...WITHDRAWN_KINDS] },
    id: { type: 'string', minLength: 1, maxLength: 1024 }
  }
} as const

/** Registers POST /api/withdrawals. */
export async function withdrawalRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  app.post<{ Body: { kind: string, id: string } }>('/api/withdrawals', { onRequest: admin, schema: { body: withdrawalBody } }, async (request, reply) => {
    return await reply.status(201).send(await service.withdraw(request.body.kind, request.body.id))
  })
}
