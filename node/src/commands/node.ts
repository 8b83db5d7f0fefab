/**
 * `cofl node start` and the commands that talk to a running node over its HTTP API.
 */
import type { IssuedCredential, StatusChange } from '@cofl/api'
import { formatReport } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import { callNode, resolveTarget } from '../client.js'
import type { NodeTarget } from '../client.js'
import { loadConfig } from '../config.js'
import type { ConfigInput } from '../config.js'
import { DATA_FILES, EXIT, STOP_GRACE_MS } from '../constants.js'
import { UsageError } from '../errors.js'
import { readJsonObject } from '../io.js'
import { assertResolvableDid } from '../issue.js'
import { idOf } from './refs.js'
import { exitOfReport, json, required, str, strings } from './types.js'
import type { CliIo, Command, Values } from './types.js'

/** How a command finds the node: --data DIR (node.json + admin-token), or --node URL --token-file FILE. */
export const connectionOptions = {
  data: { type: 'string' },
  node: { type: 'string' },
  'token-file': { type: 'string' }
} as const

const CONNECTION_USAGE = '[--data DIR | --node URL --token-file FILE]'
const CONNECTION_HELP = 'The node is found through its data directory (DIR/node.json, DIR/admin-token; default\n$COFL_DATA, else .cofl under the current directory), or with --node URL and --token-file FILE.'

async function target (values: Values, admin: boolean): Promise<NodeTarget> {
  return await resolveTarget({ data: str(values.data), node: str(values.node), tokenFile: str(values['token-file']), admin })
}

function flagsOf (values: Values): ConfigInput {
  const flags: Record<string, unknown> = {}
  const http: Record<string, unknown> = {}
  const integer = (raw: string): number | string => /^\d+$/.test(raw) ? Number(raw) : raw
  if (str(values.data) != null) flags.data = str(values.data)
  if (str(values.name) != null) flags.name = str(values.name)
  if (strings(values.listen) != null) flags.listen = strings(values.listen)
  if (strings(values.bootstrap) != null) flags.bootstrap = strings(values.bootstrap)
  if (strings(values['allow-dial']) != null) flags.allowDial = strings(values['allow-dial']) as ConfigInput['allowDial']
  if (strings(values['trust-root']) != null) flags.trustRoots = strings(values['trust-root'])
  if (str(values['public-base-url']) != null) flags.publicBaseUrl = str(values['public-base-url'])
  if (str(values['http-host']) != null) http.host = str(values['http-host'])
  if (str(values['http-port']) != null) http.port = integer(str(values['http-port']) as string)
  if (Object.keys(http).length > 0) flags.http = http
  if (str(values['body-limit']) != null) flags.limits = { bodyBytes: integer(str(values['body-limit']) as string) }
  return flags as ConfigInput
}

/** Resolves on the first SIGINT or SIGTERM (the handlers replace the default exit). */
function signals (): { received: Promise<NodeJS.Signals>, dispose: () => void } {
  let on: (name: NodeJS.Signals) => void = () => {}
  const dispose = (): void => {
    process.off('SIGINT', on)
    process.off('SIGTERM', on)
  }
  const received = new Promise<NodeJS.Signals>((resolve) => {
    on = (name) => { dispose(); resolve(name) }
  })
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
  return { received, dispose }
}

/** Verifies on a node (POST /api/verify); prints the report like `cofl verify`. */
export async function verifyOnNode (values: Values, input: unknown, options: { challenge?: string, domain?: string }, io: CliIo): Promise<number> {
  const node = await target(values, false)
  const isPresentation = typeof input === 'object' && input !== null && [(input as { type?: unknown }).type].flat().includes('VerifiablePresentation')
  const body = isPresentation
    ? { verifiablePresentation: input, ...options }
    : { verifiableCredential: input }
  if (!isPresentation && options.challenge != null) throw new UsageError('--challenge and --domain go with a presentation')
  const report = await callNode(node, 'POST', '/api/verify', body) as VerificationReport
  io.stdout(values.json === true ? JSON.stringify(report) + '\n' : formatReport(report) + '\n')
  return exitOfReport(report)
}

function statusCommand (action: 'revoke' | 'suspend' | 'unsuspend', summary: string, help: string): Command {
  return {
    summary,
    usage: `cofl credential ${action} CREDENTIAL_ID|FILE ${CONNECTION_USAGE}`,
    help: `${help}\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const credentialId = await idOf(positionals[0] as string, 'a credential')
      const result = await callNode(await target(values, true), 'POST', `/api/credentials/${action}`, { credentialId }) as StatusChange
      const verb = action === 'revoke' ? 'revoked' : action === 'suspend' ? 'suspended' : 'unsuspended'
      io.stdout(`${result.changed ? verb : `already ${verb}`}: ${credentialId}; published ${result.listId} (sequence ${result.sequence})\n`)
      return EXIT.ok
    }
  }
}

export const NODE_COMMANDS: Record<string, Command> = {
  'node start': {
    summary: 'run the city node (HTTP API + federation) until Ctrl-C',
    usage: 'cofl node start [--data DIR] [--config FILE] [--bootstrap MULTIADDR]... [--allow-dial loopback|private]... [--http-port N] [--http-host HOST] [--listen MULTIADDR]... [--trust-root DID]... [--public-base-url URL] [--name NAME] [--body-limit BYTES]',
    help: [
      'Configuration: config/default.json < the --config FILE (or $COFL_CONFIG) < COFL_* environment',
      'variables < these flags (docs/operations.md lists every key). On first start, creates the city\'s',
      'issuer key in DIR/issuer.key (encrypted with $COFL_PASSPHRASE when set) and the admin token in',
      'DIR/admin-token. Prints where it listens and writes DIR/node.json once ready. SIGINT / SIGTERM',
      'stop it gracefully (node.json is removed) with exit 0.',
      '',
      'Ports chosen by the OS (port 0, the default) are chosen on the first start, recorded in',
      'DIR/node-ports.json and used again on every later start, so that peers find the node again.',
      'The node dials public addresses only, and loopback or private ones that peers name with',
      '--allow-dial loopback / --allow-dial private (bootstrap addresses are always dialled).'
    ].join('\n'),
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      bootstrap: { type: 'string', multiple: true },
      'allow-dial': { type: 'string', multiple: true },
      listen: { type: 'string', multiple: true },
      'trust-root': { type: 'string', multiple: true },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
      'public-base-url': { type: 'string' },
      name: { type: 'string' },
      'body-limit': { type: 'string' }
    },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const config = await loadConfig({ flags: flagsOf(values), ...(str(values.config) != null ? { file: str(values.config) as string } : {}) })
      // Loaded here, not at the top: libp2p, Helia and fastify take seconds to load, and the other
      // commands of the CLI need none of them.
      const { createCityNode } = await import('../city.js')
      const node = createCityNode({ config, log: (line) => { io.stderr(`${line}\n`) } })
      const stopped = signals()
      try {
        await node.start()
      } catch (err) {
        stopped.dispose()
        throw err
      }
      const info = node.info()
      io.stdout([
        'cofl city node running',
        `  home page  ${info.http}/   (verify, catalogue, wallet, city dashboard)`,
        `  city DID   ${info.did}`,
        `  HTTP API   ${info.http}/api   (docs/api.md)`,
        ...(info.peerId != null ? [`  peer id    ${info.peerId}`] : []),
        ...info.multiaddrs.map((m, i) => `  ${i === 0 ? 'libp2p    ' : '          '} ${m}`),
        `  data       ${node.config.data} (admin token in ${DATA_FILES.adminToken}, node.json written)`,
        'Stop with Ctrl-C.',
        ''
      ].join('\n'))
      const name = await stopped.received
      io.stdout(`${name}: stopping...\n`)
      // Exits anyway if something keeps the event loop busy after a graceful stop.
      const guard = setTimeout(() => { process.exit(EXIT.ok) }, STOP_GRACE_MS)
      guard.unref()
      await node.stop()
      io.stdout('stopped\n')
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
  },
  'credential issue': {
    summary: 'issue an OpenBadgeCredential on a running node; prints it',
    usage: `cofl credential issue --achievement ID|FILE --subject DID [--status-purpose revocation|suspension] [--valid-until DATE] ${CONNECTION_USAGE}`,
    help: `ID is an achievement the node holds (cofl achievement list), or FILE the JSON that\n\`cofl achievement create\` printed. The credential carries a status\nentry (revocation by default; suspension to suspend and reinstate it) and is recorded in the\nnode's issuance log before it is printed. It is never published. A pathway badge that it\ncompletes for the subject is issued with it and named on standard error.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions, achievement: { type: 'string' }, subject: { type: 'string' }, 'status-purpose': { type: 'string' }, 'valid-until': { type: 'string' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const body: Record<string, unknown> = { achievementId: await idOf(required(values, 'achievement'), 'an achievement'), subject: required(values, 'subject') }
      // The node refuses it too (400); said here first, in the same words, without a round trip.
      await assertResolvableDid(body.subject as string, 'the subject')
      if (str(values['status-purpose']) != null) body.statusPurpose = str(values['status-purpose'])
      const until = str(values['valid-until'])
      if (until != null) {
        const date = new Date(until)
        if (Number.isNaN(date.getTime())) throw new UsageError(`--valid-until ${JSON.stringify(until)} is not a date (e.g. 2027-06-30 or 2027-06-30T12:00:00Z)`)
        body.validUntil = date.toISOString().replace(/\.\d{3}Z$/, 'Z')
      }
      const { credential, awards } = await callNode(await target(values, true), 'POST', '/api/credentials', body) as IssuedCredential
      io.stdout(json(credential))
      // Pathway badges this credential completed, issued with it (kept in the node's issuance log).
      for (const award of awards ?? []) {
        const achievement = (award.credentialSubject as { achievement?: { name?: unknown, id?: unknown } } | undefined)?.achievement
        io.stderr(`also issued the pathway badge ${JSON.stringify(achievement?.name ?? achievement?.id ?? '?')} (${String(award.id)}): this credential completed one of the node's pathways\n`)
      }
      return EXIT.ok
    }
  },
  'credential show': {
    summary: 'a credential of the issuance log of a running node (with its status)',
    usage: `cofl credential show CREDENTIAL_ID|FILE ${CONNECTION_USAGE}`,
    help: `Prints the issuance record: the credential, its subject, its status entry, revoked / suspended.\n\n${CONNECTION_HELP}`,
    options: { ...connectionOptions },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const credentialId = await idOf(positionals[0] as string, 'a credential')
      io.stdout(json(await callNode(await target(values, true), 'GET', `/api/credentials/${encodeURIComponent(credentialId)}`)))
      return EXIT.ok
    }
  },
  'credential revoke': statusCommand('revoke', 'revoke a credential issued by a running node; publishes the new list', 'Revocation is final. The new status list version is signed and published to the federation.'),
  'credential suspend': statusCommand('suspend', 'suspend a credential issued with --status-purpose suspension', 'The new status list version is signed and published; `cofl credential unsuspend` lifts it.'),
  'credential unsuspend': statusCommand('unsuspend', 'lift the suspension of a credential', 'The new status list version is signed and published.'),
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
