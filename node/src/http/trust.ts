/**
 * GET /api/trust/:did (docs/api.md): an issuer's trust chain from this node's trust graph, the
 * `trust` that POST /api/verify adds to a report, for a verifier that runs elsewhere (the verify
 * page verifies in the browser and asks the node only this and status lists). Public: the trust
 * graph is made of published endorsements. Cacheable by anyone, revalidated on every use (an
 * endorsement can arrive at any moment): `Cache-Control: public, no-cache` with an ETag of the
 * answer, 304 when it has not changed. 404 on a node run without the federation, which keeps no
 * trust graph (its reports carry no `trust` either).
 *
 * The answer adds `names`: the name of each DID of the chain (and of the issuer and its endorsers)
 * from the issuer Profile this node holds, signed by that DID itself (checked when it was accepted
 * from the federation), so that a page can say "endorsed by Bristol City of Learning" from a source
 * it can believe rather than from what a credential says of its own issuer.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { TrustAnswer } from '@cofl/api'
import { claimOf, kindCollection } from '@cofl/federation'
import type { Store } from '@cofl/store'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'

/** The path of the route; the DID follows, URL-encoded. */
export const TRUST_PATH = '/api/trust/'

const params = {
  type: 'object',
  required: ['did'],
  properties: { did: { type: 'string', pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 2000 } }
} as const

/** At most this many DIDs of one answer are named (a chain is at most a few endorsements long). */
const MAX_NAMED = 32

/** The names of `dids` from the issuer Profiles this node holds, each signed by its own DID. */
async function profileNames (store: Store, dids: Iterable<string>): Promise<Record<string, string>> {
  const profiles = kindCollection(store, 'profile')
  const names: Record<string, string> = {}
  for (const did of [...new Set(dids)].slice(0, MAX_NAMED)) {
    const held = await claimOf(profiles, did, did)
    const name = held?.issuer === did ? held.document.name : undefined
    if (typeof name === 'string' && name.trim() !== '') names[did] = name
  }
  return names
}

/** Registers GET /api/trust/:did (ROUTE_PLUGINS in node/src/http/server.ts). */
export async function trustRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.get<{ Params: { did: string } }>(`${TRUST_PATH}:did`, { schema: { params } }, async (request, reply) => {
    const trust = service.trust
    if (trust == null) throw new ApiError(ApiErrorCode.NOT_FOUND, 'this node keeps no trust graph (it runs without the federation): its reports carry no trust')
    const result = await trust(request.params.did)
    const answer: TrustAnswer = { ...result, names: await profileNames(service.store, [result.issuer, ...result.endorsedBy, ...result.chain]) }
    const body = JSON.stringify(answer)
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
    void reply.header('cache-control', 'public, no-cache').header('etag', etag)
    const match = request.headers['if-none-match']
    if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return await reply.status(304).send()
    return await reply.type('application/json').send(body)
  })
}
