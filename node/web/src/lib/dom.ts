/**
 * The little that every page shares: building elements without innerHTML (text is always text,
 * never markup), calling the node's API, and telling people what happened in a live region.
 */

type Child = Node | string | number | null | undefined | false
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>

/** `h('a', { href: '/x' }, 'text')`: an element; `on<event>` attributes become listeners. */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value)
    else if (value === true) element.setAttribute(name, '')
    else element.setAttribute(name, String(value))
  }
  for (const child of children) {
    if (child == null || child === false) continue
    element.append(typeof child === 'object' ? child : String(child))
  }
  return element
}

/** The element with this id (the page's markup is ours: a missing one is a bug). */
export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const element = document.getElementById(id)
  if (element == null) throw new Error(`no element #${id}`)
  return element as T
}

/** Replaces an element's children. */
export function fill (element: Element, ...children: Child[]): void {
  element.replaceChildren()
  for (const child of children) {
    if (child == null || child === false) continue
    element.append(typeof child === 'object' ? child : String(child))
  }
}

/** An error of the node's API: its code (COFL_ERR_*) and message, as the API sent them. */
export class ApiCallError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
    this.name = 'ApiCallError'
  }
}

export interface ApiOptions {
  method?: string
  /** JSON-encoded unless it is a Blob, ArrayBuffer or string already. */
  body?: unknown
  /** Content type of a non-JSON body. */
  type?: string
  /** The admin token, sent as `Authorization: Bearer`. */
  token?: string
  signal?: AbortSignal
}

/** Calls the node's API on this page's origin; throws ApiCallError with the API's own words. */
export async function api<T = unknown> (path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  let body: BodyInit | undefined
  if (options.body instanceof Blob || options.body instanceof ArrayBuffer || typeof options.body === 'string') {
    body = options.body as BodyInit
    if (options.type != null) headers['content-type'] = options.type
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] = 'application/json'
  }
  if (options.token != null) headers.authorization = `Bearer ${options.token}`
  let response: Response
  try {
    response = await fetch(path, { method: options.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), ...(options.signal != null ? { signal: options.signal } : {}) })
  } catch (err) {
    throw new ApiCallError(0, 'COFL_ERR_NETWORK', `the node did not answer (${(err as Error).message})`)
  }
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new ApiCallError(response.status, 'COFL_ERR_BAD_RESPONSE', `the node answered ${response.status} with something that is not JSON`)
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string, message?: string } }).error
    throw new ApiCallError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `the node answered ${response.status}`)
  }
  return json as T
}

/** Says `text` in the page's live region (#status, role=status), for screen readers and eyes. */
export function announce (text: string, kind: 'info' | 'error' | 'success' = 'info'): void {
  const region = document.getElementById('status')
  if (region == null) return
  region.dataset.kind = kind
  region.textContent = text
}

/** The message of anything thrown, for a person. */
export function messageOf (err: unknown): string {
  if (err instanceof ApiCallError) return `${err.message} (${err.code})`
  return err instanceof Error ? err.message : String(err)
}

/** Reads a file the person chose or dropped. */
export async function readFileBytes (file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer())
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/** `svg('circle', { cx: 1, cy: 2, r: 3 })`: an SVG element (`h` makes HTML ones); no listeners, no markup. */
export function svg (tag: string, attributes: Record<string, string | number | null | undefined> = {}, ...children: Array<Node | string | null | undefined | false>): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement
  for (const [name, value] of Object.entries(attributes)) {
    if (value != null) element.setAttribute(name, String(value))
  }
  for (const child of children) {
    if (child == null || child === false) continue
    element.append(child)
  }
  return element
}

/** Moves focus to `element` (made focusable by script only) and brings it into view: after a result appears. */
export function focusResult (element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1')
  element.focus({ preventScroll: false })
}
