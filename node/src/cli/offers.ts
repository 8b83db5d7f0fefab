/**
 * `cofl offer`: offers of an achievement to learners on a running node, one (--email / --name)
 * or a whole group from a CSV file (--csv), sent in chunks to POST /api/offers/bulk.
 */
import { csvLine, learnerRows } from '@cofl/analytics'
import { callNode, connectionOptions, resolveTarget } from './client.js'
import { BULK_OFFER_CHUNK, EXIT, MAX_OFFER_TTL_HOURS } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { readInput, writeFileAtomic } from './io.js'
import type { BulkOfferResult, CreatedOffer } from '@cofl/api'
import { idOf } from './refs.js'
import { json, required, str } from './command.js'
import type { CliIo, Command, Values } from './command.js'

interface Offered { row: number, name: string, email: string, claimLink: string }
interface Refused { row: number, reason: string }

function ttlOf (values: Values): number | undefined {
  const raw = str(values['ttl-hours'])
  if (raw == null) return undefined
  const hours = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(hours) || hours <= 0 || hours > MAX_OFFER_TTL_HOURS) {
    throw new UsageError(`--ttl-hours ${JSON.stringify(raw)} must be a number of hours, more than 0 and at most ${MAX_OFFER_TTL_HOURS}`)
  }
  return hours
}

function purposeOf (values: Values): string | undefined {
  const purpose = str(values['status-purpose'])
  if (purpose != null && purpose !== 'revocation' && purpose !== 'suspension') throw new UsageError('--status-purpose must be revocation or suspension')
  return purpose
}

/** Progress on stderr: a bar on a terminal, else a plain "n/N" line per step. */
function progress (io: CliIo, total: number): { update: (done: number) => void, end: () => void } {
  const tty = io.stderrIsTTY === true
  const width = 30
  return {
    update (done) {
      if (!tty) { io.stderr(`offers: ${done}/${total} rows sent\n`); return }
      const filled = total === 0 ? width : Math.round(width * done / total)
      io.stderr(`\roffering [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
    },
    end () { if (tty) io.stderr('\n') }
  }
}

async function bulk (values: Values, io: CliIo): Promise<number> {
  const achievementId = await idOf(required(values, 'achievement'), 'an achievement')
  const csvPath = required(values, 'csv')
  if (values.email != null || values.name != null) throw new UsageError('--csv goes without --email and --name (the CSV file names the learners)')
  const ttlHours = ttlOf(values)
  const statusPurpose = purposeOf(values)
  const out = str(values.out)
  const read = learnerRows((await readInput(csvPath)).toString('utf8'), csvPath === '-' ? 'standard input' : csvPath)
  const rows = read.rows
  const refused: Refused[] = read.refused.map(({ row, reason }) => ({ row, reason }))
  const target = await resolveTarget({ data: str(values.data), node: str(values.node), tokenFile: str(values['token-file']), admin: true })

  const refusedInFile = refused.length
  const offered: Offered[] = []
  const bar = progress(io, rows.length)
  let failure: unknown
  for (let start = 0; start < rows.length; start += BULK_OFFER_CHUNK) {
    const chunk = rows.slice(start, start + BULK_OFFER_CHUNK)
    const byRow = new Map(chunk.map((r) => [r.row, r]))
    try {
      const result = await callNode(target, 'POST', '/api/offers/bulk', {
        achievementId,
        rows: chunk.map((r) => ({ row: r.row, name: r.name, email: r.email })),
        ...(ttlHours != null ? { ttlHours } : {}),
        ...(statusPurpose != null ? { statusPurpose } : {})
      }) as BulkOfferResult
      for (const o of result.offered) {
        const row = byRow.get(o.row)
        offered.push({ row: o.row, name: row?.name ?? '', email: row?.email ?? '', claimLink: o.claimLink })
      }
      for (const r of result.refused) refused.push({ row: r.row, reason: r.reason })
    } catch (err) {
      failure = err
      break
    }
    bar.update(Math.min(start + BULK_OFFER_CHUNK, rows.length))
  }
  bar.end()

  refused.sort((a, b) => a.row - b.row)
  offered.sort((a, b) => a.row - b.row)
  for (const r of refused) io.stderr(`row ${r.row}: refused: ${r.reason}\n`)
  // The claim links are secrets: the --out file is for the issuer only (mode 0600).
  const report = csvLine(['row', 'name', 'email', 'claimLink']) + offered.map((o) => csvLine([o.row, o.name, o.email, o.claimLink])).join('')
  if (failure == null || offered.length > 0) {
    if (out != null) await writeFileAtomic(out, report, 0o600)
    else io.stdout(report)
  }
  if (failure != null) {
    // `refused` starts with the rows refused in the file itself, which are not in `rows` and never sent.
    const sent = offered.length + refused.length - refusedInFile
    const message = (failure as Error).message
    throw Object.assign(new Error(`${message}; ${offered.length} offer(s) were made before it${offered.length > 0 ? ` (their claim links are ${out != null ? `in ${out}` : 'above'})` : ''}, ${rows.length - sent} row(s) were not sent`), { code: (failure as { code?: string }).code ?? 'COFL_ERR_INTERNAL' })
  }
  const total = rows.length + refusedInFile
  io.stderr(`${offered.length} of ${total} row(s) offered, ${refused.length} refused${out != null ? `; claim links in ${out}` : ''}\n`)
  return refused.length === 0 ? EXIT.ok : EXIT.invalid
}

export const COMMANDS: Record<string, Command> = {
  offer: {
    summary: 'offer an achievement to learners (one, or a group from a CSV file); prints the claim links',
    usage: 'cofl offer --achievement ID|FILE --csv LEARNERS.csv [--ttl-hours N] [--status-purpose P] [--out RESULTS.csv] [--data DIR | --node URL --token-file FILE]\n       cofl offer --achievement ID|FILE --email EMAIL [--name NAME] [--ttl-hours N] [--status-purpose P] [--data DIR | --node URL --token-file FILE]',
    help: [
      'Each offer gets a one-time claim link, valid for --ttl-hours (default 720, 30 days); the learner\'s',
      'wallet claims it (cofl wallet claim URL) and the node issues the credential to the wallet\'s DID.',
      'Offers, names and emails stay on the node: they are never published.',
      '',
      'LEARNERS.csv: a header row naming the columns "name" and "email" (any case, any order, other',
      'columns ignored), then a row per learner; RFC 4180 quoting, CRLF or LF, a UTF-8 BOM is fine.',
      'Rows go to the node in chunks of 500. Progress goes to stderr (a bar on a terminal, "n/N rows',
      'sent" lines otherwise), then one line per refused row: "row R: refused: <reason>" (R is the',
      'row as a spreadsheet numbers it, the header being row 1): a missing or bad email, an email',
      'twice in the file, or an email with a live offer of this achievement already.',
      'The claim links go to stdout, or to --out (mode 0600), as CSV: row,name,email,claimLink, where a',
      'claim link is the node\'s claim page, <node>/claim#<code> (the code, in the fragment, never reaches',
      'a server); when the node sends mail (config mail), it has mailed each learner their link too.',
      'Exit 0 when every row was offered, 1 when some were refused, 2 on bad usage or a refusal of',
      'the whole request (such as an unknown achievement).',
      '',
      'Without --csv, one offer: prints {"offerId", "code", "claimLink", "claimUrl", "expiresAt"} (claimUrl:',
      'the API URL that wallets call; "mail": {"state": "pending"} when the node mails it).',
      '',
      'The node is found through its data directory (DIR/node.json, DIR/admin-token; default',
      '$COFL_DATA, else .cofl under the current directory), or with --node URL and --token-file FILE.'
    ].join('\n'),
    options: {
      ...connectionOptions,
      achievement: { type: 'string' },
      csv: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      'ttl-hours': { type: 'string' },
      'status-purpose': { type: 'string' },
      out: { type: 'string' }
    },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      if (values.csv != null) return await bulk(values, io)
      const achievementId = await idOf(required(values, 'achievement'), 'an achievement')
      if (values.out != null) throw new UsageError('--out goes with --csv')
      if (values.email == null && values.name == null) throw new UsageError('give --csv LEARNERS.csv, or --email EMAIL (and --name NAME) for one offer')
      const ttlHours = ttlOf(values)
      const statusPurpose = purposeOf(values)
      const target = await resolveTarget({ data: str(values.data), node: str(values.node), tokenFile: str(values['token-file']), admin: true })
      const created = await callNode(target, 'POST', '/api/offers', {
        achievementId,
        ...(str(values.name) != null ? { name: str(values.name) } : {}),
        ...(str(values.email) != null ? { email: str(values.email) } : {}),
        ...(ttlHours != null ? { ttlHours } : {}),
        ...(statusPurpose != null ? { statusPurpose } : {})
      }) as CreatedOffer
      io.stdout(json(created))
      return EXIT.ok
    }
  }
}
