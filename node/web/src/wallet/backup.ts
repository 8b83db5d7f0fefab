/**
 * The wallet's backup file: @cofl/wallet's `cofl-wallet-backup` (version 1), the credentials as
 * received, and, when the learner gives a passphrase, the holder key encrypted with it. Without the
 * key a restored wallet could show its badges but never present them.
 *
 * The key is sealed with the browser's own WebCrypto: PBKDF2-SHA-256 (BACKUP_PBKDF2_ITERATIONS)
 * derives an AES-256-GCM key from the passphrase, the DID is the additional authenticated data,
 * and the result takes the shape of an @cofl/identity key file (`type: cofl-key`) whose
 * `secret.encryption` is `pbkdf2-sha256-aes-256-gcm`. (The CLI's key files use scrypt, which
 * WebCrypto does not offer; the CLI reads this backup's credentials, not yet its key.)
 */
import { BACKUP_TYPE, BACKUP_VERSION, ImportFormatError } from '@cofl/wallet/browser'
import type { HeldCredential } from '@cofl/wallet/browser'
import type { HolderRecord } from './db.js'

type Json = Record<string, unknown>

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. */
export const BACKUP_PBKDF2_ITERATIONS = 600_000
export const BACKUP_KEY_ENCRYPTION = 'pbkdf2-sha256-aes-256-gcm'
export const MIN_PASSPHRASE_LENGTH = 8

/** The holder key in a backup made in the browser. */
export interface SealedHolderKey {
  type: 'cofl-key'
  version: 1
  did: string
  publicKeyMultibase: string
  secret: {
    encryption: typeof BACKUP_KEY_ENCRYPTION
    kdf: { hash: 'SHA-256', iterations: number, salt: string }
    iv: string
    tag: string
    ciphertext: string
  }
}

/** The backup file (a `WalletBackup` of @cofl/wallet, with the key sealed as above). */
export interface BrowserWalletBackup {
  type: typeof BACKUP_TYPE
  version: typeof BACKUP_VERSION
  did: string
  createdAt: string
  credentials: Json[]
  holderKey?: SealedHolderKey
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

/** The holder key sealed with a passphrase. */
export async function sealHolderKey (holder: HolderRecord, passphrase: string): Promise<SealedHolderKey> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new TypeError(`the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`)
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await deriveKey(passphrase, salt, BACKUP_PBKDF2_ITERATIONS)
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: UTF8.encode(holder.did), tagLength: 128 }, key, UTF8.encode(holder.secretKeyMultibase)))
  return {
    type: 'cofl-key',
    version: 1,
    did: holder.did,
    publicKeyMultibase: holder.publicKeyMultibase,
    secret: {
      encryption: BACKUP_KEY_ENCRYPTION,
      kdf: { hash: 'SHA-256', iterations: BACKUP_PBKDF2_ITERATIONS, salt: toBase64(salt) },
      iv: toBase64(iv),
      tag: toBase64(sealed.subarray(sealed.length - 16)),
      ciphertext: toBase64(sealed.subarray(0, sealed.length - 16))
    }
  }
}

/** The secret key (multibase) of a sealed holder key; a wrong passphrase is said as such. */
export async function openHolderKey (value: unknown, passphrase: string): Promise<{ did: string, publicKeyMultibase: string, secretKeyMultibase: string }> {
  const file = value as Partial<SealedHolderKey> | null
  const secret = file?.secret as Partial<SealedHolderKey['secret']> | undefined
  if (file?.type !== 'cofl-key' || typeof file.did !== 'string' || typeof file.publicKeyMultibase !== 'string' || secret == null) {
    throw new ImportFormatError('the backup\'s holder key is not a cofl key file')
  }
  if (secret.encryption !== BACKUP_KEY_ENCRYPTION) {
    throw new ImportFormatError(`the backup's holder key is sealed with ${String(secret.encryption)}, which this page cannot open (it opens keys backed up from a wallet page: ${BACKUP_KEY_ENCRYPTION})`)
  }
  const { kdf, iv, tag, ciphertext } = secret
  if (kdf == null || typeof kdf.salt !== 'string' || !Number.isInteger(kdf.iterations) || kdf.iterations < 100_000 || kdf.iterations > 10_000_000 ||
    typeof iv !== 'string' || typeof tag !== 'string' || typeof ciphertext !== 'string') {
    throw new ImportFormatError('the backup\'s holder key is incomplete (kdf, iv, tag, ciphertext)')
  }
  let plain: ArrayBuffer
  try {
    const key = await deriveKey(passphrase, fromBase64(kdf.salt), kdf.iterations)
    const sealed = new Uint8Array([...fromBase64(ciphertext), ...fromBase64(tag)])
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: UTF8.encode(file.did), tagLength: 128 }, key, sealed)
  } catch (err) {
    throw new ImportFormatError('the passphrase does not open the backup\'s holder key (or the backup was changed)', { cause: err })
  }
  return { did: file.did, publicKeyMultibase: file.publicKeyMultibase, secretKeyMultibase: new TextDecoder().decode(plain) }
}

/** The backup of the wallet: its credentials, and its key when a passphrase is given. */
export async function makeBackup (holder: HolderRecord, held: HeldCredential[], passphrase?: string): Promise<BrowserWalletBackup> {
  const backup: BrowserWalletBackup = {
    type: BACKUP_TYPE,
    version: BACKUP_VERSION,
    did: holder.did,
    createdAt: new Date().toISOString(),
    credentials: held.map((h) => h.credential)
  }
  if (passphrase != null && passphrase !== '') backup.holderKey = await sealHolderKey(holder, passphrase)
  return backup
}
