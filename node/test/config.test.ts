// The node's configuration: embedded defaults < file < COFL_* environment < flags, validated with
// an error that names the key, the value, where it came from and what was expected.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError, createCityNode, defaultConfig, loadConfig, runCli } from '../src/index.js'

let dir = ''
test.before(async () => { dir = await mkdtemp(join(tmpdir(), 'cofl-config-')) })
test.after(async () => { await rm(dir, { recursive: true, force: true }) })

async function refused (fn: () => Promise<unknown> | unknown): Promise<ConfigError> {
  try {
    await fn()
  } catch (err) {
    assert.instance(err, ConfigError)
    assert.is((err as ConfigError).code, 'COFL_ERR_CONFIG')
    return err as ConfigError
  }
  throw new assert.Assertion({ message: 'expected a ConfigError', operator: 'throws', expects: 'ConfigError', actual: 'nothing thrown' })
}

test('the embedded defaults: .cofl under the cwd, loopback, OS-chosen ports, no bootstrap', async () => {
  const config = await loadConfig({ env: {}, cwd: dir })
  assert.is(config.data, join(dir, '.cofl'))
  assert.equal(config.listen, ['/ip4/127.0.0.1/tcp/0'])
  assert.equal(config.http, { host: '127.0.0.1', port: 0, maxConnections: null, idleTimeoutMs: 10_000, keepAliveTimeoutMs: 5000, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, trustProxy: false })
  assert.equal(config.bootstrap, [])
  assert.equal(config.trustRoots, [])
  assert.is(config.publicBaseUrl, null)
  assert.ok(config.limits.bodyBytes >= 1024)
  // a fresh object every time
  const a = defaultConfig()
  a.bootstrap.push('/x')
  assert.equal(defaultConfig().bootstrap, [])
})

test('precedence: file < environment < flags, objects merged key by key', async () => {
  const file = join(dir, 'city.json')
  await writeFile(file, JSON.stringify({
    name: 'File City',
    http: { port: 1111 },
    bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWFile'],
    publicBaseUrl: 'https://badges.example.org/',
    limits: { bodyBytes: 4096 }
  }))
  const env = { COFL_HTTP_PORT: '2222', COFL_NAME: 'Env City', COFL_TRUST_ROOTS: 'did:key:z6MkA, did:key:z6MkB', COFL_DATA: 'env-data' }
  const fileOnly = await loadConfig({ file, env: {}, cwd: dir })
  assert.is(fileOnly.http.port, 1111)
  assert.is(fileOnly.http.host, '127.0.0.1') // default kept beside the file's port
  assert.is(fileOnly.name, 'File City')
  assert.is(fileOnly.publicBaseUrl, 'https://badges.example.org') // trailing slash dropped

  const withEnv = await loadConfig({ file, env, cwd: dir })
  assert.is(withEnv.http.port, 2222)
  assert.is(withEnv.name, 'Env City')
  assert.equal(withEnv.trustRoots, ['did:key:z6MkA', 'did:key:z6MkB'])
  assert.equal(withEnv.bootstrap, ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWFile'])
  assert.is(withEnv.data, join(dir, 'env-data'))
  assert.is(withEnv.limits.bodyBytes, 4096)

  const withFlags = await loadConfig({ file, env, cwd: dir, flags: { http: { port: 3333 }, bootstrap: ['/ip4/127.0.0.1/tcp/5001/p2p/12D3KooWFlag'], data: join(dir, 'flag-data') } })
  assert.is(withFlags.http.port, 3333)
  assert.is(withFlags.name, 'Env City')
  assert.equal(withFlags.bootstrap, ['/ip4/127.0.0.1/tcp/5001/p2p/12D3KooWFlag'])
  assert.is(withFlags.data, join(dir, 'flag-data'))

  // the config file may also come from $COFL_CONFIG
  assert.is((await loadConfig({ env: { COFL_CONFIG: file }, cwd: dir })).name, 'File City')
  // an empty COFL_BOOTSTRAP is an empty list, an empty COFL_PUBLIC_BASE_URL is null
  const emptied = await loadConfig({ file, env: { COFL_BOOTSTRAP: '', COFL_PUBLIC_BASE_URL: '' }, cwd: dir })
  assert.equal(emptied.bootstrap, [])
  assert.is(emptied.publicBaseUrl, null)
})

test('http connection limits and timeouts: set from a file or COFL_HTTP_MAX_CONNECTIONS; bad ones refused naming the key', async () => {
  const fromEnv = await loadConfig({ env: { COFL_HTTP_MAX_CONNECTIONS: '200' }, cwd: dir })
  assert.is(fromEnv.http.maxConnections, 200)
  assert.is((await refused(async () => await loadConfig({ env: { COFL_HTTP_MAX_CONNECTIONS: '0' }, cwd: dir }))).key, 'http.maxConnections')
  const file = join(dir, 'http.json')
  await writeFile(file, JSON.stringify({ http: { idleTimeoutMs: 50 } }))
  assert.is((await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))).key, 'http.idleTimeoutMs')
  await writeFile(file, JSON.stringify({ http: { headersTimeoutMs: 30_000, requestTimeoutMs: 20_000 } }))
  const order = await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))
  assert.is(order.key, 'http.headersTimeoutMs')
  assert.match(order.message, /at most http\.requestTimeoutMs \(20000\)/)
})

test('http.trustProxy: false, or the proxies\' addresses and CIDR ranges (file or COFL_HTTP_TRUST_PROXY); true, a number of hops or a bad address refused, saying why', async () => {
  const file = join(dir, 'proxy.json')
  const load = async (trustProxy: unknown): Promise<unknown> => {
    await writeFile(file, JSON.stringify({ http: { trustProxy } }))
    return (await loadConfig({ file, env: {}, cwd: dir })).http.trustProxy
  }
  assert.is(await load(false), false)
  assert.equal(await load(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']), ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback'])
  assert.equal((await loadConfig({ env: { COFL_HTTP_TRUST_PROXY: '127.0.0.1, 192.168.0.0/16' }, cwd: dir })).http.trustProxy, ['127.0.0.1', '192.168.0.0/16'])
  assert.is((await loadConfig({ env: { COFL_HTTP_TRUST_PROXY: 'false' }, cwd: dir })).http.trustProxy, false)
  for (const bad of [true, 1, 'proxy.example.org']) {
    const error = await refused(async () => await load(bad))
    assert.is(error.key, 'http.trustProxy', JSON.stringify(bad))
    assert.match(error.message, /expected false, or an array of the addresses or CIDR ranges of the reverse proxies.*not true, nor a number of proxies/)
  }
  const fromEnv = await refused(async () => await loadConfig({ env: { COFL_HTTP_TRUST_PROXY: 'true' }, cwd: dir }))
  assert.match(fromEnv.message, /http\.trustProxy is true \(from COFL_HTTP_TRUST_PROXY\)/)
  assert.is((await refused(async () => await loadConfig({ env: { COFL_HTTP_TRUST_PROXY: '2' }, cwd: dir }))).key, 'http.trustProxy')
  for (const [bad, why] of [['proxy.example.org', /expected an IP address, a CIDR range/], ['10.0.0.0/33', /prefix length is 0 to 32/], ['0.0.0.0/0', /that would trust anyone/], ['::/0', /that would trust anyone/], ['10.0.0.1/x', /prefix length/]] as const) {
    const error = await refused(async () => await load(['127.0.0.1', bad]))
    assert.is(error.key, 'http.trustProxy (item 1)', bad)
    assert.match(error.message, why)
    assert.ok(error.message.includes(JSON.stringify(bad)), error.message)
  }
})

test('config/example-city.json is a valid configuration', async () => {
  const example = new URL('../../config/example-city.json', import.meta.url).pathname
  const config = await loadConfig({ file: example, env: {}, cwd: dir })
  assert.is(config.name, 'Plymouth City of Learning')
  assert.is(config.http.port, 8080)
})

test('a bad value names the key, the value, its source and what was expected', async () => {
  const port = await refused(async () => await loadConfig({ env: { COFL_HTTP_PORT: 'abc' }, cwd: dir }))
  assert.is(port.key, 'http.port')
  assert.is(port.value, 'abc')
  assert.match(port.message, /http\.port is "abc" \(from COFL_HTTP_PORT\); expected an integer from 0 to 65535/)

  const flag = await refused(async () => await loadConfig({ env: {}, cwd: dir, flags: { http: { port: 70000 } } }))
  assert.match(flag.message, /http\.port is 70000 \(from --http-port\)/)

  const file = join(dir, 'bad.json')
  await writeFile(file, JSON.stringify({ bootstrap: ['/ip4/127.0.0.1/tcp/4001'], http: { port: 1 } }))
  const item = await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))
  assert.match(item.key, /^bootstrap/)
  assert.match(item.message, new RegExp(`from ${file}.*expected an array of multiaddrs that end with /p2p/<peer id>`))

  await writeFile(file, JSON.stringify({ htpp: { port: 1 } }))
  const unknown = await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))
  assert.is(unknown.key, 'htpp')
  assert.match(unknown.message, /no such key \(known: .*http/)

  await writeFile(file, JSON.stringify({ limits: { bodyBytes: 10 } }))
  assert.is((await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))).key, 'limits.bodyBytes')

  await writeFile(file, '{ not json')
  assert.match((await refused(async () => await loadConfig({ file, env: {}, cwd: dir }))).message, /config is ".*bad\.json".*expected JSON/)
  assert.match((await refused(async () => await loadConfig({ file: join(dir, 'missing.json'), env: {}, cwd: dir }))).message, /no such file/)

  const url = await refused(async () => await loadConfig({ env: { COFL_PUBLIC_BASE_URL: 'ftp://x' }, cwd: dir }))
  assert.is(url.key, 'publicBaseUrl')

  // createCityNode validates when the node is created
  const created = await refused(() => createCityNode({ config: { data: dir, trustRoots: ['plymouth'] } }))
  assert.match(created.key, /^trustRoots/)
})

test('cofl node start with a bad value: exit 2, one line naming the key', async () => {
  let stderr = ''
  const code = await runCli(['node', 'start', '--data', join(dir, 'n'), '--http-port', 'eighty'], { stdout: () => {}, stderr: (t) => { stderr += t } })
  assert.is(code, 2)
  assert.match(stderr, /^cofl: invalid configuration: http\.port is "eighty" \(from --http-port\); expected an integer/)
  assert.is(stderr.trim().split('\n').length, 1)
})

test.run()
