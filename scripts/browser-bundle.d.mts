// Types of scripts/browser-bundle.mjs, for the TypeScript that imports it (the browser tests).
import type { BuildOptions, Metafile } from 'esbuild'

/** The problems of a build's metafile: every `node:*` import a bundle still holds (paths relative to `root`). */
export function checkBuiltins (metafile: Metafile, root: string): string[]

/** The esbuild options of a browser bundle. */
export const BROWSER_BUILD: Readonly<Pick<BuildOptions, 'bundle' | 'format' | 'platform' | 'target' | 'conditions' | 'plugins' | 'define'>>
