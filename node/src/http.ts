/**
 * The node's HTTP API (fastify, JSON), documented in docs/api.md. Every error is
 * `{"error": {"code", "message"}}` with its HTTP status; bodies are validated against JSON
 * Schemas; admin routes need `Authorization: Bearer <admin token>` (compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StoredDocument } from '@cofl/store'
import type { VerificationReport } from '@cofl/verifier'
import { BakeError, detectBadgeFormat, extractCredential, vcJwtReport } from '@cofl/wallet'
import { MAX_PARAM_LENGTH, MAX_QUERY_LENGTH, REQUEST_TIMEOUT_MS } from './constants.js'
import { ApiError, ApiErrorCode, API_ERROR_STATUS } from './errors.js'
import type { StatusAction } from './service.js'
import type { CityService } from './service.js'
import { offerRoutes } from './routes/offers.js'
import { analyticsRoutes } from './routes/analytics.js'
import { catalogueRoutes } from './routes/catalogue.js'
import { ob3Routes } from './ob3/routes.js'
import { webRoutes } from './routes/web.js'
import { pathwayRoutes } from './routes/pathways.js'
import { pageOf } from './paging.js'
import { limitOf, pageQuery } from './schemas.js'

export interface ApiInit {
  service: CityService
  adminToken: string
  bodyLimit: number
  /** True once the node is stopping: new requests get 503 COFL_ERR_UNAVAILABLE. */
  closing: () => boolean
}

/** What a module of routes (offers and claims, the OB 3.0 API, ...) gets to register itself. */
export interface RouteContext {
  service: CityService
  /** The onRequest hook of admin routes (Authorization: Bearer <admin token>). */
  admin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
}

/** The route modules beyond the core API, registered in this order by buildApi. */
const ROUTE_MODULES: Array<(app: FastifyInstance, context: RouteContext) => void> = [offerRoutes, ob3Routes, analyticsRoutes, webRoutes, pathwayRoutes, catalogueRoutes]

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

/** The verify body's schema for each JSON media type; an image body (a Buffer) is read by the route. */
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
    issuer: { type: 'string', pattern: DID }
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

/** Builds the fastify instance with every route (not listening yet). */
export function buildApi (init: ApiInit): FastifyInstance {
  const { service } = init
  const app = Fastify({
    logger: false,
    bodyLimit: init.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: false,
    // Ids in paths are URL-encoded URNs and URLs: longer than find-my-way's default of 100.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Errors the router raises before any handler (a malformed URL, an over-long parameter).
    frameworkErrors: (error, _request, reply) => {
      const apiError = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new ApiError(ApiErrorCode.URI_TOO_LONG, `an id in the path is longer than ${MAX_PARAM_LENGTH} characters`)
        : new ApiError(ApiErrorCode.BAD_REQUEST, error.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (a bad %-escape?)' : error.message)
      void (reply as unknown as FastifyReply).status(apiError.status).send({ error: { code: apiError.code, message: apiError.message } })
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } }
  })

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

  app.get('/api/health', async () => ({ ok: true, did: service.did, name: service.name, peerId: service.peerId, peers: service.peers().length }))

  app.get<{ Querystring: { q?: string, issuer?: string, limit?: string, cursor?: string } }>('/api/achievements', { schema: { querystring: catalogueQuery } }, async (request) => {
    const { q, issuer, cursor } = request.query
    const limit = limitOf(request.query.limit)
    const { items, next } = await pageOf(service.store.achievements.entries(cursor != null ? { gte: cursor } : {}), limit, (stored) =>
      matches(stored, q, issuer) ? catalogueEntry(stored) : undefined)
    return { achievements: items, next }
  })

  app.get<{ Params: { id: string } }>('/api/achievements/:id', { schema: { params: idParams } }, async (request) => {
    const stored = await service.store.achievements.get(request.params.id)
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

  // POST /api/verify also takes a baked badge image (image/png, image/svg+xml), read as bytes
  // within the body limit; only this route parses images (fastify encapsulation).
  void app.register(async (scope) => {
    scope.addContentTypeParser(IMAGE_MEDIA_TYPES, { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    scope.post<{ Body: { verifiableCredential?: unknown, verifiablePresentation?: unknown, challenge?: string, domain?: string } | Buffer | undefined }>(
      '/api/verify', { schema: { body: verifyBodyByType } }, async (request) => {
        const body = request.body
        if (Buffer.isBuffer(body)) return await verifyBakedImage(body, request.mediaType ?? '')
        if (body == null) throw new ApiError(ApiErrorCode.BAD_REQUEST, 'body must be object')
        const { verifiableCredential, verifiablePresentation, challenge, domain } = body
        return await service.verify(verifiableCredential ?? verifiablePresentation, { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) })
      })
  })

  /** The report on the credential baked into an image; 400 for an image that holds none or cannot be read. */
  async function verifyBakedImage (image: Buffer, mediaType: string): Promise<VerificationReport> {
    let baked
    try {
      baked = extractCredential(image)
    } catch (err) {
      if (err instanceof BakeError) throw new ApiError(ApiErrorCode.BAD_REQUEST, `${err.message} (${err.code})`, { cause: err })
      throw err
    }
    if (baked === undefined) {
      const format = detectBadgeFormat(image)
      throw new ApiError(ApiErrorCode.BAD_REQUEST, format === undefined
        ? `the body is not a PNG or SVG image although its content type is ${mediaType}`
        : `the ${format.toUpperCase()} image holds no baked credential (${format === 'png' ? 'no iTXt chunk "openbadgecredential"' : 'no <openbadges:credential> element'})`)
    }
    if (typeof baked.value === 'string') return vcJwtReport(baked.value)
    return await service.verify(baked.value, {})
  }

  app.get<{ Params: { listId: string } }>('/api/status/:listId', { schema: { params: { type: 'object', required: ['listId'], properties: { listId: { type: 'string', minLength: 1, maxLength: 4000 } } } } }, async (request, reply) => {
    const list = await service.statusList(request.params.listId)
    if (list == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no status list ${request.params.listId}`)
    return await reply.type('application/json').send(list)
  })

  app.post<{ Body: { issuer: string, comment?: string, name?: string } }>('/api/endorsements', { onRequest: admin, schema: { body: endorsementBody } }, async (request, reply) => {
    return await reply.status(201).send(await service.endorse(request.body))
  })

  for (const register of ROUTE_MODULES) register(app, { service, admin })
  return app
}
