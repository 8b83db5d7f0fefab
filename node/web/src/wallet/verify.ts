/**
 * Checking a credential in the page, before the wallet keeps it: nothing of it is sent anywhere.
 * The checks and their order are @cofl/verifier's (data model, schema, signature, status,
 * validity), with the same libraries underneath: @digitalbazaar/vc's data model rules and the
 * issuer's signature through @cofl/credentials (eddsa-rdfc-2022 with the bundled contexts and
 * offline did:key), the status bit through @cofl/status. Two differences, both said in the report:
 *
 * - The OB 3.0 JSON Schema is not checked here. Its validator compiles code at run time, which
 *   this page's Content Security Policy forbids (no 'unsafe-eval'). The node that issued a
 *   claimed badge checked it; POST /api/verify (the Verify page) checks it for anyone who asks.
 * - The status list is asked of this node (GET /api/status/<list>): a public document shared by
 *   every credential on that list, so asking for it says nothing of which credential is held.
 *   Without `getStatusList` (an import, before the learner asks for a status check) the status is
 *   reported unknown, never guessed.
 */
import { checkCredentialDataModel, verifyCredentialProof } from '@cofl/credentials'
import { checkStatusEntry } from '@cofl/status'
import { CHECK_TITLES, verdictFromChecks } from '@cofl/verifier'
import type { Check, CheckId, CheckOutcome, VerificationReport } from '@cofl/verifier'

type Json = Record<string, unknown>

/** How far clocks may disagree (as @cofl/verifier's DEFAULT_MAX_CLOCK_SKEW_SECONDS). */
export const CLOCK_SKEW_MS = 300_000

/** Looks a status list credential up by the URL or id a credential names it by. */
export type GetStatusList = (id: string) => Promise<unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function values (value: unknown): unknown[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  return isObject(value) && typeof value.id === 'string' ? value.id : undefined
}

function nameOf (value: unknown): string | undefined {
  if (!isObject(value)) return undefined
  if (typeof value.name === 'string') return value.name
  const first = values(value.name)[0]
  return isObject(first) && typeof first['@value'] === 'string' ? first['@value'] : undefined
}

function check (id: CheckId, outcome: CheckOutcome, reason: string, code?: string): Check {
  return { id, title: CHECK_TITLES[id], outcome, reason, ...(code != null ? { code } : {}) }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

function dateCheck (document: Json, at: Date): Check {
  const from = document.validFrom ?? document.issuanceDate
  const until = document.validUntil ?? document.expirationDate
  const parse = (value: unknown): number | undefined => typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? Date.parse(value) : undefined
  const parts: string[] = []
  if (from != null) {
    const f = parse(from)
    if (f == null) return check('validity', 'failed', `validFrom ${JSON.stringify(from)} is not a date-time`, 'COFL_ERR_DATE_INVALID')
    if (f - CLOCK_SKEW_MS > at.getTime()) return check('validity', 'failed', `not yet valid: valid from ${String(from)}`, 'COFL_ERR_NOT_YET_VALID')
    parts.push(`valid from ${String(from)}`)
  }
  if (until != null) {
    const u = parse(until)
    if (u == null) return check('validity', 'failed', `validUntil ${JSON.stringify(until)} is not a date-time`, 'COFL_ERR_DATE_INVALID')
    if (u + CLOCK_SKEW_MS < at.getTime()) return check('validity', 'failed', `expired on ${String(until)}`, 'COFL_ERR_EXPIRED')
    parts.push(`until ${String(until)}`)
  } else {
    parts.push('no expiry')
  }
  return check('validity', 'passed', parts.join(', '))
}

async function statusCheck (credential: Json, issuer: string | undefined, at: Date, getStatusList: GetStatusList | undefined, warnings: string[]): Promise<Check> {
  const entries = values(credential.credentialStatus)
  if (entries.length === 0) return check('status', 'skipped', 'the credential has no status entry: its issuer cannot revoke or suspend it')
  if (getStatusList == null) return check('status', 'indeterminate', 'not checked yet: Check status now asks this node for the issuer\'s public status list', 'COFL_ERR_STATUS_LIST_UNAVAILABLE')
  const found: string[] = []
  for (const entry of entries) {
    if (!isObject(entry)) return check('status', 'failed', 'a credentialStatus entry is not an object', 'COFL_ERR_STATUS_ENTRY_INVALID')
    const url = entry.statusListCredential
    if (typeof url !== 'string') return check('status', 'failed', 'the status entry names no status list', 'COFL_ERR_STATUS_ENTRY_INVALID')
    let list: unknown
    try {
      list = await getStatusList(url)
    } catch (err) {
      return check('status', 'indeterminate', `the status list ${url} could not be had from this node (${(err as Error).message}), so revocation cannot be checked now`, 'COFL_ERR_STATUS_LIST_UNAVAILABLE')
    }
    if (!isObject(list)) return check('status', 'indeterminate', `the status list ${url} is not a JSON object`, 'COFL_ERR_STATUS_LIST_UNAVAILABLE')
    const listProof = await verifyCredentialProof(list)
    if (!listProof.verified) return check('status', 'failed', `the status list ${url} does not verify: ${listProof.errors.join('; ')}`, 'COFL_ERR_STATUS_LIST_INVALID')
    if (issuer != null && idOf(list.issuer) !== issuer) return check('status', 'failed', `the status list ${url} was issued by ${String(idOf(list.issuer))}, not by the credential's issuer`, 'COFL_ERR_STATUS_LIST_ISSUER')
    const listDates = dateCheck(list, at)
    if (listDates.outcome === 'failed') return check('status', 'failed', `the status list ${url} is ${listDates.reason}`, 'COFL_ERR_STATUS_LIST_INVALID')
    const result = await checkStatusEntry({ entry, listCredential: list })
    warnings.push(...result.warnings)
    if (!result.ok) {
      const reason = result.set === true ? `${result.purpose === 'suspension' ? 'suspended' : 'revoked'} by its issuer (${result.reason})` : result.reason
      return check('status', 'failed', reason, result.code)
    }
    found.push(`not ${result.purpose === 'suspension' ? 'suspended' : 'revoked'}`)
  }
  return check('status', 'passed', `${[...new Set(found)].join(' and ')} (checked against the issuer's signed status list)`)
}

/** The report of a credential checked in the page (the shape of @cofl/verifier's). Never throws on bad input. */
export async function verifyInPage (input: unknown, options: { getStatusList?: GetStatusList, now?: Date } = {}): Promise<VerificationReport> {
  const report: VerificationReport = { verdict: 'invalid', verified: false, kind: 'credential', checks: [], warnings: [] }
  const skipRest = (reason: string): VerificationReport => {
    for (const id of ['schema', 'proof', 'status', 'validity'] as const) report.checks.push(check(id, 'skipped', reason))
    return report
  }
  if (!isObject(input)) {
    report.kind = 'unknown'
    report.checks.push(check('format', 'failed', `expected a credential (a JSON object), got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}`, 'COFL_ERR_NOT_A_CREDENTIAL'))
    return skipRest('not a credential')
  }
  const at = options.now ?? new Date()
  const types = values(input.type).filter((t): t is string => typeof t === 'string')
  report.types = types.filter((t) => t !== 'VerifiableCredential')
  if (typeof input.id === 'string') report.id = input.id
  const issuer = idOf(input.issuer)
  if (issuer != null) report.issuer = { id: issuer, ...(nameOf(input.issuer) != null ? { name: nameOf(input.issuer) as string } : {}) }
  const subject = values(input.credentialSubject)[0]
  if (isObject(subject)) {
    if (typeof subject.id === 'string') report.subject = subject.id
    if (isObject(subject.achievement)) {
      const a = subject.achievement
      report.achievement = { ...(typeof a.id === 'string' ? { id: a.id } : {}), ...(nameOf(a) != null ? { name: nameOf(a) as string } : {}) }
    }
  }
  let model
  try {
    model = checkCredentialDataModel(input)
  } catch (err) {
    model = { valid: false, reason: (err as Error).message }
  }
  if (!model.valid) {
    report.checks.push(check('format', 'failed', `not a valid verifiable credential: ${String(model.reason)}`, 'COFL_ERR_NOT_A_CREDENTIAL'))
    return skipRest('not a valid verifiable credential')
  }
  report.checks.push(check('format', 'passed', `a verifiable credential (${report.types.join(', ') || 'no specific type'})`))
  report.checks.push(check('schema', 'skipped', 'not checked in the browser (the Verify page checks the OB 3.0 JSON Schema on the node)'))
  const proof = await verifyCredentialProof(input)
  // A key counts only when its issuer's document binds it (@cofl/credentials): one that cannot be
  // checked here (an issuer whose document the page cannot resolve) is neither valid nor forged.
  report.checks.push(proof.verified
    ? check('proof', 'passed', `signed by ${issuer ?? 'the issuer'} (${proof.verificationMethods.join(', ')})`)
    : check('proof', proof.indeterminate ? 'indeterminate' : 'failed', proof.errors.join('; '), proof.codes[0]))
  report.warnings.push(...proof.warnings)
  report.checks.push(proof.verified
    ? await statusCheck(input, issuer, at, options.getStatusList, report.warnings)
    : check('status', 'skipped', `not checked: the signature ${proof.indeterminate ? 'cannot be checked here' : 'does not hold'}, so the status entry cannot be trusted`))
  report.checks.push(dateCheck(input, at))
  report.verdict = verdictFromChecks(report.checks)
  report.verified = report.verdict === 'valid'
  return report
}

/** The checks a credential must pass to enter the wallet (as the CLI wallet: status and dates are recorded, not required). */
export const REQUIRED_CHECKS: ReadonlySet<string> = new Set(['format', 'schema', 'proof'])

/** The checks that keep a credential out of the wallet: failed, or (its signature) not checkable here. */
export function refusals (report: VerificationReport): Check[] {
  return report.checks.filter((c) => (c.outcome === 'failed' || c.outcome === 'indeterminate') && REQUIRED_CHECKS.has(c.id))
}
