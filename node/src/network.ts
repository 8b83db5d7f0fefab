/**
 * THE SEAM between the node and the federation: the one place where the node meets
 * @cofl/federation. Everything else in node/ talks to a `Network`.
 *
 * `openNetwork` creates the federation (libp2p + gossipsub + Helia) over the node's store. With
 * `federation: false` it returns a local network: `publish` indexes the document in the store
 * only, nothing goes on the wire (a node of one, for tools and tests).
 *
 * Both check the content of cofl documents (documents.ts) as every other node will on arrival:
 * the federation refuses such a document from a peer, and neither publishes one.
 */
import { createHash } from 'node:crypto'
import { createFederation, KIND_COLLECTIONS, PublishError } from '@cofl/federation'
import type { Kind, TrustResult } from '@cofl/federation'
import type { KeyPair } from '@cofl/identity'
import type { Store, StoredDocument } from '@cofl/store'
import { validateCoflDocument } from './documents.js'
import { ConfigError, PortInUseError } from './errors.js'

export type { Kind, TrustResult }

export interface Network {
  /** The libp2p peer id; null for a local network. */
  readonly peerId: string | null
  multiaddrs: () => string[]
  peers: () => string[]
  start: () => Promise<void>
  stop: () => Promise<void>
  /** `document` is signed already: stores it, adds it to Helia, announces it. */
  publish: (kind: Kind, document: Record<string, unknown>) => Promise<{ cid: string, sequence: number }>
  /** The newest status list credential with this id that this node holds (or fetched from a peer). */
  getStatusList: (id: string) => Promise<Record<string, unknown> | undefined>
  /** The issuer's trust chain; absent on a local network. */
  trust?: (issuer: string) => Promise<TrustResult>
  /** Called for every document accepted from the network (or published here). */
  onDocument: (listener: (document: StoredDocument) => void) => void
}

export interface NetworkInit {
  key: KeyPair
  store: Store
  /** The federation's directory (libp2p peer key, blockstore, datastore). */
  directory: string
  listen: string[]
  bootstrap: string[]
  trustRoots: string[]
  /** False: a local network (nothing on the wire). */
  federation?: boolean
}


function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value != null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id
  return undefined
}

/**
 * libp2p says why it cannot listen only in the text of its error, one line per address that
 * failed (`  /ip4/.../tcp/N: listen EADDRINUSE ...`): a PortInUseError for a port in use, a
 * ConfigError naming the listen address for another reason (not an address of this machine, a
 * port this user may not use), or `err` itself.
 */
function listenError (err: unknown, listen: readonly string[]): unknown {
  if ((err as Error)?.name !== 'UnsupportedListenAddressesError') return err
  const text = (err as Error).message
  const [, address, reason = ''] = /^\s*(\/\S+): (.*)$/m.exec(text) ?? []
  if (address == null) return err
  const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1] ?? NaN)
  if (reason.includes('EADDRINUSE') && !Number.isNaN(port)) return new PortInUseError({ key: 'listen', address, port }, { cause: err })
  const expected = reason.includes('EADDRNOTAVAIL')
    ? 'multiaddrs of this machine\'s addresses (such as /ip4/127.0.0.1/tcp/0, or /ip4/0.0.0.0/tcp/0 for all)'
    : reason.includes('EACCES')
      ? 'multiaddrs with a port this user may listen on (1024 or above for most users; /tcp/0 picks a free one)'
      : `multiaddrs this node can listen on (libp2p: ${reason.replace(/\s+/g, ' ').trim()})`
  return new ConfigError({ key: 'listen', value: listen.includes(address) ? address : listen, source: 'the configuration', expected }, { cause: err })
}

/** Creates the node's network (not started). */
export async function openNetwork (init: NetworkInit): Promise<Network> {
  if (init.federation === false) return localNetwork(init)
  const federation = await createFederation({
    key: init.key,
    store: init.store,
    directory: init.directory,
    listen: init.listen,
    bootstrap: init.bootstrap,
    trustRoots: init.trustRoots,
    validateContent: validateCoflDocument,
    start: false
  })
  return {
    get peerId () { return federation.isStarted() ? federation.peerId : null },
    multiaddrs: () => federation.isStarted() ? federation.multiaddrs() : [],
    peers: () => federation.isStarted() ? federation.peers() : [],
    start: async () => {
      try {
        await federation.start()
      } catch (err) {
        throw listenError(err, init.listen)
      }
    },
    stop: async () => { await federation.stop() },
    publish: async (kind, document) => await federation.publish(kind, document),
    getStatusList: async (id) => await federation.getStatusList(id),
    trust: async (issuer) => await federation.trust(issuer),
    onDocument: (listener) => { federation.addEventListener('document', (event) => { listener(event.detail) }) }
  }
}

/** A network of one: publish indexes in the store, nothing is announced. */
export function localNetwork (init: NetworkInit): Network {
  const { store, key } = init
  const listeners: Array<(document: StoredDocument) => void> = []
  // One publication at a time per document id, so that sequence numbers only grow.
  let tail: Promise<unknown> = Promise.resolve()
  return {
    peerId: null,
    multiaddrs: () => [],
    peers: () => [],
    start: async () => {},
    stop: async () => { await tail },
    async publish (kind, document) {
      const run = tail.then(async () => {
        const id = idOf(document.id)
        if (id == null) throw new TypeError('publish(kind, document): document.id must be a string')
        const content = validateCoflDocument(kind, document)
        if (!content.ok) throw new PublishError(`the ${kind} cannot be published: the ${kind}'s content is not valid: ${content.reason}`)
        const collection = store[KIND_COLLECTIONS[kind]]
        const previous = await collection.get(id)
        const sequence = kind === 'status-list' ? Number(document.sequence) : (previous?.sequence ?? 0) + 1
        if (previous != null && kind === 'status-list' && previous.sequence >= sequence) return { cid: previous.cid, sequence: previous.sequence }
        const cid = `local:sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`
        const issuer = kind === 'profile' ? id : kind === 'achievement' ? idOf(document.creator) ?? key.did : idOf(document.issuer) ?? key.did
        const stored: StoredDocument = { kind, id, issuer, sequence, cid, document, receivedAt: new Date().toISOString() }
        await collection.put(id, stored)
        for (const listener of listeners) listener(stored)
        return { cid, sequence }
      })
      tail = run.catch(() => {})
      return await run
    },
    async getStatusList (id) {
      return (await store.statusLists.get(id))?.document
    },
    onDocument (listener) { listeners.push(listener) }
  }
}
