/**
 * Baked SVG badges (Open Badges 3.0, "Baked Badge"): the root `<svg>` gets
 * `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` and, as its first child,
 * `<openbadges:credential>` holding the JSON in a CDATA section (a VC-JWT goes in its `verify`
 * attribute instead). Only the root's start tag and the credential element are touched; the rest
 * of the document stays as it was, comments and all. The SVG is read with a small XML scanner that
 * knows comments, CDATA, processing instructions, DOCTYPE and quoted attributes, and refuses a
 * document that is not well-formed rather than guess.
 */
import { badgeColours } from './badge.js'
import { OB3_SVG_ELEMENT, OB3_SVG_NAMESPACE } from './constants.js'
import { FormatError, FormatErrorCode, malformed } from './errors.js'
import { credentialText, escapeInJson, trimSpace } from './text.js'

/** Characters XML 1.0 cannot carry, and lone surrogates (which UTF-8 cannot carry). */
// eslint-disable-next-line no-control-regex -- the control characters are what it matches
const NOT_XML_CHAR = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\p{Cs}/gu

interface Attribute {
  name: string
  /** The value as written, entities undecoded. */
  raw: string
  valueStart: number
  valueEnd: number
}

interface StartTag {
  name: string
  start: number
  /** Just after the last attribute (after its closing quote), or after the name. */
  attributesEnd: number
  /** Where `>` or `/>` begins. */
  close: number
  /** Just after the tag. */
  end: number
  selfClosing: boolean
  attributes: Attribute[]
}

interface CredentialElement {
  start: number
  end: number
  tag: StartTag
  /** Its character data (text and CDATA), entities decoded, line ends normalised. */
  text: string
}

interface SvgDocument {
  root: StartTag
  credentials: CredentialElement[]
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: '\'' }

function isSpace (c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

function skipSpace (s: string, i: number): number {
  while (isSpace(s[i])) i++
  return i
}

function nameEnd (s: string, i: number): number {
  for (;;) {
    const c = s[i]
    if (c === undefined || isSpace(c) || c === '>' || c === '/' || c === '=' || c === '<' || c === '"' || c === '\'' || c === '?' || c === '!') return i
    i++
  }
}

/** "line L, column C" of an offset, for messages. */
function where (s: string, i: number): string {
  const before = s.slice(0, i)
  const line = before.split('\n').length
  return `line ${line}, column ${i - before.lastIndexOf('\n')}`
}

function decodeEntities (text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[ref] ?? whole
  })
}

function normaliseLineEnds (text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

/** An attribute's value as an XML parser gives it: line ends and whitespace normalised, entities decoded. */
function attributeValue (raw: string): string {
  return decodeEntities(normaliseLineEnds(raw).replace(/[\t\n]/g, ' '))
}

/** Skips `<!DOCTYPE ...>`, with its quoted ids and internal subset; returns the offset after it. */
function skipDoctype (s: string, i: number): number {
  let j = i + '<!DOCTYPE'.length
  let subset = false
  while (j < s.length) {
    const c = s[j]
    if (c === '"' || c === '\'') {
      const close = s.indexOf(c, j + 1)
      if (close === -1) break
      j = close + 1
    } else if (subset && s.startsWith('<!--', j)) {
      const close = s.indexOf('-->', j + 4)
      if (close === -1) break
      j = close + 3
    } else if (c === '[' && !subset) {
      subset = true
      j++
    } else if (c === ']' && subset) {
      subset = false
      j++
    } else if (c === '>' && !subset) {
      return j + 1
    } else {
      j++
    }
  }
  throw malformed(`the DOCTYPE at ${where(s, i)} is not closed`)
}

function readStartTag (s: string, start: number): StartTag {
  const end = nameEnd(s, start + 1)
  if (end === start + 1) throw malformed(`a "<" at ${where(s, start)} begins no tag`)
  const name = s.slice(start + 1, end)
  const attributes: Attribute[] = []
  let attributesEnd = end
  let i = end
  for (;;) {
    const spaceStart = i
    i = skipSpace(s, i)
    const c = s[i]
    if (c === '>') return { name, start, attributesEnd, close: i, end: i + 1, selfClosing: false, attributes }
    if (c === '/' && s[i + 1] === '>') return { name, start, attributesEnd, close: i, end: i + 2, selfClosing: true, attributes }
    if (c === undefined) throw malformed(`the <${name}> tag at ${where(s, start)} is not closed`)
    const attrEnd = nameEnd(s, i)
    if (attrEnd === i || i === spaceStart) throw malformed(`unexpected ${JSON.stringify(c)} in the <${name}> tag at ${where(s, i)}`)
    const attrName = s.slice(i, attrEnd)
    i = skipSpace(s, attrEnd)
    if (s[i] !== '=') throw malformed(`the attribute ${attrName} of <${name}> at ${where(s, i)} has no value`)
    i = skipSpace(s, i + 1)
    const quote = s[i]
    if (quote !== '"' && quote !== '\'') throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} is not quoted`)
    const close = s.indexOf(quote, i + 1)
    if (close === -1) throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} is not closed`)
    const raw = s.slice(i + 1, close)
    if (raw.includes('<')) throw malformed(`the value of ${attrName} in <${name}> at ${where(s, i)} holds a "<"`)
    if (attributes.some((a) => a.name === attrName)) throw malformed(`<${name}> at ${where(s, start)} has the attribute ${attrName} twice`)
    attributes.push({ name: attrName, raw, valueStart: i + 1, valueEnd: close })
    i = close + 1
    attributesEnd = i
  }
}

/** The credential element's names: openbadges:credential, and P:credential for every prefix P the root binds to the OB 3.0 namespace. */
function credentialNames (root: StartTag): Set<string> {
  const names = new Set([OB3_SVG_ELEMENT])
  for (const a of root.attributes) {
    if (a.name.startsWith('xmlns:') && attributeValue(a.raw) === OB3_SVG_NAMESPACE) names.add(`${a.name.slice(6)}:credential`)
  }
  return names
}

/**
 * Reads an SVG: its root start tag and every credential element. Checks that it is well-formed
 * (elements nested and closed, one root, nothing but comments, processing instructions and
 * whitespace around it); entity references other than the XML ones are left as they are.
 */
function scanSvg (s: string): SvgDocument {
  if (typeof s !== 'string') throw new TypeError('svg must be a string')
  const notSvg = (why: string): FormatError => new FormatError(FormatErrorCode.NOT_SVG, `not an SVG image: ${why}`)
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  const stack: string[] = []
  let root: StartTag | undefined
  let names = new Set<string>()
  const credentials: CredentialElement[] = []
  let open: { tag: StartTag, depth: number, parts: string[] } | undefined
  while (i < s.length) {
    if (s[i] !== '<') {
      let next = s.indexOf('<', i)
      if (next === -1) next = s.length
      const text = s.slice(i, next)
      if (stack.length === 0 && !/^[ \t\r\n]*$/.test(text)) {
        if (root === undefined) throw notSvg(`text before the root element, at ${where(s, i)}`)
        throw malformed(`text after the root element, at ${where(s, i)}`)
      }
      if (open !== undefined) open.parts.push(decodeEntities(normaliseLineEnds(text)))
      i = next
    } else if (s.startsWith('<!--', i)) {
      const close = s.indexOf('-->', i + 4)
      if (close === -1) throw malformed(`the comment at ${where(s, i)} is not closed`)
      i = close + 3
    } else if (s.startsWith('<?', i)) {
      const close = s.indexOf('?>', i + 2)
      if (close === -1) throw malformed(`the processing instruction at ${where(s, i)} is not closed`)
      i = close + 2
    } else if (s.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw root === undefined ? notSvg(`a CDATA section before the root element, at ${where(s, i)}`) : malformed(`a CDATA section after the root element, at ${where(s, i)}`)
      const close = s.indexOf(']]>', i + 9)
      if (close === -1) throw malformed(`the CDATA section at ${where(s, i)} is not closed`)
      if (open !== undefined) open.parts.push(normaliseLineEnds(s.slice(i + 9, close)))
      i = close + 3
    } else if (s.startsWith('<!DOCTYPE', i)) {
      if (root !== undefined) throw malformed(`a DOCTYPE after the root element began, at ${where(s, i)}`)
      i = skipDoctype(s, i)
    } else if (s.startsWith('<!', i)) {
      if (root === undefined) throw notSvg(`unexpected "<!" at ${where(s, i)}`)
      throw malformed(`unexpected "<!" at ${where(s, i)}`)
    } else if (s.startsWith('</', i)) {
      const end = nameEnd(s, i + 2)
      const name = s.slice(i + 2, end)
      const close = skipSpace(s, end)
      if (s[close] !== '>') throw malformed(`the end tag </${name}> at ${where(s, i)} is not closed`)
      const opened = stack.pop()
      if (opened !== name) throw malformed(`the end tag </${name}> at ${where(s, i)} ${opened === undefined ? 'closes nothing' : `closes <${opened}>`}`)
      if (open !== undefined && stack.length === open.depth) {
        credentials.push({ start: open.tag.start, end: close + 1, tag: open.tag, text: open.parts.join('') })
        open = undefined
      }
      i = close + 1
    } else {
      const tag = readStartTag(s, i)
      if (root === undefined) {
        if (tag.name !== 'svg') throw notSvg(`its root element is <${tag.name}>`)
        root = tag
        names = credentialNames(tag)
      } else if (stack.length === 0) {
        throw malformed(`a second root element <${tag.name}> at ${where(s, i)}`)
      } else if (open === undefined && names.has(tag.name)) {
        if (tag.selfClosing) credentials.push({ start: tag.start, end: tag.end, tag, text: '' })
        else open = { tag, depth: stack.length, parts: [] }
      }
      if (!tag.selfClosing) stack.push(tag.name)
      i = tag.end
    }
  }
  if (root === undefined) throw notSvg('it has no root element')
  const unclosed = stack.at(-1)
  if (unclosed !== undefined) throw malformed(`the <${unclosed}> element is not closed`)
  return { root, credentials }
}

/** True when the text is an SVG document: an `<svg>` root after an optional prolog. */
function looksLikeSvg (s: string): boolean {
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  for (;;) {
    i = skipSpace(s, i)
    if (s.startsWith('<?', i)) {
      const close = s.indexOf('?>', i + 2)
      if (close === -1) return false
      i = close + 2
    } else if (s.startsWith('<!--', i)) {
      const close = s.indexOf('-->', i + 4)
      if (close === -1) return false
      i = close + 3
    } else if (s.startsWith('<!DOCTYPE', i)) {
      try {
        i = skipDoctype(s, i)
      } catch {
        return false
      }
    } else {
      return s.startsWith('<svg', i) && nameEnd(s, i + 1) === i + 4
    }
  }
}

function escapeAttribute (value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`)
}

function escapeText (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', '\'': 'apos' } as Record<string, string>)[c] ?? ''};`)
}

/**
 * Bakes a credential into an SVG: `xmlns:openbadges` on the root, and `<openbadges:credential>`
 * as the root's first child with the JSON in a CDATA section (`]]>` split across two sections),
 * or a VC-JWT in its `verify` attribute. Every credential element there was is removed (with the
 * whitespace before it). `credential` is as for `bakePng`. Throws COFL_ERR_BAKE_NOT_SVG /
 * COFL_ERR_BAKE_MALFORMED for a document it cannot read.
 */
export function bakeSvg (svg: string, credential: object | string): string {
  const { text, jws } = credentialText(credential)
  const { root, credentials } = scanSvg(svg)
  const element = jws
    ? `<${OB3_SVG_ELEMENT} verify="${escapeAttribute(text)}"></${OB3_SVG_ELEMENT}>`
    : `<${OB3_SVG_ELEMENT}><![CDATA[${escapeInJson(text, NOT_XML_CHAR).replaceAll(']]>', ']]]]><![CDATA[>')}]]></${OB3_SVG_ELEMENT}>`
  const edits: Array<{ start: number, end: number, text: string }> = []
  const ns = root.attributes.find((a) => a.name === 'xmlns:openbadges')
  if (ns === undefined) edits.push({ start: root.attributesEnd, end: root.attributesEnd, text: ` xmlns:openbadges="${OB3_SVG_NAMESPACE}"` })
  else if (attributeValue(ns.raw) !== OB3_SVG_NAMESPACE) edits.push({ start: ns.valueStart, end: ns.valueEnd, text: OB3_SVG_NAMESPACE })
  if (root.selfClosing) edits.push({ start: root.close, end: root.end, text: `>${element}</${root.name}>` })
  else edits.push({ start: root.end, end: root.end, text: element })
  for (const old of credentials) {
    let start = old.start
    while (isSpace(svg[start - 1])) start--
    // Only whitespace that is a whole text node (it follows a tag): never part of a sentence.
    edits.push({ start: start === root.end || svg[start - 1] === '>' ? start : old.start, end: old.end, text: '' })
  }
  edits.sort((a, b) => a.start - b.start) // stable: the insertion at root.end stays before a removal there
  let out = ''
  let cursor = 0
  for (const edit of edits) {
    out += svg.slice(cursor, edit.start) + edit.text
    cursor = edit.end
  }
  return out + svg.slice(cursor)
}

/**
 * The credential baked into an SVG: the character data of its first `<openbadges:credential>`
 * element without the whitespace around it, or its `verify` attribute (a VC-JWT) when the element
 * is empty; undefined when it has none. Throws COFL_ERR_BAKE_NOT_SVG for text that is not an SVG
 * and COFL_ERR_BAKE_MALFORMED for one that is not well-formed or whose element is empty.
 */
export function unbakeSvg (svg: string): string | undefined {
  const first = scanSvg(svg).credentials[0]
  if (first === undefined) return undefined
  const text = trimSpace(first.text)
  if (text !== '') return text
  const verify = first.tag.attributes.find((a) => a.name === 'verify')
  if (verify !== undefined && attributeValue(verify.raw).trim() !== '') return attributeValue(verify.raw).trim()
  throw malformed(`the SVG's <${first.tag.name}> element is empty`)
}

// ---------------------------------------------------------------------------------------------
// SVG files

/** The text of an SVG file: UTF-8 (with or without BOM), UTF-16 with BOM, or the encoding its XML declaration names. */
function decodeSvgBytes (bytes: Uint8Array): string {
  const [a, b] = bytes
  if (a === 0xff && b === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (a === 0xfe && b === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  const head = String.fromCharCode(...bytes.subarray(0, 200)) // latin1: the declaration is ASCII
  const label = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]
  let decoder = new TextDecoder('utf-8')
  if (label !== undefined) {
    try {
      decoder = new TextDecoder(label)
    } catch {
      // an encoding this runtime does not know: read it as UTF-8
    }
  }
  return decoder.decode(bytes)
}

/**
 * The text of `bytes` when they are an SVG document (an `<svg>` root after an optional prolog, in
 * any encoding decodeSvgBytes reads), else undefined.
 */
export function svgText (bytes: Uint8Array): string | undefined {
  if (!bytes.subarray(0, 1024).includes(0x3c)) return undefined // no '<' near the start: not XML (UTF-16 has one too)
  const svg = decodeSvgBytes(bytes)
  return looksLikeSvg(svg) ? svg : undefined
}

/**
 * The drawn badge (badge.ts) as SVG: a round badge with `name` on it (escaped), in the colours of
 * `issuer` (badgeColours); what pages show and what is baked into when the achievement has no image.
 */
export function defaultBadgeSvg (name: string, issuer?: string): string {
  if (typeof name !== 'string') throw new TypeError('name must be a string')
  const colours = badgeColours(issuer)
  const clean = name.replace(NOT_XML_CHAR, '\uFFFD').replace(/\s+/g, ' ').trim()
  const chars = Array.from(clean)
  const shown = chars.length > 40 ? `${chars.slice(0, 39).join('')}\u2026` : clean
  const fit = Array.from(shown).length > 14 ? ' textLength="176" lengthAdjust="spacingAndGlyphs"' : ''
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="${escapeText(clean)}">`,
    `  <title>${escapeText(clean)}</title>`,
    `  <circle cx="128" cy="128" r="120" fill="${colours.ring}"/>`,
    `  <circle cx="128" cy="128" r="108" fill="${colours.inner}"/>`,
    `  <circle cx="128" cy="128" r="100" fill="${colours.face}"/>`,
    `  <text x="128" y="136" text-anchor="middle" font-family="sans-serif" font-size="22" fill="${colours.text}"${fit}>${escapeText(shown)}</text>`,
    '</svg>',
    ''
  ].join('\n')
}
