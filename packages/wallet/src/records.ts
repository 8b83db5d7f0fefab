/**
 * From a credential and its verification report to what the wallet keeps and shows.
 */
import { StatusErrorCode } from '@cofl/status'
import type { VerificationReport } from '@cofl/verifier'
import type { HeldCredential, HeldStatus, HeldSummary } from './types.js'

type Json = Record<string, unknown>

export function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function list (value: unknown): unknown[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

/** The ids of the credential's subjects. */
export function subjectIds (credential: Json): string[] {
  return list(credential.credentialSubject)
    .map((s) => isObject(s) ? s.id : undefined)
    .filter((id): id is string => typeof id === 'string')
}

/** JSON text with object keys sorted: two values are the same JSON when these are equal. */
export function canonicalJson (value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isObject(v)) return v
    const sorted: Json = {}
    for (const k of Object.keys(v).sort()) sorted[k] = v[k]
    return sorted
  })
}

/** What the wallet knows of the status from a report (of a credential whose signature holds). */
export function statusFromReport (report: VerificationReport, at: Date): HeldStatus {
  const checkedAt = at.toISOString()
  const check = report.checks.find((c) => c.id === 'status')
  if (check == null) return { state: 'unknown', reason: 'the status was not checked', checkedAt }
  if (check.outcome === 'passed') return { state: 'active', reason: check.reason, checkedAt }
  if (check.outcome === 'skipped') return { state: 'none', reason: check.reason, checkedAt }
  const state = check.code === StatusErrorCode.REVOKED ? 'revoked' : check.code === StatusErrorCode.SUSPENDED ? 'suspended' : 'unknown'
  return { state, reason: check.reason, checkedAt, ...(check.code != null ? { code: check.code } : {}) }
}

function dateString (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function nameOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const first = list(value)[0]
  if (isObject(first) && typeof first['@value'] === 'string') return first['@value']
  return undefined
}

/** The record the wallet stores for a credential that verified (schema and signature), or was kept with `force` although its signature cannot be checked here (`unchecked`). */
export function heldRecord (init: { id: string, credential: Json, report: VerificationReport, source: string, at: Date, forced: boolean, unchecked?: boolean }): HeldCredential {
  const { id, credential, report, source, at } = init
  const issuer = report.issuer ?? { id: typeof credential.issuer === 'string' ? credential.issuer : 'unknown' }
  const name = nameOf(credential.name) ?? report.achievement?.name
  const record: HeldCredential = {
    id,
    credential,
    source,
    addedAt: at.toISOString(),
    types: report.types ?? [],
    issuer,
    status: statusFromReport(report, at)
  }
  if (name != null) record.name = name
  if (report.achievement != null) record.achievement = report.achievement
  // The achievement's image id (its URL), for pages to show the badge (never its bytes).
  const subject = list(credential.credentialSubject)[0]
  const image = isObject(subject) && isObject(subject.achievement) ? subject.achievement.image : undefined
  const imageId = typeof image === 'string' ? image : isObject(image) && typeof image.id === 'string' ? image.id : undefined
  if (imageId != null && imageId.length <= 2048) record.achievement = { ...record.achievement, image: imageId }
  if (report.subject != null) record.subject = report.subject
  const validFrom = dateString(credential.validFrom ?? credential.issuanceDate)
  const validUntil = dateString(credential.validUntil ?? credential.expirationDate)
  if (validFrom != null) record.validFrom = validFrom
  if (validUntil != null) record.validUntil = validUntil
  if (init.forced) record.forced = true
  if (init.unchecked === true) record.unchecked = true
  return record
}

/** A held credential as `list()` shows it. */
export function summary (record: HeldCredential, at: Date): HeldSummary {
  const { credential: _credential, ...rest } = record
  const until = record.validUntil != null ? Date.parse(record.validUntil) : NaN
  return { ...rest, expired: !Number.isNaN(until) && until < at.getTime() }
}
