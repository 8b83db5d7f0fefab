/**
 * Errors of @cofl/api's client. A call that gives no parsed answer rejects with an
 * ApiRequestError: `status` is the HTTP status of the node's answer (0 when there was none) and
 * `code` a stable code: the node's own when it refused (`{"error": {"code", "message"}}`,
 * docs/api.md), else one of this package's. A call the caller aborts (its `signal`) rejects with
 * the signal's reason, as fetch does. Messages never hold a URL's path or query (a claim URL's
 * path holds its secret code): only the node's origin.
 */
import { CoflError, defineError } from '@cofl/errors'

export class ApiRequestError extends CoflError {
  /** The HTTP status of the node's answer; 0 when it did not answer. */
  readonly status: number
  constructor (code: string, message: string, options?: ErrorOptions & { status?: number }) {
    super(code, message, options)
    this.status = options?.status ?? 0
  }
}

/**
 * The node refused: it answered an error status. `code` and `message` are the node's own (its
 * error body, docs/errors.md "HTTP API errors"); an answer without a cofl error body (a proxy's
 * error page) has the code COFL_ERR_API_STATUS and the status line as its message.
 */
export class ApiAnswerError extends ApiRequestError {
  /** The code of an error answer that carries no cofl code of its own. */
  static readonly fallbackCode = 'COFL_ERR_API_STATUS'
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor -- narrows the options: `status` is required
  constructor (code: string, message: string, options: ErrorOptions & { status: number }) {
    super(code, message, options)
  }
}

/** No answer: the connection failed, or the whole answer did not come within the timeout (`timedOut`). */
export class ApiUnreachableError extends defineError(ApiRequestError, 'COFL_ERR_API_UNREACHABLE') {
  /** True when the time ran out. */
  readonly timedOut: boolean
  /** Why, in a few words: `no answer within 30 s`, `ECONNREFUSED`, the browser's message. */
  readonly reason: string
  constructor (message: string, options: ErrorOptions & { reason: string, timedOut: boolean }) {
    super(message, options)
    this.reason = options.reason
    this.timedOut = options.timedOut
  }
}

/** An answer outside the API: a 2xx answer that is not JSON, or any answer larger than the limit. */
export class ApiResponseError extends defineError(ApiRequestError, 'COFL_ERR_API_RESPONSE') {
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor -- narrows the options: `status` is required
  constructor (message: string, options: ErrorOptions & { status: number }) {
    super(message, options)
  }
}
