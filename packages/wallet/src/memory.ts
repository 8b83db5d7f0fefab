/**
 * The wallet's stores in memory (storage.ts): for tests, and for a wallet that lives as long as
 * its process. Records are copied in and out, as a database would, so a caller that changes what
 * it got changes nothing held.
 */
import type { KeyPair } from '@cofl/identity'
import { WalletExistsError } from './errors.js'
import type { HeldCredentialStore, HolderKeyInfo, HolderKeyStore, SaveHolderKeyOptions } from './storage.js'
import type { HeldCredential } from './types.js'

/** Held credentials in a Map (listed in id order). */
export function memoryHeldStore (): HeldCredentialStore {
  const records = new Map<string, HeldCredential>()
  return {
    open: async () => {},
    get: async (id) => { const record = records.get(id); return record != null ? structuredClone(record) : undefined },
    list: async () => [...records.keys()].sort().map((id) => structuredClone(records.get(id) as HeldCredential)),
    put: async (record) => { records.set(record.id, structuredClone(record)) },
    putMany: async (batch) => { for (const record of structuredClone(batch)) records.set(record.id, record) },
    delete: async (id) => { records.delete(id) },
    close: async () => {}
  }
}

/** A holder key kept in memory, in clear. */
export function memoryHolderKeyStore (location = 'this process'): HolderKeyStore {
  let kept: { key: KeyPair, info: HolderKeyInfo } | undefined
  return {
    location,
    info: async () => kept != null ? { ...kept.info } : undefined,
    load: async () => kept?.key,
    async save (key: KeyPair, options: SaveHolderKeyOptions) {
      if (kept != null && kept.key.did !== key.did && options.replace !== true) throw new WalletExistsError(`${location} holds a wallet already; its key is never replaced`)
      kept = { key, info: { did: key.did, createdAt: new Date().toISOString(), origin: options.origin } }
    }
  }
}
