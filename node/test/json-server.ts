// A small HTTP server that stands in for a node (or a site posing as one) in tests of the CLI's
// wallet: 127.0.0.1 on a free port, JSON answers. `handle` gets the request and its body text and
// returns the status and the value to send; a handler that throws answers 500 COFL_ERR_INTERNAL.
import { createServer } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface JsonServer { url: string, host: string, server: Server, close: () => Promise<void> }

export async function jsonServer (handle: (req: IncomingMessage, body: string) => Promise<[status: number, value: unknown]>): Promise<JsonServer> {
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
