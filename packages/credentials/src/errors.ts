/**
 * Errors of @cofl/credentials. Each kind of failure has its own class with a stable `code`
 * (listed in docs/errors.md). Untrusted input never throws out of a verify function: these are
 * for callers that asked for something impossible (sign an invalid document, load a context that
 * is not bundled).
 */
import { CoflError, defineError } from '@cofl/errors'

export class CredentialsError extends CoflError {}

/**
 * A JSON-LD document loader was asked for a URL that is neither a bundled context nor answered
 * by the loader's `resolve` function. The node never fetches contexts from the web: an unknown
 * context is refused, not downloaded.
 */
export class ContextNotBundledError extends defineError(CredentialsError, 'COFL_ERR_CONTEXT_NOT_BUNDLED') {
  /** The URL that was asked for. */
  readonly url: string
  constructor (url: string, options?: ErrorOptions) {
    super(
      `${JSON.stringify(url)} cannot be loaded offline: it is not a bundled JSON-LD context nor a ` +
        'document cofl resolves itself (did:key), and cofl never fetches from the web',
      options
    )
    this.url = url
  }
}

/**
 * An OB 3.0 JSON Schema shipped with the package (packages/credentials/schemas/) could not be
 * found, read or compiled: a broken install, not a problem with the document being validated.
 */
export class SchemaUnavailableError extends defineError(CredentialsError, 'COFL_ERR_SCHEMA_UNAVAILABLE') {
  /** Where the schema was looked for. */
  readonly path: string
  constructor (path: string, reason: string, options?: ErrorOptions) {
    super(`OB 3.0 JSON Schema ${path} is unavailable: ${reason}`, options)
    this.path = path
  }
}

/** A document that cannot be signed (a term no context defines, a malformed credential). */
export class SigningError extends defineError(CredentialsError, 'COFL_ERR_SIGN') {}
