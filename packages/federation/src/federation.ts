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
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { KeyPair } from '@cofl/identity'
import type { Collection, Store, StoredDocument } from '@cofl/store'
import { decodeAnnouncement, encodeAnnouncement, signAnnouncement, topicOf } from './announcement.js'
import {
  ANNOUNCEMENT_KEY_PREFIX, ANNOUNCEMENT_VERSION, BOOTSTRAP_BACKOFF_MAX_MS, BOOTSTRAP_BACKOFF_MIN_MS, BOOTSTRAP_CHECK_MS,
  DEFAULT_FETCH_TIMEOUT_MS, DIRECT_FETCH_TIMEOUT_MS, IP_COLOCATION_WHITELIST, DEFAULT_INBOUND_CONNECTION_THRESHOLD, DEFAULT_LISTEN, DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SYNC_INTERVAL_MS, DIAL_PUBLISHER_AFTER_MS, KIND_COLLECTIONS, KINDS, MAX_ANNOUNCEMENT_ADDRS,
  MAX_CONCURRENT_VALIDATIONS, MAX_SYNC_MESSAGE_BYTES, MAX_SYNC_PAGES, MAX_TRUST_HOPS, SCORE_THRESHOLDS, SYNC_GET_BATCH,
  SYNC_HEADS_PAGE, SYNC_PROTOCOL, SYNC_REQUEST_TIMEOUT_MS, TOPIC_PREFIX, TOPIC_SCORE
} from './constants.js'
import type { Kind } from './constants.js'
import { blockMatches, checkDocument, decodeDocument, documentBlock, documentFacts } from './documents.js'
import { FederationConfigError, MessageTooLargeError, NotStartedError, PublishError } from './errors.js'
import { decodeFrame, readFrame, writeFrame } from './stream.js'
import { evaluateTrust } from './trust.js'
import type { TrustResult } from './trust.js'
import { validateHeader } from './validate.js'
import type { HeaderVerdict, HeldVersion, Verdict } from './validate.js'

const log = logger('cofl:federation')
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
  /** Multiaddrs with /p2p/<peerId> to dial on start and to stay connected to. */
  bootstrap?: string[]
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
  multiaddrs(): string[]
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
  /** Runs anti-entropy sync with every connected peer now (or with `peerId`). */
  syncNow(options?: { peerId?: string }): Promise<SyncSummary>
  /** Dials a multiaddr (with /p2p/). */
  dial(address: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Closes every connection to a peer. */
  hangUp(peerId: string): Promise<void>
  /** This node's gossipsub score of a peer (negative: misbehaving). */
  peerScore(peerId: string): number
  /** Validates an announcement as gossip does, without relaying it (tests, tools). */
  validateAnnouncement(bytes: Uint8Array, options?: { topic?: string }): Promise<HeaderVerdict>
  addEventListener(type: 'document', listener: (event: CustomEvent<StoredDocument>) => void): void
  removeEventListener(type: 'document', listener: (event: CustomEvent<StoredDocument>) => void): void
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
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
  bootstrap: Multiaddr[]
  trustRoots: Set<string>
  syncIntervalMs: number
  maxMessageBytes: number
  fetchTimeoutMs: number
  maxTrustHops: number
  validateContent: ContentValidator | undefined
}

interface IngestOptions {
  topic?: string
  /** The peer that relayed the announcement: it holds the block (it validated before relaying). */
  from?: string
  /** The block, when it came with the announcement (sync). */
  block?: Uint8Array
}

interface BootstrapPeer { address: Multiaddr, peerId: string, delay: number, nextAt: number }

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
  if (store == null || KINDS.some((k) => typeof (store as unknown as Record<string, unknown>)[COLLECTIONS[k]] !== 'object')) {
    fail('store', typeof store, 'a @cofl/store Store')
  }
  if (init.directory != null && (typeof init.directory !== 'string' || init.directory.length === 0)) fail('directory', init.directory, 'a directory path')
  const listen = stringList('listen', init.listen, DEFAULT_LISTEN)
  for (const address of listen) {
    try { multiaddr(address) } catch { fail('listen', address, 'multiaddrs such as /ip4/127.0.0.1/tcp/0') }
  }
  const bootstrap = stringList('bootstrap', init.bootstrap, []).map((address) => {
    let ma: Multiaddr
    try { ma = multiaddr(address) } catch { fail('bootstrap', address, 'multiaddrs with /p2p/<peerId>') }
    if (peerIdOf(ma) == null) fail('bootstrap', address, 'multiaddrs with /p2p/<peerId>')
    return ma
  })
  const roots = stringList('trustRoots', init.trustRoots, [])
  for (const did of roots) if (!did.startsWith('did:')) fail('trustRoots', did, 'DIDs')
  if (init.validateContent != null && typeof init.validateContent !== 'function') fail('validateContent', typeof init.validateContent, 'a function (kind, document) => { ok, reason }')
  return {
    key,
    store,
    directory: init.directory,
    listen,
    bootstrap,
    trustRoots: new Set([key.did, ...roots]),
    syncIntervalMs: positiveInteger('syncIntervalMs', init.syncIntervalMs, DEFAULT_SYNC_INTERVAL_MS, 0, 24 * 3600 * 1000),
    maxMessageBytes: positiveInteger('maxMessageBytes', init.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 1024, 1024 * 1024),
    fetchTimeoutMs: positiveInteger('fetchTimeoutMs', init.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS, 10, 600_000),
    maxTrustHops: positiveInteger('maxTrustHops', init.maxTrustHops, MAX_TRUST_HOPS, 1, 10),
    validateContent: init.validateContent
  }
}

const COLLECTIONS = KIND_COLLECTIONS satisfies Record<Kind, keyof Store>

function peerIdOf (ma: Multiaddr): string | undefined {
  return ma.getComponents().findLast((c) => c.name === 'p2p')?.value
}

function headerKey (kind: Kind, id: string): Key {
  return new Key(`${ANNOUNCEMENT_KEY_PREFIX}/${kind}/${Buffer.from(id).toString('base64url')}`)
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
  private started = false
  private stopController = new AbortController()
  private timers: Array<ReturnType<typeof setInterval>> = []
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly syncing = new Map<string, Promise<SyncSummary>>()
  private bootstrapPeers: BootstrapPeer[] = []
  private validations = 0
  private readonly waiting: Array<() => void> = []

  constructor (config: Config) {
    this.config = config
    this.did = config.key.did
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
    return this.started ? this.libp2p.getMultiaddrs().map((ma) => ma.toString()) : []
  }

  peers (): string[] {
    return this.started ? this.libp2p.getPeers().map((p) => p.toString()) : []
  }

  addEventListener (type: 'document', listener: (event: CustomEvent<StoredDocument>) => void): void {
    this.events.addEventListener(type, listener as (event: Event) => void)
  }

  removeEventListener (type: 'document', listener: (event: CustomEvent<StoredDocument>) => void): void {
    this.events.removeEventListener(type, listener as (event: Event) => void)
  }

  async start (): Promise<void> {
    if (this.started) return
    const { directory } = this.config
    this.stopController = new AbortController()
    // Every request and fetch listens to it (through AbortSignal.any).
    setMaxListeners(Infinity, this.stopController.signal)
    let blockstore: LevelBlockstore | undefined
    let datastore: LevelDatastore | undefined
    if (directory != null) {
      await mkdir(directory, { recursive: true })
      blockstore = new LevelBlockstore(join(directory, 'blocks'))
      datastore = new LevelDatastore(join(directory, 'datastore'))
      // Helia neither opens nor closes level stores (STACK.md): open before start, close after stop.
      await blockstore.open()
      await datastore.open()
      this.levelStores = [blockstore, datastore]
    }
    const topics = KINDS.map((k) => topicOf(k, TOPIC_PREFIX))
    const helia = withBitswap(withLibp2pLight(createHeliaLight({
      ...(blockstore != null ? { blockstore } : {}),
      ...(datastore != null ? { datastore } : {}),
      codecs: [dagJsonCodec]
    }), {
      // The peer key: withLibp2pLight loads it from the datastore (or creates and saves it there),
      // so it is stable across restarts when the datastore is on disk.
      addresses: { listen: this.config.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { inboundConnectionThreshold: DEFAULT_INBOUND_CONNECTION_THRESHOLD },
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
            IPColocationFactorWhitelist: new Set(IP_COLOCATION_WHITELIST)
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
    const pubsub = libp2p.services.pubsub
    for (const topic of topics) {
      pubsub.topicValidators.set(topic, async (from: PeerId, message: Message) => await this.gossipValidator(topic, from, message))
      pubsub.subscribe(topic)
    }
    await libp2p.handle(SYNC_PROTOCOL, async (stream: Stream, connection: Connection) => { await this.serveSync(stream, connection) }, { maxInboundStreams: 16, maxOutboundStreams: 16 })
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
    this.bootstrapPeers = this.config.bootstrap.map((address) => ({ address, peerId: peerIdOf(address) as string, delay: BOOTSTRAP_BACKOFF_MIN_MS, nextAt: 0 }))
    if (this.bootstrapPeers.length > 0) {
      await this.maintainBootstrap()
      const timer = setInterval(() => { void this.maintainBootstrap() }, BOOTSTRAP_CHECK_MS)
      timer.unref?.()
      this.timers.push(timer)
    }
    log('started %s as %s on %s', this.did, this.peerId, this.multiaddrs().join(', '))
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    this.stopController.abort(new NotStartedError('the federation node stopped'))
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
    for (const s of stores) await s.close().catch(() => {})
  }

  /** Connected to each bootstrap peer, or dial it again after a doubling delay. */
  private async maintainBootstrap (): Promise<void> {
    if (!this.started) return
    const connected = new Set(this.libp2p.getConnections().map((c) => c.remotePeer.toString()))
    const now = Date.now()
    await Promise.allSettled(this.bootstrapPeers.map(async (peer) => {
      if (connected.has(peer.peerId)) { peer.delay = BOOTSTRAP_BACKOFF_MIN_MS; return }
      if (now < peer.nextAt) return
      peer.nextAt = now + peer.delay
      try {
        await this.libp2p.dial(peer.address, { signal: AbortSignal.any([this.stopController.signal, AbortSignal.timeout(10_000)]) })
        peer.delay = BOOTSTRAP_BACKOFF_MIN_MS
      } catch (err) {
        peer.delay = Math.min(peer.delay * 2, BOOTSTRAP_BACKOFF_MAX_MS)
        log('bootstrap peer %s unreachable (next try in %d ms): %s', peer.address.toString(), peer.delay, (err as Error).message)
      }
    }))
  }

  async dial (address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.libp2p.dial(multiaddr(address), options)
  }

  async hangUp (peerId: string): Promise<void> {
    const connections = this.libp2p.getConnections().filter((c) => c.remotePeer.toString() === peerId)
    await Promise.all(connections.map(async (c) => { await c.close() }))
  }

  peerScore (peerId: string): number {
    const pubsub = this.libp2p.services.pubsub as GossipSub & { getScore?: (peer: string) => number }
    return pubsub.getScore?.(peerId) ?? 0
  }

  // ---- validation and ingest -------------------------------------------------------------------

  private collection (kind: Kind): Collection<StoredDocument> {
    return this.config.store[COLLECTIONS[kind]]
  }

  private async held (kind: Kind, id: string): Promise<HeldVersion | undefined> {
    const stored = await this.collection(kind).get(id)
    return stored == null ? undefined : { issuer: stored.issuer, sequence: stored.sequence, cid: stored.cid }
  }

  async validateAnnouncement (bytes: Uint8Array, options: { topic?: string } = {}): Promise<HeaderVerdict> {
    return await validateHeader(bytes, { maxMessageBytes: this.config.maxMessageBytes, topicPrefix: TOPIC_PREFIX, held: async (k, id) => await this.held(k, id), ...options })
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
    // Explicit results: throwing counts as Ignore and returning nothing drops the message (STACK.md).
    return verdict === 'accept' ? TopicValidatorResult.Accept : verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
  }

  private async limit<T> (task: () => Promise<T>): Promise<T> {
    while (this.validations >= MAX_CONCURRENT_VALIDATIONS) await new Promise<void>((resolve) => { this.waiting.push(resolve) })
    this.validations++
    try {
      return await task()
    } finally {
      this.validations--
      this.waiting.shift()?.()
    }
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
  private async ingest (bytes: Uint8Array, options: IngestOptions = {}): Promise<HeaderVerdict> {
    const header = await this.validateAnnouncement(bytes, options.topic != null ? { topic: options.topic } : {})
    if (header.verdict !== 'accept' || header.announcement == null) return header
    const a = header.announcement
    return await this.limit(async () => {
      const block = options.block ?? await this.fetchBlock(a.cid, a.addrs, options.from)
      if (block == null) return { verdict: 'ignore', reason: `block ${a.cid} not available`, announcement: a }
      if (block.byteLength > DEFAULT_MAX_DOCUMENT_BYTES) return { verdict: 'reject', reason: `the document has ${block.byteLength} bytes, more than ${DEFAULT_MAX_DOCUMENT_BYTES}`, announcement: a }
      if (!(await blockMatches(a.cid, block))) return { verdict: 'reject', reason: `the block does not hash to ${a.cid}`, announcement: a }
      const document = decodeDocument(block)
      if (document == null) return { verdict: 'reject', reason: 'the block is not a JSON object', announcement: a }
      // The content rules first: they cost no cryptography, and a document they refuse is refused either way.
      const content = this.checkContent(a.kind, document)
      if (!content.ok && !content.threw) return { verdict: 'reject', reason: content.reason, announcement: a }
      const check = await checkDocument(a.kind, document, a)
      if (!check.ok) return { verdict: 'reject', reason: check.reason, announcement: a }
      // A validator that threw is our fault, not the sender's: Ignore (after the proof, so that a forgery is still Rejected).
      if (!content.ok) return { verdict: 'ignore', reason: content.reason, announcement: a }
      return await this.commit(a.kind, a.id, a.issuer, a.sequence, a.cid, bytes, block, document)
    })
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

  /** Stores a checked document unless a version as new is held meanwhile: block, pin, header, store. */
  private async commit (kind: Kind, id: string, issuer: string, sequence: number, cidString: string, header: Uint8Array, block: Uint8Array, document: Record<string, unknown>): Promise<HeaderVerdict> {
    return await this.lock(`${kind}\u0000${id}`, async () => {
      const held = await this.held(kind, id)
      if (held != null && held.issuer !== issuer) return { verdict: 'reject', reason: `${id} is held as ${held.issuer}'s` }
      if (held != null && held.sequence >= sequence) return { verdict: 'ignore', reason: `sequence ${sequence} is not newer than the held ${held.sequence}` }
      const helia = this.helia
      if (helia == null) throw new NotStartedError()
      const cid = parseCid(cidString)
      await helia.blockstore.put(cid, block)
      if (!(await helia.pins.isPinned(cid))) for await (const _ of helia.pins.add(cid)) { /* drain */ }
      if (held != null && held.cid !== cidString) {
        try { for await (const _ of helia.pins.rm(parseCid(held.cid))) { /* drain */ } } catch {}
      }
      await helia.datastore.put(headerKey(kind, id), header)
      const stored: StoredDocument = { kind, id, issuer, sequence, cid: cidString, document, receivedAt: new Date().toISOString() }
      await this.collection(kind).put(id, stored)
      this.events.dispatchEvent(new CustomEvent('document', { detail: stored }))
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
   * connected peers, dialling the publisher's addresses when that is slow.
   */
  private async fetchBlock (cidString: string, addrs: string[], from?: string): Promise<Uint8Array | undefined> {
    const helia = this.helia
    if (helia == null) return undefined
    const cid = parseCid(cidString)
    const local = await this.localBlock(cid)
    if (local != null) return local
    if (from != null) {
      const started = Date.now()
      try {
        const response = await this.request(from, { t: 'block', cid: cidString }, DIRECT_FETCH_TIMEOUT_MS)
        const block = (response as { b?: unknown })?.b
        if (isBytes(block)) {
          logGossip('fetched block %s from %s in %d ms', cidString, from, Date.now() - started)
          return block
        }
      } catch (err) {
        logGossip('block %s not fetched from %s: %s', cidString, from, (err as Error).message)
      }
    }
    const signal = AbortSignal.any([this.stopController.signal, AbortSignal.timeout(this.config.fetchTimeoutMs)])
    // Bitswap does not relay: when no connected peer has the block soon, dial its publisher.
    const timer = setTimeout(() => { void this.dialAny(addrs, signal) }, DIAL_PUBLISHER_AFTER_MS)
    const started = Date.now()
    try {
      const block = await collect(helia.blockstore.get(cid, { signal }))
      logGossip('fetched block %s in %d ms', cidString, Date.now() - started)
      return block
    } catch (err) {
      logGossip('block %s not fetched: %s', cidString, (err as Error).message)
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }

  private async dialAny (addrs: string[], signal: AbortSignal): Promise<void> {
    const self = this.started ? this.peerId : ''
    for (const address of addrs.slice(0, MAX_ANNOUNCEMENT_ADDRS)) {
      try {
        const ma = multiaddr(address)
        const peer = peerIdOf(ma)
        if (peer == null || peer === self) continue
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
    const held = await this.held(kind, facts.id)
    if (held != null && held.issuer !== this.did) throw new PublishError(`${facts.id} is held as ${held.issuer}'s`)
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
      v: ANNOUNCEMENT_VERSION, kind, issuer: this.did, id: facts.id, cid: cid.toString(), sequence, addrs: this.multiaddrs().slice(0, MAX_ANNOUNCEMENT_ADDRS)
    }, this.config.key)
    const header = encodeAnnouncement(announcement)
    // The same limit on every node, enforced before anything is published.
    if (header.byteLength > this.config.maxMessageBytes) throw new MessageTooLargeError(header.byteLength, this.config.maxMessageBytes)
    if (held == null || held.sequence < sequence) {
      await this.commit(kind, facts.id, this.did, sequence, cid.toString(), header, block, document)
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
    const held = await this.config.store.statusLists.get(id)
    if (held != null) return held.document
    if (!this.started) return undefined
    const peers = this.libp2p.getPeers().slice(0, 8).map((p) => p.toString())
    await Promise.allSettled(peers.map(async (peer) => { await this.getBatch(peer, [[KINDS.indexOf('status-list'), id]], this.emptySummary()) }))
    return (await this.config.store.statusLists.get(id))?.document
  }

  async trust (issuer: string): Promise<TrustResult> {
    if (typeof issuer !== 'string') throw new TypeError('issuer must be a DID')
    return await evaluateTrust(this.config.store, this.config.trustRoots, issuer, this.config.maxTrustHops)
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
    let after: [number, string] | undefined
    const want: Array<[number, string]> = []
    for (let page = 0; page < MAX_SYNC_PAGES && this.started; page++) {
      const response = await this.request(peer, after == null ? { t: 'heads', limit: SYNC_HEADS_PAGE } : { t: 'heads', after, limit: SYNC_HEADS_PAGE })
      const parsed = parseHeads(response)
      if (parsed == null) throw new Error(`peer ${peer} sent malformed heads`)
      summary.heads += parsed.heads.length
      for (const head of parsed.heads) {
        const held = await this.held(head.kind, head.id)
        if (held == null || (held.issuer === head.issuer && held.sequence < head.sequence)) want.push([KINDS.indexOf(head.kind), head.id])
      }
      while (want.length >= SYNC_GET_BATCH) await this.getBatch(peer, want.splice(0, SYNC_GET_BATCH), summary)
      if (parsed.next == null) break
      after = parsed.next
    }
    while (want.length > 0) await this.getBatch(peer, want.splice(0, SYNC_GET_BATCH), summary)
    if (summary.requested > 0) logSync('sync with %s: %d heads, %d requested, %d accepted, %d rejected, %d ignored', peer, summary.heads, summary.requested, summary.accepted, summary.rejected, summary.ignored)
    return summary
  }

  private async getBatch (peer: string, want: Array<[number, string]>, summary: SyncSummary): Promise<void> {
    summary.requested += want.length
    const response = await this.request(peer, { t: 'get', want })
    const docs = (response as { docs?: unknown })?.docs
    if (!Array.isArray(docs) || docs.length > want.length) throw new Error(`peer ${peer} sent a malformed get response`)
    for (const entry of docs) {
      const a = (entry as { a?: unknown })?.a
      const b = (entry as { b?: unknown })?.b
      if (!isBytes(a) || !isBytes(b)) { summary.rejected++; continue }
      // Exactly as gossip: the header (signature, size, sequence), then the block, the document's proof.
      const result = await this.ingest(a, { block: b })
      if (result.verdict === 'accept') summary.accepted++
      else if (result.verdict === 'reject') { summary.rejected++; logSync('rejected from %s: %s', peer, result.reason) } else summary.ignored++
    }
  }

  private async request (peer: string, message: SyncRequest, timeoutMs = SYNC_REQUEST_TIMEOUT_MS): Promise<unknown> {
    const signal = AbortSignal.any([this.stopController.signal, AbortSignal.timeout(timeoutMs)])
    const connection = this.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer)
    if (connection == null) throw new Error(`not connected to ${peer}`)
    const stream = await connection.newStream(SYNC_PROTOCOL, { signal })
    try {
      const reading = readFrame(stream, MAX_SYNC_MESSAGE_BYTES)
      reading.catch(() => {}) // awaited below; a failed write must not leave it unhandled
      await writeFrame(stream, message, { signal })
      await stream.close({ signal })
      const frame = await raceSignal(reading, signal)
      if (frame == null) throw new Error(`peer ${peer} closed the sync stream without answering`)
      return decodeFrame(frame)
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  private async serveSync (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.any([this.stopController.signal, AbortSignal.timeout(SYNC_REQUEST_TIMEOUT_MS)])
    try {
      const frame = await raceSignal(readFrame(stream, 64 * 1024), signal)
      const request = frame == null ? undefined : parseRequest(decodeFrame(frame))
      const response = request == null
        ? { error: 'malformed request' }
        : request.t === 'heads' ? await this.answerHeads(request) : request.t === 'get' ? await this.answerGet(request) : await this.answerBlock(request.cid)
      await writeFrame(stream, response, { signal })
      await stream.close({ signal })
    } catch (err) {
      logSync('sync request from %p failed: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
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

  private async answerGet (request: { want: Array<[number, string]> }): Promise<unknown> {
    const docs: Array<{ a: Uint8Array, b: Uint8Array }> = []
    let bytes = 0
    for (const [k, id] of request.want) {
      const kind = KINDS[k] as Kind
      const stored = await this.collection(kind).get(id)
      if (stored == null) continue
      const header = await this.headerFor(stored)
      const block = header == null ? undefined : await this.localBlock(parseCid(stored.cid))
      if (header == null || block == null) continue
      if (docs.length > 0 && bytes + header.byteLength + block.byteLength > MAX_SYNC_MESSAGE_BYTES / 2) break
      bytes += header.byteLength + block.byteLength
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
    const key = headerKey(stored.kind, stored.id)
    try {
      const bytes = await helia.datastore.get(key)
      const decoded = decodeAnnouncement(bytes)
      if (decoded.ok && decoded.announcement.cid === stored.cid && decoded.announcement.sequence === stored.sequence) return bytes
    } catch {}
    if (stored.issuer !== this.did) return undefined
    const header = encodeAnnouncement(await signAnnouncement({
      v: ANNOUNCEMENT_VERSION, kind: stored.kind, issuer: this.did, id: stored.id, cid: stored.cid, sequence: stored.sequence, addrs: this.multiaddrs().slice(0, MAX_ANNOUNCEMENT_ADDRS)
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
