// Status lists that hide (issue 15): a credential's status index says nothing of how many the
// city issued before it, and a new list version tells neither which change it carries nor when to
// the second.
//   1. `cofl node start` as a child process: 50 credentials through the HTTP API get indexes out of
//      issuance order; kill -9 in the middle of issuing, restart, issue more: no index twice.
//   2. Batched publication (status.publishIntervalMs): two revocations within one interval make
//      one new version, visible only after the tick, validFrom on the interval's boundary; `now`
//      publishes at once; a graceful stop publishes what is changed.
//   3. kill -9 with a changed list not yet published: the restarted node publishes it at its
//      first tick.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { nodeApi, startNodeProcess, waitFor } from '@cofl/test-support'
import type { NodeProcess } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { cliOk } from './fixtures/cli.js'

type Json = Record<string, any>

const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
const WAIT_MS = 30_000

let root = ''
const started: NodeProcess[] = []
const inProcess: CityNode[] = []

test.before(async () => { root = await mkdtemp(join(tmpdir(), 'cofl-status-privacy-')) })
test.after(async () => {
  await Promise.all(started.map(async (n) => await n.stop({ signal: 'SIGKILL' })))
  for (const node of inProcess) await node.stop().catch(() => {})
  await rm(root, { recursive: true, force: true })
})

/** Where the HTTP API of a node is, and its admin token. */
function api (node: NodeProcess | CityNode): { url: string, token: string } {
  return 'token' in node ? node : { url: node.url, token: node.adminToken }
}

async function ok (node: NodeProcess | CityNode, method: string, path: string, body?: unknown, status = 200): Promise<Json> {
  const answer = await nodeApi(api(node), method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body
}

test('indexes through the HTTP API: 50 credentials out of issuance order; kill -9 while issuing, restart, issue more: no index twice', async () => {
  const dir = join(root, 'process')
  const first = await startNodeProcess(dir)
  started.push(first)
  const { id: achievementId } = await ok(first, 'POST', '/api/achievements', { name: 'Hidden Crowd', description: 'Indexes at random', criteria: 'Be issued' }, 201)

  const issued: number[] = []
  for (let i = 0; i < 50; i++) {
    const { credential } = await ok(first, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
    issued.push(Number(credential.credentialStatus.statusListIndex))
  }
  assert.is(new Set(issued).size, 50, 'an index was handed out twice')
  // In order by chance: 1 in 50!; the first 50 indexes of the list by chance: less still.
  assert.not.equal(issued, [...issued].sort((x, y) => x - y), 'indexes rise with issuance')
  assert.not.equal([...issued].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i), 'the indexes are the count of credentials issued')

  // Four clients issue; the node is killed with SIGKILL once 20 more came back.
  const returned: Json[] = []
  let killed = false
  const worker = async (): Promise<void> => {
    while (!killed) {
      try {
        const answer = await nodeApi(first, 'POST', '/api/credentials', { achievementId, subject: LEARNER })
        if (answer.status !== 201) throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`)
        returned.push(answer.body.credential)
        if (returned.length >= 20 && !killed) {
          killed = true
          first.proc.kill('SIGKILL')
        }
      } catch (err) {
        if (!killed) throw err // requests in flight at the kill were never acknowledged
      }
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker))
  assert.is((await first.exited).signal, 'SIGKILL')

  const second = await startNodeProcess(dir)
  started.push(second)
  const after: number[] = []
  for (let i = 0; i < 30; i++) {
    const { credential } = await ok(second, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
    after.push(Number(credential.credentialStatus.statusListIndex))
  }
  const handedOut = [...issued, ...returned.map((c) => Number(c.credentialStatus.statusListIndex)), ...after]
  assert.is(new Set(handedOut).size, handedOut.length, `an index was handed out twice: ${JSON.stringify(handedOut)}`)
  // Every record of the issuance log (also those of requests cut off by the kill) holds its own index.
  const log = await ok(second, 'GET', '/api/credentials?limit=1000')
  const positions = (log.credentials as Json[]).map((r) => `${String(r.status.listNumber)}:${String(r.status.index)}`)
  assert.is(new Set(positions).size, positions.length, 'two records of the issuance log share an index')
  assert.ok(positions.length >= handedOut.length)
  await second.stop({ killAfterMs: 30_000 })
})

/** A node in this process with a short publication interval; federation off. */
async function cityNode (dir: string, publishIntervalMs: number): Promise<CityNode> {
  const node = createCityNode({ config: { data: dir, status: { publishIntervalMs } }, federation: false, signingWorkers: 0 })
  await node.start()
  inProcess.push(node)
  return node
}

/** The node's newest version of a list (GET /api/status/:listId). */
async function list (node: NodeProcess | CityNode, listId: string): Promise<Json> {
  return await ok(node, 'GET', `/api/status/${encodeURIComponent(listId)}`)
}

/** The verdict of the node's verifier on a credential's status: 'revoked' or 'valid'. */
async function statusOf (node: NodeProcess | CityNode, credential: Json): Promise<string> {
  const report = await ok(node, 'POST', '/api/verify', { verifiableCredential: credential })
  const check = (report.checks as Json[]).find((c) => c.id === 'status')
  return check?.code === 'COFL_ERR_STATUS_REVOKED' ? 'revoked' : check?.outcome === 'passed' ? 'valid' : JSON.stringify(check)
}

/** Waits until at least `margin` ms are left before the next interval boundary. */
async function earlyInInterval (intervalMs: number, margin: number): Promise<void> {
  const left = intervalMs - (Date.now() % intervalMs)
  if (left < margin) await sleep(left + 50)
}

test('batched: two revocations within one interval give one new version, seen only after the tick, validFrom on the boundary; now publishes at once', async () => {
  const INTERVAL = 5000
  const dir = join(root, 'batched')
  const node = await cityNode(dir, INTERVAL)
  const { id: achievementId } = await ok(node, 'POST', '/api/achievements', { name: 'Batched', description: 'Published together', criteria: 'Be issued' }, 201)
  const credentials: Json[] = []
  for (let i = 0; i < 4; i++) credentials.push((await ok(node, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)).credential)
  const listId = credentials[0]?.credentialStatus.statusListCredential as string
  const before = await list(node, listId)

  // Both revocations and the checks that nothing is published yet, well inside one interval.
  await earlyInInterval(INTERVAL, 4000)
  const revokedAt = Date.now()
  const a = await ok(node, 'POST', '/api/credentials/revoke', { credentialId: credentials[0]?.id })
  const b = await ok(node, 'POST', '/api/credentials/revoke', { credentialId: credentials[1]?.id })
  assert.is(a.publishAt, b.publishAt, 'the two revocations fell into two intervals (the machine is too slow for this test)')
  for (const answer of [a, b]) {
    assert.is(answer.published, false)
    assert.is(answer.listId, listId)
    assert.is(answer.sequence, undefined)
    assert.is(Date.parse(answer.publishAt) % INTERVAL, 0, `publishAt ${String(answer.publishAt)} is not on a boundary`)
    assert.ok(Date.parse(answer.publishAt) > revokedAt)
  }
  // Not visible before the tick: the same version, and the node's verifier still says valid.
  assert.is((await list(node, listId)).sequence, before.sequence)
  assert.is(await statusOf(node, credentials[0] as Json), 'valid')

  // After the tick: one new version with both.
  await waitFor('the tick to publish the list', async () => (await list(node, listId)).sequence > before.sequence, WAIT_MS)
  const after = await list(node, listId)
  assert.is(after.sequence, before.sequence + 1, 'two revocations within one interval made more than one version')
  assert.is(Date.parse(after.validFrom) % INTERVAL, 0, `validFrom ${String(after.validFrom)} is not on an interval boundary`)
  assert.is(after.validFrom, a.publishAt, 'validFrom is the boundary of the tick announced')
  assert.is(await statusOf(node, credentials[0] as Json), 'revoked')
  assert.is(await statusOf(node, credentials[1] as Json), 'revoked')
  assert.is(await statusOf(node, credentials[2] as Json), 'valid')

  // A tick with nothing changed publishes nothing.
  await sleep(INTERVAL + 200)
  assert.is((await list(node, listId)).sequence, after.sequence, 'an unchanged list was published again')

  // now: published before the answer, validFrom rounded down to the boundary as well.
  const urgent = await ok(node, 'POST', '/api/credentials/revoke', { credentialId: credentials[2]?.id, now: true })
  assert.is(urgent.published, true)
  assert.is(urgent.sequence, after.sequence + 1)
  assert.type(urgent.cid, 'string')
  assert.is(Date.parse(urgent.validFrom) % INTERVAL, 0)
  assert.ok(Date.parse(urgent.validFrom) <= Date.now())
  assert.is((await list(node, listId)).sequence, urgent.sequence)
  assert.is(await statusOf(node, credentials[2] as Json), 'revoked')

  // `now` must be a boolean: a clear 400.
  const bad = await nodeApi(api(node), 'POST', '/api/credentials/revoke', { credentialId: credentials[3]?.id, now: 'yes' })
  assert.is(bad.status, 400, JSON.stringify(bad.body))
  assert.is(bad.body.error.code, 'COFL_ERR_BAD_REQUEST')

  // The CLI: `cofl credential revoke` says when the list will be published; --now publishes it.
  const later = await cliOk('credential', 'revoke', credentials[3]?.id, '--data', dir)
  assert.match(later, new RegExp(`^revoked: ${String(credentials[3]?.id)}; ${listId} will be published at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z with the node's other changes \\(--now publishes at once\\)\n$`))
  const { credential: fifth } = await ok(node, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
  const sequenceBefore = (await list(node, listId)).sequence as number
  const atOnce = await cliOk('credential', 'revoke', fifth.id, '--now', '--data', dir)
  const published = await list(node, listId)
  assert.ok(published.sequence > sequenceBefore)
  assert.is(atOnce, `revoked: ${String(fifth.id)}; published ${listId} (sequence ${String(published.sequence)})\n`)
  assert.is(await statusOf(node, fifth), 'revoked')
})

test('a graceful stop publishes the changed lists; the next start has them before any tick', async () => {
  const dir = join(root, 'stop')
  const HOUR = 3_600_000
  let node = await cityNode(dir, HOUR)
  const { id: achievementId } = await ok(node, 'POST', '/api/achievements', { name: 'Stopped', description: 'Published on stop', criteria: 'Be issued' }, 201)
  const { credential } = await ok(node, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
  const listId = credential.credentialStatus.statusListCredential as string
  const before = await list(node, listId)
  const answer = await ok(node, 'POST', '/api/credentials/revoke', { credentialId: credential.id })
  assert.is(answer.published, false)
  assert.is((await list(node, listId)).sequence, before.sequence)
  await node.stop()
  node = await cityNode(dir, HOUR)
  const flushed = await list(node, listId)
  assert.is(flushed.sequence, before.sequence + 1)
  assert.is(Date.parse(flushed.validFrom) % HOUR, 0, `validFrom ${String(flushed.validFrom)} is not rounded down to the hour`)
  assert.is(await statusOf(node, credential), 'revoked')

  // now, with an interval of an hour: published at once, validFrom the hour's start (not the second).
  const { credential: urgent } = await ok(node, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
  const calledAt = Date.now()
  const answer2 = await ok(node, 'POST', '/api/credentials/revoke', { credentialId: urgent.id, now: true })
  assert.is(answer2.published, true)
  const hourOf = (t: number): string => new Date(Math.floor(t / HOUR) * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z')
  assert.ok([hourOf(calledAt), hourOf(Date.now())].includes(answer2.validFrom as string), `validFrom ${String(answer2.validFrom)} is not the hour's start`)
  assert.is((await list(node, listId)).validFrom, answer2.validFrom)
  await node.stop()
})

test('kill -9 with a changed list not yet published: the restarted node publishes it at its first tick', async () => {
  const dir = join(root, 'crash')
  const first = await startNodeProcess(dir, { env: { COFL_STATUS_PUBLISH_INTERVAL_MS: '3600000' } })
  started.push(first)
  const { id: achievementId } = await ok(first, 'POST', '/api/achievements', { name: 'Crashed', description: 'Published after restart', criteria: 'Be issued' }, 201)
  const { credential } = await ok(first, 'POST', '/api/credentials', { achievementId, subject: LEARNER }, 201)
  const listId = credential.credentialStatus.statusListCredential as string
  const before = await list(first, listId)
  assert.is((await ok(first, 'POST', '/api/credentials/revoke', { credentialId: credential.id })).published, false)
  first.proc.kill('SIGKILL')
  await first.exited

  const INTERVAL = 2000
  const second = await startNodeProcess(dir, { env: { COFL_STATUS_PUBLISH_INTERVAL_MS: String(INTERVAL) } })
  started.push(second)
  await waitFor('the first tick after the restart to publish the list', async () => (await list(second, listId)).sequence > before.sequence, WAIT_MS)
  const after = await list(second, listId)
  assert.is(Date.parse(after.validFrom) % INTERVAL, 0)
  assert.is(await statusOf(second, credential), 'revoked')
  assert.is((await ok(second, 'GET', `/api/credentials/${encodeURIComponent(credential.id as string)}`)).revoked, true)
  await second.stop({ killAfterMs: 30_000 })
})

test('a bad status.publishIntervalMs is refused with its key and what is expected', async () => {
  for (const value of [500, 1500, 0, 'often']) {
    try {
      createCityNode({ config: { data: join(root, 'never'), status: { publishIntervalMs: value as number } } })
      assert.unreachable(String(value))
    } catch (err) {
      assert.is((err as { code?: string }).code, 'COFL_ERR_CONFIG', String(err))
      assert.match((err as Error).message, /status\.publishIntervalMs/)
      assert.match((err as Error).message, /whole number of seconds/)
    }
  }
})

test.run()
