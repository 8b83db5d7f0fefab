/** Named defaults of @cofl/identity. */

/** The multicodec prefix of an Ed25519 public key (ed25519-pub, 0xed as a varint). */
export const ED25519_PUB_MULTICODEC = Uint8Array.of(0xed, 0x01)

/** The JSON-LD contexts of a DID document whose methods are Multikeys. */
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1'
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1'

/** scrypt cost of a key file's passphrase (N = 2^15, r = 8, p = 1: ~100 ms, 32 MiB). */
export const DEFAULT_SCRYPT_N = 2 ** 15
export const DEFAULT_SCRYPT_R = 8
export const DEFAULT_SCRYPT_P = 1

/** How many resolved DID documents a resolver keeps (did:key documents are pure functions of the DID). */
export const DEFAULT_DID_CACHE_SIZE = 10_000

/** The `type` and version written into every key file. */
export const KEY_FILE_TYPE = 'cofl-key'
export const KEY_FILE_VERSION = 1
