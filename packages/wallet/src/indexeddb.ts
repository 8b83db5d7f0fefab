/**
 * The wallet's stores in a browser (storage.ts): one IndexedDB database of the page's origin,
 * `cofl-wallet`, the database the wallet page has kept since its first version (its name, version
 * and object stores are unchanged, so a learner's wallet opens as it was). Nothing in it is sent
 * anywhere by this module.
 *
 *   holder    'holder' -> HolderRecord (the holder key, its secret sealed with the learner's passphrase:
 *             PBKDF2-SHA-256 600,000 iterations and a random salt, AES-256-GCM with a random IV, the
 *             DID as additional data (sealed-key.ts); never the raw key. A record an older page
 *             wrote with the key in clear is sealed the first time a passphrase is given: `unlock`)
 *   held      credential id -> HeldCredential (the record the wallet keeps, credential as received)
 *   settings  name -> value (the learner's place, ...)
 *
 *   const db = await openIndexedDbWallet()
 *   await db.unlock(passphrase)        // once per page load: opens the key (or keeps the passphrase for the one init makes)
 *   const wallet = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer })
 */
import { KeyPassphraseError, keyPairFromMultibase } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { ImportFormatError, WalletExistsError } from './errors.js'
import { MIN_SEALING_PASSPHRASE_LENGTH, openHolderKey, sealHolderKey } from './sealed-key.js'
import type { SealedHolderKey } from './sealed-key.js'
import type { HeldCredentialStore, HolderKeyOrigin, HolderKeyStore } from './storage.js'
import type { HeldCredential } from './types.js'

/** The IndexedDB database of the wallet page (per origin: one wallet per node address). */
export const WALLET_DB_NAME = 'cofl-wallet'
export const WALLET_DB_VERSION = 1

const HOLDER = 'holder'
const HELD = 'held'
const SETTINGS = 'settings'

/** The holder key as the database keeps it (under the key `holder` of the store `holder`). */
export interface HolderRecord {
  did: string
  publicKeyMultibase: string
  /** The secret key sealed with the learner's passphrase (every record this version writes). */
  sealed?: SealedHolderKey
  /** The secret key in clear: only in a record an older page wrote, until `unlock` seals it. */
  secretKeyMultibase?: string
  /** When this browser created it, or restored it from a backup (ISO date-time). */
  createdAt: string
  /** `created` here, or `restored` from a backup. */
  origin: HolderKeyOrigin
}

/** The learner's settings, kept beside the wallet (never sent). */
export interface WalletSettings {
  get: <T>(name: string) => Promise<T | undefined>
  set: (name: string, value: unknown) => Promise<void>
  delete: (name: string) => Promise<void>
}

/** The holder key in the database: none yet, sealed with a passphrase, or in clear (an older page's, sealed at the next `unlock`). */
export type HolderKeyState = 'none' | 'sealed' | 'clear'

export interface IndexedDbWallet {
  held: HeldCredentialStore
  /** Loads the key once `unlock` opened it; saves a key sealed with the passphrase `unlock` was given. */
  holderKey: HolderKeyStore
  /** How the holder key is kept, read without any passphrase. */
  keyState: () => Promise<HolderKeyState>
  /**
   * Gives the passphrase for this page load (at least MIN_SEALING_PASSPHRASE_LENGTH characters):
   * opens a sealed key (a wrong passphrase: KeyPassphraseError, nothing kept); seals a key kept in
   * clear by an older page, in place (the migration); with no key yet, keeps the passphrase to
   * seal the key the wallet makes or restores.
   */
  unlock: (passphrase: string) => Promise<HolderKeyState>
  settings: WalletSettings
  /** Deletes the key, every credential and every setting, in one transaction. */
  clear: () => Promise<void>
  /** Closes the database. */
  close: () => void
}

export interface IndexedDbWalletOptions {
  /** Default WALLET_DB_NAME. */
  name?: string
  /** Default: the page's `indexedDB` (tests: fake-indexeddb's). */
  indexedDB?: IDBFactory
}

function promised<T> (request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')) }
  })
}

function done (tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => { resolve() }
    tx.onerror = () => { reject(tx.error ?? new Error('IndexedDB transaction failed')) }
    tx.onabort = () => { reject(tx.error ?? new Error('IndexedDB transaction aborted')) }
  })
}

/** Opens (creating on first use) the wallet's database. */
export async function openIndexedDbWallet (options: IndexedDbWalletOptions = {}): Promise<IndexedDbWallet> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (factory == null) throw new Error('this browser has no IndexedDB (a private window may turn it off): the wallet cannot keep anything here')
  const open = factory.open(options.name ?? WALLET_DB_NAME, WALLET_DB_VERSION)
  open.onupgradeneeded = () => {
    const db = open.result
    if (!db.objectStoreNames.contains(HOLDER)) db.createObjectStore(HOLDER)
    if (!db.objectStoreNames.contains(HELD)) db.createObjectStore(HELD, { keyPath: 'id' })
    if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS)
  }
  const db = await promised(open)

  async function read<T> (store: string, key: IDBValidKey): Promise<T | undefined> {
    const tx = db.transaction(store, 'readonly')
    return await promised(tx.objectStore(store).get(key)) as T | undefined
  }

  async function write (store: string, fn: (s: IDBObjectStore) => void): Promise<void> {
    const tx = db.transaction(store, 'readwrite', { durability: 'strict' })
    fn(tx.objectStore(store))
    await done(tx)
  }

  const held: HeldCredentialStore = {
    // The database is open already, and closed with the wallet's `close()`.
    open: async () => {},
    get: async (id) => await read<HeldCredential>(HELD, id),
    async list () {
      const tx = db.transaction(HELD, 'readonly')
      return await promised(tx.objectStore(HELD).getAll()) as HeldCredential[] // in key (id) order
    },
    put: async (record) => { await write(HELD, (s) => s.put(record)) },
    putMany: async (records) => { await write(HELD, (s) => { for (const record of records) s.put(record) }) },
    delete: async (id) => { await write(HELD, (s) => s.delete(id)) },
    close: async () => {}
  }

  const location = 'this browser'
  // This page load's passphrase and the key it opened (never written anywhere).
  let passphrase: string | undefined
  let opened: KeyPair | undefined

  async function clearKey (record: HolderRecord): Promise<KeyPair> {
    const key = await keyPairFromMultibase({ publicKeyMultibase: record.publicKeyMultibase, secretKeyMultibase: record.secretKeyMultibase as string })
    if (key.did !== record.did) throw new Error(`the stored holder key is not the key of ${record.did}: the wallet's storage is damaged`)
    return key
  }

  async function openSealed (record: HolderRecord, given: string): Promise<KeyPair> {
    try {
      const key = await openHolderKey(record.sealed, given)
      if (key.did !== record.did) throw new ImportFormatError(`the stored holder key is not the key of ${record.did}`)
      return key
    } catch (err) {
      if (err instanceof ImportFormatError && /passphrase/.test(err.message)) throw new KeyPassphraseError('wrong passphrase: it does not open this wallet\'s key', { cause: err })
      throw new Error(`the wallet's stored key cannot be opened: the wallet's storage is damaged (${(err as Error).message})`, { cause: err })
    }
  }

  function stateOf (record: HolderRecord | undefined): HolderKeyState {
    return record == null ? 'none' : record.sealed != null ? 'sealed' : 'clear'
  }

  async function unlock (given: string): Promise<HolderKeyState> {
    if (typeof given !== 'string' || given.length < MIN_SEALING_PASSPHRASE_LENGTH) {
      throw new KeyPassphraseError(`the passphrase must be at least ${MIN_SEALING_PASSPHRASE_LENGTH} characters`)
    }
    const record = await read<HolderRecord>(HOLDER, HOLDER)
    if (record?.sealed != null) {
      opened = await openSealed(record, given)
    } else if (record != null) {
      // An older page's key in clear: sealed now, in place of the clear record (one write: the key is never lost).
      const key = await clearKey(record)
      const sealed: HolderRecord = {
        did: record.did, publicKeyMultibase: record.publicKeyMultibase, sealed: await sealHolderKey(key, given), createdAt: record.createdAt, origin: record.origin
      }
      const tx = db.transaction(HOLDER, 'readwrite', { durability: 'strict' })
      const finished = done(tx)
      finished.catch(() => {})
      const holders = tx.objectStore(HOLDER)
      const now = await promised(holders.get(HOLDER)) as HolderRecord | undefined
      if (now?.did !== record.did || now.sealed != null) { tx.abort(); return await unlock(given) } // changed meanwhile (another tab): read again
      holders.put(sealed, HOLDER)
      await finished
      opened = key
    } else {
      opened = undefined
    }
    passphrase = given
    return stateOf(record)
  }

  const holderKey: HolderKeyStore = {
    location,
    async info () {
      const record = await read<HolderRecord>(HOLDER, HOLDER)
      return record != null ? { did: record.did, createdAt: record.createdAt, origin: record.origin } : undefined
    },
    async load () {
      const record = await read<HolderRecord>(HOLDER, HOLDER)
      if (record == null) return undefined
      if (record.sealed == null) return await clearKey(record)
      if (opened?.did === record.did) return opened
      if (passphrase == null) throw new KeyPassphraseError('this wallet is locked: give its passphrase to open its key')
      opened = await openSealed(record, passphrase)
      return opened
    },
    async save (key, saveOptions) {
      if (key.secretKeyMultibase == null) throw new TypeError('the holder key must be able to sign')
      if (passphrase == null) throw new KeyPassphraseError('give the wallet a passphrase first: its key is kept sealed with it')
      const record: HolderRecord = {
        did: key.did, publicKeyMultibase: key.publicKeyMultibase, sealed: await sealHolderKey(key, passphrase), createdAt: new Date().toISOString(), origin: saveOptions.origin
      }
      // One transaction over the key and the credentials: a restore sees whether any credential is held, and nothing is written between.
      const tx = db.transaction([HOLDER, HELD], 'readwrite', { durability: 'strict' })
      const finished = done(tx)
      finished.catch(() => {})
      const holders = tx.objectStore(HOLDER)
      const existing = await promised(holders.get(HOLDER)) as HolderRecord | undefined
      if (existing != null && existing.did !== record.did) {
        if (saveOptions.replace !== true) { tx.abort(); throw new WalletExistsError(`${location} holds a wallet already; its key is never replaced`) }
        const count = await promised(tx.objectStore(HELD).count())
        if (count > 0) { tx.abort(); throw new WalletExistsError(`the wallet holds ${count} badge${count === 1 ? '' : 's'} of ${existing.did}: back them up and forget this wallet before restoring another key`) }
      }
      holders.put(record, HOLDER)
      await finished
      opened = key
    }
  }

  const settings: WalletSettings = {
    get: async <T>(name: string) => await read<T>(SETTINGS, name),
    set: async (name, value) => { await write(SETTINGS, (s) => s.put(value, name)) },
    delete: async (name) => { await write(SETTINGS, (s) => s.delete(name)) }
  }

  return {
    held,
    holderKey,
    keyState: async () => stateOf(await read<HolderRecord>(HOLDER, HOLDER)),
    unlock,
    settings,
    async clear () {
      const tx = db.transaction([HOLDER, HELD, SETTINGS], 'readwrite', { durability: 'strict' })
      for (const store of [HOLDER, HELD, SETTINGS]) tx.objectStore(store).clear()
      await done(tx)
      opened = undefined
    },
    close: () => { db.close() }
  }
}
