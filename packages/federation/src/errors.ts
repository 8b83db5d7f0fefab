/**
 * Errors of @cofl/federation, each with a stable `code` (docs/errors.md lists them). Untrusted
 * input from the network never throws: announcements and sync responses are accepted, ignored or
 * rejected, and logged. These are for configuration and for the node's own publishing.
 */
import { CoflError, defineError } from '@cofl/errors'

export class FederationError extends CoflError {}

/** An invalid federation configuration: the key, the value and what was expected. */
export class FederationConfigError extends defineError(FederationError, 'COFL_ERR_FEDERATION_CONFIG') {}

/** A document that this node refuses to publish: unsigned, not by this node's DID, of the wrong kind, too large. */
export class PublishError extends defineError(FederationError, 'COFL_ERR_FEDERATION_PUBLISH') {}

/** An announcement larger than the federation's message size limit. */
export class MessageTooLargeError extends defineError(FederationError, 'COFL_ERR_FEDERATION_MESSAGE_TOO_LARGE') {
  constructor (size: number, limit: number) {
    super(`the announcement has ${size} bytes, more than the limit of ${limit}`)
  }
}

/** The federation node is not started (or was stopped). */
export class NotStartedError extends defineError(FederationError, 'COFL_ERR_FEDERATION_NOT_STARTED', 'the federation node is not started') {}
