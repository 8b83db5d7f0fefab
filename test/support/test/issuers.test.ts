// The test issuer: signed credentials (with a status entry when asked), status list versions, and
// its registry in the directory given or in a temp directory of its own that close() removes.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { verifyCredentialProof } from '@cofl/credentials'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../src/index.js'
import { createIssuer } from '../src/issuers.js'

const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
type Json = Record<string, any>

test('issue: a signed credential; name names the achievement and the credential; builder fields pass through', async () => {
  const issuer = await createIssuer({ name: 'Exeter' })
  try {
    const plain = await issuer.issue(LEARNER) as Json
    assert.ok((await verifyCredentialProof(plain)).verified)
    assert.is(plain.issuer.id, issuer.did)
    assert.is(plain.issuer.name, 'Exeter')
    assert.is(plain.name, 'Coding Club')
    assert.is(plain.credentialStatus, undefined)
    const named = await issuer.issue(LEARNER, { name: 'First Aid', validUntil: new Date('2099-01-01T00:00:00Z') }) as Json
    assert.is(named.name, 'First Aid')
    assert.is(named.credentialSubject.achievement.name, 'First Aid')
    assert.is(named.credentialSubject.achievement.id, plain.credentialSubject.achievement.id)
    assert.is(named.validUntil, '2099-01-01T00:00:00Z')
  } finally {
    await issuer.close()
  }
})

test('status: an entry from its registry; revoke and revokeOne make new signed list versions; close', async () => {
  const issuer = await createIssuer()
  const withStatus = await issuer.issue(LEARNER, { status: true }) as Json
  assert.is(withStatus.credentialStatus.statusPurpose, 'revocation')
  const v1 = await issuer.statusList() as Json
  assert.ok((await verifyCredentialProof(v1)).verified)
  assert.is(v1.id, withStatus.credentialStatus.statusListCredential)
  await issuer.revoke(withStatus as never)
  const v2 = await issuer.statusList() as Json
  const v3 = await issuer.revokeOne() as Json
  assert.ok(v3.sequence > v2.sequence && v2.sequence > v1.sequence, JSON.stringify([v1.sequence, v2.sequence, v3.sequence]))
  const both = await issuer.issue(LEARNER, { status: true, credentialStatus: withStatus.credentialStatus }).catch((err: unknown) => err)
  assert.instance(both, TypeError)
  const registry = await issuer.registry()
  assert.is(registry, await issuer.registry(), 'opened once')
  await issuer.close()
  assert.is(await issuer.issue(LEARNER).then(() => 'issued'), 'issued', 'issuing without status needs no registry')
})

test('with a directory: the registry in DIRECTORY/status, left there by close', async () => {
  const dir = await tempDir()
  try {
    const issuer = await createIssuer({ directory: dir.path })
    await Promise.all([issuer.revokeOne(), issuer.issue(LEARNER, { status: true })]) // opened once, also when asked twice at once
    await issuer.close()
    assert.ok(existsSync(join(dir.path, 'status')))
  } finally {
    await dir.remove()
  }
})

test.run()
