/**
 * `cofl verify --batch` as a user runs it, for the benchmarks: the compiled CLI (node/dist, no
 * tsx, no cofl-source condition) in a child process of its own, timed from spawn to exit, so that
 * the process's start-up and module loading count. And the means to run it on one core.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'node', 'bin', 'cofl.js')
/** A run of the CLI that takes longer than this has hung. */
const CLI_TIMEOUT_MS = 10 * 60 * 1000

function newestSource (dir: string): { path: string, mtimeMs: number } | undefined {
  let newest: { path: string, mtimeMs: number } | undefined
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const found = entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? { path, mtimeMs: statSync(path).mtimeMs } : undefined
    if (found != null && (newest == null || found.mtimeMs > newest.mtimeMs)) newest = found
  }
  return newest
}

/**
 * Why the compiled CLI cannot be benchmarked (node/dist or a package's dist missing, or older
 * than its sources), or undefined when it is built and up to date. `tsc -b` rewrites a project's
 * tsconfig.tsbuildinfo on every build, also when no output changes, so a source newer than it
 * has not been built.
 */
export function staleBuild (): string | undefined {
  const projects = ['node', ...readdirSync(join(ROOT, 'packages')).map((p) => join('packages', p))]
  if (!existsSync(join(ROOT, 'node', 'dist', 'src', 'cli.js'))) return 'node/dist/src/cli.js is missing'
  for (const project of projects) {
    const buildInfo = join(ROOT, project, 'dist', 'tsconfig.tsbuildinfo')
    if (!existsSync(buildInfo)) return `${project}/dist is missing`
    const newest = newestSource(join(ROOT, project, 'src'))
    if (newest != null && newest.mtimeMs > statSync(buildInfo).mtimeMs) return `${relative(ROOT, newest.path)} is newer than ${project}/dist`
  }
  return undefined
}

export interface CliRun { seconds: number, code: number, stdout: string, stderr: string }

/** `node node/bin/cofl.js ARGS...`, compiled (NODE_OPTIONS dropped), timed from spawn to exit. */
export async function runCompiledCli (args: string[]): Promise<CliRun> {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  const timeout = AbortSignal.timeout(CLI_TIMEOUT_MS)
  return await new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], signal: timeout })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ seconds: (performance.now() - start) / 1000, code: code ?? -1, stdout, stderr }) })
  })
}

/** The CPUs this process may run on, as taskset lists them ("0-1"), or undefined without taskset. */
function affinity (): string | undefined {
  const run = spawnSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' })
  return run.status === 0 ? /:\s*(\S+)\s*$/.exec(run.stdout)?.[1] : undefined
}

function setAffinity (cpus: string): boolean {
  // -a: every thread of the process; threads and child processes started later inherit it.
  return spawnSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' }).status === 0
}

/**
 * Runs `fn` with this process (all its threads, and the child processes it starts) on one CPU,
 * then gives the process back the CPUs it had. Without taskset (not Linux) `fn` runs unpinned:
 * `cpu` is undefined.
 */
export async function onOneCpu<T> (fn: (cpu: string | undefined) => Promise<T>): Promise<T> {
  const cpus = affinity()
  const cpu = cpus?.split(/[,-]/)[0]
  const pinned = cpu != null && setAffinity(cpu)
  try {
    return await fn(pinned ? cpu : undefined)
  } finally {
    if (pinned && cpus != null) setAffinity(cpus)
  }
}
