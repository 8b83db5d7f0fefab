/**
 * The Open Badges 3.0 API's HTTP routes under /ims/ob/v3p0 (docs/ob3-api.md), registered by
 * buildApi (node/src/http/server.ts, ROUTE_PLUGINS) as one fastify plugin, with its own files in
 * src/http/ob3/. They live in their own fastify context: their own
 * error format (OAuth 2.0 errors on the authorisation endpoints, Imsx_StatusInfo on the
 * resource endpoints), and a form parser (application/x-www-form-urlencoded) that the rest of the
 * node's API does not accept.
 *
 * The endpoints that take anonymous requests (/register, /authorize, /token, /revoke) are rate
 * limited per source address (@fastify/rate-limit, in this context only), their bodies are small,
 * and what they store expires and is swept on a timer that stops with the node (ob3Limits).
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ApiErrorCode, Ob3Error, Ob3ErrorCode } from '../app/errors.js'
import { apiErrorOf } from './api-error.js'
import type { RoutePlugin } from './server.js'
import { OAUTH_COLLECTION } from '../app/collections.js'
import {
  OB3_AUTHORIZE_BODY_BYTES, OB3_BASE_PATH, OB3_DEFAULT_PAGE_LIMIT, OB3_MAX_PAGE_LIMIT, OB3_REGISTRATION_BODY_BYTES, OB3_SCOPES, OB3_SCOPE_DESCRIPTIONS,
  OB3_TOKEN_BODY_BYTES, ob3LimitsWith
} from './ob3/constants.js'
import type { Ob3LimitsInit, Ob3RateLimit } from './ob3/constants.js'
import { POLICY_TEXT, serviceDescription } from './ob3/discovery.js'
import { createAuthorizationServer } from './ob3/oauth.js'
import type { AuthorizationRefusal, AuthorizationServer, Grant, PendingAuthorization } from './ob3/oauth.js'
import { createResources } from './ob3/resources.js'

/**
 * Where the OB 3.0 API reads the time (milliseconds since the epoch) when no `now` is given to
 * createOb3Routes. Tests replace `now` to expire codes and tokens, and put it back.
 */
export const ob3Clock: { now: () => number } = { now: () => Date.now() }

export interface Ob3RoutesInit {
  /** Default: ob3Clock.now(). */
  now?: () => number
  /** Changes to the limits of the anonymous endpoints (default: ob3Limits()). */
  limits?: Ob3LimitsInit
}

/** The source address a request counts against: its IP, an IPv6 one as its /64 (as @fastify/rate-limit keys it). */
export function sourceAddress (request: FastifyRequest): string {
  return normalizeIP(request.ip ?? request.socket.remoteAddress ?? 'unknown')
}

/** The route option of @fastify/rate-limit for a limit; beyond it 429 COFL_ERR_RATE_LIMITED, with Retry-After. */
export function rateLimited (limit: Ob3RateLimit, error: (message: string) => Error): { rateLimit: Record<string, unknown> } {
  return {
    rateLimit: {
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      keyGenerator: sourceAddress,
      errorResponseBuilder: (_request: FastifyRequest, context: { max: number, after: string }) =>
        error(`too many requests from your address: at most ${context.max} in ${Math.round(limit.timeWindowMs / 1000)} s here; retry in ${context.after}`)
    }
  }
}

type Style = 'oauth' | 'imsx'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The error format of an OB 3.0 route: OAuth 2.0 errors, or Imsx_StatusInfo. */
    ob3?: Style
  }
}
const FORM = 'application/x-www-form-urlencoded'

/** The Imsx_CodeMinorFieldValue for an error of a resource endpoint. */
function codeMinor (error: Ob3Error): string {
  if (error.code === Ob3ErrorCode.REQUEST && error.status === 400) return 'invalid_query_parameter'
  switch (error.status) {
    case 400: case 413: case 415: return 'invalid_data'
    case 401: return 'unauthorizedrequest'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 405: return 'not_allowed'
    case 503: return 'server_busy'
    default: return error.status >= 500 ? 'internal_server_error' : 'unknown'
  }
}

/** An Imsx_StatusInfo for an error; the description starts with the COFL_ERR code. */
export function statusInfo (error: Ob3Error): Record<string, unknown> {
  return {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: `${error.code}: ${error.message}`,
    imsx_codeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'cofl', imsx_codeMinorFieldValue: codeMinor(error) }] }
  }
}

function toOb3Error (err: unknown): Ob3Error {
  if (err instanceof Ob3Error) return err
  const e = err as { code?: string, statusCode?: number, validation?: unknown, message?: string }
  const api = apiErrorOf(err)
  if (api != null) return new Ob3Error(api.code, api.message, { status: api.status, oauthError: api.status >= 500 ? 'server_error' : 'invalid_request', cause: err })
  if (e.validation != null) return new Ob3Error(Ob3ErrorCode.REQUEST, e.message ?? 'invalid request', { status: 400, oauthError: 'invalid_request', cause: err })
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new Ob3Error(ApiErrorCode.BODY_TOO_LARGE, e.message ?? 'body too large', { status: 413, oauthError: 'invalid_request', cause: err })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new Ob3Error(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, `${e.message ?? 'unsupported media type'}: send application/json`, { status: 415, oauthError: 'invalid_request', cause: err })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new Ob3Error(ApiErrorCode.BAD_JSON, e.message ?? 'bad JSON', { status: 400, oauthError: 'invalid_request', cause: err })
  }
  if (err instanceof SyntaxError) return new Ob3Error(ApiErrorCode.BAD_JSON, err.message, { status: 400, oauthError: 'invalid_request', cause: err })
  const status = e.statusCode ?? 500
  if (status >= 400 && status < 500) return new Ob3Error(Ob3ErrorCode.REQUEST, e.message ?? 'invalid request', { status, oauthError: 'invalid_request', cause: err })
  return new Ob3Error(ApiErrorCode.INTERNAL, 'internal error (the node printed the details on its standard error)', { status: 500, oauthError: 'server_error', cause: err })
}

/** A quoted-string value of a WWW-Authenticate parameter (RFC 6750 3: no '"' or '\'). */
function quoted (text: string): string {
  return `"${text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function consentPage (pending: PendingAuthorization): string {
  const c = pending.client
  const scopes = pending.scope.map((s) => `<li>${escapeHtml(OB3_SCOPE_DESCRIPTIONS[s] ?? s)} <code>${escapeHtml(s)}</code></li>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Authorise ${escapeHtml(c.client_name)}</title></head>
<body>
<h1>${escapeHtml(c.client_name)} asks to use your badges on this node</h1>
<p>Client: <a href="${escapeHtml(c.client_uri)}">${escapeHtml(c.client_uri)}</a> (<a href="${escapeHtml(c.tos_uri)}">terms</a>, <a href="${escapeHtml(c.policy_uri)}">privacy</a>)</p>
<p>It asks to:</p><ul>${scopes}</ul>
<p>To prove that you are the learner, sign a presentation with your wallet over this challenge and domain, before ${escapeHtml(pending.expiresAt)}:</p>
<pre>cofl wallet present --challenge ${escapeHtml(pending.challenge)} --domain ${escapeHtml(pending.domain)}</pre>
<form method="post" action="authorize">
<input type="hidden" name="request_id" value="${escapeHtml(pending.requestId)}">
<p><label>Your DID <input name="did" size="80" required></label></p>
<p><label>The signed presentation (JSON)<br><textarea name="presentation" rows="12" cols="80"></textarea></label></p>
<p><button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></p>
</form>
</body></html>
`
}

/** The origin of a URL (a registered redirect URI is https, or http on a loopback host: it has one). */
function originOf (uri: string): string {
  const url = new URL(uri)
  return url.origin !== 'null' ? url.origin : `${url.protocol}${url.host}`
}

/**
 * The page of an error of GET /authorize found before the learner was asked (RFC 9700 4.11.1):
 * no redirect, but the way back to the client, with the error, as a link the user may follow,
 * and where it leads.
 */
function refusalPage (refusal: AuthorizationRefusal): string {
  const origin = originOf(refusal.location)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>This request to authorise is refused</title></head>
<body>
<h1>This request to authorise is refused</h1>
<p>The application that sent you here asked for something this node does not allow, so nothing was shared with it:</p>
<p><code>${escapeHtml(refusal.error)}</code>: ${escapeHtml(refusal.errorDescription)}</p>
<p>You may go back to the application, at <strong>${escapeHtml(origin)}</strong>, telling it about the error: <a href="${escapeHtml(refusal.location)}" rel="noreferrer">back to ${escapeHtml(origin)}</a>. Follow this link only if you know that site.</p>
</body></html>
`
}

/** One value per parameter: a repeated or non-string parameter is refused (RFC 6749 3.1, 3.2). */
function single (params: unknown, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  if (params == null || typeof params !== 'object') return out
  for (const name of names) {
    const value = (params as Record<string, unknown>)[name]
    if (value === undefined) continue
    if (typeof value !== 'string') throw new Ob3Error(Ob3ErrorCode.REQUEST, `${name} must be given once, as a string`, { status: 400, oauthError: 'invalid_request' })
    out[name] = value
  }
  return out
}

/** The request body's media type, lower case, without parameters. */
function mediaType (request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').toLowerCase().split(';')[0]?.trim() ?? ''
}

function isForm (request: FastifyRequest): boolean {
  return mediaType(request) === FORM
}

/**
 * A compact JWS (RFC 7515 section 7.1): the OpenAPI's pattern for a text/plain upsert
 * (`header.payload.signature`, base64url), whose header is a JSON object naming its `alg`.
 */
function isCompactJws (text: string): boolean {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(text)) return false
  try {
    const header = JSON.parse(Buffer.from(text.slice(0, text.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown } | null
    return header !== null && typeof header === 'object' && typeof header.alg === 'string'
  } catch {
    return false
  }
}

/**
 * The answer to a text/plain upsert (OB 3.0 section 6.2.3.1: "If the AchievementCredential is
 * signed with the VC-JWT Proof Format, the request body MUST be a CompactJws string and the
 * Content-Type MUST be text/plain"): this node cannot verify VC-JWT yet, so a compact JWS is
 * refused saying so (400, as the spec's answers allow), and anything else as malformed (400).
 */
function vcJwtRefusal (body: unknown): Ob3Error {
  const text = typeof body === 'string' ? body.trim() : ''
  if (isCompactJws(text)) {
    return new Ob3Error(Ob3ErrorCode.VC_JWT_UNSUPPORTED, 'this host cannot verify VC-JWT credentials (a compact JWS) yet: send the AchievementCredential as JSON with a Data Integrity proof (application/json)', { status: 400, oauthError: 'invalid_request' })
  }
  return new Ob3Error(Ob3ErrorCode.CREDENTIAL, 'a text/plain body must be an AchievementCredential in VC-JWT form, a compact JWS (header.payload.signature, RFC 7515); send a JSON credential as application/json', { status: 400, oauthError: 'invalid_request' })
}

/** client_secret_basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1). */
function basicAuth (request: FastifyRequest): { clientId: string, secret: string } | null {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null
  if (match == null) return null
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  const decode = (s: string): string => { try { return decodeURIComponent(s.replace(/\+/g, ' ')) } catch { return s } }
  return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) }
}

/** Builds the function that registers the OB 3.0 API on a node's fastify instance. */
export function createOb3Routes (init: Ob3RoutesInit = {}): RoutePlugin {
  const now = init.now ?? (() => ob3Clock.now())
  const limits = ob3LimitsWith(init.limits)
  return async (app, context) => {
    const { service } = context
    const auth: AuthorizationServer = createAuthorizationServer({
      oauth: service.store.collection<Record<string, unknown>>(OAUTH_COLLECTION), batch: () => service.store.batch(), now, limits
    })
    const resources = createResources({ store: service.store, verify: async (credential) => await service.verify(credential, {}) })
    const grants = new WeakMap<FastifyRequest, Grant>()
    // The node's own origin: its public URL when configured, else the address it listens on (never the Host header).
    const baseUrl = (request: FastifyRequest): string => context.origin(request)

    // Expired clients, requests, codes, tokens and challenges are swept while the node serves.
    let timer: NodeJS.Timeout | undefined
    let sweeping: Promise<unknown> = Promise.resolve()
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        sweeping = auth.sweep().catch((err: unknown) => { service.log(`error: sweeping expired OB 3.0 records: ${(err as Error).message}`) })
      }, limits.sweepIntervalMs)
      timer.unref()
    })
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await sweeping
    })
    const tooMany = (message: string): Ob3Error => new Ob3Error(ApiErrorCode.RATE_LIMITED, message, { status: 429, oauthError: 'temporarily_unavailable' })
    const limited = (limit: Ob3RateLimit): { config: { ob3: Style, rateLimit: Record<string, unknown> } } => ({ config: { ob3: 'oauth', ...rateLimited(limit, tooMany) } })

    function bearer (scope: string) {
      return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        const header = request.headers.authorization
        const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
        const realm = 'realm="cofl OB 3.0"'
        if (match == null) {
          reply.header('www-authenticate', `Bearer ${realm}, scope=${quoted(scope)}`)
          throw new Ob3Error(Ob3ErrorCode.TOKEN, 'this endpoint needs an access token: Authorization: Bearer <token>', { status: 401, oauthError: 'invalid_token' })
        }
        let grant: Grant
        try {
          grant = await auth.authenticate(match[1] as string)
        } catch (err) {
          if (!(err instanceof Ob3Error)) throw err // a storage failure is a 500, not a bad token
          const error = err
          reply.header('www-authenticate', `Bearer ${realm}, error="invalid_token", error_description=${quoted(error.message)}`)
          throw error
        }
        if (!grant.scope.includes(scope)) {
          reply.header('www-authenticate', `Bearer ${realm}, error="insufficient_scope", scope=${quoted(scope)}`)
          throw new Ob3Error(Ob3ErrorCode.SCOPE, `this endpoint needs the scope ${scope}; the token has ${grant.scope.join(' ')}`, { status: 403, oauthError: 'insufficient_scope' })
        }
        grants.set(request, grant)
      }
    }
    const learnerOf = (request: FastifyRequest): string => {
      const grant = grants.get(request)
      if (grant == null) throw new Error('bearer hook did not run')
      return grant.learner
    }
    const requireJson = (request: FastifyRequest): void => {
      if (isForm(request)) throw new Ob3Error(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send the body as application/json', { status: 415, oauthError: 'invalid_request' })
    }

    /** An HTML page of /authorize: never framed, nothing loaded, no form posted elsewhere. */
    const htmlPage = async (reply: FastifyReply, html: string): Promise<FastifyReply> => await reply
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
      .type('text/html; charset=utf-8')
      .send(html)

    const knownPaths = new Map<string, string[]>()
    const style = (s: Style): { config: { ob3: Style } } => ({ config: { ob3: s } })

    void app.register(async (api) => {
      // Per-address rate limits, on the routes that name one (config.rateLimit) only.
      await api.register(rateLimit, { global: false })
      api.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => {
        const params = new URLSearchParams(body as string)
        const out: Record<string, string> = {}
        for (const [key, value] of params) {
          if (Object.hasOwn(out, key)) { done(new Ob3Error(Ob3ErrorCode.REQUEST, `the parameter ${key} is repeated`, { status: 400, oauthError: 'invalid_request' }), undefined); return }
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
        }
        done(null, out)
      })

      api.setErrorHandler((err, request, reply) => {
        const error = toOb3Error(err)
        if (error.status >= 500) service.log(`error: ${request.method} ${request.url.split('?')[0] ?? ''}: ${((err as Error).stack ?? (err as Error).message).split('\n').slice(0, 4).join(' | ')}`)
        const s = (request.routeOptions.config as { ob3?: Style } | undefined)?.ob3 ?? 'imsx'
        void reply.header('cache-control', 'no-store')
        if (s === 'oauth') {
          if (error.oauthError === 'invalid_client' && error.status === 401) void reply.header('www-authenticate', 'Basic realm="cofl OB 3.0"')
          void reply.status(error.status).type('application/json').send({ error: error.oauthError, error_description: error.message, code: error.code })
        } else {
          void reply.status(error.status).type('application/json').send(statusInfo(error))
        }
      })

      api.setNotFoundHandler((request, reply) => {
        const path = (request.url.split('?')[0] ?? '').slice(OB3_BASE_PATH.length)
        const allowed = knownPaths.get(path)
        const error = allowed != null
          ? new Ob3Error(ApiErrorCode.NOT_FOUND, `${request.method} is not allowed on ${OB3_BASE_PATH}${path} (allowed: ${allowed.join(', ')})`, { status: 405, oauthError: 'invalid_request' })
          : new Ob3Error(ApiErrorCode.NOT_FOUND, `no route ${request.method} ${OB3_BASE_PATH}${path}`, { status: 404, oauthError: 'invalid_request' })
        if (allowed != null) void reply.header('allow', allowed.join(', '))
        void reply.status(error.status).type('application/json').send(statusInfo(error))
      })

      const route = (method: 'GET' | 'POST' | 'PUT', path: string): void => {
        knownPaths.set(path, [...(knownPaths.get(path) ?? []), method, ...(method === 'GET' ? ['HEAD'] : [])])
      }

      // Discovery: unprotected (spec 6.3).
      route('GET', '/discovery')
      api.get('/discovery', style('imsx'), async (request) => serviceDescription(baseUrl(request), service.did))
      route('GET', '/policy')
      api.get('/policy', style('imsx'), async (_request, reply) => await reply.type('text/plain; charset=utf-8').send(POLICY_TEXT))

      // Dynamic client registration (RFC 7591), open.
      route('POST', '/register')
      api.post('/register', { ...limited(limits.rates.register), bodyLimit: OB3_REGISTRATION_BODY_BYTES }, async (request, reply) => {
        requireJson(request)
        return await reply.status(201).header('cache-control', 'no-store').send(await auth.register(request.body as Record<string, unknown>, sourceAddress(request)))
      })

      // Authorisation endpoint: GET shows the request (HTML, or JSON for a client without a browser),
      // or its error (400, never redirected: RFC 9700 4.11.1); POST takes the learner's signed
      // presentation (or refusal) and redirects with the code (or access_denied): the learner acted.
      const authorizeParams = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const
      route('GET', '/authorize')
      api.get('/authorize', limited(limits.rates.authorize), async (request, reply) => {
        const params = single(request.query, authorizeParams)
        const domain = baseUrl(request)
        const result = await auth.startAuthorization(params, domain, sourceAddress(request))
        void reply.header('cache-control', 'no-store')
        const accept = request.headers.accept ?? ''
        const json = accept.includes('application/json') && !accept.includes('text/html')
        // An error before the learner was asked: 400, never a redirect (RFC 9700 4.11.1: every
        // client registered itself, its redirect URI is anyone's site); the way back is offered.
        if ('error' in result) {
          if (json) {
            return await reply.status(400).send({
              error: result.error, error_description: result.errorDescription, code: Ob3ErrorCode.REQUEST, redirect_uri_with_error: result.location
            })
          }
          return await htmlPage(reply.status(400), refusalPage(result))
        }
        if (json) {
          return await reply.send({
            request_id: result.requestId, challenge: result.challenge, domain: result.domain, client: result.client, scope: result.scope.join(' '), expires_at: result.expiresAt
          })
        }
        return await htmlPage(reply, consentPage(result))
      })
      route('POST', '/authorize')
      api.post('/authorize', { ...limited(limits.rates.authorizeAnswer), bodyLimit: OB3_AUTHORIZE_BODY_BYTES }, async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>
        const params = single(body, ['request_id', 'did', 'decision'])
        let presentation: unknown = body.presentation
        if (typeof presentation === 'string') {
          try { presentation = JSON.parse(presentation) } catch { throw new Ob3Error(Ob3ErrorCode.LEARNER, 'presentation is not JSON', { status: 400, oauthError: 'invalid_request' }) }
        }
        const decision = params.decision ?? 'allow'
        if (decision !== 'allow' && decision !== 'deny') throw new Ob3Error(Ob3ErrorCode.REQUEST, 'decision must be allow or deny', { status: 400, oauthError: 'invalid_request' })
        const result = await auth.completeAuthorization({
          requestId: params.request_id ?? '', deny: decision === 'deny', presentation, ...(params.did != null ? { did: params.did } : {})
        })
        return await reply.header('cache-control', 'no-store').redirect(result.location, 302)
      })

      // Token endpoint (RFC 6749 4.1.3, 6): form-encoded, client_secret_basic.
      const tokenParams = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'client_id'] as const
      route('POST', '/token')
      api.post('/token', { ...limited(limits.rates.token), bodyLimit: OB3_TOKEN_BODY_BYTES }, async (request, reply) => {
        if (!isForm(request)) throw new Ob3Error(Ob3ErrorCode.REQUEST, `the token request must be ${FORM}`, { status: 400, oauthError: 'invalid_request' })
        const tokens = await auth.token(single(request.body, tokenParams), basicAuth(request))
        return await reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(tokens)
      })

      // Token revocation (RFC 7009): 200 whether or not the token was known.
      route('POST', '/revoke')
      api.post('/revoke', { ...limited(limits.rates.token), bodyLimit: OB3_TOKEN_BODY_BYTES }, async (request, reply) => {
        if (!isForm(request)) throw new Ob3Error(Ob3ErrorCode.REQUEST, `the revocation request must be ${FORM}`, { status: 400, oauthError: 'invalid_request' })
        await auth.revoke(single(request.body, ['token', 'token_type_hint']), basicAuth(request))
        return await reply.header('cache-control', 'no-store').send({})
      })

      // Resource endpoints (spec 6.2).
      route('GET', '/credentials')
      api.get('/credentials', { ...style('imsx'), onRequest: bearer(OB3_SCOPES.credentialRead) }, async (request, reply) => {
        const query = single(request.query, ['limit', 'offset', 'since'])
        const bad = (m: string): Ob3Error => new Ob3Error(Ob3ErrorCode.REQUEST, m, { status: 400, oauthError: 'invalid_request' })
        if (query.limit != null && !/^[1-9][0-9]{0,6}$/.test(query.limit)) throw bad('limit must be a positive integer')
        if (query.offset != null && !/^[0-9]{1,9}$/.test(query.offset)) throw bad('offset must be a non-negative integer')
        if (query.since != null && (!/^\d{4}-\d\d-\d\dT/.test(query.since) || Number.isNaN(Date.parse(query.since)))) throw bad('since must be a date-time')
        const limit = Math.min(query.limit != null ? Number(query.limit) : OB3_DEFAULT_PAGE_LIMIT, OB3_MAX_PAGE_LIMIT)
        const offset = query.offset != null ? Number(query.offset) : 0
        const page = await resources.listCredentials(learnerOf(request), { limit, offset, ...(query.since != null ? { since: query.since } : {}) })
        const link = (o: number, rel: string): string => {
          const url = new URL(`${baseUrl(request)}${OB3_BASE_PATH}/credentials`)
          url.searchParams.set('limit', String(limit))
          url.searchParams.set('offset', String(o))
          if (query.since != null) url.searchParams.set('since', query.since)
          return `<${url.toString()}>; rel="${rel}"`
        }
        const last = page.total === 0 ? 0 : Math.floor((page.total - 1) / limit) * limit
        const links = [
          ...(offset + limit < page.total ? [link(offset + limit, 'next')] : []),
          link(last, 'last'),
          link(0, 'first'),
          ...(offset > 0 ? [link(Math.max(0, offset - limit), 'prev')] : [])
        ]
        return await reply.header('x-total-count', String(page.total)).header('link', links.join(', ')).header('cache-control', 'no-store').send({ credential: page.credentials })
      })
      route('POST', '/credentials')
      // The OpenAPI's two request bodies: JSON, or a VC-JWT as text/plain. In a context of its own,
      // so that no other route parses text/plain.
      void api.register(async (upsert) => {
        upsert.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
        upsert.post('/credentials', { ...style('imsx'), onRequest: bearer(OB3_SCOPES.credentialUpsert) }, async (request, reply) => {
          if (mediaType(request) === 'text/plain') throw vcJwtRefusal(request.body)
          requireJson(request)
          const created = await resources.upsertCredential(learnerOf(request), request.body)
          // "The response body MUST be the AchievementCredential in the request" (as sent; the node keeps it normalised).
          return await reply.status(created ? 201 : 200).type('application/json').send(request.body)
        })
      })

      route('GET', '/profile')
      api.get('/profile', { ...style('imsx'), onRequest: bearer(OB3_SCOPES.profileRead) }, async (request, reply) => {
        return await reply.header('cache-control', 'no-store').send(await resources.getProfile(learnerOf(request)))
      })
      route('PUT', '/profile')
      api.put('/profile', { ...style('imsx'), onRequest: bearer(OB3_SCOPES.profileUpdate) }, async (request) => {
        requireJson(request)
        return await resources.putProfile(learnerOf(request), request.body)
      })
    }, { prefix: OB3_BASE_PATH })
  }
}

/** The OB 3.0 API with the default clock (ob3Clock) and limits, as buildApi registers it when ApiInit.ob3 says nothing. */
export const ob3Routes: RoutePlugin = createOb3Routes()
