// Batch verification on the worker pool gives the same reports, in input order, as createVerifier
// one document at a time; so does a pool of zero workers, and one whose calling thread verifies
// too; and the pool's threads are gone when verifyMany returns. Every wait is bounded.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { proofPathCounts } from '@cofl/credentials'
import type { VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { createVerifier } from '../src/index.js'
import { createVerifierPool, verifyMany, WorkerPoolError, workersFor } from '../src/pool-entry.js'
import type { VerificationReport } from '../src/index.js'
import { createIssuer, tampered } from './helpers.js'

const LIMIT_MS = 60_000

/** `promise`, or a failure after LIMIT_MS. */
async function bounded<T> (what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what}: no answer within ${LIMIT_MS} ms`)) }, LIMIT_MS)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

// Every Worker the pool starts is counted until its thread exits: node:worker_threads' Worker is
// replaced by a counting subclass (syncBuiltinESMExports updates pool.ts's import binding too).
const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')
const OriginalWorker = threads.Worker
const live = new Set<object>()
let started = 0
class CountedWorker extends OriginalWorker {
  constructor (...args: ConstructorParameters<typeof OriginalWorker>) {
    super(...args)
    started++
    live.add(this)
    this.once('exit', () => live.delete(this))
  }
}
threads.Worker = CountedWorker
syncBuiltinESMExports()
test.after(() => { threads.Worker = OriginalWorker; syncBuiltinESMExports() })

/** How many worker threads this process has running. */
function workerThreads (): number {
  return live.size
}

/** The report as data (what crosses a thread boundary). */
const plain = (reports: VerificationReport[]): unknown => JSON.parse(JSON.stringify(reports))

let inputs: VerifiableCredential[]
let expected: VerificationReport[]

test.before(async () => {
  const issuer = await createIssuer()
  const learner = await generateKeyPair()
  inputs = []
  for (let i = 0; i < 40; i++) {
    const credential = await issuer.issue(learner.did, { name: `Badge ${i}` })
    // Every third one tampered, in different places.
    inputs.push(i % 3 !== 1 ? credential : tampered(credential, (c) => { if (i % 2 === 0) c.name = 'Forged'; else c.credentialSubject.id = 'did:example:someone-else' }))
  }
  const verifier = createVerifier()
  expected = []
  for (const input of inputs) expected.push(await verifier.verify(input))
  assert.is(expected.filter((r) => r.verified).length, 27)
  assert.is(expected.filter((r) => !r.verified).length, 13)
})

test('verifyMany with 2 workers: the same verdicts, in input order', async () => {
  const before = workerThreads()
  const startedBefore = started
  const reports = await bounded('verifyMany', verifyMany(inputs, { workers: 2 }))
  assert.is(started - startedBefore, 2, 'verifyMany did not start 2 worker threads')
  assert.is(reports.length, inputs.length)
  assert.equal(reports.map((r) => r.id), inputs.map((c) => c.id))
  assert.equal(reports.map((r) => r.verified), expected.map((r) => r.verified))
  assert.equal(plain(reports), plain(expected))
  assert.is(workerThreads(), before, 'worker threads left running after verifyMany')
})

test('verifyMany with small chunks over 2 workers keeps the order', async () => {
  const reports = await bounded('verifyMany', verifyMany(inputs, { workers: 2, chunk: 3 }))
  assert.equal(plain(reports), plain(expected))
})

test('verifyMany with 0 workers: the same verdicts on the calling thread', async () => {
  const before = workerThreads()
  const startedBefore = started
  const reports = await bounded('verifyMany', verifyMany(inputs, { workers: 0 }))
  assert.equal(plain(reports), plain(expected))
  assert.is(started, startedBefore, 'a worker thread was started')
  assert.is(workerThreads(), before)
})

test('the calling thread verifies too: the same reports in order, from the caller and the workers', async () => {
  const before = workerThreads()
  const pool = createVerifierPool({ workers: 2, callingThread: true, chunk: 1 })
  try {
    // Once loaded, each worker gets a chunk at once; the calling thread takes the others.
    await bounded('pool.ready', pool.ready())
    const here = proofPathCounts()
    const reports = await bounded('pool.verifyMany', pool.verifyMany(inputs))
    assert.equal(plain(reports), plain(expected))
    const now = proofPathCounts()
    const caller = now.fast - here.fast + now.plain - here.plain
    const all = pool.proofPathCounts()
    assert.is(all.fast + all.plain, inputs.length, 'every document decided once')
    assert.ok(caller > 0 && caller < inputs.length, `the calling thread decided ${caller} of ${inputs.length}`)
  } finally {
    await bounded('pool.close', pool.close())
  }
  assert.is(workerThreads(), before, 'worker threads left running after close')
})

test('callingThread: a batch of one chunk starts no worker; verifyMany with 0 workers and callingThread is the calling thread alone', async () => {
  const startedBefore = started
  assert.equal(plain(await bounded('verifyMany', verifyMany(inputs.slice(0, 5), { workers: 2, callingThread: true }))), plain(expected.slice(0, 5)))
  assert.equal(plain(await bounded('verifyMany', verifyMany(inputs, { workers: 0, callingThread: true }))), plain(expected))
  assert.is(started, startedBefore, 'a worker thread was started')
})

test('workersFor: one worker per chunk at the most, less the calling thread\'s, never below 0', () => {
  assert.is(workersFor(40, { workers: 2, chunk: 16 }), 2)
  assert.is(workersFor(40, { workers: 8, chunk: 16 }), 3)
  assert.is(workersFor(40, { workers: 8, chunk: 16, callingThread: true }), 2)
  assert.is(workersFor(16, { workers: 8, chunk: 16, callingThread: true }), 0)
  assert.is(workersFor(0, { workers: 8, callingThread: true }), 0)
  assert.is(workersFor(1000, { workers: 0, callingThread: true }), 0)
})

test('ready() on a closed pool fails; on a pool without workers it resolves at once', async () => {
  const none = createVerifierPool({ workers: 0 })
  await bounded('ready', none.ready())
  await none.close()
  const pool = createVerifierPool({ workers: 1 })
  const waiting = pool.ready().then(() => undefined, (err: unknown) => err)
  await bounded('pool.close', pool.close())
  // Closed before it loaded: refused (had it loaded first, resolved).
  const outcome = await bounded('ready', waiting)
  if (outcome !== undefined) assert.instance(outcome, WorkerPoolError)
  try {
    await pool.ready()
    assert.unreachable('a closed pool is ready')
  } catch (err) {
    assert.instance(err, WorkerPoolError)
  }
})

test('a pool: reused for two batches, then closed; a closed pool refuses work', async () => {
  const before = workerThreads()
  const pool = createVerifierPool({ workers: 2 })
  try {
    assert.is(pool.workers, 2)
    assert.is(workerThreads(), before + 2)
    const first = await bounded('pool.verifyMany', pool.verifyMany(inputs.slice(0, 20)))
    const second = await bounded('pool.verifyMany', pool.verifyMany(inputs.slice(20)))
    assert.equal(plain([...first, ...second]), plain(expected))
  } finally {
    await bounded('pool.close', pool.close())
  }
  assert.is(workerThreads(), before, 'worker threads left running after close')
  try {
    await pool.verifyMany(inputs.slice(0, 1))
    assert.unreachable('a closed pool verified')
  } catch (err) {
    assert.instance(err, WorkerPoolError)
    assert.is((err as WorkerPoolError).code, 'COFL_ERR_VERIFIER_WORKER')
  }
})

test('bad input in a batch gives failed reports, not a failed batch', async () => {
  const mixed: unknown[] = ['not a credential', null, inputs[0], { hello: 1 }, inputs[1]]
  const reports = await bounded('verifyMany', verifyMany(mixed, { workers: 2, chunk: 2 }))
  assert.equal(reports.map((r) => r.verified), [false, false, true, false, false])
  assert.equal(reports.map((r) => r.checks[0]?.code), ['COFL_ERR_NOT_A_CREDENTIAL', 'COFL_ERR_NOT_A_CREDENTIAL', undefined, 'COFL_ERR_NOT_A_CREDENTIAL', undefined])
})

test.run()
