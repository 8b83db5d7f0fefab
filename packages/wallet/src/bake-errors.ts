/**
 * Errors of baking and reading baked badge images (bake.ts), with stable codes listed in
 * docs/errors.md. Reading an image someone else made is reading untrusted input: a verifier turns
 * these into a 400 (HTTP) or exit 2 (CLI) with the message, never into a crash.
 */
export const BakeErrorCode = {
  /** The bytes are not a PNG image (no PNG signature). */
  NOT_PNG: 'COFL_ERR_BAKE_NOT_PNG',
  /** The text is not an SVG image (no `<svg>` root element after the XML prolog). */
  NOT_SVG: 'COFL_ERR_BAKE_NOT_SVG',
  /**
   * A PNG or SVG that cannot be read: a truncated PNG, a wrong chunk CRC, no IEND, an SVG that
   * is not well-formed XML, or a baked credential that is neither JSON nor a compact JWS.
   */
  MALFORMED: 'COFL_ERR_BAKE_MALFORMED'
} as const

export type BakeErrorCode = typeof BakeErrorCode[keyof typeof BakeErrorCode]

export class BakeError extends Error {
  readonly code: BakeErrorCode
  constructor (code: BakeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}
