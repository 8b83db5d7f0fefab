/**
 * The node's configuration: config/default.json (embedded defaults) < a config file (--config
 * FILE or $COFL_CONFIG, JSON) < COFL_* environment variables < flags, merged in that order and
 * validated against a JSON Schema. A bad value is refused with its key, its value, where it came
 * from and what was expected (ConfigError, COFL_ERR_CONFIG: `cofl node start` exits 2).
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { isIP } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { ConfigError } from './errors.js'
import { fsReason } from './files.js'

export interface HttpConfig {
  /** Interface the HTTP API listens on. */
  host: string
  /** Port; 0 lets the OS choose one (written to DIR/node.json). */
  port: number
  /**
   * The most connections open at once; more are closed as they arrive (docs/operations.md,
   * "Connections"). null: half the process's limit of open files, at most 4096.
   */
  maxConnections?: number | null
  /** A connection with no request under way that sends nothing for this long is closed (ms). */
  idleTimeoutMs?: number
  /** A kept-alive connection is closed after this long without a new request (ms). */
  keepAliveTimeoutMs?: number
  /** A request's headers must arrive within this long (ms; at most requestTimeoutMs). */
  headersTimeoutMs?: number
  /** A whole request must arrive within this long (ms). */
  requestTimeoutMs?: number
  /**
   * The reverse proxies whose X-Forwarded-For the node believes (fastify's `trustProxy`), so that
   * a request's address, which the per-address limits count, is its client's: false (default:
   * the connection's address, X-Forwarded-For ignored) or the proxies' addresses and CIDR ranges.
   * Never true, nor a number of hops: neither tells a proxy from a client that connects directly,
   * which could then name any address it likes (fastify 5 refuses hop counts for that reason).
   */
  trustProxy?: TrustProxy
}

/** Config `http.trustProxy`: false, or the proxies' addresses / CIDR ranges / named ranges. */
export type TrustProxy = false | string[]

/** The named ranges an `http.trustProxy` list may hold (as fastify's proxy-addr reads them). */
export const TRUST_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'] as const

export interface LimitsConfig {
  /** Largest request body the HTTP API reads (413 beyond). */
  bodyBytes: number
}

/** How long the node keeps learners' personal data (docs/operations.md, "Retention"). */
export interface RetentionConfig {
  /** Days after an offer is claimed or expires until its name and email are erased (0: at the next sweep). */
  offerContactDays: number
}

export interface StatusConfig {
  /**
   * Status list changes are published in batches: every changed list once per interval, with
   * `validFrom` on the interval's boundary (ms, whole seconds), so that a version tells neither
   * which change it carries nor its second (docs/operations.md, "Status lists"). A revocation with
   * `now` is published at once.
   */
  publishIntervalMs: number
}

/** The mail server the node sends offers' emails through (config `mail.smtp`; docs/operations.md, "Mail"). */
export interface SmtpConfig {
  host: string
  /** Default 465 when `secure`, else 587. */
  port?: number
  /** TLS from the start (port 465); false: STARTTLS when the server offers it. Default false. */
  secure?: boolean
  /** The user name to log in with (with `pass` or `passFile`); absent: no login. */
  user?: string | null
  pass?: string | null
  /** A file holding the password (read at start; its trailing newline dropped). */
  passFile?: string | null
}

/** Offers' emails (config `mail`): off while `smtp` is null (the default): nothing is sent, nothing tried. */
export interface MailConfig {
  smtp: SmtpConfig | null
  /** The sender, `address@domain` or `Name <address@domain>`; required when `smtp` is set. */
  from: string | null
  /** The most mails sent per minute (bulk offers are sent one after another at this pace). */
  perMinute: number
}

export interface NodeConfig {
  /** The data directory (absolute once loaded; a relative one is resolved against the cwd). */
  data: string
  /** The city's name, used in its issuer Profile. */
  name: string | null
  /** libp2p listen multiaddrs. */
  listen: string[]
  http: HttpConfig
  /** Multiaddrs (with /p2p/<peer id>) of peers to dial on start. */
  bootstrap: string[]
  /**
   * Which addresses besides public ones the node dials when peers name them (announcements,
   * signed peer records, known peers): 'loopback', 'private'. Bootstrap addresses are always dialled.
   */
  allowDial: DialKind[]
  /**
   * What the node tells its peers of where it is (identify, its signed peer record, its
   * announcements): multiaddrs without /p2p/ (instead of its public listen addresses), and/or
   * 'loopback' / 'private' (its listen addresses on such networks too). Absent or []: its listen
   * addresses on public networks only (docs/operations.md, "What a node tells its peers").
   */
  announce?: Array<string | DialKind>
  /** DIDs of the cities this node trusts (its own city is always trusted). */
  trustRoots: string[]
  /** When set, status list ids are https URLs under it (see docs/operations.md). */
  publicBaseUrl: string | null
  /** Status list publication (absent from a configuration built by hand: the defaults apply). */
  status?: StatusConfig
  limits: LimitsConfig
  retention: RetentionConfig
  /** Offers' emails (absent from a configuration built by hand: off). */
  mail?: MailConfig
  /**
   * A GeoJSON file of the city's outline (land, coast, named areas) that the catalogue's map draws
   * (app/geography.ts; absolute once loaded). Absent or null: none.
   */
  geography?: string | null
}

/** Any part of a configuration: what a file, the environment or flags give. */
export interface ConfigInput {
  data?: string
  name?: string | null
  listen?: string[]
  http?: Partial<HttpConfig>
  bootstrap?: string[]
  allowDial?: DialKind[]
  announce?: Array<string | DialKind>
  trustRoots?: string[]
  publicBaseUrl?: string | null
  status?: Partial<StatusConfig>
  limits?: Partial<LimitsConfig>
  retention?: Partial<RetentionConfig>
  mail?: { smtp?: Partial<SmtpConfig> | null, from?: string | null, perMinute?: number }
  geography?: string | null
}

/** The kinds of non-public addresses a node may be allowed to dial (config key `allowDial`). */
export const DIAL_KINDS = ['loopback', 'private'] as const
export type DialKind = typeof DIAL_KINDS[number]

/** Environment variables and the keys they set (lists are comma-separated). */
export const CONFIG_ENV: Readonly<Record<string, { key: string, kind: 'string' | 'integer' | 'list' | 'nullable' | 'proxies' | 'boolean' }>> = {
  COFL_DATA: { key: 'data', kind: 'string' },
  COFL_NAME: { key: 'name', kind: 'nullable' },
  COFL_LISTEN: { key: 'listen', kind: 'list' },
  COFL_HTTP_HOST: { key: 'http.host', kind: 'string' },
  COFL_HTTP_PORT: { key: 'http.port', kind: 'integer' },
  COFL_HTTP_MAX_CONNECTIONS: { key: 'http.maxConnections', kind: 'integer' },
  // "false" (or empty), or the proxies' addresses comma-separated.
  COFL_HTTP_TRUST_PROXY: { key: 'http.trustProxy', kind: 'proxies' },
  COFL_BOOTSTRAP: { key: 'bootstrap', kind: 'list' },
  COFL_ALLOW_DIAL: { key: 'allowDial', kind: 'list' },
  COFL_ANNOUNCE: { key: 'announce', kind: 'list' },
  COFL_TRUST_ROOTS: { key: 'trustRoots', kind: 'list' },
  COFL_PUBLIC_BASE_URL: { key: 'publicBaseUrl', kind: 'nullable' },
  COFL_STATUS_PUBLISH_INTERVAL_MS: { key: 'status.publishIntervalMs', kind: 'integer' },
  COFL_BODY_LIMIT: { key: 'limits.bodyBytes', kind: 'integer' },
  COFL_RETENTION_OFFER_CONTACT_DAYS: { key: 'retention.offerContactDays', kind: 'integer' },
  COFL_MAIL_SMTP_HOST: { key: 'mail.smtp.host', kind: 'string' },
  COFL_MAIL_SMTP_PORT: { key: 'mail.smtp.port', kind: 'integer' },
  COFL_MAIL_SMTP_SECURE: { key: 'mail.smtp.secure', kind: 'boolean' },
  COFL_MAIL_SMTP_USER: { key: 'mail.smtp.user', kind: 'nullable' },
  COFL_MAIL_SMTP_PASS_FILE: { key: 'mail.smtp.passFile', kind: 'nullable' },
  COFL_MAIL_FROM: { key: 'mail.from', kind: 'nullable' },
  COFL_MAIL_PER_MINUTE: { key: 'mail.perMinute', kind: 'integer' },
  COFL_GEOGRAPHY: { key: 'geography', kind: 'nullable' }
}

/** What each key must be, in words (the error message's "expected ..."). */
const EXPECTED: Record<string, string> = {
  '': 'a JSON object',
  data: 'a non-empty directory path',
  name: 'a non-empty string or null',
  listen: 'an array of multiaddrs such as "/ip4/127.0.0.1/tcp/0"',
  http: 'an object {"host", "port", "maxConnections", "idleTimeoutMs", "keepAliveTimeoutMs", "headersTimeoutMs", "requestTimeoutMs", "trustProxy"}',
  'http.host': 'a host name or IP address to listen on, such as "127.0.0.1"',
  'http.port': 'an integer from 0 to 65535 (0: a port chosen by the OS)',
  'http.maxConnections': 'null (half the limit of open files, at most 4096) or an integer from 1 to 1000000',
  'http.idleTimeoutMs': 'an integer from 100 to 3600000 (milliseconds)',
  'http.keepAliveTimeoutMs': 'an integer from 100 to 3600000 (milliseconds)',
  'http.headersTimeoutMs': 'an integer from 100 to 3600000 (milliseconds), at most http.requestTimeoutMs',
  'http.requestTimeoutMs': 'an integer from 100 to 3600000 (milliseconds)',
  'http.trustProxy': 'false, or an array of the addresses or CIDR ranges of the reverse proxies in front of the node (such as ["127.0.0.1"] or ["10.0.0.0/8"]); not true, nor a number of proxies: neither tells a proxy from a client that connects directly, which could then name any address in X-Forwarded-For',
  bootstrap: 'an array of multiaddrs that end with /p2p/<peer id>',
  allowDial: `an array of ${DIAL_KINDS.map((k) => `"${k}"`).join(' and ')} (public addresses are always dialled; [] in production unless the peers are on a private network)`,
  announce: `an array of multiaddrs without /p2p/ that peers reach this node at (such as "/dns4/badges.example.org/tcp/4001"), and/or ${DIAL_KINDS.map((k) => `"${k}"`).join(' and ')} to announce the listen addresses on such networks too ([]: the public listen addresses only)`,
  trustRoots: 'an array of DIDs ("did:...")',
  publicBaseUrl: 'null or an http(s) URL without query or fragment, such as "https://badges.example.org"',
  status: 'an object {"publishIntervalMs"}',
  'status.publishIntervalMs': 'a whole number of seconds in milliseconds, from 1000 to 86400000 (default 300000: 5 minutes), how often changed status lists are published',
  limits: 'an object {"bodyBytes"}',
  'limits.bodyBytes': 'an integer from 1024 to 104857600 (bytes)',
  retention: 'an object {"offerContactDays"}',
  'retention.offerContactDays': 'an integer from 0 to 3650: the days after an offer is claimed or expires until its name and email are erased',
  mail: 'an object {"smtp", "from", "perMinute"}',
  'mail.smtp': 'null (no mail sent: the default) or an object {"host", "port", "secure", "user", "pass", "passFile"}',
  'mail.smtp.host': 'the mail server\'s host name or IP address, such as "smtp.example.org"',
  'mail.smtp.port': 'an integer from 1 to 65535 (default 465 with secure, else 587)',
  'mail.smtp.secure': 'true (TLS from the start, port 465) or false (STARTTLS when the server offers it)',
  'mail.smtp.user': 'null or the user name to log in to the mail server with',
  'mail.smtp.pass': 'null or the password (prefer passFile: a password in the config file is readable by whoever reads it)',
  'mail.smtp.passFile': 'null or the path of a file holding the mail server\'s password',
  'mail.from': 'the sender, "badges@example.org" or "City Badges <badges@example.org>" (one line), required when mail.smtp is set',
  'mail.perMinute': 'an integer from 1 to 6000: the most mails sent per minute',
  geography: 'null or the path of a GeoJSON FeatureCollection file (the outline the catalogue\'s map draws: docs/operations.md, "Geography")'
}

/** A mail sender: `address@domain`, or a display name and `<address@domain>`; one line. */
const MAIL_FROM_PATTERN = '^(?:[^<>\\r\\n"]{0,200} ?<[^\\s@<>"]{1,64}@[A-Za-z0-9.-]{1,253}>|[^\\s@<>"]{1,64}@[A-Za-z0-9.-]{1,253})$'

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['data', 'name', 'listen', 'http', 'bootstrap', 'allowDial', 'trustRoots', 'publicBaseUrl', 'limits', 'retention'],
  properties: {
    data: { type: 'string', minLength: 1 },
    name: { type: ['string', 'null'], minLength: 1 },
    listen: { type: 'array', items: { type: 'string', pattern: '^/[a-z0-9]+/' } },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port'],
      properties: {
        host: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        maxConnections: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 },
        idleTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
        keepAliveTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
        headersTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
        requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
        trustProxy: {
          anyOf: [
            { const: false },
            { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 100 } }
          ]
        }
      }
    },
    bootstrap: { type: 'array', items: { type: 'string', pattern: '^/.+/p2p/[A-Za-z0-9]+$' } },
    allowDial: { type: 'array', items: { type: 'string', enum: DIAL_KINDS }, uniqueItems: true },
    announce: { type: 'array', maxItems: 16, uniqueItems: true, items: { anyOf: [{ type: 'string', enum: DIAL_KINDS }, { type: 'string', pattern: '^/[a-z0-9]+/', not: { pattern: '/p2p/' } }] } },
    trustRoots: { type: 'array', items: { type: 'string', pattern: '^did:[a-z0-9]+:\\S+$' } },
    publicBaseUrl: { type: ['string', 'null'], pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' },
    status: {
      type: 'object',
      additionalProperties: false,
      required: ['publishIntervalMs'],
      properties: {
        publishIntervalMs: { type: 'integer', minimum: 1000, maximum: 86_400_000, multipleOf: 1000 }
      }
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['bodyBytes'],
      properties: {
        bodyBytes: { type: 'integer', minimum: 1024, maximum: 104857600 }
      }
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      required: ['offerContactDays'],
      properties: {
        offerContactDays: { type: 'integer', minimum: 0, maximum: 3650 }
      }
    },
    mail: {
      type: 'object',
      additionalProperties: false,
      required: ['smtp', 'from', 'perMinute'],
      properties: {
        smtp: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['host'],
          properties: {
            host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]_-]+$' },
            port: { type: 'integer', minimum: 1, maximum: 65535 },
            secure: { type: 'boolean' },
            user: { type: ['string', 'null'], minLength: 1, maxLength: 256 },
            pass: { type: ['string', 'null'], minLength: 1, maxLength: 1024 },
            passFile: { type: ['string', 'null'], minLength: 1 }
          }
        },
        from: { type: ['string', 'null'], maxLength: 320, pattern: MAIL_FROM_PATTERN },
        perMinute: { type: 'integer', minimum: 1, maximum: 6000 }
      }
    },
    geography: { type: ['string', 'null'], minLength: 1, maxLength: 4096 }
  }
} as const

let validator: ValidateFunction | undefined

/**
 * The validator of CONFIG_SCHEMA, compiled on first use: loading Ajv and compiling the schema take
 * tens of milliseconds that only the commands reading a configuration should pay, not every start
 * of the CLI (`cofl verify` imports this module too). Ajv is CommonJS, so it is required here,
 * synchronously, rather than imported at the top.
 */
function validateConfig (): ValidateFunction {
  if (validator === undefined) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv')
    validator = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(CONFIG_SCHEMA)
  }
  return validator
}

/**
 * The file at `relative` in this module's directory or the nearest one above it (up to 5 levels),
 * so that it is found from node/src (the sources) and node/dist/src (compiled) alike.
 */
export function findAbove (relative: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, relative)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return undefined
}

/** Finds config/default.json above this module (node/src or node/dist/src). */
function defaultsPath (): string {
  const path = findAbove(join('config', 'default.json'))
  if (path == null) throw new ConfigError({ key: '', value: undefined, source: 'config/default.json', expected: 'the embedded defaults (config/default.json) to be installed' })
  return path
}

let embedded: string | undefined

/** A fresh copy of the embedded defaults (config/default.json), data directory not yet resolved. */
export function defaultConfig (): NodeConfig {
  embedded ??= readFileSync(defaultsPath(), 'utf8')
  return JSON.parse(embedded) as NodeConfig
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface Layer {
  /** Dotted key -> value. */
  values: Array<[key: string, value: unknown]>
  /** Where a key's value came from, for the error message. */
  source: (key: string) => string
}

/** The leaves of an object as dotted keys (arrays and scalars are leaves). */
function leaves (value: unknown, prefix = ''): Array<[string, unknown]> {
  if (!isPlainObject(value)) return [[prefix, value]]
  const out: Array<[string, unknown]> = []
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue
    const key = prefix === '' ? k : `${prefix}.${k}`
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...leaves(v, key))
    else out.push([key, v])
  }
  return out
}

function setPath (target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1] as string] = structuredClone(value)
}

function getPath (target: unknown, key: string): unknown {
  let node = target
  for (const part of key.split('.').filter((p) => p !== '')) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** The environment's COFL_* settings as a layer. Integers that do not parse stay strings (and fail validation with their value). */
export function envLayer (env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {}
  for (const [name, { key, kind }] of Object.entries(CONFIG_ENV)) {
    const raw = env[name]
    if (raw == null) continue
    let value: unknown = raw
    if (kind === 'integer') value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw
    else if (kind === 'list') value = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
    else if (kind === 'nullable') value = raw.trim() === '' ? null : raw
    else if (kind === 'boolean') value = /^\s*(true|1)\s*$/i.test(raw) ? true : /^\s*(false|0)\s*$/i.test(raw) ? false : raw
    else if (kind === 'proxies') {
      const text = raw.trim()
      value = text === '' || text === 'false' ? false : /^\d+$/.test(text) ? Number(text) : text === 'true' ? true : text.split(',').map((s) => s.trim()).filter((s) => s !== '')
    }
    setPath(out, key, value)
  }
  return out as ConfigInput
}

function envSource (key: string): string {
  const name = Object.entries(CONFIG_ENV).find(([, v]) => key === v.key || key.startsWith(`${v.key}.`))?.[0]
  return name ?? 'the environment'
}

/** The flag that sets a key (for the error message). */
const FLAG_OF: Record<string, string> = {
  data: '--data', name: '--name', listen: '--listen', 'http.host': '--http-host', 'http.port': '--http-port',
  bootstrap: '--bootstrap', allowDial: '--allow-dial', announce: '--announce', trustRoots: '--trust-root', publicBaseUrl: '--public-base-url', 'limits.bodyBytes': '--body-limit',
  'mail.smtp.host': '--smtp-host', 'mail.smtp.port': '--smtp-port', 'mail.from': '--mail-from', geography: '--geography'
}

function explain (error: ErrorObject, config: unknown, sourceOf: (key: string) => string): ConfigError {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  // Array items are reported by their array's key.
  const keyParts = path.filter((p) => !/^\d+$/.test(p))
  let key = keyParts.join('.')
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty)
    const known = Object.keys(EXPECTED).filter((k) => k !== '' && k.split('.').length === keyParts.length + 1 && k.startsWith(key === '' ? '' : `${key}.`))
    key = key === '' ? extra : `${key}.${extra}`
    return new ConfigError({ key, value: getPath(config, key), source: sourceOf(key), expected: `no such key (known: ${known.join(', ')})` })
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty)
    key = key === '' ? missing : `${key}.${missing}`
  }
  const value = path.length > keyParts.length ? getPath(config, path.join('.')) : getPath(config, key)
  const item = path.length > keyParts.length ? ` (item ${path[path.length - 1] ?? ''})` : ''
  return new ConfigError({ key: key + item, value, source: sourceOf(key), expected: EXPECTED[key] ?? error.message ?? 'a valid value' })
}

/**
 * Why an entry of `http.trustProxy` is refused (its text), or undefined when it is an IP address,
 * a CIDR range or a named range. A range of every address (prefix 0) is refused: it is `true`.
 */
function proxyEntryProblem (entry: string): string | undefined {
  if ((TRUST_PROXY_RANGES as readonly string[]).includes(entry)) return undefined
  const slash = entry.indexOf('/')
  const address = slash < 0 ? entry : entry.slice(0, slash)
  const version = isIP(address)
  if (version === 0) return ''
  if (slash < 0) return undefined
  const prefix = entry.slice(slash + 1)
  const max = version === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return ` (the prefix length is 0 to ${max})`
  if (Number(prefix) === 0) return ' (not a range of every address: that would trust anyone, as true would)'
  return undefined
}

/**
 * Merges layers over the embedded defaults and validates the result. `cwd` resolves a relative
 * data directory. Throws ConfigError naming the first bad key.
 */
export function resolveConfig (layers: Array<{ values: ConfigInput, source: string | ((key: string) => string) }>, cwd: string = process.cwd()): NodeConfig {
  const merged = defaultConfig() as unknown as Record<string, unknown>
  const sources = new Map<string, string>()
  const all: Layer[] = [
    ...layers.map(({ values, source }) => ({
      values: leaves(values ?? {}),
      source: typeof source === 'function' ? source : () => source
    }))
  ]
  for (const layer of all) {
    for (const [key, value] of layer.values) {
      if (key === '') {
        throw new ConfigError({ key: '(the whole configuration)', value, source: layer.source(key), expected: EXPECTED[''] as string })
      }
      setPath(merged, key, value)
      sources.set(key, layer.source(key))
    }
  }
  const sourceOf = (key: string): string => {
    for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
      const s = sources.get(k)
      if (s != null) return s
    }
    for (const [k, s] of sources) if (k.startsWith(`${key}.`)) return s
    return 'config/default.json'
  }
  const validate = validateConfig()
  if (!validate(merged)) {
    throw explain((validate.errors ?? [])[0] as ErrorObject, merged, sourceOf)
  }
  const config = merged as unknown as NodeConfig
  const { headersTimeoutMs, requestTimeoutMs } = config.http
  if (headersTimeoutMs != null && requestTimeoutMs != null && headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError({ key: 'http.headersTimeoutMs', value: headersTimeoutMs, source: sourceOf('http.headersTimeoutMs'), expected: `at most http.requestTimeoutMs (${requestTimeoutMs}): the headers are part of the request` })
  }
  const proxies = config.http.trustProxy
  if (Array.isArray(proxies)) {
    proxies.forEach((entry, i) => {
      const why = proxyEntryProblem(entry)
      if (why !== undefined) {
        throw new ConfigError({ key: `http.trustProxy (item ${i})`, value: entry, source: sourceOf('http.trustProxy'), expected: `an IP address, a CIDR range such as "10.0.0.0/8", or one of ${TRUST_PROXY_RANGES.map((r) => `"${r}"`).join(', ')}${why}` })
      }
    })
  }
  const smtp = config.mail?.smtp
  if (smtp != null) {
    if (config.mail?.from == null) {
      throw new ConfigError({ key: 'mail.from', value: null, source: sourceOf('mail.from'), expected: `${EXPECTED['mail.from'] as string} (mail.smtp is set, by ${sourceOf('mail.smtp')})` })
    }
    if (smtp.pass != null && smtp.passFile != null) {
      throw new ConfigError({ key: 'mail.smtp.pass', value: '(hidden)', source: sourceOf('mail.smtp.pass'), expected: 'either mail.smtp.pass or mail.smtp.passFile, not both' })
    }
    if ((smtp.pass != null || smtp.passFile != null) && smtp.user == null) {
      throw new ConfigError({ key: 'mail.smtp.user', value: null, source: sourceOf('mail.smtp.user'), expected: 'the user name that goes with mail.smtp.pass / passFile' })
    }
    if (smtp.user != null && smtp.pass == null && smtp.passFile == null) {
      throw new ConfigError({ key: 'mail.smtp.passFile', value: null, source: sourceOf('mail.smtp.passFile'), expected: `the password of mail.smtp.user ${JSON.stringify(smtp.user)}: mail.smtp.passFile (or mail.smtp.pass)` })
    }
    if (smtp.passFile != null) smtp.passFile = resolve(cwd, smtp.passFile)
  }
  config.data = resolve(cwd, config.data)
  if (config.geography != null) config.geography = resolve(cwd, config.geography)
  if (config.publicBaseUrl != null) config.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '')
  return config
}

export interface LoadConfigOptions {
  /** Settings from command-line flags (highest precedence). */
  flags?: ConfigInput
  /** The environment (default process.env). */
  env?: NodeJS.ProcessEnv
  /** A JSON config file (default: $COFL_CONFIG, else none). */
  file?: string
  /** Resolves a relative data directory (default process.cwd()). */
  cwd?: string
}

/** Reads a config file. */
export async function readConfigFile (path: string): Promise<ConfigInput> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new ConfigError({ key: 'config', value: path, source: 'the config file', expected: `a readable JSON file (${fsReason(err, 'read')})` }, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ConfigError({ key: 'config', value: path, source: 'the config file', expected: `JSON (${(err as Error).message})` }, { cause: err })
  }
  if (!isPlainObject(json)) throw new ConfigError({ key: '(the whole configuration)', value: json, source: path, expected: 'a JSON object' })
  return json as ConfigInput
}

/** Loads the configuration: defaults < file < environment < flags, validated. */
export async function loadConfig (options: LoadConfigOptions = {}): Promise<NodeConfig> {
  const env = options.env ?? process.env
  const file = options.file ?? (env.COFL_CONFIG != null && env.COFL_CONFIG !== '' ? env.COFL_CONFIG : undefined)
  const layers: Array<{ values: ConfigInput, source: string | ((key: string) => string) }> = []
  if (file != null) layers.push({ values: await readConfigFile(file), source: file })
  layers.push({ values: envLayer(env), source: envSource })
  if (options.flags != null) layers.push({ values: options.flags, source: (key) => FLAG_OF[key] ?? 'a flag' })
  return resolveConfig(layers, options.cwd)
}
