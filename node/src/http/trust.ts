/**
 * GET /api/trust/:did (docs/api.md): an issuer's trust chain from this node's trust graph, the
 * `trust` that POST /api/verify adds to a report, for a verifier that runs elsewhere (the verify
 * page verifies in the browser and asks the node only this and status lists). Public: the trust
 * graph is made of published endorsements. Cacheable by anyone, revalidated on every use (an
 * endorsement can arrive at any moment): `Cache-Control: public, no-cache` with an ETag of the
 * answer, 304 when it has not changed. 404 on a node run without the federation, which keeps no
 * trust graph (its reports carry no `trust` either).
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'

/** The path of the route; the DID follows, URL-encoded. */
export const TRUST_PATH = '/api/trust/'

const params = {
  type: 'object',
  required: ['did'],
  properties: { did: { type: 'string', pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 2000 } }
} as const

/** Registers GET /api/trust/:did (ROUTE_PLUGINS in node/src/http/server.ts). */
export async function trustRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.get<{ Params: { did: string } }>(`${TRUST_PATH}:did`, { schema: { params } }, async (request, reply) => {
    const trust = service.trust
    if (trust == null) throw new ApiError(ApiErrorCode.NOT_FOUND, 'this node keeps no trust graph (it runs without the federation): its reports carry no trust')
    const body = JSON.stringify(await trust(request.params.did))
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
    void reply.header('cache-control', 'public, no-cache').header('etag', etag)
    const match = request.headers['if-none-match']
    if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return await reply.status(304).send()
    return await reply.type('application/json').send(body)
  })
}
