/**
 * `cofl keys`: make a key and its did:key, show the DID of a key file, sign the DID's issuer Profile.
 */
import { generateKeyPair, writeKeyFile } from '@cofl/identity'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { openKey, passphrase, writeFileAtomic } from './io.js'
import { json, passphraseOption, required, str } from './command.js'
import type { Command } from './command.js'

export const COMMANDS: Record<string, Command> = {
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
  'keys profile': {
    summary: 'sign the issuer Profile of a key\'s DID (for a provider without a node, to be endorsed)',
    usage: 'cofl keys profile --key FILE --name NAME [--url URL] [--email EMAIL] [--out FILE] [--passphrase-file FILE]',
    help: 'The Profile document of the key\'s DID, signed by that key: what a city node publishes as its\nown Profile. A learning provider without a node hands it to the city, which endorses it with\n`cofl endorse FILE` (the city checks it and does not publish it; the endorsement, with the name,\nis public). --url and --email are the provider\'s, not a person\'s. Printed, or written to FILE\nwith --out.',
    options: { key: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, email: { type: 'string' }, out: { type: 'string' }, ...passphraseOption },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const name = required(values, 'name')
      const out = str(values.out)
      const url = str(values.url)
      const email = str(values.email)
      if (url != null && !/^https?:\/\/[^/\s]+\S*$/i.test(url)) throw new UsageError(`--url ${JSON.stringify(url)} is not an http(s) URL`)
      if (email != null && !/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`--email ${JSON.stringify(email)} is not an email address`)
      const key = await openKey(required(values, 'key'), str(values['passphrase-file']))
      const { signIssuerProfile } = await import('../app/issue.js')
      const profile = await signIssuerProfile(key, { name, url, email })
      if (out == null) io.stdout(json(profile))
      else {
        await writeFileAtomic(out, json(profile))
        io.stdout(`${out}\n`)
      }
      return EXIT.ok
    }
  }
}
