/**
 * @packageDocumentation
 *
 * @cofl/formats: the one home of credential formats. Reading a credential or presentation from
 * bytes (JSON; a baked PNG badge, iTXt chunk `openbadgecredential`; a baked SVG badge,
 * `<openbadges:credential>`; a VC-JWT, returned as such for the verifier to report as not
 * supported), detecting which format bytes are in, and baking a credential into a PNG or SVG
 * badge (Open Badges 3.0, "Baked Badge"). Browser-safe: no Node built-in outside zlib.ts, which a
 * browser bundle swaps for zlib-browser.ts (package.json `browser`).
 *
 * @example
 * ```ts
 * import { bakePng, FormatError, readCredential } from '@cofl/formats'
 *
 * const png = bakePng(badgeImage, credential)               // the image with the credential baked in
 * const read = readCredential(png, { fileName: 'badge.png' }) // { format: 'png', value: credential }
 * const report = read.vcJwt != null ? vcJwtReport(read.vcJwt) : await verifier.verify(read.value)
 * // a damaged image, one with nothing baked, bytes that are not JSON: a FormatError with its code
 * ```
 */
export {
  MAX_BAKED_TEXT_BYTES, OB3_PNG_KEYWORD, OB3_SVG_ELEMENT, OB3_SVG_NAMESPACE, PNG_MEDIA_TYPE, SVG_MEDIA_TYPE
} from './constants.js'
export { FormatError, FormatErrorCode } from './errors.js'
export { detectFormat, readCredential } from './read.js'
export type { CredentialFormat, FormatHint, ReadCredentialResult, VcJwt } from './read.js'
export { badgeColours, DEFAULT_BADGE_COLOURS, pngBadgeSvg } from './badge.js'
export type { BadgeColours } from './badge.js'
export { bakePng, defaultBadgePng, PNG_TEXT_CHUNKS, pngInfo, stripPngText, unbakePng } from './png.js'
export type { PngInfo } from './png.js'
export { bakeSvg, defaultBadgeSvg, unbakeSvg } from './svg.js'
export { parseBakedCredential } from './text.js'
