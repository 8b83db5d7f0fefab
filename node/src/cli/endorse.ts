/**
 * `cofl endorse`: the city endorses an issuer on a running node.
 */
import { EXIT } from '../app/constants.js'
import { assertResolvableDid } from '../app/issue.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { json, str } from './command.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
  endorse: {
    summary: 'endorse an issuer (an EndorsementCredential of its DID by this city), published',
    usage: `cofl endorse DID [--comment TEXT] [--name NAME] ${CONNECTION_USAGE}`,
    help: `Nodes that trust this city then trust the issuer (the verifier reports the chain).\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, comment: { type: 'string' }, name: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const body: Record<string, unknown> = { issuer: positionals[0] }
      await assertResolvableDid(positionals[0] as string, 'the issuer to endorse')
      if (str(values.comment) != null) body.comment = str(values.comment)
      if (str(values.name) != null) body.name = str(values.name)
      io.stdout(json(await callNode(await target(values, true), 'POST', '/api/endorsements', body)))
      return EXIT.ok
    }
  }
}
