// The city's geography (config `geography`, node/src/app/geography.ts and http/geography.ts): the
// demo's committed outline is what scripts/geography.ts makes, small, with the demo's areas; a
// node serves it at GET /api/geography (cacheable, ETag and 304, cross-origin) and one without it
// an empty collection; a bad file stops `cofl node start` (the real CLI) with COFL_ERR_GEOGRAPHY's
// message and exit 2, and createCityNode's start with the error, before anything is created.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rawRequest, runCofl, tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode, Geography } from 'cofl'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PLYMOUTH = join(ROOT, 'node', 'assets', 'geography', 'plymouth.geojson')
const DEMO_AREAS = ['Barbican', 'Central Park', 'City Centre', 'Derriford', 'Devonport', 'Stonehouse']

let temp: TempDir

test.before(async () => { temp = await tempDir('cofl-geography-') })
test.after(async () => { await temp.remove() })

const square = (lon: number, lat: number, d = 0.01): number[][] => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
const collection = (...features: unknown[]): unknown => ({ type: 'FeatureCollection', features })
const area = (name: string | undefined, ring: unknown): unknown => ({ type: 'Feature', properties: name != null ? { name } : null, geometry: { type: 'Polygon', coordinates: [ring] } })

async function withNode<T> (config: Record<string, unknown>, fn: (node: CityNode) => Promise<T>): Promise<T> {
  const node = createCityNode({ config: { data: join(temp.path, `node-${Math.random().toString(36).slice(2)}`), ...config }, federation: false, signingWorkers: 0 })
  await node.start()
  try { return await fn(node) } finally { await node.stop() }
}

async function get (node: CityNode, path: string, headers: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof rawRequest>>> {
  const url = new URL(node.url)
  return await rawRequest({ host: url.hostname, port: Number(url.port), method: 'GET', path, headers, timeoutMs: 10_000 })
}

/** createCityNode's start with this geography file: the error it throws, and whether the data directory was made. */
async function startError (name: string, content: string | Buffer): Promise<{ err: Error & { code?: string }, created: boolean }> {
  const file = join(temp.path, name)
  await writeFile(file, content)
  const data = join(temp.path, `data-${name}`)
  const node = createCityNode({ config: { data, geography: file }, federation: false, signingWorkers: 0 })
  try {
    await node.start()
  } catch (err) {
    return { err: err as Error & { code?: string }, created: existsSync(data) }
  }
  await node.stop()
  throw new Error(`${name}: the node started`)
}

test('the demo\'s outline: what scripts/geography.ts makes, small, land and the demo\'s six areas', async () => {
  const check = await new Promise<{ code: number | null, out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'geography.ts'), '--check'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(60_000) })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { out += d })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ code, out }) })
  })
  assert.is(check.code, 0, check.out)
  assert.ok((await stat(PLYMOUTH)).size < 64 * 1024, 'tens of KiB at most')
  const json = JSON.parse(await readFile(PLYMOUTH, 'utf8')) as Geography
  const names = json.features.map((f) => f.properties.name).filter((n) => n != null).sort()
  assert.equal(names, DEMO_AREAS)
  assert.ok(json.features.some((f) => f.properties.name == null && f.geometry.type === 'MultiPolygon'), 'land from Natural Earth')
})

test('GET /api/geography: the outline, cacheable, with an ETag (304 when it matches) and CORS; empty without one', async () => {
  await withNode({ geography: PLYMOUTH }, async (node) => {
    const answer = await get(node, '/api/geography', { origin: 'http://127.0.0.1:1' })
    assert.is(answer.status, 200)
    assert.match(String(answer.headers['content-type']), /^application\/geo\+json/)
    assert.match(String(answer.headers['cache-control']), /^public, max-age=\d+/)
    assert.is(answer.headers['access-control-allow-origin'], '*')
    const etag = String(answer.headers.etag)
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/)
    const body = answer.body as unknown as Geography
    assert.is(body.type, 'FeatureCollection')
    assert.equal(body.features.map((f) => f.properties.name).filter((n) => n != null).sort(), DEMO_AREAS)
    const [w, s, e, n] = body.bbox ?? []
    assert.ok(w != null && s != null && e != null && n != null && w < -4.14 && e > -4.14 && s < 50.37 && n > 50.37, `the box holds Plymouth: ${JSON.stringify(body.bbox)}`)
    const again = await get(node, '/api/geography', { 'if-none-match': etag })
    assert.is(again.status, 304)
    assert.is(again.text, '')
    assert.is((await get(node, '/api/geography', { 'if-none-match': '"other"' })).status, 200)
  })
  await withNode({}, async (node) => {
    const answer = await get(node, '/api/geography')
    assert.is(answer.status, 200)
    assert.equal(answer.body, { type: 'FeatureCollection', features: [] })
  })
})

test('a big outline is simplified before it is served; areas are kept', async () => {
  // A wiggly coast of 20,000 positions (under the 50,000 allowed) and a tiny named area.
  const coast: number[][] = []
  const r5 = (v: number): number => Math.round(v * 1e5) / 1e5
  for (let i = 0; i < 20_000; i++) coast.push([r5(-4.3 + i * 0.00001), r5(50.36 + 0.0005 * Math.sin(i / 7))])
  const file = join(temp.path, 'big.geojson')
  await writeFile(file, JSON.stringify(collection({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coast } }, area('Tiny', square(-4.14, 50.37, 0.00001)))))
  await withNode({ geography: file }, async (node) => {
    const body = (await get(node, '/api/geography')).body as unknown as Geography
    const positions = body.features.reduce((sum, f) => sum + JSON.stringify(f.geometry.coordinates).split('],[').length, 0)
    assert.ok(positions <= 6_000, `served ${positions} positions`)
    assert.ok(body.features.some((f) => f.properties.name === 'Tiny'), 'a named area is never dropped')
  })
})

test('bad geography files: createCityNode refuses to start with COFL_ERR_GEOGRAPHY, naming the problem, and creates nothing', async () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['not-json.geojson', '{"type": "FeatureCollection", ', /not JSON/],
    ['not-geojson.geojson', JSON.stringify({ type: 'Feature', geometry: null }), /not a GeoJSON FeatureCollection/],
    ['point.geojson', JSON.stringify(collection({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-4.1, 50.3] } })), /features\[0\]\.geometry\.type is "Point"/],
    ['latitude.geojson', JSON.stringify(collection(area('Hoe', [[-4.1, 50.3], [-4.1, 95], [-4.0, 50.3], [-4.1, 50.3]]))), /features\[0\]\.geometry\.coordinates\[0\]\[1\] is \[-4\.1, 95\]: a longitude is −180 to 180 and a latitude −90 to 90/],
    ['longitude.geojson', JSON.stringify(collection(area('Hoe', [[-4.1, 50.3], [190, 50.4], [-4.0, 50.3], [-4.1, 50.3]]))), /is \[190, 50\.4\]/],
    ['open-ring.geojson', JSON.stringify(collection(area('Hoe', [[-4.1, 50.3], [-4.1, 50.4], [-4.0, 50.3], [-4.0, 50.2]]))), /not closed/],
    ['name.geojson', JSON.stringify(collection(area('x'.repeat(101), square(-4.1, 50.3)))), /properties\.name is not a name of 1 to 100 characters/],
    ['nan.geojson', '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[-4.1, 50.3], ["-4", 50]]}}]}', /coordinates\[1\] is not a position/],
    ['too-big.geojson', Buffer.alloc(512 * 1024 + 1, 0x20), /is 524289 bytes; at most 524288 \(512 KiB\)/],
    ['too-many.geojson', JSON.stringify(collection({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: Array.from({ length: 50_001 }, (_, i) => [i % 10, 0]) } })), /more than 50000 positions/]
  ]
  for (const [name, content, why] of cases) {
    const { err, created } = await startError(name, content)
    assert.is(err.code, 'COFL_ERR_GEOGRAPHY', `${name}: ${err.message}`)
    assert.is(err.name, 'GeographyError')
    assert.match(err.message, `the geography file ${join(temp.path, name)} (config geography) cannot be used: `)
    assert.match(err.message, why, `${name}: ${err.message}`)
    assert.not.ok(created, `${name}: the data directory was not created`)
  }
  const missing = createCityNode({ config: { data: join(temp.path, 'data-missing'), geography: join(temp.path, 'nowhere.geojson') }, federation: false, signingWorkers: 0 })
  const err = await missing.start().then(() => null, (e: unknown) => e as Error & { code?: string })
  assert.is(err?.code, 'COFL_ERR_GEOGRAPHY')
  assert.match(err?.message ?? '', /nowhere\.geojson \(config geography\) cannot be used: no such file/)
})

test('cofl node start --geography BAD (the real CLI): one line naming the file and the problem, exit 2, no stack', async () => {
  const file = join(temp.path, 'cli-latitude.geojson')
  await writeFile(file, JSON.stringify(collection(area('Hoe', [[-4.1, 50.3], [-4.1, 95], [-4.0, 50.3], [-4.1, 50.3]]))))
  const data = join(temp.path, 'cli-data')
  const run = await runCofl(['node', 'start', '--data', data, '--geography', file], { env: { COFL_PASSPHRASE: '' } })
  assert.is(run.code, 2, run.stderr)
  assert.is(run.stderr, `cofl: the geography file ${file} (config geography) cannot be used: features[0].geometry.coordinates[0][1] is [-4.1, 95]: a longitude is −180 to 180 and a latitude −90 to 90 (WGS 84 degrees, longitude first)\n`)
  assert.not.ok(existsSync(data), 'nothing created')

  // The same key from the environment, and a config value of the wrong type, said by the config's own check.
  const env = await runCofl(['node', 'start', '--data', data], { env: { COFL_PASSPHRASE: '', COFL_GEOGRAPHY: join(temp.path, 'absent.geojson') } })
  assert.is(env.code, 2, env.stderr)
  assert.match(env.stderr, /absent\.geojson \(config geography\) cannot be used: no such file/)
  const config = join(temp.path, 'config.json')
  await writeFile(config, JSON.stringify({ geography: 42 }))
  const typed = await runCofl(['node', 'start', '--data', data, '--config', config], { env: { COFL_PASSPHRASE: '' } })
  assert.is(typed.code, 2, typed.stderr)
  assert.match(typed.stderr, /invalid configuration: geography is 42 .*expected null or the path of a GeoJSON FeatureCollection file/)
})

test.run()
