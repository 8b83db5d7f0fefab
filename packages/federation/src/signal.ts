/**
 * A timeout that fires on every supported Node. On Node 20, `AbortSignal.any([other,
 * AbortSignal.timeout(ms)])` never aborts when garbage collection runs before `ms` and nothing
 * else references the timeout signal (docs/dependencies.md, "A timeout that never fires"): its timer is
 * cleared when the signal is collected. Here the timer itself holds the controller, so the
 * deadline holds whatever the collector does; `clear()` (or the first abort) releases everything.
 */

export interface TimeoutSignal {
  /** Aborts after `ms` (a TimeoutError) or when one of the other signals aborts (with its reason). */
  readonly signal: AbortSignal
  /** Stops the timer and stops listening to the other signals; call it when the wait is over. */
  clear: () => void
}

/** A signal that aborts after `ms` or with the first of `others` to abort; `clear()` it when done. */
export function timeoutSignal (ms: number, ...others: Array<AbortSignal | undefined>): TimeoutSignal {
  if (!Number.isFinite(ms) || ms < 0) throw new TypeError('ms must be a non-negative number')
  const controller = new AbortController()
  const sources = others.filter((s): s is AbortSignal => s != null)
  let timer: ReturnType<typeof setTimeout> | undefined
  const clear = (): void => {
    if (timer != null) clearTimeout(timer)
    timer = undefined
    for (const source of sources) source.removeEventListener('abort', onAbort)
  }
  const abort = (reason: unknown): void => {
    clear()
    controller.abort(reason)
  }
  function onAbort (this: AbortSignal): void { abort(this.reason) }
  const aborted = sources.find((s) => s.aborted)
  if (aborted != null) {
    controller.abort(aborted.reason)
    return { signal: controller.signal, clear: () => {} }
  }
  for (const source of sources) source.addEventListener('abort', onAbort, { once: true })
  timer = setTimeout(() => { abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')) }, ms)
  // Like AbortSignal.timeout: a pending deadline alone does not keep the process alive.
  timer.unref?.()
  return { signal: controller.signal, clear }
}
