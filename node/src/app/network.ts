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
 *
 * Listen ports: a listen address with /tcp/0 gets a free port on the first start, which the node
 * records (DIR/node-ports.json, city.ts) and listens on again on every later start, so that its
 * peers find it where it was (docs/operations.md, "Ports, peers and moving a node").
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { createFederation, kindCollection, PublishError, withdrawalId, withdrawalTarget } from '@cofl/federation'
import type { Federation, Kind, TrustResult, WithdrawableKind, WithdrawalTarget } from '@cofl/federation'
import type { KeyPair } from '@cofl/identity'
import type { Store, StoredDocument } from '@cofl/store'
import type { DialKind } from './config.js'
import { FRESH_PORT_ATTEMPTS } from './constants.js'
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
  /** Every issuer this node trusts (its DID, its trust roots, chains of endorsements from them); absent on a local network. */
  trustedIssuers?: () => Promise<ReadonlySet<string>>
  /** Called for every document accepted from the network (or published here). */
  onDocument: (listener: (document: StoredDocument) => void) => void
  /** Called for every document removed because its issuer withdrew it (a withdrawal from the network, or published here). */
  onWithdrawn: (listener: (document: StoredDocument) => void) => void
  /**
   * After start: each configured listen address with port 0 and the address it listens on, to be
   * recorded (DIR/node-ports.json) and passed back as `recordedListen` on the next start.
   */
  chosenListen: () => Record<string, string>
}

export interface NetworkInit {
  key: KeyPair
  store: Store
  /** The federation's directory (libp2p peer key, blockstore, datastore). */
  directory: string
  listen: string[]
  /** What earlier starts chose for listen addresses with port 0 (configured address -> address used). */
  recordedListen?: Readonly<Record<string, string>>
  /** Where they are recorded (named when such a port is taken). */
  portsFile?: string
  bootstrap: string[]
  /** Non-public addresses that peers name which the node may dial (default none). */
  allowDial?: DialKind[]
  /** What the node tells its peers of where it is (config `announce`; default: its public listen addresses). */
  announce?: Array<string | DialKind>
  trustRoots: string[]
  /** False: a local network (nothing on the wire). */
  federation?: boolean
}

/** The listen addresses given to libp2p: port 0 replaced by a recorded or a newly chosen port. */
interface PinnedListen {
  addresses: string[]
  /** Address given to libp2p -> the configured one it stands for. */
  configured: Map<string, string>
  /** Addresses whose port came from the record (taken: PortInUseError naming the record). */
  recorded: Set<string>
  /** Addresses whose port was chosen now (taken meanwhile by another program: choose again). */
  fresh: Set<string>
  /** Configured address -> the address to record for it (its first occurrence in the configuration). */
  chosen: Record<string, string>
}

/** The TCP port component of a listen multiaddr on an IP address, if any. */
function tcpPort (address: string): { host: string, port: number } | undefined {
  try {
    const [ip, tcp] = multiaddr(address).getComponents()
    if ((ip?.name !== 'ip4' && ip?.name !== 'ip6') || tcp?.name !== 'tcp' || ip.value == null) return undefined
    return { host: ip.value, port: Number(tcp.value) }
  } catch {
    return undefined
  }
}

/** A port that is free on `host` now (the OS chooses it). */
async function freePort (host: string): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen({ host, port: 0, exclusive: true }, resolve) })
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  return port
}

/**
 * Replaces port 0 in the listen addresses by the port recorded for that address, or by a free
 * port chosen now (recorded by the caller once the node runs). Other addresses are kept as they are.
 */
async function pinListen (listen: readonly string[], recorded: Readonly<Record<string, string>>): Promise<PinnedListen> {
  const pinned: PinnedListen = { addresses: [], configured: new Map(), recorded: new Set(), fresh: new Set(), chosen: {} }
  for (const address of listen) {
    const tcp = tcpPort(address)
    let used = address
    if (tcp?.port === 0) {
      // The same address twice in the configuration: only its first occurrence keeps its port.
      const first = pinned.chosen[address] == null
      const before = first ? recorded[address] : undefined
      if (before != null && (tcpPort(before)?.port ?? 0) > 0 && tcpPort(before)?.host === tcp.host) {
        used = before
        pinned.recorded.add(used)
      } else {
        used = address.replace(/\/tcp\/0(?=\/|$)/, `/tcp/${await freePort(tcp.host)}`)
        pinned.fresh.add(used)
      }
      if (first) pinned.chosen[address] = used
    }
    pinned.addresses.push(used)
    pinned.configured.set(used, address)
  }
  return pinned
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
function listenError (err: unknown, listen: readonly string[], pinned?: PinnedListen, portsFile?: string): unknown {
  if ((err as Error)?.name !== 'UnsupportedListenAddressesError') return err
  const text = (err as Error).message
  const [, address, reason = ''] = /^\s*(\/\S+): (.*)$/m.exec(text) ?? []
  if (address == null) return err
  const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1] ?? NaN)
  const recorded = pinned?.recorded.has(address) === true ? portsFile : undefined
  if (reason.includes('EADDRINUSE') && !Number.isNaN(port)) return new PortInUseError({ key: 'listen', address, port, recorded }, { cause: err })
  const configured = pinned?.configured.get(address) ?? address
  const expected = reason.includes('EADDRNOTAVAIL')
    ? 'multiaddrs of this machine\'s addresses (such as /ip4/127.0.0.1/tcp/0, or /ip4/0.0.0.0/tcp/0 for all)'
    : reason.includes('EACCES')
      ? 'multiaddrs with a port this user may listen on (1024 or above for most users; /tcp/0 picks a free one)'
      : `multiaddrs this node can listen on (libp2p: ${reason.replace(/\s+/g, ' ').trim()})`
  return new ConfigError({ key: 'listen', value: listen.includes(configured) ? configured : listen, source: 'the configuration', expected }, { cause: err })
}

/** Creates the node's network (not started). */
export async function openNetwork (init: NetworkInit): Promise<Network> {
  if (init.federation === false) return localNetwork(init)
  const listeners: Array<(document: StoredDocument) => void> = []
  const withdrawnListeners: Array<(document: StoredDocument) => void> = []
  const create = async (listen: string[]): Promise<Federation> => {
    const created = await createFederation({
      key: init.key,
      store: init.store,
      directory: init.directory,
      listen,
      bootstrap: init.bootstrap,
      allowDial: init.allowDial ?? [],
      announce: init.announce ?? [],
      trustRoots: init.trustRoots,
      validateContent: validateCoflDocument,
      start: false
    })
    for (const listener of listeners) created.addEventListener('document', (event) => { listener(event.detail) })
    for (const listener of withdrawnListeners) created.addEventListener('withdrawn', (event) => { listener(event.detail) })
    return created
  }
  // Created now to refuse an invalid configuration at once; created again on start with the ports pinned.
  let federation = await create(init.listen)
  let pinned: PinnedListen | undefined
  return {
    get peerId () { return federation.isStarted() ? federation.peerId : null },
    multiaddrs: () => federation.isStarted() ? federation.multiaddrs() : [],
    peers: () => federation.isStarted() ? federation.peers() : [],
    start: async () => {
      for (let attempt = 1; ; attempt++) {
        pinned = await pinListen(init.listen, init.recordedListen ?? {})
        federation = await create(pinned.addresses)
        try {
          await federation.start()
          return
        } catch (err) {
          const failure = listenError(err, init.listen, pinned, init.portsFile)
          // A port chosen a moment ago and taken meanwhile by another program: choose again.
          const retry = failure instanceof PortInUseError && pinned.fresh.has(failure.address) && attempt < FRESH_PORT_ATTEMPTS
          if (!retry) throw failure
        }
      }
    },
    stop: async () => { await federation.stop() },
    publish: async (kind, document) => await federation.publish(kind, document),
    getStatusList: async (id) => await federation.getStatusList(id),
    trust: async (issuer) => await federation.trust(issuer),
    trustedIssuers: async () => await federation.trustedIssuers(),
    onDocument: (listener) => {
      listeners.push(listener)
      federation.addEventListener('document', (event) => { listener(event.detail) })
    },
    onWithdrawn: (listener) => {
      withdrawnListeners.push(listener)
      federation.addEventListener('withdrawn', (event) => { listener(event.detail) })
    },
    chosenListen: () => pinned != null && federation.isStarted() ? { ...pinned.chosen } : {}
  }
}

/** A network of one: publish indexes in the store, nothing is announced. */
export function localNetwork (init: NetworkInit): Network {
  const { store, key } = init
  const listeners: Array<(document: StoredDocument) => void> = []
  const withdrawnListeners: Array<(document: StoredDocument) => void> = []
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
        const collection = kindCollection(store, kind)
        const previous = await collection.get(id)
        let target: WithdrawalTarget | undefined
        if (kind === 'withdrawal') {
          const found = withdrawalTarget(document, key.did)
          if (!found.ok) throw new PublishError(`the withdrawal cannot be published: ${found.reason}`)
          target = found.target
        }
        // After a withdrawal, a document published again gets a version above the withdrawn one.
        const withdrawn = kind === 'withdrawal' || kind === 'status-list' || kind === 'image' ? undefined : await kindCollection(store, 'withdrawal').get(withdrawalId(key.did, kind as WithdrawableKind, id))
        const withdrawnTarget = withdrawn == null ? undefined : withdrawalTarget(withdrawn.document, key.did)
        const floor = withdrawnTarget?.ok === true ? withdrawnTarget.target.sequence : 0
        const sequence = kind === 'status-list' ? Number(document.sequence) : Math.max(previous?.sequence ?? 0, floor) + 1
        if (previous != null && kind === 'status-list' && previous.sequence >= sequence) return { cid: previous.cid, sequence: previous.sequence }
        const cid = `local:sha256:${createHash('sha256').update(JSON.stringify(document)).digest('hex')}`
        const issuer = kind === 'profile' ? id : kind === 'achievement' ? idOf(document.creator) ?? key.did : idOf(document.issuer) ?? key.did
        const stored: StoredDocument = { kind, id, issuer, sequence, cid, document, receivedAt: new Date().toISOString() }
        await collection.put(id, stored)
        for (const listener of listeners) listener(stored)
        if (target != null) {
          const targets = kindCollection(store, target.kind)
          const removed = await targets.get(target.id)
          if (removed != null && removed.issuer === key.did && removed.sequence <= target.sequence) {
            await targets.del(target.id)
            for (const listener of withdrawnListeners) listener(removed)
          }
        }
        return { cid, sequence }
      })
      tail = run.catch(() => {})
      return await run
    },
    async getStatusList (id) {
      return (await kindCollection(store, 'status-list').get(id))?.document
    },
    onDocument (listener) { listeners.push(listener) },
    onWithdrawn (listener) { withdrawnListeners.push(listener) },
    chosenListen: () => ({})
  }
}
