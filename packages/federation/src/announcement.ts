/**
 * Announcements: the small signed headers that go on gossip. dag-json (deterministic: sorted keys,
 * no whitespace); the signature is the issuer's Ed25519 (did:key) over the encoding of the header
 * without `sig`.
 */
import * as dagJson from '@ipld/dag-json'
import { signBytesFast } from '@cofl/credentials'
import { createDidResolver, keyPairFromMultibase } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { CID } from 'multiformats/cid'
import { ANNOUNCEMENT_VERSION, KINDS, MAX_ANNOUNCEMENT_ADDRS, VERIFIER_CACHE_SIZE } from './constants.js'
import type { Kind } from './constants.js'

/** A signed announcement header. */
export interface Announcement {
  v: typeof ANNOUNCEMENT_VERSION
  kind: Kind
  /** The issuer DID (did:key) that signed the document and this header. */
  issuer: string
  /** The document's id. */
  id: string
  /** CID (string) of the document's dag-json block. */
  cid: string
  /** Version of the document: higher wins; status lists: the list's own `sequence`. */
  sequence: number
  /** Multiaddrs (with /p2p/) of the publishing node, to fetch the block from. */
  addrs: string[]
  /** Ed25519 signature by the issuer's key over `encodeUnsignedAnnouncement(header)`. */
  sig: Uint8Array
}

export type UnsignedAnnouncement = Omit<Announcement, 'sig'>

export type DecodeAnnouncementResult =
  | { ok: true, announcement: Announcement }
  | { ok: false, reason: string }

const MAX_ID_LENGTH = 2048
const MAX_ADDR_LENGTH = 512
const DAG_JSON_CODE = 0x0129
const SHA2_256_CODE = 0x12

function fields (a: UnsignedAnnouncement): UnsignedAnnouncement {
  return { v: a.v, kind: a.kind, issuer: a.issuer, id: a.id, cid: a.cid, sequence: a.sequence, addrs: [...a.addrs] }
}

/** The bytes that the issuer signs: the header without `sig`, dag-json. */
export function encodeUnsignedAnnouncement (announcement: UnsignedAnnouncement): Uint8Array {
  return dagJson.encode(fields(announcement))
}

/** The bytes that go on gossip: the whole header, dag-json. */
export function encodeAnnouncement (announcement: Announcement): Uint8Array {
  return dagJson.encode({ ...fields(announcement), sig: announcement.sig })
}

/**
 * Signs a header with the issuer's key: Ed25519 with a node:crypto key object kept per key pair
 * (signBytesFast), else the key's own Multikey signer (which imports the secret key every time).
 */
export async function signAnnouncement (header: UnsignedAnnouncement, key: KeyPair): Promise<Announcement> {
  if (key == null || !key.canSign) throw new TypeError('key must be a key pair that can sign')
  if (header.issuer !== key.did) throw new TypeError(`header.issuer must be the key's DID ${key.did}`)
  const data = encodeUnsignedAnnouncement(header)
  const signature = signBytesFast(key.multikey, data) ?? await key.multikey.signer().sign({ data })
  // The signer may return a Buffer: keep a plain Uint8Array.
  return { ...fields(header), sig: new Uint8Array(signature) }
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** Decodes and checks the shape of an announcement. Never throws. */
export function decodeAnnouncement (bytes: Uint8Array): DecodeAnnouncementResult {
  let value: unknown
  try {
    value = dagJson.decode(bytes)
  } catch (err) {
    return { ok: false, reason: `not dag-json: ${(err as Error).message}` }
  }
  if (!isRecord(value)) return { ok: false, reason: 'not an object' }
  const known = new Set(['v', 'kind', 'issuer', 'id', 'cid', 'sequence', 'addrs', 'sig'])
  const extra = Object.keys(value).filter((k) => !known.has(k))
  if (extra.length > 0) return { ok: false, reason: `unknown fields: ${extra.join(', ')}` }
  const { v, kind, issuer, id, cid, sequence, addrs, sig } = value
  if (v !== ANNOUNCEMENT_VERSION) return { ok: false, reason: `unknown version ${String(v)}` }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) return { ok: false, reason: `unknown kind ${String(kind)}` }
  if (typeof issuer !== 'string' || !issuer.startsWith('did:key:') || issuer.length > 256) return { ok: false, reason: 'issuer is not a did:key' }
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return { ok: false, reason: 'id is not a string of 1 to 2048 characters' }
  if (typeof cid !== 'string') return { ok: false, reason: 'cid is not a string' }
  try {
    const parsed = CID.parse(cid)
    if (parsed.code !== DAG_JSON_CODE || parsed.multihash.code !== SHA2_256_CODE || parsed.version !== 1) return { ok: false, reason: 'cid is not a CIDv1 dag-json sha2-256' }
  } catch {
    return { ok: false, reason: 'cid does not parse' }
  }
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return { ok: false, reason: 'sequence is not a positive integer' }
  if (!Array.isArray(addrs) || addrs.length > MAX_ANNOUNCEMENT_ADDRS || !addrs.every((a) => typeof a === 'string' && a.length <= MAX_ADDR_LENGTH)) {
    return { ok: false, reason: `addrs is not a list of at most ${MAX_ANNOUNCEMENT_ADDRS} multiaddr strings` }
  }
  if (!(sig instanceof Uint8Array) || sig.length !== 64) return { ok: false, reason: 'sig is not a 64-byte Ed25519 signature' }
  return { ok: true, announcement: { v, kind: kind as Kind, issuer, id, cid, sequence, addrs: addrs as string[], sig } }
}

type Verifier = ReturnType<KeyPair['multikey']['verifier']>
const resolver = createDidResolver()
const verifiers = new Map<string, Promise<Verifier | undefined>>()

async function verifierFor (did: string): Promise<Verifier | undefined> {
  let cached = verifiers.get(did)
  if (cached == null) {
    cached = (async () => {
      try {
        const doc = await resolver.resolve(did)
        const method = doc.verificationMethod[0]
        if (method == null) return undefined
        const key = await keyPairFromMultibase({ publicKeyMultibase: method.publicKeyMultibase })
        return key.multikey.verifier()
      } catch {
        return undefined
      }
    })()
    if (verifiers.size >= VERIFIER_CACHE_SIZE) verifiers.delete(verifiers.keys().next().value as string)
    verifiers.set(did, cached)
  }
  return await cached
}

/** True when `sig` is the issuer DID's signature over the header. Never throws. */
export async function verifyAnnouncement (announcement: Announcement): Promise<boolean> {
  try {
    const verifier = await verifierFor(announcement.issuer)
    if (verifier == null) return false
    return await verifier.verify({ data: encodeUnsignedAnnouncement(announcement), signature: announcement.sig })
  } catch {
    return false
  }
}

/** The gossipsub topic of a kind. */
export function topicOf (kind: Kind, prefix: string): string {
  return `${prefix}${kind}`
}
