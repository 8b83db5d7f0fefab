/** A worker thread of the batch verifier pool (pool.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { proofPathCounts } from '@cofl/credentials'
import { createVerifierFromWorkerInit } from './pool.js'
import type { WorkerInit } from './pool.js'
import type { VerifyPresentationOptions } from './verifier.js'

const verifier = createVerifierFromWorkerInit(workerData as WorkerInit)

parentPort?.on('message', (message: { id: number, inputs: unknown[], options?: VerifyPresentationOptions }) => {
  void (async () => {
    try {
      const reports = []
      for (const input of message.inputs) reports.push(await verifier.verify(input, message.options))
      // With how many proofs this thread decided on the fast path so far (VerifierPool.proofPathCounts).
      parentPort?.postMessage({ id: message.id, reports, proofPaths: proofPathCounts() })
    } catch (err) {
      parentPort?.postMessage({ id: message.id, error: (err as Error)?.message ?? String(err) })
    }
  })()
})
