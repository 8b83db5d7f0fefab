import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_COFL_RUN_MS, DEFAULT_KILL_AFTER_MS, DEFAULT_NODE_START_MS, NODE_JSON_EVERY_MS } from './constants.js'
import { waitFor } from './wait.js'

/** How a child ended: its exit code, or the signal that ended it. */
export interface Exit { code: number | null, signal: NodeJS.Signals | null }

export interface ChildInit {
  /** What node runs: a .ts file (through tsx, with the sources of the workspace) or a .js one. */
  script: string
  args?: string[]
  /** Node's own flags, before the loaders: `['--expose-gc']`. */
  nodeFlags?: string[]
  /** Modules imported after tsx, before the script (`--import`). */
  imports?: string[]
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv
}

export interface StopOptions {
  /** The first signal (default SIGTERM: a graceful stop). */
  signal?: NodeJS.Signals
  /** SIGKILL when it has not exited this long after the first signal (default 20 s). */
  killAfterMs?: number
}

export interface LineWait {
  /** What is awaited, for the error when it does not come. */
  what: string
  /** Give up after this many milliseconds. */
  ms: number
}

/** A child process of the test with everything it printed. */
export interface Child {
  proc: ChildProcess
  /** stdout and stderr as they came, interleaved: for failure messages. */
  output: () => string
  stdout: () => string
  stderr: () => string
  /** The complete lines (ended by a newline) of stdout so far. */
  lines: () => string[]
  /** Settles once it has exited and all it printed is read. */
  exited: Promise<Exit>
  /** Whether it has not exited yet. */
  running: () => boolean
  /**
   * Calls `match` with each complete line of stdout, those already printed first, until it gives
   * something other than undefined, which this resolves with. Rejects with what `match` throws,
   * when the child exits first, or after `ms`; `match` is called no more after that.
   */
  waitForLine: <T>(match: (line: string) => T | undefined, wait: LineWait) => Promise<T>
  /** Sends `signal` (SIGTERM) unless it has exited, SIGKILL after `killAfterMs`, and gives its exit. */
  stop: (options?: StopOptions) => Promise<Exit>
}

/**
 * `node [nodeFlags] --conditions=cofl-source --import tsx [--import ...] script args`, stdin
 * closed, stdout and stderr collected.
 *
 * @example
 * const child = spawnChild({ script: CHILD, args: [dir, moment] })
 * try {
 *   await child.waitForLine((line) => line === moment || undefined, { what: moment, ms: 60_000 })
 * } finally {
 *   await child.stop({ signal: 'SIGKILL' })
 * }
 */
export function spawnChild (init: ChildInit): Child {
  const argv = [
    ...(init.nodeFlags ?? []),
    '--conditions=cofl-source', '--import', 'tsx',
    ...(init.imports ?? []).flatMap((module) => ['--import', module]),
    init.script, ...(init.args ?? [])
  ]
  const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: init.env ?? process.env })
  let output = ''
  let stdout = ''
  let stderr = ''
  let partial = ''
  const lines: string[] = []
  const listeners = new Set<(line: string) => void>()
  proc.stdout?.setEncoding('utf8')
  proc.stderr?.setEncoding('utf8')
  proc.stdout?.on('data', (chunk: string) => {
    output += chunk
    stdout += chunk
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      for (const listener of [...listeners]) listener(line)
    }
  })
  proc.stderr?.on('data', (chunk: string) => { output += chunk; stderr += chunk })
  // A child that cannot be started says so in its output instead of throwing out of an event.
  proc.on('error', (err) => { output += `\n[spawn: ${String(err)}]`; stderr += `\n[spawn: ${String(err)}]` })
  const exited = new Promise<Exit>((resolve) => { proc.once('close', (code, signal) => { resolve({ code, signal }) }) })
  const running = (): boolean => proc.exitCode == null && proc.signalCode == null
  const ended = (): string => String(proc.exitCode ?? proc.signalCode)

  const waitForLine = async <T>(match: (line: string) => T | undefined, wait: LineWait): Promise<T> => {
    return await new Promise<T>((resolve, reject) => {
      let settled = false
      const settle = (done: () => void): void => {
        if (settled) return
        settled = true
        listeners.delete(listener)
        clearTimeout(timer)
        done()
      }
      const listener = (line: string): void => {
        if (settled) return
        let found: T | undefined
        try {
          found = match(line)
        } catch (err) {
          settle(() => { reject(err) })
          return
        }
        if (found !== undefined) settle(() => { resolve(found) })
      }
      const timer = setTimeout(() => {
        settle(() => { reject(new Error(`timed out after ${wait.ms / 1000} s waiting for ${wait.what}:\n${output}`)) })
      }, wait.ms)
      for (const line of lines) listener(line)
      if (settled) return
      listeners.add(listener)
      void exited.then(() => {
        settle(() => { reject(new Error(`the child exited (${ended()}) before ${wait.what}:\n${output}`)) })
      })
    })
  }

  const stop = async (options: StopOptions = {}): Promise<Exit> => {
    const signal = options.signal ?? 'SIGTERM'
    if (running()) proc.kill(signal)
    if (signal === 'SIGKILL') return await exited
    const timer = setTimeout(() => { proc.kill('SIGKILL') }, options.killAfterMs ?? DEFAULT_KILL_AFTER_MS)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }

  return { proc, output: () => output, stdout: () => stdout, stderr: () => stderr, lines: () => [...lines], exited, running, waitForLine, stop }
}

/** How a command ended: its exit code (-1 when it has none) and what it printed. */
export interface Run { code: number, stdout: string, stderr: string }

export interface RunCoflOptions {
  /** Written to its stdin, which is then closed (default: nothing). */
  stdin?: string
  /** Variables set on top of the inherited environment. */
  env?: Record<string, string>
  cwd?: string
}

/**
 * `cofl ARGV...` as the real bin (node/bin/cofl.js on the sources) in a child process, run to its
 * end; rejects when it cannot be started or runs longer than 60 s (it is killed then).
 *
 * @example
 * const { code, stdout } = await runCofl(['verify', file])
 * assert.is(code, 0, stdout)
 */
export async function runCofl (argv: string[], options: RunCoflOptions = {}): Promise<Run> {
  return await new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', coflBin(), ...argv], {
      cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'], signal: AbortSignal.timeout(DEFAULT_COFL_RUN_MS)
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => { stdout += d })
    proc.stderr.on('data', (d) => { stderr += d })
    proc.on('error', reject)
    proc.on('close', (code) => { resolve({ code: code ?? -1, stdout, stderr }) })
    proc.stdin.end(options.stdin ?? '')
  })
}

export interface NodeProcessOptions {
  /** For messages: "node A did not ..." (default: the data directory). */
  name?: string
  /** Flags after `node start --data DIR`. */
  args?: string[]
  /** Variables set on top of the inherited environment, in which COFL_PASSPHRASE is '' (keys in clear). */
  env?: Record<string, string>
  /** Leave out the caller's COFL_* variables, so that none leaks into the node (default: inherited). */
  isolateEnv?: boolean
  nodeFlags?: string[]
  imports?: string[]
  /**
   * When it is up: 'node.json' (default), once DIR/node.json names this process (URL, DID and
   * addresses read from it); 'banner', once it printed its banner (the HTTP API URL, the city DID
   * and the first libp2p address read from it).
   */
  ready?: 'node.json' | 'banner'
  /** SIGKILL and an error when it is not up within this long (default 60 s). */
  startMs?: number
}

/** A running `cofl node start`. */
export interface NodeProcess extends Child {
  name: string
  dir: string
  /** The HTTP API's base URL, such as http://127.0.0.1:43817. */
  url: string
  /** The city's DID. */
  did: string
  /** Its libp2p addresses (with `ready: 'banner'`, the first only). */
  multiaddrs: string[]
  /** The admin token (DIR/admin-token). */
  token: string
}

interface Found { url: string, did: string, multiaddrs: string[] }

/**
 * `cofl node start --data DIR ...args` (node/bin/cofl.js on the sources) as a child process;
 * resolves once it is up. A node that exits first, or is not up in time (it is killed then),
 * rejects with what it printed.
 *
 * @example
 * const a = await startNodeProcess(join(root, 'a'), { name: 'A', args: ['--name', 'Plymouth'] })
 * try { await fetch(`${a.url}/api/health`) } finally { await a.stop() }
 */
export async function startNodeProcess (dir: string, options: NodeProcessOptions = {}): Promise<NodeProcess> {
  const name = options.name ?? dir
  const child = spawnChild({
    script: coflBin(),
    args: ['node', 'start', '--data', dir, ...(options.args ?? [])],
    ...(options.nodeFlags != null ? { nodeFlags: options.nodeFlags } : {}),
    ...(options.imports != null ? { imports: options.imports } : {}),
    env: nodeEnv(options)
  })
  const startMs = options.startMs ?? DEFAULT_NODE_START_MS
  try {
    const found = options.ready === 'banner' ? await fromBanner(child, name, startMs) : await fromNodeJson(child, dir, name, startMs)
    const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim()
    return { ...child, name, dir, ...found, token }
  } catch (err) {
    await child.stop({ signal: 'SIGKILL' })
    throw err
  }
}

async function fromNodeJson (child: Child, dir: string, name: string, ms: number): Promise<Found> {
  let found: Found | undefined
  await waitFor(`node ${name} to write node.json`, async () => {
    if (!child.running()) throw new Error(`node ${name} exited (${String(child.proc.exitCode ?? child.proc.signalCode)}):\n${child.output()}`)
    try {
      const info = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8')) as { pid?: number, http: string, did: string, multiaddrs: string[] }
      if (info.pid !== child.proc.pid) return false
      found = { url: info.http, did: info.did, multiaddrs: info.multiaddrs }
      return true
    } catch {
      return false // not written yet, or being written
    }
  }, { ms, detail: () => child.output() }, NODE_JSON_EVERY_MS)
  return found as Found
}

async function fromBanner (child: Child, name: string, ms: number): Promise<Found> {
  let url: string | undefined
  let did: string | undefined
  let address: string | undefined
  return await child.waitForLine((line) => {
    url ??= /HTTP API\s+(http:\/\/\S+)\/api/.exec(line)?.[1]
    did ??= /city DID\s+(\S+)/.exec(line)?.[1]
    address ??= /libp2p\s+(\/ip4\/\S+)/.exec(line)?.[1]
    return url != null && address != null ? { url, did: did ?? '', multiaddrs: [address] } : undefined
  }, { what: `the banner of node ${name}`, ms })
}

function nodeEnv (options: NodeProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (options.isolateEnv !== true || !k.startsWith('COFL_')) env[k] = v
  return { ...env, COFL_PASSPHRASE: '', ...options.env }
}

let bin: string | undefined

/** The workspace's node/bin/cofl.js, found upwards from here (the sources or the build). */
function coflBin (): string {
  if (bin != null) return bin
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node', 'bin', 'cofl.js')
    if (existsSync(candidate)) return (bin = candidate)
    if (dirname(dir) === dir) throw new Error(`no node/bin/cofl.js above ${fileURLToPath(import.meta.url)}`)
  }
}
