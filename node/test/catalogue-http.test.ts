// GET /api/catalogue on a node of one (federation off, 127.0.0.1, port 0): documents published on
// the node and accepted from the network, searched through the route, and its 400s. The index
// itself: packages/catalogue/test/catalogue.test.ts.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EARTH_RADIUS_KM } from '@cofl/pathways'
import { CATALOGUE_COLLECTIONS } from '@cofl/catalogue'
import { KIND_COLLECTION_NAMES } from '@cofl/federation'
import { generateKeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { FastifyInstance } from 'fastify'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityServices } from '../src/app/city.js'
import { buildApi } from '../src/http/server.js'
import { localNetwork } from '../src/app/network.js'
import type { Network } from '../src/app/network.js'
import { createCityService } from '../src/app/service.js'
import type { CityService } from '../src/app/service.js'

type Json = Record<string, any>

const LIB = 'did:example:library'
const CLUB = 'did:example:youth-club'
const SK = (s: string): string => `https://bristol.example/spine/skills/${s}`
/** Points due north of HOME, `km` away (km per degree of latitude along a meridian). */
const HOME = { lat: 51.45, lon: -2.59 }
const north = (km: number): { lat: number, lon: number } => ({ lat: HOME.lat + km / (EARTH_RADIUS_KM * Math.PI / 180), lon: HOME.lon })
const sorted = (list: string[]): string[] => [...list].sort()

let dir = ''
let app: FastifyInstance | undefined
let base = ''
let service: CityService
let network: Network
let registry: StatusRegistry | undefined

async function get (query: string): Promise<{ status: number, body: Json }> {
  const response = await fetch(`${base}/api/catalogue${query}`, { signal: AbortSignal.timeout(10_000) })
  return { status: response.status, body: await response.json() as Json }
}

test('GET /api/catalogue: documents published on the node and accepted from the network, searched; bad queries 400', async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-catalogue-'))
  const key = await generateKeyPair()
  const store = createMemoryStore()
  registry = await openStatusRegistry({ directory: join(dir, 'status'), issuer: key.did })
  network = localNetwork({ key, store, directory: join(dir, 'network'), listen: [], bootstrap: [], trustRoots: [], federation: false })
  service = createCityService({ key, name: 'Catalogue City', store, registry, network, log: () => {} })
  // An achievement held before the node serves: read from the store at the first search.
  await network.publish('achievement', { id: 'urn:a:early', type: ['Achievement'], name: 'Early Bird Award', creator: { id: CLUB }, place: { area: 'Easton', ...north(4) } })
  app = buildApi({ service, services: createCityServices(service), adminToken: 'token', bodyLimit: 1 << 20, closing: () => false })
  base = await app.listen({ host: '127.0.0.1', port: 0 })

  let answer = await get('?q=early')
  assert.is(answer.status, 200, JSON.stringify(answer.body))
  assert.equal(answer.body.results.map((r: Json) => r.id), ['urn:a:early'])
  assert.is(answer.body.results[0].issuer, CLUB)

  // Published after the first search: in the index at once, through service.onDocument.
  for (const [id, name, km, area] of [['urn:a:py', 'Python Club', 1, 'Easton'], ['urn:a:sql', 'SQL Basics', 2, 'Bedminster'], ['urn:a:far', 'Python Far Away', 30, 'Elsewhere']] as const) {
    await network.publish('achievement', {
      id, type: ['Achievement'], name, creator: { id: LIB },
      alignment: [{ targetName: 'Coding', targetUrl: SK('coding') }],
      place: { area, ...north(km) }
    })
  }
  const own = await service.createAchievement({ id: 'urn:a:own', name: 'Own Pythonista Badge', description: 'Made here.', criteria: 'Code.' })
  await service.publishDocument('pathway', {
    id: 'urn:p:coder', kind: 'destination', name: 'Coder Pathway', requirements: { allOf: ['urn:a:py', { anyOf: ['urn:a:sql', 'urn:a:own'] }] }
  })

  answer = await get(`?q=pyth&lat=${HOME.lat}&lon=${HOME.lon}&km=10`)
  assert.equal(answer.body.results.map((r: Json) => [r.id, r.distanceKm]), [['urn:a:py', 1]])
  answer = await get('?q=PYTHON')
  assert.equal(sorted(answer.body.results.map((r: Json) => r.id)), ['urn:a:far', 'urn:a:own', 'urn:a:py'])
  answer = await get('?q=PYTHON%20')
  assert.equal(sorted(answer.body.results.map((r: Json) => r.id)), ['urn:a:far', 'urn:a:py'], 'a whole word')
  answer = await get('?q=pythonista')
  assert.equal(answer.body.results.map((r: Json) => r.id), [own.id])
  answer = await get(`?skill=${encodeURIComponent(SK('coding'))}&type=pathway&lat=${HOME.lat}&lon=${HOME.lon}&km=5`)
  assert.equal(answer.body, {
    results: [{ type: 'pathway', id: 'urn:p:coder', name: 'Coder Pathway', issuer: service.did, distanceKm: 1, skills: [{ id: SK('coding'), name: 'Coding' }], kind: 'destination', requiredCount: 2 }],
    total: 1,
    next: null
  })
  answer = await get('?area=easton&type=achievement,pathway')
  assert.equal(sorted(answer.body.results.map((r: Json) => r.id)), ['urn:a:early', 'urn:a:py', 'urn:p:coder'])
  answer = await get('?area=easton&type=achievement&type=pathway&limit=2')
  assert.is(answer.body.results.length, 2)
  assert.is(answer.body.total, 3)
  const rest = await get(`?area=easton&type=achievement&type=pathway&limit=2&cursor=${encodeURIComponent(answer.body.next)}`)
  assert.equal(sorted([...answer.body.results, ...rest.body.results].map((r: Json) => r.id)), ['urn:a:early', 'urn:a:py', 'urn:p:coder'])
  assert.is(rest.body.next, null)
  answer = await get(`?issuer=${encodeURIComponent(CLUB)}`)
  assert.equal(answer.body.results.map((r: Json) => r.id), ['urn:a:early'])

  for (const [query, words] of [
    ['?lat=51.4', /lon/],
    ['?lon=2', /lat/],
    ['?km=5', /lat/],
    ['?lat=91&lon=0', /lat must be <= 90/],
    ['?lat=50&lon=-181', /lon must be >= -180/],
    ['?lat=abc&lon=0', /lat must be number/],
    ['?lat=&lon=0', /lat must be number/],
    ['?lat=50&lon=0&km=0', /km must be > 0/],
    ['?lat=50&lon=0&km=20017', /km must be <= 20016/],
    ['?type=badge', /type/],
    ['?type=achievement,badge', /type/],
    ['?limit=0', /limit/],
    ['?limit=101', /limit/],
    ['?limit=2.5', /limit/],
    ['?issuer=nobody', /issuer/],
    ['?q=a&q=b', /q must be string/],
    [`?q=${'x'.repeat(201)}`, /q must NOT have more than 200 characters/],
    ['?color=red', /additional properties/],
    ['?cursor=bm9wZQ', /cursor is not one this node gave/],
    ['?area=', /area/]
  ] as const) {
    const bad = await get(query)
    assert.is(bad.status, 400, `${query}: ${JSON.stringify(bad.body)}`)
    assert.is(bad.body.error.code, 'COFL_ERR_BAD_REQUEST', query)
    assert.match(bad.body.error.message, words, query)
    assert.not.match(bad.body.error.message, /\n\s+at /, 'no stack trace')
  }
})

test.after(async () => {
  await app?.close()
  await network?.stop()
  await registry?.close()
  await service?.store.close()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

test.run()

test('the catalogue reads the collections the federation stores its kinds in (the two packages name them apart)', () => {
  for (const [kind, name] of Object.entries(CATALOGUE_COLLECTIONS)) {
    assert.is(name, (KIND_COLLECTION_NAMES as Record<string, string>)[kind], `kind ${kind}`)
  }
})
