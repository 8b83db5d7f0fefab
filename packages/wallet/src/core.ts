/**
 * The wallet's rules, over any store (storage.ts): the same code in Node (createWallet, level and
 * a key file) and in the browser (IndexedDB). A credential enters only when @cofl/verifier's
 * checks of its data model, OB 3.0 JSON Schema and signature hold (one that cannot be checked
 * here only with `force`, marked), when it is about the holder (else only with `force`), and when
 * no other credential is held under its id; status and dates are recorded, not required. Claims,
 * grants and status lists go through @cofl/api's client; the wallet signs for a node only by
 * binding.ts's rule. Writes that read a record first run one at a time per credential id.
 *
 *   const wallet = createWalletCore({ held, holderKey, keySealer })
 *   await wallet.init()
 *   const opened = await wallet.openClaim(link)          // GET: the offer, a fresh challenge
 *   const result = await wallet.acceptClaim(opened)      // sign, POST, check, keep (with its awards)
 */
import { CREDENTIALS_V2_CONTEXT, buildPresentation, signPresentation } from '@cofl/credentials'
import type { VerifiableCredential, VerifiablePresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { GRANTS_PATHS } from '@cofl/api'
import { createVerifier } from '@cofl/verifier'
import type { Verifier } from '@cofl/verifier'
import { assertPresentable, assertSigningFor } from './binding.js'
import type { SigningRequest } from './binding.js'
import { awardsOf, callNode, claimBase, claimUrl, credentialOf, nodeBaseUrl, nodeStatusLists, parseOffer, walletClient } from './claim.js'
import { BACKUP_TYPE, BACKUP_VERSION, DEFAULT_CLAIM_TIMEOUT_MS } from './constants.js'
import {
  ClaimError, CredentialConflictError, CredentialNotFoundError, CredentialRefusedError, CredentialUncheckedError, GrantsError, ImportFormatError, isRefusal, NotHolderError,
  WalletExistsError, WalletNotInitialisedError
} from './errors.js'
import { parseGrants, parseGrantsChallenge } from './grants.js'
import { parseImport } from './import.js'
import { canonicalJson, heldRecord, isObject, statusFromReport, subjectIds, summary } from './records.js'
import type { HeldCredentialStore, HolderKeyInfo, HolderKeySealer, HolderKeyStore } from './storage.js'
import type {
  AcceptClaimOptions, AddOptions, AddResult, ClaimOptions, ClaimResult, ExportOptions, GetStatusList, GrantsOptions, HeldCredential, HeldSummary,
  ImportItem, ImportOptions, ImportResult, InitOptions, NodeGrant, OpenedClaim, PresentOptions, RefreshItem, RefreshOptions, RefusedAward,
  RestoreKeyOptions, WalletBackup, WalletCore
} from './types.js'

type Json = Record<string, unknown>
type Fetch = typeof globalThis.fetch

export interface WalletCoreInit {
  /** The credentials the wallet holds. */
  held: HeldCredentialStore
  /** The holder key. */
  holderKey: HolderKeyStore
  /** Seals the holder key in a backup, and opens a backup's key. */
  keySealer: HolderKeySealer
  /** The default passphrase of a backup's key (export with `includeKey`, init with `restore`). */
  passphrase?: string
  /** The fetch of every call to a node (default: globalThis.fetch): for tests with a stub. */
  fetch?: Fetch
  /** The time credentials are checked at (tests). Default: the clock. */
  now?: () => Date
  /** Status lists for a claim's checks, from the node it was claimed from. Default: `nodeStatusLists(node)`. */
  statusLists?: (node: string, options: { timeoutMs: number }) => GetStatusList
  /** How refusals speak to the learner (default: the CLI's words). */
  words?: WalletWords
}

/** How the wallet's refusals speak: the CLI names `this wallet's holder did:…` and offers `force`; a page says `you`, and has no force. */
export interface WalletWords {
  /** The holder, in a refusal of a credential about someone else. Default: `this wallet's holder <did>`. */
  holder?: (did: string) => string
  /** Whether the caller can keep a refused credential with `force` (refusals then say so). Default true. */
  offersForce?: boolean
}

/**
 * The checks a credential must pass to enter the wallet; status and dates are recorded, not
 * required. One that failed refuses it; one that cannot be checked here (its signature, by an
 * issuer whose document this wallet cannot resolve) refuses it unless `force` keeps it, marked.
 */
const REQUIRED_CHECKS = new Set(['format', 'schema', 'proof'])

function notAnObject (credential: unknown): CredentialRefusedError {
  return new CredentialRefusedError(`not a credential: expected a JSON object, got ${Array.isArray(credential) ? 'an array' : credential === null ? 'null' : typeof credential}`)
}

/** A wallet over the given stores. Touches nothing until it is used. */
export function createWalletCore (init: WalletCoreInit): WalletCore {
  if (typeof init !== 'object' || init === null) throw new TypeError('createWalletCore(init): init must be an object')
  const { held, holderKey: keys, keySealer } = init
  if (held == null || keys == null || keySealer == null) throw new TypeError('createWalletCore: init.held, init.holderKey and init.keySealer are needed')
  if (init.passphrase != null && (typeof init.passphrase !== 'string' || init.passphrase === '')) throw new TypeError('createWalletCore: init.passphrase must be a non-empty string')
  const now = init.now ?? (() => new Date())
  const holderWords = init.words?.holder ?? ((holderDid: string) => `this wallet's holder ${holderDid}`)
  const forceHint = (what: string): string => init.words?.offersForce === false ? '' : ` (force keeps it anyway${what})`
  const fetch = init.fetch
  const statusLists = init.statusLists ?? ((node, { timeoutMs }) => nodeStatusLists(node, { timeoutMs, ...(fetch != null ? { fetch } : {}) }))

  let opening: Promise<void> | undefined
  let holderInfo: HolderKeyInfo | undefined
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

  /** Several ids' locks, taken in id order (so two callers never wait on each other). */
  async function serialiseAll<T> (ids: readonly string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(ids)].sort()
    return first == null ? await fn() : await serialise(first, async () => await serialiseAll(rest, fn))
  }

  async function exists (): Promise<boolean> {
    return await keys.info() != null
  }

  async function holder (): Promise<HolderKeyInfo> {
    if (holderInfo != null) return { ...holderInfo }
    const info = await keys.info()
    if (info == null) throw new WalletNotInitialisedError(`${keys.location} holds no wallet (no holder key): run \`cofl wallet init\` first`)
    holderInfo = info
    return { ...info }
  }

  async function did (): Promise<string> {
    return (await holder()).did
  }

  /** The store, opened once the wallet is known to exist. */
  async function store (): Promise<HeldCredentialStore> {
    if (opening == null) {
      opening = (async () => {
        await did()
        await held.open()
      })()
      opening.catch(() => { opening = undefined })
    }
    await opening
    return held
  }

  async function key (): Promise<KeyPair> {
    if (holderKey == null) {
      await did()
      const loaded = await keys.load()
      if (loaded == null) throw new WalletNotInitialisedError(`${keys.location} holds no wallet (no holder key): run \`cofl wallet init\` first`)
      holderKey = loaded
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

  /**
   * What `add` decides, without writing: the credential held already (`added: false`), or the
   * record to write (`added: true`); throws what `add` refuses. Runs under the id's lock.
   */
  async function check (holderDid: string, credential: unknown, options: AddOptions): Promise<AddResult> {
    if (!isObject(credential)) throw notAnObject(credential)
    const id = credential.id
    const existing = typeof id === 'string' ? await held.get(id) : undefined
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
      throw new CredentialUncheckedError(`refused ${id}: it cannot be checked here: ${unchecked.map((c) => `${c.title}: ${c.reason}`).join('; ')}${forceHint(', marked as not checked')}`, { report })
    }
    const subjects = subjectIds(credential)
    const forced = !subjects.includes(holderDid)
    if (forced && options.force !== true) {
      throw new NotHolderError(`refused ${id}: it is about ${subjects.length > 0 ? subjects.join(', ') : 'no one named'}, not about ${holderWords(holderDid)}${forceHint('')}`)
    }
    const record = heldRecord({ id, credential, report, source: options.source ?? 'added', at: now(), forced, unchecked: unchecked.length > 0 })
    return { id, added: true, held: record, report }
  }

  async function add (credential: unknown, options: AddOptions = {}): Promise<AddResult> {
    if (!isObject(credential)) throw notAnObject(credential)
    await store()
    const holderDid = await did()
    const id = credential.id
    const addOne = async (): Promise<AddResult> => {
      const result = await check(holderDid, credential, options)
      if (result.added) await held.put(result.held)
      return result
    }
    return typeof id === 'string' ? await serialise(id, addOne) : await addOne()
  }

  async function list (): Promise<HeldSummary[]> {
    const at = now()
    return (await (await store()).list()).map((record) => summary(record, at))
  }

  async function get (id: string): Promise<HeldCredential | undefined> {
    if (typeof id !== 'string') throw new TypeError('id must be a string')
    return await (await store()).get(id)
  }

  async function remove (id: string): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError('id must be a string')
    await store()
    return await serialise(id, async () => {
      if (await held.get(id) == null) return false
      await held.delete(id)
      return true
    })
  }

  async function present (ids: string[], options: PresentOptions): Promise<Json> {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) throw new TypeError('ids must be a non-empty array of credential ids')
    if (typeof options?.challenge !== 'string' || options.challenge === '') throw new TypeError('options.challenge must be a non-empty string')
    assertPresentable(options.challenge)
    await store()
    const credentials: VerifiableCredential[] = []
    for (const id of new Set(ids)) {
      const record = await held.get(id)
      if (record == null) throw new CredentialNotFoundError(`the wallet holds no credential ${id}`)
      credentials.push(record.credential as VerifiableCredential)
    }
    const signer = await key()
    const presentation = buildPresentation({ holder: signer.did, verifiableCredential: credentials })
    return await signPresentation(presentation, { key: signer, challenge: options.challenge, ...(options.domain != null && options.domain !== '' ? { domain: options.domain } : {}) }) as unknown as Json
  }

  async function exportBackup (options: ExportOptions = {}): Promise<WalletBackup> {
    const backup: WalletBackup = { type: BACKUP_TYPE, version: BACKUP_VERSION, did: await did(), createdAt: now().toISOString(), credentials: [] }
    for (const record of await (await store()).list()) backup.credentials.push(record.credential)
    if (options.includeKey === true) {
      const passphrase = options.keyPassphrase ?? init.passphrase
      if (passphrase == null || passphrase === '') throw new TypeError('export({ includeKey }): a passphrase to encrypt the holder key with is needed (keyPassphrase, or the wallet\'s passphrase)')
      backup.holderKey = await keySealer.seal(await key(), passphrase) as unknown as WalletBackup['holderKey']
    }
    return backup
  }

  async function importInput (input: unknown, options: ImportOptions = {}): Promise<ImportResult> {
    const parsed = parseImport(input)
    const result: ImportResult = { added: 0, unchanged: 0, refused: [], items: [], ...(parsed.kind === 'backup' ? { backupDid: parsed.backup.did } : {}) }
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
        // Refusals of untrusted input are results; anything else (the store failing) stops the import.
        if (!isRefusal(err)) throw err
        item = { index, ...(id != null ? { id } : {}), outcome: 'refused', reason: err.message, code: err.code }
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
    const checker = createVerifier({ getStatusList, now })
    const items: RefreshItem[] = []
    for (const snapshot of await (await store()).list()) {
      const { id } = snapshot
      const report = await checker.verifyCredential(snapshot.credential)
      const status = statusFromReport(report, now())
      const item = await serialise(id, async (): Promise<RefreshItem | undefined> => {
        const record = await held.get(id)
        if (record == null) return undefined // removed meanwhile
        const previous = record.status.state
        // An unknown state now keeps the last known one (offline, or the list is not on that node).
        if (status.state === 'unknown' && previous !== 'unknown') {
          return { id, previous, status: record.status, changed: false, unavailable: status.reason }
        }
        await held.put({ ...record, status })
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
    const presentation: VerifiablePresentation = { '@context': [CREDENTIALS_V2_CONTEXT], id: `urn:uuid:${crypto.randomUUID()}`, type: ['VerifiablePresentation'], holder: signer.did }
    return await signPresentation(presentation, { key: signer, challenge: request.challenge, domain: request.domain }) as unknown as Json
  }

  /** A fresh `cofl-grants:` challenge of the node, signed over (the rule of binding.ts holds). */
  async function grantsProof (options: GrantsOptions): Promise<{ base: string, presentation: Json, call: (path: string, body: Json, what: string) => Promise<unknown> }> {
    if (typeof options?.node !== 'string') throw new TypeError('options.node must be the node\'s URL')
    const base = nodeBaseUrl(options.node)
    const client = walletClient(base, { ...(fetch != null ? { fetch } : {}), ...(options.timeoutMs != null ? { timeoutMs: options.timeoutMs } : {}) })
    const call = async (path: string, body: Json | undefined, what: string): Promise<unknown> =>
      await callNode(client, new URL(`${base}${path}`), { method: body === undefined ? 'GET' : 'POST', ...(body !== undefined ? { body } : {}), fail: GrantsError, what })
    await key()
    const asked = parseGrantsChallenge(await call(GRANTS_PATHS.challenge, undefined, 'the grants challenge'))
    return { base, presentation: await signFor({ url: base, domain: asked.domain, challenge: asked.challenge, use: 'grants' }), call }
  }

  async function grants (options: GrantsOptions): Promise<NodeGrant[]> {
    const { presentation, call } = await grantsProof(options)
    return parseGrants(await call(GRANTS_PATHS.list, { presentation }, 'to list the grants')).grants
  }

  async function revokeGrant (grantId: string, options: GrantsOptions): Promise<void> {
    if (typeof grantId !== 'string' || grantId === '') throw new TypeError('grantId must be a non-empty string')
    const { presentation, call } = await grantsProof(options)
    await call(GRANTS_PATHS.revoke, { presentation, grantId }, 'to revoke the grant')
  }

  async function openClaim (urlOrCode: string, options: ClaimOptions = {}): Promise<OpenedClaim> {
    const url = claimUrl(urlOrCode, options.node)
    await key()
    await store()
    const client = walletClient(claimBase(url), { ...(fetch != null ? { fetch } : {}), ...(options.timeoutMs != null ? { timeoutMs: options.timeoutMs } : {}) })
    return { url, offer: parseOffer(await callNode(client, url, { method: 'GET' })) }
  }

  async function acceptClaim (opened: OpenedClaim, options: AcceptClaimOptions = {}): Promise<ClaimResult> {
    if (!(opened?.url instanceof URL) || opened.offer == null) throw new TypeError('acceptClaim(opened): opened must be what openClaim gave')
    const { url, offer } = opened
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
    // The claim link the learner gave decides whom the wallet signs for; the answer cannot.
    const signed = await signFor({ url, domain: offer.domain, challenge: offer.challenge, use: 'claim' })
    const base = claimBase(url)
    const answer = await callNode(walletClient(base, { ...(fetch != null ? { fetch } : {}), timeoutMs }), url, { method: 'POST', body: { presentation: signed } })
    const credential = credentialOf(answer)
    const awards = awardsOf(answer)
    const addOptions: AddOptions = { source: `claim:${base}`, getStatusList: statusLists(base, { timeoutMs }) }
    await store()
    const holderDid = await did()
    const ids = [credential, ...awards].flatMap((c) => isObject(c) && typeof c.id === 'string' ? [c.id] : [])
    // The credential and its pathway badges are checked one by one, then written at once: a
    // crash keeps all of them or none (the node has them in its issuance log either way).
    return await serialiseAll(ids, async () => {
      let main: AddResult
      try {
        main = await check(holderDid, credential, addOptions)
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
          const result = await check(holderDid, award, addOptions)
          seen.set(result.id, award)
          kept.push(result)
        } catch (err) {
          if (!isRefusal(err)) throw err
          refusedAwards.push({ index, ...(id != null ? { id } : {}), reason: err.message, code: err.code })
        }
      }
      await held.putMany([main, ...kept].filter((r) => r.added).map((r) => r.held))
      return { ...main, offer, awards: kept, refusedAwards }
    })
  }

  async function claim (urlOrCode: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    return await acceptClaim(await openClaim(urlOrCode, options), options.timeoutMs != null ? { timeoutMs: options.timeoutMs } : {})
  }

  async function initWallet (options: InitOptions = {}): Promise<string> {
    if (await exists()) throw new WalletExistsError(`${keys.location} holds a wallet already; its key is never replaced`)
    let keyPair: KeyPair
    if (options.restore != null) {
      const backup = parseImport(options.restore)
      if (backup.kind !== 'backup' || backup.backup.holderKey == null) throw new TypeError('init({ restore }): the backup holds no holder key (export it with includeKey)')
      keyPair = await keySealer.open(backup.backup.holderKey, options.backupPassphrase ?? init.passphrase)
    } else {
      keyPair = await generateKeyPair()
    }
    await keys.save(keyPair, { origin: options.restore != null ? 'restored' : 'created' })
    holderInfo = undefined
    holderKey = keyPair
    await store()
    return keyPair.did
  }

  async function restoreKey (backup: unknown, options: RestoreKeyOptions = {}): Promise<string> {
    const parsed = parseImport(backup)
    if (parsed.kind !== 'backup' || parsed.backup.holderKey == null) throw new TypeError('restoreKey(backup): the backup holds no holder key (export it with includeKey)')
    const restored = await keySealer.open(parsed.backup.holderKey, options.passphrase ?? init.passphrase)
    if (restored.did !== parsed.backup.did) throw new ImportFormatError(`the backup's holder key is not the key of its DID ${parsed.backup.did}`)
    const current = await keys.info()
    if (current?.did === restored.did) return restored.did
    if (current != null) {
      const count = (await (await store()).list()).length
      if (count > 0) throw new WalletExistsError(`the wallet holds ${count} badge${count === 1 ? '' : 's'} of ${current.did}: back them up and forget this wallet before restoring another key`)
    }
    await keys.save(restored, { origin: 'restored', replace: true })
    holderInfo = undefined
    holderKey = restored
    return restored.did
  }

  async function close (): Promise<void> {
    const pending = opening
    opening = undefined
    if (pending != null) {
      await pending.catch(() => {})
      await held.close()
    }
  }

  return {
    init: initWallet,
    async open () { await store() },
    exists,
    did,
    holder,
    add,
    list,
    get,
    remove,
    present,
    export: exportBackup,
    import: importInput,
    refreshStatus,
    openClaim,
    acceptClaim,
    claim,
    grants,
    revokeGrant,
    restoreKey,
    close
  }
}
