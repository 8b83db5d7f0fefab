/**
 * Cross-origin reads and claims for a wallet that lives on another node's page (docs/api.md,
 * "Cross-origin requests"). A browser wallet kept at one node's address claims a badge offered by
 * any node, and refreshes the status of badges issued anywhere, with fetch from its own origin:
 * only the public routes it needs answer such a request, and they grant nothing else.
 *
 *   GET, POST /api/claims/:code       the offer and its challenge; the signed presentation
 *   GET /api/status/:listId           a status list
 *   GET /api/catalogue, /api/catalogue/...; GET /api/achievements/:id; GET /api/geography
 *   GET /api/images/:file             a badge image
 *
 * Those answer `Access-Control-Allow-Origin: *` (no credentials: the API uses no cookie) and their
 * preflight (OPTIONS) allows their methods and the one header `content-type`; never
 * `authorization`, so the admin token cannot be sent cross-origin by a page. Every other route
 * (admin, the OB 3.0 API, analytics, grants, ...) sends no CORS header and its preflight is not
 * answered with any permission (404, as any unknown route).
 */
import type { FastifyInstance } from 'fastify'

/** How long a browser may keep a preflight's answer (seconds). */
const CORS_MAX_AGE_S = 600

/** The public routes a wallet on another origin calls, with the methods each allows. */
const CORS_ROUTES: ReadonlyArray<{ path: RegExp, methods: readonly string[] }> = [
  { path: /^\/api\/claims\/[^/]+$/, methods: ['GET', 'POST'] },
  { path: /^\/api\/status\/[^/]+$/, methods: ['GET'] },
  { path: /^\/api\/catalogue(\/.*)?$/, methods: ['GET'] },
  { path: /^\/api\/achievements\/[^/]+$/, methods: ['GET'] },
  { path: /^\/api\/geography$/, methods: ['GET'] },
  { path: /^\/api\/images\/[^/]+$/, methods: ['GET'] }
]

/** The methods a cross-origin request may use on `url` (empty: none, no CORS header). */
function corsMethods (url: string): readonly string[] {
  const path = url.split('?')[0] ?? ''
  return CORS_ROUTES.find((route) => route.path.test(path))?.methods ?? []
}

/** Adds the CORS policy to the node's server (root hooks: they see every route and the 404s). */
export function addCors (app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const methods = corsMethods(request.url)
    if (methods.length === 0) return
    if (request.method === 'OPTIONS') {
      const asked = request.headers['access-control-request-method']
      // A preflight for a method the route does not take gets no permission.
      if (typeof asked === 'string' && !methods.includes(asked.toUpperCase())) return await reply.status(204).header('vary', 'origin').send()
      return await reply.status(204).headers({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': methods.join(', '),
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': String(CORS_MAX_AGE_S)
      }).send()
    }
    if (methods.includes(request.method) || (request.method === 'HEAD' && methods.includes('GET'))) void reply.header('access-control-allow-origin', '*')
  })
}
