/**
 * Errors of @cofl/status, with stable codes (listed in docs/errors.md). The registry throws
 * StatusError for requests it must refuse (an index that was never allocated, a directory locked
 * by another process). `checkStatusEntry` never throws on untrusted input: it returns a result
 * whose `code` is one of these.
 */
import { CoflError } from '@cofl/errors'

export const StatusErrorCode = {
  /** The directory belongs to a registry created for another issuer DID. */
  ISSUER_MISMATCH: 'COFL_ERR_STATUS_ISSUER_MISMATCH',
  /** The directory was created with another `listLength`. */
  LIST_LENGTH_MISMATCH: 'COFL_ERR_STATUS_LIST_LENGTH_MISMATCH',
  /** Another process (or another registry in this process) holds the directory open. */
  LOCKED: 'COFL_ERR_STATUS_LOCKED',
  /** The level database failed to open, read or write, or holds an unknown format. */
  STORE: 'COFL_ERR_STATUS_STORE',
  /** The registry was closed. */
  CLOSED: 'COFL_ERR_STATUS_CLOSED',
  /** A list id or list number that this registry never created. */
  UNKNOWN_LIST: 'COFL_ERR_STATUS_UNKNOWN_LIST',
  /** An index that this registry never handed out. */
  NOT_ALLOCATED: 'COFL_ERR_STATUS_NOT_ALLOCATED',
  /** A status purpose other than revocation or suspension. */
  PURPOSE: 'COFL_ERR_STATUS_PURPOSE',
  /** A status entry lacks a required property or has one of the wrong form. */
  ENTRY_INVALID: 'COFL_ERR_STATUS_ENTRY_INVALID',
  /** The list credential is not a BitstringStatusListCredential with a BitstringStatusList subject. */
  LIST_INVALID: 'COFL_ERR_STATUS_LIST_INVALID',
  /** The list's statusPurpose is not the entry's. */
  PURPOSE_MISMATCH: 'COFL_ERR_STATUS_PURPOSE_MISMATCH',
  /** encodedList is not multibase base64url ('u') of a GZIP stream, or inflates beyond the limit. */
  LIST_DECODE: 'COFL_ERR_STATUS_LIST_DECODE',
  /** The list is shorter than 131072 bits (strict mode). */
  LIST_LENGTH: 'COFL_ERR_STATUS_LIST_LENGTH',
  /** statusListIndex is not inside the list. */
  INDEX_RANGE: 'COFL_ERR_STATUS_INDEX_RANGE',
  /** The entry's bit is set in a revocation list: the credential is revoked. */
  REVOKED: 'COFL_ERR_STATUS_REVOKED',
  /** The entry's bit is set in a suspension list: the credential is suspended. */
  SUSPENDED: 'COFL_ERR_STATUS_SUSPENDED'
} as const

export type StatusErrorCode = typeof StatusErrorCode[keyof typeof StatusErrorCode]

export class StatusError extends CoflError<StatusErrorCode> {}
