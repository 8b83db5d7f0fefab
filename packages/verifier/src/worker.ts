/** A worker thread of the batch verifier pool (pool.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { proofPathCounts } from '@cofl/credentials'
import { createVerifierFromWorkerInit, verifyAll } from './pool.js'
import type { WorkerInit } from './pool.js'
import type { VerifyPresentationOptions } from './verifier.js'

interface Message { id: number, inputs: unknown[], options?: VerifyPresentationOptions }

const verifier = createVerifierFromWorkerInit(workerData as WorkerInit)

async function answer (message: Message): Promise<void> {
  try {
    const reports = await verifyAll(verifier, message.inputs, message.options)
    // With how many proofs this thread decided on the fast path so far (VerifierPool.proofPathCounts).
    parentPort?.postMessage({ id: message.id, reports, proofPaths: proofPathCounts() })
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error)?.message ?? String(err) })
  }
}

// The pool may send the next chunk before this one is done: chunks are verified one at a time, in order.
let last = Promise.resolve()
parentPort?.on('message', (message: Message) => { last = last.then(async () => { await answer(message) }) })
// Loaded: the pool sends chunks from now on.
parentPort?.postMessage({ ready: true })
