// POST /api/verify reads every body with @cofl/formats' readCredential, as `cofl verify`, the
// batch and the verify page read theirs: JSON bodies (every JSON media type, with parameters),
// baked PNG and SVG badges, a baked VC-JWT (reported as not supported), and each refusal with its
// status and code: not JSON (400 COFL_ERR_BAD_JSON, prototype poisoning included), not the image
// its type says, an image with nothing baked or damaged (400 COFL_ERR_BAD_REQUEST naming the
// COFL_ERR_BAKE_* code), any other type (415).
import { join } from 'node:path'
import { bakePng, bakeSvg, defaultBadgePng, defaultBadgeSvg } from '@cofl/formats'
import { tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import type { TestIssuer } from '@cofl/test-support/issuers'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'

type Json = Record<string, any>

let dir: TempDir | undefined
let node: CityNode
let issuer: TestIssuer
let credential: Json

async function verify (body: string | Uint8Array, type: string): Promise<{ status: number, body: Json }> {
  const response = await fetch(`${node.url}/api/verify`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : Buffer.from(body), signal: AbortSignal.timeout(20_000) })
  return { status: response.status, body: await response.json() as Json }
}

const JWS = `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`

test.before(async () => {
  dir = await tempDir('cofl-verify-bytes-')
  node = createCityNode({ config: { data: join(dir.path, 'city'), name: 'Plymouth City of Learning' }, federation: false, signingWorkers: 0 })
  await node.start()
  issuer = await createIssuer()
  credential = await issuer.issue(issuer.did) as unknown as Json
})

test.after(async () => {
  await node?.stop()
  await issuer?.close()
  await dir?.remove()
})

test('JSON bodies, in every JSON media type: the wrapper read, then checked against its schema', async () => {
  for (const type of ['application/json', 'application/json; charset=utf-8', 'application/ld+json', 'application/vc+ld+json']) {
    const answer = await verify(`\uFEFF${JSON.stringify({ verifiableCredential: credential })}`, type)
    assert.is(answer.status, 200, `${type}: ${JSON.stringify(answer.body)}`)
    assert.is(answer.body.verdict, 'valid', type)
  }
  const both = await verify(JSON.stringify({ verifiableCredential: credential, verifiablePresentation: {} }), 'application/json')
  assert.equal([both.status, both.body.error?.code], [400, 'COFL_ERR_BAD_REQUEST'])
})

test('baked badges: a PNG and an SVG verify as the credential; a baked VC-JWT is reported as not supported', async () => {
  const png = await verify(bakePng(defaultBadgePng(), credential), 'image/png')
  assert.equal([png.status, png.body.verdict, png.body.id], [200, 'valid', credential.id])
  const svg = await verify(bakeSvg(defaultBadgeSvg('Coding Club'), credential), 'image/svg+xml; charset=utf-8')
  assert.equal([svg.status, svg.body.verdict], [200, 'valid'])
  const jwt = await verify(bakePng(defaultBadgePng(), JWS), 'image/png')
  assert.is(jwt.status, 200)
  assert.is(jwt.body.verdict, 'indeterminate')
  const proof = (jwt.body.checks as Json[]).find((c) => c.id === 'proof')
  assert.equal([proof?.outcome, proof?.code], ['indeterminate', 'COFL_ERR_PROOF_UNSUPPORTED'])
  assert.match(proof?.reason, /VC-JWT credentials are not supported/)
  assert.match(proof?.reason, /EdDSA/)
})

test('refusals: their status, code and message', async () => {
  const cases: Array<[string, string | Uint8Array, string, number, string, RegExp]> = [
    ['an empty JSON body', '', 'application/json', 400, 'COFL_ERR_BAD_JSON', /^the body is not JSON/],
    ['prototype poisoning', '{"verifiableCredential": {"__proto__": {"x": 1}}}', 'application/json', 400, 'COFL_ERR_BAD_JSON', /prototype poisoning/],
    ['a PNG sent as JSON', bakePng(defaultBadgePng(), credential), 'application/json', 400, 'COFL_ERR_BAD_JSON', /is a PNG image, not JSON/],
    ['JSON sent as a PNG', JSON.stringify(credential), 'image/png', 400, 'COFL_ERR_BAD_REQUEST', /not a PNG image .*\(COFL_ERR_BAKE_NOT_PNG\)$/],
    ['a PNG sent as an SVG', defaultBadgePng(), 'image/svg+xml', 400, 'COFL_ERR_BAD_REQUEST', /\(COFL_ERR_BAKE_NOT_SVG\)$/],
    ['a PNG with nothing baked', defaultBadgePng(), 'image/png', 400, 'COFL_ERR_BAD_REQUEST', /^the body is a PNG image with no baked credential \(no iTXt chunk "openbadgecredential"\) \(COFL_ERR_BAKE_NO_CREDENTIAL\)$/],
    ['a damaged PNG', bakePng(defaultBadgePng(), credential).subarray(0, 100), 'image/png', 400, 'COFL_ERR_BAD_REQUEST', /truncated.*\(COFL_ERR_BAKE_MALFORMED\)$/],
    ['text', JSON.stringify({ verifiableCredential: credential }), 'text/plain', 415, 'COFL_ERR_UNSUPPORTED_MEDIA_TYPE', /./]
  ]
  for (const [what, body, type, status, code, message] of cases) {
    const answer = await verify(body, type)
    assert.is(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`)
    assert.is(answer.body.error?.code, code, what)
    assert.match(answer.body.error?.message, message, what)
  }
  // and the node still serves
  assert.is((await verify(JSON.stringify({ verifiableCredential: credential }), 'application/json')).body.verdict, 'valid')
})

test.run()
