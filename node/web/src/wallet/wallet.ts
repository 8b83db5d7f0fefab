/**
 * The wallet of the page: @cofl/wallet's wallet (`createWalletCore`, the same rules and protocol
 * code as the CLI's) over this browser's IndexedDB database (`openIndexedDbWallet`), with a
 * backup's key sealed by WebCrypto. What is the page's own: the key made on the first visit and
 * kept sealed with the learner's passphrase (asked once per page load), claim links of any node
 * (called cross-origin: the node's public claim routes allow it, docs/api.md "Cross-origin
 * requests"; the presentation is signed for the claim link's own host, never this page's), each
 * badge's status asked of the node it came from, refusals said to "you", and forgetting.
 *
 *   const locked = await openLockedWallet()           // 'none', 'sealed', or 'clear' (an older wallet's key)
 *   const wallet = await locked.unlock(passphrase)     // a wrong passphrase: KeyPassphraseError, said so
 *   const opened = await wallet.lookUpClaim(link)      // GET: the offer, a fresh challenge
 *   const result = await wallet.acceptClaim(opened)    // sign here, POST, check here, keep
 *   const grants = await wallet.grants()               // apps signed in as this DID here
 */
import { CLAIM_PATH, STATUS_LIST_PATH } from '@cofl/api'
import {
  ClaimError, claimUrl, createWalletCore, nodeStatusLists, openIndexedDbWallet, WalletExistsError, webCryptoSealer
} from '@cofl/wallet/browser'
import type {
  ClaimResult, GetStatusList, HeldCredential, HeldSummary, HolderKeyInfo, HolderKeyState, ImportResult, IndexedDbWallet, NodeGrant, OpenedClaim, RefreshItem,
  WalletBackup, WalletCore, WalletSettings
} from '@cofl/wallet/browser'

type Json = Record<string, unknown>

export interface PageWallet {
  /** The learner's settings (the place), kept beside the wallet. */
  readonly settings: WalletSettings
  /** The holder: its DID, when it was made or restored here. */
  holder: () => HolderKeyInfo
  /** True when this visit created the holder key (the first visit). */
  readonly created: boolean
  /** Every held badge, newest first. */
  list: () => Promise<HeldSummary[]>
  get: (id: string) => Promise<HeldCredential | undefined>
  remove: (id: string) => Promise<void>
  lookUpClaim: (link: string) => Promise<OpenedClaim>
  acceptClaim: (opened: OpenedClaim) => Promise<ClaimResult>
  /** The OB 3.0 grants made in this holder's name on this node (apps signed in as it). */
  grants: () => Promise<NodeGrant[]>
  /** Revokes one: the app's tokens stop working at once. */
  revokeGrant: (grantId: string) => Promise<void>
  import: (input: unknown) => Promise<ImportResult>
  /** Checks every held badge's status against its issuer's list, asked of the node the badge came from (statusListsFor). */
  refreshStatus: () => Promise<RefreshItem[]>
  presentation: (ids: string[], options: { challenge: string, domain?: string }) => Promise<Json>
  /** The backup: the badges, and the key sealed with the passphrase when one is given. */
  backup: (passphrase?: string) => Promise<WalletBackup>
  /** Restores the key of a backup (only while this wallet holds no badge). */
  restore: (backup: unknown, passphrase: string) => Promise<HolderKeyInfo>
  /** Deletes the key and every badge of this browser's wallet, and makes a new key. */
  forget: () => Promise<void>
}

/**
 * A claim link as the learner pastes it: a claim URL of any node (this one or another: the claim
 * is made with that node, and the presentation signed for its host only), or a bare code of this
 * node's.
 */
export function claimLink (link: string): URL {
  const text = link.trim()
  let url: URL
  try {
    url = claimUrl(text, location.origin)
  } catch (err) {
    throw new ClaimError(`that is not a claim link: ${(err as Error).message}`, { cause: err })
  }
  const at = url.pathname.indexOf(CLAIM_PATH)
  if (at === -1 || url.pathname.length <= at + CLAIM_PATH.length || url.pathname.slice(at + CLAIM_PATH.length).includes('/')) {
    throw new ClaimError(`that is a link to ${url.origin}, but not a claim link (${CLAIM_PATH}<code>)`)
  }
  if (url.username !== '' || url.password !== '') throw new ClaimError('a claim link carries no user name or password')
  if (location.protocol === 'https:' && url.protocol !== 'https:') {
    throw new ClaimError(`this claim link is not https (${url.origin}): this secure page cannot call it. Ask the issuer for its https link.`)
  }
  return url
}

/**
 * Status lists asked of the node each badge came from: a list whose id is a node's status URL at
 * that URL; any other list at the nodes its badges were claimed from, then at this node (which
 * holds the lists the federation replicates). The answer is checked here (its issuer's signature)
 * whichever node gave it.
 */
function statusListsFor (records: readonly HeldCredential[], here: string): GetStatusList {
  const sources = new Map<string, string[]>()
  for (const record of records) {
    const from = record.source.startsWith('claim:') ? record.source.slice('claim:'.length) : undefined
    if (from == null || !/^https?:\/\//.test(from)) continue
    const status = (record.credential as { credentialStatus?: unknown }).credentialStatus
    for (const entry of Array.isArray(status) ? status : [status]) {
      const list = (entry as { statusListCredential?: unknown } | undefined)?.statusListCredential
      if (typeof list === 'string') sources.set(list, [...(sources.get(list) ?? []), from])
    }
  }
  const clients = new Map<string, GetStatusList>()
  const client = (base: string): GetStatusList => {
    let found = clients.get(base)
    if (found == null) { found = nodeStatusLists(base); clients.set(base, found) }
    return found
  }
  return async (id) => {
    const at = id.indexOf(STATUS_LIST_PATH)
    if (/^https?:\/\//.test(id) && at !== -1) return await client(id.slice(0, at))(id)
    let failure: unknown
    for (const base of new Set([...(sources.get(id) ?? []), here])) {
      try {
        return await client(base)(id)
      } catch (err) {
        failure = err
      }
    }
    throw failure
  }
}

/** The wallet over the page's database, unlocked; its holder key made now on the first visit (sealed with the passphrase given). */
async function openCore (db: IndexedDbWallet, passphrase: string): Promise<{ core: WalletCore, info: HolderKeyInfo, created: boolean }> {
  const core = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer, words: { holder: (did) => `you (${did})`, offersForce: false } })
  let created = false
  if (!await core.exists()) {
    try {
      await core.init()
      created = true
      // Ask the browser not to evict the wallet under storage pressure (no prompt in most browsers).
      await navigator.storage?.persist?.().catch(() => false)
    } catch (err) {
      // Another tab of the first visit stored its key first: that one is the wallet's, opened with this passphrase or refused.
      if (!(err instanceof WalletExistsError)) throw err
      await db.unlock(passphrase)
    }
  }
  return { core, info: await core.holder(), created }
}

/** The wallet page's database before the passphrase: how its key is kept, and the DID (no passphrase needed to tell it). */
export interface LockedWallet {
  /** `none`: no wallet yet; `sealed`: a key locked with a passphrase; `clear`: an older wallet's key, to lock with one. */
  readonly state: HolderKeyState
  readonly did: string | undefined
  /** Opens the wallet with the passphrase (creating or locking its key, as `state` says); a wrong one: KeyPassphraseError. */
  unlock: (passphrase: string) => Promise<PageWallet>
}

export async function openLockedWallet (): Promise<LockedWallet> {
  const db = await openIndexedDbWallet()
  const state = await db.keyState()
  const did = (await db.holderKey.info())?.did
  return {
    state,
    did,
    async unlock (passphrase) {
      await db.unlock(passphrase)
      return await openPageWallet(db, passphrase)
    }
  }
}

async function openPageWallet (db: IndexedDbWallet, passphrase: string): Promise<PageWallet> {
  let { core, info, created } = await openCore(db, passphrase)
  const node = location.origin

  return {
    settings: db.settings,
    holder: () => info,
    get created () { return created },
    list: async () => (await core.list()).sort((a, b) => (b.validFrom ?? b.addedAt).localeCompare(a.validFrom ?? a.addedAt)),
    get: async (id) => await core.get(id),
    remove: async (id) => { await core.remove(id) },
    lookUpClaim: async (link) => await core.openClaim(claimLink(link).href),
    acceptClaim: async (opened) => await core.acceptClaim(opened),
    grants: async () => await core.grants({ node }),
    revokeGrant: async (grantId) => { await core.revokeGrant(grantId, { node }) },
    import: async (input) => await core.import(input),
    async refreshStatus () {
      const records = (await Promise.all((await core.list()).map(async (summary) => await core.get(summary.id)))).filter((r): r is HeldCredential => r != null)
      return await core.refreshStatus({ getStatusList: statusListsFor(records, node) })
    },
    presentation: async (ids, options) => await core.present(ids, options),
    backup: async (passphrase) => await core.export(passphrase != null && passphrase !== '' ? { includeKey: true, keyPassphrase: passphrase } : {}),
    async restore (backup, passphrase) {
      await core.restoreKey(backup, { passphrase })
      info = await core.holder()
      return info
    },
    async forget () {
      await db.clear()
      await core.close()
      ;({ core, info, created } = await openCore(db, passphrase))
    }
  }
}
