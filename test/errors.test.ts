// docs/errors.md and the sources agree: every COFL_ERR_* code used in the sources (the packages,
// the node and its web pages) is documented there, every documented code is used, and every error
// class carries a documented code. And every error class is made one way: a CoflError subclass.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as analytics from '@cofl/analytics'
import * as api from '@cofl/api'
import * as catalogue from '@cofl/catalogue'
import * as credentials from '@cofl/credentials'
import { CoflError } from '@cofl/errors'
import * as federation from '@cofl/federation'
import * as formats from '@cofl/formats'
import * as identity from '@cofl/identity'
import * as pathways from '@cofl/pathways'
import * as status from '@cofl/status'
import * as store from '@cofl/store'
import * as verifier from '@cofl/verifier'
import * as wallet from '@cofl/wallet'
import * as node from 'cofl'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CODE = /COFL_ERR_[A-Z0-9_]+/g

function sources (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

const WEB_SRC = join(ROOT, 'node', 'web', 'src')
const srcDirs = [...readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'src')), join(ROOT, 'node', 'src'), WEB_SRC].filter((dir) => existsSync(dir))
const used = new Set(srcDirs.flatMap(sources).flatMap((file) => readFileSync(file, 'utf8').match(CODE) ?? []))
const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
const documented = new Set([...doc.matchAll(/^\| `(COFL_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string))

test('every code in the sources is documented in docs/errors.md', () => {
  assert.equal([...used].filter((c) => !documented.has(c)).sort(), [])
})

test('every documented code is used by the sources', () => {
  assert.equal([...documented].filter((c) => !used.has(c)).sort(), [])
})

test('every exported error class carries a documented code and its own name', () => {
  let classes = 0
  for (const mod of [identity, credentials, status, store, federation, formats, pathways, catalogue, analytics, verifier, api, wallet, node]) {
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue
      classes++
      const code = (value as unknown as { code?: string }).code
      if (code != null) assert.ok(documented.has(code), `${name}.code ${code} is not in docs/errors.md`)
    }
  }
  assert.ok(classes >= 10, `found only ${classes} error classes`)
  const err = new identity.KeyPassphraseError()
  assert.is(err.name, 'KeyPassphraseError')
  assert.is(err.code, 'COFL_ERR_KEY_PASSPHRASE')
})

const packages = { identity, credentials, status, store, federation, formats, pathways, catalogue, analytics, verifier, api, wallet }

function errorClasses (mod: object): Array<[string, Function]> {
  return Object.entries(mod).filter((e): e is [string, Function] => typeof e[1] === 'function' && e[1].prototype instanceof Error)
}

test('every exported error class of a package is a CoflError', () => {
  for (const [pkg, mod] of Object.entries(packages)) {
    const classes = errorClasses(mod)
    assert.ok(classes.length > 0, `@cofl/${pkg} exports no error class`)
    for (const [name, value] of classes) assert.ok(value.prototype instanceof CoflError, `@cofl/${pkg}'s ${name} is not a CoflError`)
  }
})

test('codes are given one way: a static code, or the base\'s XErrorCode object of codes', () => {
  for (const [pkg, mod] of Object.entries(packages)) {
    const classes = errorClasses(mod)
    for (const [name, value] of classes) {
      if ((value as { code?: unknown }).code != null) continue
      const isBase = classes.some(([, other]) => other.prototype instanceof value)
      const codes = (mod as Record<string, unknown>)[`${name}Code`]
      // ApiAnswerError carries the code the node answered with (or its static fallbackCode).
      if (isBase || name === 'ApiAnswerError') continue
      assert.type(codes, 'object', `@cofl/${pkg}'s ${name} has neither a static code nor an exported ${name}Code`)
      for (const code of Object.values(codes as object)) assert.ok(documented.has(code as string), `${name}Code's ${String(code)} is not in docs/errors.md`)
    }
  }
})

test('every exported error class of the node is a CoflError', () => {
  const classes = errorClasses(node)
  assert.ok(classes.some(([name]) => name === 'NodeError'), 'cofl exports no NodeError')
  for (const [name, value] of classes) assert.ok(value.prototype instanceof CoflError, `cofl's ${name} is not a CoflError`)
})

test('the web pages\' error classes extend a package\'s CoflError', () => {
  const coflClasses = new Map(Object.values(packages).flatMap(errorClasses).filter(([, c]) => c.prototype instanceof CoflError))
  let found = 0
  for (const file of sources(WEB_SRC)) {
    for (const [, name, base] of readFileSync(file, 'utf8').matchAll(/\bclass (\w+) extends (\w+)/g)) {
      if (!/Error$/.test(name as string) && !/Error$/.test(base as string)) continue
      found++
      assert.ok(coflClasses.has(base as string), `${name} in ${file} extends ${base}, not a package's CoflError`)
    }
  }
  assert.ok(found >= 1, 'no error class found in node/web/src (ApiCallError)')
})

test.run()
