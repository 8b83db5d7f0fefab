/**
 * What a node holds, per (issuer, id): where each issuer's document is kept in the store (claims.ts),
 * which one an id resolves to, how much each issuer that no trust root reaches may keep here
 * (quotas) and all of them together (the cap), and the clean-up on start of documents that no
 * node accepts any longer (another DID's status list or aggregate id, stored by an older version).
 * The federation node calls it under its lock of each (kind, id); every write for one document (its
 * slot, the slots of the other claims of its id, the issuer's usage, the mark of a contested id)
 * goes in one batch.
 */
import * as dagJson from '@ipld/dag-json'
import { logger } from '@libp2p/logger'
import type { Collection, Store, StoredDocument } from '@cofl/store'
import { claimKey, claimOf, idOfKey, resolveClaim } from './claims.js'
import { CONTESTED_KEY_PREFIX, HOLDINGS_VERSION, HOLDINGS_VERSION_KEY, KINDS, TRUST_CACHE_MS, USAGE_KEY_PREFIX } from './constants.js'
import type { Kind } from './constants.js'
import { kindCollection, metaCollection } from './schema.js'
import { idOwner } from './documents.js'
import { trustedIssuers } from './trust.js'

const log = logger('cofl:federation:holdings')

/** What one issuer has stored here: documents (of all kinds) and their bytes. */
export interface Usage { documents: number, bytes: number }

/** The most one untrusted issuer may have stored here; also the most all of them together may (the cap). */
export interface Quota { documents: number, bytes: number }

export interface HoldingsInit {
  store: Store
  /** This node's DID. */
  self: string
  /** This node's DID and its trust roots. */
  roots: ReadonlySet<string>
  maxHops: number
  quota: Quota
  /** The most all untrusted issuers together may have stored here. */
  cap: Quota
  /** Runs `task` under the node's lock of (kind, id). */
  lock: <T>(kind: Kind, id: string, task: () => Promise<T>) => Promise<T>
}

/** Whether a document may be stored: its usage reserved (`release` gives it back when it is not stored after all), or why not. */
export type Admission =
  | { admitted: true, release: () => void }
  | { admitted: false, reason: string }

export interface Holdings {
  /** `issuer`'s document of this kind and id, wherever it is kept. */
  claim: (kind: Kind, id: string, issuer: string) => Promise<StoredDocument | undefined>
  /** The document under a store key as the sync protocol names it (`id`, or id U+0000 issuer). */
  bySlot: (kind: Kind, key: string) => Promise<StoredDocument | undefined>
  /**
   * Why a new document of `issuer` with this id will not be stored, before it is fetched or
   * checked: the issuer is not trusted and has its quota of documents or bytes stored already, or
   * the untrusted issuers together fill the cap. Undefined when it may be (a new version of a
   * document it has may always be tried: admit decides).
   */
  full: (kind: Kind, id: string, issuer: string) => Promise<string | undefined>
  /**
   * Whether a checked document may be stored (call under the lock of its kind and id): not when a
   * version as new is held, nor when its issuer is not trusted and would go over its quota or take
   * the untrusted issuers' total over the cap; else its usage is reserved.
   */
  admit: (stored: StoredDocument, bytes: number) => Promise<Admission>
  /**
   * Stores an admitted document (under the same lock): in its slot, the claims of its id where the
   * rule puts them now, the issuer's usage, the mark of an id several issuers claim; one batch.
   */
  put: (stored: StoredDocument) => Promise<void>
  /**
   * Removes `issuer`'s document of this kind and id (a withdrawal, under the lock of its kind and
   * id): its slot, the claims of its id laid out again without it, the issuer's usage; one batch.
   * An endorsement removed makes the trust graph be read again. Returns what it removed.
   */
  remove: (kind: Kind, id: string, issuer: string) => Promise<StoredDocument | undefined>
  /** Every issuer this node trusts (its DID, its trust roots, the chains of endorsements from them), cached (TRUST_CACHE_MS). */
  trustedIssuers: () => Promise<ReadonlySet<string>>
  /**
   * On start: once per store, removes documents whose id names another owner (stored by an older
   * version, which took ids first come, first served) and counts each issuer's usage; then
   * resolves the contested ids again (the trust roots may have changed). Returns what it removed.
   */
  open: () => Promise<StoredDocument[]>
  /** Waits for a resolution under way. */
  settled: () => Promise<void>
  /** What the issuers this node does not trust have stored here together now (the cap bounds it). */
  untrustedUsage: () => Promise<Usage>
}

function usageKey (issuer: string): string {
  return `${USAGE_KEY_PREFIX}${issuer}`
}

function contestedKey (kind: Kind, id: string): string {
  return `${CONTESTED_KEY_PREFIX}${kind}\u0000${id}`
}

function isUsage (value: unknown): value is Usage {
  const u = value as Usage | undefined
  return u != null && Number.isSafeInteger(u.documents) && Number.isSafeInteger(u.bytes)
}

/** The bytes of a stored document (its dag-json block). */
export function documentBytes (document: Record<string, unknown>): number {
  return dagJson.encode(document).byteLength
}

export function createHoldings (init: HoldingsInit): Holdings {
  const { store, self, roots, maxHops, quota, cap, lock } = init
  /** The store's `meta`, where the federation's keys are (`federation:*`). */
  const meta = metaCollection(store)
  let trust: { at: number, issuers: Promise<Map<string, string[]>> } | undefined
  /**
   * Every issuer's usage, read from `meta` once (loaded): an issuer that is not in it has nothing
   * stored here. Issuers whose documents were only looked at (full) are not added: a flood of
   * throw-away DIDs leaves nothing behind.
   */
  const usages = new Map<string, Usage>()
  let loaded: Promise<void> | undefined
  /** The untrusted issuers' usage together: the sum over `usages` of the issuers not in `trusted` (a trust map). */
  let untrusted: { trusted: ReadonlyMap<string, unknown>, documents: number, bytes: number } | undefined
  let resolving: Promise<void> = Promise.resolve()
  let again = false

  async function trustMap (): Promise<Map<string, string[]>> {
    const now = Date.now()
    if (trust == null || now - trust.at > TRUST_CACHE_MS) {
      const issuers = trustedIssuers(store, roots, maxHops, now)
      trust = { at: now, issuers }
      issuers.catch(() => { if (trust?.issuers === issuers) trust = undefined })
    }
    return await trust.issuers
  }

  /** Reads every issuer's usage from `meta` (once; again after the upgrade rewrote them). */
  async function load (): Promise<void> {
    const read = new Map<string, Usage>()
    for await (const [key, value] of meta.entries({ prefix: USAGE_KEY_PREFIX })) {
      if (isUsage(value)) read.set(key.slice(USAGE_KEY_PREFIX.length), { documents: value.documents, bytes: value.bytes })
    }
    usages.clear()
    for (const [issuer, u] of read) usages.set(issuer, u)
    untrusted = undefined
  }

  async function ready (): Promise<void> {
    if (loaded == null) {
      const loading = load()
      loaded = loading
      loading.catch(() => { if (loaded === loading) loaded = undefined })
    }
    await loaded
  }

  /** An issuer's usage (after `ready`); nothing stored: zeros, not kept. */
  function usageOf (issuer: string): Usage {
    return usages.get(issuer) ?? { documents: 0, bytes: 0 }
  }

  /** The untrusted issuers' usage together under this trust map (after `ready`); summed again when the map is a new one. */
  function untrustedTotal (trusted: ReadonlyMap<string, unknown>): { documents: number, bytes: number } {
    if (untrusted?.trusted !== trusted) {
      let documents = 0
      let bytes = 0
      for (const [issuer, u] of usages) {
        if (trusted.has(issuer)) continue
        documents += u.documents
        bytes += u.bytes
      }
      untrusted = { trusted, documents, bytes }
    }
    return untrusted
  }

  /** Adds to an issuer's usage, and to the untrusted total when the issuer is not trusted under the map that total is for. */
  function add (issuer: string, documents: number, bytes: number): void {
    const u = usages.get(issuer) ?? { documents: 0, bytes: 0 }
    u.documents += documents
    u.bytes += bytes
    if (u.documents === 0 && u.bytes === 0) usages.delete(issuer)
    else usages.set(issuer, u)
    if (untrusted != null && !untrusted.trusted.has(issuer)) {
      untrusted.documents += documents
      untrusted.bytes += bytes
    }
  }

  /** The claims of an id, and which of them is under the key `id` now. */
  async function claims (collection: Collection<StoredDocument>, id: string): Promise<{ all: StoredDocument[], resolved: string | undefined }> {
    const resolved = await collection.get(id)
    const all = resolved != null ? [resolved] : []
    for await (const stored of collection.values({ prefix: claimKey(id, '') })) all.push(stored)
    return { all, resolved: resolved?.issuer }
  }

  /**
   * The writes that put the claims of an id where the rule wants them now (`target` under `id`, the
   * others under claimKey), from where they are (`before`); `changed`: the issuer whose document is new.
   */
  function layout (
    id: string,
    before: { all: readonly StoredDocument[], resolved: string | undefined },
    after: readonly StoredDocument[],
    target: StoredDocument | undefined,
    changed?: string
  ): { dels: string[], puts: Array<[string, StoredDocument]> } {
    const keyBefore = new Map(before.all.map((c) => [c.issuer, c.issuer === before.resolved ? id : claimKey(id, c.issuer)]))
    const dels: string[] = []
    const puts: Array<[string, StoredDocument]> = []
    for (const c of after) {
      const want = c === target ? id : claimKey(id, c.issuer)
      const had = keyBefore.get(c.issuer)
      if (had !== undefined && had !== want) dels.push(had)
      if (had !== want || c.issuer === changed) puts.push([want, c])
    }
    return { dels, puts }
  }

  function overQuota (issuer: string, u: Usage): string {
    return `${issuer} is not trusted here and has ${u.documents} documents (${u.bytes} bytes) stored: its quota is ${quota.documents} documents, ${quota.bytes} bytes`
  }

  function overCap (issuer: string, total: Usage): string {
    return `${issuer} is not trusted here, and the issuers not trusted here have ${total.documents} documents (${total.bytes} bytes) stored together: their cap is ${cap.documents} documents, ${cap.bytes} bytes`
  }

  async function context (): Promise<{ self: string, trusted: (issuer: string) => boolean }> {
    const map = await trustMap()
    return { self, trusted: (issuer) => map.has(issuer) }
  }

  /** Puts the claims of (kind, id) in the slots the rule gives them now (under its lock). */
  async function resolve (kind: Kind, id: string): Promise<void> {
    const collection = kindCollection(store, kind)
    const before = await claims(collection, id)
    const target = resolveClaim(id, before.all, await context())
    const { dels, puts } = layout(id, before, before.all, target)
    const batch = store.batch()
    for (const key of dels) batch.del(collection, key)
    for (const [key, value] of puts) batch.put(collection, key, value)
    if (before.all.length < 2) batch.del(meta, contestedKey(kind, id))
    if (dels.length + puts.length > 0) log('%s %s now resolves to %s', kind, id, target?.issuer ?? 'none of its claims')
    await batch.write()
  }

  async function resolveContested (): Promise<void> {
    for await (const key of keysOf(meta, CONTESTED_KEY_PREFIX)) {
      const rest = key.slice(CONTESTED_KEY_PREFIX.length)
      const at = rest.indexOf('\u0000')
      const kind = rest.slice(0, at) as Kind
      if (at === -1 || !(KINDS as readonly string[]).includes(kind)) continue
      const id = rest.slice(at + 1)
      await lock(kind, id, async () => { await resolve(kind, id) })
    }
  }

  /** A trusted issuer's endorsement was stored: trust is read again, and the ids several issuers claim resolved again. */
  function trustChanged (): void {
    trust = undefined
    scheduleResolution()
  }

  function scheduleResolution (): void {
    if (again) return
    again = true
    resolving = resolving.then(async () => {
      again = false
      await resolveContested()
    }).catch((err: unknown) => { log.error('resolving contested ids failed: %s', (err as Error).message) })
  }

  /**
   * Once per store (`meta` HOLDINGS_VERSION_KEY): removes every document whose id names another
   * owner (an older version took ids first come, first served, so another DID's status list or
   * aggregate could be held), and counts each issuer's usage (stores from before quotas).
   */
  async function upgrade (): Promise<StoredDocument[]> {
    if (await meta.get(HOLDINGS_VERSION_KEY) === HOLDINGS_VERSION) return []
    const removed: StoredDocument[] = []
    const counted = new Map<string, Usage>()
    const batch = store.batch()
    for (const kind of KINDS) {
      const collection = kindCollection(store, kind)
      for await (const [key, stored] of collection.entries()) {
        const owner = idOwner(idOfKey(key))
        if (owner != null && stored.issuer !== owner) {
          log('removed %s %s held as %s\'s: the id is %s\'s', kind, stored.id, stored.issuer, owner)
          batch.del(collection, key)
          removed.push(stored)
          continue
        }
        const u = counted.get(stored.issuer) ?? { documents: 0, bytes: 0 }
        u.documents++
        u.bytes += documentBytes(stored.document)
        counted.set(stored.issuer, u)
      }
    }
    for await (const key of keysOf(meta, USAGE_KEY_PREFIX)) batch.del(meta, key)
    for (const [issuer, u] of counted) batch.put(meta, usageKey(issuer), u)
    batch.put(meta, HOLDINGS_VERSION_KEY, HOLDINGS_VERSION)
    await batch.write()
    return removed
  }

  return {
    claim: async (kind, id, issuer) => await claimOf(kindCollection(store, kind), id, issuer),

    bySlot: async (kind, key) => {
      const id = idOfKey(key)
      const collection = kindCollection(store, kind)
      return id === key ? await collection.get(id) : await claimOf(collection, id, key.slice(id.length + 1))
    },

    async full (kind, id, issuer) {
      await ready()
      const trusted = await trustMap()
      if (trusted.has(issuer)) return undefined
      const u = usageOf(issuer)
      const total = untrustedTotal(trusted)
      const quotaFull = u.documents >= quota.documents || u.bytes >= quota.bytes
      const capFull = total.documents >= cap.documents || total.bytes >= cap.bytes
      if (!quotaFull && !capFull) return undefined
      if (await claimOf(kindCollection(store, kind), id, issuer) != null) return undefined
      return quotaFull ? overQuota(issuer, u) : overCap(issuer, { ...total })
    },

    async admit (stored, bytes) {
      const { kind, id, issuer } = stored
      const collection = kindCollection(store, kind)
      const previous = await claimOf(collection, id, issuer)
      if (previous != null && previous.sequence >= stored.sequence) return { admitted: false, reason: `sequence ${stored.sequence} is not newer than the held ${previous.sequence}` }
      const previousBytes = previous != null ? documentBytes(previous.document) : 0
      await ready()
      const map = await trustMap()
      const trusted = map.has(issuer)
      const u = usageOf(issuer)
      const documents = previous == null ? 1 : 0
      const delta = bytes - previousBytes
      // Decided and counted with no await in between: concurrent documents (of one issuer, or of
      // many untrusted ones) cannot both pass.
      if (!trusted && (u.documents + documents > quota.documents || u.bytes + delta > quota.bytes)) {
        return { admitted: false, reason: overQuota(issuer, u) }
      }
      if (!trusted) {
        // The cap: only what adds to the total is refused (a new version no larger always passes).
        const total = untrustedTotal(map)
        if ((documents > 0 && total.documents + documents > cap.documents) || (delta > 0 && total.bytes + delta > cap.bytes)) {
          return { admitted: false, reason: overCap(issuer, { ...total }) }
        }
      }
      add(issuer, documents, delta)
      let released = false
      return {
        admitted: true,
        release: () => {
          if (released) return
          released = true
          add(issuer, -documents, -delta)
        }
      }
    },

    async put (stored) {
      const { kind, id, issuer } = stored
      const collection = kindCollection(store, kind)
      const before = await claims(collection, id)
      const after = [...before.all.filter((c) => c.issuer !== issuer), stored]
      const target = resolveClaim(id, after, await context())
      const { dels, puts } = layout(id, before, after, target, issuer)
      const batch = store.batch()
      for (const key of dels) batch.del(collection, key)
      for (const [key, value] of puts) batch.put(collection, key, value)
      await ready()
      batch.put(meta, usageKey(issuer), { ...usageOf(issuer) })
      if (after.length >= 2) batch.put(meta, contestedKey(kind, id), true)
      await batch.write()
      // Only a trusted issuer's endorsement can make another issuer trusted.
      if (kind === 'endorsement' && (trust == null || (await trustMap()).has(issuer))) trustChanged()
    },

    async remove (kind, id, issuer) {
      const collection = kindCollection(store, kind)
      const before = await claims(collection, id)
      const removed = before.all.find((c) => c.issuer === issuer)
      if (removed == null) return undefined
      const after = before.all.filter((c) => c !== removed)
      const target = resolveClaim(id, after, await context())
      const { dels, puts } = layout(id, before, after, target)
      const batch = store.batch()
      // Its own slot first: another claim may move into the key `id` it leaves (puts come after).
      batch.del(collection, before.resolved === issuer ? id : claimKey(id, issuer))
      for (const key of dels) batch.del(collection, key)
      for (const [key, value] of puts) batch.put(collection, key, value)
      await ready()
      add(issuer, -1, -documentBytes(removed.document))
      const u = usageOf(issuer)
      if (u.documents <= 0 && u.bytes <= 0) batch.del(meta, usageKey(issuer))
      else batch.put(meta, usageKey(issuer), { ...u })
      if (after.length < 2) batch.del(meta, contestedKey(kind, id))
      await batch.write()
      if (kind === 'endorsement') trustChanged()
      return removed
    },

    trustedIssuers: async () => new Set((await trustMap()).keys()),

    async open () {
      const removed = await upgrade()
      // Every issuer's usage, as the store has it now (also after a restart of this node): the quotas and the cap start from it.
      loaded = undefined
      await ready()
      await resolveContested()
      return removed
    },

    settled: async () => { await resolving },

    async untrustedUsage () {
      await ready()
      const { documents, bytes } = untrustedTotal(await trustMap())
      return { documents, bytes }
    }
  }
}

async function * keysOf (collection: Collection<unknown>, prefix: string): AsyncIterable<string> {
  for await (const [key] of collection.entries({ prefix })) yield key
}
