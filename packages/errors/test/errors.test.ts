import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CoflError, defineError } from '../src/index.js'

class PackageError extends CoflError {}
class OneError extends defineError(PackageError, 'COFL_ERR_ONE') {}
class DefaultError extends defineError(PackageError, 'COFL_ERR_DEFAULT', 'the default message') {}
class StatusError extends CoflError {
  readonly status: number
  constructor (code: string, message: string, options?: ErrorOptions & { status?: number }) {
    super(code, message, options)
    this.status = options?.status ?? 0
  }
}
class TeapotError extends defineError(StatusError, 'COFL_ERR_TEAPOT') {}
const Codes = { A: 'COFL_ERR_A', B: 'COFL_ERR_B' } as const
class ManyError extends CoflError<typeof Codes[keyof typeof Codes]> {}

test('CoflError: code, message, cause, and the name of the class new was called on', () => {
  const cause = new Error('underneath')
  const err = new PackageError('COFL_ERR_X', 'it failed', { cause })
  assert.instance(err, Error)
  assert.instance(err, CoflError)
  assert.is(err.code, 'COFL_ERR_X')
  assert.is(err.message, 'it failed')
  assert.is(err.cause, cause)
  assert.is(err.name, 'PackageError')
  assert.is(new CoflError('COFL_ERR_X', 'm').name, 'CoflError')
  assert.ok(String(err.stack).startsWith('PackageError: it failed'))
})

test('CoflError<Code>: one class, several codes', () => {
  const err = new ManyError(Codes.B, 'b')
  const code: 'COFL_ERR_A' | 'COFL_ERR_B' = err.code
  assert.is(code, 'COFL_ERR_B')
  assert.is(err.name, 'ManyError')
})

test('defineError: a class of one code, named by its declaration, under its package base', () => {
  const err = new OneError('one failed', { cause: 1 })
  assert.is(OneError.code, 'COFL_ERR_ONE')
  const code: 'COFL_ERR_ONE' = err.code
  assert.is(code, 'COFL_ERR_ONE')
  assert.is(err.name, 'OneError')
  assert.is(err.message, 'one failed')
  assert.is(err.cause, 1)
  assert.instance(err, OneError)
  assert.instance(err, PackageError)
  assert.instance(err, CoflError)
  assert.ok(OneError.prototype instanceof CoflError)
  assert.not.instance(err, DefaultError)
})

test('defineError: a default message, and the base\'s own options', () => {
  assert.is(new DefaultError().message, 'the default message')
  assert.is(new DefaultError('said otherwise').message, 'said otherwise')
  const teapot = new TeapotError('short and stout', { status: 418 })
  assert.is(teapot.status, 418)
  assert.is(teapot.code, 'COFL_ERR_TEAPOT')
  assert.is(new TeapotError('no status').status, 0)
})

test('defineError: a subclass with its own constructor keeps the code', () => {
  class SizeError extends defineError(PackageError, 'COFL_ERR_SIZE') {
    readonly size: number
    constructor (size: number) {
      super(`${size} bytes is too many`)
      this.size = size
    }
  }
  const err = new SizeError(9)
  assert.is(err.message, '9 bytes is too many')
  assert.is(err.code, 'COFL_ERR_SIZE')
  assert.is(err.name, 'SizeError')
  assert.is(err.size, 9)
})

test('defineError refuses a code that is not COFL_ERR_*', () => {
  assert.throws(() => defineError(CoflError, 'NOPE' as 'COFL_ERR_NOPE'), TypeError)
})

test.run()
