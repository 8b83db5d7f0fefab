// A learner sees and revokes the OB 3.0 grants made in their name. A real city node in this
// process (no federation); the learner's wallet is the `cofl wallet` bin in child processes. The
// learner claims a badge (`cofl wallet claim`), signs in to an app through the node's OB 3.0 API
// (`cofl wallet present` over the login's challenge), then:
//
// - `cofl wallet grants` lists the app by its name, with its scopes (and `--json`: the client id,
//   scopes, created, expires);
// - another wallet (another DID) lists none, and cannot revoke it (exit 2, COFL_ERR_NOT_FOUND): the
//   app's tokens still work;
// - over HTTP: a grants presentation works once; one by another DID naming the learner, or for
//   another node's domain, is refused (403 COFL_ERR_GRANTS_PROOF);
// - `cofl wallet grants revoke ID`: at once the refresh token fails (invalid_grant) and the access
//   token is refused (401); the list is empty.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair, loadKeyFile } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { runCofl } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode, OB3_SCOPES } from 'cofl'
import type { CityNode } from 'cofl'
import { answerLogin, http, OB3, redeem, registerClient, signAnything, startLogin, tokenRequest } from './fixtures/ob3-login.js'
import type { Client } from './fixtures/ob3-login.js'

type Json = Record<string, any>

let dir = ''
let node: CityNode
let wallet = ''
let did = ''
let learner: KeyPair
let credentialId = ''
let app: Client
let tokens: Json

async function cofl (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await runCofl(argv)
}

async function grantsChallenge (): Promise<{ challenge: string, domain: string }> {
  const answer = await http(`${node.url}/api/grants/challenge`)
  assert.is(answer.status, 200, answer.text)
  assert.is(answer.headers.get('cache-control'), 'no-store')
  return answer.body as { challenge: string, domain: string }
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-grants-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  wallet = join(dir, 'wallet')
  const init = await cofl('wallet', 'init', '--wallet', wallet, '--unencrypted')
  assert.is(init.code, 0, init.stderr)
  did = init.stdout.trim()
  learner = await loadKeyFile(join(wallet, 'holder.key'))
  const admin = { authorization: `Bearer ${node.adminToken}` }
  const { id: achievementId } = (await http(`${node.url}/api/achievements`, { json: { name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day' }, headers: admin })).body
  const offer = (await http(`${node.url}/api/offers`, { json: { achievementId, email: 'ana@learners.example' }, headers: admin })).body
  // A real claim through the CLI: the node's domain is the claim link's host, its challenge a claim's.
  const claimed = await cofl('wallet', 'claim', offer.claimUrl, '--wallet', wallet, '--json')
  assert.is(claimed.code, 0, claimed.stderr)
  credentialId = JSON.parse(claimed.stdout).id
  app = await registerClient(node.url, 'Museum Passport App', 'http://127.0.0.1:9')
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('an OB 3.0 login with `cofl wallet present`, then `cofl wallet grants` lists the app with its name and scopes', async () => {
  const pending = await startLogin(node.url, app)
  const vpFile = join(dir, 'login.json')
  const present = await cofl('wallet', 'present', credentialId, '--challenge', pending.challenge, '--domain', pending.domain, '--out', vpFile, '--wallet', wallet)
  assert.is(present.code, 0, present.stderr)
  assert.is(present.stderr, `signed for the domain ${pending.domain}, over the challenge ${pending.challenge}\n`)
  tokens = await redeem(node.url, app, pending, await answerLogin(node.url, pending, did, JSON.parse(await readFile(vpFile, 'utf8'))))
  const read = await http(`${node.url}${OB3}/credentials`, { headers: bearer(tokens.access_token) })
  assert.is(read.status, 200, read.text)

  const listed = await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet)
  assert.is(listed.code, 0, listed.stderr)
  const lines = listed.stdout.trim().split('\n')
  assert.is(lines.length, 1, listed.stdout)
  assert.match(lines[0] ?? '', /^\S+ {2}Museum Passport App \(http:\/\/127\.0\.0\.1:9\/\) {2}may: credential\.readonly, credential\.upsert, profile\.readonly, profile\.update {2}since \S+, until \S+$/)
  const json = JSON.parse((await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet, '--json')).stdout) as Json[]
  assert.is(json.length, 1)
  const grant = json[0] as Json
  assert.is(grant.clientId, app.client_id)
  assert.is(grant.clientName, 'Museum Passport App')
  assert.equal([...grant.scope].sort(), Object.values(OB3_SCOPES).sort())
  assert.ok(Date.parse(grant.createdAt) <= Date.now())
  assert.ok(Date.parse(grant.expiresAt) > Date.now() + 29 * 24 * 3600_000, 'until the refresh token expires (30 days)')
  assert.ok(lines[0]?.startsWith(`${grant.grantId as string}  `))
})

test('another DID neither lists nor revokes the learner\'s grants; a grants presentation works once, for this node and its holder only', async () => {
  const [grant] = JSON.parse((await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet, '--json')).stdout) as Json[]
  const otherWallet = join(dir, 'other-wallet')
  assert.is((await cofl('wallet', 'init', '--wallet', otherWallet, '--unencrypted')).code, 0)
  const none = await cofl('wallet', 'grants', '--node', node.url, '--wallet', otherWallet)
  assert.is(none.code, 0, none.stderr)
  assert.is(none.stdout, `no app holds a grant in your name on ${node.url}\n`)
  const stolen = await cofl('wallet', 'grants', 'revoke', grant?.grantId, '--node', node.url, '--wallet', otherWallet)
  assert.is(stolen.code, 2)
  assert.match(stolen.stderr, /^cofl: the node refused to revoke the grant: did:key:\S+ has no live grant \S+ on this node .*\(COFL_ERR_NOT_FOUND\)\n$/)
  const stillThere = await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet, '--json')
  assert.is(JSON.parse(stillThere.stdout).length, 1)
  const refreshed = await tokenRequest(node.url, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  assert.is(refreshed.status, 200, refreshed.text)
  tokens = refreshed.body

  // Over HTTP: a presentation by another DID naming the learner as holder; one for another domain;
  // a good one used twice.
  const other: KeyPair = await generateKeyPair()
  let asked = await grantsChallenge()
  assert.match(asked.challenge, /^cofl-grants:[A-Za-z0-9_-]{43}$/)
  assert.is(asked.domain, new URL(node.url).host)
  const forged = await signAnything(other, asked.challenge, asked.domain)
  forged.holder = did
  let answer = await http(`${node.url}/api/grants`, { json: { presentation: forged } })
  assert.is(answer.status, 403, answer.text)
  assert.is(answer.body.error.code, 'COFL_ERR_GRANTS_PROOF')
  assert.match(answer.body.error.message, /not by its holder/)
  asked = await grantsChallenge()
  answer = await http(`${node.url}/api/grants`, { json: { presentation: await signAnything(learner, asked.challenge, 'badges.elsewhere.example') } })
  assert.is(answer.status, 403, answer.text)
  assert.match(answer.body.error.message, /domain/)
  asked = await grantsChallenge()
  const good = await signAnything(learner, asked.challenge, asked.domain)
  answer = await http(`${node.url}/api/grants`, { json: { presentation: good } })
  assert.is(answer.status, 200, answer.text)
  assert.is(answer.body.did, did)
  assert.is(answer.body.grants.length, 1)
  answer = await http(`${node.url}/api/grants/revoke`, { json: { presentation: good, grantId: grant?.grantId } })
  assert.is(answer.status, 403, 'a grants challenge works once')
  assert.match(answer.body.error.message, /used already/)
  const read = await http(`${node.url}${OB3}/credentials`, { headers: bearer(tokens.access_token) })
  assert.is(read.status, 200, 'the app still reads: nobody but the learner revoked it')
})

test('cofl wallet grants revoke: the app\'s refresh token fails (invalid_grant) and its access token is refused (401) at once', async () => {
  const [grant] = JSON.parse((await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet, '--json')).stdout) as Json[]
  const usage = await cofl('wallet', 'grants', 'revoke', '--node', node.url, '--wallet', wallet)
  assert.is(usage.code, 2)
  assert.match(usage.stderr, /give the id of each grant to revoke/)
  const revoked = await cofl('wallet', 'grants', 'revoke', grant?.grantId, '--node', node.url, '--wallet', wallet)
  assert.is(revoked.code, 0, revoked.stderr)
  assert.is(revoked.stdout, `revoked: ${grant?.grantId as string}\n`)
  const refresh = await tokenRequest(node.url, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  assert.is(refresh.status, 400, refresh.text)
  assert.is(refresh.body.error, 'invalid_grant')
  const read = await http(`${node.url}${OB3}/credentials`, { headers: bearer(tokens.access_token) })
  assert.is(read.status, 401, read.text)
  const listed = await cofl('wallet', 'grants', '--node', node.url, '--wallet', wallet)
  assert.is(listed.stdout, `no app holds a grant in your name on ${node.url}\n`)
})

test.run()
