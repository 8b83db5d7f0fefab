/**
 * The node's web pages (docs/api.md, "Web pages"): `/` and one path per page, each an HTML file of
 * node/web/pages; `/assets/<file>` from the bundles (node/web/dist, built by scripts/build-web.mjs)
 * and node/web/static. Everything a page needs comes from the node itself: the Content Security
 * Policy allows this origin only (no CDN, no map tiles, no fonts from the web).
 */
import { readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { ApiError, ApiErrorCode } from '../errors.js'
import type { RouteContext } from '../http.js'

/** node/web, from node/src/routes (sources) and node/dist/routes (built) alike. */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url))

/** The pages: path -> HTML file of node/web/pages. */
export const PAGES: Readonly<Record<string, string>> = {
  '/': 'home.html',
  '/verify': 'verify.html',
  '/catalogue': 'catalogue.html',
  '/wallet': 'wallet.html',
  '/admin': 'admin.html'
}

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8'
}

/** This origin only; images also from data: and blob: URLs (badge images, baked downloads). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
  "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

function secure (reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
}

async function readOrUndefined (path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined
    throw err
  }
}

export function webRoutes (app: FastifyInstance, _context: RouteContext): void {
  for (const [path, file] of Object.entries(PAGES)) {
    app.get(path, async (_request, reply) => {
      const html = await readOrUndefined(join(WEB_DIR, 'pages', file))
      if (html == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `the page ${path} is not part of this build`)
      return await secure(reply).header('cache-control', 'no-cache').type(MEDIA_TYPES['.html'] as string).send(html)
    })
  }

  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const name = request.params.file
    // One path segment of safe characters: no '..', no '/', no hidden files.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) throw new ApiError(ApiErrorCode.NOT_FOUND, `no asset ${name}`)
    const type = MEDIA_TYPES[extname(name)]
    if (type == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `no asset ${name}`)
    const bytes = await readOrUndefined(join(WEB_DIR, 'dist', name)) ?? await readOrUndefined(join(WEB_DIR, 'static', name))
    if (bytes == null) {
      const hint = name.endsWith('.js') ? ' (the page bundles are built by `npm run build`)' : ''
      throw new ApiError(ApiErrorCode.NOT_FOUND, `no asset ${name}${hint}`)
    }
    return await secure(reply).header('cache-control', 'no-cache').type(type).send(bytes)
  })
}
