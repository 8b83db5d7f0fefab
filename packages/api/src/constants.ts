/** Named defaults and the fixed paths of the city node's HTTP API (docs/api.md). */

/** How long a call waits for the node's whole answer, unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000

/** The largest answer a call reads, unless the client or the call says otherwise (a page of 1,000 achievements is a few MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

/** The path of a node's claim route, followed by the claim code (docs/api.md, "Offers and claims"). */
export const CLAIM_PATH = '/api/claims/'

/** The path of a node's status list route, followed by the URL-encoded list id. */
export const STATUS_LIST_PATH = '/api/status/'

/** The node's routes of the learner's OB 3.0 grants (docs/api.md, "Grants"): a challenge, the list, a revocation. */
export const GRANTS_PATHS = {
  challenge: '/api/grants/challenge',
  list: '/api/grants',
  revoke: '/api/grants/revoke'
} as const
