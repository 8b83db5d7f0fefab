import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's copy of the external vectors (test/vectors at the top level). */
export const VECTORS = fileURLToPath(new URL('../../../test/vectors/', import.meta.url))

export async function readVector (path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(VECTORS, path), 'utf8')) as Record<string, unknown>
}

export const ISSUER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
export const OTHER_ISSUER = 'did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q'
