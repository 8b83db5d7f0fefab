import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_WAIT_EVERY_MS } from './constants.js'

export interface WaitOptions {
  /** Give up after this many milliseconds. */
  ms?: number
  /** Give up once this signal is aborted (`AbortSignal.timeout(...)`, or the test's own). */
  signal?: AbortSignal
  /** More to tell when it gives up, such as the output of the processes under test; asked for then. */
  detail?: () => string
}

/** A time limit in milliseconds, a signal, or both (and more) as options. */
export type WaitBound = number | AbortSignal | WaitOptions

/**
 * Tries `condition` until it holds, every `everyMs` (20), and gives up with an error that names `what`
 * was awaited once the time limit has passed or the signal is aborted (whichever comes first).
 * The condition is always tried once more before giving up; an error it throws ends the wait.
 *
 * @example
 * await waitFor('the list on b', async () => (await store.collection('status-lists').get(id)) != null, AbortSignal.timeout(10_000))
 * await waitFor('B reconnected', async () => (await peers(b)) === 2, { ms: 30_000, detail: () => b.output() }, 100)
 */
export async function waitFor (what: string, condition: () => boolean | Promise<boolean>, bound: WaitBound, everyMs = DEFAULT_WAIT_EVERY_MS): Promise<void> {
  const options: WaitOptions = typeof bound === 'number' ? { ms: bound } : bound instanceof AbortSignal ? { signal: bound } : bound
  if (options.ms == null && options.signal == null) throw new TypeError('bound must give a time limit (ms) or a signal: a wait without one can hang the suite')
  const deadline = options.ms != null ? Date.now() + options.ms : Infinity
  while (!(await condition())) {
    const late = Date.now() > deadline
    const aborted = options.signal?.aborted === true
    if (late || aborted) {
      const after = late && options.ms != null ? ` after ${options.ms / 1000} s` : ''
      const detail = options.detail?.() ?? ''
      throw new Error(`timed out${after} waiting for ${what}${detail !== '' ? `\n${detail}` : ''}`, aborted && !late ? { cause: options.signal?.reason } : undefined)
    }
    await sleep(everyMs)
  }
}
