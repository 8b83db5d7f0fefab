/**
 * The wallet: a holder key (did:key) in DIR/holder.key and the credentials it holds in a level
 * store in DIR/store (collection `held`, key = credential id). Every write is synced before its
 * promise resolves; a credential's id is its key, so the same credential is never held twice.
 */
import { randomUUID } from 'node:crypto'
import { access, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { CREDENTIALS_V2_CONTEXT, buildPresentation, signPresentation } from '@cofl/credentials'
import type { VerifiableCredential, VerifiablePresentation } from '@cofl/credentials'
import { decodeKeyFile, encodeKeyFile, generateKeyPair, KeyFileError, loadKeyFile, parseKeyFile, readKeyFile, writeKeyFile } from '@cofl/identity'
import type { KeyPair, KeyProtection } from '@cofl/identity'
import { openLevelStore } from '@cofl/store'
import type { Collection, Store } from '@cofl/store'
import { createVerifier } from '@cofl/verifier'
import type { Verifier } from '@cofl/verifier'
import { assertPresentable, assertSigningFor } from './binding.js'
import type { SigningRequest } from './binding.js'
import { awardsOf, callJson, claimUrl, credentialOf, nodeBaseUrl, nodeStatusLists, parseOffer } from './claim.js'
import { BACKUP_TYPE, BACKUP_VERSION, CLAIM_PATH, DEFAULT_CLAIM_TIMEOUT_MS, GRANTS_PATHS, HOLDER_KEY_FILE, STORE_DIRECTORY } from './constants.js'
import {
  ClaimError, CredentialConflictError, GrantsError, CredentialNotFoundError, CredentialRefusedError, CredentialUncheckedError, isRefusal, NotHolderError, WalletExistsError,
  WalletNotInitialisedError
} from './errors.js'
import { parseGrants, parseGrantsChallenge } from './grants.js'
import { parseImport } from './import.js'
import { canonicalJson, heldRecord, isObject, statusFromReport, subjectIds, summary } from './records.js'
import type {
  AddOptions, AddResult, ClaimOptions, ClaimResult, ExportOptions, GetStatusList, GrantsOptions, HeldCredential, HeldSummary, ImportItem,
  ImportOptions, NodeGrant, ImportResult, InitOptions, PresentOptions, RefreshItem, RefreshOptions, RefusedAward, Wallet, WalletBackup,
  WalletInit
} from './types.js'

type Json = Record<string, unknown>

/**
 * The checks a credential must pass to enter the wallet; status and dates are recorded, not
 * required. One that failed refuses it; one that cannot be checked here (its signature, by an
 * issuer whose document this wallet cannot resolve) refuses it unless `force` keeps it, marked.
 */
const REQUIRED_CHECKS = new Set(['format', 'schema', 'proof'])

async function fileExists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** Creates a wallet on `init.directory`. Touches nothing on disk until it is used. */
export function createWallet (init: WalletInit): Wallet {
  if (typeof init !== 'object' || init === null) throw new TypeError('createWallet(init): init must be an object')
  const { directory } = init
  if (typeof directory !== 'string' || directory === '') throw new TypeError('createWallet: init.directory must be a non-empty string')
  if (init.passphrase != null && (typeof init.passphrase !== 'string' || init.passphrase === '')) throw new TypeError('createWallet: init.passphrase must be a non-empty string')
  const keyPath = join(directory, HOLDER_KEY_FILE)
  const now = init.now ?? (() => new Date())
  const fetch = init.fetch ?? globalThis.fetch

  let opening: Promise<Store> | undefined
  let holderDid: string | undefined
  let holderKey: KeyPair | undefined
  let offlineVerifier: Verifier | undefined
  // Writes that read a record first (add, remove, refresh) run one at a time per id.
  const locks = new Map<string, Promise<unknown>>()

  async function serialise<T> (id: string, fn: () => Promise<T>): Promise<T> {
    const before = locks.get(id) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const tail = run.catch(() => {})
    locks.set(id, tail)
    try {
      return await run
    } finally {
      if (locks.get(id) === tail) locks.delete(id)
    }
  }

  async function exists (): Promise<boolean> {
    return await fileExists(keyPath)
  }

  async function did (): Promise<string> {
    if (holderDid != null) return holderDid
    if (!await exists()) throw new WalletNotInitialisedError(`${directory} holds no wallet (no ${HOLDER_KEY_FILE}): run \`cofl wallet init\` first`)
    holderDid = (await readKeyFile(keyPath)).did
    return holderDid
  }

  async function store (): Promise<Store> {
    if (opening == null) {
      opening = (async () => {
        await did()
        return await openLevelStore({ directory: join(directory, STORE_DIRECTORY) })
      })()
      opening.catch(() => { opening = undefined })
    }
    return await opening
  }

  async function held (): Promise<Collection<HeldCredential>> {
    return (await store()).held as unknown as Collection<HeldCredential>
  }

  async function key (): Promise<KeyPair> {
    if (holderKey == null) {
      await did()
      holderKey = await loadKeyFile(keyPath, init.passphrase != null ? { passphrase: init.passphrase } : {})
    }
    return holderKey
  }

  // One verifier per status-list source (a claim's, a refresh's): a list it fetched is verified
  // once for all the credentials that name it.
  const onlineVerifiers = new WeakMap<GetStatusList, Verifier>()
  function verifier (getStatusList?: GetStatusList): Verifier {
    if (getStatusList != null) {
      let online = onlineVerifiers.get(getStatusList)
      if (online === undefined) {
        online = createVerifier({ getStatusList, now })
        onlineVerifiers.set(getStatusList, online)
      }
      return online
    }
    offlineVerifier ??= createVerifier({ now })
    return offlineVerifier
  }

  /** Several ids' locks, taken in id order (so two callers never wait on each other). */
  async function serialiseAll<T> (ids: readonly string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(ids)].sort()
    return first == null ? await fn() : await serialise(first, async () => await serialiseAll(rest, fn))
  }

  /**
   * What `add` decides, without writing: the credential held already (`added: false`), or the
   * record to write (`added: true`); throws what `add` refuses. Runs under the id's lock.
   */
  async function check (collection: Collection<HeldCredential>, holder: string, credential: unknown, options: AddOptions): Promise<AddResult> {
    if (!isObject(credential)) {
      throw new CredentialRefusedError(`not a credential: expected a JSON object, got ${Array.isArray(credential) ? 'an array' : credential === null ? 'null' : typeof credential}`)
    }
    const id = credential.id
    const existing = typeof id === 'string' ? await collection.get(id) : undefined
    // The very same credential: it was verified when it was stored.
    if (existing != null && canonicalJson(existing.credential) === canonicalJson(credential)) return { id: id as string, added: false, held: existing }
    const report = await verifier(options.getStatusList).verifyCredential(credential)
    const failed = report.checks.filter((c) => c.outcome === 'failed' && REQUIRED_CHECKS.has(c.id))
    if (failed.length > 0) {
      throw new CredentialRefusedError(`refused${typeof id === 'string' ? ` ${id}` : ''}: ${failed.map((c) => `${c.title}: ${c.reason}`).join('; ')}`, { report })
    }
    if (typeof id !== 'string' || id === '') throw new CredentialRefusedError('refused: the credential has no id, so the wallet cannot tell it from others', { report })
    if (existing != null) throw new CredentialConflictError(`the wallet holds another credential with the id ${id} already (remove it first to replace it)`)
    const unchecked = report.checks.filter((c) => c.outcome === 'indeterminate' && REQUIRED_CHECKS.has(c.id))
    if (unchecked.length > 0 && options.force !== true) {
      throw new CredentialUncheckedError(`refused ${id}: it cannot be checked here: ${unchecked.map((c) => `${c.title}: ${c.reason}`).join('; ')} (force keeps it anyway, marked as not checked)`, { report })
    }
    const subjects = subjectIds(credential)
    const forced = !subjects.includes(holder)
    if (forced && options.force !== true) {
      throw new NotHolderError(`refused ${id}: it is about ${subjects.length > 0 ? subjects.join(', ') : 'no one named'}, not about this wallet's holder ${holder} (force keeps it anyway)`)
    }
    const record = heldRecord({ id, credential, report, source: options.source ?? 'added', at: now(), forced, unchecked: unchecked.length > 0 })
    return { id, added: true, held: record, report }
  }

  /** A refusal of untrusted input (a result to report), as opposed to a failure of the wallet. */
  async function add (credential: unknown, options: AddOptions = {}): Promise<AddResult> {
    if (!isObject(credential)) {
      throw new CredentialRefusedError(`not a credential: expected a JSON object, got ${Array.isArray(credential) ? 'an array' : credential === null ? 'null' : typeof credential}`)
    }
    const collection = await held()
    const holder = await did()
    const id = credential.id
    const addOne = async (): Promise<AddResult> => {
      const result = await check(collection, holder, credential, options)
      if (result.added) await collection.put(result.id, result.held)
      return result
    }
    return typeof id === 'string' ? await serialise(id, addOne) : await addOne()
  }

  async function list (): Promise<HeldSummary[]> {
    const at = now()
    const out: HeldSummary[] = []
    for await (const record of (await held()).values()) out.push(summary(record, at))
    return out
  }

  async function get (id: string): Promise<HeldCredential | undefined> {
    if (typeof id !== 'string') throw new TypeError('id must be a string')
    return await (await held()).get(id)
  }

  async function remove (id: string): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError('id must be a string')
    const collection = await held()
    return await serialise(id, async () => {
      if (!await collection.has(id)) return false
      await collection.del(id)
      return true
    })
  }

  async function present (ids: string[], options: PresentOptions): Promise<Json> {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) throw new TypeError('ids must be a non-empty array of credential ids')
    if (typeof options?.challenge !== 'string' || options.challenge === '') throw new TypeError('options.challenge must be a non-empty string')
    assertPresentable(options.challenge)
    const collection = await held()
    const credentials: VerifiableCredential[] = []
    for (const id of new Set(ids)) {
      const record = await collection.get(id)
      if (record == null) throw new CredentialNotFoundError(`the wallet holds no credential ${id}`)
      credentials.push(record.credential as VerifiableCredential)
    }
    const signer = await key()
    const presentation = buildPresentation({ holder: signer.did, verifiableCredential: credentials })
    return await signPresentation(presentation, { key: signer, challenge: options.challenge, ...(options.domain != null ? { domain: options.domain } : {}) }) as unknown as Json
  }

  async function exportBackup (options: ExportOptions = {}): Promise<WalletBackup> {
    const backup: WalletBackup = { type: BACKUP_TYPE, version: BACKUP_VERSION, did: await did(), createdAt: now().toISOString(), credentials: [] }
    for await (const record of (await held()).values()) backup.credentials.push(record.credential)
    if (options.includeKey === true) {
      const passphrase = options.keyPassphrase ?? init.passphrase
      if (passphrase == null || passphrase === '') throw new TypeError('export({ includeKey }): a passphrase to encrypt the holder key with is needed (keyPassphrase, or the wallet\'s passphrase)')
      backup.holderKey = await encodeKeyFile(await key(), { passphrase })
    }
    return backup
  }

  async function importInput (input: unknown, options: ImportOptions = {}): Promise<ImportResult> {
    const parsed = parseImport(input)
    const result: ImportResult = { added: 0, unchanged: 0, refused: [], items: [] }
    const source = options.source ?? (parsed.kind === 'backup' ? 'backup' : 'import')
    for (const [index, credential] of parsed.credentials.entries()) {
      options.signal?.throwIfAborted()
      const id = isObject(credential) && typeof credential.id === 'string' ? credential.id : undefined
      let item: ImportItem
      try {
        const added = await add(credential, { source, ...(options.force != null ? { force: options.force } : {}) })
        item = { index, id: added.id, outcome: added.added ? 'added' : 'unchanged' }
        if (added.added) result.added++
        else result.unchanged++
      } catch (err) {
        const code = (err as { code?: unknown }).code
        // Refusals of untrusted input are results; anything else (the store failing) stops the import.
        if (!isRefusal(err)) throw err
        item = { index, ...(id != null ? { id } : {}), outcome: 'refused', reason: err.message, code: code as string }
        result.refused.push(item)
      }
      result.items.push(item)
      options.onItem?.(item)
    }
    return result
  }

  async function refreshStatus (options: RefreshOptions): Promise<RefreshItem[]> {
    if (typeof options?.getStatusList !== 'function') throw new TypeError('refreshStatus: options.getStatusList must be a function')
    const lists = new Map<string, Promise<unknown>>()
    const getStatusList: GetStatusList = async (id) => {
      let pending = lists.get(id)
      if (pending == null) {
        pending = options.getStatusList(id)
        lists.set(id, pending)
      }
      return await pending
    }
    const check = createVerifier({ getStatusList, now })
    const collection = await held()
    const items: RefreshItem[] = []
    for await (const [id, snapshot] of collection.entries()) {
      const report = await check.verifyCredential(snapshot.credential)
      const status = statusFromReport(report, now())
      const item = await serialise(id, async (): Promise<RefreshItem | undefined> => {
        const record = await collection.get(id)
        if (record == null) return undefined // removed meanwhile
        const previous = record.status.state
        if (status.state === 'unknown' && previous !== 'unknown') {
          return { id, previous, status: record.status, changed: false, unavailable: status.reason }
        }
        await collection.put(id, { ...record, status })
        return { id, previous, status, changed: status.state !== previous, ...(status.state === 'unknown' ? { unavailable: status.reason } : {}) }
      })
      if (item != null) items.push(item)
    }
    return items
  }

  /**
   * A presentation by the holder (no credential) over the node's challenge, for its domain: only
   * when the wallet's rule holds (binding.ts); otherwise SigningRefusedError and nothing signed.
   */
  async function signFor (request: SigningRequest): Promise<Json> {
    assertSigningFor(request)
    const signer = await key()
    const presentation: VerifiablePresentation = { '@context': [CREDENTIALS_V2_CONTEXT], id: `urn:uuid:${randomUUID()}`, type: ['VerifiablePresentation'], holder: signer.did }
    return await signPresentation(presentation, { key: signer, challenge: request.challenge, domain: request.domain }) as unknown as Json
  }

  /** A fresh `cofl-grants:` challenge of the node, signed over (the rule of binding.ts holds). */
  async function grantsProof (options: GrantsOptions): Promise<{ base: string, presentation: Json, timeoutMs: number }> {
    if (typeof options?.node !== 'string') throw new TypeError('options.node must be the node\'s URL')
    const base = nodeBaseUrl(options.node)
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
    await key()
    const asked = parseGrantsChallenge(await callJson(fetch, new URL(`${base}${GRANTS_PATHS.challenge}`), { method: 'GET', timeoutMs, fail: GrantsError, what: 'the grants challenge' }))
    return { base, presentation: await signFor({ url: base, domain: asked.domain, challenge: asked.challenge, use: 'grants' }), timeoutMs }
  }

  async function grants (options: GrantsOptions): Promise<NodeGrant[]> {
    const { base, presentation, timeoutMs } = await grantsProof(options)
    const answer = await callJson(fetch, new URL(`${base}${GRANTS_PATHS.list}`), { method: 'POST', body: { presentation }, timeoutMs, fail: GrantsError, what: 'to list the grants' })
    return parseGrants(answer).grants
  }

  async function revokeGrant (grantId: string, options: GrantsOptions): Promise<void> {
    if (typeof grantId !== 'string' || grantId === '') throw new TypeError('grantId must be a non-empty string')
    const { base, presentation, timeoutMs } = await grantsProof(options)
    await callJson(fetch, new URL(`${base}${GRANTS_PATHS.revoke}`), { method: 'POST', body: { presentation, grantId }, timeoutMs, fail: GrantsError, what: 'to revoke the grant' })
  }

  async function claim (urlOrCode: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    const url = claimUrl(urlOrCode, options.node)
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
    await key()
    await store()
    const offer = parseOffer(await callJson(fetch, url, { method: 'GET', timeoutMs }))
    // The claim link the learner gave decides whom the wallet signs for; the answer cannot.
    const signed = await signFor({ url, domain: offer.domain, challenge: offer.challenge, use: 'claim' })
    const answer = await callJson(fetch, url, { method: 'POST', body: { presentation: signed }, timeoutMs })
    const credential = credentialOf(answer)
    const awards = awardsOf(answer)
    const base = url.pathname.includes(CLAIM_PATH) ? `${url.origin}${url.pathname.slice(0, url.pathname.indexOf(CLAIM_PATH))}` : url.origin
    const addOptions: AddOptions = { source: `claim:${base}`, getStatusList: nodeStatusLists(base, { fetch, timeoutMs }) }
    const collection = await held()
    const holder = await did()
    const ids = [credential, ...awards].flatMap((c) => isObject(c) && typeof c.id === 'string' ? [c.id] : [])
    // The credential and its pathway badges are checked one by one, then written in one synced
    // batch: a crash keeps all of them or none (the node has them in its issuance log either way).
    return await serialiseAll(ids, async () => {
      let main: AddResult
      try {
        main = await check(collection, holder, credential, addOptions)
      } catch (err) {
        if (isRefusal(err)) throw new ClaimError(`the node issued a credential that the wallet refuses: ${err.message}`, { cause: err })
        throw err
      }
      const kept: AddResult[] = []
      const refusedAwards: RefusedAward[] = []
      const seen = new Map<string, unknown>([[main.id, credential]])
      for (const [index, award] of awards.entries()) {
        const id = isObject(award) && typeof award.id === 'string' ? award.id : undefined
        try {
          const before = id != null ? seen.get(id) : undefined
          if (before !== undefined && canonicalJson(before) !== canonicalJson(award)) throw new CredentialConflictError(`the claim holds another credential with the id ${id as string} already`)
          if (before !== undefined) continue
          const result = await check(collection, holder, award, addOptions)
          seen.set(result.id, award)
          kept.push(result)
        } catch (err) {
          if (!isRefusal(err)) throw err
          refusedAwards.push({ index, ...(id != null ? { id } : {}), reason: err.message, code: err.code })
        }
      }
      const written = [main, ...kept].filter((r) => r.added)
      if (written.length > 0) {
        const batch = (await store()).batch()
        for (const result of written) batch.put(collection, result.id, result.held)
        await batch.write()
      }
      return { ...main, offer, awards: kept, refusedAwards }
    })
  }

  async function initWallet (options: InitOptions = {}): Promise<string> {
    if (await exists()) throw new WalletExistsError(`${directory} holds a wallet already (${HOLDER_KEY_FILE}); its key is never replaced`)
    let protection: KeyProtection
    if (init.unencrypted === true) protection = { unencrypted: true }
    else if (init.passphrase != null) protection = { passphrase: init.passphrase }
    else throw new TypeError('init: the wallet needs a passphrase to encrypt its holder key (or unencrypted: true, for tests)')
    let keyPair: KeyPair
    if (options.restore != null) {
      const backup = parseImport(options.restore)
      if (backup.kind !== 'backup' || backup.backup.holderKey == null) throw new TypeError('init({ restore }): the backup holds no holder key (export it with includeKey)')
      const passphrase = options.backupPassphrase ?? init.passphrase
      keyPair = await decodeKeyFile(parseKeyFile(backup.backup.holderKey), passphrase != null ? { passphrase } : {})
    } else {
      keyPair = await generateKeyPair()
    }
    await mkdir(directory, { recursive: true, mode: 0o700 })
    try {
      await writeKeyFile(keyPath, keyPair, protection)
    } catch (err) {
      if (err instanceof KeyFileError && await exists()) throw new WalletExistsError(`${directory} holds a wallet already (${HOLDER_KEY_FILE}); its key is never replaced`, { cause: err })
      throw err
    }
    holderDid = keyPair.did
    holderKey = keyPair
    await store()
    return keyPair.did
  }

  async function close (): Promise<void> {
    const pending = opening
    opening = undefined
    if (pending != null) await (await pending.catch(() => undefined))?.close()
  }

  return {
    directory,
    init: initWallet,
    async open () { await store() },
    exists,
    did,
    add,
    list,
    get,
    remove,
    present,
    export: exportBackup,
    import: importInput,
    refreshStatus,
    claim,
    grants,
    revokeGrant,
    close
  }
}

/** Opens the wallet in `init.directory`; throws WalletNotInitialisedError when there is none. */
export async function openWallet (init: WalletInit): Promise<Wallet> {
  const wallet = createWallet(init)
  await wallet.open()
  return wallet
}
