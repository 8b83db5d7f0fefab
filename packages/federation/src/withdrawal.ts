/**
 * Withdrawals: an issuer withdraws a document it published with a signed withdrawal document,
 * published like any other (kind 'withdrawal': gossip, sync, Helia). Every node that takes it in
 * removes the issuer's document of that kind and id, at the withdrawn version or older, from its
 * store, its pins, its blockstore and its headers, and from then on refuses that version or an
 * older one (Ignore), from gossip and from sync. The issuer takes a withdrawal back only by
 * publishing a new version of the document with a higher sequence (docs/federation.md,
 * "Withdrawing a document").
 *
 * A withdrawal only ever concerns its own issuer's document: documents are kept per (issuer, id),
 * and the id of a withdrawal names its issuer (idOwner), so no DID can withdraw another's.
 */
import { CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT } from '@cofl/credentials'
import { WITHDRAWABLE_KINDS, WITHDRAWAL_TYPE } from './constants.js'
import type { WithdrawableKind } from './constants.js'

/** What a withdrawal withdraws: its issuer's document of `kind` with `id`, at version `sequence` and older. */
export interface WithdrawalTarget { kind: WithdrawableKind, id: string, sequence: number }

const PREFIX = 'urn:cofl:withdrawal:'
const MAX_TARGET_ID_LENGTH = 1024

/** The id of `issuer`'s withdrawal of its document (kind, id): one per document, a new version for each withdrawal of it. */
export function withdrawalId (issuer: string, kind: WithdrawableKind, id: string): string {
  return `${PREFIX}${issuer}:${kind}:${encodeURIComponent(id)}`
}

/**
 * The unsigned withdrawal document (sign it with the issuer's key, e.g. @cofl/credentials
 * signDocument, then publish it as kind 'withdrawal'). `sequence`: the version withdrawn (the one
 * held); `withdrawnAt`: when (default now).
 */
export function buildWithdrawal (init: { issuer: string, kind: WithdrawableKind, id: string, sequence: number, withdrawnAt?: string }): Record<string, unknown> {
  const { issuer, kind, id, sequence } = init
  if (typeof issuer !== 'string' || !issuer.startsWith('did:')) throw new TypeError('issuer must be a DID')
  if (!(WITHDRAWABLE_KINDS as readonly string[]).includes(kind)) throw new TypeError(`kind must be one of ${WITHDRAWABLE_KINDS.join(', ')}`)
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('id must be a non-empty string')
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new TypeError('sequence must be a positive integer')
  return {
    '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT],
    id: withdrawalId(issuer, kind, id),
    type: [WITHDRAWAL_TYPE],
    issuer,
    withdrawn: { kind, id, sequence },
    withdrawnAt: init.withdrawnAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
}

export type WithdrawalTargetResult = { ok: true, target: WithdrawalTarget } | { ok: false, reason: string }

/**
 * What a withdrawal document withdraws, checked: a kind that may be withdrawn, an id, a positive
 * version, and the withdrawal's own id as withdrawalId makes it from its issuer and target. Never throws.
 */
export function withdrawalTarget (document: Record<string, unknown>, issuer: string): WithdrawalTargetResult {
  const withdrawn = document.withdrawn as Record<string, unknown> | undefined
  if (withdrawn == null || typeof withdrawn !== 'object' || Array.isArray(withdrawn)) return { ok: false, reason: 'the withdrawal names nothing withdrawn' }
  const { kind, id, sequence } = withdrawn
  if (typeof kind !== 'string' || !(WITHDRAWABLE_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, reason: `a withdrawal withdraws a document of a kind among ${WITHDRAWABLE_KINDS.join(', ')}, not ${String(kind)}` }
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TARGET_ID_LENGTH || id.includes('\u0000')) {
    return { ok: false, reason: `the withdrawn id is not a string of 1 to ${MAX_TARGET_ID_LENGTH} characters` }
  }
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return { ok: false, reason: 'the withdrawn version is not a positive integer' }
  const expected = withdrawalId(issuer, kind as WithdrawableKind, id)
  if (document.id !== expected) return { ok: false, reason: `the withdrawal's id is not ${expected}` }
  return { ok: true, target: { kind: kind as WithdrawableKind, id, sequence } }
}

/** `urn:cofl:withdrawal:<DID>:...`: the DID that a withdrawal id names (its only possible issuer). */
export function withdrawalIdOwner (id: string): string | undefined {
  if (!id.startsWith(PREFIX)) return undefined
  const match = /^(did:[a-z0-9]+:[^:#?/]+):/.exec(id.slice(PREFIX.length))
  return match?.[1]
}
