import { Level } from 'level'
import { encodeStatusList } from './codec.js'
import {
  DEFAULT_LIST_ID_PREFIX, MAX_STATUS_LIST_LENGTH, MIN_LIST_LENGTH, REGISTRY_FORMAT, STATUS_LIST_LENGTH,
  STATUS_LIST_CONTEXTS, STATUS_PURPOSES
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

export interface StatusRegistry {
  readonly issuer: string
  readonly directory: string
  readonly listLength: number
  /** The id of a list credential (the registry's `listId` function). */
  listId: (purpose: StatusPurpose, listNumber: number) => string
  /** The newest list number and how many of its indexes are allocated (in memory, no I/O). */
  cursor: () => { listNumber: number, allocated: number }
  /**
   * Hands out the next index, persisted (synced to disk) before the promise resolves: an index is
   * never handed out twice, also after a crash. Calls are serialised. A full list continues with
   * the next list number.
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
  buildListCredential: (purpose: StatusPurpose, listNumber: number) => Promise<UnsignedStatusListCredential>
  /** Waits for pending writes, then closes the database. Further calls throw COFL_ERR_STATUS_CLOSED. */
  close: () => Promise<void>
}

interface Meta {
  format: number
  issuer: string
  listLength: number
  created: string
}

interface Cursor {
  /** The newest list. */
  listNumber: number
  /** How many indexes of it are allocated: the next index to hand out. */
  next: number
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
function nowIso (): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
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

  let cursor: Cursor
  try {
    cursor = await load(db, directory, issuer, listLength)
  } catch (err) {
    await db.close().catch(() => {})
    if (err instanceof StatusError) throw err
    throw new StatusError(StatusErrorCode.STORE, `cannot read the status registry in ${directory}`, { cause: err })
  }

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
    if (!isCount(listNumber) || listNumber > cursor.listNumber) {
      throw new StatusError(StatusErrorCode.UNKNOWN_LIST, `list number ${String(listNumber)} does not exist in this registry (lists 0..${cursor.listNumber})`)
    }
  }

  /** The position of a target, refused unless it was allocated by this registry. */
  function resolve (target: StatusTarget): StatusPosition {
    if (typeof target !== 'object' || target === null) throw new TypeError('target must be a status entry or { purpose, listNumber, index }')
    let position: StatusPosition
    if ('statusListCredential' in target) {
      const purpose = target.statusPurpose
      if (!isPurpose(purpose)) throw new StatusError(StatusErrorCode.PURPOSE, `status purpose ${JSON.stringify(purpose)} is not supported (only ${STATUS_PURPOSES.join(' and ')})`)
      const raw: unknown = target.statusListIndex
      const index = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : raw
      if (!isCount(index)) throw new StatusError(StatusErrorCode.ENTRY_INVALID, `statusListIndex ${JSON.stringify(raw)} is not a base-10 integer`)
      let listNumber: number | undefined
      for (let n = 0; n <= cursor.listNumber; n++) {
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
    const allocated = position.listNumber < cursor.listNumber ? listLength : cursor.next
    if (position.index >= allocated) {
      throw new StatusError(StatusErrorCode.NOT_ALLOCATED, `index ${position.index} of list ${position.listNumber} was never allocated (allocated: ${allocated === 0 ? 'none' : `0..${allocated - 1}`})`)
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
    cursor: () => ({ listNumber: cursor.listNumber, allocated: cursor.next }),

    allocate: async () => await serialise(async () => {
      const next: Cursor = cursor.next >= listLength
        ? { listNumber: cursor.listNumber + 1, next: 1 }
        : { listNumber: cursor.listNumber, next: cursor.next + 1 }
      const listNumber = next.listNumber
      const index = next.next - 1
      const entries = STATUS_PURPOSES.map((statusPurpose): BitstringStatusListEntry => {
        const id = listId(statusPurpose, listNumber)
        return { id: `${id}#${index}`, type: 'BitstringStatusListEntry', statusPurpose, statusListIndex: String(index), statusListCredential: id }
      })
      // Reserve in memory first: if the write fails, the index is skipped, never handed out twice.
      cursor = next
      await write('persist an allocation', async () => { await db.put(CURSOR, next, { sync: true }) })
      return { listNumber, index, entries }
    }),

    setStatus: async (target, value) => {
      if (typeof value !== 'boolean') throw new TypeError('setStatus(target, value): value must be a boolean')
      guard()
      const position = resolve(target)
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
      const position = resolve(target)
      return await write('read a status bit', async () => (await db.get(bitKey(position))) === true)
    },

    buildListCredential: async (purpose, listNumber) => {
      guard()
      checkListNumber(purpose, listNumber)
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
          validFrom: nowIso(),
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

async function load (db: Level<string, unknown>, directory: string, issuer: string, listLength: number): Promise<Cursor> {
  const meta = await db.get(META) as Partial<Meta> | undefined
  if (meta === undefined) {
    const created: Meta = { format: REGISTRY_FORMAT, issuer, listLength, created: nowIso() }
    const cursor: Cursor = { listNumber: 0, next: 0 }
    await db.batch<string, unknown>([
      { type: 'put', key: META, value: created },
      { type: 'put', key: CURSOR, value: cursor }
    ], { sync: true })
    return cursor
  }
  if (meta.format !== REGISTRY_FORMAT) {
    throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has format ${String(meta.format)}; this version reads format ${REGISTRY_FORMAT}`)
  }
  if (meta.issuer !== issuer) {
    throw new StatusError(StatusErrorCode.ISSUER_MISMATCH, `the status registry in ${directory} belongs to ${String(meta.issuer)}, not ${issuer}`)
  }
  if (meta.listLength !== listLength) {
    throw new StatusError(StatusErrorCode.LIST_LENGTH_MISMATCH, `the status registry in ${directory} was created with lists of ${String(meta.listLength)} bits, not ${listLength}`)
  }
  const cursor = await db.get(CURSOR) as Partial<Cursor> | undefined
  if (cursor === undefined || !isCount(cursor.listNumber) || !isCount(cursor.next) || cursor.next > listLength) {
    throw new StatusError(StatusErrorCode.STORE, `the status registry in ${directory} has no valid allocation cursor (${JSON.stringify(cursor)})`)
  }
  return { listNumber: cursor.listNumber, next: cursor.next }
}
