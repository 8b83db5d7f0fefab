/**
 * The node's domain errors as the HTTP API answers them. Domain code (src/app) throws a
 * DomainError, never an ApiError; the error handlers of http/server.ts and http/ob3.ts turn it into
 * the ApiError of the same code and message, with its code's status (API_ERROR_STATUS).
 */
import { ApiError, DomainError } from '../app/errors.js'
import { ImageError } from '../app/images.js'

/**
 * What the HTTP API answers for an error of the node, or undefined for any other error: an
 * ApiError as it is; a DomainError as an ApiError of its code and message, with its code's status.
 */
export function apiErrorOf (err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err
  if (err instanceof DomainError) return new ApiError(err.code, err.message, { cause: err })
  if (err instanceof ImageError) return new ApiError(err.code, err.message, { cause: err, status: err.status })
  return undefined
}
