// The verify page: paste a credential or a presentation, or give a file (a JSON file, or a baked
// PNG / SVG badge, by the file input or by dropping it), and read the report as a person reads it
// (lib/report.ts). The page verifies in the browser with @cofl/verifier's createVerifier, the
// pipeline the node and the CLI run, after reading the bytes with @cofl/formats' readCredential, as
// they read theirs. It asks this node two things only: the issuer's signed status lists
// (GET /api/status/<list id>) and the issuer's trust in this node's trust graph
// (GET /api/trust/<issuer DID>), and its identity (GET /api/health) when it opens. Nothing the
// person pastes or drops leaves the browser: no credential, presentation or image is sent anywhere.
// A share link (`/verify#vp=...`, docs/sharing.md) carries a presentation in its fragment, which the
// browser never sends: it is read (bounded) and verified here as a presentation signed for sharing.
import type { Health, TrustAnswer } from '@cofl/api'
import type { TrustResult, VerifyPresentationOptions } from '@cofl/verifier'
import { detectFormat, FormatError, FormatErrorCode, readCredential } from '@cofl/formats'
import { ApiCallError, announce, api, byId, fill, focusResult, h, markReady, messageOf, readFileBytes } from '../lib/dom.js'
import { renderReport, verdictOf } from '../lib/report.js'
import { proofTerms, readShareFragment, SHARE_CHALLENGE_PREFIX } from '../lib/share-link.js'
import type { Report } from '../lib/report.js'
import { formatDate, t, usePageMessages } from '../lib/i18n.js'
import en from '../../locales/verify.en.json' with { type: 'json' }
import cy from '../../locales/verify.cy.json' with { type: 'json' }

usePageMessages({ en, cy })

type Json = Record<string, unknown>

/** Wrappers people paste from the API's answers: `{"credential": ...}` (POST /api/credentials). */
const WRAPPERS = ['credential', 'verifiableCredential', 'verifiablePresentation', 'presentation']

/** This node's routes the page asks (node/src/http/*.ts). */
const STATUS_PATH = '/api/status/'
const TRUST_PATH = '/api/trust/'

const json = byId<HTMLTextAreaElement>('json')
const detected = byId('detected')
const presentationOptions = byId<HTMLFieldSetElement>('presentation-options')
const challenge = byId<HTMLInputElement>('challenge')
const domain = byId<HTMLInputElement>('domain')
const form = byId<HTMLFormElement>('paste-form')
const verifyButton = byId<HTMLButtonElement>('verify-button')
const fileInput = byId<HTMLInputElement>('file')
const dropzone = byId('dropzone')
const reportSection = byId('report')

let node: Health | undefined
let busy = false

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typesOf (value: Json): string[] {
  const type = value.type
  return (Array.isArray(type) ? type : [type]).filter((x): x is string => typeof x === 'string')
}

type Parsed =
  | { ok: true, kind: 'credential' | 'presentation', document: Json, unwrapped?: string }
  | { ok: false, message: string }

/** What the pasted text is (read as JSON by @cofl/formats): a credential, a presentation, or why it is neither. */
function parse (text: string): Parsed {
  if (text.trim() === '') return { ok: false, message: t('verifyPage.errors.empty') }
  let value: unknown
  try {
    value = readCredential(new TextEncoder().encode(text), { mediaType: 'application/json' }).value
  } catch (err) {
    const why = err instanceof FormatError && err.cause instanceof Error ? err.cause.message : messageOf(err)
    return { ok: false, message: t('verifyPage.errors.notJson', { reason: why }) }
  }
  if (!isObject(value)) return { ok: false, message: Array.isArray(value) ? t('verifyPage.errors.array') : value === null ? t('verifyPage.errors.null') : t('verifyPage.errors.other', { type: typeof value }) }
  let document: Json = value
  let unwrapped: string | undefined
  if (value.type == null && Object.keys(value).length === 1) {
    const key = WRAPPERS.find((k) => isObject(value[k]))
    const inner = key != null ? value[key] : undefined
    if (key != null && isObject(inner)) { document = inner; unwrapped = key }
  }
  const kind = typesOf(document).includes('VerifiablePresentation') ? 'presentation' : 'credential'
  return { ok: true, kind, document, ...(unwrapped != null ? { unwrapped } : {}) }
}

/** Says below the text area what the text looks like, and shows the presentation fields for a presentation. */
function describeInput (): void {
  const text = json.value
  if (text.trim() === '') { detected.textContent = ''; presentationOptions.hidden = true; return }
  const parsed = parse(text)
  if (!parsed.ok) {
    detected.textContent = t('verifyPage.detected.notJson')
    return
  }
  presentationOptions.hidden = parsed.kind !== 'presentation'
  const types = typesOf(parsed.document).filter((type) => type !== 'VerifiableCredential' && type !== 'VerifiablePresentation').join(', ')
  const looks = parsed.kind === 'presentation'
    ? (types !== '' ? t('verifyPage.detected.presentationTypes', { types }) : t('verifyPage.detected.presentation'))
    : (types !== '' ? t('verifyPage.detected.credentialTypes', { types }) : t('verifyPage.detected.credential'))
  detected.textContent = parsed.unwrapped != null ? `${looks} ${t('verifyPage.detected.inside', { wrapper: parsed.unwrapped })}` : looks
}

function setBusy (on: boolean): void {
  busy = on
  verifyButton.disabled = on
  fileInput.disabled = on
  form.setAttribute('aria-busy', String(on))
}

function clearReport (): void {
  reportSection.hidden = true
  fill(reportSection)
}

// ---------------------------------------------------------------------------------------------
// Verifying, here

/**
 * A status list a credential names, from this node: by its URL when that is on this origin's
 * status route, else by its id (GET /api/status/<URL-encoded id>). A list the node does not hold
 * (404) makes the status "cannot be checked here", as on the node.
 */
async function statusListFromNode (id: string): Promise<unknown> {
  const prefix = `${location.origin}${STATUS_PATH}`
  return await api(id.startsWith(prefix) ? id.slice(location.origin.length) : `${STATUS_PATH}${encodeURIComponent(id)}`)
}

/**
 * Names from a verified source (the issuer Profiles this node holds, signed by their own DIDs),
 * gathered from the trust answers of the last verification: the report names a trusted issuer and
 * the cities of its chain by these only.
 */
let names = new Map<string, string>()

/** The issuer's trust in this node's trust graph, as POST /api/verify reports it; the names the node gives go to `names`. */
async function trustFromNode (issuer: string): Promise<TrustResult> {
  const { names: given, ...trust } = await api<TrustAnswer>(`${TRUST_PATH}${encodeURIComponent(issuer)}`)
  for (const [did, name] of Object.entries(given ?? {})) if (typeof name === 'string') names.set(did, name)
  return trust
}

let trustGraph: Promise<boolean> | undefined

/**
 * Whether this node keeps a trust graph (a node run without the federation keeps none, and its
 * reports carry no trust): asked once, with the node's own DID. Asked again next time when the
 * node could not be reached.
 */
async function nodeKeepsTrust (): Promise<boolean> {
  trustGraph ??= (async () => {
    if (node == null) node = await api<Health>('/api/health')
    await trustFromNode(node.did)
    return true
  })().catch((err: unknown) => {
    if (err instanceof ApiCallError && err.status === 404) return false
    trustGraph = undefined
    return false
  })
  return await trustGraph
}

/**
 * @cofl/verifier, most of the page's weight (JSON-LD, the contexts, the OB 3.0 schemas, the
 * signature suites): a chunk of its own, asked for as soon as the form is ready, so the page is
 * usable before it has come.
 */
let verifierModule: Promise<typeof import('@cofl/verifier')> | undefined
async function verifierCode (): Promise<typeof import('@cofl/verifier')> {
  // A failed fetch is not kept: the next verification asks again.
  verifierModule ??= import('@cofl/verifier').catch((err: unknown) => { verifierModule = undefined; throw err })
  return await verifierModule
}

/** The report on a credential or presentation: the verifier's pipeline, in this page. */
async function verifyHere (document: unknown, options: VerifyPresentationOptions): Promise<Report> {
  // A verifier per check: status lists and trust are asked afresh (a revocation or an
  // endorsement since the last check counts).
  names = new Map()
  const { createVerifier } = await verifierCode()
  const verifier = createVerifier({ getStatusList: statusListFromNode, ...(await nodeKeepsTrust() ? { trust: trustFromNode } : {}) })
  return await verifier.verify(document, options)
}

function show (report: Report, document: unknown, source: string): void {
  const context = { ...(document != null ? { document } : {}), ...(node != null ? { node } : {}), names }
  fill(reportSection, renderReport(report, context))
  reportSection.hidden = false
  const verdict = verdictOf(report, context)
  announce(t('verifyPage.status.result', { source, title: verdict.title, summary: verdict.summary }), verdict.tone === 'ok' ? 'success' : verdict.tone === 'bad' ? 'error' : 'info')
  focusResult(byId('verdict'))
}

function fail (message: string, field?: HTMLElement): void {
  clearReport()
  announce(message, 'error')
  if (field != null) {
    field.setAttribute('aria-invalid', 'true')
    field.focus()
  }
}

async function verifyPasted (): Promise<void> {
  if (busy) return
  json.removeAttribute('aria-invalid')
  challenge.removeAttribute('aria-invalid')
  const parsed = parse(json.value)
  if (!parsed.ok) { fail(parsed.message, json); return }
  let options: VerifyPresentationOptions = {}
  if (parsed.kind === 'presentation') {
    const c = challenge.value.trim()
    const d = domain.value.trim()
    if (d !== '' && c === '') { fail(t('verifyPage.errors.domainNeedsChallenge'), challenge); return }
    options = { ...(c !== '' ? { challenge: c } : {}), ...(d !== '' ? { domain: d } : {}) }
  }
  setBusy(true)
  announce(parsed.kind === 'presentation' ? t('verifyPage.status.verifyingPresentation') : t('verifyPage.status.verifyingCredential'))
  try {
    show(await verifyHere(parsed.document, options), parsed.document, parsed.kind === 'presentation' ? t('verifyPage.status.pastedPresentation') : t('verifyPage.status.pastedCredential'))
  } catch (err) {
    fail(t('verifyPage.errors.couldNotVerify', { reason: messageOf(err) }))
  } finally {
    setBusy(false)
  }
}

// ---------------------------------------------------------------------------------------------
// Files

async function verifyFile (file: File, how: 'chosen' | 'dropped'): Promise<void> {
  if (busy) return
  let bytes: Uint8Array
  try {
    bytes = await readFileBytes(file)
  } catch (err) {
    fail(t('verifyPage.errors.fileUnreadable', { name: file.name, reason: messageOf(err) }))
    return
  }
  if (bytes.length === 0) { fail(t('verifyPage.errors.fileEmpty', { name: file.name })); return }
  // Read as the node and the CLI read a file (@cofl/formats): a PNG's iTXt chunk, compressed or
  // not; an SVG's element, in any encoding the SVG declares; a VC-JWT; JSON.
  let read
  try {
    read = readCredential(bytes, { fileName: file.name })
  } catch (err) {
    if (!(err instanceof FormatError)) throw err
    const format = detectFormat(bytes, { fileName: file.name })
    if (err.code === FormatErrorCode.NO_CREDENTIAL) {
      fail(format === 'png' ? t('verifyPage.errors.pictureOnlyPng', { name: file.name }) : t('verifyPage.errors.pictureOnlySvg', { name: file.name }))
    } else if (err.code === FormatErrorCode.NOT_JSON && format === 'json') {
      // A JSON file that does not parse: shown in the text area, which says why.
      showAsPasted(new TextDecoder().decode(bytes))
      await verifyPasted()
    } else if (err.code === FormatErrorCode.NOT_JSON) {
      fail(t('verifyPage.errors.neither', { name: file.name }))
    } else {
      fail(t('verifyPage.errors.damaged', { name: file.name }))
    }
    return
  }
  if (read.format === 'json') {
    // A JSON file: shown in the text area, and verified as if pasted.
    showAsPasted(new TextDecoder().decode(bytes))
    await verifyPasted()
    return
  }
  setBusy(true)
  announce(t('verifyPage.status.readingImage', { name: file.name }))
  try {
    // A VC-JWT has nothing more to show: its report says cofl does not verify it.
    const report = read.vcJwt != null ? (await verifierCode()).vcJwtReport(read.vcJwt) : await verifyHere(read.value, {})
    show(report, read.vcJwt != null ? undefined : read.value, how === 'chosen' ? t('verifyPage.status.chosen', { name: file.name }) : t('verifyPage.status.dropped', { name: file.name }))
  } catch (err) {
    fail(t('verifyPage.errors.couldNotVerifyFile', { name: file.name, reason: messageOf(err) }))
  } finally {
    setBusy(false)
  }
}

// ---------------------------------------------------------------------------------------------
// Share links

/**
 * `#vp=...`: the presentation of a share link, verified over the challenge the holder signed it
 * with (a share challenge only: a presentation made for one verifier is not accepted as shared)
 * for this page's host. The report then says what such a link proves and what it does not.
 */
async function verifyShareLink (): Promise<void> {
  let presentation: Json | undefined
  try {
    presentation = await readShareFragment(location.hash)
  } catch (err) {
    fail(t('verifyPage.errors.shareUnreadable', { reason: messageOf(err) }))
    return
  }
  if (presentation == null || busy) return
  const terms = proofTerms(presentation)
  if (terms.challenge?.startsWith(SHARE_CHALLENGE_PREFIX) !== true) {
    fail(t('verifyPage.errors.shareNotForSharing'))
    return
  }
  setBusy(true)
  announce(t('verifyPage.status.verifyingShared'))
  try {
    const report = await verifyHere(presentation, { challenge: terms.challenge, domain: location.host })
    show(report, presentation, t('verifyPage.status.shared'))
    const note = byId('verdict').closest('section')?.querySelector('dl.facts') ?? byId('verdict')
    note.after(h('p', { id: 'share-note', class: 'share-note' },
      h('strong', {}, t('verifyPage.share.lead')),
      terms.created != null
        ? t('verifyPage.share.signedOn', { date: formatDate(terms.created, 'dateTime'), domain: terms.domain ?? t('verifyPage.share.noDomain') })
        : t('verifyPage.share.signed', { domain: terms.domain ?? t('verifyPage.share.noDomain') }),
      report.holder != null ? t('verifyPage.share.holder', { holder: report.holder }) : '',
      t('verifyPage.share.proves'),
      t('verifyPage.share.ownChallenge')))
  } catch (err) {
    fail(t('verifyPage.errors.shareFailed', { reason: messageOf(err) }))
  } finally {
    setBusy(false)
  }
}

function showAsPasted (text: string): void {
  json.value = text.replace(/^\uFEFF/, '')
  describeInput()
}

// ---------------------------------------------------------------------------------------------
// Wiring

form.addEventListener('submit', (event) => {
  event.preventDefault()
  void verifyPasted()
})
json.addEventListener('input', () => {
  json.removeAttribute('aria-invalid')
  describeInput()
})
byId('clear-button').addEventListener('click', () => {
  json.value = ''
  challenge.value = ''
  domain.value = ''
  fileInput.value = ''
  json.removeAttribute('aria-invalid')
  describeInput()
  clearReport()
  announce(t('verifyPage.status.cleared'))
  json.focus()
})
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0]
  // Emptied afterwards, so that choosing the same file again verifies it again.
  if (file != null) void verifyFile(file, 'chosen').finally(() => { fileInput.value = '' })
})

let depth = 0
dropzone.addEventListener('dragenter', (event) => {
  event.preventDefault()
  depth += 1
  dropzone.classList.add('over')
})
dropzone.addEventListener('dragover', (event) => {
  event.preventDefault()
  if (event.dataTransfer != null) event.dataTransfer.dropEffect = 'copy'
})
dropzone.addEventListener('dragleave', () => {
  depth = Math.max(0, depth - 1)
  if (depth === 0) dropzone.classList.remove('over')
})
dropzone.addEventListener('drop', (event) => {
  event.preventDefault()
  depth = 0
  dropzone.classList.remove('over')
  const transfer = event.dataTransfer
  const file = transfer?.files?.[0]
  if (file != null) { void verifyFile(file, 'dropped'); return }
  // Dragged text (a credential selected in another window) is verified as if pasted.
  const text = transfer?.getData('text/plain') ?? ''
  if (text.trim() !== '') {
    json.value = text
    describeInput()
    void verifyPasted()
    return
  }
  fail(t('verifyPage.errors.nothingDropped'))
})
// A file dropped beside the zone would make the browser open it, leaving the page (text dropped
// in the text area is still the browser's to handle).
for (const type of ['dragover', 'drop'] as const) {
  window.addEventListener(type, (event) => {
    if (!dropzone.contains(event.target as Node) && (event.dataTransfer?.types.includes('Files') ?? false)) event.preventDefault()
  })
}

async function main (): Promise<void> {
  describeInput()
  markReady() // the form is wired (above); the node's name and the verifier's code come later
  verifierCode().catch(() => {}) // (a failure is said when a verification asks for it again)
  try {
    node = await api<Health>('/api/health')
  } catch {
    // The trust chain then names DIDs only.
  }
  void nodeKeepsTrust()
  await verifyShareLink()
}

window.addEventListener('hashchange', () => { void verifyShareLink() })

void main()
