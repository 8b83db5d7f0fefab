/**
 * @packageDocumentation
 *
 * @cofl/federation: the network between cofl nodes. One libp2p + Helia node per city (TCP, noise,
 * yamux, identify, ping, gossipsub, bitswap; no public bootstrap, mdns, DHT or gateways). Public
 * documents (achievements, profiles, endorsements, status lists) go into Helia as dag-json blocks
 * and are announced on gossipsub with small headers signed by the issuer's did:key. Every node
 * checks a header (signature, size, kind, newer sequence) before it relays it, fetches the block,
 * checks the document's own Data Integrity proof, pins and stores it. An anti-entropy sync
 * protocol (`/cofl/sync/1.0.0`) brings nodes that were offline up to date. `trust(issuer)` follows
 * endorsements from the node's trust roots. An issuer withdraws a document it published with a
 * signed withdrawal (buildWithdrawal, published as kind 'withdrawal'): every node removes the
 * document and refuses that version from then on.
 *
 * @example
 * ```ts
 * import { createFederation, federationSchema } from '@cofl/federation'
 * import { createMemoryStore } from '@cofl/store'
 * import { buildAchievementDocument, signDocument } from '@cofl/credentials'
 * import { generateKeyPair } from '@cofl/identity'
 *
 * const key = await generateKeyPair()
 * const federation = await createFederation({ key, store: createMemoryStore({ schemas: [federationSchema] }), bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...'] })
 * const achievement = await signDocument(buildAchievementDocument({
 *   name: 'Coding Club', description: '10 sessions', criteria: 'Attend 10 sessions', creator: { id: key.did, type: ['Profile'] }
 * }), { key })
 * const { cid, sequence } = await federation.publish('achievement', achievement)
 * federation.addEventListener('document', (event) => { console.info('replicated', event.detail.kind, event.detail.id) })
 * await federation.stop()
 * ```
 */
// The protocol's names and the limits a publisher must respect; the tuning constants (timeouts,
// queue sizes, quotas, score weights) are behind '@cofl/federation/tuning'.
export {
  ANNOUNCEMENT_VERSION, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_MESSAGE_BYTES, DIAL_KINDS, DOCUMENT_TYPES, KIND_COLLECTION_NAMES, KINDS,
  SYNC_PROTOCOL, TOPIC_PREFIX, WITHDRAWABLE_KINDS, WITHDRAWAL_TYPE
} from './constants.js'
export type { DialKind, DocumentKind, Kind, WithdrawableKind } from './constants.js'
export { buildWithdrawal, withdrawalId, withdrawalTarget } from './withdrawal.js'
export type { WithdrawalTarget, WithdrawalTargetResult } from './withdrawal.js'
export { FederationConfigError, FederationError, MessageTooLargeError, NotStartedError, PublishError } from './errors.js'
export { createFederation } from './federation.js'
export { federationSchema, kindCollection } from './schema.js'
export type { ContentValidator, ContentVerdict, Federation, FederationInit, SyncSummary } from './federation.js'
export {
  decodeAnnouncement, encodeAnnouncement, encodeUnsignedAnnouncement, signAnnouncement, topicOf, verifyAnnouncement
} from './announcement.js'
export type { Announcement, DecodeAnnouncementResult, UnsignedAnnouncement } from './announcement.js'
export { validateHeader } from './validate.js'
export type { HeaderValidationContext, HeaderVerdict, HeldVersion, Verdict } from './validate.js'
export { blockMatches, checkDocument, decodeDocument, documentBlock, documentFacts, idOwner } from './documents.js'
export { claimKey, claimOf, idOfKey, resolveClaim } from './claims.js'
export type { ClaimContext } from './claims.js'
export type { DocumentBlock, DocumentCheck, DocumentFacts } from './documents.js'
export { addressKind, createDialPolicy } from './dialling.js'
export type { AddressKind, DialPolicy, KnownPeer } from './dialling.js'
export { evaluateTrust, trustedIssuers } from './trust.js'
export type { TrustResult } from './trust.js'
export { checkDocumentBounds } from './bounds.js'
export type { BoundsCheck, DocumentBounds } from './bounds.js'
export { ValidationQueue } from './queue.js'
export type { QueueLimits, QueueStats, Ticket } from './queue.js'
export { timeoutSignal } from './signal.js'
export type { TimeoutSignal } from './signal.js'
export { PeerQuotas } from './quota.js'
export type { QuotaLimits, QuotaUse } from './quota.js'
