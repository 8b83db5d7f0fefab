// The City dashboard, for the admin of this node: sign in with the admin token
// (kept in this tab's sessionStorage only), the city's analytics as figures, bar charts and tables
// (suppressed counts shown as "hidden (fewer than 5)", never as a number), the CSV of the figures, defining an
// achievement, offers to a group of learners from a CSV file, and revoking issued credentials.
// Every call goes to this node's own API (docs/api.md); nothing leaves this origin.
import { csvLine, learnerRows } from '@cofl/analytics'
import { ApiAnswerError } from '@cofl/api'
import type { CredentialListing, CredentialSearchPage, Health } from '@cofl/api'
import type { LearnerRow } from '@cofl/analytics'
import { barChart } from '../lib/charts.js'
import type { BarValue } from '../lib/charts.js'
import { ApiCallError, announce as announceText, api, byId, fill, h, markReady, messageOf } from '../lib/dom.js'
import type { ApiOptions } from '../lib/dom.js'
import { qrSvg } from '../lib/qr.js'
import { drawMap } from '../lib/map.js'
import type { MapPoint, Outline } from '../lib/map.js'
import { OPPORTUNITY_KINDS, SPINE_LAYERS } from '@cofl/pathways'
import { formatDate as formatLocalDate, formatNumber, language, t, tParts, usePageMessages } from '../lib/i18n.js'
import en from '../../locales/admin.en.json' with { type: 'json' }
import cy from '../../locales/admin.cy.json' with { type: 'json' }

// The page's own words (node/web/locales/admin.*.json), before anything is written.
usePageMessages({ en, cy })

/**
 * Says `text` in the status region, with its language: the sections converted so far pass the
 * language spoken (`language()`); the others' messages are still English, so that a screen reader
 * reads each in its own language while the page is half converted.
 */
function announce (text: string, kind: 'info' | 'error' | 'success' = 'info', lang: string = 'en'): void {
  announceText(text, kind)
  document.getElementById('status')?.setAttribute('lang', lang)
}

/** Where this tab keeps the token (sessionStorage: gone when the tab closes). */
const TOKEN_KEY = 'cofl.admin.token'
/** Rows sent in one POST /api/offers/bulk (the API takes 1,000; `cofl offer --csv` sends 500). */
const OFFER_CHUNK = 500
/** Issued credentials per page of the list. */
const CREDENTIALS_PAGE = 50
/** How long typing pauses before the credentials are searched. */
const SEARCH_PAUSE_MS = 300
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
interface BulkResult {
  offered: Array<{ row: number, offerId: string, claimUrl: string, claimLink?: string, expiresAt: string, mail?: Json }>
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
    ? t('admin.signin.asked', { code: err.code, reason: err.message })
    : t('admin.signin.refused', { code: err.code, reason: err.message })
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
  announce(restored ? t('admin.signin.restoring') : t('admin.signin.checking'), 'info', language())
  try {
    // The smallest admin call there is: one record of the issuance log.
    await api('/api/credentials?limit=1', { token: candidate })
  } catch (err) {
    keepToken(null)
    const message = isAuthError(err) ? refusal(err) : t('admin.signin.failed', { reason: messageOf(err) })
    showSignIn()
    setFieldError('token', message)
    announce(message, 'error', language())
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
  announce(t('admin.signin.loading'), 'info', language())
  await loadDashboard()
  if (token != null) announce(t('admin.signin.done'), 'success', language())
}

/** Forgets the token and everything shown with it (claim links, the issuance log). */
function signOut (message?: string): void {
  token = null
  keepToken(null)
  fill(byId('offer-results'))
  fill(byId('credentials-body'))
  fill(byId('offers-body'))
  offerList.length = 0
  fill(byId('analytics-body'))
  fill(byId('federation-body'))
  showSignIn()
  if (message != null) {
    setFieldError('token', message)
    announce(message, 'error', language())
  } else {
    setFieldError('token', null)
    announce(t('admin.signin.signedOut'), 'success', language())
  }
  byId('token').focus()
}

/** "Signed in to <strong>name</strong> (issuer <span>did</span>)." (the node's name and DID once it said them). */
function showSignedIn (name: string | null | undefined, did: string): void {
  const didNode = h('span', { id: 'node-did', class: 'mono' }, did)
  fill(byId('signed-in-text'), ...(name == null
    ? tParts('admin.signedIn.unnamed', { did: didNode })
    : tParts('admin.signedIn.named', { name: h('strong', { id: 'node-name' }, name), did: didNode })))
}

async function loadDashboard (): Promise<void> {
  try {
    const health = await api<Health>('/api/health')
    nodeDid = health.did
    showSignedIn(health.name, health.did)
  } catch (err) {
    announce(t('admin.signedIn.whoFailed', { reason: messageOf(err) }), 'error', language())
  }
  try {
    const geography = await api<Outline>('/api/geography')
    outline = Array.isArray(geography.features) && geography.features.length > 0 ? geography : null
  } catch { outline = null }
  await loadAchievements()
  await Promise.all([loadAnalytics(), loadFederation(), loadCredentials(true), loadOffers(true), loadDocuments()])
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

/** What a hidden count shows as: words, never "<5" (which reads as "under 5%" in a column of rates). */
function hiddenCountText (threshold: number): string {
  return `hidden (fewer than ${threshold + 1})`
}
let hiddenText = hiddenCountText(DEFAULT_SUPPRESSION_THRESHOLD)

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

/** A figure in a table cell or a headline: "hidden (fewer than 5)" when suppressed (with data-suppressed), "hidden" for a rate. */
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
  hiddenText = hiddenCountText(threshold)
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

/** The city's outline (GET /api/geography), or null when the node has none: then "by area" is a chart and a table. */
let outline: Outline | null = null

/** [west, south, east, north] of a GeoJSON geometry's positions. */
function boundsOf (coordinates: unknown, into: number[] = [Infinity, Infinity, -Infinity, -Infinity]): number[] {
  if (Array.isArray(coordinates) && typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') {
    const [lon, lat] = coordinates as number[]
    into[0] = Math.min(into[0] as number, lon as number); into[1] = Math.min(into[1] as number, lat as number)
    into[2] = Math.max(into[2] as number, lon as number); into[3] = Math.max(into[3] as number, lat as number)
  } else if (Array.isArray(coordinates)) {
    for (const c of coordinates) boundsOf(c, into)
  }
  return into
}

/**
 * Where each area of "by area" is, for the map: the middle of the outline's feature of that name,
 * else the mean of the places of this node's achievements in it. None without an outline.
 */
function areaPoints (rows: Json[], labels: string[], measures: string[]): MapPoint[] {
  if (outline == null) return []
  const points: MapPoint[] = []
  rows.forEach((row, i) => {
    const area = String(row.key)
    let at: { lat: number, lon: number } | undefined
    const feature = outline?.features.find((f) => f.properties?.name === area)
    if (feature?.geometry != null) {
      const b = boundsOf(feature.geometry.coordinates)
      if (Number.isFinite(b[0])) at = { lon: ((b[0] as number) + (b[2] as number)) / 2, lat: ((b[1] as number) + (b[3] as number)) / 2 }
    }
    if (at == null) {
      const places = [...achievements.values()].map((a) => a.achievement.place as Json | undefined)
        .filter((p): p is Json => p != null && p.area === area && typeof p.lat === 'number' && typeof p.lon === 'number')
      if (places.length > 0) at = { lat: places.reduce((t, p) => t + (p.lat as number), 0) / places.length, lon: places.reduce((t, p) => t + (p.lon as number), 0) / places.length }
    }
    if (at == null) return
    const figures = measures.filter((m) => !isRate(m)).map((m) => `${cellText(m, asCell(row[m]) ?? { value: null, suppressed: false })} ${labelOf(m).toLowerCase()}`)
    const main = asCell(row[measures.includes('offered') ? 'offered' : measures[0] as string]) ?? { value: null, suppressed: false }
    // The marker's mark is the main figure (none when hidden); a cluster counts areas, never learners.
    points.push({ id: area, ...at, name: `${labels[i] as string}: ${figures.join(', ')}`, ...(main.suppressed || main.value == null ? {} : { mark: String(main.value) }), kind: 'achievement' })
  })
  return points
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
  const points = breakdown.key === 'byArea' ? areaPoints(rows, labels, measures) : []
  if (points.length > 0) {
    // By area, where the node has the city's outline: a map of the areas, each a marker that leads to its row.
    const container = h('figure', { class: 'chart area-map', id: 'byArea-map' })
    layout.append(container)
    drawMap(container, {
      label: `${breakdown.title}: a map of the areas; the table beside it has the figures`,
      outline,
      points,
      countWords: (n) => `${n} area${n === 1 ? '' : 's'}`,
      onSelect: (chosen) => {
        const first = chosen[0]
        if (first == null) return
        const th = section.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(first.id)}"] th`)
        if (th != null) { th.setAttribute('tabindex', '-1'); th.focus() }
      }
    })
  } else if (charted.length > 0) {
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
  renderDocChoices()
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
  if (['COFL_ERR_IMAGE_TYPE', 'COFL_ERR_IMAGE_TOO_LARGE', 'COFL_ERR_IMAGE_UNSAFE', 'COFL_ERR_IMAGE_MALFORMED'].includes(err.code)) found.add('ach-image')
  return [...found].sort((a, b) => ACHIEVEMENT_FIELDS.indexOf(a) - ACHIEVEMENT_FIELDS.indexOf(b))
}

/** The largest badge image the node takes (node/src/app/constants.ts MAX_IMAGE_BYTES). */
const MAX_BADGE_IMAGE_BYTES = 256 * 1024

/** A file as a data: URI (its type from the browser: image/png or image/svg+xml; the node checks the bytes). */
async function fileDataUri (file: File): Promise<string> {
  return await new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => { resolve(String(reader.result)) }
    reader.onerror = () => { reject(reader.error ?? new Error(`cannot read ${file.name}`)) }
    reader.readAsDataURL(file)
  })
}

const ACHIEVEMENT_FIELDS = ['ach-name', 'ach-description', 'ach-criteria', 'ach-image', 'ach-tags', 'ach-type', 'ach-alignments', 'ach-place', 'ach-id']

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
  // The badge image (lib/badge-image.ts): sent as a data: URI; the node checks and sanitises it.
  const imageFile = byId<HTMLInputElement>('ach-image').files?.[0]
  if (imageFile != null) {
    if (imageFile.size > MAX_BADGE_IMAGE_BYTES) problems.push(['ach-image', `The image has ${imageFile.size} bytes: a badge image has at most 256 KiB.`])
    else body.image = await fileDataUri(imageFile)
  }

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
  setFieldError('endorse-profile', null)
  let issuer = byId<HTMLInputElement>('endorse-issuer').value.trim()
  const name = byId<HTMLInputElement>('endorse-name').value.trim()
  const comment = byId<HTMLTextAreaElement>('endorse-comment').value.trim()
  const profileText = byId<HTMLTextAreaElement>('endorse-profile').value.trim()
  let profile: Json | undefined
  if (profileText !== '') {
    try {
      const parsed: unknown = JSON.parse(profileText)
      if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is JSON but not an object')
      profile = parsed as Json
    } catch (err) {
      setFieldError('endorse-profile', `The Profile is not a JSON object: ${messageOf(err)}.`)
      focusField('endorse-profile')
      return
    }
    if (issuer === '' && typeof profile.id === 'string') {
      issuer = profile.id
      byId<HTMLInputElement>('endorse-issuer').value = issuer
    }
  }
  if (!/^did:[a-z0-9]+:\S+$/.test(issuer)) {
    setFieldError('endorse-issuer', 'A DID, such as did:key:z6Mk…')
    focusField('endorse-issuer')
    return
  }
  try {
    const result = await adminApi<{ id: string }>('/api/endorsements', {
      body: { issuer, ...(name !== '' ? { name } : {}), ...(comment !== '' ? { comment } : {}), ...(profile != null ? { profile } : {}) }
    })
    announce(`Endorsed ${issuer}: endorsement ${result.id}, published to the federation.`, 'success')
    byId<HTMLFormElement>('endorse-form').reset()
  } catch (err) {
    if (token == null) return
    // A refusal of the Profile is shown at the Profile; any other at the DID.
    const field = profile != null && /profile/i.test(messageOf(err)) ? 'endorse-profile' : 'endorse-issuer'
    setFieldError(field, `${messageOf(err)}.`)
    announce(`Not endorsed: ${messageOf(err)}.`, 'error')
    focusField(field)
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
      for (const o of result.offered) {
        // The claim page's link where the node gives it (else the API's URL).
        const link = o.claimLink ?? o.claimUrl
        if (o.mail != null) mailOn = true
        outcomes.set(o.row, { row: byRow.get(o.row) ?? { row: o.row, name: '', email: '' }, claimUrl: link })
      }
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
  void loadOffers(true)
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
    offered.length > 0
      ? h('p', { class: 'note' }, mailOn
        ? 'The node mails each learner their own claim link. Each offer is listed under Offers, with its mail\'s state and a Resend button.'
        : 'Each offer is listed under Offers, with its claim link to copy and its QR code to show. A claim link is a secret: it claims the badge.')
      : null,
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
// Spines, pathways and opportunities: this node's own, listed, created and edited
// (POST /api/<kind> with the id of the one edited publishes its new version)

interface StoredDoc { id: string, issuer: string, cid: string, sequence?: number, document: Json }
type DocPath = 'opportunities' | 'pathways' | 'spines'

const DOCS: Record<DocPath, { prefix: string, one: string, heading: string, fields: Record<string, string> }> = {
  opportunities: {
    prefix: 'opp',
    one: 'opportunity',
    heading: 'opportunities-heading',
    fields: { name: 'opp-name', kind: 'opp-kind', asks: 'opp-asks', place: 'opp-place', startDate: 'opp-dates', applyBy: 'opp-dates', endDate: 'opp-dates', description: 'opp-description' }
  },
  pathways: {
    prefix: 'path',
    one: 'pathway',
    heading: 'pathways-heading',
    fields: { name: 'path-name', requirements: 'path-achievements', suggested: 'path-achievements', order: 'path-achievements', theme: 'path-theme', awardAchievementId: 'path-award', description: 'path-description' }
  },
  spines: { prefix: 'spine', one: 'skills spine', heading: 'spines-heading', fields: { name: 'spine-name', skills: 'spine-skills' } }
}

const docs: Record<DocPath, StoredDoc[]> = { opportunities: [], pathways: [], spines: [] }

const docName = (d: StoredDoc): string => typeof d.document.name === 'string' ? d.document.name : d.id

async function loadDocuments (): Promise<void> {
  await Promise.all((Object.keys(DOCS) as DocPath[]).map(async (path) => {
    try {
      const list: StoredDoc[] = []
      let cursor: string | null = null
      do {
        const page: Json = await api<Json>(`/api/${path}?issuer=${encodeURIComponent(nodeDid)}&limit=1000${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        list.push(...(page[path] as StoredDoc[]))
        cursor = page.next as string | null
      } while (cursor != null)
      docs[path] = list.sort((a, b) => docName(a).localeCompare(docName(b)))
      renderDocList(path)
    } catch (err) {
      fill(byId(`${path}-body`), h('p', { class: 'bad' }, `The ${DOCS[path].one} list could not be read: ${messageOf(err)}`))
    }
  }))
  renderDocChoices()
}

function docSummary (path: DocPath, d: StoredDoc): string {
  const doc = d.document
  if (path === 'opportunities') return [typeof doc.kind === 'string' ? doc.kind : null, (doc.place as Json | undefined)?.area as string | undefined].filter((x) => x != null).join(' · ')
  if (path === 'pathways') return typeof doc.kind === 'string' ? `${doc.kind} pathway` : ''
  return `${Array.isArray(doc.skills) ? doc.skills.length : 0} skills`
}

function renderDocList (path: DocPath, newId?: string): void {
  const list = docs[path]
  if (list.length === 0) {
    fill(byId(`${path}-body`), h('p', { class: 'muted' }, `This node has published no ${DOCS[path].one} yet.`))
    return
  }
  fill(byId(`${path}-body`), h('ul', { class: 'doc-items', id: `${path}-list`, 'aria-labelledby': DOCS[path].heading }, ...list.map((d) => h('li', { 'data-id': d.id, class: d.id === newId ? 'new' : null, tabindex: d.id === newId ? '-1' : null },
    h('div', {}, h('strong', {}, docName(d)), ' ', h('span', { class: 'muted' }, [docSummary(path, d), d.sequence != null ? `version ${d.sequence}` : null].filter((x) => x != null && x !== '').join(' · ')),
      h('p', { class: 'mono muted' }, d.id)),
    h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${DOCS[path].one} ${docName(d)}`, onclick: () => { editDoc(path, d) } }, 'Edit')))))
}

/** The pickers the forms share: achievements as checkboxes, pathways, opportunities and badges as choices. */
function renderDocChoices (): void {
  const list = sortedAchievements()
  for (const prefix of ['opp', 'path']) {
    const box = byId(`${prefix}-achievements`)
    const checked = new Set([...box.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value))
    fill(box, ...(list.length === 0
      ? [h('p', { class: 'muted' }, 'Define an achievement first.')]
      : list.map((a, i) => h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: `${prefix}-ach-${i}`, value: a.id, checked: checked.has(a.id) }),
        h('label', { for: `${prefix}-ach-${i}` }, nameOf(a))))))
  }
  const choose = (id: string, none: string, items: Array<{ id: string, name: string }>): void => {
    const select = byId<HTMLSelectElement>(id)
    const before = select.value
    fill(select, h('option', { value: '' }, none), ...items.map((x) => h('option', { value: x.id, selected: x.id === before }, x.name)))
  }
  choose('opp-pathway', '(none)', docs.pathways.map((d) => ({ id: d.id, name: docName(d) })))
  choose('path-opportunity', '(none)', docs.opportunities.map((d) => ({ id: d.id, name: docName(d) })))
  choose('path-award', '(none)', list.map((a) => ({ id: a.id, name: nameOf(a) })))
}

const checkedIn = (prefix: string): string[] => [...byId(`${prefix}-achievements`).querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value)
function checkIn (prefix: string, ids: readonly string[]): void {
  const wanted = new Set(ids)
  for (const input of byId(`${prefix}-achievements`).querySelectorAll<HTMLInputElement>('input')) input.checked = wanted.has(input.value)
}

const fieldValue = (id: string): string => byId<HTMLInputElement>(id).value.trim()
const commaList = (id: string): string[] => [...new Set(fieldValue(id).split(',').map((t) => t.trim()).filter((t) => t !== ''))]

/** The ids of the error paragraphs of a form (`<prefix>-…-error`). */
function clearFormErrors (form: HTMLFormElement): void {
  for (const p of form.querySelectorAll<HTMLElement>('.field-error')) setFieldError(p.id.replace(/-error$/, ''), null)
}

/** Shows the page's own findings at their fields and moves the focus to the first. */
function showProblems (what: string, problems: Array<[string, string]>): void {
  for (const [id, message] of problems) setFieldError(id, message)
  announce(`The ${what} is not ready: ${problems.map(([, m]) => m).join(' ')}`, 'error')
  focusField(problems[0]?.[0] as string)
}

/** The node's refusal: in words under the form and at every field its message names ("name: must be…"); the focus on the first. */
function showRefusal (path: DocPath, err: unknown): void {
  const { prefix, one, fields } = DOCS[path]
  const message = `The node refused the ${one}: ${messageOf(err)}`
  setFieldError(`${prefix}-form`, message)
  const found: string[] = []
  const text = err instanceof ApiCallError ? err.message : ''
  for (const part of text.replace(/^[^:]*is not valid:\s*/, '').split(/;\s*/)) {
    const key = /^([A-Za-z]+)/.exec(part)?.[1]
    const field = key != null ? fields[key] : undefined
    if (field != null && !found.includes(field)) {
      found.push(field)
      setFieldError(field, part)
    }
  }
  announce(message, 'error')
  focusField(found[0] ?? `${prefix}-name`)
}

function startEdit (path: DocPath, d: StoredDoc): void {
  const { prefix, one } = DOCS[path]
  const form = byId<HTMLFormElement>(`${prefix}-form`)
  clearFormErrors(form)
  byId<HTMLInputElement>(`${prefix}-id`).value = d.id
  byId(`${prefix}-form-heading`).textContent = `Edit the ${one} “${docName(d)}”`
  byId(`${prefix}-submit`).textContent = `Publish the new version of the ${one}`
  byId(`${prefix}-cancel`).hidden = false
}

function endEdit (path: DocPath): void {
  const { prefix, one } = DOCS[path]
  const form = byId<HTMLFormElement>(`${prefix}-form`)
  form.reset()
  clearFormErrors(form)
  byId<HTMLInputElement>(`${prefix}-id`).value = ''
  byId(`${prefix}-form-heading`).textContent = `New ${one}`
  byId(`${prefix}-submit`).textContent = `Publish the ${one}`
  byId(`${prefix}-cancel`).hidden = true
  if (path === 'pathways') showPathwayKind()
  if (path === 'spines') resetSpineSkills()
}

function editDoc (path: DocPath, d: StoredDoc): void {
  endEdit(path)
  startEdit(path, d)
  const doc = d.document
  const set = (id: string, value: unknown): void => { byId<HTMLInputElement>(id).value = value == null ? '' : String(value) }
  if (path === 'opportunities') {
    set('opp-name', doc.name)
    set('opp-kind', doc.kind)
    set('opp-description', doc.description)
    const asks = (doc.asks ?? {}) as Json
    set('opp-pathway', asks.pathwayId)
    checkIn('opp', Array.isArray(asks.achievementIds) ? asks.achievementIds as string[] : [])
    set('opp-start', typeof doc.startDate === 'string' ? doc.startDate.slice(0, 10) : '')
    set('opp-apply', typeof doc.applyBy === 'string' ? doc.applyBy.slice(0, 10) : '')
    const place = (doc.place ?? {}) as Json
    set('opp-place-name', place.name)
    set('opp-place-area', place.area)
    set('opp-lat', place.lat)
    set('opp-lon', place.lon)
  } else if (path === 'pathways') {
    set('path-name', doc.name)
    set('path-kind', doc.kind)
    set('path-description', doc.description)
    set('path-award', doc.awardAchievementId)
    if (doc.kind === 'interest') {
      const theme = (doc.theme ?? {}) as Json
      set('path-tags', Array.isArray(theme.tags) ? theme.tags.join(', ') : '')
      set('path-skills', Array.isArray(theme.skills) ? theme.skills.join(', ') : '')
      checkIn('path', Array.isArray(doc.suggested) ? doc.suggested as string[] : [])
    } else {
      set('path-opportunity', doc.opportunityId)
      const rule = doc.requirements as Json | string | undefined
      const op = rule != null && typeof rule === 'object' ? Object.keys(rule)[0] : undefined
      const children = op === 'nOf' ? ((rule as Json).nOf as Json | undefined)?.of : op != null ? (rule as Json)[op] : [rule]
      const flat = Array.isArray(children) && children.every((c) => typeof c === 'string')
      byId('path-nested').hidden = flat
      set('path-rule', op ?? 'allOf')
      if (op === 'nOf') set('path-n', ((rule as Json).nOf as Json).n)
      checkIn('path', leavesOf(rule))
    }
    showPathwayKind()
  } else {
    set('spine-name', doc.name)
    const skills = Array.isArray(doc.skills) ? doc.skills as Json[] : []
    fill(byId('spine-skills'), ...(skills.length > 0 ? skills.map((s) => spineSkillRow(s)) : [spineSkillRow()]))
    renumberSpineSkills()
  }
  byId(`${DOCS[path].prefix}-form-heading`).focus()
  announce(`Editing the ${DOCS[path].one} “${docName(d)}”: publishing makes its new version.`)
}

/** Every achievement id a requirement tree names. */
function leavesOf (rule: unknown): string[] {
  if (typeof rule === 'string') return [rule]
  if (Array.isArray(rule)) return rule.flatMap(leavesOf)
  if (rule == null || typeof rule !== 'object') return []
  return Object.values(rule as Json).flatMap((v) => Array.isArray(v) ? v.flatMap(leavesOf) : v != null && typeof v === 'object' ? leavesOf((v as Json).of ?? []) : [])
}

function showPathwayKind (): void {
  const interest = byId<HTMLSelectElement>('path-kind').value === 'interest'
  byId('path-destination').hidden = interest
  byId('path-interest').hidden = !interest
  if (interest) byId('path-nested').hidden = true
}

async function publishDoc (path: DocPath, body: Json, submit: HTMLButtonElement): Promise<void> {
  const { prefix, one } = DOCS[path]
  const editing = fieldValue(`${prefix}-id`)
  submit.disabled = true
  announce(`Signing and publishing the ${one}…`)
  try {
    const created = await adminApi<{ id: string, sequence?: number }>(`/api/${path}`, { body: { ...body, ...(editing !== '' ? { id: editing } : {}) } })
    endEdit(path)
    await loadDocuments()
    renderDocList(path, created.id)
    document.querySelector<HTMLElement>(`#${path}-list li.new`)?.focus()
    announce(`The ${one} “${String(body.name)}” is ${editing !== '' ? `published again (version ${created.sequence ?? '?'})` : 'published'}: ${created.id}.`, 'success')
  } catch (err) {
    if (token != null) showRefusal(path, err)
  } finally {
    submit.disabled = false
  }
}

async function submitOpportunity (event: Event): Promise<void> {
  event.preventDefault()
  const form = byId<HTMLFormElement>('opp-form')
  clearFormErrors(form)
  const problems: Array<[string, string]> = []
  const body: Json = { name: fieldValue('opp-name'), kind: fieldValue('opp-kind') }
  if (body.name === '') problems.push(['opp-name', 'Give the opportunity a name.'])
  if (fieldValue('opp-description') !== '') body.description = fieldValue('opp-description')
  const asks: Json = {}
  if (fieldValue('opp-pathway') !== '') asks.pathwayId = fieldValue('opp-pathway')
  const chosen = checkedIn('opp')
  if (chosen.length > 0) asks.achievementIds = chosen
  if (Object.keys(asks).length === 0) problems.push(['opp-asks', 'Choose the pathway or the achievements it asks for (or both).'])
  body.asks = asks
  if (fieldValue('opp-start') !== '') body.startDate = fieldValue('opp-start')
  if (fieldValue('opp-apply') !== '') body.applyBy = fieldValue('opp-apply')
  const placeName = fieldValue('opp-place-name')
  const area = fieldValue('opp-place-area')
  const lat = fieldValue('opp-lat')
  const lon = fieldValue('opp-lon')
  if (placeName !== '' || area !== '' || lat !== '' || lon !== '') {
    if (lat === '' || lon === '') problems.push(['opp-place', 'A place needs its latitude and longitude.'])
    else body.place = { ...(placeName !== '' ? { name: placeName } : {}), ...(area !== '' ? { area } : {}), lat: Number(lat), lon: Number(lon) }
  }
  if (problems.length > 0) { showProblems('opportunity', problems); return }
  await publishDoc('opportunities', body, byId<HTMLButtonElement>('opp-submit'))
}

async function submitPathway (event: Event): Promise<void> {
  event.preventDefault()
  clearFormErrors(byId<HTMLFormElement>('path-form'))
  const problems: Array<[string, string]> = []
  const kind = fieldValue('path-kind')
  const body: Json = { name: fieldValue('path-name'), kind }
  if (body.name === '') problems.push(['path-name', 'Give the pathway a name.'])
  if (fieldValue('path-description') !== '') body.description = fieldValue('path-description')
  if (fieldValue('path-award') !== '') body.awardAchievementId = fieldValue('path-award')
  const chosen = checkedIn('path')
  if (chosen.length === 0) problems.push(['path-achievements', kind === 'interest' ? 'Choose the achievements it suggests.' : 'Choose the achievements it asks for.'])
  if (kind === 'interest') {
    const tags = commaList('path-tags')
    const skills = commaList('path-skills')
    if (tags.length === 0 && skills.length === 0) problems.push(['path-theme', 'Name at least one tag or skill of the theme.'])
    body.theme = { tags, skills }
    body.suggested = chosen
  } else {
    const rule = fieldValue('path-rule')
    if (rule === 'nOf') {
      const n = Number(fieldValue('path-n'))
      if (!Number.isInteger(n) || n < 1 || n > Math.max(1, chosen.length)) problems.push(['path-n', `How many: a whole number from 1 to ${Math.max(1, chosen.length)} (the achievements chosen).`])
      body.requirements = { nOf: { n, of: chosen } }
    } else {
      body.requirements = { [rule]: chosen }
    }
    if (fieldValue('path-opportunity') !== '') body.opportunityId = fieldValue('path-opportunity')
  }
  if (problems.length > 0) { showProblems('pathway', problems); return }
  await publishDoc('pathways', body, byId<HTMLButtonElement>('path-submit'))
}

let spineSerial = 0

/** The fields of one skill of the spine; a skill read back keeps its framework and code. */
function spineSkillRow (skill: Json = {}): HTMLElement {
  const n = ++spineSerial
  const row = h('div', { class: 'row spine-skill' },
    h('div', {}, h('label', { for: `spine-skill-${n}-name`, 'data-label': 'name' }), h('input', { id: `spine-skill-${n}-name`, type: 'text', 'data-part': 'name', value: typeof skill.name === 'string' ? skill.name : null })),
    h('div', {}, h('label', { for: `spine-skill-${n}-layer`, 'data-label': 'layer' }), h('select', { id: `spine-skill-${n}-layer`, 'data-part': 'layer' },
      ...SPINE_LAYERS.map((l) => h('option', { value: l, selected: skill.layer === l }, l.replace(/-/g, ' '))))),
    h('div', {}, h('label', { for: `spine-skill-${n}-id`, 'data-label': 'id' }), h('input', { id: `spine-skill-${n}-id`, type: 'text', 'data-part': 'id', spellcheck: 'false', value: typeof skill.id === 'string' ? skill.id : null })),
    h('div', { class: 'remove' }, h('button', {
      type: 'button',
      class: 'secondary',
      onclick: (event: Event) => {
        const container = byId('spine-skills')
        const rows = [...container.querySelectorAll('.spine-skill')]
        const at = rows.indexOf((event.currentTarget as HTMLElement).closest('.spine-skill') as Element)
        rows[at]?.remove()
        if (container.children.length === 0) container.append(spineSkillRow())
        renumberSpineSkills()
        container.querySelectorAll('.spine-skill')[Math.min(at, container.children.length - 1)]?.querySelector('input')?.focus()
        announce('The skill is removed.')
      }
    }, 'Remove', h('span', { class: 'visually-hidden', 'data-label': 'remove' }))))
  for (const key of ['description', 'targetFramework', 'targetCode']) if (typeof skill[key] === 'string') row.dataset[key] = skill[key]
  return row
}

function renumberSpineSkills (): void {
  byId('spine-skills').querySelectorAll('.spine-skill').forEach((row, i) => {
    const set = (which: string, text: string): void => { const el = row.querySelector(`[data-label="${which}"]`); if (el != null) el.textContent = text }
    set('name', `Spine skill ${i + 1}: name`)
    set('layer', `Spine skill ${i + 1}: layer`)
    set('id', `Spine skill ${i + 1}: id`)
    set('remove', ` skill ${i + 1}`)
  })
}

function resetSpineSkills (): void {
  fill(byId('spine-skills'), spineSkillRow())
  renumberSpineSkills()
}

async function submitSpine (event: Event): Promise<void> {
  event.preventDefault()
  clearFormErrors(byId<HTMLFormElement>('spine-form'))
  const problems: Array<[string, string]> = []
  const body: Json = { name: fieldValue('spine-name') }
  if (body.name === '') problems.push(['spine-name', 'Give the skills spine a name.'])
  const skills: Json[] = []
  const skillProblems: string[] = []
  byId('spine-skills').querySelectorAll<HTMLElement>('.spine-skill').forEach((row, i) => {
    const part = (name: string): string => (row.querySelector(`[data-part="${name}"]`) as HTMLInputElement).value.trim()
    if (part('name') === '' && part('id') === '') return
    if (part('name') === '') { skillProblems.push(`skill ${i + 1} needs a name`); return }
    if (part('id') !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(part('id'))) { skillProblems.push(`the id of skill ${i + 1} is not a URI (such as https://…)`); return }
    skills.push({
      id: part('id') !== '' ? part('id') : `urn:uuid:${crypto.randomUUID()}`,
      name: part('name'),
      layer: part('layer'),
      ...(row.dataset.description != null ? { description: row.dataset.description } : {}),
      ...(row.dataset.targetFramework != null ? { targetFramework: row.dataset.targetFramework } : {}),
      ...(row.dataset.targetCode != null ? { targetCode: row.dataset.targetCode } : {})
    })
  })
  if (skillProblems.length > 0) problems.push(['spine-skills', `Skills: ${skillProblems.join('; ')}.`])
  else if (skills.length === 0) problems.push(['spine-skills', 'Give the spine at least one skill.'])
  body.skills = skills
  if (problems.length > 0) { showProblems('skills spine', problems); return }
  await publishDoc('spines', body, byId<HTMLButtonElement>('spine-submit'))
}

// ---------------------------------------------------------------------------------------------
// Offers: listed by state (GET /api/offers), each open one's claim link copied or shown as a QR
// code, its mail sent again (POST /api/offers/:id/send, when the node sends mail)

/** An offer as GET /api/offers lists it (the claim link and the mail's state where the node gives them). */
interface OfferListing {
  offerId: string
  achievementId: string
  name?: string
  email?: string
  state: string
  createdAt: string
  expiresAt: string
  claimedAt?: string
  credentialId?: string
  [field: string]: unknown
}
interface OfferListPage { offers: OfferListing[], next: string | null }

/** Offers read per call, and at most this many listed before "Show more offers". */
const OFFERS_PAGE = 200

const offerList: OfferListing[] = []
let offersNext: string | null = null
let offerRun = 0

/** The claim page's link of an open offer (`/claim#<code>`), as the node lists it (or the API's URL from an older node). */
function claimLinkOf (offer: OfferListing): string | undefined {
  for (const field of ['claimLink', 'claimUrl']) {
    const value = offer[field]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

/** The state of the offer's mail (OfferMail: 'pending', 'sent', 'failed'), or undefined when the node sends it no mail. */
function mailStateOf (offer: OfferListing): string | undefined {
  const mail = offer.mail
  return mail != null && typeof mail === 'object' && typeof (mail as Json).state === 'string' ? (mail as Json).state as string : undefined
}

function mailReasonOf (offer: OfferListing): string | undefined {
  const mail = offer.mail
  return mail != null && typeof mail === 'object' && typeof (mail as Json).reason === 'string' ? (mail as Json).reason as string : undefined
}

/** Whether this node sends mail (and so can send an offer's mail again). */
let mailOn = false

/** The states the list can be narrowed to: the offer's own, and its mail's. */
/** The states the list can be narrowed to: the offer's own, and its mail's; `key`: its label `admin.offers.filters.<key>` and summary `admin.offers.summary.count.<key>`. */
const OFFER_FILTERS: Array<{ value: string, key: string, match: (o: OfferListing) => boolean }> = [
  { value: '', key: 'all', match: () => true },
  { value: 'open', key: 'open', match: (o) => o.state === 'open' },
  { value: 'claimed', key: 'claimed', match: (o) => o.state === 'claimed' },
  { value: 'expired', key: 'expired', match: (o) => o.state === 'expired' },
  { value: 'withdrawn', key: 'withdrawn', match: (o) => o.state === 'withdrawn' || o.withdrawn === true },
  { value: 'mail-failed', key: 'mailFailed', match: (o) => mailStateOf(o) === 'failed' },
  { value: 'mail-not-sent', key: 'mailNotSent', match: (o) => o.state === 'open' && mailStateOf(o) === 'pending' }
]

/** An offer's state, in the language spoken (an erased offer was withdrawn); a state this page does not know, as the node says it. */
function offerStateText (state: string): string {
  if (state === 'open' || state === 'claimed' || state === 'expired' || state === 'withdrawn') return t(`admin.offers.state.${state}`)
  return state === 'erased' ? t('admin.offers.state.withdrawn') : state
}

/** The state of an offer's mail, in the language spoken. */
function mailStateText (mail: string): string {
  return mail === 'sent' || mail === 'failed' || mail === 'pending' ? t(`admin.offers.mail.${mail}`) : t('admin.offers.mail.other', { state: mail })
}

async function loadOffers (reset: boolean): Promise<void> {
  const run = ++offerRun
  const body = byId('offers-body')
  body.setAttribute('aria-busy', 'true')
  try {
    const cursor = reset ? null : offersNext
    const page = await adminApi<OfferListPage>(`/api/offers?limit=${OFFERS_PAGE}${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    if (run !== offerRun) return
    if (reset) offerList.length = 0
    offerList.push(...page.offers)
    offersNext = page.next
    if (offerList.some((o) => mailStateOf(o) !== undefined)) mailOn = true
    renderOffers()
  } catch (err) {
    if (token == null || run !== offerRun) return
    fill(body, h('p', { class: 'bad' }, t('admin.offers.readFailed', { reason: messageOf(err) })))
  } finally {
    if (run === offerRun) body.setAttribute('aria-busy', 'false')
  }
}

function offerAchievementName (offer: OfferListing): string {
  const known = achievements.get(offer.achievementId)
  return known != null ? nameOf(known) : offer.achievementId
}

const offerLearner = (offer: OfferListing): string => offer.name ?? offer.email ?? t('admin.offers.learnerUnknown')

function renderOfferStates (): void {
  const select = byId<HTMLSelectElement>('offer-state')
  const chosen = select.value
  fill(select, ...OFFER_FILTERS
    .filter((f) => mailOn || !f.value.startsWith('mail-'))
    .map((f) => h('option', { value: f.value, selected: f.value === chosen },
      `${t(`admin.offers.filters.${f.key}`)} (${formatNumber(offerList.filter(f.match).length)}${offersNext != null ? '+' : ''})`)))
}

function renderOffers (): void {
  renderOfferStates()
  const filter = OFFER_FILTERS.find((f) => f.value === byId<HTMLSelectElement>('offer-state').value) ?? OFFER_FILTERS[0] as typeof OFFER_FILTERS[number]
  // Newest first.
  const shown = offerList.filter(filter.match).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
  const body = byId('offers-body')
  if (offerList.length === 0) {
    fill(body, h('p', { id: 'offers-summary' }, t('admin.offers.summary.empty')))
    return
  }
  fill(body,
    h('p', { id: 'offers-summary' }, t(`admin.offers.summary.count.${filter.key}`, { count: shown.length }) + (offersNext != null ? ` ${t('admin.offers.summary.soFar')}` : '')),
    shown.length === 0
      ? null
      : h('table', { id: 'offers-table', class: 'cards' },
        h('caption', { class: 'visually-hidden' }, t('admin.offers.table.caption')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.offers.table.learner')), h('th', { scope: 'col' }, t('admin.offers.table.achievement')),
          h('th', { scope: 'col' }, t('admin.offers.table.state')), h('th', { scope: 'col' }, t('admin.offers.table.dates')), h('th', { scope: 'col' }, t('admin.offers.table.actions')))),
        h('tbody', {}, ...shown.map(offerRow))),
    offersNext != null ? h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'offers-more', onclick: () => { void loadOffers(false) } }, t('admin.offers.more'))) : null)
}

/** The key of an offer's expiry: "Expired <date>" or "Expires <date>". */
const expiryKey = (offer: OfferListing): string => offer.state === 'expired' ? 'admin.offers.dates.expired' : 'admin.offers.dates.expires'

function offerRow (offer: OfferListing): HTMLTableRowElement {
  const mail = mailStateOf(offer)
  const reason = mailReasonOf(offer)
  const what = { achievement: offerAchievementName(offer), learner: offerLearner(offer) }
  const link = offer.state === 'open' ? claimLinkOf(offer) : undefined
  const actions: Node[] = []
  if (link != null) {
    actions.push(h('button', {
      type: 'button',
      class: 'secondary small',
      'data-action': 'copy',
      'aria-label': t('admin.offers.copy.label', what),
      onclick: () => {
        navigator.clipboard.writeText(link).then(
          () => { announce(t('admin.offers.copy.done', what), 'success', language()) },
          () => { announce(t('admin.offers.copy.failed', what), 'error', language()) })
      }
    }, t('admin.offers.copy.button')))
    const qrId = `qr-${offer.offerId}`
    actions.push(h('button', {
      type: 'button',
      class: 'secondary small',
      'data-action': 'qr',
      'aria-label': t('admin.offers.qr.label', what),
      'aria-expanded': 'false',
      'aria-controls': qrId,
      onclick: (event: Event) => {
        const button = event.currentTarget as HTMLButtonElement
        const box = byId(qrId)
        const open = button.getAttribute('aria-expanded') !== 'true'
        button.setAttribute('aria-expanded', String(open))
        if (open && box.childElementCount === 0) box.append(qrSvg(link, t('admin.offers.qr.image', what)), h('code', { class: 'mono claim-url' }, link))
        box.hidden = !open
      }
    }, t('admin.offers.qr.button')))
  }
  if (offer.state === 'open' && mailOn && offer.email != null) {
    actions.push(h('button', {
      type: 'button',
      class: 'secondary small',
      'data-action': 'resend',
      'aria-label': mail === 'pending' ? t('admin.offers.send.sendLabel', what) : t('admin.offers.send.resendLabel', what),
      onclick: (event: Event) => { void resendOffer(offer, event.currentTarget as HTMLButtonElement) }
    }, mail === 'pending' ? t('admin.offers.send.send') : t('admin.offers.send.resend')))
  }
  return h('tr', { 'data-offer-id': offer.offerId, 'data-state': offer.state, 'data-mail': mail ?? null },
    h('th', { scope: 'row', class: 'learner' },
      offer.name != null ? h('span', { class: 'learner-name' }, offer.name) : null,
      offer.email != null ? h('span', { class: 'learner-email muted' }, offer.email) : null,
      offer.name == null && offer.email == null ? h('span', { class: 'muted' }, t('admin.offers.notKept')) : null),
    h('td', { 'data-label': t('admin.offers.table.achievement') }, offerAchievementName(offer)),
    h('td', { 'data-label': t('admin.offers.table.state'), class: 'offer-state' }, offerStateText(offer.state),
      mail != null ? h('span', { class: mail === 'failed' ? 'mail bad' : 'mail muted' }, `, ${mailStateText(mail)}${mail === 'failed' && reason != null ? ` (${reason})` : ''}`) : null),
    h('td', { 'data-label': t('admin.offers.table.dates') },
      offer.claimedAt != null
        ? h('span', {}, ...tParts('admin.offers.dates.claimed', { date: h('time', { datetime: offer.claimedAt }, formatLocalDate(offer.claimedAt, 'dateTime')) }))
        : h('span', {}, ...tParts(expiryKey(offer),
          { date: h('time', { datetime: offer.expiresAt }, formatLocalDate(offer.expiresAt, 'dateTime')) }))),
    h('td', { class: 'action' }, actions.length > 0 ? h('div', { class: 'row-actions' }, ...actions) : null,
      offer.state === 'open' && link == null
        ? h('p', { class: 'muted small-note' }, mailOn && offer.email != null
          ? t('admin.offers.noCodeSend')
          : t('admin.offers.noCode'))
        : actions.length === 0 ? h('span', { class: 'muted' }, t('admin.offers.none')) : null,
      link != null ? h('div', { id: `qr-${offer.offerId}`, class: 'qr-box', hidden: true }) : null))
}

async function resendOffer (offer: OfferListing, button: HTMLButtonElement): Promise<void> {
  button.disabled = true
  const what = { achievement: offerAchievementName(offer), learner: offerLearner(offer) }
  announce(t('admin.offers.send.sending', what), 'info', language())
  try {
    const answer = await adminApi<{ claimLink?: string, claimUrl?: string, mail?: Json }>(`/api/offers/${encodeURIComponent(offer.offerId)}/send`, { method: 'POST' })
    // A resend makes a new claim code (the link before stops working): the row shows the new link.
    const link = answer.claimLink ?? answer.claimUrl
    const fresh: OfferListing = { ...offer, ...(link != null ? { claimLink: link } : {}), ...(answer.mail != null ? { mail: answer.mail } : {}) }
    const at = offerList.findIndex((o) => o.offerId === offer.offerId)
    if (at >= 0) offerList[at] = fresh
    const state = mailStateOf(fresh)
    renderOffers()
    document.querySelector<HTMLElement>(`#offers-table tr[data-offer-id="${CSS.escape(offer.offerId)}"] [data-action="resend"]`)?.focus()
    if (state === 'failed') announce(t('admin.offers.send.failed', { learner: what.learner, reason: mailReasonOf(fresh) ?? t('admin.offers.send.noReason') }), 'error', language())
    else announce(t('admin.offers.send.sent', what), 'success', language())
  } catch (err) {
    if (token == null) return
    button.disabled = false
    button.focus()
    announce(t('admin.offers.send.notSent', { reason: messageOf(err) }), 'error', language())
  }
}

// ---------------------------------------------------------------------------------------------
// Issued credentials: searched on the node (GET /api/credentials/search), revoked, suspended

const credentials: CredentialListing[] = []
let credentialsNext: number | null = null
let credentialsTotal = 0
/** The search the list shows: its words and status. */
let credentialQuery = { q: '', status: '' }
let credentialRun = 0

function credentialSearchPath (offset: number): string {
  const query = new URLSearchParams({ limit: String(CREDENTIALS_PAGE), offset: String(offset) })
  if (credentialQuery.q !== '') query.set('q', credentialQuery.q)
  if (credentialQuery.status !== '') query.set('status', credentialQuery.status)
  return `/api/credentials/search?${query.toString()}`
}

/** Reads the first page of the search (`reset`), or the next one, appended. */
async function loadCredentials (reset: boolean): Promise<void> {
  const run = ++credentialRun
  const body = byId('credentials-body')
  body.setAttribute('aria-busy', 'true')
  try {
    const page = await adminApi<CredentialSearchPage>(credentialSearchPath(reset ? 0 : credentialsNext ?? 0))
    if (run !== credentialRun) return
    const firstNew = reset ? 0 : credentials.length
    if (reset) credentials.length = 0
    credentials.push(...page.credentials)
    credentialsNext = page.next
    credentialsTotal = page.total
    renderCredentials()
    // "Show more": the focus goes to the first credential added, not back to the top.
    if (!reset) document.getElementById(`${rowIdAt(firstNew)}-achievement`)?.focus()
  } catch (err) {
    if (token == null || run !== credentialRun) return
    fill(body, h('p', { class: 'bad' }, t('admin.credentials.readFailed', { reason: messageOf(err) })))
    announce(t('admin.credentials.readFailed', { reason: messageOf(err) }), 'error', language())
  } finally {
    if (run === credentialRun) body.setAttribute('aria-busy', 'false')
  }
}

function achievementNameOf (record: CredentialListing): string {
  if (record.achievementName != null) return record.achievementName
  const known = achievements.get(record.achievementId)
  return known != null ? nameOf(known) : record.achievementId
}

/** The learner as a person reads them: the name, else the email, else the end of the DID. */
function learnerOf (record: CredentialListing): string {
  if (record.learner?.name != null && record.learner.name !== '') return record.learner.name
  if (record.learner?.email != null && record.learner.email !== '') return record.learner.email
  return t('admin.credentials.learnerDid', { did: shortDid(record.subject) })
}

/** "did:key:z6Mkh…2doK": enough of a DID to tell two apart; the whole one is under the details. */
function shortDid (did: string): string {
  return did.length > 28 ? `${did.slice(0, 16)}…${did.slice(-4)}` : did
}

/** A credential's status, in the language spoken. */
const statusText = (status: CredentialListing['status']): string => t(`admin.credentials.status.${status}`)

/**
 * A table that may be wider than the screen, in a box that scrolls sideways: the box can take the
 * focus (a keyboard scrolls it) and is a region named by the table's caption.
 */
function scrollArea (table: HTMLTableElement): HTMLElement {
  const name = table.caption?.textContent ?? 'Table'
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${name} (scrolls sideways)` }, table)
}

/** The search's summary: a whole sentence for each status, with the words searched or without. */
function credentialsSummary (): string {
  const { q } = credentialQuery
  const status = credentialQuery.status === 'active' || credentialQuery.status === 'suspended' || credentialQuery.status === 'revoked' ? credentialQuery.status : 'any'
  const which = `${status}${q !== '' ? '_q' : ''}`
  if (credentialsTotal === 0) return which === 'any' ? t('admin.credentials.summary.empty') : t(`admin.credentials.summary.none.${which}`, { q })
  const summary = t(`admin.credentials.summary.count.${which}`, { count: credentialsTotal, q })
  return credentials.length < credentialsTotal ? `${summary} ${t('admin.credentials.summary.shown', { shown: credentials.length })}` : summary
}

function renderCredentials (): void {
  const body = byId('credentials-body')
  const summary = h('p', { id: 'credentials-summary' }, credentialsSummary())
  if (credentials.length === 0) {
    fill(body, summary)
    return
  }
  fill(body, summary,
    h('table', { id: 'credentials-table', class: 'cards' },
      h('caption', { class: 'visually-hidden' }, t('admin.credentials.table.caption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('admin.credentials.table.achievement')), h('th', { scope: 'col' }, t('admin.credentials.table.learner')),
        h('th', { scope: 'col' }, t('admin.credentials.table.issued')), h('th', { scope: 'col' }, t('admin.credentials.table.status')),
        h('th', { scope: 'col' }, t('admin.credentials.table.actions')))),
      h('tbody', {}, ...credentials.map(credentialRow))),
    credentialsNext != null
      ? h('p', {}, h('button', { type: 'button', class: 'secondary', id: 'credentials-more', onclick: () => { void loadCredentials(false) } }, t('admin.credentials.more')))
      : null)
}

const rowIdAt = (index: number): string => `cred-${index}`
const rowId = (record: CredentialListing): string => rowIdAt(credentials.indexOf(record))

function credentialRow (record: CredentialListing): HTMLTableRowElement {
  const id = rowId(record)
  const learner = record.learner
  return h('tr', { 'data-credential-id': record.credentialId, 'data-status': record.status },
    h('th', { scope: 'row', id: `${id}-achievement`, tabindex: '-1' }, achievementNameOf(record),
      h('details', { class: 'ids' }, h('summary', {}, t('admin.credentials.details.summary'),
        h('span', { class: 'visually-hidden' }, ' ' + t('admin.credentials.details.of', rowNames(record)))),
      h('dl', {},
        h('dt', {}, t('admin.credentials.details.learnerDid')), h('dd', { class: 'mono' }, record.subject),
        h('dt', {}, t('admin.credentials.details.credential')), h('dd', { class: 'mono' }, record.credentialId),
        h('dt', {}, t('admin.credentials.details.achievement')), h('dd', { class: 'mono' }, record.achievementId),
        h('dt', {}, t('admin.credentials.details.statusList')),
        h('dd', {}, record.statusPurpose === 'suspension' ? t('admin.credentials.details.suspension') : t('admin.credentials.details.revocation'))))),
    h('td', { 'data-label': t('admin.credentials.table.learner'), class: 'learner' },
      learner?.name != null ? h('span', { class: 'learner-name' }, learner.name) : null,
      learner?.email != null ? h('span', { class: 'learner-email muted' }, learner.email) : null,
      learner == null ? h('span', { class: 'muted', title: record.subject }, t('admin.credentials.notKnown', { did: shortDid(record.subject) })) : null),
    h('td', { 'data-label': t('admin.credentials.table.issued') }, h('time', { datetime: record.issuedAt }, formatLocalDate(record.issuedAt, 'dateTime'))),
    h('td', { class: 'status', id: `${id}-status`, tabindex: '-1', 'data-label': t('admin.credentials.table.status') }, statusText(record.status)),
    h('td', { class: 'action' }, actionOf(record)))
}

/** What a row's buttons act on ("Harbour Kayak Safety", "Ana Bérard"), for their accessible names and messages. */
const rowNames = (record: CredentialListing): { achievement: string, learner: string } => ({ achievement: achievementNameOf(record), learner: learnerOf(record) })

function actionOf (record: CredentialListing): Node {
  if (record.status === 'revoked') return h('span', { class: 'muted' }, t('admin.credentials.revokedForGood'))
  if (record.statusPurpose === 'suspension') {
    const suspend = record.status === 'active'
    return h('button', {
      type: 'button',
      class: 'secondary',
      'data-action': suspend ? 'suspend' : 'unsuspend',
      'aria-label': suspend ? t('admin.credentials.actions.suspendLabel', rowNames(record)) : t('admin.credentials.actions.unsuspendLabel', rowNames(record)),
      onclick: (event: Event) => { void changeStatus(record, suspend ? 'suspend' : 'unsuspend', (event.currentTarget as HTMLElement).closest('td') as HTMLTableCellElement) }
    }, suspend ? t('admin.credentials.actions.suspend') : t('admin.credentials.actions.unsuspend'))
  }
  return h('button', {
    type: 'button',
    class: 'danger',
    'data-action': 'revoke',
    'aria-label': t('admin.credentials.actions.revokeLabel', rowNames(record)),
    onclick: (event: Event) => { confirmRevoke(record, (event.currentTarget as HTMLElement).closest('td') as HTMLTableCellElement) }
  }, t('admin.credentials.actions.revoke'))
}

function confirmRevoke (record: CredentialListing, cell: HTMLTableCellElement): void {
  const id = rowId(record)
  const cancel = (): void => {
    fill(cell, actionOf(record))
    cell.querySelector('button')?.focus()
    announce(t('admin.credentials.confirm.cancelled'), 'info', language())
  }
  const yes = h('button', {
    type: 'button',
    class: 'danger',
    'aria-describedby': `${id}-confirm`,
    onclick: () => { void changeStatus(record, 'revoke', cell) }
  }, t('admin.credentials.confirm.yes'))
  const no = h('button', { type: 'button', class: 'secondary', onclick: cancel }, t('admin.credentials.confirm.cancel'))
  const box = h('div', {
    class: 'confirm',
    role: 'group',
    'aria-label': t('admin.credentials.confirm.label', rowNames(record)),
    onkeydown: (event: Event) => { if ((event as KeyboardEvent).key === 'Escape') cancel() }
  }, h('p', { id: `${id}-confirm` }, t('admin.credentials.confirm.question', rowNames(record))), yes, ' ', no)
  fill(cell, box)
  yes.focus()
}

/** The status each action leaves; its messages are `admin.credentials.{progress,done,failed}.<action>`. */
const DONE: Record<'revoke' | 'suspend' | 'unsuspend', CredentialListing['status']> = { revoke: 'revoked', suspend: 'suspended', unsuspend: 'active' }

/** Revokes, suspends or unsuspends; the row is drawn again and keeps the focus. */
async function changeStatus (record: CredentialListing, action: 'revoke' | 'suspend' | 'unsuspend', cell: HTMLTableCellElement): Promise<void> {
  for (const button of cell.querySelectorAll('button')) button.disabled = true
  announce(t(`admin.credentials.progress.${action}`), 'info', language())
  try {
    await adminApi(`/api/credentials/${action}`, { body: { credentialId: record.credentialId } })
    record.status = DONE[action]
    const row = cell.closest('tr') as HTMLTableRowElement
    const fresh = credentialRow(record)
    row.replaceWith(fresh)
    // Focus on what follows: the other button of a suspendable credential, the status of a revoked one.
    const next = fresh.querySelector<HTMLElement>('td.action button') ?? fresh.querySelector<HTMLElement>('.status')
    next?.focus()
    announce(t(`admin.credentials.done.${action}`, rowNames(record)), 'success', language())
    void loadAnalytics()
  } catch (err) {
    if (token == null) return
    announce(t(`admin.credentials.failed.${action}`, { reason: messageOf(err) }), 'error', language())
    fill(cell, actionOf(record))
    cell.querySelector('button')?.focus()
  }
}

let searchTimer: ReturnType<typeof setTimeout> | undefined

/** The search as the form says it now; reads the list again when it changed (or when `force`). */
function searchCredentials (force: boolean): void {
  clearTimeout(searchTimer)
  const next = { q: byId<HTMLInputElement>('credential-q').value.trim(), status: byId<HTMLSelectElement>('credential-status').value }
  if (!force && next.q === credentialQuery.q && next.status === credentialQuery.status) return
  credentialQuery = next
  void loadCredentials(true).then(() => { if (token != null) announce(credentialsSummary(), 'info', language()) })
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
      setFieldError('token', t('admin.signin.empty'))
      announce(t('admin.signin.empty'), 'error', language())
      byId('token').focus()
      return
    }
    void signIn(candidate, false)
  })
  fill(byId('token-help'), ...tParts('admin.signin.help', { file: h('code', {}, 'admin-token') }))
  showSignedIn(undefined, '')
  // What the script writes in the sign-in section is in the language spoken (the page is half converted).
  // So are all of the issued credentials' and the offers' sections.
  for (const id of ['token-help', 'token-error', 'signed-in-text', 'credentials', 'offer-list']) byId(id).lang = language()
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
  byId('endorse-profile-file').addEventListener('change', () => {
    const file = byId<HTMLInputElement>('endorse-profile-file').files?.[0]
    if (file == null) return
    void file.text().then((text) => {
      byId<HTMLTextAreaElement>('endorse-profile').value = text
      announce(`The Profile of ${file.name} is read: check it, then endorse.`)
    }, (err: unknown) => { setFieldError('endorse-profile', `${file.name} could not be read: ${messageOf(err)}.`) })
  })
  byId('withdraw-form').addEventListener('submit', (event) => { void withdrawDocument(event) })
  byId('credential-search').addEventListener('submit', (event) => {
    event.preventDefault()
    searchCredentials(true)
  })
  // As the person types, after a pause: the node searches, the page shows one page of matches.
  byId('credential-q').addEventListener('input', () => {
    clearTimeout(searchTimer)
    searchTimer = setTimeout(() => { searchCredentials(false) }, SEARCH_PAUSE_MS)
  })
  byId('credential-status').addEventListener('change', () => { searchCredentials(false) })
  fill(byId('opp-kind'), ...OPPORTUNITY_KINDS.map((k) => h('option', { value: k }, k)))
  resetSpineSkills()
  byId('opp-form').addEventListener('submit', (event) => { void submitOpportunity(event) })
  byId('path-form').addEventListener('submit', (event) => { void submitPathway(event) })
  byId('spine-form').addEventListener('submit', (event) => { void submitSpine(event) })
  byId('path-kind').addEventListener('change', () => { showPathwayKind() })
  byId('spine-skill-add').addEventListener('click', () => {
    const row = spineSkillRow()
    byId('spine-skills').append(row)
    renumberSpineSkills()
    row.querySelector('input')?.focus()
  })
  for (const path of Object.keys(DOCS) as DocPath[]) {
    byId(`${DOCS[path].prefix}-cancel`).addEventListener('click', () => {
      endEdit(path)
      byId(`${DOCS[path].prefix}-form-heading`).focus()
      announce('The edit is cancelled: nothing was published.')
    })
  }
  byId('offer-state').addEventListener('change', () => { renderOffers() })
  byId('offers-refresh').addEventListener('click', () => {
    void loadOffers(true).then(() => { if (token != null) announce(t('admin.offers.refreshed'), 'success', language()) })
  })

  const kept = storedToken()
  if (kept != null && kept !== '') void signIn(kept, true)
  else byId('signin').hidden = false
  markReady()
}

main()
