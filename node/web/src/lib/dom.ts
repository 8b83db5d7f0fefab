/**
 * The little that every page shares: building elements without innerHTML (text is always text,
 * never markup), calling the node's API (through @cofl/api's client), and telling people what
 * happened in a live region.
 */
import { ApiRequestError, ApiUnreachableError, createApiClient } from '@cofl/api'
import type { ApiRequestOptions } from '@cofl/api'

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

/**
 * An error of the node's API: its code (COFL_ERR_*) and message, as the API sent them; status 0
 * when the node did not answer. @cofl/api's ApiRequestError, under the name the pages know.
 */
export class ApiCallError extends ApiRequestError {
  constructor (status: number, code: string, message: string, options?: ErrorOptions) {
    super(code, message, { ...options, status })
  }
}

/** A call's method, body (JSON-encoded unless it is bytes or a string already, with its `type`), admin token and signal. */
export type ApiOptions = Pick<ApiRequestOptions, 'method' | 'body' | 'type' | 'token' | 'signal'>

/** How long a page waits for the node's whole answer (an admin's bulk offer can take a while). */
export const PAGE_API_TIMEOUT_MS = 120_000

/** @cofl/api's client of this page's own origin. */
const node = createApiClient({ timeoutMs: PAGE_API_TIMEOUT_MS })

/** Calls the node's API on this page's origin; throws ApiCallError with the API's own words. */
export async function api<T = unknown> (path: string, options: ApiOptions = {}): Promise<T> {
  try {
    return await node.request<T>(path, options)
  } catch (err) {
    if (err instanceof ApiUnreachableError || (options.signal?.aborted === true && !(err instanceof ApiRequestError))) {
      const reason = err instanceof ApiUnreachableError ? err.reason : (err as Error).message
      throw new ApiCallError(0, ApiUnreachableError.code, `the node did not answer (${reason})`, { cause: err })
    }
    if (err instanceof ApiRequestError) throw new ApiCallError(err.status, err.code, err.message, { cause: err })
    throw err
  }
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

/**
 * Says the page's first render is done and it answers input: `<body data-page-ready="ms">`, the
 * milliseconds since the navigation began (what the slow-phone test reads). Only the first call counts.
 */
export function markReady (): void {
  if (document.body.dataset.pageReady != null) return
  document.body.dataset.pageReady = String(Math.round(performance.now()))
}

/** Moves focus to `element` (made focusable by script only) and brings it into view: after a result appears. */
export function focusResult (element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1')
  element.focus({ preventScroll: false })
}
