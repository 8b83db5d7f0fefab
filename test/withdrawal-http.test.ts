// Withdrawals through the real HTTP API and CLI (issue 15): a city withdraws an achievement and an
// endorsement it published; both city nodes stop serving them (GET routes, the catalogue, the
// trust graph), also after a restart; another city's admin cannot withdraw them.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { waitFor } from '@cofl/test-support'
import { api, endorseWhenHeld, ok } from './fixtures/city-api.js'
import type { Json } from './fixtures/city-api.js'
import { cli } from './fixtures/cli.js'

const served = async (node: CityNode, id: string): Promise<boolean> => (await api(node, 'GET', `/api/achievements/${encodeURIComponent(id)}`, undefined, false)).status === 200
const inCatalogue = async (node: CityNode, id: string): Promise<boolean> =>
  ((await ok(node, 'GET', '/api/catalogue?q=Withdrawn%20sailing&untrusted=1')).results as Json[] ?? []).some((r: Json) => r.id === id)

test('withdraw an achievement and an endorsement: refused to another city, applied on both nodes, kept over a restart', async () => {
  const signal = AbortSignal.timeout(90_000)
  const dir = await mkdtemp(join(tmpdir(), 'cofl-withdrawal-http-'))
  let a: CityNode | undefined
  let b: CityNode | undefined
  try {
    a = createCityNode({ config: { data: join(dir, 'a'), name: 'City A', allowDial: ['loopback'] }, signingWorkers: 0 })
    await a.start()
    b = createCityNode({ config: { data: join(dir, 'b'), name: 'City B', bootstrap: [a.info().multiaddrs[0] as string], trustRoots: [a.did], allowDial: ['loopback'] }, signingWorkers: 0 })
    await b.start()
    const nodeB = b
    const created = await ok(a, 'POST', '/api/achievements', { name: 'Withdrawn sailing', description: 'Sail a dinghy', criteria: 'Sail' }, 201)
    const kept = await ok(a, 'POST', '/api/achievements', { name: 'Kept rowing', description: 'Row', criteria: 'Row' }, 201)
    const id = created.id as string
    await waitFor('the achievements on b', async () => await served(nodeB, id) && await served(nodeB, kept.id as string), signal)
    await waitFor('the achievement in b\'s catalogue', async () => await inCatalogue(nodeB, id), signal)
    const endorsement = await endorseWhenHeld(a, { issuer: b.did, comment: 'A partner city' }, signal)
    // (A node is a trust root of its own: A's graph is the one that shows A's endorsement of B.)
    assert.ok(((await ok(a, 'GET', `/api/trust/${b.did}`)).endorsedBy as string[]).includes(a.did))

    // B's admin cannot withdraw A's achievement: B published no such document.
    const forged = await api(b, 'POST', '/api/withdrawals', { kind: 'achievement', id })
    assert.is(forged.status, 404, JSON.stringify(forged.body))
    assert.match(JSON.stringify(forged.body), /withdraws only its own documents/)
    assert.ok(await served(a, id) && await served(b, id), 'still served on both nodes')
    // Nor through the CLI (the same API); nor a kind a node does not withdraw; nor without the admin token.
    const byB = await cli('withdraw', 'achievement', id, '--data', join(dir, 'b'))
    assert.is(byB.code, 2)
    assert.match(byB.stderr, /COFL_ERR_NOT_FOUND/)
    assert.is((await api(a, 'POST', '/api/withdrawals', { kind: 'status-list', id })).status, 400)
    assert.is((await api(a, 'POST', '/api/withdrawals', { kind: 'achievement', id }, false)).status, 401)
    const badKind = await cli('withdraw', 'profile', a.did, '--data', join(dir, 'a'))
    assert.is(badKind.code, 2)
    assert.match(badKind.stderr, /KIND must be one of/)

    // A withdraws its achievement with the CLI: gone from both nodes' routes and catalogues.
    const withdrawn = await cli('withdraw', 'achievement', id, '--data', join(dir, 'a'))
    assert.is(withdrawn.code, 0, withdrawn.stderr)
    const result = JSON.parse(withdrawn.stdout)
    assert.equal(result.withdrawn, { kind: 'achievement', id, sequence: 1 })
    assert.is(result.withdrawal.issuer, a.did)
    assert.not.ok(await served(a, id), 'not served by its issuer\'s node')
    await waitFor('the withdrawal applied on b', async () => !(await served(nodeB, id)), signal)
    await waitFor('out of b\'s catalogue', async () => !(await inCatalogue(nodeB, id)), signal)
    assert.not.ok(await inCatalogue(a, id))
    assert.not.ok(((await ok(b, 'GET', '/api/achievements?untrusted=1')).achievements as Json[]).some((x: Json) => x.id === id))
    assert.ok(await served(b, kept.id as string), 'the other achievement stays')
    // Withdrawn twice: nothing left to withdraw.
    assert.is((await api(a, 'POST', '/api/withdrawals', { kind: 'achievement', id })).status, 404)
    // No credential is issued of a withdrawn achievement.
    const issue = await api(a, 'POST', '/api/credentials', { achievementId: id, subject: b.did })
    assert.is(issue.status, 404, JSON.stringify(issue.body))

    // A withdraws its endorsement of B: B is no longer endorsed by A.
    const unendorsed = await api(a, 'POST', '/api/withdrawals', { kind: 'endorsement', id: endorsement.id })
    assert.is(unendorsed.status, 201, JSON.stringify(unendorsed.body))
    const trustOfB = await ok(a, 'GET', `/api/trust/${b.did}`)
    assert.equal(trustOfB.endorsedBy, [])
    assert.is(trustOfB.trusted, false)

    // B restarts: still withdrawn.
    await b.stop()
    b = createCityNode({ config: { data: join(dir, 'b'), name: 'City B', bootstrap: [a.info().multiaddrs[0] as string], trustRoots: [a.did], allowDial: ['loopback'] }, signingWorkers: 0 })
    await b.start()
    assert.not.ok(await served(b, id))
    assert.not.ok(await inCatalogue(b, id))
    assert.ok(await served(b, kept.id as string))
  } finally {
    await b?.stop()
    await a?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test('a node without the federation withdraws too: removed from its routes and catalogue, the same id published again is a new version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-withdrawal-local-'))
  let node: CityNode | undefined
  try {
    node = createCityNode({ config: { data: join(dir, 'local'), name: 'Local' }, federation: false, signingWorkers: 0 })
    await node.start()
    const fields = { name: 'Withdrawn sailing', description: 'Sail a dinghy', criteria: 'Sail', id: 'https://badges.example.org/a/sailing' }
    const created = await ok(node, 'POST', '/api/achievements', fields, 201)
    const id = created.id as string
    assert.ok(await served(node, id))
    const withdrawn = await ok(node, 'POST', '/api/withdrawals', { kind: 'achievement', id }, 201)
    assert.equal(withdrawn.withdrawn, { kind: 'achievement', id, sequence: 1 })
    assert.not.ok(await served(node, id))
    assert.not.ok(await inCatalogue(node, id))
    await ok(node, 'POST', '/api/achievements', fields, 201)
    assert.ok(await served(node, id), 'published again')
    // Above the withdrawn version (1), which every node refuses from then on.
    assert.is((await ok(node, 'GET', `/api/achievements/${encodeURIComponent(id)}`)).sequence, 2)
  } finally {
    await node?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
