/**
 * Reading input and passphrases, writing output files: the CLI's contact with the file system.
 */
import { open } from 'node:fs/promises'
import type { ReadStream } from 'node:tty'
import { loadKeyFile, readKeyFile, keyFileIsEncrypted } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { InputError, InterruptedError, UsageError } from '../app/errors.js'
import { fsReason } from '../app/files.js'

export { fsReason, writeFileAtomic } from '../app/files.js'

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
    throw new InputError(`cannot read ${path}: ${fsReason(err, 'read')}`, { cause: err })
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

/**
 * Asks each question on `output` and reads its answer from the terminal `input` in raw mode,
 * echoing nothing. Enter ends an answer (a newline is printed), Backspace deletes a character,
 * Ctrl-U the whole answer, escape sequences (arrow keys) are ignored, and Ctrl-C throws an
 * InterruptedError. What is typed ahead (pasted) goes to the next question.
 */
export async function readHidden (
  questions: readonly string[],
  input: ReadStream = process.stdin as ReadStream,
  output: NodeJS.WritableStream = process.stderr
): Promise<string[]> {
  if (questions.length === 0) return []
  const answers: string[] = []
  let current: string[] = []
  let escape: 'no' | 'esc' | 'csi' | 'ss3' = 'no'
  let afterCr = false
  const wasRaw = input.isRaw
  input.setRawMode(true)
  input.setEncoding('utf8')
  output.write(questions[0] as string)
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (err?: Error): void => {
        input.off('data', onData)
        input.off('end', onEnd)
        if (err != null) reject(err)
        else resolve()
      }
      const onEnd = (): void => { output.write('\n'); finish(new InputError('the terminal closed before the passphrase was given')) }
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          const wasCr = afterCr
          afterCr = ch === '\r'
          // Escape sequences are dropped: ESC [ parameters final-byte (CSI: arrows, Delete ...),
          // ESC O x (SS3: F1-F4), ESC x (Alt-x).
          if (escape === 'esc') { escape = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : 'no'; continue }
          if (escape === 'csi') { escape = ch >= '@' && ch <= '~' ? 'no' : 'csi'; continue }
          if (escape === 'ss3') { escape = 'no'; continue }
          if (ch === '\u001b') escape = 'esc'
          else if (ch === '\u0003') { output.write('\n'); finish(new InterruptedError('interrupted at the passphrase prompt')); return } else if (ch === '\n' && wasCr) continue
          else if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            output.write('\n')
            answers.push(current.join(''))
            current = []
            if (answers.length === questions.length) { finish(); return }
            output.write(questions[answers.length] as string)
          } else if (ch === '\u007f' || ch === '\b') current.pop()
          else if (ch === '\u0015') current = []
          else if (ch >= ' ') current.push(ch)
        }
      }
      input.on('data', onData)
      input.on('end', onEnd)
      input.resume()
    })
  } finally {
    input.setRawMode(wasRaw)
    input.pause()
  }
  return answers
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
  const [first, again] = await readHidden(options.confirm === true ? ['passphrase: ', 'passphrase again: '] : ['passphrase: '])
  if (first == null || first.length === 0) throw new UsageError('the passphrase is empty')
  if (options.confirm === true && again !== first) throw new UsageError('the passphrases differ')
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
