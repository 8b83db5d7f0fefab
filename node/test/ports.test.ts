// Ports that port-0 settings got on the first start are recorded in DIR/node-ports.json (mode
// 0600) and listened on again by every later start, so that peers and users find the node where
// it was. A recorded port taken by another program refuses the start with the port, the file and
// the key to change; the node never moves silently. The dial policy's config key (allowDial).
import { readFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCofl } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from '../src/index.js'
import type { CityNode } from '../src/index.js'
import { loadConfig } from '../src/app/config.js'
import { ConfigError, InputError, PortInUseError } from '../src/app/errors.js'

type Json = Record<string, any>

let root = ''
test.before(async () => { root = await mkdtemp(join(tmpdir(), 'cofl-ports-')) })
test.after(async () => { await rm(root, { recursive: true, force: true }) })

const portOf = (address: string | undefined): number => Number(/\/tcp\/(\d+)/.exec(address ?? '')?.[1] ?? NaN)

async function run (data: string, config: Json = {}): Promise<{ libp2p: number, http: number }> {
  const node = createCityNode({ config: { data, ...config }, signingWorkers: 0 })
  await node.start()
  try {
    return { libp2p: portOf(node.info().multiaddrs[0]), http: Number(new URL(node.url).port) }
  } finally {
    await node.stop()
  }
}

async function occupy (port: number): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve) })
  return server
}

async function release (server: Server): Promise<void> {
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
}

async function refused (data: string): Promise<unknown> {
  let node: CityNode | undefined
  try {
    node = createCityNode({ config: { data }, signingWorkers: 0 })
    await node.start()
  } catch (err) {
    return err
  } finally {
    await node?.stop()
  }
  assert.unreachable('the start was not refused')
}

test('the first start records the ports it got (mode 0600); every later start listens on them again', async () => {
  const data = join(root, 'keeps')
  const first = await run(data)
  const file = join(data, 'node-ports.json')
  const recorded = JSON.parse(await readFile(file, 'utf8')) as Json
  assert.equal(recorded, { listen: { '/ip4/127.0.0.1/tcp/0': `/ip4/127.0.0.1/tcp/${first.libp2p}` }, http: { host: '127.0.0.1', port: first.http } })
  assert.is((await stat(file)).mode & 0o777, 0o600)
  for (let i = 0; i < 2; i++) assert.equal(await run(data), first)
  // Explicit ports are the configuration's business: not recorded; the recorded ones stay for port 0.
  const probe = await occupy(0)
  const httpPort = (probe.address() as { port: number }).port
  await release(probe)
  const explicit = await run(data, { http: { port: httpPort }, listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0'] })
  assert.equal(explicit, { libp2p: first.libp2p, http: httpPort }, 'the first occurrence of an address keeps its port')
  assert.equal(JSON.parse(await readFile(file, 'utf8')), recorded, 'nothing new recorded')
  assert.equal(await run(data), first)
})

test('a recorded port taken by another program: refused with the port, the file and the key; the record stays; freed, it works again', async () => {
  const data = join(root, 'taken')
  const ports = await run(data)
  const file = join(data, 'node-ports.json')
  const before = await readFile(file, 'utf8')

  let server = await occupy(ports.libp2p)
  try {
    const err = await refused(data)
    assert.instance(err, PortInUseError)
    const e = err as PortInUseError
    assert.is(e.key, 'listen')
    assert.is(e.port, ports.libp2p)
    assert.is(e.recorded, file)
    assert.match(e.message, `the libp2p port ${ports.libp2p} of /ip4/127.0.0.1/tcp/${ports.libp2p} is in use by another program: this node has used it since its first start chose it (recorded in ${file}`)
    assert.match(e.message, 'choose another with --listen or the config key listen')
  } finally {
    await release(server)
  }
  server = await occupy(ports.http)
  try {
    const err = await refused(data)
    assert.instance(err, PortInUseError)
    assert.is((err as PortInUseError).key, 'http.port')
    assert.is((err as PortInUseError).port, ports.http)
    assert.match((err as Error).message, `recorded in ${file}`)
    assert.match((err as Error).message, '--http-port or the config key http.port')
  } finally {
    await release(server)
  }
  assert.is(await readFile(file, 'utf8'), before, 'a refused start leaves the record as it was')
  assert.equal(await run(data), ports)
})

test('the CLI says it in one line, exit 2', async () => {
  const data = join(root, 'cli')
  const ports = await run(data)
  const server = await occupy(ports.libp2p)
  try {
    const result = await runCofl(['node', 'start', '--data', data], { env: { COFL_PASSPHRASE: '' } })
    assert.is(result.code, 2, result.stderr)
    assert.is(result.stderr.split('\n').length, 2, result.stderr)
    assert.match(result.stderr, new RegExp(`^cofl: the libp2p port ${ports.libp2p} .* is in use by another program: this node has used it since its first start chose it \\(recorded in .*node-ports\\.json`))
  } finally {
    await release(server)
  }
})

test('a damaged node-ports.json refuses the start, saying how to get new ports', async () => {
  const data = join(root, 'damaged')
  await run(data)
  await writeFile(join(data, 'node-ports.json'), '{"listen": {"/ip4/127.0.0.1/tcp/0": "nonsense"}}')
  const err = await refused(data)
  assert.instance(err, InputError)
  assert.match((err as Error).message, /node-ports\.json is not a node-ports\.json written by cofl .*delete it while the node is stopped/)
})

test('allowDial: [] by default; loopback and private from file, COFL_ALLOW_DIAL and --allow-dial; anything else refused naming the key', async () => {
  assert.equal((await loadConfig({ env: {} })).allowDial, [])
  assert.equal((await loadConfig({ env: { COFL_ALLOW_DIAL: 'loopback,private' } })).allowDial, ['loopback', 'private'])
  assert.equal((await loadConfig({ env: {}, flags: { allowDial: ['private'] } })).allowDial, ['private'])
  for (const value of ['public', 'all']) {
    try {
      await loadConfig({ env: { COFL_ALLOW_DIAL: value } })
      assert.unreachable(value)
    } catch (err) {
      assert.instance(err, ConfigError)
      assert.match((err as Error).message, 'allowDial')
      assert.match((err as Error).message, 'COFL_ALLOW_DIAL')
    }
  }
})

test.run()
