/**
 * Batch verification on a pool of worker threads, one per core by default. Each worker runs the
 * same pipeline (createVerifier) on chunks of documents; the reports come back in input order.
 * Only what can cross a thread boundary configures a pool: status lists and flags, no functions.
 * With `callingThread`, the thread that calls verifyMany verifies chunks from the same queue too:
 * a batch starts at once instead of after the workers have loaded, and one core needs no worker.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { proofPathCounts } from '@cofl/credentials'
import { DEFAULT_BATCH_CHUNK, WORKER_JOBS_IN_FLIGHT } from './constants.js'
import { WorkerPoolError } from './errors.js'
import type { VerificationReport } from './report.js'
import { createVerifier } from './verifier.js'
import type { Verifier, VerifyPresentationOptions } from './verifier.js'

export interface PoolInit {
  /** How many worker threads (default: one per core; 0 verifies on the calling thread). */
  workers?: number
  /**
   * The calling thread verifies too: while a verifyMany call waits, it takes chunks from the same
   * queue as the workers (default false). For a one-shot batch (a command line tool), not for a
   * server: it keeps the caller's event loop busy, apart from short breaks between chunks.
   */
  callingThread?: boolean
  statusLists?: readonly unknown[] | ReadonlyMap<string, unknown>
  strictStatusListLength?: boolean
  /** Verify as at this time (tests). */
  at?: string
  /** Documents per message to a worker. */
  chunk?: number
}

export interface WorkerInit {
  statusLists?: readonly unknown[] | ReadonlyMap<string, unknown>
  strictStatusListLength?: boolean
  at?: string
}

export interface VerifierPool {
  /** How many worker threads. */
  readonly workers: number
  verifyMany(inputs: readonly unknown[], options?: VerifyPresentationOptions): Promise<VerificationReport[]>
  /**
   * How many proof sets the pool's threads decided on the fast eddsa-rdfc-2022 path and on the
   * plain pipeline so far (@cofl/credentials' proofPathCounts, summed over the workers, and the
   * calling thread's since the pool was made when it verifies).
   */
  proofPathCounts(): { fast: number, plain: number }
  /** Resolves once every worker has loaded (a worker gets chunks from then on); rejects when one fails. */
  ready(): Promise<void>
  close(): Promise<void>
}

interface PathCounts { fast: number, plain: number }

interface Job { id: number, inputs: unknown[], options: VerifyPresentationOptions | undefined, resolve: (reports: VerificationReport[]) => void, reject: (err: Error) => void }

function workerUrl (): URL {
  // From source (tsx, tests) the worker is worker.ts; compiled, worker.js.
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url)
}

function startWorker (workerData: WorkerInit): Worker {
  const url = workerUrl()
  if (url.pathname.endsWith('.ts')) {
    // From source only: Node 20 does not carry tsx's loader hooks into worker threads, so the
    // worker registers them before it imports worker.ts.
    const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}) })`
    return new Worker(bootstrap, { eval: true, workerData })
  }
  return new Worker(url, { workerData })
}

/** Verifies `inputs` one after the other with `verifier` (a worker's loop, and the calling thread's). */
export async function verifyAll (verifier: Verifier, inputs: readonly unknown[], options?: VerifyPresentationOptions): Promise<VerificationReport[]> {
  const reports: VerificationReport[] = []
  for (const input of inputs) reports.push(await verifier.verify(input, options))
  return reports
}

/** A turn of the event loop, so that workers' answers are read and they get their next chunks. */
async function breather (): Promise<void> {
  await new Promise<void>((resolve) => { setImmediate(resolve) })
}

export function createVerifierPool (init: PoolInit = {}): VerifierPool {
  const count = init.workers ?? availableParallelism()
  if (!Number.isInteger(count) || count < 0) throw new TypeError('workers must be a whole number >= 0')
  const chunk = init.chunk ?? DEFAULT_BATCH_CHUNK
  const workerInit: WorkerInit = {
    ...(init.statusLists != null ? { statusLists: init.statusLists } : {}),
    ...(init.strictStatusListLength != null ? { strictStatusListLength: init.strictStatusListLength } : {}),
    ...(init.at != null ? { at: init.at } : {})
  }
  // Without workers the calling thread does it all.
  const callingThread = count === 0 || init.callingThread === true
  let verifier: Verifier | undefined
  const before = proofPathCounts()

  const workers: Worker[] = []
  const queue: Job[] = []
  // The chunks each worker holds, in the order it answers them; a worker is here once it has loaded.
  const busy = new Map<Worker, Job[]>()
  const answered = new Set<Worker>()
  const paths = new Map<Worker, PathCounts>()
  let nextId = 0
  let closed = false
  let failure: Error | undefined
  const waiting: Array<{ resolve: () => void, reject: (err: Error) => void }> = []

  function dispatch (): void {
    // A worker that has answered holds up to WORKER_JOBS_IN_FLIGHT chunks, so that it has the next
    // one at hand while the calling thread, verifying too, has not yet read its answer; before its
    // first answer (a cold worker is slow), one.
    for (const [worker, jobs] of busy) {
      while (jobs.length < (answered.has(worker) ? WORKER_JOBS_IN_FLIGHT : 1) && queue.length > 0) {
        const job = queue.shift() as Job
        jobs.push(job)
        worker.postMessage({ id: job.id, inputs: job.inputs, options: job.options })
      }
    }
  }

  function fail (err: Error): void {
    failure ??= err
    for (const job of [...[...busy.values()].flat(), ...queue.splice(0)]) job.reject(err)
    for (const jobs of busy.values()) jobs.length = 0
    for (const w of waiting.splice(0)) w.reject(err)
  }

  /** Workers keep the process alive while there is work for them or a caller waits for them. */
  function hold (): void {
    for (const w of workers) w.ref()
  }

  function release (): void {
    if (queue.length === 0 && waiting.length === 0 && [...busy.values()].every((jobs) => jobs.length === 0)) for (const w of workers) w.unref()
  }

  /** The calling thread's share: chunks from the queue until it is empty. */
  async function verifyHere (): Promise<void> {
    verifier ??= createVerifierFromWorkerInit(workerInit)
    for (let job = queue.shift(); job != null; job = queue.shift()) {
      try {
        job.resolve(await verifyAll(verifier, job.inputs, job.options))
      } catch (err) {
        job.reject(err as Error)
      }
      if (count > 0) await breather()
    }
  }

  for (let i = 0; i < count; i++) {
    const worker = startWorker(workerInit)
    worker.on('message', (message: { ready?: boolean, id: number, reports?: VerificationReport[], error?: string, proofPaths?: PathCounts }) => {
      if (message.ready === true) {
        // Loaded: from now on it gets chunks (while it loads, the calling thread may do them all).
        if (failure != null) return
        busy.set(worker, [])
        if (busy.size === count) for (const w of waiting.splice(0)) w.resolve()
        dispatch()
        return
      }
      if (message.proofPaths != null) paths.set(worker, message.proofPaths)
      answered.add(worker)
      const job = busy.get(worker)?.shift()
      if (job != null) {
        if (message.reports != null) job.resolve(message.reports)
        else job.reject(new WorkerPoolError(`a verifier worker failed: ${String(message.error)}`))
      }
      dispatch()
    })
    worker.on('error', (err) => { fail(new WorkerPoolError(`a verifier worker died: ${err.message}`, { cause: err })) })
    worker.on('exit', (code) => { if (!closed) fail(new WorkerPoolError(`a verifier worker exited (code ${code})`)) })
    worker.unref()
    workers.push(worker)
  }

  return {
    workers: count,
    async verifyMany (inputs, options) {
      if (closed) throw new WorkerPoolError('the verifier pool is closed')
      if (failure != null) throw failure
      const parts: Array<Promise<VerificationReport[]>> = []
      for (let start = 0; start < inputs.length; start += chunk) {
        parts.push(new Promise<VerificationReport[]>((resolve, reject) => {
          queue.push({ id: nextId++, inputs: inputs.slice(start, start + chunk), options, resolve, reject })
        }))
      }
      hold()
      dispatch()
      try {
        if (callingThread) await verifyHere()
        return (await Promise.all(parts)).flat()
      } finally {
        release()
      }
    },
    proofPathCounts () {
      const sum = { fast: 0, plain: 0 }
      if (callingThread) {
        const now = proofPathCounts()
        sum.fast += now.fast - before.fast
        sum.plain += now.plain - before.plain
      }
      for (const c of paths.values()) { sum.fast += c.fast; sum.plain += c.plain }
      return sum
    },
    async ready () {
      if (failure != null) throw failure
      if (closed) throw new WorkerPoolError('the verifier pool is closed')
      if (busy.size === count) return
      hold()
      try {
        await new Promise<void>((resolve, reject) => { waiting.push({ resolve, reject }) })
      } finally {
        release()
      }
    },
    async close () {
      closed = true
      for (const w of waiting.splice(0)) w.reject(new WorkerPoolError('the verifier pool is closed'))
      await Promise.all(workers.map(async (w) => await w.terminate()))
    }
  }
}

/** The verifier a worker (or a zero-worker pool) runs. */
export function createVerifierFromWorkerInit (init: WorkerInit): ReturnType<typeof createVerifier> {
  const at = init.at != null ? new Date(init.at) : undefined
  return createVerifier({
    ...(init.statusLists != null ? { statusLists: init.statusLists } : {}),
    ...(init.strictStatusListLength != null ? { strictStatusListLength: init.strictStatusListLength } : {}),
    ...(at != null ? { now: () => at } : {})
  })
}

/** How many workers a batch of `documents` needs at the most: one per chunk, less the calling thread's. */
export function workersFor (documents: number, init: PoolInit = {}): number {
  const chunks = Math.ceil(documents / (init.chunk ?? DEFAULT_BATCH_CHUNK))
  return Math.max(0, Math.min(init.workers ?? availableParallelism(), chunks - (init.callingThread === true ? 1 : 0)))
}

/** Verifies many documents on a pool that lives for this call only. */
export async function verifyMany (inputs: readonly unknown[], init: PoolInit & VerifyPresentationOptions = {}): Promise<VerificationReport[]> {
  const { challenge, domain, ...poolInit } = init
  const pool = createVerifierPool({ ...poolInit, workers: workersFor(inputs.length, poolInit) })
  try {
    return await pool.verifyMany(inputs, { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) })
  } finally {
    await pool.close()
  }
}
