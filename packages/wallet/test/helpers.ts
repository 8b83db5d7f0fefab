// Shared by the wallet's tests: the setup of a suite (a temp directory, an issuer that signs real
// credentials, the wallets to close), a stub node that speaks the claim and grants protocols, and
// `rejects`. Temp directories, the issuer and `tampered` are @cofl/test-support's.
import { join } from 'node:path'
import { verifyPresentationProof } from '@cofl/credentials'
import { tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import type { TestIssuer } from '@cofl/test-support/issuers'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Wallet } from '../src/index.js'

/** The start of the name of a wallet suite's temp directory. */
export const WALLET_TEMP_PREFIX = 'cofl-wallet-'

/** The error a promise rejects with, checked to be a `type` (and to match `message`). */
export async function rejects<T extends Error> (promise: Promise<unknown>, type: new (...args: any[]) => T, message?: RegExp): Promise<T> {
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

/** What a suite of the wallet's tests shares; set up in its `before` hook, torn down in its `after`. */
export interface WalletSuite {
  /** The suite's temp directory. */
  readonly root: TempDir
  /** An issuer with its status registry in ROOT/issuer. */
  readonly issuer: TestIssuer
  /** Closes `wallet` after the suite; gives it back. */
  keep: <W extends Wallet>(wallet: W) => W
}

/**
 * Adds the hooks to `test`: before, a temp directory and an issuer in it; after, every wallet
 * kept closed, the issuer closed, the directory removed.
 *
 * @example
 * const ctx = walletSuite(test)
 * test('...', async () => {
 *   const wallet = ctx.keep(createWallet({ directory: join(ctx.root.path, 'a'), unencrypted: true }))
 *   await wallet.add(await ctx.issuer.issue(await wallet.init()))
 * })
 */
export function walletSuite (test: Test): WalletSuite {
  let root: TempDir | undefined
  let issuer: TestIssuer | undefined
  const open: Wallet[] = []
  test.before(async () => {
    root = await tempDir(WALLET_TEMP_PREFIX)
    issuer = await createIssuer({ directory: join(root.path, 'issuer') })
  })
  test.after(async () => {
    for (const wallet of open) await wallet.close()
    await issuer?.close()
    await root?.remove()
  })
  const set = <T>(value: T | undefined, what: string): T => {
    if (value == null) throw new Error(`walletSuite: the ${what} is made in the suite's before hook`)
    return value
  }
  return {
    get root () { return set(root, 'temp directory') },
    get issuer () { return set(issuer, 'issuer') },
    keep: (wallet) => { open.push(wallet); return wallet }
  }
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
