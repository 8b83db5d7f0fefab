/**
 * `cofl credential`: issue, show, revoke, suspend and unsuspend credentials on a running node.
 */
import type { IssuedCredential, StatusChange } from '@cofl/api'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { assertResolvableDid } from '../app/issue.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { idOf } from './refs.js'
import { json, required, str } from './command.js'
import type { Command } from './command.js'

function statusCommand (action: 'revoke' | 'suspend' | 'unsuspend', summary: string, help: string): Command {
  return {
    summary,
    usage: `cofl credential ${action} CREDENTIAL_ID|FILE [--now] ${CONNECTION_USAGE}`,
    help: `${help}\n\nThe node publishes its changed status lists together, once per interval (config\nstatus.publishIntervalMs, 5 minutes by default), so that a new version does not tell which\ncredential changed and when. --now publishes this list at once (an urgent revocation).\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, now: { type: 'boolean' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const credentialId = await idOf(positionals[0] as string, 'a credential')
      const body = { credentialId, ...(values.now === true ? { now: true } : {}) }
      const result = await callNode(await target(values, true), 'POST', `/api/credentials/${action}`, body) as StatusChange
      const verb = action === 'revoke' ? 'revoked' : action === 'suspend' ? 'suspended' : 'unsuspended'
      const when = result.published
        ? `published ${result.listId} (sequence ${String(result.sequence)})`
        : `${result.listId} will be published at ${String(result.publishAt)} with the node's other changes (--now publishes at once)`
      io.stdout(`${result.changed ? verb : `already ${verb}`}: ${credentialId}; ${when}\n`)
      return EXIT.ok
    }
  }
}

export const COMMANDS: Record<string, Command> = {
  'credential issue': {
    summary: 'issue an OpenBadgeCredential on a running node; prints it',
    usage: `cofl credential issue --achievement ID|FILE --subject DID [--status-purpose revocation|suspension] [--valid-until DATE] ${CONNECTION_USAGE}`,
    help: `ID is an achievement the node holds (cofl achievement list), or FILE the JSON that\n\`cofl achievement create\` printed. The credential carries a status\nentry (revocation by default; suspension to suspend and reinstate it) and is recorded in the\nnode's issuance log before it is printed. It is never published. A pathway badge that it\ncompletes for the subject is issued with it and named on standard error.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, achievement: { type: 'string' }, subject: { type: 'string' }, 'status-purpose': { type: 'string' }, 'valid-until': { type: 'string' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const body: Record<string, unknown> = { achievementId: await idOf(required(values, 'achievement'), 'an achievement'), subject: required(values, 'subject') }
      // The node refuses it too (400); said here first, in the same words, without a round trip.
      await assertResolvableDid(body.subject as string, 'the subject')
      if (str(values['status-purpose']) != null) body.statusPurpose = str(values['status-purpose'])
      const until = str(values['valid-until'])
      if (until != null) {
        const date = new Date(until)
        if (Number.isNaN(date.getTime())) throw new UsageError(`--valid-until ${JSON.stringify(until)} is not a date (e.g. 2027-06-30 or 2027-06-30T12:00:00Z)`)
        body.validUntil = date.toISOString().replace(/\.\d{3}Z$/, 'Z')
      }
      const { credential, awards } = await callNode(await target(values, true), 'POST', '/api/credentials', body) as IssuedCredential
      io.stdout(json(credential))
      // Pathway badges this credential completed, issued with it (kept in the node's issuance log).
      for (const award of awards ?? []) {
        const achievement = (award.credentialSubject as { achievement?: { name?: unknown, id?: unknown } } | undefined)?.achievement
        io.stderr(`also issued the pathway badge ${JSON.stringify(achievement?.name ?? achievement?.id ?? '?')} (${String(award.id)}): this credential completed one of the node's pathways\n`)
      }
      return EXIT.ok
    }
  },
  'credential show': {
    summary: 'a credential of the issuance log of a running node (with its status)',
    usage: `cofl credential show CREDENTIAL_ID|FILE ${CONNECTION_USAGE}`,
    help: `Prints the issuance record: the credential, its subject, its status entry, revoked / suspended.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const credentialId = await idOf(positionals[0] as string, 'a credential')
      io.stdout(json(await callNode(await target(values, true), 'GET', `/api/credentials/${encodeURIComponent(credentialId)}`)))
      return EXIT.ok
    }
  },
  'credential revoke': statusCommand('revoke', 'revoke a credential issued by a running node; its list is published at the next tick (or --now)', 'Revocation is final. The new status list version is signed and published to the federation.'),
  'credential suspend': statusCommand('suspend', 'suspend a credential issued with --status-purpose suspension', 'The new status list version is signed and published; `cofl credential unsuspend` lifts it.'),
  'credential unsuspend': statusCommand('unsuspend', 'lift the suspension of a credential', 'The new status list version is signed and published.')
}
