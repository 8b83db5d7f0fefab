// A revocation in flight at kill -9 is never in the published status list without being in the
// issuance log. A child process (test/fixtures/revoke-then-hang.ts) revokes a credential through
// the node's service on a node's data directory and is killed with SIGKILL at one of three
// moments: before the registry's bit is set, after it is set, after the new list version is
// published. After each kill the node starts again on the directory, and for every credential
// its issuance record's `revoked` and the verdict of its published list agree; the revocation
// that was in flight has landed in both (its intent was recorded first, completed at the start).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rawRequest, spawnChild, waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

const CHILD = fileURLToPath(new URL('./fixtures/revoke-then-hang.ts', import.meta.url))
const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
const MOMENTS = ['published', 'bit-set', 'intent'] as const

async function api (node: CityNode, method: string, path: string, body?: unknown): Promise<Json> {
  const url = new URL(node.url)
  const headers: Record<string, string> = { authorization: `Bearer ${node.adminToken}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const answer = await rawRequest({ host: url.hostname, port: url.port, method, path, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${answer.text}`)
  return answer.body
}

/** Starts the node on `dir` (no federation; lists changed before a crash published at the first tick, within 1 s), runs `task`, stops it whatever happens. */
async function withNode<T> (dir: string, task: (node: CityNode) => Promise<T>): Promise<T> {
  const node = createCityNode({ config: { data: dir, status: { publishIntervalMs: 1000 } }, federation: false, signingWorkers: 0 })
  await node.start()
  try {
    return await task(node)
  } finally {
    await node.stop()
  }
}

/** Runs the child until it reaches `moment`, then kills it with SIGKILL. */
async function revokeThenKill (dir: string, credentialId: string, moment: typeof MOMENTS[number]): Promise<void> {
  const child = spawnChild({ script: CHILD, args: [dir, credentialId, moment] })
  try {
    await child.waitForLine((line) => {
      if (line === 'returned') throw new Error(`the revocation returned before ${moment}`)
      return line === moment ? true : undefined
    }, { what: moment, ms: 60_000 })
  } finally {
    await child.stop({ signal: 'SIGKILL' })
  }
}

/** Each credential's issuance record says revoked exactly when its published list does. */
async function agree (node: CityNode, ids: string[]): Promise<Map<string, boolean>> {
  const revoked = new Map<string, boolean>()
  for (const id of ids) {
    const record = await api(node, 'GET', `/api/credentials/${encodeURIComponent(id)}`)
    const report = await api(node, 'POST', '/api/verify', { verifiableCredential: record.credential })
    const status = report.checks.find((c: Json) => c.id === 'status')
    const listSays = status?.outcome === 'failed' && status?.code === 'COFL_ERR_STATUS_REVOKED'
    assert.ok(status?.outcome === 'passed' || listSays, `${id}: status check ${JSON.stringify(status)}`)
    assert.is(record.revoked === true, listSays, `${id}: the issuance log says revoked=${String(record.revoked)}, the published list says ${listSays ? 'revoked' : 'not revoked'}`)
    revoked.set(id, listSays)
  }
  return revoked
}

test('kill -9 at each moment of a revocation: the published list and the issuance log agree after the restart, and the revocation landed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-status-crash-'))
  try {
    const ids = await withNode(dir, async (node) => {
      const { id: achievementId } = await api(node, 'POST', '/api/achievements', { name: 'Lifeguard', description: 'Pool lifeguard', criteria: 'Pass the test' })
      const out: string[] = []
      for (let i = 0; i < 6; i++) out.push((await api(node, 'POST', '/api/credentials', { achievementId, subject: LEARNER })).credential.id as string)
      await api(node, 'POST', '/api/credentials/revoke', { credentialId: out[5], now: true }) // one revoked the ordinary way
      return out
    })
    // Three rounds, one per moment; each a different credential.
    for (const [round, moment] of MOMENTS.entries()) {
      const target = ids[round] as string
      await revokeThenKill(dir, target, moment)
      await withNode(dir, async (node) => {
        // The list the crash left changed is published at the first tick after the start.
        await waitFor(`${moment}: the revocation in flight published at the first tick`, async () => {
          const record = await api(node, 'GET', `/api/credentials/${encodeURIComponent(target)}`)
          const report = await api(node, 'POST', '/api/verify', { verifiableCredential: record.credential })
          return report.checks.find((c: Json) => c.id === 'status')?.code === 'COFL_ERR_STATUS_REVOKED'
        }, 30_000, 100)
        const revoked = await agree(node, ids)
        assert.is(revoked.get(target), true, `${moment}: the revocation in flight did not land`)
        assert.equal([...revoked.values()].filter(Boolean).length, round + 2, `${moment}: ${JSON.stringify([...revoked])}`)
      })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
