// @cofl/verifier runs in a browser: its main entry, bundled as a page bundles it (esbuild, platform
// browser, the packages' `browser` paths, and no external module at all), builds, and its module
// graph holds no Node built-in: no `node:` import, in this package or in those under it
// (@cofl/credentials, @cofl/identity, @cofl/status, their libraries). The worker pool, which needs
// node:worker_threads, is the Node-only entry @cofl/verifier/pool and is not in the graph.
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Metafile } from 'esbuild'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BUILTINS = new Set(builtinModules)

async function bundle (entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['cofl-source', 'browser'],
    metafile: true,
    logLevel: 'silent'
  })
  return result.metafile
}

test('the main entry bundles for the browser with no externals, and no module of its graph imports a Node built-in', async () => {
  const metafile = await bundle('../src/index.ts')
  const inputs = Object.entries(metafile.inputs)
  const builtins = inputs.flatMap(([file, info]) => info.imports
    .filter((i) => i.external === true || i.path.startsWith('node:') || BUILTINS.has(i.path))
    .map((i) => `${file} imports ${i.path}`))
  assert.equal(builtins, [])
  const files = inputs.map(([file]) => file)
  assert.ok(files.includes('packages/verifier/src/verifier.ts'), 'the pipeline is in the graph')
  assert.ok(files.some((f) => f.startsWith('packages/credentials/src/')) && files.some((f) => f.startsWith('packages/status/src/')), 'with the packages under it')
  assert.equal(files.filter((f) => /packages\/verifier\/src\/(pool|worker)/.test(f)), [], 'the worker pool is not')
  // The browser paths of the packages under it were taken.
  for (const browser of ['packages/credentials/src/fastverify-browser.ts', 'packages/credentials/src/schema-files-browser.ts', 'packages/identity/src/keyfile-browser.ts']) {
    assert.ok(files.includes(browser), `${browser} is in the graph`)
  }
  assert.ok(files.length > 100, `only ${files.length} modules: not the whole graph`)
})

test('the pool entry is Node\'s: bundled for the browser, it does not build (node:worker_threads)', async () => {
  try {
    await bundle('../src/pool-entry.ts')
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string }> }).errors ?? []
    assert.ok(errors.some((e) => e.text.includes('node:worker_threads')), JSON.stringify(errors.map((e) => e.text)))
    return
  }
  assert.unreachable('the pool entry bundled for the browser')
})

test.run()
