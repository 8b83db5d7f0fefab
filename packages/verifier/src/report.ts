/**
 * The verification report: every check, its outcome and a reason a person understands, and the
 * verdict they add up to. Three verdicts, not two:
 *
 * - `valid`: every check that applies passed.
 * - `invalid`: a check failed: forged, tampered, a key that is not the issuer's, revoked,
 *   suspended, expired, not a credential.
 * - `indeterminate` ("cannot be checked here"): nothing failed, but a check could not be made
 *   here: a cryptosuite this verifier does not support, a DID method or an issuer URL whose
 *   document it cannot resolve, a status list it cannot get. Never "valid" for what was not checked.
 */

/**
 * `passed`, `failed`; `skipped` when the check does not apply or is not worth making (no status
 * entry; the status of a credential whose signature does not hold; the proof and status of an
 * OB 3.0 credential that fails its schema, whose signature is then not computed);
 * `indeterminate` when it applies and could not be made here (the reason says why).
 */
export type CheckOutcome = 'passed' | 'failed' | 'skipped' | 'indeterminate'

/** What the checks add up to: any failed check is `invalid`; else any indeterminate one is `indeterminate`; else `valid`. */
export type Verdict = 'valid' | 'invalid' | 'indeterminate'

/** What a trust function says of an issuer. */
export interface TrustResult {
  trusted: boolean
  issuer: string
  /** The DIDs that endorsed the issuer (directly). */
  endorsedBy: string[]
  /** The chain from the issuer to a trust root, when there is one. */
  chain: string[]
  /** In words a person understands. */
  reason: string
}

export type CheckId =
  | 'format' // a JSON object that is a credential / presentation under the VC data model
  | 'schema' // the official OB 3.0 JSON Schema
  | 'proof' // the issuer's (or, for a presentation, the holder's) signature
  | 'status' // Bitstring Status List: revoked, suspended
  | 'validity' // validFrom / validUntil
  | 'holder' // presentation: the holder signed, and is the subject of every credential
  | 'credentials' // presentation: every credential inside verifies

export interface Check {
  id: CheckId
  /** A short title for the check. */
  title: string
  outcome: CheckOutcome
  /** Why, in words a person understands. */
  reason: string
  /** A stable code (COFL_ERR_*) when the check failed, or could not be made, for a known cause. */
  code?: string
}

export interface VerificationReport {
  /** Valid, invalid, or cannot be checked here (see Verdict). */
  verdict: Verdict
  /** True when the verdict is `valid`: no check failed, and none could not be made. */
  verified: boolean
  kind: 'credential' | 'presentation' | 'unknown'
  /** The credential's or presentation's id. */
  id?: string
  /** Credential types (without VerifiableCredential). */
  types?: string[]
  issuer?: { id: string, name?: string }
  /** The credential's subject (the learner's DID), when it has one. */
  subject?: string
  achievement?: { id?: string, name?: string }
  /** Presentation: its holder. */
  holder?: string
  /**
   * Whether the issuer is trusted by this verifier: endorsed, through a chain of endorsements,
   * by a trust root (a city) that this verifier's configuration names. Only when the verifier was
   * given a trust function. Separate from `verified`: a valid credential from an issuer outside
   * the verifier's network is valid, and not trusted.
   */
  trust?: TrustResult
  checks: Check[]
  /** What a careful reader wants to know although it did not fail a check. */
  warnings: string[]
  /** Presentation: the report of each credential inside. */
  credentials?: VerificationReport[]
}

export const CHECK_TITLES: Record<CheckId, string> = {
  format: 'Data model',
  schema: 'OB 3.0 JSON Schema',
  proof: 'Signature',
  status: 'Revocation and suspension',
  validity: 'Validity dates',
  holder: 'Holder',
  credentials: 'Credentials inside'
}

/** The verdict of a set of checks: any failed is `invalid`; else any indeterminate is `indeterminate`; else `valid`. */
export function verdictFromChecks (checks: readonly Check[]): Verdict {
  if (checks.some((c) => c.outcome === 'failed')) return 'invalid'
  if (checks.some((c) => c.outcome === 'indeterminate')) return 'indeterminate'
  return 'valid'
}

/**
 * The report of a VC-JWT (a compact JWS, bare or baked into an image: @cofl/formats' readCredential
 * returns it as `vcJwt`), which cofl does not verify: its proof cannot be checked here
 * (COFL_ERR_PROOF_UNSUPPORTED), the other checks are skipped; the verdict is indeterminate, not
 * invalid. `jwt.alg` is the `alg` of its protected header, named in the reason when known.
 */
export function vcJwtReport (jwt: { alg?: string }): VerificationReport {
  const check = (id: CheckId, outcome: CheckOutcome, reason: string, code?: string): Check =>
    ({ id, title: CHECK_TITLES[id], outcome, reason, ...(code !== undefined ? { code } : {}) })
  const skipped = 'not read: VC-JWT credentials are not supported'
  return {
    verdict: 'indeterminate',
    verified: false,
    kind: 'credential',
    checks: [
      check('format', 'skipped', skipped),
      check('schema', 'skipped', skipped),
      check('proof', 'indeterminate', `a VC-JWT (compact JWS${typeof jwt.alg === 'string' ? `, ${jwt.alg}` : ''}): VC-JWT credentials are not supported; cofl verifies credentials with an embedded proof (DataIntegrityProof eddsa-rdfc-2022, Ed25519Signature2020)`, 'COFL_ERR_PROOF_UNSUPPORTED'),
      check('status', 'skipped', skipped),
      check('validity', 'skipped', skipped)
    ],
    warnings: []
  }
}

/** The verdict as the terminal report writes it. */
export const VERDICT_WORDS: Record<Verdict, string> = { valid: 'VALID', invalid: 'INVALID', indeterminate: 'CANNOT BE CHECKED HERE' }

const MARK: Record<CheckOutcome, string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip', indeterminate: ' ?? ' }

/** The report as text for a terminal. */
export function formatReport (report: VerificationReport, indent = ''): string {
  const lines: string[] = []
  const what = report.kind === 'unknown' ? 'input' : report.kind
  // A report from before verdicts (an older node's): valid or invalid.
  const verdict = report.verdict ?? (report.verified ? 'valid' : 'invalid')
  lines.push(`${indent}${VERDICT_WORDS[verdict]} ${what}${report.id != null ? ` ${report.id}` : ''}`)
  if (report.types != null && report.types.length > 0) lines.push(`${indent}  type:        ${report.types.join(', ')}`)
  if (report.issuer != null) lines.push(`${indent}  issuer:      ${report.issuer.name != null ? `${report.issuer.name} (${report.issuer.id})` : report.issuer.id}`)
  if (report.achievement?.name != null) lines.push(`${indent}  achievement: ${report.achievement.name}`)
  if (report.subject != null) lines.push(`${indent}  subject:     ${report.subject}`)
  if (report.holder != null) lines.push(`${indent}  holder:      ${report.holder}`)
  if (report.trust != null) lines.push(`${indent}  trust:       ${report.trust.trusted ? 'trusted' : 'NOT trusted'}: ${report.trust.reason}`)
  for (const check of report.checks) {
    lines.push(`${indent}  [${MARK[check.outcome] ?? check.outcome}] ${check.title}: ${check.reason}`)
  }
  for (const warning of report.warnings) lines.push(`${indent}  warning: ${warning}`)
  for (const inner of report.credentials ?? []) lines.push(formatReport(inner, `${indent}    `))
  return lines.join('\n')
}
