/**
 * A verification report (POST /api/verify, packages/verifier) as a person reads it: a verdict
 * first (Valid, Not valid, Revoked, Cannot be checked here, Valid but the issuer is not
 * trusted...), then what the badge
 * says (achievement, issuer, learner, dates), whether its issuer is trusted and through whom, and
 * every check with its outcome and reason. A presentation gets its own verdict and checks, then
 * each credential inside in turn.
 *
 * The report is the node's; the credential itself, when the page has it (pasted, or read from a
 * baked image), only adds what the report leaves out (the achievement's description, the dates).
 */
import { badgeElement, badgeImageFile } from './badge-image.js'
import { h } from './dom.js'
import { checkMessage, isOtherRequest } from './messages.js'
import { formatDate, formatNumber, language, t, tParts } from './i18n.js'

// The wire shape of the report is the verifier's own (types only: nothing of it is bundled).
import type { Check, CheckOutcome, TrustResult, VerificationReport } from '@cofl/verifier'
export type { CheckOutcome }
export type ReportCheck = Check
export type ReportTrust = TrustResult
export type Report = VerificationReport

/** What the page knows beside the report. */
export interface ReportContext {
  /** The credential or presentation that was verified, when the page has it. */
  document?: unknown
  /** This node (its DID is named "this node" in a trust chain). */
  node?: { did: string, name?: string | null }
  /** Descriptions of achievements the page looked up (achievement id -> description). */
  descriptions?: ReadonlyMap<string, string>
  /**
   * Names from a verified source (DID -> name): the issuer Profiles this node holds, signed by their
   * own DIDs (GET /api/trust/:did `names`). A name a credential gives its own issuer is never one.
   */
  names?: ReadonlyMap<string, string>
}

export type VerdictKind =
  | 'valid' | 'untrusted' | 'revoked' | 'suspended' | 'expired' | 'not-yet-valid' | 'tampered' | 'other-request' | 'not-a-credential' | 'invalid' | 'cannot-be-checked'

export interface Verdict {
  kind: VerdictKind
  /** The headline: "Valid", "Not valid", "Revoked", "Cannot be checked here"... */
  title: string
  /** One sentence that says why. */
  summary: string
  /** Good (green), bad (red), a warning (amber), or unknown (blue: neither valid nor invalid, it could not be checked here). */
  tone: 'ok' | 'bad' | 'warn' | 'unknown'
}

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function values (value: unknown): unknown[] {
  return value == null ? [] : Array.isArray(value) ? value : [value]
}

function checkOf (report: Report, id: string): ReportCheck | undefined {
  return report.checks.find((c) => c.id === id)
}

function failed (report: Report, id: string): ReportCheck | undefined {
  const c = checkOf(report, id)
  return c?.outcome === 'failed' ? c : undefined
}

/** A name of `did` from a verified source: the node's copy of the Profile `did` signed (GET /api/trust/:did `names`). */
function verifiedName (did: string, context: ReportContext): string | undefined {
  return context.names?.get(did)
}

/** The human sentence of a check that did not pass: what happened, then what to do. */
function sentence (check: ReportCheck, what: 'badge' | 'presentation'): string {
  const m = checkMessage(check, what)
  return m != null ? `${m.happened} ${m.todo}` : `${check.title}.` // (a check with no message: its own title, from the verifier)
}

/**
 * The verdict of a report, most telling cause first, in words for people (the checks' reasons and
 * codes are for the technical details). `context` gives the names a verified source gives.
 */
export function verdictOf (report: Report, context: ReportContext = {}): Verdict {
  const what = report.kind === 'presentation' ? 'presentation' : 'badge'
  if (report.kind === 'unknown' || failed(report, 'format') != null) {
    return { kind: 'not-a-credential', title: report.kind === 'presentation' ? t('verifyPage.report.verdict.notPresentation') : t('verifyPage.report.verdict.notCredential'), summary: what === 'presentation' ? t('verifyPage.report.verdict.notSomethingPresentation') : t('verifyPage.report.verdict.notSomethingBadge'), tone: 'bad' }
  }
  const proof = failed(report, 'proof')
  if (proof != null && (proof.code === 'COFL_ERR_CHALLENGE_MISSING' || isOtherRequest(proof))) {
    return { kind: 'other-request', title: t('verifyPage.report.verdict.otherRequest'), summary: sentence(proof, what), tone: 'bad' }
  }
  if (proof != null) return { kind: 'tampered', title: t('verifyPage.report.verdict.notValid'), summary: sentence(proof, what), tone: 'bad' }
  const status = failed(report, 'status')
  if (status?.code === 'COFL_ERR_STATUS_REVOKED') return { kind: 'revoked', title: t('verifyPage.report.verdict.revoked'), summary: sentence(status, what), tone: 'bad' }
  if (status?.code === 'COFL_ERR_STATUS_SUSPENDED') return { kind: 'suspended', title: t('verifyPage.report.verdict.suspended'), summary: sentence(status, what), tone: 'bad' }
  const dates = failed(report, 'validity')
  if (dates?.code === 'COFL_ERR_EXPIRED') return { kind: 'expired', title: t('verifyPage.report.verdict.expired'), summary: sentence(dates, what), tone: 'bad' }
  if (dates?.code === 'COFL_ERR_NOT_YET_VALID') return { kind: 'not-yet-valid', title: t('verifyPage.report.verdict.notYetValid'), summary: sentence(dates, what), tone: 'bad' }
  // Nothing failed, but a check could not be made here: neither valid nor forged.
  const unchecked = report.checks.find((c) => c.outcome === 'indeterminate')
  if (unchecked != null && report.checks.every((c) => c.outcome !== 'failed')) {
    return { kind: 'cannot-be-checked', title: t('verifyPage.report.verdict.cannotBeChecked'), summary: what === 'presentation' ? t('verifyPage.report.verdict.cannotBeCheckedPresentation', { reason: sentence(unchecked, what) }) : t('verifyPage.report.verdict.cannotBeCheckedBadge', { reason: sentence(unchecked, what) }), tone: 'unknown' }
  }
  if (!report.verified) {
    const first = report.checks.find((c) => c.outcome === 'failed')
    return { kind: 'invalid', title: t('verifyPage.report.verdict.notValid'), summary: first != null ? sentence(first, what) : what === 'presentation' ? t('verifyPage.report.verdict.notEveryCheckPresentation') : t('verifyPage.report.verdict.notEveryCheckBadge'), tone: 'bad' }
  }
  if (report.kind === 'presentation') {
    const untrusted = (report.credentials ?? []).filter((r) => r.trust != null && !r.trust.trusted).length
    if (untrusted > 0) return { kind: 'untrusted', title: t('verifyPage.report.verdict.untrustedIssuers'), summary: t('verifyPage.report.verdict.untrustedCount', { count: untrusted }), tone: 'warn' }
    return { kind: 'valid', title: t('verifyPage.report.verdict.valid'), summary: t('verifyPage.report.verdict.validPresentation'), tone: 'ok' }
  }
  if (report.trust != null && !report.trust.trusted) {
    return { kind: 'untrusted', title: t('verifyPage.report.verdict.untrustedIssuer'), summary: t('verifyPage.report.verdict.untrustedIssuerSummary'), tone: 'warn' }
  }
  // Only a name from a verified source is said as fact.
  const by = report.trust?.trusted === true && report.issuer != null ? verifiedName(report.issuer.id, context) : undefined
  return { kind: 'valid', title: t('verifyPage.report.verdict.valid'), summary: by != null ? t('verifyPage.report.verdict.validBy', { name: by }) : report.trust?.trusted === true ? t('verifyPage.report.verdict.validTrusted') : t('verifyPage.report.verdict.validPlain'), tone: 'ok' }
}

// ---------------------------------------------------------------------------------------------
// What the credential adds

/** The string of a plain string or a language map / language-tagged value. */
function textOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const first = values(value)[0]
  if (typeof first === 'string') return first
  if (isObject(first)) {
    if (typeof first['@value'] === 'string') return first['@value']
    const any = Object.values(first).find((v) => typeof v === 'string')
    return typeof any === 'string' ? any : undefined
  }
  return undefined
}

interface CredentialFacts {
  description?: string
  criteria?: string
  validFrom?: string
  validUntil?: string
  image?: string
  /** Endorsements carried inside the credential: of the issuer or of the achievement. */
  endorsements: Array<{ of: 'issuer' | 'achievement', by: string, name?: string }>
}

function endorsementsIn (holder: unknown, of: 'issuer' | 'achievement'): CredentialFacts['endorsements'] {
  if (!isObject(holder)) return []
  const out: CredentialFacts['endorsements'] = []
  for (const e of values(holder.endorsement)) {
    if (!isObject(e)) continue
    const issuer = e.issuer
    const by = typeof issuer === 'string' ? issuer : isObject(issuer) && typeof issuer.id === 'string' ? issuer.id : undefined
    if (by == null) continue
    const name = isObject(issuer) ? textOf(issuer.name) : undefined
    out.push({ of, by, ...(name != null ? { name } : {}) })
  }
  return out
}

function factsOf (credential: unknown): CredentialFacts {
  const facts: CredentialFacts = { endorsements: [] }
  if (!isObject(credential)) return facts
  const from = credential.validFrom ?? credential.issuanceDate
  const until = credential.validUntil ?? credential.expirationDate
  if (typeof from === 'string') facts.validFrom = from
  if (typeof until === 'string') facts.validUntil = until
  const subject = values(credential.credentialSubject)[0]
  const achievement = isObject(subject) ? subject.achievement : undefined
  if (isObject(achievement)) {
    const description = textOf(achievement.description)
    if (description != null) facts.description = description
    const criteria = isObject(achievement.criteria) ? textOf(achievement.criteria.narrative) : undefined
    if (criteria != null) facts.criteria = criteria
    const image = badgeImageFile(achievement.image)
    if (image != null) facts.image = image
    facts.endorsements.push(...endorsementsIn(achievement, 'achievement'))
  }
  facts.endorsements.push(...endorsementsIn(credential.issuer, 'issuer'))
  return facts
}

/** The credentials inside a presentation document, in order. */
function credentialsOf (presentation: unknown): unknown[] {
  return isObject(presentation) ? values(presentation.verifiableCredential) : []
}

/** A date as a person reads it, keeping the exact value in `datetime`. */
function when (value: string): HTMLElement {
  const time = Date.parse(value)
  if (Number.isNaN(time)) return h('span', {}, value)
  return h('time', { datetime: value, title: value }, formatDate(time, 'dateTime'))
}

/** A DID, in monospace, named when it is this node's. */
function did (value: string, context: ReportContext, name?: string): HTMLElement {
  const own = context.node?.did === value
  const thisNode = t('verifyPage.report.facts.thisNode')
  const label = name ?? (own ? (context.node?.name ?? thisNode) : undefined)
  return h('span', {},
    label != null ? h('span', {}, label, own && label !== thisNode ? t('verifyPage.report.facts.thisNodeAfter') : '', ' ') : '',
    h('span', { class: 'mono did' }, value))
}

function dateFromReason (reason: string | undefined, pattern: RegExp): string | undefined {
  return reason == null ? undefined : pattern.exec(reason)?.[1]
}

// ---------------------------------------------------------------------------------------------
// The pieces of a report

/** Each outcome's mark, words (read when the table is drawn, in the language spoken then) and tone. */
const OUTCOME_WORDS: Record<CheckOutcome, { mark: string, word: () => string, tone: string }> = {
  passed: { mark: '✓', word: () => t('verifyPage.report.outcome.passed'), tone: 'ok' },
  failed: { mark: '✗', word: () => t('verifyPage.report.outcome.failed'), tone: 'bad' },
  skipped: { mark: '–', word: () => t('verifyPage.report.outcome.skipped'), tone: 'muted' },
  indeterminate: { mark: '?', word: () => t('verifyPage.report.outcome.indeterminate'), tone: 'unknown' }
}

function checksTable (report: Report, caption: string): HTMLElement {
  return h('table', { class: 'checks' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('verifyPage.report.checks.check')), h('th', { scope: 'col' }, t('verifyPage.report.checks.outcome')), h('th', { scope: 'col' }, t('verifyPage.report.checks.why')))),
    h('tbody', {}, ...report.checks.map((c) => {
      const o = OUTCOME_WORDS[c.outcome] ?? { mark: '?', word: () => c.outcome, tone: 'muted' }
      return h('tr', { 'data-check': c.id, 'data-outcome': c.outcome },
        h('th', { scope: 'row' }, c.title),
        h('td', { class: `outcome ${o.tone}` }, h('span', { 'aria-hidden': 'true' }, o.mark, ' '), o.word()),
        h('td', { class: 'reason' }, c.reason, c.code != null ? h('span', { class: 'code' }, ' ', h('code', {}, c.code)) : ''))
    })))
}

function statusWords (report: Report): { text: string, tone: string } {
  const c = checkOf(report, 'status')
  if (c == null) return { text: t('verifyPage.report.statusWords.notChecked'), tone: 'muted' }
  if (c.outcome === 'passed') return { text: t('verifyPage.report.statusWords.active'), tone: 'ok' }
  if (c.code === 'COFL_ERR_STATUS_REVOKED') return { text: t('verifyPage.report.statusWords.revoked'), tone: 'bad' }
  if (c.code === 'COFL_ERR_STATUS_SUSPENDED') return { text: t('verifyPage.report.statusWords.suspended'), tone: 'bad' }
  // The verifier's reason is English: said as it is in English ("Not checked: not ..." made one sentence), under the page's own words otherwise.
  if (c.outcome === 'skipped') return { text: language() === 'en' && /^not checked/i.test(c.reason) ? `N${c.reason.slice(1)}` : t('verifyPage.report.statusWords.notCheckedReason', { reason: c.reason }), tone: 'muted' }
  if (c.outcome === 'indeterminate') return { text: t('verifyPage.report.statusWords.indeterminate'), tone: 'unknown' }
  return { text: t('verifyPage.report.statusWords.broken'), tone: 'bad' }
}

/** A city or issuer of a trust chain by its verified name, else said to have none. */
function named (value: string, context: ReportContext): HTMLElement {
  const name = verifiedName(value, context)
  return name != null
    ? h('span', { class: 'verified-name' }, name)
    : h('span', { class: 'unnamed' }, t('verifyPage.report.trust.unnamed'))
}

function trustBlock (report: Report, facts: CredentialFacts, context: ReportContext, level: 3 | 4): HTMLElement {
  const heading = h(level === 3 ? 'h3' : 'h4', {}, t('verifyPage.report.trust.heading'))
  const parts: Node[] = [heading]
  const trust = report.trust
  if (trust == null) {
    const proof = checkOf(report, 'proof')?.outcome
    parts.push(h('p', { class: 'muted' }, proof === 'passed'
      ? t('verifyPage.report.trust.noNetwork')
      : proof === 'indeterminate'
        ? t('verifyPage.report.trust.notAskedIndeterminate')
        : proof === 'skipped'
          ? t('verifyPage.report.trust.notAskedSkipped')
          : t('verifyPage.report.trust.notAskedFailed')))
  } else {
    const root = trust.chain[0]
    const role = (d: string): string => d === context.node?.did ? t('verifyPage.report.trust.roleNode') : d === root ? t('verifyPage.report.trust.roleRoot') : ''
    parts.push(h('p', { class: `trust ${trust.trusted ? 'ok' : 'warn'}` },
      h('strong', {}, trust.trusted ? t('verifyPage.report.trust.trusted') : t('verifyPage.report.trust.notTrusted')),
      trust.trusted
        ? trust.chain.length === 1 ? t('verifyPage.report.trust.root') : t('verifyPage.report.trust.chainLeads')
        : t('verifyPage.report.trust.noneVouches')))
    if (trust.endorsedBy.length === 0) {
      parts.push(h('p', {}, trust.chain.length === 1 ? t('verifyPage.report.trust.noOtherNeeded') : t('verifyPage.report.trust.noneHeld')))
    } else {
      parts.push(h('ul', { class: 'endorsers' }, ...trust.endorsedBy.map((d) => h('li', {}, ...tParts('verifyPage.report.trust.endorsedBy', { name: named(d, context) }), role(d)))))
    }
    if (trust.chain.length > 1) {
      parts.push(h('p', {}, t('verifyPage.report.trust.chain')))
      parts.push(h('ol', { class: 'chain' }, ...trust.chain.map((d, i) => h('li', {},
        named(d, context), ' ',
        h('span', { class: 'muted' }, i === 0 ? t('verifyPage.report.trust.chainRoot') : i === trust.chain.length - 1 ? t('verifyPage.report.trust.chainIssuer') : t('verifyPage.report.trust.chainMiddle'))))))
    }
    const dids = [...new Set([...trust.chain, ...trust.endorsedBy])]
    parts.push(h('details', { class: 'trust-details' },
      h('summary', {}, t('verifyPage.report.trust.details')),
      h('p', {}, trust.reason),
      dids.length > 0 ? h('ul', {}, ...dids.map((d) => h('li', {}, verifiedName(d, context) ?? t('verifyPage.report.trust.noProfile'), ': ', h('span', { class: 'mono did' }, d)))) : null))
  }
  if (facts.endorsements.length > 0) {
    parts.push(h('p', {}, h('strong', {}, t('verifyPage.report.trust.carried')), t('verifyPage.report.trust.carriedNote')))
    parts.push(h('ul', {}, ...facts.endorsements.map((e) => {
      const by = h('span', { class: 'mono did' }, e.by)
      const name = e.name != null ? h('span', {}, ...tParts('verifyPage.report.trust.selfDeclared', { name: e.name, did: by })) : by
      return h('li', {}, ...(e.of === 'achievement' ? tParts('verifyPage.report.trust.ofAchievement', { name }) : tParts('verifyPage.report.trust.ofIssuer', { name })))
    })))
  }
  return h('section', { class: 'trust-block' }, ...parts)
}

/**
 * The issuer as the report may say it: its name from its verified Profile when the trust chain
 * proves the issuer, with the credential's own name labelled when it differs; otherwise only the
 * name the credential gives itself, labelled as such, never as fact.
 */
function issuerWords (report: Report, context: ReportContext, proven: boolean): HTMLElement | null {
  const issuer = report.issuer
  if (issuer == null) return null
  const didSpan = h('span', { class: 'mono did' }, issuer.id)
  const own = issuer.name != null && issuer.name !== '' ? issuer.name : undefined
  const signed = checkOf(report, 'proof')?.outcome === 'passed'
  const verified = signed && report.trust?.trusted === true ? verifiedName(issuer.id, context) : undefined
  if (verified != null) {
    return h('span', { class: 'issuer', 'data-issuer': 'verified' },
      h('strong', { class: 'issuer-name' }, verified), ' ', h('span', { class: 'muted' }, t('verifyPage.report.issuer.verified')), ' ', didSpan,
      own != null && own !== verified ? h('span', { class: 'self-declared' }, t('verifyPage.report.issuer.ownDiffers', { name: own })) : '')
  }
  const label = !proven
    ? own != null ? t('verifyPage.report.issuer.claimsNamed', { name: own }) : t('verifyPage.report.issuer.claims')
    : own != null ? t('verifyPage.report.issuer.namesItself', { name: own }) : t('verifyPage.report.issuer.noName')
  return h('span', { class: 'issuer', 'data-issuer': 'self-declared' }, h('span', { class: 'self-declared' }, label), didSpan)
}

function detailsList (report: Report, facts: CredentialFacts, context: ReportContext, unverified: string | null): HTMLElement {
  const rows: Array<[string, Node | string]> = []
  const description = facts.description ?? (report.achievement?.id != null ? context.descriptions?.get(report.achievement.id) : undefined)
  if (report.achievement?.name != null) {
    // Its image only when its signature holds: a forged badge may name any image this node holds.
    rows.push([t('verifyPage.report.facts.achievement'), unverified == null
      ? h('span', { class: 'achievement-with-image' },
        badgeElement(facts.image, { name: report.achievement.name, issuer: report.issuer?.id, size: 96, className: 'badge-report' }),
        h('strong', { class: 'achievement-name' }, report.achievement.name))
      : h('span', { class: 'achievement-name' }, report.achievement.name)])
  }
  if (description != null) rows.push([t('verifyPage.report.facts.description'), h('span', { class: 'description' }, description)])
  if (facts.criteria != null) rows.push([t('verifyPage.report.facts.criteria'), facts.criteria])
  const issuer = issuerWords(report, context, unverified == null)
  if (issuer != null) rows.push([t('verifyPage.report.facts.issuedBy'), issuer])
  if (report.subject != null) rows.push([t('verifyPage.report.facts.awardedTo'), h('span', { class: 'mono did' }, report.subject)])
  const status = statusWords(report)
  rows.push([t('verifyPage.report.facts.status'), h('span', { class: `status-words ${status.tone}` }, status.text)])
  const validity = checkOf(report, 'validity')
  const from = facts.validFrom ?? dateFromReason(validity?.reason, /valid from (\S+?)(?:,|$)/)
  const until = facts.validUntil ?? dateFromReason(validity?.reason, /until (\S+?)(?:,|$)/)
  if (from != null) rows.push([t('verifyPage.report.facts.validFrom'), when(from)])
  rows.push([t('verifyPage.report.facts.validUntil'), until != null ? when(until) : t('verifyPage.report.facts.noExpiry')])
  if (report.types != null && report.types.length > 0) rows.push([t('verifyPage.report.facts.type'), report.types.join(', ')])
  if (report.id != null) rows.push([t('verifyPage.report.facts.credentialId'), h('span', { class: 'mono' }, report.id)])
  // A signature that does not hold: every claim greyed and struck, and said to be unbelievable.
  return h('dl', { class: unverified != null ? 'facts unverified' : 'facts', 'data-unverified': unverified != null ? 'true' : null, 'aria-describedby': unverified },
    ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]))
}

/** What went wrong, in words: one item per check that did not pass (the reasons and codes are in the details). */
function findingsList (report: Report, level: 3 | 4): HTMLElement | null {
  const what = report.kind === 'presentation' ? 'presentation' : 'badge'
  const items = report.checks.flatMap((c) => {
    const m = checkMessage(c, what)
    return m == null ? [] : [h('li', { 'data-finding': c.id }, m.happened, ' ', h('span', { class: 'todo' }, m.todo))]
  })
  // One finding is the verdict's own summary already.
  if (items.length < 2) return null
  return h('section', { class: 'findings' }, h(level === 3 ? 'h3' : 'h4', {}, t('verifyPage.report.checks.found')), h('ul', {}, ...items))
}

/** The checks, their reasons and codes, and the warnings: technical, behind a disclosure. */
function technicalDetails (report: Report, caption: string, level: 3 | 4): HTMLElement {
  return h('details', { class: 'technical' },
    h('summary', {}, t('verifyPage.report.checks.technical')),
    checksTable(report, caption),
    warningsList(report, level))
}

let cautions = 0

function warningsList (report: Report, level: 3 | 4): HTMLElement | null {
  if (report.warnings.length === 0) return null
  return h('section', {}, h(level === 3 ? 'h3' : 'h4', {}, t('verifyPage.report.checks.warnings')), h('ul', { class: 'warnings' }, ...report.warnings.map((w) => h('li', {}, w))))
}

function verdictBlock (verdict: Verdict, heading: HTMLElement): HTMLElement {
  return h('div', { class: `verdict ${verdict.tone}`, 'data-verdict': verdict.kind }, heading, h('p', { class: 'summary' }, verdict.summary))
}

const TONE_MARK: Record<Verdict['tone'], string> = { ok: '✓', bad: '✗', warn: '!', unknown: '?' }

/** One credential's report: verdict, what it says, trust, checks (headings from `level`). */
function credentialSection (report: Report, document: unknown, context: ReportContext, level: 2 | 3, position: { index: number, total: number } | null): HTMLElement {
  const achievementName = position != null && report.achievement?.name != null && checkOf(report, 'proof')?.outcome === 'passed' ? report.achievement.name : undefined
  const label = position == null ? null : achievementName != null ? t('verifyPage.report.credentialOfNamed', { ...position, name: achievementName }) : t('verifyPage.report.credentialOf', position)
  const verdict = verdictOf(report, context)
  const sub = level === 2 ? 3 : 4
  const facts = factsOf(document)
  const heading = h(level === 2 ? 'h2' : 'h3', { class: 'verdict-title', id: level === 2 ? 'verdict' : null },
    h('span', { 'aria-hidden': 'true', class: 'mark' }, TONE_MARK[verdict.tone], ' '),
    label != null ? t('verifyPage.report.verdict.labelled', { label, title: verdict.title }) : verdict.title)
  const readable = verdict.kind !== 'not-a-credential'
  const proof = checkOf(report, 'proof')?.outcome
  const cautionId = proof !== 'passed' ? `caution-${++cautions}` : null
  return h('section', { class: 'credential-report', 'data-kind': report.kind },
    verdictBlock(verdict, heading),
    findingsList(report, sub),
    readable ? h(level === 2 ? 'h3' : 'h4', {}, t('verifyPage.report.says')) : null,
    readable && proof === 'indeterminate'
      ? h('p', { class: 'caution unknown', id: cautionId }, t('verifyPage.report.caution.indeterminate'))
      : readable && proof === 'skipped'
        ? h('p', { class: 'caution bad', id: cautionId }, t('verifyPage.report.caution.skipped'))
        : readable && proof !== 'passed'
          ? h('p', { class: 'caution bad', id: cautionId }, t('verifyPage.report.caution.failed'))
          : null,
    readable ? detailsList(report, facts, context, cautionId) : null,
    readable ? trustBlock(report, facts, context, sub) : null,
    technicalDetails(report, position != null ? t('verifyPage.report.checks.ofCredential', position) : t('verifyPage.report.checks.each'), sub))
}

/** The report, ready to put in the page. The first heading (h2, id "verdict") is the verdict. */
export function renderReport (report: Report, context: ReportContext = {}): HTMLElement {
  if (report.kind !== 'presentation') return credentialSection(report, context.document, context, 2, null)
  const verdict = verdictOf(report, context)
  const heading = h('h2', { class: 'verdict-title', id: 'verdict' },
    h('span', { 'aria-hidden': 'true', class: 'mark' }, TONE_MARK[verdict.tone], ' '), t('verifyPage.report.verdict.presentation', { title: verdict.title }))
  const inner = report.credentials ?? []
  const documents = credentialsOf(context.document)
  const rows: Array<[string, Node | string]> = []
  if (report.holder != null) rows.push([t('verifyPage.report.facts.holder'), did(report.holder, context)])
  rows.push([t('verifyPage.report.facts.inside'), formatNumber(inner.length)])
  if (report.id != null) rows.push([t('verifyPage.report.facts.presentationId'), h('span', { class: 'mono' }, report.id)])
  return h('section', { class: 'presentation-report' },
    verdictBlock(verdict, heading),
    h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    findingsList(report, 3),
    technicalDetails(report, t('verifyPage.report.checks.ofPresentation'), 3),
    ...inner.map((r, i) => credentialSection(r, documents[i], context, 3, { index: i + 1, total: inner.length })))
}

/** The achievement ids of a report (and of the credentials of a presentation). */
export function achievementIds (report: Report): string[] {
  const ids = new Set<string>()
  if (report.achievement?.id != null) ids.add(report.achievement.id)
  for (const inner of report.credentials ?? []) if (inner.achievement?.id != null) ids.add(inner.achievement.id)
  return [...ids]
}
