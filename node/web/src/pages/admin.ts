// The City dashboard, for the admin of this node: sign in with the admin token
// (kept in this tab's sessionStorage only), the city's analytics as figures, bar charts and tables
// (suppressed counts shown as "<5", never as a number), the CSV of the figures, defining an
// achievement, offers to a group of learners from a CSV file, and revoking issued credentials.
// Every call goes to this node's own API (docs/api.md); nothing leaves this origin.
import { csvLine, learnerRows } from '@cofl/analytics'
import { ApiAnswerError } from '@cofl/api'
import type { Health } from '@cofl/api'
import type { LearnerRow } from '@cofl/analytics'
import { barChart } from '../lib/charts.js'
import type { BarValue } from '../lib/charts.js'
import { ApiCallError, announce, api, byId, fill, h, messageOf } from '../lib/dom.js'
import type { ApiOptions } from '../lib/dom.js'

/** Where this tab keeps the token (sessionStorage: gone when the tab closes). */
const TOKEN_KEY = 'cofl.admin.token'
/** Rows sent in one POST /api/offers/bulk (the API takes 1,000; `cofl offer --csv` sends 500). */
const OFFER_CHUNK = 500
/** Issued credentials per page of the list. */
const CREDENTIALS_PAGE = 50
/** The counts hidden by the node: 1 to this (analytics `suppressionThreshold`, 4 by default). */
const DEFAULT_SUPPRESSION_THRESHOLD = 4

/** The OB 3.0 AchievementType values. */
const ACHIEVEMENT_TYPES = [
  'Achievement', 'ApprenticeshipCertificate', 'Assessment', 'Assignment', 'AssociateDegree', 'Award', 'Badge',
  'BachelorDegree', 'Certificate', 'CertificateOfCompletion', 'Certification', 'CoCurricular', 'CommunityService',
  'Competency', 'Course', 'Degree', 'Diploma', 'DoctoralDegree', 'Fieldwork', 'GeneralEducationDevelopment',
  'JourneymanCertificate', 'LearningProgram', 'License', 'MasterCertificate', 'MasterDegree', 'Membership',
  'MicroCredential', 'ProfessionalDoctorate', 'QualityAssuranceCredential', 'ResearchDoctorate', 'SecondarySchoolDiploma'
] as const
const DEFAULT_ACHIEVEMENT_TYPE = 'Badge'

type Json = Record<string, unknown>

interface StoredAchievement { id: string, issuer: string, cid: string, sequence?: number, achievement: Json }
interface AchievementPage { achievements: StoredAchievement[], next: string | null }
interface IssuanceRecord {
  credentialId: string
  achievementId: string
  subject: string
  issuedAt: string
  status?: { purpose?: string, listId?: string, listNumber?: number, index?: number }
  revoked?: boolean
  suspended?: boolean
  credential?: Json
}
interface CredentialPage { credentials: IssuanceRecord[], next: string | null }
interface BulkResult {
  offered: Array<{ row: number, offerId: string, claimUrl: string, expiresAt: string }>
  refused: Array<{ row: number, problem?: string, reason: string }>
}

// ---------------------------------------------------------------------------------------------
// Signing in

let token: string | null = null
let nodeDid = ''
/** This node's achievements, by id. */
const achievements = new Map<string, StoredAchievement>()

/** The token this tab keeps, if sessionStorage works here. */
function storedToken (): string | null {
  try { return sessionStorage.getItem(TOKEN_KEY) } catch { return null }
}

function keepToken (value: string | null): void {
  try {
    if (value == null) sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, value)
  } catch { /* storage refused (private mode): the token lives in this page only */ }
}

const isAuthError = (err: unknown): err is ApiCallError => err instanceof ApiCallError && (err.status === 401 || err.status === 403)

/** Why the node refused a token, for a person. */
function refusal (err: ApiCallError): string {
  return err.status === 401
    ? `The node asked for the admin token (${err.code}): ${err.message}.`
    : `The node refused this token (${err.code}): ${err.message}. Check that it is the whole content of the admin-token file of this node.`
}

/** An admin call: with the token; a 401 or 403 signs this tab out, saying why. */
async function adminApi<T> (path: string, options: ApiOptions = {}): Promise<T> {
  if (token == null) throw new ApiCallError(401, 'COFL_ERR_UNAUTHORIZED', 'not signed in')
  try {
    return await api<T>(path, { ...options, token })
  } catch (err) {
    if (isAuthError(err) && token != null) signOut(refusal(err))
    throw err
  }
}

function setFieldError (fieldId: string, message: string | null): void {
  const control = document.getElementById(fieldId)
  const error = document.getElementById(`${fieldId}-error`)
  if (error != null) {
    error.textContent = message ?? ''
    error.hidden = message == null
  }
  if (control == null) return
  const described = new Set((control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((s) => s !== ''))
  if (message == null) {
    control.removeAttribute('aria-invalid')
    described.delete(`${fieldId}-error`)
  } else {
    control.setAttribute('aria-invalid', 'true')
    described.add(`${fieldId}-error`)
  }
  if (described.size > 0) control.setAttribute('aria-describedby', [...described].join(' '))
  else control.removeAttribute('aria-describedby')
}

function showSignIn (): void {
  byId('dashboard').hidden = true
  byId('signin').hidden = false
}

async function signIn (candidate: string, restored: boolean): Promise<void> {
  const button = byId<HTMLFormElement>('signin-form').querySelector('button[type="submit"]') as HTMLButtonElement
  button.disabled = true
  setFieldError('token', null)
  announce(restored ? 'Signing in again with this tab\'s token…' : 'Checking the token…')
  try {
    // The smallest admin call there is: one record of the issuance log.
    await api('/api/credentials?limit=1', { token: candidate })
  } catch (err) {
    keepToken(null)
    const message = isAuthError(err) ? refusal(err) : `Could not sign in: ${messageOf(err)}`
    showSignIn()
    setFieldError('token', message)
    announce(message, 'error')
    byId('token').focus()
    return
  } finally {
    button.disabled = false
  }
  token = candidate
  keepToken(candidate)
  byId<HTMLInputElement>('token').value = ''
  byId('signin').hidden = true
  byId('dashboard').hidden = false
  // Focus follows a sign-in the person made; a tab reopened signed in starts at the top as usual.
  if (!restored) byId('signed-in-text').focus()
  announce('Signed in. Loading the dashboard…')
  await loadDashboard()
  if (token != null) announce('Signed in: the dashboard is up to date.', 'success')
}

/** Forgets the token and everything shown with it (claim links, the issuance log). */
function signOut (message?: string): void {
  token = null
  keepToken(null)
  fill(byId('offer-results'))
  fill(byId('credentials-body'))
  fill(byId('analytics-body'))
  fill(byId('federation-body'))
  showSignIn()
  if (message != null) {
    setFieldError('token', message)
    announce(message, 'error')
  } else {
    setFieldError('token', null)
    announce('Signed out. The token is no longer kept in this tab.', 'success')
  }
  byId('token').focus()
}

async function loadDashboard (): Promise<void> {
  try {
    const health = await api<Health>('/api/health')
    nodeDid = health.did
    byId('node-name').textContent = health.name ?? 'this node'
    byId('node-did').textContent = health.did
  } catch (err) {
    announce(`The node did not say who it is: ${messageOf(err)}`, 'error')
  }
  await Promise.all([loadAnalytics(), loadFederation(), loadAchievements(), loadCredentials(true)])
}

// ---------------------------------------------------------------------------------------------
// Analytics

interface Cell { value: number | null, suppressed: boolean }

/** A figure of the analytics, whatever its exact shape: a cell, a bare number, or null. */
function asCell (x: unknown): Cell | undefined {
  if (typeof x === 'number') return { value: x, suppressed: false }
  if (x === null) return { value: null, suppressed: false }
  if (typeof x === 'object' && 'value' in x) {
    const cell = x as { value: unknown, suppressed?: unknown }
    const suppressed = cell.suppressed != null && cell.suppressed !== false
    return { value: !suppressed && typeof cell.value === 'number' ? cell.value : null, suppressed }
  }
  return undefined
}

const FIGURE_LABELS: Record<string, string> = {
  offered: 'Offered',
  issued: 'Issued',
  claimed: 'Claimed',
  claimRate: 'Claim rate',
  learnersWithMoreThanOne: 'Learners with more than one badge',
  learners: 'Learners with a badge',
  revoked: 'Revoked',
  completed: 'Completed',
  progressed: 'In progress'
}
const HEADLINE_ORDER = ['offered', 'issued', 'claimed', 'claimRate', 'learnersWithMoreThanOne', 'learners', 'revoked']

const BREAKDOWNS: Array<{ key: string, title: string, column: string }> = [
  { key: 'byMonth', title: 'By month', column: 'Month' },
  { key: 'byAchievement', title: 'By achievement', column: 'Achievement' },
  { key: 'byArea', title: 'By area', column: 'Area' },
  { key: 'byPathway', title: 'By pathway', column: 'Pathway' },
  { key: 'byIssuer', title: 'By issuer', column: 'Issuer' }
]

/** "learnersWithMoreThanOne" -> "Learners with more than one", for figures this page does not know yet. */
function labelOf (key: string): string {
  const known = FIGURE_LABELS[key]
  if (known != null) return known
  const words = key.replace(/^by(?=[A-Z])/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const isRate = (measure: string): boolean => /rate$/i.test(measure)

let suppressionThreshold = DEFAULT_SUPPRESSION_THRESHOLD
let hiddenText = `<${DEFAULT_SUPPRESSION_THRESHOLD + 1}`

function cellText (measure: string, cell: Cell): string {
  // A rate of hidden counts is hidden too: the word, not "<5", which would read as "under 5%".
  if (cell.suppressed) return isRate(measure) ? 'hidden' : hiddenText
  if (cell.value == null) return isRate(measure) ? 'n/a' : '–'
  if (isRate(measure)) return `${Math.round(cell.value * 100)}%`
  return cell.value.toLocaleString('en')
}

/** The explanation of a hidden figure (its title, and its accessible description). */
function hiddenTitle (measure: string): string {
  return isRate(measure)
    ? `hidden: its counts are fewer than ${suppressionThreshold + 1}, not shown`
    : `fewer than ${suppressionThreshold + 1}: not shown`
}

/** A figure in a table cell or a headline: "<5" when suppressed (with data-suppressed), "hidden" for a rate. */
function cellNode (tag: 'td' | 'dd', measure: string, cell: Cell, extra: Record<string, string> = {}): HTMLElement {
  const title = cell.suppressed ? hiddenTitle(measure) : cell.value == null && isRate(measure) ? 'nothing offered' : null
  return h(tag, { class: tag === 'td' ? 'num' : 'figure-value', 'data-suppressed': cell.suppressed ? 'true' : null, title, ...extra }, cellText(measure, cell))
}

let analyticsRun = 0

async function loadAnalytics (): Promise<void> {
  const run = ++analyticsRun
  const body = byId('analytics-body')
  body.setAttribute('aria-busy', 'true')
  try {
    const analytics = await adminApi<Json>('/api/analytics')
    if (run !== analyticsRun) return
    renderAnalytics(analytics)
  } catch (err) {
    if (run !== analyticsRun || token == null) return
    fill(body, h('p', { class: 'bad' }, `The figures could not be read: ${messageOf(err)}`))
    announce(`The figures could not be read: ${messageOf(err)}`, 'error')
  } finally {
    if (run === analyticsRun) body.setAttribute('aria-busy', 'false')
  }
}

function renderAnalytics (analytics: Json): void {
  const threshold = typeof analytics.suppressionThreshold === 'number' ? analytics.suppressionThreshold : DEFAULT_SUPPRESSION_THRESHOLD
  suppressionThreshold = threshold
  hiddenText = `<${threshold + 1}`
  fill(byId('suppression-note'),
    h('strong', {}, hiddenText), ` stands for a count from 1 to ${threshold}: small counts are not shown, so that no learner can be singled out. ` +
    'Where one figure of a column would be hidden alone, the next smallest is hidden too, so that it cannot be worked out from the total. ' +
    'A rate worked out from hidden counts shows as "hidden".')

  const parts: Node[] = []
  const generated = typeof analytics.generatedAt === 'string' ? analytics.generatedAt : null
  if (generated != null) parts.push(h('p', { class: 'muted' }, 'Figures of ', h('time', { datetime: generated }, formatDate(generated)), '.'))

  // Headline figures: the known ones first, then any the node added since this page was written.
  const totals = (analytics.totals ?? {}) as Json
  const keys = [...HEADLINE_ORDER.filter((k) => k in totals), ...Object.keys(totals).filter((k) => !HEADLINE_ORDER.includes(k))]
  const figures = h('dl', { class: 'figures', id: 'headline' })
  for (const key of keys) {
    const cell = asCell(totals[key])
    if (cell === undefined) continue
    figures.append(h('div', { class: 'figure', id: `total-${key}` }, h('dt', {}, labelOf(key)), cellNode('dd', key, cell)))
  }
  parts.push(h('h3', { id: 'headline-heading' }, 'Headline figures'), figures)

  // Breakdowns: the known ones in this order, then any other list of rows.
  const known = new Set(BREAKDOWNS.map((b) => b.key))
  const others = Object.keys(analytics).filter((k) => !known.has(k) && Array.isArray(analytics[k]) && (analytics[k] as unknown[]).every((r) => r != null && typeof r === 'object' && 'key' in r))
  for (const breakdown of [...BREAKDOWNS.filter((b) => b.key in analytics), ...others.map((key) => ({ key, title: labelOf(key), column: 'Key' }))]) {
    const rows = analytics[breakdown.key]
    if (!Array.isArray(rows)) continue
    parts.push(renderBreakdown(breakdown, rows as Json[]))
  }
  fill(byId('analytics-body'), ...parts)
}

function rowLabel (breakdown: string, row: Json): string {
  const key = String(row.key)
  if (typeof row.label === 'string' && row.label !== '') return row.label
  if (breakdown === 'byIssuer' && key === nodeDid) return 'this node'
  if (breakdown === 'byArea' && key === 'unknown') return 'unknown (no place given)'
  const achievement = breakdown === 'byAchievement' ? achievements.get(key) : undefined
  if (achievement != null) return nameOf(achievement)
  return key
}

/** The measures a breakdown's chart shows (its table shows them all): the main ones, at most three. */
function chartedMeasures (breakdown: string, measures: readonly string[]): string[] {
  const preferred = breakdown === 'byPathway' ? ['completed', 'progressed'] : ['offered', 'claimed', 'issued']
  const chosen = preferred.filter((m) => measures.includes(m))
  return chosen.length > 0 ? chosen : measures.filter((m) => !isRate(m)).slice(0, 3)
}

function renderBreakdown (breakdown: { key: string, title: string, column: string }, rows: Json[]): HTMLElement {
  const headingId = `${breakdown.key}-heading`
  const section = h('section', { class: 'breakdown', id: `breakdown-${breakdown.key}`, 'aria-labelledby': headingId }, h('h3', { id: headingId }, breakdown.title))
  // The measures: every key of a row that holds a figure, in the order first seen.
  const measures: string[] = []
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (k !== 'key' && k !== 'label' && asCell(v) !== undefined && !measures.includes(k)) measures.push(k)
  }
  if (rows.length === 0 || measures.length === 0) {
    section.append(h('p', { class: 'muted' }, breakdown.key === 'byPathway' ? 'No pathway figures yet: no pathway counts this node\'s achievements.' : 'Nothing to show yet.'))
    return section
  }
  const charted = chartedMeasures(breakdown.key, measures)
  const labels = rows.map((row) => rowLabel(breakdown.key, row))
  const layout = h('div', { class: 'chart-and-table' })
  if (charted.length > 0) {
    const svg = barChart({
      title: `${breakdown.title}: ${charted.map(labelOf).join(', ').toLowerCase()}`,
      description: `A bar chart of ${rows.length} ${rows.length === 1 ? 'row' : 'rows'}; the table beside it has the same figures. ${hiddenText} is a count from 1 to ${suppressionThreshold}, not shown.`,
      series: charted.map((m, i) => ({ name: labelOf(m), className: `series-${i + 1}` })),
      categories: rows.map((row, i) => ({
        label: labels[i] as string,
        values: charted.map((m): BarValue => {
          const cell = asCell(row[m]) ?? { value: null, suppressed: false }
          return cell.suppressed ? { value: null, hidden: true } : { value: cell.value }
        })
      })),
      hiddenText
    })
    layout.append(h('figure', { class: 'chart' }, svg))
  }
  const table = h('table', { class: 'figures-table' },
    h('caption', {}, `${breakdown.title}: the figures`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, breakdown.column), ...measures.map((m) => h('th', { scope: 'col', class: 'num' }, labelOf(m))))),
    h('tbody', {}, ...rows.map((row, i) => h('tr', { 'data-key': String(row.key) },
      h('th', { scope: 'row', class: /^[a-z][a-z0-9+.-]*:\S/i.test(labels[i] as string) && !/\s/.test(labels[i] as string) ? 'key id' : 'key' }, labels[i] as string),
      ...measures.map((m) => cellNode('td', m, asCell(row[m]) ?? { value: null, suppressed: false }, { 'data-measure': m }))))))
  layout.append(scrollArea(table))
  section.append(layout)
  return section
}

function formatDate (iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  return new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC'
}

/** Saves bytes as a file the person downloads (an <a download> on a blob: URL). */
function saveBlob (blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = h('a', { href: url, download: filename, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}

async function downloadCsv (): Promise<void> {
  if (token == null) return
  const button = byId<HTMLButtonElement>('analytics-csv')
  button.disabled = true
  try {
    // Not through api(): the answer is CSV, not JSON (errors are JSON still).
    const response = await fetch('/api/analytics.csv', { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } })
    if (!response.ok) {
      let error: { code?: string, message?: string } | undefined
      try { error = (await response.json() as { error?: { code?: string, message?: string } }).error } catch { /* not JSON */ }
      const err = new ApiCallError(response.status, error?.code ?? ApiAnswerError.fallbackCode, error?.message ?? `the node answered ${response.status}`)
      if (isAuthError(err)) signOut(refusal(err))
      throw err
    }
    const blob = await response.blob()
    saveBlob(new Blob([blob], { type: 'text/csv' }), `analytics-${new Date().toISOString().slice(0, 10)}.csv`)
    announce('The figures were saved as a CSV file.', 'success')
  } catch (err) {
    if (token != null) announce(`The CSV could not be downloaded: ${messageOf(err)}`, 'error')
  } finally {
    button.disabled = false
  }
}

// ---------------------------------------------------------------------------------------------
// The federation's figures (GET /api/analytics/federation, public; POST /api/analytics/publish)

/** A sum over nodes: a cell, and whether some node's figure is hidden (so the true sum is higher). */
interface SumCell extends Cell { lowerBound: boolean, hiddenIn: number }

function asSumCell (x: unknown): SumCell | undefined {
  const cell = asCell(x)
  if (cell === undefined) return undefined
  const raw = x as { lowerBound?: unknown, suppressedIn?: unknown }
  return { ...cell, lowerBound: raw.lowerBound === true, hiddenIn: Array.isArray(raw.suppressedIn) ? raw.suppressedIn.length : 0 }
}

/** "more than 12" for a sum that leaves out a node's hidden figure (each hidden figure is at least 1). */
function sumText (measure: string, cell: SumCell): string {
  if (cell.suppressed) return cell.lowerBound || isRate(measure) ? 'hidden' : hiddenText
  if (cell.lowerBound && cell.value != null) return `more than ${cell.value.toLocaleString('en')}`
  return cellText(measure, cell)
}

function sumNode (tag: 'td' | 'dd', measure: string, cell: SumCell, extra: Record<string, string> = {}): HTMLElement {
  const title = cell.lowerBound
    ? `${cell.hiddenIn} ${cell.hiddenIn === 1 ? 'node hides its figure' : 'nodes hide their figures'} (from 1 to ${suppressionThreshold} each): the sum is higher than the figures shown`
    : cell.suppressed ? hiddenTitle(measure) : null
  return h(tag, {
    class: tag === 'td' ? 'num' : 'figure-value',
    'data-suppressed': cell.suppressed ? 'true' : null,
    'data-lower-bound': cell.lowerBound ? 'true' : null,
    title,
    ...extra
  }, sumText(measure, cell))
}

/** "2026-11" -> "November 2026". */
function monthName (month: string): string {
  const t = Date.parse(`${month}-01T00:00:00.000Z`)
  return Number.isNaN(t) ? month : new Date(t).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })
}

/** The YYYY-MM (UTC) of an ISO date, or undefined. */
function monthOfDate (iso: unknown, before = 0): string | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN
  return Number.isNaN(t) ? undefined : new Date(t - before).toISOString().slice(0, 7)
}

/**
 * What an aggregate's `period` covers (closed months only: docs/analytics.md, "Publication over
 * time"): its first month (absent: no month published), the last month it covers (the one before
 * `until`, the first instant of the month after it) and the month under way when it was taken.
 */
interface Covered { from?: string, last: string, current: string }

function coveredOf (period: unknown): Covered | undefined {
  if (period == null || typeof period !== 'object') return undefined
  const { from, until } = period as { from?: unknown, until?: unknown }
  const last = monthOfDate(until, 1)
  const current = monthOfDate(until)
  if (last === undefined || current === undefined) return undefined
  return { ...(typeof from === 'string' ? { from } : {}), last, current }
}

/** "October 2026 to November 2026", "November 2026", or "no closed month yet". */
function monthsText (covered: Covered): string {
  if (covered.from === undefined) return 'no closed month yet'
  return covered.from >= covered.last ? monthName(covered.last) : `${monthName(covered.from)} to ${monthName(covered.last)}`
}

/** What the published figures cover, for the federation's section: the newest month any node published, and the month under way. */
function periodNote (rows: Json[], generatedAt: unknown): HTMLElement {
  const periods = rows.map((r) => coveredOf(r.period)).filter((c): c is Covered => c !== undefined)
  const current = monthOfDate(generatedAt) ?? new Date().toISOString().slice(0, 7)
  const later = `The figures of ${monthName(current)}, the month under way, are published after it ends.`
  if (periods.every((c) => c.from === undefined)) {
    return h('p', { id: 'federation-period', class: 'note' },
      `No closed month is published yet: a node publishes whole months (UTC) only, once they have ended. ${later}`)
  }
  const last = periods.map((c) => c.last).sort().at(-1) as string
  // A node whose last publication is older covers fewer months (it shows none of the later ones).
  const behind = rows.length > periods.length || periods.some((c) => c.last < last)
  return h('p', { id: 'federation-period', class: 'note' },
    `Published figures cover whole months (UTC) up to ${monthName(last)}. ${later}` +
    (behind ? ' Some nodes\' figures end earlier: see "Months covered" by node.' : ''))
}

/** What a publication covers, for the message that follows it. */
function publishedText (period: unknown): string {
  const covered = coveredOf(period)
  if (covered === undefined) return 'This node\'s figures are published to the federation.'
  const later = `The figures of ${monthName(covered.current)} are published after it ends.`
  if (covered.from === undefined) {
    return 'This node\'s figures are published to the federation, with no closed month yet: only whole months (UTC) that have ended are published, ' +
      `and this node has no record in one. ${later}`
  }
  return `This node's figures are published to the federation: ${covered.from >= covered.last ? 'the month of' : 'the months from'} ${monthsText(covered)} (whole months, UTC). ${later}`
}

let federationRun = 0

async function loadFederation (): Promise<void> {
  const run = ++federationRun
  const body = byId('federation-body')
  try {
    const federation = await api<Json>('/api/analytics/federation')
    if (run !== federationRun || token == null) return
    renderFederation(federation)
  } catch (err) {
    if (run !== federationRun || token == null) return
    fill(body, h('p', { class: 'bad' }, `The federation's figures could not be read: ${messageOf(err)}`))
  }
}

function renderFederation (federation: Json): void {
  const parts: Node[] = []
  const nodes = typeof federation.nodes === 'number' ? federation.nodes : 0
  const rows = Array.isArray(federation.rows) ? federation.rows as Json[] : []
  const rejected = Array.isArray(federation.rejected) ? federation.rejected as Json[] : []
  if (nodes === 0) {
    parts.push(h('p', { id: 'federation-summary' }, 'No node\'s figures have reached this node yet. Publish this node\'s figures to count them too.'))
    parts.push(periodNote([], federation.generatedAt))
  } else {
    parts.push(h('p', { id: 'federation-summary' }, `The figures of ${nodes} ${nodes === 1 ? 'node' : 'nodes'}.`))
    parts.push(periodNote(rows, federation.generatedAt))
    const totals = (federation.totals ?? {}) as Json
    const keys = [...HEADLINE_ORDER.filter((k) => k in totals), ...Object.keys(totals).filter((k) => !HEADLINE_ORDER.includes(k))]
    const figures = h('dl', { class: 'figures', id: 'federation-headline' })
    for (const key of keys) {
      const cell = asSumCell(totals[key])
      if (cell !== undefined) figures.append(h('div', { class: 'figure', id: `federation-total-${key}` }, h('dt', {}, labelOf(key)), sumNode('dd', key, cell)))
    }
    parts.push(figures)

    // By month: a chart of the sums and their table.
    const months = Array.isArray(federation.byMonth) ? federation.byMonth as Json[] : []
    if (months.length > 0) {
      const measures = ['offered', 'claimed', 'issued'].filter((m) => months.some((r) => asSumCell(r[m]) !== undefined))
      const layout = h('div', { class: 'chart-and-table' })
      layout.append(h('figure', { class: 'chart' }, barChart({
        title: 'The federation by month: offered, claimed, issued',
        description: `A bar chart of ${months.length} ${months.length === 1 ? 'month' : 'months'}; the table beside it has the same figures. A sum that leaves out a node's hidden figure is drawn as the figures shown.`,
        series: measures.map((m, i) => ({ name: labelOf(m), className: `series-${i + 1}` })),
        categories: months.map((r) => ({
          label: String(r.month),
          values: measures.map((m): BarValue => {
            const cell = asSumCell(r[m]) ?? { value: null, suppressed: false, lowerBound: false, hiddenIn: 0 }
            return cell.suppressed ? { value: null, hidden: true } : { value: cell.value }
          })
        })),
        hiddenText
      })))
      layout.append(scrollArea(h('table', { class: 'figures-table', id: 'federation-months' },
        h('caption', {}, 'The federation by month: the figures'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), ...measures.map((m) => h('th', { scope: 'col', class: 'num' }, labelOf(m))))),
        h('tbody', {}, ...months.map((r) => h('tr', { 'data-key': String(r.month) },
          h('th', { scope: 'row', class: 'key' }, String(r.month)),
          ...measures.map((m) => sumNode('td', m, asSumCell(r[m]) ?? { value: 0, suppressed: false, lowerBound: false, hiddenIn: 0 }, { 'data-measure': m }))))))))
      parts.push(h('h3', {}, 'By month'), layout)
    }

    // One row per node: its own figures, as it published them.
    if (rows.length > 0) {
      const measures = [...new Set(rows.flatMap((r) => Object.keys((r.totals ?? {}) as Json)))]
      parts.push(h('h3', {}, 'By node'), scrollArea(h('table', { class: 'figures-table', id: 'federation-nodes' },
        h('caption', {}, 'Each node\'s figures, as it published them'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Node'), h('th', { scope: 'col' }, 'Figures of'), h('th', { scope: 'col' }, 'Months covered'), ...measures.map((m) => h('th', { scope: 'col', class: 'num' }, labelOf(m))))),
        h('tbody', {}, ...rows.map((r) => {
          const issuer = String(r.issuer)
          const totals = (r.totals ?? {}) as Json
          return h('tr', { 'data-key': issuer },
            h('th', { scope: 'row', class: issuer === nodeDid ? 'key' : 'key id' }, issuer === nodeDid ? 'this node' : issuer),
            h('td', {}, typeof r.generatedAt === 'string' ? h('time', { datetime: r.generatedAt }, formatDate(r.generatedAt)) : '–'),
            h('td', { 'data-measure': 'period' }, ((c) => c !== undefined ? monthsText(c) : '–')(coveredOf(r.period))),
            ...measures.map((m) => cellNode('td', m, asCell(totals[m]) ?? { value: null, suppressed: false }, { 'data-measure': m })))
        })))))
    }
  }
  if (rejected.length > 0) {
    parts.push(h('p', { class: 'warn' }, `${rejected.length} ${rejected.length === 1 ? 'aggregate is' : 'aggregates are'} held but not counted, as not valid:`),
      h('ul', {}, ...rejected.map((r) => h('li', {}, h('span', { class: 'mono' }, String(r.issuer ?? r.id)), `: ${Array.isArray(r.errors) ? r.errors.join('; ') : ''}`))))
  }
  fill(byId('federation-body'), ...parts)
}

async function publishAggregate (): Promise<void> {
  const button = byId<HTMLButtonElement>('federation-publish')
  button.disabled = true
  announce('Signing and publishing this node\'s figures…')
  try {
    const published = await adminApi<{ document?: Json }>('/api/analytics/publish', { method: 'POST' })
    await loadFederation()
    if (token != null) announce(publishedText(published.document?.period), 'success')
  } catch (err) {
    if (token != null) announce(`The figures could not be published: ${messageOf(err)}`, 'error')
  } finally {
    button.disabled = false
  }
}

// ---------------------------------------------------------------------------------------------
// Achievements

function typeLabel (type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ ([A-Z])(?=[a-z])/g, (_m, c: string) => ` ${c.toLowerCase()}`)
}

async function loadAchievements (): Promise<void> {
  const body = byId('achievements-body')
  try {
    achievements.clear()
    let cursor: string | null = null
    do {
      const page: AchievementPage = await api<AchievementPage>(`/api/achievements?issuer=${encodeURIComponent(nodeDid)}&limit=1000${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      for (const a of page.achievements) achievements.set(a.id, a)
      cursor = page.next
    } while (cursor != null)
    renderAchievements()
  } catch (err) {
    fill(body, h('p', { class: 'bad' }, `The achievements could not be read: ${messageOf(err)}`))
    announce(`The achievements could not be read: ${messageOf(err)}`, 'error')
  }
}

const nameOf = (a: StoredAchievement): string => typeof a.achievement.name === 'string' ? a.achievement.name : a.id

function sortedAchievements (): StoredAchievement[] {
  return [...achievements.values()].sort((a, b) => nameOf(a).localeCompare(nameOf(b)) || (a.id < b.id ? -1 : 1))
}

function renderAchievements (newId?: string): void {
  const list = sortedAchievements()
  if (list.length === 0) {
    fill(byId('achievements-body'), h('p', { class: 'muted' }, 'This node has defined no achievement yet.'))
  } else {
    fill(byId('achievements-body'), h('ul', { class: 'achievement-list', id: 'achievement-list' }, ...list.map((a) => {
      const doc = a.achievement
      const tags = Array.isArray(doc.tag) ? doc.tag.filter((t): t is string => typeof t === 'string') : []
      const skills = Array.isArray(doc.alignment) ? (doc.alignment as Json[]).map((al) => typeof al.targetName === 'string' ? al.targetName : String(al.targetUrl ?? '')).filter((s) => s !== '') : []
      const place = doc.place != null && typeof doc.place === 'object' ? doc.place as Json : null
      const placeText = place == null ? null : [place.name, place.area].filter((p): p is string => typeof p === 'string' && p !== '').join(', ')
      return h('li', { 'data-id': a.id, class: a.id === newId ? 'new' : null },
        h('p', { class: 'achievement-name' }, h('strong', {}, nameOf(a)),
          typeof doc.achievementType === 'string' ? h('span', { class: 'muted' }, ` · ${typeLabel(doc.achievementType)}`) : null,
          a.id === newId ? h('span', { class: 'badge-new' }, ' new') : null),
        typeof doc.description === 'string' ? h('p', {}, doc.description) : null,
        tags.length > 0 ? h('p', { class: 'muted' }, `Tags: ${tags.join(', ')}`) : null,
        skills.length > 0 ? h('p', { class: 'muted' }, `Skills: ${skills.join(', ')}`) : null,
        placeText != null && placeText !== '' ? h('p', { class: 'muted' }, `Place: ${placeText}`) : null,
        h('p', { class: 'mono muted' }, a.id))
    })))
  }
  // The achievements to offer: this node's, the new one chosen.
  const select = byId<HTMLSelectElement>('offer-achievement')
  const before = newId ?? select.value
  fill(select, ...(list.length === 0
    ? [h('option', { value: '' }, 'Define an achievement first')]
    : list.map((a) => h('option', { value: a.id, selected: a.id === before }, nameOf(a)))))
}

let alignmentSerial = 0

/** A pair of fields of one skill alignment (ids stay unique; labels say its place in the list). */
function alignmentRow (): HTMLElement {
  const serial = ++alignmentSerial
  return h('div', { class: 'row alignment' },
    h('div', {}, h('label', { for: `skill-${serial}-name`, 'data-label': 'name' }), h('input', { id: `skill-${serial}-name`, type: 'text', 'data-part': 'targetName' })),
    h('div', {}, h('label', { for: `skill-${serial}-url`, 'data-label': 'url' }), h('input', { id: `skill-${serial}-url`, type: 'url', 'data-part': 'targetUrl', inputmode: 'url', spellcheck: 'false' })),
    h('div', { class: 'remove' }, h('button', {
      type: 'button',
      class: 'secondary',
      onclick: (event: Event) => {
        const container = byId('alignment-rows')
        const rows = [...container.querySelectorAll('.alignment')]
        const row = (event.currentTarget as HTMLElement).closest('.alignment')
        const at = row != null ? rows.indexOf(row) : 0
        row?.remove()
        if (container.children.length === 0) container.append(alignmentRow())
        renumberAlignments()
        const next = container.querySelectorAll('.alignment')[Math.min(at, container.children.length - 1)]
        next?.querySelector('input')?.focus()
        announce('The skill is removed.')
      }
    }, 'Remove', h('span', { class: 'visually-hidden', 'data-label': 'remove' }))))
}

function renumberAlignments (): void {
  byId('alignment-rows').querySelectorAll('.alignment').forEach((row, i) => {
    const n = i + 1
    const set = (which: string, text: string): void => { const el = row.querySelector(`[data-label="${which}"]`); if (el != null) el.textContent = text }
    set('name', `Skill ${n}: name`)
    set('url', `Skill ${n}: URL`)
    set('remove', ` skill ${n}`)
  })
}

function resetAlignments (): void {
  fill(byId('alignment-rows'), alignmentRow())
  renumberAlignments()
}

/** The field (control id) an API error message names, if any: "body/name ...", "\"place\" is not defined". */
const API_FIELDS: Record<string, string> = {
  name: 'ach-name',
  description: 'ach-description',
  criteria: 'ach-criteria',
  tag: 'ach-tags',
  achievementType: 'ach-type',
  alignment: 'ach-alignments',
  place: 'ach-place',
  id: 'ach-id'
}

/**
 * The fields (control ids) an API error names: "body/id must match…" (the request schema),
 * "place.lat: must be…", "alignment[0]: must have…", "achievementType: must be one of…" (the
 * OB 3.0 schema and the place check), "\"foo\" is not defined by any of the document's contexts"
 * (signing); a conflict is about the id.
 */
function fieldsOfError (err: unknown): string[] {
  if (!(err instanceof ApiCallError)) return []
  const found = new Set<string>()
  for (const m of err.message.matchAll(/(?:body\/|^|[:;,]\s+)([A-Za-z]+)(?=[.[/:]|\s+must\b)/g)) {
    const id = API_FIELDS[m[1] as string]
    if (id != null) found.add(id)
  }
  for (const m of err.message.matchAll(/"([A-Za-z]+)" is not defined/g)) {
    const id = API_FIELDS[m[1] as string]
    if (id != null) found.add(id)
  }
  if (err.code === 'COFL_ERR_CONFLICT') found.add('ach-id')
  return [...found].sort((a, b) => ACHIEVEMENT_FIELDS.indexOf(a) - ACHIEVEMENT_FIELDS.indexOf(b))
}

const ACHIEVEMENT_FIELDS = ['ach-name', 'ach-description', 'ach-criteria', 'ach-tags', 'ach-type', 'ach-alignments', 'ach-place', 'ach-id']

async function defineAchievement (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId<HTMLFormElement>('achievement-form')
  for (const id of ACHIEVEMENT_FIELDS) setFieldError(id, null)
  setFieldError('achievement', null)
  const value = (id: string): string => byId<HTMLInputElement>(id).value.trim()
  const problems: Array<[string, string]> = []

  const body: Json = { name: value('ach-name'), description: value('ach-description'), criteria: { narrative: value('ach-criteria') } }
  if (body.name === '') problems.push(['ach-name', 'Give the achievement a name.'])
  if (body.description === '') problems.push(['ach-description', 'Describe the achievement.'])
  if (value('ach-criteria') === '') problems.push(['ach-criteria', 'Say what a learner does to earn it.'])
  const tags = value('ach-tags').split(',').map((t) => t.trim()).filter((t) => t !== '')
  if (tags.length > 0) body.tag = [...new Set(tags)]
  if (value('ach-type') !== '') body.achievementType = value('ach-type')

  const alignment: Json[] = []
  const alignmentProblems: string[] = []
  byId('alignment-rows').querySelectorAll('.alignment').forEach((row, i) => {
    const part = (name: string): string => (row.querySelector(`[data-part="${name}"]`) as HTMLInputElement).value.trim()
    const targetName = part('targetName')
    const targetUrl = part('targetUrl')
    if (targetName === '' && targetUrl === '') return
    if (targetName === '' || targetUrl === '') { alignmentProblems.push(`skill ${i + 1} needs both a name and a URL`); return }
    if (!URL.canParse(targetUrl)) { alignmentProblems.push(`the URL of skill ${i + 1} is not a full URL (such as https://…)`); return }
    alignment.push({ type: ['Alignment'], targetName, targetUrl })
  })
  if (alignmentProblems.length > 0) problems.push(['ach-alignments', `Skills: ${alignmentProblems.join('; ')}.`])
  else if (alignment.length > 0) body.alignment = alignment

  const placeName = value('place-name')
  const area = value('place-area')
  const latText = value('place-lat')
  const lonText = value('place-lon')
  if (placeName !== '' || area !== '' || latText !== '' || lonText !== '') {
    const lat = Number(latText)
    const lon = Number(lonText)
    if (latText === '' || lonText === '') problems.push(['ach-place', 'A place needs its latitude and longitude.'])
    else if (!Number.isFinite(lat) || lat < -90 || lat > 90) problems.push(['ach-place', 'The latitude is a number from -90 to 90.'])
    else if (!Number.isFinite(lon) || lon < -180 || lon > 180) problems.push(['ach-place', 'The longitude is a number from -180 to 180.'])
    else body.place = { ...(placeName !== '' ? { name: placeName } : {}), ...(area !== '' ? { area } : {}), lat, lon }
  }
  if (value('ach-id') !== '') body.id = value('ach-id')

  if (problems.length > 0) {
    for (const [id, message] of problems) setFieldError(id, message)
    announce(`The achievement is not ready: ${problems.map(([, m]) => m).join(' ')}`, 'error')
    focusField(problems[0]?.[0] as string)
    return
  }

  const button = form.querySelector('button[type="submit"]') as HTMLButtonElement
  button.disabled = true
  announce('Signing and publishing the achievement…')
  try {
    const created = await adminApi<{ id: string, cid: string, achievement: Json }>('/api/achievements', { body })
    achievements.set(created.id, { id: created.id, issuer: nodeDid, cid: created.cid, achievement: created.achievement })
    form.reset()
    resetAlignments()
    byId<HTMLSelectElement>('ach-type').value = DEFAULT_ACHIEVEMENT_TYPE
    renderAchievements(created.id)
    announce(`The achievement “${nameOf({ id: created.id, issuer: nodeDid, cid: created.cid, achievement: created.achievement })}” is defined, signed and published (${created.id}).`, 'success')
    void loadAnalytics()
  } catch (err) {
    if (token == null) return
    const message = `The node refused the achievement: ${messageOf(err)}`
    const fields = fieldsOfError(err)
    for (const field of fields) setFieldError(field, messageOf(err))
    setFieldError('achievement', message)
    announce(message, 'error')
    focusField(fields[0] ?? 'ach-name')
  } finally {
    button.disabled = false
  }
}

/** Focus on a field, or the first control of a fieldset. */
function focusField (id: string): void {
  const element = byId(id)
  const target = element instanceof HTMLFieldSetElement ? element.querySelector<HTMLElement>('input, select, textarea, button') : element
  target?.focus()
}

// ---------------------------------------------------------------------------------------------
// Endorse an issuer; withdraw a document

async function endorseIssuer (event: Event): Promise<void> {
  event.preventDefault()
  setFieldError('endorse-issuer', null)
  const issuer = byId<HTMLInputElement>('endorse-issuer').value.trim()
  const name = byId<HTMLInputElement>('endorse-name').value.trim()
  const comment = byId<HTMLTextAreaElement>('endorse-comment').value.trim()
  if (!/^did:[a-z0-9]+:\S+$/.test(issuer)) {
    setFieldError('endorse-issuer', 'A DID, such as did:key:z6Mk…')
    focusField('endorse-issuer')
    return
  }
  try {
    const result = await adminApi<{ id: string }>('/api/endorsements', { body: { issuer, ...(name !== '' ? { name } : {}), ...(comment !== '' ? { comment } : {}) } })
    announce(`Endorsed ${issuer}: endorsement ${result.id}, published to the federation.`, 'success')
    byId<HTMLFormElement>('endorse-form').reset()
  } catch (err) {
    if (token == null) return
    setFieldError('endorse-issuer', `${messageOf(err)}.`)
    announce(`Not endorsed: ${messageOf(err)}.`, 'error')
    focusField('endorse-issuer')
  }
}

async function withdrawDocument (event: Event): Promise<void> {
  event.preventDefault()
  setFieldError('withdraw-id', null)
  const kind = byId<HTMLSelectElement>('withdraw-kind').value
  const id = byId<HTMLInputElement>('withdraw-id').value.trim()
  if (id === '') {
    setFieldError('withdraw-id', 'The id of the document to withdraw.')
    focusField('withdraw-id')
    return
  }
  try {
    await adminApi('/api/withdrawals', { body: { kind, id } })
    announce(`Withdrew the ${kind} ${id}: every node removes it.`, 'success')
    byId<HTMLFormElement>('withdraw-form').reset()
    if (kind === 'achievement') void loadAchievements()
  } catch (err) {
    if (token == null) return
    setFieldError('withdraw-id', `${messageOf(err)}.`)
    announce(`Not withdrawn: ${messageOf(err)}.`, 'error')
    focusField('withdraw-id')
  }
}

// ---------------------------------------------------------------------------------------------
// Offers from a CSV file

interface RowOutcome { row: LearnerRow, claimUrl?: string, reason?: string }

async function makeOffers (event: Event): Promise<void> {
  event.preventDefault()
  for (const id of ['offer-achievement', 'offer-file', 'offer-ttl']) setFieldError(id, null)
  const achievementId = byId<HTMLSelectElement>('offer-achievement').value
  const file = byId<HTMLInputElement>('offer-file').files?.[0]
  const ttlText = byId<HTMLInputElement>('offer-ttl').value.trim()
  const ttlHours = ttlText === '' ? undefined : Number(ttlText)
  const problems: Array<[string, string]> = []
  if (achievementId === '') problems.push(['offer-achievement', 'Choose the achievement to offer (define one first).'])
  if (file == null) problems.push(['offer-file', 'Choose the CSV file of learners.'])
  if (ttlHours !== undefined && (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 8760)) problems.push(['offer-ttl', 'The hours are a number more than 0 and at most 8760.'])
  // Every row of the file, for the results; the rows to send; the rows the file itself refuses
  // (an email repeated: the rule of `cofl offer --csv`, @cofl/analytics' learnerRows).
  let rows: LearnerRow[] = []
  let toSend: LearnerRow[] = []
  const outcomes = new Map<number, RowOutcome>()
  if (file != null) {
    try {
      const read = learnerRows(await file.text(), file.name)
      toSend = read.rows
      rows = [...read.rows, ...read.refused.map(({ row, name, email }) => ({ row, name, email }))].sort((a, b) => a.row - b.row)
      for (const r of read.refused) outcomes.set(r.row, { row: { row: r.row, name: r.name, email: r.email }, reason: r.reason })
      if (rows.length === 0) throw new Error(`${file.name} has a header row but no learners`)
    } catch (err) {
      problems.push(['offer-file', `${messageOf(err)}.`])
    }
  }
  if (problems.length > 0) {
    for (const [id, message] of problems) setFieldError(id, message)
    announce(`No offers made: ${problems.map(([, m]) => m).join(' ')}`, 'error')
    focusField(problems[0]?.[0] as string)
    return
  }

  const button = byId<HTMLFormElement>('offer-form').querySelector('button[type="submit"]') as HTMLButtonElement
  button.disabled = true
  let failure: unknown
  try {
    for (let start = 0; start < toSend.length; start += OFFER_CHUNK) {
      const chunk = toSend.slice(start, start + OFFER_CHUNK)
      announce(`Making offers: ${start} of ${toSend.length} rows sent…`)
      const byRow = new Map(chunk.map((r) => [r.row, r]))
      const result = await adminApi<BulkResult>('/api/offers/bulk', {
        body: {
          achievementId,
          rows: chunk.map((r) => ({ row: r.row, email: r.email, ...(r.name !== '' ? { name: r.name } : {}) })),
          ...(ttlHours !== undefined ? { ttlHours } : {})
        }
      })
      for (const o of result.offered) outcomes.set(o.row, { row: byRow.get(o.row) ?? { row: o.row, name: '', email: '' }, claimUrl: o.claimUrl })
      for (const r of result.refused) outcomes.set(r.row, { row: byRow.get(r.row) ?? { row: r.row, name: '', email: '' }, reason: r.reason })
    }
  } catch (err) {
    failure = err
  } finally {
    button.disabled = false
  }
  if (token == null) return
  const notSent = toSend.filter((r) => !outcomes.has(r.row))
  renderOfferResults(file?.name ?? 'the file', achievementId, rows, outcomes, failure)
  const offered = [...outcomes.values()].filter((o) => o.claimUrl != null).length
  const refused = outcomes.size - offered
  if (failure != null) {
    announce(`The node stopped the offers: ${messageOf(failure)}. ${offered} offered, ${refused} refused, ${notSent.length} not sent.`, 'error')
  } else {
    announce(`${offered} of ${rows.length} rows offered, ${refused} refused.`, offered === 0 ? 'error' : refused > 0 ? 'info' : 'success')
  }
  byId<HTMLInputElement>('offer-file').value = ''
  byId('offer-results-heading').focus()
  void loadAnalytics()
}

function renderOfferResults (fileName: string, achievementId: string, rows: LearnerRow[], outcomes: Map<number, RowOutcome>, failure: unknown): void {
  const offered = [...outcomes.values()].filter((o) => o.claimUrl != null)
  const achievementName = achievements.has(achievementId) ? nameOf(achievements.get(achievementId) as StoredAchievement) : achievementId
  const recipient = (r: LearnerRow): Node => r.name !== '' && r.email !== ''
    ? h('span', {}, r.name, ' ', h('span', { class: 'muted' }, `<${r.email}>`))
    : h('span', {}, r.email !== '' ? r.email : r.name !== '' ? `${r.name} (no email)` : '(empty)')
  const table = h('table', { id: 'offer-results-table' },
    h('caption', {}, `${fileName}: offers of “${achievementName}”, row by row`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'num' }, 'Row'), h('th', { scope: 'col' }, 'Recipient'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'Claim link or reason'))),
    h('tbody', {}, ...rows.map((r) => {
      const outcome = outcomes.get(r.row)
      const state = outcome?.claimUrl != null ? 'offered' : outcome?.reason != null ? 'refused' : 'not-sent'
      return h('tr', { 'data-row': r.row, 'data-outcome': state },
        h('td', { class: 'num' }, r.row),
        h('td', {}, recipient(r)),
        h('td', { class: state === 'offered' ? 'ok' : 'bad' }, state === 'offered' ? 'Offered' : state === 'refused' ? 'Refused' : 'Not sent'),
        h('td', {}, outcome?.claimUrl != null
          ? h('span', { class: 'claim' }, h('code', { class: 'mono claim-url' }, outcome.claimUrl), ' ', copyButton(outcome.claimUrl, r.row))
          : h('span', { class: 'reason' }, outcome?.reason ?? `not sent: ${messageOf(failure)}`)))
    })))
  const download = offered.length > 0
    ? h('button', {
      type: 'button',
      class: 'secondary',
      id: 'offer-links-csv',
      onclick: () => {
        const csv = csvLine(['row', 'name', 'email', 'claimUrl']) + offered.sort((a, b) => a.row.row - b.row.row).map((o) => csvLine([o.row.row, o.row.name, o.row.email, o.claimUrl as string])).join('')
        saveBlob(new Blob([csv], { type: 'text/csv' }), 'claim-links.csv')
        announce('The claim links were saved as claim-links.csv.', 'success')
      }
    }, 'Download the claim links (CSV)')
    : null
  const refused = outcomes.size - offered.length
  fill(byId('offer-results'),
    h('h3', { id: 'offer-results-heading', tabindex: '-1' }, 'Results of the upload'),
    h('p', { id: 'offer-summary' }, `${offered.length} of ${rows.length} ${rows.length === 1 ? 'row' : 'rows'} offered, ${refused} refused${rows.length - outcomes.size > 0 ? `, ${rows.length - outcomes.size} not sent` : ''}.`),
    offered.length > 0 ? h('p', { class: 'note' }, 'The claim links are secrets: send each to its learner only. They are shown this once; this page does not keep them.') : null,
    scrollArea(table),
    download)
}

function copyButton (text: string, row: number): HTMLButtonElement {
  return h('button', {
    type: 'button',
    class: 'secondary small',
    onclick: () => {
      navigator.clipboard.writeText(text).then(
        () => { announce(`The claim link of row ${row} is copied.`, 'success') },
        () => { announce(`Could not copy: select the link of row ${row} and copy it.`, 'error') })
    }
  }, 'Copy', h('span', { class: 'visually-hidden' }, ` the claim link of row ${row}`))
}

// ---------------------------------------------------------------------------------------------
// Issued credentials and revocation

const credentials: IssuanceRecord[] = []
let credentialsNext: string | null = null

async function loadCredentials (reset: boolean): Promise<void> {
  const body = byId('credentials-body')
  try {
    const cursor = reset ? null : credentialsNext
    const page = await adminApi<CredentialPage>(`/api/credentials?limit=${CREDENTIALS_PAGE}${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    if (reset) credentials.length = 0
    credentials.push(...page.credentials)
    credentialsNext = page.next
    renderCredentials()
  } catch (err) {
    if (token == null) return
    fill(body, h('p', { class: 'bad' }, `The issued credentials could not be read: ${messageOf(err)}`))
    announce(`The issued credentials could not be read: ${messageOf(err)}`, 'error')
  }
}

function achievementNameOf (record: IssuanceRecord): string {
  const subject = record.credential?.credentialSubject as Json | undefined
  const achievement = subject?.achievement as Json | undefined
  if (typeof achievement?.name === 'string') return achievement.name
  const known = achievements.get(record.achievementId)
  return known != null ? nameOf(known) : record.achievementId
}

function statusText (record: IssuanceRecord): string {
  if (record.revoked === true) return 'Revoked'
  if (record.suspended === true) return 'Suspended'
  return 'Active'
}

/**
 * A table that may be wider than the screen, in a box that scrolls sideways: the box can take the
 * focus (a keyboard scrolls it) and is a region named by the table's caption.
 */
function scrollArea (table: HTMLTableElement): HTMLElement {
  const name = table.caption?.textContent ?? 'Table'
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${name} (scrolls sideways)` }, table)
}

function renderCredentials (): void {
  const body = byId('credentials-body')
  if (credentials.length === 0) {
    fill(body, h('p', { class: 'muted' }, 'This node has issued no credential yet.'))
    return
  }
  fill(body,
    scrollArea(h('table', { id: 'credentials-table', class: 'stack' },
      h('caption', {}, `Issued credentials (${credentials.length}${credentialsNext != null ? ' shown, more below' : ''})`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Achievement'), h('th', { scope: 'col' }, 'Issued'), h('th', { scope: 'col' }, 'Learner (DID)'),
        h('th', { scope: 'col' }, 'Credential'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Action'))),
      h('tbody', {}, ...credentials.map(credentialRow)))),
    credentialsNext != null
      ? h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'credentials-more', onclick: () => { void loadCredentials(false) } }, 'Show more credentials'))
      : null)
}

function rowId (record: IssuanceRecord): string {
  return `cred-${credentials.indexOf(record)}`
}

function credentialRow (record: IssuanceRecord): HTMLTableRowElement {
  const id = rowId(record)
  return h('tr', { 'data-credential-id': record.credentialId, 'data-status': statusText(record).toLowerCase() },
    h('th', { scope: 'row', id: `${id}-achievement` }, achievementNameOf(record)),
    h('td', { 'data-label': 'Issued' }, h('time', { datetime: record.issuedAt }, formatDate(record.issuedAt))),
    h('td', { class: 'mono', 'data-label': 'Learner (DID)' }, record.subject),
    h('td', { class: 'mono', id: `${id}-id`, 'data-label': 'Credential' }, record.credentialId),
    h('td', { class: 'status', id: `${id}-status`, tabindex: '-1', 'data-label': 'Status' }, statusText(record)),
    h('td', { class: 'action' }, actionOf(record)))
}

function actionOf (record: IssuanceRecord): Node | string {
  if (record.revoked === true) return '—'
  if (record.status?.purpose != null && record.status.purpose !== 'revocation') return h('span', { class: 'muted' }, 'Suspendable, not revocable')
  const id = rowId(record)
  return h('button', {
    type: 'button',
    class: 'danger',
    'aria-describedby': `${id}-achievement ${id}-id`,
    onclick: (event: Event) => { confirmRevoke(record, (event.currentTarget as HTMLElement).closest('td') as HTMLTableCellElement) }
  }, 'Revoke')
}

function confirmRevoke (record: IssuanceRecord, cell: HTMLTableCellElement): void {
  const id = rowId(record)
  const cancel = (): void => {
    fill(cell, actionOf(record))
    cell.querySelector('button')?.focus()
    announce('Not revoked.')
  }
  const yes = h('button', {
    type: 'button',
    class: 'danger',
    'aria-describedby': `${id}-confirm`,
    onclick: () => { void revoke(record, cell) }
  }, 'Yes, revoke')
  const no = h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')
  const box = h('div', {
    class: 'confirm',
    role: 'group',
    'aria-label': 'Confirm the revocation',
    onkeydown: (event: Event) => { if ((event as KeyboardEvent).key === 'Escape') cancel() }
  }, h('p', { id: `${id}-confirm` }, `Revoke “${achievementNameOf(record)}” for good? Every verifier will see it as revoked.`), yes, ' ', no)
  fill(cell, box)
  yes.focus()
}

async function revoke (record: IssuanceRecord, cell: HTMLTableCellElement): Promise<void> {
  for (const button of cell.querySelectorAll('button')) button.disabled = true
  announce('Revoking: publishing the new status list…')
  try {
    await adminApi('/api/credentials/revoke', { body: { credentialId: record.credentialId } })
    record.revoked = true
    const row = cell.closest('tr') as HTMLTableRowElement
    const fresh = credentialRow(record)
    row.replaceWith(fresh)
    fresh.querySelector<HTMLElement>('.status')?.focus()
    announce(`Revoked “${achievementNameOf(record)}” (${record.credentialId}).`, 'success')
    void loadAnalytics()
  } catch (err) {
    if (token == null) return
    announce(`Not revoked: ${messageOf(err)}`, 'error')
    fill(cell, actionOf(record))
    cell.querySelector('button')?.focus()
  }
}

// ---------------------------------------------------------------------------------------------

function main (): void {
  const typeSelect = byId<HTMLSelectElement>('ach-type')
  fill(typeSelect, h('option', { value: '' }, '(not given)'),
    ...ACHIEVEMENT_TYPES.map((t) => h('option', { value: t, selected: t === DEFAULT_ACHIEVEMENT_TYPE }, typeLabel(t))))
  resetAlignments()
  byId('alignment-add').addEventListener('click', () => {
    const row = alignmentRow()
    byId('alignment-rows').append(row)
    renumberAlignments()
    row.querySelector('input')?.focus()
  })

  byId('signin-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const candidate = byId<HTMLInputElement>('token').value.trim()
    if (candidate === '') {
      setFieldError('token', 'Paste the admin token of this node.')
      announce('Paste the admin token of this node.', 'error')
      byId('token').focus()
      return
    }
    void signIn(candidate, false)
  })
  byId('signout').addEventListener('click', () => { signOut() })
  byId('analytics-refresh').addEventListener('click', () => {
    void loadAnalytics().then(() => { if (token != null) announce('The figures are up to date.', 'success') })
  })
  byId('analytics-csv').addEventListener('click', () => { void downloadCsv() })
  byId('federation-publish').addEventListener('click', () => { void publishAggregate() })
  byId('federation-refresh').addEventListener('click', () => {
    void loadFederation().then(() => { if (token != null) announce('The federation\'s figures are up to date.', 'success') })
  })
  byId('achievement-form').addEventListener('submit', (event) => { void defineAchievement(event) })
  byId('offer-form').addEventListener('submit', (event) => { void makeOffers(event) })
  byId('endorse-form').addEventListener('submit', (event) => { void endorseIssuer(event) })
  byId('withdraw-form').addEventListener('submit', (event) => { void withdrawDocument(event) })
  byId('credentials-refresh').addEventListener('click', () => {
    void loadCredentials(true).then(() => { if (token != null) announce('The list of issued credentials is up to date.', 'success') })
  })

  const kept = storedToken()
  if (kept != null && kept !== '') void signIn(kept, true)
  else byId('signin').hidden = false
}

main()
