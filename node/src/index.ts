/**
 * @packageDocumentation
 *
 * The cofl peer node and its command line (`cofl`). For now: keys, achievements, issuing,
 * status lists and verification from the CLI; the networked node comes next.
 *
 * @example
 * ```ts
 * import { runCli } from 'cofl'
 * process.exitCode = await runCli(['verify', 'badge.json', '--json'])
 * ```
 */
export { EXIT, mainHelp, runCli } from './cli.js'
export type { CliIo } from './cli.js'
export * from './errors.js'
export { achievementFromJson, issueCredential, signAchievement } from './issue.js'
export type { IssueInit } from './issue.js'
