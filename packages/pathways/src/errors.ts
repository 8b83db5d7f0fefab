/**
 * Errors of @cofl/pathways, with stable codes (listed in docs/errors.md). Validation of untrusted
 * documents never throws: it returns `{ valid: false, errors }`, each error with one of these codes
 * and the path of the offending value. `assertValidPathway` throws PathwayError for callers that
 * want an exception instead; a programmer's mistake (a missing argument) is a TypeError.
 */
import { CoflError } from '@cofl/errors'

export const PathwayErrorCode = {
  /** A document or value of the wrong form: a missing field, a wrong type, an unknown key. */
  INVALID: 'COFL_ERR_PATHWAY_INVALID',
  /** A requirement tree nested deeper than MAX_REQUIREMENT_DEPTH or larger than MAX_REQUIREMENT_NODES. */
  TOO_DEEP: 'COFL_ERR_PATHWAY_TOO_DEEP',
  /** A requirement node that contains itself, or order constraints that form a cycle. */
  CYCLE: 'COFL_ERR_PATHWAY_CYCLE',
  /** An achievement that appears twice in one requirement tree, or a skill id used twice in a spine. */
  DUPLICATE: 'COFL_ERR_PATHWAY_DUPLICATE',
  /** An order constraint or reference naming an achievement or skill that the document does not hold. */
  UNKNOWN_REFERENCE: 'COFL_ERR_PATHWAY_UNKNOWN_REFERENCE'
} as const

export type PathwayErrorCode = typeof PathwayErrorCode[keyof typeof PathwayErrorCode]

/** One problem found by validation: where (`path`, e.g. `requirements.allOf[2].nOf`), what, and its code. */
export interface ValidationError {
  path: string
  code: PathwayErrorCode
  message: string
}

export class PathwayError extends CoflError<PathwayErrorCode> {
  /** Every problem validation found, each with its path (empty when the error is not validation's). */
  readonly errors: ValidationError[]
  constructor (code: PathwayErrorCode, message: string, options?: ErrorOptions & { errors?: ValidationError[] }) {
    super(code, message, options)
    this.errors = options?.errors ?? []
  }
}
