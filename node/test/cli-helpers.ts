// How the node's tests run the CLI in this process: runCli with its output collected. The real bin
// in a child process is @cofl/test-support's runCofl.
import type { Run } from '@cofl/test-support'
import { runCli } from '../src/index.js'

/** `cofl ARGV...` in this process. */
export async function cli (...argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}
