/**
 * The wallet's storage: one IndexedDB database of this origin, in this browser only. Nothing in it
 * is ever sent anywhere by this module.
 *
 *   holder    'holder' -> HolderRecord (the holder key, its secret included: it never leaves the page)
 *   held      credential id -> HeldCredential (the record @cofl/wallet keeps, credential as received)
 *   settings  name -> value (the learner's place, ...)
 */
import type { HeldCredential } from '@cofl/wallet/browser'

/** The IndexedDB database of the wallet page (per origin: one wallet per node address). */
export const DB_NAME = 'cofl-wallet'
export const DB_VERSION = 1

const HOLDER = 'holder'
const HELD = 'held'
const SETTINGS = 'settings'

/** The holder key as the page keeps it. */
export interface HolderRecord {
  did: string
  publicKeyMultibase: string
  secretKeyMultibase: string
  /** When this browser created it, or restored it from a backup (ISO date-time). */
  createdAt: string
  /** `created` here, or `restored` from a backup. */
  origin: 'created' | 'restored'
}

export interface WalletDb {
  holder: () => Promise<HolderRecord | undefined>
  /** Writes the holder key; with `replace`, over another one (a restore, only while no credential is held). */
  setHolder: (record: HolderRecord, options?: { replace?: boolean }) => Promise<void>
  /** Every held credential, in id order. */
  held: () => Promise<HeldCredential[]>
  getHeld: (id: string) => Promise<HeldCredential | undefined>
  putHeld: (record: HeldCredential) => Promise<void>
  deleteHeld: (id: string) => Promise<void>
  getSetting: <T>(name: string) => Promise<T | undefined>
  setSetting: (name: string, value: unknown) => Promise<void>
  deleteSetting: (name: string) => Promise<void>
  /** Deletes the key, every credential and every setting. */
  clear: () => Promise<void>
  close: () => void
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
export async function openWalletDb (name = DB_NAME): Promise<WalletDb> {
  if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB (a private window may turn it off): the wallet cannot keep anything here')
  const open = indexedDB.open(name, DB_VERSION)
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

  return {
    holder: async () => await read<HolderRecord>(HOLDER, HOLDER),
    async setHolder (record, options = {}) {
      const tx = db.transaction([HOLDER, HELD], 'readwrite', { durability: 'strict' })
      const holders = tx.objectStore(HOLDER)
      const existing = await promised(holders.get(HOLDER)) as HolderRecord | undefined
      if (existing != null && existing.did !== record.did) {
        if (options.replace !== true) { tx.abort(); throw new Error('this browser holds a wallet key already; it is never replaced silently') }
        const count = await promised(tx.objectStore(HELD).count())
        if (count > 0) { tx.abort(); throw new Error(`the wallet holds ${count} badge${count === 1 ? '' : 's'} of ${existing.did}: back them up and forget this wallet before restoring another key`) }
      }
      holders.put(record, HOLDER)
      await done(tx)
    },
    async held () {
      const tx = db.transaction(HELD, 'readonly')
      return await promised(tx.objectStore(HELD).getAll()) as HeldCredential[]
    },
    getHeld: async (id) => await read<HeldCredential>(HELD, id),
    putHeld: async (record) => { await write(HELD, (s) => s.put(record)) },
    deleteHeld: async (id) => { await write(HELD, (s) => s.delete(id)) },
    getSetting: async <T>(key: string) => await read<T>(SETTINGS, key),
    setSetting: async (key, value) => { await write(SETTINGS, (s) => s.put(value, key)) },
    deleteSetting: async (key) => { await write(SETTINGS, (s) => s.delete(key)) },
    async clear () {
      const tx = db.transaction([HOLDER, HELD, SETTINGS], 'readwrite', { durability: 'strict' })
      for (const store of [HOLDER, HELD, SETTINGS]) tx.objectStore(store).clear()
      await done(tx)
    },
    close: () => { db.close() }
  }
}
