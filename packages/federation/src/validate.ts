/**
 * The header checks that every announcement passes before a node relays it (gossipsub topic
 * validator) or takes it from a sync response. Pure: no network, the held versions come from a
 * callback. The document checks (block, CID, proof) follow in the node.
 */
import { decodeAnnouncement, topicOf, verifyAnnouncement } from './announcement.js'
import type { Announcement } from './announcement.js'
import type { Kind } from './constants.js'

/** accept: relay and keep; reject: invalid, the sender is penalised; ignore: valid but not wanted (stale, duplicate). */
export type Verdict = 'accept' | 'reject' | 'ignore'

export interface HeaderVerdict {
  verdict: Verdict
  reason: string
  announcement?: Announcement
}

/** What this node holds for a (kind, id). */
export interface HeldVersion { issuer: string, sequence: number, cid: string }

export interface HeaderValidationContext {
  maxMessageBytes: number
  /** When the message came on a topic: its topic (checked against the header's kind). */
  topic?: string
  topicPrefix: string
  held: (kind: Kind, id: string) => Promise<HeldVersion | undefined>
}

/**
 * Size, shape, known kind, topic, the issuer's signature (Reject when any fails), then the version:
 * a sequence not newer than the one held is Ignore (a replay, or an older status list: never a
 * roll-back); an id held for another issuer is Reject.
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
  let held: HeldVersion | undefined
  try {
    held = await context.held(announcement.kind, announcement.id)
  } catch (err) {
    return { verdict: 'ignore', reason: `cannot read the held version: ${(err as Error).message}`, announcement }
  }
  if (held != null) {
    if (held.issuer !== announcement.issuer) {
      return { verdict: 'reject', reason: `${announcement.id} is held as ${held.issuer}'s, not ${announcement.issuer}'s`, announcement }
    }
    if (held.sequence >= announcement.sequence) {
      return { verdict: 'ignore', reason: `sequence ${announcement.sequence} is not newer than the held ${held.sequence}`, announcement }
    }
  }
  return { verdict: 'accept', reason: 'signed by its issuer, newer than what is held', announcement }
}
