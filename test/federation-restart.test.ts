// Restarts through real processes (`cofl node start`, the real bin, default ports, each node in its
// own temporary data directory on 127.0.0.1, opting into dialling loopback: COFL_ALLOW_DIAL).
//
// 1. Three nodes in a line A - B - C (B bootstraps to A, C to B). B stops; A revokes a credential
//    meanwhile; B starts again: on the same libp2p and HTTP ports (recorded in DIR/node-ports.json
//    on its first start), C reconnects to it within a bound, and the revocation reaches B (sync
//    with A) and C (through B). Before: B came back on a new port and C never reconnected.
// 2. An address change learnt from a signed peer record: B moves to a new port (its
//    node-ports.json deleted while it is stopped, as docs/operations.md says to move a node) and
//    dials A (its bootstrap peer); A records B's new address from B's identify / signed peer
//    record. Then A moves too: B cannot find it (it knows only A's old address), but A dials the
//    peers it knew, and reaches B at its new address; an achievement B defined while A was down
//    reaches A.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeApi, startNodeProcess, waitFor } from '@cofl/test-support'
import type { NodeProcess, WaitOptions } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

type Json = Record<string, any>

const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'

async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

const running = new Set<NodeProcess>()

/**
 * `cofl node start --data DIR ARGS...` with COFL_ALLOW_DIAL=loopback and COFL_ANNOUNCE=loopback (nodes
 * on one host tell their loopback addresses); resolves once it wrote its node.json.
 */
async function start (dir: string, args: string[] = []): Promise<NodeProcess> {
  const node = await startNodeProcess(dir, { args, env: { COFL_ALLOW_DIAL: 'loopback', COFL_ANNOUNCE: 'loopback' } })
  running.add(node)
  return node
}

/** SIGTERM, and the exit within 20 s (SIGKILL after). */
async function stop (node: NodeProcess): Promise<void> {
  running.delete(node)
  await node.stop({ killAfterMs: 20_000 })
}

async function api (node: NodeProcess, method: string, path: string, body?: unknown): Promise<{ status: number, body: Json }> {
  return await nodeApi(node, method, path, body)
}

async function peers (node: NodeProcess): Promise<number> {
  return (await api(node, 'GET', '/api/health')).body.peers as number
}

async function listSequence (node: NodeProcess, listId: string): Promise<number | undefined> {
  const got = await api(node, 'GET', `/api/status/${encodeURIComponent(listId)}`)
  return got.status === 200 ? got.body.sequence as number : undefined
}

/** A wait of at most `ms`, whose error holds what `nodes` printed. */
function within (ms: number, nodes: NodeProcess[]): WaitOptions {
  return { ms, detail: () => nodes.map((n) => `--- ${n.dir}\n${n.output()}`).join('\n') }
}

function portOf (address: string | undefined): number {
  return Number(/\/tcp\/(\d+)/.exec(address ?? '')?.[1] ?? NaN)
}

let root = ''
test.before(async () => { root = await mkdtemp(join(tmpdir(), 'cofl-restart-')) })
test.after(async () => {
  await Promise.allSettled([...running].map(async (n) => { await stop(n) }))
  await rm(root, { recursive: true, force: true })
})

test('A - B - C: B restarts with the default ports on the same ports; C reconnects; a revocation made while B was down reaches B and C', async () => {
  const [dirA, dirB, dirC] = ['a', 'b', 'c'].map((n) => join(root, `line-${n}`)) as [string, string, string]
  const a = await start(dirA)
  let b = await start(dirB, ['--bootstrap', a.multiaddrs[0] as string])
  const c = await start(dirC, ['--bootstrap', b.multiaddrs[0] as string])
  const all = (): NodeProcess[] => [a, b, c]
  await waitFor('the line connected', async () => (await peers(b)) === 2 && (await peers(c)) === 1, within(30_000, all()), 100)

  // The ports the first start chose are recorded, readable by the node's user only.
  const recorded = JSON.parse(await readFile(join(dirB, 'node-ports.json'), 'utf8')) as Json
  assert.is(portOf(recorded.listen['/ip4/127.0.0.1/tcp/0']), portOf(b.multiaddrs[0]))
  assert.is(recorded.http.port, Number(new URL(b.url).port))
  assert.is((await stat(join(dirB, 'node-ports.json'))).mode & 0o777, 0o600)

  const achievement = await api(a, 'POST', '/api/achievements', { name: 'Restart Club', description: 'Survives restarts', criteria: 'Attend' })
  assert.is(achievement.status, 201, JSON.stringify(achievement.body))
  const issued = await api(a, 'POST', '/api/credentials', { achievementId: achievement.body.id, subject: LEARNER })
  assert.is(issued.status, 201, JSON.stringify(issued.body))
  const credential = issued.body.credential as Json
  const listId = [credential.credentialStatus].flat()[0].statusListCredential as string
  await waitFor('the status list at C', async () => (await listSequence(c, listId)) === 1, within(30_000, all()), 100)

  const before = { libp2p: portOf(b.multiaddrs[0]), http: b.url }
  await stop(b)
  await waitFor('C sees B gone', async () => (await peers(c)) === 0, within(15_000, all()), 100)
  const revoked = await api(a, 'POST', '/api/credentials/revoke', { credentialId: credential.id, now: true })
  assert.is(revoked.status, 200, JSON.stringify(revoked.body))
  assert.is(revoked.body.sequence, 2)
  assert.is(await listSequence(c, listId), 1, 'C missed the revocation')

  b = await start(dirB, ['--bootstrap', a.multiaddrs[0] as string])
  assert.is(portOf(b.multiaddrs[0]), before.libp2p, 'B listens on the libp2p port it had')
  assert.is(b.url, before.http, 'B serves on the HTTP port it had')
  const back = Date.now()
  await waitFor('B reconnected to A and C', async () => (await peers(b)) === 2, within(30_000, all()), 100)
  await waitFor('the revocation at B', async () => (await listSequence(b, listId)) === 2, within(30_000, all()), 100)
  await waitFor('the revocation at C', async () => (await listSequence(c, listId)) === 2, within(30_000, all()), 100)
  const took = Date.now() - back
  assert.ok(took < 30_000, `the revocation reached C ${took} ms after B was back`)
  assert.is(await peers(c), 1, 'C is connected to B again')
})

test('an address change is learnt from the signed peer record: B moves, then A moves; A reaches B at its new address', async () => {
  const [dirA, dirB] = ['a', 'b'].map((n) => join(root, `move-${n}`)) as [string, string]
  let a = await start(dirA)
  const bootstrap = ['--bootstrap', a.multiaddrs[0] as string]
  let b = await start(dirB, bootstrap)
  const all = (): NodeProcess[] => [a, b]
  await waitFor('A and B connected', async () => (await peers(a)) === 1, within(30_000, all()), 100)

  // B moves to another port: it dials A (its bootstrap peer), and A learns the new address.
  const oldB = portOf(b.multiaddrs[0])
  await stop(b)
  await rm(join(dirB, 'node-ports.json'), { force: true })
  b = await start(dirB, bootstrap)
  assert.is.not(portOf(b.multiaddrs[0]), oldB, 'B moved')
  await waitFor('A and B connected again', async () => (await peers(a)) === 1 && (await peers(b)) === 1, within(30_000, all()), 100)
  await sleep(500) // A records B's announced addresses when identify completes

  // A moves too, with no bootstrap peer: B knows only A's old address (its bootstrap and what it
  // learnt), so only A's dial of the peers it knew, at B's new address, can bring them together.
  const oldA = portOf(a.multiaddrs[0])
  await stop(a)
  const defined = await api(b, 'POST', '/api/achievements', { name: 'Moved Club', description: 'Defined while A was down', criteria: 'Attend' })
  assert.is(defined.status, 201, JSON.stringify(defined.body))
  await rm(join(dirA, 'node-ports.json'), { force: true })
  a = await start(dirA)
  assert.is.not(portOf(a.multiaddrs[0]), oldA, 'A moved')
  await waitFor('A reached B at its new address', async () => (await peers(a)) === 1, within(30_000, all()), 100)
  await waitFor('B\'s achievement at A', async () => (await api(a, 'GET', `/api/achievements/${encodeURIComponent(defined.body.id as string)}`)).status === 200, within(30_000, all()), 100)
})

test.run()
