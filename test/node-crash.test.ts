// `cofl node start` as a child process: kill -9 in the middle of 200 issuances through the API;
// after a restart on the same data directory every credential that was returned to a client is
// in the issuance log, no status index was handed out twice, and the node verifies all of them.
// Then SIGTERM: a graceful stop, exit 0, node.json removed.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeApi, startNodeProcess } from '@cofl/test-support'
import type { NodeProcess } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

type Json = Record<string, any>

const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
const TOTAL = 200
const KILL_AFTER = 100
const WORKERS = 4

async function api (node: NodeProcess, method: string, path: string, body?: unknown): Promise<{ status: number, body: Json }> {
  return await nodeApi(node, method, path, body)
}

let dir = ''
const started: NodeProcess[] = []

test.before(async () => { dir = await mkdtemp(join(tmpdir(), 'cofl-node-crash-')) })
test.after(async () => {
  await Promise.all(started.map(async (n) => await n.stop({ signal: 'SIGKILL' })))
  await rm(dir, { recursive: true, force: true })
})

test('kill -9 during 200 issuances: nothing acknowledged is lost, no index twice, all verify; then SIGTERM exits 0', async () => {
  const first = await startNodeProcess(dir)
  started.push(first)
  const created = await api(first, 'POST', '/api/achievements', { name: 'Crash Course', description: 'Survives a kill -9', criteria: 'Be issued' })
  assert.is(created.status, 201, JSON.stringify(created.body))
  const achievementId = created.body.id as string

  // WORKERS clients issue concurrently; the node is killed once KILL_AFTER credentials came back.
  const returned: Json[] = []
  let attempted = 0
  let killed = false
  const worker = async (): Promise<void> => {
    while (attempted < TOTAL && !killed) {
      attempted++
      try {
        const answer = await api(first, 'POST', '/api/credentials', { achievementId, subject: LEARNER })
        if (answer.status !== 201) throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`)
        returned.push(answer.body.credential)
        if (returned.length >= KILL_AFTER && !killed) {
          killed = true
          first.proc.kill('SIGKILL')
        }
      } catch (err) {
        if (!killed) throw err // after the kill, requests in flight fail: they were never acknowledged
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker))
  const exit = await first.exited
  assert.is(exit.signal, 'SIGKILL')
  assert.ok(returned.length >= KILL_AFTER && returned.length < TOTAL, `returned ${returned.length}`)
  assert.ok(existsSync(join(dir, 'node.json')), 'a killed node leaves its node.json behind')

  const second = await startNodeProcess(dir)
  started.push(second)
  const log = await api(second, 'GET', '/api/credentials?limit=1000')
  assert.is(log.status, 200)
  const records = new Map<string, Json>(log.body.credentials.map((r: Json) => [r.credentialId, r]))
  for (const credential of returned) {
    const record = records.get(credential.id)
    assert.ok(record != null, `credential ${String(credential.id)} was returned but is not in the issuance log`)
    assert.equal(record.credential, credential)
  }
  const key = (status: Json): string => `${String(status.purpose)}:${String(status.listNumber)}:${String(status.index)}`
  const indexes = [...records.values()].map((r) => key(r.status))
  assert.is(new Set(indexes).size, indexes.length, 'a status index was handed out twice')

  // the restarted node verifies every returned credential with its own lists
  for (const credential of returned) {
    const report = await api(second, 'POST', '/api/verify', { verifiableCredential: credential })
    assert.is(report.body.verified, true, `${String(credential.id)}: ${JSON.stringify(report.body.checks)}`)
  }
  // and keeps issuing with fresh indexes
  for (let i = 0; i < 5; i++) {
    const answer = await api(second, 'POST', '/api/credentials', { achievementId, subject: LEARNER })
    assert.is(answer.status, 201)
    const status = answer.body.credential.credentialStatus
    const position = `${String(status.statusPurpose)}:0:${String(status.statusListIndex)}`
    assert.not.ok(indexes.includes(position), `index reused: ${position}`)
    indexes.push(position)
  }

  // SIGTERM: graceful stop, exit 0, node.json removed (SIGKILL if it has not stopped within 30 s)
  const stop = await second.stop({ killAfterMs: 30_000 })
  assert.is(stop.code, 0, `exit ${String(stop.code)} / ${String(stop.signal)}:\n${second.output()}`)
  assert.match(second.output(), /stopped/)
  assert.not.ok(existsSync(join(dir, 'node.json')), 'node.json is removed on a graceful stop')
})

test.run()
