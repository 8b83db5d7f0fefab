/**
 * The node's HTTP API (fastify, JSON), documented in docs/api.md. Every error is
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
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Health } from '@cofl/api'
import type { StoredDocument } from '@cofl/store'
import { vcJwtReport } from '@cofl/verifier'
import { FormatError, FormatErrorCode, readCredential } from '@cofl/formats'
import type { ReadCredentialResult } from '@cofl/formats'
import { HEADERS_TIMEOUT_MS, IDLE_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS, MAX_PARAM_LENGTH, MAX_QUERY_LENGTH, REQUEST_TIMEOUT_MS } from './constants.js'
import { ApiError, ApiErrorCode, API_ERROR_STATUS } from './errors.js'
import type { StatusAction } from './service.js'
import type { CityService } from './service.js'
import { offerRoutes } from './routes/offers.js'
import { analyticsRoutes } from './routes/analytics.js'
import { catalogueRoutes } from './routes/catalogue.js'
import { createOb3Routes } from './ob3/routes.js'
import type { Ob3RoutesInit } from './ob3/routes.js'
import { grantRoutes } from './routes/grants.js'
import { trustRoutes } from './routes/trust.js'
import { webRoutes } from './routes/web.js'
import { pathwayRoutes } from './routes/pathways.js'
import { pageOf } from './paging.js'
import { includesUntrusted, issuerQuery, limitOf, pageQuery, untrustedParam } from './schemas.js'

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
}

/** What a module of routes (offers and claims, the OB 3.0 API, ...) gets to register itself. */
export interface RouteContext {
  service: CityService
  /** The onRequest hook of admin routes (Authorization: Bearer <admin token>). */
  admin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /**
   * The node's own origin, such as `https://badges.example.org` or `http://127.0.0.1:8080`: its
   * publicBaseUrl, else the address it listens on. Never the Host header a client sent: claim URLs
   * and the domain presentations are signed for come from it.
   */
  origin: (request: FastifyRequest) => string
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

function isPrivate (url: string): boolean {
  const path = url.split('?')[0] ?? ''
  return PRIVATE_PATHS.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
}

/** The route modules beyond the core API, registered in this order by buildApi (the OB 3.0 API with the node's options). */
const ROUTE_MODULES = (ob3: Ob3RoutesInit): Array<(app: FastifyInstance, context: RouteContext) => void> =>
  [offerRoutes, createOb3Routes(ob3), grantRoutes, analyticsRoutes, webRoutes, pathwayRoutes, catalogueRoutes, trustRoutes]

const DID = '^did:[a-z0-9]+:\\S+$'

const achievementBody = {
  type: 'object',
  required: ['name', 'description', 'criteria'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', maxLength: 2000 },
    name: { type: 'string', minLength: 1, maxLength: 1000 },
    description: { type: 'string', maxLength: 20000 },
    criteria: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', properties: { id: { type: 'string' }, narrative: { type: 'string' } }, additionalProperties: false, minProperties: 1 }
      ]
    },
    achievementType: { type: 'string' },
    alignment: { type: 'array', maxItems: 100, items: { type: 'object' } },
    image: { type: 'string' },
    tag: { type: 'array', maxItems: 100, items: { type: 'string' } },
    resultDescription: { type: 'array', maxItems: 100, items: { type: 'object' } },
    proof: { not: {} },
    '@context': { not: {} },
    creator: { not: {} }
  }
} as const

const credentialBody = {
  type: 'object',
  additionalProperties: false,
  required: ['achievementId', 'subject'],
  properties: {
    achievementId: { type: 'string', minLength: 1, maxLength: 2000 },
    subject: { type: 'string', pattern: DID, maxLength: 2000 },
    statusPurpose: { type: 'string', enum: ['revocation', 'suspension'] },
    validUntil: { type: 'string', format: 'date-time' }
  }
} as const

const statusBody = {
  type: 'object',
  additionalProperties: false,
  required: ['credentialId'],
  properties: { credentialId: { type: 'string', minLength: 1, maxLength: 2000 } }
} as const

const verifyBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    verifiableCredential: { type: 'object' },
    verifiablePresentation: { type: 'object' },
    challenge: { type: 'string', minLength: 1, maxLength: 1000 },
    domain: { type: 'string', minLength: 1, maxLength: 1000 }
  },
  oneOf: [
    { required: ['verifiableCredential'], not: { anyOf: [{ required: ['challenge'] }, { required: ['domain'] }] } },
    { required: ['verifiablePresentation'] }
  ],
  dependencies: { domain: ['challenge'] }
} as const

/** The media types the API parses as JSON (the default parser and the JSON-LD ones below). */
const JSON_MEDIA_TYPES = ['application/json', 'application/ld+json', 'application/vc+ld+json', 'application/vp+ld+json'] as const
/** Baked badge images, which only POST /api/verify takes. */
const IMAGE_MEDIA_TYPES = ['image/png', 'image/svg+xml']

/** What readCredential read from a baked badge image sent to POST /api/verify: the credential itself, not a JSON body. */
class BakedBody {
  constructor (readonly read: ReadCredentialResult) {}
}

/** The verify body's schema for each JSON media type; an image body (a BakedBody) is not checked against it. */
const verifyBodyByType = { content: Object.fromEntries(JSON_MEDIA_TYPES.map((type) => [type, { schema: verifyBody }])) }

const endorsementBody = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer'],
  properties: {
    issuer: { type: 'string', pattern: DID, maxLength: 2000 },
    comment: { type: 'string', maxLength: 5000 },
    name: { type: 'string', minLength: 1, maxLength: 1000 }
  }
} as const


const catalogueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery.properties,
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH },
    issuer: { type: 'string', pattern: DID },
    untrusted: untrustedParam
  }
} as const

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 2000 } }
} as const

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

function catalogueEntry (stored: StoredDocument): Record<string, unknown> {
  return { id: stored.id, issuer: stored.issuer, cid: stored.cid, sequence: stored.sequence, achievement: stored.document }
}

/**
 * The text of a value (a string, a language map, an array of either), for search. Documents come
 * from peers: nesting deeper than a language map in an array is not read.
 */
function text (value: unknown, depth = 0): string {
  if (typeof value === 'string') return value
  if (depth >= 3) return ''
  if (Array.isArray(value)) return value.map((v) => text(v, depth + 1)).join(' ')
  if (value != null && typeof value === 'object') return Object.values(value).map((v) => text(v, depth + 1)).join(' ')
  return ''
}

function matches (stored: StoredDocument, q: string | undefined, issuer: string | undefined): boolean {
  if (issuer != null && stored.issuer !== issuer) return false
  if (q == null || q.trim() === '') return true
  const doc = stored.document
  const haystack = `${text(doc.name)} ${text(doc.description)} ${text(doc.tag)} ${text(doc.achievementType)}`.toLowerCase()
  return q.toLowerCase().split(/\s+/).filter((w) => w !== '').every((word) => haystack.includes(word))
}

/** Maps any error to the API's `{"error": {"code", "message"}}` and status. */
function toApiError (err: FastifyError & { code?: string, statusCode?: number }): ApiError {
  if (err instanceof ApiError) return err
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

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = toApiError(err)
    if (apiError.status >= 500) service.log(`error: ${request.method} ${request.url}: ${(err.stack ?? err.message).split('\n').slice(0, 4).join(' | ')}`)
    void reply.status(apiError.status).type('application/json').send({ error: { code: apiError.code, message: apiError.message } })
  })
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: ApiErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } })
  })

  app.get('/api/health', async (): Promise<Health> => ({ ok: true, did: service.did, name: service.name, peerId: service.peerId, peers: service.peers().length }))

  app.get<{ Querystring: { q?: string, issuer?: string, limit?: string, cursor?: string, untrusted?: string } }>('/api/achievements', { schema: { querystring: catalogueQuery } }, async (request) => {
    const { q, issuer, cursor } = request.query
    const limit = limitOf(request.query.limit)
    // The trusted issuers' achievements only, unless `untrusted=1` (docs/api.md).
    const shown = await service.shows(includesUntrusted(request.query.untrusted))
    const { items, next } = await pageOf(service.store.achievements.entries(cursor != null ? { gte: cursor } : {}), limit, (stored) =>
      shown(stored.issuer) && matches(stored, q, issuer) ? catalogueEntry(stored) : undefined)
    return { achievements: items, next }
  })

  app.get<{ Params: { id: string }, Querystring: { issuer?: string } }>('/api/achievements/:id', { schema: { params: idParams, querystring: issuerQuery } }, async (request) => {
    const stored = await service.documentOf('achievement', request.params.id, request.query.issuer)
    if (stored == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no achievement ${request.params.id}`)
    return catalogueEntry(stored)
  })

  app.post<{ Body: Record<string, unknown> }>('/api/achievements', { onRequest: admin, schema: { body: achievementBody } }, async (request, reply) => {
    const result = await service.createAchievement(request.body)
    return await reply.status(201).send(result)
  })

  app.post<{ Body: { achievementId: string, subject: string, statusPurpose?: 'revocation' | 'suspension', validUntil?: string } }>(
    '/api/credentials', { onRequest: admin, schema: { body: credentialBody } }, async (request, reply) => {
      // With the pathway badges it completes, as a claim would award them.
      const { credential, awards } = await service.issueWithAwards(request.body)
      return await reply.status(201).send({ credential, awards })
    })

  app.get<{ Querystring: { limit?: string, cursor?: string } }>('/api/credentials', { onRequest: admin, schema: { querystring: pageQuery } }, async (request) => {
    const limit = limitOf(request.query.limit)
    const cursor = request.query.cursor
    const { items, next } = await pageOf(service.store.issuance.entries(cursor != null ? { gte: cursor } : {}), limit, (record) => record)
    return { credentials: items, next }
  })

  app.get<{ Params: { id: string } }>('/api/credentials/:id', { onRequest: admin, schema: { params: idParams } }, async (request) => {
    const record = await service.store.issuance.get(request.params.id)
    if (record == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node issued no credential ${request.params.id}`)
    return record
  })

  for (const action of ['revoke', 'suspend', 'unsuspend'] as const satisfies readonly StatusAction[]) {
    app.post<{ Body: { credentialId: string } }>(`/api/credentials/${action}`, { onRequest: admin, schema: { body: statusBody } }, async (request) => {
      return await service.changeStatus(action, request.body.credentialId)
    })
  }

  // POST /api/verify: every body, JSON or a baked badge image (image/png, image/svg+xml, read as
  // bytes within the body limit; only this route parses images: fastify encapsulation), is read by
  // @cofl/formats' readCredential, as `cofl verify`, the batch and the verify page read theirs. A
  // JSON body (`{"verifiableCredential"}`, ...) is then checked against its schema; an image is
  // the credential itself (a BakedBody).
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers() // this scope's own, which replace the JSON ones (other types: 415)
    scope.addContentTypeParser([...JSON_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES], { parseAs: 'buffer' }, (request, body, done) => {
      const mediaType = request.headers['content-type'] ?? ''
      let read: ReadCredentialResult
      try {
        read = readCredential(body as Buffer, { mediaType, name: 'the body' })
      } catch (err) {
        if (!(err instanceof FormatError)) { done(err as Error, undefined); return }
        // Not JSON as its type says: 400 COFL_ERR_BAD_JSON, as on every route; an image that cannot be read: 400 with the formats code.
        done(err.code === FormatErrorCode.NOT_JSON
          ? new ApiError(ApiErrorCode.BAD_JSON, err.message, { cause: err })
          : new ApiError(ApiErrorCode.BAD_REQUEST, `${err.message} (${err.code})`, { cause: err }), undefined)
        return
      }
      done(null, read.format === 'json' ? read.value : new BakedBody(read))
    })
    scope.post<{ Body: { verifiableCredential?: unknown, verifiablePresentation?: unknown, challenge?: string, domain?: string } | BakedBody | undefined }>(
      '/api/verify', { schema: { body: verifyBodyByType } }, async (request) => {
        const body = request.body
        if (body instanceof BakedBody) return body.read.vcJwt != null ? vcJwtReport(body.read.vcJwt) : await service.verify(body.read.value, {})
        if (body == null) throw new ApiError(ApiErrorCode.BAD_REQUEST, 'body must be object')
        const { verifiableCredential, verifiablePresentation, challenge, domain } = body
        return await service.verify(verifiableCredential ?? verifiablePresentation, { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) })
      })
  })

  app.get<{ Params: { listId: string } }>('/api/status/:listId', { schema: { params: { type: 'object', required: ['listId'], properties: { listId: { type: 'string', minLength: 1, maxLength: 4000 } } } } }, async (request, reply) => {
    const list = await service.statusList(request.params.listId)
    if (list == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no status list ${request.params.listId}`)
    return await reply.type('application/json').send(list)
  })

  app.post<{ Body: { issuer: string, comment?: string, name?: string } }>('/api/endorsements', { onRequest: admin, schema: { body: endorsementBody } }, async (request, reply) => {
    return await reply.status(201).send(await service.endorse(request.body))
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

  for (const register of ROUTE_MODULES(init.ob3 ?? {})) register(app, { service, admin, origin })
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
