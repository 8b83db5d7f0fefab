/**
 * `npm run demo`: a small federation on this machine, told step by step.
 *
 * Three city nodes start on loopback as child processes (each with its own data directory under
 * a temporary folder), find each other, and then: two cities define achievements, Plymouth issues
 * two credentials to a learner and revokes one, Plymouth's node stops, and Bristol's node, which
 * never talked to the learner, verifies both credentials with the issuer offline: one valid, one
 * revoked. Everything is stopped and removed at the end.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

const BIN = fileURLToPath(new URL('../node/bin/cofl.js', import.meta.url))
const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'

interface NodeInfo { did: string, peerId: string, multiaddrs: string[], http: string }
interface CityNode { name: string, dir: string, proc: ChildProcess, info: NodeInfo, token: string }

function say (text: string): void {
  process.stdout.write(`${text}\n`)
}

async function waitFor<T> (what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await fn().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}

async function startNode (name: string, root: string, bootstrap: string[]): Promise<CityNode> {
  const dir = join(root, name.toLowerCase())
  const args = [...process.execArgv, BIN, 'node', 'start', '--data', dir, ...bootstrap.flatMap((b) => ['--bootstrap', b])]
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, COFL_PASSPHRASE: '' } })
  let stderr = ''
  proc.stderr?.on('data', (d) => { stderr += d })
  const info = await waitFor(`${name}'s node.json`, async () => {
    if (proc.exitCode != null) throw new Error(`${name} exited: ${stderr}`)
    const json = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8')) as NodeInfo & { stopped?: boolean }
    return json.stopped === true ? undefined : json
  })
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim()
  return { name, dir, proc, info, token }
}

async function api<T = Record<string, unknown>> (node: CityNode, method: string, path: string, body?: unknown, admin = false): Promise<T> {
  const response = await fetch(`${node.info.http}${path}`, {
    method,
    headers: { ...(body != null ? { 'content-type': 'application/json' } : {}), ...(admin ? { authorization: `Bearer ${node.token}` } : {}) },
    ...(body != null ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000)
  })
  const json = await response.json() as T & { error?: { code: string, message: string } }
  if (!response.ok) throw new Error(`${method} ${path} at ${node.name}: ${response.status} ${json.error?.code ?? ''} ${json.error?.message ?? ''}`)
  return json
}

async function stopNode (node: CityNode): Promise<void> {
  if (node.proc.exitCode != null || node.proc.signalCode != null) return
  const exited = new Promise((resolve) => node.proc.once('exit', resolve))
  node.proc.kill('SIGTERM')
  await Promise.race([exited, sleep(15_000).then(() => node.proc.kill('SIGKILL'))])
}

const root = await mkdtemp(join(tmpdir(), 'cofl-demo-'))
const nodes: CityNode[] = []
try {
  say('cofl demo: three cities of learning, each running its own node on this machine.\n')
  const plymouth = await startNode('Plymouth', root, [])
  nodes.push(plymouth)
  say(`1. Plymouth's node is up: its city DID is ${plymouth.info.did}`)
  say(`   API ${plymouth.info.http}, libp2p ${plymouth.info.multiaddrs[0] ?? ''}`)
  const bootstrap = plymouth.info.multiaddrs.slice(0, 1)
  const bristol = await startNode('Bristol', root, bootstrap)
  nodes.push(bristol)
  const exeter = await startNode('Exeter', root, [...bootstrap, ...bristol.info.multiaddrs.slice(0, 1)])
  nodes.push(exeter)
  say(`2. Bristol and Exeter start and dial Plymouth: they form a federation over libp2p (no central server).`)
  await waitFor('the nodes to see each other', async () => {
    const health = await api<{ peers: number }>(bristol, 'GET', '/api/health')
    return health.peers >= 1 ? true : undefined
  })

  const coding = await api<{ id: string, cid: string }>(plymouth, 'POST', '/api/achievements', {
    name: 'Coding Club: Python Basics', description: 'Ten sessions of Python at the Central Library.', criteria: 'Attend ten sessions and build a small game.'
  }, true)
  const firstAid = await api<{ id: string, cid: string }>(exeter, 'POST', '/api/achievements', {
    name: 'Youth First Aid', description: 'A first aid course for young people run by the city\'s youth service.', criteria: 'Complete the course and its practical assessment.'
  }, true)
  say(`3. Plymouth defines the achievement "Coding Club: Python Basics" and Exeter "Youth First Aid".`)
  say('   Each is signed by its city, stored in IPFS (Helia) and announced on gossipsub.')
  await waitFor('the achievements to reach Bristol', async () => {
    const list = await api<{ achievements: Array<{ id: string }> }>(bristol, 'GET', '/api/achievements')
    const ids = list.achievements.map((a) => a.id)
    return ids.includes(coding.id) && ids.includes(firstAid.id) ? true : undefined
  })
  say('4. Bristol\'s catalogue now holds both achievements, replicated from the other cities.')

  const kept = await api<{ credential: { id: string } }>(plymouth, 'POST', '/api/credentials', { achievementId: coding.id, subject: LEARNER }, true)
  const revoked = await api<{ credential: { id: string } }>(plymouth, 'POST', '/api/credentials', { achievementId: coding.id, subject: LEARNER }, true)
  say(`5. Plymouth issues two Open Badges to a learner (${LEARNER.slice(0, 24)}...). The credentials go`)
  say('   to the learner only: they are never put on the network.')
  const revocation = await api<{ listId: string, sequence: number }>(plymouth, 'POST', '/api/credentials/revoke', { credentialId: revoked.credential.id }, true)
  say(`6. Plymouth revokes the second one: a new signed version (sequence ${revocation.sequence}) of its status list is published.`)
  await waitFor('the revocation to reach Bristol', async () => {
    const response = await fetch(`${bristol.info.http}/api/status/${encodeURIComponent(revocation.listId)}`)
    if (!response.ok) return undefined
    const list = await response.json() as { sequence?: number }
    return (list.sequence ?? 0) >= revocation.sequence ? true : undefined
  })

  await stopNode(plymouth)
  say('7. Plymouth\'s node stops. The issuer is now offline.')
  for (const [step, label, credential] of [[8, 'the first badge', kept.credential], [9, 'the revoked badge', revoked.credential]] as const) {
    const report = await api<{ verified: boolean, checks: Array<{ id: string, outcome: string, reason: string }> }>(bristol, 'POST', '/api/verify', { verifiableCredential: credential })
    const status = report.checks.find((c) => c.id === 'status')
    say(`${step}. An employer asks Bristol to verify ${label}: ${report.verified ? 'VALID' : 'NOT VALID'} (${status?.reason ?? ''})`)
  }
  say('\nThat is cofl: no central platform, and a badge checks out anywhere, even with its issuer offline.')
} finally {
  await Promise.all(nodes.map(stopNode))
  await rm(root, { recursive: true, force: true })
}
