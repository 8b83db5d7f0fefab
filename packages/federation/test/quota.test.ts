// Per-peer sync quotas: documents and bytes per window, per peer, a new window once one is over.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PeerQuotas } from '../src/index.js'
import { SYNC_PEER_BYTES_PER_WINDOW, SYNC_PEER_DOCUMENTS_PER_WINDOW, SYNC_QUOTA_WINDOW_MS } from '../src/tuning.js'

test('documents and bytes per peer per window; another peer has its own; the next window starts afresh', () => {
  let now = 1_000_000
  const quotas = new PeerQuotas({ documents: 10, bytes: 1000, windowMs: 60_000 }, () => now)
  assert.ok(quotas.allows('a', 10))
  assert.not.ok(quotas.allows('a', 11), 'a batch past the documents left')
  quotas.count('a', 8, 100)
  assert.ok(quotas.allows('a', 2))
  assert.not.ok(quotas.allows('a', 3))
  assert.ok(quotas.allows('b', 10), 'each peer its own')
  quotas.count('a', 0, 900)
  assert.not.ok(quotas.allows('a', 1), 'bytes used up')
  assert.equal(quotas.used('a'), { documents: 8, bytes: 1000 })
  now += 59_999
  assert.not.ok(quotas.allows('a', 1))
  now += 1
  assert.ok(quotas.allows('a', 10), 'a new window')
  assert.equal(quotas.used('a'), { documents: 0, bytes: 0 })
  quotas.count('b', 1, 1)
  now += 60_000
  quotas.sweep()
  assert.equal(quotas.used('b'), { documents: 0, bytes: 0 })
})

test('the defaults do not slow an honest catch-up: 10,000 achievements (~2 KB each with their headers) fit one window', () => {
  assert.is(SYNC_QUOTA_WINDOW_MS, 60_000)
  assert.ok(SYNC_PEER_DOCUMENTS_PER_WINDOW >= 10_000)
  assert.ok(SYNC_PEER_BYTES_PER_WINDOW >= 10_000 * 2048)
})

test.run()
