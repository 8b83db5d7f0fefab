/**
 * `cofl verify --batch DIR`: every credential file of a directory (*.json, and badge images
 * *.png / *.svg with a credential baked in) verified offline on the verifier's worker pool, one
 * worker thread per core by default. Prints one line per invalid file with its reason, then a
 * summary (`{"total","valid","invalid","seconds"}` with --json). Exit 0 when every file holds a
 * valid credential, 1 otherwise, 2 for bad usage (no such directory, no credential file in it, a
 * bad --workers).
 */
import { readdir, stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { verifyMany } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import { detectBadgeFormat, extractCredential, vcJwtReport } from '@cofl/wallet'
import { EXIT } from '../constants.js'
import { UsageError } from '../errors.js'
import { parseJson, readInput, readJsonObject } from '../io.js'
import { str } from './types.js'
import type { CliIo, Command, Values } from './types.js'

/** The files `--batch` reads (by name, any case); other files of the directory are left alone. */
export const BATCH_FILE = /\.(json|png|svg)$/i

/** Files read at the same time (a large directory must not run out of file descriptors). */
const READ_CONCURRENCY = 32

/** The most worker threads `--workers` accepts. */
export const MAX_BATCH_WORKERS = 256

const BATCH_USAGE = 'cofl verify --batch DIR [--workers N] [--status-list FILE]... [--json]'

const BATCH_HELP = `With --batch DIR, verifies every credential file in DIR (not its subdirectories): *.json,
and *.png / *.svg badges with a credential baked in, on a pool of worker threads (--workers N,
default one per core; 0 verifies on the main thread). Prints one line per invalid file,
"FILE: reason" (a file that cannot be read or parsed counts as invalid), then a summary; with
--json, one JSON object per invalid file ({"file","reason","codes"}) and the summary
{"total","valid","invalid","seconds"}. Exit 0 when every file is valid, 1 when one is not,
2 when DIR does not exist or holds no credential file. (A presentation in DIR fails: there is no
challenge to check it against.)`

/** One file of the batch: what it holds, or why it cannot be verified. */
type Entry = { file: string, input: unknown } | { file: string, report: VerificationReport } | { file: string, unreadable: string }

async function readEntry (dir: string, file: string): Promise<Entry> {
  try {
    const bytes = await readInput(join(dir, file))
    const format = detectBadgeFormat(bytes)
    if (format === undefined) return { file, input: parseJson(bytes, file, 'a credential') }
    const baked = extractCredential(bytes)
    if (baked === undefined) return { file, unreadable: `${format === 'png' ? 'a PNG' : 'an SVG'} image with no baked credential` }
    if (typeof baked.value === 'string') return { file, report: vcJwtReport(baked.value) }
    return { file, input: baked.value }
  } catch (err) {
    // The reason without the directory, which every line would repeat.
    return { file, unreadable: ((err as Error)?.message ?? String(err)).split(join(dir, file)).join(file) }
  }
}

function workersOf (value: unknown): number {
  const text = str(value)
  if (text == null) return availableParallelism()
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > MAX_BATCH_WORKERS) {
    throw new UsageError(`--workers ${JSON.stringify(text)} is not a whole number from 0 to ${MAX_BATCH_WORKERS}`)
  }
  return n
}

/** The failed checks of a report, as one line. */
function reasonOf (report: VerificationReport): string {
  const failed = report.checks.filter((c) => c.outcome === 'failed')
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
  const workers = workersOf(values.workers)
  const files = await credentialFiles(dir)
  const statusLists: unknown[] = []
  for (const path of (values['status-list'] as string[] | undefined) ?? []) statusLists.push(await readJsonObject(path, 'a status list credential'))

  const started = performance.now()
  const entries: Entry[] = []
  for (let i = 0; i < files.length; i += READ_CONCURRENCY) {
    entries.push(...await Promise.all(files.slice(i, i + READ_CONCURRENCY).map(async (file) => await readEntry(dir, file))))
  }
  const toVerify = entries.filter((e): e is { file: string, input: unknown } => 'input' in e)
  const reports = toVerify.length === 0 ? [] : await verifyMany(toVerify.map((e) => e.input), { workers, statusLists })
  const byFile = new Map(toVerify.map((e, i) => [e.file, reports[i] as VerificationReport]))
  const seconds = Math.round(performance.now() - started) / 1000

  const json = values.json === true
  let invalid = 0
  for (const entry of entries) {
    const report = 'report' in entry ? entry.report : byFile.get(entry.file)
    if (report?.verified === true) continue
    invalid++
    const reason = 'unreadable' in entry ? entry.unreadable : reasonOf(report as VerificationReport)
    if (json) {
      const codes = report == null ? [] : report.checks.filter((c) => c.outcome === 'failed' && c.code != null).map((c) => c.code)
      io.stdout(JSON.stringify({ file: entry.file, reason, codes }) + '\n')
    } else {
      io.stdout(`${entry.file}: ${reason}\n`)
    }
  }
  const total = entries.length
  const valid = total - invalid
  if (json) {
    io.stdout(JSON.stringify({ total, valid, invalid, seconds }) + '\n')
  } else {
    io.stdout(`${total} file${total === 1 ? '' : 's'}: ${valid} valid, ${invalid} invalid (${seconds} s, ${workers === 0 ? 'main thread' : `up to ${workers} worker thread${workers === 1 ? '' : 's'}`})\n`)
  }
  return invalid === 0 ? EXIT.ok : EXIT.invalid
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
