/**
 * @packageDocumentation
 *
 * @cofl/status: the W3C Bitstring Status List (revocation and suspension) for cofl. Pure data and
 * persistence: a registry in a level directory hands out random status indexes crash-safely, sets and
 * clears bits, and builds unsigned BitstringStatusListCredentials with a rising `sequence`; pure
 * functions check a status entry against a list credential whose signature the caller verified.
 * It depends on no other @cofl package: the CLI signs what it builds, the verifier checks with it.
 *
 * @example
 * ```ts
 * import { openStatusRegistry, checkStatusEntry } from '@cofl/status'
 *
 * const registry = await openStatusRegistry({ directory: './data/status', issuer: 'did:key:z6Mk...' })
 * const { listNumber, entries } = await registry.allocate()  // persisted before it resolves
 * credential.credentialStatus = entries                       // revocation + suspension entry
 * await registry.setStatus(entries[0], true)                  // revoke
 * const list = await registry.buildListCredential('revocation', listNumber)  // sign and publish
 * const result = await checkStatusEntry({ entry: entries[0], listCredential: list })
 * // result.ok === false, result.set === true, result.code === 'COFL_ERR_STATUS_REVOKED'
 * await registry.close()
 * ```
 */
export {
  STATUS_LIST_LENGTH, MIN_LIST_LENGTH, MAX_STATUS_LIST_LENGTH, STATUS_PURPOSES, VC_V2_CONTEXT, VC_UNDEFINED_TERMS_V2_CONTEXT, STATUS_LIST_CONTEXTS,
  DEFAULT_LIST_ID_PREFIX, FILL_NUMERATOR, FILL_DENOMINATOR
} from './constants.js'
export type { StatusPurpose } from './constants.js'
export { StatusError, StatusErrorCode } from './errors.js'
export type {
  BitstringStatusListEntry, BitstringStatusListSubject, StatusPosition, UnsignedStatusListCredential
} from './types.js'
export { encodeStatusList, decodeStatusList } from './codec.js'
export type { StatusList, EncodeStatusListOptions, DecodeStatusListOptions } from './codec.js'
export { checkStatusEntry, statusEntries } from './check.js'
export type { StatusCheckResult, CheckStatusEntryOptions } from './check.js'
export { openStatusRegistry, defaultListId, fillLimit } from './registry.js'
export type {
  StatusRegistry, StatusRegistryInit, Allocation, StatusTarget, StatusChange, ListIdFunction, BuildListOptions
} from './registry.js'
