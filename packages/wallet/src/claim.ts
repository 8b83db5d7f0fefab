/**
 * The wallet's side of the node's API, through @cofl/api's client: the claim protocol (docs/api.md,
 * "Offers and claims": GET the claim for its challenge and domain, answer with a presentation
 * signed by the holder, POST it, take the credential and the pathway badges the claim earned), a
 * status list lookup on a node (GET /api/status/<id>), and the checks of what the node answers:
 * the wallet reads a node it need not trust. Browser-safe: the same code runs in the page.
 */
import { ApiAnswerError, ApiUnreachableError, CLAIM_PATH, createApiClient, nodeBaseUrl as apiBaseUrl, STATUS_LIST_PATH } from '@cofl/api'
import type { ApiClient, ClaimOffer } from '@cofl/api'
import { DEFAULT_CLAIM_TIMEOUT_MS, MAX_CLAIM_RESPONSE_BYTES } from './constants.js'
import { ClaimError } from './errors.js'
import type { NodeRequestError } from './errors.js'
import { isObject } from './records.js'
import type { GetStatusList } from './types.js'

type Json = Record<string, unknown>
type Fetch = typeof globalThis.fetch

/** A node's base URL (http or https, without a trailing / or /api). */
export function nodeBaseUrl (node: string): string {
  try {
    return apiBaseUrl(node)
  } catch (err) {
    throw new ClaimError((err as Error).message, { cause: err })
  }
}

/** The path of a node's claim page, whose fragment is the code: `<node>/claim#<code>`. */
const CLAIM_PAGE = /\/claim\/?$/

/** The claim URL from a claim link (the API's, or the claim page's `<node>/claim#<code>`), or from a bare code and the node's URL. */
export function claimUrl (urlOrCode: string, node?: string): URL {
  if (typeof urlOrCode !== 'string' || urlOrCode.length === 0) throw new TypeError('urlOrCode must be a claim URL or code')
  if (/^https?:\/\//i.test(urlOrCode)) {
    try {
      const url = new URL(urlOrCode)
      const code = url.hash.slice(1)
      if (CLAIM_PAGE.test(url.pathname) && /^[A-Za-z0-9_-]{8,512}$/.test(code)) {
        return new URL(`${url.origin}${url.pathname.replace(CLAIM_PAGE, '')}${CLAIM_PATH}${code}`)
      }
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

/** The base URL of the node a claim URL is on (what comes before /api/claims/). */
export function claimBase (url: URL): string {
  const at = url.pathname.indexOf(CLAIM_PATH)
  return at === -1 ? url.origin : `${url.origin}${url.pathname.slice(0, at)}`
}

/** The error a call to the node fails with: ClaimError for a claim, GrantsError for grants. */
export type NodeCallError = new (message: string, options?: ErrorOptions & { nodeCode?: string, status?: number }) => NodeRequestError

/** The wallet's client of a node: no redirect followed (it talks to the URL it was given only), answers of at most MAX_CLAIM_RESPONSE_BYTES. */
export function walletClient (base: string, options: { fetch?: Fetch, timeoutMs?: number } = {}): ApiClient {
  return createApiClient({
    baseUrl: base,
    timeoutMs: options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS,
    maxResponseBytes: MAX_CLAIM_RESPONSE_BYTES,
    redirect: 'error',
    ...(options.fetch != null ? { fetch: options.fetch } : {})
  })
}

/** A claim URL without its code (the code is the secret: it never goes into a message). */
function redact (url: URL): string {
  const at = url.pathname.indexOf(CLAIM_PATH)
  return at === -1 ? url.origin : `${url.origin}${url.pathname.slice(0, at + CLAIM_PATH.length)}...`
}

/**
 * Calls the node; a 2xx JSON answer comes back parsed, anything else is a ClaimError (or `fail`,
 * with `what` naming the request in the message: "the claim" by default), with the node's code
 * and status when it refused.
 */
export async function callNode (client: ApiClient, url: URL, init: { method: 'GET' | 'POST', body?: unknown, fail?: NodeCallError, what?: string }): Promise<unknown> {
  const Fail = init.fail ?? ClaimError
  try {
    return await client.request(url, { method: init.method, ...(init.body !== undefined ? { body: init.body } : {}) })
  } catch (err) {
    if (err instanceof ApiUnreachableError) throw new Fail(`the node at ${url.origin} does not answer (${err.reason})`, { cause: err })
    if (err instanceof ApiAnswerError) {
      const nodeCode = err.code !== ApiAnswerError.fallbackCode ? err.code : undefined
      throw new Fail(`the node refused ${init.what ?? 'the claim'}: ${err.message}${nodeCode != null ? ` (${nodeCode})` : ''}`, { cause: err, status: err.status, ...(nodeCode != null ? { nodeCode } : {}) })
    }
    const status = (err as { status?: unknown }).status
    throw new Fail(`the node's answer to ${init.method} ${redact(url)} is not the protocol's: ${(err as Error).message}`, { cause: err, ...(typeof status === 'number' ? { status } : {}) })
  }
}

/** Checks the node's answer to GET /api/claims/:code. */
export function parseOffer (value: unknown): ClaimOffer {
  if (!isObject(value)) throw new ClaimError('the node\'s claim is not a JSON object')
  const missing = ['offerId', 'challenge', 'domain'].filter((k) => typeof value[k] !== 'string' || value[k] === '')
  if (missing.length > 0) throw new ClaimError(`the node's claim lacks ${missing.join(', ')}`)
  const issuer = isObject(value.issuer) && typeof value.issuer.id === 'string'
    ? { id: value.issuer.id, ...(typeof value.issuer.name === 'string' ? { name: value.issuer.name } : {}) }
    : { id: 'unknown' }
  const text = (k: string): string => typeof value[k] === 'string' ? value[k] as string : ''
  return {
    offerId: value.offerId as string,
    achievement: isObject(value.achievement) ? value.achievement : {},
    issuer,
    challenge: value.challenge as string,
    domain: value.domain as string,
    expiresAt: text('expiresAt'),
    challengeExpiresAt: text('challengeExpiresAt')
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
 * Looks status lists up on a node: GET <node>/api/status/<URL-encoded list id>, or the list's own
 * URL when it is one of that node's status routes. Rejects when the node does not answer or holds
 * no such list (the verifier then reports the status as unknown). One function is one snapshot:
 * it fetches each list once and answers the same object after (a failure is not kept), so make one
 * per claim or per status refresh, not one for good.
 */
export function nodeStatusLists (node: string, options: { fetch?: Fetch, timeoutMs?: number } = {}): GetStatusList {
  const base = nodeBaseUrl(node)
  const client = createApiClient({
    baseUrl: base,
    timeoutMs: options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS,
    maxResponseBytes: MAX_CLAIM_RESPONSE_BYTES * 4,
    ...(options.fetch != null ? { fetch: options.fetch } : {})
  })
  const lists = new Map<string, Promise<unknown>>()
  return async (id: string) => {
    let pending = lists.get(id)
    if (pending === undefined) {
      const own = `${base}${STATUS_LIST_PATH}`
      pending = client.get(id.startsWith(own) && !id.slice(own.length).includes('/') ? id : `${STATUS_LIST_PATH}${encodeURIComponent(id)}`)
      lists.set(id, pending)
      pending.catch(() => { lists.delete(id) })
    }
    return await pending
  }
}
