/**
 * One request, one response over a libp2p v3 stream: each a single length-prefixed dag-json frame.
 * The requester half-closes after its request; the responder answers and closes.
 */
import * as dagJson from '@ipld/dag-json'
import * as lp from 'it-length-prefixed'
import type { Stream } from '@libp2p/interface'

/** Reads the first length-prefixed frame of a stream (undefined when the stream ends first). */
export async function readFrame (stream: Stream, maxBytes: number): Promise<Uint8Array | undefined> {
  // eslint-disable-next-line no-unreachable-loop -- the first frame only; leaving the loop closes the stream's iterator
  for await (const frame of lp.decode(stream, { maxDataLength: maxBytes })) {
    return frame.subarray()
  }
  return undefined
}

/** Sends one frame, waiting for the stream to drain when its buffer is full. */
export async function writeFrame (stream: Stream, value: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
  const bytes = dagJson.encode(value)
  if (!stream.send(lp.encode.single(bytes))) await stream.onDrain(options)
}

export function decodeFrame (bytes: Uint8Array): unknown {
  return dagJson.decode(bytes)
}
