// The claim flow end to end across two city nodes, everything a child process: `cofl node start`
// twice (B bootstraps from A), and each learner's wallet as the `cofl wallet` CLI. A's admin
// defines an achievement and offers it to two learners; their wallets claim, list and present; an
// employer verifies at node B with the status list from B's replica. Refused, each with its
// reason: the same code claimed twice, a wrong code, an expired offer (exit 2 and the node's code
// on the wallet's stderr, and the node's HTTP status), and presentations signed by another DID
// than the credential's subject (B: verified false, the holder check failed, COFL_ERR_HOLDER).
// Then a revocation at A is seen by B's verify once B holds the new list version.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import type { VerifiableCredential } from '@cofl/credentials'
import { loadKeyFile } from '@cofl/identity'
import { nodeApi, startNodeProcess, waitFor } from '@cofl/test-support'
import type { Exit, NodeProcess } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

type Json = Record<string, any>

const BIN = fileURLToPath(new URL('../node/bin/cofl.js', import.meta.url))
const NODE_ARGS = ['--conditions=cofl-source', '--import', 'tsx', BIN]
/** Bounds of every wait. */
const START_MS = 60_000
const CLI_MS = 60_000
const HTTP_MS = 30_000
const GOSSIP_MS = 30_000
const STOP_MS = 10_000

const CITY_A = 'Plymouth City of Learning'
const CITY_B = 'Exeter City of Learning'
const BADGE = 'Harbour Safety'

/** The children's environment: no COFL_* setting of the caller leaks in; keys in clear (tests). */
function childEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('COFL_')) env[k] = v
  env.COFL_PASSPHRASE = ''
  return env
}

/** `cofl node start --data DIR ...` as a child process (the caller's COFL_* left out); resolves once it wrote DIR/node.json. */
async function startNode (name: string, dir: string, extra: string[] = []): Promise<NodeProcess> {
  return await startNodeProcess(dir, { name, args: extra, isolateEnv: true, startMs: START_MS })
}

/** SIGTERM, then SIGKILL when it has not exited after STOP_MS. */
async function stopNode (node: NodeProcess): Promise<Exit> {
  return await node.stop({ killAfterMs: STOP_MS })
}

interface Answer { status: number, body: Json }

async function api (node: NodeProcess, method: string, path: string, body?: unknown, admin = false): Promise<Answer> {
  return await nodeApi(node, method, path, body, { admin, timeoutMs: HTTP_MS })
}

async function ok (node: NodeProcess, method: string, path: string, body: unknown, status: number): Promise<Json> {
  const answer = await api(node, method, path, body, true)
  assert.is(answer.status, status, `${node.name}: ${method} ${path}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

interface Run { code: number | null, stdout: string, stderr: string }

/** One `cofl ...` command as a child process, killed after CLI_MS. */
async function cofl (...argv: string[]): Promise<Run> {
  const proc = spawn(process.execPath, [...NODE_ARGS, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
  let stdout = ''
  let stderr = ''
  proc.stdout?.on('data', (d) => { stdout += d })
  proc.stderr?.on('data', (d) => { stderr += d })
  const timer = setTimeout(() => { stderr += `\n[test: killed after ${CLI_MS / 1000} s]`; proc.kill('SIGKILL') }, CLI_MS)
  const code = await new Promise<number | null>((resolve) => { proc.once('close', (c) => { resolve(c) }) })
  clearTimeout(timer)
  return { code, stdout, stderr }
}

const show = (run: Run): string => `exit ${String(run.code)}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`

/** A check of a verification report by its id. */
const checkOf = (report: Json, id: string): Json => {
  const found = (report.checks as Json[]).find((c) => c.id === id)
  assert.ok(found != null, `no "${id}" check in ${JSON.stringify(report.checks)}`)
  return found as Json
}

/** A claim refused by the node: exit 2, the node's code on stderr, nothing printed on stdout. */
function refused (run: Run, code: string): void {
  assert.is(run.code, 2, show(run))
  assert.match(run.stderr, /^cofl: the node refused the claim: /m, show(run))
  assert.ok(run.stderr.includes(`(${code})`), `expected ${code}: ${show(run)}`)
  assert.not.ok(/internal error/.test(run.stderr), show(run))
  assert.is(run.stdout, '')
}

const codeOf = (claimUrl: string): string => claimUrl.slice(claimUrl.lastIndexOf('/') + 1)

test('two nodes, wallets as child processes: claim, list, present, verify at B; every refusal with its reason; a revocation seen at B', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cofl-claim-e2e-'))
  const nodes: NodeProcess[] = []
  const w1 = join(root, 'wallet-1')
  const w2 = join(root, 'wallet-2')
  // Each `cofl` child takes seconds to start, so the two wallets' commands run side by side; one
  // wallet's commands run one after the other (a wallet's store is locked by the process using it).
  const both = async (one: string[], two: string[]): Promise<[Run, Run]> => await Promise.all([cofl(...one, '--wallet', w1), cofl(...two, '--wallet', w2)])
  try {
    // ---- two city nodes, B dialling A; meanwhile the learners create their wallets
    const a = await startNode('A', join(root, 'a'), ['--name', CITY_A])
    nodes.push(a)
    assert.ok(a.multiaddrs.length > 0, a.output())
    const [b, [init1, init2]] = await Promise.all([
      startNode('B', join(root, 'b'), ['--name', CITY_B, '--bootstrap', a.multiaddrs[0] as string]).then((n) => { nodes.push(n); return n }),
      both(['wallet', 'init', '--unencrypted'], ['wallet', 'init', '--unencrypted'])
    ])
    assert.is.not(a.did, b.did)
    for (const n of [a, b]) {
      await waitFor(`node ${n.name} connected to a peer`, async () => (await api(n, 'GET', '/api/health')).body.peers >= 1, GOSSIP_MS, 100)
    }
    assert.is(init1.code, 0, show(init1))
    assert.is(init2.code, 0, show(init2))
    const did1 = init1.stdout.trim()
    const did2 = init2.stdout.trim()
    assert.match(did1, /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
    assert.match(did2, /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
    assert.is.not(did1, did2)

    // ---- A's admin: an achievement, offers to two learners
    const { id: achievementId } = await ok(a, 'POST', '/api/achievements', { name: BADGE, description: 'A day on the water', criteria: 'Complete the day' }, 201)
    const offer1 = await ok(a, 'POST', '/api/offers', { achievementId, name: 'Ada Learner', email: 'ada@learners.example' }, 201)
    const offer2 = await ok(a, 'POST', '/api/offers', { achievementId, name: 'Bea Learner', email: 'bea@learners.example' }, 201)
    assert.match(offer1.claimUrl, new RegExp(`^${a.url}/api/claims/[A-Za-z0-9_-]{43}$`))

    // ---- claim: each wallet its own offer, by its claim link
    const [claim1, claim2] = await both(['wallet', 'claim', offer1.claimUrl], ['wallet', 'claim', offer2.claimUrl])
    const claimed = /^claimed: (\S+) {2}(.+) {2}from (.+) {2}\[(.+)\]$/
    const line1 = claimed.exec(claim1.stdout.trim())
    const line2 = claimed.exec(claim2.stdout.trim())
    assert.ok(claim1.code === 0 && line1 != null, show(claim1))
    assert.ok(claim2.code === 0 && line2 != null, show(claim2))
    const id1 = line1[1] as string
    const id2 = line2[1] as string
    assert.is.not(id1, id2)
    for (const line of [line1, line2]) {
      assert.is(line[2], BADGE)
      assert.is(line[3], `${CITY_A} (${a.did})`)
      assert.is(line[4], 'active')
    }
    // the issuance log at A: each credential about the claiming wallet's DID; the offers claimed
    assert.is((await ok(a, 'GET', `/api/credentials/${encodeURIComponent(id1)}`, undefined, 200)).subject, did1)
    assert.is((await ok(a, 'GET', `/api/credentials/${encodeURIComponent(id2)}`, undefined, 200)).subject, did2)
    assert.is((await ok(a, 'GET', `/api/offers/${offer1.offerId as string}`, undefined, 200)).state, 'claimed')
    // an offer valid 0.0003 h = 1.08 s, claimed below once it has expired
    const asked = Date.now()
    const late = await ok(a, 'POST', '/api/offers', { achievementId, name: 'Cy Late', email: 'cy@learners.example', ttlHours: 0.0003 }, 201)
    const lateExpiry = Date.parse(late.expiresAt)
    assert.ok(lateExpiry >= asked + 1000 && lateExpiry <= Date.now() + 1100, `expires ${lateExpiry - asked} ms after it was asked for`)

    // ---- list: what it is, who issued it, its status
    const [list1, listed2] = await both(['wallet', 'list'], ['wallet', 'list', '--json'])
    assert.is(list1.code, 0, show(list1))
    assert.is(list1.stdout, `${id1}  ${BADGE}  from ${CITY_A} (${a.did})  [active]\n`)
    assert.is(listed2.code, 0, show(listed2))
    const records = JSON.parse(listed2.stdout) as Json[]
    assert.is(records.length, 1)
    assert.is(records[0]?.id, id2)
    assert.is(records[0]?.subject, did2)
    assert.is(records[0]?.issuer.id, a.did)
    assert.is(records[0]?.status.state, 'active')

    // ---- refusals of claims, each with its reason and the node's HTTP status
    // the expired offer (from wallet 2), while wallet 1 shows its credential
    await sleep(Math.max(0, lateExpiry + 400 - Date.now()))
    const [shown, expired] = await both(['wallet', 'show', id1, '--credential'], ['wallet', 'claim', late.claimUrl])
    refused(expired, 'COFL_ERR_OFFER_EXPIRED')
    assert.is((await api(a, 'GET', `/api/claims/${codeOf(late.claimUrl as string)}`)).status, 410)
    assert.is((await ok(a, 'GET', `/api/offers/${late.offerId as string}`, undefined, 200)).state, 'expired')
    assert.is(shown.code, 0, show(shown))
    const credential1 = JSON.parse(shown.stdout) as Json
    assert.is(credential1.id, id1)
    assert.is(credential1.credentialSubject.id, did1)
    const listId = credential1.credentialStatus.statusListCredential as string
    assert.match(listId, /^urn:cofl:status:/)
    const statusPath = `/api/status/${encodeURIComponent(listId)}`
    const credFile = join(root, 'credential-1.json')
    await writeFile(credFile, shown.stdout)

    // the same code twice (wallet 1 again), while wallet 2 tries to import learner 1's credential:
    // refused, it is about someone else (exit 1: a refused import)
    const [twice, notMine] = await both(['wallet', 'claim', offer1.claimUrl], ['wallet', 'import', credFile])
    refused(twice, 'COFL_ERR_OFFER_CLAIMED')
    assert.is((await api(a, 'GET', `/api/claims/${codeOf(offer1.claimUrl)}`)).status, 409)
    assert.is(notMine.code, 1, show(notMine))
    assert.ok(notMine.stdout.includes(`refused #1 ${id1}: `) && notMine.stdout.includes(`not about this wallet's holder ${did2}`), show(notMine))
    assert.match(notMine.stdout, /imported 0, held already 0, refused 1/)

    // a wrong code (a claim URL of A with a code no offer has), while wallet 2 forces the import
    const wrongCode = randomBytes(32).toString('base64url')
    const [wrong, forced] = await both(['wallet', 'claim', `${a.url}/api/claims/${wrongCode}`], ['wallet', 'import', credFile, '--force'])
    refused(wrong, 'COFL_ERR_OFFER_NOT_FOUND')
    assert.is((await api(a, 'GET', `/api/claims/${wrongCode}`)).status, 404)
    assert.is(forced.code, 0, show(forced))
    assert.match(forced.stdout, /imported 1, held already 0, refused 0/)

    // ---- present (wallet 1), while wallet 2 lists: its own badge, and learner 1's marked as such
    const challenge = `employer-${randomBytes(16).toString('base64url')}`
    const domain = 'jobs.example'
    const vpFile = join(root, 'vp-1.json')
    const [presented, list2] = await both(['wallet', 'present', id1, '--challenge', challenge, '--domain', domain, '--out', vpFile], ['wallet', 'list'])
    assert.is(presented.code, 0, show(presented))
    assert.is(presented.stdout, `${vpFile}\n`)
    assert.is(list2.code, 0, show(list2))
    const lines2 = list2.stdout.trim().split('\n').sort()
    assert.is(lines2.length, 2, show(list2))
    assert.ok(lines2.includes(`${id2}  ${BADGE}  from ${CITY_A} (${a.did})  [active]`), show(list2))
    // imported offline, its status is unknown to wallet 2 until a refresh
    assert.ok(lines2.some((l) => l.startsWith(`${id1}  ${BADGE}  from ${CITY_A} (${a.did})  [`) && l.endsWith(', about someone else]')), show(list2))

    // ---- learner 2 presents learner 1's credential, while wallet 1 lists again: none of the
    //      refused claims left anything in it
    const vpFile2 = join(root, 'vp-2.json')
    const [after1, presented2] = await both(['wallet', 'list', '--json'], ['wallet', 'present', id1, '--challenge', challenge, '--domain', domain, '--out', vpFile2])
    assert.equal((JSON.parse(after1.stdout) as Json[]).map((r) => r.id), [id1], show(after1))
    assert.is(presented2.code, 0, show(presented2))

    // ---- B holds A's status list (gossip), so B's verify needs nobody else
    await waitFor('A\'s status list at B', async () => (await api(b, 'GET', statusPath)).status === 200, GOSSIP_MS, 100)
    const replica = (await api(b, 'GET', statusPath)).body
    assert.is(replica.issuer, a.did)
    const firstSequence = replica.sequence as number

    // ---- verify at B: learner 1's presentation
    const vp1 = JSON.parse(await readFile(vpFile, 'utf8')) as Json
    assert.is(vp1.holder, did1)
    assert.is(vp1.verifiableCredential.length, 1)
    const good = await api(b, 'POST', '/api/verify', { verifiablePresentation: vp1, challenge, domain })
    assert.is(good.status, 200, JSON.stringify(good.body))
    assert.is(good.body.verified, true, JSON.stringify(good.body.checks))
    assert.is(good.body.kind, 'presentation')
    assert.is(checkOf(good.body, 'holder').outcome, 'passed')
    const inner = good.body.credentials[0] as Json
    assert.is(inner.verified, true, JSON.stringify(inner.checks))
    assert.is(inner.issuer.id, a.did)
    assert.is(inner.subject, did1)
    assert.is(checkOf(inner, 'status').outcome, 'passed')
    assert.match(checkOf(inner, 'status').reason, /not revoked/)
    // the same presentation for another verifier's challenge is a replay
    const replay = await api(b, 'POST', '/api/verify', { verifiablePresentation: vp1, challenge: 'another-challenge', domain })
    assert.is(replay.body.verified, false)
    assert.is(checkOf(replay.body, 'proof').outcome, 'failed')

    // ---- signed by another DID than the subject's
    // (1) learner 2's wallet presented learner 1's credential: signed by learner 2, the holder it
    //     names; the credential is about learner 1
    const vp2 = JSON.parse(await readFile(vpFile2, 'utf8')) as Json
    assert.is(vp2.holder, did2)
    const stolen = await api(b, 'POST', '/api/verify', { verifiablePresentation: vp2, challenge, domain })
    assert.is(stolen.status, 200)
    assert.is(stolen.body.verified, false)
    const holderCheck = checkOf(stolen.body, 'holder')
    assert.is(holderCheck.outcome, 'failed')
    assert.is(holderCheck.code, 'COFL_ERR_HOLDER')
    assert.match(holderCheck.reason, new RegExp(`about someone other than the holder ${did2}`))
    // only the holder check fails: learner 2's signature and the credential itself hold
    assert.is(checkOf(stolen.body, 'proof').outcome, 'passed')
    assert.is(checkOf(stolen.body, 'credentials').outcome, 'passed')
    // (2) a presentation naming learner 1 as its holder, signed with learner 2's key (W2/holder.key)
    const key2 = await loadKeyFile(join(w2, 'holder.key'))
    assert.is(key2.did, did2)
    const forged = await signPresentation(
      buildPresentation({ holder: did1, verifiableCredential: [credential1 as unknown as VerifiableCredential] }), { key: key2, challenge, domain })
    const impostor = await api(b, 'POST', '/api/verify', { verifiablePresentation: forged, challenge, domain })
    assert.is(impostor.status, 200)
    assert.is(impostor.body.verified, false)
    const signerCheck = checkOf(impostor.body, 'holder')
    assert.is(signerCheck.outcome, 'failed')
    assert.is(signerCheck.code, 'COFL_ERR_HOLDER')
    assert.match(signerCheck.reason, new RegExp(`signed by ${did2}, not by the holder ${did1}`))

    // ---- revocation at A, seen by B's verify once B holds the new list version
    // now: this is about propagation to B, not about when A publishes (test/status-privacy.test.ts)
    const revoked = await ok(a, 'POST', '/api/credentials/revoke', { credentialId: id1, now: true }, 200)
    assert.is(revoked.listId, listId)
    assert.is(revoked.changed, true)
    assert.ok(revoked.sequence > firstSequence, JSON.stringify(revoked))
    await waitFor(`list version ${String(revoked.sequence)} at B`, async () => {
      const answer = await api(b, 'GET', statusPath)
      return answer.status === 200 && answer.body.sequence >= revoked.sequence
    }, GOSSIP_MS, 100)
    const after = await api(b, 'POST', '/api/verify', { verifiablePresentation: vp1, challenge, domain })
    assert.is(after.body.verified, false)
    assert.is(checkOf(after.body, 'holder').outcome, 'passed')
    assert.is(checkOf(after.body, 'credentials').outcome, 'failed')
    const status = checkOf(after.body.credentials[0] as Json, 'status')
    assert.is(status.outcome, 'failed')
    assert.is(status.code, 'COFL_ERR_STATUS_REVOKED')
    assert.match(status.reason, /revoked by its issuer/)
    // wallet 1 learns of it from B; learner 2's own credential, on the same list, still verifies at B
    const vpFile3 = join(root, 'vp-3.json')
    const [refreshed, presented3] = await both(['wallet', 'refresh', '--node', b.url], ['wallet', 'present', id2, '--challenge', challenge, '--domain', domain, '--out', vpFile3])
    assert.is(refreshed.code, 0, show(refreshed))
    assert.is(refreshed.stdout, `${id1}: revoked (was active)\n`)
    assert.is(presented3.code, 0, show(presented3))
    const still = await api(b, 'POST', '/api/verify', { verifiablePresentation: JSON.parse(await readFile(vpFile3, 'utf8')), challenge, domain })
    assert.is(still.body.verified, true, JSON.stringify(still.body))

    // ---- both nodes stop gracefully
    for (const n of [b, a]) {
      const exit = await stopNode(n)
      assert.is(exit.code, 0, `node ${n.name}: exit ${String(exit.code)} / ${String(exit.signal)}:\n${n.output()}`)
    }
  } finally {
    await Promise.all(nodes.map(stopNode))
    await rm(root, { recursive: true, force: true })
  }
})

test.run()
