// The `cofl` command as people expect it: --version, `cofl help CMD`, passphrase prompts that do
// not echo (through a real pseudo-terminal), `cofl node start` on a port in use (one line, exit 2,
// nothing left behind), DIDs that do not resolve refused offline and by the node (CLI and HTTP),
// unsigned achievements, JSON-LD safe mode in words, and no raw errno codes.
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@cofl/identity'
import { runCofl } from '@cofl/test-support'
import type { Run } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from '../src/index.js'
import type { CityNode } from '../src/index.js'
import { cli } from './cli-helpers.js'

type Json = Record<string, any>

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const NODE_DIR = join(ROOT, 'node')
const BIN = join(NODE_DIR, 'bin', 'cofl.js')
const SCRIPT = '/usr/bin/script'
const VERSION = (JSON.parse(await readFile(join(NODE_DIR, 'package.json'), 'utf8')) as { version: string }).version

/** DIDs that must be refused: malformed did:key, the README's placeholder, a control character, not a DID. */
const UNRESOLVABLE = ['did:key:zzz', 'did:key:z6Mk...', 'did:key:\u0000', 'not-a-did']

let dir = ''
const path = (name: string): string => join(dir, name)
let learner = ''

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-cli-ux-'))
  learner = (await generateKeyPair()).did
  assert.is((await cli('keys', 'new', '--out', path('issuer.key'), '--unencrypted')).code, 0)
  await writeFile(path('fields.json'), JSON.stringify({ name: 'Coding Club: Python', description: 'Ten sessions at the library', criteria: 'Attend ten sessions and build a small game' }))
})
test.after(async () => { await rm(dir, { recursive: true, force: true }) })

/** One line on stderr, `cofl: ...`, and exit 2. */
function refusedWith (run: Run, message: RegExp | string, what: string): void {
  assert.is(run.code, 2, `${what}: ${run.stderr}`)
  assert.is(run.stderr.split('\n').length, 2, `${what}: one line: ${run.stderr}`)
  assert.ok(run.stderr.startsWith('cofl: '), what)
  if (typeof message === 'string') assert.ok(run.stderr.includes(message), `${what}: ${run.stderr}`)
  else assert.match(run.stderr, message, what)
}

// --- 1. version and help ---------------------------------------------------------------------

test('--version, -v and version print the version of node/package.json', async () => {
  for (const flag of ['--version', '-v', 'version']) {
    const run = await cli(flag)
    assert.is(run.code, 0, flag)
    assert.is(run.stdout, `${VERSION}\n`, flag)
    assert.is(run.stderr, '', flag)
  }
  const bin = await runCofl(['--version']) // the sources (node/src) through tsx
  assert.is(bin.code, 0, bin.stderr)
  assert.is(bin.stdout, `${VERSION}\n`)
})

test('--version from the compiled CLI (node/dist/src) too', async () => {
  const compiled = join(NODE_DIR, 'dist', 'src', 'cli', 'index.js')
  const sources = ['cli/index.ts', 'cli/version.ts', 'app/config.ts'].map((f) => statSync(join(NODE_DIR, 'src', f)).mtimeMs)
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < Math.max(...sources)) {
    console.log('  skipped: node/dist is missing or older than node/src (npm run typecheck builds it)')
    return
  }
  const run = await new Promise<{ code: number | null, stdout: string }>((resolve, reject) => {
    // Without --conditions=cofl-source: bin/cofl.js imports cofl/cli, which is dist/src/cli/index.js.
    const proc = spawn(process.execPath, [BIN, '--version'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], signal: AbortSignal.timeout(30_000) })
    let stdout = ''
    proc.stdout.on('data', (d) => { stdout += d })
    proc.on('error', reject)
    proc.on('close', (code) => { resolve({ code, stdout }) })
  })
  assert.is(run.code, 0)
  assert.is(run.stdout, `${VERSION}\n`)
})

test('cofl help CMD prints that command\'s or group\'s help; an unknown one exits 2', async () => {
  const main = (await cli('--help')).stdout
  for (const [argv, start] of [[['issue'], 'cofl issue --key'], [['wallet', 'claim'], 'cofl wallet claim URL|CODE'], [['keys', 'new'], 'cofl keys new --out']] as Array<[string[], string]>) {
    const run = await cli('help', ...argv)
    assert.is(run.code, 0, argv.join(' '))
    assert.ok(run.stdout.startsWith(start), `${argv.join(' ')}: ${run.stdout.slice(0, 80)}`)
    assert.is(run.stdout, (await cli(...argv, '--help')).stdout, `same as cofl ${argv.join(' ')} --help`)
    assert.not.equal(run.stdout, main)
  }
  const group = await cli('help', 'keys')
  assert.is(group.code, 0)
  assert.match(group.stdout, /^Usage:\n {2}cofl keys new .*\n {2}cofl keys show /)
  assert.ok(!group.stdout.includes('cofl issue'), 'only the group')
  const nope = await cli('help', 'nope')
  refusedWith(nope, 'there is no command "nope"', 'help nope')
  assert.is(nope.stdout, '')
  refusedWith(await cli('help', 'keys', 'nope'), 'there is no command "keys nope"', 'help keys nope')
  assert.match(main, /70 an internal error/)
})

// --- 2. passphrase prompts on a terminal ---------------------------------------------------------

interface Terminal { code: number | null, output: string }

/**
 * Runs the real bin under util-linux `script` (a pseudo-terminal): each step waits until the
 * output shows its prompt, then types its keys. Killed after 60 s.
 */
async function onTerminal (argv: string[], steps: Array<[prompt: string, keys: string]>): Promise<Terminal> {
  const quote = (s: string): string => `'${s.replace(/'/g, '\'\\\'\'')}'`
  const command = [process.execPath, '--conditions=cofl-source', '--import', 'tsx', BIN, ...argv].map(quote).join(' ')
  const env: Record<string, string | undefined> = { ...process.env, TERM: 'dumb' }
  delete env.COFL_PASSPHRASE
  return await new Promise<Terminal>((resolve, reject) => {
    const proc = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], signal: AbortSignal.timeout(60_000) })
    let output = ''
    let seen = 0 // how much of the output earlier prompts consumed
    let step = 0
    const onOutput = (d: Buffer): void => {
      output += d.toString('utf8')
      const next = steps[step]
      if (next == null) return
      const at = output.indexOf(next[0], seen)
      if (at < 0) return
      seen = at + next[0].length
      step++
      proc.stdin.write(next[1])
    }
    proc.stdout.on('data', onOutput)
    proc.stderr.on('data', onOutput)
    proc.on('error', reject)
    proc.on('close', (code) => { resolve({ code, output }) })
  })
}

test('keys new on a terminal: the passphrase is not echoed, Backspace works, the key opens with it', async () => {
  if (!existsSync(SCRIPT)) { console.log(`  skipped: ${SCRIPT} (util-linux script) is not installed`); return }
  const secret = 'hunter22pass'
  // A typo erased with Backspace, and an arrow key (an escape sequence) that must be ignored.
  const run = await onTerminal(['keys', 'new', '--out', path('tty.key')], [['passphrase: ', `${secret}X\u007f\u001b[A\r`], ['passphrase again: ', `${secret}\r`]])
  assert.is(run.code, 0, run.output)
  assert.not.ok(run.output.includes(secret), `the passphrase was echoed: ${JSON.stringify(run.output)}`)
  assert.not.ok(run.output.includes('hunter'), 'not even part of it')
  const did = /did:key:z6Mk\w+/.exec(run.output)?.[0]
  assert.ok(did, run.output)
  const shown = await runCofl(['keys', 'show', '--key', path('tty.key')], { env: { COFL_PASSPHRASE: secret } })
  assert.is(shown.code, 0, shown.stderr)
  assert.is(shown.stdout, `${did ?? ''}\n`)
  const wrong = await runCofl(['keys', 'show', '--key', path('tty.key')], { env: { COFL_PASSPHRASE: `${secret}X` } })
  assert.is(wrong.code, 2, 'encrypted with exactly what was typed')
})

test('Ctrl-C at the passphrase prompt: exit 130, no key written, nothing echoed', async () => {
  if (!existsSync(SCRIPT)) { console.log(`  skipped: ${SCRIPT} (util-linux script) is not installed`); return }
  const run = await onTerminal(['keys', 'new', '--out', path('interrupted.key')], [['passphrase: ', 'zq-typed\u0003']])
  assert.is(run.code, 130, run.output)
  assert.not.ok(run.output.includes('zq-typed'), run.output)
  assert.match(run.output, /cofl: interrupted/)
  assert.not.ok(existsSync(path('interrupted.key')))
})

// --- 3. node start on a port in use --------------------------------------------------------------

async function busyPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve) })
  return { server, port: (server.address() as { port: number }).port }
}

async function closed (server: Server): Promise<void> {
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
}

test('node start on an HTTP port in use: one line naming the port and --http-port / http.port, exit 2, no new data directory left', async () => {
  const { server, port } = await busyPort()
  try {
    const data = path('new-parent/http-data') // its parent is new too
    const run = await runCofl(['node', 'start', '--data', data, '--http-port', String(port)], { env: { COFL_PASSPHRASE: '' } })
    refusedWith(run, new RegExp(`^cofl: the HTTP port ${port} on 127\\.0\\.0\\.1 is in use by another program: choose another with --http-port or the config key http\\.port`), 'http')
    assert.not.match(run.stderr, /internal error|EADDRINUSE/)
    assert.not.ok(existsSync(join(data, 'issuer.key')), 'no issuer key')
    assert.not.ok(existsSync(join(data, 'admin-token')), 'no admin token')
    assert.not.ok(existsSync(path('new-parent')), 'the directories the start created are gone')
  } finally {
    await closed(server)
  }
})

test('node start on a libp2p listen port in use: one line naming the port and --listen / listen, exit 2, nothing left', async () => {
  const { server, port } = await busyPort()
  try {
    const data = path('listen-data')
    const run = await runCofl(['node', 'start', '--data', data, '--http-port', '0', '--listen', `/ip4/127.0.0.1/tcp/${port}`], { env: { COFL_PASSPHRASE: '' } })
    refusedWith(run, new RegExp(`^cofl: the libp2p port ${port} of /ip4/127\\.0\\.0\\.1/tcp/${port} is in use by another program: choose another with --listen or the config key listen`), 'listen')
    assert.not.ok(existsSync(join(data, 'issuer.key')), 'no issuer key')
    assert.not.ok(existsSync(join(data, 'admin-token')), 'no admin token')
    assert.not.ok(existsSync(data))
  } finally {
    await closed(server)
  }
})

test('a failed start in an existing data directory removes only what it created', async () => {
  const data = path('existing-data')
  await mkdir(data)
  await writeFile(join(data, 'notes.txt'), 'mine\n')
  assert.is((await cli('keys', 'new', '--out', join(data, 'issuer.key'), '--unencrypted')).code, 0)
  const key = await readFile(join(data, 'issuer.key'), 'utf8')
  const { server, port } = await busyPort()
  try {
    const run = await runCofl(['node', 'start', '--data', data, '--http-port', String(port)])
    refusedWith(run, `the HTTP port ${port}`, 'existing')
  } finally {
    await closed(server)
  }
  assert.equal((await readdir(data)).sort(), ['issuer.key', 'notes.txt'])
  assert.is(await readFile(join(data, 'issuer.key'), 'utf8'), key, 'the key is untouched')
})

// --- 5. DIDs that do not resolve ---------------------------------------------------------------

test('cofl issue refuses a subject DID that does not resolve, naming it and why; a did:key works', async () => {
  const signed = await cli('achievement', 'sign', '--key', path('issuer.key'), path('fields.json'))
  assert.is(signed.code, 0, signed.stderr)
  await writeFile(path('achievement.signed.json'), signed.stdout)
  const issue = async (subject: string): Promise<Run> => await cli('issue', '--key', path('issuer.key'), '--achievement', path('achievement.signed.json'), '--subject', subject, '--status', path('status'))
  for (const subject of UNRESOLVABLE) {
    const run = await issue(subject)
    refusedWith(run, `the subject ${JSON.stringify(subject)} is not a did:key this node can resolve: `, subject)
    assert.is(run.stdout, '', 'nothing issued')
  }
  refusedWith(await issue('did:web:example.org'), 'the subject "did:web:example.org" cannot be resolved here', 'did:web')
  refusedWith(await issue('did:example:123'), 'cannot be resolved here', 'did:example')
  assert.not.ok(existsSync(path('status')), 'no status index was allocated for a refused subject')
  const ok = await issue(learner)
  assert.is(ok.code, 0, ok.stderr)
  assert.is(JSON.parse(ok.stdout).credentialSubject.id, learner)
})

test('on a node: credential issue and endorse refuse such DIDs (CLI, exit 2) and so does the HTTP API (400); nothing is issued', async () => {
  const data = path('city')
  let node: CityNode | undefined
  try {
    node = createCityNode({ config: { data }, federation: false, signingWorkers: 0 })
    await node.start()
    const created = await cli('achievement', 'create', path('fields.json'), '--data', data)
    assert.is(created.code, 0, created.stderr)
    const achievement = JSON.parse(created.stdout) as Json
    assert.equal(achievement.achievement.criteria, { narrative: 'Attend ten sessions and build a small game' }, 'criteria as a string is a narrative')
    const api = async (route: string, body: Json): Promise<{ status: number, body: Json }> => {
      const response = await fetch(`${(node as CityNode).url}${route}`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${(node as CityNode).adminToken}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000)
      })
      return { status: response.status, body: await response.json() as Json }
    }
    for (const did of [...UNRESOLVABLE, 'did:web:example.org']) {
      const expected = did.startsWith('did:web') ? 'cannot be resolved here' : 'is not a did:key this node can resolve'
      if (!did.includes('\u0000')) { // an argument of a process cannot hold a NUL; the HTTP API's body can
        refusedWith(await cli('credential', 'issue', '--achievement', achievement.id, '--subject', did, '--data', data), expected, `credential issue ${did}`)
        refusedWith(await cli('endorse', did, '--data', data), `the issuer to endorse ${JSON.stringify(did)}`, `endorse ${did}`)
      }
      const issued = await api('/api/credentials', { achievementId: achievement.id, subject: did })
      assert.is(issued.status, 400, `POST /api/credentials ${did}: ${JSON.stringify(issued.body)}`)
      const endorsed = await api('/api/endorsements', { issuer: did })
      assert.is(endorsed.status, 400, `POST /api/endorsements ${did}: ${JSON.stringify(endorsed.body)}`)
      if (did !== 'not-a-did') { // that one the route's schema refuses before the node looks at it
        assert.ok(issued.body.error.message.includes(`the subject ${JSON.stringify(did)} ${expected}`), issued.body.error.message)
        assert.ok(endorsed.body.error.message.includes(`the issuer to endorse ${JSON.stringify(did)} ${expected}`), endorsed.body.error.message)
      }
    }
    const log = await fetch(`${node.url}/api/credentials`, { headers: { authorization: `Bearer ${node.adminToken}` }, signal: AbortSignal.timeout(30_000) })
    assert.equal((await log.json() as Json).credentials, [], 'nothing was issued')
    const ok = await cli('credential', 'issue', '--achievement', achievement.id, '--subject', learner, '--data', data)
    assert.is(ok.code, 0, ok.stderr)
    // A resolvable DID that published no issuer Profile (a learner's): refused too, saying why
    // (node-http.test.ts endorses one whose Profile arrived from its node).
    refusedWith(await cli('endorse', learner, '--comment', 'Ada Lovelace', '--data', data), `this node holds no issuer Profile of ${learner}`, 'endorse a learner')
  } finally {
    await node?.stop()
  }
})

// --- 6. achievements, JSON-LD safe mode, file errors ---------------------------------------------

test('the README\'s tour: criteria as a string signs; issuing from the unsigned fields says to sign them first', async () => {
  const signed = await cli('achievement', 'sign', '--key', path('issuer.key'), path('fields.json'))
  assert.is(signed.code, 0, signed.stderr)
  assert.equal(JSON.parse(signed.stdout).criteria, { narrative: 'Attend ten sessions and build a small game' })
  const unsigned = await cli('issue', '--key', path('issuer.key'), '--achievement', path('fields.json'), '--subject', learner)
  refusedWith(unsigned, `${path('fields.json')} is not a signed achievement: sign it first with \`cofl achievement sign\``, 'unsigned')
  const bin = await runCofl(['issue', '--key', path('issuer.key'), '--achievement', '-', '--subject', learner], { stdin: await readFile(path('fields.json'), 'utf8') })
  refusedWith(bin, 'standard input is not a signed achievement: sign it first', 'unsigned on stdin')
})

test('JSON-LD safe mode refusals name the field and the value, never "Safe mode validation error."', async () => {
  const base = { name: 'X', description: 'Y', criteria: 'Z' }
  const cases: Array<[Json, RegExp]> = [
    [{ ...base, id: 'my-badge' }, /"my-badge" \(at id\) is not an absolute URL or URN/],
    [{ ...base, criteria: { id: 'criteria-page' } }, /"criteria-page" \(at criteria\.id\) is not an absolute URL or URN/],
    [{ ...base, criteria: { narrative: 'Z', text: 'more' } }, /"text" \(at criteria\.text\) is not defined by any of the document's contexts/],
    [{ ...base, colour: 'blue' }, /"colour" is not defined by any of the document's contexts/]
  ]
  for (const [fields, message] of cases) {
    await writeFile(path('bad-fields.json'), JSON.stringify(fields))
    const run = await cli('achievement', 'sign', '--key', path('issuer.key'), path('bad-fields.json'))
    refusedWith(run, message, JSON.stringify(fields))
    assert.not.match(run.stderr, /Safe mode validation error/)
  }
})

test('files that cannot be read or written: said in words, never ENOENT, exit 2', async () => {
  const signed = await cli('achievement', 'sign', '--key', path('issuer.key'), path('fields.json'))
  await writeFile(path('achievement.signed.json'), signed.stdout)
  const issued = await cli('issue', '--key', path('issuer.key'), '--achievement', path('achievement.signed.json'), '--subject', learner, '--status', path('status-of-files'))
  assert.is(issued.code, 0, issued.stderr)
  await writeFile(path('credential.json'), issued.stdout)
  const cases: Array<[string[], string]> = [
    [['issue', '--key', path('missing.key'), '--achievement', path('achievement.signed.json'), '--subject', learner], `cannot read key file ${path('missing.key')}: no such file`],
    [['issue', '--key', path('issuer.key'), '--achievement', path('missing.json'), '--subject', learner], `cannot read ${path('missing.json')}: no such file`],
    [['keys', 'show', '--key', path('missing.key')], `cannot read key file ${path('missing.key')}: no such file`],
    [['keys', 'new', '--out', path('no-dir/new.key'), '--unencrypted'], `cannot write ${path('no-dir/new.key')}: no such directory`],
    [['revoke', '--status', path('no-status'), '--key', path('issuer.key'), path('credential.json')], `cannot read the status directory ${path('no-status')}: no such directory`],
    [['status', 'publish', '--status', path('no-status'), '--key', path('issuer.key')], `cannot read the status directory ${path('no-status')}: no such directory`],
    [['wallet', 'list', '--wallet', path('no-wallet')], `${path('no-wallet')} holds no wallet`],
    [['wallet', 'import', path('missing.json'), '--wallet', path('no-wallet')], `cannot read ${path('missing.json')}: no such file`],
    [['node', 'start', '--config', path('missing-config.json')], 'no such file'],
    [['verify', path('credential.json'), '--status-list', path('missing-list.json')], `cannot read ${path('missing-list.json')}: no such file`]
  ]
  for (const [argv, message] of cases) {
    const run = await cli(...argv)
    refusedWith(run, message, argv.join(' '))
    assert.not.match(run.stderr, /E[A-Z]{3,}/, `no errno code: ${run.stderr}`)
  }
  assert.not.ok(existsSync(path('no-status')), 'a missing status directory is not created by revoke or status publish')
})

test.run()
