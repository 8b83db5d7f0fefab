/**
 * Named defaults of the Open Badges 3.0 API (docs/ob3-api.md). Fixed, not configurable.
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
