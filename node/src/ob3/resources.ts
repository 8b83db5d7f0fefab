/**
 * The resources of the OB 3.0 API, for one learner (a DID): the credentials this node holds for
 * them (issued here to that DID, and those a client upserted for them), and their profile.
 */
import { OB_CONTEXTS, validateSchema } from '@cofl/credentials'
import { issuanceOf } from '@cofl/store'
import type { Store } from '@cofl/store'
import type { VerificationReport } from '@cofl/verifier'
import { Ob3Error, Ob3ErrorCode } from '../errors.js'
import { OAUTH_KEYS } from './oauth.js'
import { keyedQueue } from '../serial.js'

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
  const oauth = store.oauth

  // Upserts of one credential for one learner run one at a time (201 exactly once).
  const serial = keyedQueue()

  return {
    async listCredentials (learner, page) {
      const byId = new Map<string, Record<string, unknown>>()
      // What this node issued to the learner, through the issuance log's index by subject.
      for await (const record of issuanceOf(store, learner)) byId.set(record.credentialId, record.credential)
      for await (const credential of oauth.values({ prefix: OAUTH_KEYS.credentialPrefix(learner) })) {
        const id = credential.id as string
        if (!byId.has(id)) byId.set(id, credential)
      }
      const since = page.since != null ? Date.parse(page.since) : undefined
      const all = [...byId.values()]
        .filter((c) => since == null || Date.parse(issuedAt(c)) > since)
        .sort((a, b) => issuedAt(a) < issuedAt(b) ? -1 : issuedAt(a) > issuedAt(b) ? 1 : String(a.id) < String(b.id) ? -1 : 1)
      return { credentials: all.slice(page.offset, page.offset + page.limit), total: all.length }
    },

    async upsertCredential (learner, credential) {
      if (credential == null || typeof credential !== 'object' || Array.isArray(credential)) throw credentialError('the body must be an AchievementCredential (a JSON object)')
      const doc = credential as Record<string, unknown>
      if (typeof doc.id !== 'string' || doc.id === '') throw credentialError('the credential has no id')
      const subject = subjectOf(doc)
      if (subject !== learner) throw credentialError(`the credential is about ${JSON.stringify(subject ?? null)}, not the learner this token is for`, 403)
      const report = await init.verify(doc)
      if (!report.verified || report.kind !== 'credential') {
        const failed = report.checks.filter((c) => c.outcome === 'failed').map((c) => `${c.id}: ${c.reason}${c.code != null ? ` (${c.code})` : ''}`)
        throw credentialError(`the credential does not verify: ${failed.join('; ') || 'not a credential'}`)
      }
      const id = doc.id
      return await serial(`${learner}\n${id}`, async () => {
        const issued = await store.issuance.get(id)
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
