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
export {
  BITSTRING_STATUS_LIST_V1_CONTEXT, BUNDLED_CONTEXTS, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT,
  CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, DATA_INTEGRITY_V1_CONTEXT, DATA_INTEGRITY_V2_CONTEXT,
  DID_V1_CONTEXT, ED25519_2020_V1_CONTEXT, MULTIKEY_V1_CONTEXT, OB_V3P0_3_0_0_CONTEXT, OB_V3P0_3_0_1_CONTEXT,
  OB_V3P0_3_0_2_CONTEXT, OB_V3P0_3_0_3_CONTEXT, OB_V3P0_CONTEXT, OB_V3P0_EXTENSIONS_CONTEXT
} from './contexts.js'
export { ContextNotBundledError, CredentialsError, SchemaUnavailableError, SigningError } from './errors.js'
export { createDocumentLoader } from './loader.js'
export type { DocumentLoader, DocumentLoaderOptions, RemoteDocument } from './loader.js'
export { normalizeArrays, validateSchema } from './schema.js'
export type { SchemaKind, SchemaValidationResult } from './schema.js'
export {
  OB_CONTEXTS, buildAchievement, buildAchievementDocument, buildEndorsementCredential,
  buildOpenBadgeCredential, buildPresentation, buildProfile, buildProfileDocument, isoDate
} from './model.js'
export type {
  Achievement, AchievementInit, AchievementSubject, Address, Alignment, BitstringStatusListEntry, Criteria,
  DataIntegrityProof, EndorsementCredential, EndorsementCredentialInit, EndorsementSubject, Evidence,
  GeoCoordinates, Image, JsonLdContext, OpenBadgeCredential, OpenBadgeCredentialInit, PresentationInit,
  Profile, ProfileInit, Result, ResultDescription, ResultType, VerifiableCredential, VerifiablePresentation
} from './model.js'
export { checkCredentialDataModel, checkPresentationDataModel } from './datamodel.js'
export type { DataModelResult } from './datamodel.js'
export { signCredential, signDocument, signPathCounts, signPresentation } from './sign.js'
export { signBytesFast } from './fastverify.js'
export type { SignOptions, SignPresentationOptions } from './sign.js'
export {
  explainProofError, PROOF_CODES, proofPathCounts, UNCHECKABLE_PROOF_CODES, verifyCredentialProof,
  verifyDocumentProof, verifyPresentationProof
} from './proof.js'
export type { PresentationProofOptions, ProofOptions, ProofOutcome } from './proof.js'
export {
  createVerificationLoader, DATA_INTEGRITY_PROOF, ED25519_SIGNATURE_2020, EDDSA_RDFC_2022, isSupportedProof, signingSuite,
  verificationSuites
} from './suites.js'
export type { VerificationLoaderInit } from './suites.js'
