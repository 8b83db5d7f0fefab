/**
 * GET /api/images/:file (docs/api.md, "Badge images"): any image this node holds, whoever published
 * it, by its file name `<sha256 hex>.<png|svg>`: the images of the achievements of the whole
 * federation, so that a page shows a badge's image while its issuing node is offline. Public and
 * cross-origin (cors.ts); immutable (the name is the hash of the bytes); `nosniff`, and an SVG with
 * a Content-Security-Policy that lets it run nothing and load nothing, should it be opened as a page.
 */
import type { FastifyInstance } from 'fastify'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import { imageDocumentBytes, imageDocumentId } from '../app/images.js'
import type { RouteContext } from './server.js'

/** What an SVG image may do when opened by itself: draw, with its own styles and embedded PNGs. */
const SVG_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

const fileParams = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', pattern: '^[0-9a-f]{64}\\.(png|svg)$' } }
} as const

/** Registers GET /api/images/:file. */
export async function imageRoutes (app: FastifyInstance, { service }: RouteContext): Promise<void> {
  app.get<{ Params: { file: string } }>('/api/images/:file', { schema: { params: fileParams } }, async (request, reply) => {
    const stored = await service.documentOf('image', imageDocumentId(request.params.file))
    if (stored == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no image ${request.params.file}`)
    const { bytes, mediaType } = imageDocumentBytes(stored.document)
    void reply
      .header('content-type', mediaType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
    if (mediaType === 'image/svg+xml') void reply.header('content-security-policy', SVG_IMAGE_CSP)
    return await reply.send(Buffer.from(bytes))
  })
}
