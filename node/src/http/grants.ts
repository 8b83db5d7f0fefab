/**
 * The learner's OB 3.0 grants (docs/api.md, "Grants"): public routes, each request proven by a
 * presentation of the learner's DID over a single-use `cofl-grants:` challenge of this node, for
 * its domain (the host of its own origin: its public base URL, else the address it listens on, as
 * for claims). A challenge is stored until it is used or expires (swept with the OB 3.0 API's
 * records), so GET /api/grants/challenge is rate limited per address. The logic is
 * node/src/http/ob3/grants.ts.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { GRANTS_PATHS } from '@cofl/api'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'
import { ob3Limits } from './ob3/constants.js'
import { rateLimited } from './ob3.js'
import { domainOf } from '../app/presentation.js'

const presentation = { type: 'object' } as const
const listBody = { type: 'object', additionalProperties: false, required: ['presentation'], properties: { presentation } } as const
const revokeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['presentation', 'grantId'],
  properties: { presentation, grantId: { type: 'string', minLength: 1, maxLength: 200 } }
} as const

/** Registers the grants routes (ROUTE_PLUGINS in node/src/http/server.ts). Their clock is the OB 3.0 API's. */
export async function grantRoutes (app: FastifyInstance, { grants: book, origin }: RouteContext): Promise<void> {
  const tooMany = (message: string): ApiError => new ApiError(ApiErrorCode.RATE_LIMITED, message)
  void app.register(async (limited) => {
    await limited.register(rateLimit, { global: false })
    limited.get(GRANTS_PATHS.challenge, { config: rateLimited(ob3Limits().rates.grantsChallenge, tooMany) }, async (request, reply) => {
      return await reply.header('cache-control', 'no-store').send(await book.challenge(domainOf(origin(request))))
    })
  })

  app.post<{ Body: { presentation: unknown } }>(GRANTS_PATHS.list, { schema: { body: listBody } }, async (request, reply) => {
    return await reply.header('cache-control', 'no-store').send(await book.list(request.body.presentation))
  })

  app.post<{ Body: { presentation: unknown, grantId: string } }>(GRANTS_PATHS.revoke, { schema: { body: revokeBody } }, async (request, reply) => {
    return await reply.header('cache-control', 'no-store').send(await book.revoke(request.body.presentation, request.body.grantId))
  })
}
