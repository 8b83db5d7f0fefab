/**
 * A signing worker of node/src/app/sign-pool.ts: holds the issuer key (from workerData) and signs the
 * credentials it is sent, one message each.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { signCredential } from '@cofl/credentials'
import { keyPairFromMultibase } from '@cofl/identity'

const init = workerData as { publicKeyMultibase: string, secretKeyMultibase: string }
const key = await keyPairFromMultibase(init)

parentPort?.on('message', (message: { id: number, credential: Record<string, unknown> }) => {
  signCredential(message.credential, { key }).then(
    (signed) => { parentPort?.postMessage({ id: message.id, signed }) },
    (err: Error & { code?: string }) => { parentPort?.postMessage({ id: message.id, error: { message: err.message, code: err.code } }) }
  )
})
parentPort?.postMessage({ ready: true })
