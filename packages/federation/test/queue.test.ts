// The validation queue: a peer holds at most MAX_PEER_VALIDATIONS slots and has at most
// MAX_PEER_QUEUED_VALIDATIONS announcements admitted, everyone together at most
// MAX_QUEUED_VALIDATIONS; other peers' work goes on while one peer's validations hang; dropping a
// peer aborts its work.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ValidationQueue } from '../src/index.js'
import { MAX_CONCURRENT_VALIDATIONS, MAX_PEER_QUEUED_VALIDATIONS, MAX_PEER_VALIDATIONS, MAX_QUEUED_VALIDATIONS } from '../src/tuning.js'

const limits = { concurrency: MAX_CONCURRENT_VALIDATIONS, perPeer: MAX_PEER_VALIDATIONS, perPeerQueued: MAX_PEER_QUEUED_VALIDATIONS, queued: MAX_QUEUED_VALIDATIONS }

/** A validation that hangs until its signal aborts (a block that never comes). */
const hang = async (signal: AbortSignal): Promise<string> => await new Promise((_resolve, reject) => {
  signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
})

test('the limits are sane: a peer fills a fraction of the slots, an honest burst fits its queue', () => {
  assert.ok(MAX_PEER_VALIDATIONS * 2 <= MAX_CONCURRENT_VALIDATIONS)
  assert.ok(MAX_PEER_QUEUED_VALIDATIONS >= 100)
  assert.ok(MAX_QUEUED_VALIDATIONS >= MAX_PEER_QUEUED_VALIDATIONS)
})

test('a peer whose validations hang holds at most its share of slots; others are validated meanwhile', async () => {
  const queue = new ValidationQueue(limits)
  const hanging: Array<Promise<unknown>> = []
  for (let i = 0; i < 64; i++) {
    const ticket = queue.admit('ghost')
    assert.ok(ticket != null)
    hanging.push(ticket.run(hang).catch((err: Error) => err.message).finally(() => { ticket.leave() }))
  }
  await Promise.resolve()
  assert.equal(queue.stats(), { running: MAX_PEER_VALIDATIONS, queued: 64, peers: 1 })
  const honest = queue.admit('honest')
  assert.ok(honest != null)
  const result = await honest.run(async () => 'validated')
  honest.leave()
  assert.is(result, 'validated')
  queue.drop('ghost', new Error('disconnected'))
  const outcomes = await Promise.all(hanging)
  assert.ok(outcomes.every((o) => o === 'disconnected'), 'running ones aborted, waiting ones refused')
  assert.equal(queue.stats(), { running: 0, queued: 0, peers: 0 })
})

test('past the per-peer and the global caps, admission is refused at once; a sync (force) still waits its turn', async () => {
  const queue = new ValidationQueue({ concurrency: 2, perPeer: 1, perPeerQueued: 3, queued: 5 })
  const tickets = [queue.admit('a'), queue.admit('a'), queue.admit('a')]
  assert.ok(tickets.every((t) => t != null))
  assert.is(queue.admit('a'), undefined, 'the peer\'s cap')
  assert.ok(queue.admit('b') != null)
  assert.ok(queue.admit('c') != null)
  assert.is(queue.admit('d'), undefined, 'the global cap')
  const forced = queue.admit('a', true)
  assert.ok(forced != null, 'a sync with the peer is admitted past the caps')
  const order: string[] = []
  const runs = [...tickets, forced].map(async (t, i) => { await t?.run(async () => { order.push(`a${i}`) }); t?.leave() })
  await Promise.all(runs)
  assert.equal(order, ['a0', 'a1', 'a2', 'a3'], 'one at a time, in order')
})

test('a peer dropped while its validation runs sees its signal abort; its next announcement starts afresh', async () => {
  const queue = new ValidationQueue(limits)
  const ticket = queue.admit('p')
  assert.ok(ticket != null)
  const running = ticket.run(hang).catch((err: Error) => err.message)
  await Promise.resolve()
  queue.drop('p', new Error('graylisted'))
  assert.ok(ticket.signal.aborted)
  assert.is(await running, 'graylisted')
  const again = queue.admit('p')
  assert.ok(again != null && !again.signal.aborted)
  ticket.leave()
  again.leave()
  ticket.leave()
  assert.equal(queue.stats(), { running: 0, queued: 0, peers: 0 })
})

test.run()
