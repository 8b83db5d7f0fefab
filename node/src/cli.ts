/**
 * The `cofl` command line. Exit codes (docs/errors.md): 0 valid / done, 1 verified invalid, 2 bad
 * usage, unusable input or a refusal (one line on stderr, no stack trace), 3 cannot be checked
 * here (`cofl verify`), 70 an internal error (a bug: its stack is printed with DEBUG=cofl:*), 130
 * interrupted at a prompt.
 */
import { readFileSync } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateKeyPair, writeKeyFile } from '@cofl/identity'
import { signCredential } from '@cofl/credentials'
import { openStatusRegistry, STATUS_PURPOSES, statusEntries } from '@cofl/status'
import type { StatusPurpose, StatusRegistry } from '@cofl/status'
import { createVerifier, formatReport, vcJwtReport } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import { readCredential } from '@cofl/formats'
import { findAbove } from './config.js'
import { EXIT } from './constants.js'
import { InputError, InterruptedError, UsageError } from './errors.js'
import { fsReason, openKey, passphrase, readInput, readJsonObject, writeFileAtomic } from './io.js'
import { withBatch } from './commands/verify-batch.js'
import { exitOfReport, json, required, str } from './commands/types.js'
import type { CliIo, Command } from './commands/types.js'

export { EXIT }
export type { CliIo }

const defaultIo: CliIo = {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  stderrIsTTY: process.stderr.isTTY === true
}

const passphraseOption = { 'passphrase-file': { type: 'string' } } as const

/** Runs `fn` on the status registry kept in `directory`; `create`: make the directory when missing (`cofl issue --status`). */
async function withRegistry<T> (directory: string, issuer: string, fn: (registry: StatusRegistry) => Promise<T>, create = false): Promise<T> {
  const info = await stat(directory).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && create) return undefined
    throw new InputError(`cannot read the status directory ${directory}: ${err.code === 'ENOENT' ? 'no such directory (`cofl issue --status DIR` makes it)' : fsReason(err, 'read')}`, { cause: err })
  })
  if (info != null && !info.isDirectory()) throw new InputError(`the status directory ${directory} is a file, not a directory`)
  if (info == null) await mkdir(directory, { recursive: true })
  const registry = await openStatusRegistry({ directory: join(directory, 'registry'), issuer })
  try {
    return await fn(registry)
  } finally {
    await registry.close()
  }
}

async function changeStatus (purpose: StatusPurpose, value: boolean, values: Record<string, unknown>, positionals: string[], io: CliIo): Promise<number> {
  const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
  const credential = await readJsonObject(positionals[0] as string, 'a credential')
  const entry = statusEntries(credential).find((e) => e.statusPurpose === purpose)
  if (entry == null) throw new InputError(`the credential has no ${purpose} status entry, so it cannot be ${purpose === 'revocation' ? 'revoked' : 'suspended'} (it was issued ${statusEntries(credential).length === 0 ? 'without --status' : `with --status-purpose ${String(statusEntries(credential)[0]?.statusPurpose)}`})`)
  return await withRegistry(required(values, 'status'), key.did, async (registry) => {
    const change = await registry.setStatus(entry as never, value)
    const verb = purpose === 'revocation' ? 'revoked' : value ? 'suspended' : 'unsuspended'
    io.stdout(`${change.changed ? verb : `already ${verb}`}: ${String(credential.id)} (${purpose} list ${change.listNumber}, index ${change.index}); run \`cofl status publish\` to publish the new list\n`)
    return EXIT.ok
  })
}

const COMMANDS: Record<string, Command> = {
  'keys new': {
    summary: 'create an Ed25519 key and its did:key; prints the DID',
    usage: 'cofl keys new --out FILE [--unencrypted] [--passphrase-file FILE]',
    help: 'The private key is encrypted with a passphrase (scrypt + AES-256-GCM) taken from\n$COFL_PASSPHRASE, --passphrase-file, or asked for on a terminal. --unencrypted writes it in\nclear, for tests only. The file is written with mode 0600 and never overwritten.',
    options: { out: { type: 'string' }, unencrypted: { type: 'boolean' }, ...passphraseOption },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const out = required(values, 'out')
      const key = await generateKeyPair()
      if (values.unencrypted === true) {
        await writeKeyFile(out, key, { unencrypted: true })
      } else {
        const secret = await passphrase({ passphraseFile: str(values['passphrase-file']), confirm: true })
        if (secret == null) throw new UsageError('a passphrase is needed: set COFL_PASSPHRASE, give --passphrase-file, or --unencrypted (tests only)')
        await writeKeyFile(out, key, { passphrase: secret })
      }
      io.stdout(`${key.did}\n`)
      return EXIT.ok
    }
  },
  'keys show': {
    summary: 'print the DID of a key file',
    usage: 'cofl keys show --key FILE [--passphrase-file FILE]',
    help: 'Opens the key (asking for its passphrase when encrypted) and prints its DID.',
    options: { key: { type: 'string' }, ...passphraseOption },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      io.stdout(`${(await openKey(required(values, 'key'), str(values['passphrase-file']))).did}\n`)
      return EXIT.ok
    }
  },
  'achievement sign': {
    summary: 'sign an achievement (badge class); prints the signed Achievement',
    usage: 'cofl achievement sign --key FILE [--issuer-name NAME] ACHIEVEMENT.json',
    help: 'ACHIEVEMENT.json holds the fields of an OB 3.0 Achievement: "name", "description",\n"criteria" (a narrative string or {"narrative"}), and optionally "id", "image", "alignment",\n"achievementType", "tag". The key\'s DID becomes its creator. - reads standard input.',
    options: { key: { type: 'string' }, 'issuer-name': { type: 'string' }, ...passphraseOption },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const fields = await readJsonObject(positionals[0] as string, 'the fields of an achievement')
      const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
      const { signAchievement } = await import('./issue.js')
      io.stdout(json(await signAchievement(key, fields, str(values['issuer-name']))))
      return EXIT.ok
    }
  },
  issue: {
    summary: 'issue an OpenBadgeCredential to a learner\'s DID; prints it',
    usage: 'cofl issue --key FILE --achievement FILE --subject DID [--status DIR [--status-purpose revocation|suspension]] [--issuer-name NAME] [--valid-until DATE]',
    help: 'With --status, the credential gets an entry in the issuer\'s status lists kept in DIR\n(created on first use): the revocation list, or with --status-purpose suspension the\nsuspension list (the OB 3.0 schema allows one status entry per credential). The index is\nstored before the credential is signed and is never handed out twice.',
    options: { key: { type: 'string' }, achievement: { type: 'string' }, subject: { type: 'string' }, status: { type: 'string' }, 'status-purpose': { type: 'string' }, 'issuer-name': { type: 'string' }, 'valid-until': { type: 'string' }, ...passphraseOption },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const path = required(values, 'achievement')
      const achievement = await readJsonObject(path, 'an achievement')
      if (achievement.proof == null) throw new InputError(`${path === '-' ? 'standard input' : path} is not a signed achievement: sign it first with \`cofl achievement sign\``)
      const { assertResolvableDid, issueCredential } = await import('./issue.js')
      const subject = required(values, 'subject')
      await assertResolvableDid(subject, 'the subject')
      let validUntil: Date | undefined
      const until = str(values['valid-until'])
      if (until != null) {
        validUntil = new Date(until)
        if (Number.isNaN(validUntil.getTime())) throw new UsageError(`--valid-until ${JSON.stringify(until)} is not a date (e.g. 2027-06-30 or 2027-06-30T12:00:00Z)`)
      }
      const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
      const init = { key, achievement, subject, ...(str(values['issuer-name']) != null ? { issuerName: str(values['issuer-name']) as string } : {}), ...(validUntil != null ? { validUntil } : {}) }
      const status = str(values.status)
      const statusPurpose = str(values['status-purpose']) ?? 'revocation'
      if (!(STATUS_PURPOSES as readonly string[]).includes(statusPurpose)) throw new UsageError(`--status-purpose must be ${STATUS_PURPOSES.join(' or ')}`)
      if (status == null && values['status-purpose'] != null) throw new UsageError('--status-purpose goes with --status')
      const credential = status == null
        ? await issueCredential(init)
        : await withRegistry(status, key.did, async (registry) => await issueCredential({ ...init, registry, statusPurpose: statusPurpose as StatusPurpose }), true)
      io.stdout(json(credential))
      return EXIT.ok
    }
  },
  revoke: {
    summary: 'revoke a credential issued with --status',
    usage: 'cofl revoke --status DIR --key FILE CREDENTIAL.json',
    help: 'Sets the credential\'s bit in the revocation list kept in DIR. Revocation is final.\nPublish the new list with `cofl status publish`.',
    options: { status: { type: 'string' }, key: { type: 'string' }, ...passphraseOption },
    positionals: [1, 1],
    run: async (values, positionals, io) => await changeStatus('revocation', true, values, positionals, io)
  },
  suspend: {
    summary: 'suspend a credential issued with --status',
    usage: 'cofl suspend --status DIR --key FILE CREDENTIAL.json',
    help: 'Sets the credential\'s bit in the suspension list; `cofl unsuspend` clears it.\nPublish the new list with `cofl status publish`.',
    options: { status: { type: 'string' }, key: { type: 'string' }, ...passphraseOption },
    positionals: [1, 1],
    run: async (values, positionals, io) => await changeStatus('suspension', true, values, positionals, io)
  },
  unsuspend: {
    summary: 'lift the suspension of a credential',
    usage: 'cofl unsuspend --status DIR --key FILE CREDENTIAL.json',
    help: 'Clears the credential\'s bit in the suspension list. Publish with `cofl status publish`.',
    options: { status: { type: 'string' }, key: { type: 'string' }, ...passphraseOption },
    positionals: [1, 1],
    run: async (values, positionals, io) => await changeStatus('suspension', false, values, positionals, io)
  },
  'status publish': {
    summary: 'sign a new version of every status list; writes them to DIR/published/',
    usage: 'cofl status publish --status DIR --key FILE',
    help: 'Writes one signed BitstringStatusListCredential per list and purpose, each with a\nsequence number higher than any version before it, to DIR/published/<purpose>-<n>.json,\nand prints their paths. Verifiers take them with `cofl verify --status-list FILE`.',
    options: { status: { type: 'string' }, key: { type: 'string' }, ...passphraseOption },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const directory = required(values, 'status')
      const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
      return await withRegistry(directory, key.did, async (registry) => {
        const out = join(directory, 'published')
        await mkdir(out, { recursive: true })
        for (let listNumber = 0; listNumber <= registry.cursor().listNumber; listNumber++) {
          for (const purpose of STATUS_PURPOSES) {
            const signed = await signCredential(await registry.buildListCredential(purpose, listNumber), { key })
            const path = join(out, `${purpose}-${listNumber}.json`)
            await writeFileAtomic(path, json(signed))
            io.stdout(`${path}\n`)
          }
        }
        return EXIT.ok
      })
    }
  },
  verify: {
    summary: 'verify a credential, a presentation or a baked badge image; prints the report',
    usage: 'cofl verify FILE [--status-list FILE]... [--challenge C [--domain D]] [--json]\n       cofl verify --node URL FILE [--challenge C [--domain D]] [--json]',
    help: 'FILE is a credential, a presentation, a baked badge image (PNG or SVG: the credential baked\ninto it is verified; a VC-JWT is reported as not supported), or - for standard input.\nChecks, in order: the data model, the OB 3.0 JSON Schema, the signature, revocation and\nsuspension (against the signed status lists given with --status-list), and the validity dates.\nA presentation is checked against the challenge (and domain) you gave its holder, and every\ncredential inside it.\nWith --node URL (or --data DIR of a running node), the node verifies it (POST /api/verify)\nwith the status lists of its replica and the issuer\'s trust.\nA key counts only when the issuer\'s own document binds it (a did:key issuer: its DID; a URL or\ndid:web issuer: its document, which is not resolved here), never a key named in a URL.\nExit 0 when valid, 1 when invalid (forged, tampered, revoked, expired), 3 when it cannot be\nchecked here (an unsupported cryptosuite, an issuer whose document cannot be resolved here, a\nstatus list that is not available). --json prints the report as one JSON object.',
    options: { 'status-list': { type: 'string', multiple: true }, challenge: { type: 'string' }, domain: { type: 'string' }, json: { type: 'boolean' }, node: { type: 'string' }, data: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const file = positionals[0] as string
      const print = (report: VerificationReport): number => {
        io.stdout(values.json === true ? JSON.stringify(report) + '\n' : formatReport(report) + '\n')
        return exitOfReport(report)
      }
      // JSON, a baked PNG / SVG badge or a VC-JWT, read as the node and the verify page read them
      // (@cofl/formats): a damaged image, one with nothing baked, or bytes that are not JSON are a
      // FormatError with its code, exit 2.
      const read = readCredential(await readInput(file), file === '-' ? { name: 'standard input' } : { fileName: file })
      if (read.vcJwt != null) return print(vcJwtReport(read.vcJwt))
      const input = read.value
      const domain = str(values.domain)
      const challenge = str(values.challenge)
      if (domain != null && challenge == null) throw new UsageError('--domain goes with --challenge')
      const options = { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) }
      if (values.node != null || values.data != null) {
        if (values['status-list'] != null) throw new UsageError('--status-list goes without --node: the node uses its own replica of the lists')
        const { verifyOnNode } = await import('./commands/node.js')
        return await verifyOnNode(values, input, options, io)
      }
      const lists: unknown[] = []
      for (const path of (values['status-list'] as string[] | undefined) ?? []) lists.push(await readJsonObject(path, 'a status list credential'))
      return print(await createVerifier({ statusLists: lists }).verify(input, options))
    }
  },
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
COMMANDS.verify = withBatch(COMMANDS.verify as Command)

let allCommands: Promise<Record<string, Command>> | undefined

/**
 * Every command, in the order the help lists them: those above, then those of the modules of
 * commands/ (a node's, offers, the wallet, progress). Those modules are imported here, when one
 * of their commands runs or the help lists them all, so that `cofl verify` does not load what only
 * they need.
 */
async function commands (): Promise<Record<string, Command>> {
  allCommands ??= Promise.all([
    import('./commands/node.js'), import('./commands/offers.js'), import('./commands/wallet.js'), import('./commands/progress.js')
  ]).then(([node, offers, wallet, progress]) => ({
    ...COMMANDS, ...node.NODE_COMMANDS, ...offers.OFFER_COMMANDS, ...wallet.WALLET_COMMANDS, ...progress.PROGRESS_COMMANDS
  }))
  return await allCommands
}

/** The command called `name`: one of those above without importing the others. */
async function commandNamed (name: string): Promise<Command | undefined> {
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name]
  const all = await commands()
  return Object.hasOwn(all, name) ? all[name] : undefined
}

const GROUPS = ['keys', 'achievement', 'status', 'node', 'credential', 'wallet']

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
