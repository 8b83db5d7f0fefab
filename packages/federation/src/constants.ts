/** Named defaults of @cofl/federation. */

/** The kinds of public documents that the federation replicates. */
export const KINDS = ['achievement', 'profile', 'endorsement', 'status-list', 'spine', 'pathway', 'opportunity', 'aggregate', 'withdrawal', 'image'] as const
export type Kind = typeof KINDS[number]

/**
 * A withdrawal: an issuer's signed word that one of its documents is withdrawn (withdrawal.ts,
 * docs/federation.md "Withdrawing a document"). Its JSON-LD type; its id names the issuer, the
 * kind and the id of what it withdraws (`urn:cofl:withdrawal:<DID>:<kind>:<URI-encoded id>`).
 */
export const WITHDRAWAL_TYPE = 'CoflWithdrawal'

/**
 * The kinds an issuer may withdraw. Not a status list (credentials issued already point at it:
 * a credential is revoked, its list is never withdrawn), nor a withdrawal (a new version of the
 * document, with a higher sequence, is how an issuer takes a withdrawal back).
 */
export const WITHDRAWABLE_KINDS = ['achievement', 'profile', 'endorsement', 'spine', 'pathway', 'opportunity', 'aggregate'] as const satisfies readonly Kind[]
export type WithdrawableKind = typeof WITHDRAWABLE_KINDS[number]

/**
 * The kinds that are cofl documents rather than OB 3.0 ones: `{ '@context': [VC v2,
 * undefined-terms v2], id, type: [<type>], issuer: <DID>, ...content, proof }`, signed as a
 * standalone document (Data Integrity, eddsa-rdfc-2022). The JSON-LD type of each.
 */
export const DOCUMENT_TYPES = {
  spine: 'CoflSkillsSpine',
  pathway: 'CoflPathway',
  opportunity: 'CoflOpportunity',
  aggregate: 'CoflAggregate',
  /** An achievement's image (its bytes, base64), by its hash: docs/architecture.md "Badge images". */
  image: 'CoflImage'
} as const satisfies Partial<Record<Kind, string>>
export type DocumentKind = keyof typeof DOCUMENT_TYPES

/**
 * The store collection that holds the documents of each kind, by name (`store.collection(name)`):
 * @cofl/federation owns these collections (federationSchema). The names are those of the store's
 * former fixed collections, so that existing data directories open unchanged.
 */
export const KIND_COLLECTION_NAMES = {
  achievement: 'achievements',
  profile: 'profiles',
  endorsement: 'endorsements',
  'status-list': 'status-lists',
  spine: 'spines',
  pathway: 'pathways',
  opportunity: 'opportunities',
  aggregate: 'aggregates',
  withdrawal: 'withdrawals',
  image: 'images'
} as const satisfies Record<Kind, string>

/** The version of the announcement format (`v` in every header). */
export const ANNOUNCEMENT_VERSION = 1

/** Gossipsub topic of a kind: `cofl/1/<kind>`. One topic per kind. */
export const TOPIC_PREFIX = 'cofl/1/'

/** The anti-entropy request/response protocol. */
export const SYNC_PROTOCOL = '/cofl/sync/1.0.0'

/**
 * What identify tells peers of this node's software (agentVersion): a name and no version, so
 * that no peer learns which versions (of cofl, libp2p, Node.js) to attack.
 */
export const NODE_AGENT = 'cofl'

/** Where a node listens when its config names nothing: loopback, a free port. */
export const DEFAULT_LISTEN: readonly string[] = ['/ip4/127.0.0.1/tcp/0']

/**
 * The largest gossip message (a signed announcement header), in bytes. The same on every node and
 * enforced before publishing: a receiver whose limit is smaller than a message stops exchanging
 * anything with its sender for a while (docs/dependencies.md). Headers only, never whole documents.
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

/**
 * How many of one peer's announcements are validated at once: a peer that sends announcements
 * of blocks that exist nowhere ("ghosts") holds at most this many of the slots above, each for at
 * most `fetchTimeoutMs`.
 */
export const MAX_PEER_VALIDATIONS = 4

/**
 * How many of one peer's announcements (gossip from it as propagation source, or documents of a
 * sync with it) wait or are validated at once; beyond, its announcements are Ignored at once,
 * before their signature is checked. Room for an honest burst (a city publishing a catalogue).
 */
export const MAX_PEER_QUEUED_VALIDATIONS = 256

/** How many announcements wait or are validated at once, all peers together; beyond, Ignore at once. */
export const MAX_QUEUED_VALIDATIONS = 2048

/**
 * The cost bound of a document before any signature check or canonicalisation (with
 * DEFAULT_MAX_DOCUMENT_BYTES): the deepest nesting of objects and arrays, and the most JSON values.
 * OB 3.0 documents nest less than 12 deep; the largest cofl documents (an aggregate of 600 months,
 * a spine of 1,000 skills) hold under 10,000 values.
 */
export const MAX_DOCUMENT_DEPTH = 32
export const MAX_DOCUMENT_NODES = 16_384

/** How long a dial (a bootstrap peer, a publisher's address, `dial()`) may take. */
export const DIAL_TIMEOUT_MS = 10_000

/** Inbound sync requests of one peer served at once; beyond, its streams are reset. */
export const MAX_SYNC_STREAMS_PER_PEER = 8

/** The window of the per-peer sync quotas. */
export const SYNC_QUOTA_WINDOW_MS = 60_000

/**
 * Documents taken from one peer by sync, and served to one peer, per window. Above the measured
 * catch-up rate (10,000 achievements in 57 s, docs/federation.md): honest sync is not slowed.
 */
export const SYNC_PEER_DOCUMENTS_PER_WINDOW = 12_000

/** Bytes of sync responses taken from one peer, and served to one peer, per window. */
export const SYNC_PEER_BYTES_PER_WINDOW = 64 * 1024 * 1024

/**
 * The application-specific part of a peer's score (gossipsub P5), for what gossipsub does not
 * see: documents refused from its sync responses, and malformed responses. The penalty is count²
 * times the weight, decaying as invalid gossip does (TOPIC_SCORE). A graylisted peer is neither
 * served nor synced with, and its queued validations are dropped.
 */
export const SYNC_PENALTY_WEIGHT = -20
export const SYNC_PENALTY_DECAY = 0.99
/**
 * What a refusal counts. What no honest node serves (a document past the cost bound, a block that
 * does not hash to its CID or is no JSON object, a malformed response): 1, so three graylist the
 * peer (-180). A document refused by the rules (its proof, the content rules, who owns its id),
 * which an honest node of another version may still hold: 0.5, so five do.
 */
export const SYNC_PENALTY_FAULT = 1
export const SYNC_PENALTY_REFUSAL = 0.5

/**
 * A document refused by sync is not asked for again (of any peer) for this long, by its CID: the
 * same bytes get the same verdict, and an honest peer that still holds one (of an older version's
 * rules) is not penalised for it on every round. At most REFUSED_CACHE_SIZE CIDs are remembered.
 */
export const REFUSED_TTL_MS = 10 * 60_000
export const REFUSED_CACHE_SIZE = 4096
/** How often the scores of peers with queued validations are checked (and graylisted ones dropped). */
export const PEER_CHECK_MS = 1000

/** Reconnection to bootstrap peers: first delay, longest delay (doubling in between). */
export const BOOTSTRAP_BACKOFF_MIN_MS = 500
export const BOOTSTRAP_BACKOFF_MAX_MS = 30_000
/** How often the bootstrap peers' connections are checked. */
export const BOOTSTRAP_CHECK_MS = 1000

/**
 * libp2p refuses more than 5 inbound connections per second from one host by default; many
 * peers on 127.0.0.1 (tests, the demo) hit it (docs/dependencies.md).
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

// ---- dialling and known peers (docs/federation.md, "Which addresses a node dials") ----------------

/**
 * The kinds of addresses a node may dial besides public ones (FederationInit.allowDial): none by
 * default, so that nobody can make a node connect to its own network's hosts or its loopback
 * (a port scan by announcement). Tests and the demo on 127.0.0.1 opt into 'loopback'; nodes that
 * federate over a private network (a VPN, 10.0.0.0/8) into 'private'. Addresses the operator
 * names (bootstrap, dial()) are always allowed.
 */
export const DIAL_KINDS = ['private', 'loopback'] as const
export type DialKind = typeof DIAL_KINDS[number]
export const DEFAULT_ALLOW_DIAL: readonly DialKind[] = []

/** The datastore key prefix of the peers this node has been connected to (their last addresses). */
export const KNOWN_PEER_KEY_PREFIX = '/cofl/peer'

/** How many known peers a node remembers at most (the least recently seen are forgotten first). */
export const MAX_KNOWN_PEERS = 64

/** How many addresses of a known peer are remembered (from its signed peer record). */
export const MAX_KNOWN_PEER_ADDRS = 8

/** A known peer not connected for this long is forgotten (30 days): a city that left stops being dialled. */
export const KNOWN_PEER_MAX_AGE_MS = 30 * 24 * 3600 * 1000

// ---- ids and quotas (docs/federation.md, "Who may use which id, and how much") ----------------------

/**
 * What one issuer that this node does not trust (no trust root reaches it: FederationInit.trustRoots,
 * endorsements) may have stored here at most: documents of all kinds together (a new version of
 * one it has replaces it and counts once) and their bytes (dag-json blocks). Past either, its
 * further documents are ignored (not stored, not relayed; the peer that relayed them is not
 * penalised) until it is trusted, when sync fetches them. This node's own and trusted issuers'
 * documents have no quota. FederationInit.untrustedQuota overrides them.
 */
export const UNTRUSTED_MAX_DOCUMENTS = 100
export const UNTRUSTED_MAX_BYTES = 1024 * 1024

/**
 * What all the issuers that this node does not trust may have stored here together: the quota
 * above bounds one identity, this bounds any number of them (fresh did:keys cost nothing). Past
 * either, documents of untrusted issuers that are new here are ignored (not stored, not relayed;
 * nobody penalised: an honest peer may relay them), before their blocks are fetched; a new version
 * of a document held passes unless it adds to the total. Trusted issuers' documents are never
 * refused by it, and stop counting once a trust root reaches their issuer. Derived on start from
 * each issuer's usage (USAGE_KEY_PREFIX) and the trust graph. FederationInit.untrustedCap
 * overrides them.
 */
export const UNTRUSTED_CAP_DOCUMENTS = 2000
export const UNTRUSTED_CAP_BYTES = 32 * 1024 * 1024

/**
 * How long the set of trusted issuers (trust roots and the chains of endorsements from them) is
 * reused before it is read from the store again; an endorsement stored here renews it at once.
 */
export const TRUST_CACHE_MS = 60_000

/** The `meta` key prefix of each issuer's usage (documents, bytes) kept by the federation. */
export const USAGE_KEY_PREFIX = 'federation:usage:'

/** The `meta` key prefix of the ids claimed by several issuers (`<kind> U+0000 <id>`). */
export const CONTESTED_KEY_PREFIX = 'federation:contested:'

/**
 * The `meta` key of the version of that bookkeeping in a store, and this code's version: a store
 * without it (from before) is gone through once on start (holdings.ts: documents whose id names
 * another owner removed, each issuer's usage counted).
 */
export const HOLDINGS_VERSION_KEY = 'federation:holdings-version'
export const HOLDINGS_VERSION = 1
