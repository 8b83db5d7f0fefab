// How cofl bundles for the browser: the options and plugins of esbuild that scripts/build-web.mjs
// builds the node's pages with, and that the browser tests bundle their test entries with (so a
// test runs the code as a page runs it).
//
// Node built-ins. A package entry a page imports may also hold Node-only modules that the page
// never reaches; esbuild resolves every import before it drops the unused modules, so `node:*`
// imports are marked external here, and a built-in that is still imported by a bundle afterwards
// is a problem `checkBuiltins` names, with the bundle and the modules that import it. A package
// that needs a browser path for a module it does use declares it in its package.json `browser`
// field (@cofl/credentials: fastverify, schema files; @cofl/identity: key files; @cofl/formats:
// zlib), which esbuild applies for `platform: 'browser'`.
//
// The `browser` field after `exports`. esbuild applies a package's `browser` map to the files
// reached inside the package, but not to the file its `exports` resolves an import of the package
// to (base64url-universal maps ./lib/index.js, which needs Buffer, to ./lib/browser.js; bundlers
// such as webpack apply it). `browserFieldAfterExports` does that one step.
//
// Weight (the wallet page's budget: 250 KB gzip, test/web-budget.test.ts). Two things a page
// carries for nothing are left out of the browser bundles, the same in Node as before:
// - the annotations of the OB 3.0 JSON Schemas in @cofl/credentials' generated validators
//   (`description`, `$comment`, `title`: a third of the wallet page, compressed; Ajv's code reads
//   none of them, and the errors' `schema` values keep every keyword that validates);
// - pako, which @digitalbazaar/bitstring imports for gzip of status lists: served by fflate,
//   which the pages carry already (@cofl/formats), with the same gzip in and out.
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

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

/** Keywords of a JSON Schema that only annotate (no validator reads them). */
const ANNOTATIONS = ['description', '$comment', 'title']
/** Keywords whose values are data, not schemas: nothing inside them is an annotation. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples'])

function withoutAnnotations (schema) {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations)
  if (schema === null || typeof schema !== 'object') return schema
  const out = {}
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.includes(key) && typeof value === 'string') continue
    out[key] = DATA_KEYWORDS.has(key) ? value : withoutAnnotations(value)
  }
  return out
}

/**
 * Ajv standalone code with the annotations of its schema constants (`const schemaN = {JSON};`)
 * removed. A constant that is not plain JSON is left as it is.
 */
export function stripSchemaAnnotations (source) {
  const constant = /const schema\d+ = /g
  let out = ''
  let from = 0
  let match
  while ((match = constant.exec(source)) != null) {
    const start = match.index + match[0].length
    if (source[start] !== '{') continue
    // The end of the JSON object: brackets counted outside strings.
    let depth = 0
    let end = start
    let inString = false
    for (; end < source.length; end++) {
      const c = source[end]
      if (inString) {
        if (c === '\\') end++
        else if (c === '"') inString = false
      } else if (c === '"') {
        inString = true
      } else if (c === '{' || c === '[') {
        depth++
      } else if ((c === '}' || c === ']') && --depth === 0) {
        end++
        break
      }
    }
    let value
    try { value = JSON.parse(source.slice(start, end)) } catch { continue }
    out += source.slice(from, start) + JSON.stringify(withoutAnnotations(value))
    from = end
    constant.lastIndex = end
  }
  return out + source.slice(from)
}

const schemaAnnotations = {
  name: 'cofl-schema-annotations',
  setup (b) {
    b.onLoad({ filter: /[\\/]schema-validators\.generated\.ts$/ }, (args) => ({ contents: stripSchemaAnnotations(readFileSync(args.path, 'utf8')), loader: 'ts' }))
  }
}

/** pako (gzip, ungzip) for @digitalbazaar/bitstring, from fflate. */
const PAKO_FROM_FFLATE = `import { gzipSync, gunzipSync } from 'fflate'
export function gzip (data) { return gzipSync(data) }
export function ungzip (data) { return gunzipSync(data) }
`
const pakoFromFflate = {
  name: 'cofl-pako-from-fflate',
  setup (b) {
    b.onResolve({ filter: /^pako$/ }, (args) => /[\\/]@digitalbazaar[\\/]bitstring[\\/]/.test(args.importer) ? { path: 'pako', namespace: 'cofl-pako' } : undefined)
    b.onLoad({ filter: /.*/, namespace: 'cofl-pako' }, () => ({ contents: PAKO_FROM_FFLATE, resolveDir: dirname(fileURLToPath(import.meta.url)), loader: 'js' }))
  }
}

/**
 * The problems of a build's metafile: every `node:*` import a bundle still holds, with the modules
 * that import it (paths relative to `root`). Empty when there is none.
 */
export function checkBuiltins (metafile, root) {
  const problems = []
  for (const [output, info] of Object.entries(metafile.outputs)) {
    for (const imported of info.imports) {
      if (!imported.external || !imported.path.startsWith('node:')) continue
      const by = Object.keys(info.inputs).filter((input) => metafile.inputs[input]?.imports.some((i) => i.path === imported.path))
      problems.push(`${relative(root, output)} imports ${imported.path} (from ${by.join(', ') || 'an unknown module'}): a browser has no Node built-ins; give the module a browser path (package.json "browser") or keep it out of the page`)
    }
  }
  return problems
}

/**
 * What a page loads before it runs, from a build's metafile: its bundle and the chunks it imports
 * statically, transitively (not those it imports with `import()`), as absolute paths (outputs are
 * relative to `root`), with their total gzip size (level 9, as the build precompresses).
 */
export function initialLoad (metafile, root, page) {
  const outputs = metafile.outputs
  const entry = Object.keys(outputs).find((file) => isPageEntry(outputs[file].entryPoint, page))
  if (entry == null) throw new Error(`no bundle of the page ${page}`)
  const files = []
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.shift()
    if (files.includes(file)) continue
    files.push(file)
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path)
    }
  }
  const paths = files.map((file) => resolve(root, file))
  const gzip = paths.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0)
  return { files: paths, gzip }
}

/**
 * Whether an output's entry point is the page `page` (node/web/src/pages/<page>.ts), or any page when
 * `page` is absent: a module a page imports dynamically is an entry point of its own in the metafile,
 * and may have a page's name (node/web/src/wallet/wallet.ts).
 */
export function isPageEntry (entryPoint, page) {
  if (entryPoint == null) return false
  const match = /(?:^|\/)node\/web\/src\/pages\/([^/]+)\.ts$/.exec(entryPoint)
  return match != null && (page == null || match[1] === page)
}

/** The esbuild options of a browser bundle: ES modules for today's browsers, the packages' sources and browser paths. */
export const BROWSER_BUILD = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  conditions: ['cofl-source', 'browser'],
  plugins: [builtinsExternal, pakoFromFflate, browserFieldAfterExports, schemaAnnotations],
  define: { 'process.env.NODE_DEBUG': 'false' }
})
