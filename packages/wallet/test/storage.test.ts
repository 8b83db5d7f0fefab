// One compliance suite for the wallet's storage interfaces (src/storage.ts), run against each
// implementation: memory, a directory (level store + key file), IndexedDB (fake-indexeddb: the
// page's own database, in Node). First the stores alone (what the interfaces promise), then the
// wallet's rules over them (src/core.ts: admission, claims with their pathway badges, presenting,
// backup and restore, status refresh), which must behave the same whatever keeps the data. Last,
// a database left by the wallet page before the wallet moved into @cofl/wallet still opens.
import { join } from 'node:path'
import { verifyPresentationProof } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { LEGACY_SCHEMA_OWNER, openLevelStore } from '@cofl/store'
import { tampered, tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import type { TestIssuer } from '@cofl/test-support/issuers'
import { IDBFactory } from 'fake-indexeddb'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createWalletCore, CredentialConflictError, CredentialRefusedError, ImportFormatError, keyFileHolderStore, keyFileSealer, levelHeldStore,
  memoryHeldStore, memoryHolderKeyStore, NotHolderError, WalletExistsError, WalletNotInitialisedError, walletSchema
} from '../src/index.js'
import { HELD_COLLECTION, STORE_DIRECTORY } from '../src/constants.js'
import type { HeldCredential, HeldCredentialStore, HolderKeySealer, HolderKeyStore, WalletCore } from '../src/index.js'
import { KeyPassphraseError, openHolderKey, openIndexedDbWallet, webCryptoSealer, WALLET_DB_NAME } from '../src/browser.js'
import { rejects, stubNode } from './helpers.js'

type Json = Record<string, unknown>

/** The passphrase the learner gives the wallet page (its key is sealed with it in IndexedDB). */
const PAGE_PASSPHRASE = 'harbour lights at dusk'

/** One wallet's storage; `reopen` gives the same data through new objects (as after a restart), where the implementation has any. */
interface Storage {
  held: HeldCredentialStore
  holderKey: HolderKeyStore
  keySealer: HolderKeySealer
  reopen: () => Promise<Storage>
  close: () => Promise<void>
}

interface Implementation {
  name: string
  /** A new, empty storage. */
  create: () => Promise<Storage>
}

let root: TempDir
let issuer: TestIssuer
let count = 0
const opened: Storage[] = []

const implementations: Implementation[] = [
  {
    name: 'memory',
    async create () {
      const storage: Storage = { held: memoryHeldStore(), holderKey: memoryHolderKeyStore(), keySealer: webCryptoSealer, reopen: async () => storage, close: async () => {} }
      return storage
    }
  },
  {
    name: 'level + key file',
    async create () {
      const directory = join(root.path, `level-${++count}`)
      const make = async (): Promise<Storage> => {
        const held = levelHeldStore(directory)
        const storage: Storage = {
          held,
          holderKey: keyFileHolderStore({ directory, unencrypted: true }),
          keySealer: keyFileSealer,
          reopen: async () => { await held.close(); return await make() },
          close: async () => { await held.close() }
        }
        opened.push(storage)
        return storage
      }
      return await make()
    }
  },
  {
    name: 'IndexedDB',
    async create () {
      const indexedDB = new IDBFactory()
      const make = async (): Promise<Storage> => {
        const db = await openIndexedDbWallet({ indexedDB })
        await db.unlock(PAGE_PASSPHRASE) // the page asks for it once per load
        return {
          held: db.held,
          holderKey: db.holderKey,
          keySealer: webCryptoSealer,
          reopen: async () => { db.close(); return await make() },
          close: async () => { db.close() }
        }
      }
      return await make()
    }
  }
]

function walletOver (storage: Storage, init: { fetch?: typeof globalThis.fetch, passphrase?: string } = {}): WalletCore {
  return createWalletCore({ held: storage.held, holderKey: storage.holderKey, keySealer: storage.keySealer, ...init })
}

async function before (): Promise<void> {
  root ??= await tempDir('cofl-wallet-storage-')
  issuer ??= await createIssuer({ directory: join(root.path, 'issuer') })
}

/** A record as the wallet keeps one, without a real credential (the stores do not check). */
function record (id: string, name = 'Coding Club'): HeldCredential {
  return {
    id,
    credential: { id, type: ['VerifiableCredential', 'OpenBadgeCredential'], name },
    source: 'test',
    addedAt: '2026-01-01T00:00:00.000Z',
    types: ['OpenBadgeCredential'],
    name,
    issuer: { id: 'did:key:z6MkIssuer' },
    status: { state: 'unknown', reason: 'not checked', checkedAt: '2026-01-01T00:00:00.000Z' }
  }
}

for (const implementation of implementations) {
  const test = suite(`storage: ${implementation.name}`)
  test.before(before)

  test('held credentials: put, get, list in id order, putMany, delete; what comes back is a copy', async () => {
    const storage = await implementation.create()
    const { held } = storage
    await held.open()
    assert.is(await held.get('urn:x:1'), undefined)
    assert.equal(await held.list(), [])
    await held.put(record('urn:x:2'))
    await held.putMany([record('urn:x:3'), record('urn:x:1')])
    await held.putMany([])
    assert.equal((await held.list()).map((r) => r.id), ['urn:x:1', 'urn:x:2', 'urn:x:3'])
    assert.equal(await held.get('urn:x:2'), record('urn:x:2'))
    const copy = await held.get('urn:x:2') as HeldCredential
    copy.name = 'changed'
    assert.is((await held.get('urn:x:2'))?.name, 'Coding Club')
    await held.put(record('urn:x:2', 'Coding Club II'))
    assert.is((await held.get('urn:x:2'))?.name, 'Coding Club II')
    await held.delete('urn:x:2')
    await held.delete('urn:x:nothing')
    assert.equal((await held.list()).map((r) => r.id), ['urn:x:1', 'urn:x:3'])
    const again = await storage.reopen()
    assert.equal((await again.held.list()).map((r) => r.id), ['urn:x:1', 'urn:x:3'], 'kept across a reopen')
    await again.close()
  })

  test('holder key: none at first; saved, told without opening, loaded; never replaced but by a restore', async () => {
    const storage = await implementation.create()
    const keys = storage.holderKey
    assert.type(keys.location, 'string')
    assert.is(await keys.info(), undefined)
    assert.is(await keys.load(), undefined)
    const first = await generateKeyPair()
    await keys.save(first, { origin: 'created' })
    assert.is((await keys.info())?.did, first.did)
    const loaded = await keys.load()
    assert.is(loaded?.did, first.did)
    assert.is(loaded?.secretKeyMultibase, first.secretKeyMultibase)
    const second = await generateKeyPair()
    await rejects(keys.save(second, { origin: 'created' }), WalletExistsError, /never replaced/)
    assert.is((await keys.info())?.did, first.did)
    await keys.save(second, { origin: 'restored', replace: true })
    const info = await keys.info()
    assert.is(info?.did, second.did)
    if (info?.origin != null) assert.is(info.origin, 'restored')
    const again = await storage.reopen()
    assert.is((await again.holderKey.load())?.did, second.did, 'kept across a reopen')
    await again.close()
  })

  test('the wallet over it: admission (verified, about the holder, one credential per id), list, remove', async () => {
    const storage = await implementation.create()
    const wallet = walletOver(storage)
    await rejects(wallet.did(), WalletNotInitialisedError)
    assert.not.ok(await wallet.exists())
    const did = await wallet.init()
    assert.is((await wallet.holder()).did, did)
    await rejects(wallet.init(), WalletExistsError)
    const credential = await issuer.issue(did)
    assert.ok((await wallet.add(credential, { source: 'test' })).added)
    assert.not.ok((await wallet.add(structuredClone(credential))).added, 'the same credential is held once')
    await rejects(wallet.add(tampered(credential, (c) => { c.name = 'Forged' })), CredentialRefusedError, /Signature/)
    // Another valid credential under an id held already: a conflict, nothing replaced.
    const second = await issuer.issue(did)
    await storage.held.put(record(second.id as string, 'Held first'))
    await rejects(wallet.add(second), CredentialConflictError)
    assert.is((await wallet.get(second.id as string))?.name, 'Held first')
    await storage.held.delete(second.id as string)
    await rejects(wallet.add({ not: 'a credential' }), CredentialRefusedError)
    const other = await issuer.issue('did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2')
    await rejects(wallet.add(other), NotHolderError, /not about this wallet's holder/)
    assert.ok((await wallet.add(other, { force: true })).held.forced)
    assert.equal((await wallet.list()).map((h) => h.id), [credential.id, other.id].sort())
    assert.ok(await wallet.remove(other.id as string))
    assert.not.ok(await wallet.remove(other.id as string))
    await wallet.close()
    const again = walletOver(await storage.reopen())
    assert.is(await again.did(), did)
    assert.equal((await again.list()).map((h) => h.id), [credential.id])
    await again.close()
  })

  test('the wallet over it: a claim with its pathway badges, a presentation, the status refreshed', async () => {
    const origin = `http://city-${++count}.test`
    const node = stubNode(origin, issuer, { awards: async (holder) => [await issuer.issue(holder, { status: true, name: 'Harbour Crew' })] })
    node.offers.set('code-storage00000', { used: false })
    const wallet = walletOver(await implementation.create(), { fetch: node.fetch })
    const did = await wallet.init()
    const opened = await wallet.openClaim(`${origin}/api/claims/code-storage00000`)
    assert.is(opened.offer.domain, new URL(origin).host)
    const claimed = await wallet.acceptClaim(opened)
    assert.is(claimed.held.status.state, 'active')
    assert.is(claimed.awards.length, 1)
    assert.is((await wallet.list()).length, 2)
    const vp = await wallet.present([claimed.id], { challenge: 'verifier-challenge', domain: 'jobs.example' })
    assert.ok((await verifyPresentationProof(vp, { challenge: 'verifier-challenge', domain: 'jobs.example' })).verified)
    assert.is(vp.holder, did)
    await issuer.revoke(claimed.held.credential as never)
    const items = await wallet.refreshStatus({ getStatusList: async () => await issuer.statusList() })
    assert.is(items.find((i) => i.id === claimed.id)?.status.state, 'revoked')
    await wallet.close()
  })

  test('the wallet over it: a backup with its key restores the same wallet; a restore never replaces a key that holds badges', async () => {
    const passphrase = 'correct horse battery'
    const wallet = walletOver(await implementation.create())
    const did = await wallet.init()
    await wallet.add(await issuer.issue(did))
    const backup = await wallet.export({ includeKey: true, keyPassphrase: passphrase })
    assert.is(backup.did, did)
    assert.is(backup.credentials.length, 1)
    assert.not.match(JSON.stringify(backup), /secretKeyMultibase/)

    const fresh = walletOver(await implementation.create(), { passphrase })
    await fresh.init()
    assert.is(await fresh.restoreKey(backup), did)
    assert.is(await fresh.did(), did)
    const imported = await fresh.import(backup)
    assert.is(imported.added, 1)
    assert.is(imported.backupDid, did)
    const stranger = walletOver(await implementation.create())
    await stranger.init()
    await stranger.add(await issuer.issue(await stranger.did()))
    await rejects(stranger.restoreKey(backup, { passphrase }), WalletExistsError, /back them up/)
    await rejects(walletOver(await implementation.create()).restoreKey(backup, { passphrase: 'wrong passphrase' }), Error)
    const restored = walletOver(await implementation.create(), { passphrase })
    assert.is(await restored.init({ restore: backup }), did)
    assert.is((await restored.holder()).did, did)
    for (const w of [wallet, fresh, stranger, restored]) await w.close()
  })

  test.run()
}

const legacy = suite('storage: IndexedDB of the wallet page as it was')
legacy.before(before)

legacy('a database the page made before (name, version 1, stores holder / held / settings) opens with its key, badges and settings', async () => {
  const indexedDB = new IDBFactory()
  const key = await generateKeyPair()
  const credential = await issuer.issue(key.did) as unknown as Json
  const kept = { ...record(credential.id as string), credential }
  // What the wallet page's own database code wrote before it moved into @cofl/wallet: the same name, version and object stores.
  await new Promise<void>((resolve, reject) => {
    const open = indexedDB.open(WALLET_DB_NAME, 1)
    open.onupgradeneeded = () => {
      const db = open.result
      db.createObjectStore('holder')
      db.createObjectStore('held', { keyPath: 'id' })
      db.createObjectStore('settings')
    }
    open.onerror = () => { reject(open.error) }
    open.onsuccess = () => {
      const db = open.result
      const tx = db.transaction(['holder', 'held', 'settings'], 'readwrite')
      tx.objectStore('holder').put({ did: key.did, publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase, createdAt: '2026-01-02T03:04:05.000Z', origin: 'created' }, 'holder')
      tx.objectStore('held').put(kept)
      tx.objectStore('settings').put({ lat: 50.37, lon: -4.14 }, 'place')
      tx.oncomplete = () => { db.close(); resolve() }
      tx.onerror = () => { reject(tx.error) }
    }
  })
  const db = await openIndexedDbWallet({ indexedDB })
  assert.is(await db.keyState(), 'clear')
  // The first passphrase the learner sets seals the older page's key in place (the migration).
  assert.is(await db.unlock(PAGE_PASSPHRASE), 'clear')
  assert.is(await db.keyState(), 'sealed')
  const stored = await rawHolderRecord(indexedDB)
  assert.not.ok('secretKeyMultibase' in stored, 'the clear key is gone')
  assertNoRawKey(stored, key)
  const wallet = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer })
  assert.equal(await wallet.holder(), { did: key.did, createdAt: '2026-01-02T03:04:05.000Z', origin: 'created' })
  assert.equal((await wallet.list()).map((h) => h.id), [kept.id])
  assert.equal(await db.settings.get<Json>('place'), { lat: 50.37, lon: -4.14 })
  const vp = await wallet.present([kept.id], { challenge: 'c-1' })
  assert.is(vp.holder, key.did, 'the stored key signs')
  // After the migration, the next page load needs that passphrase: a wrong one opens nothing.
  db.close()
  const reloaded = await openIndexedDbWallet({ indexedDB })
  await rejects(reloaded.unlock('another passphrase'), KeyPassphraseError, /wrong passphrase/)
  await rejects(createWalletCore({ held: reloaded.held, holderKey: reloaded.holderKey, keySealer: webCryptoSealer }).present([kept.id], { challenge: 'c-2' }), KeyPassphraseError, /locked/)
  await reloaded.unlock(PAGE_PASSPHRASE)
  const again = createWalletCore({ held: reloaded.held, holderKey: reloaded.holderKey, keySealer: webCryptoSealer })
  assert.is((await again.present([kept.id], { challenge: 'c-3' })).holder, key.did)
  await reloaded.clear()
  assert.not.ok(await again.exists())
  reloaded.close()
})

/** The holder record as the database keeps it, read without the wallet's code. */
async function rawHolderRecord (indexedDB: IDBFactory): Promise<Json> {
  return await new Promise<Json>((resolve, reject) => {
    const open = indexedDB.open(WALLET_DB_NAME)
    open.onerror = () => { reject(open.error) }
    open.onsuccess = () => {
      const db = open.result
      const get = db.transaction('holder', 'readonly').objectStore('holder').get('holder')
      get.onsuccess = () => { db.close(); resolve(get.result as Json) }
      get.onerror = () => { db.close(); reject(get.error) }
    }
  })
}

/** No form of the secret key (multibase, its raw bytes in hex, base64 or as numbers) anywhere in `stored`. */
function assertNoRawKey (stored: Json, key: KeyPair): void {
  const text = JSON.stringify(stored)
  const raw = key.multikey.secretKey as Uint8Array
  assert.ok(raw.length >= 32)
  const seed = Buffer.from(raw.subarray(0, 32))
  const forms = [key.secretKeyMultibase as string, seed.toString('hex'), seed.toString('base64').slice(0, 40), seed.toString('base64url').slice(0, 40), [...seed].join(',')]
  for (const form of forms) assert.not.ok(text.includes(form), `the stored record holds the raw key (${form.slice(0, 6)}...)`)
}

const sealed = suite('storage: the page\'s holder key, sealed with the learner\'s passphrase')
sealed.before(before)

sealed('a key made in the page is kept sealed (PBKDF2 600,000, AES-GCM, random salt and IV): no raw key bytes in the database', async () => {
  const indexedDB = new IDBFactory()
  const db = await openIndexedDbWallet({ indexedDB })
  assert.is(await db.keyState(), 'none')
  const wallet = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer })
  await rejects(wallet.init(), KeyPassphraseError, /passphrase first/)
  assert.is(await db.keyState(), 'none', 'nothing kept without a passphrase')
  await rejects(db.unlock('short'), KeyPassphraseError, /at least 8/)
  assert.is(await db.unlock(PAGE_PASSPHRASE), 'none')
  const did = await wallet.init()
  const stored = await rawHolderRecord(indexedDB)
  assert.is(stored.did, did)
  const secret = (stored.sealed as Json).secret as Json
  assert.is(secret.encryption, 'pbkdf2-sha256-aes-256-gcm')
  assert.is((secret.kdf as Json).iterations, 600_000)
  // The key the wallet signs with is the one sealed: open it as a backup's would be, and look for its bytes.
  const key = await openHolderKey(stored.sealed, PAGE_PASSPHRASE)
  assert.is(key.did, did)
  assertNoRawKey(stored, key)
  db.close()

  // Another wallet with the same passphrase: another salt, another IV.
  const otherDb = new IDBFactory()
  const other = await openIndexedDbWallet({ indexedDB: otherDb })
  await other.unlock(PAGE_PASSPHRASE)
  await createWalletCore({ held: other.held, holderKey: other.holderKey, keySealer: webCryptoSealer }).init()
  const otherSecret = ((await rawHolderRecord(otherDb)).sealed as Json).secret as Json
  other.close()
  assert.is.not((otherSecret.kdf as Json).salt, (secret.kdf as Json).salt)
  assert.is.not(otherSecret.iv, secret.iv)
})

sealed('a wrong passphrase is refused, says so and keeps nothing; the right one opens the key on the next load', async () => {
  const indexedDB = new IDBFactory()
  const first = await openIndexedDbWallet({ indexedDB })
  await first.unlock(PAGE_PASSPHRASE)
  const wallet = createWalletCore({ held: first.held, holderKey: first.holderKey, keySealer: webCryptoSealer })
  const did = await wallet.init()
  const { id } = await wallet.add(await issuer.issue(did))
  first.close()

  const db = await openIndexedDbWallet({ indexedDB })
  assert.is(await db.keyState(), 'sealed')
  const locked = createWalletCore({ held: db.held, holderKey: db.holderKey, keySealer: webCryptoSealer })
  assert.is((await locked.holder()).did, did, 'the DID is told without the passphrase')
  await rejects(locked.present([id], { challenge: 'c' }), KeyPassphraseError, /locked: give its passphrase/)
  const wrong = await db.unlock('harbour lights at dawn').catch((err: unknown) => err)
  assert.instance(wrong, KeyPassphraseError)
  assert.is((wrong as KeyPassphraseError).code, 'COFL_ERR_KEY_PASSPHRASE')
  assert.match((wrong as Error).message, /wrong passphrase/)
  await rejects(locked.present([id], { challenge: 'c' }), KeyPassphraseError, /locked/)
  assert.is(await db.unlock(PAGE_PASSPHRASE), 'sealed')
  const vp = await locked.present([id], { challenge: 'c' })
  assert.is(vp.holder, did)
  db.close()
})

legacy('a sealed key that is not a cofl key, or with a wrong passphrase, is said as such', async () => {
  await rejects(webCryptoSealer.open({ type: 'other' }, 'passphrase'), ImportFormatError, /not a cofl key file/)
  const sealed = await webCryptoSealer.seal(await generateKeyPair(), 'correct horse battery')
  await rejects(webCryptoSealer.open(sealed, 'wrong horse battery'), ImportFormatError, /the passphrase does not open/)
  await rejects(webCryptoSealer.seal(await generateKeyPair(), 'short'), TypeError, /at least 8 characters/)
})

legacy('a wallet directory whose store was written before collections had owners opens with its credentials', async () => {
  const directory = join(root.path, 'legacy-level')
  // The store as @cofl/store wrote it then: the one schema version (2, under the older key of
  // LEGACY_SCHEMA_OWNER) and the credentials in the collection `held` (on disk `!held!<id>`).
  const before = await openLevelStore({ directory: join(directory, STORE_DIRECTORY), schemas: [{ owner: LEGACY_SCHEMA_OWNER, version: 2, migrations: [] }] })
  await before.collection('held').put('urn:x:old', record('urn:x:old', 'Kept'))
  await before.close()
  const held = levelHeldStore(directory)
  assert.equal((await held.list()).map((r) => [r.id, r.name]), [['urn:x:old', 'Kept']])
  await held.put(record('urn:x:new'))
  await held.close()
  const after = await openLevelStore({ directory: join(directory, STORE_DIRECTORY), schemas: [walletSchema] })
  try {
    assert.is(await after.collection('meta').get('schema-version'), 2, 'the issuance log\'s version, left alone')
    assert.is(await after.collection('meta').get('schema-version:wallet'), 1)
    assert.equal(await after.collection(HELD_COLLECTION).count(), 2)
  } finally {
    await after.close()
  }
})

legacy.after(async () => {
  for (const storage of opened) await storage.close()
  await issuer?.close()
  await root?.remove()
})

legacy.run()
sealed.run()
