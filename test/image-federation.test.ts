// Badge images across the federation (127.0.0.1, port 0, nodes in this process): an image given
// on A travels with its achievement to B, which serves it by its hash; with A stopped, B still
// serves it, and C, which joins later through B only, gets it from B. A hostile peer that signs
// an image document holding a script SVG (or a PNG with a credential in it) under its true hash is
// refused by B: nothing is stored, nothing served, while the same peer's clean image arrives.
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signDocument } from '@cofl/credentials'
import { bakePng, defaultBadgePng } from '@cofl/formats'
import { generateKeyPair } from '@cofl/identity'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { settle, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'

type Json = Record<string, any>

const HTTP_MS = 20_000
const GOSSIP_MS = 30_000

let dir = ''
let a: CityNode | undefined
let b: CityNode | undefined
let c: CityNode | undefined
let hostile: TestNode | undefined

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

async function image (node: CityNode, file: string): Promise<{ status: number, bytes: Buffer, type: string | null }> {
  const res = await fetch(`${node.url}/api/images/${file}`, { signal: AbortSignal.timeout(HTTP_MS) })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') }
}

async function health (node: CityNode): Promise<Json> {
  return await (await fetch(`${node.url}/api/health`, { signal: AbortSignal.timeout(HTTP_MS) })).json() as Json
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-image-federation-'))
  a = createCityNode({ config: { data: join(dir, 'a'), name: 'Plymouth City of Learning' }, signingWorkers: 0 })
  await a.start()
  b = createCityNode({ config: { data: join(dir, 'b'), name: 'Exeter City of Learning', bootstrap: a.info().multiaddrs, trustRoots: [a.did] }, signingWorkers: 0 })
  await b.start()
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('a and b connected', async () => (await health(a as CityNode)).peers > 0, signal, 50)
  await settle(500)
})

test.after(async () => {
  await stopAll([hostile])
  await Promise.allSettled([c?.stop(), b?.stop(), a?.stop()])
  await rm(dir, { recursive: true, force: true })
})

let file = ''
let achievementId = ''
const png = defaultBadgePng('did:example:plymouth')

test('an image given on A is served by B by its hash, with its achievement', async () => {
  const node = a as CityNode
  const res = await fetch(`${node.url}/api/achievements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day', image: `data:image/png;base64,${Buffer.from(png).toString('base64')}` }),
    signal: AbortSignal.timeout(HTTP_MS)
  })
  const created = await res.json() as Json
  assert.is(res.status, 201, JSON.stringify(created))
  achievementId = created.id
  file = /([0-9a-f]{64}\.png)$/.exec(String(created.achievement.image.id))?.[1] ?? ''
  assert.is(file, `${sha256(png)}.png`, 'the image id names the hash of the image')
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('the image on B', async () => (await image(b as CityNode, file)).status === 200, signal, 50)
  const served = await image(b as CityNode, file)
  assert.is(served.type, 'image/png')
  assert.ok(served.bytes.equals(Buffer.from(png)), 'B serves the very bytes')
})

test('a hostile peer signs image documents with a script SVG and a baked PNG under their true hashes: B refuses them', async () => {
  const signal = AbortSignal.timeout(GOSSIP_MS)
  const key = await generateKeyPair()
  hostile = await startNode({ key, bootstrap: (b as CityNode).info().multiaddrs })
  await waitFor('the hostile peer connected to B', () => (hostile?.federation.peers().length ?? 0) > 0, signal, 50)
  await settle(500)
  const doc = async (bytes: Uint8Array, type: 'png' | 'svg'): Promise<Record<string, unknown>> => await signDocument({
    '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT],
    id: `urn:cofl:image:${sha256(bytes)}.${type}`,
    type: ['CoflImage'],
    issuer: key.did,
    encodingFormat: type === 'png' ? 'image/png' : 'image/svg+xml',
    content: Buffer.from(bytes).toString('base64')
  }, { key }) as unknown as Record<string, unknown>
  const script = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
  const baked = bakePng(defaultBadgePng(), { credentialSubject: { id: 'did:example:learner' } })
  const clean = defaultBadgePng(key.did)
  await hostile.federation.publish('image', await doc(script, 'svg'))
  await hostile.federation.publish('image', await doc(baked, 'png'))
  await hostile.federation.publish('image', await doc(clean, 'png'))
  // The clean one, published last by the same peer, arrives: the others were seen and refused.
  await waitFor('the clean image on B', async () => (await image(b as CityNode, `${sha256(clean)}.png`)).status === 200, signal, 50)
  assert.is((await image(b as CityNode, `${sha256(script)}.svg`)).status, 404, 'the script SVG')
  assert.is((await image(b as CityNode, `${sha256(baked)}.png`)).status, 404, 'the baked PNG')
})

test('with A stopped, B still serves the image, and C, joining through B only, gets it from B', async () => {
  await (a as CityNode).stop()
  a = undefined
  const served = await image(b as CityNode, file)
  assert.is(served.status, 200)
  const bNode = b as CityNode
  c = createCityNode({ config: { data: join(dir, 'c'), name: 'Bristol City of Learning', bootstrap: bNode.info().multiaddrs, trustRoots: [bNode.did] }, signingWorkers: 0 })
  await c.start()
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('the image on C', async () => (await image(c as CityNode, file)).status === 200, signal, 100)
  assert.ok((await image(c as CityNode, file)).bytes.equals(Buffer.from(png)))
  const entry = await fetch(`${c.url}/api/achievements/${encodeURIComponent(achievementId)}`, { signal: AbortSignal.timeout(HTTP_MS) })
  assert.is(entry.status, 200, 'C holds the achievement too')
})

test.run()
