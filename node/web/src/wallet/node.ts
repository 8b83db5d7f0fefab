/**
 * Everything the wallet page asks of the node that serves it, and nothing else: the page's
 * Content Security Policy allows this origin only. Each call says what it sends.
 *
 * - Public lists (pathways, achievements, opportunities): GET, nothing of the wallet in them.
 * - A status list: GET /api/status/<list>, a public document shared by every credential on it.
 * - A claim: GET /api/claims/<code>, then POST a presentation signed by the holder (its DID, no
 *   credential): only when the learner accepts an offer.
 * - The learner's OB 3.0 grants: GET /api/grants/challenge, then POST a presentation signed by the
 *   holder (its DID, no credential) to list or revoke them: only when the learner asks.
 */
import { api } from '../lib/dom.js'
import { CLAIM_PATH, GRANTS_PATHS, STATUS_LIST_PATH } from '@cofl/wallet/browser'

type Json = Record<string, unknown>

/** At most this many entries of one public list are read (pages of PAGE_SIZE). */
export const MAX_PUBLIC_ENTRIES = 5000
export const PAGE_SIZE = 100

/**
 * Every entry of a paged public listing `{ <field>: [...], next }`. Undefined when the node has
 * no such route (an older node): the page then goes without.
 */
export async function listAll (path: string, field: string, signal?: AbortSignal): Promise<Json[] | undefined> {
  const out: Json[] = []
  let cursor: string | null = null
  do {
    const query: string = `?limit=${PAGE_SIZE}${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    let page: Json
    try {
      page = await api<Json>(`${path}${query}`, signal != null ? { signal } : {})
    } catch (err) {
      if ((err as { status?: number }).status === 404 && out.length === 0) return undefined
      throw err
    }
    const entries = page[field]
    if (!Array.isArray(entries)) throw new Error(`the node's ${path} answered without a list of ${field}`)
    out.push(...entries.filter((e): e is Json => typeof e === 'object' && e !== null && !Array.isArray(e)))
    cursor = typeof page.next === 'string' ? page.next : null
  } while (cursor != null && out.length < MAX_PUBLIC_ENTRIES)
  return out
}

/**
 * The status list a credential names, from this node: by its URL when that is on this origin's
 * status route, else by its id (GET /api/status/<URL-encoded id>, as the CLI wallet asks).
 */
export async function statusListFromNode (id: string): Promise<unknown> {
  const prefix = `${location.origin}${STATUS_LIST_PATH}`
  const path = id.startsWith(prefix) ? id.slice(location.origin.length) : `${STATUS_LIST_PATH}${encodeURIComponent(id)}`
  return await api(path)
}

/** GET /api/claims/<code>: the offer, with a fresh challenge and the domain to sign for. */
export async function getClaim (url: URL): Promise<unknown> {
  return await api(url.pathname)
}

/** POST /api/claims/<code> {presentation}: the credential and the pathway badges the claim earns. */
export async function postClaim (url: URL, presentation: Json): Promise<unknown> {
  return await api(url.pathname, { method: 'POST', body: { presentation } })
}

/** GET /api/grants/challenge: a fresh single-use challenge and the domain to sign for. */
export async function getGrantsChallenge (): Promise<unknown> {
  return await api(GRANTS_PATHS.challenge)
}

/** POST /api/grants {presentation}: the grants of the presentation's holder. */
export async function postGrants (presentation: Json): Promise<unknown> {
  return await api(GRANTS_PATHS.list, { method: 'POST', body: { presentation } })
}

/** POST /api/grants/revoke {presentation, grantId}. */
export async function postRevokeGrant (presentation: Json, grantId: string): Promise<unknown> {
  return await api(GRANTS_PATHS.revoke, { method: 'POST', body: { presentation, grantId } })
}

/** Whether a URL is a claim URL of this origin. */
export function isOwnClaimUrl (url: URL): boolean {
  return url.origin === location.origin && url.pathname.startsWith(CLAIM_PATH) && url.pathname.length > CLAIM_PATH.length
}
