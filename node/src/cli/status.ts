/**
 * `cofl revoke`, `cofl suspend`, `cofl unsuspend` and `cofl status publish`: an issuer's status
 * lists kept in a directory, offline.
 */
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { signCredential } from '@cofl/credentials'
import { openStatusRegistry, STATUS_PURPOSES, statusEntries } from '@cofl/status'
import type { StatusPurpose, StatusRegistry } from '@cofl/status'
import { EXIT } from '../app/constants.js'
import { InputError } from '../app/errors.js'
import { fsReason, openKey, readJsonObject, writeFileAtomic } from './io.js'
import { json, passphraseOption, required, str } from './command.js'
import type { CliIo, Command } from './command.js'

/** Runs `fn` on the status registry kept in `directory`; `create`: make the directory when missing (`cofl issue --status`). */
export async function withRegistry<T> (directory: string, issuer: string, fn: (registry: StatusRegistry) => Promise<T>, create = false): Promise<T> {
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

export const COMMANDS: Record<string, Command> = {
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
  }
}
