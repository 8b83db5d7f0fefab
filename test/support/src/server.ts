import { createServer } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running `jsonServer`. */
export interface JsonServer {
  /** http://127.0.0.1:PORT */
  url: string
  /** 127.0.0.1:PORT */
  host: string
  server: Server
  close: () => Promise<void>
}

/** What the server answers a request with: a status and a value sent as JSON. */
export type JsonHandler = (req: IncomingMessage, body: string) => Promise<[status: number, value: unknown]>

/**
 * A small HTTP server that stands in for a node (or a site posing as one): 127.0.0.1 on a free
 * port, JSON answers. `handle` gets the request and its body text and gives the status and the
 * value to send; a handler that throws answers 500 COFL_ERR_INTERNAL.
 *
 * @example
 * const site = await jsonServer(async (req) => req.url === '/api/health' ? [200, { ok: true }] : [404, {}])
 * try { await fetch(`${site.url}/api/health`) } finally { await site.close() }
 */
export async function jsonServer (handle: JsonHandler): Promise<JsonServer> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => {
      const send = (status: number, value: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)) }
      handle(req, body).then(([status, value]) => { send(status, value) }, (err: unknown) => { send(500, { error: { code: 'COFL_ERR_INTERNAL', message: String(err) } }) })
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url: `http://${host}`, host, server, close: async () => { await new Promise((resolve) => { server.close(resolve) }) } }
}
