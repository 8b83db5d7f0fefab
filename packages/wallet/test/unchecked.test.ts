// What the wallet keeps of a credential whose key is not bound to its issuer: a forged one (a
// did:key issuer, another key; or tampered) is refused, `force` or not; one that cannot be
// checked here (an https issuer whose key is only named in a URL's fragment, a did:web issuer) is
// refused with that reason unless `force` keeps it, marked `unchecked`.
import { join } from 'node:path'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { tempDir } from '@cofl/test-support'
import type { TempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CredentialRefusedError, CredentialUncheckedError, createWallet, isRefusal } from '../src/index.js'
import type { Wallet } from '../src/index.js'
import { rejects, WALLET_TEMP_PREFIX } from './helpers.js'

let root: TempDir
let wallet: Wallet
let holder: string

/** A credential for the holder from `issuerId`, signed by a fresh key whose proof names `method`. */
async function signedBy (issuerId: string, method: (key: KeyPair) => string, name = 'Doctor of Law'): Promise<Record<string, unknown>> {
  const key = await generateKeyPair()
  key.multikey.id = method(key)
  key.multikey.controller = key.multikey.id.split('#')[0] as string
  const profile = buildProfile({ id: issuerId, name: 'Harvard University' })
  const achievement = buildAchievement({ name, description: 'Honoris causa', criteria: 'Awarded', creator: profile })
  return await signCredential(buildOpenBadgeCredential({ issuer: profile, achievement, subject: holder }), { key }) as unknown as Record<string, unknown>
}

test.before(async () => {
  root = await tempDir(WALLET_TEMP_PREFIX)
  wallet = createWallet({ directory: join(root.path, 'wallet'), unencrypted: true })
  holder = await wallet.init()
})
test.after(async () => {
  await wallet.close()
  await root.remove()
})

test('a did:key issuer\'s credential signed by another key: refused, also with force', async () => {
  const issuer = await generateKeyPair()
  const forged = await signedBy(issuer.did, (k) => k.multikey.id as string)
  const err = await rejects(wallet.add(forged), CredentialRefusedError, /Signature: .*not .*'s: a did:key's document names only its own key/)
  assert.is(err.code, 'COFL_ERR_WALLET_CREDENTIAL_INVALID')
  assert.is(err.report?.verdict, 'invalid')
  await rejects(wallet.add(forged, { force: true }), CredentialRefusedError)
  assert.equal(await wallet.list(), [])
})

test('an https issuer whose key is in a URL\'s fragment: refused as not checkable here; force keeps it, marked', async () => {
  const harvard = 'https://www.harvard.edu/issuers/1'
  for (const method of [(k: KeyPair) => `${harvard}#${k.publicKeyMultibase}`, (k: KeyPair) => `https://attacker.example/k#${k.publicKeyMultibase}`]) {
    const credential = await signedBy(harvard, method)
    const err = await rejects(wallet.add(credential), CredentialUncheckedError, /cannot be checked here: Signature: the proof cannot be checked here: .*force keeps it anyway/)
    assert.is(err.code, 'COFL_ERR_WALLET_CREDENTIAL_UNCHECKED')
    assert.ok(isRefusal(err))
    assert.is(err.report?.verdict, 'indeterminate')
  }
  // import: a refusal with its code, the wallet unchanged
  const credential = await signedBy(harvard, (k) => `${harvard}#${k.publicKeyMultibase}`, 'Master of Law')
  const imported = await wallet.import([credential])
  assert.is(imported.added, 0)
  assert.equal(imported.refused.map((r) => r.code), ['COFL_ERR_WALLET_CREDENTIAL_UNCHECKED'])
  assert.equal(await wallet.list(), [])
  // force: kept, and marked as not checked
  const forced = await wallet.import([credential], { force: true })
  assert.is(forced.added, 1)
  const [held] = await wallet.list()
  assert.is(held?.unchecked, true)
  assert.is(held?.forced, undefined, 'it is about the holder')
  assert.is(held?.issuer.name, 'Harvard University')
})

test('a did:web issuer: cannot be checked here, so refused unless force', async () => {
  const credential = await signedBy('did:web:university.example', (k) => `did:web:university.example#${k.publicKeyMultibase}`, 'Web Badge')
  await rejects(wallet.add(credential), CredentialUncheckedError, /DID method "web" not supported offline/)
})

test.run()
