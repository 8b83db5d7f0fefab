// timeoutSignal: the deadline of every network wait in the federation. On Node 20,
// AbortSignal.any([..., AbortSignal.timeout(ms)]) never fires once the garbage collector has run
// before `ms` (docs/dependencies.md); this one must, whatever the collector does.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { timeoutSignal } from '../src/index.js'
import { forceGc } from './helpers.js'

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

test('the timeout fires after forced garbage collections between its creation and its deadline', async () => {
  const stop = new AbortController()
  // Only the combined signal is kept, as a fetch keeps it: nothing else references the timer's state.
  const signals = Array.from({ length: 8 }, () => timeoutSignal(500, stop.signal).signal)
  let fired = 0
  for (const signal of signals) signal.addEventListener('abort', () => { fired++ })
  // Collections over most of the wait, so that their finalizers run well before the deadline
  // (with AbortSignal.timeout inside AbortSignal.any, that is what clears its timer).
  for (let i = 0; i < 6; i++) { forceGc(); await sleep(50) }
  await sleep(500)
  forceGc()
  assert.is(fired, signals.length, 'every deadline fired')
  for (const signal of signals) {
    assert.ok(signal.aborted)
    assert.is((signal.reason as Error).name, 'TimeoutError')
  }
})

test('another signal aborts it first, with that signal\'s reason; clear() stops the timer and the listeners', async () => {
  const stop = new AbortController()
  const first = timeoutSignal(10_000, stop.signal, undefined)
  stop.abort(new Error('stopped'))
  assert.ok(first.signal.aborted)
  assert.is((first.signal.reason as Error).message, 'stopped')

  const already = timeoutSignal(10_000, stop.signal)
  assert.ok(already.signal.aborted, 'an aborted source aborts it at once')

  const other = new AbortController()
  const cleared = timeoutSignal(30, other.signal)
  cleared.clear()
  forceGc()
  await sleep(80)
  other.abort(new Error('late'))
  assert.not.ok(cleared.signal.aborted, 'neither the timer nor the other signal aborts it after clear()')
  assert.throws(() => timeoutSignal(-1), TypeError)
})

test.run()
