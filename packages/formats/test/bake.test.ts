// Baked badges: a credential baked into a PNG or SVG reads back the same, byte for byte after JSON
// parsing and as the exact JSON text; baking again replaces it; the image stays a valid PNG (chunk
// list and CRCs checked here by code independent of png.ts) or well-formed XML (checked by sax, a
// separate XML parser, with namespaces); a tampered baked credential fails verification; the
// 1EdTech baked SVG fixtures read as their table says.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { crc32, inflateSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, createVerificationLoader, signCredential } from '@cofl/credentials'
import { buildControllerDocument, generateKeyPair } from '@cofl/identity'
import { createVerifier, formatReport, vcJwtReport } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import {
  bakePng, bakeSvg, defaultBadgePng, defaultBadgeSvg, detectFormat, FormatError, FormatErrorCode, OB3_SVG_NAMESPACE,
  parseBakedCredential, readCredential, unbakePng, unbakeSvg
} from '../src/index.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const OB30 = fileURLToPath(new URL('../../../test/vectors/fixtures/1edtech-validator-ob30/ob30/', import.meta.url))

type Json = Record<string, any>

// ---- independent checkers --------------------------------------------------------------------

interface Chunk { type: string, data: Buffer }

/** Walks a PNG's chunks by the PNG spec, asserting the signature, IHDR first, every CRC and IEND last. */
function pngChunkList (png: Uint8Array): Chunk[] {
  const b = Buffer.from(png)
  assert.equal([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature')
  const chunks: Chunk[] = []
  let o = 8
  while (o < b.length) {
    const length = b.readUInt32BE(o)
    const type = b.toString('latin1', o + 4, o + 8)
    const data = b.subarray(o + 8, o + 8 + length)
    assert.is(b.readUInt32BE(o + 8 + length), crc32(b.subarray(o + 4, o + 8 + length)), `CRC of ${type} at ${o}`)
    chunks.push({ type, data })
    o += 12 + length
  }
  assert.is(o, b.length, 'the last chunk ends at the end of the file')
  assert.is(chunks[0]?.type, 'IHDR')
  assert.is(chunks.at(-1)?.type, 'IEND')
  return chunks
}

/** The iTXt chunks named openbadgecredential, with their fields. */
function credentialChunks (png: Uint8Array): Array<{ compressed: number, language: string, translated: string, text: string }> {
  return pngChunkList(png).filter((c) => c.type === 'iTXt' && c.data.toString('latin1', 0, c.data.indexOf(0)) === 'openbadgecredential').map((c) => {
    let i = c.data.indexOf(0) + 1
    const compressed = c.data[i] as number
    i += 2
    const language = c.data.toString('latin1', i, c.data.indexOf(0, i))
    i = c.data.indexOf(0, i) + 1
    const translated = c.data.toString('utf8', i, c.data.indexOf(0, i))
    i = c.data.indexOf(0, i) + 1
    return { compressed, language, translated, text: c.data.toString('utf8', i) }
  })
}

interface SaxParser {
  onerror: (err: Error) => void
  onopentag: (node: { name: string, uri?: string, local?: string }) => void
  onclosetag: (name: string) => void
  oncdata: (text: string) => void
  ontext: (text: string) => void
  write: (text: string) => SaxParser
  close: () => SaxParser
}
// sax (already in the workspace's lockfile) has no types; this is the part the test uses.
const require = createRequire(import.meta.url)
const sax = require('sax') as { parser: (strict: boolean, options: Record<string, unknown>) => SaxParser }

/**
 * Parses an SVG with sax in strict mode with namespaces: throws if it is not well-formed or uses an
 * unbound prefix. Returns the credential elements it saw (by namespace URI) and their character data.
 */
function parseXml (svg: string): { root: string, credentials: Array<{ uri: string | undefined, text: string }> } {
  const parser = sax.parser(true, { xmlns: true })
  let root = ''
  const credentials: Array<{ uri: string | undefined, text: string }> = []
  let inside: { uri: string | undefined, text: string } | undefined
  parser.onerror = (err) => { throw err }
  parser.onopentag = (node) => {
    if (root === '') root = node.name
    if (node.local === 'credential' && node.uri === OB3_SVG_NAMESPACE) { inside = { uri: node.uri, text: '' }; credentials.push(inside) }
  }
  parser.onclosetag = () => { inside = undefined }
  parser.oncdata = (text) => { if (inside != null) inside.text += text }
  parser.ontext = (text) => { if (inside != null) inside.text += text }
  parser.write(svg).close()
  return { root, credentials }
}

function throwsBake (fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn()
  } catch (err) {
    assert.instance(err, FormatError)
    assert.is((err as FormatError).code, code, (err as Error).message)
    if (message != null) assert.match((err as Error).message, message)
    return
  }
  assert.unreachable(`expected a ${code}`)
}

function checkOf (report: VerificationReport, id: string): { outcome: string, code?: string, reason: string } {
  const found = report.checks.find((c) => c.id === id)
  assert.ok(found, `no ${id} check`)
  return found as { outcome: string, code?: string, reason: string }
}

// ---- a real signed credential ----------------------------------------------------------------

const key = await generateKeyPair()
const issuer = buildProfile({ id: key.did, name: 'Plymouth City of Learning' })
const learner = (await generateKeyPair()).did
async function issue (name: string, description = 'Ten sessions of the coding club'): Promise<Json> {
  const achievement = buildAchievement({ name, description, criteria: 'Attend ten sessions', creator: issuer })
  return await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: learner }), { key }) as unknown as Json
}
const credential = await issue('Coding Club')
// "]]>" ends a CDATA section, "<b>" and "&" are markup, U+FFFF is no XML character, the rest is not ASCII.
const awkward = await issue('Füchse & Ölfässer ]]> <b>🦊</b> 日本語 \u0301', 'Ends a CDATA: ]]> and again ]]]]> and a non-character \uFFFF here')
const verifier = createVerifier()

const plainSvg = defaultBadgeSvg('Coding Club')
const plainPng = defaultBadgePng()
const pythonPng = readFileSync(`${FIXTURES}python-zlib.png`)
const tricky = readFileSync(`${FIXTURES}tricky.svg`, 'utf8')
const simpleJsonSvg = readFileSync(`${OB30}simple-json.svg`)
const simpleJwtSvg = readFileSync(`${OB30}simple-jwt.svg`)

// ---- PNG -------------------------------------------------------------------------------------

test('PNG: bake then unbake gives the exact JSON text and the same credential', async () => {
  const baked = bakePng(plainPng, credential)
  const text = unbakePng(baked)
  assert.is(text, JSON.stringify(credential))
  assert.equal(JSON.parse(text as string), credential)
  const found = readCredential(baked)
  assert.is(found.format, 'png')
  assert.equal(found.value, credential)
  const report = await verifier.verify(found.value)
  assert.ok(report.verified, formatReport(report))
  // a JSON text is kept as given, pretty-printed or not
  const pretty = JSON.stringify(credential, null, 2)
  assert.is(unbakePng(bakePng(plainPng, pretty)), pretty)
})

test('PNG: one uncompressed iTXt chunk before IEND; the image chunks are untouched; CRCs right', () => {
  const baked = bakePng(plainPng, credential)
  const before = pngChunkList(plainPng)
  const after = pngChunkList(baked)
  assert.equal(after.map((c) => c.type), ['IHDR', 'IDAT', 'iTXt', 'IEND'])
  assert.equal(after.filter((c) => c.type !== 'iTXt').map((c) => [...c.data]), before.map((c) => [...c.data]))
  assert.equal(credentialChunks(baked), [{ compressed: 0, language: '', translated: '', text: JSON.stringify(credential) }])
  // still an image: IHDR says 128x128 RGBA, and IDAT inflates to exactly its rows
  const ihdr = after[0]?.data as Buffer
  assert.equal([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], [128, 128, 8, 6])
  assert.is(inflateSync(after[1]?.data as Buffer).length, 128 * (1 + 128 * 4))
})

test('PNG: baking twice replaces the chunk (also one made elsewhere, compressed); other chunks kept byte for byte', () => {
  assert.is(unbakePng(pythonPng), '{"old": "a credential baked before, compressed"}', 'a compressed chunk is read too')
  const once = bakePng(pythonPng, credential)
  const other = { ...credential, name: 'another' }
  const twice = bakePng(once, other)
  assert.equal(credentialChunks(twice).map((c) => c.text), [JSON.stringify(other)])
  assert.equal(pngChunkList(twice).map((c) => c.type), ['IHDR', 'gAMA', 'tEXt', 'iTXt', 'IDAT', 'iTXt', 'IEND'])
  const kept = (png: Uint8Array): string[] => pngChunkList(png).filter((c) => !(c.type === 'iTXt' && c.data.toString('latin1', 0, 19) === 'openbadgecredential')).map((c) => `${c.type}:${c.data.toString('hex')}`)
  assert.equal(kept(twice), kept(pythonPng), 'every other chunk, the OB 2.0 openbadges iTXt included, is the same')
  assert.equal(bakePng(twice, other), twice, 'baking is a function of the image and the credential')
})

test('PNG: "]]>", non-ASCII and a non-character survive; the signature still verifies', async () => {
  const baked = bakePng(plainPng, awkward)
  assert.is(unbakePng(baked), JSON.stringify(awkward))
  const found = readCredential(baked)
  assert.equal(found.value, awkward)
  const report = await verifier.verify(found.value)
  assert.ok(report.verified, formatReport(report))
})

test('PNG: a tampered baked credential fails verification; a damaged PNG is refused', async () => {
  const forged = bakePng(plainPng, { ...credential, credentialSubject: { ...credential.credentialSubject, id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } })
  const report = await verifier.verify(readCredential(forged).value)
  assert.is(report.verified, false)
  assert.is(checkOf(report, 'proof').code, 'COFL_ERR_INVALID_SIGNATURE')
  // flipping a byte of the baked text without fixing the chunk's CRC: a damaged file, not a credential
  const baked = bakePng(plainPng, credential)
  const at = Buffer.from(baked).indexOf('Coding Club')
  const damaged = baked.slice()
  damaged[at] = 'K'.charCodeAt(0)
  throwsBake(() => unbakePng(damaged), FormatErrorCode.MALFORMED, /CRC of the PNG's iTXt chunk/)
  throwsBake(() => readCredential(damaged), FormatErrorCode.MALFORMED)
})

test('PNG: not a PNG, truncated, or without IEND is refused with its code', () => {
  throwsBake(() => unbakePng(new TextEncoder().encode('{"a": 1}')), FormatErrorCode.NOT_PNG)
  throwsBake(() => bakePng(new Uint8Array(0), credential), FormatErrorCode.NOT_PNG)
  throwsBake(() => bakePng(plainPng.subarray(0, plainPng.length - 12), credential), FormatErrorCode.MALFORMED, /truncated/)
  throwsBake(() => unbakePng(plainPng.subarray(0, 40)), FormatErrorCode.MALFORMED, /truncated/)
  const noIhdr = Buffer.concat([plainPng.subarray(0, 8), plainPng.subarray(8 + 25)])
  throwsBake(() => unbakePng(noIhdr), FormatErrorCode.MALFORMED, /not IHDR/)
  assert.is(unbakePng(plainPng), undefined, 'a PNG without a credential')
})

test('PNG: the default badge is a valid PNG, and a fresh copy each time', () => {
  const a = defaultBadgePng()
  assert.equal(pngChunkList(a).map((c) => c.type), ['IHDR', 'IDAT', 'IEND'])
  defaultBadgePng().fill(0)
  assert.equal(defaultBadgePng(), a)
})

// ---- SVG -------------------------------------------------------------------------------------

test('SVG: bake then unbake gives the exact JSON text and the same credential; well-formed with the namespace', async () => {
  const baked = bakeSvg(plainSvg, credential)
  assert.is(unbakeSvg(baked), JSON.stringify(credential))
  const xml = parseXml(baked)
  assert.is(xml.root, 'svg')
  assert.equal(xml.credentials.map((c) => JSON.parse(c.text) as unknown), [credential], 'a namespace-aware parser reads the same credential')
  assert.match(baked, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*xmlns:openbadges="https:\/\/purl.imsglobal.org\/ob\/v3p0"><openbadges:credential><!\[CDATA\[\{/)
  const found = readCredential(new TextEncoder().encode(baked))
  assert.is(found.format, 'svg')
  assert.equal(found.value, credential)
  const report = await verifier.verify(found.value)
  assert.ok(report.verified, formatReport(report))
  const pretty = JSON.stringify(credential, null, 2)
  assert.is(unbakeSvg(bakeSvg(plainSvg, pretty)), pretty)
})

test('SVG: baking twice replaces the element; the rest of the document is untouched', () => {
  const once = bakeSvg(plainSvg, credential)
  const other = { ...credential, name: 'another' }
  const twice = bakeSvg(once, other)
  assert.equal(parseXml(twice).credentials.map((c) => c.text), [JSON.stringify(other)])
  assert.is(twice.split('xmlns:openbadges=').length, 2, 'the namespace is declared once')
  assert.is(twice, bakeSvg(plainSvg, other), 'baking over a baked image is baking over the plain one')
  assert.is(twice.replace(/<openbadges:credential>.*<\/openbadges:credential>/s, '').replace(' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', ''), plainSvg)
})

test('SVG: "]]>", non-ASCII and a non-character survive (CDATA split, JSON escape); the signature still verifies', async () => {
  const baked = bakeSvg(plainSvg, awkward)
  const xml = parseXml(baked)
  assert.is(xml.credentials.length, 1)
  assert.equal(JSON.parse(xml.credentials[0]?.text as string), awkward, 'sax reads the same credential')
  assert.ok(baked.includes(']]]]><![CDATA[>'))
  assert.not.ok(baked.includes('\uFFFF'), 'U+FFFF is not an XML character: written as a JSON escape')
  const found = readCredential(Buffer.from(baked, 'utf8'))
  assert.equal(found.value, awkward)
  const report = await verifier.verify(found.value)
  assert.ok(report.verified, formatReport(report))
})

test('SVG: comments, a DOCTYPE with an internal subset, ">" inside quoted attributes, CDATA elsewhere, old credential elements', () => {
  assert.is(unbakeSvg(tricky), '{"stale": "an older baked credential, nested"}', 'comments are not read; the nested element is the first real one')
  const baked = bakeSvg(tricky, credential)
  const xml = parseXml(baked)
  assert.equal(xml.credentials.map((c) => c.text), [JSON.stringify(credential)], 'the old element is gone, one new one')
  assert.is(unbakeSvg(baked), JSON.stringify(credential))
  // only the root's start tag and the credential elements changed
  const rootTag = /<svg [^]*?viewBox="0 0 100 100"\n {5}width="100" height="100"/.exec(tricky)?.[0] as string
  assert.ok(baked.includes(`${rootTag} xmlns:openbadges="${OB3_SVG_NAMESPACE}"><openbadges:credential><![CDATA[`), 'namespace added after the last attribute, element first child')
  const withoutNew = baked.replace(/<openbadges:credential><!\[CDATA\[.*?\]\]><\/openbadges:credential>/s, '').replace(` xmlns:openbadges="${OB3_SVG_NAMESPACE}"`, '')
  assert.is(withoutNew, tricky.replace(/\n\s*<openbadges:credential xmlns[^]*?<\/openbadges:credential>/, ''))
  assert.ok(baked.includes('<!-- <openbadges:credential>{"fake": "in a comment inside the root"}</openbadges:credential> -->'), 'comments kept')
})

test('SVG: a self-closing root, single-quoted attributes, an existing namespace declaration', () => {
  const empty = '<svg xmlns="http://www.w3.org/2000/svg" viewBox=\'0 0 1 1\'/>'
  const baked = bakeSvg(empty, credential)
  assert.is(baked, `<svg xmlns="http://www.w3.org/2000/svg" viewBox='0 0 1 1' xmlns:openbadges="${OB3_SVG_NAMESPACE}"><openbadges:credential><![CDATA[${JSON.stringify(credential)}]]></openbadges:credential></svg>`)
  parseXml(baked)
  // an OB 2.0 namespace on the prefix is rebound to OB 3.0
  const ob2 = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><g/></svg>'
  const rebound = bakeSvg(ob2, credential)
  assert.ok(rebound.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB3_SVG_NAMESPACE}"><openbadges:credential>`))
  assert.is(parseXml(rebound).credentials.length, 1)
  // another prefix bound to the OB 3.0 namespace is read, and replaced
  const other = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="${OB3_SVG_NAMESPACE}">\n  <ob:credential><![CDATA[ {"x": 1} ]]></ob:credential>\n  <g/>\n</svg>`
  assert.is(unbakeSvg(other), '{"x": 1}')
  assert.is(bakeSvg(other, credential).includes('<ob:credential>'), false)
})

test('SVG: not an SVG, or not well-formed, is refused with its code', () => {
  throwsBake(() => unbakeSvg('{"hello": "world"}'), FormatErrorCode.NOT_SVG)
  throwsBake(() => bakeSvg('<html><body/></html>', credential), FormatErrorCode.NOT_SVG, /root element is <html>/)
  throwsBake(() => bakeSvg('<svg><g></svg>', credential), FormatErrorCode.MALFORMED, /closes <g>/)
  throwsBake(() => bakeSvg('<svg a="1" a="2"></svg>', credential), FormatErrorCode.MALFORMED, /twice/)
  throwsBake(() => bakeSvg('<svg a="x < y"></svg>', credential), FormatErrorCode.MALFORMED)
  throwsBake(() => bakeSvg('<svg><!-- unclosed </svg>', credential), FormatErrorCode.MALFORMED, /comment/)
  throwsBake(() => bakeSvg('<svg></svg><svg></svg>', credential), FormatErrorCode.MALFORMED, /second root/)
  throwsBake(() => bakeSvg('<svg>', credential), FormatErrorCode.MALFORMED, /not closed/)
  throwsBake(() => unbakeSvg('<svg><openbadges:credential>  </openbadges:credential></svg>'), FormatErrorCode.MALFORMED, /empty/)
  assert.is(unbakeSvg(plainSvg), undefined, 'an SVG without a credential')
})

test('SVG: the default badge is well-formed with the name escaped', () => {
  const svg = defaultBadgeSvg('Tom & Jerry <script>alert("x")</script> 🦊 ]]> \u0000')
  assert.ok(svg.includes('<title>Tom &amp; Jerry &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 🦊 ]]&gt; \uFFFD</title>'))
  assert.is(parseXml(svg).root, 'svg')
  assert.is(parseXml(bakeSvg(svg, credential)).credentials.length, 1)
  assert.match(defaultBadgeSvg('x'.repeat(100)), /x{39}\u2026<\/text>/)
})

// ---- the 1EdTech baked SVGs and VC-JWT -------------------------------------------------------

test('1EdTech simple-json.svg: its credential is read and verifies by its issuer\'s document (without it: cannot be checked here)', async () => {
  assert.is(detectFormat(simpleJsonSvg), 'svg')
  const found = readCredential(simpleJsonSvg)
  assert.is(found.format, 'svg')
  const value = found.value as Json
  assert.is(value.id, 'http://example.com/credentials/3527')
  // Its issuer is a URL: the key in its proof's URL fragment is not taken on trust.
  const unbound = await verifier.verify(value)
  assert.is(unbound.verdict, 'indeterminate', formatReport(unbound))
  assert.is(checkOf(unbound, 'proof').code, 'COFL_ERR_CONTROLLER_UNRESOLVED')
  // With the issuer's document (as a verifier that resolved https://example.com/issuers/876543 holds it): valid.
  const issuerDocument = buildControllerDocument('https://example.com/issuers/876543', ['z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x'])
  const bound = createVerifier({ documentLoader: createVerificationLoader({ controllerDocuments: [issuerDocument] }) })
  const report = await bound.verify(value)
  assert.ok(report.verified, formatReport(report))
  assert.equal(report.warnings, [])
  // and once re-baked by us, into the same SVG and into a PNG
  const again = readCredential(new TextEncoder().encode(bakeSvg(simpleJsonSvg.toString('utf8'), value)))
  assert.equal(again.value, value)
  assert.equal(readCredential(bakePng(plainPng, value)).value, value)
  // tampered in the SVG text itself
  const edited = simpleJsonSvg.toString('utf8').replace('"name": "Teamwork Badge"', '"name": "Leadership Badge"')
  const tampered = await bound.verify(readCredential(Buffer.from(edited)).value)
  assert.is(tampered.verified, false)
  assert.is(tampered.verdict, 'invalid')
  assert.is(checkOf(tampered, 'proof').code, 'COFL_ERR_INVALID_SIGNATURE')
})

test('1EdTech simple-jwt.svg: the VC-JWT is returned as a string; its report says VC-JWT is not supported', async () => {
  const found = readCredential(simpleJwtSvg)
  assert.is(found.format, 'svg')
  assert.type(found.value, 'string')
  assert.match(found.value as string, /^eyJhbGciOiJSUzI1NiIs[\w-]+\.[\w-]+\.[\w-]+$/)
  assert.equal(found.vcJwt, { jws: found.value, alg: 'RS256' })
  const report = vcJwtReport(found.vcJwt ?? {})
  assert.is(report.verified, false)
  assert.is(report.verdict, 'indeterminate', 'a VC-JWT cannot be checked here: neither valid nor forged')
  const proof = checkOf(report, 'proof')
  assert.is(proof.outcome, 'indeterminate')
  assert.is(proof.code, 'COFL_ERR_PROOF_UNSUPPORTED')
  assert.match(proof.reason, /VC-JWT credentials are not supported/)
  assert.match(proof.reason, /RS256/)
  assert.match(formatReport(report), /VC-JWT credentials are not supported/)
  // the verifier itself does not crash on it either
  assert.is((await verifier.verify(found.value)).verified, false)
  // a VC-JWT baked by us goes in the verify attribute (SVG) or as the chunk's text (PNG)
  const jwt = found.value as string
  const svg = bakeSvg(plainSvg, jwt)
  assert.ok(svg.includes(`<openbadges:credential verify="${jwt}"></openbadges:credential>`))
  assert.is(readCredential(Buffer.from(svg)).vcJwt?.jws, jwt)
  assert.is(readCredential(bakePng(plainPng, jwt)).vcJwt?.jws, jwt)
  const v1 = readCredential(readFileSync(`${OB30}simple-jwt_v1.svg`))
  assert.type(v1.value, 'string')
  // and the bare compact JWS, as the 1EdTech fixture's .jwt file holds it
  const bare = readCredential(readFileSync(`${OB30}simple.jwt`), { fileName: 'simple.jwt' })
  assert.is(bare.format, 'jwt')
  assert.is(bare.vcJwt?.jws, bare.value)
  assert.is(detectFormat(readFileSync(`${OB30}simple.jwt`)), 'jwt')
})

// ---- any bytes -------------------------------------------------------------------------------

test('readCredential: an image without a credential, or one whose baked text is not JSON, is refused with its code; encodings of SVG', () => {
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
  assert.is(detectFormat(plainPng), 'png')
  throwsBake(() => readCredential(plainPng), FormatErrorCode.NO_CREDENTIAL, /^the input is a PNG image with no baked credential \(no iTXt chunk "openbadgecredential"\)$/)
  assert.is(detectFormat(utf8(plainSvg)), 'svg')
  throwsBake(() => readCredential(utf8(plainSvg), { fileName: 'plain.svg' }), FormatErrorCode.NO_CREDENTIAL, /^plain\.svg is an SVG image with no baked credential/)
  assert.is(detectFormat(utf8('\uFEFF<!-- c --><svg/>')), 'svg')
  const utf16 = Buffer.from(`\uFEFF${bakeSvg(plainSvg, credential)}`, 'utf16le')
  assert.equal(readCredential(utf16).value, credential, 'UTF-16 with a BOM')
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><svg><openbadges:credential><![CDATA[{"name": "Füchse"}]]></openbadges:credential></svg>', 'latin1')
  assert.equal(readCredential(latin1).value, { name: 'Füchse' }, 'the encoding its XML declaration names')
  throwsBake(() => readCredential(utf8('<svg><openbadges:credential>not json</openbadges:credential></svg>')), FormatErrorCode.MALFORMED, /neither JSON nor a compact JWS/)
  throwsBake(() => parseBakedCredential('{"a": {"__proto__": {"polluted": true}}}'), FormatErrorCode.MALFORMED, /prototype/)
  throwsBake(() => parseBakedCredential('{"constructor": {"prototype": {}}}'), FormatErrorCode.MALFORMED, /prototype/)
})

test('programmer mistakes throw TypeError', () => {
  assert.throws(() => bakePng(plainPng, 'not json' as string), TypeError)
  assert.throws(() => bakeSvg(plainSvg, 42 as unknown as object), TypeError)
  assert.throws(() => bakeSvg(plainSvg, null as unknown as object), TypeError)
  assert.throws(() => unbakePng('x' as unknown as Uint8Array), TypeError)
  assert.throws(() => readCredential('x' as unknown as Uint8Array), TypeError)
  assert.throws(() => detectFormat(undefined as unknown as Uint8Array), TypeError)
  assert.throws(() => defaultBadgeSvg(undefined as unknown as string), TypeError)
})

test.run()
