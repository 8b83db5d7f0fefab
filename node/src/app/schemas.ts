/** JSON Schemas shared by the node's route modules, and the reading of what they let through. */
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './constants.js'
import { ApiErrorCode, DomainError } from './errors.js'

/** The pattern of a DID in a body, a query or a path. */
export const DID = '^did:[a-z0-9]+:\\S+$'

/** `:id` of the routes of one document or record (a URN or URL, URL-encoded). */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 2000 } }
} as const

/** `?limit=&cursor=` of the paged list routes. */
export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    cursor: { type: 'string', maxLength: 2000 }
  }
} as const

/** The `limit` of a paged list route (pageQuery): DEFAULT_PAGE_LIMIT when absent, 400 outside 1..MAX_PAGE_LIMIT. */
export function limitOf (raw: string | undefined): number {
  const n = raw == null ? DEFAULT_PAGE_LIMIT : Number(raw)
  if (n < 1 || n > MAX_PAGE_LIMIT) throw new DomainError(ApiErrorCode.BAD_REQUEST, `querystring/limit must be from 1 to ${MAX_PAGE_LIMIT}`)
  return n
}

/**
 * `?untrusted=` of the catalogue and the listings: `1` or `true` also shows the documents of
 * issuers this node does not trust (by default only its trust graph's: docs/api.md).
 */
export const untrustedParam = { type: 'string', enum: ['1', 'true', '0', 'false'] } as const

/** Whether an `untrusted` query parameter (untrustedParam) asks for untrusted issuers' documents too. */
export function includesUntrusted (raw: string | undefined): boolean {
  return raw === '1' || raw === 'true'
}

/**
 * `?issuer=` of GET /api/<kind>/:id: that issuer's document with the id. Without it, the document
 * the id resolves to on this node (none when several issuers claim it and the rule picks none:
 * docs/api.md, "Documents with the same id").
 */
export const issuerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { issuer: { type: 'string', pattern: DID, maxLength: 2000 } }
} as const
