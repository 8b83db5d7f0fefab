/**
 * The city node: its data directory (issuer key, admin token), store, status registry, network
 * (the federation) and HTTP API, started and stopped together. `cofl node start` runs one.
 */
import { join } from 'node:path'
import { claimOf, kindCollection } from '@cofl/federation'
import { defaultListId, openStatusRegistry } from '@cofl/status'
import type { StatusPurpose, StatusRegistry } from '@cofl/status'
import { openLevelStore } from '@cofl/store'
import type { Store } from '@cofl/store'
import type { FastifyInstance } from 'fastify'
import { resolveConfig } from './config.js'
import type { ConfigInput, NodeConfig } from './config.js'
import { CITY_STORE_SCHEMAS, META_COLLECTION, OAUTH_COLLECTION } from './collections.js'
import { DATA_FILES, DEFAULT_SIGNING_WORKERS, META_STATUS_LIST_BASE } from './constants.js'
import { enforcePrivateModes, ensureDataDir, openAdminToken, openDataKey, openIssuerKey, readNodePorts, removeNodeInfo, undoDataDir, unencryptedDataKeyWarning, unencryptedKeyWarning, writeNodeInfo, writeNodePorts } from './datadir.js'
import type { DataDirBefore, DataKey, NodeInfo, NodePorts } from './datadir.js'
import { createLearners } from './forget.js'
import { emptyGeography, loadGeography } from './geography.js'
import type { Learners } from './forget.js'
import { ConfigError, PortInUseError } from './errors.js'
import { buildApi } from '../http/server.js'
import { ob3Clock } from '../http/ob3.js'
import { createGrantBook } from '../http/ob3/grants.js'
import type { GrantBook } from '../http/ob3/grants.js'
import { createCatalogue } from './catalogue.js'
import type { Catalogue } from './catalogue.js'
import { openNetwork } from './network.js'
import type { Network } from './network.js'
import { createOfferBook } from './offers.js'
import { createMailer, dataUrlImage } from './mail.js'
import { imageDocumentBytes, imageDocumentId, imageFileOf } from './images.js'
import type { Mailer, SendMail } from './mail.js'
import type { MailConfig } from './config.js'
import type { OfferBook } from './offers.js'
import { createCityService } from './service.js'
import type { CityService } from './service.js'
import { createSigningPool } from './sign-pool.js'
import type { SigningPool } from './sign-pool.js'

export interface CityNodeInit {
  /**
   * The configuration, merged over the embedded defaults (config/default.json) and validated
   * when the node is created (ConfigError). `loadConfig` gives one from a file, env and flags.
   */
  config?: ConfigInput | NodeConfig
  /** Encrypts a new issuer key / opens an encrypted one. Default: $COFL_PASSPHRASE. */
  passphrase?: string
  /** Where the node's few lines go (warnings, errors of requests). Default: nowhere. */
  log?: (line: string) => void
  /** False: run without the federation (nothing on the wire). Default true. */
  federation?: boolean
  /** Worker threads that sign issued credentials; 0 signs on the main thread. Default: one per core. */
  signingWorkers?: number
  /** Resolves a relative data directory. Default process.cwd(). */
  cwd?: string
}

export interface CityNode {
  readonly config: NodeConfig
  /** The city's DID (after start). */
  readonly did: string
  /** The HTTP API's base URL, such as http://127.0.0.1:43817 (after start). */
  readonly url: string
  /** The admin token (after start). */
  readonly adminToken: string
  /** What DIR/node.json says (after start). */
  info: () => NodeInfo
  start: () => Promise<void>
  /** Graceful: the HTTP server stops taking requests and finishes those under way, then the network, registry and store close. */
  stop: () => Promise<void>
}

/**
 * The stateful services beside the city service that the routes are handed (in their
 * RouteContext): the offer book, the catalogue index, the learner's grants.
 */
export interface CityServices {
  /** Offers and one-time claims (app/offers.ts). */
  offers: OfferBook
  /** The catalogue index of what the node holds, kept current (app/catalogue.ts). */
  catalogue: Catalogue
  /** The learner's OB 3.0 grants (http/ob3/grants.ts), on the OB 3.0 API's clock. */
  grants: GrantBook
  /** Learners' requests to be forgotten (app/forget.ts). */
  learners: Learners
  /** Offers' emails (app/mail.ts; config `mail`): one that sends nothing when mail is off. */
  mailer: Mailer
}

/** What createCityServices takes from the node beyond the city service. */
export interface CityServicesOptions {
  /** The node's data key (DIR/data.key): seals offers' names and emails. Default: a key of this process only (tests). */
  dataKey?: DataKey
  /** Config retention.offerContactDays. */
  offerContactDays?: number
  log?: (line: string) => void
  /** Config `mail` (absent: off). */
  mail?: MailConfig
  /** The node's public base URL, which the links in mails start with (default: publicBaseUrl, else http://localhost). */
  baseUrl?: () => string
  /** Sends a mail instead of the SMTP transport (tests). */
  sendMail?: SendMail
}

/** Builds the services of CityServices over the city service (its store open): the one place they are made. */
export function createCityServices (service: CityService, options: CityServicesOptions = {}): CityServices {
  const offers = createOfferBook({
    service,
    ...(options.dataKey != null ? { dataKey: options.dataKey } : {}),
    ...(options.offerContactDays != null ? { contactDays: options.offerContactDays } : {}),
    ...(options.log != null ? { log: options.log } : {}),
    sendsMail: options.mail?.smtp != null
  })
  const mailer = createMailer({
    config: options.mail ?? { smtp: null, from: null, perMinute: 60 },
    offers,
    issuer: { did: service.did, name: service.name ?? null },
    baseUrl: options.baseUrl ?? (() => service.publicBaseUrl ?? 'http://localhost'),
    ...(options.sendMail != null ? { send: options.sendMail } : {}),
    // The achievement's image from the node's own image documents (app/images.ts), else a data: URL's.
    image: async (achievement) => {
      const file = imageFileOf(achievement.image)
      if (file == null) return await dataUrlImage(achievement)
      const held = await claimOf(kindCollection(service.store, 'image'), imageDocumentId(file), service.did)
      return held == null ? undefined : imageDocumentBytes(held.document)
    },
    ...(options.log != null ? { log: options.log } : {})
  })
  return {
    mailer,
    offers,
    catalogue: createCatalogue(service),
    grants: createGrantBook({ oauth: service.store.collection<Record<string, unknown>>(OAUTH_COLLECTION), batch: () => service.store.batch(), now: () => ob3Clock.now() }),
    learners: createLearners({ store: service.store, offers, withCredential: service.withCredential })
  }
}

function listIdFunction (did: string, publicBaseUrl: string | null): (purpose: StatusPurpose, listNumber: number) => string {
  if (publicBaseUrl == null) return (purpose, listNumber) => defaultListId(did, purpose, listNumber)
  return (purpose, listNumber) => `${publicBaseUrl}/api/status/${encodeURIComponent(defaultListId(did, purpose, listNumber))}`
}

function httpUrl (address: string | { address: string, port: number } | null, host: string): string {
  if (address == null || typeof address === 'string') throw new Error('the HTTP server has no TCP address')
  const h = address.address.includes(':') ? `[${address.address}]` : address.address
  return `http://${h === '0.0.0.0' || h === '[::]' ? host : h}:${address.port}`
}

/**
 * The HTTP server's failure to listen, said with the configuration key to change (or `err`).
 * `recorded`: the port came from DIR/node-ports.json (this file), not from the configuration.
 */
function httpListenError (err: unknown, http: NodeConfig['http'], port: number, recorded: string | undefined): unknown {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE') return new PortInUseError({ key: 'http.port', address: http.host, port, recorded }, { cause: err })
  if (code === 'EACCES') return new ConfigError({ key: 'http.port', value: http.port, source: 'the configuration', expected: 'a port this user may listen on (1024 or above for most users; 0 picks a free one)' }, { cause: err })
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ConfigError({ key: 'http.host', value: http.host, source: 'the configuration', expected: 'an address of this machine (such as 127.0.0.1, or 0.0.0.0 for all)' }, { cause: err })
  return err
}

/** Creates a city node (validating its configuration); `start()` opens and runs it. */
export function createCityNode (init: CityNodeInit = {}): CityNode {
  const config = resolveConfig(init.config != null ? [{ values: init.config as ConfigInput, source: 'createCityNode(init.config)' }] : [], init.cwd)
  const log = init.log ?? (() => {})
  const dir = config.data

  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new'
  let did = ''
  let url = ''
  let adminToken = ''
  let info: NodeInfo | undefined
  // What is open, closed in reverse order by stop() (also after a failed start).
  let store: Store | undefined
  let registry: StatusRegistry | undefined
  let network: Network | undefined
  let app: FastifyInstance | undefined
  let signing: SigningPool | undefined
  let publisher: CityService | undefined
  let services: CityServices | undefined

  let closing = false
  async function close (): Promise<void> {
    closing = true
    const errors: unknown[] = []
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => { try { await fn() } catch (err) { errors.push(err) } }
    if (app != null) { const a = app; await attempt(async () => { await a.close() }) }
    // Status lists changed since the last tick are published before the network stops (nothing waits for the next start).
    if (publisher != null) { const p = publisher; await attempt(async () => { await p.stopPublishing() }) }
    if (signing != null) { const p = signing; await attempt(async () => { await p.close() }) }
    if (services != null) { const s = services; await attempt(async () => { await s.mailer.stop() }) }
    if (services != null) { const s = services; await attempt(async () => { await s.offers.stop() }) }
    if (network != null) { const n = network; await attempt(async () => { await n.stop() }) }
    if (registry != null) { const r = registry; await attempt(async () => { await r.close() }) }
    if (store != null) { const s = store; await attempt(async () => { await s.close() }) }
    app = undefined
    publisher = undefined
    signing = undefined
    services = undefined
    network = undefined
    registry = undefined
    store = undefined
    // Only a node.json this node wrote: a second node refused on the same directory leaves the first one's.
    if (info != null) await attempt(async () => { await removeNodeInfo(dir) })
    if (errors.length > 0) throw new AggregateError(errors, `stopping the node left ${errors.length} error(s): ${errors.map((e) => (e as Error).message).join('; ')}`)
  }

  return {
    config,
    get did () { return did },
    get url () { return url },
    get adminToken () { return adminToken },
    info () {
      if (info == null) throw new Error('the node is not started')
      return info
    },

    async start () {
      if (state !== 'new') throw new Error(`start(): the node is ${state}`)
      state = 'starting'
      const passphrase = init.passphrase ?? process.env.COFL_PASSPHRASE
      // What the data directory held before: a failed start removes what it created there.
      let before: DataDirBefore | undefined
      let keyCreated = false
      let dataKeyCreated = false
      try {
        // The city's outline, checked before anything is created (a bad file stops the start).
        const geography = config.geography != null ? await loadGeography(config.geography) : emptyGeography()
        // Learners' data is this user's alone: what the node creates from here on is 0600 / 0700
        // (leveldb's files too), and what an older start or another tool left looser is fixed.
        process.umask(0o077)
        const found = await ensureDataDir(dir)
        await enforcePrivateModes(dir)
        // The store first: while this process holds it, no other node uses the directory, so what
        // appears in it from here on is this start's own.
        store = await openLevelStore({ directory: join(dir, DATA_FILES.store), schemas: CITY_STORE_SCHEMAS })
        before = found
        const issuerKey = await openIssuerKey(dir, { passphrase })
        const key = issuerKey.key
        keyCreated = issuerKey.created
        did = key.did
        adminToken = await openAdminToken(dir)
        const dataKey = await openDataKey(dir, { passphrase })
        dataKeyCreated = dataKey.created

        // Status list ids are fixed by the first start: credentials name them for good.
        const meta = store.collection(META_COLLECTION)
        const recorded = await meta.get(META_STATUS_LIST_BASE)
        if (recorded === undefined) await meta.put(META_STATUS_LIST_BASE, config.publicBaseUrl)
        else if (recorded !== config.publicBaseUrl) {
          throw new ConfigError({
            key: 'publicBaseUrl',
            value: config.publicBaseUrl,
            source: 'the configuration',
            expected: `${JSON.stringify(recorded)}, the value this node's status lists were created with (the ids of issued credentials' status lists cannot change)`
          })
        }
        registry = await openStatusRegistry({ directory: join(dir, DATA_FILES.status), issuer: did, listId: listIdFunction(did, config.publicBaseUrl) })
        // Ports that port-0 settings got on the first start: the same again, so that peers find this node.
        const portsFile = join(dir, DATA_FILES.ports)
        const ports = await readNodePorts(dir)
        network = await openNetwork({
          key,
          store,
          directory: join(dir, DATA_FILES.federation),
          listen: config.listen,
          recordedListen: ports.listen,
          portsFile,
          bootstrap: config.bootstrap,
          allowDial: config.allowDial,
          announce: config.announce ?? [],
          trustRoots: config.trustRoots,
          federation: init.federation ?? true
        })
        await network.start()
        signing = createSigningPool({ key, workers: init.signingWorkers ?? DEFAULT_SIGNING_WORKERS() })
        const service = createCityService({
          key, name: config.name, store, registry, network, log, publicBaseUrl: config.publicBaseUrl, sign: signing.sign,
          publishIntervalMs: config.status?.publishIntervalMs
        })
        await service.prepare()
        publisher = service
        service.startPublishing()
        const { host: listenHost, port: _port, ...httpLimits } = config.http
        services = createCityServices(service, {
          dataKey: dataKey.key,
          offerContactDays: config.retention.offerContactDays,
          log,
          ...(config.mail != null ? { mail: config.mail } : {}),
          baseUrl: () => config.publicBaseUrl ?? url
        })
        await services.offers.start()
        app = buildApi({ service, services, adminToken, bodyLimit: config.limits.bodyBytes, closing: () => closing, http: httpLimits, listenHost, geography })
        const recordedHttp = config.http.port === 0 && ports.http?.host === config.http.host ? ports.http.port : undefined
        try {
          await app.listen({ host: config.http.host, port: recordedHttp ?? config.http.port })
        } catch (err) {
          throw httpListenError(err, config.http, recordedHttp ?? config.http.port, recordedHttp != null ? portsFile : undefined)
        }
        url = httpUrl(app.server.address(), config.http.host)
        const httpPort = (app.server.address() as { port: number }).port
        // What port-0 settings got, added to the record (a setting not used this time keeps its entry).
        const chosen: NodePorts = { listen: { ...ports.listen, ...network.chosenListen() } }
        if (config.http.port === 0) chosen.http = { host: config.http.host, port: httpPort }
        else if (ports.http != null) chosen.http = ports.http
        await writeNodePorts(dir, chosen, ports)
        // Offers' mails left pending by the last run go now that the node's address is known.
        await services.mailer.start()
        info = { did, peerId: network.peerId, multiaddrs: network.multiaddrs(), http: url, pid: process.pid, startedAt: new Date().toISOString() }
        await writeNodeInfo(dir, info)
        state = 'running'
      } catch (err) {
        state = 'stopping'
        await close().catch(() => {})
        if (before != null) await undoDataDir(dir, before).catch((e: unknown) => { log(`could not remove what the failed start created in ${dir}: ${(e as Error).message}`) })
        state = 'stopped'
        throw err
      }
      if (keyCreated && (passphrase == null || passphrase === '')) log(unencryptedKeyWarning(dir))
      if (dataKeyCreated && (passphrase == null || passphrase === '')) log(unencryptedDataKeyWarning(dir))
    },

    async stop () {
      if (state === 'stopped' || state === 'new') { state = 'stopped'; return }
      if (state === 'stopping') return
      state = 'stopping'
      try {
        await close()
      } finally {
        state = 'stopped'
      }
    }
  }
}
