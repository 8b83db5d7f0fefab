/**
 * The wallet in a directory (Node): the rules of core.ts over a level store in DIR/store and the
 * holder key in DIR/holder.key (level.ts). Every write is synced before its promise resolves; a
 * credential's id is its key, so the same credential is never held twice.
 */
import { createWalletCore } from './core.js'
import { keyFileHolderStore, keyFileSealer, levelHeldStore } from './level.js'
import type { Wallet, WalletInit } from './types.js'

/** Creates a wallet on `init.directory`. Touches nothing on disk until it is used. */
export function createWallet (init: WalletInit): Wallet {
  if (typeof init !== 'object' || init === null) throw new TypeError('createWallet(init): init must be an object')
  const { directory } = init
  if (typeof directory !== 'string' || directory === '') throw new TypeError('createWallet: init.directory must be a non-empty string')
  if (init.passphrase != null && (typeof init.passphrase !== 'string' || init.passphrase === '')) throw new TypeError('createWallet: init.passphrase must be a non-empty string')
  const core = createWalletCore({
    held: levelHeldStore(directory),
    holderKey: keyFileHolderStore({ directory, ...(init.passphrase != null ? { passphrase: init.passphrase } : {}), ...(init.unencrypted === true ? { unencrypted: true } : {}) }),
    keySealer: keyFileSealer,
    ...(init.passphrase != null ? { passphrase: init.passphrase } : {}),
    ...(init.fetch != null ? { fetch: init.fetch } : {}),
    ...(init.now != null ? { now: init.now } : {})
  })
  return { ...core, directory }
}

/** Opens the wallet in `init.directory`; throws WalletNotInitialisedError when there is none. */
export async function openWallet (init: WalletInit): Promise<Wallet> {
  const wallet = createWallet(init)
  await wallet.open()
  return wallet
}
