// docs/errors.md and the sources agree: every COFL_ERR_* code used in a package's sources is
// documented there, every documented code is used, and every error class carries a documented code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as analytics from '@cofl/analytics'
import * as api from '@cofl/api'
import * as catalogue from '@cofl/catalogue'
import * as credentials from '@cofl/credentials'
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

const srcDirs = [...readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'src')), join(ROOT, 'node', 'src')].filter((dir) => existsSync(dir))
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

test.run()
