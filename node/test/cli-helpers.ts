// How the node's tests run the CLI: in this process (runCli, its output collected) or as the real
// bin in a child process (sources through tsx), with a time limit.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { runCli } from '../src/index.js'

const BIN = fileURLToPath(new URL('../bin/cofl.js', import.meta.url))

export interface Run { code: number, stdout: string, stderr: string }

/** `cofl ARGV...` in this process. */
export async function cli (...argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

/** `cofl ARGV...` as the real bin in a child process, killed after 60 s. */
export async function child (argv: string[], options: { stdin?: string, env?: Record<string, string>, cwd?: string } = {}): Promise<Run> {
  return await new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', BIN, ...argv], {
      cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'], signal: AbortSignal.timeout(60_000)
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
