/**
 * The verification pipeline, in the order OB 3.0 gives: JSON Schema -> proof -> status ->
 * validFrom / validUntil, after a first look at the data model. For a presentation: the holder's
 * signature with challenge and domain, the holder bound to every credential's subject, and every
 * credential inside through the same pipeline. Never throws on untrusted input: every check is
 * run that can be, and the report says what passed, what failed, what could not be checked here,
 * and why; its verdict is valid, invalid or indeterminate ("cannot be checked here"). One
 * exception: the proof (JSON-LD canonicalisation, whose cost grows with the structure) of a
 * credential that fails the OB 3.0 schema is not computed, its verdict already being invalid:
 * proof and status are reported skipped, the dates are still checked.
 */
import {
  checkCredentialDataModel, checkPresentationDataModel, createVerificationLoader, CREDENTIALS_V1_CONTEXT, validateSchema,
  verifyCredentialProof, verifyPresentationProof
} from '@cofl/credentials'
import type { DocumentLoader, ProofOutcome, SchemaKind } from '@cofl/credentials'
import { didMethod } from '@cofl/identity'
import { checkStatusEntry } from '@cofl/status'
import { DEFAULT_MAX_CLOCK_SKEW_SECONDS, DEFAULT_STRICT_STATUS_LIST_LENGTH } from './constants.js'
import { CHECK_TITLES, verdictFromChecks } from './report.js'
import type { Check, CheckId, CheckOutcome, TrustResult, VerificationReport } from './report.js'

type Json = Record<string, unknown>

export interface VerifierInit {
  /** Status list credentials this verifier knows: an array (matched by their `id`) or a map from the URL credentials name them by. */
  statusLists?: readonly unknown[] | ReadonlyMap<string, unknown>
  /** Looks up a status list that `statusLists` lacks (a node's replica). */
  getStatusList?: (url: string) => Promise<unknown>
  /**
   * Default: bundled contexts and offline did:key resolution. Keys of URL or did:web issuers are
   * bound only by their controller documents, which this loader must answer (createVerificationLoader's
   * `controllerDocuments`); without them such a credential cannot be checked here.
   */
  documentLoader?: DocumentLoader
  /** Refuse status lists shorter than 131,072 entries. Default true. */
  strictStatusListLength?: boolean
  /**
   * Says whether an issuer is trusted (a chain of endorsements to a trust root). When given, the
   * report of every credential whose signature holds carries its answer as `trust`.
   */
  trust?: (issuer: string) => Promise<TrustResult>
  /** The time to verify at (tests). Default: the clock. */
  now?: () => Date
  maxClockSkewSeconds?: number
}

export interface VerifyPresentationOptions {
  /** The challenge this verifier gave the holder. Without it a presentation could be a replay: it fails. */
  challenge?: string
  /** The domain this verifier expects in the proof. */
  domain?: string
}

export interface Verifier {
  /** A credential, a presentation, or anything else (which gets a failed report saying what it is not). */
  verify(input: unknown, options?: VerifyPresentationOptions): Promise<VerificationReport>
  verifyCredential(credential: unknown): Promise<VerificationReport>
  verifyPresentation(presentation: unknown, options?: VerifyPresentationOptions): Promise<VerificationReport>
}

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function values (value: unknown): unknown[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

function typesOf (value: Json): string[] {
  return values(value.type).filter((t): t is string => typeof t === 'string')
}

function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isObject(value) && typeof value.id === 'string') return value.id
  return undefined
}

function nameOf (value: unknown): string | undefined {
  if (!isObject(value)) return undefined
  const name = value.name
  if (typeof name === 'string') return name
  // a language map or an array of language-tagged values
  const first = values(name)[0]
  if (isObject(first) && typeof first['@value'] === 'string') return first['@value']
  return undefined
}

function check (id: CheckId, outcome: CheckOutcome, reason: string, code?: string): Check {
  const c: Check = { id, title: CHECK_TITLES[id], outcome, reason }
  if (code != null) c.code = code
  return c
}

function proofCheck (outcome: ProofOutcome, who: string): Check {
  if (outcome.verified) return check('proof', 'passed', `signed by ${who} (${outcome.verificationMethods.join(', ')})`)
  return check('proof', outcome.indeterminate ? 'indeterminate' : 'failed', outcome.errors.join('; '), outcome.codes[0])
}

/** Sets the report's verdict from its checks. */
function conclude (report: VerificationReport): VerificationReport {
  report.verdict = verdictFromChecks(report.checks)
  report.verified = report.verdict === 'valid'
  return report
}

function firstContext (document: Json): unknown {
  return values(document['@context'])[0]
}

/**
 * `value` with every `proof` object, at any depth, as a one-element array: a copy of the objects
 * and arrays on the way to such a proof, sharing everything else with `value` (which is returned
 * itself when it holds no proof object).
 */
function proofsAsArrays (value: unknown, depth = 0): unknown {
  if (depth > 64) return value
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    value.forEach((v, i) => {
      const w = proofsAsArrays(v, depth + 1)
      if (w !== v) (out ??= [...value])[i] = w
    })
    return out ?? value
  }
  if (!isObject(value)) return value
  let out: Json | undefined
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const v = value[key]
    const w = key === 'proof' && isObject(v) ? [proofsAsArrays(v, depth + 1)] : proofsAsArrays(v, depth + 1)
    if (w !== v) (out ??= { ...value })[key] = w
  }
  return out ?? value
}

function schemaKind (types: string[]): SchemaKind | undefined {
  if (types.includes('OpenBadgeCredential') || types.includes('AchievementCredential')) return 'AchievementCredential'
  if (types.includes('EndorsementCredential')) return 'EndorsementCredential'
  return undefined
}

/** Creates a verifier. Cheap: create one per set of trusted inputs (status lists) and reuse it. */
export function createVerifier (init: VerifierInit = {}): Verifier {
  const documentLoader = init.documentLoader ?? createVerificationLoader()
  const strict = init.strictStatusListLength ?? DEFAULT_STRICT_STATUS_LIST_LENGTH
  const now = init.now ?? (() => new Date())
  const skewMs = (init.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS) * 1000

  const staticLists = new Map<string, unknown>()
  if (init.statusLists instanceof Map) {
    for (const [url, list] of init.statusLists) staticLists.set(url, list)
  } else if (Array.isArray(init.statusLists)) {
    for (const list of init.statusLists) {
      const id = idOf(list)
      if (id != null) staticLists.set(id, list)
    }
  } else if (init.statusLists != null) {
    throw new TypeError('statusLists must be an array or a Map')
  }
  // A status list given to this verifier is verified once, not once per credential that names it.
  const listProofs = new WeakMap<object, Promise<ProofOutcome>>()

  async function statusList (url: string): Promise<unknown> {
    const known = staticLists.get(url)
    if (known != null) return known
    if (init.getStatusList == null) return undefined
    try {
      return await init.getStatusList(url)
    } catch {
      return undefined
    }
  }

  function verifyListProof (list: Json): Promise<ProofOutcome> {
    let pending = listProofs.get(list)
    if (pending == null) {
      pending = verifyCredentialProof(list, { documentLoader })
      listProofs.set(list, pending)
    }
    return pending
  }

  function dateCheck (document: Json, at: Date): Check {
    const from = document.validFrom ?? document.issuanceDate
    const until = document.validUntil ?? document.expirationDate
    const fromName = document.validFrom != null ? 'validFrom' : 'issuanceDate'
    const untilName = document.validUntil != null ? 'validUntil' : 'expirationDate'
    const parse = (value: unknown): number | undefined => {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined
      const t = Date.parse(value)
      return Number.isNaN(t) ? undefined : t
    }
    const t = at.getTime()
    const parts: string[] = []
    if (from != null) {
      const f = parse(from)
      if (f == null) return check('validity', 'failed', `${fromName} ${JSON.stringify(from)} is not an XML Schema dateTime`, 'COFL_ERR_DATE_INVALID')
      if (f - skewMs > t) return check('validity', 'failed', `not yet valid: valid from ${String(from)}`, 'COFL_ERR_NOT_YET_VALID')
      parts.push(`valid from ${String(from)}`)
    }
    if (until != null) {
      const u = parse(until)
      if (u == null) return check('validity', 'failed', `${untilName} ${JSON.stringify(until)} is not an XML Schema dateTime`, 'COFL_ERR_DATE_INVALID')
      if (u + skewMs < t) return check('validity', 'failed', `expired on ${String(until)}`, 'COFL_ERR_EXPIRED')
      parts.push(`until ${String(until)}`)
    } else {
      parts.push('no expiry')
    }
    return check('validity', 'passed', parts.join(', '))
  }

  /** One status entry: passed (what it says), failed or indeterminate. */
  async function entryCheck (entry: unknown, issuer: string | undefined, at: Date, warnings: string[]): Promise<Check> {
    if (!isObject(entry)) return check('status', 'failed', 'a credentialStatus entry is not an object', 'COFL_ERR_STATUS_ENTRY_INVALID')
    const types = typesOf(entry)
    if (!types.includes('BitstringStatusListEntry')) {
      return check('status', 'indeterminate', `the status type ${types.join(', ') || '(none)'} is not supported, so whether the credential was revoked cannot be checked here (cofl checks BitstringStatusListEntry)`, 'COFL_ERR_STATUS_TYPE_UNSUPPORTED')
    }
    const url = entry.statusListCredential
    if (typeof url !== 'string') return check('status', 'failed', 'the status entry names no statusListCredential', 'COFL_ERR_STATUS_ENTRY_INVALID')
    const list = await statusList(url)
    if (!isObject(list)) {
      return check('status', 'indeterminate', `the status list ${url} is not available to this verifier, so revocation cannot be checked here (give it with --status-list)`, 'COFL_ERR_STATUS_LIST_UNAVAILABLE')
    }
    const listProof = await verifyListProof(list)
    if (listProof.indeterminate) {
      return check('status', 'indeterminate', `the status list ${url} cannot be checked here: ${listProof.errors.join('; ')}`, listProof.codes[0])
    }
    if (!listProof.verified) {
      return check('status', 'failed', `the status list ${url} does not verify: ${listProof.errors.join('; ')}`, 'COFL_ERR_STATUS_LIST_INVALID')
    }
    const listIssuer = idOf(list.issuer)
    if (issuer != null && listIssuer !== issuer) {
      return check('status', 'failed', `the status list ${url} was issued by ${String(listIssuer)}, not by the credential's issuer ${issuer}`, 'COFL_ERR_STATUS_LIST_ISSUER')
    }
    const listDates = dateCheck(list, at)
    if (listDates.outcome === 'failed') {
      return check('status', 'failed', `the status list ${url} is ${listDates.reason}`, 'COFL_ERR_STATUS_LIST_INVALID')
    }
    const result = await checkStatusEntry({ entry, listCredential: list, strict })
    warnings.push(...result.warnings)
    if (!result.ok) {
      const reason = result.set === true
        ? `${result.purpose === 'suspension' ? 'suspended' : 'revoked'} by its issuer (${result.reason})`
        : result.reason
      return check('status', 'failed', reason, result.code)
    }
    return check('status', 'passed', `not ${result.purpose === 'suspension' ? 'suspended' : 'revoked'}`)
  }

  /** Every status entry: the first that failed, else the first that could not be checked, else passed. */
  async function statusCheck (credential: Json, issuer: string | undefined, at: Date, warnings: string[]): Promise<Check> {
    const entries = values(credential.credentialStatus)
    if (entries.length === 0) return check('status', 'skipped', 'the credential has no status entry: its issuer cannot revoke or suspend it')
    const checks: Check[] = []
    for (const entry of entries) {
      const c = await entryCheck(entry, issuer, at, warnings)
      if (c.outcome === 'failed') return c
      checks.push(c)
    }
    const unchecked = checks.find((c) => c.outcome === 'indeterminate')
    if (unchecked != null) return unchecked
    return check('status', 'passed', `${[...new Set(checks.map((c) => c.reason))].join(' and ')} (checked against the issuer's signed status list)`)
  }

  async function verifyCredential (input: unknown): Promise<VerificationReport> {
    const report: VerificationReport = { verdict: 'invalid', verified: false, kind: 'credential', checks: [], warnings: [] }
    const skipAll = (reason: string): VerificationReport => {
      for (const id of ['schema', 'proof', 'status', 'validity'] as const) report.checks.push(check(id, 'skipped', reason))
      return conclude(report)
    }
    if (!isObject(input)) {
      report.kind = 'unknown'
      report.checks.push(check('format', 'failed', `expected a credential (a JSON object), got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}`, 'COFL_ERR_NOT_A_CREDENTIAL'))
      return skipAll('not a credential')
    }
    const credential = input
    const at = now()
    const types = typesOf(credential)
    report.types = types.filter((t) => t !== 'VerifiableCredential')
    if (typeof credential.id === 'string') report.id = credential.id
    const issuer = idOf(credential.issuer)
    if (issuer != null) report.issuer = { id: issuer, ...(nameOf(credential.issuer) != null ? { name: nameOf(credential.issuer) as string } : {}) }
    const subject = values(credential.credentialSubject)[0]
    if (isObject(subject)) {
      if (typeof subject.id === 'string') report.subject = subject.id
      if (isObject(subject.achievement)) {
        const a = subject.achievement
        report.achievement = {}
        if (typeof a.id === 'string') report.achievement.id = a.id
        const name = nameOf(a)
        if (name != null) report.achievement.name = name
      }
    }

    // 1. The data model (VC 1.1 / 2.0 rules, as @digitalbazaar/vc checks them; dates come later).
    const model = checkCredentialDataModel(credential)
    if (!model.valid) {
      report.checks.push(check('format', 'failed', `not a valid verifiable credential: ${String(model.reason)}`, 'COFL_ERR_NOT_A_CREDENTIAL'))
      return skipAll('not a valid verifiable credential')
    }
    report.checks.push(check('format', 'passed', `a verifiable credential (${report.types.join(', ') || 'no specific type'})`))

    // 2. The OB 3.0 JSON Schema.
    const kind = schemaKind(types)
    let schemaFailed = false
    if (kind == null) {
      report.checks.push(check('schema', 'skipped', 'not an Open Badges credential: no OB 3.0 schema applies'))
    } else if (firstContext(credential) === CREDENTIALS_V1_CONTEXT) {
      report.checks.push(check('schema', 'skipped', 'the credential uses the VC 1.1 context (an early OB 3.0 form); the OB 3.0 JSON Schema covers the VC 2.0 form only'))
      report.warnings.push('outdated context: the credential uses VC 1.1 (https://www.w3.org/2018/credentials/v1)')
    } else {
      // A single proof object is valid VC 2.0; the official schema's demand for an array is
      // 1EdTech spec issue 473. Validate with every proof as an array, also those of embedded
      // credentials (endorsements of the issuer or of the achievement).
      const result = validateSchema(kind, proofsAsArrays(credential))
      report.checks.push(result.valid
        ? check('schema', 'passed', `valid ${kind}`)
        : check('schema', 'failed', `not a valid ${kind}: ${result.errors.slice(0, 5).join('; ')}${result.errors.length > 5 ? ` (and ${result.errors.length - 5} more)` : ''}`, 'COFL_ERR_SCHEMA'))
      schemaFailed = !result.valid
    }

    // 3. The issuer's proof, by a key bound to the issuer. Not for a credential the schema refused:
    // it is invalid whatever its signature says, and the signature's cost (JSON-LD expansion and
    // canonicalisation) grows with the structure, which a schema-failing payload chooses freely.
    let proof: ProofOutcome | undefined
    if (schemaFailed) {
      report.checks.push(check('proof', 'skipped', 'not checked: the credential does not match the OB 3.0 schema, so its signature is not computed'))
    } else {
      proof = await verifyCredentialProof(credential, { documentLoader })
      report.checks.push(proofCheck(proof, issuer ?? 'the issuer'))
      report.warnings.push(...proof.warnings)
    }

    // 4. Status, only for a credential whose signature holds (its status entry is signed data).
    if (proof == null) {
      report.checks.push(check('status', 'skipped', 'not checked: the credential does not match the OB 3.0 schema, so its signature, and with it the status entry, is not checked'))
    } else if (proof.verified) {
      report.checks.push(await statusCheck(credential, issuer, at, report.warnings))
    } else if (proof.indeterminate) {
      report.checks.push(check('status', 'skipped', 'not checked: the signature cannot be checked here, so the status entry cannot be trusted'))
    } else {
      report.checks.push(check('status', 'skipped', 'not checked: the signature does not hold, so the status entry cannot be trusted'))
    }

    // 5. Dates.
    report.checks.push(dateCheck(credential, at))

    // The issuer's trust, for a credential whose signature holds (reported apart from validity).
    if (init.trust != null && proof?.verified === true && issuer != null) {
      try {
        report.trust = await init.trust(issuer)
      } catch (err) {
        report.trust = { trusted: false, issuer, endorsedBy: [], chain: [], reason: `the issuer's trust could not be determined: ${(err as Error)?.message ?? String(err)}` }
      }
    }
    return conclude(report)
  }

  async function verifyPresentation (input: unknown, options: VerifyPresentationOptions = {}): Promise<VerificationReport> {
    const report: VerificationReport = { verdict: 'invalid', verified: false, kind: 'presentation', checks: [], warnings: [] }
    const presentation = input as Json
    if (typeof presentation.id === 'string') report.id = presentation.id
    const holder = idOf(presentation.holder)
    if (holder != null) report.holder = holder
    const model = checkPresentationDataModel(presentation)
    report.checks.push(model.valid
      ? check('format', 'passed', 'a verifiable presentation')
      : check('format', 'failed', `not a valid verifiable presentation: ${String(model.reason)}`, 'COFL_ERR_NOT_A_PRESENTATION'))

    let proof: ProofOutcome | undefined
    if (options.challenge == null) {
      report.checks.push(check('proof', 'failed', 'no challenge was given to check the presentation against, so it could be a replay (give the challenge you sent the holder)', 'COFL_ERR_CHALLENGE_MISSING'))
    } else {
      proof = await verifyPresentationProof(presentation, { challenge: options.challenge, ...(options.domain != null ? { domain: options.domain } : {}), documentLoader })
      report.checks.push(proofCheck(proof, holder ?? 'the holder'))
      report.warnings.push(...proof.warnings)
    }

    const credentials = values(presentation.verifiableCredential)
    // The holder: the key that signed is the holder's (its controller document is the holder's),
    // and the holder is every credential's subject.
    const signer = proof?.verified === true ? proof.controllers[0] : undefined
    // A did:key holder's document names its own key only: a proof by any other key is not the holder's, checked or not.
    const foreign = holder != null && didMethod(holder) === 'key'
      ? values(presentation.proof).map((p) => idOf(isObject(p) ? p.verificationMethod : undefined)?.split('#')[0]).find((d) => d !== holder)
      : undefined
    if (holder == null) {
      report.checks.push(check('holder', 'failed', 'the presentation names no holder', 'COFL_ERR_HOLDER'))
    } else if (proof?.verified !== true && proof != null && foreign !== undefined) {
      report.checks.push(check('holder', 'failed', `signed by ${String(foreign)}, not by the holder ${holder}`, 'COFL_ERR_HOLDER'))
    } else if (proof?.verified !== true) {
      report.checks.push(check('holder', 'skipped', proof?.indeterminate === true ? 'not checked: the holder\'s signature cannot be checked here' : 'not checked: the holder\'s signature does not hold'))
    } else if (signer !== holder) {
      report.checks.push(check('holder', 'failed', `signed by ${String(signer)}, not by the holder ${holder}`, 'COFL_ERR_HOLDER'))
    } else {
      const others = credentials.filter((c) => isObject(c) && !values(c.credentialSubject).some((s) => idOf(s) === holder))
      report.checks.push(others.length === 0
        ? check('holder', 'passed', `${holder} signed the presentation and is the subject of every credential in it`)
        : check('holder', 'failed', `${others.length} of ${credentials.length} credentials are about someone other than the holder ${holder}`, 'COFL_ERR_HOLDER'))
    }

    report.credentials = []
    for (const credential of credentials) report.credentials.push(await verifyCredential(credential))
    const failed = report.credentials.filter((r) => r.verdict === 'invalid').length
    const unchecked = report.credentials.filter((r) => r.verdict === 'indeterminate').length
    report.checks.push(credentials.length === 0
      ? check('credentials', 'failed', 'the presentation holds no credential', 'COFL_ERR_NO_CREDENTIAL')
      : failed > 0
        ? check('credentials', 'failed', `${failed} of ${credentials.length} do not verify`, 'COFL_ERR_CREDENTIAL_INVALID')
        : unchecked > 0
          ? check('credentials', 'indeterminate', `${unchecked} of ${credentials.length} cannot be checked here (their reports say why)`, 'COFL_ERR_CREDENTIAL_UNCHECKED')
          : check('credentials', 'passed', `all ${credentials.length} verify`))
    return conclude(report)
  }

  return {
    verifyCredential,
    async verifyPresentation (presentation: unknown, options?: VerifyPresentationOptions): Promise<VerificationReport> {
      if (!isObject(presentation)) return await verifyCredential(presentation)
      return await verifyPresentation(presentation, options)
    },
    async verify (input: unknown, options?: VerifyPresentationOptions): Promise<VerificationReport> {
      if (isObject(input) && typesOf(input).includes('VerifiablePresentation')) return await verifyPresentation(input, options)
      return await verifyCredential(input)
    }
  }
}
