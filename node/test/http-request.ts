// One HTTP request with node:http for tests that need what fetch does not give: a Host header of
// their choosing, a local (source) address, no pooled connection. The answer's text, its JSON
// ({} when it is not JSON), its status and headers; bounded to `timeoutMs` (default 30 s).
import { request } from 'node:http'
import type { IncomingHttpHeaders, RequestOptions } from 'node:http'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RawAnswer { status: number, body: Json, text: string, headers: IncomingHttpHeaders }

export async function rawRequest (options: RequestOptions & { body?: string, timeoutMs?: number }): Promise<RawAnswer> {
  const { body, timeoutMs = 30_000, ...rest } = options
  return await new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ ...rest, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => {
        let parsed: Json = {}
        try { parsed = text === '' ? {} : JSON.parse(text) } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}
