/**
 * What `import` reads: a wallet backup, one credential, an array of credentials, a presentation
 * (its credentials), or the bytes of any of these as JSON, or of a baked badge image.
 */
import { BACKUP_TYPE, BACKUP_VERSION } from './constants.js'
import { ImportFormatError } from './errors.js'
import type { WalletBackup } from './types.js'
import { detectBadgeFormat, extractCredential } from './bake.js'

type Json = Record<string, unknown>

export type ParsedImport =
  | { kind: 'backup', backup: WalletBackup, credentials: unknown[] }
  | { kind: 'credentials', credentials: unknown[] }

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The credential baked into a PNG (iTXt chunk `openbadgecredential`) or an SVG
 * (`<openbadges:credential>`), or undefined when the image holds none; a damaged image, or a
 * VC-JWT (which cofl does not support), is an ImportFormatError.
 */
function readBakedImage (bytes: Uint8Array, format: 'png' | 'svg'): unknown {
  let baked
  try {
    baked = extractCredential(bytes)
  } catch (err) {
    throw new ImportFormatError(`the ${format.toUpperCase()} image cannot be read: ${(err as Error).message}`, { cause: err })
  }
  if (baked === undefined) return undefined
  if (typeof baked.value === 'string') throw new ImportFormatError(`the ${format.toUpperCase()} image holds a VC-JWT credential, which cofl does not support`)
  return baked.value
}

function parseBytes (bytes: Uint8Array): unknown {
  const format = detectBadgeFormat(bytes)
  if (format != null) {
    const credential = readBakedImage(bytes, format)
    if (credential === undefined) throw new ImportFormatError(`the ${format.toUpperCase()} image holds no baked credential`)
    return credential
  }
  const text = new TextDecoder().decode(bytes) // not Buffer: this module runs in browsers too
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (err) {
    throw new ImportFormatError(`the input is neither JSON nor a PNG / SVG image: ${(err as Error).message}`, { cause: err })
  }
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
