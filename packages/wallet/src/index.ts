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
export * from './portable.js'
export { HOLDER_KEY_FILE } from './constants.js'
export { createWallet, openWallet } from './wallet.js'
export { keyFileHolderStore, keyFileSealer, levelHeldStore, walletSchema } from './level.js'
export type { KeyFileHolderStoreInit } from './level.js'
export type { Wallet, WalletInit } from './types.js'
