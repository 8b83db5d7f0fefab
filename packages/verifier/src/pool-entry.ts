/**
 * `@cofl/verifier/pool`, Node only: batch verification on a pool of worker threads
 * (node:worker_threads, one per core by default: node:os), each running the pipeline of the main
 * entry on chunks of documents. Kept out of `@cofl/verifier` so that the main entry's import graph
 * holds no Node built-in and runs in a browser.
 *
 * @example
 * ```ts
 * import { createVerifierPool, verifyMany } from '@cofl/verifier/pool'
 *
 * const reports = await verifyMany(manyCredentials, { workers: 2 }) // a pool for this call only
 * // a command line batch: the calling thread verifies too, and starts before the workers have loaded
 * const batch = await verifyMany(manyCredentials, { workers: 1, callingThread: true })
 * const pool = createVerifierPool({ statusLists })                  // a pool kept warm
 * await pool.verifyMany(more); await pool.close()
 * ```
 */
export { createVerifierPool, verifyMany, workersFor } from './pool.js'
export type { PoolInit, VerifierPool } from './pool.js'
export { WorkerPoolError } from './errors.js'
