#!/usr/bin/env node
// Builds the node's web pages into node/web/dist, which the node serves (node/src/http/web.ts):
//
//   dist/assets/<name>-<HASH>.js   every node/web/src/pages/<name>.ts bundled (ES modules for the
//                                  browser, with the workspace packages they import taken from their
//                                  TypeScript sources), with its source map and licence notes;
//   dist/assets/chunk-<HASH>.js    code split out of the pages (esbuild's splitting): what a page
//                                  loads only when asked (`await import(...)`: the wallet's PDF
//                                  maker and pdf-lib, the QR code), and code two pages share; a
//                                  page's bundle imports its chunks by relative name, so they are
//                                  served from /assets/ as immutable as the rest;
//   dist/assets/<name>-<HASH>.<ext> every file of node/web/static, under a name with its hash;
//   dist/pages/<name>.html          node/web/pages/<name>.html with its /assets/ links rewritten
//                                  to those names (a link to an asset that does not exist fails
//                                  the build), and a `<link rel="modulepreload">` for each chunk
//                                  its bundle imports statically;
//   <file>.br, <file>.gz            beside every text file, when compressing saves bytes;
//   dist/metafile.json              esbuild's account of the build (not served): which page loads
//                                  which chunks (test/web-budget.test.ts reads it).
//
// A content hash in every asset name lets the node serve assets as immutable (cached for a year)
// and the pages as `no-cache` with an ETag, so a new build reaches browsers at once. Nothing is
// fetched at run time. Run by `npm run build` (and so by `npm ci`) and before the browser tests.
//
// How a page is bundled for the browser (Node built-ins, the `browser` fields of packages) is
// scripts/browser-bundle.mjs, which the browser tests use too.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, extname, join, relative, resolve } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { BROWSER_BUILD, checkBuiltins, isPageEntry, initialLoad } from './browser-bundle.mjs'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const web = join(root, 'node', 'web')
// COFL_WEB_OUT: build elsewhere (test/web-budget.test.ts measures a build without touching the one the node serves).
const target = process.env.COFL_WEB_OUT != null && process.env.COFL_WEB_OUT !== '' ? resolve(process.env.COFL_WEB_OUT) : join(web, 'dist')
// Built beside it, then moved into place: a node (or a test) never reads half a build, and two
// builds at once (tests in parallel) do not empty each other's folder.
const dist = `${target}.building-${process.pid}`
const assets = join(dist, 'assets')
const pages = readdirSync(join(web, 'src', 'pages')).filter((f) => f.endsWith('.ts')).sort()

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
  absWorkingDir: root, // the metafile's paths are relative to it
  chunkNames: 'chunk-[hash]',
  splitting: true,
  ...BROWSER_BUILD,
  sourcemap: true,
  minify: process.env.COFL_WEB_MINIFY !== '0',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true
})
const problems = checkBuiltins(result.metafile, root)
if (problems.length > 0) {
  process.stderr.write(`build-web: ${problems.join('\n  ')}\n`)
  rmSync(dist, { recursive: true, force: true })
  process.exit(1)
}

// Asset names: /assets/<name> in a page -> the file that holds it now.
const names = new Map()
for (const [output, info] of Object.entries(result.metafile.outputs)) {
  if (isPageEntry(info.entryPoint)) names.set(`${basename(info.entryPoint, '.ts')}.js`, basename(output))
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
  }).replace(/<script type="module" src="\/assets\/([A-Za-z0-9._-]+)"><\/script>/g, (tag, hashed) => {
    // The chunks a page's bundle imports statically, preloaded with it (no wait for the bundle to be read first).
    const page = [...names].find(([name, built]) => built === hashed && name.endsWith('.js'))?.[0]
    if (page == null || !pages.includes(`${basename(page, '.js')}.ts`)) return tag
    const chunks = initialLoad(result.metafile, root, basename(page, '.js')).files.slice(1)
    return [tag, ...chunks.map((chunk) => `<link rel="modulepreload" href="/assets/${basename(chunk)}">`)].join('\n')
  })
  writeFileSync(join(dist, 'pages', file), html)
}
if (missing.length > 0) {
  process.stderr.write(`build-web: ${missing.join('\n  ')}\n`)
  rmSync(dist, { recursive: true, force: true })
  process.exit(1)
}
for (const dir of [assets, join(dist, 'pages')]) {
  for (const file of readdirSync(dir)) precompress(join(dir, file))
}
// The metafile, with its paths where the build ends up.
const metafile = JSON.parse(JSON.stringify(result.metafile).replaceAll(`${relative(root, dist)}/`, `${relative(root, target)}/`))
writeFileSync(join(dist, 'metafile.json'), JSON.stringify(metafile))

/** Puts the folder `from` in the place of `to` (the build before it removed), trying again when another build got there between the two moves. */
function moveInto (from, to) {
  const old = `${to}.old-${process.pid}`
  for (let attempt = 1; ; attempt++) {
    rmSync(old, { recursive: true, force: true })
    try { renameSync(to, old) } catch (err) { if (err.code !== 'ENOENT') throw err }
    try {
      renameSync(from, to)
      break
    } catch (err) {
      if (attempt >= 5 || (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST')) throw err
    }
  }
  rmSync(old, { recursive: true, force: true })
}
moveInto(dist, target)
if (process.argv.includes('--verbose')) {
  const sizes = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js')).map(([file, info]) => `${relative(web, resolve(root, file))} ${(info.bytes / 1024).toFixed(0)} KiB`)
  console.log(`built ${pages.length} page bundle(s) in ${Date.now() - started} ms: ${sizes.join(', ')}`)
  for (const page of pages.map((f) => basename(f, '.ts'))) {
    const load = initialLoad(metafile, root, page)
    console.log(`  ${page}: loads ${load.files.length} file(s) at first, ${(load.gzip / 1024).toFixed(1)} KiB gzip (${load.files.map((f) => basename(f)).join(', ')})`)
  }
}
