/**
 * The documents themselves: their dag-json blocks and CIDs, and what makes one acceptable for an
 * announcement (its own Data Integrity proof, by the announced issuer, with the announced id).
 */
import * as dagJson from '@ipld/dag-json'
import { verifyCredentialProof, verifyDocumentProof } from '@cofl/credentials'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DOCUMENT_TYPES } from './constants.js'
import type { Kind } from './constants.js'

export interface DocumentBlock { cid: CID, bytes: Uint8Array }

/** The dag-json block of a document and its CID (v1, dag-json, sha2-256). */
export async function documentBlock (document: Record<string, unknown>): Promise<DocumentBlock> {
  const bytes = dagJson.encode(document)
  return { cid: CID.createV1(dagJson.code, await sha256.digest(bytes)), bytes }
}

/** The CID of `bytes` equals `cid` (the block was not swapped). */
export async function blockMatches (cid: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const expected = CID.parse(cid)
    const digest = await sha256.digest(bytes)
    return expected.code === dagJson.code && CID.createV1(dagJson.code, digest).equals(expected)
  } catch {
    return false
  }
}

/** Decodes a dag-json document block; undefined when it is not a JSON object. */
export function decodeDocument (bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value = dagJson.decode<unknown>(bytes)
    return value != null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

function types (document: Record<string, unknown>): string[] {
  const type = document.type
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : typeof type === 'string' ? [type] : []
}

function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value != null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id
  return undefined
}

/** What a document says about itself: its id, issuer and (status lists) sequence; or why it is no document of that kind. */
export type DocumentFacts = { ok: true, id: string, issuer: string, sequence?: number } | { ok: false, reason: string }

export function documentFacts (kind: Kind, document: Record<string, unknown>): DocumentFacts {
  const id = document.id
  if (typeof id !== 'string' || id.length === 0) return { ok: false, reason: 'the document has no id' }
  const t = types(document)
  switch (kind) {
    case 'achievement': {
      if (!t.includes('Achievement')) return { ok: false, reason: 'not an Achievement' }
      const creator = idOf(document.creator)
      const issuer = creator ?? verificationController(document)
      if (issuer == null) return { ok: false, reason: 'the achievement names no creator and has no proof' }
      return { ok: true, id, issuer }
    }
    case 'profile':
      if (!t.includes('Profile')) return { ok: false, reason: 'not a Profile' }
      return { ok: true, id, issuer: id }
    case 'endorsement': {
      if (!t.includes('EndorsementCredential')) return { ok: false, reason: 'not an EndorsementCredential' }
      const issuer = idOf(document.issuer)
      if (issuer == null) return { ok: false, reason: 'the endorsement has no issuer' }
      return { ok: true, id, issuer }
    }
    case 'status-list': {
      if (!t.includes('BitstringStatusListCredential')) return { ok: false, reason: 'not a BitstringStatusListCredential' }
      const issuer = idOf(document.issuer)
      if (issuer == null) return { ok: false, reason: 'the status list has no issuer' }
      const sequence = document.sequence
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return { ok: false, reason: 'the status list has no positive integer sequence' }
      return { ok: true, id, issuer, sequence }
    }
    case 'spine':
    case 'pathway':
    case 'opportunity':
    case 'aggregate': {
      if (!t.includes(DOCUMENT_TYPES[kind])) return { ok: false, reason: `not a ${DOCUMENT_TYPES[kind]}` }
      const issuer = idOf(document.issuer)
      if (issuer == null) return { ok: false, reason: `the ${kind} has no issuer` }
      return { ok: true, id, issuer }
    }
  }
}

function verificationController (document: Record<string, unknown>): string | undefined {
  const proof = Array.isArray(document.proof) ? document.proof[0] : document.proof
  const vm = (proof as { verificationMethod?: unknown } | undefined)?.verificationMethod
  return typeof vm === 'string' ? vm.split('#')[0] : undefined
}

export interface DocumentCheck { ok: boolean, reason: string }

/**
 * Checks a document against its announcement: kind, id, issuer, (status lists) sequence, and its
 * own Data Integrity proof, made by a key of the issuer. Never throws.
 */
export async function checkDocument (kind: Kind, document: Record<string, unknown>, expected: { id: string, issuer: string, sequence: number }): Promise<DocumentCheck> {
  const facts = documentFacts(kind, document)
  if (!facts.ok) return { ok: false, reason: facts.reason }
  if (facts.id !== expected.id) return { ok: false, reason: `the document's id ${facts.id} is not the announced ${expected.id}` }
  if (facts.issuer !== expected.issuer) return { ok: false, reason: `the document's issuer ${facts.issuer} is not the announcement's ${expected.issuer}` }
  if (facts.sequence != null && facts.sequence !== expected.sequence) return { ok: false, reason: `the status list's sequence ${facts.sequence} is not the announced ${expected.sequence}` }
  let outcome
  try {
    outcome = kind === 'endorsement' || kind === 'status-list' ? await verifyCredentialProof(document) : await verifyDocumentProof(document)
  } catch (err) {
    return { ok: false, reason: `the proof cannot be checked: ${(err as Error).message}` }
  }
  if (!outcome.verified) return { ok: false, reason: `the document's proof does not verify: ${outcome.errors.join('; ')}` }
  const foreign = outcome.verificationMethods.filter((vm) => vm.split('#')[0] !== expected.issuer)
  if (foreign.length > 0) return { ok: false, reason: `the document was signed by ${foreign.join(', ')}, not by ${expected.issuer}` }
  return { ok: true, reason: 'verified' }
}
