// Presentations bound to who asked for them (src/binding.ts): the wallet signs for a node only
// when its `domain` is the host of the URL the learner gave and its challenge is of the use under
// way. Against a stub node: a claim whose answer names another host, or relays a login's
// challenge, is refused with both hosts (or the use) named and nothing is signed or POSTed;
// `present` refuses a claim's or grants' challenge; grants are listed and revoked over a
// `cofl-grants:` challenge of the node's own host only.
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  assertSigningFor, challengeUse, challengeUseProblem, CHALLENGE_PREFIXES, createWallet, domainOf, GrantsError, SigningRefusedError
} from '../src/index.js'
import type { Wallet } from '../src/index.js'
import { rejects, stubNode, walletSuite } from './helpers.js'

const ctx = walletSuite(test)

async function walletFor (name: string, fetch: typeof globalThis.fetch): Promise<Wallet> {
  const wallet = createWallet({ directory: join(ctx.root.path, name), unencrypted: true, fetch })
  ctx.keep(wallet)
  await wallet.init()
  return wallet
}

test('the rule: the domain is the host of the URL given, the challenge of the use under way', () => {
  assert.is(domainOf('https://Badges.Example/api/claims/x'), 'badges.example')
  assert.is(domainOf('http://127.0.0.1:8080/api/claims/x'), '127.0.0.1:8080')
  assert.is(domainOf('https://badges.example:443/'), 'badges.example', 'a default port is no part of the host')
  assert.is(challengeUse('cofl-claim:abc'), 'claim')
  assert.is(challengeUse('cofl-login:abc'), 'login')
  assert.is(challengeUse('cofl-grants:abc'), 'grants')
  assert.is(challengeUse('abc'), undefined)
  assert.is(challengeUseProblem('cofl-claim:abc', 'claim'), undefined)
  assert.match(challengeUseProblem('cofl-login:abc', 'claim') ?? '', /signing in/)
  assert.ok(challengeUseProblem('cofl-claim:', 'claim') != null, 'a prefix alone is no challenge')

  const url = 'http://127.0.0.1:5555/api/claims/abcdefgh'
  assertSigningFor({ url, domain: '127.0.0.1:5555', challenge: 'cofl-claim:x', use: 'claim' })
  assertSigningFor({ url, domain: '127.0.0.1:5555'.toUpperCase(), challenge: 'cofl-claim:x', use: 'claim' })
  const elsewhere = (() => { try { assertSigningFor({ url, domain: '127.0.0.1:8080', challenge: 'cofl-claim:x', use: 'claim' }) } catch (err) { return err } })()
  assert.instance(elsewhere, SigningRefusedError)
  assert.match((elsewhere as Error).message, /127\.0\.0\.1:5555.*127\.0\.0\.1:8080/)
  assert.match((elsewhere as Error).message, /Nothing was signed/)
  for (const [domain, challenge] of [['', 'cofl-claim:x'], ['127.0.0.1:5555', 'cofl-login:x'], ['127.0.0.1:5555', 'cofl-grants:x'], ['127.0.0.1:5555', 'a-bare-nonce']]) {
    assert.throws(() => { assertSigningFor({ url, domain: domain as string, challenge: challenge as string, use: 'claim' }) }, (err: unknown) => err instanceof SigningRefusedError)
  }
  assert.throws(() => { assertSigningFor({ url: 'not a url', domain: 'x', challenge: 'cofl-claim:x', use: 'claim' }) }, TypeError)
})

test('claim: an answer that names another host, or relays a login challenge, is refused before anything is signed', async () => {
  const origin = 'http://lure.test:5555'
  for (const [options, message] of [
    [{ domain: 'city.test:8080' }, /lure\.test:5555 asks for a signature for city\.test:8080/],
    [{ claimPrefix: CHALLENGE_PREFIXES.login }, /a challenge for signing in .*but you are claiming a badge/],
    [{ claimPrefix: '' }, /a challenge of no cofl use/]
  ] as const) {
    const node = stubNode(origin, ctx.issuer, options)
    node.offers.set('code-lure00000000', { used: false })
    const wallet = await walletFor(`lure-${String(options.domain ?? options.claimPrefix)}`, node.fetch)
    await rejects(wallet.claim(`${origin}/api/claims/code-lure00000000`), SigningRefusedError, message)
    assert.equal(node.calls, ['GET /api/claims/code-lure00000000'], 'nothing is POSTed: nothing was signed')
    assert.not.ok(node.offers.get('code-lure00000000')?.used)
    assert.equal(await wallet.list(), [])
  }
})

test('present: a claim\'s or grants\' challenge is signed by the wallet itself only, never handed out', async () => {
  const node = stubNode('http://city.test', ctx.issuer)
  node.offers.set('code-present00000', { used: false })
  const wallet = await walletFor('present', node.fetch)
  const { id } = await wallet.claim('http://city.test/api/claims/code-present00000')
  await rejects(wallet.present([id], { challenge: 'cofl-claim:abc', domain: 'city.test' }), SigningRefusedError, /cofl wallet claim/)
  await rejects(wallet.present([id], { challenge: 'cofl-grants:abc', domain: 'city.test' }), SigningRefusedError, /cofl wallet grants/)
  assert.ok(await wallet.present([id], { challenge: 'cofl-login:abc', domain: 'http://city.test' }), 'a login is presented')
  assert.ok(await wallet.present([id], { challenge: 'employer-nonce', domain: 'jobs.example' }))
})

test('grants: listed and revoked with a presentation over the node\'s cofl-grants: challenge, for its host only', async () => {
  const node = stubNode('http://city.test:8080', ctx.issuer)
  const wallet = await walletFor('grants', node.fetch)
  const grants = await wallet.grants({ node: 'http://city.test:8080/' })
  assert.equal(grants.map((g) => [g.grantId, g.clientName, g.scope.length]), [['grant-1', 'Test Wallet', 1]])
  await wallet.revokeGrant('grant-1', { node: 'http://city.test:8080' })
  assert.equal(await wallet.grants({ node: 'http://city.test:8080' }), [])
  const unknown = await rejects(wallet.revokeGrant('grant-1', { node: 'http://city.test:8080' }), GrantsError, /the node refused to revoke the grant/)
  assert.is(unknown.nodeCode, 'COFL_ERR_NOT_FOUND')

  const calls = node.calls.length
  const hostile = stubNode('http://city.test:8080', ctx.issuer, { domain: 'other.test' })
  const lured = await walletFor('grants-lured', hostile.fetch)
  await rejects(lured.grants({ node: 'http://city.test:8080' }), SigningRefusedError, /city\.test:8080 asks for a signature for other\.test/)
  assert.equal(hostile.calls, ['GET /api/grants/challenge'])
  const claimUse = stubNode('http://city.test:8080', ctx.issuer, { grantsPrefix: CHALLENGE_PREFIXES.claim })
  const relayed = await walletFor('grants-relayed', claimUse.fetch)
  await rejects(relayed.grants({ node: 'http://city.test:8080' }), SigningRefusedError, /a challenge for claiming a badge/)
  assert.equal(claimUse.calls, ['GET /api/grants/challenge'])
  assert.is(node.calls.length, calls)
})

test.run()
