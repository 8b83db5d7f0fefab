#!/usr/bin/env node
// Builds the node's web pages into node/web/dist, which the node serves (node/src/routes/web.ts):
//
//   dist/assets/<name>-<HASH>.js   every node/web/src/pages/<name>.ts bundled (ES modules for the
//                                  browser, with the workspace packages they import taken from their
//                                  TypeScript sources), with its source map and licence notes;
//   dist/assets/<name>-<HASH>.<ext> every file of node/web/static, under a name with its hash;
//   dist/pages/<name>.html          node/web/pages/<name>.html with its /assets/ links rewritten
//                                  to those names (a link to an asset that does not exist fails
//                                  the build);
//   <file>.br, <file>.gz            beside every text file, when compressing saves bytes.
//
// A content hash in every asset name lets the node serve assets as immutable (cached for a year)
// and the pages as `no-cache` with an ETag, so a new build reaches browsers at once. Nothing is
// fetched at run time. Run by `npm run build` (and so by `npm ci`) and before the browser tests.
//
// Node built-ins. A package entry a page imports may also hold Node-only modules that the page
// never reaches (@cofl/verifier's worker pool, @cofl/credentials' schema files); esbuild resolves
// every import before it drops the unused modules, so `node:*` imports are marked external here,
// and a built-in that is still imported by a bundle afterwards fails the build, naming the bundle
// and the modules that import it. A package that needs a browser path for a module it does use
// declares it in its package.json `browser` field (@cofl/credentials: fastverify; @cofl/wallet:
// zlib), which esbuild applies for `platform: 'browser'`.
//
// The `browser` field after `exports`. esbuild applies a package's `browser` map to the files
// reached inside the package, but not to the file its `exports` resolves an import of the package
// to (base64url-universal maps ./lib/index.js, which needs Buffer, to ./lib/browser.js; bundlers
// such as webpack apply it). `browserFieldAfterExports` does that one step.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const web = join(root, 'node', 'web')
const dist = join(web, 'dist')
const assets = join(dist, 'assets')
const pages = readdirSync(join(web, 'src', 'pages')).filter((f) => f.endsWith('.ts')).sort()

/** `node:*` imports stay external; `checkBuiltins` then refuses any that a bundle still imports. */
const builtinsExternal = {
  name: 'cofl-node-builtins',
  setup (b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, external: true }))
  }
}

/** The package.json above `file` (its folder and content), cached per folder. */
const packages = new Map()
function packageOf (file) {
  let dir = dirname(file)
  const seen = []
  for (;;) {
    if (packages.has(dir)) break
    seen.push(dir)
    let pkg
    try { pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) } catch { pkg = undefined }
    if (pkg?.name != null) { packages.set(dir, { dir, pkg }); break }
    const parent = dirname(dir)
    if (parent === dir) { packages.set(dir, undefined); break }
    dir = parent
  }
  const found = packages.get(dir)
  for (const d of seen) packages.set(d, found)
  return found
}

const browserFieldAfterExports = {
  name: 'cofl-browser-field-after-exports',
  setup (b) {
    b.onResolve({ filter: /^(@[^/]+\/)?[^./@][^/]*(\/.*)?$/ }, async (args) => {
      if (args.pluginData?.coflBrowserField === true || args.path.startsWith('node:')) return undefined
      const result = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { coflBrowserField: true } })
      // Anything but a file found the usual way is left to esbuild (which resolves it again).
      if (result.errors.length > 0 || result.external || result.namespace !== 'file') return undefined
      const owner = packageOf(result.path)
      const map = owner?.pkg.browser
      if (map == null || typeof map !== 'object') return undefined
      const target = map[`./${relative(owner.dir, result.path).split('\\').join('/')}`]
      return typeof target === 'string' ? { path: join(owner.dir, target), sideEffects: result.sideEffects } : undefined
    })
  }
}

function checkBuiltins (metafile) {
  const problems = []
  for (const [output, info] of Object.entries(metafile.outputs)) {
    for (const imported of info.imports) {
      if (!imported.external || !imported.path.startsWith('node:')) continue
      const by = Object.keys(info.inputs).filter((input) => metafile.inputs[input]?.imports.some((i) => i.path === imported.path))
      problems.push(`${relative(root, output)} imports ${imported.path} (from ${by.join(', ') || 'an unknown module'}): a browser has no Node built-ins; give the module a browser path (package.json "browser") or keep it out of the page`)
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`build-web: ${problems.join('\n  ')}\n`)
    process.exit(1)
  }
}

/** The first 8 characters of a file's SHA-256 in esbuild's alphabet (base32), as its names use. */
function hashOf (bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const digest = createHash('sha256').update(bytes).digest()
  let out = ''
  for (let i = 0; i < 8; i++) out += alphabet[(digest[i] ?? 0) % 32]
  return out
}

/** Writes `<file>.br` and `<file>.gz` beside a text file, each only when it is smaller. */
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt']) // not .map: read by developer tools only
function precompress (file) {
  if (!COMPRESSIBLE.has(extname(file))) return
  const bytes = readFileSync(file)
  const br = brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
  const gz = gzipSync(bytes, { level: 9 })
  if (br.length < bytes.length) writeFileSync(`${file}.br`, br)
  if (gz.length < bytes.length) writeFileSync(`${file}.gz`, gz)
}

const started = Date.now()
rmSync(dist, { recursive: true, force: true })
const result = await build({
  entryPoints: pages.map((f) => join(web, 'src', 'pages', f)),
  outdir: assets,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  conditions: ['cofl-source', 'browser'],
  sourcemap: true,
  minify: process.env.COFL_WEB_MINIFY !== '0',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [builtinsExternal, browserFieldAfterExports],
  define: { 'process.env.NODE_DEBUG': 'false' }
})
checkBuiltins(result.metafile)

// Asset names: /assets/<name> in a page -> the file that holds it now.
const names = new Map()
for (const [output, info] of Object.entries(result.metafile.outputs)) {
  if (info.entryPoint != null) names.set(`${basename(info.entryPoint, '.ts')}.js`, basename(output))
}
for (const file of readdirSync(join(web, 'static')).sort()) {
  const bytes = readFileSync(join(web, 'static', file))
  const hashed = `${basename(file, extname(file))}-${hashOf(bytes)}${extname(file)}`
  copyFileSync(join(web, 'static', file), join(assets, hashed))
  names.set(file, hashed)
}

// The pages, with their links to the assets of this build.
mkdirSync(join(dist, 'pages'), { recursive: true })
const missing = []
for (const file of readdirSync(join(web, 'pages')).filter((f) => f.endsWith('.html')).sort()) {
  const html = readFileSync(join(web, 'pages', file), 'utf8').replace(/\/assets\/([A-Za-z0-9._-]+)/g, (link, name) => {
    const hashed = names.get(name)
    if (hashed == null) { missing.push(`node/web/pages/${file} links ${link}, which is neither a page bundle nor a file of node/web/static`); return link }
    return `/assets/${hashed}`
  })
  writeFileSync(join(dist, 'pages', file), html)
}
if (missing.length > 0) {
  process.stderr.write(`build-web: ${missing.join('\n  ')}\n`)
  process.exit(1)
}
for (const dir of [assets, join(dist, 'pages')]) {
  for (const file of readdirSync(dir)) precompress(join(dir, file))
}
if (process.argv.includes('--verbose')) {
  const sizes = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js')).map(([file, info]) => `${relative(web, file)} ${(info.bytes / 1024).toFixed(0)} KiB`)
  console.log(`built ${pages.length} page bundle(s) in ${Date.now() - started} ms: ${sizes.join(', ')}`)
}
