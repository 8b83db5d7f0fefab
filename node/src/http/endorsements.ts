/**
 * POST /api/endorsements (docs/api.md), admin: the city endorses an issuer (an
 * EndorsementCredential of its DID), published to the federation. `profile`: the issuer's
 * self-signed Profile, from a provider without a node (checked, not kept).
 */
import type { FastifyInstance } from 'fastify'
import { DID } from '../app/schemas.js'
import type { RouteContext } from './server.js'

const endorsementBody = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    issuer: { type: 'string', pattern: DID, maxLength: 2000 },
    comment: { type: 'string', maxLength: 5000 },
    name: { type: 'string', minLength: 1, maxLength: 1000 },
    profile: { type: 'object' }
  }
} as const

interface EndorsementBody { issuer: string, comment?: string, name?: string, profile?: Record<string, unknown> }

/** Registers POST /api/endorsements. */
export async function endorsementRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  app.post<{ Body: EndorsementBody }>('/api/endorsements', { onRequest: admin, schema: { body: endorsementBody } }, async (request, reply) => {
    return await reply.status(201).send(await service.endorse(request.body))
  })
}
