/**
 * Named defaults and limits of the cofl node. The node's configurable defaults are in
 * config/default.json (embedded); these are the fixed ones.
 */
import { availableParallelism } from 'node:os'

/** Files and directories inside a node's data directory (docs/operations.md, "Data directory"). */
export const DATA_FILES = {
  /** The city's issuer key (identity key file, mode 0600). */
  key: 'issuer.key',
  /** The admin token (mode 0600): `Authorization: Bearer <token>` on admin routes. */
  adminToken: 'admin-token',
  /** Written once the node is ready, removed on a graceful stop. */
  nodeInfo: 'node.json',
  /** @cofl/store (level). */
  store: 'store',
  /** @cofl/status registry (level). */
  status: 'status',
  /** @cofl/federation: libp2p peer key, blockstore, datastore. */
  federation: 'federation'
} as const

/** Random bytes of an admin token (base64url-encoded in the file). */
export const ADMIN_TOKEN_BYTES = 32

/** Default page size of list routes (GET /api/achievements, GET /api/credentials). */
export const DEFAULT_PAGE_LIMIT = 100

/** Largest page size of list routes. */
export const MAX_PAGE_LIMIT = 1000

/** Longest `q` text search accepted by GET /api/achievements. */
export const MAX_QUERY_LENGTH = 200

/** Longest path parameter (an URL-encoded id) the HTTP API routes; longer gives 414. */
export const MAX_PARAM_LENGTH = 4096

/** How long the HTTP API waits for a whole request (slow clients are cut off). */
export const REQUEST_TIMEOUT_MS = 60_000

/** How long a graceful stop may take before `cofl node start` exits anyway. */
export const STOP_GRACE_MS = 10_000

/** How long a CLI command waits for the node to answer. */
export const CLIENT_TIMEOUT_MS = 60_000

/** Meta key (store.meta) recording the status list id scheme fixed on first start. */
export const META_STATUS_LIST_BASE = 'node:status-list-base'

/** How long an offer can be claimed when its creator does not say (30 days). */
export const DEFAULT_OFFER_TTL_HOURS = 720

/** The longest validity of an offer (one year). */
export const MAX_OFFER_TTL_HOURS = 8760

/** Random bytes of a claim code (base64url in the claim URL; the node keeps only its SHA-256). */
export const OFFER_CODE_BYTES = 32

/** Random bytes of a claim challenge. */
export const CLAIM_CHALLENGE_BYTES = 32

/** How long the challenge of GET /api/claims/:code can be signed over (one at a time per offer). */
export const CLAIM_CHALLENGE_TTL_MS = 10 * 60 * 1000

/** Most rows of one POST /api/offers/bulk. */
export const MAX_BULK_OFFER_ROWS = 1000

/** Rows per request of `cofl offer --csv`. */
export const BULK_OFFER_CHUNK = 500

/** Longest learner name of an offer (characters). */
export const MAX_OFFER_NAME_LENGTH = 500

/** Longest email address of an offer (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254

/** Worker threads that sign issued credentials (default of CityNodeInit.signingWorkers): one per core. */
export const DEFAULT_SIGNING_WORKERS = (): number => availableParallelism()

/**
 * Exit codes of the `cofl` command (docs/errors.md, "Exit codes of the cofl command"): 0 valid /
 * done, 1 verified invalid, 2 bad usage, unusable input or a refusal, 70 a bug, 130 interrupted
 * (Ctrl-C at a prompt).
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 70, interrupted: 130 } as const
