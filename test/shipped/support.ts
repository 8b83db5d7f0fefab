// What the tests of the shipped build share. They run what a user runs after `npm ci`: the
// compiled `cofl` (node/bin/cofl.js on node/dist), `npm start`, `npx cofl`, `npm run demo:city`,
// each in a child process whose environment carries no `cofl-source` condition and no tsx loader
// (the test files themselves run through tsx, like every test; the code under test does not).
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = join(ROOT, 'node', 'bin', 'cofl.js')
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** The user's environment: this process's, without anything that would load the TypeScript sources. */
export function userEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of Object.keys(env)) {
    if (name === 'NODE_OPTIONS' || name.startsWith('TSX_') || name.startsWith('COFL_') || name.startsWith('npm_')) delete env[name]
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
}

let built = false

/**
 * Builds what `npm ci` builds (its `prepare` script: `tsc -b` and the web pages), once per process,
 * so that the build under test is never older than the sources beside it. On a fresh clone, `npm ci`
 * has just done it and this is quick.
 */
export function ensureBuilt (): void {
  if (built) return
  execFileSync(NPM, ['run', '--silent', 'prepare'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: userEnv(), timeout: 300_000 })
  built = true
}

export interface Run { code: number, stdout: string, stderr: string }

/** Runs a command to its end (killed after `timeoutMs`), collecting its output. */
export async function run (command: string, args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv, stdin?: string, timeoutMs?: number } = {}): Promise<Run> {
  return await new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? userEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += String(d) })
    child.stderr.on('data', (d) => { stderr += String(d) })
    const timer = setTimeout(() => { killGroup(child, 'SIGKILL'); stderr += `\n(killed after ${options.timeoutMs ?? 120_000} ms)` }, options.timeoutMs ?? 120_000)
    child.on('error', (err) => { clearTimeout(timer); reject(err) })
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal != null ? 128 : -1), stdout, stderr }) })
    child.stdin.end(options.stdin ?? '')
  })
}

/** `cofl ARGS...`, the compiled bin. */
export async function cofl (args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv, stdin?: string, timeoutMs?: number } = {}): Promise<Run> {
  return await run(process.execPath, [BIN, ...args], options)
}

function killGroup (child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid == null || child.exitCode != null || child.signalCode != null) return
  try { process.kill(-child.pid, signal) } catch { try { child.kill(signal) } catch {} }
}

export interface Server {
  /** The home page's address as the process printed it, without the trailing slash. */
  url: string
  output: () => string
  /** SIGINT to the whole process group (npm and its child), as Ctrl-C does; SIGKILL after 15 s. */
  stop: () => Promise<number>
}

/**
 * Starts a long-running command (`npm start`, `cofl node start`) in its own process group and waits
 * (at most `timeoutMs`) until it prints its home page line.
 */
export async function startServer (command: string, args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<Server> {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  child.stdout.on('data', (d) => { out += String(d) })
  child.stderr.on('data', (d) => { out += String(d) })
  const exited = new Promise<number>((resolve) => { child.on('close', (code, signal) => { resolve(code ?? (signal != null ? 128 : -1)) }) })
  const stop = async (): Promise<number> => {
    killGroup(child, 'SIGINT')
    const timer = setTimeout(() => { killGroup(child, 'SIGKILL') }, 15_000)
    try { return await exited } finally { clearTimeout(timer) }
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  for (;;) {
    const url = /home page\s+(http:\/\/[^\s/]+)\//.exec(out)?.[1]
    if (url != null) return { url, output: () => out, stop }
    if (child.exitCode != null || Date.now() > deadline) {
      await stop()
      throw new Error(`${command} ${args.join(' ')} printed no home page line${child.exitCode != null ? ` and exited with ${child.exitCode}` : ' in time'}:\n${out}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The `/assets/...` links of an HTML page (scripts, style sheets, icons). */
export function assetLinks (html: string): string[] {
  return [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string))]
}

export async function readJsonFile<T = Record<string, unknown>> (path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}
