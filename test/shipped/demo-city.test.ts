// `npm run demo:city` as the README says: with `npm start` running (the compiled node, data in a
// temporary folder through COFL_DATA), it fills the node with Plymouth's City of Learning and prints
// an address that serves the home page, whose catalogue then holds the demo's achievements.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as assert from 'uvu/assert'
import { suite } from 'uvu'
import { ensureBuilt, NPM, run, startServer, userEnv } from './support.js'
import type { Server } from './support.js'

const test = suite('npm run demo:city')

let dir = ''
let server: Server | undefined

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-demo-city-'))
  ensureBuilt()
  server = await startServer(NPM, ['start'], { env: userEnv({ COFL_DATA: join(dir, 'data') }) })
})

test.after(async () => {
  await server?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('it fills the running node and prints an address that serves the home page', async () => {
  const result = await run(NPM, ['run', '--silent', 'demo:city'], { env: userEnv({ COFL_DATA: join(dir, 'data') }), timeoutMs: 300_000 })
  assert.is(result.code, 0, result.stdout + result.stderr)
  const url = /Open (http:\/\/127\.0\.0\.1:\d+)\/ /.exec(result.stdout)?.[1]
  assert.ok(url != null, result.stdout)
  assert.is(url, (server as Server).url)
  const home = await fetch(`${url as string}/`, { signal: AbortSignal.timeout(20_000) })
  assert.is(home.status, 200)
  assert.match(await home.text(), /<!doctype html>/i)
  const catalogue = await (await fetch(`${url as string}/api/achievements?limit=100`, { signal: AbortSignal.timeout(20_000) })).json() as { achievements: unknown[] }
  assert.ok(catalogue.achievements.length >= 5, `the demo's achievements are in the catalogue: ${catalogue.achievements.length}`)
})

test.run()
