/**
 * The types of @cofl/wallet: what it stores per credential, what it returns, how it is created.
 */
import type { ClaimOffer, GrantsChallenge, NodeGrant } from '@cofl/api'
import type { KeyFile } from '@cofl/identity'
import type { VerificationReport } from '@cofl/verifier'
import type { SealedHolderKey } from './sealed-key.js'
import type { HolderKeyInfo } from './storage.js'

export type { ClaimOffer, GrantsChallenge, NodeGrant }

type Json = Record<string, unknown>

/**
 * What the wallet last knew of a credential's status:
 * - `active`: checked against the issuer's signed status list, neither revoked nor suspended;
 * - `revoked`, `suspended`: so says the issuer's signed status list;
 * - `unknown`: the list could not be had or read (offline, for example): `reason` says why;
 * - `none`: the credential has no status entry (its issuer cannot revoke it).
 */
export type HeldStatusState = 'active' | 'revoked' | 'suspended' | 'unknown' | 'none'

export interface HeldStatus {
  state: HeldStatusState
  /** In words a person understands. */
  reason: string
  /** When the state was determined (ISO date-time). */
  checkedAt: string
  /** The verifier's code when the status check failed. */
  code?: string
}

/** A credential in the wallet, with what the wallet knows of it. The value of the store's `held` collection. */
export interface HeldCredential {
  /** The credential's id (the key in the store). */
  id: string
  /** The credential as received, unchanged. */
  credential: Json
  /** Where it came from: `claim:<node origin>`, `import:<file>`, `backup`, or what the caller said. */
  source: string
  /** When it entered the wallet (ISO date-time). */
  addedAt: string
  /** Credential types without VerifiableCredential. */
  types: string[]
  /** The credential's name, else its achievement's. */
  name?: string
  issuer: { id: string, name?: string }
  /** `image`: the achievement's image id (a URL, or urn:cofl:image:...), when it has one. */
  achievement?: { id?: string, name?: string, image?: string }
  /** The credential's subject (the holder's DID, unless it was added with `force`). */
  subject?: string
  validFrom?: string
  validUntil?: string
  status: HeldStatus
  /** True when it was added with `force` although it is about someone other than the holder. */
  forced?: boolean
  /**
   * True when it was added with `force` although its signature cannot be checked here (an issuer
   * whose document the wallet cannot resolve): what it says of its issuer is not verified.
   */
  unchecked?: boolean
}

/** One line of `list()`: a held credential without the credential itself. */
export interface HeldSummary extends Omit<HeldCredential, 'credential'> {
  /** validUntil is in the past. */
  expired: boolean
}

/** Looks up a signed BitstringStatusListCredential by its id (the CLI asks a node: GET <node>/api/status/<id>). */
export type GetStatusList = (id: string) => Promise<unknown>

export interface WalletInit {
  /** The wallet's directory (created by `init`, mode 0700): DIR/holder.key and DIR/store. */
  directory: string
  /** Opens (and for `init`, encrypts) the holder key. Not needed to add, list, show, import or remove. */
  passphrase?: string
  /** `init` writes the holder key in clear: for tests only. */
  unencrypted?: boolean
  /** The fetch that `claim` uses (default: globalThis.fetch): for tests with a stub. */
  fetch?: typeof globalThis.fetch
  /** The time credentials are checked at (tests). Default: the clock. */
  now?: () => Date
}

export interface InitOptions {
  /**
   * Restore the holder key of a backup made with `export({ includeKey: true })`, instead of
   * creating a new one. `backupPassphrase` opens it (default: the wallet's passphrase). Its
   * credentials are not imported: call `import(backup)` next.
   */
  restore?: WalletBackup
  backupPassphrase?: string
}

export interface AddOptions {
  /** Where the credential came from (kept with it; `list` shows it). Default `added`. */
  source?: string
  /**
   * Keep a credential about someone other than the holder, or one whose signature cannot be
   * checked here (marked `unchecked`). Never one that fails a check (forged, tampered).
   */
  force?: boolean
  /** Checks the status at once (otherwise it is `unknown` until `refreshStatus`). */
  getStatusList?: GetStatusList
}

export interface AddResult {
  id: string
  /** False when the very same credential was held already (nothing was written). */
  added: boolean
  held: HeldCredential
  /** The verifier's report of the credential (for a credential held already: none, it was checked when added). */
  report?: VerificationReport
}

export interface PresentOptions {
  /** The verifier's challenge (a fresh nonce it gave the holder). */
  challenge: string
  /** The verifier's domain. */
  domain?: string
}

export interface WalletBackup {
  type: 'cofl-wallet-backup'
  version: 1
  /** The holder DID of the wallet exported. */
  did: string
  /** When the backup was made (ISO date-time). */
  createdAt: string
  /** Every held credential, as received. */
  credentials: Json[]
  /**
   * The holder key, encrypted with a passphrase: only with `export({ includeKey: true })`. An
   * @cofl/identity key file (scrypt) from a wallet in Node, a key sealed with WebCrypto (PBKDF2)
   * from a wallet in a browser.
   */
  holderKey?: KeyFile | SealedHolderKey
}

export interface ExportOptions {
  /** Put the holder key in the backup, encrypted (never in clear). */
  includeKey?: boolean
  /** The passphrase that encrypts the key in the backup (default: the wallet's passphrase). */
  keyPassphrase?: string
}

/** What happened to one credential of an import. */
export interface ImportItem {
  /** 0-based position in the input. */
  index: number
  id?: string
  outcome: 'added' | 'unchanged' | 'refused'
  /** For a refused one: why, and its code. */
  reason?: string
  code?: string
}

export interface ImportOptions {
  /** Kept as each credential's source. Default `import`. */
  source?: string
  /** Keep credentials about someone other than the holder, or whose signature cannot be checked here (AddOptions.force). */
  force?: boolean
  /** Called after each credential's write is durable (added) or it was found held (unchanged), or refused. */
  onItem?: (item: ImportItem) => void
  /** Stop between two credentials when aborted. */
  signal?: AbortSignal
}

export interface ImportResult {
  /** The holder DID of the wallet a backup was made of, when the input was a backup. */
  backupDid?: string
  added: number
  unchanged: number
  refused: ImportItem[]
  items: ImportItem[]
}

export interface RefreshOptions {
  getStatusList: GetStatusList
}

export interface RefreshItem {
  id: string
  /** The state before the refresh. */
  previous: HeldStatusState
  /** The status held now: the new one, or the last known one when it could not be determined now. */
  status: HeldStatus
  /** The state changed. */
  changed: boolean
  /** Why the status could not be determined now (the last known one was kept). */
  unavailable?: string
}

export interface ClaimOptions {
  /** The node's base URL, needed when a bare code is given instead of a claim URL. */
  node?: string
  /** How long to wait for each answer. Default DEFAULT_CLAIM_TIMEOUT_MS. */
  timeoutMs?: number
}

export interface GrantsOptions {
  /** The node's base URL: the presentation is signed for its host only. */
  node: string
  /** How long to wait for each answer. Default DEFAULT_CLAIM_TIMEOUT_MS. */
  timeoutMs?: number
}

/** A pathway badge of a claim that the wallet did not keep, and why. */
export interface RefusedAward {
  /** 0-based position in the node's `awards`. */
  index: number
  id?: string
  reason: string
  code?: string
}

/** The claimed credential (as `add` returns it), with the pathway badges that came with it. */
export interface ClaimResult extends AddResult {
  offer: ClaimOffer
  /** The pathway badges the claim earned, verified and stored (in the node's order). */
  awards: AddResult[]
  /** The pathway badges the wallet refused (a bad signature, about someone else): not stored. */
  refusedAwards: RefusedAward[]
}

/** What `openClaim` found: the claim URL the learner gave, and the node's offer (its challenge and domain). */
export interface OpenedClaim {
  url: URL
  offer: ClaimOffer
}

export interface AcceptClaimOptions {
  /** How long to wait for each answer. Default DEFAULT_CLAIM_TIMEOUT_MS. */
  timeoutMs?: number
}

export interface RestoreKeyOptions {
  /** Opens the backup's key (default: the wallet's passphrase). */
  passphrase?: string
}

/**
 * The learner's wallet, wherever it keeps things (createWalletCore over a HeldCredentialStore and
 * a HolderKeyStore). Opens its store on first use; `close()` when done.
 */
export interface WalletCore {
  /** Creates the holder key (or restores a backup's) and opens the store; returns the holder DID. Never replaces a wallet. */
  init(options?: InitOptions): Promise<string>
  /** Opens the store (any first call does it too); throws WalletNotInitialisedError when there is no wallet. */
  open(): Promise<void>
  /** Whether a holder key is kept. */
  exists(): Promise<boolean>
  /** The holder DID (did:key); readable without the passphrase. */
  did(): Promise<string>
  /** The holder DID and what the key store knows of the key (when it was made, restored or created here). */
  holder(): Promise<HolderKeyInfo>
  /** Verifies, then stores a credential about the holder. Idempotent for the same credential. */
  add(credential: unknown, options?: AddOptions): Promise<AddResult>
  /** Every held credential, in id order. */
  list(): Promise<HeldSummary[]>
  get(id: string): Promise<HeldCredential | undefined>
  /** True when it was held. */
  remove(id: string): Promise<boolean>
  /**
   * A Verifiable Presentation of the credentials, signed by the holder over the challenge and
   * domain. A claim's or grants' challenge (`cofl-claim:`, `cofl-grants:`) is refused: the wallet
   * signs those itself (SigningRefusedError).
   */
  present(ids: string[], options: PresentOptions): Promise<Json>
  export(options?: ExportOptions): Promise<WalletBackup>
  /** A backup, a credential, an array of credentials, or bytes of one of those (JSON) or of a baked image. */
  import(input: unknown, options?: ImportOptions): Promise<ImportResult>
  /** Checks every held credential's status again; keeps the last known state when a list cannot be had. */
  refreshStatus(options: RefreshOptions): Promise<RefreshItem[]>
  /**
   * Claims an offer (claim URL, or code with `node`) and stores the credential. Signs only when the
   * node's `domain` is the claim URL's host and its challenge a claim's (`cofl-claim:`); otherwise
   * SigningRefusedError, and nothing is signed or sent.
   */
  claim(urlOrCode: string, options?: ClaimOptions): Promise<ClaimResult>
  /** The first half of `claim`: GET the offer (what it is, who issues it, the node's challenge), to show the learner before accepting. */
  openClaim(urlOrCode: string, options?: ClaimOptions): Promise<OpenedClaim>
  /** The second half of `claim`: sign (by the rule of binding.ts), POST, check and keep the credential and its pathway badges. */
  acceptClaim(opened: OpenedClaim, options?: AcceptClaimOptions): Promise<ClaimResult>
  /** The OB 3.0 grants made in the holder's name on a node (apps it signed in to), proven by a presentation. */
  grants(options: GrantsOptions): Promise<NodeGrant[]>
  /** Revokes one of them: its access and refresh tokens stop working at once. */
  revokeGrant(grantId: string, options: GrantsOptions): Promise<void>
  /**
   * Replaces the holder key with a backup's (made with `export({ includeKey: true })`), only while
   * the wallet holds no credential (WalletExistsError otherwise); the same key again changes
   * nothing. Its credentials are not imported: `import(backup)` next. Returns the holder DID.
   */
  restoreKey(backup: unknown, options?: RestoreKeyOptions): Promise<string>
  close(): Promise<void>
}

/** The learner's wallet in a directory (createWallet: a level store and a key file). */
export interface Wallet extends WalletCore {
  readonly directory: string
}
