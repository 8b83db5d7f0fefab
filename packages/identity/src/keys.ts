/**
 * Ed25519 Multikey key pairs bound to a did:key identifier.
 */
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { didKeyFromPublicKeyMultibase } from './did.js'
import { DidResolutionError } from './errors.js'

/** What a Data Integrity suite needs of a key: sign, verify, and its identifiers. */
export interface Multikey {
  id?: string
  controller?: string
  publicKeyMultibase: string
  secretKeyMultibase?: string
  publicKey: Uint8Array
  secretKey?: Uint8Array
  signer(): { id?: string, algorithm: string, sign(input: { data: Uint8Array }): Promise<Uint8Array> }
  verifier(): { id?: string, algorithm: string, verify(input: { data: Uint8Array, signature: Uint8Array }): Promise<boolean> }
}

/** An Ed25519 key pair whose controller is its did:key. */
export interface KeyPair {
  /** The did:key DID of this key. */
  readonly did: string
  /** The verification method id: `did:key:z6Mk...#z6Mk...`. */
  readonly id: string
  readonly publicKeyMultibase: string
  /** True when the secret key is present (the key can sign). */
  readonly canSign: boolean
  /** The Multikey object that the Data Integrity suites take, with `id` and `controller` set. */
  readonly multikey: Multikey
  /** The secret key, multibase encoded (multicodec ed25519-priv). Undefined for a public key. */
  readonly secretKeyMultibase: string | undefined
}

function wrap (multikey: Multikey): KeyPair {
  const did = didKeyFromPublicKeyMultibase(multikey.publicKeyMultibase)
  const id = `${did}#${multikey.publicKeyMultibase}`
  // The suite reads `id` and `controller` from the key when it signs: set them once, here.
  multikey.id = id
  multikey.controller = did
  return {
    did,
    id,
    publicKeyMultibase: multikey.publicKeyMultibase,
    canSign: multikey.secretKey != null,
    multikey,
    secretKeyMultibase: multikey.secretKeyMultibase
  }
}

/** Generates a new Ed25519 key pair (from `seed`, 32 bytes, when given: for tests and vectors). */
export async function generateKeyPair (options: { seed?: Uint8Array } = {}): Promise<KeyPair> {
  if (options.seed != null && options.seed.length !== 32) {
    throw new TypeError('seed must be 32 bytes')
  }
  const multikey = await Ed25519Multikey.generate({ seed: options.seed }) as unknown as Multikey
  return wrap(multikey)
}

/**
 * A key pair from its multibase encodings. `secretKeyMultibase` may be omitted for a key that only
 * verifies. Accepts the 32-byte seed form and the 64-byte (seed + public key) form of the secret key.
 */
export async function keyPairFromMultibase (init: { publicKeyMultibase: string, secretKeyMultibase?: string }): Promise<KeyPair> {
  if (typeof init.publicKeyMultibase !== 'string') {
    throw new TypeError('publicKeyMultibase must be a string')
  }
  try {
    const multikey = await Ed25519Multikey.from({
      type: 'Multikey',
      publicKeyMultibase: init.publicKeyMultibase,
      ...(init.secretKeyMultibase != null ? { secretKeyMultibase: init.secretKeyMultibase } : {})
    }) as unknown as Multikey
    return wrap(multikey)
  } catch (err) {
    throw new DidResolutionError(`not an Ed25519 Multikey: ${(err as Error).message}`, { cause: err })
  }
}
