/**
 * The header checks that every announcement passes before a node relays it (gossipsub topic
 * validator) or takes it from a sync response. Pure: no network, the held versions come from a
 * callback. The document checks (block, CID, proof) follow in the node.
 */
import { decodeAnnouncement, topicOf, verifyAnnouncement } from './announcement.js'
import type { Announcement } from './announcement.js'
import type { Kind } from './constants.js'
import { idOwner } from './documents.js'

/** accept: relay and keep; reject: invalid, the sender is penalised; ignore: valid but not wanted (stale, duplicate). */
export type Verdict = 'accept' | 'reject' | 'ignore'

export interface HeaderVerdict {
  verdict: Verdict
  reason: string
  announcement?: Announcement
}

/** What this node holds of one issuer's document with an id (documents are kept per (issuer, id)). */
export interface HeldVersion {
  issuer: string
  sequence: number
  cid: string
  /** Not held: withdrawn by its issuer at `sequence` (that version and older ones are refused). */
  withdrawn?: boolean
}

export interface HeaderValidationContext {
  maxMessageBytes: number
  /** When the message came on a topic: its topic (checked against the header's kind). */
  topic?: string
  topicPrefix: string
  /** The version held of `issuer`'s document with this id; another issuer's document with the same id is not it. */
  held: (kind: Kind, id: string, issuer: string) => Promise<HeldVersion | undefined>
}

/**
 * Size, shape, known kind, topic, the issuer's signature (Reject when any fails), an id that names
 * another DID as its owner (a status list or aggregate id, a DID URL: idOwner) is Reject; then the
 * version of this issuer's document with that id: a sequence not newer than the one held is
 * Ignore (a replay, or an older status list: never a roll-back). Another issuer's document with
 * the same id does not matter: documents are kept per (issuer, id), so nobody can take an id first.
 */
export async function validateHeader (bytes: Uint8Array, context: HeaderValidationContext): Promise<HeaderVerdict> {
  if (!(bytes instanceof Uint8Array)) return { verdict: 'reject', reason: 'not bytes' }
  if (bytes.byteLength > context.maxMessageBytes) {
    return { verdict: 'reject', reason: `${bytes.byteLength} bytes, more than the limit of ${context.maxMessageBytes}` }
  }
  const decoded = decodeAnnouncement(bytes)
  if (!decoded.ok) return { verdict: 'reject', reason: decoded.reason }
  const announcement = decoded.announcement
  if (context.topic != null && context.topic !== topicOf(announcement.kind, context.topicPrefix)) {
    return { verdict: 'reject', reason: `a ${announcement.kind} announcement on topic ${context.topic}`, announcement }
  }
  if (!(await verifyAnnouncement(announcement))) {
    return { verdict: 'reject', reason: `the signature is not ${announcement.issuer}'s`, announcement }
  }
  const owner = idOwner(announcement.id)
  if (owner != null && owner !== announcement.issuer) {
    return { verdict: 'reject', reason: `the id ${announcement.id} is ${owner}'s: ${announcement.issuer} may not use it`, announcement }
  }
  if (announcement.id.includes('\u0000')) return { verdict: 'reject', reason: 'the id contains U+0000', announcement }
  let held: HeldVersion | undefined
  try {
    held = await context.held(announcement.kind, announcement.id, announcement.issuer)
  } catch (err) {
    return { verdict: 'ignore', reason: `cannot read the held version: ${(err as Error).message}`, announcement }
  }
  if (held?.withdrawn === true && held.issuer === announcement.issuer && held.sequence >= announcement.sequence) {
    return { verdict: 'ignore', reason: `version ${announcement.sequence} was withdrawn by its issuer (withdrawal of version ${held.sequence})`, announcement }
  }
  if (held != null && held.issuer === announcement.issuer && held.sequence >= announcement.sequence) {
    return { verdict: 'ignore', reason: `sequence ${announcement.sequence} is not newer than the held ${held.sequence}`, announcement }
  }
  return { verdict: 'accept', reason: 'signed by its issuer, newer than what is held', announcement }
}
