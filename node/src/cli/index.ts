/**
 * The `cofl` command line: the entry (`runCli`) and the dispatcher. Each command lives in the
 * module of its first word (keys.ts, achievement.ts, issue.ts, status.ts, verify.ts, node.ts,
 * credential.ts, endorse.ts, offers.ts, wallet.ts, progress.ts, learner.ts, version.ts), which exports its
 * `COMMANDS`; a new command is a file here and a line in `MODULES` below.
 *
 * Exit codes (docs/errors.md): 0 valid / done, 1 verified invalid, 2 bad usage, unusable input or
 * a refusal (one line on stderr, no stack trace), 3 cannot be checked here (`cofl verify`), 70 an
 * internal error (a bug: its stack is printed with DEBUG=cofl:*), 130 interrupted at a prompt.
 */
import { parseArgs } from 'node:util'
import { EXIT } from '../app/constants.js'
import { InterruptedError, UsageError } from '../app/errors.js'
import { fsReason } from './io.js'
import type { CliIo, Command } from './command.js'

export { EXIT }
export type { CliIo }
export { version } from './version.js'

const defaultIo: CliIo = {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  stderrIsTTY: process.stderr.isTTY === true
}

type CommandModule = () => Promise<{ COMMANDS: Record<string, Command> }>

const keys: CommandModule = async () => await import('./keys.js')
const achievement: CommandModule = async () => await import('./achievement.js')
const issue: CommandModule = async () => await import('./issue.js')
const status: CommandModule = async () => await import('./status.js')
const verify: CommandModule = async () => await import('./verify.js')
const version: CommandModule = async () => await import('./version.js')
const node: CommandModule = async () => await import('./node.js')
const credential: CommandModule = async () => await import('./credential.js')
const endorse: CommandModule = async () => await import('./endorse.js')
const withdraw: CommandModule = async () => await import('./withdraw.js')
const offers: CommandModule = async () => await import('./offers.js')
const wallet: CommandModule = async () => await import('./wallet.js')
const progress: CommandModule = async () => await import('./progress.js')
const learner: CommandModule = async () => await import('./learner.js')

/**
 * Every command and the module that holds it, in the order the help lists them. A module is
 * imported when one of its commands runs (or the help lists them all), so that `cofl verify`
 * does not load what only `cofl node start` needs.
 */
const MODULES: Record<string, CommandModule> = {
  'keys new': keys,
  'keys show': keys,
  'keys profile': keys,
  'achievement sign': achievement,
  issue,
  revoke: status,
  suspend: status,
  unsuspend: status,
  'status publish': status,
  verify,
  version,
  'node start': node,
  'achievement create': achievement,
  'achievement list': achievement,
  'credential issue': credential,
  'credential show': credential,
  'credential revoke': credential,
  'credential suspend': credential,
  'credential unsuspend': credential,
  endorse,
  withdraw,
  offer: offers,
  'wallet init': wallet,
  'wallet claim': wallet,
  'wallet list': wallet,
  'wallet show': wallet,
  'wallet present': wallet,
  'wallet bake': wallet,
  'wallet export': wallet,
  'wallet import': wallet,
  'wallet remove': wallet,
  'wallet grants': wallet,
  'wallet refresh': wallet,
  'wallet progress': progress,
  'learner forget': learner
}

/** The command called `name`, its module imported; undefined when there is none. */
async function commandNamed (name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(MODULES, name) ? MODULES[name] : undefined
  if (load == null) return undefined
  const command = (await load()).COMMANDS[name]
  if (command == null) throw new Error(`the module of the command "${name}" does not export it`)
  return command
}

/** Every command, in the order the help lists them. */
async function commands (): Promise<Record<string, Command>> {
  const all: Record<string, Command> = {}
  for (const name of Object.keys(MODULES)) all[name] = await commandNamed(name) as Command
  return all
}

const GROUPS = ['keys', 'achievement', 'status', 'node', 'credential', 'wallet', 'learner']

function commandHelp (name: string, command: Command): string {
  return `${command.usage}\n\n${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.\n\n${command.help}\n`
}

/** The usage lines of a group of commands (`cofl keys`). */
async function groupHelp (group: string): Promise<string> {
  const sub = Object.entries(await commands()).filter(([n]) => n.startsWith(`${group} `))
  return `Usage:\n${sub.map(([, c]) => `  ${c.usage}`).join('\n')}\n`
}

/** `cofl help WORDS...`: the help of a command or a group; exit 2 for one that does not exist. */
async function helpOf (words: string[], io: CliIo): Promise<number> {
  const name = words.join(' ')
  const command = await commandNamed(name)
  if (name === 'help') io.stdout(await mainHelp())
  else if (command != null) io.stdout(commandHelp(name, command))
  else if (words.length === 1 && GROUPS.includes(name)) io.stdout(await groupHelp(name))
  else {
    io.stderr(`cofl: there is no command "${name}" (cofl --help lists the commands)\n`)
    return EXIT.usage
  }
  return EXIT.ok
}

/** The help `cofl --help` prints: every command with its summary. */
export async function mainHelp (): Promise<string> {
  const all = await commands()
  const width = Math.max(...Object.keys(all).map((n) => n.length))
  return [
    'cofl: a federated, decentralised Open Badges network for Cities of Learning',
    '',
    'Usage: cofl <command> [options]    (cofl <command> --help for a command\'s options)',
    '',
    'Commands:',
    ...Object.entries(all).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 valid / done, 1 verified invalid, 2 bad usage, unusable input or refused by the node,',
    '3 cannot be checked here (cofl verify), 70 an internal error (a bug), 130 interrupted at a prompt.',
    ''
  ].join('\n')
}

function describe (err: unknown): string {
  const e = err as { message?: string }
  return (e?.message ?? String(err)).split('\n')[0] as string
}

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function runCli (argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [first, second] = argv
  if (first === 'help' && argv.length > 1) return await helpOf(argv.slice(1), io)
  if (first == null || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(await mainHelp())
    return first == null ? EXIT.usage : EXIT.ok
  }
  if (first === '--version' || first === '-v') return await runCli(['version'], io)
  const grouped = GROUPS.includes(first)
  const name = grouped ? `${first} ${second ?? ''}`.trim() : first
  const command = await commandNamed(name)
  if (command == null) {
    if (grouped && (second == null || second === '--help' || second === '-h')) {
      io.stdout(await groupHelp(first))
      return second == null ? EXIT.usage : EXIT.ok
    }
    io.stderr(`cofl: unknown command "${name}" (cofl --help lists the commands)\n`)
    return EXIT.usage
  }
  const args = argv.slice(grouped ? 2 : 1)
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(commandHelp(name, command))
    return EXIT.ok
  }
  try {
    let parsed
    try {
      parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true })
    } catch (err) {
      throw new UsageError(`${describe(err).replace(/\. To specify a positional argument.*$/, '')} (cofl ${name} --help)`)
    }
    const [min, max] = command.positionals
    if (parsed.positionals.length < min) throw new UsageError(`missing argument (usage: ${command.usage})`)
    if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max] ?? ''}" (usage: ${command.usage})`)
    return await command.run(parsed.values, parsed.positionals, io)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('COFL_ERR_')) {
      io.stderr(`cofl: ${(err as Error).message}\n`)
      return err instanceof InterruptedError ? EXIT.interrupted : EXIT.usage
    }
    // A file that cannot be read or written (a path given on the command line, mostly): said in words.
    const fsError = err as NodeJS.ErrnoException
    if (typeof fsError.syscall === 'string' && typeof fsError.path === 'string' && typeof code === 'string' && code.startsWith('E')) {
      const operation = fsError.syscall === 'open' ? 'open' : ['read', 'stat', 'lstat', 'scandir', 'opendir', 'access', 'readlink'].includes(fsError.syscall) ? 'read' : 'write'
      io.stderr(`cofl: cannot ${operation} ${fsError.path}: ${fsReason(err, operation)}\n`)
      return EXIT.usage
    }
    io.stderr(`cofl: internal error: ${describe(err)}${process.env.DEBUG?.includes('cofl') === true ? `\n${(err as Error).stack ?? ''}` : ' (run with DEBUG=cofl:* for details)'}\n`)
    return EXIT.internal
  }
}
