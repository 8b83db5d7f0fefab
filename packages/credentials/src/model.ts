/**
 * The Open Badges 3.0 data model (the parts cofl issues and reads) as TypeScript types, and
 * builders that produce documents in the shape the official OB 3.0 JSON Schemas accept:
 * `type` as arrays, contexts in the order credentials/v2, context-3.0.3.json, `validFrom` set.
 */
import { CREDENTIALS_V2_CONTEXT, OB_V3P0_CONTEXT } from './contexts.js'

/** The contexts of every OB 3.0 document cofl signs, in the order the schemas require. */
export const OB_CONTEXTS: readonly [string, string] = [CREDENTIALS_V2_CONTEXT, OB_V3P0_CONTEXT]

export type JsonLdContext = string | Record<string, unknown> | Array<string | Record<string, unknown>>

/** A Data Integrity proof as emitted and read. */
export interface DataIntegrityProof {
  type: string
  cryptosuite?: string
  created?: string
  verificationMethod: string
  proofPurpose: string
  proofValue?: string
  challenge?: string
  domain?: string | string[]
  '@context'?: JsonLdContext
  [key: string]: unknown
}

export interface Image { id: string, type: 'Image', caption?: string }
export interface Alignment {
  type: ['Alignment']
  targetName: string
  targetUrl: string
  targetDescription?: string
  targetFramework?: string
  targetCode?: string
  targetType?: string
}
export interface Criteria { id?: string, narrative?: string }
export interface GeoCoordinates { type: 'GeoCoordinates', latitude: number, longitude: number }
export interface Address {
  type: ['Address']
  addressCountry?: string
  addressCountryCode?: string
  addressRegion?: string
  addressLocality?: string
  streetAddress?: string
  postalCode?: string
  geo?: GeoCoordinates
}

/** An issuer, endorser or other party (OB 3.0 Profile). */
export interface Profile {
  id: string
  type: ['Profile', ...string[]]
  name?: string
  url?: string
  email?: string
  phone?: string
  description?: string
  image?: Image
  address?: Address
  [key: string]: unknown
}

export type ResultType = 'GradePointAverage' | 'LetterGrade' | 'Percent' | 'PerformanceLevel' | 'PredictedScore' | 'RawScore' | 'Result' | 'RubricCriterion' | 'RubricCriterionLevel' | 'RubricScore' | 'ScaledScore' | 'Status'
export interface ResultDescription {
  id: string
  type: ['ResultDescription']
  name: string
  resultType: ResultType | string
  allowedValue?: string[]
  requiredValue?: string
  valueMin?: string
  valueMax?: string
}
export interface Result {
  type: ['Result']
  resultDescription?: string
  value?: string
  status?: 'Completed' | 'Enrolled' | 'Failed' | 'InProgress' | 'OnHold' | 'Provisional' | 'Withdrew'
  achievedLevel?: string
}
export interface Evidence {
  id?: string
  type: ['Evidence']
  narrative?: string
  name?: string
  description?: string
  genre?: string
  audience?: string
}

/** A badge class: what is achieved and how (OB 3.0 Achievement). */
export interface Achievement {
  id: string
  type: ['Achievement']
  name: string
  description: string
  criteria: Criteria
  achievementType?: string
  alignment?: Alignment[]
  creator?: Profile
  image?: Image
  tag?: string[]
  resultDescription?: ResultDescription[]
  inLanguage?: string
  version?: string
  [key: string]: unknown
}

export interface AchievementSubject {
  id?: string
  type: ['AchievementSubject']
  achievement: Achievement
  result?: Result[]
  narrative?: string
  activityStartDate?: string
  activityEndDate?: string
}

export interface BitstringStatusListEntry {
  id: string
  type: 'BitstringStatusListEntry'
  statusPurpose: string
  statusListIndex: string
  statusListCredential: string
}

interface CredentialBase {
  '@context': JsonLdContext
  id: string
  type: string[]
  issuer: Profile | string
  name?: string
  description?: string
  validFrom: string
  validUntil?: string
  credentialStatus?: BitstringStatusListEntry | BitstringStatusListEntry[]
  proof?: DataIntegrityProof | DataIntegrityProof[]
}

/** An OB 3.0 OpenBadgeCredential (AchievementCredential). */
export interface OpenBadgeCredential extends CredentialBase {
  credentialSubject: AchievementSubject
  evidence?: Evidence[]
}

export interface EndorsementSubject { id: string, type: ['EndorsementSubject'], endorsementComment?: string }

/** An OB 3.0 EndorsementCredential: a party vouches for a Profile, Achievement or credential. */
export interface EndorsementCredential extends CredentialBase {
  name: string
  credentialSubject: EndorsementSubject
}

/** Any verifiable credential cofl reads (third-party ones included). */
export interface VerifiableCredential {
  '@context': JsonLdContext
  type: string | string[]
  issuer: string | { id: string, [key: string]: unknown }
  credentialSubject: Record<string, unknown> | Array<Record<string, unknown>>
  proof?: DataIntegrityProof | DataIntegrityProof[]
  [key: string]: unknown
}

export interface VerifiablePresentation {
  '@context': JsonLdContext
  id?: string
  type: string | string[]
  holder?: string
  verifiableCredential?: VerifiableCredential | VerifiableCredential[]
  proof?: DataIntegrityProof | DataIntegrityProof[]
  [key: string]: unknown
}

/** ISO 8601 date-time without milliseconds, as the OB 3.0 examples write it. */
export function isoDate (date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

// WebCrypto's randomUUID (global in Node and in browsers): no Node built-in, so that the model is bundled for pages too.
function newId (): string {
  return `urn:uuid:${globalThis.crypto.randomUUID()}`
}

export interface ProfileInit {
  id: string
  name?: string
  url?: string
  email?: string
  description?: string
  image?: string
  address?: Address
}

export function buildProfile (init: ProfileInit): Profile {
  if (typeof init?.id !== 'string') throw new TypeError('profile id must be a string')
  const profile: Profile = { id: init.id, type: ['Profile'] }
  if (init.name != null) profile.name = init.name
  if (init.url != null) profile.url = init.url
  if (init.email != null) profile.email = init.email
  if (init.description != null) profile.description = init.description
  if (init.image != null) profile.image = { id: init.image, type: 'Image' }
  if (init.address != null) profile.address = init.address
  return profile
}

/** A Profile published on its own, as a signable JSON-LD document. */
export function buildProfileDocument (init: ProfileInit): Profile & { '@context': readonly string[] } {
  return { '@context': [...OB_CONTEXTS], ...buildProfile(init) }
}

export interface AchievementInit {
  id?: string
  name: string
  description: string
  criteria: string | Criteria
  creator?: Profile
  achievementType?: string
  alignment?: Array<Omit<Alignment, 'type'>>
  image?: string
  tag?: string[]
  resultDescription?: Array<Omit<ResultDescription, 'type'>>
}

export function buildAchievement (init: AchievementInit): Achievement {
  if (typeof init?.name !== 'string' || init.name.length === 0) throw new TypeError('achievement name must be a non-empty string')
  if (typeof init.description !== 'string') throw new TypeError('achievement description must be a string')
  if (init.criteria == null) throw new TypeError('achievement criteria is required')
  const achievement: Achievement = {
    id: init.id ?? newId(),
    type: ['Achievement'],
    name: init.name,
    description: init.description,
    criteria: typeof init.criteria === 'string' ? { narrative: init.criteria } : { ...init.criteria }
  }
  if (init.creator != null) achievement.creator = init.creator
  if (init.achievementType != null) achievement.achievementType = init.achievementType
  if (init.alignment != null) achievement.alignment = init.alignment.map((a) => ({ type: ['Alignment'], ...a }))
  if (init.image != null) achievement.image = { id: init.image, type: 'Image' }
  if (init.tag != null) achievement.tag = [...init.tag]
  if (init.resultDescription != null) achievement.resultDescription = init.resultDescription.map((r) => ({ ...r, type: ['ResultDescription'] }))
  return achievement
}

/** An Achievement published on its own, as a signable JSON-LD document. */
export function buildAchievementDocument (init: AchievementInit): Achievement & { '@context': readonly string[] } {
  return { '@context': [...OB_CONTEXTS], ...buildAchievement(init) }
}

export interface OpenBadgeCredentialInit {
  id?: string
  issuer: Profile
  achievement: Achievement
  /** The learner's DID (credentialSubject.id). */
  subject: string
  name?: string
  description?: string
  validFrom?: Date
  validUntil?: Date
  evidence?: Array<Omit<Evidence, 'type'>>
  result?: Array<Omit<Result, 'type'>>
  credentialStatus?: BitstringStatusListEntry | BitstringStatusListEntry[]
}

export function buildOpenBadgeCredential (init: OpenBadgeCredentialInit): OpenBadgeCredential {
  if (init?.issuer == null || typeof init.issuer.id !== 'string') throw new TypeError('issuer must be a Profile with an id')
  if (init.achievement == null || typeof init.achievement.id !== 'string') throw new TypeError('achievement must be an Achievement with an id')
  if (typeof init.subject !== 'string' || init.subject.length === 0) throw new TypeError('subject must be the learner\'s DID')
  const { '@context': _ignored, proof: _proof, ...achievement } = init.achievement as Achievement & { '@context'?: unknown, proof?: unknown }
  const subject: AchievementSubject = { id: init.subject, type: ['AchievementSubject'], achievement: achievement as Achievement }
  if (init.result != null) subject.result = init.result.map((r) => ({ type: ['Result'], ...r }))
  const credential: OpenBadgeCredential = {
    '@context': [...OB_CONTEXTS],
    id: init.id ?? newId(),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: init.issuer,
    name: init.name ?? achievement.name as string,
    validFrom: isoDate(init.validFrom),
    credentialSubject: subject
  }
  if (init.description != null) credential.description = init.description
  if (init.validUntil != null) credential.validUntil = isoDate(init.validUntil)
  if (init.evidence != null) credential.evidence = init.evidence.map((e) => ({ type: ['Evidence'], ...e }))
  if (init.credentialStatus != null) credential.credentialStatus = init.credentialStatus
  return credential
}

export interface EndorsementCredentialInit {
  id?: string
  issuer: Profile
  /** The id of what is endorsed: a Profile (an issuer), an Achievement or a credential. */
  subject: string
  name?: string
  comment?: string
  validFrom?: Date
  validUntil?: Date
}

export function buildEndorsementCredential (init: EndorsementCredentialInit): EndorsementCredential {
  if (init?.issuer == null || typeof init.issuer.id !== 'string') throw new TypeError('issuer must be a Profile with an id')
  if (typeof init.subject !== 'string') throw new TypeError('subject must be the id of what is endorsed')
  const credentialSubject: EndorsementSubject = { id: init.subject, type: ['EndorsementSubject'] }
  if (init.comment != null) credentialSubject.endorsementComment = init.comment
  const credential: EndorsementCredential = {
    '@context': [...OB_CONTEXTS],
    id: init.id ?? newId(),
    type: ['VerifiableCredential', 'EndorsementCredential'],
    issuer: init.issuer,
    name: init.name ?? `Endorsement by ${init.issuer.name ?? init.issuer.id}`,
    validFrom: isoDate(init.validFrom),
    credentialSubject
  }
  if (init.validUntil != null) credential.validUntil = isoDate(init.validUntil)
  return credential
}

export interface PresentationInit {
  holder: string
  verifiableCredential: VerifiableCredential | VerifiableCredential[]
  id?: string
}

export function buildPresentation (init: PresentationInit): VerifiablePresentation {
  if (typeof init?.holder !== 'string') throw new TypeError('holder must be a DID')
  return {
    '@context': [CREDENTIALS_V2_CONTEXT],
    id: init.id ?? newId(),
    type: ['VerifiablePresentation'],
    holder: init.holder,
    verifiableCredential: Array.isArray(init.verifiableCredential) ? [...init.verifiableCredential] : [init.verifiableCredential]
  }
}
