/**
 * Issuing: an achievement to a learner's DID, with a status entry when the issuer keeps a status
 * registry. The status index is allocated and persisted before the credential is signed, so a
 * crash between the two loses an index but never hands one out twice.
 *
 * An achievement can say where it happens: `place` ({ name, address, area, lat, lon }, checked by
 * @cofl/pathways' validatePlace). The OB 3.0 context does not define `place`, and signing is in
 * JSON-LD safe mode, so an achievement with a place carries one more context, PLACE_CONTEXT: an
 * embedded context object (VC 2.0 allows objects in `@context`, and so does the OB 3.0 JSON
 * Schema) that maps `place` and its fields to schema.org, and nothing else. A credential issued
 * from it carries the same context.
 */
import { buildAchievementDocument, buildOpenBadgeCredential, buildProfile, buildProfileDocument, OB_CONTEXTS, signCredential, signDocument, validateSchema, verifyDocumentProof } from '@cofl/credentials'
import type { Achievement, AchievementInit, JsonLdContext, OpenBadgeCredential, Profile, ProfileInit } from '@cofl/credentials'
import { createDidResolver, didMethod, publicKeyFromMultibase } from '@cofl/identity'
import type { DidResolver } from '@cofl/identity'
import { formatValidationError, validatePlace } from '@cofl/pathways'
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

const SCHEMA_ORG = 'https://schema.org/'
const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double'

/**
 * The JSON-LD context of an achievement's `place`, embedded in its `@context` (and in the
 * `@context` of the credentials issued from it) after the VC v2 and OB 3.0 contexts. `place` is
 * schema.org `location`; inside it `name` keeps the VC / OB meaning (schema.org `name`), `lat` and
 * `lon` are schema.org `latitude` / `longitude` (xsd:double, WGS 84), `area` (a district of the
 * city, as text) is schema.org `containedInPlace`, and `address` is a schema.org PostalAddress,
 * whose field names are those of OB 3.0's Address. Only these terms are defined: any other field
 * of an achievement still fails signing in safe mode. Protected, as the VC and OB contexts are.
 */
export const PLACE_CONTEXT: Readonly<Record<string, unknown>> = deepFreeze({
  '@protected': true,
  place: {
    '@id': `${SCHEMA_ORG}location`,
    '@context': {
      '@protected': true,
      area: { '@id': `${SCHEMA_ORG}containedInPlace` },
      lat: { '@id': `${SCHEMA_ORG}latitude`, '@type': XSD_DOUBLE },
      lon: { '@id': `${SCHEMA_ORG}longitude`, '@type': XSD_DOUBLE },
      address: {
        '@id': `${SCHEMA_ORG}address`,
        '@context': {
          '@protected': true,
          streetAddress: { '@id': `${SCHEMA_ORG}streetAddress` },
          postalCode: { '@id': `${SCHEMA_ORG}postalCode` },
          addressLocality: { '@id': `${SCHEMA_ORG}addressLocality` },
          addressRegion: { '@id': `${SCHEMA_ORG}addressRegion` },
          addressCountry: { '@id': `${SCHEMA_ORG}addressCountry` }
        }
      }
    }
  }
})

/** The fields of a place and of its address that PLACE_CONTEXT defines. */
const PLACE_KEYS = new Set(['name', 'address', 'area', 'lat', 'lon'])
const ADDRESS_KEYS = new Set(['streetAddress', 'postalCode', 'addressLocality', 'addressRegion', 'addressCountry'])

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

/** `place` checked (validatePlace, and no field PLACE_CONTEXT does not define); InputError listing every error with its path. */
function checkPlace (place: unknown): Json {
  const errors: string[] = []
  const result = validatePlace(place)
  if (!result.valid) for (const e of result.errors) errors.push(formatValidationError({ ...e, path: e.path === '' ? 'place' : `place.${e.path}` }))
  if (place != null && typeof place === 'object' && !Array.isArray(place)) {
    for (const k of Object.keys(place)) if (!PLACE_KEYS.has(k)) errors.push(`place.${k}: unknown field (a place has ${[...PLACE_KEYS].join(', ')})`)
    const address = (place as Json).address
    if (address != null && typeof address === 'object' && !Array.isArray(address)) {
      for (const k of Object.keys(address)) if (!ADDRESS_KEYS.has(k)) errors.push(`place.address.${k}: unknown field (an address has ${[...ADDRESS_KEYS].join(', ')})`)
    }
  }
  if (errors.length > 0 || !result.valid) throw new InputError(`the achievement's place is not valid: ${errors.join('; ')}`)
  return result.value as unknown as Json
}

/** `/alignment/0/targetUrl` -> `alignment[0].targetUrl`. */
function pathOfPointer (pointer: string): string {
  return pointer.split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => /^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`, '')
}

/**
 * The official OB 3.0 JSON Schema on a credential built from `achievement` (what a verifier will
 * check of every credential issued from it): InputError with every error, at its path in the achievement.
 */
function checkAchievementSchema (achievement: Achievement, issuer: Profile): void {
  const probe = buildOpenBadgeCredential({ issuer, achievement, subject: issuer.id })
  const result = validateSchema('AchievementCredential', probe)
  if (result.valid) return
  const prefix = '/credentialSubject/achievement'
  const errors = result.errors.map((e) => {
    if (!e.startsWith(prefix)) return e
    const [pointer = '', ...message] = e.slice(prefix.length).split(': ')
    const path = pathOfPointer(pointer)
    return path === '' ? message.join(': ') : `${path}: ${message.join(': ')}`
  })
  throw new InputError(`the achievement does not meet the OB 3.0 JSON Schema: ${errors.join('; ')}`)
}

/** The entries of an achievement's `@context` beyond the credential's (PLACE_CONTEXT, ...), in order. */
function extraContexts (achievement: JsonLdContext | undefined, credential: JsonLdContext): Array<string | Record<string, unknown>> {
  const have = new Set([credential].flat().map((c) => JSON.stringify(c)))
  const out: Array<string | Record<string, unknown>> = []
  for (const c of achievement == null ? [] : [achievement].flat()) {
    const text = JSON.stringify(c)
    if (!have.has(text)) { have.add(text); out.push(c) }
  }
  return out
}

function issuerProfile (key: KeyPair, name?: string): Profile {
  return buildProfile({ id: key.did, ...(name != null ? { name } : {}) })
}

/**
 * The signed issuer Profile document of `key`'s DID, as a node publishes its own (kind `profile`):
 * what a provider without a node hands a city to be endorsed (`cofl keys profile`).
 */
export async function signIssuerProfile (key: KeyPair, init: { [K in keyof Omit<ProfileInit, 'id'>]?: ProfileInit[K] | undefined } = {}): Promise<Json> {
  const fields = Object.fromEntries(Object.entries(init).filter(([, v]) => v != null)) as Omit<ProfileInit, 'id'>
  return await signDocument(buildProfileDocument({ ...fields, id: key.did }), { key }) as unknown as Json
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
  const { id, name, description, criteria, achievementType, alignment, image, tag, resultDescription, place, ...extra } = rest as unknown as AchievementInit & Json
  if (alignment != null && !Array.isArray(alignment)) throw new InputError('the achievement\'s "alignment" must be an array')
  if (alignment?.some((a) => a == null || typeof a !== 'object' || Array.isArray(a)) === true) throw new InputError('the achievement\'s "alignment" must be an array of objects ({ targetName, targetUrl, ... })')
  if (image != null && typeof image !== 'string') throw new InputError('the achievement\'s "image" must be the URL of an image')
  // Credentials carry their achievement: an image inside it would ride in every one (and every share link).
  if (typeof image === 'string' && image.startsWith('data:')) throw new InputError('the achievement\'s "image" is a data: URI: a node publishes an image by its hash and names it by URL (cofl achievement create --image FILE, POST /api/achievements), so that credentials stay small')
  const checkedPlace = place === undefined ? undefined : checkPlace(place)
  const creator = issuerProfile(key, issuerName)
  const init: AchievementInit = {
    ...(typeof id === 'string' ? { id } : {}),
    name, description, criteria, creator,
    ...(achievementType != null ? { achievementType } : {}),
    ...(alignment != null ? { alignment } : {}),
    ...(image != null ? { image } : {}),
    ...(tag != null ? { tag } : {}),
    ...(resultDescription != null ? { resultDescription } : {})
  }
  const built = buildAchievementDocument(init)
  const document: Json = { ...built, ...extra }
  if (checkedPlace != null) {
    document['@context'] = [...built['@context'], structuredClone(PLACE_CONTEXT)]
    document.place = checkedPlace
  }
  // Alignments (each needs a targetName and a targetUrl: a spine skill's id or a framework's URL), achievementType, ...
  checkAchievementSchema(withoutContext(document) as unknown as Achievement, creator)
  return await signDocument(document, { key }) as unknown as Json
}

function withoutContext (document: Json): Json {
  const { '@context': _context, ...rest } = document
  return rest
}

let resolver: DidResolver | undefined

/** Why `did` is not a did:key that resolves to an Ed25519 key here, or undefined when it is one. */
async function didKeyProblem (did: string): Promise<string | undefined> {
  const key = did.slice('did:key:'.length)
  if (/[/?#]/.test(key)) return 'a DID URL (with a path, query or #fragment) is not a DID'
  if (!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(key)) return `its key ${JSON.stringify(key)} is not multibase base58btc (z followed by base58 characters)`
  if (publicKeyFromMultibase(key) == null) return 'its key is not an Ed25519 public key (z6Mk followed by 44 base58 characters)'
  try {
    await (resolver ??= createDidResolver()).resolve(did)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/**
 * Refuses a DID that this node cannot resolve, before anything is signed for it: InputError
 * naming the DID (`what`: "the subject", "the issuer to endorse") and why. Only did:key DIDs of
 * Ed25519 keys are resolved (offline); did:web and other methods cannot be resolved here yet.
 */
export async function assertResolvableDid (did: string, what: string): Promise<void> {
  if (typeof did !== 'string') throw new TypeError(`${what} must be a string`)
  const shown = JSON.stringify(did)
  const method = didMethod(did)
  if (method == null) throw new InputError(`${what} ${shown} is not a did:key this node can resolve: it is not a DID (such as did:key:z6Mk...)`)
  if (method !== 'key') throw new InputError(`${what} ${shown} cannot be resolved here: only did:key DIDs can be, for now (not did:${method})`)
  const problem = await didKeyProblem(did)
  if (problem != null) throw new InputError(`${what} ${shown} is not a did:key this node can resolve: ${problem}`)
}

/** Issues an OpenBadgeCredential to `subject` (a did:key that resolves: assertResolvableDid). */
export async function issueCredential (init: IssueInit): Promise<OpenBadgeCredential> {
  await assertResolvableDid(init.subject, 'the subject')
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
  // The achievement's own contexts beyond VC v2 and OB 3.0 (PLACE_CONTEXT for its place) define
  // its terms inside the credential too.
  const extra = extraContexts(init.achievement['@context'] as JsonLdContext | undefined, OB_CONTEXTS as unknown as string[])
  if (extra.length > 0) credential['@context'] = [...[credential['@context']].flat(), ...extra]
  return init.sign != null ? await init.sign(credential) : await signCredential(credential, { key: init.key })
}
