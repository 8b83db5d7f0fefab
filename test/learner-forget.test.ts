// A learner's request to be forgotten, end to end (issue 15): a city node runs as its own process
// (`cofl node start`, its keys sealed with a passphrase); a person with a distinctive email, name
// and DID gets offers, claims one and gets a credential issued straight to their DID; `cofl learner
// forget EMAIL` (the real CLI, another process) erases them; then, the node stopped and every level
// database of the data directory compacted (so that old values are out of the files), no file of
// the data directory holds the email, the name or the DID, read as bytes. The control: before the
// request, the same search over the same compacted files finds the DID (names and emails are sealed
// with the data key from the start, so they are never there in clear), and afterwards it still
// finds another learner's DID. And the route itself refuses a caller without the admin token.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClassicLevel } from 'classic-level'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { nodeApi, spawnChild, startNodeProcess, tempDir } from '@cofl/test-support'
import type { Json, NodeProcess, TempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const COFL = fileURLToPath(new URL('../node/bin/cofl.js', import.meta.url))
const PASSPHRASE = 'a passphrase for the forget test'
const EMAIL = 'Zebedee.Forgetme-7781@learners.example'
const NAME = 'Zebedee Quillfeather-Forgetme'

let temp: TempDir
let dir = ''
let node: NodeProcess | undefined
let learner: KeyPair
let other: KeyPair

test.before(async () => {
  temp = await tempDir('cofl-forget-')
  dir = join(temp.path, 'city')
  learner = await generateKeyPair()
  other = await generateKeyPair()
})

test.after(async () => {
  await node?.stop()
  await temp.remove()
})

async function start (): Promise<NodeProcess> {
  node = await startNodeProcess(dir, { name: 'forget', env: { COFL_PASSPHRASE: PASSPHRASE }, isolateEnv: true })
  return node
}

async function stop (): Promise<void> {
  const exit = await node?.stop()
  assert.is(exit?.code, 0, node?.output())
  node = undefined
}

async function ok (method: string, path: string, body: unknown, status: number): Promise<Json> {
  const answer = await nodeApi(node as NodeProcess, method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

async function claim (code: string, key: KeyPair): Promise<Json> {
  const page = await nodeApi(node as NodeProcess, 'GET', `/api/claims/${code}`, undefined, { admin: false })
  assert.is(page.status, 200, JSON.stringify(page.body))
  const vp = await signPresentation(buildPresentation({ holder: key.did, verifiableCredential: [] }), { key, challenge: page.body.challenge, domain: page.body.domain })
  const answer = await nodeApi(node as NodeProcess, 'POST', `/api/claims/${code}`, { presentation: vp }, { admin: false })
  assert.is(answer.status, 201, JSON.stringify(answer.body))
  return answer.body
}

/**
 * Compacts every level database under `root` (a directory with a CURRENT file): old values leave
 * the files, and the tables it rewrites are not compressed (Snappy could split a text into copies).
 */
async function compactAll (root: string): Promise<number> {
  let count = 0
  const entries = await readdir(root, { withFileTypes: true, recursive: true })
  const dirs = [root, ...entries.filter((e) => e.isDirectory()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))]
  for (const d of dirs) {
    if (!(await readdir(d)).includes('CURRENT')) continue
    const db = new ClassicLevel<Uint8Array, Uint8Array>(d, { keyEncoding: 'view', valueEncoding: 'view', compression: false })
    await db.open()
    try {
      await db.compactRange(new Uint8Array([0]), new Uint8Array(64).fill(0xff))
    } finally {
      await db.close()
    }
    count++
  }
  return count
}

/**
 * The files under `root` whose bytes hold one of `texts` (ASCII, in any case), with the text found.
 * Give distinctive parts (a DID's random tail, a surname): level stores a key as its difference
 * from the key before it in a block, and may compress a block, so a whole DID need not be
 * contiguous, while its random part's first occurrence in a block is.
 */
async function filesHolding (root: string, texts: string[]): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)
    const bytes = (await readFile(path)).toString('latin1').toLowerCase()
    for (const text of texts) if (bytes.includes(text.toLowerCase())) found.push(`${text} in ${path}`)
  }
  return found
}

/** The distinctive parts of a learner: the random tail of the DID, the parts of the email and name. */
const traces = (did: string): string[] => [did.slice(-24), EMAIL, 'Zebedee', 'Forgetme-7781', 'Quillfeather']

test('cofl learner forget EMAIL: after it, no file of the data directory holds the email, the name or the DID (compacted, read as bytes)', async () => {
  await start()
  const a = (await ok('POST', '/api/achievements', { name: 'Forgettable A', description: 'A', criteria: 'A' }, 201)).id as string
  const b = (await ok('POST', '/api/achievements', { name: 'Forgettable B', description: 'B', criteria: 'B' }, 201)).id as string
  const first = await ok('POST', '/api/offers', { achievementId: a, name: NAME, email: EMAIL }, 201)
  const claimed = await claim(first.code, learner)
  assert.is(claimed.credential.credentialSubject.id, learner.did)
  const open = await ok('POST', '/api/offers', { achievementId: b, name: NAME, email: EMAIL.toLowerCase() }, 201)
  await ok('POST', '/api/credentials', { achievementId: b, subject: learner.did }, 201)
  // another learner, who stays
  const kept = await ok('POST', '/api/offers', { achievementId: a, name: 'Someone Else', email: 'someone.else@learners.example' }, 201)
  await claim(kept.code, other)
  await stop()

  // the control: the same search over the same compacted files finds the DID before the request
  assert.ok(await compactAll(dir) >= 2, 'the store and the status registry are level databases')
  const before = await filesHolding(dir, traces(learner.did))
  assert.ok(before.some((f) => f.startsWith(learner.did.slice(-24))), `the probe finds the DID before forget: ${before.join('; ')}`)
  assert.equal(before.filter((f) => !f.startsWith(learner.did.slice(-24))), [], 'names and emails are sealed at rest')

  await start()
  const cli = spawnChild({ script: COFL, args: ['learner', 'forget', EMAIL, '--data', dir], env: { ...process.env, COFL_PASSPHRASE: '' } })
  const exit = await Promise.race([cli.exited, new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error(`cofl learner forget did not end:\n${cli.output()}`)) }, 60_000).unref())])
  assert.is(exit.code, 0, cli.output())
  assert.match(cli.stdout(), /^forgotten: .* \(1 email\(s\) and 1 DID\(s\) of this person found\)/)
  assert.match(cli.stdout(), /removed:\n {2}2 the name, email, learner DID and email hash of offers\n {2}2 the learner DID and the copy of the signed credential in issuance records/)
  assert.match(cli.stdout(), /kept:\n.*\n {6}why: /)
  assert.not.ok(cli.stdout().includes(learner.did))
  // what the API shows now: the offers without the person, the open one ended
  const shown = await ok('GET', `/api/offers/${first.offerId as string}`, undefined, 200)
  assert.is(shown.state, 'claimed')
  assert.is(shown.email, undefined)
  assert.is((await ok('GET', `/api/offers/${open.offerId as string}`, undefined, 200)).state, 'expired')
  // revocation still works on the kept record
  const revoked = await ok('POST', '/api/credentials/revoke', { credentialId: claimed.credential.id }, 200)
  assert.ok(revoked.changed)
  await stop()

  // the node ran with the federation: every file and directory it made is this user's alone
  const loose: string[] = []
  for (const entry of [dir, ...(await readdir(dir, { recursive: true })).map((name) => join(dir, name))]) {
    const info = await stat(entry)
    if ((info.mode & 0o777) !== (info.isDirectory() ? 0o700 : 0o600)) loose.push(`${entry} ${(info.mode & 0o777).toString(8)}`)
  }
  assert.equal(loose, [])

  await compactAll(dir)
  assert.equal(await filesHolding(dir, traces(learner.did)), [], 'a trace of the forgotten learner')
  assert.ok((await filesHolding(dir, [other.did.slice(-24)])).length > 0, 'the other learner is still there (the compaction did not wipe everything)')
})

test('the forget route refuses a caller without the admin token, or with a wrong one, and erases nothing', async () => {
  const running = await start()
  try {
    const a = (await ok('POST', '/api/achievements', { name: 'Guarded', description: 'G', criteria: 'G' }, 201)).id as string
    const offer = await ok('POST', '/api/offers', { achievementId: a, name: 'Guarded Person', email: 'guarded@learners.example' }, 201)
    const none = await nodeApi(running, 'POST', '/api/learners/forget', { email: 'guarded@learners.example' }, { admin: false })
    assert.is(none.status, 401)
    assert.is(none.body.error.code, 'COFL_ERR_UNAUTHORIZED')
    const wrong = await nodeApi({ url: running.url, token: 'not-the-token' }, 'POST', '/api/learners/forget', { email: 'guarded@learners.example' })
    assert.is(wrong.status, 403)
    assert.is(wrong.body.error.code, 'COFL_ERR_FORBIDDEN')
    assert.is((await ok('GET', `/api/offers/${offer.offerId as string}`, undefined, 200)).email, 'guarded@learners.example')
    // and bad bodies are 400 with the API's error
    for (const body of [{}, { email: 'a@b.example', did: 'did:key:z6Mk' }, { name: 'x' }, { did: 'nope' }]) {
      const answer = await nodeApi(running, 'POST', '/api/learners/forget', body)
      assert.is(answer.status, 400, JSON.stringify(body))
      assert.is(answer.body.error.code, 'COFL_ERR_BAD_REQUEST')
    }
    // the CLI says what it needs without a round trip
    const usage = spawnChild({ script: COFL, args: ['learner', 'forget', 'nobody', '--data', dir] })
    assert.is((await usage.exited).code, 2)
    assert.match(usage.stderr(), /neither an email .* nor a DID/)
  } finally {
    await stop()
  }
})

test.run()
