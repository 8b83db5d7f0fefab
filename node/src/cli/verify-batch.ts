/**
 * `cofl verify --batch DIR`: every credential file of a directory (*.json, and badge images
 * *.png / *.svg with a credential baked in) verified offline, one thread per core by default: the
 * main thread and the verifier's worker threads, taking chunks from one queue. Prints one line per
 * file that is not valid (invalid, or cannot be checked here) with its reason, then a summary
 * (`{"total","valid","invalid","indeterminate","seconds"}` with --json). Exit 0 when every file
 * holds a valid credential, 1 when one is invalid, else 3 when one cannot be checked here, 2 for
 * bad usage (no such directory, no credential file in it, a bad --workers).
 *
 * Speed: with one thread (--workers 1, or one core) no worker starts, so the batch pays for one
 * V8 isolate's loading and warm-up, not two; with more, the workers load while the main thread
 * reads the files and starts verifying, and a worker gets chunks once it has loaded.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { vcJwtReport } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import { createVerifierPool, workersFor } from '@cofl/verifier/pool'
import { readCredential } from '@cofl/formats'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { MAX_INPUT_BYTES, readInput, readJsonObject } from './io.js'
import { str } from './command.js'
import type { CliIo, Command, Values } from './command.js'

/** The files `--batch` reads (by name, any case); other files of the directory are left alone. */
export const BATCH_FILE = /\.(json|png|svg)$/i

/** The most threads `--workers` accepts. */
export const MAX_BATCH_WORKERS = 256

const BATCH_USAGE = 'cofl verify --batch DIR [--workers N] [--status-list FILE]... [--json]'

const BATCH_HELP = `With --batch DIR, verifies every credential file in DIR (not its subdirectories): *.json,
and *.png / *.svg badges with a credential baked in, on N threads (--workers N, default one per
core): the main thread and N - 1 worker threads; 1 (or 0) verifies on the main thread alone.
Prints one line per file that is not valid, "FILE: reason" or "FILE: cannot be checked here:
reason" (a file that cannot be read or parsed counts as invalid), then a summary; with --json, one
JSON object per such file ({"file","verdict","reason","codes"}) and the summary {"total","valid",
"invalid","indeterminate","seconds"}. Exit 0 when every file is valid, 1 when one is invalid, else
3 when one cannot be checked here, 2 when DIR does not exist or holds no credential file. (A
presentation in DIR fails: there is no challenge to check it against.)`

/** One file of the batch: what it holds, or why it cannot be verified. */
type Entry = { file: string, input: unknown } | { file: string, report: VerificationReport } | { file: string, unreadable: string }

/**
 * The bytes of a file, read synchronously: a batch reads thousands of small files, and one
 * synchronous read costs a fraction of the four round trips through the thread pool of an
 * asynchronous one. A file that cannot be read so (or is too large) goes to readInput, whose error
 * says why.
 */
async function readFileBytes (path: string): Promise<Buffer> {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    if (fstatSync(fd).size <= MAX_INPUT_BYTES) return readFileSync(fd)
  } catch {
    // readInput's error below
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  return await readInput(path)
}

async function readEntry (dir: string, file: string): Promise<Entry> {
  try {
    // As `cofl verify`, the node and the verify page read a credential (@cofl/formats).
    const read = readCredential(await readFileBytes(join(dir, file)), { fileName: file })
    return read.vcJwt != null ? { file, report: vcJwtReport(read.vcJwt) } : { file, input: read.value }
  } catch (err) {
    // The reason without the directory, which every line would repeat.
    return { file, unreadable: ((err as Error)?.message ?? String(err)).split(join(dir, file)).join(file) }
  }
}

/** How many threads verify: --workers N, or one per core. */
function threadsOf (value: unknown): number {
  const text = str(value)
  if (text == null) return availableParallelism()
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > MAX_BATCH_WORKERS) {
    throw new UsageError(`--workers ${JSON.stringify(text)} is not a whole number from 0 to ${MAX_BATCH_WORKERS}`)
  }
  return n
}

/** The checks that make a report not valid (failed, else those that cannot be checked here), as one line. */
function reasonOf (report: VerificationReport): string {
  const failed = report.checks.filter((c) => c.outcome === (report.verdict === 'indeterminate' ? 'indeterminate' : 'failed'))
  return failed.length === 0 ? 'does not verify' : failed.map((c) => `${c.id}: ${c.reason}`).join('; ')
}

async function credentialFiles (dir: string): Promise<string[]> {
  let info
  try {
    info = await stat(dir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new UsageError(`--batch ${dir}: ${code === 'ENOENT' ? 'no such directory' : `cannot read it (${code ?? (err as Error).message})`}`, { cause: err })
  }
  if (!info.isDirectory()) throw new UsageError(`--batch ${dir}: not a directory`)
  const entries = await readdir(dir, { withFileTypes: true })
  const files = entries.filter((e) => !e.isDirectory() && BATCH_FILE.test(e.name)).map((e) => e.name).sort()
  if (files.length === 0) throw new UsageError(`--batch ${dir}: no credential file in it (*.json, *.png, *.svg)`)
  return files
}

/** Runs `cofl verify --batch`. */
export async function verifyBatch (values: Values, positionals: string[], io: CliIo): Promise<number> {
  const dir = str(values.batch) as string
  if (positionals.length > 0) throw new UsageError(`--batch takes a directory and no FILE (usage: ${BATCH_USAGE})`)
  for (const option of ['node', 'data', 'challenge', 'domain']) {
    if (values[option] != null) throw new UsageError(`--${option} goes without --batch`)
  }
  const threads = threadsOf(values.workers)
  const files = await credentialFiles(dir)
  const statusLists: unknown[] = []
  for (const path of (values['status-list'] as string[] | undefined) ?? []) statusLists.push(await readJsonObject(path, 'a status list credential'))

  const started = performance.now()
  // The workers (none for one thread, or for a batch the main thread does alone) load while the
  // files are read.
  const workers = workersFor(files.length, { workers: Math.max(0, threads - 1), callingThread: true })
  const pool = createVerifierPool({ workers, callingThread: true, statusLists })
  let entries: Entry[]
  let reports: VerificationReport[]
  let toVerify: Array<{ file: string, input: unknown }>
  try {
    entries = []
    for (const file of files) entries.push(await readEntry(dir, file))
    toVerify = entries.filter((e): e is { file: string, input: unknown } => 'input' in e)
    reports = toVerify.length === 0 ? [] : await pool.verifyMany(toVerify.map((e) => e.input))
  } finally {
    await pool.close()
  }
  const byFile = new Map(toVerify.map((e, i) => [e.file, reports[i] as VerificationReport]))
  const seconds = Math.round(performance.now() - started) / 1000

  const json = values.json === true
  let invalid = 0
  let indeterminate = 0
  for (const entry of entries) {
    const report = 'report' in entry ? entry.report : byFile.get(entry.file)
    if (report?.verified === true) continue
    // An unreadable file is invalid; a report from before verdicts, invalid unless verified.
    const verdict = report == null ? 'invalid' : report.verdict ?? 'invalid'
    if (verdict === 'indeterminate') indeterminate++
    else invalid++
    const reason = 'unreadable' in entry ? entry.unreadable : reasonOf(report as VerificationReport)
    if (json) {
      const codes = report == null ? [] : report.checks.filter((c) => (c.outcome === 'failed' || c.outcome === 'indeterminate') && c.code != null).map((c) => c.code)
      io.stdout(JSON.stringify({ file: entry.file, verdict, reason, codes }) + '\n')
    } else {
      io.stdout(`${entry.file}: ${verdict === 'indeterminate' ? 'cannot be checked here: ' : ''}${reason}\n`)
    }
  }
  const total = entries.length
  const valid = total - invalid - indeterminate
  if (json) {
    io.stdout(JSON.stringify({ total, valid, invalid, indeterminate, seconds }) + '\n')
  } else {
    io.stdout(`${total} file${total === 1 ? '' : 's'}: ${valid} valid, ${invalid} invalid, ${indeterminate} cannot be checked here (${seconds} s, ${pool.workers === 0 ? 'main thread' : `main thread and up to ${pool.workers} worker thread${pool.workers === 1 ? '' : 's'}`})\n`)
  }
  return invalid > 0 ? EXIT.invalid : indeterminate > 0 ? EXIT.indeterminate : EXIT.ok
}

/** `cofl verify` with `--batch DIR [--workers N]` added: the batch when --batch is given, `verify` otherwise. */
export function withBatch (verify: Command): Command {
  return {
    summary: `${verify.summary} (--batch DIR: every credential file of a directory)`,
    usage: `${verify.usage}\n       ${BATCH_USAGE}`,
    help: `${verify.help}\n\n${BATCH_HELP}`,
    options: { ...verify.options, batch: { type: 'string' }, workers: { type: 'string' } },
    positionals: [0, verify.positionals[1]],
    async run (values, positionals, io) {
      if (values.batch != null) return await verifyBatch(values, positionals, io)
      if (values.workers != null) throw new UsageError('--workers goes with --batch')
      if (positionals.length < verify.positionals[0]) throw new UsageError(`missing argument (usage: ${verify.usage})`)
      return await verify.run(values, positionals, io)
    }
  }
}
