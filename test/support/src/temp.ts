import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_TEMP_PREFIX } from './constants.js'

/** A directory of a test's own. */
export interface TempDir {
  path: string
  /** Deletes it and everything in it; again, or after it is gone, does nothing. */
  remove: () => Promise<void>
}

/** A fresh directory under the OS temp dir, named `prefix` and six random characters. */
export async function tempDir (prefix = DEFAULT_TEMP_PREFIX): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: async () => { await rm(path, { recursive: true, force: true }) } }
}
