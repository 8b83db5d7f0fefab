// `cofl wallet bake` and badge images, through the real CLI against a city node: with --node, the
// achievement's own image (its PNG baked into a .png; embedded in an .svg; its SVG baked into an
// .svg), fetched by its hash; without one, or when the node does not hold the image, the drawn
// badge, the very SVG the web pages draw (@cofl/formats defaultBadgeSvg: name, issuer colours).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { badgeColours, bakeSvg, defaultBadgePng, defaultBadgeSvg, stripPngText, unbakePng, unbakeSvg } from '@cofl/formats'
import { nodeApi, runCofl } from '@cofl/test-support'
import type { Json } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

let dir = ''
let node: CityNode
let other: CityNode
let did = ''
const path = (name: string): string => join(dir, name)

const PNG = defaultBadgePng('did:example:some-artist')
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><defs><linearGradient id="sea"><stop offset="1" stop-color="#036"/></linearGradient></defs><circle cx="32" cy="32" r="30" fill="url(#sea)"/></svg>\n'
const credentials: Record<'png' | 'svg', string> = { png: '', svg: '' }
const files: Record<'png' | 'svg', string> = { png: '', svg: '' }

async function ok (...argv: string[]): Promise<{ stdout: string, stderr: string }> {
  const run = await runCofl(argv)
  assert.is(run.code, 0, `cofl ${argv.join(' ')}: ${run.stderr}`)
  return run
}

async function admin (n: CityNode, method: string, p: string, body?: unknown): Promise<Json> {
  const answer = await nodeApi({ url: n.url, token: n.adminToken }, method, p, body, { timeoutMs: 20_000 })
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${p}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-image-bake-'))
  node = createCityNode({ config: { data: path('city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  // A node of its own that holds none of these images.
  other = createCityNode({ config: { data: path('other'), name: 'Elsewhere' }, federation: false })
  await other.start()
  did = (await ok('wallet', 'init', '--wallet', path('wallet'), '--unencrypted')).stdout.trim()
  for (const [type, bytes, mediaType] of [['png', PNG, 'image/png'], ['svg', new TextEncoder().encode(SVG), 'image/svg+xml']] as const) {
    const created = await admin(node, 'POST', '/api/achievements', {
      name: `Harbour ${type}`, description: 'A day on the water', criteria: 'Complete the day', image: `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`
    })
    files[type] = /([0-9a-f]{64}\.(?:png|svg))$/.exec(String(created.achievement.image.id))?.[1] ?? ''
    const issued = await admin(node, 'POST', '/api/credentials', { achievementId: created.id, subject: did })
    const credential = issued.credential ?? issued
    credentials[type] = credential.id
    await writeFile(path(`${type}.json`), JSON.stringify(credential))
    await ok('wallet', 'import', '--wallet', path('wallet'), path(`${type}.json`))
  }
})

test.after(async () => {
  await Promise.allSettled([node?.stop(), other?.stop()])
  await rm(dir, { recursive: true, force: true })
})

async function served (file: string): Promise<Uint8Array> {
  const res = await fetch(`${node.url}/api/images/${file}`, { signal: AbortSignal.timeout(10_000) })
  assert.is(res.status, 200)
  return new Uint8Array(await res.arrayBuffer())
}

test('--node: a PNG image is baked into as it is (the credential added, nothing else changed)', async () => {
  const run = await ok('wallet', 'bake', credentials.png, '--out', path('png.png'), '--node', node.url, '--wallet', path('wallet'))
  assert.match(run.stdout, /on the achievement's image/)
  const baked = new Uint8Array(await readFile(path('png.png')))
  assert.is(JSON.parse(unbakePng(baked) as string).id, credentials.png)
  assert.equal(stripPngText(baked), await served(files.png), 'the image is the achievement\'s')
})

test('--node: a PNG image in an .svg is embedded in it; an SVG image in an .svg is baked into', async () => {
  await ok('wallet', 'bake', credentials.png, '--out', path('png.svg'), '--node', node.url, '--wallet', path('wallet'))
  const withPng = await readFile(path('png.svg'), 'utf8')
  assert.ok(withPng.includes(`data:image/png;base64,${Buffer.from(await served(files.png)).toString('base64')}`), 'the PNG is inside the SVG')
  assert.is(JSON.parse(unbakeSvg(withPng) as string).id, credentials.png)
  await ok('wallet', 'bake', credentials.svg, '--out', path('svg.svg'), '--node', node.url, '--wallet', path('wallet'))
  const withSvg = await readFile(path('svg.svg'), 'utf8')
  assert.match(withSvg, /<linearGradient id="sea">/, 'the achievement\'s SVG')
  assert.is(JSON.parse(unbakeSvg(withSvg) as string).id, credentials.svg)
})

test('an SVG image into a .png: the drawn badge in the issuer\'s colours, and the output says so', async () => {
  const run = await ok('wallet', 'bake', credentials.svg, '--out', path('svg.png'), '--node', node.url, '--wallet', path('wallet'))
  assert.match(run.stdout, /drawn badge \(the achievement's image is an SVG/)
  assert.equal(stripPngText(new Uint8Array(await readFile(path('svg.png')))), defaultBadgePng(node.did))
})

test('without --node, or from a node that does not hold the image: the drawn badge, the web\'s drawing', async () => {
  const plain = await ok('wallet', 'bake', credentials.png, '--out', path('drawn.svg'), '--wallet', path('wallet'))
  assert.match(plain.stdout, /on a drawn badge/)
  const drawn = await readFile(path('drawn.svg'), 'utf8')
  assert.is(drawn, bakeSvg(defaultBadgeSvg('Harbour png', node.did), JSON.parse(await readFile(path('png.json'), 'utf8'))))
  assert.match(drawn, new RegExp(badgeColours(node.did).face), 'in the issuer\'s colours')
  const elsewhere = await ok('wallet', 'bake', credentials.png, '--out', path('elsewhere.svg'), '--node', other.url, '--wallet', path('wallet'))
  assert.match(elsewhere.stderr, /not used: the node at \S+ answered 404/)
  assert.is(await readFile(path('elsewhere.svg'), 'utf8'), drawn)
})

test.run()
