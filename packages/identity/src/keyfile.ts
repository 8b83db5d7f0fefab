/**
 * The key file: one JSON file per key, the secret key encrypted at rest with a passphrase
 * (scrypt -> AES-256-GCM, the DID as additional authenticated data) or, for tests only,
 * explicitly unencrypted. Written with mode 0600, atomically, never over an existing file.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto'
import { constants } from 'node:fs'
import { link, open, readFile, rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { DEFAULT_SCRYPT_N, DEFAULT_SCRYPT_P, DEFAULT_SCRYPT_R, KEY_FILE_TYPE, KEY_FILE_VERSION } from './constants.js'
import { KeyFileError, KeyPassphraseError } from './errors.js'
import { keyPairFromMultibase } from './keys.js'
import type { KeyPair } from './keys.js'

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number, r: number, p: number, maxmem: number }) => Promise<Buffer>

export interface EncryptedSecret {
  encryption: 'scrypt-aes-256-gcm'
  kdf: { N: number, r: number, p: number, salt: string }
  iv: string
  tag: string
  ciphertext: string
}

export interface KeyFile {
  type: typeof KEY_FILE_TYPE
  version: typeof KEY_FILE_VERSION
  did: string
  publicKeyMultibase: string
  secret: { encryption: 'none', secretKeyMultibase: string } | EncryptedSecret
}

export type KeyProtection = { passphrase: string } | { unencrypted: true }

async function deriveKey (passphrase: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return await scrypt(passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r })
}

/** The key file's JSON for a key pair that can sign. */
export async function encodeKeyFile (keyPair: KeyPair, protection: KeyProtection): Promise<KeyFile> {
  const secretKeyMultibase = keyPair.secretKeyMultibase
  if (secretKeyMultibase == null) throw new TypeError('keyPair has no secret key')
  const base = { type: KEY_FILE_TYPE, version: KEY_FILE_VERSION, did: keyPair.did, publicKeyMultibase: keyPair.publicKeyMultibase } as const
  if ('unencrypted' in protection) {
    if (protection.unencrypted !== true) throw new TypeError('unencrypted must be true')
    return { ...base, secret: { encryption: 'none', secretKeyMultibase } }
  }
  if (typeof protection.passphrase !== 'string' || protection.passphrase.length === 0) {
    throw new TypeError('passphrase must be a non-empty string')
  }
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const key = await deriveKey(protection.passphrase, salt, DEFAULT_SCRYPT_N, DEFAULT_SCRYPT_R, DEFAULT_SCRYPT_P)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(keyPair.did, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(secretKeyMultibase, 'utf8'), cipher.final()])
  return {
    ...base,
    secret: {
      encryption: 'scrypt-aes-256-gcm',
      kdf: { N: DEFAULT_SCRYPT_N, r: DEFAULT_SCRYPT_R, p: DEFAULT_SCRYPT_P, salt: salt.toString('base64') },
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64')
    }
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when the key file needs a passphrase to open. */
export function keyFileIsEncrypted (file: KeyFile): boolean {
  return file.secret.encryption !== 'none'
}

/** Checks the shape of a parsed key file; throws KeyFileError saying what is wrong. */
export function parseKeyFile (value: unknown): KeyFile {
  if (!isObject(value) || value.type !== KEY_FILE_TYPE) throw new KeyFileError(`not a cofl key file (expected "type": "${KEY_FILE_TYPE}")`)
  if (value.version !== KEY_FILE_VERSION) throw new KeyFileError(`unsupported key file version ${String(value.version)} (this cofl reads version ${KEY_FILE_VERSION})`)
  if (typeof value.did !== 'string' || typeof value.publicKeyMultibase !== 'string') throw new KeyFileError('key file lacks "did" or "publicKeyMultibase"')
  const secret = value.secret
  if (!isObject(secret)) throw new KeyFileError('key file lacks "secret"')
  if (secret.encryption === 'none') {
    if (typeof secret.secretKeyMultibase !== 'string') throw new KeyFileError('key file lacks "secret.secretKeyMultibase"')
  } else if (secret.encryption === 'scrypt-aes-256-gcm') {
    const kdf = secret.kdf
    if (!isObject(kdf) || typeof kdf.N !== 'number' || typeof kdf.r !== 'number' || typeof kdf.p !== 'number' || typeof kdf.salt !== 'string' ||
      typeof secret.iv !== 'string' || typeof secret.tag !== 'string' || typeof secret.ciphertext !== 'string') {
      throw new KeyFileError('key file has an incomplete "secret" (kdf, iv, tag, ciphertext)')
    }
    if (!Number.isInteger(Math.log2(kdf.N)) || kdf.N < 2 ** 14 || kdf.N > 2 ** 20 || kdf.r < 1 || kdf.r > 32 || kdf.p < 1 || kdf.p > 16) {
      throw new KeyFileError('key file has scrypt parameters out of range')
    }
  } else {
    throw new KeyFileError(`unknown key encryption "${String(secret.encryption)}"`)
  }
  return value as unknown as KeyFile
}

/** Opens a key file's JSON into a key pair that can sign. */
export async function decodeKeyFile (file: KeyFile, options: { passphrase?: string } = {}): Promise<KeyPair> {
  let secretKeyMultibase: string
  if (file.secret.encryption === 'none') {
    secretKeyMultibase = file.secret.secretKeyMultibase
  } else {
    const { passphrase } = options
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      throw new KeyPassphraseError('the key file is encrypted: a passphrase is needed')
    }
    const { kdf, iv, tag, ciphertext } = file.secret
    const key = await deriveKey(passphrase, Buffer.from(kdf.salt, 'base64'), kdf.N, kdf.r, kdf.p)
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
      decipher.setAAD(Buffer.from(file.did, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      secretKeyMultibase = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8')
    } catch (err) {
      throw new KeyPassphraseError(undefined, { cause: err })
    }
  }
  let keyPair: KeyPair
  try {
    keyPair = await keyPairFromMultibase({ publicKeyMultibase: file.publicKeyMultibase, secretKeyMultibase })
  } catch (err) {
    throw new KeyFileError('the key file holds no valid Ed25519 key', { cause: err })
  }
  if (keyPair.did !== file.did) throw new KeyFileError(`the key file's DID ${file.did} does not match its key (${keyPair.did})`)
  return keyPair
}

/** A file system error in words, not as its errno code (`missing`: what ENOENT means here). */
function fsReason (err: unknown, missing: string): string {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return missing
  if (code === 'EISDIR') return 'it is a directory'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  return (err as Error).message
}

/** Writes a new key file (mode 0600). Refuses to replace an existing file. */
export async function writeKeyFile (path: string, keyPair: KeyPair, protection: KeyProtection): Promise<void> {
  const json = JSON.stringify(await encodeKeyFile(keyPair, protection), null, 2) + '\n'
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
    try {
      await handle.writeFile(json)
      await handle.sync()
    } finally {
      await handle.close()
    }
    // link() fails with EEXIST when the target exists: an atomic "create, never replace".
    try {
      await link(tmp, path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileError(`${path} exists already: cofl never overwrites a key`)
      throw err
    }
  } catch (err) {
    if (err instanceof KeyFileError) throw err
    throw new KeyFileError(`cannot write ${path}: ${fsReason(err, 'no such directory')}`, { cause: err })
  } finally {
    await rm(tmp, { force: true })
  }
}

/** Reads and parses a key file (without opening the secret). */
export async function readKeyFile (path: string): Promise<KeyFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new KeyFileError(`cannot read key file ${path}: ${fsReason(err, 'no such file')}`, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new KeyFileError(`${path} is not JSON`, { cause: err })
  }
  return parseKeyFile(json)
}

/** Reads a key file and opens it into a key pair that can sign. */
export async function loadKeyFile (path: string, options: { passphrase?: string } = {}): Promise<KeyPair> {
  return await decodeKeyFile(await readKeyFile(path), options)
}
