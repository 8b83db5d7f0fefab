/**
 * The CLI's side of the HTTP API: finds a running node (DIR/node.json and DIR/admin-token, or
 * --node URL and --token-file FILE) and calls it. An error answer becomes an ApiError with the
 * node's code; a node that does not answer, a NodeUnreachableError.
 */
import { join, resolve } from 'node:path'
import { defaultConfig } from './config.js'
import { CLIENT_TIMEOUT_MS, DATA_FILES } from './constants.js'
import { readAdminToken, readNodeInfo } from './datadir.js'
import { ApiError, ApiErrorCode, NodeUnreachableError, UsageError } from './errors.js'

export interface NodeTarget {
  /** Base URL, such as http://127.0.0.1:43817. */
  url: string
  token?: string
}

export interface TargetOptions {
  /** The node's data directory (default: $COFL_DATA, else .cofl under the cwd). */
  data?: string | undefined
  /** The node's base URL (instead of reading DIR/node.json). */
  node?: string | undefined
  /** A file holding the admin token (with --node). */
  tokenFile?: string | undefined
  /** Whether the call needs the admin token. */
  admin: boolean
}

function dataDir (data: string | undefined): string {
  const env = process.env.COFL_DATA
  return resolve(data ?? (env != null && env !== '' ? env : defaultConfig().data))
}

/** Where the node is and (for admin routes) its token. */
export async function resolveTarget (options: TargetOptions): Promise<NodeTarget> {
  if (options.node != null) {
    let url: URL
    try {
      url = new URL(options.node)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)')
    } catch {
      throw new UsageError(`--node ${JSON.stringify(options.node)} is not an http(s) URL (such as http://127.0.0.1:8080)`)
    }
    const base = url.href.replace(/\/+$/, '').replace(/\/api$/, '')
    if (!options.admin) return { url: base }
    if (options.tokenFile != null) return { url: base, token: await readAdminToken(options.tokenFile) }
    if (options.data != null) return { url: base, token: await readAdminToken(join(dataDir(options.data), DATA_FILES.adminToken)) }
    throw new UsageError('with --node, give the admin token with --token-file FILE (or --data DIR)')
  }
  if (options.tokenFile != null) throw new UsageError('--token-file goes with --node')
  const dir = dataDir(options.data)
  const info = await readNodeInfo(dir)
  if (!options.admin) return { url: info.http }
  return { url: info.http, token: await readAdminToken(join(dir, DATA_FILES.adminToken)) }
}

/** Calls the node; returns the parsed JSON of a 2xx answer, throws ApiError for an error answer. */
export async function callNode (target: NodeTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (target.token != null) headers.authorization = `Bearer ${target.token}`
  let response: Response
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS)
    })
  } catch (err) {
    const cause = (err as { cause?: { code?: string, message?: string, errors?: Array<{ code?: string }> } }).cause
    const why = (err as Error).name === 'TimeoutError'
      ? `no answer within ${CLIENT_TIMEOUT_MS / 1000} s`
      : cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message
    throw new NodeUnreachableError(`the node at ${target.url} does not answer (${why}); is it running?`, { cause: err })
  }
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown, message?: unknown } } | undefined)?.error
    const code = typeof error?.code === 'string' && error.code.startsWith('COFL_ERR_') ? error.code : ApiErrorCode.INTERNAL
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status} ${response.statusText}`
    throw new ApiError(code, `the node refused: ${message} (${code}, HTTP ${response.status})`, { status: response.status })
  }
  if (json === undefined) throw new NodeUnreachableError(`the node at ${target.url} answered ${method} ${path} with something that is not JSON`)
  return json
}
