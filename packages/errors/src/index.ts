/**
 * @packageDocumentation
 *
 * @cofl/errors: the one way cofl makes an error that carries a stable code. `CoflError` is the
 * base of every package's errors (`code`, `message`, `cause`, and `name` from the class), and
 * `defineError` makes the base of a class of one code, with that code as its static `code`. No
 * dependencies, no Node built-ins: it runs in the browser too. The codes themselves belong to the
 * packages that throw them; docs/errors.md lists them all.
 *
 * @example
 * ```ts
 * import { CoflError, defineError } from '@cofl/errors'
 *
 * export class IdentityError extends CoflError {}
 * export class KeyFileError extends defineError(IdentityError, 'COFL_ERR_KEY_FILE') {}
 *
 * const err = new KeyFileError('cannot read key.json', { cause })
 * err.code === KeyFileError.code // 'COFL_ERR_KEY_FILE'; err.name === 'KeyFileError'
 * ```
 */
export { CoflError, defineError } from './cofl-error.js'
export type { CoflErrorBase, CoflErrorOptions, DefinedError } from './cofl-error.js'
