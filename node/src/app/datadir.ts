/**
 * The node's data directory: the city's issuer key, the data key, the admin token, node.json (see
 * docs/operations.md, "Data directory"). The private keys never leave it. Everything in it is the
 * node user's alone: directories 0700, files 0600, enforced at each start (enforcePrivateModes).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, link, lstat, mkdir, open, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { generateKeyPair, keyFileIsEncrypted, loadKeyFile, readKeyFile, writeKeyFile } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { ADMIN_TOKEN_BYTES, DATA_FILES } from './constants.js'
import { InputError, NodeUnreachableError } from './errors.js'
import { fsReason, writeFileAtomic } from './files.js'

/** What DIR/node.json says: written once the node is ready, removed on a graceful stop. */
export interface NodeInfo {
  did: string
  /** The libp2p peer id (null when the node runs without the federation). */
  peerId: string | null
  multiaddrs: string[]
  /** The HTTP API's base URL, such as http://127.0.0.1:43817. */
  http: string
  /** The process that wrote it. */
  pid: number
  startedAt: string
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** What the data directory held before a start: what a failed start may remove (undoDataDir). */
export interface DataDirBefore {
  /** The first directory that ensureDataDir created (the data directory or a parent), or undefined when it existed. */
  created: string | undefined
  /** The names in the data directory before the start. */
  names: ReadonlySet<string>
}

/** Creates the data directory (mode 0700) when missing; says what it held before. */
export async function ensureDataDir (dir: string): Promise<DataDirBefore> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 })
  return { created, names: new Set(created == null ? await readdir(dir) : []) }
}

/**
 * Undoes a failed start: removes the node's files (issuer key, admin token, store, status,
 * federation) that were not in the data directory before it, then the directories that
 * ensureDataDir created, if they are empty. A file that was there before is never touched. Call
 * it only after a start that held the store (then no other node was using the directory, and what
 * appeared in it is this start's own).
 */
export async function undoDataDir (dir: string, before: DataDirBefore): Promise<void> {
  for (const name of [...Object.values(DATA_FILES), DATA_KEY_FILE]) {
    if (!before.names.has(name)) await rm(join(dir, name), { recursive: true, force: true })
  }
  if (before.created == null) return
  const top = resolve(before.created)
  for (let d = resolve(dir); ; d = dirname(d)) {
    try { await rmdir(d) } catch { return } // not empty: something else is in it
    if (d === top || dirname(d) === d) return
  }
}

/** The warning of a new issuer key stored without a passphrase. */
export function unencryptedKeyWarning (dir: string): string {
  return `warning: the issuer key ${join(dir, DATA_FILES.key)} is stored unencrypted (mode 0600); set COFL_PASSPHRASE before the first start to encrypt it`
}

/** The warning of a new data key stored without a passphrase. */
export function unencryptedDataKeyWarning (dir: string): string {
  return `warning: the data key ${join(dir, DATA_KEY_FILE)} (it encrypts learners' names and emails) is stored unencrypted (mode 0600); set COFL_PASSPHRASE before the first start to encrypt it`
}

export interface IssuerKeyOptions {
  /** Encrypts a new key with it, opens an encrypted one. Default: $COFL_PASSPHRASE. */
  passphrase?: string | undefined
}

/**
 * Opens the key file at `path`, creating it (a new Ed25519 key) when missing: encrypted with the
 * passphrase when there is one (@cofl/identity's key file: scrypt, AES-256-GCM), else in clear,
 * mode 0600. `what` names it in errors.
 */
async function openKeyFileAt (path: string, what: string, options: IssuerKeyOptions): Promise<{ key: KeyPair, created: boolean }> {
  const passphrase = options.passphrase
  if (!(await exists(path))) {
    const key = await generateKeyPair()
    try {
      await writeKeyFile(path, key, passphrase != null && passphrase !== '' ? { passphrase } : { unencrypted: true })
    } catch (err) {
      // Another process created it first: open that one instead.
      if (!(await exists(path))) throw err
      return { key: await openKeyFileAt(path, what, options).then((r) => r.key), created: false }
    }
    return { key, created: true }
  }
  const file = await readKeyFile(path)
  if (keyFileIsEncrypted(file)) {
    if (passphrase == null || passphrase === '') throw new InputError(`the ${what} ${path} is encrypted: set COFL_PASSPHRASE`)
    return { key: await loadKeyFile(path, { passphrase }), created: false }
  }
  return { key: await loadKeyFile(path), created: false }
}

/**
 * Opens the city's issuer key in DIR/issuer.key, creating it on first start: encrypted with the
 * passphrase when there is one, else in clear (mode 0600; unencryptedKeyWarning).
 */
export async function openIssuerKey (dir: string, options: IssuerKeyOptions = {}): Promise<{ key: KeyPair, created: boolean }> {
  return await openKeyFileAt(join(dir, DATA_FILES.key), 'issuer key', options)
}

/** The data key's file in the data directory (a key file as the issuer key's). */
export const DATA_KEY_FILE = 'data.key'

/** The version prefix of a sealed text (DataKey.seal). */
const SEALED_PREFIX = 'v1.'
const NONCE_BYTES = 12
const TAG_BYTES = 16

/**
 * The key that protects learners' data at rest (names and emails of offers): authenticated
 * encryption of short texts, and a keyed hash to look them up without keeping them in clear.
 */
export interface DataKey {
  /**
   * AES-256-GCM with a fresh random 96-bit nonce; `aad` (the record's id) is authenticated with it,
   * so that a sealed text moved to another record does not open. `v1.<base64url(nonce | ciphertext | tag)>`.
   */
  seal: (plain: string, aad: string) => string
  /** The text `seal` sealed for `aad`; InputError when it was sealed with another key, for another record, or altered. */
  open: (sealed: string, aad: string) => string
  /** Hex HMAC-SHA-256 of `text` under the lookup key: equal texts give equal hashes, and nobody without the key can test a guess. */
  hash: (text: string) => string
}

/**
 * A DataKey from secret bytes: two independent 256-bit keys derived with HKDF-SHA-256 (RFC 5869),
 * one to encrypt, one to hash.
 */
export function dataKeyFrom (secret: Uint8Array): DataKey {
  if (secret.length < 32) throw new TypeError('dataKeyFrom: the secret must have at least 32 bytes')
  const salt = Buffer.from('cofl data key v1', 'utf8')
  const encryption = Buffer.from(hkdfSync('sha256', secret, salt, Buffer.from('encrypt', 'utf8'), 32))
  const lookup = Buffer.from(hkdfSync('sha256', secret, salt, Buffer.from('lookup', 'utf8'), 32))
  return {
    seal (plain, aad) {
      const nonce = randomBytes(NONCE_BYTES)
      const cipher = createCipheriv('aes-256-gcm', encryption, nonce)
      cipher.setAAD(Buffer.from(aad, 'utf8'))
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return SEALED_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')
    },
    open (sealed, aad) {
      if (typeof sealed !== 'string' || !sealed.startsWith(SEALED_PREFIX)) throw new InputError('a sealed record is not in the v1 format of this node\'s data key')
      const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url')
      if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new InputError('a sealed record is too short')
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryption, bytes.subarray(0, NONCE_BYTES))
        decipher.setAAD(Buffer.from(aad, 'utf8'))
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
        return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch (err) {
        throw new InputError(`a sealed record of ${aad} does not open with this node's data key (another data key, another record's, or altered)`, { cause: err })
      }
    },
    hash (text) {
      return createHmac('sha256', lookup).update(text, 'utf8').digest('hex')
    }
  }
}

/** A DataKey of random bytes that lives as long as the process (what records it seals cannot be read after a restart): for tests. */
export function ephemeralDataKey (): DataKey {
  return dataKeyFrom(randomBytes(32))
}

/**
 * Opens the node's data key in DIR/data.key, creating it on first start: a key file like the
 * issuer key's (the same sealing with COFL_PASSPHRASE, or in clear, mode 0600, with
 * unencryptedDataKeyWarning), whose random Ed25519 secret is the DataKey's secret.
 */
export async function openDataKey (dir: string, options: IssuerKeyOptions = {}): Promise<{ key: DataKey, created: boolean }> {
  const { key, created } = await openKeyFileAt(join(dir, DATA_KEY_FILE), 'data key', options)
  if (key.secretKeyMultibase == null) throw new InputError(`the data key ${join(dir, DATA_KEY_FILE)} holds no secret`)
  return { key: dataKeyFrom(Buffer.from(key.secretKeyMultibase, 'utf8')), created }
}

/** `mode` as four octal digits, such as 0755. */
function octal (mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`
}

/**
 * Makes everything in the data directory (itself included) the node user's alone: a directory or
 * file that group or others may read, write or enter loses those bits (0755 -> 0700, 0644 ->
 * 0600), when this user owns it; one owned by another user, or that cannot be changed, is refused
 * (InputError saying what to do). Symbolic links are not followed. Returns the paths changed.
 */
export async function enforcePrivateModes (dir: string): Promise<string[]> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
  const fixed: string[] = []
  async function visit (path: string): Promise<void> {
    let info
    try {
      info = await lstat(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new InputError(`cannot read ${path} in the data directory: ${fsReason(err, 'read')}`, { cause: err })
    }
    if (info.isSymbolicLink()) return
    if ((info.mode & 0o077) !== 0) {
      const kind = info.isDirectory() ? 'directory' : 'file'
      if (uid != null && info.uid !== uid) {
        throw new InputError(`the ${kind} ${path} is mode ${octal(info.mode)} and belongs to another user (uid ${info.uid}, this node runs as ${uid}): learners' data must be this user's alone; chown it to this user or chmod it to ${info.isDirectory() ? '0700' : '0600'}, then start again`)
      }
      try {
        await chmod(path, info.mode & 0o700)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return // gone meanwhile
        throw new InputError(`the ${kind} ${path} is mode ${octal(info.mode)} and cannot be made private (${fsReason(err, 'write')}): chmod it to ${info.isDirectory() ? '0700' : '0600'}, then start again`, { cause: err })
      }
      fixed.push(path)
    }
    if (info.isDirectory()) {
      let names: string[]
      try {
        names = await readdir(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
        throw new InputError(`cannot read the directory ${path} in the data directory: ${fsReason(err, 'read')}`, { cause: err })
      }
      for (const name of names) await visit(join(path, name))
    }
  }
  await visit(dir)
  return fixed
}

/** Reads DIR/admin-token, creating it (32 random bytes, base64url, mode 0600) on first start. */
export async function openAdminToken (dir: string): Promise<string> {
  const path = join(dir, DATA_FILES.adminToken)
  if (!(await exists(path))) {
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
      try {
        await handle.writeFile(randomBytes(ADMIN_TOKEN_BYTES).toString('base64url') + '\n')
        await handle.sync()
      } finally {
        await handle.close()
      }
      // link() never replaces: a token that exists (another process was first) wins.
      await link(tmp, path).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err })
    } finally {
      await rm(tmp, { force: true })
    }
  }
  return await readAdminToken(path)
}

/** Reads an admin token file. */
export async function readAdminToken (path: string): Promise<string> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new InputError(`cannot read the admin token ${path}: ${fsReason(err, 'read')}`, { cause: err })
  }
  const token = text.trim()
  if (token.length === 0) throw new InputError(`the admin token file ${path} is empty`)
  return token
}

/**
 * What DIR/node-ports.json says: the ports that port-0 settings got on the first start, used again
 * by every later start so that the node's peers (and users) find it where it was.
 */
export interface NodePorts {
  /** A configured libp2p listen address with /tcp/0 -> the address it got, such as "/ip4/127.0.0.1/tcp/0" -> "/ip4/127.0.0.1/tcp/40123". */
  listen: Record<string, string>
  /** The HTTP port that `http.port` 0 got on this host. */
  http?: { host: string, port: number }
}

function isPort (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 65535
}

/** A file's text; undefined when it does not exist; `failed` says why it cannot be read otherwise. */
async function readIfExists (path: string, failed: (err: unknown) => Error): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw failed(err)
  }
}

/** Reads DIR/node-ports.json; nothing recorded when it does not exist. */
export async function readNodePorts (dir: string): Promise<NodePorts> {
  const path = join(dir, DATA_FILES.ports)
  const text = await readIfExists(path, (err) => new InputError(`cannot read ${path}: ${fsReason(err, 'read')}`, { cause: err }))
  if (text === undefined) return { listen: {} }
  const damaged = (why: string): InputError => new InputError(`${path} is not a node-ports.json written by cofl (${why}); delete it while the node is stopped to have new free ports chosen`)
  let value: unknown
  try { value = JSON.parse(text) } catch (err) { throw damaged((err as Error).message) }
  const { listen, http } = (value ?? {}) as { listen?: unknown, http?: unknown }
  if (listen == null || typeof listen !== 'object' || Array.isArray(listen) || !Object.values(listen).every((a) => typeof a === 'string' && /\/tcp\/[1-9]\d*(\/|$)/.test(a))) throw damaged('"listen" must map listen addresses to addresses with a port')
  if (http != null && (typeof (http as { host?: unknown }).host !== 'string' || !isPort((http as { port?: unknown }).port))) throw damaged('"http" must be {"host", "port"}')
  return http == null
    ? { listen: { ...listen as Record<string, string> } }
    : { listen: { ...listen as Record<string, string> }, http: { host: (http as { host: string }).host, port: (http as { port: number }).port } }
}

/** Writes DIR/node-ports.json (mode 0600, atomically) when it would change. */
export async function writeNodePorts (dir: string, ports: NodePorts, previous?: NodePorts): Promise<void> {
  const text = JSON.stringify(ports, null, 2) + '\n'
  if (previous != null && JSON.stringify(previous, null, 2) + '\n' === text) return
  await writeFileAtomic(join(dir, DATA_FILES.ports), text, 0o600)
}

/** Writes DIR/node.json atomically (mode 0600). */
export async function writeNodeInfo (dir: string, info: NodeInfo): Promise<void> {
  await writeFileAtomic(join(dir, DATA_FILES.nodeInfo), JSON.stringify(info, null, 2) + '\n', 0o600)
}

/** Removes DIR/node.json (a graceful stop). */
export async function removeNodeInfo (dir: string): Promise<void> {
  await rm(join(dir, DATA_FILES.nodeInfo), { force: true })
}

/** Reads DIR/node.json: where a running node listens. */
export async function readNodeInfo (dir: string): Promise<NodeInfo> {
  const path = join(dir, DATA_FILES.nodeInfo)
  const text = await readIfExists(path, (err) => new NodeUnreachableError(`cannot read ${path}: ${fsReason(err, 'read')}`, { cause: err }))
  if (text === undefined) throw new NodeUnreachableError(`no node is running on ${dir} (${path} does not exist; start one with \`cofl node start --data ${dir}\`)`)
  try {
    const info = JSON.parse(text) as NodeInfo
    if (typeof info.http !== 'string') throw new Error('no "http" URL')
    return info
  } catch (err) {
    throw new NodeUnreachableError(`${path} is not a node.json written by cofl: ${(err as Error).message}`, { cause: err })
  }
}
