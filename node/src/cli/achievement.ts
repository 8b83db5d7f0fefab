/**
 * `cofl achievement`: sign an achievement (badge class) offline, or define and list them on a
 * running node.
 */
import { EXIT, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE } from '../app/constants.js'
import { callNode, CONNECTION_HELP, CONNECTION_USAGE, connectionOptions, target } from './client.js'
import { detectFormat } from '@cofl/formats'
import { UsageError } from '../app/errors.js'
import { readInput, readJsonObject, openKey } from './io.js'
import { json, passphraseOption, required, str } from './command.js'
import type { Command } from './command.js'

/** An image file as the data: URI POST /api/achievements takes (the node checks it; its type from its bytes). */
function imageDataUri (bytes: Uint8Array): string {
  const type = detectFormat(bytes) === 'png' ? 'image/png' : 'image/svg+xml'
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`
}

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
    usage: `cofl achievement create FIELDS.json [--image FILE] ${CONNECTION_USAGE}`,
    help: `FIELDS.json holds an Achievement's fields: "name", "description", "criteria" (a narrative\nstring or {"narrative"}), and optionally "id", "image", "alignment", "achievementType", "tag".\n--image FILE gives the badge its image: a PNG or an SVG of at most ${MAX_IMAGE_BYTES / 1024} KiB (a PNG at most\n${MAX_IMAGE_SIDE} pixels a side; its text chunks are removed; an SVG with a script, an event handler, a\nforeignObject or a reference outside itself is refused). The node publishes it with the\nachievement, and every node serves it (GET /api/images/...).\nPrints {"id", "cid", "achievement"}. - reads standard input.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, image: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const fields = await readJsonObject(positionals[0] as string, 'the fields of an achievement')
      const imagePath = str(values.image)
      if (imagePath != null) {
        if (fields.image != null) throw new UsageError('--image and an "image" in the fields: give one of them')
        fields.image = imageDataUri(await readInput(imagePath))
      }
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
