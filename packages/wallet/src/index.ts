/**
 * @packageDocumentation
 *
 * @cofl/wallet: the learner's wallet. A holder key (did:key, encrypted at rest with a passphrase)
 * and the credentials it holds, in a directory the learner owns; nothing leaves it unless the
 * learner presents or exports it. It claims offers from a node (a presentation over the node's
 * challenge) with the pathway badges a claim earns, verifies every credential before it keeps it,
 * presents chosen credentials to a verifier, exports and imports backups (idempotently, each
 * credential synced to disk as it is written), and refreshes the status of what it holds from any
 * node. It signs for a node only when the node's domain is the host of the URL the learner gave
 * and its challenge is of the use under way (binding.ts), and lists and revokes the OB 3.0 grants
 * (apps signed in as the holder) on a node.
 *
 * The wallet's rules (core.ts, `createWalletCore`) take their storage by interface (storage.ts):
 * a HeldCredentialStore and a HolderKeyStore. `createWallet` puts them on a directory (a level
 * store and a key file, level.ts); the browser entry, `@cofl/wallet/browser`, on IndexedDB; and
 * memory.ts keeps them in memory. The same code runs in Node and in the page.
 *
 * @example
 * ```ts
 * import { createWallet, nodeStatusLists } from '@cofl/wallet'
 *
 * const wallet = createWallet({ directory: '/home/ana/.cofl/wallet', passphrase })
 * const did = await wallet.init()                                  // once: the holder key
 * const { id } = await wallet.claim('https://city.example/api/claims/3q2-7w...')
 * console.log(await wallet.list())                                 // name, issuer, status
 * const vp = await wallet.present([id], { challenge, domain: 'jobs.example' })
 * await wallet.refreshStatus({ getStatusList: nodeStatusLists('https://city.example') })
 * const grants = await wallet.grants({ node: 'https://city.example' }) // apps signed in as the holder
 * await wallet.close()
 * ```
 */
export { CHALLENGE_PREFIXES, HOLDER_KEY_FILE } from './constants.js'
export type { ChallengeUse } from './constants.js'
export {
  ClaimError, CredentialConflictError, CredentialNotFoundError, CredentialRefusedError, CredentialUncheckedError, GrantsError, ImportFormatError,
  isRefusal, NodeRequestError, NotHolderError, SigningRefusedError, WalletError, WalletExistsError, WalletNotInitialisedError
} from './errors.js'
export { createWallet, openWallet } from './wallet.js'
export { createWalletCore } from './core.js'
export type { WalletCoreInit, WalletWords } from './core.js'
export { keyFileHolderStore, keyFileSealer, levelHeldStore, walletSchema } from './level.js'
export type { KeyFileHolderStoreInit } from './level.js'
export { memoryHeldStore, memoryHolderKeyStore } from './memory.js'
export type { HeldCredentialStore, HolderKeyInfo, HolderKeyOrigin, HolderKeySealer, HolderKeyStore, SaveHolderKeyOptions } from './storage.js'
export { claimUrl, nodeBaseUrl, nodeStatusLists } from './claim.js'
export { assertPresentable, assertSigningFor, challengeUse, challengeUseProblem, describeChallengeUse, domainOf } from './binding.js'
export type { SigningRequest } from './binding.js'
export { parseGrants, parseGrantsChallenge } from './grants.js'
export { parseImport } from './import.js'
export type { ParsedImport } from './import.js'
export type {
  AcceptClaimOptions, AddOptions, AddResult, ClaimOffer, ClaimOptions, ClaimResult, ExportOptions, GetStatusList, GrantsChallenge, GrantsOptions,
  HeldCredential, HeldStatus, HeldStatusState, HeldSummary, ImportItem, ImportOptions, ImportResult, InitOptions, NodeGrant, OpenedClaim,
  PresentOptions, RefreshItem,
  RefreshOptions, RefusedAward, RestoreKeyOptions, Wallet, WalletBackup, WalletCore, WalletInit
} from './types.js'
