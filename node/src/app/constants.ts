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
  federation: 'federation',
  /** The ports that the first start chose for port-0 settings, used again by every later start (mode 0600). */
  ports: 'node-ports.json'
} as const

/**
 * How many times a libp2p listen port is chosen for a port-0 address on a first start, when another
 * program takes the one chosen between the choice and libp2p's listening on it.
 */
export const FRESH_PORT_ATTEMPTS = 3

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

/** How long the HTTP API waits for a whole request (slow clients are cut off); config http.requestTimeoutMs. */
export const REQUEST_TIMEOUT_MS = 60_000

/** How long the HTTP API waits for a request's headers; config http.headersTimeoutMs. */
export const HEADERS_TIMEOUT_MS = 10_000

/** A connection with no request under way that sends nothing for this long is closed; config http.idleTimeoutMs. */
export const IDLE_TIMEOUT_MS = 10_000

/** A kept-alive connection waits this long for its next request; config http.keepAliveTimeoutMs. */
export const KEEP_ALIVE_TIMEOUT_MS = 5000

/**
 * The most HTTP connections open at once when the configuration does not say (http.maxConnections
 * null) and the process's limit of open files cannot be read; else half that limit, at most this.
 */
export const MAX_CONNECTIONS = 4096

/** How long a graceful stop may take before `cofl node start` exits anyway. */
export const STOP_GRACE_MS = 10_000

/** How long a CLI command waits for the node to answer. */
export const CLIENT_TIMEOUT_MS = 60_000

/** Meta key (the store's META_COLLECTION) recording the status list id scheme fixed on first start. */
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

/** How long a challenge of GET /api/grants/challenge can be signed over (each works once). */
export const GRANTS_CHALLENGE_TTL_MS = 10 * 60 * 1000

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
 * done, 1 verified invalid, 2 bad usage, unusable input or a refusal, 3 cannot be checked here
 * (`cofl verify`: nothing failed, but a check could not be made: an unsupported cryptosuite, an
 * issuer whose DID or document cannot be resolved here, a status list that cannot be had), 70 a
 * bug, 130 interrupted (Ctrl-C at a prompt).
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2, indeterminate: 3, internal: 70, interrupted: 130 } as const

/**
 * How often a node publishes its changed status lists (config status.publishIntervalMs): every
 * list changed since the last tick gets one new version, dated on the interval's boundary.
 * Publishing each change at once, to the second, would tell anyone who compares versions which
 * index changed and when (Bitstring Status List v1.0, privacy considerations).
 */
export const STATUS_PUBLISH_INTERVAL_MS = 300_000

/**
 * What a node withdraws (CityService.withdraw, POST /api/withdrawals, `cofl withdraw`). Not its
 * Profile nor its aggregate, which the node publishes again itself (on start; on its schedule),
 * nor a status list (never withdrawn: credentials point at it).
 */
export const WITHDRAWN_KINDS = ['achievement', 'endorsement', 'pathway', 'spine', 'opportunity'] as const

/** The largest badge image, in bytes (PNG or SVG), as sent and as stored (images.ts). */
export const MAX_IMAGE_BYTES = 256 * 1024

/** The largest width or height of a PNG badge image, in pixels (images.ts). */
export const MAX_IMAGE_SIDE = 2048

/**
 * The most tags an SVG badge image may have (images.ts): sanitising costs about 0.4 ms a tag here
 * (jsdom, DOMPurify), on the node that takes it and on every node it reaches.
 */
export const MAX_SVG_TAGS = 2000
