// Shared by the federation's tests: real signed documents and node helpers.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { buildAchievementDocument, buildEndorsementCredential, buildProfile, buildProfileDocument, signCredential, signDocument } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import type { Federation } from '../src/index.js'

export { generateKeyPair }
export type { KeyPair }

export async function signedAchievement (key: KeyPair, name = 'Coding Club', id?: string): Promise<Record<string, unknown>> {
  const doc = buildAchievementDocument({ ...(id != null ? { id } : {}), name, description: '10 sessions', criteria: 'Attend 10 sessions', creator: buildProfile({ id: key.did, name: 'A city' }) })
  return await signDocument(doc, { key }) as unknown as Record<string, unknown>
}

export async function signedProfile (key: KeyPair, name = 'A city'): Promise<Record<string, unknown>> {
  return await signDocument(buildProfileDocument({ id: key.did, name }), { key }) as unknown as Record<string, unknown>
}

export async function signedEndorsement (key: KeyPair, subject: string): Promise<Record<string, unknown>> {
  return await signCredential(buildEndorsementCredential({ issuer: buildProfile({ id: key.did, name: 'A city' }), subject, comment: 'a member of our network' }), { key }) as unknown as Record<string, unknown>
}

/** A BitstringStatusListCredential as @cofl/status builds it (this package does not depend on it). */
export async function signedStatusList (key: KeyPair, sequence: number, id = `urn:cofl:status:${key.did}:revocation:0`): Promise<Record<string, unknown>> {
  const list = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2'],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: key.did,
    validFrom: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sequence,
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: `uH4sIAAAAAAAAA-${sequence}` }
  }
  return await signCredential(list, { key }) as unknown as Record<string, unknown>
}

/**
 * A full garbage collection now: the test runner starts with --expose-gc (scripts/test.mjs); a
 * single file run without it gets gc() from V8's flag, set now.
 */
export function forceGc (): void {
  if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc')
  const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void
  gc()
}

export async function stopAll (nodes: Array<Federation | undefined>): Promise<void> {
  await Promise.allSettled(nodes.map(async (n) => { await n?.stop() }))
}
