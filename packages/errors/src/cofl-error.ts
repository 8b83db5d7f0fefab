/**
 * The base of every cofl error that carries a stable code (docs/errors.md lists the codes).
 * `Code` narrows `code` for a class whose codes are known: a package's const object of codes
 * (`StoreError extends CoflError<StoreErrorCode>`) or the one code of a class made by defineError.
 */
export class CoflError<Code extends string = string> extends Error {
  /** The stable code, `COFL_ERR_*`: what callers test and what crosses the HTTP API and the CLI. */
  readonly code: Code

  /**
   * @param code - the stable code
   * @param message - one line, for a person
   * @param options - `cause`: the error this one wraps (kept, never flattened into the message)
   */
  constructor (code: Code, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    // The class a caller wrote `new` for, so a subclass needs no constructor to be named right.
    this.name = new.target.name
  }
}

/**
 * What defineError extends: CoflError or a subclass of it whose constructor takes
 * `(code, message, options?)`, as every package's base class does (its options may add fields).
 */
export type CoflErrorBase = new (code: never, message: string, options?: never) => CoflError

/** The options a base class takes: ErrorOptions, and whatever it adds (a `status`, a `report`). */
export type CoflErrorOptions<Base extends CoflErrorBase> = ConstructorParameters<Base>[2]

/**
 * The class defineError returns: it takes a message (optional when a default was given) and the
 * base's options, and has its one code both as the static `code` and as the instances' `code`.
 */
export interface DefinedError<Base extends CoflErrorBase, Code extends string, Args extends unknown[]> {
  new (...args: Args): InstanceType<Base> & { readonly code: Code }
  readonly prototype: InstanceType<Base> & { readonly code: Code }
  /** The code of every error of this class. */
  readonly code: Code
}

/**
 * A base class for an error of one code: `class KeyFileError extends defineError(IdentityError,
 * 'COFL_ERR_KEY_FILE') {}`. The class declaration gives the error its name (CoflError sets `name`
 * from the class `new` was called on) and its documentation; the returned class gives it the static
 * `code`, the instances' `code` narrowed to it, and the constructor `(message, options?)` that
 * passes the code to the base. With `defaultMessage`, the message may be left out. A class that
 * builds its message from other values keeps a constructor of its own that calls `super(message)`.
 *
 * @param base - the package's base class (CoflError itself when the package has none)
 * @param code - the stable code
 * @param defaultMessage - the message when none is given
 */
export function defineError<Base extends CoflErrorBase, const Code extends ConstructorParameters<Base>[0] & string> (
  base: Base, code: Code
): DefinedError<Base, Code, [message: string, options?: CoflErrorOptions<Base>]>
export function defineError<Base extends CoflErrorBase, const Code extends ConstructorParameters<Base>[0] & string> (
  base: Base, code: Code, defaultMessage: string
): DefinedError<Base, Code, [message?: string, options?: CoflErrorOptions<Base>]>
export function defineError (base: CoflErrorBase, code: string, defaultMessage?: string): unknown {
  if (typeof code !== 'string' || !code.startsWith('COFL_ERR_')) throw new TypeError(`code must be a COFL_ERR_* string, not ${String(code)}`)
  const Base = base as unknown as new (code: string, message: string, options?: ErrorOptions) => CoflError
  return class extends Base {
    static readonly code = code
    constructor (message?: string, options?: ErrorOptions) {
      super(code, message ?? defaultMessage ?? '', options)
    }
  }
}
