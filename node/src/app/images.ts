/**
 * Badge images (docs/architecture.md, "Badge images"): the image an issuer gives an achievement,
 * checked, made safe, and published so that every node can serve it.
 *
 * An image is a PNG or an SVG of at most MAX_IMAGE_BYTES. A PNG must be a whole PNG (signature,
 * IHDR first, every chunk's CRC, IEND last) of at most MAX_IMAGE_SIDE pixels a side; its text and
 * metadata chunks (tEXt, iTXt, zTXt, eXIf, tIME) are removed, so that an image never carries a
 * credential baked into it or anything else than pixels. An SVG is UTF-8 XML without a DTD (no
 * entities: no "billion laughs"), sanitised by DOMPurify's SVG profile over jsdom: a script, an
 * event handler, a foreignObject (or any other element that embeds a document), a reference to
 * anything outside the image (href / xlink:href other than `#id` or a `data:image/png;base64`,
 * url() other than `url(#id)`, a style sheet's @import) is refused with COFL_ERR_IMAGE_UNSAFE;
 * what the profile drops besides (editor metadata, unknown attributes) is dropped. The checked
 * bytes are what is published: an image document `urn:cofl:image:<sha256 hex>.<png|svg>` of the
 * issuer (kind 'image', content rule `imageRule`: every node checks it again, and refuses one
 * whose bytes are not exactly what the check makes of them), and the achievement's `image.id`
 * names the same hash (IMAGE_FILE).
 */
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signDocument } from '@cofl/credentials'
import { claimOf, kindCollection } from '@cofl/federation'
import { detectFormat, FormatError, pngInfo, stripPngText } from '@cofl/formats'
import type { KeyPair } from '@cofl/identity'
import type { Store } from '@cofl/store'
import { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MAX_SVG_TAGS } from './constants.js'
import { NodeError } from './errors.js'
import type { Network } from './network.js'

/** The id of an image document: `urn:cofl:image:` and its file name. */
const IMAGE_ID_PREFIX = 'urn:cofl:image:'

/** An image's file name: the SHA-256 of its bytes (hex) and its type. */
const IMAGE_FILE = /^([0-9a-f]{64})\.(png|svg)$/

/** An achievement's image id that names an image by its hash: `<base>/api/images/<file>` or `urn:cofl:image:<file>`. */
const IMAGE_ID = /(?:\/api\/images\/|^urn:cofl:image:)([0-9a-f]{64}\.(?:png|svg))$/

type ImageType = 'png' | 'svg'

const IMAGE_MEDIA_TYPES: Readonly<Record<ImageType, string>> = { png: 'image/png', svg: 'image/svg+xml' }

/** The codes of the image errors, each with the HTTP status it is answered with. */
export const ImageErrorCode = {
  /** Neither a PNG nor an SVG (nor a data: URI of one). */
  TYPE: 'COFL_ERR_IMAGE_TYPE',
  /** More than MAX_IMAGE_BYTES, or a PNG wider or higher than MAX_IMAGE_SIDE. */
  TOO_LARGE: 'COFL_ERR_IMAGE_TOO_LARGE',
  /** An SVG with a script, an event handler, a foreignObject, an external reference, a DTD. */
  UNSAFE: 'COFL_ERR_IMAGE_UNSAFE',
  /** A damaged PNG, an SVG that is not well-formed UTF-8 XML. */
  MALFORMED: 'COFL_ERR_IMAGE_MALFORMED'
} as const
export type ImageErrorCode = typeof ImageErrorCode[keyof typeof ImageErrorCode]

const IMAGE_ERROR_STATUS: Readonly<Record<ImageErrorCode, number>> = {
  COFL_ERR_IMAGE_TYPE: 415,
  COFL_ERR_IMAGE_TOO_LARGE: 413,
  COFL_ERR_IMAGE_UNSAFE: 400,
  COFL_ERR_IMAGE_MALFORMED: 400
}

/** An image refused (ImageErrorCode); `status` is what the HTTP API answers. The CLI exits 2. */
export class ImageError extends NodeError<ImageErrorCode> {
  readonly status: number
  constructor (code: ImageErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
    this.status = IMAGE_ERROR_STATUS[code]
  }
}

/** An image as checked: the bytes to publish and serve, their type and hash, its file name. */
interface CheckedImage {
  bytes: Uint8Array
  type: ImageType
  mediaType: string
  /** SHA-256 of `bytes`, hex. */
  hash: string
  /** `<hash>.<png|svg>` */
  file: string
}

/** The bytes of a `data:image/png;base64,...` or `data:image/svg+xml;base64,...` (or percent-encoded SVG) URI. */
function dataUriBytes (uri: string): Uint8Array {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(uri)
  if (match == null) throw new ImageError(ImageErrorCode.TYPE, 'the image must be a data: URI (data:image/png;base64,... or data:image/svg+xml;base64,...)')
  const mediaType = (match[1] as string).toLowerCase()
  if (mediaType !== 'image/png' && mediaType !== 'image/svg+xml') {
    throw new ImageError(ImageErrorCode.TYPE, `the image is ${mediaType === '' ? 'of no media type' : mediaType}; a badge image is image/png or image/svg+xml`)
  }
  const body = match[3] as string
  // base64 grows bytes by 4/3: refuse a body that cannot decode to at most MAX_IMAGE_BYTES before decoding it.
  if (body.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4 * 3) throw new ImageError(ImageErrorCode.TOO_LARGE, `the image's data: URI has ${body.length} characters, more than an image of at most ${MAX_IMAGE_BYTES / 1024} KiB needs`)
  if ((match[2] as string).toLowerCase().split(';').includes('base64')) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.replace(/\s+/g, ''))) throw new ImageError(ImageErrorCode.MALFORMED, 'the image\'s data: URI is not valid base64')
    return new Uint8Array(Buffer.from(body, 'base64'))
  }
  try {
    return new TextEncoder().encode(decodeURIComponent(body))
  } catch (err) {
    throw new ImageError(ImageErrorCode.MALFORMED, 'the image\'s data: URI is not valid percent-encoding', { cause: err })
  }
}

function tooLarge (bytes: number): ImageError {
  return new ImageError(ImageErrorCode.TOO_LARGE, `the image has ${bytes} bytes; a badge image has at most ${MAX_IMAGE_BYTES} (${MAX_IMAGE_BYTES / 1024} KiB)`)
}

/**
 * Checks an image and returns what to publish: a PNG without its text chunks, an SVG as the
 * sanitiser writes it. Throws ImageError (never anything else for any bytes).
 */
function checkImage (bytes: Uint8Array): CheckedImage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('checkImage(bytes): bytes must be a Uint8Array')
  if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge(bytes.length)
  const format = detectFormat(bytes)
  let out: Uint8Array
  let type: ImageType
  if (format === 'png') {
    type = 'png'
    out = checkPng(bytes)
  } else if (format === 'svg' || startsLikeXml(bytes)) {
    type = 'svg'
    out = new TextEncoder().encode(sanitiseSvg(bytes))
    if (out.length > MAX_IMAGE_BYTES) throw tooLarge(out.length)
  } else {
    throw new ImageError(ImageErrorCode.TYPE, 'the image is neither a PNG nor an SVG (a badge image is image/png or image/svg+xml)')
  }
  const hash = createHash('sha256').update(out).digest('hex')
  return { bytes: out, type, mediaType: IMAGE_MEDIA_TYPES[type], hash, file: `${hash}.${type}` }
}

function startsLikeXml (bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart()
  return head.startsWith('<?xml') || head.startsWith('<!') || head.startsWith('<svg')
}

function checkPng (bytes: Uint8Array): Uint8Array {
  let info
  try {
    info = pngInfo(bytes)
  } catch (err) {
    if (err instanceof FormatError) throw new ImageError(ImageErrorCode.MALFORMED, `the image is not a readable PNG: ${err.message}`, { cause: err })
    throw err
  }
  if (info.width > MAX_IMAGE_SIDE || info.height > MAX_IMAGE_SIDE) {
    throw new ImageError(ImageErrorCode.TOO_LARGE, `the PNG is ${info.width}x${info.height} pixels; a badge image is at most ${MAX_IMAGE_SIDE} pixels a side`)
  }
  if (!info.chunks.includes('IDAT')) throw new ImageError(ImageErrorCode.MALFORMED, 'the PNG has no image data (no IDAT chunk)')
  return stripPngText(bytes)
}

/** Elements that run code or embed another document: refused, not dropped. */
const UNSAFE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'handler', 'listener', 'set', 'animate', 'animatemotion', 'animatetransform', 'animatecolor'])
/** SVG's element names with capitals that DOMPurify's SVG profiles allow (named in lower case there). */
const SVG_CAMEL_TAGS = [
  'clipPath', 'linearGradient', 'radialGradient', 'textPath', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite',
  'feConvolveMatrix', 'feDiffuseLighting', 'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB',
  'feFuncG', 'feFuncR', 'feGaussianBlur', 'feImage', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight',
  'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence'
]
/** SVG's attribute names with capitals (presentation and geometry), likewise. */
const SVG_CAMEL_ATTRIBUTES = [
  'baseFrequency', 'clipPathUnits', 'diffuseConstant', 'edgeMode', 'filterUnits', 'gradientTransform', 'gradientUnits', 'kernelMatrix',
  'kernelUnitLength', 'lengthAdjust', 'limitingConeAngle', 'markerHeight', 'markerUnits', 'markerWidth', 'maskContentUnits', 'maskUnits',
  'numOctaves', 'pathLength', 'patternContentUnits', 'patternTransform', 'patternUnits', 'pointsAtX', 'pointsAtY', 'pointsAtZ',
  'preserveAlpha', 'preserveAspectRatio', 'primitiveUnits', 'refX', 'refY', 'specularConstant', 'specularExponent', 'spreadMethod',
  'startOffset', 'stdDeviation', 'stitchTiles', 'surfaceScale', 'tableValues', 'targetX', 'targetY', 'textLength', 'viewBox',
  'xChannelSelector', 'yChannelSelector'
]
/** The href an SVG may keep: a fragment of itself, or a PNG given in full. */
const SAFE_HREF = /^(?:#[^\s]*|data:image\/png;base64,[A-Za-z0-9+/=\s]*)$/i
/** url(...) in an attribute or a style sheet, and what it points to. */
const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi

interface Purifier {
  sanitize: (dirty: string, config: Record<string, unknown>) => string
  addHook: (name: string, hook: (node: { nodeName?: string, textContent?: string | null }, data: Record<string, unknown>) => void) => void
}

let purifier: { purify: Purifier, problems: string[] } | undefined

/** DOMPurify over a jsdom window, made once (jsdom is loaded only when an SVG is first checked). */
function svgPurifier (): { purify: Purifier, problems: string[] } {
  if (purifier != null) return purifier
  const require = createRequire(import.meta.url)
  const { JSDOM } = require('jsdom') as { JSDOM: new (html: string) => { window: unknown } }
  const createDOMPurify = require('dompurify') as (window: unknown) => Purifier
  const purify = createDOMPurify(new JSDOM('').window)
  const problems: string[] = []
  const externalUrl = (value: string): string | undefined => {
    for (const m of value.matchAll(CSS_URL)) if (!(m[2] as string).trim().startsWith('#')) return (m[2] as string).trim()
    return undefined
  }
  purify.addHook('uponSanitizeElement', (node, data) => {
    const name = String(data.tagName ?? node.nodeName ?? '').toLowerCase()
    if (UNSAFE_ELEMENTS.has(name)) problems.push(`a <${String(data.tagName)}> element`)
    if (name === 'style') {
      const css = node.textContent ?? ''
      if (/@import/i.test(css)) problems.push('a style sheet with @import')
      const url = externalUrl(css)
      if (url != null) problems.push(`a style sheet with url(${url.slice(0, 60)})`)
    }
  })
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    const name = String(data.attrName ?? '').toLowerCase()
    const value = String(data.attrValue ?? '')
    if (name.startsWith('on')) {
      problems.push(`an event handler attribute ${String(data.attrName)}`)
    } else if (name === 'href' || name.endsWith(':href') || name === 'src') {
      if (!SAFE_HREF.test(value.trim())) problems.push(`a reference ${String(data.attrName)}="${value.slice(0, 60)}" (only #id or data:image/png;base64 are allowed)`)
    } else {
      const url = externalUrl(value)
      if (url != null) problems.push(`an attribute ${String(data.attrName)} with url(${url.slice(0, 60)})`)
      if (/@import|javascript:/i.test(value)) problems.push(`an attribute ${String(data.attrName)} with ${/@import/i.test(value) ? '@import' : 'a javascript: URL'}`)
    }
  })
  purifier = { purify, problems }
  return purifier
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true })

/** The SVG as DOMPurify's SVG profile writes it; throws ImageError for anything unsafe or unreadable. */
function sanitiseSvg (bytes: Uint8Array): string {
  let text: string
  try {
    text = UTF8_STRICT.decode(bytes).replace(/^\uFEFF/, '')
  } catch (err) {
    throw new ImageError(ImageErrorCode.MALFORMED, 'the SVG is not UTF-8 text', { cause: err })
  }
  // Before any parser sees it: a DTD declares entities (expansion: "billion laughs", external ones).
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ImageError(ImageErrorCode.UNSAFE, 'the SVG has a DOCTYPE or an ENTITY declaration, which a badge image may not have (entities can expand without bound or read external files)')
  let tags = 0
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    if (++tags > MAX_SVG_TAGS) throw new ImageError(ImageErrorCode.TOO_LARGE, `the SVG has more than ${MAX_SVG_TAGS} tags; a badge image has at most ${MAX_SVG_TAGS}`)
  }
  if (/<\?xml-stylesheet/i.test(text)) throw new ImageError(ImageErrorCode.UNSAFE, 'the SVG names an external style sheet (<?xml-stylesheet?>), which a badge image may not have')
  const { purify, problems } = svgPurifier()
  problems.length = 0
  let out: string
  try {
    out = purify.sanitize(text.replace(/^<\?xml[^>]*\?>\s*/, ''), {
      USE_PROFILES: { svg: true, svgFilters: true },
      PARSER_MEDIA_TYPE: 'application/xhtml+xml',
      // XML keeps case: DOMPurify's lists name these in lower case, which would drop them.
      ADD_TAGS: ['use', ...SVG_CAMEL_TAGS],
      ADD_ATTR: SVG_CAMEL_ATTRIBUTES,
      WHOLE_DOCUMENT: false
    })
  } catch (err) {
    throw new ImageError(ImageErrorCode.MALFORMED, `the SVG cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  if (problems.length > 0) {
    const found = [...new Set(problems)]
    throw new ImageError(ImageErrorCode.UNSAFE, `the SVG has ${found.slice(0, 5).join('; ')}${found.length > 5 ? `; and ${found.length - 5} more` : ''}: a badge image may not run scripts, embed documents or load anything from elsewhere`)
  }
  out = out.trim()
  if (!/^<svg[\s>]/.test(out)) throw new ImageError(ImageErrorCode.MALFORMED, 'the image is not a well-formed SVG document (an <svg> root element in well-formed XML)')
  return `${out}\n`
}

/** The file name (`<hash>.<png|svg>`) an achievement's image id names, if it names one by its hash. */
export function imageFileOf (imageId: unknown): string | undefined {
  const id = typeof imageId === 'string' ? imageId : imageId != null && typeof imageId === 'object' ? (imageId as { id?: unknown }).id : undefined
  return typeof id === 'string' ? IMAGE_ID.exec(id)?.[1] : undefined
}

/** The id of the image document of `file`. */
export function imageDocumentId (file: string): string {
  return `${IMAGE_ID_PREFIX}${file}`
}

/** The unsigned image document of a checked image, for `issuer` (kind 'image'). */
function buildImageDocument (image: CheckedImage, issuer: string, context: readonly string[]): Record<string, unknown> {
  return {
    '@context': [...context],
    id: imageDocumentId(image.file),
    type: ['CoflImage'],
    issuer,
    encodingFormat: image.mediaType,
    content: Buffer.from(image.bytes).toString('base64')
  }
}

/** The bytes and media type of an image document (as imageRule accepted it). */
export function imageDocumentBytes (document: Record<string, unknown>): { bytes: Uint8Array, mediaType: string } {
  return { bytes: new Uint8Array(Buffer.from(String(document.content), 'base64')), mediaType: String(document.encodingFormat) }
}

/**
 * The content rule of an image document (documents.ts): its id names the SHA-256 of its bytes and
 * their type, and checking the bytes again leaves them as they are (a PNG without text chunks, an
 * SVG as the sanitiser writes it). Never throws.
 */
export function imageRule (document: Record<string, unknown>): string[] {
  const id = typeof document.id === 'string' && document.id.startsWith(IMAGE_ID_PREFIX) ? document.id.slice(IMAGE_ID_PREFIX.length) : ''
  const file = IMAGE_FILE.exec(id)
  if (file == null) return [`id: an image's id is ${IMAGE_ID_PREFIX}<sha256 hex>.<png|svg>`]
  const type = file[2] as ImageType
  if (document.encodingFormat !== IMAGE_MEDIA_TYPES[type]) return [`encodingFormat: must be ${IMAGE_MEDIA_TYPES[type]} for a .${type} image`]
  const content = document.content
  if (typeof content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) return ['content: must be the image\'s bytes in base64']
  if (content.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4) return [`content: more than ${MAX_IMAGE_BYTES} bytes`]
  const bytes = new Uint8Array(Buffer.from(content, 'base64'))
  if (createHash('sha256').update(bytes).digest('hex') !== file[1]) return ['content: its SHA-256 is not the one its id names']
  try {
    const checked = checkImage(bytes)
    if (checked.file !== id) return [`content: not a ${type} image as a node publishes it (checked again, it is ${checked.file})`]
  } catch (err) {
    return [`content: ${err instanceof Error ? err.message : String(err)}`]
  }
  return []
}

/** What publishing an achievement's image needs of the node. */
export interface ImagePublisher {
  key: KeyPair
  store: Store
  network: Pick<Network, 'publish'>
  publicBaseUrl: string | null
}

/**
 * Checks the image of a `data:` URI, publishes it as the issuer's image document (once: an image
 * this issuer published already is not published again) and returns the achievement's image id:
 * `<publicBaseUrl>/api/images/<file>`, or `urn:cofl:image:<file>` on a node without one.
 * Throws ImageError for an image it refuses.
 */
export async function publishImage (node: ImagePublisher, dataUri: string): Promise<string> {
  const image = checkImage(dataUriBytes(dataUri))
  const id = imageDocumentId(image.file)
  if (await claimOf(kindCollection(node.store, 'image'), id, node.key.did) == null) {
    const unsigned = buildImageDocument(image, node.key.did, [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT])
    await node.network.publish('image', await signDocument(unsigned, { key: node.key }) as unknown as Record<string, unknown>)
  }
  return node.publicBaseUrl != null ? `${node.publicBaseUrl.replace(/\/+$/, '')}/api/images/${image.file}` : id
}
