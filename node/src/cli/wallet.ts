/**
 * `cofl wallet ...`: the learner's wallet (@cofl/wallet) on the command line. The wallet is the
 * directory --wallet DIR, else $COFL_WALLET, else ~/.cofl/wallet.
 */
import { homedir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { keyFileIsEncrypted, readKeyFile } from '@cofl/identity'
import { CredentialNotFoundError, HOLDER_KEY_FILE, createWallet, nodeStatusLists, openWallet } from '@cofl/wallet'
import { bakePng, bakeSvg, detectFormat } from '@cofl/formats'
import type { HeldStatus, HeldSummary, NodeGrant, Wallet, WalletBackup } from '@cofl/wallet'
import { badgeToBake, credentialImageFile, fetchImage } from './badge-image.js'
import { resolveTarget } from './client.js'
import { EXIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { passphrase, readInput, readJsonObject, writeFileAtomic } from './io.js'
import { json, required, str } from './command.js'
import type { Command, Values } from './command.js'

/** The environment variable naming the wallet directory. */
export const WALLET_ENV = 'COFL_WALLET'

/** The wallet directory when neither --wallet nor $COFL_WALLET names one: ~/.cofl/wallet. */
export function defaultWalletDirectory (): string {
  return join(homedir(), '.cofl', 'wallet')
}

export const walletOption = { wallet: { type: 'string' }, 'passphrase-file': { type: 'string' } } as const
export const WALLET_HELP = 'The wallet is the directory --wallet DIR, else $COFL_WALLET, else ~/.cofl/wallet. Its holder key\nis opened with the passphrase from $COFL_PASSPHRASE, --passphrase-file FILE, or a prompt.'

function walletDirectory (values: Values): string {
  const env = process.env[WALLET_ENV]
  return resolve(str(values.wallet) ?? (env != null && env !== '' ? env : defaultWalletDirectory()))
}

/** Opens the wallet; with `key`, asks for the holder key's passphrase when the key is encrypted. */
export async function withWallet<T> (values: Values, options: { key: boolean }, fn: (wallet: Wallet) => Promise<T>): Promise<T> {
  const directory = walletDirectory(values)
  let secret: string | undefined
  if (options.key) {
    const keyPath = join(directory, HOLDER_KEY_FILE)
    const file = await readKeyFile(keyPath).catch(() => undefined)
    if (file != null && keyFileIsEncrypted(file)) {
      secret = await passphrase({ passphraseFile: str(values['passphrase-file']) })
      if (secret == null) throw new UsageError('the wallet\'s holder key is encrypted: set COFL_PASSPHRASE or give --passphrase-file')
    }
  }
  const wallet = await openWallet({ directory, ...(secret != null ? { passphrase: secret } : {}) })
  try {
    return await fn(wallet)
  } finally {
    await wallet.close()
  }
}

function statusText (status: HeldStatus): string {
  return status.state === 'unknown' ? 'status unknown' : status.state === 'none' ? 'not revocable' : status.state
}

function listLine (h: HeldSummary): string {
  const issuer = h.issuer.name != null ? `${h.issuer.name} (${h.issuer.id})` : h.issuer.id
  const flags = [statusText(h.status), ...(h.expired ? ['expired'] : []), ...(h.forced === true ? ['about someone else'] : []), ...(h.unchecked === true ? ['signature not checked: its issuer is not verified'] : [])]
  return `${h.id}  ${h.name ?? h.types.join(', ')}  from ${issuer}  [${flags.join(', ')}]`
}

/** One line of `cofl wallet grants`: id, the app's name (and address), its scopes in short, since and until. */
function grantLine (g: NodeGrant): string {
  const scopes = g.scope.map((s) => s.slice(s.lastIndexOf('/') + 1)).join(', ')
  return `${g.grantId}  ${g.clientName}${g.clientUri != null ? ` (${g.clientUri})` : ''}  may: ${scopes === '' ? 'nothing' : scopes}  since ${g.createdAt}, until ${g.expiresAt}`
}

/**
 * The id of the held credential that `ref` names: its id, else the one credential whose name (the
 * achievement's) contains `ref` as words, any case. Several such credentials: a usage error that
 * lists them, so that the learner can give an id.
 */
export async function heldId (wallet: Wallet, ref: string): Promise<string> {
  if (await wallet.get(ref) != null) return ref
  const words = ref.toLowerCase().split(/\s+/).filter((w) => w !== '')
  const matches = words.length === 0
    ? []
    : (await wallet.list()).filter((h) => { const name = (h.name ?? '').toLowerCase(); return words.every((w) => name.includes(w)) })
  if (matches.length === 1) return (matches[0] as HeldSummary).id
  if (matches.length === 0) throw new CredentialNotFoundError(`the wallet holds no credential ${ref}, by id or by name (cofl wallet list)`)
  throw new UsageError(`"${ref}" names ${matches.length} credentials of the wallet; give one of their ids:\n${matches.map((h) => `  ${listLine(h)}`).join('\n')}`)
}

/** The node's base URL for `refresh`: --node URL, else the node of --data DIR (or $COFL_DATA). */
export async function nodeUrl (values: Values): Promise<string> {
  return (await resolveTarget({ node: str(values.node), data: str(values.data), admin: false })).url
}

export const COMMANDS: Record<string, Command> = {
  'wallet init': {
    summary: 'create a wallet: its holder key (did:key) and its store; prints the DID',
    usage: 'cofl wallet init [--wallet DIR] [--unencrypted] [--passphrase-file FILE] [--from-backup FILE [--backup-passphrase-file FILE]]',
    help: `The holder key is encrypted with the passphrase (scrypt + AES-256-GCM); --unencrypted writes it\nin clear, for tests only. An existing wallet is never replaced. --from-backup restores the holder\nkey of a backup made with \`cofl wallet export --include-key\` (opened with --backup-passphrase-file,\nelse the same passphrase); then \`cofl wallet import\` the backup for its credentials.\n\n${WALLET_HELP}`,
    options: { ...walletOption, unencrypted: { type: 'boolean' }, 'from-backup': { type: 'string' }, 'backup-passphrase-file': { type: 'string' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const directory = walletDirectory(values)
      let secret: string | undefined
      if (values.unencrypted !== true) {
        secret = await passphrase({ passphraseFile: str(values['passphrase-file']), confirm: true })
        if (secret == null) throw new UsageError('a passphrase is needed for the holder key: set COFL_PASSPHRASE, give --passphrase-file, or --unencrypted (tests only)')
      } else if (values['passphrase-file'] != null) {
        throw new UsageError('--unencrypted goes without --passphrase-file')
      }
      const from = str(values['from-backup'])
      if (from == null && values['backup-passphrase-file'] != null) throw new UsageError('--backup-passphrase-file goes with --from-backup')
      const backup = from != null ? await readJsonObject(from, 'a wallet backup') as unknown as WalletBackup : undefined
      const backupFile = str(values['backup-passphrase-file'])
      const backupPassphrase = backupFile != null ? await passphrase({ passphraseFile: backupFile }) : undefined
      const wallet = createWallet({ directory, ...(secret != null ? { passphrase: secret } : { unencrypted: true }) })
      try {
        const did = await wallet.init(backup != null ? { restore: backup, ...(backupPassphrase != null ? { backupPassphrase } : {}) } : {})
        io.stdout(`${did}\n`)
        io.stderr(`wallet created in ${directory}\n`)
      } finally {
        await wallet.close()
      }
      return EXIT.ok
    }
  },
  'wallet claim': {
    summary: 'claim an offered badge with its claim link (or code and --node); stores the credential',
    usage: 'cofl wallet claim URL|CODE [--node URL] [--wallet DIR] [--passphrase-file FILE] [--json]',
    help: `URL: the claim link as sent, the claim page's (<node>/claim#<code>) or the API's\n(<node>/api/claims/<code>).\nAsks the node for a fresh challenge, proves that this wallet holds its DID (a presentation signed\nby the holder key over the challenge), receives the credential, verifies it and keeps it. It signs\nonly for the host of the claim link (or of --node) and only a claim's challenge (cofl-claim:): a\nlink whose answer asks for a signature for another site, or for a sign-in, is refused and nothing\nis signed (exit 2). A claim works once. When the claim completes a pathway of the node, the pathway badge comes with it: it is\nverified and kept too, and printed on a line "awarded: ..." of its own. Exit 1 when the wallet\nrefused a pathway badge (the claimed credential is kept). --json prints the stored record with\n"awards" (the records of the pathway badges) and "refusedAwards".\n\n${WALLET_HELP}`,
    options: { ...walletOption, node: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      return await withWallet(values, { key: true }, async (wallet) => {
        const node = str(values.node)
        const result = await wallet.claim(positionals[0] as string, node != null ? { node } : {})
        const { credential: _credential, ...held } = result.held
        const awards = result.awards.map((award) => { const { credential: _c, ...rest } = award.held; return rest })
        if (values.json === true) io.stdout(json({ ...held, awards, refusedAwards: result.refusedAwards }))
        else io.stdout([held, ...awards].map((h, i) => `${i === 0 ? 'claimed' : 'awarded'}: ${listLine({ ...h, expired: false })}\n`).join(''))
        for (const refused of result.refusedAwards) io.stderr(`award refused #${refused.index + 1}${refused.id != null ? ` ${refused.id}` : ''}: ${refused.reason}\n`)
        return result.refusedAwards.length > 0 ? EXIT.invalid : EXIT.ok
      })
    }
  },
  'wallet list': {
    summary: 'the badges in the wallet: what each is, who issued it, its status as last known',
    usage: 'cofl wallet list [--wallet DIR] [--json]',
    help: `One line per credential: its id, its name, its issuer, and its status as last checked (\`cofl\nwallet refresh\` checks again). --json prints an array of records (without the credentials).\n\n${WALLET_HELP}`,
    options: { ...walletOption, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      return await withWallet(values, { key: false }, async (wallet) => {
        const held = await wallet.list()
        if (values.json === true) io.stdout(json(held))
        else io.stdout(held.length === 0 ? 'the wallet holds no credential (cofl wallet claim, cofl wallet import)\n' : held.map(listLine).join('\n') + '\n')
        return EXIT.ok
      })
    }
  },
  'wallet show': {
    summary: 'one credential of the wallet, with what the wallet knows of it',
    usage: 'cofl wallet show ID|NAME [--wallet DIR] [--credential]',
    help: `NAME: a word (or words) of the credential's name, when one credential of the wallet has it.\nPrints the stored record (source, issuer, status, the credential) as JSON; --credential prints\nthe credential alone, as received.\n\n${WALLET_HELP}`,
    options: { ...walletOption, credential: { type: 'boolean' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      return await withWallet(values, { key: false }, async (wallet) => {
        const id = await heldId(wallet, positionals[0] as string)
        const held = await wallet.get(id)
        if (held == null) throw new CredentialNotFoundError(`the wallet holds no credential ${id} (cofl wallet list)`)
        io.stdout(json(values.credential === true ? held.credential : held))
        return EXIT.ok
      })
    }
  },
  'wallet present': {
    summary: 'a Verifiable Presentation of credentials, signed by the holder for a verifier',
    usage: 'cofl wallet present ID|NAME... --challenge C (--domain D | --no-domain) [--out FILE] [--wallet DIR] [--passphrase-file FILE]',
    help: `The verifier gives the challenge and its domain (its host, such as jobs.example); the presentation\nholds the credentials named (by id, or by a word of their name) and is signed by the wallet's\nholder key over both, so that it holds for that verifier and that challenge only. --no-domain\nsigns for no domain: any verifier that gave the challenge accepts it, so use it only when the\nverifier names none. Says on stderr whom it signed for. A claim's or grants' challenge\n(cofl-claim:, cofl-grants:) is refused: \`cofl wallet claim\` and \`cofl wallet grants\` sign those.\nPrinted, or written to FILE with --out.\n\n${WALLET_HELP}`,
    options: { ...walletOption, challenge: { type: 'string' }, domain: { type: 'string' }, 'no-domain': { type: 'boolean' }, out: { type: 'string' } },
    positionals: [1, Infinity],
    async run (values, positionals, io) {
      const challenge = required(values, 'challenge')
      const domain = str(values.domain)?.trim()
      const noDomain = values['no-domain'] === true
      if (noDomain && domain != null) throw new UsageError('--domain and --no-domain go one without the other')
      if (!noDomain && (domain == null || domain === '')) {
        throw new UsageError('--domain is required: the verifier\'s domain (its host, such as jobs.example), so that the presentation holds for that verifier only; --no-domain signs for no domain')
      }
      return await withWallet(values, { key: true }, async (wallet) => {
        const ids: string[] = []
        for (const ref of positionals) ids.push(await heldId(wallet, ref))
        const presentation = await wallet.present(ids, { challenge, ...(domain != null && domain !== '' ? { domain } : {}) })
        io.stderr(noDomain
          ? `signed for no domain (--no-domain: any verifier that gave the challenge accepts it), over the challenge ${challenge}\n`
          : `signed for the domain ${domain ?? ''}, over the challenge ${challenge}\n`)
        const out = str(values.out)
        if (out == null) io.stdout(json(presentation))
        else {
          await writeFileAtomic(out, json(presentation))
          io.stdout(`${out}\n`)
        }
        return EXIT.ok
      })
    }
  },
  'wallet bake': {
    summary: 'bake a credential into a badge image (PNG or SVG) to share it',
    usage: 'cofl wallet bake ID|NAME --out badge.png|badge.svg [--image FILE | --node URL | --data DIR] [--wallet DIR]',
    help: `Writes the credential into the image as Open Badges 3.0 prescribes (PNG: an iTXt chunk\n"openbadgecredential"; SVG: an <openbadges:credential> element). The format follows the --out\nfile's ending. The image is --image FILE (a PNG or SVG); else, with --node URL (or --data DIR), the\nachievement's own image from that node (any node of the federation holds it; checked against its\nhash); else the drawn badge, as the web pages draw it (its name in its issuer's colours). A PNG\nimage in an .svg is embedded in the SVG; an SVG image cannot be baked into a .png: the PNG is then\nthe drawn badge without its name (say --out badge.svg to keep the image).\nAnyone can check the image: \`cofl verify --data DIR badge.png\` (with the status lists of the node
of DIR), or \`cofl verify badge.png --status-list FILE\`.\n\n${WALLET_HELP}`,
    options: { ...walletOption, out: { type: 'string' }, image: { type: 'string' }, node: { type: 'string' }, data: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const out = required(values, 'out')
      const format = /\.png$/i.test(out) ? 'png' : /\.svg$/i.test(out) ? 'svg' : undefined
      if (format == null) throw new UsageError('--out must end in .png or .svg')
      const imagePath = str(values.image)
      const image = imagePath != null ? await readInput(imagePath) : undefined
      if (image != null && detectFormat(image) !== format) throw new UsageError(`--image ${String(imagePath)} is not a ${format.toUpperCase()} image (the format follows --out)`)
      return await withWallet(values, { key: false }, async (wallet) => {
        const id = await heldId(wallet, positionals[0] as string)
        const held = await wallet.get(id)
        if (held == null) throw new CredentialNotFoundError(`the wallet holds no credential ${id} (cofl wallet list)`)
        const credential = held.credential
        const name = String(held.name ?? held.achievement?.name ?? (credential.name as string | undefined) ?? 'Open Badge')
        let own: { bytes: Uint8Array, type: 'png' | 'svg' } | undefined
        const file = credentialImageFile(credential)
        if (image == null && file != null && (str(values.node) != null || str(values.data) != null)) {
          const fetched = await fetchImage(await nodeUrl(values), file)
          if ('error' in fetched) io.stderr(`cofl: the achievement's image is not used: ${fetched.error}\n`)
          else own = fetched
        }
        const chosen = image != null ? { image: format === 'svg' ? Buffer.from(image).toString('utf8') : image, source: String(imagePath) } : badgeToBake(format, own, name, held.issuer.id)
        const baked: Uint8Array = typeof chosen.image === 'string'
          ? Buffer.from(bakeSvg(chosen.image, credential), 'utf8')
          : bakePng(chosen.image, credential)
        await writeFileAtomic(out, Buffer.from(baked))
        io.stdout(`baked ${id} into ${out} (on ${chosen.source})\n`)
        return EXIT.ok
      })
    }
  },
  'wallet export': {
    summary: 'write a backup of the wallet (its credentials; the holder key only when asked)',
    usage: 'cofl wallet export --out FILE [--include-key [--backup-passphrase-file FILE]] [--wallet DIR] [--passphrase-file FILE]',
    help: `The backup is a JSON file {"type": "cofl-wallet-backup", "version": 1, "did", "credentials"},\nwritten with mode 0600. --include-key adds the holder key, encrypted with --backup-passphrase-file\nor else the wallet's passphrase (never in clear); \`cofl wallet init --from-backup\` restores it.\n\n${WALLET_HELP}`,
    options: { ...walletOption, out: { type: 'string' }, 'include-key': { type: 'boolean' }, 'backup-passphrase-file': { type: 'string' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const out = required(values, 'out')
      const includeKey = values['include-key'] === true
      if (!includeKey && values['backup-passphrase-file'] != null) throw new UsageError('--backup-passphrase-file goes with --include-key')
      return await withWallet(values, { key: includeKey }, async (wallet) => {
        let keyPassphrase: string | undefined
        if (includeKey) {
          const file = str(values['backup-passphrase-file'])
          keyPassphrase = file != null ? await passphrase({ passphraseFile: file }) : undefined
          if (keyPassphrase == null && (await readKeyFile(join(wallet.directory, HOLDER_KEY_FILE)).then(keyFileIsEncrypted)) === false) {
            throw new UsageError('the holder key is not encrypted: give --backup-passphrase-file to encrypt it in the backup')
          }
        }
        const backup = await wallet.export({ includeKey, ...(keyPassphrase != null ? { keyPassphrase } : {}) })
        await writeFileAtomic(out, json(backup), 0o600)
        io.stdout(`exported ${backup.credentials.length} credential${backup.credentials.length === 1 ? '' : 's'}${includeKey ? ' and the holder key' : ''} to ${out}\n`)
        return EXIT.ok
      })
    }
  },
  'wallet import': {
    summary: 'import a backup, a credential or an array of credentials; the same credential is kept once',
    usage: 'cofl wallet import FILE [--force] [--wallet DIR]',
    help: `FILE (or - for standard input) is a wallet backup, an OB 3.0 credential, or a JSON array of them.\nEach credential is verified (schema and signature, by a key its issuer's document binds) and must be\nabout this wallet's holder; each is written to disk before the next. A forged or tampered credential\nis always refused. --force keeps one about someone else, and one whose signature cannot be checked\nhere (an issuer whose document this wallet cannot resolve: \`wallet list\` marks it "signature not\nchecked"). Credentials held already are left as they are, so an interrupted import can simply be\nrun again. Exit 1 when any was refused.\n\n${WALLET_HELP}`,
    options: { ...walletOption, force: { type: 'boolean' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const file = positionals[0] as string
      const bytes = await readInput(file)
      return await withWallet(values, { key: false }, async (wallet) => {
        const result = await wallet.import(bytes, { source: file === '-' ? 'import' : `import:${basename(file)}`, ...(values.force === true ? { force: true } : {}) })
        for (const item of result.refused) io.stdout(`refused #${item.index + 1}${item.id != null ? ` ${item.id}` : ''}: ${item.reason ?? ''}\n`)
        io.stdout(`imported ${result.added}, held already ${result.unchanged}, refused ${result.refused.length}\n`)
        return result.refused.length > 0 ? EXIT.invalid : EXIT.ok
      })
    }
  },
  'wallet remove': {
    summary: 'remove a credential from the wallet',
    usage: 'cofl wallet remove ID... [--wallet DIR]',
    help: `Deletes the credentials from the wallet (export a backup first to keep a copy).\n\n${WALLET_HELP}`,
    options: { ...walletOption },
    positionals: [1, Infinity],
    async run (values, positionals, io) {
      return await withWallet(values, { key: false }, async (wallet) => {
        for (const id of positionals) {
          if (!await wallet.remove(id)) throw new CredentialNotFoundError(`the wallet holds no credential ${id} (cofl wallet list)`)
          io.stdout(`removed: ${id}\n`)
        }
        return EXIT.ok
      })
    }
  },
  'wallet grants': {
    summary: 'the apps you signed in to on a node (its OB 3.0 API), with their scopes; revoke them',
    usage: 'cofl wallet grants [revoke ID...] [--node URL | --data DIR] [--wallet DIR] [--passphrase-file FILE] [--json]',
    help: `Lists the grants made in your name on the node: each app (OB 3.0 client) that signed in as this\nwallet's DID, with its name as it registered, what it may do (its scopes), when and until when.\n\`revoke ID...\` ends grants at once: the app's access and refresh tokens stop working. Each request\nis proven by a presentation signed by the holder key over a fresh challenge of the node\n(cofl-grants:), for the host of the node's URL only (with a node behind a proxy, give its public\nURL with --node). --json prints the list as JSON.\n\n${WALLET_HELP}`,
    options: { ...walletOption, node: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, Infinity],
    async run (values, positionals, io) {
      const [verb, ...ids] = positionals
      if (verb != null && verb !== 'revoke') throw new UsageError(`unexpected argument "${verb}": \`cofl wallet grants\` lists the grants, \`cofl wallet grants revoke ID...\` revokes them`)
      if (verb === 'revoke' && ids.length === 0) throw new UsageError('give the id of each grant to revoke (`cofl wallet grants` lists them)')
      const node = await nodeUrl(values)
      return await withWallet(values, { key: true }, async (wallet) => {
        if (verb == null) {
          const grants = await wallet.grants({ node })
          if (values.json === true) io.stdout(json(grants))
          else io.stdout(grants.length === 0 ? `no app holds a grant in your name on ${node}\n` : grants.map(grantLine).join('\n') + '\n')
          return EXIT.ok
        }
        for (const id of ids) {
          await wallet.revokeGrant(id, { node })
          io.stdout(`revoked: ${id}\n`)
        }
        return EXIT.ok
      })
    }
  },
  'wallet refresh': {
    summary: 'check the status (revoked, suspended) of every held credential on a node',
    usage: 'cofl wallet refresh [--node URL | --data DIR] [--wallet DIR] [--json]',
    help: `Asks the node for the signed status list of each credential (GET /api/status/<id>: any node of the\nfederation holds the lists) and checks it; prints each credential's status. A list the node cannot\ngive leaves the status as last known.\n\n${WALLET_HELP}`,
    options: { ...walletOption, node: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const node = await nodeUrl(values)
      return await withWallet(values, { key: false }, async (wallet) => {
        const items = await wallet.refreshStatus({ getStatusList: nodeStatusLists(node) })
        if (values.json === true) io.stdout(json(items))
        else {
          for (const item of items) {
            const now = item.unavailable != null ? `${statusText(item.status)} (last known; now: ${item.unavailable})` : statusText(item.status)
            io.stdout(`${item.id}: ${now}${item.changed ? ` (was ${item.previous})` : ''}\n`)
          }
          if (items.length === 0) io.stdout('the wallet holds no credential\n')
        }
        return EXIT.ok
      })
    }
  }
}
