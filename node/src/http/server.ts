/**
 * The node's HTTP server (fastify, JSON; the API is documented in docs/api.md): buildApi makes the
 * fastify instance, its limits, security headers and error handler, and registers one plugin per
 * resource (the files of src/http, ROUTE_PLUGINS), each given the RouteContext as its options. Every error is
 * `{"error": {"code", "message"}}` with its HTTP status; bodies are validated against JSON
 * Schemas; admin routes need `Authorization: Bearer <admin token>` (compared in constant time).
 *
 * Every answer says `X-Content-Type-Options: nosniff`; those of routes that carry personal data
 * (PRIVATE_PATHS) say `Cache-Control: no-store`. The server takes at most `maxConnections`
 * connections (more are closed at once) and closes those idle for `idleTimeoutMs`, so that idle
 * sockets cannot use up the process's file descriptors (docs/api.md, "Connections").
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { HEADERS_TIMEOUT_MS, IDLE_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS, MAX_PARAM_LENGTH, REQUEST_TIMEOUT_MS } from '../app/constants.js'
import { ApiError, ApiErrorCode, API_ERROR_STATUS } from '../app/errors.js'
import type { CityServices } from '../app/city.js'
import type { CityService } from '../app/service.js'
import { emptyGeography } from '../app/geography.js'
import type { LoadedGeography } from '../app/geography.js'
import { achievementRoutes } from './achievements.js'
import { imageRoutes } from './images.js'
import { analyticsRoutes } from './analytics.js'
import { apiErrorOf } from './api-error.js'
import { catalogueRoutes } from './catalogue.js'
import { addCors } from './cors.js'
import { credentialRoutes } from './credentials.js'
import { credentialSearchRoutes } from './credential-search.js'
import { endorsementRoutes } from './endorsements.js'
import { geographyRoutes } from './geography.js'
import { withdrawalRoutes } from './withdrawals.js'
import { grantRoutes } from './grants.js'
import { healthRoutes } from './health.js'
import { learnerRoutes } from './learners.js'
import { createOb3Routes } from './ob3.js'
import type { Ob3RoutesInit } from './ob3.js'
import { offerRoutes } from './offers.js'
import { pathwayRoutes } from './pathways.js'
import { statusRoutes } from './status.js'
import { trustRoutes } from './trust.js'
import { verifyRoutes } from './verify.js'
import { webRoutes } from './web.js'

/** The connections of the HTTP server, how long it waits, and whose addresses it believes (config `http.*`, docs/operations.md). */
export interface HttpLimits {
  /** The most connections open at once; more are closed as they arrive. Default: defaultMaxConnections(). */
  maxConnections?: number | null
  /** A connection with no request under way that sends nothing for this long is closed. */
  idleTimeoutMs?: number
  /** A kept-alive connection is closed after this long without a new request. */
  keepAliveTimeoutMs?: number
  /** A request's headers must have arrived within this long. */
  headersTimeoutMs?: number
  /** A whole request must have arrived within this long. */
  requestTimeoutMs?: number
  /**
   * The reverse proxies whose X-Forwarded-For gives a request's address (`request.ip`, which the
   * per-address limits count): their addresses or CIDR ranges (config `http.trustProxy`). Default
   * false: the connection's own address. Never true, nor a number of hops: any client that
   * connects directly could then name any address.
   */
  trustProxy?: false | readonly string[]
}

export interface ApiInit {
  service: CityService
  /** The stateful services the routes are handed (built by createCityServices in app/city.ts). */
  services: CityServices
  adminToken: string
  bodyLimit: number
  /** True once the node is stopping: new requests get 503 COFL_ERR_UNAVAILABLE. */
  closing: () => boolean
  /** Connections and timeouts (defaults: the constants of the same names, defaultMaxConnections()). */
  http?: HttpLimits
  /** The host the server is told to listen on (config http.host): the node's origin without a publicBaseUrl. */
  listenHost?: string
  /** The OB 3.0 API's clock and limits (default: ob3Clock, ob3Limits()). */
  ob3?: Ob3RoutesInit
  /** The city's outline (config geography, app/geography.ts) that GET /api/geography serves. Default: none. */
  geography?: LoadedGeography
}

/**
 * The options of every plugin of routes (one file of src/http per resource), given by buildApi to
 * `app.register(plugin, context)`.
 */
export interface RouteContext extends CityServices {
  service: CityService
  /** The onRequest hook of admin routes (Authorization: Bearer <admin token>). */
  admin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /**
   * The node's own origin, such as `https://badges.example.org` or `http://127.0.0.1:8080`: its
   * publicBaseUrl, else the address it listens on. Never the Host header a client sent: claim URLs
   * and the domain presentations are signed for come from it.
   */
  origin: (request: FastifyRequest) => string
  /** The city's outline (GET /api/geography). */
  geography: LoadedGeography
}

/** The timeouts of buildApi when ApiInit.http does not say (config/default.json says the same). */
function defaultHttpLimits (): Required<Omit<HttpLimits, 'maxConnections' | 'trustProxy'>> {
  return { idleTimeoutMs: IDLE_TIMEOUT_MS, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS, headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS }
}

/**
 * The default of `http.maxConnections`: half the process's soft limit of open files (Linux,
 * /proc/self/limits; node raises it to the hard limit as it starts), leaving the other half to the
 * store, the status registry, libp2p and the files the node reads, and at most MAX_CONNECTIONS;
 * MAX_CONNECTIONS when the limit cannot be read (another system).
 */
export function defaultMaxConnections (): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const soft = Number(/^Max open files\s+(\d+)/.exec(line ?? '')?.[1])
    if (Number.isSafeInteger(soft) && soft > 0) return Math.max(1, Math.min(MAX_CONNECTIONS, Math.floor(soft / 2)))
  } catch {}
  return MAX_CONNECTIONS
}

/**
 * Path prefixes of the routes that answer personal data (credentials and issuance records, offers,
 * claims, grants, verification reports, the city's analytics (figures about learners), the OB 3.0
 * API's tokens and resources): every answer, errors included, is sent with `Cache-Control:
 * no-store`, so that no browser or proxy cache keeps them.
 */
export const PRIVATE_PATHS: readonly string[] = Object.freeze(['/api/credentials', '/api/offers', '/api/claims', '/api/grants', '/api/verify', '/api/analytics', '/api/analytics.csv', '/ims/ob/v3p0/'])

/** A request's URL as the node's log may say it: a claim code (the secret of a claim link) replaced, the query dropped. */
export function loggedUrl (url: string): string {
  return (url.split('?')[0] ?? '').replace(/^(\/api\/claims\/)[^/]+/, '$1(code)')
}

function isPrivate (url: string): boolean {
  const path = url.split('?')[0] ?? ''
  return PRIVATE_PATHS.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
}

/** A plugin of routes: one file of src/http per resource, registered by buildApi with the RouteContext as its options. */
export type RoutePlugin = FastifyPluginAsync<RouteContext>

/**
 * The plugins of routes, registered in this order by buildApi (the OB 3.0 API with the node's
 * options). A new resource is a file of src/http and a line here.
 */
const ROUTE_PLUGINS = (ob3: Ob3RoutesInit): RoutePlugin[] => [
  healthRoutes, achievementRoutes, credentialSearchRoutes, credentialRoutes, verifyRoutes, statusRoutes, endorsementRoutes, withdrawalRoutes,
  offerRoutes, createOb3Routes(ob3), grantRoutes, analyticsRoutes, webRoutes, pathwayRoutes, catalogueRoutes, trustRoutes,
  learnerRoutes, geographyRoutes, imageRoutes
]

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Maps any error to the API's `{"error": {"code", "message"}}` and status. */
function toApiError (err: FastifyError & { code?: string, statusCode?: number }): ApiError {
  const known = apiErrorOf(err)
  if (known != null) return known
  if (err.validation != null) return new ApiError(ApiErrorCode.BAD_REQUEST, err.message, { cause: err })
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new ApiError(ApiErrorCode.BODY_TOO_LARGE, err.message, { cause: err })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new ApiError(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, `${err.message}: send application/json`, { cause: err })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(ApiErrorCode.BAD_JSON, err.message, { cause: err })
    case 'COFL_ERR_INPUT':
    case 'COFL_ERR_SIGN':
      return new ApiError(ApiErrorCode.BAD_REQUEST, err.message, { cause: err })
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')) {
    return new ApiError(ApiErrorCode.BAD_JSON, err.message, { cause: err })
  }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const code = Object.entries(API_ERROR_STATUS).find(([c, s]) => s === status && c !== 'COFL_ERR_INPUT')?.[0] ?? ApiErrorCode.BAD_REQUEST
    return new ApiError(code, err.message, { cause: err, status })
  }
  return new ApiError(ApiErrorCode.INTERNAL, 'internal error (the node printed the details on its standard error)', { cause: err })
}

/** fastify's `trustProxy` for HttpLimits.trustProxy: false, or a copy of the list (anything else is refused). */
function trustProxyOption (value: HttpLimits['trustProxy']): false | string[] {
  if (value === undefined || value === false) return false
  if (!Array.isArray(value)) throw new TypeError(`trustProxy must be false or a list of the proxies' addresses or CIDR ranges; got ${String(value)}`)
  return [...value as readonly string[]]
}

/** Builds the fastify instance with every route (not listening yet). */
export function buildApi (init: ApiInit): FastifyInstance {
  const { service } = init
  const limits = { ...defaultHttpLimits(), ...withoutUndefined(init.http ?? {}) }
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  const app = Fastify({
    logger: false,
    bodyLimit: init.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: false,
    // Ids in paths are URL-encoded URNs and URLs: longer than find-my-way's default of 100.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // The socket's inactivity timeout: the 'timeout' listener below closes only idle connections.
    connectionTimeout: limits.idleTimeoutMs,
    // How often node checks the requests under way against headersTimeout and requestTimeout.
    http: { headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(headersTimeout / 4))) },
    // request.ip (the address the per-address limits count) from X-Forwarded-For, only as far as
    // the proxies named here; `true` (believe anyone) is not accepted.
    trustProxy: trustProxyOption(limits.trustProxy),
    // Errors the router raises before any handler (a malformed URL, an over-long parameter).
    frameworkErrors: (error, _request, reply) => {
      const apiError = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new ApiError(ApiErrorCode.URI_TOO_LONG, `an id in the path is longer than ${MAX_PARAM_LENGTH} characters`)
        : new ApiError(ApiErrorCode.BAD_REQUEST, error.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (a bad %-escape?)' : error.message)
      void (reply as unknown as FastifyReply).status(apiError.status).send({ error: { code: apiError.code, message: apiError.message } })
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } }
  })

  limitConnections(app, limits.maxConnections ?? defaultMaxConnections())

  // JSON only: no text/plain; the JSON-LD media types parse as JSON.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser(['application/ld+json', 'application/vc+ld+json', 'application/vp+ld+json'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  const tokenDigest = digest(init.adminToken)
  async function admin (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (match == null) {
      reply.header('www-authenticate', 'Bearer realm="cofl admin"')
      throw new ApiError(ApiErrorCode.UNAUTHORIZED, 'this route needs the admin token: Authorization: Bearer <token> (DIR/admin-token)')
    }
    // Both sides hashed to the same length: the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(match[1] as string), tokenDigest)) {
      throw new ApiError(ApiErrorCode.FORBIDDEN, 'wrong admin token')
    }
  }

  // Every answer, errors and 404s included, is read as the type it says; personal data is never
  // kept by a cache.
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff')
    if (isPrivate(request.url)) void reply.header('cache-control', 'no-store')
    return payload
  })

  app.addHook('onRequest', async (_request, reply) => {
    if (init.closing()) {
      reply.header('connection', 'close')
      throw new ApiError(ApiErrorCode.UNAVAILABLE, 'the node is stopping')
    }
  })
  // The public routes a wallet on another node's page calls answer cross-origin; no other does (cors.ts).
  addCors(app)

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = toApiError(err)
    if (apiError.status >= 500) service.log(`error: ${request.method} ${loggedUrl(request.url)}: ${(err.stack ?? err.message).split('\n').slice(0, 4).join(' | ')}`)
    void reply.status(apiError.status).type('application/json').send({ error: { code: apiError.code, message: apiError.message } })
  })
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: ApiErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } })
  })

  /** The node's own origin (RouteContext.origin): publicBaseUrl, else the address it listens on. */
  function origin (request: FastifyRequest): string {
    if (service.publicBaseUrl != null) return service.publicBaseUrl.replace(/\/+$/, '')
    const address = app.server.address()
    const port = address != null && typeof address === 'object' ? address.port : request.socket.localPort
    let host = init.listenHost ?? (address != null && typeof address === 'object' ? address.address : undefined)
    // Listening on every interface: the node's own address that this connection reached.
    if (host == null || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') host = request.socket.localAddress ?? '127.0.0.1'
    host = host.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
    if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`
    return `http://${host}:${String(port)}`
  }

  const context: RouteContext = { ...init.services, service, admin, origin, geography: init.geography ?? emptyGeography() }
  for (const plugin of ROUTE_PLUGINS(init.ob3 ?? {})) void app.register(plugin, { ...context })
  return app
}

function withoutUndefined<T extends object> (value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * At most `max` connections (node closes those beyond as they arrive), and a connection whose
 * socket times out (fastify's connectionTimeout: no bytes for idleTimeoutMs) is closed unless a
 * request on it is under way: a slow handler is not cut off, an idle or silent socket is.
 */
function limitConnections (app: FastifyInstance, max: number): void {
  app.server.maxConnections = max
  const busy = new WeakMap<Socket, number>()
  const done = (socket: Socket): void => {
    const left = (busy.get(socket) ?? 1) - 1
    if (left > 0) busy.set(socket, left)
    else busy.delete(socket)
  }
  app.addHook('onRequest', async (request) => { busy.set(request.raw.socket, (busy.get(request.raw.socket) ?? 0) + 1) })
  app.addHook('onResponse', async (request) => { done(request.raw.socket) })
  app.addHook('onRequestAbort', async (request) => { done(request.raw.socket) })
  app.server.on('timeout', (socket: Socket) => {
    if (!busy.has(socket)) socket.destroy()
  })
}
