// The drawn badge and the PNG checks that badge images use (badge.ts, png.ts): colours per issuer
// (stable, spread, white text readable on every face), the SVG and PNG drawings in them, an SVG
// around a PNG, a PNG's size and chunks read whole, and its text chunks removed.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  badgeColours, bakePng, bakeSvg, DEFAULT_BADGE_COLOURS, defaultBadgePng, defaultBadgeSvg, FormatError, pngBadgeSvg, pngInfo, stripPngText, unbakePng, unbakeSvg
} from '../src/index.js'

/** WCAG 2 relative luminance of #rrggbb. */
function luminance (hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number)
}

test('badgeColours: the same issuer, the same colours; issuers spread over hues; white text at 4.5:1 or more on every face', () => {
  assert.equal(badgeColours(), DEFAULT_BADGE_COLOURS)
  assert.equal(badgeColours('did:key:z6MkA'), badgeColours('did:key:z6MkA'))
  const faces = new Set<string>()
  for (let i = 0; i < 500; i++) {
    const colours = badgeColours(`did:key:z6Mk${i.toString(36)}`)
    faces.add(colours.face)
    assert.match(colours.face, /^#[0-9a-f]{6}$/)
    const contrast = 1.05 / (luminance(colours.face) + 0.05)
    assert.ok(contrast >= 4.5, `white on ${colours.face}: ${contrast.toFixed(2)}`)
  }
  assert.ok(faces.size > 100, `${faces.size} different faces for 500 issuers`)
})

test('defaultBadgeSvg draws in the issuer\'s colours; defaultBadgePng too (and stays the same for no issuer)', () => {
  const colours = badgeColours('did:example:plymouth')
  const svg = defaultBadgeSvg('Harbour <Safety> & "Rescue"', 'did:example:plymouth')
  assert.ok(svg.includes(`fill="${colours.face}"`) && svg.includes(`fill="${colours.ring}"`))
  assert.ok(svg.includes('Harbour &lt;Safety&gt; &amp;'), 'the name is escaped')
  assert.not.ok(defaultBadgeSvg('x').includes(colours.face))
  const png = defaultBadgePng('did:example:plymouth')
  assert.not.equal(png, defaultBadgePng('did:example:exeter'))
  assert.equal(png, defaultBadgePng('did:example:plymouth'))
  assert.equal(pngInfo(defaultBadgePng()), { width: 128, height: 128, chunks: ['IHDR', 'IDAT', 'IEND'] })
})

test('stripPngText removes tEXt / iTXt chunks (a baked credential) and nothing else', () => {
  const plain = defaultBadgePng()
  const baked = bakePng(plain, { id: 'urn:uuid:1', credentialSubject: { id: 'did:example:learner' } })
  assert.ok(unbakePng(baked) != null)
  assert.equal(pngInfo(baked).chunks, ['IHDR', 'IDAT', 'iTXt', 'IEND'])
  const stripped = stripPngText(baked)
  assert.equal(stripped, plain)
  assert.is(unbakePng(stripped), undefined)
})

test('pngInfo refuses a damaged PNG, bytes after IEND, and what is no PNG', () => {
  const png = defaultBadgePng()
  const damaged = png.slice()
  damaged[60] = (damaged[60] as number) ^ 0xff
  assert.throws(() => pngInfo(damaged), (err: unknown) => err instanceof FormatError && /CRC/.test(err.message))
  const trailing = new Uint8Array([...png, 1, 2, 3])
  assert.throws(() => pngInfo(trailing), (err: unknown) => err instanceof FormatError && /after its IEND/.test(err.message))
  assert.throws(() => pngInfo(new TextEncoder().encode('<svg/>')), (err: unknown) => err instanceof FormatError && err.code === 'COFL_ERR_BAKE_NOT_PNG')
})

test('pngBadgeSvg: an SVG showing the PNG, its title escaped, that a credential bakes into', () => {
  const png = defaultBadgePng()
  const svg = pngBadgeSvg(png, 'Tom & "Jerry" <3', 128, 128)
  assert.ok(svg.includes(`href="data:image/png;base64,${Buffer.from(png).toString('base64')}"`), 'the PNG inside, base64 as Node encodes it')
  assert.ok(svg.includes('<title>Tom &amp; &quot;Jerry&quot; &lt;3</title>'))
  assert.equal(JSON.parse(unbakeSvg(bakeSvg(svg, { id: 'urn:uuid:2' })) as string), { id: 'urn:uuid:2' })
})

test.run()
