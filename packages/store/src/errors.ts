/**
 * Errors of @cofl/store, with stable codes (listed in docs/errors.md). Programmer mistakes (a key
 * that is not a string, a value that JSON cannot represent, a collection of another store in a
 * batch) are TypeErrors and carry no code. When a StoreError wraps level's error, it is the `cause`.
 */
import { CoflError } from '@cofl/errors'

export const StoreErrorCode = {
  /** Another process (or another open store in this one) holds the store's directory. */
  LOCKED: 'COFL_ERR_STORE_LOCKED',
  /**
   * The store's schema version is newer than this code knows, is missing from a directory that
   * holds data (not a cofl store), has no migration path, or a migration failed.
   */
  VERSION: 'COFL_ERR_STORE_VERSION',
  /** The store was closed. */
  CLOSED: 'COFL_ERR_STORE_CLOSED',
  /** The level database failed to open, read or write (its error is the `cause`). */
  IO: 'COFL_ERR_STORE_IO'
} as const

export type StoreErrorCode = typeof StoreErrorCode[keyof typeof StoreErrorCode]

export class StoreError extends CoflError<StoreErrorCode> {}
