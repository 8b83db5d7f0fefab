/**
 * `cofl issue`: issue an OpenBadgeCredential offline, with a key file and optionally the issuer's
 * status lists kept in a directory.
 */
import { STATUS_PURPOSES } from '@cofl/status'
import type { StatusPurpose } from '@cofl/status'
import { EXIT } from '../app/constants.js'
import { InputError, UsageError } from '../app/errors.js'
import { openKey, readJsonObject } from './io.js'
import { withRegistry } from './status.js'
import { json, passphraseOption, required, str } from './command.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
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
      const { assertResolvableDid, issueCredential } = await import('../app/issue.js')
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
  }
}
