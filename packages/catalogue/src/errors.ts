/**
 * Errors of @cofl/catalogue, with stable codes (listed in docs/errors.md). A search throws
 * CatalogueError for a cursor it did not give; a programmer's mistake (a query that is not an
 * object, a limit out of range, a point off the globe) is a TypeError. Indexing never throws on
 * a malformed document: it keeps what can be read.
 */
import { CoflError } from '@cofl/errors'

export const CatalogueErrorCode = {
  /**
   * A query the index cannot use: a cursor that is not one it gave. The code is the one the node
   * gives unusable input (its HTTP API answers 400 `COFL_ERR_BAD_REQUEST`).
   */
  INPUT: 'COFL_ERR_INPUT'
} as const

export type CatalogueErrorCode = typeof CatalogueErrorCode[keyof typeof CatalogueErrorCode]

export class CatalogueError extends CoflError<CatalogueErrorCode> {}
