/**
 * `cofl endorse`: the city endorses an issuer on a running node.
 */
import { existsSync } from 'node:fs'
import { EXIT } from '../app/constants.js'
import { InputError } from '../app/errors.js'
import { assertResolvableDid } from '../app/issue.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { json, str } from './command.js'
import { idOrDocument, URI } from './refs.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
  endorse: {
    summary: 'endorse an issuer (an EndorsementCredential of its DID by this city), published',
    usage: `cofl endorse DID|PROFILE.json [--comment TEXT] [--name NAME] ${CONNECTION_USAGE}`,
    help: `Nodes that trust this city then trust the issuer (the verifier reports the chain). Only an\nissuer can be endorsed, never a learner: a DID whose node has published its issuer Profile (this\nnode must hold it), or a provider without a node that hands over its Profile signed by its own\nkey (PROFILE.json, written by \`cofl keys profile\`): the node checks it (a Profile of that DID,\nsigned by it) and does not publish it; --name defaults to its name. The endorsement is public:\nthe DID, --name and --comment go to every node of the federation, so write nothing personal in\nthem. \`cofl withdraw endorsement ID\` withdraws it.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, comment: { type: 'string' }, name: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const ref = positionals[0] as string
      if (!URI.test(ref) && !existsSync(ref)) {
        throw new InputError(`the issuer to endorse ${JSON.stringify(ref)} is neither a DID nor a file (an issuer's signed Profile, from \`cofl keys profile\`)`)
      }
      const { id: issuer, document: profile } = await idOrDocument(ref, 'an issuer\'s signed Profile, from `cofl keys profile`')
      await assertResolvableDid(issuer, 'the issuer to endorse')
      const body: Record<string, unknown> = { issuer }
      if (profile != null) body.profile = profile
      if (str(values.comment) != null) body.comment = str(values.comment)
      if (str(values.name) != null) body.name = str(values.name)
      io.stdout(json(await callNode(await target(values, true), 'POST', '/api/endorsements', body)))
      return EXIT.ok
    }
  }
}
