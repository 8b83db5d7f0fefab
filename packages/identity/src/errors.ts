/**
 * Errors of @cofl/identity, each with a stable `code` (docs/errors.md lists them).
 */
import { CoflError, defineError } from '@cofl/errors'

export class IdentityError extends CoflError {}

/** A DID whose method this resolver cannot resolve without the network (did:web, did:example, ...). */
export class DidMethodNotSupportedError extends defineError(IdentityError, 'COFL_ERR_DID_METHOD_NOT_SUPPORTED') {
  constructor (method: string) {
    super(`DID method "${method}" not supported offline (only did:key is resolved without the network)`)
  }
}

/** A DID or DID URL that is malformed or names no key. */
export class DidResolutionError extends defineError(IdentityError, 'COFL_ERR_DID_NOT_RESOLVED') {}

/** A key file that cannot be read, parsed or decrypted. */
export class KeyFileError extends defineError(IdentityError, 'COFL_ERR_KEY_FILE') {}

/** The passphrase does not open the key file (or the file was altered). */
export class KeyPassphraseError extends defineError(IdentityError, 'COFL_ERR_KEY_PASSPHRASE', 'wrong passphrase, or the key file was altered') {}
