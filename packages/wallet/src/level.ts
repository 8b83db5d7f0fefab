/**
 * The wallet's stores in a directory the learner owns (Node; storage.ts): the held credentials in
 * a level store, DIR/store (its collection HELD_COLLECTION, 'held', which this package owns:
 * walletSchema; key = credential id, every write synced), and the holder key in an @cofl/identity key file, DIR/holder.key (mode 0600, encrypted
 * with the passphrase: scrypt + AES-256-GCM, never overwritten but by a restore); a backup's key
 * is sealed the same way (`keyFileSealer`). `createWallet` (wallet.ts) puts them together.
 */
import { access, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeKeyFile, encodeKeyFile, KeyFileError, loadKeyFile, parseKeyFile, readKeyFile, writeKeyFile } from '@cofl/identity'
import type { KeyPair, KeyProtection } from '@cofl/identity'
import { openLevelStore } from '@cofl/store'
import type { Collection, Schema, Store } from '@cofl/store'
import { HELD_COLLECTION, HOLDER_KEY_FILE, STORE_DIRECTORY } from './constants.js'
import { WalletExistsError } from './errors.js'
import type { HeldCredentialStore, HolderKeySealer, HolderKeyStore, SaveHolderKeyOptions } from './storage.js'
import type { HeldCredential } from './types.js'

type Json = Record<string, unknown>

async function fileExists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/**
 * The records @cofl/wallet owns in its level store: the held credentials (HELD_COLLECTION).
 * Version 1 is the layout of the store's former `held` collection.
 */
export const walletSchema: Schema = { owner: 'wallet', version: 1, migrations: [] }

/** The held credentials in the level store DIR/store (opened on first use, created with its directory). */
export function levelHeldStore (directory: string): HeldCredentialStore {
  if (typeof directory !== 'string' || directory === '') throw new TypeError('levelHeldStore(directory): directory must be a non-empty string')
  let opening: Promise<Store> | undefined

  async function store (): Promise<Store> {
    if (opening == null) {
      opening = openLevelStore({ directory: join(directory, STORE_DIRECTORY), schemas: [walletSchema] })
      opening.catch(() => { opening = undefined })
    }
    return await opening
  }

  async function held (): Promise<Collection<HeldCredential>> {
    return (await store()).collection<HeldCredential>(HELD_COLLECTION)
  }

  return {
    async open () { await store() },
    get: async (id) => await (await held()).get(id),
    async list () {
      const out: HeldCredential[] = []
      for await (const record of (await held()).values()) out.push(record)
      return out
    },
    put: async (record) => { await (await held()).put(record.id, record) },
    async putMany (records) {
      if (records.length === 0) return
      const collection = await held()
      const batch = (await store()).batch()
      for (const record of records) batch.put(collection, record.id, record)
      await batch.write()
    },
    delete: async (id) => { await (await held()).del(id) },
    async close () {
      const pending = opening
      opening = undefined
      if (pending != null) await (await pending.catch(() => undefined))?.close()
    }
  }
}

export interface KeyFileHolderStoreInit {
  /** The wallet's directory: the key is DIR/holder.key; `save` creates the directory (mode 0700). */
  directory: string
  /** Opens the key, and encrypts it when `save` writes it. */
  passphrase?: string
  /** `save` writes the key in clear: for tests only. */
  unencrypted?: boolean
}

/** The holder key in the key file DIR/holder.key. */
export function keyFileHolderStore (init: KeyFileHolderStoreInit): HolderKeyStore {
  const { directory } = init
  if (typeof directory !== 'string' || directory === '') throw new TypeError('keyFileHolderStore: init.directory must be a non-empty string')
  const path = join(directory, HOLDER_KEY_FILE)
  const exists = (): WalletExistsError => new WalletExistsError(`${directory} holds a wallet already; its key is never replaced`)

  return {
    location: directory,
    async info () {
      if (!await fileExists(path)) return undefined
      return { did: (await readKeyFile(path)).did }
    },
    async load () {
      if (!await fileExists(path)) return undefined
      return await loadKeyFile(path, init.passphrase != null ? { passphrase: init.passphrase } : {})
    },
    async save (key: KeyPair, options: SaveHolderKeyOptions) {
      if (options.replace !== true && await fileExists(path)) throw exists()
      let protection: KeyProtection
      if (init.unencrypted === true) protection = { unencrypted: true }
      else if (init.passphrase != null) protection = { passphrase: init.passphrase }
      else throw new TypeError('init: the wallet needs a passphrase to encrypt its holder key (or unencrypted: true, for tests)')
      await mkdir(directory, { recursive: true, mode: 0o700 })
      if (options.replace === true) {
        // Written beside it, then renamed over it: the old key or the new one, never half of one.
        const next = `${path}.new`
        await rm(next, { force: true })
        await writeKeyFile(next, key, protection)
        await rename(next, path)
        return
      }
      try {
        await writeKeyFile(path, key, protection)
      } catch (err) {
        if (err instanceof KeyFileError && await fileExists(path)) throw exists()
        throw err
      }
    }
  }
}

/** A backup's holder key as an @cofl/identity key file, encrypted with the passphrase (scrypt). */
export const keyFileSealer: HolderKeySealer = {
  seal: async (key, passphrase) => await encodeKeyFile(key, { passphrase }) as unknown as Json,
  open: async (sealed, passphrase) => await decodeKeyFile(parseKeyFile(sealed), passphrase != null ? { passphrase } : {})
}
