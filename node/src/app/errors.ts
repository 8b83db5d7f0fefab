import { CoflError, defineError } from '@cofl/errors'

/**
 * Errors of the cofl node and CLI. A UsageError is bad usage or unreadable input: the CLI prints
 * its one-line message and exits 2.
 */
export class NodeError<Code extends string = string> extends CoflError<Code> {}

export class UsageError extends defineError(NodeError, 'COFL_ERR_USAGE') {}

export class InputError extends defineError(NodeError, 'COFL_ERR_INPUT') {}

function shown (value: unknown): string {
  if (value === undefined) return 'missing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** What is wrong with a configuration value. */
export interface ConfigProblem {
  /** The dotted key, such as `http.port`. */
  key: string
  value: unknown
  /** Where the value came from: a file, an environment variable, a flag, the defaults. */
  source: string
  /** What the key must be, in words. */
  expected: string
}

/** An invalid configuration: names the key, its value, where it came from and what was expected. */
export class ConfigError extends NodeError {
  static readonly code = 'COFL_ERR_CONFIG'
  readonly key: string
  readonly value: unknown
  readonly source: string
  readonly expected: string
  constructor (problem: ConfigProblem, options?: ErrorOptions) {
    super(ConfigError.code, `invalid configuration: ${problem.key} is ${shown(problem.value)} (from ${problem.source}); expected ${problem.expected}`, options)
    this.key = problem.key
    this.value = problem.value
    this.source = problem.source
    this.expected = problem.expected
  }
}

/** The codes of the HTTP API's errors and their HTTP status. */
export const ApiErrorCode = {
  BAD_JSON: 'COFL_ERR_BAD_JSON',
  BAD_REQUEST: 'COFL_ERR_BAD_REQUEST',
  UNAUTHORIZED: 'COFL_ERR_UNAUTHORIZED',
  FORBIDDEN: 'COFL_ERR_FORBIDDEN',
  NOT_FOUND: 'COFL_ERR_NOT_FOUND',
  CONFLICT: 'COFL_ERR_CONFLICT',
  BODY_TOO_LARGE: 'COFL_ERR_BODY_TOO_LARGE',
  URI_TOO_LONG: 'COFL_ERR_URI_TOO_LONG',
  UNSUPPORTED_MEDIA_TYPE: 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE',
  INTERNAL: 'COFL_ERR_INTERNAL',
  UNAVAILABLE: 'COFL_ERR_UNAVAILABLE',
  /** No offer has this claim code (a wrong code; codes are never listed). */
  OFFER_NOT_FOUND: 'COFL_ERR_OFFER_NOT_FOUND',
  /** The offer was claimed already: a code works once. */
  OFFER_CLAIMED: 'COFL_ERR_OFFER_CLAIMED',
  /** The offer's time ran out before it was claimed. */
  OFFER_EXPIRED: 'COFL_ERR_OFFER_EXPIRED',
  /** The offer was ended by its issuer (its learner asked to be forgotten) before it was claimed. */
  OFFER_WITHDRAWN: 'COFL_ERR_OFFER_WITHDRAWN',
  /** Mail is off on this node (config `mail.smtp` is null): an offer's email cannot be sent. */
  MAIL_OFF: 'COFL_ERR_MAIL_OFF',
  /** The claim's presentation does not prove control of its holder DID over the offer's challenge and domain. */
  CLAIM_PROOF: 'COFL_ERR_CLAIM_PROOF',
  /** A request about the learner's OB 3.0 grants whose presentation does not prove its holder DID over a grants challenge of this node. */
  GRANTS_PROOF: 'COFL_ERR_GRANTS_PROOF',
  /** Too many requests from one address in a time window, or too many records of an anonymous route (registrations, requests to authorise) kept for it. */
  RATE_LIMITED: 'COFL_ERR_RATE_LIMITED'
} as const

/** One of the HTTP API's codes (ApiErrorCode). */
export type ApiErrorCode = typeof ApiErrorCode[keyof typeof ApiErrorCode]

export const API_ERROR_STATUS: Readonly<Record<string, number>> = {
  COFL_ERR_BAD_JSON: 400,
  COFL_ERR_BAD_REQUEST: 400,
  COFL_ERR_INPUT: 400,
  COFL_ERR_UNAUTHORIZED: 401,
  COFL_ERR_FORBIDDEN: 403,
  COFL_ERR_NOT_FOUND: 404,
  COFL_ERR_CONFLICT: 409,
  COFL_ERR_BODY_TOO_LARGE: 413,
  COFL_ERR_URI_TOO_LONG: 414,
  COFL_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  COFL_ERR_INTERNAL: 500,
  COFL_ERR_UNAVAILABLE: 503,
  COFL_ERR_OFFER_NOT_FOUND: 404,
  COFL_ERR_OFFER_CLAIMED: 409,
  COFL_ERR_OFFER_EXPIRED: 410,
  COFL_ERR_OFFER_WITHDRAWN: 410,
  COFL_ERR_MAIL_OFF: 409,
  COFL_ERR_CLAIM_PROOF: 400,
  COFL_ERR_GRANTS_PROOF: 403,
  COFL_ERR_RATE_LIMITED: 429
}

/**
 * A request the node's domain code (src/app) refuses: a missing achievement, an id that exists
 * already, an offer claimed already, ... Its code is one of the HTTP API's (ApiErrorCode), and the
 * HTTP layer answers it with that code's status (API_ERROR_STATUS) and the same code and message;
 * domain code never throws an ApiError.
 */
export class DomainError extends NodeError<ApiErrorCode> {}

/**
 * An error of the HTTP API, `{"error": {"code", "message"}}` with `status`. Thrown by route
 * handlers, and by the CLI's client when a node answers with one.
 */
export class ApiError extends NodeError {
  readonly status: number
  constructor (code: string, message: string, options?: ErrorOptions & { status?: number }) {
    super(code, message, options)
    this.status = options?.status ?? API_ERROR_STATUS[code] ?? 500
  }
}

/**
 * A port the node is configured to listen on is taken by another program (or another node): the
 * HTTP API's `http.port` or a libp2p `listen` address. The message names the port and the key or
 * flag to change; `cofl node start` exits 2.
 */
export class PortInUseError extends NodeError {
  static readonly code = 'COFL_ERR_PORT_IN_USE'
  /** The configuration key to change: `http.port` or `listen`. */
  readonly key: 'http.port' | 'listen'
  /** The HTTP host, or the listen multiaddr (libp2p), whose port is taken. */
  readonly address: string
  readonly port: number
  /** The file that recorded the port (DIR/node-ports.json) when the configuration says 0 and a first start chose it. */
  readonly recorded: string | undefined
  constructor (problem: { key: 'http.port' | 'listen', address: string, port: number, recorded?: string | undefined }, options?: ErrorOptions) {
    const [what, flag, free] = problem.key === 'http.port' ? ['the HTTP port', '--http-port', '0'] : ['the libp2p port', '--listen', '/tcp/0']
    const where = `${what} ${problem.port} ${problem.key === 'http.port' ? 'on' : 'of'} ${problem.address} is in use by another program`
    super(PortInUseError.code, problem.recorded == null
      ? `${where}: choose another with ${flag} or the config key ${problem.key} (${free} picks a free port)`
      : `${where}: this node has used it since its first start chose it (recorded in ${problem.recorded}, so that its peers find it again); free it, or choose another with ${flag} or the config key ${problem.key}, or delete ${problem.recorded} while the node is stopped to have a new free port chosen`, options)
    this.key = problem.key
    this.address = problem.address
    this.port = problem.port
    this.recorded = problem.recorded
  }
}

/** The user interrupted a prompt (Ctrl-C): `cofl` exits 130, as a shell does after SIGINT. */
export class InterruptedError extends defineError(NodeError, 'COFL_ERR_INTERRUPTED', 'interrupted') {}

/** The CLI could not reach a node (not running, wrong URL, no node.json in the data directory). */
export class NodeUnreachableError extends defineError(NodeError, 'COFL_ERR_NODE_UNREACHABLE') {}

/**
 * The codes of the Open Badges 3.0 API's errors (node/src/http/ob3, docs/ob3-api.md). Its OAuth
 * endpoints answer `{"error", "error_description", "code"}` (RFC 6749 section 5.2); its resource
 * endpoints answer an Imsx_StatusInfo whose `imsx_description` starts with the code.
 */
export const Ob3ErrorCode = {
  /** Registration metadata refused; an unknown client or unregistered redirect_uri at /authorize; client authentication failed. */
  CLIENT: 'COFL_ERR_OB3_CLIENT',
  /** A malformed OAuth request: a missing or repeated parameter, an unsupported response or grant type, no PKCE S256, an unknown scope. */
  REQUEST: 'COFL_ERR_OB3_REQUEST',
  /** An authorisation code or refresh token that is unknown, used, expired, another client's, for another redirect_uri, or whose PKCE verifier does not match. */
  GRANT: 'COFL_ERR_OB3_GRANT',
  /** The resource owner was not authenticated: the presentation does not prove control of the DID claimed, or the request to authorise expired. */
  LEARNER: 'COFL_ERR_OB3_LEARNER',
  /** A missing, unknown, expired or revoked access token. */
  TOKEN: 'COFL_ERR_OB3_TOKEN',
  /** The access token lacks the scope the endpoint needs. */
  SCOPE: 'COFL_ERR_OB3_SCOPE',
  /** An upserted credential that does not verify, or is about someone other than the learner. */
  CREDENTIAL: 'COFL_ERR_OB3_CREDENTIAL',
  /** An upserted credential in VC-JWT form (a compact JWS, text/plain): this node cannot verify VC-JWT yet. */
  VC_JWT_UNSUPPORTED: 'COFL_ERR_OB3_VC_JWT_UNSUPPORTED',
  /** A profile that does not validate against the OB 3.0 Profile schema, or is not the learner's. */
  PROFILE: 'COFL_ERR_OB3_PROFILE'
} as const

/** An error of the OB 3.0 API: its COFL_ERR code, HTTP status and the OAuth 2.0 error code it maps to. */
export class Ob3Error extends ApiError {
  /** RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, invalid_token, insufficient_scope, ... */
  readonly oauthError: string
  constructor (code: string, message: string, options: ErrorOptions & { status: number, oauthError: string }) {
    super(code, message, options)
    this.oauthError = options.oauthError
  }
}
