/**
 * The federation node: one libp2p + Helia node (TCP, noise, yamux, identify, ping, gossipsub,
 * bitswap; nothing else), signed announcements validated before relay, replication of the
 * documents into Helia and the store, anti-entropy sync and the trust graph.
 */
import { setMaxListeners } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import * as dagJsonCodec from '@ipld/dag-json'
import { gossipsub, TopicValidatorResult } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { logger } from '@libp2p/logger'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import { createHeliaLight } from 'helia'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { Identify } from '@libp2p/identify'
import type { Connection, IdentifyResult, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { KeyPair } from '@cofl/identity'
import type { Collection, Store, StoredDocument } from '@cofl/store'
import { decodeAnnouncement, encodeAnnouncement, signAnnouncement, topicOf } from './announcement.js'
import {
  ANNOUNCEMENT_KEY_PREFIX, ANNOUNCEMENT_VERSION, BOOTSTRAP_BACKOFF_MAX_MS, BOOTSTRAP_BACKOFF_MIN_MS, BOOTSTRAP_CHECK_MS,
  DEFAULT_FETCH_TIMEOUT_MS, DIRECT_FETCH_TIMEOUT_MS, IP_COLOCATION_WHITELIST, DEFAULT_INBOUND_CONNECTION_THRESHOLD, DEFAULT_LISTEN, DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SYNC_INTERVAL_MS, DIAL_PUBLISHER_AFTER_MS, KINDS, MAX_ANNOUNCEMENT_ADDRS, NODE_AGENT,
  MAX_CONCURRENT_VALIDATIONS, MAX_SYNC_MESSAGE_BYTES, MAX_SYNC_PAGES, MAX_TRUST_HOPS, SCORE_THRESHOLDS, SYNC_GET_BATCH,
  SYNC_HEADS_PAGE, SYNC_PROTOCOL, SYNC_REQUEST_TIMEOUT_MS, TOPIC_PREFIX, TOPIC_SCORE
} from './constants.js'
import { kindCollection } from './schema.js'
import { DEFAULT_ALLOW_DIAL, DIAL_KINDS, KNOWN_PEER_KEY_PREFIX, KNOWN_PEER_MAX_AGE_MS, MAX_KNOWN_PEER_ADDRS, MAX_KNOWN_PEERS } from './constants.js'
import type { DialKind, Kind } from './constants.js'
import { addressKind, createDialPolicy, decodeKnownPeer, encodeKnownPeer, transportAddress } from './dialling.js'
import type { DialPolicy, KnownPeer } from './dialling.js'
import { idOfKey } from './claims.js'
import { UNTRUSTED_CAP_BYTES, UNTRUSTED_CAP_DOCUMENTS, UNTRUSTED_MAX_BYTES, UNTRUSTED_MAX_DOCUMENTS } from './constants.js'
import { blockMatches, checkDocument, decodeDocument, documentBlock, documentFacts, idOwner } from './documents.js'
import { FederationConfigError, MessageTooLargeError, NotStartedError, PublishError } from './errors.js'
import { decodeFrame, readFrame, writeFrame } from './stream.js'
import { createHoldings } from './holdings.js'
import type { Holdings, Quota } from './holdings.js'
import { evaluateTrust } from './trust.js'
import type { TrustResult } from './trust.js'
import { validateHeader } from './validate.js'
import { withdrawalId, withdrawalTarget } from './withdrawal.js'
import type { WithdrawalTarget } from './withdrawal.js'
import type { HeaderVerdict, HeldVersion, Verdict } from './validate.js'
import { checkDocumentBounds } from './bounds.js'
import {
  DIAL_TIMEOUT_MS, MAX_PEER_QUEUED_VALIDATIONS, MAX_PEER_VALIDATIONS, MAX_QUEUED_VALIDATIONS, MAX_SYNC_STREAMS_PER_PEER, PEER_CHECK_MS,
  REFUSED_CACHE_SIZE, REFUSED_TTL_MS, SYNC_PEER_BYTES_PER_WINDOW, SYNC_PEER_DOCUMENTS_PER_WINDOW, SYNC_PENALTY_DECAY, SYNC_PENALTY_FAULT,
  SYNC_PENALTY_REFUSAL, SYNC_PENALTY_WEIGHT, SYNC_QUOTA_WINDOW_MS
} from './constants.js'
import { ValidationQueue } from './queue.js'
import { PeerQuotas } from './quota.js'
import type { QueueStats } from './queue.js'
import { timeoutSignal } from './signal.js'

const log = logger('cofl:federation')

/** The address kinds a node announces by default (FederationInit.announce). */
const PUBLIC_ADDRESS_KINDS: ReadonlySet<string> = new Set(['public', 'name'])
const logGossip = logger('cofl:federation:gossip')
const logSync = logger('cofl:federation:sync')

export interface FederationInit {
  /** The city's issuer key (did:key): signs announcements. */
  key: KeyPair
  /** Where accepted documents are indexed. The caller opens and closes it. */
  store: Store
  /** blockstore / datastore (level) and the libp2p peer key live here; memory when absent. */
  directory?: string
  /** Default ['/ip4/127.0.0.1/tcp/0']. */
  listen?: string[]
  /**
   * What this node tells other peers of where it is (identify's listen addresses and signed peer
   * record, the `addrs` of its announcements). Default: the addresses it listens on that are
   * public, none on a private, link-local, CGNAT or loopback network (docs/federation.md, "What a
   * node tells its peers"); a node listening on loopback only tells none. Each entry is a multiaddr
   * without /p2p/ (the address peers reach the node at, such as a public IP or DNS name behind
   * NAT: then only those, instead of its public listen addresses), or 'loopback' / 'private': its
   * listen addresses on such networks too (nodes on one host or one private network: tests, the
   * demo). `multiaddrs()` still lists where it listens.
   */
  announce?: Array<string | DialKind>
  /**
   * Multiaddrs with /p2p/<peerId> to dial on start and to stay connected to (also at the addresses
   * they announce later in their signed peer records). Always dialled, whatever `allowDial` says.
   */
  bootstrap?: string[]
  /**
   * Which addresses besides public ones this node may dial: 'loopback' (127.0.0.0/8, ::1),
   * 'private' (10/8, 172.16/12, 192.168/16, 100.64/10, link-local, fc00::/7). Default none.
   * Applied to every dial (libp2p's connection gater): announcements' addresses, the addresses
   * peers announce, known peers; addresses the caller names (bootstrap, dial()) are always allowed.
   */
  allowDial?: DialKind[]
  /** DIDs; the node's own DID is always trusted. */
  trustRoots?: string[]
  /** How often to sync with every connected peer (default 30 s); 0 turns periodic sync off (sync on connect stays). */
  syncIntervalMs?: number
  /** Largest announcement, the same on every node (default 16 KiB). */
  maxMessageBytes?: number
  /** How long an announcement waits for its document block (default 10 s). */
  fetchTimeoutMs?: number
  /** Longest chain of endorsements from a trust root (default 3). */
  maxTrustHops?: number
  /** Start at once (default true), as createLibp2p does. */
  start?: boolean
  /**
   * Checks a document's content beyond its form and proof (the caller's rules for its kinds: the
   * federation knows none). Run on every document that arrives, after its proof is checked: not
   * ok is a Reject (nothing is stored; gossipsub penalises the peer that relayed it); and on
   * `publish`, where not ok is a PublishError. It must not throw; if it does, the document is
   * ignored (not stored, the peer not penalised for the caller's fault).
   */
  validateContent?: ContentValidator
  /**
   * The most that one issuer this node does not trust may have stored here (documents of all kinds,
   * their bytes); past it, its documents are ignored until it is trusted. Default
   * UNTRUSTED_MAX_DOCUMENTS, UNTRUSTED_MAX_BYTES.
   */
  untrustedQuota?: { documents?: number, bytes?: number }
  /**
   * The most that all the issuers this node does not trust may have stored here together (documents
   * of all kinds, their bytes): a quota bounds one identity, the cap their number. Past it, their
   * documents that are new here are ignored until their issuers are trusted. Default
   * UNTRUSTED_CAP_DOCUMENTS, UNTRUSTED_CAP_BYTES.
   */
  untrustedCap?: { documents?: number, bytes?: number }
}

/** What `FederationInit.validateContent` says of a document. */
export type ContentVerdict = { ok: true } | { ok: false, reason: string }
export type ContentValidator = (kind: Kind, document: Record<string, unknown>) => ContentVerdict

/** What one sync round with peers brought in. */
export interface SyncSummary {
  peers: number
  heads: number
  requested: number
  accepted: number
  rejected: number
  ignored: number
  errors: string[]
}

export interface Federation {
  readonly did: string
  /** Throws COFL_ERR_FEDERATION_NOT_STARTED before start. */
  readonly peerId: string
  /** Where this node listens (with /p2p/): what its operator and the peers it names as bootstrap dial. */
  multiaddrs(): string[]
  /** What it tells its peers (identify, signed peer record, announcements): FederationInit.announce. */
  announced(): string[]
  peers(): string[]
  start(): Promise<void>
  stop(): Promise<void>
  isStarted(): boolean
  /** Signs nothing itself: `document` is already signed. Stores, adds to Helia, announces. */
  publish(kind: Kind, document: Record<string, unknown>): Promise<{ cid: string, sequence: number }>
  /** The newest status list credential with this id that this node holds (or fetched from a peer). */
  getStatusList(id: string): Promise<Record<string, unknown> | undefined>
  /** Who endorsed `issuer`, and whether a chain of endorsements reaches a trust root. */
  trust(issuer: string): Promise<TrustResult>
  /** Every issuer this node trusts: its DID, its trust roots, and those a chain of endorsements from one reaches. */
  trustedIssuers(): Promise<ReadonlySet<string>>
  /** What the issuers this node does not trust have stored here together (documents, bytes): `untrustedCap` bounds it. */
  untrustedUsage(): Promise<{ documents: number, bytes: number }>
  /** Runs anti-entropy sync with every connected peer now (or with `peerId`). */
  syncNow(options?: { peerId?: string }): Promise<SyncSummary>
  /** Dials a multiaddr (with /p2p/), whatever `allowDial` says (the caller named it). */
  dial(address: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Closes every connection to a peer and forgets it (no longer dialled again; a bootstrap peer still is). */
  hangUp(peerId: string): Promise<void>
  /** The peers this node has been connected to, with their last announced addresses (kept in the datastore). */
  knownPeers(): KnownPeer[]
  /**
   * This node's score of a peer (negative: misbehaving): its gossipsub score, which includes the
   * penalties of its sync responses (P5); for a peer without gossip, those penalties alone.
   * Below SCORE_THRESHOLDS.graylistThreshold a peer is graylisted: nothing of it is validated.
   */
  peerScore(peerId: string): number
  /** The validation queue now: validations running, announcements admitted, peers with some. */
  validationStats(): QueueStats
  /** Validates an announcement as gossip does, without relaying it (tests, tools). */
  validateAnnouncement(bytes: Uint8Array, options?: { topic?: string }): Promise<HeaderVerdict>
  /**
   * 'document': a document stored (accepted from the network or published here); 'withdrawn': a
   * document removed because its issuer withdrew it (the detail is the document removed).
   */
  addEventListener(type: 'document' | 'withdrawn', listener: (event: CustomEvent<StoredDocument>) => void): void
  removeEventListener(type: 'document' | 'withdrawn', listener: (event: CustomEvent<StoredDocument>) => void): void
}

type Services = { identify: Identify, ping: Ping, pubsub: GossipSub }

/** Helia's own copy of multiformats' CID type (the packages carry different copies). */
type HeliaCID = Parameters<HeliaWithLibp2p['blockstore']['put']>[0]

function parseCid (cid: string): HeliaCID {
  return CID.parse(cid) as unknown as HeliaCID
}

interface Config {
  key: KeyPair
  store: Store
  directory: string | undefined
  listen: string[]
  /** The multiaddrs to announce instead of the public listen addresses (none: those). */
  announceAddrs: Multiaddr[]
  /** The kinds of listen addresses announced (addressKind). */
  announceKinds: ReadonlySet<string>
  bootstrap: Multiaddr[]
  allowDial: DialKind[]
  trustRoots: Set<string>
  syncIntervalMs: number
  maxMessageBytes: number
  fetchTimeoutMs: number
  maxTrustHops: number
  validateContent: ContentValidator | undefined
  untrustedQuota: Quota
  untrustedCap: Quota
}

/** An ingest's verdict; `fault`: a refusal that no honest node can cause (past the cost bound, a block not matching its CID). */
type IngestVerdict = HeaderVerdict & { fault?: boolean }

interface IngestOptions {
  topic?: string
  /** The peer that relayed the announcement: it holds the block (it validated before relaying). */
  from?: string
  /** The block, when it came with the announcement (sync). */
  block?: Uint8Array
}

/**
 * A peer this node stays connected to, dialled again with a doubling delay when it is not: a
 * bootstrap peer (at its configured addresses and those it announced since), or a known peer of
 * the previous run (at the addresses it last announced).
 */
interface KeptPeer { peerId: string, configured: Multiaddr[], delay: number, nextAt: number, dialling: boolean }

type SyncRequest =
  | { t: 'heads', after?: [number, string], limit: number }
  | { t: 'get', want: Array<[number, string]> }
  | { t: 'block', cid: string }

function fail (key: string, value: unknown, expected: string): never {
  let shown: string
  try { shown = JSON.stringify(value) ?? String(value) } catch { shown = String(value) }
  throw new FederationConfigError(`invalid federation config: ${key} = ${shown.slice(0, 200)}; expected ${expected}`)
}

function positiveInteger (key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value == null) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) fail(key, value, `an integer from ${min} to ${max}`)
  return value
}

function stringList (key: string, value: unknown, fallback: readonly string[]): string[] {
  if (value == null) return [...fallback]
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(key, value, 'a list of strings')
  return [...value as string[]]
}

/** Validates the init and fills in the named defaults. */
function configure (init: FederationInit): Config {
  if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
  const key = init.key
  if (key == null || typeof key.did !== 'string' || !key.did.startsWith('did:key:') || !key.canSign) fail('key', key?.did, 'a did:key key pair that can sign')
  const store = init.store
  if (store == null || typeof store.collection !== 'function' || typeof store.batch !== 'function') {
    fail('store', typeof store, 'a @cofl/store Store')
  }
  if (init.directory != null && (typeof init.directory !== 'string' || init.directory.length === 0)) fail('directory', init.directory, 'a directory path')
  const listen = stringList('listen', init.listen, DEFAULT_LISTEN)
  for (const address of listen) {
    try { multiaddr(address) } catch { fail('listen', address, 'multiaddrs such as /ip4/127.0.0.1/tcp/0') }
  }
  const announceAddrs: Multiaddr[] = []
  const announceKinds = new Set<string>(PUBLIC_ADDRESS_KINDS)
  for (const entry of stringList('announce', init.announce, [])) {
    if ((DIAL_KINDS as readonly string[]).includes(entry)) { announceKinds.add(entry); continue }
    let ma: Multiaddr
    try { ma = multiaddr(entry) } catch { fail('announce', entry, `multiaddrs such as /ip4/203.0.113.7/tcp/4001 or /dns4/node.example.org/tcp/4001, or ${DIAL_KINDS.map((k) => `'${k}'`).join(', ')}`) }
    if (peerIdOf(ma) != null) fail('announce', entry, 'multiaddrs without /p2p/ (the node adds its own)')
    announceAddrs.push(ma)
  }
  // Addresses named: those instead of the public listen addresses.
  if (announceAddrs.length > 0) for (const kind of PUBLIC_ADDRESS_KINDS) announceKinds.delete(kind)
  const bootstrap = stringList('bootstrap', init.bootstrap, []).map((address) => {
    let ma: Multiaddr
    try { ma = multiaddr(address) } catch { fail('bootstrap', address, 'multiaddrs with /p2p/<peerId>') }
    if (peerIdOf(ma) == null) fail('bootstrap', address, 'multiaddrs with /p2p/<peerId>')
    return ma
  })
  const allowDial = stringList('allowDial', init.allowDial, DEFAULT_ALLOW_DIAL)
  for (const kind of allowDial) if (!(DIAL_KINDS as readonly string[]).includes(kind)) fail('allowDial', kind, `a list of ${DIAL_KINDS.map((k) => `'${k}'`).join(', ')}`)
  const roots = stringList('trustRoots', init.trustRoots, [])
  for (const did of roots) if (!did.startsWith('did:')) fail('trustRoots', did, 'DIDs')
  if (init.validateContent != null && typeof init.validateContent !== 'function') fail('validateContent', typeof init.validateContent, 'a function (kind, document) => { ok, reason }')
  return {
    key,
    store,
    directory: init.directory,
    listen,
    announceAddrs,
    announceKinds,
    bootstrap,
    allowDial: [...new Set(allowDial)] as DialKind[],
    trustRoots: new Set([key.did, ...roots]),
    syncIntervalMs: positiveInteger('syncIntervalMs', init.syncIntervalMs, DEFAULT_SYNC_INTERVAL_MS, 0, 24 * 3600 * 1000),
    maxMessageBytes: positiveInteger('maxMessageBytes', init.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 1024, 1024 * 1024),
    fetchTimeoutMs: positiveInteger('fetchTimeoutMs', init.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS, 10, 600_000),
    maxTrustHops: positiveInteger('maxTrustHops', init.maxTrustHops, MAX_TRUST_HOPS, 1, 10),
    validateContent: init.validateContent,
    untrustedQuota: {
      documents: positiveInteger('untrustedQuota.documents', init.untrustedQuota?.documents, UNTRUSTED_MAX_DOCUMENTS, 0, 1e9),
      bytes: positiveInteger('untrustedQuota.bytes', init.untrustedQuota?.bytes, UNTRUSTED_MAX_BYTES, 0, Number.MAX_SAFE_INTEGER)
    },
    untrustedCap: {
      documents: positiveInteger('untrustedCap.documents', init.untrustedCap?.documents, UNTRUSTED_CAP_DOCUMENTS, 0, 1e9),
      bytes: positiveInteger('untrustedCap.bytes', init.untrustedCap?.bytes, UNTRUSTED_CAP_BYTES, 0, Number.MAX_SAFE_INTEGER)
    }
  }
}

function peerIdOf (ma: Multiaddr): string | undefined {
  return ma.getComponents().findLast((c) => c.name === 'p2p')?.value
}

/** Where the signed header of `issuer`'s document is kept; without `issuer`, where a version before (issuer, id) keys kept it. */
function headerKey (kind: Kind, id: string, issuer?: string): Key {
  const b64 = (s: string): string => Buffer.from(s).toString('base64url')
  return new Key(`${ANNOUNCEMENT_KEY_PREFIX}/${kind}/${b64(id)}${issuer != null ? `/${b64(issuer)}` : ''}`)
}

async function collect (source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of source) { chunks.push(chunk); length += chunk.byteLength }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.byteLength }
  return out
}

async function raceSignal<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody waits for `promise` now: its rejection (a read of a stream aborted with this very
    // reason, say, when the node stops while serving) must not go unhandled.
    promise.catch(() => {})
    throw signal.reason
  }
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}

function isBytes (value: unknown): value is Uint8Array {
  return value instanceof Uint8Array
}

class FederationNode implements Federation {
  readonly did: string
  private readonly config: Config
  private readonly events = new EventTarget()
  private helia: HeliaWithLibp2p<Services> | undefined
  private levelStores: Array<{ close: () => Promise<void> }> = []
  /** Where libp2p listens (with /p2p/), as it last passed them to announceFilter. */
  private listening: Multiaddr[] = []
  /** The level blockstore under Helia's (with a directory). */
  private blockstore: LevelBlockstore | undefined
  private started = false
  private stopController = new AbortController()
  private timers: Array<ReturnType<typeof setInterval>> = []
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly syncing = new Map<string, Promise<SyncSummary>>()
  private readonly policy: DialPolicy
  private readonly known = new Map<string, KnownPeer>()
  private kept = new Map<string, KeptPeer>()
  private readonly queue = new ValidationQueue({
    concurrency: MAX_CONCURRENT_VALIDATIONS, perPeer: MAX_PEER_VALIDATIONS, perPeerQueued: MAX_PEER_QUEUED_VALIDATIONS, queued: MAX_QUEUED_VALIDATIONS
  })

  /** Per peer: the count of refused sync documents and malformed sync responses (decaying), and when it was last decayed. */
  private readonly penalties = new Map<string, { count: number, at: number }>()
  /** Per peer: documents and bytes taken from it (in) and served to it (out) by sync in the current window. */
  private readonly quotaIn = new PeerQuotas({ documents: SYNC_PEER_DOCUMENTS_PER_WINDOW, bytes: SYNC_PEER_BYTES_PER_WINDOW, windowMs: SYNC_QUOTA_WINDOW_MS })
  private readonly quotaOut = new PeerQuotas({ documents: SYNC_PEER_DOCUMENTS_PER_WINDOW, bytes: SYNC_PEER_BYTES_PER_WINDOW, windowMs: SYNC_QUOTA_WINDOW_MS })
  /** Per peer: inbound sync requests being served. */
  private readonly serving = new Map<string, number>()
  /** CIDs of documents refused from sync, until when they are not asked for again (REFUSED_TTL_MS), oldest first. */
  private readonly refused = new Map<string, number>()
  private readonly holdings: Holdings

  constructor (config: Config) {
    this.config = config
    this.did = config.key.did
    this.holdings = createHoldings({
      store: config.store,
      self: config.key.did,
      roots: config.trustRoots,
      maxHops: config.maxTrustHops,
      quota: config.untrustedQuota,
      cap: config.untrustedCap,
      lock: async (kind, id, task) => await this.lock(`${kind}\u0000${id}`, task)
    })
    this.policy = createDialPolicy(config.allowDial, config.bootstrap)
  }

  private get libp2p (): Libp2p<Services> {
    if (this.helia == null || !this.started) throw new NotStartedError()
    return this.helia.libp2p
  }

  get peerId (): string {
    return this.libp2p.peerId.toString()
  }

  isStarted (): boolean {
    return this.started
  }

  multiaddrs (): string[] {
    if (!this.started) return []
    // libp2p passes every address it listens on through announceFilter: those are recorded there.
    this.libp2p.getMultiaddrs()
    return this.listening.map((ma) => ma.toString())
  }

  announced (): string[] {
    return this.started ? this.libp2p.getMultiaddrs().map((ma) => ma.toString()) : []
  }

  /**
   * libp2p's announceFilter: what this node tells its peers (identify, its signed peer record,
   * hence also its announcements' `addrs`). The configured `announce` addresses when there are
   * some, else the listen addresses on public networks; and the listen addresses on the networks
   * `announce` names ('loopback', 'private'). Records `addrs` (where it listens).
   */
  private announceFilter (addrs: Multiaddr[]): Multiaddr[] {
    this.listening = addrs
    const { announceAddrs, announceKinds } = this.config
    const self = addrs.map(peerIdOf).find((p) => p != null)
    const named = announceAddrs.map((ma) => self != null ? ma.encapsulate(`/p2p/${self}`) : ma)
    return [...named, ...addrs.filter((ma) => announceKinds.has(addressKind(ma)))]
  }

  peers (): string[] {
    return this.started ? this.libp2p.getPeers().map((p) => p.toString()) : []
  }

  addEventListener (type: 'document' | 'withdrawn', listener: (event: CustomEvent<StoredDocument>) => void): void {
    this.events.addEventListener(type, listener as (event: Event) => void)
  }

  removeEventListener (type: 'document' | 'withdrawn', listener: (event: CustomEvent<StoredDocument>) => void): void {
    this.events.removeEventListener(type, listener as (event: Event) => void)
  }

  async start (): Promise<void> {
    if (this.started) return
    const { directory } = this.config
    this.known.clear() // read from the datastore once libp2p runs
    this.stopController = new AbortController()
    // Every request and fetch listens to it (through timeoutSignal).
    setMaxListeners(Infinity, this.stopController.signal)
    let blockstore: LevelBlockstore | undefined
    let datastore: LevelDatastore | undefined
    if (directory != null) {
      await mkdir(directory, { recursive: true })
      blockstore = new LevelBlockstore(join(directory, 'blocks'))
      datastore = new LevelDatastore(join(directory, 'datastore'))
      // Helia neither opens nor closes level stores (docs/dependencies.md): open before start, close after stop.
      await blockstore.open()
      await datastore.open()
      this.levelStores = [blockstore, datastore]
      this.blockstore = blockstore
    }
    const topics = KINDS.map((k) => topicOf(k, TOPIC_PREFIX))
    const helia = withBitswap(withLibp2pLight(createHeliaLight({
      ...(blockstore != null ? { blockstore } : {}),
      ...(datastore != null ? { datastore } : {}),
      codecs: [dagJsonCodec]
    }), {
      // The peer key: withLibp2pLight loads it from the datastore (or creates and saves it there),
      // so it is stable across restarts when the datastore is on disk.
      addresses: { listen: this.config.listen, announceFilter: (addrs: Multiaddr[]) => this.announceFilter(addrs) },
      // identify's agentVersion: no software or platform version (libp2p's default names libp2p's
      // and Node.js's). Its protocolVersion is identify's own protocol version, the same everywhere.
      nodeInfo: { name: NODE_AGENT, version: '', userAgent: NODE_AGENT },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { inboundConnectionThreshold: DEFAULT_INBOUND_CONNECTION_THRESHOLD },
      // Every dial, whoever asks for it (our code, gossipsub, bitswap, libp2p), passes the dial
      // policy: no connection to a private or loopback address a peer named, unless allowed.
      connectionGater: { denyDialMultiaddr: (address: Multiaddr) => !this.policy.allows(address) },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({
          emitSelf: false,
          // A publish before the mesh forms must not throw: sync delivers it later.
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          allowedTopics: topics,
          scoreParams: {
            topics: Object.fromEntries(topics.map((t) => [t, { ...TOPIC_SCORE }])) as unknown as Record<string, TopicScoreParams>,
            IPColocationFactorWhitelist: new Set(IP_COLOCATION_WHITELIST),
            // P5: what gossipsub does not see (refused sync documents, malformed sync responses).
            appSpecificScore: (peer: string) => this.syncPenalty(peer),
            appSpecificWeight: 1
          },
          scoreThresholds: { ...SCORE_THRESHOLDS }
        })
      }
    }), { sendWantlistDebounce: 0 } as Parameters<typeof withBitswap>[1])
    try {
      await helia.start()
    } catch (err) {
      await this.closeLevelStores()
      throw err
    }
    this.helia = helia as unknown as HeliaWithLibp2p<Services>
    this.started = true
    const libp2p = this.libp2p
    await this.openHoldings()
    // Who this node has been connected to, and where they said they listen (identify, signed peer records).
    libp2p.addEventListener('peer:identify', (event) => { this.rememberPeer(event.detail).catch((err) => { log('cannot record peer %p: %s', event.detail.peerId, (err as Error).message) }) })
    libp2p.addEventListener('peer:disconnect', (event) => { this.touchPeer(event.detail.toString()) })
    await this.loadKnownPeers()
    const pubsub = libp2p.services.pubsub
    for (const topic of topics) {
      pubsub.topicValidators.set(topic, async (from: PeerId, message: Message) => await this.gossipValidator(topic, from, message))
      pubsub.subscribe(topic)
    }
    await libp2p.handle(SYNC_PROTOCOL, async (stream: Stream, connection: Connection) => {
      await this.serveSync(stream, connection)
    }, { maxInboundStreams: 16, maxOutboundStreams: 16 })
    // No work goes on for a peer that left: its validations are aborted, its waiting ones refused.
    libp2p.addEventListener('peer:disconnect', (event) => { this.dropPeer(event.detail.toString(), 'disconnected') })
    {
      const timer = setInterval(() => { this.checkPeers() }, PEER_CHECK_MS)
      timer.unref?.()
      this.timers.push(timer)
    }
    libp2p.addEventListener('peer:connect', (event) => {
      const peer = event.detail.toString()
      const timer = setTimeout(() => { this.syncWith(peer).catch((err) => { logSync('sync with %s failed: %s', peer, (err as Error).message) }) }, 50)
      timer.unref?.()
    })
    // A publish made between the sync on connect and the exchange of subscriptions reaches
    // nobody by gossip: sync again when a peer's subscriptions arrive.
    pubsub.addEventListener('subscription-change', (event) => {
      const peer = event.detail.peerId.toString()
      if (!event.detail.subscriptions.some((s) => s.subscribe)) return
      const timer = setTimeout(() => { this.syncWith(peer).catch((err) => { logSync('sync with %s failed: %s', peer, (err as Error).message) }) }, 100)
      timer.unref?.()
    })
    if (this.config.syncIntervalMs > 0) {
      const timer = setInterval(() => { void this.syncNow().catch(() => {}) }, this.config.syncIntervalMs)
      timer.unref?.()
      this.timers.push(timer)
    }
    // The peers to stay connected to: the bootstrap peers, and the peers known from the last run
    // (a restarted node dials them again, at the addresses they last announced).
    this.kept = new Map()
    const keep = (peerId: string): KeptPeer => {
      const peer = this.kept.get(peerId) ?? { peerId, configured: [], delay: BOOTSTRAP_BACKOFF_MIN_MS, nextAt: 0, dialling: false }
      this.kept.set(peerId, peer)
      return peer
    }
    for (const address of this.config.bootstrap) keep(peerIdOf(address) as string).configured.push(address)
    for (const peerId of this.known.keys()) keep(peerId)
    if (this.kept.size > 0) {
      // Start returns once the bootstrap peers were dialled once (as it always did); known peers are dialled meanwhile.
      const bootstrapRound = this.maintainPeers((peer) => peer.configured.length > 0)
      void this.maintainPeers()
      await bootstrapRound
      const timer = setInterval(() => { void this.maintainPeers() }, BOOTSTRAP_CHECK_MS)
      timer.unref?.()
      this.timers.push(timer)
    }
    log('started %s as %s on %s', this.did, this.peerId, this.multiaddrs().join(', '))
  }

  async stop (): Promise<void> {
    if (!this.started) return
    // The peers connected now were seen now: the next start dials them again.
    for (const connection of this.libp2p.getConnections()) this.touchPeer(connection.remotePeer.toString(), false)
    await this.saveKnownPeers()
    this.started = false
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    const stopped = new NotStartedError('the federation node stopped')
    this.stopController.abort(stopped)
    this.queue.close(stopped)
    // A resolution of contested ids under way (holdings.ts) writes to the store the caller closes next.
    await this.holdings.settled()
    try {
      await this.helia?.stop()
    } finally {
      this.helia = undefined
      await this.closeLevelStores()
    }
    log('stopped %s', this.did)
  }

  private async closeLevelStores (): Promise<void> {
    const stores = this.levelStores
    this.levelStores = []
    this.blockstore = undefined
    for (const s of stores) await s.close().catch(() => {})
  }

  /**
   * Connected to each kept peer (`only`: those it selects), or dial it again after a doubling
   * delay (0.5 s .. 30 s) at every address of it that the dial policy allows: the configured ones
   * and those it announced last. A known peer not connected for KNOWN_PEER_MAX_AGE_MS is dropped.
   */
  private async maintainPeers (only: (peer: KeptPeer) => boolean = () => true): Promise<void> {
    if (!this.started) return
    const connected = new Set(this.libp2p.getConnections().map((c) => c.remotePeer.toString()))
    const now = Date.now()
    await Promise.allSettled([...this.kept.values()].filter(only).map(async (peer) => {
      if (connected.has(peer.peerId)) { peer.delay = BOOTSTRAP_BACKOFF_MIN_MS; return }
      if (peer.dialling || now < peer.nextAt) return
      const known = this.known.get(peer.peerId)
      if (peer.configured.length === 0 && (known == null || known.seen < now - KNOWN_PEER_MAX_AGE_MS)) { this.kept.delete(peer.peerId); return }
      peer.nextAt = now + peer.delay
      const addresses = this.dialAddresses(peer)
      if (addresses.length === 0) {
        peer.delay = Math.min(peer.delay * 2, BOOTSTRAP_BACKOFF_MAX_MS)
        log('no address of peer %s may be dialled (allowDial: %s)', peer.peerId, this.config.allowDial.join(', ') || 'public only')
        return
      }
      peer.dialling = true
      // A timer cleared afterwards, not AbortSignal.timeout inside AbortSignal.any (docs/dependencies.md: it may never fire).
      const deadline = timeoutSignal(DIAL_TIMEOUT_MS, this.stopController.signal)
      try {
        await this.libp2p.dial(addresses, { signal: deadline.signal })
        peer.delay = BOOTSTRAP_BACKOFF_MIN_MS
      } catch (err) {
        peer.delay = Math.min(peer.delay * 2, BOOTSTRAP_BACKOFF_MAX_MS)
        log('peer %s unreachable at %s (next try in %d ms): %s', peer.peerId, addresses.join(' '), peer.delay, (err as Error).message)
      } finally {
        deadline.clear()
        peer.dialling = false
      }
    }))
  }

  /** A kept peer's addresses that the dial policy allows, with /p2p/: configured first, then announced. */
  private dialAddresses (peer: KeptPeer): Multiaddr[] {
    const transports = [...peer.configured.map(transportAddress), ...(this.known.get(peer.peerId)?.addrs ?? [])]
    return [...new Set(transports)].map((t) => multiaddr(`${t}/p2p/${peer.peerId}`)).filter((a) => this.policy.allows(a))
  }

  // ---- known peers -----------------------------------------------------------------------------

  knownPeers (): KnownPeer[] {
    return [...this.known.values()].map((p) => ({ ...p, addrs: [...p.addrs] })).sort((a, b) => b.seen - a.seen)
  }

  private knownPeerKey (peerId: string): Key {
    return new Key(`${KNOWN_PEER_KEY_PREFIX}/${peerId}`)
  }

  /** The peers known from the previous runs (datastore); those not seen for too long are forgotten. */
  private async loadKnownPeers (): Promise<void> {
    const helia = this.helia
    if (helia == null) return
    const oldest = Date.now() - KNOWN_PEER_MAX_AGE_MS
    const stale: Key[] = []
    for await (const { key, value } of helia.datastore.query({ prefix: KNOWN_PEER_KEY_PREFIX })) {
      const peerId = key.toString().slice(KNOWN_PEER_KEY_PREFIX.length + 1)
      const peer = decodeKnownPeer(peerId, value)
      if (peer == null || peer.seen < oldest || peerId === this.peerId) stale.push(key)
      else if (!this.known.has(peerId)) this.known.set(peerId, peer) // else it identified itself since the start: newer
    }
    for (const key of stale) { try { await helia.datastore.delete(key) } catch {} }
    for (const peer of [...this.known.values()].sort((a, b) => a.seen - b.seen).slice(0, Math.max(0, this.known.size - MAX_KNOWN_PEERS))) {
      await this.forgetPeer(peer.peerId)
    }
  }

  /**
   * Records a cofl peer (it speaks the sync protocol) that this node is connected to, with the
   * addresses it announces: those of its signed peer record (identify), else its listen addresses.
   * At most MAX_KNOWN_PEERS: the least recently seen peer that is neither connected nor a
   * bootstrap peer makes room; when there is none, the new peer is not recorded.
   */
  private async rememberPeer (result: IdentifyResult): Promise<void> {
    if (!this.started || !result.protocols.includes(SYNC_PROTOCOL)) return
    const peerId = result.peerId.toString()
    const announced = [...new Set((result.signedPeerRecord?.addresses ?? result.listenAddrs).map(transportAddress))]
    // Addresses this node may dial first: they are the ones kept when there are too many.
    const addrs = [...announced.filter((a) => this.policy.allows(multiaddr(a))), ...announced.filter((a) => !this.policy.allows(multiaddr(a)))].slice(0, MAX_KNOWN_PEER_ADDRS)
    const previous = this.known.get(peerId)
    if (previous == null && this.known.size >= MAX_KNOWN_PEERS) {
      const connected = new Set(this.libp2p.getConnections().map((c) => c.remotePeer.toString()))
      const evictable = [...this.known.values()].filter((p) => !connected.has(p.peerId) && (this.kept.get(p.peerId)?.configured.length ?? 0) === 0)
      const oldest = evictable.sort((a, b) => a.seen - b.seen)[0]
      if (oldest == null) return
      await this.forgetPeer(oldest.peerId)
    }
    const peer: KnownPeer = { peerId, addrs: addrs.length > 0 ? addrs : previous?.addrs ?? [], seen: Date.now() }
    // A peer hung up on (or gone) while this ran is not recorded again.
    if (!this.libp2p.getConnections().some((c) => c.remotePeer.toString() === peerId)) return
    this.known.set(peerId, peer)
    if (previous?.addrs.join(' ') !== peer.addrs.join(' ')) log('peer %s announces %s', peerId, peer.addrs.join(' '))
    await this.saveKnownPeer(peer)
  }

  /** A known peer was connected until now (disconnect, stop). */
  private touchPeer (peerId: string, save = true): void {
    const peer = this.known.get(peerId)
    if (peer == null) return
    peer.seen = Date.now()
    if (save) this.saveKnownPeer(peer).catch((err) => { log('cannot record peer %s: %s', peerId, (err as Error).message) })
  }

  private async saveKnownPeer (peer: KnownPeer): Promise<void> {
    const helia = this.helia
    if (helia == null || !this.started) return
    await helia.datastore.put(this.knownPeerKey(peer.peerId), encodeKnownPeer(peer))
  }

  private async saveKnownPeers (): Promise<void> {
    await Promise.allSettled([...this.known.values()].map(async (peer) => { await this.saveKnownPeer(peer) }))
  }

  /** Forgets a known peer (it is no longer dialled again, unless it is a bootstrap peer). */
  private async forgetPeer (peerId: string): Promise<void> {
    this.known.delete(peerId)
    if ((this.kept.get(peerId)?.configured.length ?? 0) === 0) this.kept.delete(peerId)
    try { await this.helia?.datastore.delete(this.knownPeerKey(peerId)) } catch {}
  }

  async dial (address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const ma = multiaddr(address)
    // The caller named it, as the operator names bootstrap peers: allowed whatever allowDial says.
    this.policy.allowAddress(ma)
    const deadline = timeoutSignal(DIAL_TIMEOUT_MS, this.stopController.signal, options.signal)
    try {
      await this.libp2p.dial(ma, { signal: deadline.signal })
    } finally {
      deadline.clear()
    }
  }

  async hangUp (peerId: string): Promise<void> {
    // Closed first, then forgotten: an identify answer still in flight then finds no connection
    // and records nothing (rememberPeer records only connected peers).
    const connections = this.libp2p.getConnections().filter((c) => c.remotePeer.toString() === peerId)
    await Promise.all(connections.map(async (c) => { await c.close() }))
    await this.forgetPeer(peerId)
  }

  peerScore (peerId: string): number {
    const pubsub = this.libp2p.services.pubsub as GossipSub & { getScore?: (peer: string) => number }
    const score = pubsub.getScore?.(peerId) ?? 0
    // gossipsub counts the sync penalty (P5) only for peers it has stats of: not for a peer that only syncs.
    const penalty = this.syncPenalty(peerId)
    return penalty < 0 ? Math.min(score, penalty) : score
  }

  validationStats (): QueueStats {
    return this.queue.stats()
  }

  /** Graylisted: below gossipsub's graylist threshold; nothing of it is validated, it is neither served nor synced with. */
  private graylisted (peerId: string): boolean {
    return this.started && this.peerScore(peerId) < SCORE_THRESHOLDS.graylistThreshold
  }

  /** The sync penalty of a peer (P5, <= 0): count² times SYNC_PENALTY_WEIGHT, the count decaying every second. */
  private syncPenalty (peerId: string): number {
    const entry = this.penalties.get(peerId)
    if (entry == null) return 0
    const now = Date.now()
    entry.count *= SYNC_PENALTY_DECAY ** ((now - entry.at) / 1000)
    entry.at = now
    // gossipsub's decayToZero: a small remainder is forgotten.
    if (entry.count < 0.1) { this.penalties.delete(peerId); return 0 }
    return entry.count * entry.count * SYNC_PENALTY_WEIGHT
  }

  /** Counts a refused sync document (SYNC_PENALTY_REFUSAL) or what no honest node serves (SYNC_PENALTY_FAULT) against a peer. */
  private penalise (peerId: string, reason: string, weight = SYNC_PENALTY_FAULT): void {
    this.syncPenalty(peerId)
    const entry = this.penalties.get(peerId) ?? { count: 0, at: Date.now() }
    entry.count += weight
    this.penalties.set(peerId, entry)
    logSync('penalised %s (%d): %s', peerId, Math.round(entry.count * 10) / 10, reason)
    if (this.graylisted(peerId)) this.dropPeer(peerId, 'graylisted')
  }

  /** Aborts the validations of a peer and refuses its waiting ones (it left, or it is graylisted). */
  private dropPeer (peerId: string, why: string): void {
    this.queue.drop(peerId, new Error(`peer ${peerId} ${why}`))
  }

  /** Drops the queued validations of peers that are graylisted now (gossipsub scores them after a Reject). */
  private checkPeers (): void {
    for (const peerId of this.queue.peerIds()) if (this.graylisted(peerId)) this.dropPeer(peerId, 'graylisted')
    this.quotaIn.sweep()
    this.quotaOut.sweep()
    for (const peerId of [...this.penalties.keys()]) this.syncPenalty(peerId)
  }

  // ---- validation and ingest -------------------------------------------------------------------

  private collection (kind: Kind): Collection<StoredDocument> {
    return kindCollection(this.config.store, kind)
  }

  /** The version held of `issuer`'s document with this id (documents are kept per (issuer, id): holdings.ts). */
  private async held (kind: Kind, id: string, issuer: string): Promise<HeldVersion | undefined> {
    const stored = await this.holdings.claim(kind, id, issuer)
    if (stored != null) return { issuer: stored.issuer, sequence: stored.sequence, cid: stored.cid }
    // Withdrawn by its issuer: that version and older ones count as held (refused from anyone, never fetched again).
    const withdrawn = await this.withdrawnVersion(kind, id, issuer)
    return withdrawn == null ? undefined : { issuer, sequence: withdrawn, cid: '', withdrawn: true }
  }

  /** The version of `issuer`'s document (kind, id) that a withdrawal held here withdraws (that one and older), if any. */
  private async withdrawnVersion (kind: Kind, id: string, issuer: string): Promise<number | undefined> {
    // Images are named by their hash and never withdrawn (the achievements that show them are).
    if (kind === 'withdrawal' || kind === 'status-list' || kind === 'image') return undefined
    const withdrawal = await this.holdings.claim('withdrawal', withdrawalId(issuer, kind, id), issuer)
    if (withdrawal == null) return undefined
    const target = withdrawalTarget(withdrawal.document, issuer)
    return target.ok ? target.target.sequence : undefined
  }

  /**
   * Why a checked withdrawal is not taken in (Ignore), or undefined when it is: a newer version of
   * the document is held (the issuer published again after withdrawing), or this node holds that
   * id only as other issuers' documents (a withdrawal concerns its issuer's document alone: a
   * withdrawal of another DID's document).
   */
  private async withdrawalRefusal (issuer: string, target: WithdrawalTarget): Promise<string | undefined> {
    const own = await this.holdings.claim(target.kind, target.id, issuer)
    if (own != null) return own.sequence > target.sequence ? `version ${own.sequence} of ${issuer}'s ${target.kind} ${target.id} is newer than the withdrawn ${target.sequence}` : undefined
    const collection = this.collection(target.kind)
    let other = (await collection.get(target.id))?.issuer
    if (other == null) for await (const stored of collection.values({ prefix: `${target.id}\u0000`, limit: 1 })) other = stored.issuer
    return other != null ? `this node holds ${target.kind} ${target.id} of ${other}, none of ${issuer}: a withdrawal by ${issuer} cannot withdraw another issuer's document` : undefined
  }

  /**
   * Removes `issuer`'s document (kind, id) at the withdrawn version or older (under the lock of its
   * kind and id): from the store (holdings), its pin, its block, its signed header. Also on start,
   * for every withdrawal held (a crash between storing a withdrawal and this leaves nothing behind).
   */
  private async applyWithdrawal (issuer: string, target: WithdrawalTarget): Promise<void> {
    await this.lock(`${target.kind}\u0000${target.id}`, async () => {
      const stored = await this.holdings.claim(target.kind, target.id, issuer)
      if (stored == null || stored.sequence > target.sequence) return
      await this.holdings.remove(target.kind, target.id, issuer)
      const helia = this.helia
      if (helia != null) {
        try {
          const cid = parseCid(stored.cid)
          try { for await (const _ of helia.pins.rm(cid)) { /* drain */ } } catch {}
          // Straight from the level blockstore: Helia's delete first cancels a reprovide, which
          // throws on a node without content routers (ours: no DHT). In memory (no directory), Helia's.
          if (this.blockstore != null) await this.blockstore.delete(cid as unknown as Parameters<LevelBlockstore['delete']>[0])
          else await helia.blockstore.delete(cid)
        } catch (err) {
          log('block %s of withdrawn %s %s not deleted: %s', stored.cid, target.kind, target.id, (err as Error).message)
        }
        try { await helia.datastore.delete(headerKey(target.kind, target.id, issuer)) } catch {}
        // Where a version before (issuer, id) keys kept the header: only when it is this issuer's.
        try {
          const legacy = decodeAnnouncement(await helia.datastore.get(headerKey(target.kind, target.id)))
          if (legacy.ok && legacy.announcement.issuer === issuer) await helia.datastore.delete(headerKey(target.kind, target.id))
        } catch {}
      }
      log('%s %s of %s version %d withdrawn by its issuer', target.kind, target.id, issuer, stored.sequence)
      this.events.dispatchEvent(new CustomEvent('withdrawn', { detail: stored }))
    })
  }

  async validateAnnouncement (bytes: Uint8Array, options: { topic?: string } = {}): Promise<HeaderVerdict> {
    return await validateHeader(bytes, {
      maxMessageBytes: this.config.maxMessageBytes, topicPrefix: TOPIC_PREFIX, held: async (k, id, issuer) => await this.held(k, id, issuer), ...options
    })
  }

  private async gossipValidator (topic: string, from: PeerId, message: Message): Promise<TopicValidatorResult> {
    let verdict: Verdict
    try {
      const result = await this.ingest(message.data, { topic, from: from.toString() })
      verdict = result.verdict
      logGossip('%s from %p on %s: %s', verdict, from, topic, result.reason)
    } catch (err) {
      logGossip('error validating a message from %p: %s', from, (err as Error).message)
      verdict = 'ignore'
    }
    // Explicit results: throwing counts as Ignore and returning nothing drops the message (docs/dependencies.md).
    return verdict === 'accept' ? TopicValidatorResult.Accept : verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
  }

  private async lock<T> (name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve()
    const run = previous.then(task, task)
    const tail = run.catch(() => {})
    this.locks.set(name, tail)
    try {
      return await run
    } finally {
      if (this.locks.get(name) === tail) this.locks.delete(name)
    }
  }

  /** The one path in for announcements, from gossip and from sync: header, block, document, store. */
  private async ingest (bytes: Uint8Array, options: IngestOptions = {}): Promise<IngestVerdict> {
    // Admitted under its peer before anything is checked (queue.ts): past the caps, or from a
    // graylisted peer, Ignore at once. A sync waits instead (this node paces it).
    const peer = options.from ?? ''
    if (options.from != null && this.graylisted(options.from)) return { verdict: 'ignore', reason: `peer ${options.from} is graylisted` }
    const ticket = this.queue.admit(peer, options.block != null)
    if (ticket == null) return { verdict: 'ignore', reason: `too many announcements waiting for validation (of peer ${peer}, or in all)` }
    try {
      const header = await this.validateAnnouncement(bytes, options.topic != null ? { topic: options.topic } : {})
      if (header.verdict !== 'accept' || header.announcement == null) return header
      const a = header.announcement
      // An untrusted issuer at its quota, or the untrusted issuers together at their cap: Ignore
      // before the block is fetched or the proof checked (holdings.ts). Nobody's fault: an honest peer may relay it.
      const full = await this.holdings.full(a.kind, a.id, a.issuer)
      if (full != null) return { verdict: 'ignore', reason: full, announcement: a }
      return await ticket.run(async (dropped) => {
        const block = options.block ?? await this.fetchBlock(a.cid, a.addrs, options.from, dropped)
        if (block == null) {
          // The peer left (or this node stops): nobody to blame; a genuine document comes back by sync.
          if (dropped.aborted || !this.started) return { verdict: 'ignore', reason: `block ${a.cid} not fetched: the peer left`, announcement: a }
          // The propagation source validated before relaying, so held the block: it relayed a document
          // that exists nowhere (a "ghost"). Reject: gossipsub counts it against that peer (P4).
          return { verdict: 'reject', reason: `block ${a.cid} not available within ${this.config.fetchTimeoutMs} ms`, announcement: a }
        }
        // The cost bound before anything decodes, hashes to RDF or checks a signature.
        const bounds = checkDocumentBounds(block)
        if (!bounds.ok) return { verdict: 'reject', reason: bounds.reason, announcement: a, fault: true }
        if (!(await blockMatches(a.cid, block))) return { verdict: 'reject', reason: `the block does not hash to ${a.cid}`, announcement: a, fault: true }
        const document = decodeDocument(block)
        if (document == null) return { verdict: 'reject', reason: 'the block is not a JSON object', announcement: a, fault: true }
        // The content rules first: they cost no cryptography, and a document they refuse is refused either way.
        const content = this.checkContent(a.kind, document)
        if (!content.ok && !content.threw) return { verdict: 'reject', reason: content.reason, announcement: a }
        if (dropped.aborted) return { verdict: 'ignore', reason: 'not checked: the peer left', announcement: a }
        const check = await checkDocument(a.kind, document, a)
        if (!check.ok) return { verdict: 'reject', reason: check.reason, announcement: a }
        // A validator that threw is our fault, not the sender's: Ignore (after the proof, so that a forgery is still Rejected).
        if (!content.ok) return { verdict: 'ignore', reason: content.reason, announcement: a }
        return await this.commit(a.kind, a.id, a.issuer, a.sequence, a.cid, bytes, block, document)
      })
    } catch (err) {
      // Dropped while waiting for a slot: the peer left or is graylisted.
      if (ticket.signal.aborted) return { verdict: 'ignore', reason: `not validated: ${(err as Error).message}` }
      throw err
    } finally {
      ticket.leave()
    }
  }

  /** The caller's content rules (FederationInit.validateContent), never throwing. */
  private checkContent (kind: Kind, document: Record<string, unknown>): { ok: true } | { ok: false, reason: string, threw: boolean } {
    const validate = this.config.validateContent
    if (validate == null) return { ok: true }
    let verdict: ContentVerdict
    try {
      verdict = validate(kind, document)
    } catch (err) {
      log.error('the content validator threw on a %s: %s', kind, (err as Error).message)
      return { ok: false, reason: `the content validator failed: ${(err as Error).message}`, threw: true }
    }
    if (verdict?.ok === true) return { ok: true }
    const reason = typeof verdict?.reason === 'string' && verdict.reason !== '' ? verdict.reason : 'refused by the content validator'
    return { ok: false, reason: `the ${kind}'s content is not valid: ${reason}`, threw: false }
  }

  /**
   * Stores a checked document unless a version as new is held meanwhile, or its issuer is not
   * trusted and over its quota or the untrusted issuers' cap (Ignore: holdings.ts): block, pin,
   * header, store (its slot among the other issuers' documents with the same id).
   */
  private async commit (
    kind: Kind, id: string, issuer: string, sequence: number, cidString: string, header: Uint8Array, block: Uint8Array, document: Record<string, unknown>
  ): Promise<HeaderVerdict> {
    return await this.lock(`${kind}\u0000${id}`, async () => {
      const held = await this.held(kind, id, issuer)
      if (held != null && held.sequence >= sequence) return { verdict: 'ignore', reason: `sequence ${sequence} is not newer than the held ${held.sequence}` }
      let withdrawal: WithdrawalTarget | undefined
      if (kind === 'withdrawal') {
        const target = withdrawalTarget(document, issuer)
        if (!target.ok) return { verdict: 'reject', reason: target.reason }
        const refusal = await this.withdrawalRefusal(issuer, target.target)
        if (refusal != null) return { verdict: 'ignore', reason: refusal }
        withdrawal = target.target
      }
      const stored: StoredDocument = { kind, id, issuer, sequence, cid: cidString, document, receivedAt: new Date().toISOString() }
      const admission = await this.holdings.admit(stored, block.byteLength)
      if (!admission.admitted) return { verdict: 'ignore', reason: admission.reason }
      const helia = this.helia
      try {
        if (helia == null) throw new NotStartedError()
        const cid = parseCid(cidString)
        await helia.blockstore.put(cid, block)
        if (!(await helia.pins.isPinned(cid))) for await (const _ of helia.pins.add(cid)) { /* drain */ }
        if (held != null && held.withdrawn !== true && held.cid !== cidString) {
          try { for await (const _ of helia.pins.rm(parseCid(held.cid))) { /* drain */ } } catch {}
        }
        await helia.datastore.put(headerKey(kind, id, issuer), header)
        await this.holdings.put(stored)
      } catch (err) {
        admission.release()
        throw err
      }
      this.events.dispatchEvent(new CustomEvent('document', { detail: stored }))
      // Stored first, then applied: a crash in between is completed on the next start (openHoldings).
      if (withdrawal != null) await this.applyWithdrawal(issuer, withdrawal)
      return { verdict: 'accept', reason: `stored ${kind} ${id} version ${sequence}` }
    })
  }

  private async localBlock (cid: HeliaCID): Promise<Uint8Array | undefined> {
    const helia = this.helia
    if (helia == null) return undefined
    try {
      if (!(await helia.blockstore.has(cid))) return undefined
      return await collect(helia.blockstore.get(cid, { offline: true }))
    } catch {
      return undefined
    }
  }

  /**
   * The block from this node; else straight from the peer that relayed the announcement (it
   * validated, so holds, the block: one round trip on an open connection); else bitswap from the
   * connected peers, dialling the publisher's addresses when that is slow. All within
   * `fetchTimeoutMs` (a timer that fires whatever the garbage collector does: signal.ts), or until
   * `signal` aborts (the peer left) or the node stops; undefined when it did not come.
   */
  private async fetchBlock (cidString: string, addrs: string[], from?: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const helia = this.helia
    if (helia == null) return undefined
    const cid = parseCid(cidString)
    const local = await this.localBlock(cid)
    if (local != null) return local
    const deadline = timeoutSignal(this.config.fetchTimeoutMs, this.stopController.signal, signal)
    let timer: ReturnType<typeof setTimeout> | undefined
    const started = Date.now()
    try {
      if (from != null) {
        try {
          const response = await this.request(from, { t: 'block', cid: cidString }, DIRECT_FETCH_TIMEOUT_MS, deadline.signal)
          const block = (response as { b?: unknown })?.b
          if (isBytes(block)) {
            logGossip('fetched block %s from %s in %d ms', cidString, from, Date.now() - started)
            return block
          }
        } catch (err) {
          logGossip('block %s not fetched from %s: %s', cidString, from, (err as Error).message)
        }
      }
      // Bitswap does not relay: when no connected peer has the block soon, dial its publisher.
      timer = setTimeout(() => { void this.dialAny(addrs, deadline.signal) }, DIAL_PUBLISHER_AFTER_MS)
      const block = await collect(helia.blockstore.get(cid, { signal: deadline.signal }))
      logGossip('fetched block %s in %d ms', cidString, Date.now() - started)
      return block
    } catch (err) {
      logGossip('block %s not fetched: %s', cidString, (err as Error).message)
      return undefined
    } finally {
      clearTimeout(timer)
      deadline.clear()
    }
  }

  private async dialAny (addrs: string[], signal: AbortSignal): Promise<void> {
    const self = this.started ? this.peerId : ''
    for (const address of addrs.slice(0, MAX_ANNOUNCEMENT_ADDRS)) {
      try {
        const ma = multiaddr(address)
        const peer = peerIdOf(ma)
        if (peer == null || peer === self) continue
        // The announcement names them, not the operator: the dial policy decides (the gater would refuse too).
        if (!this.policy.allows(ma)) { logGossip('not dialling publisher at %s: not an address this node dials (allowDial)', address); continue }
        await this.libp2p.dial(ma, { signal })
        return
      } catch (err) {
        logGossip('cannot dial publisher at %s: %s', address, (err as Error).message)
      }
    }
  }

  // ---- publishing ------------------------------------------------------------------------------

  async publish (kind: Kind, document: Record<string, unknown>): Promise<{ cid: string, sequence: number }> {
    if (!(KINDS as readonly string[]).includes(kind)) throw new TypeError(`kind must be one of ${KINDS.join(', ')}`)
    if (document == null || typeof document !== 'object' || Array.isArray(document)) throw new TypeError('document must be an object')
    if (!this.started) throw new NotStartedError()
    const facts = documentFacts(kind, document)
    if (!facts.ok) throw new PublishError(`not a ${kind}: ${facts.reason}`)
    if (facts.issuer !== this.did) throw new PublishError(`the ${kind}'s issuer is ${facts.issuer}, not this node's ${this.did}`)
    // What every other node will check on arrival, checked before anything is stored or sent.
    const content = this.checkContent(kind, document)
    if (!content.ok) throw new PublishError(content.threw ? content.reason : `the ${kind} cannot be published: ${content.reason}`)
    const { cid, bytes: block } = await documentBlock(document)
    if (block.byteLength > DEFAULT_MAX_DOCUMENT_BYTES) throw new PublishError(`the ${kind} has ${block.byteLength} bytes, more than ${DEFAULT_MAX_DOCUMENT_BYTES}`)
    // Every node refuses a document past the cost bound unread: never announce one.
    const bounds = checkDocumentBounds(block)
    if (!bounds.ok) throw new PublishError(`the ${kind} cannot be published: ${bounds.reason}`)
    // Another issuer's document with this id does not matter (documents are kept per (issuer, id)); an id that names another DID does.
    const owner = idOwner(facts.id)
    if (owner != null && owner !== this.did) throw new PublishError(`the id ${facts.id} is ${owner}'s: this node (${this.did}) may not use it`)
    const held = await this.held(kind, facts.id, this.did)
    let sequence: number
    if (facts.sequence != null) {
      sequence = facts.sequence
      if (held != null && held.sequence > sequence) throw new PublishError(`status list ${facts.id} version ${sequence} is older than the held version ${held.sequence}`)
      if (held != null && held.sequence === sequence && held.cid !== cid.toString()) throw new PublishError(`status list ${facts.id} version ${sequence} is held with other content`)
    } else {
      sequence = held == null ? 1 : held.cid === cid.toString() ? held.sequence : held.sequence + 1
    }
    const check = await checkDocument(kind, document, { id: facts.id, issuer: this.did, sequence })
    if (!check.ok) throw new PublishError(`the ${kind} cannot be published: ${check.reason}`)
    const announcement = await signAnnouncement({
      v: ANNOUNCEMENT_VERSION, kind, issuer: this.did, id: facts.id, cid: cid.toString(), sequence, addrs: this.announced().slice(0, MAX_ANNOUNCEMENT_ADDRS)
    }, this.config.key)
    const header = encodeAnnouncement(announcement)
    // The same limit on every node, enforced before anything is published.
    if (header.byteLength > this.config.maxMessageBytes) throw new MessageTooLargeError(header.byteLength, this.config.maxMessageBytes)
    if (held == null || held.sequence < sequence) {
      const committed = await this.commit(kind, facts.id, this.did, sequence, cid.toString(), header, block, document)
      // A withdrawal of nothing this node may withdraw is not sent (every node would ignore it).
      if (kind === 'withdrawal' && committed.verdict !== 'accept') throw new PublishError(`the withdrawal cannot be published: ${committed.reason}`)
    }
    try {
      const result = await this.libp2p.services.pubsub.publish(topicOf(kind, TOPIC_PREFIX), header)
      logGossip('published %s %s version %d to %d peers', kind, facts.id, sequence, result.recipients.length)
    } catch (err) {
      // No peers yet (or a duplicate): the document is stored; sync delivers it.
      logGossip('publish of %s %s not sent now: %s', kind, facts.id, (err as Error).message)
    }
    return { cid: cid.toString(), sequence }
  }

  // ---- status lists and trust ------------------------------------------------------------------

  async getStatusList (id: string): Promise<Record<string, unknown> | undefined> {
    if (typeof id !== 'string') throw new TypeError('id must be a string')
    const held = await kindCollection(this.config.store, 'status-list').get(id)
    if (held != null) return held.document
    if (!this.started) return undefined
    const peers = this.libp2p.getPeers().slice(0, 8).map((p) => p.toString())
    await Promise.allSettled(peers.map(async (peer) => { await this.getBatch(peer, [[KINDS.indexOf('status-list'), id]], this.emptySummary()) }))
    return (await kindCollection(this.config.store, 'status-list').get(id))?.document
  }

  async trust (issuer: string): Promise<TrustResult> {
    if (typeof issuer !== 'string') throw new TypeError('issuer must be a DID')
    return await evaluateTrust(this.config.store, this.config.trustRoots, issuer, this.config.maxTrustHops)
  }

  async trustedIssuers (): Promise<ReadonlySet<string>> {
    return await this.holdings.trustedIssuers()
  }

  async untrustedUsage (): Promise<{ documents: number, bytes: number }> {
    return await this.holdings.untrustedUsage()
  }

  /** On start, before any document comes in: holdings.ts's clean-up of what no node accepts now. Never fails the start. */
  private async openHoldings (): Promise<void> {
    let removed: StoredDocument[]
    try {
      removed = await this.holdings.open()
    } catch (err) {
      log.error('cannot check the documents held: %s', (err as Error).message)
      return
    }
    const helia = this.helia
    for (const stored of removed) {
      try { for await (const _ of helia?.pins.rm(parseCid(stored.cid)) ?? []) { /* drain */ } } catch {}
      for (const key of [headerKey(stored.kind, stored.id, stored.issuer), headerKey(stored.kind, stored.id)]) {
        try { await helia?.datastore.delete(key) } catch {}
      }
    }
    // Every withdrawal held is applied (again): what a crash after storing one left is removed now.
    try {
      for await (const withdrawal of this.collection('withdrawal').values()) {
        const target = withdrawalTarget(withdrawal.document, withdrawal.issuer)
        if (target.ok) await this.applyWithdrawal(withdrawal.issuer, target.target)
      }
    } catch (err) {
      log.error('cannot apply the withdrawals held: %s', (err as Error).message)
    }
  }

  // ---- anti-entropy sync -----------------------------------------------------------------------

  private emptySummary (): SyncSummary {
    return { peers: 0, heads: 0, requested: 0, accepted: 0, rejected: 0, ignored: 0, errors: [] }
  }

  async syncNow (options: { peerId?: string } = {}): Promise<SyncSummary> {
    const total = this.emptySummary()
    if (!this.started) return total
    const peers = options.peerId != null ? [options.peerId] : this.libp2p.getPeers().map((p) => p.toString())
    const results = await Promise.allSettled(peers.map(async (peer) => await this.syncWith(peer)))
    for (const r of results) {
      if (r.status === 'rejected') { total.errors.push((r.reason as Error).message); continue }
      total.peers++
      total.heads += r.value.heads
      total.requested += r.value.requested
      total.accepted += r.value.accepted
      total.rejected += r.value.rejected
      total.ignored += r.value.ignored
      total.errors.push(...r.value.errors)
    }
    return total
  }

  /** One sync round with a peer; concurrent calls for the same peer share the round. */
  private async syncWith (peer: string): Promise<SyncSummary> {
    const running = this.syncing.get(peer)
    if (running != null) return await running
    const round = this.runSync(peer).finally(() => { this.syncing.delete(peer) })
    this.syncing.set(peer, round)
    return await round
  }

  private async runSync (peer: string): Promise<SyncSummary> {
    const summary = this.emptySummary()
    summary.peers = 1
    // A graylisted peer is not synced with (its documents would be refused unread anyway).
    if (this.graylisted(peer)) throw new Error(`peer ${peer} is graylisted`)
    let after: [number, string] | undefined
    const want: Array<[number, string]> = []
    for (let page = 0; page < MAX_SYNC_PAGES && this.started; page++) {
      const response = await this.request(peer, after == null ? { t: 'heads', limit: SYNC_HEADS_PAGE } : { t: 'heads', after, limit: SYNC_HEADS_PAGE })
      const parsed = parseHeads(response)
      if (parsed == null) {
        this.penalise(peer, 'malformed heads')
        throw new Error(`peer ${peer} sent malformed heads`)
      }
      summary.heads += parsed.heads.length
      for (const head of parsed.heads) {
        // Refused lately (by its CID): the same bytes would be refused again.
        if (this.wasRefused(head.cid)) continue
        // A head names a document by the peer's store key: its id, or its id and issuer (claims.ts).
        const held = await this.held(head.kind, idOfKey(head.id), head.issuer)
        if (held == null || held.sequence < head.sequence) want.push([KINDS.indexOf(head.kind), head.id])
      }
      while (want.length >= SYNC_GET_BATCH) await this.getBatch(peer, want.splice(0, SYNC_GET_BATCH), summary)
      if (parsed.next == null) break
      after = parsed.next
    }
    while (want.length > 0) await this.getBatch(peer, want.splice(0, SYNC_GET_BATCH), summary)
    if (summary.requested > 0) logSync('sync with %s: %d heads, %d requested, %d accepted, %d rejected, %d ignored', peer, summary.heads, summary.requested, summary.accepted, summary.rejected, summary.ignored)
    return summary
  }

  /**
   * Fetches documents from a peer and takes them in as gossip would. Within the peer's quota
   * (documents and bytes per window: past it, the round stops and the next one goes on); every
   * document refused counts against the peer (its score, P5), and the batch stops as soon as
   * the peer is graylisted or gone.
   */
  private async getBatch (peer: string, want: Array<[number, string]>, summary: SyncSummary): Promise<void> {
    if (!this.quotaIn.allows(peer, want.length)) {
      const used = this.quotaIn.used(peer)
      throw new Error(`sync quota of peer ${peer} used up (${used.documents} documents, ${used.bytes} bytes this minute): the next round goes on`)
    }
    summary.requested += want.length
    const response = await this.request(peer, { t: 'get', want })
    const docs = (response as { docs?: unknown })?.docs
    if (!Array.isArray(docs) || docs.length > want.length) {
      this.penalise(peer, 'malformed get response')
      throw new Error(`peer ${peer} sent a malformed get response`)
    }
    for (const entry of docs) {
      if (!this.started || this.graylisted(peer) || !this.connectedTo(peer)) {
        summary.errors.push(`sync with ${peer} stopped: the peer is ${this.started && this.connectedTo(peer) ? 'graylisted' : 'gone'}`)
        return
      }
      this.quotaIn.count(peer, 1, 0)
      const a = (entry as { a?: unknown })?.a
      const b = (entry as { b?: unknown })?.b
      if (!isBytes(a) || !isBytes(b)) { summary.rejected++; this.penalise(peer, 'a get response entry without header or block'); continue }
      // Exactly as gossip: the header (signature, size, sequence), then the block's bounds, the document's proof.
      const result = await this.ingest(a, { block: b, from: peer })
      if (result.verdict === 'accept') summary.accepted++
      else if (result.verdict === 'reject') {
        summary.rejected++
        this.penalise(peer, result.reason, result.fault === true ? SYNC_PENALTY_FAULT : SYNC_PENALTY_REFUSAL)
        if (result.announcement != null) this.refuse(result.announcement.cid)
      } else summary.ignored++
    }
  }

  /** Remembers a refused document's CID (REFUSED_TTL_MS, at most REFUSED_CACHE_SIZE). */
  private refuse (cid: string): void {
    this.refused.delete(cid)
    this.refused.set(cid, Date.now() + REFUSED_TTL_MS)
    for (const oldest of this.refused.keys()) {
      if (this.refused.size <= REFUSED_CACHE_SIZE) break
      this.refused.delete(oldest)
    }
  }

  /** A document refused lately: not asked for again. */
  private wasRefused (cid: string): boolean {
    const until = this.refused.get(cid)
    if (until == null) return false
    if (until > Date.now()) return true
    this.refused.delete(cid)
    return false
  }

  private connectedTo (peer: string): boolean {
    return this.libp2p.getConnections().some((c) => c.remotePeer.toString() === peer)
  }

  /** One request, one response; within `timeoutMs`, or until `signal` aborts or the node stops. */
  private async request (peer: string, message: SyncRequest, timeoutMs = SYNC_REQUEST_TIMEOUT_MS, signal?: AbortSignal): Promise<unknown> {
    const deadline = timeoutSignal(timeoutMs, this.stopController.signal, signal)
    let stream: Stream | undefined
    try {
      const connection = this.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer)
      if (connection == null) throw new Error(`not connected to ${peer}`)
      stream = await connection.newStream(SYNC_PROTOCOL, { signal: deadline.signal })
      const reading = readFrame(stream, MAX_SYNC_MESSAGE_BYTES)
      reading.catch(() => {}) // awaited below; a failed write must not leave it unhandled
      await writeFrame(stream, message, { signal: deadline.signal })
      await stream.close({ signal: deadline.signal })
      const frame = await raceSignal(reading, deadline.signal)
      if (frame == null) throw new Error(`peer ${peer} closed the sync stream without answering`)
      this.quotaIn.count(peer, 0, frame.byteLength)
      return decodeFrame(frame)
    } catch (err) {
      stream?.abort(err as Error)
      throw err
    } finally {
      deadline.clear()
    }
  }

  /**
   * Answers one sync request: not to a graylisted peer, at most MAX_SYNC_STREAMS_PER_PEER of a
   * peer's at once (beyond, its streams are reset), documents and bytes within its quota.
   */
  private async serveSync (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const serving = this.serving.get(peer) ?? 0
    if (serving >= MAX_SYNC_STREAMS_PER_PEER || this.graylisted(peer)) {
      logSync('sync request from %s refused: %s', peer, serving >= MAX_SYNC_STREAMS_PER_PEER ? `${serving} of its requests under way` : 'graylisted')
      stream.abort(new Error('sync request refused'))
      return
    }
    this.serving.set(peer, serving + 1)
    const deadline = timeoutSignal(SYNC_REQUEST_TIMEOUT_MS, this.stopController.signal)
    try {
      const frame = await raceSignal(readFrame(stream, 64 * 1024), deadline.signal)
      const request = frame == null ? undefined : parseRequest(decodeFrame(frame))
      const response = request == null
        ? { error: 'malformed request' }
        : request.t === 'heads' ? await this.answerHeads(request) : request.t === 'get' ? await this.answerGet(request, peer) : await this.answerBlock(request.cid)
      await writeFrame(stream, response, { signal: deadline.signal })
      await stream.close({ signal: deadline.signal })
    } catch (err) {
      logSync('sync request from %p failed: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    } finally {
      deadline.clear()
      const left = (this.serving.get(peer) ?? 1) - 1
      if (left > 0) this.serving.set(peer, left)
      else this.serving.delete(peer)
    }
  }

  /** A page of heads: (kind, id, issuer, sequence, cid) in key order, issuers listed once per page. */
  private async answerHeads (request: { after?: [number, string], limit: number }): Promise<unknown> {
    const limit = Math.min(request.limit, SYNC_HEADS_PAGE)
    const issuers: string[] = []
    const issuerIndex = new Map<string, number>()
    const heads: Array<[number, string, number, number, string]> = []
    let [k, afterKey] = request.after ?? [0, undefined]
    let next: [number, string] | undefined
    while (k < KINDS.length) {
      const kind = KINDS[k] as Kind
      let last: string | undefined
      let count = 0
      const room = limit - heads.length
      for await (const [key, doc] of this.collection(kind).entries({ ...(afterKey != null ? { gte: afterKey + '\u0000' } : {}), limit: room })) {
        let i = issuerIndex.get(doc.issuer)
        if (i == null) { i = issuers.length; issuers.push(doc.issuer); issuerIndex.set(doc.issuer, i) }
        heads.push([k, key, i, doc.sequence, doc.cid])
        last = key
        count++
      }
      if (count === room && last != null) { next = [k, last]; break }
      k++
      afterKey = undefined
    }
    return next == null ? { issuers, heads } : { issuers, heads, next }
  }

  private async answerGet (request: { want: Array<[number, string]> }, peer: string): Promise<unknown> {
    const docs: Array<{ a: Uint8Array, b: Uint8Array }> = []
    let bytes = 0
    for (const [k, id] of request.want) {
      // The peer's quota of this window: fewer documents now, the rest in a later round.
      if (!this.quotaOut.allows(peer)) break
      const kind = KINDS[k] as Kind
      const stored = await this.holdings.bySlot(kind, id)
      if (stored == null) continue
      const header = await this.headerFor(stored)
      const block = header == null ? undefined : await this.localBlock(parseCid(stored.cid))
      if (header == null || block == null) continue
      if (docs.length > 0 && bytes + header.byteLength + block.byteLength > MAX_SYNC_MESSAGE_BYTES / 2) break
      bytes += header.byteLength + block.byteLength
      this.quotaOut.count(peer, 1, header.byteLength + block.byteLength)
      docs.push({ a: header, b: block })
    }
    return { docs }
  }

  /** One block this node holds (public documents only live in its blockstore). */
  private async answerBlock (cid: string): Promise<unknown> {
    let block: Uint8Array | undefined
    try { block = await this.localBlock(parseCid(cid)) } catch {}
    return block != null && block.byteLength <= DEFAULT_MAX_DOCUMENT_BYTES ? { b: block } : {}
  }

  /** The signed header of a stored document; for this node's own documents without one, signed now. */
  private async headerFor (stored: StoredDocument): Promise<Uint8Array | undefined> {
    const helia = this.helia
    if (helia == null) return undefined
    const key = headerKey(stored.kind, stored.id, stored.issuer)
    for (const at of [key, headerKey(stored.kind, stored.id)]) {
      try {
        const bytes = await helia.datastore.get(at)
        const decoded = decodeAnnouncement(bytes)
        if (decoded.ok && decoded.announcement.issuer === stored.issuer &&
          decoded.announcement.cid === stored.cid && decoded.announcement.sequence === stored.sequence) return bytes
      } catch {}
    }
    if (stored.issuer !== this.did) return undefined
    const header = encodeAnnouncement(await signAnnouncement({
      v: ANNOUNCEMENT_VERSION, kind: stored.kind, issuer: this.did, id: stored.id, cid: stored.cid, sequence: stored.sequence,
      addrs: this.announced().slice(0, MAX_ANNOUNCEMENT_ADDRS)
    }, this.config.key))
    await helia.datastore.put(key, header)
    return header
  }
}

function parseRequest (value: unknown): SyncRequest | undefined {
  if (value == null || typeof value !== 'object') return undefined
  const r = value as Record<string, unknown>
  const isRef = (x: unknown): x is [number, string] => Array.isArray(x) && x.length === 2 && Number.isInteger(x[0]) && (x[0] as number) >= 0 && (x[0] as number) < KINDS.length && typeof x[1] === 'string' && x[1].length <= 2048
  if (r.t === 'heads') {
    const limit = typeof r.limit === 'number' && Number.isInteger(r.limit) && r.limit > 0 ? r.limit : SYNC_HEADS_PAGE
    if (r.after != null && !isRef(r.after)) return undefined
    return r.after != null ? { t: 'heads', after: r.after as [number, string], limit } : { t: 'heads', limit }
  }
  if (r.t === 'block') {
    return typeof r.cid === 'string' && r.cid.length <= 256 ? { t: 'block', cid: r.cid } : undefined
  }
  if (r.t === 'get') {
    if (!Array.isArray(r.want) || r.want.length > SYNC_GET_BATCH || !r.want.every(isRef)) return undefined
    return { t: 'get', want: r.want as Array<[number, string]> }
  }
  return undefined
}

interface Head { kind: Kind, id: string, issuer: string, sequence: number, cid: string }

function parseHeads (value: unknown): { heads: Head[], next?: [number, string] } | undefined {
  if (value == null || typeof value !== 'object') return undefined
  const { issuers, heads, next } = value as Record<string, unknown>
  if (!Array.isArray(issuers) || !issuers.every((i) => typeof i === 'string') || !Array.isArray(heads) || heads.length > SYNC_HEADS_PAGE) return undefined
  const out: Head[] = []
  for (const h of heads) {
    if (!Array.isArray(h) || h.length !== 5) return undefined
    const [k, id, i, sequence, cid] = h as unknown[]
    const kind = typeof k === 'number' ? KINDS[k] : undefined
    const issuer = typeof i === 'number' ? issuers[i] as string | undefined : undefined
    if (kind == null || typeof id !== 'string' || issuer == null || typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || typeof cid !== 'string') return undefined
    out.push({ kind, id, issuer, sequence, cid })
  }
  if (next != null) {
    if (!Array.isArray(next) || next.length !== 2 || typeof next[0] !== 'number' || typeof next[1] !== 'string') return undefined
    return { heads: out, next: next as [number, string] }
  }
  return { heads: out }
}

/** Creates a federation node from a validated config; starts it unless `start: false`. */
export async function createFederation (init: FederationInit): Promise<Federation> {
  const node = new FederationNode(configure(init))
  if (init.start !== false) await node.start()
  return node
}
