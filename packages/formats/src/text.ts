/**
 * A credential as text: its JSON, or the compact JWS of a VC-JWT. JSON is parsed as the node's
 * JSON API parses a body: a `__proto__` key, or a `constructor` holding a `prototype`, is refused
 * (prototype poisoning) rather than read.
 */
import { malformed } from './errors.js'

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/
/** Lone surrogates, which UTF-8 cannot carry. */
export const LONE_SURROGATE = /\p{Cs}/gu

/** What baking writes: a credential's text, and whether it is a compact JWS (a VC-JWT). */
export interface CredentialText { text: string, jws: boolean }

/** The UTF-8 text of a base64url string (atob and TextDecoder, not Buffer: this module runs in browsers too). */
function base64urlText (value: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))
}

/** The compact JWS's protected header, when `text` is a compact JWS (a VC-JWT). */
export function jwsHeader (text: string): Record<string, unknown> | undefined {
  if (!COMPACT_JWS.test(text)) return undefined
  try {
    const header: unknown = JSON.parse(base64urlText(text.slice(0, text.indexOf('.'))))
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? header as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** The text to bake for a credential object, its JSON text, or a compact JWS; a TypeError for anything else. */
export function credentialText (credential: object | string): CredentialText {
  if (typeof credential === 'string') {
    if (jwsHeader(credential) !== undefined) return { text: credential, jws: true }
    try {
      JSON.parse(credential)
    } catch (err) {
      throw new TypeError('credential must be an object, its JSON text, or a compact JWS (VC-JWT)', { cause: err })
    }
    return { text: credential, jws: false }
  }
  if (credential === null || typeof credential !== 'object') {
    throw new TypeError('credential must be an object, its JSON text, or a compact JWS (VC-JWT)')
  }
  return { text: JSON.stringify(credential), jws: false }
}

/**
 * JSON text with the characters a format cannot carry written as JSON escapes (`\uFFFE`): they
 * can only stand inside JSON strings, so the parsed value is the same.
 */
export function escapeInJson (text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Whitespace around a text, as JSON and XML count it. */
export function trimSpace (text: string): string {
  return text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '')
}

/** What parseJson gives: the value, or why the text is not JSON (or is refused). */
export type ParsedJson = { ok: true, value: unknown } | { ok: false, reason: string, poisoning: boolean, cause?: unknown }

/**
 * JSON.parse, refusing prototype poisoning: `__proto__` keys and a `constructor` that holds a
 * `prototype` (escaped or not: the check runs on the parsed keys). Never throws.
 */
export function parseJson (text: string): ParsedJson {
  // The reviver costs a call per value: only a text that could hold such a key pays for it.
  const suspicious = text.includes('proto') || text.includes('\\u')
  let poisoned: string | undefined
  try {
    const value: unknown = suspicious
      ? JSON.parse(text, function (key, value: unknown) {
        if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'))) {
          poisoned = key
          throw new SyntaxError(`a "${key}" key (prototype poisoning)`)
        }
        return value
      })
      : JSON.parse(text)
    return { ok: true, value }
  } catch (err) {
    return poisoned !== undefined
      ? { ok: false, reason: `holds a "${poisoned}" key (prototype poisoning)`, poisoning: true }
      : { ok: false, reason: (err as Error).message, poisoning: false, cause: err }
  }
}

/**
 * The credential read from a baked image's text: its JSON parsed, or the compact JWS of a VC-JWT
 * as a string. Throws COFL_ERR_BAKE_MALFORMED for anything else, and for JSON that tries
 * prototype poisoning.
 */
export function parseBakedCredential (text: string): unknown {
  if (typeof text !== 'string') throw new TypeError('text must be a string')
  const trimmed = trimSpace(text)
  if (jwsHeader(trimmed) !== undefined) return trimmed
  const parsed = parseJson(trimmed)
  if (parsed.ok) return parsed.value
  throw malformed(parsed.poisoning
    ? `the baked credential ${parsed.reason}`
    : `the baked credential is neither JSON nor a compact JWS (VC-JWT): ${parsed.reason}`, { cause: parsed.cause })
}
