// One way to make errors, on the node's side: domain code (node/src/app) throws a DomainError with
// one of the HTTP API's codes, never an ApiError, and the HTTP layer answers it with that code's
// status and the same {"error": {"code", "message"}} as before. A node of one (federation off,
// 127.0.0.1, port 0) over a store in memory, called with fastify's inject.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CoflError } from '@cofl/errors'
import { generateKeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { FastifyInstance } from 'fastify'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityServices } from '../src/app/city.js'
import { ApiError, API_ERROR_STATUS, DomainError, NodeError } from '../src/app/errors.js'
import { localNetwork } from '../src/app/network.js'
import { createCityService } from '../src/app/service.js'
import type { CityService } from '../src/app/service.js'
import { apiErrorOf } from '../src/http/api-error.js'
import { buildApi } from '../src/http/server.js'

const APP_SRC = fileURLToPath(new URL('../src/app', import.meta.url))
const TOKEN = 'token'
const ACHIEVEMENT = { id: 'urn:example:swimming', name: 'Swimming', description: 'Swims 50 m', criteria: { narrative: 'Swim 50 m' } }

let dir = ''
let app: FastifyInstance | undefined
let registry: StatusRegistry | undefined
let service: CityService

function sources (directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

async function refusal (promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => assert.unreachable('no error thrown'), (err: unknown) => err)
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-errors-mapping-'))
  const key = await generateKeyPair()
  const store = createMemoryStore()
  registry = await openStatusRegistry({ directory: join(dir, 'status'), issuer: key.did })
  const network = localNetwork({ key, store, directory: join(dir, 'network'), listen: [], bootstrap: [], trustRoots: [], federation: false })
  service = createCityService({ key, name: 'Errors City', store, registry, network, log: () => {} })
  app = buildApi({ service, services: createCityServices(service), adminToken: TOKEN, bodyLimit: 1 << 20, closing: () => false })
  await app.ready()
})

test.after(async () => {
  await app?.close()
  await registry?.close()
  await rm(dir, { recursive: true, force: true })
})

test('code under node/src/app never constructs an ApiError', () => {
  const files = sources(APP_SRC)
  assert.ok(files.length > 10, `found only ${files.length} files under ${APP_SRC}`)
  for (const file of files) {
    assert.not.match(readFileSync(file, 'utf8'), /\bnew\s+ApiError\b/, `${file} constructs an ApiError: throw a DomainError`)
  }
})

test('the node\'s errors are CoflErrors; a DomainError carries one of the API\'s codes', () => {
  const err = new DomainError('COFL_ERR_CONFLICT', 'taken', { cause: new Error('why') })
  assert.instance(err, NodeError)
  assert.instance(err, CoflError)
  assert.not.instance(err, ApiError)
  assert.is(err.name, 'DomainError')
  assert.is(err.code, 'COFL_ERR_CONFLICT')
  assert.instance(new ApiError('COFL_ERR_NOT_FOUND', 'x'), CoflError)
  const answered = apiErrorOf(err)
  assert.instance(answered, ApiError)
  assert.is(answered?.status, 409)
  assert.is(answered?.code, 'COFL_ERR_CONFLICT')
  assert.is(answered?.message, 'taken')
  assert.is(answered?.cause, err)
  assert.is(apiErrorOf(new Error('other')), undefined)
})

test('the service throws DomainErrors: an achievement twice, an unknown credential', async () => {
  await service.createAchievement({ ...ACHIEVEMENT })
  const twice = await refusal(service.createAchievement({ ...ACHIEVEMENT }))
  assert.instance(twice, DomainError)
  assert.is((twice as DomainError).code, 'COFL_ERR_CONFLICT')
  const unknown = await refusal(service.changeStatus('revoke', 'urn:uuid:00000000-0000-4000-8000-000000000000'))
  assert.instance(unknown, DomainError)
  assert.is((unknown as DomainError).code, 'COFL_ERR_NOT_FOUND')
})

test('a domain error reaches the client as its code\'s status, code and message', async () => {
  const post = async (url: string, payload: unknown): Promise<{ status: number, body: { error: { code: string, message: string } } }> => {
    const answer = await app!.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: { authorization: `Bearer ${TOKEN}` } })
    return { status: answer.statusCode, body: answer.json() }
  }
  const conflict = await post('/api/achievements', { ...ACHIEVEMENT, name: 'Again' })
  assert.is(conflict.status, 409)
  assert.equal(conflict.body, { error: { code: 'COFL_ERR_CONFLICT', message: `an achievement with id ${ACHIEVEMENT.id} exists already (achievements are not replaced)` } })
  const missing = await post('/api/credentials/revoke', { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000001' })
  assert.is(missing.status, 404)
  assert.equal(missing.body, { error: { code: 'COFL_ERR_NOT_FOUND', message: 'this node issued no credential urn:uuid:00000000-0000-4000-8000-000000000001' } })
  const noAchievement = await post('/api/offers', { achievementId: 'urn:example:none', email: 'ana@example.org' })
  assert.is(noAchievement.status, API_ERROR_STATUS.COFL_ERR_NOT_FOUND, JSON.stringify(noAchievement.body))
  assert.is(noAchievement.body.error.code, 'COFL_ERR_NOT_FOUND')
})

test.run()
