// @cofl/api's client against a real HTTP server on 127.0.0.1: JSON in and out, the node's errors
// mapped to ApiAnswerError with its code, status and message, answers outside the API, a node that
// does not answer, and a deadline that fires on Node 20 although the garbage collector runs while
// the call waits (run with --expose-gc, as `npm test` does).
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ApiAnswerError, ApiRequestError, ApiResponseError, ApiUnreachableError, createApiClient, nodeBaseUrl } from '../src/index.js'

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void

let server: Server | undefined
let base = ''
const handlers = new Map<string, Handler>()
const hanging = new Set<ServerResponse>()

async function bodyOf (request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) text += String(chunk)
  return text
}

function json (response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
}

async function rejection<T extends Error> (promise: Promise<unknown>, type: abstract new (...args: any[]) => T): Promise<T> {
  try {
    await promise
  } catch (err) {
    assert.instance(err, type, `expected ${type.name}, got ${String(err)}`)
    return err as T
  }
  throw new Error(`expected ${type.name}`)
}

test.before(async () => {
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      const handler = handlers.get(new URL(request.url ?? '/', 'http://x').pathname)
      if (handler == null) { json(response, 404, { error: { code: 'COFL_ERR_NOT_FOUND', message: 'no such route' } }); return }
      handler(request, body, response)
    })
  })
  await new Promise<void>((resolve) => { (server as Server).listen(0, '127.0.0.1', resolve) })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  handlers.set('/echo', (request, body, response) => {
    json(response, 200, { method: request.method, type: request.headers['content-type'] ?? null, accept: request.headers.accept, authorization: request.headers.authorization ?? null, body })
  })
  handlers.set('/claimed', (_request, _body, response) => { json(response, 409, { error: { code: 'COFL_ERR_OFFER_CLAIMED', message: 'the offer was claimed already' } }) })
  handlers.set('/proxy', (_request, _body, response) => { response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>') })
  handlers.set('/html', (_request, _body, response) => { response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>') })
  handlers.set('/big', (_request, _body, response) => { json(response, 200, { data: 'x'.repeat(4096) }) })
  handlers.set('/streamed', (_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"data":"')
    response.write('y'.repeat(4096))
    response.end('"}')
  })
  handlers.set('/hang', (_request, _body, response) => { hanging.add(response) })
  handlers.set('/half', (_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"half":')
    hanging.add(response)
  })
  handlers.set('/moved', (_request, _body, response) => { response.writeHead(302, { location: '/echo' }).end() })
})

test.after(async () => {
  for (const response of hanging) response.destroy()
  server?.closeAllConnections()
  await new Promise<void>((resolve) => { server?.close(() => { resolve() }) })
})

test('a JSON body goes out, the parsed JSON of a 2xx answer comes back; the token rides along', async () => {
  const client = createApiClient({ baseUrl: `${base}/api/`, token: 'secret' })
  assert.is(client.baseUrl, base)
  const posted = await client.post<Record<string, unknown>>('/echo', { a: 1 })
  assert.equal(posted, { method: 'POST', type: 'application/json', accept: 'application/json', authorization: 'Bearer secret', body: '{"a":1}' })
  const got = await client.get<Record<string, unknown>>(`${base}/echo`, { token: 'other' })
  assert.is(got.method, 'GET')
  assert.is(got.authorization, 'Bearer other')
  assert.is(got.type, null)
  const raw = await client.request<Record<string, unknown>>('/echo', { body: '<svg/>', type: 'image/svg+xml' })
  assert.equal([raw.method, raw.type, raw.body], ['POST', 'image/svg+xml', '<svg/>'])
})

test('the node\'s refusal: ApiAnswerError with its code, status and message; an error page without a cofl code', async () => {
  const client = createApiClient({ baseUrl: base })
  const refused = await rejection(client.post(`${base}/claimed`, { presentation: {} }), ApiAnswerError)
  assert.instance(refused, ApiRequestError)
  assert.is(refused.code, 'COFL_ERR_OFFER_CLAIMED')
  assert.is(refused.status, 409)
  assert.is(refused.message, 'the offer was claimed already')
  assert.is(refused.name, 'ApiAnswerError')
  const proxy = await rejection(client.get('/proxy'), ApiAnswerError)
  assert.is(proxy.code, ApiAnswerError.fallbackCode)
  assert.is(proxy.code, 'COFL_ERR_API_STATUS')
  assert.is(proxy.status, 502)
  assert.is(proxy.message, 'HTTP 502 Bad Gateway')
})

test('answers outside the API: not JSON, larger than the limit (declared or streamed)', async () => {
  const client = createApiClient({ baseUrl: base, maxResponseBytes: 1024 })
  const html = await rejection(client.get('/html'), ApiResponseError)
  assert.is(html.code, 'COFL_ERR_API_RESPONSE')
  assert.is(html.status, 200)
  assert.match(html.message, `the node at ${base} answered with something that is not JSON`)
  const big = await rejection(client.get('/big'), ApiResponseError)
  assert.match(big.message, 'larger than 1024 bytes')
  const streamed = await rejection(client.get('/streamed'), ApiResponseError)
  assert.match(streamed.message, 'larger than 1024 bytes')
  assert.equal(Object.keys(await client.get('/streamed', { maxResponseBytes: 10_000 })), ['data'])
})

test('a node that does not answer: ApiUnreachableError naming the origin, never the path', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => { closed.listen(0, '127.0.0.1', resolve) })
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => { closed.close(() => { resolve() }) })
  const err = await rejection(createApiClient().get(`http://127.0.0.1:${port}/api/claims/the-secret-code`), ApiUnreachableError)
  assert.is(err.code, 'COFL_ERR_API_UNREACHABLE')
  assert.is(err.status, 0)
  assert.is(err.timedOut, false)
  assert.is(err.reason, 'ECONNREFUSED')
  assert.is(err.message, `the node at http://127.0.0.1:${port} does not answer (ECONNREFUSED)`)
  assert.not.match(err.message, 'the-secret-code')
  // Redirects refused when asked: the wallet talks to the URL it was given only.
  await rejection(createApiClient({ baseUrl: base, redirect: 'error' }).get('/moved'), ApiUnreachableError)
  assert.is((await createApiClient({ baseUrl: base }).get<{ method: string }>('/moved')).method, 'GET')
})

test('the deadline fires although the garbage collector runs while the call waits (Node 20), with a caller\'s signal too', async () => {
  const gc = (globalThis as { gc?: () => void }).gc
  assert.ok(gc != null, 'run with node --expose-gc')
  const client = createApiClient({ baseUrl: base, timeoutMs: 400 })
  for (const path of ['/hang', '/half']) {
    const caller = new AbortController()
    const started = Date.now()
    const pending = rejection(client.get(path, { signal: caller.signal }), ApiUnreachableError)
    // Collect garbage repeatedly before the deadline: an AbortSignal.timeout that only
    // AbortSignal.any referenced would be collected here, and its timer with it.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      gc()
    }
    const err = await Promise.race([pending, new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error(`${path}: the deadline did not fire`)) }, 5_000))])
    assert.ok(err.timedOut, path)
    assert.is(err.reason, 'no answer within 0.4 s')
    assert.ok(Date.now() - started >= 350, `${path}: not before the deadline`)
  }
})

test('a call the caller aborts rejects with the caller\'s reason; a bad path or base is a TypeError', async () => {
  const client = createApiClient({ baseUrl: base, timeoutMs: 10_000 })
  const caller = new AbortController()
  const pending = client.get('/hang', { signal: caller.signal })
  setTimeout(() => { caller.abort(new Error('the learner went away')) }, 50)
  try {
    await pending
    assert.unreachable('aborted')
  } catch (err) {
    assert.is((err as Error).message, 'the learner went away')
  }
  try {
    await client.get('api/relative')
    assert.unreachable('a TypeError')
  } catch (err) {
    assert.instance(err, TypeError)
  }
  assert.throws(() => createApiClient({ baseUrl: 'ftp://x' }), TypeError)
  assert.is(nodeBaseUrl('https://city.example/api/?x=1#y'), 'https://city.example')
})

test.run()
