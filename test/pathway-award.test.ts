// A pathway badge over HTTP, with real wallets: a city node started in this process (no
// federation, 127.0.0.1, port 0) publishes a two-step pathway with a badge; the claim that
// completes it answers `{ credential, awards: [badge] }`; the wallet (the library and `cofl
// wallet claim`) verifies the badge against the node's status list and keeps it with the
// credential; a claim of an unrelated badge later awards nothing.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPresentation, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signDocument, signPresentation, validateSchema } from '@cofl/credentials'
import { DOCUMENT_TYPES, kindCollection } from '@cofl/federation'
import { generateKeyPair, loadKeyFile } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openLevelStore } from '@cofl/store'
import type { IssuanceRecord } from '@cofl/store'
import { createWallet } from '@cofl/wallet'
import type { Wallet } from '@cofl/wallet'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode, runCli } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

const PASSPHRASE = 'pathway award test passphrase'
const PATHWAY = 'urn:example:pathway:harbour-crew'

let dir = ''
let node: CityNode | undefined
const wallets: Wallet[] = []
const ids = { a: '', b: '', c: '', badge: '' }

const city = (): CityNode => node as CityNode

async function call (method: string, path: string, body?: unknown, admin = true): Promise<{ status: number, body: Json }> {
  const headers: Record<string, string> = {}
  if (admin) headers.authorization = `Bearer ${city().adminToken}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${city().url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(60_000) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) }
}

async function ok (method: string, path: string, body?: unknown, status = 200): Promise<Json> {
  const answer = await call(method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

const startNode = async (): Promise<void> => {
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Harbour City of Learning' }, federation: false, passphrase: PASSPHRASE, signingWorkers: 1 })
  await node.start()
}

const offer = async (achievementId: string): Promise<string> => (await ok('POST', '/api/offers', { achievementId }, 201)).claimUrl

/** Claims over HTTP as `learner`: the node's answer, as it is. */
async function claimOverHttp (claimUrl: string, learner: KeyPair): Promise<{ status: number, body: Json }> {
  const code = claimUrl.slice(claimUrl.lastIndexOf('/') + 1)
  const page = await call('GET', `/api/claims/${code}`, undefined, false)
  assert.is(page.status, 200, JSON.stringify(page.body))
  const vp = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [] }), {
    key: learner, challenge: page.body.challenge, domain: page.body.domain
  })
  return await call('POST', `/api/claims/${code}`, { presentation: vp }, false)
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-pathway-award-'))
  await startNode()
  for (const [k, name] of [['a', 'Swimming'], ['b', 'Sailing'], ['c', 'Knots'], ['badge', 'Harbour Crew']] as const) {
    ids[k] = (await ok('POST', '/api/achievements', { name, description: `The ${name} badge`, criteria: `Earn ${name}` }, 201)).id
  }
  // The pathway, signed by the node's key and put in its store while it is stopped (publishing
  // pathways through the routes is test/pathways-publish.test.ts's).
  await city().stop()
  const key = await loadKeyFile(join(dir, 'city', 'issuer.key'), { passphrase: PASSPHRASE })
  const document = await signDocument({
    '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT],
    id: PATHWAY,
    type: [DOCUMENT_TYPES.pathway],
    issuer: key.did,
    name: 'Harbour Crew',
    kind: 'destination',
    requirements: { allOf: [ids.a, ids.b] },
    awardAchievementId: ids.badge
  }, { key }) as unknown as Json
  const store = await openLevelStore({ directory: join(dir, 'city', 'store') })
  try {
    await kindCollection(store, 'pathway').put(PATHWAY, { kind: 'pathway', id: PATHWAY, issuer: key.did, sequence: 1, cid: 'local:test', document, receivedAt: new Date().toISOString() })
  } finally {
    await store.close()
  }
  await startNode()
})

test.after(async () => {
  for (const wallet of wallets) await wallet.close().catch(() => {})
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('POST /api/claims/:code: `awards` is [] until the claim that completes the pathway, which answers the badge next to the credential', async () => {
  const learner = await generateKeyPair()
  const first = await claimOverHttp(await offer(ids.a), learner)
  assert.is(first.status, 201, JSON.stringify(first.body))
  assert.equal(Object.keys(first.body), ['credential', 'awards'])
  assert.equal(first.body.awards, [])

  const second = await claimOverHttp(await offer(ids.b), learner)
  assert.is(second.status, 201, JSON.stringify(second.body))
  assert.equal(Object.keys(second.body), ['credential', 'awards'])
  assert.is(second.body.credential.credentialSubject.achievement.id, ids.b)
  assert.is(second.body.awards.length, 1)
  const badge = second.body.awards[0] as Json
  assert.is(badge.credentialSubject.id, learner.did)
  assert.is(badge.credentialSubject.achievement.id, ids.badge)
  assert.is(badge.issuer.id, city().did)
  const schema = validateSchema('AchievementCredential', badge)
  assert.ok(schema.valid, schema.errors.join('; '))
  const report = await ok('POST', '/api/verify', { verifiableCredential: badge })
  assert.is(report.verified, true, JSON.stringify(report.checks))

  // the issuance log: the badge's record names its pathway
  const record = await ok('GET', `/api/credentials/${encodeURIComponent(badge.id as string)}`) as IssuanceRecord
  assert.is(record.achievementId, ids.badge)
  assert.is(record.subject, learner.did)
  assert.is(record.pathwayId, PATHWAY)

  const third = await claimOverHttp(await offer(ids.c), learner)
  assert.is(third.status, 201)
  assert.equal(third.body.awards, [])
})

test('the wallet verifies and keeps the badge with the claimed credential, and reports it', async () => {
  const wallet = createWallet({ directory: join(dir, 'wallet'), unencrypted: true })
  wallets.push(wallet)
  const did = await wallet.init()
  const first = await wallet.claim(await offer(ids.a))
  assert.equal(first.awards, [])
  assert.equal(first.refusedAwards, [])

  const second = await wallet.claim(await offer(ids.b))
  assert.ok(second.added)
  assert.equal(second.refusedAwards, [])
  assert.is(second.awards.length, 1)
  const award = second.awards[0]
  assert.ok(award?.added)
  assert.is(award?.held.subject, did)
  assert.is(award?.held.name, 'Harbour Crew')
  assert.is(award?.held.achievement?.id, ids.badge)
  assert.is(award?.held.source, `claim:${city().url}`)
  assert.is(award?.held.status.state, 'active', 'checked against the node\'s status list at once')
  assert.is(award?.report?.verified, true, JSON.stringify(award?.report?.checks))
  const held = await wallet.list()
  assert.equal(held.map((h) => h.achievement?.id).sort(), [ids.a, ids.b, ids.badge].sort())
  assert.ok(await wallet.get(award?.id as string))

  const third = await wallet.claim(await offer(ids.c))
  assert.equal(third.awards, [])
  assert.is((await wallet.list()).length, 4)
})

test('POST /api/credentials (and `cofl credential issue`) issues the pathway badge that a direct issuance completes', async () => {
  const learner = await generateKeyPair()
  const first = await ok('POST', '/api/credentials', { achievementId: ids.a, subject: learner.did }, 201)
  assert.equal(Object.keys(first), ['credential', 'awards'])
  assert.equal(first.awards, [])
  let stdout = ''
  let stderr = ''
  const code = await runCli(['credential', 'issue', '--achievement', ids.b, '--subject', learner.did, '--data', join(dir, 'city')], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  assert.is(code, 0, stderr)
  const credential = JSON.parse(stdout) as Json
  assert.is(credential.credentialSubject.achievement.id, ids.b)
  assert.match(stderr, /^also issued the pathway badge "Harbour Crew" \(urn:uuid:\S+\): this credential completed one of the node's pathways\n$/)
  const badgeId = /\((urn:uuid:\S+)\)/.exec(stderr)?.[1] as string
  const record = await ok('GET', `/api/credentials/${encodeURIComponent(badgeId)}`) as IssuanceRecord
  assert.is(record.subject, learner.did)
  assert.is(record.achievementId, ids.badge)
  assert.is(record.pathwayId, PATHWAY)
  const report = await ok('POST', '/api/verify', { verifiableCredential: record.credential })
  assert.is(report.verified, true, JSON.stringify(report.checks))
  // the badge is not issued again
  assert.equal((await ok('POST', '/api/credentials', { achievementId: ids.a, subject: learner.did }, 201)).awards, [])
})

test('`cofl wallet claim` prints one line per badge awarded', async () => {
  const walletDir = join(dir, 'cli-wallet')
  const run = async (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> => {
    let stdout = ''
    let stderr = ''
    const code = await runCli(argv, { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
    return { code, stdout, stderr }
  }
  const init = await run('wallet', 'init', '--wallet', walletDir, '--unencrypted')
  assert.is(init.code, 0, init.stderr)
  const first = await run('wallet', 'claim', await offer(ids.b), '--wallet', walletDir)
  assert.is(first.code, 0, first.stderr)
  assert.match(first.stdout, /^claimed: urn:uuid:\S+ {2}Sailing {2}from Harbour City of Learning \(did:key:\S+\) {2}\[active\]\n$/)
  const second = await run('wallet', 'claim', await offer(ids.a), '--wallet', walletDir)
  assert.is(second.code, 0, second.stderr)
  const lines = second.stdout.trimEnd().split('\n')
  assert.is(lines.length, 2, second.stdout)
  assert.match(lines[0] as string, /^claimed: urn:uuid:\S+ {2}Swimming {2}from /)
  assert.match(lines[1] as string, /^awarded: urn:uuid:\S+ {2}Harbour Crew {2}from Harbour City of Learning \(did:key:\S+\) {2}\[active\]$/)
  const json = await run('wallet', 'claim', await offer(ids.c), '--wallet', walletDir, '--json')
  assert.is(json.code, 0, json.stderr)
  const printed = JSON.parse(json.stdout) as Json
  assert.equal(printed.awards, [])
  assert.equal(printed.refusedAwards, [])
  assert.is(printed.name, 'Knots')
})

test.run()
