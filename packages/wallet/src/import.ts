/**
 * What `import` reads: a wallet backup, one credential, an array of credentials, a presentation
 * (its credentials), or the bytes of any of these as JSON, or of a baked badge image.
 */
import { BACKUP_TYPE, BACKUP_VERSION } from './constants.js'
import { ImportFormatError } from './errors.js'
import type { WalletBackup } from './types.js'
import { detectFormat, FormatError, FormatErrorCode, readCredential } from '@cofl/formats'

type Json = Record<string, unknown>

export type ParsedImport =
  | { kind: 'backup', backup: WalletBackup, credentials: unknown[] }
  | { kind: 'credentials', credentials: unknown[] }

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * What bytes hold (@cofl/formats' readCredential): JSON, or the credential baked into a PNG (iTXt
 * chunk `openbadgecredential`) or an SVG (`<openbadges:credential>`). An image that holds none or
 * cannot be read, a VC-JWT (which cofl does not support), or anything else that is not JSON is an
 * ImportFormatError.
 */
function parseBytes (bytes: Uint8Array): unknown {
  let read
  try {
    read = readCredential(bytes)
  } catch (err) {
    if (!(err instanceof FormatError)) throw err
    if (err.code === FormatErrorCode.NOT_JSON) throw new ImportFormatError(`the input is neither JSON nor a PNG / SVG image: ${err.message}`, { cause: err })
    const image = `the ${String(detectFormat(bytes)).toUpperCase()} image`
    if (err.code === FormatErrorCode.NO_CREDENTIAL) throw new ImportFormatError(`${image} holds no baked credential`, { cause: err })
    throw new ImportFormatError(`${image} cannot be read: ${err.message}`, { cause: err })
  }
  if (read.vcJwt !== undefined) throw new ImportFormatError(`the ${read.format === 'jwt' ? 'input' : `${read.format.toUpperCase()} image`} holds a VC-JWT credential, which cofl does not support`)
  return read.value
}

function parseBackup (value: Json): WalletBackup {
  if (value.version !== BACKUP_VERSION) {
    throw new ImportFormatError(`unsupported wallet backup version ${JSON.stringify(value.version)} (this cofl reads version ${BACKUP_VERSION})`)
  }
  if (typeof value.did !== 'string' || !Array.isArray(value.credentials)) {
    throw new ImportFormatError('the wallet backup lacks "did" or its "credentials" array')
  }
  if (value.holderKey != null && !isObject(value.holderKey)) throw new ImportFormatError('the wallet backup\'s "holderKey" is not a key file')
  return value as unknown as WalletBackup
}

/** Sorts the input of `import` into credentials (each still untrusted: `add` checks it). */
export function parseImport (input: unknown): ParsedImport {
  const value = input instanceof Uint8Array ? parseBytes(input) : input
  if (Array.isArray(value)) return { kind: 'credentials', credentials: value }
  if (!isObject(value)) {
    throw new ImportFormatError(`expected a wallet backup, a credential or an array of credentials, got ${value === null ? 'null' : typeof value}`)
  }
  if (value.type === BACKUP_TYPE) {
    const backup = parseBackup(value)
    return { kind: 'backup', backup, credentials: backup.credentials }
  }
  const types = [value.type].flat()
  if (types.includes('VerifiablePresentation')) {
    const inner = value.verifiableCredential
    return { kind: 'credentials', credentials: inner == null ? [] : [inner].flat() }
  }
  return { kind: 'credentials', credentials: [value] }
}
