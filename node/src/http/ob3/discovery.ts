/**
 * The OB 3.0 Service Description Document (GET /ims/ob/v3p0/discovery): an OpenAPI 3.0 document
 * whose OAuth2ACG security scheme names this node's registration, authorisation, token and
 * refresh URLs and the four OB 3.0 scopes.
 */
import { OB3_BASE_PATH, OB3_SCOPES, OB3_SCOPE_DESCRIPTIONS } from './constants.js'

const imsx = { $ref: '#/components/schemas/Imsx_StatusInfo' }
const errors = (...statuses: number[]): Record<string, unknown> => Object.fromEntries([
  ...statuses.map((s) => [String(s), { description: `Imsx_StatusInfo (${s})`, content: { 'application/json': { schema: imsx } } }]),
  ['default', { description: 'The request was invalid or cannot be served', content: { 'application/json': { schema: imsx } } }]
])

const schemaRef = (name: string, url: string): Record<string, unknown> => ({ [name]: { description: `The official OB 3.0 JSON Schema: ${url}`, externalDocs: { url } } })

/** The document, for a node reached at `base` (scheme, host and port, no trailing slash). */
export function serviceDescription (base: string, nodeDid: string): Record<string, unknown> {
  const api = `${base}${OB3_BASE_PATH}`
  const security = (scope: string): Array<Record<string, string[]>> => [{ OAuth2ACG: [scope] }]
  return {
    openapi: '3.0.1',
    info: {
      title: 'Open Badges API',
      description: `The Open Badges 3.0 API of the cofl node ${nodeDid}: the credentials this node holds for a learner (identified by a DID), and the learner's profile.`,
      version: '3.0',
      termsOfService: `${api}/policy`,
      'x-imssf-name': `cofl node ${nodeDid}`,
      'x-imssf-privacyPolicyUrl': `${api}/policy`
    },
    servers: [{ url: api, description: 'this cofl node' }],
    tags: [
      { name: 'OpenBadgeCredentials', description: 'Exchange OpenBadgeCredentials and Profile information.' },
      { name: 'Discovery' }
    ],
    paths: {
      '/credentials': {
        get: {
          tags: ['OpenBadgeCredentials'],
          summary: 'The learner\'s OpenBadgeCredentials',
          operationId: 'getCredentials',
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
            { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
            { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } }
          ],
          responses: {
            200: { description: 'GetOpenBadgeCredentialsResponse; headers X-Total-Count and Link', content: { 'application/json': { schema: { $ref: '#/components/schemas/GetOpenBadgeCredentialsResponse' } } } },
            ...errors(400, 401, 403, 405, 500)
          },
          security: security(OB3_SCOPES.credentialRead)
        },
        post: {
          tags: ['OpenBadgeCredentials'],
          summary: 'Create or replace one of the learner\'s AchievementCredentials',
          operationId: 'upsertCredential',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/AchievementCredential' } }, 'application/vc+ld+json': { schema: { $ref: '#/components/schemas/AchievementCredential' } } }, required: true },
          responses: {
            200: { description: 'Replaced', content: { 'application/json': { schema: { $ref: '#/components/schemas/AchievementCredential' } } } },
            201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/AchievementCredential' } } } },
            ...errors(400, 401, 403, 404, 405, 500)
          },
          security: security(OB3_SCOPES.credentialUpsert)
        }
      },
      '/profile': {
        get: {
          tags: ['OpenBadgeCredentials'],
          summary: 'The learner\'s profile',
          operationId: 'getProfile',
          responses: { 200: { description: 'Profile', content: { 'application/json': { schema: { $ref: '#/components/schemas/Profile' } } } }, ...errors(400, 401, 403, 404, 405, 500) },
          security: security(OB3_SCOPES.profileRead)
        },
        put: {
          tags: ['OpenBadgeCredentials'],
          summary: 'Replace the learner\'s profile',
          operationId: 'putProfile',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Profile' } } }, required: true },
          responses: { 200: { description: 'Profile', content: { 'application/json': { schema: { $ref: '#/components/schemas/Profile' } } } }, ...errors(400, 401, 403, 404, 405, 500) },
          security: security(OB3_SCOPES.profileUpdate)
        }
      },
      '/discovery': {
        get: {
          tags: ['Discovery'],
          summary: 'This document',
          operationId: 'getServiceDescription',
          responses: { 200: { description: 'The Service Description Document' }, ...errors() }
        }
      }
    },
    components: {
      securitySchemes: {
        OAuth2ACG: {
          type: 'oauth2',
          description: 'OAuth 2.0 Authorization Code Grant with PKCE (S256); clients register dynamically (RFC 7591) and authenticate with client_secret_basic',
          'x-imssf-name': `cofl node ${nodeDid}`,
          'x-imssf-privacyPolicyUrl': `${api}/policy`,
          'x-imssf-registrationUrl': `${api}/register`,
          'x-imssf-termsOfServiceUrl': `${api}/policy`,
          'x-cofl-revocationUrl': `${api}/revoke`,
          flows: {
            authorizationCode: {
              authorizationUrl: `${api}/authorize`,
              tokenUrl: `${api}/token`,
              refreshUrl: `${api}/token`,
              scopes: { ...OB3_SCOPE_DESCRIPTIONS }
            }
          }
        }
      },
      schemas: {
        ...schemaRef('GetOpenBadgeCredentialsResponse', 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_getopenbadgecredentialsresponse-jsonschema1.json'),
        ...schemaRef('AchievementCredential', 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json'),
        ...schemaRef('Profile', 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_profile-jsonschema1.json'),
        ...schemaRef('Imsx_StatusInfo', 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_imsx_statusinfo-jsonschema1.json')
      }
    }
  }
}

/** The text behind termsOfService / x-imssf-privacyPolicyUrl: what the node keeps, in plain words. */
export const POLICY_TEXT = `This cofl node's Open Badges 3.0 API

What it keeps, in its own store, never announced to the federation:
- for each registered client: the metadata it registered and a SHA-256 digest of its secret;
- for each authorisation: the learner's DID, the client and the scopes granted, with digests of
  the codes and tokens (codes live 60 seconds, access tokens 1 hour, refresh tokens 30 days);
- for each learner: the credentials clients upserted for them and the profile they saved.
It keeps no passwords: a learner proves control of their DID by signing a presentation.
`
