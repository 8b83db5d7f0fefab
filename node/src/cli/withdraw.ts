/**
 * `cofl withdraw`: the city withdraws a document it published, on a running node.
 */
import { EXIT, WITHDRAWN_KINDS } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { json } from './command.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
  withdraw: {
    summary: 'withdraw a document this city published (achievement, endorsement, pathway, ...): every node removes it',
    usage: `cofl withdraw KIND ID ${CONNECTION_USAGE}`,
    help: `KIND is one of ${WITHDRAWN_KINDS.join(', ')}; ID the document's id. A signed withdrawal goes to\nevery node: each removes the document, stops serving it and refuses that version from then on.\nPublishing the document again later makes a new version. Credentials issued already keep their\nachievement inside them (revoke those to end them). Prints {"id", "cid", "sequence", "withdrawn", "withdrawal"}.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions },
    positionals: [2, 2],
    async run (values, positionals, io) {
      const [kind, id] = positionals as [string, string]
      if (!(WITHDRAWN_KINDS as readonly string[]).includes(kind)) throw new UsageError(`KIND must be one of ${WITHDRAWN_KINDS.join(', ')}, not ${kind}`)
      io.stdout(json(await callNode(await target(values, true), 'POST', '/api/withdrawals', { kind, id })))
      return EXIT.ok
    }
  }
}
