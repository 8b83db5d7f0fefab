/**
 * The wallet's side of the claim protocol (docs/api.md, "Offers and claims"): GET the claim for its
 * challenge and domain, answer with a presentation signed by the holder, POST it, take the
 * credential and the pathway badges the claim earned. And a status list lookup on a node
 * (GET /api/status/<id>).
 */
import { CLAIM_PATH, DEFAULT_CLAIM_TIMEOUT_MS, MAX_CLAIM_RESPONSE_BYTES, STATUS_LIST_PATH } from './constants.js'
import { ClaimError } from './errors.js'
import type { NodeRequestError } from './errors.js'
import { isObject } from './records.js'
import type { ClaimOffer, GetStatusList } from './types.js'

type Json = Record<string, unknown>
type Fetch = typeof globalThis.fetch

/** A node's base URL (http or https, without a trailing / or /api). */
export function nodeBaseUrl (node: string): string {
  let url: URL
  try {
    url = new URL(node)
  } catch {
    throw new ClaimError(`${JSON.stringify(node)} is not a node URL (such as https://city.example or http://127.0.0.1:8080)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ClaimError(`${node} is not an http(s) URL`)
  url.search = ''
  url.hash = ''
  return url.href.replace(/\/+$/, '').replace(/\/api$/, '')
}

/** The claim URL from a claim link, or from a bare code and the node's URL. */
export function claimUrl (urlOrCode: string, node?: string): URL {
  if (typeof urlOrCode !== 'string' || urlOrCode.length === 0) throw new TypeError('urlOrCode must be a claim URL or code')
  if (/^https?:\/\//i.test(urlOrCode)) {
    try {
      const url = new URL(urlOrCode)
      url.hash = ''
      return url
    } catch {
      throw new ClaimError('that is not a claim URL (it is not repeated here: it holds the claim code)')
    }
  }
  if (!/^[A-Za-z0-9_-]{8,512}$/.test(urlOrCode)) throw new ClaimError('that is neither a claim URL (http...) nor a claim code (base64url)')
  if (node == null) throw new ClaimError('a claim code needs the URL of the node that made the offer (--node URL), or give the whole claim URL')
  return new URL(`${nodeBaseUrl(node)}${CLAIM_PATH}${encodeURIComponent(urlOrCode)}`)
}

/** The error a call to the node fails with: ClaimError for a claim, GrantsError for grants. */
export type NodeCallError = new (message: string, options?: ErrorOptions & { nodeCode?: string, status?: number }) => NodeRequestError

async function readLimited (response: Response, limit: number, fail: NodeCallError = ClaimError): Promise<string> {
  if (response.body == null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length
    if (size > limit) throw new fail(`the node's answer is larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** A claim URL without its code (the code is the secret: it never goes into a message). */
function redact (url: URL): string {
  const at = url.pathname.indexOf(CLAIM_PATH)
  return at === -1 ? url.origin : `${url.origin}${url.pathname.slice(0, at + CLAIM_PATH.length)}...`
}

/**
 * Calls the node; a 2xx JSON answer comes back parsed, anything else is a ClaimError (or `fail`,
 * with `what` naming the request in the message: "the claim" by default). Redirects are refused:
 * the wallet talks to the URL it was given only.
 */
export async function callJson (fetch: Fetch, url: URL, init: { method: 'GET' | 'POST', body?: unknown, timeoutMs: number, fail?: NodeCallError, what?: string }): Promise<unknown> {
  const where = `${init.method} ${redact(url)}`
  const fail = init.fail ?? ClaimError
  let response: Response
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(init.timeoutMs)
    })
  } catch (err) {
    const cause = (err as { cause?: { code?: string, message?: string } }).cause
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${init.timeoutMs / 1000} s` : cause?.code ?? cause?.message ?? (err as Error).message
    throw new fail(`the node at ${url.origin} does not answer (${why})`, { cause: err })
  }
  const text = await readLimited(response, MAX_CLAIM_RESPONSE_BYTES, fail)
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!response.ok) {
    const error = isObject(json) && isObject(json.error) ? json.error : undefined
    const nodeCode = typeof error?.code === 'string' ? error.code : undefined
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status} ${response.statusText}`
    throw new fail(`the node refused ${init.what ?? 'the claim'}: ${message}${nodeCode != null ? ` (${nodeCode})` : ''}`, { status: response.status, ...(nodeCode != null ? { nodeCode } : {}) })
  }
  if (json === undefined) throw new fail(`the node answered ${where} with something that is not JSON`, { status: response.status })
  return json
}

/** Checks the node's answer to GET /api/claims/:code. */
export function parseOffer (value: unknown): ClaimOffer {
  if (!isObject(value)) throw new ClaimError('the node\'s claim is not a JSON object')
  const missing = ['offerId', 'challenge', 'domain'].filter((k) => typeof value[k] !== 'string' || value[k] === '')
  if (missing.length > 0) throw new ClaimError(`the node's claim lacks ${missing.join(', ')}`)
  const issuer = isObject(value.issuer) && typeof value.issuer.id === 'string'
    ? { id: value.issuer.id, ...(typeof value.issuer.name === 'string' ? { name: value.issuer.name } : {}) }
    : { id: 'unknown' }
  return {
    offerId: value.offerId as string,
    achievement: isObject(value.achievement) ? value.achievement : {},
    issuer,
    challenge: value.challenge as string,
    domain: value.domain as string,
    expiresAt: typeof value.expiresAt === 'string' ? value.expiresAt : ''
  }
}

/** The credential in the node's answer to POST /api/claims/:code. */
export function credentialOf (value: unknown): Json {
  if (!isObject(value) || !isObject(value.credential)) throw new ClaimError('the node\'s answer to the claim holds no credential')
  return value.credential
}

/**
 * The pathway badges in the node's answer to POST /api/claims/:code (`awards`; none from a node
 * that predates them). Each is checked like the credential when the wallet keeps it.
 */
export function awardsOf (value: unknown): unknown[] {
  if (!isObject(value) || value.awards === undefined) return []
  if (!Array.isArray(value.awards)) throw new ClaimError('the node\'s answer to the claim has "awards" that is not an array')
  return value.awards
}

/**
 * Looks status lists up on a node: GET <node>/api/status/<URL-encoded list id>. Rejects when the
 * node does not answer or holds no such list (the verifier then reports the status as unknown).
 * One function is one snapshot: it fetches each list once and answers the same object after
 * (a failure is not kept), so make one per claim or per status refresh, not one for good.
 */
export function nodeStatusLists (node: string, options: { fetch?: Fetch, timeoutMs?: number } = {}): GetStatusList {
  const base = nodeBaseUrl(node)
  const fetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
  const lists = new Map<string, Promise<unknown>>()
  return async (id: string) => {
    let pending = lists.get(id)
    if (pending === undefined) {
      pending = (async () => {
        const response = await fetch(`${base}${STATUS_LIST_PATH}${encodeURIComponent(id)}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
        const text = await readLimited(response, MAX_CLAIM_RESPONSE_BYTES * 4)
        if (!response.ok) throw new Error(`${base} answered HTTP ${response.status} for the status list ${id}`)
        return JSON.parse(text) as unknown
      })()
      lists.set(id, pending)
      pending.catch(() => { lists.delete(id) })
    }
    return await pending
  }
}
