/**
 * What both entries of @cofl/wallet export, the main one (index.ts, Node) and `@cofl/wallet/browser`
 * (browser.ts): the wallet's rules, errors, storage interfaces and protocol helpers, none of which
 * touches the file system, level or a Node built-in. Each entry adds its own storage on top. One
 * list, so that a name added here reaches both.
 */
export { CHALLENGE_PREFIXES } from './constants.js'
export type { ChallengeUse } from './constants.js'
export {
  ClaimError, CredentialConflictError, CredentialNotFoundError, CredentialRefusedError, CredentialUncheckedError, GrantsError, ImportFormatError,
  isRefusal, NodeRequestError, NotHolderError, SigningRefusedError, WalletError, WalletExistsError, WalletNotInitialisedError
} from './errors.js'
export { createWalletCore } from './core.js'
export type { WalletCoreInit, WalletWords } from './core.js'
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
  PresentOptions, RefreshItem, RefreshOptions, RefusedAward, RestoreKeyOptions, WalletBackup, WalletCore
} from './types.js'
