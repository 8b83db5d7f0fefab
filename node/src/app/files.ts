/**
 * The node's and the CLI's writes to the file system: atomic files, and what an error of the file
 * system means, in words.
 */
import { rename, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { InputError } from './errors.js'

/** What a file system error means, in words (never a bare errno code such as ENOENT). */
export function fsReason (err: unknown, operation: 'read' | 'write' | 'open'): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return operation === 'read' ? 'no such file' : operation === 'write' ? 'no such directory' : 'no such file or directory'
    case 'EISDIR': return 'it is a directory'
    case 'ENOTDIR': return 'a part of the path is not a directory'
    case 'EACCES':
    case 'EPERM': return 'permission denied'
    case 'EROFS': return 'the file system is read-only'
    case 'ENOSPC': return 'no space left on the device'
    case 'EEXIST': return 'it exists already'
    default: return String((err as Error)?.message ?? err)
  }
}

/** Writes a file atomically (temp file + rename) so that a crash never leaves half a file. */
export async function writeFileAtomic (path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(tmp, data, { mode, flush: true })
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {})
    throw new InputError(`cannot write ${path}: ${fsReason(err, 'write')}`, { cause: err })
  }
}
