/**
 * One JSON client for the city node's HTTP API, on fetch: Node 20+ and browsers alike. A call
 * sends a JSON body (or bytes as they are), waits for the whole answer within a deadline, reads
 * at most a set number of bytes, and gives back the parsed JSON of a 2xx answer; anything else
 * rejects with an ApiRequestError (errors.ts) that carries the node's code, status and message.
 *
 * The deadline is a timer that holds its AbortController itself, never `AbortSignal.timeout`
 * combined through `AbortSignal.any`: on Node 20 such a combined timeout never fires once the
 * garbage collector has taken the timeout signal (docs/dependencies.md, "A timeout that never
 * fires"). The timer is cleared as soon as the answer has been read.
 */
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from './constants.js'
import { ApiAnswerError, ApiResponseError, ApiUnreachableError } from './errors.js'

type Fetch = typeof globalThis.fetch

export interface ApiClientInit {
  /**
   * The node's base URL (http or https; a trailing `/` or `/api` is dropped). Omitted: paths are
   * resolved by fetch itself, against the page's own origin in a browser.
   */
  baseUrl?: string
  /** Sent as `Authorization: Bearer <token>` (the admin token). */
  token?: string
  /** Default: globalThis.fetch, looked up at each call. */
  fetch?: Fetch
  /** How long a call waits for the whole answer. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number
  /** The largest answer a call reads. Default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number
  /** `error` refuses redirects (a wallet talks to the URL it was given only). Default `follow`. */
  redirect?: RequestRedirect
}

export interface ApiRequestOptions {
  /** Default GET, or POST when there is a body. */
  method?: string
  /** A JSON value; a Blob, ArrayBuffer, typed array or string is sent as it is, with `type`. */
  body?: unknown
  /** The content type of a body sent as it is. */
  type?: string
  /** Overrides the client's token. */
  token?: string
  /** Aborts the call (it then rejects with the signal's reason). */
  signal?: AbortSignal
  timeoutMs?: number
  maxResponseBytes?: number
}

export interface ApiClient {
  /** The base URL calls are made against ('' for the page's own origin). */
  readonly baseUrl: string
  /**
   * Calls `path` (starting with `/`, after the base URL) or an absolute http(s) URL; resolves to
   * the parsed JSON of a 2xx answer. `T` is what the caller expects: nothing checks it.
   */
  request: <T = unknown>(path: string | URL, options?: ApiRequestOptions) => Promise<T>
  get: <T = unknown>(path: string | URL, options?: Omit<ApiRequestOptions, 'method' | 'body'>) => Promise<T>
  post: <T = unknown>(path: string | URL, body: unknown, options?: Omit<ApiRequestOptions, 'method' | 'body'>) => Promise<T>
}

/**
 * A node's base URL: an http(s) URL without query, fragment, trailing `/` or `/api`. Throws a
 * TypeError naming the value for anything else.
 */
export function nodeBaseUrl (node: string): string {
  let url: URL
  try {
    url = new URL(node)
  } catch {
    throw new TypeError(`${JSON.stringify(node)} is not a node URL (such as https://city.example or http://127.0.0.1:8080)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${node} is not an http(s) URL`)
  url.search = ''
  url.hash = ''
  return url.href.replace(/\/+$/, '').replace(/\/api$/, '')
}

function isRaw (body: unknown): body is BodyInit {
  return typeof body === 'string' || body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body)
}

/** The origin a call goes to, for messages (never its path: a claim URL's path holds its code). */
function originOf (url: string): string {
  try {
    return new URL(url, (globalThis as { location?: { href?: string } }).location?.href).origin
  } catch {
    return 'the node'
  }
}

/** Why fetch failed, in a few words: Node's cause code (ECONNREFUSED...), else the message. */
function failureOf (err: unknown): string {
  const cause = (err as { cause?: { code?: unknown, message?: unknown, errors?: Array<{ code?: unknown }> } }).cause
  const code = cause?.code ?? cause?.errors?.[0]?.code
  if (typeof code === 'string') return code
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message
  return (err as Error).message
}

async function readText (response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {})
    throw new ApiResponseError(`the node's answer is larger than ${limit} bytes`, { status: response.status })
  }
  if (response.body == null) return ''
  // A reader, not `for await`: Safari's streams are not async iterable.
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new ApiResponseError(`the node's answer is larger than ${limit} bytes`, { status: response.status })
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

function errorBody (json: unknown): { code?: string, message?: string } {
  const error = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined
  if (typeof error !== 'object' || error === null) return {}
  const { code, message } = error as { code?: unknown, message?: unknown }
  return {
    ...(typeof code === 'string' && code.startsWith('COFL_ERR_') ? { code } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {})
  }
}

/** A client of one node (or, without `baseUrl`, of the page's own origin). */
export function createApiClient (init: ApiClientInit = {}): ApiClient {
  if (typeof init !== 'object' || init === null) throw new TypeError('createApiClient(init): init must be an object')
  const baseUrl = init.baseUrl != null && init.baseUrl !== '' ? nodeBaseUrl(init.baseUrl) : ''

  function urlOf (path: string | URL): string {
    if (path instanceof URL) return path.href
    if (typeof path !== 'string' || path === '') throw new TypeError('path must be a path starting with / or an http(s) URL')
    if (path.startsWith('/')) return `${baseUrl}${path}`
    if (/^https?:\/\//i.test(path)) return path
    throw new TypeError(`path must start with / or be an http(s) URL, got ${JSON.stringify(path)}`)
  }

  async function request<T = unknown> (path: string | URL, options: ApiRequestOptions = {}): Promise<T> {
    const url = urlOf(path)
    const timeoutMs = options.timeoutMs ?? init.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const limit = options.maxResponseBytes ?? init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be a positive number')
    const headers: Record<string, string> = { accept: 'application/json' }
    let body: BodyInit | undefined
    if (isRaw(options.body)) {
      body = options.body
      if (options.type != null) headers['content-type'] = options.type
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      headers['content-type'] = 'application/json'
    }
    const token = options.token ?? init.token
    if (token != null) headers.authorization = `Bearer ${token}`

    // The deadline: the timer holds the controller (see the module's comment).
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort(new DOMException(`no answer within ${timeoutMs / 1000} s`, 'TimeoutError'))
    }, timeoutMs)
    const caller = options.signal
    const onAbort = (): void => { controller.abort(caller?.reason) }
    if (caller?.aborted === true) controller.abort(caller.reason)
    else caller?.addEventListener('abort', onAbort, { once: true })
    const unreachable = (err: unknown): ApiUnreachableError => {
      const reason = timedOut ? `no answer within ${timeoutMs / 1000} s` : failureOf(err)
      return new ApiUnreachableError(`the node at ${originOf(url)} does not answer (${reason})`, { cause: err, reason, timedOut })
    }
    try {
      let response: Response
      try {
        const fetch = init.fetch ?? globalThis.fetch
        response = await fetch(url, {
          method: options.method ?? (body !== undefined ? 'POST' : 'GET'),
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(init.redirect != null ? { redirect: init.redirect } : {}),
          signal: controller.signal
        })
      } catch (err) {
        if (caller?.aborted === true && !timedOut) throw caller.reason
        throw unreachable(err)
      }
      let text: string
      try {
        text = await readText(response, limit)
      } catch (err) {
        if (err instanceof ApiResponseError) throw err
        if (caller?.aborted === true && !timedOut) throw caller.reason
        throw unreachable(err)
      }
      let json: unknown
      try {
        json = text === '' ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      if (!response.ok) {
        const error = errorBody(json)
        const message = error.message ?? `HTTP ${response.status}${response.statusText !== '' ? ` ${response.statusText}` : ''}`
        throw new ApiAnswerError(error.code ?? ApiAnswerError.fallbackCode, message, { status: response.status })
      }
      if (json === undefined) throw new ApiResponseError(`the node at ${originOf(url)} answered with something that is not JSON (HTTP ${response.status})`, { status: response.status })
      return json as T
    } finally {
      clearTimeout(timer)
      caller?.removeEventListener('abort', onAbort)
    }
  }

  async function get<T = unknown> (path: string | URL, options: Omit<ApiRequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return await request<T>(path, { ...options, method: 'GET' })
  }

  async function post<T = unknown> (path: string | URL, body: unknown, options: Omit<ApiRequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return await request<T>(path, { ...options, method: 'POST', body })
  }

  return { baseUrl, request, get, post }
}
