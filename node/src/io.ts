/**
 * Reading input and passphrases, writing output files: the CLI's contact with the file system.
 */
import { createInterface } from 'node:readline'
import { rename, writeFile, open } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { loadKeyFile, readKeyFile, keyFileIsEncrypted } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { InputError, UsageError } from './errors.js'

/** The largest input file the CLI reads. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024

/** Reads a file, or standard input for `-`. */
export async function readInput (path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
      size += buffer.length
      if (size > MAX_INPUT_BYTES) throw new InputError(`standard input is larger than ${MAX_INPUT_BYTES} bytes`)
      chunks.push(buffer)
    }
    return Buffer.concat(chunks)
  }
  try {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      if (size > MAX_INPUT_BYTES) throw new InputError(`${path} is larger than ${MAX_INPUT_BYTES} bytes`)
      return await handle.readFile()
    } finally {
      await handle.close()
    }
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code ?? (err as Error).message}`, { cause: err })
  }
}

/** Parses the bytes of a JSON file (or `-`, read with readInput), saying which file is not JSON. */
export function parseJson (bytes: Buffer, path: string, what = 'input'): unknown {
  const text = bytes.toString('utf8')
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (err) {
    throw new InputError(`${path === '-' ? 'standard input' : path} is not JSON (${what}): ${(err as Error).message}`, { cause: err })
  }
}

/** Reads and parses a JSON file (or `-`), saying which file is not JSON. */
export async function readJson (path: string, what = 'input'): Promise<unknown> {
  return parseJson(await readInput(path), path, what)
}

/** Reads a JSON object file; refuses arrays and scalars. */
export async function readJsonObject (path: string, what: string): Promise<Record<string, unknown>> {
  const value = await readJson(path, what)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${path} is not a JSON object (expected ${what})`)
  }
  return value as Record<string, unknown>
}

async function prompt (question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  try {
    return await new Promise<string>((resolve) => { rl.question(question, resolve) })
  } finally {
    rl.close()
  }
}

/**
 * The passphrase of a key file: $COFL_PASSPHRASE, --passphrase-file, or a prompt on a terminal.
 */
export async function passphrase (options: { passphraseFile?: string | undefined, confirm?: boolean }): Promise<string | undefined> {
  if (options.passphraseFile != null) {
    const text = (await readInput(options.passphraseFile)).toString('utf8').replace(/\r?\n$/, '')
    if (text.length === 0) throw new InputError(`${options.passphraseFile} is empty`)
    return text
  }
  const env = process.env.COFL_PASSPHRASE
  if (env != null && env.length > 0) return env
  if (process.stdin.isTTY !== true) return undefined
  const first = await prompt('passphrase: ')
  if (options.confirm === true && await prompt('passphrase again: ') !== first) throw new UsageError('the passphrases differ')
  return first
}

/** Opens a key file, asking for its passphrase when it is encrypted. */
export async function openKey (path: string, passphraseFile?: string): Promise<KeyPair> {
  const file = await readKeyFile(path)
  if (!keyFileIsEncrypted(file)) return await loadKeyFile(path)
  const secret = await passphrase({ passphraseFile })
  if (secret == null) throw new UsageError(`${path} is encrypted: set COFL_PASSPHRASE or give --passphrase-file`)
  return await loadKeyFile(path, { passphrase: secret })
}

/** Writes a file atomically (temp file + rename) so that a crash never leaves half a file. */
export async function writeFileAtomic (path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(tmp, data, { mode, flush: true })
  await rename(tmp, path)
}
