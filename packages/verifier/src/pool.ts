/**
 * Batch verification on a pool of worker threads, one per core by default. Each worker runs the
 * same pipeline (createVerifier) on chunks of documents; the reports come back in input order.
 * Only what can cross a thread boundary configures a pool: status lists and flags, no functions.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { proofPathCounts } from '@cofl/credentials'
import { DEFAULT_BATCH_CHUNK } from './constants.js'
import { WorkerPoolError } from './errors.js'
import type { VerificationReport } from './report.js'
import { createVerifier } from './verifier.js'
import type { VerifyPresentationOptions } from './verifier.js'

export interface PoolInit {
  /** How many worker threads (default: one per core; 0 verifies on the calling thread). */
  workers?: number
  statusLists?: readonly unknown[] | ReadonlyMap<string, unknown>
  keyFromFragment?: boolean
  strictStatusListLength?: boolean
  /** Verify as at this time (tests). */
  at?: string
  /** Documents per message to a worker. */
  chunk?: number
}

export interface WorkerInit {
  statusLists?: readonly unknown[] | ReadonlyMap<string, unknown>
  keyFromFragment?: boolean
  strictStatusListLength?: boolean
  at?: string
}

export interface VerifierPool {
  readonly workers: number
  verifyMany(inputs: readonly unknown[], options?: VerifyPresentationOptions): Promise<VerificationReport[]>
  /**
   * How many proof sets the pool's threads decided on the fast eddsa-rdfc-2022 path and on the
   * plain pipeline so far (@cofl/credentials' proofPathCounts, summed over the workers).
   */
  proofPathCounts(): { fast: number, plain: number }
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

export function createVerifierPool (init: PoolInit = {}): VerifierPool {
  const count = init.workers ?? availableParallelism()
  if (!Number.isInteger(count) || count < 0) throw new TypeError('workers must be a whole number >= 0')
  const chunk = init.chunk ?? DEFAULT_BATCH_CHUNK
  const workerInit: WorkerInit = {
    ...(init.statusLists != null ? { statusLists: init.statusLists } : {}),
    ...(init.keyFromFragment != null ? { keyFromFragment: init.keyFromFragment } : {}),
    ...(init.strictStatusListLength != null ? { strictStatusListLength: init.strictStatusListLength } : {}),
    ...(init.at != null ? { at: init.at } : {})
  }

  if (count === 0) {
    const verifier = createVerifierFromWorkerInit(workerInit)
    const before = proofPathCounts()
    return {
      workers: 0,
      async verifyMany (inputs, options) {
        const reports: VerificationReport[] = []
        for (const input of inputs) reports.push(await verifier.verify(input, options))
        return reports
      },
      proofPathCounts () {
        const now = proofPathCounts()
        return { fast: now.fast - before.fast, plain: now.plain - before.plain }
      },
      async close () {}
    }
  }

  const queue: Job[] = []
  const idle: Worker[] = []
  const busy = new Map<Worker, Job>()
  const paths = new Map<Worker, PathCounts>()
  let nextId = 0
  let closed = false
  let failure: Error | undefined

  function dispatch (): void {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker
      const job = queue.shift() as Job
      busy.set(worker, job)
      worker.postMessage({ id: job.id, inputs: job.inputs, options: job.options })
    }
  }

  function fail (err: Error): void {
    failure ??= err
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(err)
    busy.clear()
  }

  const workers: Worker[] = []
  for (let i = 0; i < count; i++) {
    const worker = startWorker(workerInit)
    worker.on('message', (message: { id: number, reports?: VerificationReport[], error?: string, proofPaths?: PathCounts }) => {
      if (message.proofPaths != null) paths.set(worker, message.proofPaths)
      const job = busy.get(worker)
      busy.delete(worker)
      idle.push(worker)
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
    idle.push(worker)
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
      for (const w of workers) w.ref()
      dispatch()
      try {
        return (await Promise.all(parts)).flat()
      } finally {
        if (queue.length === 0 && busy.size === 0) for (const w of workers) w.unref()
      }
    },
    proofPathCounts () {
      const sum = { fast: 0, plain: 0 }
      for (const c of paths.values()) { sum.fast += c.fast; sum.plain += c.plain }
      return sum
    },
    async close () {
      closed = true
      await Promise.all(workers.map(async (w) => await w.terminate()))
    }
  }
}

/** The verifier a worker (or a zero-worker pool) runs. */
export function createVerifierFromWorkerInit (init: WorkerInit): ReturnType<typeof createVerifier> {
  const at = init.at != null ? new Date(init.at) : undefined
  return createVerifier({
    ...(init.statusLists != null ? { statusLists: init.statusLists } : {}),
    ...(init.keyFromFragment != null ? { keyFromFragment: init.keyFromFragment } : {}),
    ...(init.strictStatusListLength != null ? { strictStatusListLength: init.strictStatusListLength } : {}),
    ...(at != null ? { now: () => at } : {})
  })
}

/** Verifies many documents on a pool that lives for this call only. */
export async function verifyMany (inputs: readonly unknown[], init: PoolInit & VerifyPresentationOptions = {}): Promise<VerificationReport[]> {
  const { challenge, domain, ...poolInit } = init
  const pool = createVerifierPool({ ...poolInit, workers: Math.min(poolInit.workers ?? availableParallelism(), Math.ceil(inputs.length / (poolInit.chunk ?? DEFAULT_BATCH_CHUNK))) })
  try {
    return await pool.verifyMany(inputs, { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) })
  } finally {
    await pool.close()
  }
}
