/**
 * Signing credentials on worker threads, so that a node's claims and issues use every core (an
 * eddsa-rdfc-2022 signature of an OpenBadgeCredential costs ~10 ms of canonicalisation). Each
 * worker holds the issuer key; a credential goes to the worker with the fewest under way. With
 * `workers: 0` it signs on the calling thread.
 */
import { Worker } from 'node:worker_threads'
import { signCredential } from '@cofl/credentials'
import type { KeyPair } from '@cofl/identity'
import { NodeError } from './errors.js'

export interface SigningPool {
  readonly workers: number
  sign: <T extends object>(credential: T) => Promise<T>
  close: () => Promise<void>
}

interface Pending { resolve: (signed: never) => void, reject: (err: Error) => void }
interface Slot { worker: Worker, pending: Map<number, Pending>, ready: Promise<void> }

function workerUrl (): URL {
  // From source (tsx, tests) the worker is sign-worker.ts; compiled, sign-worker.js.
  return new URL(import.meta.url.endsWith('.ts') ? './sign-worker.ts' : './sign-worker.js', import.meta.url)
}

function startWorker (workerData: { publicKeyMultibase: string, secretKeyMultibase: string }): Worker {
  const url = workerUrl()
  if (url.pathname.endsWith('.ts')) {
    // From source only: Node 20 does not carry tsx's loader hooks into worker threads.
    const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}) })`
    return new Worker(bootstrap, { eval: true, workerData })
  }
  return new Worker(url, { workerData })
}

export function createSigningPool (init: { key: KeyPair, workers: number }): SigningPool {
  const { key } = init
  if (init.workers === 0 || key.secretKeyMultibase == null) {
    return { workers: 0, sign: async (credential) => await signCredential(credential, { key }) as typeof credential, close: async () => {} }
  }
  let nextId = 0
  let closed = false
  let slots: Slot[] | undefined
  // Started on the first credential: a node that never issues starts no worker.
  const start = (): Slot[] => Array.from({ length: init.workers }, () => {
    const worker = startWorker({ publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase as string })
    worker.unref()
    let ready!: () => void
    const pending = new Map<number, Pending>()
    const slot: Slot = { worker, pending, ready: new Promise<void>((resolve) => { ready = resolve }) }
    worker.on('message', (message: { ready?: boolean, id?: number, signed?: unknown, error?: { message: string, code?: string } }) => {
      if (message.ready === true) { ready(); return }
      const job = pending.get(message.id as number)
      if (job == null) return
      pending.delete(message.id as number)
      if (message.error != null) job.reject(new NodeError(message.error.code ?? 'COFL_ERR_SIGN', message.error.message))
      else job.resolve(message.signed as never)
    })
    worker.on('error', (err) => {
      // A worker that dies fails what it had; later credentials go to the others (or fail).
      for (const [id, job] of pending) { job.reject(new Error(`a signing worker failed: ${err.message}`, { cause: err })); pending.delete(id) }
      slots?.splice(slots.indexOf(slot), 1)
    })
    return slot
  })
  return {
    workers: init.workers,
    async sign (credential) {
      if (closed) throw new Error('the signing pool is closed')
      slots ??= start()
      const slot = slots.reduce<Slot | undefined>((best, s) => best == null || s.pending.size < best.pending.size ? s : best, undefined)
      if (slot == null) return await signCredential(credential, { key }) as typeof credential
      const id = nextId++
      const signed = new Promise<typeof credential>((resolve, reject) => { slot.pending.set(id, { resolve: resolve as (signed: never) => void, reject }) })
      await slot.ready
      slot.worker.postMessage({ id, credential })
      return await signed
    },
    async close () {
      closed = true
      await Promise.all((slots ?? []).map(async (s) => await s.worker.terminate()))
    }
  }
}
