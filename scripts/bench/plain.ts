/**
 * The plain pipeline of the benchmarks: what an integrator writes with @digitalbazaar/vc and no
 * tuning (a new DataIntegrityProof suite and a fresh document loader per call), and credentials
 * from "foreign" issuers made with it alone: fresh Ed25519 Multikeys, OB 3.0 JSON written by
 * hand (none of cofl's builders), signed with vc.issue and eddsa-rdfc-2022, the single proof
 * object vc emits left as it is.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import * as vc from '@digitalbazaar/vc'
import { Resolver } from 'did-resolver'
import KeyResolver from 'key-did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import { BUNDLED_CONTEXTS, DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from '@cofl/credentials'

type Json = Record<string, unknown>
type Loader = (url: string) => Promise<{ contextUrl: null, documentUrl: string, document: object }>
/** Something that signs: a key pair's `signer()`. */
export interface Signer { signer: () => object }

const vcIssue = (vc as unknown as { issue: (options: object) => Promise<Json> }).issue
const ED25519_PUB = new Uint8Array([0xed, 0x01])

/** The bundled contexts; did:key through key-did-resolver, converted to Multikey, no cache. */
export function plainLoader (): Loader {
  const resolver = new Resolver(KeyResolver.getResolver(), { cache: false })
  return async (url: string) => {
    const context = BUNDLED_CONTEXTS.get(url)
    if (context != null) return { contextUrl: null, documentUrl: url, document: context }
    if (url.startsWith('did:key:')) {
      const [did] = url.split('#') as [string]
      const { didDocument } = await resolver.resolve(did)
      if (didDocument == null) throw new Error(`cannot resolve ${did}`)
      const methods = []
      for (const vm of didDocument.verificationMethod ?? []) {
        if (vm.type !== 'Ed25519VerificationKey2018' || vm.publicKeyBase58 == null) continue
        const raw = base58btc.baseDecode(vm.publicKeyBase58)
        const bytes = new Uint8Array(34)
        bytes.set(ED25519_PUB)
        bytes.set(raw, 2)
        const key = await Ed25519Multikey.from({ id: vm.id, controller: vm.controller, type: 'Multikey', publicKeyMultibase: base58btc.encode(bytes) })
        methods.push(await key.export({ publicKey: true, includeContext: false }) as Json)
      }
      const ids = methods.map((m) => m.id as string)
      if (url.includes('#')) {
        const method = methods.find((m) => m.id === url)
        if (method == null) throw new Error(`no verification method ${url}`)
        return { contextUrl: null, documentUrl: url, document: { '@context': MULTIKEY_V1_CONTEXT, ...method } }
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT], id: did, verificationMethod: methods, authentication: ids, assertionMethod: ids }
      }
    }
    throw new Error(`not found: ${url}`)
  }
}

export async function plainVerify (credential: Json): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: plainLoader()
  })
  return result.verified
}

/** vc.issue with the key pair's own signer; the proof as vc emits it (one object). */
export async function plainIssue (credential: Json, key: Signer, date?: string): Promise<Json> {
  const init = { signer: key.signer(), cryptosuite: eddsaRdfc2022, ...(date != null ? { date } : {}) }
  return await vcIssue({ credential: structuredClone(credential), suite: new DataIntegrityProof(init), documentLoader: plainLoader() })
}

/** A fresh did:key issuer: an Ed25519 Multikey whose id and controller are set before signing. */
export async function foreignIssuer (): Promise<Signer & { did: string }> {
  const key = await Ed25519Multikey.generate()
  const did = `did:key:${key.publicKeyMultibase}`
  key.id = `${did}#${key.publicKeyMultibase}`
  key.controller = did
  return Object.assign(key, { did })
}

const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
const VC2 = 'https://www.w3.org/ns/credentials/v2'
const TOPICS = ['Forest School', 'Bike Repair', 'Coding Dojo', 'Youth Council', 'Street Art', 'Lifeguard', 'Sound Engineering']

/**
 * An OB 3.0 OpenBadgeCredential as five different platforms might write it (`style` 0-4): with
 * and without an issuer profile's url and image, alignments, evidence, results or an expiry.
 */
export function foreignCredential (issuer: string, style: number, i: number): Json {
  const topic = TOPICS[i % TOPICS.length] as string
  const site = `https://badges${style}.example.net`
  const slug = topic.toLowerCase().replace(/ /g, '-')
  const achievement: Json = {
    id: `${site}/achievements/${slug}`,
    type: ['Achievement'],
    name: topic,
    description: `${topic}: a programme run by platform ${style}`,
    criteria: { narrative: `Took part in the ${topic} programme.` }
  }
  const profile: Json = { id: issuer, type: ['Profile'], name: `Badge platform ${style}` }
  if (style === 1 || style === 3) Object.assign(profile, { url: site, image: { id: `${site}/logo.png`, type: 'Image' } })
  if (style === 2 || style === 3) achievement.alignment = [{ type: ['Alignment'], targetName: 'Teamwork', targetUrl: 'https://example.org/skills/teamwork', targetFramework: 'Example skills' }]
  if (style === 4) Object.assign(achievement, { achievementType: 'Course', tag: ['outdoors', slug], image: { id: `${site}/badges/${slug}.png`, type: 'Image' } })
  const credential: Json = {
    '@context': [VC2, OB3],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: topic,
    issuer: profile,
    validFrom: new Date(Date.now() - 86_400_000 * (1 + (i % 30))).toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: { id: `did:example:learner-${style}-${i}`, type: ['AchievementSubject'], achievement }
  }
  if (style === 2) credential.validUntil = new Date(Date.now() + 86_400_000 * 365).toISOString().replace(/\.\d+Z$/, 'Z')
  if (style === 3) credential.evidence = [{ id: `${site}/evidence/${i}`, type: ['Evidence'], name: 'Logbook', narrative: 'Sessions signed off by a mentor' }]
  return credential
}

/**
 * `count` credentials from `issuers` fresh foreign issuers (credential i from issuer i mod
 * issuers), signed with the plain pipeline; written to `dir` as 00000.json ... when it is given.
 */
export async function makeForeignCredentials (count: number, issuers: number, dir?: string): Promise<Json[]> {
  const keys = await Promise.all(Array.from({ length: issuers }, async () => await foreignIssuer()))
  const out: Json[] = []
  for (let i = 0; i < count; i++) {
    const style = i % issuers
    const key = keys[style] as Signer & { did: string }
    out.push(await plainIssue(foreignCredential(key.did, style % 5, i), key))
  }
  if (dir != null) {
    await mkdir(dir, { recursive: true })
    await Promise.all(out.map(async (c, i) => { await writeFile(join(dir, `${String(i).padStart(5, '0')}.json`), JSON.stringify(c)) }))
  }
  return out
}
