/**
 * Errors of @cofl/identity, each with a stable `code` (docs/errors.md lists them).
 */
export class IdentityError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A DID whose method this resolver cannot resolve without the network (did:web, did:example, ...). */
export class DidMethodNotSupportedError extends IdentityError {
  static readonly code = 'COFL_ERR_DID_METHOD_NOT_SUPPORTED'
  constructor (method: string) {
    super(DidMethodNotSupportedError.code, `DID method "${method}" not supported offline (only did:key is resolved without the network)`)
  }
}

/** A DID or DID URL that is malformed or names no key. */
export class DidResolutionError extends IdentityError {
  static readonly code = 'COFL_ERR_DID_NOT_RESOLVED'
  constructor (message: string, options?: ErrorOptions) {
    super(DidResolutionError.code, message, options)
  }
}

/** A key file that cannot be read, parsed or decrypted. */
export class KeyFileError extends IdentityError {
  static readonly code = 'COFL_ERR_KEY_FILE'
  constructor (message: string, options?: ErrorOptions) {
    super(KeyFileError.code, message, options)
  }
}

/** The passphrase does not open the key file (or the file was altered). */
export class KeyPassphraseError extends IdentityError {
  static readonly code = 'COFL_ERR_KEY_PASSPHRASE'
  constructor (message = 'wrong passphrase, or the key file was altered', options?: ErrorOptions) {
    super(KeyPassphraseError.code, message, options)
  }
}
