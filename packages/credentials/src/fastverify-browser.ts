/**
 * The browser's stand-in for fastverify.ts (package.json `browser` maps one to the other): the
 * fast path signs and verifies with node:crypto KeyObjects, which a browser does not have. In a
 * bundle for the browser it decides nothing, so every proof is verified and made by the libraries
 * as published (on the same patched jsonld.js): same verdicts, the libraries' speed (a wallet page
 * verifies a handful of credentials, not thousands).
 */
import type { ProofPurpose } from 'jsonld-signatures'
import type { Multikey } from '@cofl/identity'
import type { DocumentLoader } from './loader.js'

type Json = Record<string, unknown>

// The same types as the Node.js fast path (a type-only import: nothing of it is bundled).
export type { FastSignInit, FastVerified } from './fastverify.js'
import type { FastSignInit, FastVerified } from './fastverify.js'

/** In the browser: undecided, the libraries verify. */
export async function verifyFast (_document: unknown, _purpose: ProofPurpose, _loader: DocumentLoader): Promise<FastVerified | undefined> {
  return undefined
}

/** In the browser: not handled, the libraries sign. */
export async function signFast (_document: Json, _init: FastSignInit): Promise<Json | undefined> {
  return undefined
}

/** In the browser: not handled, the key's own signer signs. */
export function signBytesFast (_key: Multikey, _data: Uint8Array): Uint8Array | undefined {
  return undefined
}
