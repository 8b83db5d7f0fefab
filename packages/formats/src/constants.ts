/** Named constants of @cofl/formats. */

/** The keyword of the PNG iTXt chunk that holds an OB 3.0 credential. */
export const OB3_PNG_KEYWORD = 'openbadgecredential'

/** The XML namespace of the SVG credential element. */
export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0'

/** The SVG element that holds an OB 3.0 credential. */
export const OB3_SVG_ELEMENT = 'openbadges:credential'

/** The most text a compressed iTXt chunk may inflate to (the spec forbids compression; we still read it). */
export const MAX_BAKED_TEXT_BYTES = 16 * 1024 * 1024

/** The media type of a PNG badge. */
export const PNG_MEDIA_TYPE = 'image/png'

/** The media type of an SVG badge. */
export const SVG_MEDIA_TYPE = 'image/svg+xml'
