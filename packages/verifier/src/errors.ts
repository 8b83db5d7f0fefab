/**
 * Errors of @cofl/verifier. Untrusted input never throws: it gives a failed report. These are for
 * the caller's own mistakes and for a broken worker pool.
 */
import { CoflError, defineError } from '@cofl/errors'

export class VerifierError extends CoflError {}

/** A worker of the batch pool died or could not start. */
export class WorkerPoolError extends defineError(VerifierError, 'COFL_ERR_VERIFIER_WORKER') {}
