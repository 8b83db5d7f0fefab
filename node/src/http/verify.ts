/**
 * POST /api/verify (docs/api.md): a credential or a presentation verified by the node, with the
 * status lists of its replica and the issuer's trust.
 *
 * POST /api/verify: every body, JSON or a baked badge image (image/png, image/svg+xml, read as
 * bytes within the body limit; only this route parses images: fastify encapsulation), is read by
 * @cofl/formats' readCredential, as `cofl verify`, the batch and the verify page read theirs. A
 * JSON body (`{"verifiableCredential"}`, ...) is then checked against its schema; an image is
 * the credential itself (a BakedBody).
 */
import type { FastifyInstance } from 'fastify'
import { vcJwtReport } from '@cofl/verifier'
import { FormatError, FormatErrorCode, readCredential } from '@cofl/formats'
import type { ReadCredentialResult } from '@cofl/formats'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'

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

/** The media types the API parses as JSON (the default parser and the JSON-LD ones of server.ts). */
const JSON_MEDIA_TYPES = ['application/json', 'application/ld+json', 'application/vc+ld+json', 'application/vp+ld+json'] as const
/** Baked badge images, which only POST /api/verify takes. */
const IMAGE_MEDIA_TYPES = ['image/png', 'image/svg+xml']

/** What readCredential read from a baked badge image sent to POST /api/verify: the credential itself, not a JSON body. */
class BakedBody {
  constructor (readonly read: ReadCredentialResult) {}
}

/** The verify body's schema for each JSON media type; an image body (a BakedBody) is not checked against it. */
const verifyBodyByType = { content: Object.fromEntries(JSON_MEDIA_TYPES.map((type) => [type, { schema: verifyBody }])) }

/**
 * Registers POST /api/verify, in a context of its own (this plugin's: fastify encapsulation), the
 * only one that parses images.
 */
export async function verifyRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.removeAllContentTypeParsers() // this scope's own, which replace the JSON ones (other types: 415)
  app.addContentTypeParser([...JSON_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES], { parseAs: 'buffer' }, (request, body, done) => {
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
  app.post<{ Body: { verifiableCredential?: unknown, verifiablePresentation?: unknown, challenge?: string, domain?: string } | BakedBody | undefined }>(
    '/api/verify', { schema: { body: verifyBodyByType } }, async (request) => {
      const body = request.body
      if (body instanceof BakedBody) return body.read.vcJwt != null ? vcJwtReport(body.read.vcJwt) : await service.verify(body.read.value, {})
      if (body == null) throw new ApiError(ApiErrorCode.BAD_REQUEST, 'body must be object')
      const { verifiableCredential, verifiablePresentation, challenge, domain } = body
      return await service.verify(verifiableCredential ?? verifiablePresentation, { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) })
    })
}
