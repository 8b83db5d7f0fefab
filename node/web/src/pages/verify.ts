// The verify page: paste a credential or a presentation, or give a file (a JSON file, or a baked
// PNG / SVG badge, by the file input or by dropping it), and read the node's report as a person
// reads it (lib/report.ts). The node verifies (POST /api/verify); the page only reads the baked
// credential out of an image to show what the report leaves out (the description, the dates).
import { ApiCallError, announce, api, byId, fill, focusResult, messageOf, readFileBytes } from '../lib/dom.js'
import { achievementIds, renderReport, verdictOf } from '../lib/report.js'
import type { Report } from '../lib/report.js'

interface Health { did: string, name?: string | null }

type Json = Record<string, unknown>

/** The keyword of the PNG iTXt chunk and the namespace of the SVG element of an OB 3.0 baked badge. */
const OB3_PNG_KEYWORD = 'openbadgecredential'
const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0'
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
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

function isPng (bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

/** The start of the file as text, without a BOM and leading white space. */
function head (bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart()
}

function isSvg (bytes: Uint8Array, file: File): boolean {
  const start = head(bytes)
  return file.type === 'image/svg+xml' || /\.svg$/i.test(file.name) || (start.startsWith('<') && /<svg[\s>]/i.test(new TextDecoder().decode(bytes.subarray(0, 4096))))
}

/** The JSON baked into a PNG's `iTXt` chunk `openbadgecredential`, for display (the node reads it again to verify). */
function bakedInPng (bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const latin1 = new TextDecoder('latin1')
  let at = 8
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at)
    const type = latin1.decode(bytes.subarray(at + 4, at + 8))
    const data = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length))
    if (type === 'iTXt') {
      const zero = data.indexOf(0)
      if (zero > 0 && latin1.decode(data.subarray(0, zero)) === OB3_PNG_KEYWORD && data[zero + 1] === 0) {
        // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
        let p = zero + 3
        p = data.indexOf(0, p) + 1
        p = data.indexOf(0, p) + 1
        if (p <= 0) return undefined
        return parseOrUndefined(new TextDecoder().decode(data.subarray(p)))
      }
    }
    if (type === 'IEND') break
    at += 12 + length
  }
  return undefined
}

/** The JSON of an SVG's `<openbadges:credential>`, for display. DOMParser's document is inert: nothing runs or loads. */
function bakedInSvg (bytes: Uint8Array): unknown {
  const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'image/svg+xml')
  const element = doc.getElementsByTagNameNS(OB3_SVG_NAMESPACE, 'credential')[0]
  return element == null ? undefined : parseOrUndefined(element.textContent ?? '')
}

/**
 * Whether the image certainly holds no baked credential (no `openbadgecredential` chunk in a PNG,
 * no mention of the OB 3.0 namespace in an SVG): then the page says so without asking the node.
 * Anything else, even damaged, is the node's to judge.
 */
function certainlyNotBaked (bytes: Uint8Array, image: string): boolean {
  if (image === 'image/svg+xml') return !new TextDecoder().decode(bytes).includes(OB3_SVG_NAMESPACE)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const latin1 = new TextDecoder('latin1')
  let at = 8
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at)
    const type = latin1.decode(bytes.subarray(at + 4, at + 8))
    if (type === 'iTXt' && latin1.decode(bytes.subarray(at + 8, at + 8 + OB3_PNG_KEYWORD.length + 1)) === `${OB3_PNG_KEYWORD}\0`) return false
    if (type === 'IEND') return true
    at += 12 + length
  }
  return false // cut short: let the node say what is wrong
}

function parseOrUndefined (text: string): unknown {
  try { return JSON.parse(text) } catch { return undefined }
}

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
  const image = isPng(bytes) ? 'image/png' : isSvg(bytes, file) ? 'image/svg+xml' : undefined
  if (image == null) {
    // A JSON file: shown in the text area, and verified as if pasted.
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')
    if (!/^\s*[[{]/.test(text)) { fail(`${file.name} is neither a badge image (PNG or SVG) nor a JSON file.`); return }
    json.value = text
    describeInput()
    await verifyPasted()
    return
  }
  if (certainlyNotBaked(bytes, image)) {
    fail(`${file.name} is ${image === 'image/png' ? 'a PNG' : 'an SVG'} image, but no badge credential is baked into it (Open Badges 3.0 bakes it into ${image === 'image/png' ? `an iTXt chunk "${OB3_PNG_KEYWORD}"` : 'an <openbadges:credential> element'}).`)
    return
  }
  setBusy(true)
  announce(`Reading the badge baked into ${file.name}…`)
  try {
    const report = await api<Report>('/api/verify', { body: new Blob([bytes as BlobPart], { type: image }), type: image })
    let document: unknown
    try {
      document = image === 'image/png' ? bakedInPng(bytes) : bakedInSvg(bytes)
    } catch {
      document = undefined
    }
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
