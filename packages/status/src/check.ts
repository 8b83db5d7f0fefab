import { decodeStatusList } from './codec.js'
import { MAX_STATUS_LIST_LENGTH, STATUS_LIST_LENGTH, STATUS_PURPOSES } from './constants.js'
import { StatusError, StatusErrorCode } from './errors.js'
import type { StatusPurpose } from './constants.js'

/**
 * What `checkStatusEntry` found. Read `ok` first: it is true only when the list could be read AND
 * the entry's bit is clear. When `ok` is false, `set === true` means the credential is revoked or
 * suspended (code COFL_ERR_STATUS_REVOKED / _SUSPENDED); `set === undefined` means the status
 * could not be determined (the code says why). Either way the verifier fails its status check.
 */
export interface StatusCheckResult {
  ok: boolean
  /** The entry's statusPurpose, when it is a string. */
  purpose: string | undefined
  /** The entry's statusListIndex as a number, when it could be read. */
  index: number | undefined
  /** The bit, when it could be read. */
  set: boolean | undefined
  /** One sentence for a human: what was checked and what came out. */
  reason: string
  /** Set when `ok` is false. */
  code?: StatusErrorCode
  /** Things that did not fail the check but a careful reader wants to know. */
  warnings: string[]
  /** Length of the decoded list in bits, when it was decoded. */
  listLength?: number
}

export interface CheckStatusEntryOptions {
  /** A `credentialStatus` entry (untrusted). */
  entry: unknown
  /** The list credential it points to, whose signature the caller has verified (untrusted shape). */
  listCredential: unknown
  /** Refuse lists shorter than STATUS_LIST_LENGTH (131072 bits). Default true. */
  strict?: boolean
  /** The longest list to inflate, in bits. Default MAX_STATUS_LIST_LENGTH. */
  maxLength?: number
}

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasType (value: Json, type: string): boolean {
  const t = value.type
  return t === type || (Array.isArray(t) && t.includes(type))
}

/** A value of untrusted input, quoted and cut short for a reason. */
function show (value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

function isPurpose (value: string): value is StatusPurpose {
  return (STATUS_PURPOSES as readonly string[]).includes(value)
}

/**
 * The `credentialStatus` entries of a credential (an object or an array) whose type is
 * BitstringStatusListEntry, as they are: check each with `checkStatusEntry`.
 */
export function statusEntries (credential: unknown): Json[] {
  if (!isObject(credential)) return []
  const status = credential.credentialStatus
  const all = Array.isArray(status) ? status : [status]
  return all.filter((entry): entry is Json => isObject(entry) && hasType(entry, 'BitstringStatusListEntry'))
}

/**
 * Reads the bit of one status entry in its list credential. Pure (no I/O) and total: bad input
 * gives a result with `ok: false`, a reason and a code; it never throws. Does not verify the list
 * credential's signature or dates, nor that its issuer is the credential's: the caller does.
 * A list whose `id` differs from the entry's statusListCredential is accepted (with a warning):
 * lists are fetched from URLs whose documents may carry another id.
 */
export async function checkStatusEntry (options: CheckStatusEntryOptions): Promise<StatusCheckResult> {
  if (!isObject(options)) throw new TypeError('checkStatusEntry(options): options must be an object')
  const { entry, listCredential, strict = true, maxLength = MAX_STATUS_LIST_LENGTH } = options
  const warnings: string[] = []
  // eslint-disable-next-line prefer-const -- fail() reads it, also before it is known
  let purpose: string | undefined
  let index: number | undefined
  const fail = (code: StatusErrorCode, reason: string, set?: boolean, listLength?: number): StatusCheckResult => {
    const result: StatusCheckResult = { ok: false, purpose, index, set, reason, code, warnings }
    if (listLength !== undefined) result.listLength = listLength
    return result
  }

  // The entry.
  if (!isObject(entry)) return fail(StatusErrorCode.ENTRY_INVALID, 'the status entry is not an object')
  if (!hasType(entry, 'BitstringStatusListEntry')) {
    return fail(StatusErrorCode.ENTRY_INVALID, `the status entry's type is ${show(entry.type)}, not BitstringStatusListEntry`)
  }
  if (typeof entry.statusPurpose !== 'string') {
    return fail(StatusErrorCode.ENTRY_INVALID, 'the status entry has no statusPurpose string')
  }
  purpose = entry.statusPurpose
  const rawIndex = entry.statusListIndex
  if (typeof rawIndex === 'string' && /^[0-9]+$/.test(rawIndex) && Number.isSafeInteger(Number(rawIndex))) {
    index = Number(rawIndex)
  } else if (typeof rawIndex === 'number' && Number.isSafeInteger(rawIndex) && rawIndex >= 0) {
    index = rawIndex
    warnings.push(`statusListIndex is the JSON number ${rawIndex}; the W3C spec requires a base-10 string ("${rawIndex}"). Read as ${rawIndex}.`)
  } else if (rawIndex === undefined) {
    return fail(StatusErrorCode.ENTRY_INVALID, 'the status entry has no statusListIndex')
  } else {
    return fail(StatusErrorCode.ENTRY_INVALID, `the status entry's statusListIndex ${show(rawIndex)} is not a non-negative integer written in base 10`)
  }
  const listId = entry.statusListCredential
  if (typeof listId !== 'string' || listId === '') {
    return fail(StatusErrorCode.ENTRY_INVALID, 'the status entry has no statusListCredential string')
  }
  if (entry.statusSize !== undefined && entry.statusSize !== 1 && entry.statusSize !== '1') {
    return fail(StatusErrorCode.ENTRY_INVALID, `the status entry's statusSize ${show(entry.statusSize)} is not supported (only 1 bit per entry)`)
  }
  if (!isPurpose(purpose)) {
    return fail(StatusErrorCode.PURPOSE, `the status purpose ${show(purpose)} is not supported (only ${STATUS_PURPOSES.join(' and ')})`)
  }
  const where = `bit ${index} of ${purpose} list ${show(listId)}`

  // The list credential.
  if (!isObject(listCredential)) return fail(StatusErrorCode.LIST_INVALID, `the status list ${show(listId)} is not an object`)
  if (!hasType(listCredential, 'BitstringStatusListCredential')) {
    return fail(StatusErrorCode.LIST_INVALID, `the status list ${show(listId)} is not a BitstringStatusListCredential (its type is ${show(listCredential.type)})`)
  }
  const subject = listCredential.credentialSubject
  if (!isObject(subject) || !hasType(subject, 'BitstringStatusList')) {
    return fail(StatusErrorCode.LIST_INVALID, `the status list ${show(listId)} has no credentialSubject of type BitstringStatusList`)
  }
  const listPurposes = typeof subject.statusPurpose === 'string'
    ? [subject.statusPurpose]
    : Array.isArray(subject.statusPurpose) && subject.statusPurpose.every((p) => typeof p === 'string')
      ? subject.statusPurpose as string[]
      : undefined
  if (listPurposes === undefined || listPurposes.length === 0) {
    return fail(StatusErrorCode.LIST_INVALID, `the status list ${show(listId)} has no statusPurpose`)
  }
  if (!listPurposes.includes(purpose)) {
    return fail(StatusErrorCode.PURPOSE_MISMATCH, `the entry's statusPurpose is ${purpose} but the list's is ${show(subject.statusPurpose)}`)
  }
  if (listCredential.id !== listId) {
    warnings.push(`the list credential's id ${show(listCredential.id)} differs from the entry's statusListCredential ${show(listId)} (accepted: a list may be served under another address)`)
  }
  if (typeof subject.encodedList !== 'string') {
    return fail(StatusErrorCode.LIST_INVALID, `the status list ${show(listId)} has no encodedList string`)
  }

  // The bits.
  let list
  try {
    list = await decodeStatusList(subject.encodedList, { maxLength })
  } catch (err) {
    const detail = err instanceof StatusError ? err.message : String(err)
    return fail(StatusErrorCode.LIST_DECODE, `the status list ${show(listId)}: ${detail}`)
  }
  if (list.length < STATUS_LIST_LENGTH) {
    const short = `the status list ${show(listId)} has ${list.length} bits, fewer than the ${STATUS_LIST_LENGTH} the W3C spec requires`
    if (strict) return fail(StatusErrorCode.LIST_LENGTH, short, undefined, list.length)
    warnings.push(`${short} (accepted: not strict)`)
  }
  if (index >= list.length) {
    return fail(StatusErrorCode.INDEX_RANGE, `statusListIndex ${index} is outside the status list ${show(listId)} (0..${list.length - 1})`, undefined, list.length)
  }
  const set = list.get(index)
  if (set) {
    const state = purpose === 'revocation' ? 'revoked' : 'suspended'
    const code = purpose === 'revocation' ? StatusErrorCode.REVOKED : StatusErrorCode.SUSPENDED
    return fail(code, `${state}: ${where} is set`, true, list.length)
  }
  const state = purpose === 'revocation' ? 'not revoked' : 'not suspended'
  return { ok: true, purpose, index, set: false, reason: `${state}: ${where} is clear`, warnings, listLength: list.length }
}
