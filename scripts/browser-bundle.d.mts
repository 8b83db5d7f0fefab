// Types of scripts/browser-bundle.mjs, for the TypeScript that imports it (the browser tests).
import type { BuildOptions, Metafile } from 'esbuild'

/** The problems of a build's metafile: every `node:*` import a bundle still holds (paths relative to `root`). */
export function checkBuiltins (metafile: Metafile, root: string): string[]

/** Ajv standalone code with the annotations (description, $comment, title) of its schema constants removed. */
export function stripSchemaAnnotations (source: string): string

/** What a page loads before it runs (its bundle and its static chunks, absolute paths) and their gzip size, from a build's metafile. */
export function initialLoad (metafile: Metafile, root: string, page: string): { files: string[], gzip: number }

/** The esbuild options of a browser bundle. */
export const BROWSER_BUILD: Readonly<Pick<BuildOptions, 'bundle' | 'format' | 'platform' | 'target' | 'conditions' | 'plugins' | 'define'>>

/** Whether an output's entry point is the page `page` (node/web/src/pages/<page>.ts), or any page when `page` is absent. */
export function isPageEntry (entryPoint: string | undefined, page?: string): boolean
