/** A call to a city node's HTTP API from a test: the answer's status and its JSON body ({} when empty). */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>

export interface NodeApiOptions {
  /** Send the node's admin token (`token`) as a bearer. Default true. */
  admin?: boolean
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number
}

/** `method path` on the node at `node.url`, JSON body if given, the admin token unless `admin` is false. */
export async function nodeApi (node: { url: string, token?: string }, method: string, path: string, body?: unknown, options: NodeApiOptions = {}): Promise<{ status: number, body: Json }> {
  const headers: Record<string, string> = {}
  if (options.admin !== false && node.token != null) headers.authorization = `Bearer ${node.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${node.url}${path}`, {
    method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(options.timeoutMs ?? 30_000)
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json }
}
