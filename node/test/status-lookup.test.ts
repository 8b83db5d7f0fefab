// GET /api/status/:id for a list this node does not hold: asked of its peers (Network.getStatusList),
// as the node's own verifier does, so the verify page, which checks in the browser and asks the
// node for lists, finds what POST /api/verify finds. One lookup per id at a time, and a cap on how
// many ids are looked up at once. A node of one (federation off, 127.0.0.1, port 0) whose network
// stands in for peers that hold the list.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

const FAR_LIST = 'urn:cofl:status:did:key:z6MkFarCity:revocation:1'
const farList = { id: FAR_LIST, type: ['VerifiableCredential', 'BitstringStatusListCredential'] }

let dir = ''
let app: FastifyInstance | undefined
let registry: StatusRegistry | undefined
let asked: string[] = []
let running = 0
let most = 0
let release: () => void = () => {}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-status-lookup-'))
  const key = await generateKeyPair()
  const store = createMemoryStore()
  registry = await openStatusRegistry({ directory: join(dir, 'status'), issuer: key.did })
  const local = localNetwork({ key, store, directory: join(dir, 'network'), listen: [], bootstrap: [], trustRoots: [], federation: false })
  let gate: Promise<void> = Promise.resolve()
  // Peers that hold FAR_LIST and nothing else; a lookup waits at `gate` while a test holds it.
  const network: Network = {
    ...local,
    getStatusList: async (id) => {
      asked.push(id)
      most = Math.max(most, ++running)
      try {
        await gate
        return id === FAR_LIST ? farList : undefined
      } finally {
        running--
      }
    }
  }
  const service = createCityService({ key, name: 'Lookup City', store, registry, network, log: () => {} })
  app = buildApi({ service, services: createCityServices(service), adminToken: 'token', bodyLimit: 1 << 20, closing: () => false })
  await app.listen({ host: '127.0.0.1', port: 0 })
  holdLookups = () => { gate = new Promise((resolve) => { release = resolve }) }
})

let holdLookups: () => void = () => {}

test.after(async () => {
  await app?.close()
  await registry?.close()
  await rm(dir, { recursive: true, force: true })
})

async function status (id: string): Promise<Response> {
  const address = app?.server.address()
  const port = typeof address === 'object' && address != null ? address.port : 0
  return await fetch(`http://127.0.0.1:${port}/api/status/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(10_000) })
}

test('a list only peers hold is found through them; one nobody holds is 404', async () => {
  asked = []
  const found = await status(FAR_LIST)
  assert.is(found.status, 200)
  assert.equal(await found.json(), farList)
  assert.equal(asked, [FAR_LIST])
  const missing = await status('urn:cofl:status:did:key:z6MkNobody:revocation:1')
  assert.is(missing.status, 404)
  assert.is(((await missing.json()) as { error: { code: string } }).error.code, 'COFL_ERR_NOT_FOUND')
})

test('the same id asked ten times at once is looked up once; beyond 8 ids at once the others are 404 without asking', async () => {
  asked = []
  most = 0
  holdLookups()
  const same = Array.from({ length: 10 }, async () => await status(FAR_LIST))
  const others = Array.from({ length: 12 }, async (_, i) => await status(`urn:cofl:status:did:key:z6MkOther${i}:revocation:1`))
  // Wait until the lookups that may start have started, and the other requests have come in
  // (loopback: milliseconds), then let the lookups finish.
  for (let i = 0; i < 200 && asked.length < 8; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  await new Promise((resolve) => setTimeout(resolve, 500))
  release()
  const answers = await Promise.all([...same, ...others])
  assert.ok(answers.slice(0, 10).every((a) => a.status === 200), 'every caller of the shared lookup gets the list')
  assert.ok(answers.slice(10).every((a) => a.status === 404))
  assert.is(asked.filter((id) => id === FAR_LIST).length, 1, 'one lookup for the ten callers')
  assert.is(most, 8, `${most} lookups at once`)
  assert.is(asked.length, 8, `${asked.length} lookups: ${asked.join(', ')}`)
})

test.run()
