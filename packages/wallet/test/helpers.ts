// Shared by the wallet's tests: temp directories, an issuer that signs real credentials (with a
// status list when asked), a stub node that speaks the claim and grants protocols, and `rejects`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential, verifyPresentationProof } from '@cofl/credentials'
import type { VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { BitstringStatusListEntry, StatusRegistry } from '@cofl/status'
import * as assert from 'uvu/assert'

/** The error a promise rejects with, checked to be a `type` (and to match `message`). */
export async function rejects<T extends Error> (promise: Promise<unknown>, type: new (...args: any[]) => T, message?: RegExp): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await promise
  } catch (err) {
    assert.instance(err, type, `expected ${type.name}, got ${String(err)}`)
    if (message != null) assert.match((err as Error).message, message)
    return err as T
  }
  assert.unreachable(`expected ${type.name}`)
  throw new Error('unreachable')
}

/** A fresh temp directory; `remove` deletes it. */
export async function tempDir (prefix = 'cofl-wallet-'): Promise<{ path: string, remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: async () => { await rm(path, { recursive: true, force: true }) } }
}

export interface TestIssuer {
  key: KeyPair
  did: string
  /** A signed OpenBadgeCredential for `subject`; with `status`, it carries a revocation entry. */
  issue: (subject: string, options?: { status?: boolean, name?: string }) => Promise<VerifiableCredential>
  /** The signed revocation list, as of now. */
  statusList: () => Promise<VerifiableCredential>
  /** Revokes a credential issued with `status`. */
  revoke: (credential: VerifiableCredential) => Promise<void>
  close: () => Promise<void>
}

export async function createIssuer (directory: string, name = 'Plymouth City of Learning'): Promise<TestIssuer> {
  const key = await generateKeyPair()
  const issuer = buildProfile({ id: key.did, name })
  const achievement = buildAchievement({ name: 'Coding Club', description: 'Ten sessions of the coding club', criteria: 'Attend ten sessions', creator: issuer })
  let registry: StatusRegistry | undefined
  const open = async (): Promise<StatusRegistry> => {
    registry ??= await openStatusRegistry({ directory: join(directory, 'status'), issuer: key.did })
    return registry
  }
  return {
    key,
    did: key.did,
    issue: async (subject, options = {}) => {
      const credentialStatus = options.status === true ? (await (await open()).allocate()).entries[0] : undefined
      const credential = buildOpenBadgeCredential({
        issuer,
        achievement: options.name != null ? { ...achievement, name: options.name } : achievement,
        subject,
        ...(credentialStatus != null ? { credentialStatus } : {})
      })
      return await signCredential(credential, { key }) as unknown as VerifiableCredential
    },
    statusList: async () => await signCredential(await (await open()).buildListCredential('revocation', 0), { key }) as unknown as VerifiableCredential,
    revoke: async (credential) => { await (await open()).setStatus(credential.credentialStatus as BitstringStatusListEntry, true) },
    close: async () => { await registry?.close() }
  }
}

/** A deep copy with one change, to tamper with signed data. */
export function tampered<T> (document: T, change: (copy: Record<string, any>) => void): T {
  const copy = structuredClone(document) as Record<string, any>
  change(copy)
  return copy as T
}

export interface StubNode {
  fetch: typeof globalThis.fetch
  /** Requests seen, as "METHOD path". */
  calls: string[]
  /** Offers by code: `used` after a successful claim. */
  offers: Map<string, { used: boolean, expired?: boolean }>
}


export interface StubOptions {
  issueTo?: (holder: string) => string
  awards?: (holder: string) => Promise<unknown[]>
  /** The domain the node asks signatures for (default: its own host). A hostile node names another. */
  domain?: string
  /** The prefix of its claim challenges (default `cofl-claim:`). A hostile node relays another use's. */
  claimPrefix?: string
  /** The prefix of its grants challenges (default `cofl-grants:`). */
  grantsPrefix?: string
}

/**
 * A node that speaks the claim protocol of docs/api.md, "Offers and claims", as a fetch function:
 * GET /api/claims/:code gives a fresh challenge, POST checks the presentation and issues.
 */
export function stubNode (origin: string, issuer: TestIssuer, options: StubOptions = {}): StubNode {
  const calls: string[] = []
  const offers = new Map<string, { used: boolean, expired?: boolean }>()
  const challenges = new Map<string, string>()
  const domain = options.domain ?? new URL(origin).host
  const grants = new Map<string, { grantId: string, clientId: string, clientName: string, scope: string[], createdAt: string, expiresAt: string }>([
    ['grant-1', { grantId: 'grant-1', clientId: 'client-1', clientName: 'Test Wallet', scope: ['https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly'], createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' }]
  ])
  const grantsChallenges = new Set<string>()
  const answer = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const error = (status: number, code: string, message: string): Response => answer(status, { error: { code, message } })
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const method = init.method ?? 'GET'
    calls.push(`${method} ${url.pathname}`)
    if (url.origin !== origin) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    const status = /^\/api\/status\/(.+)$/.exec(url.pathname)
    if (status != null) return answer(200, await issuer.statusList())
    const match = /^\/api\/claims\/([^/]+)$/.exec(url.pathname)
    if (url.pathname.startsWith('/api/grants')) {
      if (url.pathname === '/api/grants/challenge') {
        const challenge = `${options.grantsPrefix ?? 'cofl-grants:'}${crypto.randomUUID()}`
        grantsChallenges.add(challenge)
        return answer(200, { challenge, domain, expiresAt: '2099-01-01T00:00:00Z' })
      }
      const body = JSON.parse(String(init.body)) as { presentation: Record<string, unknown>, grantId?: string }
      const challenge = (body.presentation.proof as { challenge?: string } | undefined)?.challenge ?? ''
      if (!grantsChallenges.delete(challenge)) return error(403, 'COFL_ERR_GRANTS_PROOF', 'no such challenge')
      const proof = await verifyPresentationProof(body.presentation, { challenge, domain })
      if (!proof.verified) return error(403, 'COFL_ERR_GRANTS_PROOF', proof.errors.join('; '))
      if (url.pathname === '/api/grants') return answer(200, { did: body.presentation.holder, grants: [...grants.values()] })
      if (body.grantId == null || !grants.delete(body.grantId)) return error(404, 'COFL_ERR_NOT_FOUND', 'no such grant')
      return answer(200, { did: body.presentation.holder, revoked: body.grantId })
    }
    if (match == null) return error(404, 'COFL_ERR_NOT_FOUND', 'no route')
    const code = decodeURIComponent(match[1] as string)
    const offer = offers.get(code)
    if (offer == null) return error(404, 'COFL_ERR_OFFER_NOT_FOUND', 'no such offer')
    if (offer.used) return error(409, 'COFL_ERR_OFFER_CLAIMED', 'the offer was claimed already')
    if (offer.expired === true) return error(410, 'COFL_ERR_OFFER_EXPIRED', 'the offer expired')
    if (method === 'GET') {
      const challenge = `${options.claimPrefix ?? 'cofl-claim:'}${crypto.randomUUID()}`
      challenges.set(code, challenge)
      return answer(200, { offerId: `offer-${code}`, achievement: { id: 'urn:a', name: 'Coding Club' }, issuer: { id: issuer.did, name: 'Plymouth' }, challenge, domain, expiresAt: '2099-01-01T00:00:00Z' })
    }
    const body = JSON.parse(String(init.body)) as { presentation?: Record<string, unknown> }
    const challenge = challenges.get(code)
    if (challenge == null || body.presentation == null) return error(400, 'COFL_ERR_CLAIM_PROOF', 'no challenge')
    const proof = await verifyPresentationProof(body.presentation, { challenge, domain })
    const signer = proof.verificationMethods[0]?.split('#')[0]
    if (!proof.verified || signer !== body.presentation.holder) return error(400, 'COFL_ERR_CLAIM_PROOF', `the presentation does not verify: ${proof.errors.join('; ')}`)
    challenges.delete(code)
    offer.used = true
    const holder = body.presentation.holder as string
    const credential = await issuer.issue(options.issueTo?.(holder) ?? holder, { status: true })
    return answer(201, options.awards != null ? { credential, awards: await options.awards(holder) } : { credential })
  }
  return { fetch: fetch as typeof globalThis.fetch, calls, offers }
}
