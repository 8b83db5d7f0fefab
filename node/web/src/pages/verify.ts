// The verify page: paste a credential or a presentation, or give a file (a JSON file, or a baked
// PNG / SVG badge, by the file input or by dropping it), and read the node's report as a person
// reads it (lib/report.ts). The node verifies (POST /api/verify); the page only reads the baked
// credential out of an image to show what the report leaves out (the description, the dates).
import { detectBadgeFormat, extractCredential, OB3_PNG_KEYWORD } from '@cofl/wallet/browser'
import type { BakedCredential } from '@cofl/wallet/browser'
import { ApiCallError, announce, api, byId, fill, focusResult, messageOf, readFileBytes } from '../lib/dom.js'
import { achievementIds, renderReport, verdictOf } from '../lib/report.js'
import type { Report } from '../lib/report.js'

interface Health { did: string, name?: string | null }

type Json = Record<string, unknown>

/** Wrappers people paste from the API's answers: `{"credential": ...}` (POST /api/credentials). */
const WRAPPERS = ['credential', 'verifiableCredential', 'verifiablePresentation', 'presentation']

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
  const t = value.type
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string')
}

type Parsed =
  | { ok: true, kind: 'credential' | 'presentation', document: Json, unwrapped?: string }
  | { ok: false, message: string }

/** What the pasted text is: a credential, a presentation, or why it is neither. */
function parse (text: string): Parsed {
  if (text.trim() === '') return { ok: false, message: 'Nothing to verify: paste a credential or a presentation (JSON) first, or choose a file.' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ok: false, message: `This is not JSON, so it cannot be a credential: ${(err as Error).message}.` }
  }
  if (!isObject(value)) return { ok: false, message: `This is JSON, but ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}: a credential or a presentation is a JSON object.` }
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
    detected.textContent = 'Not JSON yet.'
    return
  }
  presentationOptions.hidden = parsed.kind !== 'presentation'
  const types = typesOf(parsed.document).filter((t) => t !== 'VerifiableCredential' && t !== 'VerifiablePresentation')
  detected.textContent = `This looks like a ${parsed.kind}${types.length > 0 ? ` (${types.join(', ')})` : ''}${parsed.unwrapped != null ? `, inside "${parsed.unwrapped}"` : ''}.`
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

/** Descriptions of the report's achievements that the document does not carry, from this node's catalogue. */
async function lookUpDescriptions (report: Report): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const id of achievementIds(report).slice(0, 10)) {
    try {
      const entry = await api<{ achievement?: { description?: unknown } }>(`/api/achievements/${encodeURIComponent(id)}`)
      if (typeof entry.achievement?.description === 'string') out.set(id, entry.achievement.description)
    } catch {
      // Not in this node's catalogue: the page shows what the badge says, and nothing more.
    }
  }
  return out
}

async function show (report: Report, document: unknown, source: string): Promise<void> {
  const descriptions = document == null ? await lookUpDescriptions(report) : new Map<string, string>()
  fill(reportSection, renderReport(report, { ...(document != null ? { document } : {}), ...(node != null ? { node } : {}), descriptions }))
  reportSection.hidden = false
  const verdict = verdictOf(report)
  announce(`${source}: ${verdict.title}. ${verdict.summary}`, verdict.tone === 'ok' ? 'success' : verdict.tone === 'bad' ? 'error' : 'info')
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
  let body: Json
  if (parsed.kind === 'presentation') {
    const c = challenge.value.trim()
    const d = domain.value.trim()
    if (d !== '' && c === '') { fail('A domain is checked together with a challenge: give the challenge too.', challenge); return }
    body = { verifiablePresentation: parsed.document, ...(c !== '' ? { challenge: c } : {}), ...(d !== '' ? { domain: d } : {}) }
  } else {
    body = { verifiableCredential: parsed.document }
  }
  setBusy(true)
  announce(`Verifying the ${parsed.kind}…`)
  try {
    const report = await api<Report>('/api/verify', { body })
    await show(report, parsed.document, `The pasted ${parsed.kind}`)
  } catch (err) {
    fail(`The node could not verify it: ${messageOf(err)}`)
  } finally {
    setBusy(false)
  }
}

// ---------------------------------------------------------------------------------------------
// Files

async function verifyFile (file: File, how: string): Promise<void> {
  if (busy) return
  let bytes: Uint8Array
  try {
    bytes = await readFileBytes(file)
  } catch (err) {
    fail(`The file ${file.name} could not be read: ${messageOf(err)}`)
    return
  }
  if (bytes.length === 0) { fail(`The file ${file.name} is empty.`); return }
  // An image as the wallet and the node read it (@cofl/wallet's baking module: the PNG iTXt chunk,
  // compressed or not; the SVG element, in any encoding the SVG declares).
  const format = detectBadgeFormat(bytes)
  if (format == null) {
    // A JSON file: shown in the text area, and verified as if pasted.
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')
    if (!/^\s*[[{]/.test(text)) { fail(`${file.name} is neither a badge image (PNG or SVG) nor a JSON file.`); return }
    json.value = text
    describeInput()
    await verifyPasted()
    return
  }
  const image = format === 'png' ? 'image/png' : 'image/svg+xml'
  // Read here to show what the report leaves out, and to say "nothing baked" without asking the
  // node. A damaged image (extractCredential throws) is the node's to judge.
  let baked: BakedCredential | undefined
  let damaged = false
  try {
    baked = extractCredential(bytes)
  } catch {
    damaged = true
  }
  if (baked === undefined && !damaged) {
    fail(`${file.name} is ${format === 'png' ? 'a PNG' : 'an SVG'} image, but no badge credential is baked into it (Open Badges 3.0 bakes it into ${format === 'png' ? `an iTXt chunk "${OB3_PNG_KEYWORD}"` : 'an <openbadges:credential> element'}).`)
    return
  }
  setBusy(true)
  announce(`Reading the badge baked into ${file.name}…`)
  try {
    const report = await api<Report>('/api/verify', { body: new Blob([bytes as BlobPart], { type: image }), type: image })
    // (A VC-JWT, a string, has nothing more to show: its report says cofl does not verify it.)
    const document = baked !== undefined && typeof baked.value !== 'string' ? baked.value : undefined
    await show(report, document, `The badge ${how} (${file.name})`)
  } catch (err) {
    if (err instanceof ApiCallError && err.status === 400) {
      fail(`No badge could be read from ${file.name}: ${err.message}`)
    } else {
      fail(`The node could not verify ${file.name}: ${messageOf(err)}`)
    }
  } finally {
    setBusy(false)
  }
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
  announce('Cleared.')
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
  fail('Nothing was dropped that can be verified: drop a badge image (PNG or SVG) or a JSON file.')
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
  try {
    node = await api<Health>('/api/health')
  } catch {
    // The trust chain then names DIDs only.
  }
}

void main()
