/**
 * The wallet of the page: @cofl/wallet's wallet (`createWalletCore`, the same rules and protocol
 * code as the CLI's) over this browser's IndexedDB database (`openIndexedDbWallet`), with a
 * backup's key sealed by WebCrypto. What is the page's own: the key made on the first visit, claim
 * links of this node only, every call to this origin, refusals said to "you", and forgetting.
 *
 *   const wallet = await openPageWallet()
 *   const opened = await wallet.lookUpClaim(link)      // GET: the offer, a fresh challenge
 *   const result = await wallet.acceptClaim(opened)    // sign here, POST, check here, keep
 *   const grants = await wallet.grants()               // apps signed in as this DID here
 */
import { CLAIM_PATH } from '@cofl/api'
import {
  ClaimError, claimUrl, createWalletCore, nodeStatusLists, openIndexedDbWallet, WalletExistsError, webCryptoSealer
} from '@cofl/wallet/browser'
import type {
  ClaimResult, HeldCredential, HeldSummary, HolderKeyInfo, ImportResult, IndexedDbWallet, NodeGrant, OpenedClaim, RefreshItem, WalletBackup, WalletCore,
  WalletSettings
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
  /** Checks every held badge's status against its issuer's list, asked of this node. */
  refreshStatus: () => Promise<RefreshItem[]>
  presentation: (ids: string[], options: { challenge: string, domain?: string }) => Promise<Json>
  /** The backup: the badges, and the key sealed with the passphrase when one is given. */
  backup: (passphrase?: string) => Promise<WalletBackup>
  /** Restores the key of a backup (only while this wallet holds no badge). */
  restore: (backup: unknown, passphrase: string) => Promise<HolderKeyInfo>
  /** Deletes the key and every badge of this browser's wallet, and makes a new key. */
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
  if (!url.pathname.startsWith(CLAIM_PATH) || url.pathname.length <= CLAIM_PATH.length) throw new ClaimError(`that is a link to this node, but not a claim link (${CLAIM_PATH}<code>)`)
  return url
}

/** The wallet over the page's database; its holder key, made now on the first visit. */
async function openCore (db: IndexedDbWallet): Promise<{ core: WalletCore, info: HolderKeyInfo, created: boolean }> {
  const core = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer, words: { holder: (did) => `you (${did})`, offersForce: false } })
  let created = false
  if (!await core.exists()) {
    try {
      await core.init()
      created = true
      // Ask the browser not to evict the wallet under storage pressure (no prompt in most browsers).
      await navigator.storage?.persist?.().catch(() => false)
    } catch (err) {
      // Another tab of the first visit stored its key first: that one is the wallet's.
      if (!(err instanceof WalletExistsError)) throw err
    }
  }
  return { core, info: await core.holder(), created }
}

export async function openPageWallet (): Promise<PageWallet> {
  const db = await openIndexedDbWallet()
  let { core, info, created } = await openCore(db)
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
    refreshStatus: async () => await core.refreshStatus({ getStatusList: nodeStatusLists(node) }),
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
      ;({ core, info, created } = await openCore(db))
    }
  }
}
