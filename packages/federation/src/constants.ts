/** Named defaults of @cofl/federation. */

/** The kinds of public documents that the federation replicates. */
export const KINDS = ['achievement', 'profile', 'endorsement', 'status-list', 'spine', 'pathway', 'opportunity', 'aggregate'] as const
export type Kind = typeof KINDS[number]

/**
 * The kinds that are cofl documents rather than OB 3.0 ones: `{ '@context': [VC v2,
 * undefined-terms v2], id, type: [<type>], issuer: <DID>, ...content, proof }`, signed as a
 * standalone document (Data Integrity, eddsa-rdfc-2022). The JSON-LD type of each.
 */
export const DOCUMENT_TYPES = {
  spine: 'CoflSkillsSpine',
  pathway: 'CoflPathway',
  opportunity: 'CoflOpportunity',
  aggregate: 'CoflAggregate'
} as const satisfies Partial<Record<Kind, string>>
export type DocumentKind = keyof typeof DOCUMENT_TYPES

/** The store collection that holds the documents of each kind. */
export const KIND_COLLECTIONS = {
  achievement: 'achievements',
  profile: 'profiles',
  endorsement: 'endorsements',
  'status-list': 'statusLists',
  spine: 'spines',
  pathway: 'pathways',
  opportunity: 'opportunities',
  aggregate: 'aggregates'
} as const satisfies Record<Kind, string>

/** The version of the announcement format (`v` in every header). */
export const ANNOUNCEMENT_VERSION = 1

/** Gossipsub topic of a kind: `cofl/1/<kind>`. One topic per kind. */
export const TOPIC_PREFIX = 'cofl/1/'

/** The anti-entropy request/response protocol. */
export const SYNC_PROTOCOL = '/cofl/sync/1.0.0'

/** Where a node listens when its config names nothing: loopback, a free port. */
export const DEFAULT_LISTEN: readonly string[] = ['/ip4/127.0.0.1/tcp/0']

/**
 * The largest gossip message (a signed announcement header), in bytes. The same on every node and
 * enforced before publishing: a receiver whose limit is smaller than a message stops exchanging
 * anything with its sender for a while (STACK.md). Headers only, never whole documents.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024

/** How many publisher addresses an announcement carries at most. */
export const MAX_ANNOUNCEMENT_ADDRS = 8

/** The largest document (its dag-json block) that a node fetches, stores or serves. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024

/** How often a node runs anti-entropy sync with each connected peer. */
export const DEFAULT_SYNC_INTERVAL_MS = 30_000

/** Heads per page of a sync `heads` response (10,000 achievements: 10 pages). */
export const SYNC_HEADS_PAGE = 1000

/** Documents per sync `get` request / response at most. */
export const SYNC_GET_BATCH = 64

/** The largest sync message (request or response frame), in bytes. */
export const MAX_SYNC_MESSAGE_BYTES = 8 * 1024 * 1024

/** Pages of heads read from one peer in one sync round at most (bounds a lying peer). */
export const MAX_SYNC_PAGES = 1000

/** How long a sync request waits for its response. */
export const SYNC_REQUEST_TIMEOUT_MS = 30_000

/** How long an accepted announcement waits for its document block. */
export const DEFAULT_FETCH_TIMEOUT_MS = 10_000

/**
 * How long a node waits for a block from the peer that relayed its announcement (over the sync
 * protocol) before it falls back to bitswap. Measured: bitswap took 90-450 ms per hop with 10
 * nodes busy in one process, the direct request a few ms.
 */
export const DIRECT_FETCH_TIMEOUT_MS = 2000

/** When a block has not come from connected peers after this long, the publisher's addresses are dialled. */
export const DIAL_PUBLISHER_AFTER_MS = 250

/** How many announcements are validated (fetched, proof checked) at once. */
export const MAX_CONCURRENT_VALIDATIONS = 16

/** Reconnection to bootstrap peers: first delay, longest delay (doubling in between). */
export const BOOTSTRAP_BACKOFF_MIN_MS = 500
export const BOOTSTRAP_BACKOFF_MAX_MS = 30_000
/** How often the bootstrap peers' connections are checked. */
export const BOOTSTRAP_CHECK_MS = 1000

/**
 * libp2p refuses more than 5 inbound connections per second from one host by default; many
 * peers on 127.0.0.1 (tests, the demo) hit it (STACK.md).
 */
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD = 1000

/** Longest chain of endorsements from a trust root to an issuer. */
export const MAX_TRUST_HOPS = 3

/** Did-key verifiers kept in memory. */
export const VERIFIER_CACHE_SIZE = 1024

/**
 * Gossipsub peer scoring: every topic counts invalid messages (a Reject) quadratically, with a
 * slow decay, so that a handful of forgeries takes a peer below the graylist threshold; time in
 * the mesh and first deliveries reward honest peers a little. Mesh delivery rate penalties are
 * off: our topics carry little traffic, and a quiet honest peer must not lose score.
 */
export const TOPIC_SCORE = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -20,
  invalidMessageDeliveriesDecay: 0.99
} as const

/**
 * Gossipsub's IP colocation penalty (more than 10 peers from one IP) would graylist every peer of
 * a node with 11 or more loopback peers: tests, the demo and the benchmark run many nodes on
 * 127.0.0.1. Loopback is exempt; distinct hosts keep the penalty against sybils.
 */
export const IP_COLOCATION_WHITELIST: readonly string[] = ['127.0.0.1', '::1']

/** Score thresholds (gossipsub's defaults, spelled out): below graylist, a peer's RPCs are ignored. */
export const SCORE_THRESHOLDS = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20
} as const

/** The datastore key prefix of the signed announcement headers this node holds. */
export const ANNOUNCEMENT_KEY_PREFIX = '/cofl/announcement'
