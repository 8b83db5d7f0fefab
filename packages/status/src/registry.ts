import { Level } from 'level'
import { encodeStatusList } from './codec.js'
import {
  DEFAULT_LIST_ID_PREFIX, FILL_DENOMINATOR, FILL_NUMERATOR, MAX_RANDOM_DRAWS, MAX_STATUS_LIST_LENGTH, MIN_LIST_LENGTH,
  REGISTRY_FORMAT, SEQUENTIAL_REGISTRY_FORMAT, STATUS_LIST_LENGTH, STATUS_LIST_CONTEXTS, STATUS_PURPOSES
} from './constants.js'
import { StatusError, StatusErrorCode } from './errors.js'
import type { StatusPurpose } from './constants.js'
import type { BitstringStatusListEntry, StatusPosition, UnsignedStatusListCredential } from './types.js'

/** Builds the id of a list credential from its purpose and number. */
export type ListIdFunction = (purpose: StatusPurpose, listNumber: number) => string

export interface StatusRegistryInit {
  /** Directory of the registry's level database; created when missing. */
  directory: string
  /** The issuer DID. Recorded on creation; the directory refuses any other. */
  issuer: string
  /** Ids of the list credentials. Default: `urn:cofl:status:<issuer>:<purpose>:<listNumber>`. */
  listId?: ListIdFunction
  /**
   * Bits per list. Default STATUS_LIST_LENGTH (131072), the only value for real lists: FOR TESTS
   * ONLY, a smaller multiple of 8 (at least MIN_LIST_LENGTH) makes a list fill up quickly; such
   * lists fail the strict check. Recorded on creation; the directory refuses any other.
   */
  listLength?: number
}

/** An allocated index: the same index in the revocation and suspension lists of one list number. */
export interface Allocation {
  listNumber: number
  index: number
  /** The credential's `credentialStatus`: the revocation entry, then the suspension entry. */
  entries: BitstringStatusListEntry[]
}

/** A status entry, or a position in this registry's lists. */
export type StatusTarget =
  Pick<BitstringStatusListEntry, 'statusPurpose' | 'statusListIndex' | 'statusListCredential'> | StatusPosition

/** What `setStatus` did. */
export interface StatusChange extends StatusPosition {
  value: boolean
  /** False when the bit already had this value. */
  changed: boolean
}

export interface BuildListOptions {
  /**
   * The version's `validFrom` (default: now). A node rounds it down to its publication interval,
   * so that a version cannot be tied to the one change made at that second. Written without
   * milliseconds.
   */
  validFrom?: Date | string
}

export interface StatusRegistry {
  readonly issuer: string
  readonly directory: string
  readonly listLength: number
  /** The id of a list credential (the registry's `listId` function). */
  listId: (purpose: StatusPurpose, listNumber: number) => string
  /** The newest list number and how many of its indexes are allocated (in memory, no I/O). */
  cursor: () => { listNumber: number, allocated: number }
  /**
   * Hands out an index drawn at random (Web Crypto getRandomValues, uniform) among the free
   * indexes of the newest list, persisted (synced to disk) before the promise resolves: an index
   * is never handed out twice, also after a crash (one that interrupts an allocation may skip an
   * index). Calls are serialised. When 7/8 of the list is allocated (FILL_NUMERATOR / FILL_DENOMINATOR), the next
   * allocation opens the next list number.
   */
  allocate: () => Promise<Allocation>
  /** Sets (true) or clears (false) a bit; persisted (synced) before the promise resolves. */
  setStatus: (target: StatusTarget, value: boolean) => Promise<StatusChange>
  /** Reads a bit. */
  getStatus: (target: StatusTarget) => Promise<boolean>
  /**
   * The unsigned list credential of a list, as of now, with a `sequence` one higher than any built
   * before for that list (persisted before the promise resolves).
   */
  buildListCredential: (purpose: StatusPurpose, listNumber: number, options?: BuildListOptions) => Promise<UnsignedStatusListCredential>
  /** Waits for pending writes, then closes the database. Further calls throw COFL_ERR_STATUS_CLOSED. */
  close: () => Promise<void>
}

interface Meta {
  format: number
  issuer: string
  listLength: number
  created: string
  /** When a registry of the sequential format was migrated to this one. */
  migrated?: { from: number, at: string }
}

/** Format 1's cursor: the newest list and the next index to hand out in it (0..next-1 allocated). */
interface SequentialCursor {
  listNumber: number
  next: number
}

/** Format 2's cursor: the newest list, the one that allocations draw from. */
interface Cursor {
  listNumber: number
}

/** The newest list, in memory: which of its indexes are allocated. */
export interface Current {
  listNumber: number
  /** One bit per index, set when allocated (bit i: byte i >> 3, mask 1 << (i & 7)). */
  allocated: Uint8Array
  count: number
}

const META = 'meta'
const CURSOR = 'cursor'

function pad (n: number): string {
  return String(n).padStart(10, '0')
}
function bitPrefix (purpose: StatusPurpose, listNumber: number): string {
  return `bit!${purpose}!${pad(listNumber)}!`
}
function bitKey ({ purpose, listNumber, index }: StatusPosition): string {
  return bitPrefix(purpose, listNumber) + pad(index)
}
function sequenceKey (purpose: StatusPurpose, listNumber: number): string {
  return `seq!${purpose}!${pad(listNumber)}`
}
/** One record per index allocated at random (format 2). */
function allocPrefix (listNumber: number): string {
  return `alloc!${pad(listNumber)}!`
}
function allocKey (listNumber: number, index: number): string {
  return allocPrefix(listNumber) + pad(index)
}
/** Indexes 0..n-1 of a list were allocated in order, before the migration from format 1. */
function orderedKey (listNumber: number): string {
  return `ordered!${pad(listNumber)}`
}
const ORDERED_PREFIX = 'ordered!'

function isSet (bits: Uint8Array, index: number): boolean {
  return ((bits[index >> 3] as number) & (1 << (index & 7))) !== 0
}
function mark (bits: Uint8Array, index: number): void {
  bits[index >> 3] = (bits[index >> 3] as number) | (1 << (index & 7))
}

const UINT32_RANGE = 2 ** 32
const randomWords = new Uint32Array(1)

/**
 * A uniform integer in 0..n-1 (n at most 2^32) from the platform's CSPRNG (Web Crypto
 * `getRandomValues`, in Node and in browsers, which bundle this package). No modulo bias: a
 * 32-bit draw at or above the largest multiple of n is drawn again.
 */
function randomBelow (n: number): number {
  const limit = UINT32_RANGE - (UINT32_RANGE % n)
  for (;;) {
    globalThis.crypto.getRandomValues(randomWords)
    const word = randomWords[0] as number
    if (word < limit) return word % n
  }
}

/** The most indexes of a list that are handed out before the next list is opened. */
export function fillLimit (listLength: number): number {
  return Math.floor(listLength * FILL_NUMERATOR / FILL_DENOMINATOR)
}

/**
 * A free index of `current`, uniform among the free ones: random draws (randomBelow) until one is
 * free; after `draws` (MAX_RANDOM_DRAWS) misses, the k-th free index for a random k. Throws when
 * none is free (never below the fill limit). Exported for its tests only (not in index.ts).
 */
export function drawFree (current: Current, listLength: number, draws = MAX_RANDOM_DRAWS): number {
  for (let i = 0; i < draws; i++) {
    const index = randomBelow(listLength)
    if (!isSet(current.allocated, index)) return index
  }
  const free = listLength - current.count
  if (free <= 0) throw new Error(`list ${current.listNumber} has no free index`)
  let k = randomBelow(free)
  for (let index = 0; index < listLength; index++) {
    if (!isSet(current.allocated, index)) {
      if (k === 0) return index
      k--
    }
  }
  throw new Error(`list ${current.listNumber}: the free count is wrong`)
}

function isPurpose (value: unknown): value is StatusPurpose {
  return typeof value === 'string' && (STATUS_PURPOSES as readonly string[]).includes(value)
}

function isCount (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** The default id of a list credential: `urn:cofl:status:<issuerDid>:<purpose>:<listNumber>`. */
export function defaultListId (issuer: string, purpose: StatusPurpose, listNumber: number): string {
  return `${DEFAULT_LIST_ID_PREFIX}${issuer}:${purpose}:${listNumber}`
}

/** ISO 8601 without milliseconds, as VC documents usually carry it. */
function isoSeconds (date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
function nowIso (): string {
  return isoSeconds(new Date())
}

function isLockError (err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'LEVEL_LOCKED') return true
  }
  return false
}

/**
 * Opens (or creates) the status registry in `directory` for the issuer DID `issuer`.
 *
 * Throws StatusError: COFL_ERR_STATUS_LOCKED when another process (or another open registry in
 * this one) holds the directory, COFL_ERR_STATUS_ISSUER_MISMATCH / _LIST_LENGTH_MISMATCH when the
 * directory was created with another issuer or list length, COFL_ERR_STATUS_STORE otherwise.
 */
export async function openStatusRegistry (init: StatusRegistryInit): Promise<StatusRegistry> {
  if (typeof init !== 'object' || init === null) throw new TypeError('openStatusRegistry(init): init must be an object')
  const { directory, issuer } = init
  if (typeof directory !== 'string' || directory === '') throw new TypeError('openStatusRegistry: init.directory must be a non-empty string')
  if (typeof issuer !== 'string' || !/^did:[a-z0-9]+:\S+$/.test(issuer)) {
    throw new TypeError(`openStatusRegistry: init.issuer must be a DID, got ${JSON.stringify(issuer)}`)
  }
  const listLength = init.listLength ?? STATUS_LIST_LENGTH
  if (!Number.isSafeInteger(listLength) || listLength < MIN_LIST_LENGTH || listLength % 8 !== 0 || listLength > MAX_STATUS_LIST_LENGTH) {
    throw new TypeError(`openStatusRegistry: init.listLength must be a multiple of 8 from ${MIN_LIST_LENGTH} to ${MAX_STATUS_LIST_LENGTH}, got ${String(init.listLength)}`)
  }
  if (init.listId !== undefined && typeof init.listId !== 'function') throw new TypeError('openStatusRegistry: init.listId must be a function')
  const makeListId = init.listId ?? ((purpose: StatusPurpose, listNumber: number) => defaultListId(issuer, purpose, listNumber))
  const listId = (purpose: StatusPurpose, listNumber: number): string => {
    const id = makeListId(purpose, listNumber)
    if (typeof id !== 'string' || id === '' || id.includes('#')) {
      throw new TypeError(`init.listId(${purpose}, ${listNumber}) must return a non-empty string without '#', got ${JSON.stringify(id)}`)
    }
    return id
  }
  if (listId('revocation', 0) === listId('suspension', 0)) {
    throw new TypeError('init.listId must give the revocation and suspension lists different ids')
  }

  const db = new Level<string, unknown>(directory, { valueEncoding: 'json' })
  try {
    await db.open()
  } catch (err) {
    if (isLockError(err)) {
      throw new StatusError(StatusErrorCode.LOCKED, `the status registry in ${directory} is in use by another process (or is already open in this one)`, { cause: err })
    }
    throw new StatusError(StatusErrorCode.STORE, `cannot open the status registry in ${directory}`, { cause: err })
  }

  let loaded: Loaded
  try {
    loaded = await load(db, directory, issuer, listLength)
  } catch (err) {
    await db.close().catch(() => {})
    if (err instanceof StatusError) throw err
    throw new StatusError(StatusErrorCode.STORE, `cannot read the status registry in ${directory}`, { cause: err })
  }
  let current: Current = loaded.current
  const ordered = loaded.ordered
  const limit = fillLimit(listLength)

  let closed = false
  // Every write goes through this chain, one at a time, in call order.
  let tail: Promise<unknown> = Promise.resolve()
  function serialise<T> (task: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new StatusError(StatusErrorCode.CLOSED, `the status registry in ${directory} is closed`))
    const run = tail.then(task, task)
    tail = run.catch(() => {})
    return run
  }
  async function write<T> (what: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task()
    } catch (err) {
      if (err instanceof StatusError || err instanceof TypeError) throw err
      throw new StatusError(StatusErrorCode.STORE, `status registry in ${directory}: cannot ${what}`, { cause: err })
    }
  }

  function checkListNumber (purpose: StatusPurpose, listNumber: number): void {
    if (!isPurpose(purpose)) throw new StatusError(StatusErrorCode.PURPOSE, `status purpose ${JSON.stringify(purpose)} is not supported (only ${STATUS_PURPOSES.join(' and ')})`)
    if (!isCount(listNumber) || listNumber > current.listNumber) {
      throw new StatusError(StatusErrorCode.UNKNOWN_LIST, `list number ${String(listNumber)} does not exist in this registry (lists 0..${current.listNumber})`)
    }
  }

  /** Whether an index of a list was handed out: the in-memory set of the newest list, the records of older ones. */
  async function wasAllocated (listNumber: number, index: number): Promise<boolean> {
    if (index >= listLength) return false
    if (listNumber === current.listNumber) return isSet(current.allocated, index)
    if (index < (ordered.get(listNumber) ?? 0)) return true
    return await write('read an allocation', async () => (await db.get(allocKey(listNumber, index))) === true)
  }

  /** The position of a target, refused unless it was allocated by this registry. */
  async function resolve (target: StatusTarget): Promise<StatusPosition> {
    if (typeof target !== 'object' || target === null) throw new TypeError('target must be a status entry or { purpose, listNumber, index }')
    let position: StatusPosition
    if ('statusListCredential' in target) {
      const purpose = target.statusPurpose
      if (!isPurpose(purpose)) throw new StatusError(StatusErrorCode.PURPOSE, `status purpose ${JSON.stringify(purpose)} is not supported (only ${STATUS_PURPOSES.join(' and ')})`)
      const raw: unknown = target.statusListIndex
      const index = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : raw
      if (!isCount(index)) throw new StatusError(StatusErrorCode.ENTRY_INVALID, `statusListIndex ${JSON.stringify(raw)} is not a base-10 integer`)
      let listNumber: number | undefined
      for (let n = 0; n <= current.listNumber; n++) {
        if (listId(purpose, n) === target.statusListCredential) { listNumber = n; break }
      }
      if (listNumber === undefined) {
        throw new StatusError(StatusErrorCode.UNKNOWN_LIST, `${JSON.stringify(target.statusListCredential)} is not a ${purpose} list of this registry (issuer ${issuer})`)
      }
      position = { purpose, listNumber, index }
    } else {
      const { purpose, listNumber, index } = target
      checkListNumber(purpose, listNumber)
      if (!isCount(index)) throw new StatusError(StatusErrorCode.NOT_ALLOCATED, `index ${String(index)} is not a non-negative integer`)
      position = { purpose, listNumber, index }
    }
    if (!(await wasAllocated(position.listNumber, position.index))) {
      throw new StatusError(StatusErrorCode.NOT_ALLOCATED, `index ${position.index} of list ${position.listNumber} was never allocated`)
    }
    return position
  }

  function guard (): void {
    if (closed) throw new StatusError(StatusErrorCode.CLOSED, `the status registry in ${directory} is closed`)
  }

  return {
    issuer,
    directory,
    listLength,
    listId,
    cursor: () => ({ listNumber: current.listNumber, allocated: current.count }),

    allocate: async () => await serialise(async () => {
      if (current.count >= limit) {
        current = { listNumber: current.listNumber + 1, allocated: new Uint8Array(listLength / 8), count: 0 }
      }
      const listNumber = current.listNumber
      const index = drawFree(current, listLength)
      const entries = STATUS_PURPOSES.map((statusPurpose): BitstringStatusListEntry => {
        const id = listId(statusPurpose, listNumber)
        return { id: `${id}#${index}`, type: 'BitstringStatusListEntry', statusPurpose, statusListIndex: String(index), statusListCredential: id }
      })
      // Reserved in memory first: if the write fails (or a crash interrupts it), the index is
      // skipped, never handed out twice. The cursor goes with every allocation, in the same
      // atomic batch, so that no allocation on disk belongs to a list the cursor has not reached.
      mark(current.allocated, index)
      current.count++
      await write('persist an allocation', async () => {
        await db.batch<string, unknown>([
          { type: 'put', key: allocKey(listNumber, index), value: true },
          { type: 'put', key: CURSOR, value: { listNumber } satisfies Cursor }
        ], { sync: true })
      })
      return { listNumber, index, entries }
    }),

    setStatus: async (target, value) => {
      if (typeof value !== 'boolean') throw new TypeError('setStatus(target, value): value must be a boolean')
      guard()
      const position = await resolve(target)
      return await serialise(async () => await write('persist a status bit', async () => {
        const key = bitKey(position)
        const before = (await db.get(key)) === true
        if (before !== value) {
          if (value) await db.put(key, true, { sync: true })
          else await db.del(key, { sync: true })
        }
        return { ...position, value, changed: before !== value }
      }))
    },

    getStatus: async (target) => {
      guard()
      const position = await resolve(target)
      return await write('read a status bit', async () => (await db.get(bitKey(position))) === true)
    },

    buildListCredential: async (purpose, listNumber, options = {}) => {
      guard()
      checkListNumber(purpose, listNumber)
      const validFrom = options.validFrom === undefined ? new Date() : new Date(options.validFrom)
      if (Number.isNaN(validFrom.getTime())) throw new TypeError(`buildListCredential: options.validFrom must be a date, got ${JSON.stringify(options.validFrom)}`)
      return await serialise(async () => await write('build a list', async () => {
        const prefix = bitPrefix(purpose, listNumber)
        const set: number[] = []
        for await (const key of db.keys({ gt: prefix, lt: prefix + '~' })) set.push(Number(key.slice(prefix.length)))
        const encodedList = await encodeStatusList({ length: listLength, set })
        const previous = await db.get(sequenceKey(purpose, listNumber))
        const sequence = (isCount(previous) ? previous : 0) + 1
        await db.put(sequenceKey(purpose, listNumber), sequence, { sync: true })
        const id = listId(purpose, listNumber)
        return {
          '@context': [...STATUS_LIST_CONTEXTS],
          id,
          type: ['VerifiableCredential', 'BitstringStatusListCredential'],
          issuer,
          validFrom: isoSeconds(validFrom),
          sequence,
          credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: purpose, encodedList }
        }
      }))
    },

    close: async () => {
      if (closed) return
      const pending = tail
      closed = true
      await pending
      await db.close()
    }
  }
}

interface Loaded {
  current: Current
  /** Lists migrated from the sequential format: indexes 0..n-1 allocated. */
  ordered: Map<number, number>
}

async function load (db: Level<string, unknown>, directory: string, issuer: string, listLength: number): Promise<Loaded> {
  const meta = await db.get(META) as Partial<Meta> | undefined
  if (meta === undefined) {
    const created: Meta = { format: REGISTRY_FORMAT, issuer, listLength, created: nowIso() }
    await db.batch<string, unknown>([
      { type: 'put', key: META, value: created },
      { type: 'put', key: CURSOR, value: { listNumber: 0 } satisfies Cursor }
    ], { sync: true })
    return { current: { listNumber: 0, allocated: new Uint8Array(listLength / 8), count: 0 }, ordered: new Map() }
  }
  if (meta.format !== REGISTRY_FORMAT && meta.format !== SEQUENTIAL_REGISTRY_FORMAT) {
    throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has format ${String(meta.format)}; this version reads formats ${SEQUENTIAL_REGISTRY_FORMAT} and ${REGISTRY_FORMAT}`)
  }
  if (meta.issuer !== issuer) {
    throw new StatusError(StatusErrorCode.ISSUER_MISMATCH, `the status registry in ${directory} belongs to ${String(meta.issuer)}, not ${issuer}`)
  }
  if (meta.listLength !== listLength) {
    throw new StatusError(StatusErrorCode.LIST_LENGTH_MISMATCH, `the status registry in ${directory} was created with lists of ${String(meta.listLength)} bits, not ${listLength}`)
  }
  if (meta.format === SEQUENTIAL_REGISTRY_FORMAT) await migrateSequential(db, directory, meta as Meta)

  const cursor = await db.get(CURSOR) as Partial<Cursor> | undefined
  if (cursor === undefined || !isCount(cursor.listNumber)) {
    throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has no valid allocation cursor (${JSON.stringify(cursor)})`)
  }
  const ordered = new Map<number, number>()
  for await (const [key, value] of db.iterator({ gt: ORDERED_PREFIX, lt: ORDERED_PREFIX + '~' })) {
    const listNumber = Number(key.slice(ORDERED_PREFIX.length))
    if (!isCount(value) || value > listLength || !isCount(listNumber)) {
      throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has an invalid record ${key}: ${JSON.stringify(value)}`)
    }
    ordered.set(listNumber, value)
  }
  const current: Current = { listNumber: cursor.listNumber, allocated: new Uint8Array(listLength / 8), count: 0 }
  const below = ordered.get(current.listNumber) ?? 0
  for (let index = 0; index < below; index++) mark(current.allocated, index)
  const prefix = allocPrefix(current.listNumber)
  for await (const key of db.keys({ gt: prefix, lt: prefix + '~' })) {
    const index = Number(key.slice(prefix.length))
    if (!isCount(index) || index >= listLength) throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has an invalid record ${key}`)
    mark(current.allocated, index)
  }
  for (let index = 0; index < listLength; index++) if (isSet(current.allocated, index)) current.count++
  return { current, ordered }
}

/**
 * Format 1 to 2, in one synced batch (a crash leaves format 1, migrated again at the next open):
 * every list before the cursor's was full, and the cursor's list had 0..next-1 allocated; they
 * are recorded as allocated in order, and random allocation continues among the rest.
 */
async function migrateSequential (db: Level<string, unknown>, directory: string, meta: Meta): Promise<void> {
  const old = await db.get(CURSOR) as Partial<SequentialCursor> | undefined
  if (old === undefined || !isCount(old.listNumber) || !isCount(old.next) || old.next > meta.listLength) {
    throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has no valid allocation cursor (${JSON.stringify(old)})`)
  }
  const ops: Array<{ type: 'put', key: string, value: unknown }> = []
  for (let listNumber = 0; listNumber < old.listNumber; listNumber++) ops.push({ type: 'put', key: orderedKey(listNumber), value: meta.listLength })
  if (old.next > 0) ops.push({ type: 'put', key: orderedKey(old.listNumber), value: old.next })
  ops.push({ type: 'put', key: CURSOR, value: { listNumber: old.listNumber } satisfies Cursor })
  ops.push({ type: 'put', key: META, value: { ...meta, format: REGISTRY_FORMAT, migrated: { from: SEQUENTIAL_REGISTRY_FORMAT, at: nowIso() } } satisfies Meta })
  await db.batch<string, unknown>(ops, { sync: true })
}
