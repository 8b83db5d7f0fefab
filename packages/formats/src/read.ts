/**
 * From bytes to the thing to verify: what format they are in (a PNG or SVG badge with a credential
 * baked in, a VC-JWT's compact JWS, or JSON), and the credential or presentation they hold. One
 * function, readCredential, for every place that takes a credential as bytes: the node's
 * POST /api/verify, `cofl verify` and `cofl verify --batch`, the verify page, a wallet's import.
 *
 * The bytes decide, in this order: the PNG signature, an `<svg>` root (in any encoding the SVG
 * declares), a compact JWS, JSON. A hint helps where they do not: a media type that names a
 * format (image/png, image/svg+xml, application/json and the other JSON types) is binding, so
 * bytes that are not that format are refused; a file name names the input in messages, and one
 * ending in .json or .jsonld makes bytes that are no image read as JSON.
 */
import { OB3_PNG_KEYWORD, PNG_MEDIA_TYPE, SVG_MEDIA_TYPE } from './constants.js'
import { FormatError, FormatErrorCode } from './errors.js'
import { isPng, unbakePng } from './png.js'
import { svgText, unbakeSvg } from './svg.js'
import { jwsHeader, parseBakedCredential, parseJson, trimSpace } from './text.js'

/** Where a credential comes from: JSON text, a baked PNG or SVG badge, or a bare compact JWS (a VC-JWT). */
export type CredentialFormat = 'json' | 'png' | 'svg' | 'jwt'

/** What is known of the bytes besides themselves. */
export interface FormatHint {
  /**
   * The media type they came with (an HTTP Content-Type, parameters allowed). image/png,
   * image/svg+xml, application/json and application/*+json are binding; any other is ignored.
   */
  mediaType?: string
  /** The file they were read from: named in messages; `.json` / `.jsonld` make bytes that are no image read as JSON. */
  fileName?: string
  /** How messages name the input (such as "the body"). Default: the file name, else "the input". */
  name?: string
}

/** A VC-JWT: cofl does not verify those (@cofl/verifier's vcJwtReport says so). */
export interface VcJwt {
  /** The compact JWS. */
  jws: string
  /** The `alg` of its protected header, when it names one. */
  alg?: string
}

/** What readCredential found. */
export interface ReadCredentialResult {
  format: CredentialFormat
  /**
   * The credential or presentation: the parsed JSON (any JSON: the verifier says what it is not),
   * or the compact JWS of a VC-JWT as a string.
   */
  value: unknown
  /** Set when `value` is a VC-JWT (bare, or baked into the image). */
  vcJwt?: VcJwt
}

const JSON_FILE = /\.(json|jsonld)$/i
const JSON_START = /^[ \t\r\n]*[[{]/

/** The format a media type binds the bytes to, if any. */
function declaredFormat (mediaType: string | undefined): CredentialFormat | undefined {
  const type = mediaType?.split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === PNG_MEDIA_TYPE) return 'png'
  if (type === SVG_MEDIA_TYPE) return 'svg'
  if (type === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(type)) return 'json'
  return undefined
}

/** The bytes as UTF-8 text (invalid sequences replaced, as Node's Buffer#toString does), without a BOM. */
function utf8 (bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes)
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

interface Sniffed { format: CredentialFormat | undefined, text?: string }

function sniff (bytes: Uint8Array, hint: FormatHint): Sniffed {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  if (isPng(bytes)) return { format: 'png' }
  const svg = svgText(bytes)
  if (svg !== undefined) return { format: 'svg', text: svg }
  const text = utf8(bytes)
  const declared = declaredFormat(hint.mediaType)
  if (declared !== 'json' && jwsHeader(trimSpace(text)) !== undefined) return { format: 'jwt', text: trimSpace(text) }
  const json = declared === 'json' || JSON_START.test(text) || JSON_FILE.test(hint.fileName ?? '')
  return { format: json ? 'json' : undefined, text }
}

/**
 * The format of `bytes`: 'png' (the PNG signature), 'svg' (an `<svg>` root after an optional
 * prolog), 'jwt' (a compact JWS with a JSON header), 'json' (what begins as a JSON object or
 * array, or is given as JSON by its media type or file name), or undefined. It says what the
 * bytes look like, not whether they read (readCredential does).
 */
export function detectFormat (bytes: Uint8Array, hint: FormatHint = {}): CredentialFormat | undefined {
  return sniff(bytes, hint).format
}

function vcJwt (jws: string): VcJwt {
  const alg = jwsHeader(jws)?.alg
  return { jws, ...(typeof alg === 'string' ? { alg } : {}) }
}

function imageName (format: 'png' | 'svg'): string {
  return format === 'png' ? 'a PNG image' : 'an SVG image'
}

/**
 * The credential or presentation that `bytes` hold: a baked PNG's `openbadgecredential` iTXt
 * chunk (compressed or not), a baked SVG's `<openbadges:credential>` element, a bare compact JWS
 * (a VC-JWT, returned with `vcJwt` set, as is one baked into an image), or JSON (parsed, refusing
 * prototype poisoning). Throws a FormatError: COFL_ERR_BAKE_NOT_PNG / COFL_ERR_BAKE_NOT_SVG for
 * bytes that are not the image their media type says, COFL_ERR_BAKE_MALFORMED for a damaged
 * image or a baked text that is neither JSON nor a compact JWS, COFL_ERR_BAKE_NO_CREDENTIAL for
 * an image with nothing baked into it, COFL_ERR_FORMAT_NOT_JSON for anything else that is not JSON.
 */
export function readCredential (bytes: Uint8Array, hint: FormatHint = {}): ReadCredentialResult {
  const { format, text } = sniff(bytes, hint)
  const subject = hint.name ?? hint.fileName ?? 'the input'
  const declared = declaredFormat(hint.mediaType)
  if (declared === 'png' && format !== 'png') {
    throw new FormatError(FormatErrorCode.NOT_PNG, `${subject} is not a PNG image (it does not begin with the PNG signature), although its media type is ${PNG_MEDIA_TYPE}`)
  }
  if (declared === 'svg' && format !== 'svg') {
    throw new FormatError(FormatErrorCode.NOT_SVG, `${subject} is not an SVG image (no <svg> root element), although its media type is ${SVG_MEDIA_TYPE}`)
  }
  if (declared === 'json' && (format === 'png' || format === 'svg')) {
    throw new FormatError(FormatErrorCode.NOT_JSON, `${subject} is ${imageName(format)}, not JSON as its media type says`)
  }
  if (format === 'png' || format === 'svg') {
    const baked = format === 'png' ? unbakePng(bytes) : unbakeSvg(text as string)
    if (baked === undefined) {
      throw new FormatError(FormatErrorCode.NO_CREDENTIAL, `${subject} is ${imageName(format)} with no baked credential (${format === 'png' ? `no iTXt chunk "${OB3_PNG_KEYWORD}"` : 'no <openbadges:credential> element'})`)
    }
    const value = parseBakedCredential(baked)
    return typeof value === 'string' ? { format, value, vcJwt: vcJwt(value) } : { format, value }
  }
  if (format === 'jwt') return { format, value: text as string, vcJwt: vcJwt(text as string) }
  const parsed = parseJson(text as string)
  if (parsed.ok) return { format: 'json', value: parsed.value }
  const why = parsed.poisoning
    ? `${subject} ${parsed.reason}`
    : format === 'json'
      ? `${subject} is not JSON: ${parsed.reason}`
      : `${subject} is neither JSON nor a badge image (PNG or SVG) nor a VC-JWT: ${parsed.reason}`
  throw new FormatError(FormatErrorCode.NOT_JSON, why, parsed.cause !== undefined ? { cause: parsed.cause } : undefined)
}
