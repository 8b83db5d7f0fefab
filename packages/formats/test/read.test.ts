// readCredential and detectFormat: from bytes to the thing to verify. The bytes decide (PNG
// signature, SVG root, compact JWS, JSON); a media type that names a format is binding, a file
// name names the input and makes what is no image JSON; every refusal is a FormatError with its code.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bakePng, bakeSvg, defaultBadgePng, defaultBadgeSvg, detectFormat, FormatError, FormatErrorCode, readCredential } from '../src/index.js'
import type { FormatHint } from '../src/index.js'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], name: 'Füchse 🦊' }
const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt' })).toString('base64url')
const JWS = `${header}.${Buffer.from('{"vc": {}}').toString('base64url')}.c2lnbmF0dXJl`

function refused (bytes: Uint8Array, hint: FormatHint, code: string, message?: RegExp): void {
  try {
    readCredential(bytes, hint)
  } catch (err) {
    assert.instance(err, FormatError)
    assert.is((err as FormatError).code, code, (err as Error).message)
    assert.is((err as Error).name, 'FormatError')
    if (message != null) assert.match((err as Error).message, message)
    return
  }
  assert.unreachable(`expected ${code}`)
}

test('JSON: parsed, with or without a BOM and whitespace, whatever JSON it is (the verifier says what it is not)', () => {
  assert.equal(readCredential(utf8(JSON.stringify(credential))), { format: 'json', value: credential })
  assert.equal(readCredential(utf8(`\uFEFF \n${JSON.stringify(credential, null, 2)}\n`)).value, credential)
  assert.equal(readCredential(utf8('[1, 2]')).value, [1, 2])
  assert.equal(readCredential(utf8('42')), { format: 'json', value: 42 })
  assert.is(detectFormat(utf8('{"a": 1}')), 'json')
  assert.is(detectFormat(utf8('42')), undefined, 'not recognisably JSON before it is parsed')
  assert.is(detectFormat(utf8('42'), { fileName: 'x.json' }), 'json')
  assert.is(detectFormat(utf8('42'), { mediaType: 'application/ld+json; charset=utf-8' }), 'json')
})

test('JSON that is not: "not JSON" when it was to be JSON, "neither" when nothing says what it is; prototype poisoning refused', () => {
  refused(utf8('{"@context": ['), { fileName: 'broken.json' }, FormatErrorCode.NOT_JSON, /^broken\.json is not JSON: /)
  refused(utf8(''), { fileName: 'empty.json' }, FormatErrorCode.NOT_JSON, /^empty\.json is not JSON/)
  refused(utf8(''), { mediaType: 'application/json' }, FormatErrorCode.NOT_JSON, /^the input is not JSON/)
  refused(utf8('hello'), {}, FormatErrorCode.NOT_JSON, /^the input is neither JSON nor a badge image \(PNG or SVG\) nor a VC-JWT: /)
  refused(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), { fileName: 'photo.jpg' }, FormatErrorCode.NOT_JSON, /^photo\.jpg is neither JSON/)
  refused(utf8('{"verifiableCredential": {"__proto__": {"x": 1}}}'), {}, FormatErrorCode.NOT_JSON, /^the input holds a "__proto__" key \(prototype poisoning\)$/)
  refused(utf8('{"a": {"\\u005f_proto__": {"x": 1}}}'), {}, FormatErrorCode.NOT_JSON, /prototype poisoning/)
  refused(utf8('{"constructor": {"prototype": {"x": 1}}}'), {}, FormatErrorCode.NOT_JSON, /"constructor" key/)
  // a "constructor" or a "proto" that is no poisoning is read
  assert.equal(readCredential(utf8('{"constructor": "a", "prototype": 1, "protocol": "x"}')).value, { constructor: 'a', prototype: 1, protocol: 'x' })
})

test('a VC-JWT: bare or baked, returned as the compact JWS with its alg, for the verifier to report as not supported', () => {
  assert.equal(readCredential(utf8(`${JWS}\n`)), { format: 'jwt', value: JWS, vcJwt: { jws: JWS, alg: 'EdDSA' } })
  assert.is(detectFormat(utf8(JWS)), 'jwt')
  assert.equal(readCredential(bakePng(defaultBadgePng(), JWS)), { format: 'png', value: JWS, vcJwt: { jws: JWS, alg: 'EdDSA' } })
  assert.equal(readCredential(utf8(bakeSvg(defaultBadgeSvg('x'), JWS))).vcJwt, { jws: JWS, alg: 'EdDSA' })
  // with a JSON media type, it is JSON that is not
  refused(utf8(JWS), { mediaType: 'application/json' }, FormatErrorCode.NOT_JSON)
  // three dots of base64url whose header is no JSON: not a JWS
  refused(utf8('abc.def.ghi'), {}, FormatErrorCode.NOT_JSON)
})

test('baked images: read whatever their name; a media type that names an image is binding', () => {
  const png = bakePng(defaultBadgePng(), credential)
  const svg = utf8(bakeSvg(defaultBadgeSvg('Coding Club'), credential))
  assert.equal(readCredential(png), { format: 'png', value: credential })
  assert.equal(readCredential(png, { fileName: 'badge.json' }), { format: 'png', value: credential }, 'the bytes decide, not the name')
  assert.equal(readCredential(png, { mediaType: 'image/png' }).value, credential)
  assert.equal(readCredential(svg, { mediaType: 'IMAGE/SVG+XML; charset=utf-8' }), { format: 'svg', value: credential })
  refused(png, { mediaType: 'image/svg+xml' }, FormatErrorCode.NOT_SVG, /although its media type is image\/svg\+xml/)
  refused(svg, { mediaType: 'image/png' }, FormatErrorCode.NOT_PNG, /^the input is not a PNG image .* although its media type is image\/png$/)
  refused(utf8(JSON.stringify(credential)), { mediaType: 'image/png' }, FormatErrorCode.NOT_PNG)
  refused(new Uint8Array(0), { mediaType: 'image/png' }, FormatErrorCode.NOT_PNG)
  refused(png, { mediaType: 'application/json' }, FormatErrorCode.NOT_JSON, /is a PNG image, not JSON as its media type says/)
  refused(defaultBadgePng(), { fileName: 'blank.png' }, FormatErrorCode.NO_CREDENTIAL, /^blank\.png is a PNG image with no baked credential/)
  refused(png.subarray(0, 60), {}, FormatErrorCode.MALFORMED, /truncated/)
  refused(utf8('<svg><g></svg>'), {}, FormatErrorCode.MALFORMED, /closes <g>/)
  // an unknown media type is no hint
  assert.equal(readCredential(png, { mediaType: 'application/octet-stream' }).value, credential)
  assert.equal(readCredential(utf8(JSON.stringify(credential)), { mediaType: 'text/plain' }).value, credential)
})

test('FormatErrorCode keeps the baking codes of docs/errors.md', () => {
  assert.equal(FormatErrorCode, {
    NOT_PNG: 'COFL_ERR_BAKE_NOT_PNG',
    NOT_SVG: 'COFL_ERR_BAKE_NOT_SVG',
    MALFORMED: 'COFL_ERR_BAKE_MALFORMED',
    NO_CREDENTIAL: 'COFL_ERR_BAKE_NO_CREDENTIAL',
    NOT_JSON: 'COFL_ERR_FORMAT_NOT_JSON'
  })
})

test.run()
