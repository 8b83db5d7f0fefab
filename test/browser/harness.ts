/**
 * What the browser tests share: Debian's Chromium (installed with apt-get when missing, or the
 * tests are skipped with the reason printed), driven by playwright-core; a city node started in
 * this process on 127.0.0.1 with an OS-chosen port, stopped and removed afterwards; screenshots
 * of each page in test/browser/screenshots (not committed).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
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

/**
 * Builds the page bundles from their sources, once per process (esbuild takes a second or two), so
 * that the pages under test are never older than the code beside them.
 */
export function ensureWebBuilt (): void {
  if (webBuilt) return
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit', timeout: 120_000 })
  webBuilt = true
}

export async function launchBrowser (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 })
}

/** A fresh context (own storage) whose pages time out after 20 s, and log page errors to `errors`. */
export async function newPage (browser: Browser, errors: string[] = []): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
  context.setDefaultTimeout(20_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => { errors.push(err.message) })
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
  return { context, page }
}

/** Saves a full-page screenshot as test/browser/screenshots/<name>.png. */
export async function screenshot (page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
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
