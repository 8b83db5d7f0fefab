/**
 * Errors of @cofl/federation, each with a stable `code` (docs/errors.md lists them). Untrusted
 * input from the network never throws: announcements and sync responses are accepted, ignored or
 * rejected, and logged. These are for configuration and for the node's own publishing.
 */
export class FederationError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** An invalid federation configuration: the key, the value and what was expected. */
export class FederationConfigError extends FederationError {
  static readonly code = 'COFL_ERR_FEDERATION_CONFIG'
  constructor (message: string, options?: ErrorOptions) {
    super(FederationConfigError.code, message, options)
  }
}

/** A document that this node refuses to publish: unsigned, not by this node's DID, of the wrong kind, too large. */
export class PublishError extends FederationError {
  static readonly code = 'COFL_ERR_FEDERATION_PUBLISH'
  constructor (message: string, options?: ErrorOptions) {
    super(PublishError.code, message, options)
  }
}

/** An announcement larger than the federation's message size limit. */
export class MessageTooLargeError extends FederationError {
  static readonly code = 'COFL_ERR_FEDERATION_MESSAGE_TOO_LARGE'
  constructor (size: number, limit: number) {
    super(MessageTooLargeError.code, `the announcement has ${size} bytes, more than the limit of ${limit}`)
  }
}

/** The federation node is not started (or was stopped). */
export class NotStartedError extends FederationError {
  static readonly code = 'COFL_ERR_FEDERATION_NOT_STARTED'
  constructor (message = 'the federation node is not started') {
    super(NotStartedError.code, message)
  }
}
