/**
 * Errors of @cofl/verifier. Untrusted input never throws: it gives a failed report. These are for
 * the caller's own mistakes and for a broken worker pool.
 */
export class VerifierError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A worker of the batch pool died or could not start. */
export class WorkerPoolError extends VerifierError {
  static readonly code = 'COFL_ERR_VERIFIER_WORKER'
  constructor (message: string, options?: ErrorOptions) {
    super(WorkerPoolError.code, message, options)
  }
}
