/**
 * The documents themselves: their dag-json blocks and CIDs, and what makes one acceptable for an
 * announcement (its own Data Integrity proof, by the announced issuer, with the announced id).
 */
import * as dagJson from '@ipld/dag-json'
import { verifyCredentialProof, verifyDocumentProof } from '@cofl/credentials'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DOCUMENT_TYPES, WITHDRAWAL_TYPE } from './constants.js'
import type { Kind } from './constants.js'
import { withdrawalIdOwner, withdrawalTarget } from './withdrawal.js'

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
  // U+0000 separates an id from its issuer in the store's keys (claimKey).
  if (id.includes('\u0000')) return { ok: false, reason: 'the document\'s id contains U+0000' }
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
    case 'aggregate':
    case 'image': {
      if (!t.includes(DOCUMENT_TYPES[kind])) return { ok: false, reason: `not a ${DOCUMENT_TYPES[kind]}` }
      const issuer = idOf(document.issuer)
      if (issuer == null) return { ok: false, reason: `the ${kind} has no issuer` }
      return { ok: true, id, issuer }
    }
    case 'withdrawal': {
      if (!t.includes(WITHDRAWAL_TYPE)) return { ok: false, reason: `not a ${WITHDRAWAL_TYPE}` }
      const issuer = idOf(document.issuer)
      if (issuer == null) return { ok: false, reason: 'the withdrawal has no issuer' }
      const target = withdrawalTarget(document, issuer)
      if (!target.ok) return { ok: false, reason: target.reason }
      // Another DID's document (its profile, its status list, ...): nobody but that DID withdraws it.
      const owner = idOwner(target.target.id)
      if (owner != null && owner !== issuer) return { ok: false, reason: `the withdrawn ${target.target.kind} ${target.target.id} is ${owner}'s: ${issuer} cannot withdraw it` }
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
 * own Data Integrity proof, made by a key of the issuer: the announced issuer's did:key key and
 * no other (a key named in a URL, or another DID's key, is refused whatever it signs). A proof
 * that cannot be checked here is refused too: a node never relays what it could not check. Never throws.
 */
export async function checkDocument (kind: Kind, document: Record<string, unknown>, expected: { id: string, issuer: string, sequence: number }): Promise<DocumentCheck> {
  const facts = documentFacts(kind, document)
  if (!facts.ok) return { ok: false, reason: facts.reason }
  if (facts.id !== expected.id) return { ok: false, reason: `the document's id ${facts.id} is not the announced ${expected.id}` }
  if (facts.issuer !== expected.issuer) return { ok: false, reason: `the document's issuer ${facts.issuer} is not the announcement's ${expected.issuer}` }
  if (facts.sequence != null && facts.sequence !== expected.sequence) return { ok: false, reason: `the status list's sequence ${facts.sequence} is not the announced ${expected.sequence}` }
  const owner = idOwner(facts.id)
  if (owner != null && owner !== expected.issuer) return { ok: false, reason: `the id ${facts.id} is ${owner}'s: only ${owner} may use it` }
  let outcome
  try {
    // The key must be the announced issuer's (its did:key document names only its own key).
    const options = { controller: expected.issuer }
    outcome = kind === 'endorsement' || kind === 'status-list' ? await verifyCredentialProof(document, options) : await verifyDocumentProof(document, options)
  } catch (err) {
    return { ok: false, reason: `the proof cannot be checked: ${(err as Error).message}` }
  }
  if (outcome.indeterminate) return { ok: false, reason: `the document's proof cannot be checked here: ${outcome.errors.join('; ')}` }
  if (!outcome.verified) return { ok: false, reason: `the document's proof does not verify: ${outcome.errors.join('; ')}` }
  const foreign = outcome.verificationMethods.filter((vm) => vm.split('#')[0] !== expected.issuer)
  if (foreign.length > 0) return { ok: false, reason: `the document was signed by ${foreign.join(', ')}, not by ${expected.issuer}` }
  return { ok: true, reason: 'verified' }
}

/** `urn:cofl:status:<DID>:<purpose>:<list number>`: a status list id as @cofl/status makes it. */
const STATUS_LIST_URN = /^urn:cofl:status:(did:[a-z0-9]+:[^#?/]+):[A-Za-z0-9_-]+:\d+$/
/** `urn:cofl:aggregate:<DID>`: a node's aggregate (one per node). */
const AGGREGATE_URN = /^urn:cofl:aggregate:(did:[a-z0-9]+:[^#?/]+)$/
/** A DID, or a DID URL (its DID before `/`, `?` or `#`). */
const DID_URL = /^(did:[a-z0-9]+:[^#?/]+)(?:[#?/].*)?$/
/** A node's https list id: `<publicBaseUrl>/api/status/<URL-encoded status list URN>`. */
const STATUS_LIST_URL = /^https?:\/\/[^/?#]+\/(?:[^?#]*\/)?api\/status\/([^/?#]+)$/

/**
 * The DID that an id names as its owner, when it names one: a DID or DID URL (a Profile's id is its
 * issuer's DID); a status list id `urn:cofl:status:<DID>:<purpose>:<n>`, also as a node with a
 * public base URL makes it, `<publicBaseUrl>/api/status/<the URN, URL-encoded>`; an aggregate's id
 * `urn:cofl:aggregate:<DID>`; a withdrawal's id `urn:cofl:withdrawal:<DID>:...`. A document with such an id is accepted only from that DID, whoever
 * announces it first (docs/federation.md, "Who may use which id"). Undefined for any other id
 * (`urn:uuid:`, other URLs): those are namespaced by issuer instead.
 */
export function idOwner (id: string): string | undefined {
  if (typeof id !== 'string') return undefined
  const withdrawal = withdrawalIdOwner(id)
  if (withdrawal != null) return withdrawal
  const url = STATUS_LIST_URL.exec(id)
  let name = id
  if (url != null) {
    try { name = decodeURIComponent(url[1] as string) } catch { return undefined }
  }
  const match = STATUS_LIST_URN.exec(name) ?? (url == null ? AGGREGATE_URN.exec(name) ?? DID_URL.exec(name) : null)
  return match?.[1]
}
