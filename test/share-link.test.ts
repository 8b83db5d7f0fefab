// Share links' codec (node/web/src/lib/share-link.ts, run here in Node, whose CompressionStream
// is the browser's): a presentation round-trips through `#vp=`; reading is bounded (a fragment too
// long, or one that inflates past the limit, is refused before it is parsed, with a sentence and a
// kind); a damaged, cut or foreign fragment says so; a presentation too large is refused when made.
import { deflateRawSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

// The page's code is compiled for the browser by its own project (tsc -p node/web): imported by a
// path the type check does not follow, typed here by what the test uses.
const SHARE = '../node/web/src/lib/share-link.js'
type Json = Record<string, unknown>
const share = await import(SHARE) as {
  MAX_SHARE_JSON_BYTES: number
  MAX_SHARE_FRAGMENT_CHARS: number
  SHARE_CHALLENGE_PREFIX: string
  encodeSharePresentation: (vp: Json) => Promise<string>
  decodeSharePresentation: (data: string) => Promise<Json>
  shareLink: (origin: string, vp: Json) => Promise<string>
  readShareFragment: (hash: string) => Promise<Json | undefined>
  shareChallenge: () => string
  proofTerms: (vp: Json) => { challenge?: string, domain?: string, created?: string }
}

const VP: Json = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiablePresentation'],
  holder: 'did:key:z6MkExample',
  verifiableCredential: [{ id: 'urn:uuid:1', name: 'Python basics — ünïcödé ✓' }],
  proof: { type: 'DataIntegrityProof', challenge: 'cofl-share:abc', domain: 'city.example', created: '2026-12-08T01:00:00Z' }
}

/** What a reading refuses with: its kind (the test fails when it was read). */
async function refusal (data: string): Promise<{ kind: string, message: string }> {
  try {
    await share.decodeSharePresentation(data)
  } catch (err) {
    return { kind: (err as { kind: string }).kind, message: (err as Error).message }
  }
  assert.unreachable('it was read')
  throw new Error('unreachable')
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

test('a presentation round-trips through a share link, and the link is shorter than its JSON', async () => {
  const link = await share.shareLink('https://city.example', VP)
  assert.match(link, /^https:\/\/city\.example\/verify#vp=[A-Za-z0-9_-]+$/)
  assert.equal(await share.readShareFragment(new URL(link).hash), VP)
  assert.equal(await share.readShareFragment('#other=1&vp=' + link.split('#vp=')[1]), VP)
  assert.is(await share.readShareFragment('#claim=x'), undefined, 'a hash with no vp= is no share link')
  const big = { ...VP, verifiableCredential: Array.from({ length: 20 }, (_, i) => ({ id: `urn:uuid:${i}`, name: 'Python basics', description: 'Writes small Python programs' })) }
  const data = await share.encodeSharePresentation(big)
  assert.ok(data.length < JSON.stringify(big).length / 2, `compressed: ${data.length} of ${JSON.stringify(big).length}`)
})

test('the format is raw DEFLATE in base64url: a link made by other code reads', async () => {
  const data = b64url(deflateRawSync(Buffer.from(JSON.stringify(VP))))
  assert.equal(await share.decodeSharePresentation(data), VP)
})

test('a fragment that inflates past the limit is refused without being kept whole', async () => {
  // 2 MiB of spaces inside a JSON string: a few KiB compressed.
  const bomb = Buffer.concat([Buffer.from('{"type":"VerifiablePresentation","x":"'), Buffer.alloc(share.MAX_SHARE_JSON_BYTES * 2, 0x20), Buffer.from('"}')])
  const data = b64url(deflateRawSync(bomb, { level: 9 }))
  assert.ok(data.length < 10_000)
  const refused = await refusal(data)
  assert.is(refused.kind, 'too-large')
  assert.match(refused.message, 'more than 1024 KiB')
  // Just under the limit is read.
  const fits = Buffer.concat([Buffer.from('{"type":"VerifiablePresentation","x":"'), Buffer.alloc(share.MAX_SHARE_JSON_BYTES - 40, 0x20), Buffer.from('"}')])
  assert.ok(fits.length <= share.MAX_SHARE_JSON_BYTES)
  assert.is((await share.decodeSharePresentation(b64url(deflateRawSync(fits)))).type, 'VerifiablePresentation')
})

test('a fragment longer than the limit is refused before it is decoded', async () => {
  const refused = await refusal('A'.repeat(share.MAX_SHARE_FRAGMENT_CHARS + 1))
  assert.is(refused.kind, 'too-long')
})

test('a presentation too large for a link is refused when the link is made', async () => {
  const huge = { ...VP, padding: 'x'.repeat(share.MAX_SHARE_JSON_BYTES) }
  try {
    await share.encodeSharePresentation(huge)
    assert.unreachable('it was encoded')
  } catch (err) {
    assert.is((err as { kind: string }).kind, 'too-large')
    assert.match((err as Error).message, 'download it as a file instead')
  }
})

test('damaged, cut, empty and foreign links each say what is wrong', async () => {
  const data = await share.encodeSharePresentation(VP)
  for (const cut of [1, 2, 3, 4]) assert.is((await refusal(data.slice(0, Math.floor(data.length / 2) - cut))).kind, 'broken', `cut in half (less ${cut})`)
  assert.is((await refusal(`${data.slice(0, 10)}!${data.slice(11)}`)).kind, 'not-base64url', 'a character no base64url has')
  assert.is((await refusal('')).kind, 'broken')
  assert.is((await refusal(b64url(Buffer.from('not deflate at all, just text')))).kind, 'broken')
  assert.is((await refusal(b64url(deflateRawSync(Buffer.from('{"a":'))))).kind, 'not-json')
  assert.is((await refusal(b64url(deflateRawSync(Buffer.from('{"type":"VerifiableCredential"}'))))).kind, 'not-presentation')
  assert.is((await refusal(b64url(deflateRawSync(Buffer.from([0xff, 0xfe, 0x22]))))).kind, 'not-json', 'not UTF-8')
})

test('a share challenge is the share prefix and 32 random bytes; the proof terms are read from the first proof', () => {
  const a = share.shareChallenge()
  const b = share.shareChallenge()
  assert.match(a, /^cofl-share:[A-Za-z0-9_-]{43}$/)
  assert.is.not(a, b)
  assert.equal(share.proofTerms(VP), { challenge: 'cofl-share:abc', domain: 'city.example', created: '2026-12-08T01:00:00Z' })
  assert.equal(share.proofTerms({ ...VP, proof: [{ challenge: 'c' }, { challenge: 'd' }] }), { challenge: 'c' })
  assert.equal(share.proofTerms({ type: 'VerifiablePresentation' }), {})
})

test.run()
