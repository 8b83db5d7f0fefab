/**
 * A backup's holder key sealed with WebCrypto (browsers and Node alike), for a wallet in a web page:
 * PBKDF2-SHA-256 (SEALED_KEY_PBKDF2_ITERATIONS) derives an AES-256-GCM key from the passphrase,
 * the DID is the additional authenticated data, and the result takes the shape of an
 * @cofl/identity key file (`type: cofl-key`) whose `secret.encryption` is
 * `pbkdf2-sha256-aes-256-gcm`. (Key files in Node use scrypt, which WebCrypto does not offer:
 * level.ts's `keyFileSealer`.)
 *
 *   const sealed = await webCryptoSealer.seal(key, passphrase)   // in a backup's `holderKey`
 *   const key = await webCryptoSealer.open(sealed, passphrase)
 */
import { keyPairFromMultibase } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { ImportFormatError } from './errors.js'
import type { HolderKeySealer } from './storage.js'

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const SEALED_KEY_PBKDF2_ITERATIONS = 600_000
export const SEALED_KEY_ENCRYPTION = 'pbkdf2-sha256-aes-256-gcm'
/** The shortest passphrase that seals a key. */
export const MIN_SEALING_PASSPHRASE_LENGTH = 8

/** The holder key in a backup made in a browser. */
export interface SealedHolderKey {
  type: 'cofl-key'
  version: 1
  did: string
  publicKeyMultibase: string
  secret: {
    encryption: typeof SEALED_KEY_ENCRYPTION
    kdf: { hash: 'SHA-256', iterations: number, salt: string }
    iv: string
    tag: string
    ciphertext: string
  }
}

const UTF8 = new TextEncoder()

function toBase64 (bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

function fromBase64 (text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

async function deriveKey (passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', UTF8.encode(passphrase), 'PBKDF2', false, ['deriveKey'])
  return await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}

/** The holder key sealed with a passphrase (at least MIN_SEALING_PASSPHRASE_LENGTH characters). */
export async function sealHolderKey (key: KeyPair, passphrase: string): Promise<SealedHolderKey> {
  if (typeof passphrase !== 'string' || passphrase.length < MIN_SEALING_PASSPHRASE_LENGTH) throw new TypeError(`the passphrase must be at least ${MIN_SEALING_PASSPHRASE_LENGTH} characters`)
  if (key.secretKeyMultibase == null) throw new TypeError('the holder key must be able to sign')
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const derived = await deriveKey(passphrase, salt, SEALED_KEY_PBKDF2_ITERATIONS)
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: UTF8.encode(key.did), tagLength: 128 }, derived, UTF8.encode(key.secretKeyMultibase)))
  return {
    type: 'cofl-key',
    version: 1,
    did: key.did,
    publicKeyMultibase: key.publicKeyMultibase,
    secret: {
      encryption: SEALED_KEY_ENCRYPTION,
      kdf: { hash: 'SHA-256', iterations: SEALED_KEY_PBKDF2_ITERATIONS, salt: toBase64(salt) },
      iv: toBase64(iv),
      tag: toBase64(sealed.subarray(sealed.length - 16)),
      ciphertext: toBase64(sealed.subarray(0, sealed.length - 16))
    }
  }
}

/** The key pair of a sealed holder key; a wrong passphrase, or a key that is not its DID's, is said as such. */
export async function openHolderKey (value: unknown, passphrase: string): Promise<KeyPair> {
  const file = value as Partial<SealedHolderKey> | null
  const secret = file?.secret as Partial<SealedHolderKey['secret']> | undefined
  if (file?.type !== 'cofl-key' || typeof file.did !== 'string' || typeof file.publicKeyMultibase !== 'string' || secret == null) {
    throw new ImportFormatError('the backup\'s holder key is not a cofl key file')
  }
  if (secret.encryption !== SEALED_KEY_ENCRYPTION) {
    throw new ImportFormatError(`the backup's holder key is sealed with ${String(secret.encryption)}, which this page cannot open (it opens keys backed up from a wallet page: ${SEALED_KEY_ENCRYPTION})`)
  }
  const { kdf, iv, tag, ciphertext } = secret
  if (kdf == null || typeof kdf.salt !== 'string' || !Number.isInteger(kdf.iterations) || kdf.iterations < 100_000 || kdf.iterations > 10_000_000 ||
    typeof iv !== 'string' || typeof tag !== 'string' || typeof ciphertext !== 'string') {
    throw new ImportFormatError('the backup\'s holder key is incomplete (kdf, iv, tag, ciphertext)')
  }
  let plain: ArrayBuffer
  try {
    const derived = await deriveKey(passphrase, fromBase64(kdf.salt), kdf.iterations)
    const sealed = new Uint8Array([...fromBase64(ciphertext), ...fromBase64(tag)])
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: UTF8.encode(file.did), tagLength: 128 }, derived, sealed)
  } catch (err) {
    throw new ImportFormatError('the passphrase does not open the backup\'s holder key (or the backup was changed)', { cause: err })
  }
  let key: KeyPair
  try {
    key = await keyPairFromMultibase({ publicKeyMultibase: file.publicKeyMultibase, secretKeyMultibase: new TextDecoder().decode(plain) })
  } catch (err) {
    throw new ImportFormatError('the backup\'s holder key is not a valid Ed25519 key of its DID', { cause: err })
  }
  if (key.did !== file.did) throw new ImportFormatError('the backup\'s holder key is not a valid Ed25519 key of its DID')
  return key
}

/** Seals and opens a backup's holder key with WebCrypto (the browser wallet's HolderKeySealer). */
export const webCryptoSealer: HolderKeySealer = {
  seal: async (key, passphrase) => await sealHolderKey(key, passphrase) as unknown as Record<string, unknown>,
  async open (sealed, passphrase) {
    if (passphrase == null || passphrase === '') throw new ImportFormatError('the backup\'s holder key is locked with a passphrase: give it')
    return await openHolderKey(sealed, passphrase)
  }
}
