/** Requests from a test: a call to a city node's HTTP API (`nodeApi`), or one raw request with node:http (`rawRequest`). */
import { request } from 'node:http'
import type { IncomingHttpHeaders, RequestOptions } from 'node:http'

export type Json = Record<string, any>

export interface NodeApiOptions {
  /** Send the node's admin token (`token`) as a bearer. Default true. */
  admin?: boolean
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number
}

/** `method path` on the node at `node.url`, JSON body if given, the admin token unless `admin` is false. */
export async function nodeApi (
  node: { url: string, token?: string }, method: string, path: string, body?: unknown, options: NodeApiOptions = {}
): Promise<{ status: number, body: Json }> {
  const headers: Record<string, string> = {}
  if (options.admin !== false && node.token != null) headers.authorization = `Bearer ${node.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${node.url}${path}`, {
    method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(options.timeoutMs ?? 30_000)
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json }
}

/** What `rawRequest` gives: the status, the headers, the text, and its JSON ({} when empty or not JSON). */
export interface RawAnswer { status: number, body: Json, text: string, headers: IncomingHttpHeaders }

export interface RawRequestOptions extends RequestOptions {
  /** The request body, sent as is (set its content-type in `headers`). */
  body?: string
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number
}

/**
 * One request with node:http, for what fetch does not give: a Host header of the test's choosing,
 * a local (source) address, no pooled connection.
 *
 * @example
 * const answer = await rawRequest({ host: '127.0.0.1', port, path: '/api/health', headers: { host: 'evil.example' } })
 */
export async function rawRequest (options: RawRequestOptions): Promise<RawAnswer> {
  const { body, timeoutMs = 30_000, ...rest } = options
  return await new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ ...rest, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => {
        let parsed: Json = {}
        try { parsed = text === '' ? {} : JSON.parse(text) as Json } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}
