// The fast eddsa-rdfc-2022 path (fastverify.ts) against the libraries as published ({ fast: false }):
// the same verdict, codes and reasons on every JSON vector and fixture, and on thousands of
// mutated credentials.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { generateKeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildAchievement, buildOpenBadgeCredential, buildProfile, createVerificationLoader, signCredential, verifyCredentialProof,
  verifyDocumentProof
} from '../src/index.js'
import type { ProofOutcome } from '../src/index.js'
import { TEST_CONTEXTS, VECTORS } from './helpers.js'

type Json = Record<string, unknown>
const documentLoader = createVerificationLoader({ contexts: TEST_CONTEXTS })

function jsonFiles (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (name === 'contexts' || name === 'schemas') continue
      out.push(...jsonFiles(path))
    } else if (name.endsWith('.json') || name.endsWith('.jsonld')) {
      out.push(path)
    }
  }
  return out
}

const summary = (o: ProofOutcome): Json => ({ verified: o.verified, codes: o.codes, errors: o.errors, verificationMethods: o.verificationMethods })

async function both (document: unknown, as: 'credential' | 'document' = 'credential'): Promise<[Json, Json]> {
  const verify = as === 'credential' ? verifyCredentialProof : verifyDocumentProof
  const fast = await verify(document, { documentLoader })
  const library = await verify(document, { documentLoader, fast: false })
  return [summary(fast), summary(library)]
}

test('every JSON vector and fixture: the fast path and the library give the same verdict', async () => {
  const files = jsonFiles(VECTORS)
  let documents = 0
  let verified = 0
  for (const path of files) {
    let parsed: unknown
    try { parsed = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(path, 'utf8'))) } catch { continue }
    for (const document of Array.isArray(parsed) ? parsed : [parsed]) {
      for (const as of ['credential', 'document'] as const) {
        const [fast, library] = await both(document, as)
        assert.equal(fast, library, `${relative(VECTORS, path)} as a ${as}`)
        if (fast.verified === true) verified++
      }
      documents++
    }
  }
  assert.ok(documents > 150, `${documents} documents`)
  assert.ok(verified > 10, `${verified} verified`)
})

let signed: Json[] = []

test('our own credentials: fast and library agree, signed and tampered', async () => {
  const keys = await Promise.all([0, 1].map(async () => await generateKeyPair()))
  signed = []
  for (const [i, key] of keys.entries()) {
    const issuer = buildProfile({ id: key.did, name: `Issuer ${i}`, url: 'https://issuer.example.org', image: 'https://issuer.example.org/logo.png' })
    const achievement = buildAchievement({
      id: `https://issuer.example.org/achievements/${i}`,
      name: 'Coding Club',
      description: '10 sessions',
      criteria: { id: 'https://issuer.example.org/criteria/1', narrative: 'Attend 10 sessions' },
      creator: issuer,
      achievementType: 'Competency',
      image: 'https://issuer.example.org/badge.png',
      tag: ['coding'],
      alignment: [{ targetName: 'Digital competence', targetUrl: 'https://example.org/skills/digital', targetFramework: 'ESCO', targetCode: 'S5' }]
    })
    const credential = buildOpenBadgeCredential({
      issuer,
      achievement,
      subject: 'did:example:learner',
      evidence: [{ id: 'https://issuer.example.org/evidence/1', name: 'Portfolio', narrative: 'Built a game' }],
      result: [{ value: 'A', status: 'Completed' }]
    })
    signed.push(await signCredential(credential, { key }) as unknown as Json)
  }
  for (const credential of signed) {
    const [fast, library] = await both(credential)
    assert.is(fast.verified, true)
    assert.equal(fast, library)
    const tampered = structuredClone(credential)
    tampered.name = 'Something else'
    const [f2, l2] = await both(tampered)
    assert.is(f2.verified, false)
    assert.equal(f2, l2)
  }
})

// --- mutations ------------------------------------------------------------------------------

type Path = Array<string | number>

function paths (value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])))
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]))
  return out
}

function parentOf (root: unknown, path: Path): { parent: Json | unknown[], key: string | number } | undefined {
  if (path.length === 0) return undefined
  let node = root as Json
  for (const p of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[p] as Json
  return { parent: node, key: path[path.length - 1] as string | number }
}

const CONTEXT_VARIANTS: unknown[] = [
  ['https://www.w3.org/ns/credentials/v2'],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json'],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://w3id.org/security/data-integrity/v2'],
  ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://www.w3.org/ns/credentials/v2'],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://www.w3.org/ns/credentials/undefined-terms/v2'],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', { ex: 'https://example.org/#', name: 'ex:name' }],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', { '@vocab': 'https://example.org/vocab#' }],
  ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://unknown.example/context'],
  'https://www.w3.org/ns/credentials/v2',
  null
]

const PROOF_VALUES: unknown[] = [
  'eddsa-rdfc-2022', 'Ed25519Signature2020', 'DataIntegrityProof', 'assertionMethod', 'authentication',
  '2020-01-01T00:00:00Z', 'not a date', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  'https://example.org/keys#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'zabc', 'u' + 'A'.repeat(86)
]

const mutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...PROOF_VALUES)) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), at: fc.nat(), how: fc.constantFrom('array', 'string', 'number', 'object', 'unwrap') }),
  fc.record({ op: fc.constant('reorder' as const), at: fc.nat(), seed: fc.nat() }),
  fc.record({ op: fc.constant('context' as const), variant: fc.nat({ max: CONTEXT_VARIANTS.length - 1 }) }),
  fc.record({ op: fc.constant('proof' as const), field: fc.constantFrom('type', 'cryptosuite', 'created', 'verificationMethod', 'proofPurpose', 'proofValue', '@context', 'expires', 'extra'), value: fc.oneof(fc.constantFrom(...PROOF_VALUES), fc.constant(undefined), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), char: fc.nat({ max: 25 }) })
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function apply (credential: Json, m: Mutation): Json {
  const c = structuredClone(credential)
  const all = paths(c).filter((p) => p.length > 0)
  const pick = (n: number): Path => all[n % all.length] as Path
  switch (m.op) {
    case 'set': { const t = parentOf(c, pick(m.at)); if (t != null) (t.parent as Record<string | number, unknown>)[t.key] = m.value; break }
    case 'delete': {
      const t = parentOf(c, pick(m.at))
      if (t != null) { if (Array.isArray(t.parent)) t.parent.splice(t.key as number, 1); else delete (t.parent as Json)[t.key as string] }
      break
    }
    case 'retype': {
      const t = parentOf(c, pick(m.at))
      if (t == null) break
      const p = t.parent as Record<string | number, unknown>
      const v = p[t.key]
      p[t.key] = m.how === 'array' ? [v] : m.how === 'string' ? JSON.stringify(v) : m.how === 'number' ? 42 : m.how === 'object' ? { id: typeof v === 'string' ? v : 'urn:x' } : Array.isArray(v) ? v[0] : v
      break
    }
    case 'reorder': {
      const objects = paths(c).filter((p) => { const t = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], c); return t !== null && typeof t === 'object' && !Array.isArray(t) })
      const target = (objects[m.at % objects.length] ?? []).reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], c) as Json
      const entries = Object.entries(target)
      for (const [k] of entries) delete target[k]
      entries.sort((a, b) => ((a[0].length * 31 + m.seed) % 7) - ((b[0].length * 31 + m.seed) % 7)).reverse()
      for (const [k, v] of entries) target[k] = v
      break
    }
    case 'context': c['@context'] = structuredClone(CONTEXT_VARIANTS[m.variant]); break
    case 'proof': {
      const proof = (Array.isArray(c.proof) ? c.proof[0] : c.proof) as Json | undefined
      if (proof == null || typeof proof !== 'object') break
      if (m.value === undefined) delete proof[m.field]
      else proof[m.field] = m.value
      break
    }
    case 'flip': {
      const strings = paths(c).filter((p) => typeof p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], c) === 'string')
      const t = parentOf(c, strings[m.at % strings.length] ?? [])
      if (t == null) break
      const p = t.parent as Record<string | number, unknown>
      const s = p[t.key] as string
      const i = s.length === 0 ? 0 : m.at % s.length
      p[t.key] = s.slice(0, i) + String.fromCharCode(97 + m.char) + s.slice(i + 1)
      break
    }
  }
  return c
}

test('2,000 mutated credentials: the fast path and the library give the same verdict', async () => {
  assert.ok(signed.length > 0)
  let runs = 0
  let verifiedCount = 0
  await fc.assert(fc.asyncProperty(fc.nat({ max: signed.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
    let c = signed[which] as Json
    for (const m of mutations) c = apply(c, m)
    const [fast, library] = await both(c)
    runs++
    if (fast.verified === true) verifiedCount++
    assert.equal(fast, library)
  }), { numRuns: 2000, seed: 20261125 })
  assert.is(runs >= 2000, true)
  // reorders and no-op mutations keep some verified: both sides of the verdict are exercised
  assert.ok(verifiedCount > 20, `${verifiedCount} of ${runs} mutated credentials still verified`)
})

test.run()
