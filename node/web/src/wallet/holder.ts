/**
 * The holder: an Ed25519 did:key made and kept in this page (@cofl/identity, whose
 * @digitalbazaar/ed25519-multikey takes its browser path), and presentations signed with it here
 * (@cofl/credentials: DataIntegrityProof, eddsa-rdfc-2022, bundled contexts, offline did:key).
 * The secret key never leaves the page: only signed presentations do, when the learner says so.
 */
import { CREDENTIALS_V2_CONTEXT, signPresentation } from '@cofl/credentials'
import type { VerifiableCredential, VerifiablePresentation } from '@cofl/credentials'
import { generateKeyPair, keyPairFromMultibase } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import type { HolderRecord, WalletDb } from './db.js'

type Json = Record<string, unknown>

/** A new holder key (not stored yet). */
export async function createHolder (): Promise<{ key: KeyPair, record: HolderRecord }> {
  const key = await generateKeyPair()
  return { key, record: recordOf(key, 'created') }
}

export function recordOf (key: KeyPair, origin: HolderRecord['origin']): HolderRecord {
  if (key.secretKeyMultibase == null) throw new TypeError('the holder key must be able to sign')
  return { did: key.did, publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase, createdAt: new Date().toISOString(), origin }
}

/** The key pair of a stored holder record; refuses a record whose key is not its DID's. */
export async function keyOf (record: HolderRecord): Promise<KeyPair> {
  const key = await keyPairFromMultibase({ publicKeyMultibase: record.publicKeyMultibase, secretKeyMultibase: record.secretKeyMultibase })
  if (key.did !== record.did) throw new Error(`the stored holder key is not the key of ${record.did}: the wallet's storage is damaged`)
  return key
}

/**
 * The holder of this browser: the stored one, or a new one created and stored now (the first
 * visit). `created` says which.
 */
export async function loadOrCreateHolder (db: WalletDb): Promise<{ key: KeyPair, record: HolderRecord, created: boolean }> {
  const stored = await db.holder()
  if (stored != null) return { key: await keyOf(stored), record: stored, created: false }
  const { key, record } = await createHolder()
  try {
    await db.setHolder(record)
  } catch (err) {
    // Another tab of the first visit stored its key first: that one is the wallet's.
    const winner = await db.holder()
    if (winner == null) throw err
    return { key: await keyOf(winner), record: winner, created: false }
  }
  // Ask the browser not to evict the wallet under storage pressure (no prompt in most browsers).
  await navigator.storage?.persist?.().catch(() => false)
  return { key, record, created: true }
}

/**
 * A presentation by the holder of `credentials` (none for a claim), signed over the verifier's
 * challenge and domain.
 */
export async function present (key: KeyPair, credentials: Json[], options: { challenge: string, domain?: string }): Promise<Json> {
  const presentation: VerifiablePresentation = {
    '@context': [CREDENTIALS_V2_CONTEXT],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiablePresentation'],
    holder: key.did,
    ...(credentials.length > 0 ? { verifiableCredential: credentials as unknown as VerifiableCredential[] } : {})
  }
  return await signPresentation(presentation, { key, challenge: options.challenge, ...(options.domain != null && options.domain !== '' ? { domain: options.domain } : {}) }) as unknown as Json
}

/** A fresh random challenge (base64url of 32 random bytes), for a presentation whose verifier gave none. */
export function randomChallenge (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
