/**
 * Errors of the cofl node and CLI. A UsageError is bad usage or unreadable input: the CLI prints
 * its one-line message and exits 2.
 */
export class NodeError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

export class UsageError extends NodeError {
  static readonly code = 'COFL_ERR_USAGE'
  constructor (message: string, options?: ErrorOptions) {
    super(UsageError.code, message, options)
  }
}

export class InputError extends NodeError {
  static readonly code = 'COFL_ERR_INPUT'
  constructor (message: string, options?: ErrorOptions) {
    super(InputError.code, message, options)
  }
}
