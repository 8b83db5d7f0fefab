/**
 * The wallet of the page: @cofl/wallet's rules (a credential enters only when its data model and
 * signature hold, about this holder, one record per credential id) over the page's IndexedDB,
 * with the checks made in the page (verify.ts) and the claim protocol of @cofl/wallet/browser.
 *
 *   const wallet = await openPageWallet()
 *   const { url, offer } = await wallet.lookUpClaim(link)   // GET: the offer, a fresh challenge
 *   const result = await wallet.acceptClaim(url, offer)      // sign here, POST, check, keep
 *   const grants = await wallet.grants()                     // apps signed in as this DID here
 *
 * It signs for the node only by @cofl/wallet's rule (`assertSigningFor`): the node's domain is
 * the host of the claim link (this page's), and its challenge is of the use under way.
 */
import {
  assertPresentable, assertSigningFor, awardsOf, canonicalJson, claimUrl, ClaimError, CLAIM_PATH, CredentialConflictError, CredentialRefusedError,
  credentialOf, heldRecord, ImportFormatError, isRefusal, NotHolderError, parseGrants, parseGrantsChallenge, parseImport, parseOffer,
  statusFromReport, subjectIds
} from '@cofl/wallet/browser'
import type { ClaimOffer, HeldCredential, NodeGrant, RefusedAward } from '@cofl/wallet/browser'
import type { KeyPair } from '@cofl/identity'
import type { VerificationReport } from '@cofl/verifier'
import { makeBackup, openHolderKey } from './backup.js'
import type { BrowserWalletBackup } from './backup.js'
import { openWalletDb } from './db.js'
import type { HolderRecord, WalletDb } from './db.js'
import { keyOf, loadOrCreateHolder, present } from './holder.js'
import { getClaim, getGrantsChallenge, isOwnClaimUrl, postClaim, postGrants, postRevokeGrant, statusListFromNode } from './node.js'
import { refusals, verifyInPage } from './verify.js'
import type { GetStatusList } from './verify.js'

type Json = Record<string, unknown>

export interface AddResult {
  id: string
  /** False when the very same credential was held already. */
  added: boolean
  held: HeldCredential
  report?: VerificationReport
}

export interface PageClaimResult {
  offer: ClaimOffer
  credential: AddResult
  awards: AddResult[]
  refusedAwards: RefusedAward[]
}

export interface PageImportResult {
  added: number
  unchanged: number
  refused: Array<{ index: number, id?: string, reason: string, code?: string }>
  /** The backup's holder key, when the input was a backup that holds one. */
  backupKey?: unknown
  backupDid?: string
}

export interface PageWallet {
  readonly db: WalletDb
  holder: () => HolderRecord
  /** True when this visit created the holder key (the first visit). */
  readonly created: boolean
  list: () => Promise<HeldCredential[]>
  get: (id: string) => Promise<HeldCredential | undefined>
  remove: (id: string) => Promise<void>
  /** Checks a credential here, then keeps it (about this holder only). */
  add: (credential: unknown, options?: { source?: string, getStatusList?: GetStatusList }) => Promise<AddResult>
  lookUpClaim: (link: string) => Promise<{ url: URL, offer: ClaimOffer }>
  acceptClaim: (url: URL, offer: ClaimOffer) => Promise<PageClaimResult>
  /** The OB 3.0 grants made in this holder's name on this node (apps signed in as it). */
  grants: () => Promise<NodeGrant[]>
  /** Revokes one: the app's tokens stop working at once. */
  revokeGrant: (grantId: string) => Promise<void>
  import: (input: unknown) => Promise<PageImportResult>
  /** Checks every held credential's status against its issuer's list, asked of this node. */
  refreshStatus: () => Promise<Array<{ id: string, changed: boolean, held: HeldCredential }>>
  presentation: (ids: string[], options: { challenge: string, domain?: string }) => Promise<Json>
  backup: (passphrase?: string) => Promise<BrowserWalletBackup>
  /** Restores the key of a backup (only while this wallet holds no badge), then its credentials. */
  restore: (backupKey: unknown, passphrase: string) => Promise<HolderRecord>
  /** Deletes the key and every badge of this browser's wallet. */
  forget: () => Promise<void>
}

/** A claim link as the learner pastes it: a claim URL of this node, or a bare code. */
export function claimLink (link: string): URL {
  const text = link.trim()
  let url: URL
  try {
    url = claimUrl(text, location.origin)
  } catch (err) {
    throw new ClaimError(`that is not a claim link: ${(err as Error).message}`, { cause: err })
  }
  if (url.origin !== location.origin) {
    throw new ClaimError(`this claim link is for the node at ${url.origin}; this wallet lives at ${location.origin}. Open ${url.origin}/wallet to claim it there (a browser keeps one wallet per address: move badges with a backup).`)
  }
  if (!isOwnClaimUrl(url)) throw new ClaimError(`that is a link to this node, but not a claim link (${CLAIM_PATH}<code>)`)
  return url
}

export async function openPageWallet (): Promise<PageWallet> {
  const db = await openWalletDb()
  const loaded = await loadOrCreateHolder(db)
  let holder: HolderRecord = loaded.record
  let key: KeyPair = loaded.key
  const locks = new Map<string, Promise<unknown>>()

  async function serialise<T> (id: string, fn: () => Promise<T>): Promise<T> {
    const run = (locks.get(id) ?? Promise.resolve()).then(fn, fn)
    const tail = run.catch(() => {})
    locks.set(id, tail)
    try { return await run } finally { if (locks.get(id) === tail) locks.delete(id) }
  }

  async function add (credential: unknown, options: { source?: string, getStatusList?: GetStatusList } = {}): Promise<AddResult> {
    if (typeof credential !== 'object' || credential === null || Array.isArray(credential)) {
      throw new CredentialRefusedError(`not a credential: expected a JSON object, got ${Array.isArray(credential) ? 'an array' : credential === null ? 'null' : typeof credential}`)
    }
    const json = credential as Json
    const id = typeof json.id === 'string' && json.id !== '' ? json.id : undefined
    if (id == null) throw new CredentialRefusedError('refused: the credential has no id, so the wallet cannot tell it from others')
    return await serialise(id, async () => {
      const existing = await db.getHeld(id)
      if (existing != null && canonicalJson(existing.credential) === canonicalJson(json)) return { id, added: false, held: existing }
      const report = await verifyInPage(json, options.getStatusList != null ? { getStatusList: options.getStatusList } : {})
      const failed = refusals(report)
      if (failed.length > 0) throw new CredentialRefusedError(`refused ${id}: ${failed.map((c) => `${c.title}: ${c.reason}`).join('; ')}`, { report })
      if (existing != null) throw new CredentialConflictError(`the wallet holds another credential with the id ${id} already (remove it first to replace it)`)
      const subjects = subjectIds(json)
      if (!subjects.includes(holder.did)) throw new NotHolderError(`refused ${id}: it is about ${subjects.length > 0 ? subjects.join(', ') : 'no one named'}, not about you (${holder.did})`)
      const record = heldRecord({ id, credential: json, report, source: options.source ?? 'added', at: new Date(), forced: false })
      await db.putHeld(record)
      return { id, added: true, held: record, report }
    })
  }

  async function lookUpClaim (link: string): Promise<{ url: URL, offer: ClaimOffer }> {
    const url = claimLink(link)
    return { url, offer: parseOffer(await getClaim(url)) }
  }

  async function acceptClaim (url: URL, offer: ClaimOffer): Promise<PageClaimResult> {
    // The claim link (this page's node) decides whom the page signs for, and only a claim's challenge.
    assertSigningFor({ url, domain: offer.domain, challenge: offer.challenge, use: 'claim' })
    const presentation = await present(key, [], { challenge: offer.challenge, domain: offer.domain })
    const answer = await postClaim(url, presentation)
    const credential = credentialOf(answer)
    const awards = awardsOf(answer)
    const source = `claim:${location.origin}`
    let kept: AddResult
    try {
      kept = await add(credential, { source, getStatusList: statusListFromNode })
    } catch (err) {
      if (isRefusal(err)) throw new ClaimError(`the node issued a credential that the wallet refuses: ${err.message}`, { cause: err })
      throw err
    }
    const result: PageClaimResult = { offer, credential: kept, awards: [], refusedAwards: [] }
    for (const [index, award] of awards.entries()) {
      try {
        result.awards.push(await add(award, { source, getStatusList: statusListFromNode }))
      } catch (err) {
        // Only a badge the wallet declines is reported; a failure of the wallet itself (storage) is not hidden as one.
        if (!isRefusal(err)) throw err
        const id = typeof (award as Json | null)?.id === 'string' ? (award as Json).id as string : undefined
        result.refusedAwards.push({ index, ...(id != null ? { id } : {}), reason: err.message, code: err.code })
      }
    }
    return result
  }

  /** A presentation by the holder over a fresh grants challenge of this node, for this page's host only. */
  async function grantsProof (): Promise<Json> {
    const asked = parseGrantsChallenge(await getGrantsChallenge())
    assertSigningFor({ url: location.origin, domain: asked.domain, challenge: asked.challenge, use: 'grants' })
    return await present(key, [], { challenge: asked.challenge, domain: asked.domain })
  }

  async function importInput (input: unknown): Promise<PageImportResult> {
    const parsed = parseImport(input)
    const result: PageImportResult = { added: 0, unchanged: 0, refused: [] }
    if (parsed.kind === 'backup') {
      result.backupDid = parsed.backup.did
      if (parsed.backup.holderKey != null) result.backupKey = parsed.backup.holderKey
    }
    const source = parsed.kind === 'backup' ? 'backup' : 'import'
    for (const [index, credential] of parsed.credentials.entries()) {
      const id = typeof (credential as Json | null)?.id === 'string' ? (credential as Json).id as string : undefined
      try {
        const added = await add(credential, { source })
        if (added.added) result.added++
        else result.unchanged++
      } catch (err) {
        if (!isRefusal(err)) throw err
        result.refused.push({ index, ...(id != null ? { id } : {}), reason: err.message, code: err.code })
      }
    }
    return result
  }

  async function refreshStatus (): Promise<Array<{ id: string, changed: boolean, held: HeldCredential }>> {
    const lists = new Map<string, Promise<unknown>>()
    const getStatusList: GetStatusList = async (id) => {
      let pending = lists.get(id)
      if (pending == null) { pending = statusListFromNode(id); lists.set(id, pending) }
      return await pending
    }
    const out: Array<{ id: string, changed: boolean, held: HeldCredential }> = []
    for (const record of await db.held()) {
      const report = await verifyInPage(record.credential, { getStatusList })
      const status = statusFromReport(report, new Date())
      // An unknown state now keeps the last known one (offline, or the list is not on this node).
      const next = status.state === 'unknown' && record.status.state !== 'unknown' ? record : { ...record, status }
      if (next !== record) await db.putHeld(next)
      out.push({ id: record.id, changed: next.status.state !== record.status.state, held: next })
    }
    return out
  }

  async function presentation (ids: string[], options: { challenge: string, domain?: string }): Promise<Json> {
    if (ids.length === 0) throw new TypeError('choose at least one badge to share')
    assertPresentable(options.challenge)
    const credentials: Json[] = []
    for (const id of new Set(ids)) {
      const record = await db.getHeld(id)
      if (record == null) throw new Error(`the wallet holds no credential ${id}`)
      credentials.push(record.credential)
    }
    return await present(key, credentials, options)
  }

  async function restore (backupKey: unknown, passphrase: string): Promise<HolderRecord> {
    const opened = await openHolderKey(backupKey, passphrase)
    const restored: HolderRecord = { ...opened, createdAt: new Date().toISOString(), origin: 'restored' }
    const restoredKey = await keyOf(restored).catch((err: unknown) => { throw new ImportFormatError('the backup\'s holder key is not a valid Ed25519 key of its DID', { cause: err }) })
    if (restored.did === holder.did) return holder
    await db.setHolder(restored, { replace: true })
    holder = restored
    key = restoredKey
    return holder
  }

  return {
    db,
    holder: () => holder,
    created: loaded.created,
    list: async () => (await db.held()).sort((a, b) => (b.validFrom ?? b.addedAt).localeCompare(a.validFrom ?? a.addedAt)),
    get: async (id) => await db.getHeld(id),
    remove: async (id) => { await serialise(id, async () => { await db.deleteHeld(id) }) },
    add,
    lookUpClaim,
    acceptClaim,
    grants: async () => parseGrants(await postGrants(await grantsProof())).grants,
    revokeGrant: async (grantId) => { await postRevokeGrant(await grantsProof(), grantId) },
    import: importInput,
    refreshStatus,
    presentation,
    backup: async (passphrase) => await makeBackup(holder, await db.held(), passphrase),
    restore,
    async forget () {
      await db.clear()
      const fresh = await loadOrCreateHolder(db)
      holder = fresh.record
      key = fresh.key
    }
  }
}
