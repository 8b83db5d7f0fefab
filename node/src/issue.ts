/**
 * Issuing: an achievement to a learner's DID, with a status entry when the issuer keeps a status
 * registry. The status index is allocated and persisted before the credential is signed, so a
 * crash between the two loses an index but never hands one out twice.
 */
import { buildAchievementDocument, buildOpenBadgeCredential, buildProfile, signCredential, signDocument, verifyDocumentProof } from '@cofl/credentials'
import type { Achievement, AchievementInit, OpenBadgeCredential, Profile } from '@cofl/credentials'
import { didMethod } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import type { Allocation, StatusPurpose, StatusRegistry } from '@cofl/status'
import { InputError } from './errors.js'

type Json = Record<string, unknown>

export interface IssueInit {
  key: KeyPair
  /** The achievement, signed (its proof is checked) or not. */
  achievement: Json
  /** The learner's DID. */
  subject: string
  /** The issuer's name in the credential's issuer Profile. */
  issuerName?: string
  validUntil?: Date
  registry?: StatusRegistry
  /**
   * Which status entry the credential carries (default revocation). The OB 3.0.3 JSON Schema
   * allows one credentialStatus object, so a credential is either revocable or suspendable.
   */
  statusPurpose?: StatusPurpose
  /** Runs after the status index is persisted, before signing (the node records it; crash tests stop there). */
  afterAllocate?: (index: number, allocation: Allocation) => Promise<void>
  /** Signs the built credential with `key` (default: signCredential on this thread; the node uses a pool of worker threads). */
  sign?: (credential: OpenBadgeCredential) => Promise<OpenBadgeCredential>
}

function issuerProfile (key: KeyPair, name?: string): Profile {
  return buildProfile({ id: key.did, ...(name != null ? { name } : {}) })
}

/** Checks the fields of an achievement given as JSON and builds the Achievement (without context or proof). */
export async function achievementFromJson (json: Json): Promise<Achievement> {
  if (json.proof != null) {
    const outcome = await verifyDocumentProof(json)
    if (!outcome.verified) throw new InputError(`the achievement's signature does not verify: ${outcome.errors.join('; ')}`)
  }
  const { '@context': _context, proof: _proof, ...fields } = json
  const missing = ['id', 'name', 'description', 'criteria'].filter((k) => fields[k] == null)
  if (missing.length > 0) throw new InputError(`the achievement lacks ${missing.join(', ')}`)
  const types = Array.isArray(fields.type) ? fields.type : [fields.type]
  if (!types.includes('Achievement')) throw new InputError('the achievement\'s type must include "Achievement"')
  return { ...fields, type: ['Achievement'] } as unknown as Achievement
}

/** Builds and signs an Achievement document from its fields (name, description, criteria, ...). */
export async function signAchievement (key: KeyPair, fields: Json, issuerName?: string): Promise<Json> {
  const { '@context': _context, proof, type: _type, ...rest } = fields
  if (proof != null) throw new InputError('the achievement is signed already')
  for (const k of ['name', 'description'] as const) {
    if (typeof rest[k] !== 'string' || (rest[k] as string).length === 0) throw new InputError(`the achievement needs a "${k}" string`)
  }
  if (rest.criteria == null || (typeof rest.criteria !== 'string' && typeof rest.criteria !== 'object')) {
    throw new InputError('the achievement needs "criteria" (a narrative string, or {"narrative"} / {"id"})')
  }
  // The builder types what it knows (alignment, image, resultDescription ...); other OB fields
  // pass through, and a term that no context defines makes signing fail with its name.
  const { id, name, description, criteria, achievementType, alignment, image, tag, resultDescription, ...extra } = rest as unknown as AchievementInit & Json
  if (alignment != null && !Array.isArray(alignment)) throw new InputError('the achievement\'s "alignment" must be an array')
  if (image != null && typeof image !== 'string') throw new InputError('the achievement\'s "image" must be the URL of an image')
  const init: AchievementInit = {
    ...(typeof id === 'string' ? { id } : {}),
    name, description, criteria, creator: issuerProfile(key, issuerName),
    ...(achievementType != null ? { achievementType } : {}),
    ...(alignment != null ? { alignment } : {}),
    ...(image != null ? { image } : {}),
    ...(tag != null ? { tag } : {}),
    ...(resultDescription != null ? { resultDescription } : {})
  }
  const document = { ...buildAchievementDocument(init), ...extra }
  return await signDocument(document, { key }) as unknown as Json
}

/** Issues an OpenBadgeCredential to `subject`. */
export async function issueCredential (init: IssueInit): Promise<OpenBadgeCredential> {
  if (didMethod(init.subject) == null) throw new InputError(`the subject must be the learner's DID (did:...), not ${JSON.stringify(init.subject)}`)
  const achievement = await achievementFromJson(init.achievement)
  let credentialStatus
  if (init.registry != null) {
    if (init.registry.issuer !== init.key.did) throw new InputError(`the status directory belongs to ${init.registry.issuer}, not to ${init.key.did}`)
    const allocation = await init.registry.allocate()
    await init.afterAllocate?.(allocation.index, allocation)
    const purpose = init.statusPurpose ?? 'revocation'
    credentialStatus = allocation.entries.find((e) => e.statusPurpose === purpose)
    if (credentialStatus == null) throw new InputError(`no ${purpose} status entry was allocated`)
  }
  const credential = buildOpenBadgeCredential({
    issuer: issuerProfile(init.key, init.issuerName),
    achievement,
    subject: init.subject,
    ...(init.validUntil != null ? { validUntil: init.validUntil } : {}),
    ...(credentialStatus != null ? { credentialStatus } : {})
  })
  return init.sign != null ? await init.sign(credential) : await signCredential(credential, { key: init.key })
}
