/**
 * The wallet's stores in a browser (storage.ts): one IndexedDB database of the page's origin,
 * `cofl-wallet`, the database the wallet page has kept since its first version (its name, version
 * and object stores are unchanged, so a learner's wallet opens as it was). Nothing in it is sent
 * anywhere by this module.
 *
 *   holder    'holder' -> HolderRecord (the holder key, its secret included: it never leaves the page)
 *   held      credential id -> HeldCredential (the record the wallet keeps, credential as received)
 *   settings  name -> value (the learner's place, ...)
 *
 *   const db = await openIndexedDbWallet()
 *   const wallet = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer })
 */
import { keyPairFromMultibase } from '@cofl/identity'
import { WalletExistsError } from './errors.js'
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
  secretKeyMultibase: string
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

export interface IndexedDbWallet {
  held: HeldCredentialStore
  holderKey: HolderKeyStore
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
  const holderKey: HolderKeyStore = {
    location,
    async info () {
      const record = await read<HolderRecord>(HOLDER, HOLDER)
      return record != null ? { did: record.did, createdAt: record.createdAt, origin: record.origin } : undefined
    },
    async load () {
      const record = await read<HolderRecord>(HOLDER, HOLDER)
      if (record == null) return undefined
      const key = await keyPairFromMultibase({ publicKeyMultibase: record.publicKeyMultibase, secretKeyMultibase: record.secretKeyMultibase })
      if (key.did !== record.did) throw new Error(`the stored holder key is not the key of ${record.did}: the wallet's storage is damaged`)
      return key
    },
    async save (key, saveOptions) {
      if (key.secretKeyMultibase == null) throw new TypeError('the holder key must be able to sign')
      const record: HolderRecord = {
        did: key.did, publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase, createdAt: new Date().toISOString(), origin: saveOptions.origin
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
    settings,
    async clear () {
      const tx = db.transaction([HOLDER, HELD, SETTINGS], 'readwrite', { durability: 'strict' })
      for (const store of [HOLDER, HELD, SETTINGS]) tx.objectStore(store).clear()
      await done(tx)
    },
    close: () => { db.close() }
  }
}
