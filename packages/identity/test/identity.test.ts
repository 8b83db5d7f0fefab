import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createDidResolver, DidMethodNotSupportedError, generateKeyPair, keyPairFromMultibase, KeyFileError,
  KeyPassphraseError, loadKeyFile, publicKeyFromMultibase, readKeyFile, writeKeyFile
} from '../src/index.js'

// W3C vc-di-eddsa key pair (test/vectors/w3c-vc-di-eddsa/TestVectors/keyPair.json)
const W3C_PUBLIC = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
const W3C_SECRET = 'z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq'

test('a generated key is a did:key whose verification method is its fingerprint', async () => {
  const key = await generateKeyPair()
  assert.match(key.did, /^did:key:z6Mk/)
  assert.is(key.id, `${key.did}#${key.publicKeyMultibase}`)
  assert.is(key.multikey.id, key.id)
  assert.is(key.multikey.controller, key.did)
  assert.ok(key.canSign)
  const data = new TextEncoder().encode('hello')
  const signature = await key.multikey.signer().sign({ data })
  assert.ok(await key.multikey.verifier().verify({ data, signature }))
})

test('a seed gives the same key every time; the W3C vector key imports from multibase', async () => {
  const seed = new Uint8Array(32).fill(7)
  const a = await generateKeyPair({ seed })
  const b = await generateKeyPair({ seed })
  assert.is(a.did, b.did)
  const w3c = await keyPairFromMultibase({ publicKeyMultibase: W3C_PUBLIC, secretKeyMultibase: W3C_SECRET })
  assert.is(w3c.did, `did:key:${W3C_PUBLIC}`)
  assert.ok(w3c.canSign)
  try {
    await generateKeyPair({ seed: new Uint8Array(5) })
    assert.unreachable()
  } catch (err) {
    assert.instance(err, TypeError)
  }
})

test('resolution adapts key-did-resolver output to Multikey methods', async () => {
  const resolver = createDidResolver()
  const doc = await resolver.resolve(`did:key:${W3C_PUBLIC}`)
  assert.equal(doc['@context'], ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'])
  assert.is(doc.verificationMethod.length, 1)
  assert.equal(doc.verificationMethod[0], {
    id: `did:key:${W3C_PUBLIC}#${W3C_PUBLIC}`, type: 'Multikey', controller: `did:key:${W3C_PUBLIC}`, publicKeyMultibase: W3C_PUBLIC
  })
  assert.equal(doc.assertionMethod, [doc.verificationMethod[0]?.id])
  const vm = await resolver.dereference(`did:key:${W3C_PUBLIC}#${W3C_PUBLIC}`)
  assert.is(vm['@context'], 'https://w3id.org/security/multikey/v1')
  assert.is((vm as { publicKeyMultibase: string }).publicKeyMultibase, W3C_PUBLIC)
  assert.is(publicKeyFromMultibase(W3C_PUBLIC)?.length, 32)
  assert.is(publicKeyFromMultibase('not-a-key'), undefined)
})

test('resolution refuses other methods, malformed DIDs and unknown fragments with their codes', async () => {
  const resolver = createDidResolver()
  try {
    await resolver.resolve('did:web:example.com')
    assert.unreachable()
  } catch (err) {
    assert.instance(err, DidMethodNotSupportedError)
    assert.is((err as DidMethodNotSupportedError).code, 'COFL_ERR_DID_METHOD_NOT_SUPPORTED')
    assert.match((err as Error).message, 'not supported offline')
  }
  for (const bad of ['https://example.com', 'did:key:zNotAKey', `did:key:${W3C_PUBLIC}#other`]) {
    try {
      await resolver.dereference(bad)
      assert.unreachable(bad)
    } catch (err) {
      assert.is((err as { code?: string }).code, 'COFL_ERR_DID_NOT_RESOLVED', bad)
    }
  }
})

test('key file: encrypted at rest, mode 0600, opens only with its passphrase, never overwritten', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-identity-'))
  try {
    const key = await generateKeyPair()
    const path = join(dir, 'issuer.key')
    await writeKeyFile(path, key, { passphrase: 'open sesame' })
    assert.is((await stat(path)).mode & 0o777, 0o600)
    const text = await readFile(path, 'utf8')
    assert.not.ok(text.includes(key.secretKeyMultibase as string), 'secret key stored in clear')
    const file = await readKeyFile(path)
    assert.is(file.secret.encryption, 'scrypt-aes-256-gcm')
    const opened = await loadKeyFile(path, { passphrase: 'open sesame' })
    assert.is(opened.did, key.did)
    assert.is(opened.secretKeyMultibase, key.secretKeyMultibase)
    for (const passphrase of ['wrong', undefined]) {
      try {
        await loadKeyFile(path, { passphrase })
        assert.unreachable()
      } catch (err) {
        assert.instance(err, KeyPassphraseError)
      }
    }
    // a changed DID (the AAD) or ciphertext is detected
    const altered = JSON.parse(text)
    altered.did = (await generateKeyPair()).did
    await writeFile(join(dir, 'altered.key'), JSON.stringify(altered))
    try {
      await loadKeyFile(join(dir, 'altered.key'), { passphrase: 'open sesame' })
      assert.unreachable()
    } catch (err) {
      assert.instance(err, KeyPassphraseError)
    }
    try {
      await writeKeyFile(path, await generateKeyPair(), { unencrypted: true })
      assert.unreachable()
    } catch (err) {
      assert.instance(err, KeyFileError)
      assert.match((err as Error).message, 'never overwrites')
    }
    assert.is((await loadKeyFile(path, { passphrase: 'open sesame' })).did, key.did)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('key file: explicitly unencrypted files open without a passphrase; junk is refused clearly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-identity-'))
  try {
    const key = await generateKeyPair()
    await writeKeyFile(join(dir, 'test.key'), key, { unencrypted: true })
    assert.is((await loadKeyFile(join(dir, 'test.key'))).did, key.did)
    await writeFile(join(dir, 'junk.key'), 'not json')
    await writeFile(join(dir, 'other.key'), '{"type":"something"}')
    for (const [name, message] of [['junk.key', 'not JSON'], ['other.key', 'not a cofl key file'], ['missing.key', 'cannot read']] as const) {
      try {
        await loadKeyFile(join(dir, name))
        assert.unreachable(name)
      } catch (err) {
        assert.instance(err, KeyFileError)
        assert.match((err as Error).message, message)
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
