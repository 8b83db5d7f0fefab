/**
 * `cofl version` (also `cofl --version`, `cofl -v`).
 */
import { readFileSync } from 'node:fs'
import { findAbove } from '../app/config.js'
import { EXIT } from '../app/constants.js'
import type { Command } from './command.js'

let packageVersion: string | undefined

/** The version of cofl: node/package.json's, found above this module (node/src or node/dist/src). */
export function version (): string {
  if (packageVersion != null) return packageVersion
  const path = findAbove('package.json')
  const json = path == null ? undefined : JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown, version?: unknown }
  if (json?.name !== 'cofl' || typeof json.version !== 'string') throw new Error(`the package.json of cofl was not found above ${import.meta.url} (found ${String(path)})`)
  packageVersion = json.version
  return packageVersion
}

export const COMMANDS: Record<string, Command> = {
  version: {
    summary: 'print the version of cofl',
    usage: 'cofl version',
    help: 'Also `cofl --version` and `cofl -v`.',
    options: {},
    positionals: [0, 0],
    async run (_values, _positionals, io) {
      io.stdout(`${version()}\n`)
      return EXIT.ok
    }
  }
}
