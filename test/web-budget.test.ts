// The wallet page's weight (issue 16: "the wallet bundle stays under 250 KB compressed"): the pages
// are built (scripts/build-web.mjs, into a temporary folder, so that the build the node serves is
// left alone) and what the wallet page loads before it runs, its bundle and the chunks it imports
// statically (which the page preloads), weighs under 250 KB gzip; pdf-lib and the QR code are in
// chunks loaded when asked for, never in that first load. What the browser bundles leave out to
// make room (the JSON Schemas' annotations, pako: scripts/browser-bundle.mjs) changes nothing the
// validators say.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Metafile } from 'esbuild'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { initialLoad, stripSchemaAnnotations } from '../scripts/browser-bundle.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** 250 KB, in bytes of gzip (level 9, as the build precompresses). */
const WALLET_BUDGET = 250_000

const budget = suite('web budget')
let out: string | undefined
let metafile: Metafile

budget.before(async () => {
  out = await mkdtemp(join(tmpdir(), 'cofl-web-budget-'))
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, env: { ...process.env, COFL_WEB_OUT: out }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 })
  metafile = JSON.parse(await readFile(join(out, 'metafile.json'), 'utf8')) as Metafile
})

budget.after(async () => {
  if (out != null) await rm(out, { recursive: true, force: true })
})

/** The metafile's account of an output (by absolute path). */
function outputOf (file: string): Metafile['outputs'][string] {
  const key = Object.keys(metafile.outputs).find((f) => join(ROOT, f) === file)
  if (key == null) throw new Error(`no output ${file}`)
  return metafile.outputs[key] as Metafile['outputs'][string]
}

/** The inputs (source files) of some outputs. */
function inputsOf (files: string[]): string[] {
  const byPath = new Map(Object.entries(metafile.outputs).map(([file, info]) => [join(ROOT, file), info]))
  return files.flatMap((file) => Object.keys(byPath.get(file)?.inputs ?? {}))
}

budget('the wallet page loads under 250 KB gzip before it runs, without pdf-lib or the QR code', async () => {
  const load = initialLoad(metafile, ROOT, 'wallet')
  const kib = (load.gzip / 1024).toFixed(1)
  process.stdout.write(`  wallet page, first load: ${load.files.length} files, ${load.gzip} bytes gzip (${kib} KiB)\n`)
  assert.ok(load.gzip < WALLET_BUDGET, `the wallet page loads ${load.gzip} bytes gzip at first, over its budget of ${WALLET_BUDGET}`)

  // The page links its bundle, the first file of the load, under its hashed name.
  const html = await readFile(join(out as string, 'pages', 'wallet.html'), 'utf8')
  const script = /<script type="module" src="\/assets\/([^"]+)"><\/script>/.exec(html)?.[1]
  assert.is(script, basename(load.files[0] as string))
  // ... and preloads the chunks it imports statically, so that they do not wait for it to be read.
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/assets\/([^"]+)">/g)].map((m) => m[1])
  assert.equal(preloaded.sort(), load.files.slice(1).map((f) => basename(f)).sort())

  // The static imports of the files as built agree with the metafile's (each file imports by relative name).
  const assets = new Set(await readdir(join(out as string, 'assets')))
  for (const file of load.files) {
    const code = await readFile(file, 'utf8')
    for (const [, name] of code.matchAll(/(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?"\.\/([^"]+\.js)"/g)) {
      assert.ok(assets.has(name as string), `${basename(file)} imports ${name ?? ''}, which the build has`)
      assert.ok(load.files.some((f) => basename(f) === name), `${basename(file)} imports ${name ?? ''} statically: it is part of the first load`)
    }
  }

  const first = inputsOf(load.files)
  assert.not.ok(first.some((input) => input.includes('node_modules/pdf-lib/')), 'pdf-lib is not loaded at first')
  assert.not.ok(first.some((input) => input.includes('node_modules/qrcode-generator/')), 'the QR code maker is not loaded at first')
  // ... but is in the build, in a chunk the wallet page imports when asked.
  const all = Object.keys(metafile.outputs).filter((f) => f.endsWith('.js')).map((f) => join(ROOT, f))
  const lazy = all.filter((f) => !load.files.includes(f) && inputsOf([f]).some((input) => input.includes('node_modules/pdf-lib/')))
  assert.is(lazy.length, 1, 'pdf-lib is in one chunk of its own')
  assert.ok(load.files.some((f) => outputOf(f).imports.some((i) => i.kind === 'dynamic-import' && join(ROOT, i.path) === lazy[0])), 'the wallet page imports the PDF chunk with import()')
})

/** Every file a page may load (its first load and what that imports with import(), on and on), but the PDF chunk. */
function everythingOf (page: string): string[] {
  const files = initialLoad(metafile, ROOT, page).files
  for (let i = 0; i < files.length; i++) {
    for (const imported of outputOf(files[i] as string).imports) {
      const file = join(ROOT, imported.path)
      if (imported.external === true || files.includes(file)) continue
      if (inputsOf([file]).some((input) => input.includes('node_modules/pdf-lib/'))) continue
      files.push(file)
    }
  }
  return files
}

budget('what the browser bundles leave out is not in the wallet page: pako, the schemas\' descriptions; the verifier comes after the first load', async () => {
  const load = initialLoad(metafile, ROOT, 'wallet')
  const all = everythingOf('wallet')
  assert.not.ok(inputsOf(all).some((input) => /node_modules\/pako\//.test(input)), 'pako is not in the page (fflate does its gzip)')
  const code = (await Promise.all(all.map(async (f) => await readFile(f, 'utf8')))).join('\n')
  assert.not.match(code, 'AchievementCredentials are representations of an awarded achievement', 'a schema description is not in the page')
  assert.match(code, 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json', 'the schemas are')
  // The passphrase form shows before the wallet's heavy code (keys, verifier, schemas) has come.
  const first = inputsOf(load.files)
  for (const heavy of ['packages/credentials/src/schema-validators.generated.ts', 'node_modules/jsonld/']) {
    assert.not.ok(first.some((input) => input.includes(heavy)), `${heavy} is not in the wallet's first load`)
    assert.ok(inputsOf(all).some((input) => input.includes(heavy)), `${heavy} is in a chunk the wallet loads after`)
  }
  for (const heavy of ['packages/credentials/src/schema-validators.generated.ts', 'node_modules/jsonld/']) {
    assert.not.ok(inputsOf(initialLoad(metafile, ROOT, 'verify').files).some((input) => input.includes(heavy)), `${heavy} is not in the verify page's first load`)
  }
})

/** The generated validators, bundled for Node from `source` (the generated module, as is or stripped). */
interface Validator { (doc: unknown): boolean, errors?: unknown[] | null }

async function validators (source: string): Promise<Record<string, unknown>> {
  const result = await build({
    stdin: { contents: source, resolveDir: join(ROOT, 'packages', 'credentials', 'src'), loader: 'ts', sourcefile: 'validators.ts' },
    bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent'
  })
  const code = result.outputFiles[0]?.text ?? ''
  return await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`) as Record<string, unknown>
}

/** Documents to validate: the OB 3.0 spec's examples, and each with every top-level property removed or made a number. */
async function documents (): Promise<unknown[]> {
  const dir = join(ROOT, 'test', 'vectors', 'ob3', 'spec-examples')
  const docs: unknown[] = []
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown
    docs.push(doc)
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) continue
    for (const key of Object.keys(doc)) {
      const without = { ...doc } as Record<string, unknown>
      delete without[key]
      docs.push(without, { ...doc, [key]: 42 })
    }
  }
  return docs
}

budget('the validators without the schemas\' annotations say what the generated ones say', async () => {
  const generated = await readFile(join(ROOT, 'packages', 'credentials', 'src', 'schema-validators.generated.ts'), 'utf8')
  const stripped = stripSchemaAnnotations(generated)
  assert.ok(stripped.length < generated.length * 0.8, `annotations removed: ${stripped.length} of ${generated.length} characters`)
  const [before, after] = await Promise.all([validators(generated), validators(stripped)])
  const names = Object.keys(before).filter((n) => typeof before[n] === 'function')
  assert.ok(names.length >= 5, `validators: ${names.join(', ')}`)
  const docs = await documents()
  assert.ok(docs.length > 100)
  /** What an error says: without the whole schema it carries, and with its keyword's schema read without annotations (which it lost). */
  const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema ?? null, (key, value: unknown) => ['description', '$comment', 'title'].includes(key) && typeof value === 'string' ? undefined : value))
  const said = (errors: unknown[] | null | undefined): unknown => (errors ?? []).map((e) => {
    const { parentSchema, schema, ...rest } = e as Record<string, unknown>
    return { ...rest, schema: plain(schema) }
  })
  let invalid = 0
  for (const name of names) {
    for (const doc of docs) {
      const [was, is] = [before[name] as Validator, after[name] as Validator]
      const a = was(doc)
      assert.is(is(doc), a, name)
      assert.equal(said(is.errors), said(was.errors), name)
      if (!a) invalid++
    }
  }
  assert.ok(invalid > 0 && invalid < names.length * docs.length, 'some documents are valid and some invalid')
})

budget.run()
