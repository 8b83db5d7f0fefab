/**
 * @packageDocumentation
 *
 * Identities of cofl: Ed25519 Multikey key pairs, did:key DIDs, offline DID resolution
 * (did-resolver + key-did-resolver, adapted to Multikey verification methods) and the key file
 * with the secret key encrypted at rest.
 *
 * @example
 * ```ts
 * import { generateKeyPair, writeKeyFile, loadKeyFile, createDidResolver } from '@cofl/identity'
 *
 * const key = await generateKeyPair()
 * await writeKeyFile('issuer.key', key, { passphrase: 'correct horse battery staple' })
 * const again = await loadKeyFile('issuer.key', { passphrase: 'correct horse battery staple' })
 * const doc = await createDidResolver().resolve(again.did) // Multikey verification methods
 * ```
 */
export { DID_V1_CONTEXT, KEY_FILE_TYPE, KEY_FILE_VERSION, MULTIKEY_V1_CONTEXT } from './constants.js'
export {
  DidMethodNotSupportedError, DidResolutionError, IdentityError, KeyFileError, KeyPassphraseError
} from './errors.js'
export { generateKeyPair, keyPairFromMultibase } from './keys.js'
export type { KeyPair, Multikey } from './keys.js'
export {
  buildControllerDocument, createDidResolver, didKeyFromPublicKeyMultibase, didMethod, publicKeyFromMultibase,
  publicKeyToMultibase
} from './did.js'
export type { DidDocument, DidResolver, VerificationMethod } from './did.js'
export {
  decodeKeyFile, encodeKeyFile, keyFileIsEncrypted, loadKeyFile, parseKeyFile, readKeyFile, writeKeyFile
} from './keyfile.js'
export type { EncryptedSecret, KeyFile, KeyProtection } from './keyfile.js'
