/**
 * GET /api/catalogue (public): search of the catalogue this node holds (its own achievements,
 * pathways and opportunities and those replicated from the network) by text, skill, place, area,
 * type and issuer, of the issuers this node trusts unless `untrusted=1`; documented in docs/api.md
 * ("Catalogue search"). The index is
 * app/catalogue.ts's, built with the node (app/city.ts).
 *
 * The query is validated by its JSON Schema with an Ajv of this route's own that turns the query
 * string's numbers into numbers (the node's Ajv coerces nothing), so that ranges are checked by
 * the schema too.
 */
import { CATALOGUE_TYPES, MAX_CATALOGUE_LIMIT, MAX_RADIUS_KM } from '@cofl/catalogue'
import type { CataloguePage, CatalogueQuery, CatalogueType } from '@cofl/catalogue'
import { Ajv } from 'ajv'
import type { FastifyInstance } from 'fastify'
import { MAX_QUERY_LENGTH } from '../app/constants.js'
import type { RouteContext } from './server.js'
import { includesUntrusted, untrustedParam } from '../app/schemas.js'

const TYPE_LIST = `^(${CATALOGUE_TYPES.join('|')})(,(${CATALOGUE_TYPES.join('|')}))*$`

export const catalogueQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH },
    skill: { type: 'string', minLength: 1, maxLength: 2000 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    km: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RADIUS_KM },
    area: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'array', minItems: 1, maxItems: CATALOGUE_TYPES.length, items: { type: 'string', pattern: TYPE_LIST } },
    issuer: { type: 'string', pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 2000 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_CATALOGUE_LIMIT },
    cursor: { type: 'string', minLength: 1, maxLength: 4000 },
    untrusted: untrustedParam
  },
  dependencies: { lat: ['lon'], lon: ['lat'], km: ['lat', 'lon'] }
} as const

interface CatalogueQuerystring {
  q?: string
  skill?: string
  lat?: number
  lon?: number
  km?: number
  area?: string
  type?: string[]
  issuer?: string
  limit?: number
  cursor?: string
  untrusted?: string
}

/** Query strings carry text: numbers are coerced, and a single `type` becomes a list of one. */
const ajv = new Ajv({ coerceTypes: 'array', allErrors: false, removeAdditional: false, useDefaults: false, strict: true })
const validateQuery = ajv.compile(catalogueQuerySchema)

/** The index's query for a validated query string. */
export function catalogueQueryOf (query: CatalogueQuerystring): CatalogueQuery {
  const types = query.type === undefined ? undefined : [...new Set(query.type.flatMap((t) => t.split(',')))] as CatalogueType[]
  return {
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(query.skill !== undefined ? { skill: query.skill } : {}),
    ...(query.lat !== undefined && query.lon !== undefined ? { near: { lat: query.lat, lon: query.lon, ...(query.km !== undefined ? { km: query.km } : {}) } } : {}),
    ...(query.area !== undefined ? { area: query.area } : {}),
    ...(types !== undefined ? { type: types } : {}),
    ...(query.issuer !== undefined ? { issuer: query.issuer } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    ...(includesUntrusted(query.untrusted) ? { untrusted: true } : {})
  }
}

export async function catalogueRoutes (app: FastifyInstance, { catalogue }: RouteContext): Promise<void> {
  app.get<{ Querystring: CatalogueQuerystring }>('/api/catalogue', {
    schema: { querystring: catalogueQuerySchema },
    validatorCompiler: () => validateQuery
  }, async (request): Promise<CataloguePage> => {
    return await catalogue.search(catalogueQueryOf(request.query))
  })
}
