/**
 * GET /api/geography (public, docs/api.md "Geography"): the city's outline that the catalogue's map
 * draws: the GeoJSON FeatureCollection of config `geography`, checked and simplified when the node
 * started (app/geography.ts), or one with no features when the node has none. The same for every
 * request until the node restarts: sent with an ETag (a matching If-None-Match gets 304) and
 * cacheable for an hour; answered cross-origin (cors.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './server.js'

/** How long browsers and proxies may keep the outline (seconds). */
const GEOGRAPHY_MAX_AGE_S = 3600

/** Registers GET /api/geography. */
export async function geographyRoutes (app: FastifyInstance, { geography }: RouteContext): Promise<void> {
  app.get('/api/geography', async (request, reply) => {
    void reply.header('cache-control', `public, max-age=${GEOGRAPHY_MAX_AGE_S}`).header('etag', geography.etag)
    const match = request.headers['if-none-match']
    if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === geography.etag)) {
      return await reply.status(304).send()
    }
    return await reply.type('application/geo+json').send(geography.json)
  })
}
