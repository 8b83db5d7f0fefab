/**
 * The routes of offers (admin) and claims (public: the code is the secret), documented in
 * docs/api.md ("Offers and claims"); the logic is node/src/app/offers.ts.
 *
 * The node's origin (RouteContext.origin): its `publicBaseUrl` when configured, else the address
 * it listens on, never the Host header of a request. Claim URLs start with it, and the domain a
 * claim's presentation is signed for is its host: a request that names another host (`Host:
 * evil.example`) gets this node's own domain, and a presentation signed for another domain is
 * refused. The domain is stored with the challenge, so a claim is checked against the domain its
 * own GET gave.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { MAX_BULK_OFFER_ROWS, MAX_OFFER_TTL_HOURS } from '../app/constants.js'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'
import { domainOf } from '../app/presentation.js'
import type { BulkOfferRequest, OfferRequest } from '../app/offers.js'
import { limitOf, pageQuery } from '../app/schemas.js'

const ttlHours = { type: 'number', exclusiveMinimum: 0, maximum: MAX_OFFER_TTL_HOURS } as const
const statusPurpose = { type: 'string', enum: ['revocation', 'suspension'] } as const
const achievementId = { type: 'string', minLength: 1, maxLength: 2000 } as const

const offerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['achievementId'],
  properties: {
    achievementId,
    name: { type: 'string', maxLength: 1000 },
    email: { type: 'string', maxLength: 1000 },
    statusPurpose,
    ttlHours
  }
} as const

const bulkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['achievementId', 'rows'],
  properties: {
    achievementId,
    // Field lengths are checked per row (a refused row, not a refused request).
    rows: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BULK_OFFER_ROWS,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 10_000 },
          email: { type: 'string', maxLength: 10_000 },
          row: { type: 'integer', minimum: 1 }
        }
      }
    },
    statusPurpose,
    ttlHours
  }
} as const

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const
const codeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 200 } } } as const
const claimBody = {
  type: 'object',
  additionalProperties: false,
  required: ['presentation'],
  properties: { presentation: { type: 'object' } }
} as const

/** Registers the offer and claim routes (ROUTE_PLUGINS in node/src/http/server.ts). */
export async function offerRoutes (app: FastifyInstance, { offers: book, mailer, admin, origin }: RouteContext): Promise<void> {
  const base = (request: FastifyRequest): string => origin(request)
  const domain = (request: FastifyRequest): string => domainOf(origin(request))

  app.post<{ Body: OfferRequest }>('/api/offers', { onRequest: admin, schema: { body: offerBody } }, async (request, reply) => {
    const created = await book.create(request.body, base(request))
    // Written with its mail pending first: the mailer sends it after the answer (app/mail.ts).
    if (created.mail != null) mailer.queue([created.offerId])
    return await reply.status(201).send(created)
  })

  app.post<{ Body: BulkOfferRequest }>('/api/offers/bulk', { onRequest: admin, schema: { body: bulkBody } }, async (request) => {
    const result = await book.createBulk(request.body, base(request))
    mailer.queue(result.offered.filter((o) => o.mail != null).map((o) => o.offerId))
    return result
  })

  // (Re)sends an offer's email with a new claim code (the link before stops working); answers when the mail server took it or refused.
  app.post<{ Params: { id: string } }>('/api/offers/:id/send', { onRequest: admin, schema: { params: idParams } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store')
    return await mailer.resend(request.params.id)
  })

  app.get<{ Querystring: { limit?: string, cursor?: string } }>('/api/offers', { onRequest: admin, schema: { querystring: pageQuery } }, async (request) => {
    return await book.list({ limit: limitOf(request.query.limit), base: base(request), ...(request.query.cursor != null ? { cursor: request.query.cursor } : {}) })
  })

  app.get<{ Params: { id: string } }>('/api/offers/:id', { onRequest: admin, schema: { params: idParams } }, async (request) => {
    const offer = await book.get(request.params.id, base(request))
    if (offer == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node made no offer ${request.params.id}`)
    return offer
  })

  app.get<{ Params: { code: string } }>('/api/claims/:code', { schema: { params: codeParams } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store')
    return await book.open(request.params.code, domain(request))
  })

  app.post<{ Params: { code: string }, Body: { presentation: unknown } }>('/api/claims/:code', { schema: { params: codeParams, body: claimBody } }, async (request, reply) => {
    const { credential, awards } = await book.claim(request.params.code, request.body.presentation)
    return await reply.status(201).header('cache-control', 'no-store').send({ credential, awards })
  })
}
