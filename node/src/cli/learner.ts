/**
 * `cofl learner forget EMAIL|DID`: a learner's request to be forgotten, on a running node
 * (POST /api/learners/forget with the admin token). Like the other commands on a node's data
 * (`cofl offer`, `cofl credential ...`), it works through the node's HTTP API: the node holds the
 * store, and the data key that opens it, while it runs.
 */
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import type { ForgetItem, ForgetResult } from '../app/forget.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { json } from './command.js'
import type { Command } from './command.js'

function line (item: ForgetItem): string {
  return `  ${item.count != null ? `${item.count} ` : ''}${item.what}${item.why != null ? `\n      why: ${item.why}` : ''}\n`
}

export const COMMANDS: Record<string, Command> = {
  'learner forget': {
    summary: 'erase every record of a learner (by email or DID) on a running node; says what was kept and why',
    usage: `cofl learner forget EMAIL|DID [--json] ${CONNECTION_USAGE}`,
    help: [
      'A learner\'s request to be forgotten. The node follows the person from the email or DID given',
      'to the offers made to them, the DIDs that claimed those offers and the emails of the offers',
      'those DIDs claimed, then erases: the names, emails and DIDs of those offers (an open offer',
      'ends), the DID and the copy of the credential in the issuance log (the DID replaced by a random',
      'stand-in), and the learner\'s OB 3.0 grants, tokens and records. It keeps what revocation needs',
      '(credential id, status list and index) and what the city\'s analytics count, and says so.',
      'Prints what was removed and kept (--json: the node\'s answer as JSON).',
      '',
      'Old values may stay in the store\'s files until level compacts them (the names and emails in',
      'them encrypted with the node\'s data key, the DIDs of older issuance records not).',
      '',
      CONNECTION_HELP
    ].join('\n'),
    options: { ...connectionOptions, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const who = (positionals[0] as string).trim()
      if (who === '') throw new UsageError('give the learner\'s email or DID (cofl learner forget EMAIL|DID)')
      const body = who.startsWith('did:') ? { did: who } : who.includes('@') ? { email: who } : undefined
      if (body == null) throw new UsageError(`${JSON.stringify(who)} is neither an email (with an @) nor a DID (did:...)`)
      const result = await callNode(await target(values, true), 'POST', '/api/learners/forget', body) as ForgetResult
      if (values.json === true) {
        io.stdout(json(result))
        return EXIT.ok
      }
      io.stdout([
        `forgotten: ${who} (${result.found.emails} email(s) and ${result.found.dids} DID(s) of this person found)\n`,
        'removed:\n', ...result.removed.map(line),
        'kept:\n', ...result.kept.map(line)
      ].join(''))
      return EXIT.ok
    }
  }
}
