/**
 * The OAuth 2.0 authorisation server of the OB 3.0 API: dynamic client registration (RFC 7591
 * with the OB 3.0 required metadata), the authorisation code grant with PKCE S256 only
 * (RFC 6749, RFC 7636), refresh tokens rotated on each use, token revocation (RFC 7009) and the
 * bearer token check of the resource endpoints (RFC 6750).
 *
 * The resource owner is a learner, named by a DID. The learner authenticates by signing a
 * Verifiable Presentation over a fresh challenge of this node (docs/ob3-api.md, "Who is the
 * resource owner"); no passwords are kept.
 *
 * Everything lives in store.oauth under prefixed keys. Secrets (client secrets, codes, tokens,
 * authorisation request ids) are kept only as SHA-256 digests and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { verifyPresentationProof } from '@cofl/credentials'
import type { Batch, Collection } from '@cofl/store'
import { Ob3Error, Ob3ErrorCode } from '../errors.js'
import {
  OB3_ACCESS_TOKEN_TTL_MS, OB3_AUTH_REQUEST_TTL_MS, OB3_CODE_TTL_MS, OB3_MAX_METADATA_LENGTH, OB3_MAX_REDIRECT_URIS,
  OB3_REFRESH_TOKEN_TTL_MS, OB3_SCOPES, OB3_SECRET_BYTES
} from './constants.js'

/** Keys of store.oauth (docs/ob3-api.md, "Storage"). */
export const OAUTH_KEYS = {
  client: (clientId: string) => `client!${clientId}`,
  authRequest: (digest: string) => `authreq!${digest}`,
  code: (digest: string) => `code!${digest}`,
  access: (digest: string) => `access!${digest}`,
  refresh: (digest: string) => `refresh!${digest}`,
  grant: (grantId: string) => `grant!${grantId}`,
  /** Credentials a client upserted for a learner: `credential!<did>!<credential id>`. */
  credentialPrefix: (did: string) => `credential!${did}!`,
  credential: (did: string, id: string) => `credential!${did}!${id}`,
  profile: (did: string) => `profile!${did}`
} as const

const ALL_SCOPES: readonly string[] = Object.values(OB3_SCOPES)
const REQUIRED_METADATA = ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version'] as const
const GRANT_TYPES = ['authorization_code', 'refresh_token']
/** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
/** BASE64URL(SHA256(verifier)): 43 characters, no padding. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/

export interface ClientRecord {
  [key: string]: unknown
  client_id: string
  /** SHA-256 (hex) of the client secret. */
  secretDigest: string
  client_id_issued_at: number
  redirect_uris: string[]
  scope: string[]
  metadata: Record<string, unknown>
}

interface AuthRequestRecord {
  [key: string]: unknown
  clientId: string
  redirectUri: string
  scope: string[]
  state?: string
  codeChallenge: string
  challenge: string
  domain: string
  expiresAt: number
}

interface CodeRecord {
  [key: string]: unknown
  clientId: string
  redirectUri: string
  scope: string[]
  learner: string
  codeChallenge: string
  expiresAt: number
  /** Set once redeemed: a second use revokes the grant (RFC 6749 section 4.1.2). */
  grantId?: string
}

interface TokenRecord {
  [key: string]: unknown
  grantId: string
  clientId: string
  learner: string
  scope: string[]
  expiresAt: number
  /** Refresh tokens: replaced by a newer one; presenting it again revokes the grant. */
  rotated?: boolean
}

/** What a valid access token grants. */
export interface Grant {
  learner: string
  clientId: string
  scope: string[]
}

export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
  scope: string
}

/** A request to authorise, waiting for the learner's presentation (GET /authorize answers it). */
export interface PendingAuthorization {
  requestId: string
  challenge: string
  domain: string
  client: { client_id: string, client_name: string, client_uri: string, logo_uri: string, tos_uri: string, policy_uri: string }
  scope: string[]
  expiresAt: string
}

export interface AuthorizationServerInit {
  oauth: Collection<Record<string, unknown>>
  batch: () => Batch
  /** Milliseconds since the epoch. */
  now: () => number
}

export interface AuthorizeParams {
  response_type?: string
  client_id?: string
  redirect_uri?: string
  scope?: string
  state?: string
  code_challenge?: string
  code_challenge_method?: string
}

/** Where the user agent goes after /authorize: the client's redirect_uri with code or error, and state. */
export interface Redirect { location: string }

export interface AuthorizationServer {
  register: (metadata: Record<string, unknown>) => Promise<Record<string, unknown>>
  /**
   * Checks a request to authorise. Errors before the client and its redirect_uri are known throw
   * (shown to the user, never redirected); later ones come back as a redirect with `error`.
   */
  startAuthorization: (params: AuthorizeParams, domain: string) => Promise<PendingAuthorization | Redirect>
  /** The learner's answer: a presentation signed by `did` over the challenge, or a refusal. */
  completeAuthorization: (answer: { requestId: string, did?: string, presentation?: unknown, deny?: boolean }) => Promise<Redirect>
  token: (params: Record<string, string>, clientAuth: { clientId: string, secret: string } | null) => Promise<TokenResponse>
  revoke: (params: Record<string, string>, clientAuth: { clientId: string, secret: string } | null) => Promise<void>
  /** The grant behind a bearer access token; throws Ob3Error (401 invalid_token) otherwise. */
  authenticate: (accessToken: string) => Promise<Grant>
}

function sha256 (text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function secret (): string {
  return randomBytes(OB3_SECRET_BYTES).toString('base64url')
}

/** Equal in constant time (both sides hashed to the same length first). */
function same (a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

const requestError = (message: string, oauthError = 'invalid_request'): Ob3Error => new Ob3Error(Ob3ErrorCode.REQUEST, message, { status: 400, oauthError })
const grantError = (message: string): Ob3Error => new Ob3Error(Ob3ErrorCode.GRANT, message, { status: 400, oauthError: 'invalid_grant' })
const metadataError = (message: string, oauthError = 'invalid_client_metadata'): Ob3Error => new Ob3Error(Ob3ErrorCode.CLIENT, message, { status: 400, oauthError })
const learnerError = (message: string): Ob3Error => new Ob3Error(Ob3ErrorCode.LEARNER, message, { status: 403, oauthError: 'access_denied' })
const tokenError = (message: string): Ob3Error => new Ob3Error(Ob3ErrorCode.TOKEN, message, { status: 401, oauthError: 'invalid_token' })

/** A space-delimited scope string: known OB 3.0 scopes only, no duplicates kept. */
function parseScope (value: unknown, what: string, error: (m: string) => Ob3Error): string[] {
  if (typeof value !== 'string' || value.trim() === '') throw error(`${what} must be a space-separated list of OB 3.0 scopes`)
  const scopes = [...new Set(value.trim().split(/ +/))]
  const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s))
  if (unknown.length > 0) throw error(`${what} names scopes this node does not know: ${unknown.join(' ')} (known: ${ALL_SCOPES.join(' ')})`)
  return scopes
}

function isLoopback (hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost'
}

/** A redirect URI a client may register: absolute, no fragment, https (http only on loopback: RFC 8252). */
function checkRedirectUri (value: unknown): string {
  if (typeof value !== 'string' || value.length > OB3_MAX_METADATA_LENGTH) throw metadataError('each redirect_uri must be a string URL', 'invalid_redirect_uri')
  let url: URL
  try { url = new URL(value) } catch { throw metadataError(`redirect_uri ${JSON.stringify(value)} is not an absolute URL`, 'invalid_redirect_uri') }
  if (url.hash !== '' || value.includes('#')) throw metadataError(`redirect_uri ${value} has a fragment`, 'invalid_redirect_uri')
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw metadataError(`redirect_uri ${value} must use https (http only on a loopback address)`, 'invalid_redirect_uri')
  }
  return value
}

function checkUrl (name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > OB3_MAX_METADATA_LENGTH) throw metadataError(`${name} must be a URL`)
  try {
    const url = new URL(value)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)')
  } catch {
    throw metadataError(`${name} must be an http(s) URL; got ${JSON.stringify(value)}`)
  }
  return value
}

export function createAuthorizationServer (init: AuthorizationServerInit): AuthorizationServer {
  const { oauth, now } = init

  // One redemption at a time per code / refresh token: single use even under concurrent requests.
  const busy = new Set<string>()
  async function exclusive<T> (key: string, task: () => Promise<T>, busyError = grantError): Promise<T> {
    if (busy.has(key)) throw busyError('this code, refresh token or request id is being redeemed by another request')
    busy.add(key)
    try { return await task() } finally { busy.delete(key) }
  }

  async function getClient (clientId: string): Promise<ClientRecord | undefined> {
    if (clientId.length === 0 || clientId.length > 100) return undefined
    return await oauth.get(OAUTH_KEYS.client(clientId)) as ClientRecord | undefined
  }

  async function authenticateClient (auth: { clientId: string, secret: string } | null): Promise<ClientRecord> {
    const fail = (): Ob3Error => new Ob3Error(Ob3ErrorCode.CLIENT, 'client authentication failed: send the client_id and client_secret from registration with HTTP Basic', { status: 401, oauthError: 'invalid_client' })
    if (auth == null) throw fail()
    const client = await getClient(auth.clientId)
    // Compare anyway when the client is unknown: the answer takes the same time.
    const ok = same(sha256(auth.secret), client?.secretDigest ?? sha256(secret()))
    if (client == null || !ok) throw fail()
    return client
  }

  async function issueTokens (batch: Batch, grantId: string, clientId: string, learner: string, scope: string[]): Promise<TokenResponse> {
    const accessToken = secret()
    const refreshToken = secret()
    const t = now()
    batch.put(oauth, OAUTH_KEYS.access(sha256(accessToken)), { grantId, clientId, learner, scope, expiresAt: t + OB3_ACCESS_TOKEN_TTL_MS } satisfies TokenRecord)
    batch.put(oauth, OAUTH_KEYS.refresh(sha256(refreshToken)), { grantId, clientId, learner, scope, expiresAt: t + OB3_REFRESH_TOKEN_TTL_MS } satisfies TokenRecord)
    await batch.write()
    return { access_token: accessToken, token_type: 'Bearer', expires_in: Math.floor(OB3_ACCESS_TOKEN_TTL_MS / 1000), refresh_token: refreshToken, scope: scope.join(' ') }
  }

  function redirect (uri: string, params: Record<string, string | undefined>): Redirect {
    const url = new URL(uri)
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
    return { location: url.toString() }
  }

  async function redeemCode (params: Record<string, string>, client: ClientRecord): Promise<TokenResponse> {
    const code = params.code
    const verifier = params.code_verifier
    if (code == null || code === '') throw requestError('code is required')
    if (params.redirect_uri == null) throw requestError('redirect_uri is required (it was sent to /authorize)')
    if (verifier == null) throw requestError('code_verifier is required (PKCE)')
    const key = OAUTH_KEYS.code(sha256(code))
    return await exclusive(key, async () => {
      const record = await oauth.get(key) as CodeRecord | undefined
      if (record == null) throw grantError('unknown authorisation code')
      if (record.grantId != null) {
        // Used twice: someone else may hold it. Revoke what the first use gave (RFC 6749 4.1.2).
        await oauth.del(OAUTH_KEYS.grant(record.grantId))
        throw grantError('this authorisation code was used already; the tokens it gave are revoked')
      }
      // Any failed redemption spends the code: a wrong guess gets no second try.
      const spend = async (message: string): Promise<never> => { await oauth.del(key); throw grantError(message) }
      if (record.expiresAt <= now()) await spend('the authorisation code expired')
      if (!same(record.clientId, client.client_id)) await spend('the authorisation code was issued to another client')
      if (!same(record.redirectUri, params.redirect_uri as string)) await spend('redirect_uri is not the one sent to /authorize')
      if (!VERIFIER.test(verifier)) await spend('code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-] (RFC 7636)')
      if (!same(createHash('sha256').update(verifier).digest('base64url'), record.codeChallenge)) await spend('the PKCE code_verifier does not match the code_challenge')
      const grantId = secret()
      const batch = init.batch()
        .put(oauth, key, { ...record, grantId })
        .put(oauth, OAUTH_KEYS.grant(grantId), { clientId: client.client_id, learner: record.learner, scope: record.scope, createdAt: now() })
      return await issueTokens(batch, grantId, client.client_id, record.learner, record.scope)
    })
  }

  async function refresh (params: Record<string, string>, client: ClientRecord): Promise<TokenResponse> {
    const token = params.refresh_token
    if (token == null || token === '') throw requestError('refresh_token is required')
    const key = OAUTH_KEYS.refresh(sha256(token))
    return await exclusive(key, async () => {
      const record = await oauth.get(key) as TokenRecord | undefined
      if (record == null) throw grantError('unknown refresh token')
      if (!same(record.clientId, client.client_id)) throw grantError('the refresh token was issued to another client')
      if (record.rotated === true) {
        // A replaced refresh token came back: it leaked, or the client is confused. Revoke the grant.
        await oauth.del(OAUTH_KEYS.grant(record.grantId))
        throw grantError('this refresh token was replaced already; its grant is revoked')
      }
      if (record.expiresAt <= now()) { await oauth.del(key); throw grantError('the refresh token expired') }
      if (!(await oauth.has(OAUTH_KEYS.grant(record.grantId)))) throw grantError('the grant of this refresh token was revoked')
      const scope = params.scope == null ? record.scope : parseScope(params.scope, 'scope', (m) => requestError(m, 'invalid_scope'))
      const wider = scope.filter((s) => !record.scope.includes(s))
      if (wider.length > 0) throw requestError(`scope may not grow on refresh: ${wider.join(' ')} was not granted`, 'invalid_scope')
      const batch = init.batch().put(oauth, key, { ...record, rotated: true })
      return await issueTokens(batch, record.grantId, client.client_id, record.learner, scope)
    })
  }

  return {
    async register (metadata) {
      if (metadata == null || typeof metadata !== 'object' || Array.isArray(metadata)) throw metadataError('the registration request must be a JSON object')
      const kept: Record<string, unknown> = {}
      for (const name of REQUIRED_METADATA) {
        const value = metadata[name]
        if (typeof value !== 'string' || value.trim() === '') throw metadataError(`${name} is required (a non-empty string)`)
        kept[name] = name.endsWith('_uri') ? checkUrl(name, value) : value.slice(0, OB3_MAX_METADATA_LENGTH)
      }
      const uris = metadata.redirect_uris
      if (!Array.isArray(uris) || uris.length === 0 || uris.length > OB3_MAX_REDIRECT_URIS) {
        throw metadataError(`redirect_uris must be an array of 1 to ${OB3_MAX_REDIRECT_URIS} URLs`, 'invalid_redirect_uri')
      }
      const redirectUris = [...new Set(uris.map(checkRedirectUri))]
      const scope = parseScope(metadata.scope, 'scope', metadataError)
      const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic'
      if (method !== 'client_secret_basic') throw metadataError('token_endpoint_auth_method must be client_secret_basic (the only one this node supports)')
      const grantTypes = metadata.grant_types ?? GRANT_TYPES
      if (!Array.isArray(grantTypes) || grantTypes.length === 0 || grantTypes.some((g) => !GRANT_TYPES.includes(g as string))) {
        throw metadataError(`grant_types must be a non-empty subset of ${GRANT_TYPES.join(', ')}`)
      }
      if (!grantTypes.includes('authorization_code')) throw metadataError('grant_types must include authorization_code')
      const responseTypes = metadata.response_types ?? ['code']
      if (!Array.isArray(responseTypes) || responseTypes.length !== 1 || responseTypes[0] !== 'code') throw metadataError('response_types must be ["code"]')
      if (metadata.contacts !== undefined) {
        if (!Array.isArray(metadata.contacts) || metadata.contacts.length > 10 || metadata.contacts.some((c) => typeof c !== 'string' || c.length > 320)) {
          throw metadataError('contacts must be an array of at most 10 strings')
        }
        kept.contacts = metadata.contacts
      }
      const clientId = secret()
      const clientSecret = secret()
      const issuedAt = Math.floor(now() / 1000)
      const description = {
        ...kept,
        redirect_uris: redirectUris,
        scope: scope.join(' '),
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: grantTypes as string[],
        response_types: ['code']
      }
      const record: ClientRecord = {
        client_id: clientId,
        secretDigest: sha256(clientSecret),
        client_id_issued_at: issuedAt,
        redirect_uris: redirectUris,
        scope,
        metadata: description
      }
      await oauth.put(OAUTH_KEYS.client(clientId), record)
      return { client_id: clientId, client_secret: clientSecret, client_id_issued_at: issuedAt, client_secret_expires_at: 0, ...description }
    },

    async startAuthorization (params, domain) {
      const client = typeof params.client_id === 'string' ? await getClient(params.client_id) : undefined
      if (client == null) throw new Ob3Error(Ob3ErrorCode.CLIENT, 'unknown client_id: register the client first', { status: 400, oauthError: 'invalid_client' })
      const redirectUri = params.redirect_uri
      // Exact string match with a registered URI; never redirect anywhere else.
      if (typeof redirectUri !== 'string' || !client.redirect_uris.some((u) => same(u, redirectUri))) {
        throw new Ob3Error(Ob3ErrorCode.CLIENT, 'redirect_uri is missing or is not one this client registered (exact match)', { status: 400, oauthError: 'invalid_request' })
      }
      const state = params.state
      const fail = (error: string, description: string): Redirect => redirect(redirectUri, { error, error_description: description, state })
      if (state !== undefined && (typeof state !== 'string' || state.length > OB3_MAX_METADATA_LENGTH)) return fail('invalid_request', 'state is too long')
      if (params.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code')
      if (typeof params.code_challenge !== 'string' || params.code_challenge === '') return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256')
      if (params.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)')
      if (!CHALLENGE.test(params.code_challenge)) return fail('invalid_request', 'code_challenge must be BASE64URL(SHA256(code_verifier)), 43 characters')
      let scope: string[]
      try {
        scope = params.scope == null ? client.scope : parseScope(params.scope, 'scope', (m) => requestError(m, 'invalid_scope'))
      } catch (err) {
        return fail('invalid_scope', (err as Error).message)
      }
      const unregistered = scope.filter((s) => !client.scope.includes(s))
      if (unregistered.length > 0) return fail('invalid_scope', `the client did not register the scope ${unregistered.join(' ')}`)
      const requestId = secret()
      const challenge = secret()
      const expiresAt = now() + OB3_AUTH_REQUEST_TTL_MS
      const record: AuthRequestRecord = {
        clientId: client.client_id, redirectUri, scope, codeChallenge: params.code_challenge, challenge, domain, expiresAt, ...(state !== undefined ? { state } : {})
      }
      await oauth.put(OAUTH_KEYS.authRequest(sha256(requestId)), record)
      const m = client.metadata as Record<string, string>
      return {
        requestId,
        challenge,
        domain,
        client: { client_id: client.client_id, client_name: m.client_name ?? '', client_uri: m.client_uri ?? '', logo_uri: m.logo_uri ?? '', tos_uri: m.tos_uri ?? '', policy_uri: m.policy_uri ?? '' },
        scope,
        expiresAt: new Date(expiresAt).toISOString()
      }
    },

    async completeAuthorization (answer) {
      if (typeof answer.requestId !== 'string' || answer.requestId === '') throw requestError('request_id is required (from GET /authorize)')
      const key = OAUTH_KEYS.authRequest(sha256(answer.requestId))
      const record = await exclusive(key, async () => {
        const found = await oauth.get(key) as AuthRequestRecord | undefined
        // Single use: whatever the answer, this request to authorise is spent.
        if (found != null) await oauth.del(key)
        return found
      }, learnerError)
      if (record == null) throw learnerError('unknown or used request_id: start again at GET /authorize')
      if (record.expiresAt <= now()) throw learnerError('the request to authorise expired: start again at GET /authorize')
      const state = record.state
      if (answer.deny === true) return redirect(record.redirectUri, { error: 'access_denied', error_description: 'the learner refused', state })

      const did = answer.did
      if (typeof did !== 'string' || !/^did:[a-z0-9]+:\S+$/.test(did) || did.length > OB3_MAX_METADATA_LENGTH) throw learnerError('did (the learner\'s DID) is required')
      const presentation = answer.presentation
      if (presentation == null || typeof presentation !== 'object' || Array.isArray(presentation)) throw learnerError('presentation (a Verifiable Presentation signed by the learner over the challenge) is required')
      const holder = (presentation as { holder?: unknown }).holder
      const holderId = typeof holder === 'string' ? holder : (holder as { id?: unknown } | null)?.id
      if (holderId !== did) throw learnerError(`the presentation's holder is ${JSON.stringify(holderId ?? null)}, not ${did}`)
      // did:key resolved offline; a key named only in a URL fragment proves nothing about a DID.
      const outcome = await verifyPresentationProof(presentation, { challenge: record.challenge, domain: record.domain, keyFromFragment: false })
      if (!outcome.verified) throw learnerError(`the presentation does not prove control of ${did}: ${outcome.errors.join('; ')}`)
      const signers = outcome.verificationMethods.map((vm) => vm.split('#')[0])
      if (signers.length === 0 || signers.some((s) => s !== did)) throw learnerError(`the presentation was signed by ${signers.join(', ')}, not by ${did}`)

      const code = secret()
      const codeRecord: CodeRecord = {
        clientId: record.clientId, redirectUri: record.redirectUri, scope: record.scope, learner: did, codeChallenge: record.codeChallenge, expiresAt: now() + OB3_CODE_TTL_MS
      }
      await oauth.put(OAUTH_KEYS.code(sha256(code)), codeRecord)
      return redirect(record.redirectUri, { code, state })
    },

    async token (params, clientAuth) {
      const client = await authenticateClient(clientAuth)
      if (params.client_id != null && params.client_id !== client.client_id) throw requestError('client_id does not match the authenticated client')
      const grantTypes = (client.metadata as { grant_types?: string[] }).grant_types ?? GRANT_TYPES
      switch (params.grant_type) {
        case 'authorization_code':
          return await redeemCode(params, client)
        case 'refresh_token':
          if (!grantTypes.includes('refresh_token')) throw new Ob3Error(Ob3ErrorCode.REQUEST, 'this client did not register the refresh_token grant', { status: 400, oauthError: 'unauthorized_client' })
          return await refresh(params, client)
        case undefined:
          throw requestError('grant_type is required')
        default:
          throw requestError(`grant_type ${params.grant_type} is not supported (authorization_code, refresh_token)`, 'unsupported_grant_type')
      }
    },

    async revoke (params, clientAuth) {
      const client = await authenticateClient(clientAuth)
      const token = params.token
      if (token == null || token === '') throw requestError('token is required')
      const digest = sha256(token)
      const hint = params.token_type_hint
      const keys = hint === 'refresh_token' ? [OAUTH_KEYS.refresh(digest), OAUTH_KEYS.access(digest)] : [OAUTH_KEYS.access(digest), OAUTH_KEYS.refresh(digest)]
      for (const key of keys) {
        const record = await oauth.get(key) as TokenRecord | undefined
        if (record == null) continue
        // Another client's token is not revoked, and the answer does not say so (RFC 7009 2.2).
        if (!same(record.clientId, client.client_id)) return
        // Revoking either token ends the whole grant: its access and refresh tokens.
        await init.batch().del(oauth, key).del(oauth, OAUTH_KEYS.grant(record.grantId)).write()
        return
      }
    },

    async authenticate (accessToken) {
      if (!/^[A-Za-z0-9_-]{1,200}$/.test(accessToken)) throw tokenError('the access token is malformed')
      const key = OAUTH_KEYS.access(sha256(accessToken))
      const record = await oauth.get(key) as TokenRecord | undefined
      if (record == null) throw tokenError('unknown access token')
      if (record.expiresAt <= now()) {
        await oauth.del(key)
        throw tokenError('the access token expired: use the refresh token')
      }
      if (!(await oauth.has(OAUTH_KEYS.grant(record.grantId)))) throw tokenError('the access token was revoked')
      return { learner: record.learner, clientId: record.clientId, scope: record.scope }
    }
  }
}
