// The wallet against a real city node (in this process, no federation): claim an offer by its
// URL, the credential checked and kept with its status from the node; the same code again, a
// wrong code; revocation seen by `refreshStatus` through the node's status route.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { createVerifier } from '@cofl/verifier'
import { ClaimError, createWallet, nodeStatusLists } from '@cofl/wallet'
import type { Wallet } from '@cofl/wallet'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

let dir = ''
let node: CityNode
let wallet: Wallet

async function admin (path: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000)
  })
  const json = await response.json() as Record<string, any>
  assert.ok(response.ok, `${path}: ${JSON.stringify(json)}`)
  return json
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-wallet-claim-'))
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  wallet = createWallet({ directory: join(dir, 'wallet'), unencrypted: true })
  await wallet.init()
})

test.after(async () => {
  await wallet?.close()
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('claim by URL, present, refuse a second claim and a wrong code, see the revocation', async () => {
  const { id: achievementId } = await admin('/api/achievements', { name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day' })
  const offer = await admin('/api/offers', { achievementId, name: 'Ada', email: 'ada@learners.example' })
  const claimed = await wallet.claim(offer.claimUrl as string)
  assert.ok(claimed.added)
  assert.is(claimed.held.subject, await wallet.did())
  assert.is(claimed.held.name, 'Harbour Safety')
  assert.is(claimed.held.status.state, 'active', claimed.held.status.reason)
  assert.is(claimed.offer.offerId, offer.offerId)

  const vp = await wallet.present([claimed.id], { challenge: 'employer-nonce', domain: 'jobs.example' })
  const report = await createVerifier({ getStatusList: nodeStatusLists(node.url) }).verify(vp, { challenge: 'employer-nonce', domain: 'jobs.example' })
  assert.ok(report.verified, JSON.stringify(report.checks))

  const again = await wallet.claim(offer.claimUrl as string).then(() => undefined, (err: unknown) => err)
  assert.instance(again, ClaimError)
  assert.is((again as ClaimError).nodeCode, 'COFL_ERR_OFFER_CLAIMED')
  const wrong = await wallet.claim('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { node: node.url }).then(() => undefined, (err: unknown) => err)
  assert.instance(wrong, ClaimError)
  assert.is((wrong as ClaimError).nodeCode, 'COFL_ERR_OFFER_NOT_FOUND')
  assert.is((await wallet.list()).length, 1)

  await admin('/api/credentials/revoke', { credentialId: claimed.id, now: true })
  const [item] = await wallet.refreshStatus({ getStatusList: nodeStatusLists(node.url) })
  assert.is(item?.previous, 'active')
  assert.is(item?.status.state, 'revoked')
})

test.run()
