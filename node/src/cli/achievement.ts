/**
 * `cofl achievement`: sign an achievement (badge class) offline, or define and list them on a
 * running node.
 */
import { EXIT } from '../app/constants.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { readJsonObject, openKey } from './io.js'
import { json, passphraseOption, required, str } from './command.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
  'achievement sign': {
    summary: 'sign an achievement (badge class); prints the signed Achievement',
    usage: 'cofl achievement sign --key FILE [--issuer-name NAME] ACHIEVEMENT.json',
    help: 'ACHIEVEMENT.json holds the fields of an OB 3.0 Achievement: "name", "description",\n"criteria" (a narrative string or {"narrative"}), and optionally "id", "image", "alignment",\n"achievementType", "tag". The key\'s DID becomes its creator. - reads standard input.',
    options: { key: { type: 'string' }, 'issuer-name': { type: 'string' }, ...passphraseOption },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const fields = await readJsonObject(positionals[0] as string, 'the fields of an achievement')
      const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
      const { signAchievement } = await import('../app/issue.js')
      io.stdout(json(await signAchievement(key, fields, str(values['issuer-name']))))
      return EXIT.ok
    }
  },
  'achievement create': {
    summary: 'define an achievement on a running node: signed, stored, published',
    usage: `cofl achievement create FIELDS.json ${CONNECTION_USAGE}`,
    help: `FIELDS.json holds an Achievement's fields: "name", "description", "criteria" (a narrative\nstring or {"narrative"}), and optionally "id", "image", "alignment", "achievementType", "tag".\nPrints {"id", "cid", "achievement"}. - reads standard input.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const fields = await readJsonObject(positionals[0] as string, 'the fields of an achievement')
      io.stdout(json(await callNode(await target(values, true), 'POST', '/api/achievements', fields)))
      return EXIT.ok
    }
  },
  'achievement list': {
    summary: 'the catalogue of achievements a running node holds (from the whole federation)',
    usage: `cofl achievement list [--q TEXT] [--issuer DID] [--limit N] ${CONNECTION_USAGE}`,
    help: `Prints {"achievements", "next"}; --q searches names and descriptions.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, q: { type: 'string' }, issuer: { type: 'string' }, limit: { type: 'string' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const query = new URLSearchParams()
      for (const k of ['q', 'issuer', 'limit']) { const v = str(values[k]); if (v != null) query.set(k, v) }
      const qs = query.toString()
      io.stdout(json(await callNode(await target(values, false), 'GET', `/api/achievements${qs === '' ? '' : `?${qs}`}`)))
      return EXIT.ok
    }
  }
}
