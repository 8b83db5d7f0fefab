// Badge images through the real HTTP API and CLI of a city node (node/src/app/images.ts,
// node/src/http/images.ts): a PNG loses the credential baked into it; SVGs that attack (a script,
// an event handler, a foreignObject, an external or javascript: reference, an @import, an entity
// bomb) and images too large are refused with their codes and define no achievement; an image is
// served by its hash with its headers; and an image document a peer would send is checked again.
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bakePng, defaultBadgePng, pngInfo, unbakePng } from '@cofl/formats'
import { nodeApi, runCofl } from '@cofl/test-support'
import type { Json } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { validateCoflDocument } from '../node/src/app/documents.js'

let dir = ''
let node: CityNode
let tokenFile = ''

const FIELDS = { description: 'A day on the water', criteria: 'Complete the day' }
const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
const GOOD_SVG = `<?xml version="1.0" encoding="UTF-8"?>\n<svg ${SVG_NS} viewBox="0 0 64 64"><defs><linearGradient id="g"><stop offset="0" stop-color="#246"/></linearGradient></defs><circle cx="32" cy="32" r="30" fill="url(#g)"/><metadata>made by hand</metadata></svg>\n`

/** SVGs that attack whoever shows them, and the code each is refused with. */
const ATTACKS: Array<{ name: string, svg: string, code: string, says: RegExp }> = [
  { name: 'script', svg: `<svg ${SVG_NS}><script>fetch('/api/credentials')</script><circle r="4"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /<script>/ },
  { name: 'onload', svg: `<svg ${SVG_NS} onload="alert(document.cookie)"><circle r="4"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /onload/ },
  { name: 'foreignObject', svg: `<svg ${SVG_NS}><foreignObject width="9" height="9"><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /foreignObject/ },
  { name: 'external image', svg: `<svg ${SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://evil.example/track.png" width="9" height="9"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /evil\.example/ },
  { name: 'javascript: link', svg: `<svg ${SVG_NS}><a href="javascript:alert(1)"><circle r="4"/></a></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /javascript:/ },
  { name: 'external use', svg: `<svg ${SVG_NS}><use href="https://evil.example/sprite.svg#x"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /sprite\.svg/ },
  { name: '@import', svg: `<svg ${SVG_NS}><style>@import url("https://evil.example/x.css"); circle { fill: red }</style><circle r="4"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /@import/ },
  { name: 'url() in style', svg: `<svg ${SVG_NS}><rect width="4" height="4" style="fill: url(https://evil.example/p.svg#p)"/></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /url\(/ },
  {
    name: 'billion laughs',
    svg: `<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n<svg ${SVG_NS}><text>&d;</text></svg>`,
    code: 'COFL_ERR_IMAGE_UNSAFE',
    says: /DOCTYPE|ENTITY/
  },
  { name: 'external entity', svg: `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${SVG_NS}><text>&x;</text></svg>`, code: 'COFL_ERR_IMAGE_UNSAFE', says: /DOCTYPE|ENTITY/ },
  { name: 'not XML', svg: `<svg ${SVG_NS}><circle r="4"></svg>`, code: 'COFL_ERR_IMAGE_MALFORMED', says: /well-formed/ },
  { name: 'too many elements', svg: `<svg ${SVG_NS}>${'<g/>'.repeat(3000)}</svg>`, code: 'COFL_ERR_IMAGE_TOO_LARGE', says: /more than 2000 tags/ },
  { name: 'oversized', svg: `<svg ${SVG_NS}><desc>${'x'.repeat(300 * 1024)}</desc></svg>`, code: 'COFL_ERR_IMAGE_TOO_LARGE', says: /262144/ }
]

const dataUri = (type: string, bytes: Uint8Array | string): string => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

async function api (method: string, path: string, body?: unknown): Promise<{ status: number, body: Json }> {
  return await nodeApi({ url: node.url, token: node.adminToken }, method, path, body, { timeoutMs: 20_000 })
}

async function get (path: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: Record<string, unknown>, bytes: Buffer }> {
  const url = new URL(path, node.url)
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) })
  const answered: Record<string, unknown> = {}
  res.headers.forEach((value, name) => { answered[name] = value })
  return { status: res.status, headers: answered, bytes: Buffer.from(await res.arrayBuffer()) }
}

async function achievementCount (): Promise<number> {
  return ((await api('GET', '/api/achievements?untrusted=1&limit=100')).body.achievements as unknown[]).length
}

/** The file name an achievement's image id names. */
function fileOf (achievement: Json): string {
  const id = String(achievement.image?.id ?? '')
  const match = /([0-9a-f]{64}\.(?:png|svg))$/.exec(id)
  assert.ok(match, `the achievement's image id ${id} names an image by its hash`)
  return (match as RegExpExecArray)[1] as string
}

/** A PNG whose IHDR says it is `width` pixels wide (CRC made right). */
function pngOfWidth (width: number): Uint8Array {
  const png = defaultBadgePng()
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  view.setUint32(16, width)
  const crc = (bytes: Uint8Array): number => {
    let c = ~0
    for (const b of bytes) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)) }
    return ~c >>> 0
  }
  view.setUint32(29, crc(png.subarray(12, 29)))
  return png
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-images-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning', publicBaseUrl: 'https://badges.plymouth.example' }, federation: false })
  await node.start()
  tokenFile = join(dir, 'token')
  await writeFile(tokenFile, node.adminToken, { mode: 0o600 })
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('a PNG with a credential baked into it (iTXt): published without it, served by its hash with immutable, nosniff and CORS headers', async () => {
  const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:someone-else' } }
  const baked = bakePng(defaultBadgePng('did:example:issuer'), credential)
  assert.ok(unbakePng(baked) != null, 'the image sent carries a credential')
  const created = await api('POST', '/api/achievements', { name: 'Harbour Safety', ...FIELDS, image: dataUri('image/png', baked) })
  assert.is(created.status, 201, JSON.stringify(created.body))
  const achievement = created.body.achievement as Json
  assert.equal(achievement.image.type, 'Image')
  assert.match(String(achievement.image.id), /^https:\/\/badges\.plymouth\.example\/api\/images\/[0-9a-f]{64}\.png$/)
  const file = fileOf(achievement)
  const served = await get(`/api/images/${file}`, { origin: 'http://127.0.0.1:1' })
  assert.is(served.status, 200)
  assert.is(served.headers['content-type'], 'image/png')
  assert.is(served.headers['x-content-type-options'], 'nosniff')
  assert.match(String(served.headers['cache-control']), /immutable/)
  assert.is(served.headers['access-control-allow-origin'], '*')
  assert.is(sha256(served.bytes), file.slice(0, 64), 'the file name is the hash of the bytes served')
  assert.is(unbakePng(new Uint8Array(served.bytes)), undefined, 'no credential left in the image')
  const chunks = pngInfo(new Uint8Array(served.bytes)).chunks
  assert.not.ok(chunks.some((c) => ['tEXt', 'iTXt', 'zTXt'].includes(c)), `no text chunk: ${chunks.join(' ')}`)
  // A credential names the image by its URL: the bytes never ride in it.
  const issued = await api('POST', '/api/credentials', { achievementId: created.body.id, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })
  const issuedCredential = (issued.body.credential ?? issued.body) as Json
  assert.is(issuedCredential.credentialSubject.achievement.image.id, achievement.image.id)
  assert.not.match(JSON.stringify(issuedCredential), /data:image/)
  // The same image again (another achievement): the same file, published once.
  const again = await api('POST', '/api/achievements', { name: 'Harbour Safety II', ...FIELDS, image: dataUri('image/png', baked) })
  assert.is(fileOf(again.body.achievement as Json), file)
})

test('an SVG is served as the sanitiser wrote it, with a CSP that lets it run and load nothing', async () => {
  const created = await api('POST', '/api/achievements', { name: 'Sailing', ...FIELDS, image: dataUri('image/svg+xml', GOOD_SVG) })
  assert.is(created.status, 201, JSON.stringify(created.body))
  const served = await get(`/api/images/${fileOf(created.body.achievement as Json)}`)
  assert.is(served.status, 200)
  assert.is(served.headers['content-type'], 'image/svg+xml')
  assert.match(String(served.headers['content-security-policy']), /default-src 'none'/)
  assert.is(served.headers['x-content-type-options'], 'nosniff')
  const text = served.bytes.toString('utf8')
  assert.match(text, /<linearGradient id="g">/, 'SVG elements with capitals are kept')
  assert.match(text, /viewBox="0 0 64 64"/)
})

test('an image this node does not hold is a 404; a name that is no hash is a 400', async () => {
  assert.is((await get(`/api/images/${'0'.repeat(64)}.png`)).status, 404)
  assert.is((await get('/api/images/..%2f..%2fconfig.json')).status, 400)
})

for (const attack of ATTACKS) {
  test(`HTTP: an SVG with ${attack.name} is refused (${attack.code}) and defines no achievement`, async () => {
    const before = await achievementCount()
    const answer = await api('POST', '/api/achievements', { name: `Attack ${attack.name}`, ...FIELDS, image: dataUri('image/svg+xml', attack.svg) })
    assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} ${JSON.stringify(answer.body)}`)
    assert.is(answer.body.error?.code, attack.code, JSON.stringify(answer.body))
    assert.match(String(answer.body.error?.message), attack.says)
    assert.is(await achievementCount(), before)
  })
}

test('HTTP: a PNG over the size limit, a PNG too wide, a damaged PNG and a GIF are refused with their codes', async () => {
  const big = bakePng(defaultBadgePng(), { pad: 'x'.repeat(300 * 1024) })
  const cases: Array<[string, string, number, string]> = [
    [dataUri('image/png', big), 'COFL_ERR_IMAGE_TOO_LARGE', 413, 'oversized'],
    [dataUri('image/png', pngOfWidth(5000)), 'COFL_ERR_IMAGE_TOO_LARGE', 413, 'too wide'],
    [dataUri('image/png', defaultBadgePng().subarray(0, 60)), 'COFL_ERR_IMAGE_MALFORMED', 400, 'truncated'],
    [dataUri('image/gif', Buffer.from('GIF89a')), 'COFL_ERR_IMAGE_TYPE', 415, 'gif'],
    [dataUri('image/png', Buffer.from('GIF89a not a png')), 'COFL_ERR_IMAGE_TYPE', 415, 'not a png']
  ]
  for (const [image, code, status, what] of cases) {
    const answer = await api('POST', '/api/achievements', { name: `Bad ${what}`, ...FIELDS, image })
    assert.is(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`)
    assert.is(answer.body.error?.code, code, what)
  }
})

test('CLI: `cofl achievement create --image` refuses an SVG with a script (exit 2, the reason said) and publishes a clean one', async () => {
  const fields = join(dir, 'fields.json')
  await writeFile(fields, JSON.stringify({ name: 'Rowing', ...FIELDS }))
  const evil = join(dir, 'evil.svg')
  await writeFile(evil, ATTACKS[0]?.svg as string)
  const refused = await runCofl(['achievement', 'create', fields, '--image', evil, '--node', node.url, '--token-file', tokenFile])
  assert.is(refused.code, 2, refused.stderr)
  assert.match(refused.stderr, /<script>/)
  assert.not.match(refused.stderr, /\n\s+at /, 'no stack trace')
  const good = join(dir, 'good.svg')
  await writeFile(good, GOOD_SVG)
  const made = await runCofl(['achievement', 'create', fields, '--image', good, '--node', node.url, '--token-file', tokenFile])
  assert.is(made.code, 0, made.stderr)
  const file = fileOf(JSON.parse(made.stdout).achievement as Json)
  assert.is((await get(`/api/images/${file}`)).status, 200)
})

test('CLI: `cofl achievement sign` (offline) refuses a data: image: only a node publishes images, by their hash', async () => {
  const key = join(dir, 'issuer.key')
  assert.is((await runCofl(['keys', 'new', '--out', key, '--unencrypted'])).code, 0)
  const fields = join(dir, 'with-data.json')
  await writeFile(fields, JSON.stringify({ name: 'Offline', ...FIELDS, image: dataUri('image/png', defaultBadgePng()) }))
  const run = await runCofl(['achievement', 'sign', '--key', key, fields])
  assert.is(run.code, 2, run.stderr)
  assert.match(run.stderr, /data: URI.*cofl achievement create --image/)
})

test('an image document from a peer is checked again: unsanitised bytes under their true hash, or a hash that lies, are refused', () => {
  const doc = (bytes: Uint8Array, type: 'png' | 'svg', hash = sha256(bytes)): Record<string, unknown> => ({
    id: `urn:cofl:image:${hash}.${type}`, type: ['CoflImage'], issuer: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    encodingFormat: type === 'png' ? 'image/png' : 'image/svg+xml', content: Buffer.from(bytes).toString('base64')
  })
  const script = new TextEncoder().encode(ATTACKS[0]?.svg)
  assert.is(validateCoflDocument('image', doc(script, 'svg')).ok, false, 'a script SVG, hash right')
  const baked = bakePng(defaultBadgePng(), { secret: 1 })
  assert.is(validateCoflDocument('image', doc(baked, 'png')).ok, false, 'a PNG with an iTXt chunk, hash right')
  const clean = defaultBadgePng()
  assert.is(validateCoflDocument('image', doc(clean, 'png')).ok, true, 'a clean PNG')
  assert.is(validateCoflDocument('image', doc(clean, 'png', 'a'.repeat(64))).ok, false, 'a hash that is not the bytes\'')
  assert.is(validateCoflDocument('image', doc(clean, 'svg')).ok, false, 'a PNG named .svg')
})

test.run()
