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
  return m != null ? `${m.happened} ${m.todo}` : `${check.title}.`
}

/**
 * The verdict of a report, most telling cause first, in words for people (the checks' reasons and
 * codes are for the technical details). `context` gives the names a verified source gives.
 */
export function verdictOf (report: Report, context: ReportContext = {}): Verdict {
  const what = report.kind === 'presentation' ? 'presentation' : 'badge'
  if (report.kind === 'unknown' || failed(report, 'format') != null) {
    return { kind: 'not-a-credential', title: report.kind === 'presentation' ? 'Not a valid presentation' : 'Not a credential', summary: `This is not something that can be verified. Ask for the ${what} itself: the badge image or the JSON file its issuer sent.`, tone: 'bad' }
  }
  const proof = failed(report, 'proof')
  if (proof != null && (proof.code === 'COFL_ERR_CHALLENGE_MISSING' || isOtherRequest(proof))) {
    return { kind: 'other-request', title: 'Not valid for this request', summary: sentence(proof, what), tone: 'bad' }
  }
  if (proof != null) return { kind: 'tampered', title: 'Not valid', summary: sentence(proof, what), tone: 'bad' }
  const status = failed(report, 'status')
  if (status?.code === 'COFL_ERR_STATUS_REVOKED') return { kind: 'revoked', title: 'Revoked', summary: sentence(status, what), tone: 'bad' }
  if (status?.code === 'COFL_ERR_STATUS_SUSPENDED') return { kind: 'suspended', title: 'Suspended', summary: sentence(status, what), tone: 'bad' }
  const dates = failed(report, 'validity')
  if (dates?.code === 'COFL_ERR_EXPIRED') return { kind: 'expired', title: 'Expired', summary: sentence(dates, what), tone: 'bad' }
  if (dates?.code === 'COFL_ERR_NOT_YET_VALID') return { kind: 'not-yet-valid', title: 'Not yet valid', summary: sentence(dates, what), tone: 'bad' }
  // Nothing failed, but a check could not be made here: neither valid nor forged.
  const unchecked = report.checks.find((c) => c.outcome === 'indeterminate')
  if (unchecked != null && report.checks.every((c) => c.outcome !== 'failed')) {
    return { kind: 'cannot-be-checked', title: 'Cannot be checked here', summary: `This ${what} could not be checked on this node, so it is shown neither valid nor forged. ${sentence(unchecked, what)}`, tone: 'unknown' }
  }
  if (!report.verified) {
    const first = report.checks.find((c) => c.outcome === 'failed')
    return { kind: 'invalid', title: 'Not valid', summary: first != null ? sentence(first, what) : `This ${what} did not pass every check. See the technical details below.`, tone: 'bad' }
  }
  if (report.kind === 'presentation') {
    const untrusted = (report.credentials ?? []).filter((r) => r.trust != null && !r.trust.trusted).length
    if (untrusted > 0) return { kind: 'untrusted', title: 'Valid, but an issuer is not trusted', summary: `Every signature holds, but ${untrusted === 1 ? 'one credential comes' : `${untrusted} credentials come`} from an issuer this node does not trust.`, tone: 'warn' }
    return { kind: 'valid', title: 'Valid', summary: 'The holder signed this presentation, and every credential in it is valid.', tone: 'ok' }
  }
  if (report.trust != null && !report.trust.trusted) {
    return { kind: 'untrusted', title: 'Valid, but the issuer is not trusted', summary: 'The badge is unchanged since it was signed, but no city this node trusts vouches for its issuer: who the issuer really is, is not confirmed.', tone: 'warn' }
  }
  // Only a name from a verified source is said as fact.
  const by = report.trust?.trusted === true && report.issuer != null ? verifiedName(report.issuer.id, context) : undefined
  return { kind: 'valid', title: 'Valid', summary: `This badge is genuine, unchanged and current${by != null ? `, issued by ${by}, an issuer this node trusts` : report.trust?.trusted === true ? ', from an issuer this node trusts' : ''}.`, tone: 'ok' }
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
  const t = Date.parse(value)
  if (Number.isNaN(t)) return h('span', {}, value)
  const words = new Date(t).toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' })
  return h('time', { datetime: value, title: value }, words)
}

/** A DID, in monospace, named when it is this node's. */
function did (value: string, context: ReportContext, name?: string): HTMLElement {
  const own = context.node?.did === value
  const label = name ?? (own ? (context.node?.name ?? 'this node') : undefined)
  return h('span', {},
    label != null ? h('span', {}, label, own && label !== 'this node' ? ' (this node)' : '', ' ') : '',
    h('span', { class: 'mono did' }, value))
}

function dateFromReason (reason: string | undefined, pattern: RegExp): string | undefined {
  return reason == null ? undefined : pattern.exec(reason)?.[1]
}

// ---------------------------------------------------------------------------------------------
// The pieces of a report

const OUTCOME_WORDS: Record<CheckOutcome, { mark: string, word: string, tone: string }> = {
  passed: { mark: '✓', word: 'Passed', tone: 'ok' },
  failed: { mark: '✗', word: 'Failed', tone: 'bad' },
  skipped: { mark: '–', word: 'Not checked', tone: 'muted' },
  indeterminate: { mark: '?', word: 'Cannot be checked here', tone: 'unknown' }
}

function checksTable (report: Report, caption: string): HTMLElement {
  return h('table', { class: 'checks' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Check'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'Why'))),
    h('tbody', {}, ...report.checks.map((c) => {
      const o = OUTCOME_WORDS[c.outcome] ?? { mark: '?', word: c.outcome, tone: 'muted' }
      return h('tr', { 'data-check': c.id, 'data-outcome': c.outcome },
        h('th', { scope: 'row' }, c.title),
        h('td', { class: `outcome ${o.tone}` }, h('span', { 'aria-hidden': 'true' }, o.mark, ' '), o.word),
        h('td', { class: 'reason' }, c.reason, c.code != null ? h('span', { class: 'code' }, ' ', h('code', {}, c.code)) : ''))
    })))
}

function statusWords (report: Report): { text: string, tone: string } {
  const c = checkOf(report, 'status')
  if (c == null) return { text: 'Not checked', tone: 'muted' }
  if (c.outcome === 'passed') return { text: 'Active: not revoked or suspended by its issuer', tone: 'ok' }
  if (c.code === 'COFL_ERR_STATUS_REVOKED') return { text: 'Revoked: revoked by its issuer, it is no longer valid', tone: 'bad' }
  if (c.code === 'COFL_ERR_STATUS_SUSPENDED') return { text: 'Suspended: suspended by its issuer for now', tone: 'bad' }
  if (c.outcome === 'skipped') return { text: /^not checked/i.test(c.reason) ? `N${c.reason.slice(1)}` : `Not checked: ${c.reason}`, tone: 'muted' }
  if (c.outcome === 'indeterminate') return { text: 'Cannot be checked here: this node does not hold the issuer\'s revocation list', tone: 'unknown' }
  return { text: 'Unknown: its revocation information is broken', tone: 'bad' }
}

/** A city or issuer of a trust chain by its verified name, else said to have none. */
function named (value: string, context: ReportContext): HTMLElement {
  const name = verifiedName(value, context)
  return name != null
    ? h('span', { class: 'verified-name' }, name)
    : h('span', { class: 'unnamed' }, 'an issuer with no Profile on this node')
}

function trustBlock (report: Report, facts: CredentialFacts, context: ReportContext, level: 3 | 4): HTMLElement {
  const heading = h(level === 3 ? 'h3' : 'h4', {}, 'Who vouches for the issuer')
  const parts: Node[] = [heading]
  const trust = report.trust
  if (trust == null) {
    const proof = checkOf(report, 'proof')?.outcome
    parts.push(h('p', { class: 'muted' }, proof === 'passed'
      ? 'This node has no trust network to ask (it runs without the federation).'
      : proof === 'indeterminate'
        ? 'Not asked: the signature cannot be checked here, so who issued this is not known.'
        : proof === 'skipped'
          ? 'Not asked: the signature was not checked (the badge is not in the Open Badges 3.0 form), so who issued this is not known.'
          : 'Not asked: the signature does not hold, so who issued this cannot be known.'))
  } else {
    const root = trust.chain[0]
    const role = (d: string): string => d === context.node?.did ? ' (this node, a trust root)' : d === root ? ' (trust root of this node)' : ''
    parts.push(h('p', { class: `trust ${trust.trusted ? 'ok' : 'warn'}` },
      h('strong', {}, trust.trusted ? 'Trusted. ' : 'Not trusted. '),
      trust.trusted
        ? trust.chain.length === 1 ? 'The issuer is a trust root itself: this node trusts it directly.' : 'A chain of endorsements leads from a city this node trusts to the issuer.'
        : 'No city this node trusts vouches for this issuer, so who it really is, is not confirmed.'))
    if (trust.endorsedBy.length === 0) {
      parts.push(h('p', {}, trust.chain.length === 1 ? 'No other endorsement of this issuer is needed.' : 'No endorsement of this issuer is held.'))
    } else {
      parts.push(h('ul', { class: 'endorsers' }, ...trust.endorsedBy.map((d) => h('li', {}, 'Endorsed by ', named(d, context), role(d)))))
    }
    if (trust.chain.length > 1) {
      parts.push(h('p', {}, 'The chain, from the trust root to the issuer:'))
      parts.push(h('ol', { class: 'chain' }, ...trust.chain.map((d, i) => h('li', {},
        named(d, context), ' ',
        h('span', { class: 'muted' }, i === 0 ? '(trust root)' : i === trust.chain.length - 1 ? '(the issuer)' : '(endorsed by the one before)')))))
    }
    const dids = [...new Set([...trust.chain, ...trust.endorsedBy])]
    parts.push(h('details', { class: 'trust-details' },
      h('summary', {}, 'Details: the DIDs and the reason'),
      h('p', {}, trust.reason),
      dids.length > 0 ? h('ul', {}, ...dids.map((d) => h('li', {}, verifiedName(d, context) ?? 'no Profile on this node', ': ', h('span', { class: 'mono did' }, d)))) : null))
  }
  if (facts.endorsements.length > 0) {
    parts.push(h('p', {}, h('strong', {}, 'Endorsements carried in the badge'), ' (as the badge states them; not verified here):'))
    parts.push(h('ul', {}, ...facts.endorsements.map((e) => h('li', {}, `of the ${e.of} by `, e.name != null ? `"${e.name}" (self-declared) ` : '', h('span', { class: 'mono did' }, e.by)))))
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
      h('strong', { class: 'issuer-name' }, verified), ' ', h('span', { class: 'muted' }, '(from its Profile, confirmed by the trust chain)'), ' ', didSpan,
      own != null && own !== verified ? h('span', { class: 'self-declared' }, ` The badge itself names its issuer "${own}" (not confirmed).`) : '')
  }
  const label = !proven
    ? own != null ? `Claims to be "${own}" (not confirmed): ` : 'Claims to be: '
    : own != null ? `Names itself "${own}" (self-declared, not confirmed): ` : 'No name confirmed: '
  return h('span', { class: 'issuer', 'data-issuer': 'self-declared' }, h('span', { class: 'self-declared' }, label), didSpan)
}

function detailsList (report: Report, facts: CredentialFacts, context: ReportContext, unverified: string | null): HTMLElement {
  const rows: Array<[string, Node | string]> = []
  const description = facts.description ?? (report.achievement?.id != null ? context.descriptions?.get(report.achievement.id) : undefined)
  if (report.achievement?.name != null) {
    // Its image only when its signature holds: a forged badge may name any image this node holds.
    rows.push(['Achievement', unverified == null
      ? h('span', { class: 'achievement-with-image' },
        badgeElement(facts.image, { name: report.achievement.name, issuer: report.issuer?.id, size: 96, className: 'badge-report' }),
        h('strong', { class: 'achievement-name' }, report.achievement.name))
      : h('span', { class: 'achievement-name' }, report.achievement.name)])
  }
  if (description != null) rows.push(['Description', h('span', { class: 'description' }, description)])
  if (facts.criteria != null) rows.push(['Criteria', facts.criteria])
  const issuer = issuerWords(report, context, unverified == null)
  if (issuer != null) rows.push(['Issued by', issuer])
  if (report.subject != null) rows.push(['Awarded to', h('span', { class: 'mono did' }, report.subject)])
  const status = statusWords(report)
  rows.push(['Status', h('span', { class: `status-words ${status.tone}` }, status.text)])
  const validity = checkOf(report, 'validity')
  const from = facts.validFrom ?? dateFromReason(validity?.reason, /valid from (\S+?)(?:,|$)/)
  const until = facts.validUntil ?? dateFromReason(validity?.reason, /until (\S+?)(?:,|$)/)
  if (from != null) rows.push(['Valid from', when(from)])
  rows.push(['Valid until', until != null ? when(until) : 'no expiry date'])
  if (report.types != null && report.types.length > 0) rows.push(['Type', report.types.join(', ')])
  if (report.id != null) rows.push(['Credential id', h('span', { class: 'mono' }, report.id)])
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
  return h('section', { class: 'findings' }, h(level === 3 ? 'h3' : 'h4', {}, 'What was found'), h('ul', {}, ...items))
}

/** The checks, their reasons and codes, and the warnings: technical, behind a disclosure. */
function technicalDetails (report: Report, caption: string, level: 3 | 4): HTMLElement {
  return h('details', { class: 'technical' },
    h('summary', {}, 'Technical details: each check, its reason and its code'),
    checksTable(report, caption),
    warningsList(report, level))
}

let cautions = 0

function warningsList (report: Report, level: 3 | 4): HTMLElement | null {
  if (report.warnings.length === 0) return null
  return h('section', {}, h(level === 3 ? 'h3' : 'h4', {}, 'Warnings'), h('ul', { class: 'warnings' }, ...report.warnings.map((w) => h('li', {}, w))))
}

function verdictBlock (verdict: Verdict, heading: HTMLElement): HTMLElement {
  return h('div', { class: `verdict ${verdict.tone}`, 'data-verdict': verdict.kind }, heading, h('p', { class: 'summary' }, verdict.summary))
}

const TONE_MARK: Record<Verdict['tone'], string> = { ok: '✓', bad: '✗', warn: '!', unknown: '?' }

/** One credential's report: verdict, what it says, trust, checks (headings from `level`). */
function credentialSection (report: Report, document: unknown, context: ReportContext, level: 2 | 3, label: string | null): HTMLElement {
  const verdict = verdictOf(report, context)
  const sub = level === 2 ? 3 : 4
  const facts = factsOf(document)
  const heading = h(level === 2 ? 'h2' : 'h3', { class: 'verdict-title', id: level === 2 ? 'verdict' : null },
    h('span', { 'aria-hidden': 'true', class: 'mark' }, TONE_MARK[verdict.tone], ' '),
    label != null ? `${label}: ` : '', verdict.title)
  const readable = verdict.kind !== 'not-a-credential'
  const proof = checkOf(report, 'proof')?.outcome
  const cautionId = proof !== 'passed' ? `caution-${++cautions}` : null
  return h('section', { class: 'credential-report', 'data-kind': report.kind },
    verdictBlock(verdict, heading),
    findingsList(report, sub),
    readable ? h(level === 2 ? 'h3' : 'h4', {}, 'What the badge says') : null,
    readable && proof === 'indeterminate'
      ? h('p', { class: 'caution unknown', id: cautionId }, 'Its signature cannot be checked here, so none of what follows is verified: who issued it, and what it says, are only what it claims.')
      : readable && proof === 'skipped'
        ? h('p', { class: 'caution bad', id: cautionId }, 'It is not in the Open Badges 3.0 form, so its signature was not checked: none of what follows can be believed.')
        : readable && proof !== 'passed'
          ? h('p', { class: 'caution bad', id: cautionId }, 'Its signature does not hold, so none of what follows can be believed: the achievement, the issuer, the learner and the dates may all have been made up or changed.')
          : null,
    readable ? detailsList(report, facts, context, cautionId) : null,
    readable ? trustBlock(report, facts, context, sub) : null,
    technicalDetails(report, label != null ? `The checks of ${label.charAt(0).toLowerCase()}${label.slice(1)}` : 'Each check', sub))
}

/** The report, ready to put in the page. The first heading (h2, id "verdict") is the verdict. */
export function renderReport (report: Report, context: ReportContext = {}): HTMLElement {
  if (report.kind !== 'presentation') return credentialSection(report, context.document, context, 2, null)
  const verdict = verdictOf(report, context)
  const heading = h('h2', { class: 'verdict-title', id: 'verdict' },
    h('span', { 'aria-hidden': 'true', class: 'mark' }, TONE_MARK[verdict.tone], ' '), `Presentation: ${verdict.title}`)
  const inner = report.credentials ?? []
  const documents = credentialsOf(context.document)
  const rows: Array<[string, Node | string]> = []
  if (report.holder != null) rows.push(['Presented by (holder)', did(report.holder, context)])
  rows.push(['Credentials inside', String(inner.length)])
  if (report.id != null) rows.push(['Presentation id', h('span', { class: 'mono' }, report.id)])
  return h('section', { class: 'presentation-report' },
    verdictBlock(verdict, heading),
    h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    findingsList(report, 3),
    technicalDetails(report, 'The checks of the presentation', 3),
    ...inner.map((r, i) => credentialSection(r, documents[i], context, 3,
      `Credential ${i + 1} of ${inner.length}${r.achievement?.name != null && checkOf(r, 'proof')?.outcome === 'passed' ? ` (${r.achievement.name})` : ''}`)))
}

/** The achievement ids of a report (and of the credentials of a presentation). */
export function achievementIds (report: Report): string[] {
  const ids = new Set<string>()
  if (report.achievement?.id != null) ids.add(report.achievement.id)
  for (const inner of report.credentials ?? []) if (inner.achievement?.id != null) ids.add(inner.achievement.id)
  return [...ids]
}
