/**
 * The one error of @cofl/formats, with stable codes listed in docs/errors.md. Reading bytes someone
 * else made is reading untrusted input: a verifier turns a FormatError into a 400 (HTTP), exit 2
 * (CLI) or a message on the page, with its message, never into a crash.
 */
import { CoflError } from '@cofl/errors'

export const FormatErrorCode = {
  /** The bytes are not a PNG image (no PNG signature): baking into them, or reading them as the PNG their media type says. */
  NOT_PNG: 'COFL_ERR_BAKE_NOT_PNG',
  /** The text is not an SVG image (no `<svg>` root element after the XML prolog). */
  NOT_SVG: 'COFL_ERR_BAKE_NOT_SVG',
  /**
   * A PNG or SVG that cannot be read: a truncated PNG, a wrong chunk CRC, no IEND, an SVG that
   * is not well-formed XML, or a baked credential that is neither JSON nor a compact JWS.
   */
  MALFORMED: 'COFL_ERR_BAKE_MALFORMED',
  /** A PNG or SVG image with no credential baked into it. */
  NO_CREDENTIAL: 'COFL_ERR_BAKE_NO_CREDENTIAL',
  /** Bytes read as JSON (by their media type or file name, or being no badge image and no VC-JWT) that are not JSON, or JSON with a `__proto__` key. */
  NOT_JSON: 'COFL_ERR_FORMAT_NOT_JSON'
} as const

export type FormatErrorCode = typeof FormatErrorCode[keyof typeof FormatErrorCode]

export class FormatError extends CoflError<FormatErrorCode> {}

/** A COFL_ERR_BAKE_MALFORMED error. */
export function malformed (message: string, options?: ErrorOptions): FormatError {
  return new FormatError(FormatErrorCode.MALFORMED, message, options)
}
