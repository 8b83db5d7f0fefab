/**
 * The shape of a `cofl` command and the helpers that commands share.
 */
import type { ParseArgsConfig } from 'node:util'
import type { VerificationReport } from '@cofl/verifier'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stderr is a terminal (progress bars); default false. */
  stderrIsTTY?: boolean
}

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>

export interface Command {
  summary: string
  usage: string
  help: string
  options: NonNullable<ParseArgsConfig['options']>
  positionals: [min: number, max: number]
  run: (values: Values, positionals: string[], io: CliIo) => Promise<number>
}

/** `--passphrase-file FILE`: the passphrase of a key file, instead of $COFL_PASSPHRASE or a prompt. */
export const passphraseOption = { 'passphrase-file': { type: 'string' } } as const

export function str (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function strings (value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined
}

export function required (values: Record<string, unknown>, name: string): string {
  const value = str(values[name])
  if (value == null || value.length === 0) throw new UsageError(`--${name} is required`)
  return value
}

/**
 * The exit code of a verification report: 0 valid, 1 invalid, 3 cannot be checked here. A report
 * without a verdict (a node from before verdicts) is valid or invalid by `verified`.
 */
export function exitOfReport (report: Pick<VerificationReport, 'verdict' | 'verified'>): number {
  const verdict = report.verdict ?? (report.verified ? 'valid' : 'invalid')
  return verdict === 'valid' ? EXIT.ok : verdict === 'indeterminate' ? EXIT.indeterminate : EXIT.invalid
}

export function json (value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}
