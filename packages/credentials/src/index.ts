/**
 * @packageDocumentation
 *
 * Open Badges 3.0 credentials for cofl: the data model and its builders, every JSON-LD context
 * bundled behind an offline document loader, validation against the official OB 3.0 JSON Schemas,
 * and signing / proof checking of credentials, presentations and signed documents with
 * DataIntegrityProof and eddsa-rdfc-2022: on a fast path (the algorithm written out on the patched
 * jsonld.js, docs/jsonld-patch.md) that gives the results of @digitalbazaar/vc and
 * jsonld-signatures, which decide everything the fast path does not (`fast: false`: only them).
 * Knows nothing of the network.
 *
 * @example
 * ```ts
 * import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential, verifyCredentialProof, validateSchema } from '@cofl/credentials'
 * import { generateKeyPair } from '@cofl/identity'
 *
 * const key = await generateKeyPair()
 * const issuer = buildProfile({ id: key.did, name: 'Plymouth City of Learning' })
 * const achievement = buildAchievement({ name: 'Coding Club', description: '10 sessions', criteria: 'Attend 10 sessions', creator: issuer })
 * const credential = await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: learnerDid }), { key })
 * validateSchema('AchievementCredential', credential).valid // true
 * (await verifyCredentialProof(credential)).verified        // true
 * ```
 */
export * from './constants.js'
export * from './contexts.js'
export * from './errors.js'
export { createDocumentLoader } from './loader.js'
export type { DocumentLoader, DocumentLoaderOptions, RemoteDocument } from './loader.js'
export { normalizeArrays, validateSchema } from './schema.js'
export type { SchemaKind, SchemaValidationResult } from './schema.js'
export * from './model.js'
export { checkCredentialDataModel, checkPresentationDataModel } from './datamodel.js'
export type { DataModelResult } from './datamodel.js'
export { signCredential, signDocument, signPathCounts, signPresentation } from './sign.js'
export { signBytesFast } from './fastverify.js'
export type { SignOptions, SignPresentationOptions } from './sign.js'
export { explainProofError, PROOF_CODES, proofPathCounts, UNCHECKABLE_PROOF_CODES, verifyCredentialProof, verifyDocumentProof, verifyPresentationProof } from './proof.js'
export type { PresentationProofOptions, ProofOptions, ProofOutcome } from './proof.js'
export {
  createVerificationLoader, DATA_INTEGRITY_PROOF, ED25519_SIGNATURE_2020, EDDSA_RDFC_2022, isSupportedProof, signingSuite,
  verificationSuites
} from './suites.js'
export type { VerificationLoaderInit } from './suites.js'
