/**
 * The OAuth 2.0 authorisation server of the OB 3.0 API: dynamic client registration (RFC 7591
 * with the OB 3.0 required metadata), the authorisation code grant with PKCE S256 only
 * (RFC 6749, RFC 7636), refresh tokens rotated on each use, token revocation (RFC 7009) and the
 * bearer token check of the resource endpoints (RFC 6750).
 *
 * The resource owner is a learner, named by a DID. The learner authenticates by signing a
 * Verifiable Presentation over a fresh challenge of this node (docs/ob3-api.md, "Who is the
 * resource owner"); no passwords are kept. A login's challenge is `cofl-login:<random>`: a
 * presentation made for a claim or for grant management never logs in (node/src/app/presentation.ts).
 * The grants made are indexed by learner, who can list and revoke them (node/src/http/ob3/grants.ts).
 *
 * Everything lives in the store's oauth collection (OAUTH_COLLECTION) under prefixed keys.
 * Secrets (client secrets, codes, tokens, authorisation request ids) are kept only as SHA-256 digests and compared in constant time.
 *
 * Registration and the start of an authorisation are open to anyone, so what they store is
 * bounded (docs/ob3-api.md, "Limits"): a client is pending until it redeems its first code, and a
 * pending client expires (24 h); requests to authorise expire (10 min); both are capped per source
 * address and overall. `sweep()` deletes what expired (the routes run it on a timer).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Batch, Collection } from '@cofl/store'
import { CHALLENGE_PREFIXES } from '@cofl/wallet'
import { ApiErrorCode, Ob3Error, Ob3ErrorCode } from '../../app/errors.js'
import { checkHolderPresentation } from '../../app/presentation.js'
import { keyedQueue } from '../../app/serial.js'
import {
  OB3_ACCESS_TOKEN_TTL_MS, OB3_AUTH_REQUEST_TTL_MS, OB3_CODE_TTL_MS, OB3_DEFAULT_GRANT_TYPES, OB3_GRANT_TYPES, OB3_MAX_METADATA_LENGTH,
  OB3_MAX_REDIRECT_URIS, OB3_REFRESH_TOKEN_TTL_MS, OB3_SCOPES, OB3_SECRET_BYTES, ob3Limits
} from './constants.js'
import type { Ob3Limits } from './constants.js'

/** Keys of the oauth collection (docs/ob3-api.md, "Storage"). */
export const OAUTH_KEYS = {
  client: (clientId: string) => `client!${clientId}`,
  /**
   * A client not used yet (no code redeemed), by the address that registered it:
   * `pendingclient!<address>!<client_id>` = `{clientId, expiresAt}`. Gone once the client redeems a
   * code (it is then kept for good) or when it expires (with the client).
   */
  pendingClientPrefix: (address: string) => `pendingclient!${address}!`,
  pendingClient: (address: string, clientId: string) => `pendingclient!${address}!${clientId}`,
  authRequest: (digest: string) => `authreq!${digest}`,
  /** A request to authorise, by the address that made it: `authreqaddr!<address>!<digest>` = `{expiresAt}`. */
  authRequestByAddressPrefix: (address: string) => `authreqaddr!${address}!`,
  authRequestByAddress: (address: string, digest: string) => `authreqaddr!${address}!${digest}`,
  code: (digest: string) => `code!${digest}`,
  access: (digest: string) => `access!${digest}`,
  refresh: (digest: string) => `refresh!${digest}`,
  grant: (grantId: string) => `grant!${grantId}`,
  /**
   * The grants of a learner (node/src/http/ob3/grants.ts lists them): `learner!<did>!<grant id>` =
   * `{grantId, expiresAt}`, the expiry of the grant's newest refresh token. Written with each
   * token pair; an entry whose grant is gone is skipped and dropped when listed.
   */
  learnerGrantPrefix: (did: string) => `learner!${did}!`,
  learnerGrant: (did: string, grantId: string) => `learner!${did}!${grantId}`,
  /** A challenge of grant management (`cofl-grants:`), single use: `{domain, expiresAt}`. */
  grantsChallenge: (digest: string) => `grantsreq!${digest}`,
  /** Credentials a client upserted for a learner: `credential!<did>!<credential id>`. */
  credentialPrefix: (did: string) => `credential!${did}!`,
  credential: (did: string, id: string) => `credential!${did}!${id}`,
  profile: (did: string) => `profile!${did}`
} as const

const ALL_SCOPES: readonly string[] = Object.values(OB3_SCOPES)
const REQUIRED_METADATA = ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version'] as const
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
  /** Set while the client has redeemed no code: it is unknown from then on (and swept). */
  expiresAt?: number
  /** The source address that registered it (while pending). */
  address?: string
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
  /** The source address that asked (its index entry goes with the request). */
  address?: string
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
  /** Only to a client that registered the refresh_token grant. */
  refresh_token?: string
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
  /** What anonymous callers may keep here. Default: ob3Limits(). */
  limits?: Ob3Limits
}

/** What one sweep deleted, by kind of record. */
export interface SweepResult {
  clients: number
  authRequests: number
  codes: number
  tokens: number
  grantsChallenges: number
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

/** Where the user agent goes after the learner answered: the client's redirect_uri with code or error, and state. */
export interface Redirect { location: string }

/**
 * An error of a request to authorise found before the learner was asked (RFC 6749 4.1.2.1:
 * `invalid_request`, `unsupported_response_type`, `invalid_scope`), for a known client and one of
 * its registered redirect URIs. Not redirected: every client here registered itself (RFC 7591),
 * so its redirect URI is anyone's site, and an automatic redirect would make this node an open
 * redirector (RFC 9700 4.11.1). The routes answer 400 and offer `location` (the redirect URI
 * with `error`, `error_description` and `state`) as a link the user may follow.
 */
export interface AuthorizationRefusal {
  error: string
  errorDescription: string
  /** The client's redirect URI with the error, as a redirect would have named it. */
  location: string
}

export interface AuthorizationServer {
  /** Registers a client for `address` (the caller's, normalised): refused beyond the caps of pending clients. */
  register: (metadata: Record<string, unknown>, address: string) => Promise<Record<string, unknown>>
  /**
   * Checks a request to authorise. Errors before the client and its redirect_uri are known throw
   * (shown to the user, never redirected); later ones, still before any user interaction, come
   * back as an AuthorizationRefusal: never redirected either (RFC 9700 4.11.1), the user is
   * offered the way back to the client as a link. A request kept for the learner's answer counts
   * against `address` (the caller's, normalised).
   */
  startAuthorization: (params: AuthorizeParams, domain: string, address: string) => Promise<PendingAuthorization | AuthorizationRefusal>
  /** The learner's answer (a presentation signed by `did` over the challenge, or a refusal): redirected, the user acted. */
  completeAuthorization: (answer: { requestId: string, did?: string, presentation?: unknown, deny?: boolean }) => Promise<Redirect>
  token: (params: Record<string, string>, clientAuth: { clientId: string, secret: string } | null) => Promise<TokenResponse>
  revoke: (params: Record<string, string>, clientAuth: { clientId: string, secret: string } | null) => Promise<void>
  /** The grant behind a bearer access token; throws Ob3Error (401 invalid_token) otherwise. */
  authenticate: (accessToken: string) => Promise<Grant>
  /** Deletes what expired: pending clients, requests to authorise, codes, tokens, grants challenges. */
  sweep: () => Promise<SweepResult>
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
/** Too many records kept for one address (429), or for everyone (503): try again later. */
const limitError = (message: string, everyone = false): Ob3Error => everyone
  ? new Ob3Error(ApiErrorCode.UNAVAILABLE, message, { status: 503, oauthError: 'temporarily_unavailable' })
  : new Ob3Error(ApiErrorCode.RATE_LIMITED, message, { status: 429, oauthError: 'temporarily_unavailable' })

/** The prefixes whose records carry `expiresAt` and are deleted once it passed (a used code an hour later). */
const EXPIRING = [
  ['clients', 'client!'], [null, 'pendingclient!'], ['authRequests', 'authreq!'], [null, 'authreqaddr!'],
  ['codes', 'code!'], ['tokens', 'access!'], ['tokens', 'refresh!'], ['grantsChallenges', 'grantsreq!']
] as const satisfies ReadonlyArray<readonly [keyof SweepResult | null, string]>
/** Deletes of one sweep written together, at most this many per batch. */
const SWEEP_BATCH = 500
/** A cap reached for everyone sweeps first, at most once in this long. */
const OB3_CAP_SWEEP_MS = 10_000

/** The scopes of a space-delimited scope string, without duplicates. */
function scopeList (value: unknown, what: string, error: (m: string) => Ob3Error): string[] {
  if (typeof value !== 'string' || value.trim() === '') throw error(`${what} must be a space-separated list of OB 3.0 scopes`)
  return [...new Set(value.trim().split(/ +/))]
}

/** A space-delimited scope string: known OB 3.0 scopes only, no duplicates kept. */
function parseScope (value: unknown, what: string, error: (m: string) => Ob3Error): string[] {
  const scopes = scopeList(value, what, error)
  const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s))
  if (unknown.length > 0) throw error(`${what} names scopes this node does not know: ${unknown.join(' ')} (known: ${ALL_SCOPES.join(' ')})`)
  return scopes
}

/**
 * The OB 3.0 scopes of a scope string that may name others too: those this node does not know
 * (`offline_access`, as the spec's own registration and authorisation examples ask, or `openid`)
 * are not granted. A server may grant less than asked (RFC 7591 section 2, RFC 6749 section 3.3)
 * and says what it granted. Refused when no OB 3.0 scope is left.
 */
function knownScopes (value: unknown, what: string, error: (m: string) => Ob3Error): string[] {
  const scopes = scopeList(value, what, error).filter((s) => ALL_SCOPES.includes(s))
  if (scopes.length === 0) throw error(`${what} names none of the OB 3.0 scopes this node supports: ${ALL_SCOPES.join(' ')}`)
  return scopes
}

/** Whether a client registered the refresh_token grant (not by default: OB 3.0 section 7). */
function mayRefresh (client: ClientRecord): boolean {
  return ((client.metadata as { grant_types?: string[] }).grant_types ?? OB3_DEFAULT_GRANT_TYPES).includes('refresh_token')
}

function isLoopback (hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost'
}

/**
 * A URL of a client's registration (OB 3.0 section 7: "All URLs MUST use HTTPS (...) and all URLs
 * MUST have the same hostname"): absolute, https, and on `host`, the host of the client_uri (none
 * for the client_uri itself). http only on a loopback address, which then is the client_uri's
 * too: a client on the learner's own machine (RFC 8252 section 7.3), as in development and tests.
 */
function checkClientUrl (name: string, value: unknown, host: string | null, oauthError = 'invalid_client_metadata'): string {
  if (typeof value !== 'string' || value.length > OB3_MAX_METADATA_LENGTH) throw metadataError(`${name} must be a URL (a string)`, oauthError)
  let url: URL
  try { url = new URL(value) } catch { throw metadataError(`${name} ${JSON.stringify(value)} is not an absolute URL`, oauthError) }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw metadataError(`${name} ${value} must use https (OB 3.0 section 7: "All URLs MUST use HTTPS"; http only on a loopback address)`, oauthError)
  }
  if (host !== null && url.hostname !== host) {
    throw metadataError(`${name} ${value} is not on ${host}, the host of the client_uri (OB 3.0 section 7: "all URLs MUST have the same hostname")`, oauthError)
  }
  return value
}

/** A redirect URI a client may register: a client URL (above) without a fragment (RFC 6749 section 3.1.2). */
function checkRedirectUri (value: unknown, host: string): string {
  const uri = checkClientUrl('redirect_uri', value, host, 'invalid_redirect_uri')
  if (uri.includes('#')) throw metadataError(`redirect_uri ${uri} has a fragment`, 'invalid_redirect_uri')
  return uri
}

export function createAuthorizationServer (init: AuthorizationServerInit): AuthorizationServer {
  const { oauth, now } = init
  const limits = init.limits ?? ob3Limits()
  // The check of a cap and the write it allows, one at a time per address.
  const perAddress = keyedQueue()

  // One redemption at a time per code / refresh token: single use even under concurrent requests.
  const busy = new Set<string>()
  async function exclusive<T> (key: string, task: () => Promise<T>, busyError = grantError): Promise<T> {
    if (busy.has(key)) throw busyError('this code, refresh token or request id is being redeemed by another request')
    busy.add(key)
    try { return await task() } finally { busy.delete(key) }
  }

  /** A registered client; one that expired unused is unknown, as it will be once swept. */
  async function getClient (clientId: string): Promise<ClientRecord | undefined> {
    if (clientId.length === 0 || clientId.length > 100) return undefined
    const client = await oauth.get(OAUTH_KEYS.client(clientId)) as ClientRecord | undefined
    return client?.expiresAt != null && client.expiresAt <= now() ? undefined : client
  }

  /** When a record of the oauth collection may be deleted (none for records that do not expire). */
  function deadline (key: string, value: Record<string, unknown>): number | undefined {
    if (typeof value.expiresAt !== 'number') return undefined
    // A used code is kept an hour longer: presented again, it still revokes what it gave.
    if (key.startsWith('code!') && value.grantId != null) return value.expiresAt + OB3_ACCESS_TOKEN_TTL_MS
    return value.expiresAt
  }

  /** The record an index entry stands for, deleted with it. */
  function indexed (key: string, value: Record<string, unknown>): string | undefined {
    if (key.startsWith('pendingclient!') && typeof value.clientId === 'string') return OAUTH_KEYS.client(value.clientId)
    if (key.startsWith('authreqaddr!')) return OAUTH_KEYS.authRequest(key.slice(key.lastIndexOf('!') + 1))
    return undefined
  }

  /** Deletes `keys` in batches of SWEEP_BATCH. */
  async function deleteAll (keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
      const batch = init.batch()
      for (const key of keys.slice(i, i + SWEEP_BATCH)) batch.del(oauth, key)
      await batch.write()
    }
  }

  /** The live entries of an index under `prefix`; those expired are deleted, with their records. */
  async function liveUnder (prefix: string): Promise<number> {
    const t = now()
    let live = 0
    const expired: string[] = []
    for await (const [key, value] of oauth.entries({ prefix })) {
      const until = deadline(key, value)
      if (until === undefined || until > t) { live++; continue }
      expired.push(key)
      const record = indexed(key, value)
      if (record !== undefined) expired.push(record)
    }
    await deleteAll(expired)
    return live
  }

  let sweeping: Promise<SweepResult> | undefined
  let lastSweep = -Infinity
  async function sweep (): Promise<SweepResult> {
    sweeping ??= (async () => {
      try {
        const t = now()
        const result: SweepResult = { clients: 0, authRequests: 0, codes: 0, tokens: 0, grantsChallenges: 0 }
        for (const [kind, prefix] of EXPIRING) {
          const expired: string[] = []
          for await (const [key, value] of oauth.entries({ prefix })) {
            const until = deadline(key, value)
            if (until !== undefined && until <= t) expired.push(key)
          }
          await deleteAll(expired)
          if (kind !== null) result[kind] += expired.length
        }
        return result
      } finally {
        lastSweep = now()
        sweeping = undefined
      }
    })()
    return await sweeping
  }

  /**
   * Room for one more record of an anonymous route from `address`: fewer than `perAddress` live
   * under its index (429 otherwise), and fewer than `overall` from everyone (503 otherwise, after
   * a sweep when none ran in the last OB3_CAP_SWEEP_MS).
   */
  async function ensureRoom (what: string, index: string, perAddressCap: number, all: string, overall: number): Promise<void> {
    if (await liveUnder(index) >= perAddressCap) {
      throw limitError(`your address holds ${perAddressCap} ${what} already, the most one address may: they are deleted when they expire (docs/ob3-api.md, "Limits")`)
    }
    if (await oauth.count({ prefix: all }) < overall) return
    if (sweeping != null || now() - lastSweep >= OB3_CAP_SWEEP_MS) await sweep()
    if (await oauth.count({ prefix: all }) >= overall) throw limitError(`this node holds ${overall} ${what}, the most it keeps: try again later`, true)
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

  /** An access token, and a refresh token when the client registered the refresh_token grant. */
  async function issueTokens (batch: Batch, grantId: string, clientId: string, learner: string, scope: string[], refreshable: boolean): Promise<TokenResponse> {
    const accessToken = secret()
    const refreshToken = refreshable ? secret() : undefined
    const t = now()
    batch.put(oauth, OAUTH_KEYS.access(sha256(accessToken)), { grantId, clientId, learner, scope, expiresAt: t + OB3_ACCESS_TOKEN_TTL_MS } satisfies TokenRecord)
    if (refreshToken !== undefined) {
      batch.put(oauth, OAUTH_KEYS.refresh(sha256(refreshToken)), { grantId, clientId, learner, scope, expiresAt: t + OB3_REFRESH_TOKEN_TTL_MS } satisfies TokenRecord)
    }
    // The learner's index of grants (listed and revoked by the learner: node/src/http/ob3/grants.ts).
    batch.put(oauth, OAUTH_KEYS.learnerGrant(learner, grantId), { grantId, expiresAt: t + OB3_REFRESH_TOKEN_TTL_MS })
    await batch.write()
    return {
      access_token: accessToken, token_type: 'Bearer', expires_in: Math.floor(OB3_ACCESS_TOKEN_TTL_MS / 1000), ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}), scope: scope.join(' ')
    }
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
    const key = OAUTH_KEYS.code(sha256(code))
    return await exclusive(key, async () => {
      const record = await oauth.get(key) as CodeRecord | undefined
      if (record == null) throw grantError('unknown authorisation code')
      if (record.grantId != null) {
        // Used twice: someone else may hold it. Revoke what the first use gave (RFC 6749 4.1.2).
        await oauth.del(OAUTH_KEYS.grant(record.grantId))
        throw grantError('this authorisation code was used already; the tokens it gave are revoked')
      }
      // Any failed redemption spends the code, a request that leaves out the verifier or the
      // redirect_uri too: a wrong guess gets no second try.
      const spend = async (error: Ob3Error): Promise<never> => { await oauth.del(key); throw error }
      if (record.expiresAt <= now()) await spend(grantError('the authorisation code expired'))
      if (!same(record.clientId, client.client_id)) await spend(grantError('the authorisation code was issued to another client'))
      if (params.redirect_uri == null) await spend(requestError('redirect_uri is required (the one sent to /authorize); the code is spent'))
      if (!same(record.redirectUri, params.redirect_uri as string)) await spend(grantError('redirect_uri is not the one sent to /authorize'))
      if (verifier == null) await spend(requestError('code_verifier is required (PKCE); the code is spent'))
      if (!VERIFIER.test(verifier as string)) await spend(grantError('code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-] (RFC 7636)'))
      if (!same(createHash('sha256').update(verifier as string).digest('base64url'), record.codeChallenge)) await spend(grantError('the PKCE code_verifier does not match the code_challenge'))
      const grantId = secret()
      const batch = init.batch()
        .put(oauth, key, { ...record, grantId })
        .put(oauth, OAUTH_KEYS.grant(grantId), { clientId: client.client_id, learner: record.learner, scope: record.scope, createdAt: now() })
      if (client.expiresAt != null) {
        // Its first code redeemed: the client is kept for good, and no longer pending.
        const { expiresAt: _expiresAt, address, ...kept } = client
        batch.put(oauth, OAUTH_KEYS.client(client.client_id), kept)
        if (address != null) batch.del(oauth, OAUTH_KEYS.pendingClient(address, client.client_id))
      }
      return await issueTokens(batch, grantId, client.client_id, record.learner, record.scope, mayRefresh(client))
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
      return await issueTokens(batch, record.grantId, client.client_id, record.learner, scope, true)
    })
  }

  return {
    async register (metadata, address) {
      if (metadata == null || typeof metadata !== 'object' || Array.isArray(metadata)) throw metadataError('the registration request must be a JSON object')
      const kept: Record<string, unknown> = {}
      for (const name of REQUIRED_METADATA) {
        const value = metadata[name]
        if (typeof value !== 'string' || value.trim() === '') throw metadataError(`${name} is required (a non-empty string)`)
        kept[name] = name.endsWith('_uri') ? value : value.slice(0, OB3_MAX_METADATA_LENGTH)
      }
      // Every URL https and on the host of the client_uri (OB 3.0 section 7).
      const host = new URL(checkClientUrl('client_uri', metadata.client_uri, null)).hostname
      for (const name of ['logo_uri', 'tos_uri', 'policy_uri'] as const) checkClientUrl(name, metadata[name], host)
      const uris = metadata.redirect_uris
      if (!Array.isArray(uris) || uris.length === 0 || uris.length > OB3_MAX_REDIRECT_URIS) {
        throw metadataError(`redirect_uris must be an array of 1 to ${OB3_MAX_REDIRECT_URIS} URLs`, 'invalid_redirect_uri')
      }
      const redirectUris = [...new Set(uris.map((uri) => checkRedirectUri(uri, host)))]
      // The OB 3.0 scopes asked for; others (offline_access) are not granted, and the answer says so.
      const scope = knownScopes(metadata.scope, 'scope', metadataError)
      const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic'
      if (method !== 'client_secret_basic') throw metadataError('token_endpoint_auth_method must be client_secret_basic (the only one this node supports)')
      const grantTypes = metadata.grant_types ?? OB3_DEFAULT_GRANT_TYPES
      if (!Array.isArray(grantTypes) || grantTypes.length === 0 || grantTypes.some((g) => !OB3_GRANT_TYPES.includes(g as string))) {
        throw metadataError(`grant_types must be a non-empty subset of ${OB3_GRANT_TYPES.join(', ')} (default: ${OB3_DEFAULT_GRANT_TYPES.join(', ')})`)
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
        grant_types: [...new Set(grantTypes as string[])],
        response_types: ['code']
      }
      const expiresAt = await perAddress(`client\n${address}`, async () => {
        await ensureRoom('registrations not used yet', OAUTH_KEYS.pendingClientPrefix(address), limits.pendingClientsPerAddress, 'pendingclient!', limits.pendingClients)
        // Pending until its first code is redeemed; unknown, then swept, if that never happens.
        const expiresAt = now() + limits.pendingClientTtlMs
        const record: ClientRecord = {
          client_id: clientId,
          secretDigest: sha256(clientSecret),
          client_id_issued_at: issuedAt,
          redirect_uris: redirectUris,
          scope,
          metadata: description,
          expiresAt,
          address
        }
        await init.batch()
          .put(oauth, OAUTH_KEYS.client(clientId), record)
          .put(oauth, OAUTH_KEYS.pendingClient(address, clientId), { clientId, expiresAt })
          .write()
        return expiresAt
      })
      // RFC 7591 3.2.1: when the secret expires, in seconds since the epoch (0 would say never). A
      // registration never used expires; one that redeems a code is kept (and its secret with it).
      return { client_id: clientId, client_secret: clientSecret, client_id_issued_at: issuedAt, client_secret_expires_at: Math.floor(expiresAt / 1000), ...description }
    },

    async startAuthorization (params, domain, address) {
      const client = typeof params.client_id === 'string' ? await getClient(params.client_id) : undefined
      if (client == null) throw new Ob3Error(Ob3ErrorCode.CLIENT, 'unknown client_id: register the client first', { status: 400, oauthError: 'invalid_client' })
      const redirectUri = params.redirect_uri
      // Exact string match with a registered URI; never redirect anywhere else.
      if (typeof redirectUri !== 'string' || !client.redirect_uris.some((u) => same(u, redirectUri))) {
        throw new Ob3Error(Ob3ErrorCode.CLIENT, 'redirect_uri is missing or is not one this client registered (exact match)', { status: 400, oauthError: 'invalid_request' })
      }
      const state = params.state
      const fail = (error: string, description: string): AuthorizationRefusal =>
        ({ error, errorDescription: description, location: redirect(redirectUri, { error, error_description: description, state }).location })
      if (state !== undefined && (typeof state !== 'string' || state.length > OB3_MAX_METADATA_LENGTH)) return fail('invalid_request', 'state is too long')
      if (params.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code')
      if (typeof params.code_challenge !== 'string' || params.code_challenge === '') return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256')
      if (params.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)')
      if (!CHALLENGE.test(params.code_challenge)) return fail('invalid_request', 'code_challenge must be BASE64URL(SHA256(code_verifier)), 43 characters')
      let scope: string[]
      try {
        // Scopes this node does not know (offline_access) are not granted; the redirect's scope says what was.
        scope = params.scope == null ? client.scope : knownScopes(params.scope, 'scope', (m) => requestError(m, 'invalid_scope'))
      } catch (err) {
        return fail('invalid_scope', (err as Error).message)
      }
      const unregistered = scope.filter((s) => !client.scope.includes(s))
      if (unregistered.length > 0) return fail('invalid_scope', `the client did not register the scope ${unregistered.join(' ')}`)
      const requestId = secret()
      // A login's own challenge: a presentation over it claims nothing, nor one made for a claim logs in.
      const challenge = `${CHALLENGE_PREFIXES.login}${secret()}`
      const expiresAt = now() + OB3_AUTH_REQUEST_TTL_MS
      const record: AuthRequestRecord = {
        clientId: client.client_id, redirectUri, scope, codeChallenge: params.code_challenge, challenge, domain, expiresAt, address, ...(state !== undefined ? { state } : {})
      }
      const digest = sha256(requestId)
      await perAddress(`authreq\n${address}`, async () => {
        await ensureRoom('requests to authorise waiting for an answer', OAUTH_KEYS.authRequestByAddressPrefix(address), limits.authRequestsPerAddress, 'authreqaddr!', limits.authRequests)
        await init.batch()
          .put(oauth, OAUTH_KEYS.authRequest(digest), record)
          .put(oauth, OAUTH_KEYS.authRequestByAddress(address, digest), { expiresAt })
          .write()
      })
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
      const digest = sha256(answer.requestId)
      const key = OAUTH_KEYS.authRequest(digest)
      const record = await exclusive(key, async () => {
        const found = await oauth.get(key) as AuthRequestRecord | undefined
        // Single use: whatever the answer, this request to authorise is spent (with its index entry).
        if (found != null) {
          const batch = init.batch().del(oauth, key)
          if (found.address != null) batch.del(oauth, OAUTH_KEYS.authRequestByAddress(found.address, digest))
          await batch.write()
        }
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
      // Over this request's `cofl-login:` challenge and this node's domain, signed by the DID only
      // (did:key resolved offline; a key named only in a URL fragment proves nothing about a DID).
      await checkHolderPresentation(presentation, {
        challenge: record.challenge, domain: record.domain, use: 'login', otherChallenge: 'the presentation is signed over another challenge than the one of this request to authorise: sign over the challenge GET /authorize gave'
      }, (message) => learnerError(`the presentation does not prove control of ${did}: ${message}`))

      const code = secret()
      const codeRecord: CodeRecord = {
        clientId: record.clientId, redirectUri: record.redirectUri, scope: record.scope, learner: did, codeChallenge: record.codeChallenge, expiresAt: now() + OB3_CODE_TTL_MS
      }
      await oauth.put(OAUTH_KEYS.code(sha256(code)), codeRecord)
      // OB 3.0 section 7: "the authorization server MUST redirect the browser back to the
      // redirect_uri with the code, scope, and state query string parameters."
      return redirect(record.redirectUri, { code, scope: record.scope.join(' '), state })
    },

    async token (params, clientAuth) {
      const client = await authenticateClient(clientAuth)
      if (params.client_id != null && params.client_id !== client.client_id) throw requestError('client_id does not match the authenticated client')
      switch (params.grant_type) {
        case 'authorization_code':
          return await redeemCode(params, client)
        case 'refresh_token':
          if (!mayRefresh(client)) {
            throw new Ob3Error(Ob3ErrorCode.REQUEST, 'this client did not register the refresh_token grant (grant_types defaults to authorization_code only: register ["authorization_code", "refresh_token"] to use refresh tokens)', { status: 400, oauthError: 'unauthorized_client' })
          }
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
    },

    sweep
  }
}
