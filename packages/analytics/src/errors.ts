/**
 * Errors of @cofl/analytics, with stable codes (listed in docs/errors.md). Only reading CSV
 * throws one: text that cannot be read as CSV, or a learners file without the rows it needs. A
 * programmer's mistake (analytics computed without their input) is a TypeError; validating an
 * aggregate never throws, it returns its errors.
 */
import { CoflError } from '@cofl/errors'

export const CsvErrorCode = {
  /** CSV that cannot be read: a quote never closed, text after a closing quote (the message names the row). */
  INPUT: 'COFL_ERR_INPUT',
  /** A learners file that is empty, or whose header row names no "email" column (the message starts with the file's name). */
  USAGE: 'COFL_ERR_USAGE'
} as const

export type CsvErrorCode = typeof CsvErrorCode[keyof typeof CsvErrorCode]

/**
 * A CSV text that cannot be used. Its codes are those the node gives unusable input and bad usage
 * (the CLI prints the message and exits 2).
 */
export class CsvError extends CoflError<CsvErrorCode> {}
