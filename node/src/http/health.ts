/**
 * GET /api/health (docs/api.md): the node's DID, name, peer id and how many peers it has.
 */
import type { FastifyInstance } from 'fastify'
import type { Health } from '@cofl/api'
import type { RouteContext } from './server.js'

/** Registers GET /api/health. */
export async function healthRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.get('/api/health', async (): Promise<Health> => ({ ok: true, did: service.did, name: service.name, peerId: service.peerId, peers: service.peers().length }))
}
