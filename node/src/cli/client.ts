/**
 * The CLI's side of the HTTP API: finds a running node (DIR/node.json and DIR/admin-token, or
 * --node URL and --token-file FILE) and calls it through @cofl/api's client. An error answer
 * becomes an ApiError with the node's code; a node that does not answer, a NodeUnreachableError.
 */
import { join, resolve } from 'node:path'
import { ApiAnswerError, ApiUnreachableError, createApiClient, nodeBaseUrl } from '@cofl/api'
import { defaultConfig } from '../app/config.js'
import { CLIENT_TIMEOUT_MS, DATA_FILES } from '../app/constants.js'
import { readAdminToken, readNodeInfo } from '../app/datadir.js'
import { ApiError, ApiErrorCode, NodeUnreachableError, UsageError } from '../app/errors.js'
import { str } from './command.js'
import type { Values } from './command.js'

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
    let base: string
    try {
      base = nodeBaseUrl(options.node)
    } catch {
      throw new UsageError(`--node ${JSON.stringify(options.node)} is not an http(s) URL (such as http://127.0.0.1:8080)`)
    }
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
  const client = createApiClient({ baseUrl: target.url, timeoutMs: CLIENT_TIMEOUT_MS, ...(target.token != null ? { token: target.token } : {}) })
  try {
    return await client.request(path, { method, ...(body !== undefined ? { body } : {}) })
  } catch (err) {
    if (err instanceof ApiAnswerError) {
      const code = err.code !== ApiAnswerError.fallbackCode ? err.code : ApiErrorCode.INTERNAL
      throw new ApiError(code, `the node refused: ${err.message} (${code}, HTTP ${err.status})`, { status: err.status, cause: err })
    }
    if (err instanceof ApiUnreachableError) throw new NodeUnreachableError(`the node at ${target.url} does not answer (${err.reason}); is it running?`, { cause: err })
    throw new NodeUnreachableError(`the node at ${target.url} answered ${method} ${path} with something that is not the API's: ${(err as Error).message}`, { cause: err })
  }
}

/** How a command finds the node: --data DIR (node.json + admin-token), or --node URL --token-file FILE. */
export const connectionOptions = {
  data: { type: 'string' },
  node: { type: 'string' },
  'token-file': { type: 'string' }
} as const

export const CONNECTION_USAGE = '[--data DIR | --node URL --token-file FILE]'
export const CONNECTION_HELP = 'The node is found through its data directory (DIR/node.json, DIR/admin-token; default\n$COFL_DATA, else .cofl under the current directory), or with --node URL and --token-file FILE.'

/** The node a command names with the options above; `admin`: with its admin token. */
export async function target (values: Values, admin: boolean): Promise<NodeTarget> {
  return await resolveTarget({ data: str(values.data), node: str(values.node), tokenFile: str(values['token-file']), admin })
}
