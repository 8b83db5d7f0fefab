// Paths and loaders shared by the credentials tests.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'vectors')

export function readVector (path: string): string {
  return readFileSync(join(VECTORS, path), 'utf8')
}

export function readJson<T = Record<string, unknown>> (path: string): T {
  return JSON.parse(readVector(path)) as T
}

/** Contexts that only the W3C vectors use (never bundled in production). */
export const TEST_CONTEXTS: ReadonlyMap<string, object> = new Map([
  ['https://www.w3.org/ns/credentials/examples/v2', readJson('contexts/w3c/credentials-examples-v2.jsonld')],
  ['https://w3id.org/citizenship/v4rc1', readJson('contexts/w3c/citizenship-v4rc1.jsonld')]
])
