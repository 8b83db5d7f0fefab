/**
 * What the browser tests share: Debian's Chromium (installed with apt-get when missing, or the
 * tests are skipped with the reason printed), driven by playwright-core; a city node started in
 * this process on 127.0.0.1 with an OS-chosen port, stopped and removed afterwards; screenshots
 * of each page in test/browser/screenshots (not committed; CI keeps them); the checks every state
 * of a journey gets (assertFits: no sideways scroll, 24 px targets; assertAxeClean: axe-core).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { suite } from 'uvu'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { nodeApi } from '@cofl/test-support'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode, CityNodeInit } from 'cofl'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The flags of a headless Chromium on a machine with no network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio'
]

let chromiumReason: string | null | undefined

/**
 * Null when Chromium is there (after installing it with apt-get if it was missing), else why the
 * browser tests cannot run here. Asked once per process.
 */
export function chromiumUnavailable (): string | null {
  if (chromiumReason !== undefined) return chromiumReason
  if (!existsSync(CHROMIUM)) {
    try {
      const asRoot = typeof process.getuid === 'function' && process.getuid() === 0
      const command = asRoot ? ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'] : ['sudo', '-n', 'apt-get', 'install', '-y', '--no-install-recommends', 'chromium']
      process.stdout.write(`browser tests: ${CHROMIUM} is missing; running ${command.join(' ')}\n`)
      const apt = (args: string[]): void => {
        execFileSync(args[0] as string, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      }
      try {
        apt(command)
      } catch {
        // A new machine may have no package lists yet: read them once, then try again.
        const update = asRoot ? ['apt-get', 'update'] : ['sudo', '-n', 'apt-get', 'update']
        process.stdout.write(`browser tests: the install failed; running ${update.join(' ')} and trying again\n`)
        apt(update)
        apt(command)
      }
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').slice(-2).join(' ')
      chromiumReason = `Chromium is not installed at ${CHROMIUM} and apt-get could not install it: ${stderr || (err as Error).message}`
      return chromiumReason
    }
    if (!existsSync(CHROMIUM)) {
      chromiumReason = `apt-get ran but ${CHROMIUM} is still missing`
      return chromiumReason
    }
  }
  chromiumReason = null
  return null
}

let webBuilt = false

/** Where ensureWebBuilt notes when the build it made began (node/web/dist is the build's own). */
const BUILT_STAMP = join(ROOT, 'node', 'web', 'dist', '.built-by-tests')

/** The newest modification time (ms) of the files a page build reads, or Infinity when one cannot be read. */
function newestSource (): number {
  let newest = 0
  const walk = (path: string): void => {
    const info = statSync(path)
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'dist') walk(join(path, name))
    } else if (info.mtimeMs > newest) newest = info.mtimeMs
  }
  try {
    for (const dir of ['src', 'pages', 'static', 'locales']) walk(join(ROOT, 'node', 'web', dir))
    for (const name of readdirSync(join(ROOT, 'packages'))) {
      if (existsSync(join(ROOT, 'packages', name, 'src'))) walk(join(ROOT, 'packages', name, 'src'))
    }
    for (const file of ['build-web.mjs', 'browser-bundle.mjs']) walk(join(ROOT, 'scripts', file))
  } catch {
    return Infinity
  }
  return newest
}

/**
 * Builds the page bundles from their sources, once per process (esbuild takes a second or two), so
 * that the pages under test are never older than the code beside them. A build that this harness
 * made from sources none of which changed since is kept: the build empties node/web/dist first,
 * and rebuilding it under the pages another test file is loading would break that file's pages.
 */
export function ensureWebBuilt (): void {
  if (webBuilt) return
  try {
    const began = Number(readFileSync(BUILT_STAMP, 'utf8'))
    if (Number.isFinite(began) && newestSource() < began) { webBuilt = true; return }
  } catch {
    // No build made by this harness: build.
  }
  const began = Date.now()
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit', timeout: 120_000 })
  writeFileSync(BUILT_STAMP, String(began))
  webBuilt = true
}

export async function launchBrowser (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 })
}

/** The two sizes every journey is walked at: a laptop, and a phone (touch, a dense screen). */
export const SIZES = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 }
} as const
export type SizeName = keyof typeof SIZES

/**
 * A fresh context (own storage) whose pages time out after 20 s, and log page errors to `errors`.
 * With `size` 'phone': 390x844, touch, a mobile viewport, 3 device pixels per CSS pixel; with
 * 'laptop': 1280x800; without: the 1280x900 window the older tests were written at.
 */
export async function newPage (browser: Browser, errors: string[] = [], size?: SizeName): Promise<{ context: BrowserContext, page: Page }> {
  const device = size === 'phone'
    ? { viewport: SIZES.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }
    : { viewport: size === 'laptop' ? SIZES.laptop : { width: 1280, height: 900 } }
  const context = await browser.newContext({ acceptDownloads: true, ...device })
  context.setDefaultTimeout(20_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => { errors.push(err.message) })
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
  return { context, page }
}

/**
 * Saves a full-page screenshot as test/browser/screenshots/<journey>-<state>-<width>.png: `name` is
 * "<journey>-<state>"; the page's width (1280, 390) is added, in place of a "-laptop" or "-phone"
 * at its end, unless the name ends with it already. CI keeps the folder as an artifact.
 */
export async function screenshot (page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  const width = page.viewportSize()?.width
  const file = width == null || name.endsWith(`-${width}`) ? name : `${name.replace(/-(laptop|phone)$/, '')}-${width}`
  await page.screenshot({ path: join(SCREENSHOTS, `${file}.png`), fullPage: true })
}

/**
 * Null when the page fits `viewport` CSS px, else what is too wide: the element (outside any box
 * that scrolls on its own) whose right edge is furthest past it. The width is given, not read from
 * window.innerWidth: a phone browser widens its layout viewport to a page too wide (and zooms out).
 */
function overflowOf (viewport: number): string | null {
  const width = document.documentElement.scrollWidth
  if (width <= viewport) return null
  // (No named function in here: the test's compiler would wrap it in a helper the page lacks.)
  let widest: Element | null = null
  let right = viewport
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    const box = el.getBoundingClientRect()
    if (box.width === 0 || box.right <= right + 0.5) continue
    let inScroller = false
    for (let p = el.parentElement; p != null && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX
      if (x === 'auto' || x === 'scroll' || x === 'hidden') { inScroller = true; break }
    }
    if (!inScroller) { right = box.right; widest = el }
  }
  const name = widest == null
    ? 'no element found'
    : `<${widest.tagName.toLowerCase()}${widest.id !== '' ? `#${widest.id}` : ''}${widest.className !== '' && typeof widest.className === 'string' ? `.${widest.className.split(/\s+/).join('.')}` : ''}> "${(widest.textContent ?? '').trim().slice(0, 60)}"`
  return `scrollWidth ${width} > ${viewport} px: the widest is ${name}, its right edge at ${Math.round(right)} px`
}

/**
 * The controls shown smaller than 24x24 px (WCAG 2.5.8), as "what: width x height". A link inside a
 * sentence is exempt (its line height sets its size, as the criterion allows), as is what is hidden
 * (the skip link until it has the focus).
 */
function smallTargets (): string[] {
  const small: string[] = []
  for (const el of Array.from(document.querySelectorAll('button, a[href], input:not([type="hidden"]), select, textarea, summary'))) {
    const box = el.getBoundingClientRect()
    if (box.width === 0 || box.height === 0 || box.right + scrollX <= 0 || box.bottom + scrollY <= 0) continue // not shown, or off the page (the skip link)
    if (el.closest('.visually-hidden') != null) continue
    if (el.tagName === 'A') {
      // In a sentence: words beside it, not only other controls and separators (a menu's " · ").
      const around = Array.from(el.parentElement?.childNodes ?? [])
        .filter((n) => n.nodeType === Node.TEXT_NODE || (n.nodeType === Node.ELEMENT_NODE && !(n as Element).matches('a, button, input, select, textarea, summary')))
        .map((n) => n.textContent ?? '').join('')
      if (/[\p{L}\p{N}]/u.test(around)) continue
    }
    if (box.width < 24 || box.height < 24) {
      small.push(`<${el.tagName.toLowerCase()}${el.id !== '' ? `#${el.id}` : ''}> "${(el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 40)}": ${Math.round(box.width)}x${Math.round(box.height)}`)
    }
  }
  return small
}

/**
 * Fails when the page scrolls sideways (naming the widest element) or when a control shown is
 * smaller than 24x24 px (naming each); `where` names the state in the message.
 */
export async function assertFits (page: Page, where: string): Promise<void> {
  const viewport = page.viewportSize()?.width
  assert.ok(viewport != null, 'the page has a viewport size')
  const overflow = await page.evaluate(overflowOf, viewport)
  assert.is(overflow, null, `${where} scrolls sideways: ${overflow ?? ''}`)
  const small = await page.evaluate(smallTargets)
  assert.equal(small, [], `${where}: targets under 24x24 px: ${small.join('; ')}`)
}

let axeSource: string | undefined

/** One axe finding, as much of it as a failure message needs. */
interface AxeFinding { id: string, impact: string | null, help: string, helpUrl: string, targets: string[] }

/**
 * Runs axe-core (its default rules: WCAG 2.0 to 2.2 A and AA, and its best practices) on the page as
 * it is now, and fails when any violation is serious or critical, listing each: its rule, impact, the
 * elements (as selectors) and what to do. `where` names the state in the message. The pages'
 * CSP allows no inline script, so axe's source goes in through the DevTools protocol
 * (`page.evaluate`), which the CSP does not govern; the node's CSP is left as it is.
 */
export async function assertAxeClean (page: Page, where: string): Promise<void> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  const loaded = await page.evaluate('typeof window.axe === "object"')
  if (loaded !== true) await page.evaluate(`${axeSource}\n;undefined`)
  // A string, not a function: the test's compiler would wrap a function in helpers the page lacks.
  const findings = await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact ?? null, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map((t) => Array.isArray(t) ? t.join(' >> ') : String(t)).join(' >> '))
  })))`) as AxeFinding[]
  const bad = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical')
  if (bad.length === 0) return
  const list = bad.map((f) => `  ${f.id} (${f.impact ?? '?'}): ${f.help}\n    on ${f.targets.slice(0, 8).join(', ')}${f.targets.length > 8 ? `, and ${f.targets.length - 8} more` : ''}\n    ${f.helpUrl}`)
  assert.unreachable(`axe: ${bad.length} serious or critical violation${bad.length === 1 ? '' : 's'} at ${where}:\n${list.join('\n')}`)
}

export interface TestNode { node: CityNode, dir: string, stop: () => Promise<void> }

/** A city node on 127.0.0.1 (HTTP and libp2p on OS-chosen ports) in a temporary directory. */
export async function startTestNode (config: Record<string, unknown> = {}, init: Omit<CityNodeInit, 'config'> = {}): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-browser-'))
  // On 127.0.0.1 with its peers (if any): it opts into dialling the loopback addresses they announce.
  const node = createCityNode({ config: { data: join(dir, 'city'), name: 'Bristol City of Learning', allowDial: ['loopback'], ...config }, signingWorkers: 0, ...init })
  await node.start()
  return {
    node,
    dir,
    stop: async () => {
      try { await node.stop() } finally { await rm(dir, { recursive: true, force: true }) }
    }
  }
}

type Hook = (fn: () => Promise<void> | void) => void
export interface BrowserSuite {
  /** A test, or a skipped one where Chromium cannot run (uvu counts it as skipped, not passed). */
  it: (name: string, fn: () => Promise<void>) => void
  before: Hook
  after: Hook
  run: () => void
}

/**
 * The uvu suite of a browser test file. Where Chromium cannot run, the reason is printed once and
 * every test is registered as skipped, with no hook run.
 */
export function browserSuite (title: string): BrowserSuite {
  const reason = chromiumUnavailable()
  const s = suite(title)
  if (reason != null) {
    process.stdout.write(`${title}: browser tests skipped: ${reason}\n`)
    return { it: (name, fn) => { s.skip(name, fn) }, before: () => {}, after: () => {}, run: () => { s.run() } }
  }
  return { it: (name, fn) => { s(name, fn) }, before: (fn) => { s.before(fn) }, after: (fn) => { s.after(fn) }, run: () => { s.run() } }
}

/** An admin call to a node's API (its token as a bearer, JSON in and out) that must answer 2xx; its JSON. */
export async function adminOk (node: Pick<CityNode, 'url' | 'adminToken'>, method: string, path: string, body?: unknown): Promise<any> {
  const answer = await nodeApi({ url: node.url, token: node.adminToken }, method, path, body)
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body
}

/**
 * What a walk of every page starts from: the pages built, a test node holding one achievement
 * named `name` (with a description, criteria and a place, for the catalogue and the charts), and a
 * browser. Stop the node and close the browser in the suite's `after`.
 */
export async function startPageWalk (name: string): Promise<{ browser: Browser, city: TestNode, achievementId: string }> {
  ensureWebBuilt()
  const city = await startTestNode()
  try {
    const created = await adminOk(city.node, 'POST', '/api/achievements', {
      name,
      description: 'Capsize drills, towing and rescue in the harbour, with the club\'s coaches.',
      criteria: 'Two sessions on the water and a rescue drill',
      place: { name: 'Underfall Yard', area: 'Spike Island', lat: 51.4465, lon: -2.6131 }
    })
    return { browser: await launchBrowser(), city, achievementId: created.id as string }
  } catch (err) {
    await city.stop() // nothing left running when the walk cannot start
    throw err
  }
}

/** The Welsh months, as the pages write dates in Welsh (lib/i18n.ts). */
export const WELSH_MONTHS = ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr']

/** Every English text of a page's catalogue (node/web/locales/<page>.en.json), as the parts between its placeholders long enough to say something. */
export function catalogueEnglish (page: string): string[] {
  const out: string[] = []
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const part of value.split(/\{\{[^}]*\}\}/)) if (part.trim().length >= 6 && /\p{L}{3}/u.test(part)) out.push(part.trim())
    } else if (value != null && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v)
    }
  }
  walk(JSON.parse(readFileSync(new URL(`../../node/web/locales/${page}.en.json`, import.meta.url), 'utf8')))
  return [...new Set(out)]
}

/** The English texts of a page's catalogue that `text` holds, each as whole words. */
export function englishLeft (text: string, page: string): string[] {
  return catalogueEnglish(page).filter((english) => new RegExp(`(?<!\\p{L})${english.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\p{L})`, 'u').test(text))
}
