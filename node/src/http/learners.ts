/**
 * The route of learners' requests to be forgotten (admin), documented in docs/api.md ("Learners");
 * the logic is node/src/app/forget.ts.
 *
 *   POST /api/learners/forget   {"email"} or {"did"}: erases every record of the person, except what
 *                               revocation and the published figures need; answers what was removed,
 *                               what was kept and why
 */
import type { FastifyInstance } from 'fastify'
import type { ForgetRequest } from '../app/forget.js'
import type { RouteContext } from './server.js'

const forgetBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    email: { type: 'string', minLength: 1, maxLength: 1000 },
    did: { type: 'string', minLength: 1, maxLength: 2000 }
  }
} as const

/** Registers the learners' routes (ROUTE_PLUGINS in node/src/http/server.ts). */
export async function learnerRoutes (app: FastifyInstance, { learners, admin }: RouteContext): Promise<void> {
  app.post<{ Body: ForgetRequest }>('/api/learners/forget', { onRequest: admin, schema: { body: forgetBody } }, async (request, reply) => {
    const result = await learners.forget(request.body)
    return await reply.header('cache-control', 'no-store').send(result)
  })
}
