/**
 * The browser's stand-in for keyfile.ts (package.json `browser` maps one to the other): key files
 * are encrypted with node:crypto's scrypt and AES-256-GCM and written to the file system, neither
 * of which a page has. In a bundle for the browser every key file function throws KeyFileError;
 * nothing else of the package changes, so that its entry imports no Node built-in there.
 */
import { KeyFileError } from './errors.js'
import type { KeyPair } from './keys.js'
// The same types as Node's key files (a type-only import: nothing of it is bundled).
import type { KeyFile, KeyProtection } from './keyfile.js'
export type { EncryptedSecret, KeyFile, KeyProtection } from './keyfile.js'

function unavailable (): never {
  throw new KeyFileError('key files are not available in the browser build of @cofl/identity (they need node:crypto and a file system)')
}

export async function encodeKeyFile (_keyPair: KeyPair, _protection: KeyProtection): Promise<KeyFile> { return unavailable() }
export function keyFileIsEncrypted (_file: KeyFile): boolean { return unavailable() }
export function parseKeyFile (_value: unknown): KeyFile { return unavailable() }
export async function decodeKeyFile (_file: KeyFile, _options: { passphrase?: string } = {}): Promise<KeyPair> { return unavailable() }
export async function writeKeyFile (_path: string, _keyPair: KeyPair, _protection: KeyProtection): Promise<void> { unavailable() }
export async function readKeyFile (_path: string): Promise<KeyFile> { return unavailable() }
export async function loadKeyFile (_path: string, _options: { passphrase?: string } = {}): Promise<KeyPair> { return unavailable() }
