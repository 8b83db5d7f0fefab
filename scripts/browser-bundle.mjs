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
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

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

/** The esbuild options of a browser bundle: ES modules for today's browsers, the packages' sources and browser paths. */
export const BROWSER_BUILD = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  conditions: ['cofl-source', 'browser'],
  plugins: [builtinsExternal, browserFieldAfterExports],
  define: { 'process.env.NODE_DEBUG': 'false' }
})
