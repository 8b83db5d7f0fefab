#!/usr/bin/env node
// Bundles the node's web pages: every node/web/src/pages/<name>.ts into node/web/dist/<name>.js
// (ES modules for the browser, with the workspace packages they import taken from their
// TypeScript sources). Nothing is fetched at run time: what a page needs is in its bundle or
// under node/web/static. Run by `npm run build` (and so by `npm ci`) and before the browser tests.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const web = join(root, 'node', 'web')
const pages = readdirSync(join(web, 'src', 'pages')).filter((f) => f.endsWith('.ts')).sort()

const started = Date.now()
await build({
  entryPoints: pages.map((f) => join(web, 'src', 'pages', f)),
  outdir: join(web, 'dist'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  conditions: ['cofl-source', 'browser'],
  sourcemap: true,
  minify: process.env.COFL_WEB_MINIFY !== '0',
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_DEBUG': 'false' }
})
if (process.argv.includes('--verbose')) console.log(`built ${pages.length} page bundle(s) in ${Date.now() - started} ms`)
