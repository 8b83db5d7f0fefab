// The browser's zlib stand-in (src/zlib-browser.ts, package.json `browser`) against node:zlib:
// CRC-32 the same, and its inflate gives node:zlib's output for streams that node:zlib's deflate
// made at every level and strategy, stored blocks included; it refuses what node:zlib refuses
// (damaged, truncated, a wrong checksum) and output beyond maxOutputLength. So a page reads every
// compressed openbadgecredential chunk that Node reads, and the same bytes.
import { constants, crc32 as nodeCrc32, deflateSync, inflateSync as nodeInflate } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { crc32, inflateSync } from '../src/zlib-browser.js'

/** A deterministic generator (xorshift32), so that a failure can be replayed. */
function random (seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x / 0x100000000
  }
}

/** Bytes with structure (runs, repeats, text, noise) that exercise every kind of deflate block. */
function sample (next: () => number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let i = 0
  while (i < size) {
    const kind = Math.floor(next() * 4)
    const n = Math.min(size - i, 1 + Math.floor(next() * 300))
    if (kind === 0) out.fill(Math.floor(next() * 256), i, i + n)
    else if (kind === 1 && i > 0) for (let k = 0; k < n; k++) out[i + k] = out[i + k - 1 - Math.floor(next() * Math.min(i, 40000))] ?? 0
    else if (kind === 2) for (let k = 0; k < n; k++) out[i + k] = 0x61 + Math.floor(next() * 6)
    else for (let k = 0; k < n; k++) out[i + k] = Math.floor(next() * 256)
    i += n
  }
  return out
}

test('crc32: the same as node:zlib\'s, from 0 and continued', () => {
  const next = random(7)
  for (const size of [0, 1, 13, 1000, 70000]) {
    const data = sample(next, size)
    assert.is(crc32(data), nodeCrc32(data), `size ${size}`)
    assert.is(crc32(data, 12345), nodeCrc32(data, 12345), `size ${size}, continued`)
  }
})

test('inflate: node:zlib\'s output for its own streams, every level and strategy', () => {
  const next = random(42)
  const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED]
  let streams = 0
  for (const size of [0, 1, 2, 100, 4096, 65535, 65536, 70000, 300000]) {
    const data = sample(next, size)
    for (let level = 0; level <= 9; level++) {
      for (const strategy of strategies) {
        const stream = deflateSync(data, { level, strategy })
        const ours = inflateSync(stream)
        assert.ok(Buffer.from(ours).equals(nodeInflate(stream)), `size ${size}, level ${level}, strategy ${strategy}`)
        streams++
      }
    }
  }
  assert.ok(streams >= 400, `${streams} streams`)
})

test('inflate: what node:zlib refuses is refused (damaged, truncated, wrong checksum, a dictionary); beyond the limit a RangeError', () => {
  const next = random(99)
  const data = sample(next, 20000)
  const stream = deflateSync(data)
  const refuses = (bytes: Uint8Array, what: string): void => {
    assert.throws(() => nodeInflate(bytes), undefined, `node:zlib refuses ${what}`)
    assert.throws(() => inflateSync(bytes), undefined, `ours refuses ${what}`)
  }
  refuses(stream.subarray(0, stream.length - 1), 'a missing checksum byte')
  refuses(stream.subarray(0, Math.floor(stream.length / 2)), 'a stream cut in half')
  refuses(Uint8Array.of(), 'nothing')
  const wrongSum = Buffer.from(stream)
  wrongSum[wrongSum.length - 1] = (wrongSum[wrongSum.length - 1] ?? 0) ^ 1
  refuses(wrongSum, 'a wrong Adler-32')
  refuses(Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff), 'an invalid block type')
  refuses(Uint8Array.of(0x79, 0x9c, 0x03, 0x00), 'a bad header check')
  refuses(deflateSync(data, { dictionary: Buffer.from('dictionary') }), 'a preset dictionary')
  // Flipped bytes in the middle: whatever happens, ours never returns other bytes than node:zlib.
  let refused = 0
  for (let i = 0; i < 300; i++) {
    const damaged = Buffer.from(stream)
    const at = 2 + Math.floor(next() * (damaged.length - 6))
    damaged[at] = (damaged[at] ?? 0) ^ (1 << Math.floor(next() * 8))
    let theirs: Buffer | undefined
    try { theirs = nodeInflate(damaged) } catch {}
    let ours: Uint8Array | undefined
    try { ours = inflateSync(damaged) } catch {}
    if (ours === undefined) refused++
    else assert.ok(theirs !== undefined && Buffer.from(ours).equals(theirs), `byte ${at}: ours inflated what node:zlib refused or read differently`)
  }
  assert.ok(refused >= 280, `${refused} of 300 damaged streams refused`)
  assert.throws(() => inflateSync(stream, { maxOutputLength: 19999 }), (err: Error) => err instanceof RangeError)
  assert.is(inflateSync(stream, { maxOutputLength: 20000 }).length, 20000)
})

test('inflate: a small stream that would inflate to 64 MB stops at the limit, having made little more than it', () => {
  const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 })
  assert.ok(bomb.length < 100_000, `${bomb.length} bytes`)
  const before = process.memoryUsage().arrayBuffers
  let peak = before
  const limit = 1024 * 1024
  assert.throws(() => inflateSync(bomb, { maxOutputLength: limit }), (err: Error) => err instanceof RangeError)
  peak = Math.max(peak, process.memoryUsage().arrayBuffers)
  assert.ok(peak - before < 32 * 1024 * 1024, `${peak - before} bytes of buffers after the refusal`)
})

test('the credential text of a compressed openbadgecredential chunk, as node:zlib deflates it, inflates to the same text', () => {
  const text = JSON.stringify({ name: 'a credential baked elsewhere, compressed: Füchse 🦊', pad: 'x'.repeat(5000) })
  assert.is(new TextDecoder().decode(inflateSync(deflateSync(Buffer.from(text)), { maxOutputLength: 16 * 1024 * 1024 })), text)
  // (In Chromium, the verify page reads such a PNG with this inflate: test/browser/verify.test.ts.)
})

test.run()
