/**
 * What the wallet keeps, by interface: the credentials it holds and its holder key. The wallet's
 * rules (core.ts) run over any implementation of both, as js-libp2p and Helia take their stores:
 * a level store and a key file in a directory in Node (level.ts), an IndexedDB database in a
 * browser (indexeddb.ts, `@cofl/wallet/browser`), memory for tests and wallets that live for one
 * process (memory.ts). test/storage.test.ts runs one compliance suite against each.
 *
 *   const wallet = createWalletCore({ held: memoryHeldStore(), holderKey: memoryHolderKeyStore(), keySealer })
 */
import type { KeyPair } from '@cofl/identity'
import type { HeldCredential } from './types.js'

type Json = Record<string, unknown>

/** The credentials a wallet holds, by credential id. Every write is durable before its promise resolves. */
export interface HeldCredentialStore {
  /** Opens the storage; every other method opens it too, when it is not open. */
  open: () => Promise<void>
  get: (id: string) => Promise<HeldCredential | undefined>
  /** Every held credential, in id order. */
  list: () => Promise<HeldCredential[]>
  /** Writes one record (over the one of its id, if any). */
  put: (record: HeldCredential) => Promise<void>
  /** Writes several records at once: after a crash, all of them are there or none. */
  putMany: (records: readonly HeldCredential[]) => Promise<void>
  /** Deletes the record of `id` (nothing when there is none). */
  delete: (id: string) => Promise<void>
  /** Closes the storage (a later call opens it again). */
  close: () => Promise<void>
}

/** How a holder key came to the wallet. */
export type HolderKeyOrigin = 'created' | 'restored'

/** What a holder key store tells without opening the key (no passphrase needed). */
export interface HolderKeyInfo {
  did: string
  /** When the key was kept here (ISO date-time), when the store knows it. */
  createdAt?: string
  /** Made here, or restored from a backup, when the store knows it. */
  origin?: HolderKeyOrigin
}

export interface SaveHolderKeyOptions {
  origin: HolderKeyOrigin
  /** Replace a key kept already (a restore); otherwise such a key is never replaced (WalletExistsError). */
  replace?: boolean
}

/** The wallet's one holder key, kept as the store keeps it (encrypted with a passphrase in a key file, in the page's database). */
export interface HolderKeyStore {
  /** Where the key is kept, for messages: a directory, `this browser`. */
  readonly location: string
  /** The key's DID and what else the store knows of it, without opening it; undefined when no key is kept. */
  info: () => Promise<HolderKeyInfo | undefined>
  /** The key pair, opened (an encrypted key: with the passphrase the store was given); undefined when no key is kept. */
  load: () => Promise<KeyPair | undefined>
  /** Keeps `key`, durably. Another key kept already: WalletExistsError, unless `replace`. */
  save: (key: KeyPair, options: SaveHolderKeyOptions) => Promise<void>
}

/**
 * Seals the holder key with a passphrase for a backup, and opens a backup's key. In Node, an
 * @cofl/identity key file (scrypt); in a browser, WebCrypto's PBKDF2 (sealed-key.ts).
 */
export interface HolderKeySealer {
  seal: (key: KeyPair, passphrase: string) => Promise<Json>
  /** Opens a backup's `holderKey`; a wrong passphrase or a damaged key is an error that says so. */
  open: (sealed: unknown, passphrase: string | undefined) => Promise<KeyPair>
}
