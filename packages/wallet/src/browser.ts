/**
 * The browser-safe face of @cofl/wallet (`@cofl/wallet/browser`), for a wallet that lives in a web
 * page: the same wallet as in Node (createWalletCore: the admission rules, claims, grants,
 * presentations, import / export, status refresh, with @cofl/verifier and @cofl/api's client)
 * over the page's IndexedDB database (`openIndexedDbWallet`), with a backup's key sealed by
 * WebCrypto (`webCryptoSealer`). Nothing here touches the file system, level or a Node built-in.
 * Baked badges (PNG and SVG) are @cofl/formats'. `createWallet` (a directory: level and a key
 * file) stays Node-only (the main entry).
 *
 * @example
 * ```ts
 * import { createWalletCore, openIndexedDbWallet, webCryptoSealer } from '@cofl/wallet/browser'
 *
 * const db = await openIndexedDbWallet()                            // the database `cofl-wallet`
 * const wallet = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer, words: { offersForce: false } })
 * if (!await wallet.exists()) await wallet.init()                   // the holder key, made here
 * const opened = await wallet.openClaim(link)                       // the offer, to show the learner
 * const { held, awards } = await wallet.acceptClaim(opened)         // signed here, checked here, kept
 * ```
 */
export { CHALLENGE_PREFIXES } from './constants.js'
export type { ChallengeUse } from './constants.js'
export {
  ClaimError, CredentialConflictError, CredentialNotFoundError, CredentialRefusedError, CredentialUncheckedError, GrantsError, ImportFormatError,
  isRefusal, NodeRequestError, NotHolderError, SigningRefusedError, WalletError, WalletExistsError, WalletNotInitialisedError
} from './errors.js'
export { KeyPassphraseError } from '@cofl/identity'
export { createWalletCore } from './core.js'
export type { WalletCoreInit, WalletWords } from './core.js'
export { openIndexedDbWallet, WALLET_DB_NAME, WALLET_DB_VERSION } from './indexeddb.js'
export type { HolderKeyState, HolderRecord, IndexedDbWallet, IndexedDbWalletOptions, WalletSettings } from './indexeddb.js'
export { openHolderKey, sealHolderKey, MIN_SEALING_PASSPHRASE_LENGTH, SEALED_KEY_ENCRYPTION, SEALED_KEY_PBKDF2_ITERATIONS, webCryptoSealer } from './sealed-key.js'
export type { SealedHolderKey } from './sealed-key.js'
export { memoryHeldStore, memoryHolderKeyStore } from './memory.js'
export type { HeldCredentialStore, HolderKeyInfo, HolderKeyOrigin, HolderKeySealer, HolderKeyStore, SaveHolderKeyOptions } from './storage.js'
export { awardsOf, claimUrl, credentialOf, nodeBaseUrl, nodeStatusLists, parseOffer } from './claim.js'
export { assertPresentable, assertSigningFor, challengeUse, challengeUseProblem, describeChallengeUse, domainOf } from './binding.js'
export type { SigningRequest } from './binding.js'
export { parseGrants, parseGrantsChallenge } from './grants.js'
export { parseImport } from './import.js'
export type { ParsedImport } from './import.js'
export type {
  AcceptClaimOptions, AddOptions, AddResult, ClaimOffer, ClaimOptions, ClaimResult, ExportOptions, GetStatusList, GrantsChallenge, GrantsOptions,
  HeldCredential, HeldStatus, HeldStatusState, HeldSummary, ImportItem, ImportOptions, ImportResult, InitOptions, NodeGrant, OpenedClaim,
  PresentOptions, RefreshItem, RefreshOptions, RefusedAward, RestoreKeyOptions, WalletBackup, WalletCore
} from './types.js'
