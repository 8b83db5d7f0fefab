/**
 * `cofl keys`: make a key and its did:key, show the DID of a key file.
 */
import { generateKeyPair, writeKeyFile } from '@cofl/identity'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { openKey, passphrase } from './io.js'
import { passphraseOption, required, str } from './command.js'
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
  }
}
