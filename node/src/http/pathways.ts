/**
 * The routes of the city's public learning documents, documented in docs/api.md ("Skills spines,
 * pathways and opportunities"): skills spines, pathways and opportunities are published by an
 * admin (signed by the node, announced to the federation) and listed by anyone, with those that
 * other nodes published and this node accepted (their content checked on arrival: documents.ts)
 * whose issuers it trusts (all with `untrusted=1`).
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { kindCollection, PublishError } from '@cofl/federation'
import type { DocumentKind } from '@cofl/federation'
import { OPPORTUNITY_KINDS, PATHWAY_KINDS } from '@cofl/pathways'
import type { Collection, StoredDocument } from '@cofl/store'
import { ApiError, ApiErrorCode } from '../app/errors.js'
import type { RouteContext } from './server.js'
import { pageOf } from '../app/paging.js'
import { DID, idParams, includesUntrusted, issuerQuery, limitOf, pageQuery, untrustedParam } from '../app/schemas.js'

/** The kinds served here: the path under /api/ (also the list's field) and the kinds of its `kind` filter. */
const ROUTES: ReadonlyArray<{ kind: DocumentKind, path: string, kinds?: readonly string[] }> = [
  { kind: 'spine', path: 'spines' },
  { kind: 'pathway', path: 'pathways', kinds: PATHWAY_KINDS },
  { kind: 'opportunity', path: 'opportunities', kinds: OPPORTUNITY_KINDS }
]

/**
 * The body is the document's content; its rules (with the path of every error) are those every
 * node checks on arrival, so only the id is checked here. `@context`, `type`, `issuer` and `proof`
 * of a document read back from GET are accepted and replaced by the node's.
 */
const documentBody = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', maxLength: 2000 }
  }
} as const

function listQuery (kinds?: readonly string[]): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...pageQuery.properties,
      issuer: { type: 'string', pattern: DID, maxLength: 2000 },
      untrusted: untrustedParam,
      ...(kinds != null ? { kind: { type: 'string', enum: [...kinds] } } : {})
    }
  }
}

/** One entry of a list, and the answer of GET /api/<kind>/:id. */
function entry (stored: StoredDocument): Record<string, unknown> {
  return { id: stored.id, issuer: stored.issuer, cid: stored.cid, sequence: stored.sequence, document: stored.document }
}

/** Registers the spine, pathway and opportunity routes (ROUTE_PLUGINS in node/src/http/server.ts). */
export async function pathwayRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  for (const { kind, path, kinds } of ROUTES) {
    const collection = (): Collection<StoredDocument> => kindCollection(service.store, kind)

    app.post<{ Body: Record<string, unknown> }>(`/api/${path}`, { onRequest: admin, schema: { body: documentBody } }, async (request, reply) => {
      const body = request.body
      const id = typeof body.id === 'string' ? body.id : `urn:uuid:${randomUUID()}`
      let result
      try {
        result = await service.publishDocument(kind, { ...body, id })
      } catch (err) {
        // Content, issuer and id were checked before signing; what is left is the network's refusal (a document too large).
        if (err instanceof PublishError) throw new ApiError(ApiErrorCode.BAD_REQUEST, err.message, { cause: err })
        throw err
      }
      return await reply.status(201).header('location', `/api/${path}/${encodeURIComponent(result.id)}`).send(result)
    })

    app.get<{ Querystring: { issuer?: string, kind?: string, limit?: string, cursor?: string, untrusted?: string } }>(`/api/${path}`, { schema: { querystring: listQuery(kinds) } }, async (request) => {
      const { issuer, kind: only, cursor } = request.query
      const limit = limitOf(request.query.limit)
      // The trusted issuers' documents only, unless `untrusted=1` (docs/api.md).
      const shown = await service.shows(includesUntrusted(request.query.untrusted))
      const { items, next } = await pageOf(collection().entries(cursor != null ? { gte: cursor } : {}), limit, (stored) =>
        !shown(stored.issuer) || (issuer != null && stored.issuer !== issuer) || (only != null && stored.document.kind !== only) ? undefined : entry(stored))
      return { [path]: items, next }
    })

    app.get<{ Params: { id: string }, Querystring: { issuer?: string } }>(`/api/${path}/:id`, { schema: { params: idParams, querystring: issuerQuery } }, async (request) => {
      const stored = await service.documentOf(kind, request.params.id, request.query.issuer)
      if (stored == null) throw new ApiError(ApiErrorCode.NOT_FOUND, `this node holds no ${kind} ${request.params.id}`)
      return entry(stored)
    })
  }
}
