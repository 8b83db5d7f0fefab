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
export * from './portable.js'
export { KeyPassphraseError } from '@cofl/identity'
export { openIndexedDbWallet, WALLET_DB_NAME, WALLET_DB_VERSION } from './indexeddb.js'
export type { HolderKeyState, HolderRecord, IndexedDbWallet, IndexedDbWalletOptions, WalletSettings } from './indexeddb.js'
export { openHolderKey, sealHolderKey, MIN_SEALING_PASSPHRASE_LENGTH, SEALED_KEY_ENCRYPTION, SEALED_KEY_PBKDF2_ITERATIONS, webCryptoSealer } from './sealed-key.js'
export type { SealedHolderKey } from './sealed-key.js'
export { awardsOf, credentialOf, parseOffer } from './claim.js'
