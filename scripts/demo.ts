/**
 * `npm run demo`: a badge's whole journey on this machine, told step by step.
 *
 * Three nodes start on loopback as child processes, each with its own data directory under a
 * temporary folder: Plymouth (a city of learning), the Plymouth Science Museum (an anchor
 * organisation of the city, with its own node) and Bristol (another city, which trusts Plymouth).
 * Plymouth endorses the museum; the museum defines an achievement and offers it to three learners
 * from a CSV file (`cofl offer --csv`, one bad row refused); two learners claim their badges with
 * their own wallets (`cofl wallet init`, `cofl wallet claim`, `cofl wallet list`, as child
 * processes); an employer checks one learner's presentation at Bristol's node: valid, and the
 * museum is trusted because Plymouth endorsed it; the museum revokes the other learner's badge,
 * and once Bristol holds the new status list the employer sees it revoked. Then Plymouth publishes
 * its City of Learning (scripts/demo-city.ts: a skills spine, providers' achievements placed on the
 * map, two pathways, opportunities, twelve learners' claims), and Amara's wallet shows her progress
 * and next steps. Everything is stopped and removed at the end, also after an error; with --keep
 * the nodes run on (their web pages printed) until Ctrl-C.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { fillCity } from './demo-city.js'

const BIN = fileURLToPath(new URL('../node/bin/cofl.js', import.meta.url))
/** Plymouth's outline for the catalogue's map (scripts/geography.ts made it). */
const PLYMOUTH_GEOGRAPHY = fileURLToPath(new URL('../node/assets/geography/plymouth.geojson', import.meta.url))
/** How long one `cofl` command may take. */
const COMMAND_TIMEOUT_MS = 60_000
/** How long to wait for something to travel the federation. */
const NETWORK_TIMEOUT_MS = 60_000
/** SIGTERM, then SIGKILL after this long. */
const STOP_GRACE_MS = 10_000

interface NodeInfo { did: string, peerId: string, multiaddrs: string[], http: string }
interface Node { name: string, dir: string, proc: ChildProcess, info: NodeInfo, token: string }
interface Check { id: string, title: string, outcome: string, reason: string }
interface Trust { trusted: boolean, endorsedBy: string[], chain: string[], reason: string }
interface Report {
  verified: boolean
  kind: string
  holder?: string
  issuer?: { id: string, name?: string }
  achievement?: { name?: string }
  trust?: Trust
  checks: Check[]
  credentials?: Report[]
}

/** Every child process still running, so that `finally` can stop them all. */
const children = new Set<ChildProcess>()

function say (text = ''): void {
  process.stdout.write(`${text}\n`)
}

/** Polls `fn` until it gives a value; `fatal` (checked first) ends the wait at once with its error. */
async function waitFor<T> (what: string, fn: () => Promise<T | undefined>, ms = NETWORK_TIMEOUT_MS, fatal?: () => Error | undefined): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const error = fatal?.()
    if (error != null) throw error
    const value = await fn().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`)
    await sleep(200)
  }
}

/** Spawns `cofl ARGS...` with the demo's own Node.js flags: the compiled build under `npm run demo`, the sources under the tests. */
function spawnCofl (args: string[], stdio: 'pipe' | 'node'): ChildProcess {
  const proc = spawn(process.execPath, [...process.execArgv, BIN, ...args], {
    stdio: stdio === 'node' ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COFL_PASSPHRASE: '' }
  })
  children.add(proc)
  proc.once('exit', () => children.delete(proc))
  return proc
}

/** Runs a `cofl` command to its end (bounded); refuses an exit code other than those expected. */
async function cofl (args: string[], expect: number[] = [0]): Promise<{ code: number, stdout: string, stderr: string }> {
  const proc = spawnCofl(args, 'pipe')
  let stdout = ''
  let stderr = ''
  proc.stdout?.on('data', (d) => { stdout += d })
  proc.stderr?.on('data', (d) => { stderr += d })
  const timer = setTimeout(() => proc.kill('SIGKILL'), COMMAND_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('error', reject)
    proc.once('close', (c) => resolve(c))
  }).finally(() => clearTimeout(timer))
  if (code == null || !expect.includes(code)) {
    throw new Error(`cofl ${args.slice(0, 2).join(' ')} ended with ${code ?? `a kill after ${COMMAND_TIMEOUT_MS / 1000} s`}:\n${stderr}${stdout}`)
  }
  return { code, stdout, stderr }
}

async function startNode (name: string, root: string, flags: string[]): Promise<Node> {
  const dir = join(root, name.toLowerCase().replace(/\W+/g, '-'))
  // All on 127.0.0.1: the nodes opt into dialling the loopback addresses peers announce.
  const proc = spawnCofl(['node', 'start', '--data', dir, '--name', name, '--allow-dial', 'loopback', '--announce', 'loopback', ...flags], 'node')
  let stderr = ''
  proc.stderr?.on('data', (d) => { stderr += d })
  const info = await waitFor(`${name}'s node to start`, async () => {
    const json = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8')) as NodeInfo & { stopped?: boolean }
    return json.stopped === true ? undefined : json
  }, NETWORK_TIMEOUT_MS, () => proc.exitCode != null ? new Error(`${name}'s node exited (${proc.exitCode}): ${stderr}`) : undefined)
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim()
  return { name, dir, proc, info, token }
}

async function api<T = Record<string, unknown>> (node: Node, method: string, path: string, body?: unknown, admin = false): Promise<T> {
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

async function stop (proc: ChildProcess): Promise<void> {
  if (proc.exitCode != null || proc.signalCode != null) return
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  const killed = await Promise.race([exited.then(() => false), sleep(STOP_GRACE_MS).then(() => true)])
  if (killed) {
    proc.kill('SIGKILL')
    await Promise.race([exited, sleep(5_000)])
  }
}

const short = (did: string): string => `${did.slice(0, 20)}...${did.slice(-6)}`
/** A claim link with its secret code cut short, for the screen. */
const shortLink = (url: string): string => url.replace(/(\/api\/claims\/|\/claim#)([A-Za-z0-9_-]{8})[A-Za-z0-9_-]*/, '$1$2...')
/** The status check of a presentation's first credential (or of a credential). */
const statusOf = (report: Report): Check | undefined => (report.credentials?.[0] ?? report).checks.find((c) => c.id === 'status')
const trustOf = (report: Report): Trust | undefined => report.credentials?.[0]?.trust ?? report.trust

/** `npm run demo -- --keep`: the nodes keep running at the end, with their web pages, until Ctrl-C. */
const keep = process.argv.includes('--keep')
const started = Date.now()
const root = await mkdtemp(join(tmpdir(), 'cofl-demo-'))
const nodes: Node[] = []
try {
  say('cofl demo: a badge\'s journey from a museum in Plymouth to an employer in Bristol.')
  say('Every node, wallet and command below is a separate process on this machine.\n')

  // 1. The three nodes: the museum and Bristol dial Plymouth (and start side by side).
  const plymouth = await startNode('Plymouth', root, ['--geography', PLYMOUTH_GEOGRAPHY])
  nodes.push(plymouth)
  const bootstrap = ['--bootstrap', plymouth.info.multiaddrs[0] ?? '']
  const [museum, bristol] = await Promise.all([
    startNode('Plymouth Science Museum', root, bootstrap).then((n) => { nodes.push(n); return n }),
    startNode('Bristol', root, [...bootstrap, '--trust-root', plymouth.info.did]).then((n) => { nodes.push(n); return n })
  ])
  await waitFor('the nodes to connect', async () => {
    const health = await api<{ peers: number }>(plymouth, 'GET', '/api/health')
    return health.peers >= 2 ? true : undefined
  })
  say('1. Three nodes start and connect over libp2p (no central server), each with its own key:')
  say(`   - Plymouth, a city of learning:                    ${plymouth.info.did}`)
  say(`   - the Plymouth Science Museum, a Plymouth partner:  ${museum.info.did}`)
  say(`   - Bristol, another city, which trusts Plymouth:    ${bristol.info.did}`)
  say('     (Bristol was started with --trust-root <Plymouth\'s DID>.)')

  // 2. Plymouth endorses the museum.
  // A city endorses issuers only: once Plymouth holds the museum's Profile (its node published it on start).
  await waitFor('the museum\'s Profile at Plymouth, to endorse it', async () =>
    await api(plymouth, 'POST', '/api/endorsements', { issuer: museum.info.did, comment: 'An anchor organisation of Plymouth, City of Learning.' }, true))
  say('2. Plymouth endorses the museum: a signed endorsement, published to the federation. Whoever')
  say('   trusts Plymouth now trusts the museum\'s badges too.')

  // 3. The museum defines an achievement.
  const achievement = await api<{ id: string }>(museum, 'POST', '/api/achievements', {
    name: 'Young Scientist: Forces and Motion',
    description: 'Six Saturday workshops on forces and motion at the Plymouth Science Museum.',
    criteria: 'Take part in the six workshops and build a working model of a catapult.'
  }, true)
  say('3. The museum defines the achievement "Young Scientist: Forces and Motion" (signed by the')
  say(`   museum, announced to the federation): ${achievement.id}`)

  // 4. Offers to three learners, from a CSV file; one row is bad.
  const csv = join(root, 'learners.csv')
  await writeFile(csv, [
    'name,email',
    'Amara Okafor,amara@example.org',
    'Ben Carter,ben@example.org',
    'Dev Patel,',
    'Chloe Nguyen,chloe@example.org',
    ''
  ].join('\n'))
  const offer = await cofl(['offer', '--achievement', achievement.id, '--csv', csv, '--data', museum.dir], [0, 1])
  const links = new Map<string, string>()
  say('4. The museum offers it to its learners from a spreadsheet (learners.csv, 4 rows, one without an')
  say('   email), with `cofl offer --csv learners.csv`. Per row:')
  const results: Array<[number, string]> = []
  for (const line of offer.stdout.trim().split('\n').slice(1)) {
    const fields = line.split(',')
    const url = fields.at(-1) ?? ''
    const [row = '', name = ''] = fields
    links.set(name, url)
    results.push([Number(row), `row ${row}, ${name}: claim link ${shortLink(url)}`])
  }
  for (const line of offer.stderr.split('\n')) {
    const refused = /^row (\d+): refused: (.*)$/.exec(line)
    if (refused != null) results.push([Number(refused[1]), `row ${refused[1]}: refused: ${refused[2] ?? ''}`])
  }
  for (const [, text] of results.sort((a, b) => a[0] - b[0])) say(`   ${text}`)
  say(`   ${links.size} claim links (each holds a one-time code, shortened here), 1 row refused. The museum`)
  say('   sends each learner their link; names and emails stay on the museum\'s node, never published.')
  if (links.size !== 3) throw new Error(`expected 3 claim links, got ${links.size}:\n${offer.stdout}${offer.stderr}`)

  // 5, 6. Two learners claim with their own wallets (side by side: each is a separate person).
  const learners = [{ step: 5, name: 'Amara Okafor', their: 'her' }, { step: 6, name: 'Ben Carter', their: 'his' }] as const
  const wallets = await Promise.all(learners.map(async ({ name }) => {
    const wallet = join(root, `wallet-${name.split(' ')[0]?.toLowerCase() ?? ''}`)
    const did = (await cofl(['wallet', 'init', '--wallet', wallet, '--unencrypted'])).stdout.trim()
    const claim = await cofl(['wallet', 'claim', links.get(name) ?? '', '--wallet', wallet, '--json'])
    const { id } = JSON.parse(claim.stdout) as { id: string }
    const list = (await cofl(['wallet', 'list', '--wallet', wallet])).stdout.trim()
    return { wallet, did, id, list }
  }))
  const [amara, ben] = wallets
  if (amara == null || ben == null) throw new Error('the claims did not happen')
  for (const [i, { step, name, their }] of learners.entries()) {
    const { did, list } = wallets[i] ?? amara
    say(`${step}. ${name.split(' ')[0] ?? ''} creates a wallet (\`cofl wallet init\`), with ${their} own key: DID ${short(did)}.`)
    say('   `cofl wallet claim <link>`: the wallet proves to the museum\'s node that it holds that DID, and')
    say('   the museum signs the badge to it. `cofl wallet list` now shows:')
    say(`     ${list}`)
  }
  say('   (Chloe has not claimed hers yet: her link works once, within 30 days.)')

  // 7, 8. An employer in Bristol checks Amara's badge.
  const domain = 'jobs.bristol.example'
  const challenge = randomBytes(16).toString('hex')
  const presentation = JSON.parse((await cofl(['wallet', 'present', amara.id, '--challenge', challenge, '--domain', domain, '--wallet', amara.wallet])).stdout) as unknown
  say('7. Amara applies for a job at a Bristol engineering firm. The employer gives her a random')
  say(`   challenge (${challenge}) and its domain (${domain});`)
  say('   her wallet signs a presentation of her badge over both (`cofl wallet present`), so that it')
  say('   cannot be replayed to anyone else.')
  // The endorsement travels by gossip: let it reach Bristol before the check (bounded; the report says what Bristol knows).
  await waitFor('Plymouth\'s endorsement to reach Bristol', async () => {
    const report = await api<Report>(bristol, 'POST', '/api/verify', { verifiablePresentation: presentation, challenge, domain })
    return trustOf(report)?.trusted === true ? true : undefined
  }).catch(() => undefined)
  const valid = await api<Report>(bristol, 'POST', '/api/verify', { verifiablePresentation: presentation, challenge, domain })
  const trust = trustOf(valid)
  const badge = valid.credentials?.[0]
  say(`8. The employer checks it at Bristol's node (POST /api/verify): ${valid.verified ? 'VALID' : 'NOT VALID'}`)
  say(`   - the presentation: ${valid.checks.find((c) => c.id === 'holder')?.reason ?? 'no holder check'}`)
  say(`   - the badge: "${badge?.achievement?.name ?? '?'}" from ${badge?.issuer?.name ?? badge?.issuer?.id ?? '?'}`)
  say(`     ${(badge?.checks ?? []).map((c) => `${c.title} ${c.outcome}`).join(', ')}`)
  say(`   - status: ${statusOf(valid)?.reason ?? 'not reported'}`)
  if (trust == null) say('   - trust: the report says nothing about trust')
  else if (trust.trusted && trust.endorsedBy.includes(plymouth.info.did)) say(`   - trust: the museum is trusted because Plymouth endorsed it (${trust.reason})`)
  else say(`   - trust: ${trust.trusted ? 'trusted' : 'NOT trusted'}: ${trust.reason}`)

  // 9. The museum revokes Ben's badge.
  const revocation = await api<{ listId: string, sequence: number }>(museum, 'POST', '/api/credentials/revoke', { credentialId: ben.id, now: true }, true)
  say(`9. The museum revokes Ben's badge: a new signed version (sequence ${revocation.sequence}) of its status list is`)
  say('   published at once (`now`; other changes wait for the node\'s next publication tick, so that a version does')
  say('   not tell which badge changed and when). The credential itself is not published: nobody learns whose badge it was.')
  await waitFor('the new status list to reach Bristol', async () => {
    const list = await api<{ sequence?: number }>(bristol, 'GET', `/api/status/${encodeURIComponent(revocation.listId)}`)
    return (list.sequence ?? 0) >= revocation.sequence ? true : undefined
  })
  say(`10. Bristol's node receives the new status list (sequence ${revocation.sequence}) over the federation.`)

  // 11. The employer checks Ben's badge.
  const challenge2 = randomBytes(16).toString('hex')
  const presentation2 = JSON.parse((await cofl(['wallet', 'present', ben.id, '--challenge', challenge2, '--domain', domain, '--wallet', ben.wallet])).stdout) as unknown
  const revoked = await api<Report>(bristol, 'POST', '/api/verify', { verifiablePresentation: presentation2, challenge: challenge2, domain })
  say(`11. Ben presents his badge to the same employer, who checks it at Bristol: ${revoked.verified ? 'VALID' : 'NOT VALID'}`)
  say(`   - status: ${statusOf(revoked)?.reason ?? 'not reported'}`)
  const revokedBadge = revoked.credentials?.[0]
  say(`   - the badge: ${(revokedBadge?.checks ?? []).map((c) => `${c.title} ${c.outcome}`).join(', ')}`)

  // 12. Plymouth becomes a City of Learning: spine, providers' achievements, pathways, opportunities, learners.
  say('12. Plymouth publishes its City of Learning (signed, replicated to the other nodes):')
  const city = await fillCity({ url: plymouth.info.http, token: plymouth.token }, (line) => { say(`   - ${line}`) })

  // 13. Amara earns a first badge of the Junior Developer pathway; her wallet works out what is next.
  const python = city.achievements.python as string
  const offerPython = await api<{ claimUrl: string }>(plymouth, 'POST', '/api/offers', { achievementId: python, name: 'Amara Okafor', email: 'amara@example.org' }, true)
  await cofl(['wallet', 'claim', offerPython.claimUrl, '--wallet', amara.wallet, '--json'])
  const progress = (await cofl(['wallet', 'progress', '--node', plymouth.info.http, '--wallet', amara.wallet, '--near', '50.3755,-4.1427', '--limit', '3'])).stdout.trimEnd()
  say('13. Amara claims "Coding Club: Python Foundations" from Plymouth. `cofl wallet progress` reads the public')
  say('    pathways and achievements and works out, in her wallet (the node never learns what she holds):')
  for (const line of progress.split('\n')) say(`     ${line}`)

  if (keep) {
    say('\nThe nodes keep running (--keep). Their web pages:')
    for (const n of nodes) say(`   ${n.name.padEnd(24)} ${n.info.http}/   (admin token: ${n.token})`)
    say('Ctrl-C stops them all.')
    await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve) })
  }

  say('\nThat is cofl: no central platform; a city vouches for its partners, learners hold their own')
  say('badges, see where they lead, and an employer anywhere in the federation can check them,')
  say('revocations included.')
} finally {
  // Each process once: a second SIGTERM would cut a node's graceful stop short.
  await Promise.all([...new Set([...nodes.map((n) => n.proc), ...children])].map(stop))
  await rm(root, { recursive: true, force: true })
  say(`(All nodes stopped and ${root} removed, after ${((Date.now() - started) / 1000).toFixed(1)} s.)`)
}
