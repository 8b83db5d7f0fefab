// Idle TCP connections cannot take the node's file descriptors (docs/api.md, "Connections"): a
// node started in this process with http.maxConnections 200 and short idle timeouts gets 300 idle
// connections on 127.0.0.1. The 100 beyond the limit are closed as they arrive (a fresh request
// is refused quickly, never left hanging), a client connected before is still served, the idle
// ones are closed after idleTimeoutMs, a fresh request is then answered, and the process's open
// file descriptors (/proc/self/fd, both ends of every connection being in this process) never
// grow by more than the limit allows and come back to where they were.
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

const LIMIT = 200
const IDLE = 300
const IDLE_TIMEOUT_MS = 1500

const fds = (): number => readdirSync('/proc/self/fd').length
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** GET /api/health on a fresh connection (closed after): its status, or the error's code. */
async function health (url: URL): Promise<number | string> {
  return await new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/api/health', agent: false, headers: { connection: 'close' }, signal: AbortSignal.timeout(5000) }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode ?? 0) })
    })
    req.on('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? err.name) })
    req.end()
  })
}

/** Sends one keep-alive request on `socket` and resolves with the status line of the answer. */
async function ask (socket: Socket): Promise<string> {
  return await new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => { reject(new Error(`no answer on the kept-alive connection: ${text}`)) }, 5000)
    const onData = (d: Buffer): void => {
      text += d.toString('latin1')
      if (text.includes('\r\n\r\n') && text.includes('"ok":true')) {
        clearTimeout(timer)
        socket.off('data', onData)
        resolve(text.split('\r\n')[0] ?? '')
      }
    }
    socket.on('data', onData)
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n')
  })
}

let dir = ''
let node: CityNode | undefined
const sockets: Socket[] = []

test.after(async () => {
  for (const socket of sockets) socket.destroy()
  await node?.stop()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

test(`${IDLE} idle connections to a node whose limit is ${LIMIT}: those beyond are refused at once, clients are served, idle ones are reaped, fds stay bounded`, async () => {
  if (!existsSync('/proc/self/fd')) { console.log('  (skipped: no /proc/self/fd on this system)'); return }
  dir = await mkdtemp(join(tmpdir(), 'cofl-connections-'))
  node = createCityNode({
    config: { data: join(dir, 'city'), http: { host: '127.0.0.1', port: 0, maxConnections: LIMIT, idleTimeoutMs: IDLE_TIMEOUT_MS, headersTimeoutMs: IDLE_TIMEOUT_MS, keepAliveTimeoutMs: 4 * IDLE_TIMEOUT_MS } },
    federation: false
  })
  await node.start()
  const url = new URL(node.url)
  assert.is(await health(url), 200)
  await sleep(100)
  const baseline = fds()

  // A client connected before the flood, with one answer already.
  const existing = connect(Number(url.port), url.hostname)
  existing.on('error', () => {})
  sockets.push(existing)
  await new Promise((resolve) => existing.once('connect', resolve))
  assert.match(await ask(existing), /^HTTP\/1\.1 200/)

  // The flood: connections that never send a byte.
  let closed = 0
  const started = Date.now()
  for (let i = 0; i < IDLE; i++) {
    const socket = connect(Number(url.port), url.hostname)
    socket.on('error', () => {})
    socket.on('close', () => { closed++ })
    sockets.push(socket)
    await new Promise((resolve) => { socket.once('connect', resolve); socket.once('close', resolve) })
  }
  // Wait (bounded) until the node closed the ones beyond its limit (the existing client holds one place).
  const refused = IDLE - (LIMIT - 1)
  // eslint-disable-next-line no-unmodified-loop-condition -- `closed` counts 'close' events, changed by the sockets' listeners
  while (closed < refused && Date.now() - started < IDLE_TIMEOUT_MS) await sleep(10)
  const floodMs = Date.now() - started
  assert.ok(closed >= refused, `only ${closed} of the ${IDLE} were closed in ${floodMs} ms; the node holds more than ${LIMIT}`)
  // Both ends of every open connection are in this process: at most 2 fds per connection the node holds.
  const peak = fds() - baseline
  assert.ok(peak <= 2 * LIMIT + 20, `${peak} more fds than before the flood (limit ${LIMIT} connections)`)

  // At the limit: the client connected before is served; a fresh connection is refused at once, not left hanging.
  assert.match(await ask(existing), /^HTTP\/1\.1 200/)
  const tried = Date.now()
  const fresh = await health(url)
  assert.ok(fresh === 200 || fresh === 'ECONNRESET' || fresh === 'EPIPE', `a fresh request at the limit: ${fresh}`)
  assert.ok(Date.now() - tried < 2000, `a fresh request at the limit took ${Date.now() - tried} ms`)

  // Once the idle connections are reaped (idleTimeoutMs), a fresh request is answered.
  let answered: number | string = fresh
  while (answered !== 200 && Date.now() - started < 10 * IDLE_TIMEOUT_MS) {
    await sleep(100)
    answered = await health(url)
  }
  assert.is(answered, 200, `no answer within ${10 * IDLE_TIMEOUT_MS} ms of the flood`)
  const answeredMs = Date.now() - started
  assert.ok(answeredMs < 4 * IDLE_TIMEOUT_MS, `answered ${answeredMs} ms after the flood began`)

  // Every idle connection is closed by the node, and the descriptors come back.
  // eslint-disable-next-line no-unmodified-loop-condition -- `closed` counts 'close' events, changed by the sockets' listeners
  while (closed < IDLE && Date.now() - started < 10 * IDLE_TIMEOUT_MS) await sleep(50)
  assert.is(closed, IDLE, `${IDLE - closed} idle connections were still open`)
  existing.destroy()
  await sleep(200)
  const after = fds() - baseline
  assert.ok(after <= 10, `${after} more fds than before the flood`)
  console.log(`  ${IDLE} idle connections, limit ${LIMIT}: ${closed} closed by the node, peak +${peak} fds, a fresh request answered after ${answeredMs} ms, +${after} fds after`)
})

test.run()
