/**
 * `cofl node start`: run the city node until SIGINT / SIGTERM.
 */
import type { ConfigInput } from '../app/config.js'
import { loadConfig } from '../app/config.js'
import { DATA_FILES, EXIT, STOP_GRACE_MS } from '../app/constants.js'
import { str, strings } from './command.js'
import type { Command, Values } from './command.js'

function flagsOf (values: Values): ConfigInput {
  const flags: Record<string, unknown> = {}
  const http: Record<string, unknown> = {}
  const integer = (raw: string): number | string => /^\d+$/.test(raw) ? Number(raw) : raw
  if (str(values.data) != null) flags.data = str(values.data)
  if (str(values.name) != null) flags.name = str(values.name)
  if (strings(values.listen) != null) flags.listen = strings(values.listen)
  if (strings(values.bootstrap) != null) flags.bootstrap = strings(values.bootstrap)
  if (strings(values['allow-dial']) != null) flags.allowDial = strings(values['allow-dial']) as ConfigInput['allowDial']
  if (strings(values.announce) != null) flags.announce = strings(values.announce)
  if (strings(values['trust-root']) != null) flags.trustRoots = strings(values['trust-root'])
  if (str(values['public-base-url']) != null) flags.publicBaseUrl = str(values['public-base-url'])
  if (str(values['http-host']) != null) http.host = str(values['http-host'])
  if (str(values['http-port']) != null) http.port = integer(str(values['http-port']) as string)
  if (Object.keys(http).length > 0) flags.http = http
  if (str(values.geography) != null) flags.geography = str(values.geography)
  if (str(values['body-limit']) != null) flags.limits = { bodyBytes: integer(str(values['body-limit']) as string) }
  const smtp: Record<string, unknown> = {}
  if (str(values['smtp-host']) != null) smtp.host = str(values['smtp-host'])
  if (str(values['smtp-port']) != null) smtp.port = integer(str(values['smtp-port']) as string)
  const mail: Record<string, unknown> = Object.keys(smtp).length > 0 ? { smtp } : {}
  if (str(values['mail-from']) != null) mail.from = str(values['mail-from'])
  if (Object.keys(mail).length > 0) flags.mail = mail
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

export const COMMANDS: Record<string, Command> = {
  'node start': {
    summary: 'run the city node (HTTP API + federation) until Ctrl-C',
    usage: 'cofl node start [--data DIR] [--config FILE] [--bootstrap MULTIADDR]... [--allow-dial loopback|private]... [--announce MULTIADDR|loopback|private]... [--http-port N] [--http-host HOST] [--listen MULTIADDR]... [--trust-root DID]... [--public-base-url URL] [--name NAME] [--body-limit BYTES] [--geography FILE] [--smtp-host HOST [--smtp-port N] --mail-from ADDRESS]',
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
      '--allow-dial loopback / --allow-dial private (bootstrap addresses are always dialled). It tells',
      'peers its public listen addresses only: --announce MULTIADDR names the address they reach it at',
      '(behind NAT), --announce loopback / --announce private adds its listen addresses on such networks.',
      '--geography FILE: a GeoJSON outline of the city (land, coast, named areas) for the catalogue\'s map.',
      '--smtp-host HOST, --smtp-port N, --mail-from ADDRESS: email offers through this mail server (config mail.*;',
      'off by default; a login: mail.smtp.user and mail.smtp.passFile in the config file).'
    ].join('\n'),
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      bootstrap: { type: 'string', multiple: true },
      'allow-dial': { type: 'string', multiple: true },
      announce: { type: 'string', multiple: true },
      listen: { type: 'string', multiple: true },
      'trust-root': { type: 'string', multiple: true },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
      'public-base-url': { type: 'string' },
      name: { type: 'string' },
      'body-limit': { type: 'string' },
      geography: { type: 'string' },
      'smtp-host': { type: 'string' },
      'smtp-port': { type: 'string' },
      'mail-from': { type: 'string' }
    },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const config = await loadConfig({ flags: flagsOf(values), ...(str(values.config) != null ? { file: str(values.config) as string } : {}) })
      // Loaded here, not at the top: libp2p, Helia and fastify take seconds to load, and the other
      // commands of the CLI need none of them.
      const { createCityNode } = await import('../app/city.js')
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
  }
}
