/**
 * Named defaults of the Open Badges 3.0 API (docs/ob3-api.md). Fixed, not configurable, except
 * the limits of the anonymous endpoints (ob3Limits), which a program creating the API may change.
 */

/** Where the OB 3.0 API lives on every node (the spec's base path). */
export const OB3_BASE_PATH = '/ims/ob/v3p0'

/** The four scopes of the OB 3.0 API. */
export const OB3_SCOPES = {
  credentialRead: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly',
  credentialUpsert: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert',
  profileRead: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly',
  profileUpdate: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update'
} as const

export const OB3_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [OB3_SCOPES.credentialRead]: 'Permission to read AchievementCredentials for the authenticated entity.',
  [OB3_SCOPES.credentialUpsert]: 'Permission to create or update AchievementCredentials for the authenticated entity.',
  [OB3_SCOPES.profileRead]: 'Permission to read the profile for the authenticated entity.',
  [OB3_SCOPES.profileUpdate]: 'Permission to update the profile for the authenticated entity.'
}

/** The grant types a client may register (OB 3.0 section 7: only these two are allowed). */
export const OB3_GRANT_TYPES: readonly string[] = Object.freeze(['authorization_code', 'refresh_token'])

/**
 * The grant types of a client that registers none: OB 3.0 section 7, "If omitted, the default
 * behavior is that the client will use only the "authorization_code" grant type." A client that
 * wants refresh tokens registers both.
 */
export const OB3_DEFAULT_GRANT_TYPES: readonly string[] = Object.freeze(['authorization_code'])

/** Random bytes of client ids, client secrets, codes, tokens and authorisation requests (base64url). */
export const OB3_SECRET_BYTES = 32

/** How long an authorisation code lives; it is also single-use. */
export const OB3_CODE_TTL_MS = 60_000

/** How long the learner has to answer a request to authorise (sign the challenge). */
export const OB3_AUTH_REQUEST_TTL_MS = 10 * 60_000

/** How long an access token lives (`expires_in` of the token response). */
export const OB3_ACCESS_TOKEN_TTL_MS = 60 * 60_000

/** How long a refresh token lives; each use replaces it with a new one. */
export const OB3_REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000

/** Default and largest `limit` of GET /ims/ob/v3p0/credentials. */
export const OB3_DEFAULT_PAGE_LIMIT = 100
export const OB3_MAX_PAGE_LIMIT = 1000

/** At most this many redirect URIs per client, and this long each registration string. */
export const OB3_MAX_REDIRECT_URIS = 10
export const OB3_MAX_METADATA_LENGTH = 2000

/**
 * Largest body of POST /register. A registration holds the seven URLs and strings OB 3.0 section 7
 * requires, the redirect URIs, the scopes and a few contacts: the spec's own example is under 1 KB.
 */
export const OB3_REGISTRATION_BODY_BYTES = 8 * 1024

/** Largest body of POST /authorize (a presentation with no credential inside is about 1 KB). */
export const OB3_AUTHORIZE_BODY_BYTES = 64 * 1024

/** Largest body of POST /token and POST /revoke (a few form parameters). */
export const OB3_TOKEN_BODY_BYTES = 8 * 1024

/** A rate limit: at most `max` requests per `timeWindowMs` from one address (IPv6: one /64). */
export interface Ob3RateLimit {
  max: number
  timeWindowMs: number
}

/**
 * What the anonymous OAuth endpoints let one address, and everyone together, keep on this node
 * (docs/ob3-api.md, "Limits"). Registration and the start of an authorisation are open to anyone,
 * so each stored record they make expires, and is capped per source address and overall.
 */
export interface Ob3Limits {
  /** A registered client that never completes an authorisation (no code redeemed) is deleted after this. */
  pendingClientTtlMs: number
  /** Registrations not yet used that one address may hold (429 beyond). */
  pendingClientsPerAddress: number
  /** Registrations not yet used that the node holds from everyone (503 beyond). */
  pendingClients: number
  /** Requests to authorise (GET /authorize, each lives OB3_AUTH_REQUEST_TTL_MS) one address may hold (429 beyond). */
  authRequestsPerAddress: number
  /** Requests to authorise the node holds from everyone (503 beyond). */
  authRequests: number
  /** How often expired clients, requests, codes, tokens and challenges are deleted. */
  sweepIntervalMs: number
  /** Per-address rate limits of the endpoints that take anonymous requests. */
  rates: {
    register: Ob3RateLimit
    authorize: Ob3RateLimit
    authorizeAnswer: Ob3RateLimit
    token: Ob3RateLimit
    /** GET /api/grants/challenge, which stores a challenge too. */
    grantsChallenge: Ob3RateLimit
  }
}

/** Limits to change from the defaults (tests use short ones): any field, and any of `rates`. */
export type Ob3LimitsInit = Partial<Omit<Ob3Limits, 'rates'>> & { rates?: Partial<Ob3Limits['rates']> }

/** A fresh copy of the default limits of the OB 3.0 API (docs/ob3-api.md, "Limits"), with `changes` applied. */
export function ob3LimitsWith (changes: Ob3LimitsInit = {}): Ob3Limits {
  const defaults = ob3Limits()
  return { ...defaults, ...changes, rates: { ...defaults.rates, ...changes.rates } }
}

/** A fresh copy of the default limits of the OB 3.0 API (docs/ob3-api.md, "Limits"). */
export function ob3Limits (): Ob3Limits {
  return {
    pendingClientTtlMs: 24 * 60 * 60_000,
    pendingClientsPerAddress: 50,
    pendingClients: 5000,
    // A school's learners behind one NAT address may all sign in within the same ten minutes.
    authRequestsPerAddress: 500,
    authRequests: 20_000,
    sweepIntervalMs: 5 * 60_000,
    rates: {
      register: { max: 20, timeWindowMs: 60_000 },
      authorize: { max: 300, timeWindowMs: 60_000 },
      authorizeAnswer: { max: 300, timeWindowMs: 60_000 },
      token: { max: 600, timeWindowMs: 60_000 },
      grantsChallenge: { max: 120, timeWindowMs: 60_000 }
    }
  }
}
