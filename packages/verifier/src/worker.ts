/** A worker thread of the batch verifier pool (pool.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { createVerifierFromWorkerInit } from './pool.js'
import type { WorkerInit } from './pool.js'
import type { VerifyPresentationOptions } from './verifier.js'

const verifier = createVerifierFromWorkerInit(workerData as WorkerInit)

parentPort?.on('message', (message: { id: number, inputs: unknown[], options?: VerifyPresentationOptions }) => {
  void (async () => {
    try {
      const reports = []
      for (const input of message.inputs) reports.push(await verifier.verify(input, message.options))
      parentPort?.postMessage({ id: message.id, reports })
    } catch (err) {
      parentPort?.postMessage({ id: message.id, error: (err as Error)?.message ?? String(err) })
    }
  })()
})
