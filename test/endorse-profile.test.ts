// A learning provider without a node of its own is endorsed on the strength of its self-signed
// issuer Profile (POST /api/endorsements `profile`, docs/api.md): accepted when it is a Profile of
// that DID signed by that DID's key, and then the provider is trusted (GET /api/trust/:did);
// refused (400, saying why) when it is signed by another key, changed after signing, another DID's
// or no Profile; a DID alone, whose Profile this node does not hold, is still refused (404). Also
// through the CLI: `cofl keys profile` writes the signed Profile, `cofl endorse FILE` hands it over.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildProfileDocument, signDocument, verifyDocumentProof } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { api } from './fixtures/city-api.js'
import type { Json } from './fixtures/city-api.js'
import { cli } from './fixtures/cli.js'

let dir: TempDir | undefined
let city: CityNode

async function selfSigned (key: KeyPair, name = 'Library Coding Club', id = key.did): Promise<Json> {
  return await signDocument(buildProfileDocument({ id, name, url: 'https://library.example/coding-club' }), { key }) as unknown as Json
}

async function refused (body: Json, status: number, code: string, message: RegExp): Promise<void> {
  const answer = await api(city, 'POST', '/api/endorsements', body)
  assert.is(answer.status, status, JSON.stringify(answer.body))
  assert.is(answer.body.error?.code, code, JSON.stringify(answer.body))
  assert.match(answer.body.error.message, message)
  const trust = await api(city, 'GET', `/api/trust/${encodeURIComponent(body.issuer as string)}`)
  assert.equal(trust.body.endorsedBy, [], `nothing was endorsed: ${JSON.stringify(trust.body)}`)
}

test.before(async () => {
  dir = await tempDir('cofl-endorse-profile-')
  city = createCityNode({ config: { data: join(dir.path, 'city'), name: 'Plymouth City of Learning' }, signingWorkers: 0 })
  await city.start()
})

test.after(async () => {
  await city?.stop()
  await dir?.remove()
})

test('a self-signed Profile: endorsed (201, the profile\'s name), and the provider is then trusted', async () => {
  const provider = await generateKeyPair()
  const before = await api(city, 'GET', `/api/trust/${encodeURIComponent(provider.did)}`)
  assert.is(before.body.trusted, false, JSON.stringify(before.body))
  const answer = await api(city, 'POST', '/api/endorsements', { issuer: provider.did, comment: 'Our library\'s coding club', profile: await selfSigned(provider) })
  assert.is(answer.status, 201, JSON.stringify(answer.body))
  const endorsement = answer.body.endorsement as Json
  assert.is(endorsement.issuer.id, city.did)
  assert.is(endorsement.credentialSubject.id, provider.did)
  assert.is(endorsement.credentialSubject.endorsementComment, 'Our library\'s coding club')
  assert.is(endorsement.name, 'Library Coding Club', 'the name defaults to the profile\'s')
  const trust = await api(city, 'GET', `/api/trust/${encodeURIComponent(provider.did)}`)
  assert.is(trust.status, 200)
  assert.is(trust.body.trusted, true, JSON.stringify(trust.body))
  assert.equal(trust.body.chain, [city.did, provider.did])
  assert.equal(trust.body.endorsedBy, [city.did])
  // A name given wins over the profile's.
  const other = await generateKeyPair()
  const named = await api(city, 'POST', '/api/endorsements', { issuer: other.did, name: 'Harbourside Makerspace', profile: await selfSigned(other) })
  assert.is(named.status, 201, JSON.stringify(named.body))
  assert.is(named.body.endorsement.name, 'Harbourside Makerspace')
})

test('a profile signed by another key is refused (400), and nothing is endorsed', async () => {
  const provider = await generateKeyPair()
  const impostor = await generateKeyPair()
  const profile = await selfSigned(impostor, 'Library Coding Club', provider.did)
  await refused({ issuer: provider.did, profile }, 400, 'COFL_ERR_BAD_REQUEST', new RegExp(`^profile: the profile is not signed by ${provider.did}: .*${impostor.did}`))
})

test('a profile changed after signing is refused (400)', async () => {
  const provider = await generateKeyPair()
  const profile = { ...await selfSigned(provider), name: 'Someone Else Entirely' }
  await refused({ issuer: provider.did, profile }, 400, 'COFL_ERR_BAD_REQUEST', new RegExp(`^profile: the profile is not signed by ${provider.did}: the document's proof does not verify`))
})

test('the Profile of another DID is refused (400), however well signed', async () => {
  const provider = await generateKeyPair()
  const other = await generateKeyPair()
  await refused({ issuer: provider.did, profile: await selfSigned(other) }, 400, 'COFL_ERR_BAD_REQUEST', new RegExp(`^profile: the profile is the Profile of ${other.did}, not of ${provider.did}`))
})

test('a document that is no Profile is refused (400)', async () => {
  const provider = await generateKeyPair()
  const profile = await signDocument({ ...buildProfileDocument({ id: provider.did, name: 'Library Coding Club' }), type: ['Achievement'] } as never, { key: provider }) as unknown as Json
  await refused({ issuer: provider.did, profile }, 400, 'COFL_ERR_BAD_REQUEST', /^profile: the profile is no issuer Profile document: not a Profile/)
  await refused({ issuer: provider.did, profile: [] }, 400, 'COFL_ERR_BAD_REQUEST', /profile/)
})

test('a DID alone, whose Profile this node does not hold, is still refused (404)', async () => {
  const provider = await generateKeyPair()
  await refused({ issuer: provider.did, name: 'Library Coding Club' }, 404, 'COFL_ERR_NOT_FOUND', /holds no issuer Profile of did:key:.*self-signed Profile/)
})

test('the CLI: cofl keys profile (an encrypted key) writes the signed Profile, cofl endorse FILE hands it over', async () => {
  const path = (name: string): string => join((dir as TempDir).path, name)
  await writeFile(path('pass'), 'the provider\'s passphrase\n')
  const made = await cli('keys', 'new', '--out', path('provider.key'), '--passphrase-file', path('pass'))
  assert.is(made.code, 0, made.stderr)
  const did = made.stdout.trim()
  const signed = await cli('keys', 'profile', '--key', path('provider.key'), '--passphrase-file', path('pass'), '--name', 'Library Coding Club',
    '--url', 'https://library.example/', '--email', 'club@library.example', '--out', path('provider-profile.json'))
  assert.is(signed.code, 0, signed.stderr)
  assert.is(signed.stdout, `${path('provider-profile.json')}\n`)
  const printed = await cli('keys', 'profile', '--key', path('provider.key'), '--passphrase-file', path('pass'), '--name', 'Library Coding Club')
  assert.is(printed.code, 0, printed.stderr)
  const profile = JSON.parse(printed.stdout) as Json
  assert.is(profile.id, did)
  assert.ok(profile.type.includes('Profile'))
  assert.is(profile.name, 'Library Coding Club')
  const outcome = await verifyDocumentProof(profile, { controller: did })
  assert.ok(outcome.verified, outcome.errors.join('; '))
  assert.is((await cli('keys', 'profile', '--key', path('provider.key'), '--passphrase-file', path('pass'))).code, 2, '--name is required')
  assert.is((await cli('keys', 'profile', '--key', path('provider.key'), '--passphrase-file', path('pass'), '--name', 'X', '--url', 'library')).code, 2, '--url must be a URL')

  const data = join((dir as TempDir).path, 'city')
  const endorsed = await cli('endorse', path('provider-profile.json'), '--comment', 'Our library', '--data', data)
  assert.is(endorsed.code, 0, endorsed.stderr)
  const { endorsement } = JSON.parse(endorsed.stdout) as Json
  assert.is(endorsement.credentialSubject.id, did)
  assert.is(endorsement.name, 'Library Coding Club')
  assert.is((await api(city, 'GET', `/api/trust/${encodeURIComponent(did)}`)).body.trusted, true)

  // A file that the provider's key did not sign: refused by the node, exit 2, saying why.
  const file = JSON.parse(await readFile(path('provider-profile.json'), 'utf8')) as Json
  await writeFile(path('tampered.json'), JSON.stringify({ ...file, name: 'Someone Else' }))
  const tampered = await cli('endorse', path('tampered.json'), '--data', data)
  assert.is(tampered.code, 2)
  assert.match(tampered.stderr, /profile: the profile is not signed by .*COFL_ERR_BAD_REQUEST, HTTP 400/)
  // The DID alone, as before: this node holds no Profile of it.
  const alone = await cli('endorse', (await generateKeyPair()).did, '--data', data)
  assert.is(alone.code, 2)
  assert.match(alone.stderr, /COFL_ERR_NOT_FOUND/)
})

test.run()
