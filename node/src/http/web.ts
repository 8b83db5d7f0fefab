/**
 * The node's web pages (docs/api.md, "Web pages"): `/` and one path per page, and `/assets/<file>`,
 * all from node/web/dist as scripts/build-web.mjs builds it (`npm run build`, run by `npm ci`):
 * dist/pages/<page>.html and dist/assets/<name>-<HASH>.<ext>, with `.br` / `.gz` twins.
 *
 * Served with @fastify/static: ETag and Last-Modified validators (a 304 when unchanged), and the
 * compressed twin when the browser accepts it (brotli first). Asset names carry their content
 * hash, so assets are cached for a year as immutable; pages are `no-cache` (revalidated on every
 * visit, so a new build reaches browsers at once). Everything a page needs comes from the node
 * itself: the Content Security Policy allows this origin only (no CDN, no map tiles, no fonts
 * from the web).
 */
import { stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, extname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { findAbove } from '../app/config.js'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'

/** node/, the folder of the `cofl` package: its package.json is the first above node/src and node/dist/src. */
const ROOT = dirname(findAbove('package.json') ?? fileURLToPath(new URL('../..', import.meta.url)))
/** node/web, the folder of the pages' sources and of their build (dist/). */
export const WEB_DIR = join(ROOT, 'web')
const PAGES_DIR = join(WEB_DIR, 'dist', 'pages')
const ASSETS_DIR = join(WEB_DIR, 'dist', 'assets')

/** The pages: path -> HTML file of node/web/pages. */
export const PAGES: Readonly<Record<string, string>> = {
  '/': 'home.html',
  '/verify': 'verify.html',
  '/catalogue': 'catalogue.html',
  '/wallet': 'wallet.html',
  '/claim': 'claim.html',
  '/admin': 'admin.html'
}

/** The media types served; any other extension is not an asset. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8'
}

/** `<name>-<HASH>.<ext>`: an asset whose name changes with its content (scripts/build-web.mjs). */
const HASHED = /-[A-Z2-7]{8}\.[a-z]+(\.[A-Za-z]+)?$/

export const IMMUTABLE = 'public, max-age=31536000, immutable'

/** This origin only; images also from data: and blob: URLs (badge images, baked downloads). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
  "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

/**
 * The wallet page's: the same, but it may call any node (a claim link of another node, a badge's
 * status at its own node), whose public routes answer cross-origin (http/cors.ts).
 */
const WALLET_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' https: http:")

function secure (reply: FastifyReply, policy = CONTENT_SECURITY_POLICY): FastifyReply {
  return reply
    .header('content-security-policy', policy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
}

async function isFile (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Why a file of the build is missing: the whole build, or only this file. */
function missing (dir: string, file: string, what: string): ApiError {
  const shown = relative(dirname(ROOT), dir) // node/web/dist/..., never the server's own paths
  if (!existsSync(dir)) {
    return new ApiError(ApiErrorCode.NOT_FOUND, `${what} is not served: the web pages of this node were not built (${shown} is missing; \`npm run build\` builds them, and \`npm ci\` runs it)`)
  }
  return new ApiError(ApiErrorCode.NOT_FOUND, `${what} is not part of this build (no ${file} in ${shown})`)
}

export async function webRoutes (app: FastifyInstance, _context: RouteContext): Promise<void> {
  void app.register(async (scope) => {
    // Only reply.sendFile: each route below says what it serves.
    await scope.register(fastifyStatic, {
      serve: false,
      root: WEB_DIR,
      preCompressed: true,
      etag: true,
      lastModified: true,
      cacheControl: false,
      dotfiles: 'deny',
      index: false
    })

    for (const [path, file] of Object.entries(PAGES)) {
      scope.get(path, async (_request, reply) => {
        if (!await isFile(join(PAGES_DIR, file))) throw missing(PAGES_DIR, file, `the page ${path}`)
        return await secure(reply, path === '/wallet' ? WALLET_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY)
          .header('cache-control', 'no-cache')
          .header('vary', 'accept-encoding')
          .type(MEDIA_TYPES['.html'] as string)
          .sendFile(file, PAGES_DIR)
      })
    }

    scope.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
      const name = request.params.file
      // One path segment of safe characters: no '..', no '/', no hidden files, no twin named directly.
      const type = MEDIA_TYPES[extname(name)]
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..') || type == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `no asset ${name}`)
      if (!await isFile(join(ASSETS_DIR, name))) throw missing(ASSETS_DIR, name, `the asset ${name}`)
      return await secure(reply)
        .header('cache-control', HASHED.test(name) ? IMMUTABLE : 'no-cache')
        .header('vary', 'accept-encoding')
        .type(type)
        .sendFile(name, ASSETS_DIR)
    })
  })
}
