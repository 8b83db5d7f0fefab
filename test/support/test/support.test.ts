// The helpers of the main entry: temp directories, bounded waits, tampered copies, children, a
// JSON server and raw requests to it.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { jsonServer, rawRequest, runCofl, spawnChild, tampered, tempDir, waitFor } from '../src/index.js'

const CHILD = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url))

async function rejection (promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    assert.instance(err, Error)
    return err as Error
  }
  assert.unreachable('it did not reject')
  throw new Error('unreachable')
}

test('tempDir: a fresh directory with the prefix; remove deletes it and what it holds, twice is harmless', async () => {
  const a = await tempDir('cofl-support-')
  const b = await tempDir()
  assert.is.not(a.path, b.path)
  assert.match(a.path, /cofl-support-[^/]+$/)
  assert.match(b.path, /cofl-test-[^/]+$/)
  await writeFile(join(a.path, 'file'), 'x')
  await a.remove()
  await a.remove()
  await b.remove()
  assert.not.ok(existsSync(a.path))
  assert.not.ok(existsSync(b.path))
})

test('waitFor: resolves once the condition holds, sync or async', async () => {
  let n = 0
  await waitFor('three tries', () => ++n >= 3, 5000)
  assert.is(n, 3)
  await waitFor('an async condition', async () => ++n >= 5, AbortSignal.timeout(5000))
  assert.is(n, 5)
  await waitFor('with options', () => true, { ms: 1 }, 1000)
})

test('waitFor: gives up after ms or when the signal aborts, naming what was awaited and the detail', async () => {
  const late = await rejection(waitFor('the moon', () => false, { ms: 50, detail: () => 'node output' }))
  assert.is(late.message, 'timed out after 0.05 s waiting for the moon\nnode output')
  const controller = new AbortController()
  controller.abort(new Error('the test ended'))
  const aborted = await rejection(waitFor('the sun', () => false, controller.signal))
  assert.is(aborted.message, 'timed out waiting for the sun')
  assert.is((aborted.cause as Error).message, 'the test ended')
  // whichever comes first
  const both = await rejection(waitFor('either', () => false, { ms: 60_000, signal: AbortSignal.timeout(30) }))
  assert.is(both.message, 'timed out waiting for either')
  // the condition is tried once more before giving up
  assert.not.ok(await waitFor('held already', () => true, controller.signal))
})

test('waitFor: an error of the condition ends the wait; no bound is a TypeError', async () => {
  const err = await rejection(waitFor('x', () => { throw new Error('boom') }, 1000))
  assert.is(err.message, 'boom')
  assert.instance(await rejection(waitFor('x', () => true, {})), TypeError)
})

test('tampered: a deep copy with the change; the original is untouched', () => {
  const original = { a: { b: [1, 2] }, name: 'Coding Club' }
  const copy = tampered(original, (c) => { c.a.b.push(3); c.name = 'Forged' })
  assert.equal(copy, { a: { b: [1, 2, 3] }, name: 'Forged' })
  assert.equal(original, { a: { b: [1, 2] }, name: 'Coding Club' })
})

test('spawnChild: waitForLine resolves with the first match, lines printed before the call included; SIGTERM stops it', async () => {
  const child = spawnChild({ script: CHILD, args: ['hang', 'one', 'allocated 42', 'three'] })
  try {
    const index = await child.waitForLine((line) => /allocated (\d+)$/.exec(line)?.[1], { what: 'an allocation', ms: 30_000 })
    assert.is(index, '42')
    await child.waitForLine((line) => line === 'waiting' || undefined, { what: 'the wait', ms: 30_000 })
    assert.is(await child.waitForLine((line) => line === 'one' ? 1 : undefined, { what: 'one', ms: 1000 }), 1, 'a line already printed')
    assert.equal(child.lines().slice(0, 3), ['one', 'allocated 42', 'three'])
    await waitFor('the line on stderr', () => child.stderr().includes('a line on stderr\n'), 5000) // another pipe: no order with stdout
    assert.match(child.output(), /a line on stderr/)
    assert.match(child.output(), /three\n/)
    assert.ok(child.running())
  } finally {
    const exit = await child.stop()
    assert.equal(exit, { code: null, signal: 'SIGTERM' })
    assert.not.ok(child.running())
  }
})

test('spawnChild: waitForLine rejects when the child exits first, after ms, or with what match throws', async () => {
  const exiting = spawnChild({ script: CHILD, args: ['exit', 'published'] })
  const err = await rejection(exiting.waitForLine((line) => line === 'returned' || undefined, { what: 'returned', ms: 30_000 }))
  assert.match(err.message, /^the child exited \(3\) before returned:\n/)
  assert.match(err.message, /a line on stderr/)
  assert.is((await exiting.exited).code, 3)

  const hanging = spawnChild({ script: CHILD, args: ['hang', 'refused x'] })
  try {
    const late = await rejection(hanging.waitForLine((line) => line === 'never' || undefined, { what: 'never', ms: 100 }))
    assert.match(late.message, /^timed out after 0.1 s waiting for never:/)
    const refused = await rejection(hanging.waitForLine((line) => { if (line.startsWith('refused ')) throw new Error(`refused: ${line}`) }, { what: 'held', ms: 30_000 }))
    assert.is(refused.message, 'refused: refused x')
  } finally {
    await hanging.stop({ signal: 'SIGKILL' })
  }
})

test('spawnChild: stop sends SIGKILL to a child that outlives killAfterMs', async () => {
  const child = spawnChild({ script: CHILD, args: ['stubborn'] })
  await child.waitForLine((line) => line === 'waiting' || undefined, { what: 'the child up', ms: 30_000 })
  const exit = await child.stop({ killAfterMs: 300 })
  assert.is(exit.signal, 'SIGKILL')
  assert.ok(child.lines().includes('SIGTERM ignored'))
  assert.equal(await child.stop(), exit, 'stopping again gives the same exit')
})

test('jsonServer and rawRequest: the handler sees the request and its body; JSON, text, a throw as 500', async () => {
  const seen: string[] = []
  const server = await jsonServer(async (req, body) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.host ?? ''} ${body}`)
    if (req.url === '/boom') throw new Error('boom')
    return [req.url === '/missing' ? 404 : 200, { echo: body }]
  })
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.is(server.url, `http://${server.host}`)
    const port = Number(server.host.split(':')[1])
    const ok = await rawRequest({ host: '127.0.0.1', port, method: 'POST', path: '/x', headers: { host: 'chosen.example' }, body: 'hello' })
    assert.is(ok.status, 200)
    assert.equal(ok.body, { echo: 'hello' })
    assert.is(ok.text, '{"echo":"hello"}')
    assert.is(ok.headers['content-type'], 'application/json')
    assert.is((await rawRequest({ host: '127.0.0.1', port, path: '/missing' })).status, 404)
    const boom = await rawRequest({ host: '127.0.0.1', port, path: '/boom' })
    assert.is(boom.status, 500)
    assert.is(boom.body.error.code, 'COFL_ERR_INTERNAL')
    assert.equal(seen.slice(0, 2), ['POST /x chosen.example hello', `GET /missing ${server.host} `])
  } finally {
    await server.close()
  }
})

test('runCofl: the real bin to its end, with its exit code and output', async () => {
  const version = await runCofl(['--version'])
  assert.is(version.code, 0, version.stderr)
  assert.match(version.stdout, /\d+\.\d+\.\d+/)
  const unknown = await runCofl(['no-such-command'])
  assert.is.not(unknown.code, 0)
  assert.ok(unknown.stderr !== '', 'it says why')
})

test.run()
