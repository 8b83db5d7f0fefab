/** JSON Schemas shared by the node's route modules, and the reading of what they let through. */
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './constants.js'
import { ApiError, ApiErrorCode } from './errors.js'

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
  if (n < 1 || n > MAX_PAGE_LIMIT) throw new ApiError(ApiErrorCode.BAD_REQUEST, `querystring/limit must be from 1 to ${MAX_PAGE_LIMIT}`)
  return n
}
