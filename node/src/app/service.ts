/**
 * What a city node does, apart from HTTP: define achievements, issue, revoke / suspend, endorse,
 * verify, serve status lists. Every write that a caller is told about is durable (synced) before
 * the promise resolves.
 */
import { randomUUID } from 'node:crypto'
import type { IssuedCredential, StatusChange } from '@cofl/api'
import { buildEndorsementCredential, buildProfile, buildProfileDocument, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signCredential, signDocument } from '@cofl/credentials'
import { buildWithdrawal, claimOf, DOCUMENT_TYPES, idOfKey, idOwner, kindCollection, PublishError } from '@cofl/federation'
import type { DocumentKind, Kind, WithdrawalTarget } from '@cofl/federation'
import type { KeyPair } from '@cofl/identity'
import { STATUS_PURPOSES } from '@cofl/status'
import type { StatusPurpose, StatusRegistry } from '@cofl/status'
import { META_COLLECTION } from '@cofl/store'
import type { Batch, Collection, IssuanceRecord, Store, StoredDocument } from '@cofl/store'
import { createVerifier } from '@cofl/verifier'
import type { TrustResult, VerificationReport, Verifier, VerifierInit, VerifyPresentationOptions } from '@cofl/verifier'
import { STATUS_PUBLISH_INTERVAL_MS, WITHDRAWN_KINDS } from './constants.js'
import { contentErrors } from './documents.js'
import { ApiErrorCode, DomainError } from './errors.js'
import { publishImage } from './images.js'
import { ISSUANCE_COLLECTION, putIssuance } from './issuance-log.js'
import { assertResolvableDid, issueCredential, signAchievement } from './issue.js'
import type { Network } from './network.js'
import { pathwayAwardsOnClaim } from './pathway-awards.js'
import { selfSignedProfileError } from './profile.js'
import { keyedQueue } from './serial.js'

export type StatusAction = 'revoke' | 'suspend' | 'unsuspend'

export interface CityServiceInit {
  key: KeyPair
  name: string | null
  store: Store
  registry: StatusRegistry
  network: Network
  log: (line: string) => void
  /** The node's public base URL (config publicBaseUrl), when it has one. */
  publicBaseUrl?: string | null
  /** Signs issued credentials with `key` (a pool of worker threads); default: on this thread. */
  sign?: <T extends object>(credential: T) => Promise<T>
  /** How often changed status lists are published (config status.publishIntervalMs; default STATUS_PUBLISH_INTERVAL_MS). */
  publishIntervalMs?: number
}

export interface ChangeStatusOptions {
  /** Publish the list's new version at once (an urgent revocation), not at the next tick. */
  now?: boolean
}

/** One credential to issue. */
export interface IssueRequest {
  achievementId: string
  /** The learner's DID. */
  subject: string
  statusPurpose?: StatusPurpose
  validUntil?: string
  /** The pathway whose completion this credential awards (a pathway badge): kept as the issuance record's `pathwayId`. */
  pathwayId?: string
}

export interface IssueOptions {
  /**
   * Adds writes to the batch that records the credential in the issuance log, so that they land
   * with it or not at all (a claimed offer is marked claimed in the same batch).
   */
  alsoWrite?: (batch: Batch, record: IssuanceRecord) => void
}

export interface IssueWithAwardsOptions extends IssueOptions {
  /** When the credential counts as earned, for the order constraints of pathways (default: now). */
  earnedAt?: string
}

/** A credential and the pathway badges its issuance completed (issued with it; empty when none): what POST /api/credentials and a claim answer. */
export type IssuedWithAwards = IssuedCredential

export interface IssueManyOptions {
  /** Adds writes to the one batch that records all the credentials (records in the order of the requests). */
  alsoWrite?: (batch: Batch, records: IssuanceRecord[]) => void
}

/** What POST /api/credentials/revoke, /suspend and /unsuspend answer. */
export type StatusChangeResult = StatusChange

/**
 * The meta key that marks a list whose bits changed and whose new version is not yet published.
 * Its value is a fresh token per change: a publication removes the mark only if it still holds the
 * token read before the list was built, so a change made meanwhile stays marked for the next tick.
 */
const DIRTY = 'node:list-dirty:'
function dirtyKey (purpose: StatusPurpose, listNumber: number): string {
  return `${DIRTY}${purpose}:${listNumber}`
}

/**
 * The meta key of a status change recorded in the issuance log whose bit may not be set and
 * published yet (`{purpose, listNumber, index, value}`): written in the same batch as the issuance
 * record's flag, deleted once the list is published; a start completes those a crash left.
 */
const PENDING_STATUS = 'node:status-pending:'
/** How many status lists GET /api/status may be asking peers for at once (the others answer 404 meanwhile). */
const STATUS_LOOKUPS_AT_ONCE = 8
function pendingStatusKey (credentialId: string): string {
  return `${PENDING_STATUS}${credentialId}`
}

interface PendingStatusChange { purpose: StatusPurpose, listNumber: number, index: number, value: boolean }

/** Alias of a list id under /api/status/<segment>: its last path segment, decoded (https ids). */
function statusPathAlias (id: string): string | undefined {
  const match = /^https?:\/\/[^/]+\/(?:.*\/)?api\/status\/([^/?#]+)$/.exec(id)
  if (match == null) return undefined
  try {
    return decodeURIComponent(match[1] as string)
  } catch {
    return undefined
  }
}

function withoutProof (document: Record<string, unknown>): Record<string, unknown> {
  const { proof: _proof, ...rest } = document
  return rest
}

/** The ids of a collection's documents (a store key is an id, or an id and its issuer: @cofl/federation claimKey). */
async function * ids (collection: Collection<StoredDocument>): AsyncIterable<string> {
  for await (const [key] of collection.entries()) yield idOfKey(key)
}

export interface CityService {
  readonly did: string
  readonly peerId: string | null
  readonly store: Store
  /** The city's name (config name), or null. */
  readonly name: string | null
  /** The node's public base URL (config publicBaseUrl), or null. */
  readonly publicBaseUrl: string | null
  peers: () => string[]
  log: (line: string) => void
  /** Publishes the city's Profile and every status list not yet published (first start, after a crash). */
  prepare: () => Promise<void>
  createAchievement: (fields: Record<string, unknown>) => Promise<{ id: string, cid: string, achievement: Record<string, unknown> }>
  /**
   * Issues one credential, alone: no pathway badge, no learner's lock. The routes and claims use
   * issueWithAwards; this is for callers that decide awards themselves (and tests).
   */
  issue: (request: IssueRequest, options?: IssueOptions) => Promise<Record<string, unknown>>
  /**
   * Issues one credential and the pathway badges of this node that it completes for its subject
   * (node/src/app/pathway-awards.ts), in one batch (issueMany). Issuances to one subject run one at a
   * time, so that each decides on a settled issuance log and a badge is awarded once. Claims
   * (node/src/app/offers.ts) and POST /api/credentials both issue through it.
   */
  issueWithAwards: (request: IssueRequest, options?: IssueWithAwardsOptions) => Promise<IssuedWithAwards>
  /**
   * Issues several credentials at once: every status index is allocated (synced) and every
   * credential signed first, then all issuance records (and `alsoWrite`'s writes) go into ONE
   * synced batch: all of them are recorded and handed out, or none. Credentials in request order.
   */
  issueMany: (requests: readonly IssueRequest[], options?: IssueManyOptions) => Promise<Array<Record<string, unknown>>>
  /**
   * Revokes, suspends or unsuspends: the issuance log and the bit at once (synced); the list's new
   * version at the next publication tick (`publishAt` in the answer), or at once with `now`.
   */
  changeStatus: (action: StatusAction, credentialId: string, options?: ChangeStatusOptions) => Promise<StatusChangeResult>
  /**
   * Runs `task` when no status change of this credential runs, and holds them off meanwhile: for
   * whatever else rewrites its issuance record (a learner forgotten), so neither undoes the other.
   */
  withCredential: <T>(credentialId: string, task: () => Promise<T>) => Promise<T>
  /**
   * Starts publishing changed status lists once per interval, on the interval's boundaries (a
   * timer that does not keep the process alive). Lists changed before a crash are published at
   * the first tick.
   */
  startPublishing: () => void
  /** Stops the ticks, waits for one under way, then publishes what is still changed (a graceful stop leaves nothing for later). */
  stopPublishing: () => Promise<void>
  /** Publishes every changed status list now, as a tick does (validFrom on the current interval's boundary); how many. */
  publishChangedLists: () => Promise<number>
  /** The interval of status list publication (ms). */
  readonly publishIntervalMs: number
  verify: (input: unknown, options: VerifyPresentationOptions) => Promise<VerificationReport>
  /**
   * An issuer's trust chain from the federation's trust graph: what `verify` reports as `trust`
   * (GET /api/trust/:did). Undefined on a local network, which keeps no trust graph.
   */
  trust: ((issuer: string) => Promise<TrustResult>) | undefined
  /** A status list this node holds (by id or by the https form of its own lists' ids), else asked of its peers. */
  statusList: (idOrAlias: string) => Promise<Record<string, unknown> | undefined>
  /**
   * Endorses an issuer: only a DID whose issuer Profile this node holds (its node published one:
   * a learner's DID never is), else DomainError NOT_FOUND saying so; or one that hands over its
   * self-signed Profile (`profile`: a provider without a node), else DomainError BAD_REQUEST
   * saying what is wrong with it. That profile is checked, never stored or published; its name is
   * the endorsement's when no `name` is given. The endorsement, with its name and comment, is
   * public: it goes to every node of the federation.
   */
  endorse: (
    request: { issuer: string, comment?: string, name?: string, profile?: Record<string, unknown> }
  ) => Promise<{ id: string, cid: string, endorsement: Record<string, unknown> }>
  /**
   * Withdraws a document this node published (WITHDRAWN_KINDS: an achievement, endorsement,
   * pathway, spine or opportunity): a signed withdrawal, published; every node removes the
   * document and refuses that version from then on (@cofl/federation withdrawal.ts). Publishing
   * the document again later makes a new version. DomainError BAD_REQUEST for another kind,
   * NOT_FOUND when this node holds no such document of its own.
   */
  withdraw: (kind: string, id: string) => Promise<{ id: string, cid: string, sequence: number, withdrawn: WithdrawalTarget, withdrawal: Record<string, unknown> }>
  /**
   * Signs and publishes a cofl document (a skills spine, pathway, opportunity or aggregate):
   * `content` (its fields, with its `id`) inside `{ '@context': [VC v2, undefined-terms v2], id,
   * type: [DOCUMENT_TYPES[kind]], issuer: <this node's DID>, ...content }`. A new version of an id
   * this node published before replaces it (the sequence grows). The content is checked first by
   * the rules every node applies on arrival (documents.ts): DomainError BAD_REQUEST listing every
   * error with its path; an `issuer` other than this node's DID, or an id that names another DID
   * (idOwner), is BAD_REQUEST. Another issuer's document with the same id is no conflict: documents
   * are kept per (issuer, id).
   */
  publishDocument: (
    kind: DocumentKind,
    content: Record<string, unknown> & { id: string }
  ) => Promise<{ id: string, cid: string, sequence: number, document: Record<string, unknown> }>
  /** Called for every document this node stores: accepted from the network or published here. */
  onDocument: (listener: (document: StoredDocument) => void) => void
  /** Called for every document this node removes because its issuer withdrew it. */
  onWithdrawn: (listener: (document: StoredDocument) => void) => void
  /**
   * The issuers this node trusts: its DID, its trust roots and those a chain of endorsements from
   * one reaches (the federation's trust graph). The catalogue, the listings and the federation
   * totals show only their documents (docs/api.md). Undefined on a local network: nothing comes
   * from peers there, everything it holds was published through this node.
   */
  trustedIssuers: () => Promise<ReadonlySet<string> | undefined>
  /** Whose documents the catalogue and the listings show: the trusted issuers' (trustedIssuers), everyone's with `untrusted`. */
  shows: (untrusted: boolean) => Promise<(issuer: string) => boolean>
  /**
   * The document of a kind with an id: `issuer`'s when given, else the one the id resolves to on
   * this node (@cofl/federation resolveClaim; none when several issuers claim it and the rule
   * picks none). Documents are kept per (issuer, id).
   */
  documentOf: (kind: Kind, id: string, issuer?: string) => Promise<StoredDocument | undefined>
}

/** The JSON-LD contexts of cofl documents (spines, pathways, opportunities, aggregates). */
export const COFL_DOCUMENT_CONTEXT: readonly string[] = [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT]

export function createCityService (init: CityServiceInit): CityService {
  const { key, store, registry, network } = init
  const meta = store.collection(META_COLLECTION)
  const issuanceLog = store.collection<IssuanceRecord>(ISSUANCE_COLLECTION)
  const storedAchievements = kindCollection(store, 'achievement')
  const storedProfiles = kindCollection(store, 'profile')
  const storedStatusLists = kindCollection(store, 'status-list')
  const issuerName = init.name ?? undefined
  const profile = buildProfile({ id: key.did, ...(issuerName != null ? { name: issuerName } : {}) })

  // Status list versions are built, signed and published one at a time per list, in order.
  const perList = keyedQueue()
  // Status changes of one credential one at a time.
  const perCredential = keyedQueue()
  // Issuances with pathway badges to one learner (subject DID) one at a time: the badges due are
  // decided on a settled issuance log.
  const perSubject = keyedQueue()

  const trustedIssuers = async (): Promise<ReadonlySet<string> | undefined> => await network.trustedIssuers?.()

  /** Whether this node published its list with this id (another DID's document with the id is not it). */
  const ownStatusList = async (listId: string): Promise<boolean> => await claimOf(storedStatusLists, listId, key.did) != null

  /** An id that names another DID as its owner (a status list or aggregate id, a DID URL) is that DID's alone: BAD_REQUEST. */
  function assertOwnId (id: string): void {
    const owner = idOwner(id)
    if (owner != null && owner !== key.did) throw new DomainError(ApiErrorCode.BAD_REQUEST, `id: ${id} is ${owner}'s; only ${owner} may publish a document with it`)
  }

  /**
   * Completes the status changes a crash interrupted (recorded in the issuance log, the bit perhaps
   * not set): sets each bit again. Their lists are still marked changed (the mark was written with
   * the intent), so the first tick publishes them and the published lists and the issuance log
   * agree again.
   */
  async function completeStatusChanges (): Promise<void> {
    const done: string[] = []
    for await (const [note, value] of meta.entries({ prefix: PENDING_STATUS })) {
      const change = value as PendingStatusChange
      await registry.setStatus({ purpose: change.purpose, listNumber: change.listNumber, index: change.index }, change.value)
      await meta.put(dirtyKey(change.purpose, change.listNumber), randomUUID())
      done.push(note)
    }
    if (done.length > 0) {
      const batch = store.batch()
      for (const note of done) batch.del(meta, note)
      await batch.write()
    }
  }

  const publishIntervalMs = init.publishIntervalMs ?? STATUS_PUBLISH_INTERVAL_MS
  if (!Number.isSafeInteger(publishIntervalMs) || publishIntervalMs < 1000 || publishIntervalMs % 1000 !== 0) {
    throw new TypeError(`publishIntervalMs must be a whole number of seconds in milliseconds (at least 1000), got ${String(init.publishIntervalMs)}`)
  }
  /** The start of the publication interval that holds `time`: every version's validFrom. */
  const boundary = (time: number): number => Math.floor(time / publishIntervalMs) * publishIntervalMs
  // Marking a list changed and removing the mark after a publication, one at a time per list.
  const perMark = keyedQueue()

  /**
   * Marks a list changed with a fresh token and changes its bit (`write`), inside the per-list mark
   * queue: a publication reads the token in the same queue, so it sees either neither or both
   * (the mark with the bit set); one that read an older token leaves the new mark for the next tick.
   */
  async function markChanged<T> (purpose: StatusPurpose, listNumber: number, write: (token: string) => Promise<T>): Promise<T> {
    return await perMark(`${purpose}:${listNumber}`, async () => await write(randomUUID()))
  }

  async function publishList (
    purpose: StatusPurpose, listNumber: number, validFrom: Date = new Date(boundary(Date.now()))
  ): Promise<{ listId: string, sequence: number, cid: string, validFrom: string }> {
    const listId = registry.listId(purpose, listNumber)
    return await perList(listId, async () => {
      const token: unknown = await perMark(`${purpose}:${listNumber}`, async () => await meta.get(dirtyKey(purpose, listNumber)))
      const unsigned = await registry.buildListCredential(purpose, listNumber, { validFrom })
      const signed = await signCredential(unsigned, { key })
      const { cid, sequence } = await network.publish('status-list', signed as unknown as Record<string, unknown>)
      // The mark goes only if no change came after it was read (that one waits for the next tick).
      if (token !== undefined) {
        await perMark(`${purpose}:${listNumber}`, async () => {
          if (await meta.get(dirtyKey(purpose, listNumber)) === token) await meta.del(dirtyKey(purpose, listNumber))
        })
      }
      remember(listId)
      return { listId, sequence, cid, validFrom: unsigned.validFrom }
    })
  }

  /** Publishes every list marked changed; validFrom `at` (a tick's boundary). */
  async function publishChangedLists (at: number = boundary(Date.now())): Promise<number> {
    const lists: Array<{ purpose: StatusPurpose, listNumber: number }> = []
    for await (const [mark] of meta.entries({ prefix: DIRTY })) {
      const match = /^(revocation|suspension):(\d+)$/.exec(mark.slice(DIRTY.length))
      if (match != null) lists.push({ purpose: match[1] as StatusPurpose, listNumber: Number(match[2]) })
    }
    for (const { purpose, listNumber } of lists) await publishList(purpose, listNumber, new Date(at))
    return lists.length
  }

  // The publication ticks: on the interval's boundaries (wall clock), so that every version's
  // validFrom is a boundary whichever the node; the timer never keeps the process alive.
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<unknown> | undefined
  let publishing = false
  const nextTick = (): number => boundary(Date.now()) + publishIntervalMs
  function schedule (): void {
    if (!publishing) return
    const at = nextTick()
    timer = setTimeout(() => {
      timer = undefined
      ticking = publishChangedLists(at)
        .catch((err: unknown) => { init.log(`status lists: publication failed, tried again at the next tick: ${(err as Error).message}`) })
        .finally(() => { ticking = undefined; schedule() })
    }, Math.max(0, at - Date.now()))
    timer.unref()
  }

  /** Aliases of https list ids (see docs/api.md, GET /api/status/:listId). */
  const aliases = new Map<string, string>()
  const remember = (id: string): void => {
    const alias = statusPathAlias(id)
    if (alias != null) aliases.set(alias, id)
  }
  network.onDocument((document: StoredDocument) => { if (document.kind === 'status-list') remember(document.id) })

  /** Lookups of status lists at peers under way for GET /api/status (statusList), by id. */
  const lookups = new Map<string, Promise<Record<string, unknown> | undefined>>()

  const trust = network.trust
  const verifierInit: VerifierInit = {
    // Status from this node's replica (the federation fetches a list it lacks from a peer).
    getStatusList: async (id: string) => await network.getStatusList(id),
    // The issuer's trust chain from the federation's trust graph (absent on a local network).
    ...(trust != null ? { trust: async (issuer: string) => await trust(issuer) } : {})
  }
  const verifier: Verifier = createVerifier(verifierInit)

  async function issueMany (requests: readonly IssueRequest[], options: IssueManyOptions = {}): Promise<Array<Record<string, unknown>>> {
    if (!Array.isArray(requests) || requests.length === 0) throw new TypeError('requests must be a non-empty array of issue requests')
    const achievements = await Promise.all(requests.map(async (request) => {
      const stored = await storedAchievements.get(request.achievementId)
      if (stored == null) throw new DomainError(ApiErrorCode.NOT_FOUND, `this node holds no achievement ${request.achievementId} (GET /api/achievements lists them)`)
      return stored
    }))
    // Each credential: its status index allocated (synced) before it is signed; signed on the
    // pool in parallel. Nothing is recorded or handed out until all of them are signed.
    const signed = await Promise.all(requests.map(async (request, i) => {
      const purpose = request.statusPurpose ?? 'revocation'
      let allocated: { listNumber: number, index: number } | undefined
      const credential = await issueCredential({
        key,
        // The store holds only achievements whose proof was checked on the way in (signed here, or
        // validated by the federation before it stored them): not checked again per credential.
        achievement: withoutProof((achievements[i] as StoredDocument).document),
        subject: request.subject,
        ...(issuerName != null ? { issuerName } : {}),
        ...(request.validUntil != null ? { validUntil: new Date(request.validUntil) } : {}),
        registry,
        statusPurpose: purpose,
        ...(init.sign != null ? { sign: init.sign } : {}),
        afterAllocate: async (index, allocation) => { allocated = { listNumber: allocation.listNumber, index } }
      }) as unknown as Record<string, unknown>
      if (allocated == null) throw new Error('issueCredential did not allocate a status index')
      const record: IssuanceRecord = {
        credentialId: credential.id as string,
        achievementId: request.achievementId,
        subject: request.subject,
        issuedAt: credential.validFrom as string,
        status: { purpose, listId: registry.listId(purpose, allocated.listNumber), listNumber: allocated.listNumber, index: allocated.index },
        ...(request.pathwayId != null ? { pathwayId: request.pathwayId } : {}),
        credential
      }
      return record
    }))
    // Durable before the response: a credential handed out is always in the issuance log, and
    // the credentials of one call are recorded together or not at all.
    const batch = store.batch()
    for (const record of signed) putIssuance(batch, store, record)
    options.alsoWrite?.(batch, signed)
    await batch.write()
    // A list is published once before its first credential is handed out (its bits start clear).
    const lists = new Map<string, { purpose: StatusPurpose, listNumber: number }>()
    for (const { status } of signed) if (status != null) lists.set(status.listId, { purpose: status.purpose, listNumber: status.listNumber })
    for (const [listId, { purpose, listNumber }] of lists) {
      if (!(await ownStatusList(listId))) await publishList(purpose, listNumber)
    }
    return signed.map((record) => record.credential)
  }

  return {
    did: key.did,
    get peerId () { return network.peerId },
    store,
    name: issuerName ?? null,
    publicBaseUrl: init.publicBaseUrl ?? null,
    peers: () => network.peers(),
    log: init.log,

    async prepare () {
      for await (const id of ids(storedStatusLists)) remember(id)
      const held = await storedProfiles.get(key.did)
      if (held == null || (held.document.name ?? null) !== (issuerName ?? null)) {
        const signed = await signDocument(buildProfileDocument({ id: key.did, ...(issuerName != null ? { name: issuerName } : {}) }), { key })
        await network.publish('profile', signed as unknown as Record<string, unknown>)
      }
      await completeStatusChanges()
      for (let listNumber = 0; listNumber <= registry.cursor().listNumber; listNumber++) {
        for (const purpose of STATUS_PURPOSES) {
          // This node's own list: another DID's document is never taken for it (a list id names its issuer).
          // A list changed before a crash waits for the first tick; one never published goes now
          // (its first version, before which no credential of it was handed out).
          const published = await ownStatusList(registry.listId(purpose, listNumber))
          if (!published) await publishList(purpose, listNumber)
        }
      }
    },

    async createAchievement (fields) {
      if (typeof fields.id === 'string') assertOwnId(fields.id)
      // An image given as a data: URI: checked, published by its hash, named by the achievement (images.ts).
      if (typeof fields.image === 'string' && fields.image.startsWith('data:')) {
        fields = { ...fields, image: await publishImage({ key, store, network, publicBaseUrl: init.publicBaseUrl ?? null }, fields.image) }
      }
      // Another issuer's achievement with this id does not stand in the way: documents are kept per (issuer, id).
      if (typeof fields.id === 'string' && await claimOf(storedAchievements, fields.id, key.did) != null) {
        throw new DomainError(ApiErrorCode.CONFLICT, `an achievement with id ${fields.id} exists already (achievements are not replaced)`)
      }
      const achievement = await signAchievement(key, fields, issuerName)
      const { cid } = await network.publish('achievement', achievement)
      return { id: achievement.id as string, cid, achievement }
    },

    async issue (request, options = {}) {
      const alsoWrite = options.alsoWrite
      const [credential] = await issueMany([request], alsoWrite != null ? { alsoWrite: (batch, records) => { alsoWrite(batch, records[0] as IssuanceRecord) } } : {})
      return credential as Record<string, unknown>
    },

    issueMany,

    async issueWithAwards (request, options = {}) {
      const { subject } = request
      return await perSubject(subject, async () => {
        const earnedAt = options.earnedAt ?? new Date().toISOString()
        const due = await pathwayAwardsOnClaim({ did: key.did, store }, subject, { achievementId: request.achievementId, claimedAt: earnedAt })
        const requests: IssueRequest[] = [request, ...due.map((award) => ({ achievementId: award.achievementId, subject, pathwayId: award.pathwayId }))]
        const alsoWrite = options.alsoWrite
        const [credential, ...awards] = await issueMany(requests, alsoWrite != null ? { alsoWrite: (batch, records) => { alsoWrite(batch, records[0] as IssuanceRecord) } } : {})
        return { credential: credential as Record<string, unknown>, awards }
      })
    },

    async withCredential (credentialId, task) {
      return await perCredential(credentialId, task)
    },

    async changeStatus (action, credentialId, options = {}) {
      // One change of a credential at a time: its record's flag then follows the bit last set.
      return await perCredential(credentialId, async () => {
        const record = await issuanceLog.get(credentialId)
        if (record == null) throw new DomainError(ApiErrorCode.NOT_FOUND, `this node issued no credential ${credentialId}`)
        const status = record.status
        const purpose: StatusPurpose = action === 'revoke' ? 'revocation' : 'suspension'
        if (status == null) throw new DomainError(ApiErrorCode.CONFLICT, `credential ${credentialId} has no status entry`)
        if (status.purpose !== purpose) {
          throw new DomainError(ApiErrorCode.CONFLICT, `credential ${credentialId} was issued with a ${status.purpose} entry: it can be ${status.purpose === 'revocation' ? 'revoked' : 'suspended and unsuspended'}, not ${action === 'revoke' ? 'revoked' : action === 'suspend' ? 'suspended' : 'unsuspended'}`)
        }
        const value = action !== 'unsuspend'
        // The issuance log first, in one batch with the list marked dirty and the change pending:
        // a bit is never published before the log says so, and a change a crash interrupts after
        // this write is completed at the next start (completeStatusChanges).
        const updated: IssuanceRecord = { ...record, ...(purpose === 'revocation' ? { revoked: value } : { suspended: value }) }
        const change = await markChanged(purpose, status.listNumber, async (token) => {
          await store.batch()
            .put(issuanceLog, credentialId, updated)
            .put(meta, dirtyKey(purpose, status.listNumber), token)
            .put(meta, pendingStatusKey(credentialId), { purpose, listNumber: status.listNumber, index: status.index, value } satisfies PendingStatusChange)
            .write()
          return await registry.setStatus({ purpose, listNumber: status.listNumber, index: status.index }, value)
        })
        // The bit is set: what is left, publishing the list, the mark makes sure of.
        await meta.del(pendingStatusKey(credentialId))
        const listId = registry.listId(purpose, status.listNumber)
        if (options.now === true) {
          const published = await publishList(purpose, status.listNumber)
          return {
            credentialId, purpose, value, changed: change.changed, listId, published: true,
            sequence: published.sequence, cid: published.cid, validFrom: published.validFrom
          }
        }
        return { credentialId, purpose, value, changed: change.changed, listId, published: false, publishAt: new Date(nextTick()).toISOString().replace(/\.\d{3}Z$/, 'Z') }
      })
    },

    publishIntervalMs,

    startPublishing () {
      if (publishing) return
      publishing = true
      schedule()
    },

    async stopPublishing () {
      publishing = false
      if (timer !== undefined) { clearTimeout(timer); timer = undefined }
      await ticking
      await publishChangedLists()
    },

    publishChangedLists: async () => await publishChangedLists(),

    async verify (input, options) {
      return await verifier.verify(input, options)
    },

    trust: verifierInit.trust,

    async statusList (idOrAlias) {
      const direct = await storedStatusLists.get(idOrAlias)
      if (direct != null) return direct.document
      const id = aliases.get(idOrAlias)
      if (id != null) return (await storedStatusLists.get(id))?.document
      // A list this node lacks is asked of its peers, as its own verifier does (so a page that
      // verifies in the browser finds what POST /api/verify finds); one lookup per id at a time,
      // and at most STATUS_LOOKUPS_AT_ONCE ids, so anonymous callers cannot make it ask without end.
      const running = lookups.get(idOrAlias)
      if (running != null) return await running
      if (lookups.size >= STATUS_LOOKUPS_AT_ONCE) return undefined
      const lookup = network.getStatusList(idOrAlias).finally(() => { lookups.delete(idOrAlias) })
      lookups.set(idOrAlias, lookup)
      return await lookup
    },

    async endorse (request) {
      if (request.issuer === key.did) throw new DomainError(ApiErrorCode.CONFLICT, 'a city does not endorse itself (it is trusted by its own node already)')
      await assertResolvableDid(request.issuer, 'the issuer to endorse')
      // Only an issuer: a DID that published its issuer Profile (a learner's DID never does), or
      // that hands over its Profile signed by its own key (a provider without a node), so that no
      // learner's DID and name go to every node by mistake.
      let name = request.name
      if (request.profile != null) {
        const error = await selfSignedProfileError(request.profile, request.issuer)
        if (error != null) throw new DomainError(ApiErrorCode.BAD_REQUEST, `profile: ${error}`)
        name ??= typeof request.profile.name === 'string' && request.profile.name !== '' ? request.profile.name : undefined
      } else {
        const issuerProfile = await storedProfiles.get(request.issuer)
        if (issuerProfile == null || issuerProfile.issuer !== request.issuer) {
          throw new DomainError(ApiErrorCode.NOT_FOUND, `this node holds no issuer Profile of ${request.issuer}: only an issuer whose node has published its Profile (and is connected to this federation) can be endorsed, or one that hands over its self-signed Profile (\`cofl keys profile\`, "profile"); an endorsement is public and goes to every node`)
        }
      }
      const endorsement = await signCredential(buildEndorsementCredential({
        issuer: profile,
        subject: request.issuer,
        ...(name != null ? { name } : {}),
        ...(request.comment != null ? { comment: request.comment } : {})
      }), { key }) as unknown as Record<string, unknown>
      const { cid } = await network.publish('endorsement', endorsement)
      return { id: endorsement.id as string, cid, endorsement }
    },

    async withdraw (kind, id) {
      if (!(WITHDRAWN_KINDS as readonly string[]).includes(kind)) {
        throw new DomainError(ApiErrorCode.BAD_REQUEST, `kind: a node withdraws one of ${WITHDRAWN_KINDS.join(', ')}, not ${String(kind).slice(0, 100)}`)
      }
      const target = kind as typeof WITHDRAWN_KINDS[number]
      const held = await claimOf(kindCollection(store, target), id, key.did)
      if (held == null) throw new DomainError(ApiErrorCode.NOT_FOUND, `this node published no ${target} ${id} (of ${key.did}) that it still holds: a node withdraws only its own documents`)
      const withdrawal = await signDocument(buildWithdrawal({ issuer: key.did, kind: target, id, sequence: held.sequence }) as never, { key }) as unknown as Record<string, unknown>
      let published
      try {
        published = await network.publish('withdrawal', withdrawal)
      } catch (err) {
        // The federation's refusal (a newer version came in meanwhile, say): said as it is.
        if (err instanceof PublishError) throw new DomainError(ApiErrorCode.CONFLICT, err.message, { cause: err })
        throw err
      }
      const { cid, sequence } = published
      return { id: withdrawal.id as string, cid, sequence, withdrawn: { kind: target, id, sequence: held.sequence }, withdrawal }
    },

    async publishDocument (kind, content) {
      const { '@context': _context, type, issuer, proof: _proof, id, ...fields } = content
      // A node publishes its own documents only; the envelope of a document read back is accepted.
      if (issuer !== undefined && issuer !== key.did) throw new DomainError(ApiErrorCode.BAD_REQUEST, `issuer: must be this node's DID ${key.did} (or left out)`)
      if (type !== undefined && ![type].flat().includes(DOCUMENT_TYPES[kind])) throw new DomainError(ApiErrorCode.BAD_REQUEST, `type: a ${kind} is a ${DOCUMENT_TYPES[kind]}`)
      const unsigned = { '@context': [...COFL_DOCUMENT_CONTEXT], id, type: [DOCUMENT_TYPES[kind]], issuer: key.did, ...fields }
      // The rules every node checks on arrival (documents.ts), with every error and its path.
      const errors = contentErrors(kind, unsigned)
      if (errors.length > 0) throw new DomainError(ApiErrorCode.BAD_REQUEST, `the ${kind} is not valid: ${errors.join('; ')}`)
      // Another issuer's document with this id does not stand in the way (documents are kept per
      // (issuer, id)); an id that names another DID does.
      assertOwnId(id)
      const document = await signDocument(unsigned, { key }) as unknown as Record<string, unknown>
      const { cid, sequence } = await network.publish(kind, document)
      return { id, cid, sequence, document }
    },

    onDocument (listener) {
      network.onDocument(listener)
    },

    onWithdrawn (listener) {
      network.onWithdrawn(listener)
    },

    trustedIssuers,

    async shows (untrusted) {
      const trusted = untrusted ? undefined : await trustedIssuers()
      return trusted == null ? () => true : (issuer) => trusted.has(issuer)
    },

    async documentOf (kind, id, issuer) {
      const collection = kindCollection(store, kind)
      return issuer != null ? await claimOf(collection, id, issuer) : await collection.get(id)
    }
  }
}
