/**
 * The resources of the OB 3.0 API, for one learner (a DID): the credentials this node holds for
 * them (issued here to that DID, and those a client upserted for them), and their profile.
 *
 * Credentials are served as the GetOpenBadgeCredentialsResponse schema wants them: every single
 * value it wants as an array (a `proof` object, a `type` string, ...) is a one-element array
 * (normalizeArrays; the same credential to JSON-LD, its proofs unchanged). An upsert is kept in
 * that form, and refused unless it is then a valid AchievementCredential.
 */
import { normalizeArrays, OB_CONTEXTS, validateSchema } from '@cofl/credentials'
import type { IssuanceRecord, Store } from '@cofl/store'
import type { VerificationReport } from '@cofl/verifier'
import { Ob3Error, Ob3ErrorCode } from '../../app/errors.js'
import { ISSUANCE_COLLECTION, OAUTH_COLLECTION } from '../../app/collections.js'
import { issuanceOf } from '../../app/issuance-log.js'
import { OAUTH_KEYS } from './oauth.js'
import { keyedQueue } from '../../app/serial.js'

export interface ResourcesInit {
  store: Store
  /** Verifies an upserted credential (the node's verifier: schema, proof, status, dates). */
  verify: (credential: unknown) => Promise<VerificationReport>
}

export interface CredentialPage {
  credentials: Array<Record<string, unknown>>
  total: number
}

export interface Resources {
  listCredentials: (learner: string, page: { limit: number, offset: number, since?: string }) => Promise<CredentialPage>
  /** True when the credential was new (201), false when it replaced one (200). */
  upsertCredential: (learner: string, credential: unknown) => Promise<boolean>
  getProfile: (learner: string) => Promise<Record<string, unknown>>
  putProfile: (learner: string, profile: unknown) => Promise<Record<string, unknown>>
}

function subjectOf (credential: Record<string, unknown>): unknown {
  const subject = credential.credentialSubject
  return Array.isArray(subject) ? subject.map((s) => (s as { id?: unknown })?.id) : (subject as { id?: unknown } | undefined)?.id
}

function issuedAt (credential: Record<string, unknown>): string {
  const date = credential.validFrom ?? credential.issuanceDate
  return typeof date === 'string' ? date : ''
}

const credentialError = (message: string, status = 400): Ob3Error => new Ob3Error(Ob3ErrorCode.CREDENTIAL, message, { status, oauthError: status === 403 ? 'forbidden' : 'invalid_request' })
const profileError = (message: string, status = 400): Ob3Error => new Ob3Error(Ob3ErrorCode.PROFILE, message, { status, oauthError: status === 403 ? 'forbidden' : 'invalid_request' })

export function createResources (init: ResourcesInit): Resources {
  const { store } = init
  const oauth = store.collection<Record<string, unknown>>(OAUTH_COLLECTION)

  // Upserts of one credential for one learner run one at a time (201 exactly once).
  const serial = keyedQueue()

  return {
    async listCredentials (learner, page) {
      const byId = new Map<string, Record<string, unknown>>()
      // What this node issued to the learner, through the issuance log's index by subject.
      for await (const record of issuanceOf(store, learner)) byId.set(record.credentialId, normalizeArrays('AchievementCredential', record.credential))
      // Upserts are kept normalised; those kept before that was so are normalised here.
      for await (const credential of oauth.values({ prefix: OAUTH_KEYS.credentialPrefix(learner) })) {
        const id = credential.id as string
        if (!byId.has(id)) byId.set(id, normalizeArrays('AchievementCredential', credential))
      }
      const since = page.since != null ? Date.parse(page.since) : undefined
      const all = [...byId.values()]
        .filter((c) => since == null || Date.parse(issuedAt(c)) > since)
        .sort((a, b) => issuedAt(a) < issuedAt(b) ? -1 : issuedAt(a) > issuedAt(b) ? 1 : String(a.id) < String(b.id) ? -1 : 1)
      return { credentials: all.slice(page.offset, page.offset + page.limit), total: all.length }
    },

    async upsertCredential (learner, credential) {
      if (credential == null || typeof credential !== 'object' || Array.isArray(credential)) throw credentialError('the body must be an AchievementCredential (a JSON object)')
      // Kept, verified and served as the schema wants it (a proof object as an array, ...).
      const doc = normalizeArrays('AchievementCredential', credential as Record<string, unknown>)
      if (typeof doc.id !== 'string' || doc.id === '') throw credentialError('the credential has no id')
      const subject = subjectOf(doc)
      if (subject !== learner) throw credentialError(`the credential is about ${JSON.stringify(subject ?? null)}, not the learner this token is for`, 403)
      // What GET /credentials serves must be a valid AchievementCredential: the verifier skips the
      // schema for other kinds of credential and for the VC 1.1 form, which could not be served.
      const schema = validateSchema('AchievementCredential', doc)
      if (!schema.valid) throw credentialError(`the credential is not a valid AchievementCredential (OB 3.0 schema): ${schema.errors.slice(0, 5).join('; ')}`)
      const report = await init.verify(doc)
      if (!report.verified || report.kind !== 'credential') {
        // Invalid (forged, tampered, revoked, expired), or cannot be checked here (an issuer whose
        // document this node cannot resolve, ...): neither is kept, nor served.
        const unchecked = report.verdict === 'indeterminate' && report.kind === 'credential'
        const failed = report.checks.filter((c) => c.outcome === (unchecked ? 'indeterminate' : 'failed')).map((c) => `${c.id}: ${c.reason}${c.code != null ? ` (${c.code})` : ''}`)
        throw credentialError(unchecked
          ? `the credential cannot be checked here, so this host does not keep it: ${failed.join('; ')}`
          : `the credential does not verify: ${failed.join('; ') || 'not a credential'}`)
      }
      const id = doc.id
      return await serial(`${learner}\n${id}`, async () => {
        const issued = await store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).get(id)
        // Issued by this node to this learner: it is here already, and the node's copy stands.
        if (issued != null && issued.subject === learner) return false
        const key = OAUTH_KEYS.credential(learner, id)
        const existed = await oauth.has(key)
        await oauth.put(key, doc)
        return !existed
      })
    },

    async getProfile (learner) {
      const stored = await oauth.get(OAUTH_KEYS.profile(learner))
      return stored ?? { '@context': [...OB_CONTEXTS], id: learner, type: ['Profile'] }
    },

    async putProfile (learner, profile) {
      if (profile == null || typeof profile !== 'object' || Array.isArray(profile)) throw profileError('the body must be a Profile (a JSON object)')
      const doc = profile as Record<string, unknown>
      if (doc.id !== learner) throw profileError(`the profile's id must be the learner's DID ${learner}; got ${JSON.stringify(doc.id ?? null)}`, 403)
      const result = validateSchema('Profile', doc)
      if (!result.valid) throw profileError(`the profile does not validate against the OB 3.0 Profile schema: ${result.errors.slice(0, 5).join('; ')}`)
      await oauth.put(OAUTH_KEYS.profile(learner), doc)
      return doc
    }
  }
}
