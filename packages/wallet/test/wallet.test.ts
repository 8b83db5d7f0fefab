// The wallet: init, add (and what it refuses), list, show, remove, present, export / import,
// the encrypted holder key, status refresh, and claims against a stub node.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { KeyPassphraseError } from '@cofl/identity'
import { tampered } from '@cofl/test-support'
import { createVerifier } from '@cofl/verifier'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ClaimError, CredentialConflictError, CredentialNotFoundError, CredentialRefusedError, ImportFormatError,
  NotHolderError, WalletExistsError, WalletNotInitialisedError, createWallet, openWallet
} from '../src/index.js'
import { BACKUP_TYPE } from '../src/constants.js'
import type { Wallet } from '../src/index.js'
import { rejects, stubNode, walletSuite } from './helpers.js'

const ctx = walletSuite(test)
let count = 0

/** A new, initialised, unencrypted wallet in its own directory (closed after the suite). */
async function newWallet (): Promise<{ wallet: Wallet, did: string, directory: string }> {
  const directory = join(ctx.root.path, `wallet-${++count}`)
  const wallet = createWallet({ directory, unencrypted: true })
  ctx.keep(wallet)
  return { wallet, did: await wallet.init(), directory }
}

test('init creates the holder key (did:key, mode 0600) and refuses to replace it; openWallet needs a wallet', async () => {
  const { wallet, did, directory } = await newWallet()
  assert.match(did, /^did:key:z6Mk/)
  assert.is(await wallet.did(), did)
  assert.ok(await wallet.exists())
  assert.is((await stat(join(directory, 'holder.key'))).mode & 0o777, 0o600)
  await rejects(wallet.init(), WalletExistsError, /never replaced/)
  await rejects(openWallet({ directory: join(ctx.root.path, 'nothing-here') }), WalletNotInitialisedError, /cofl wallet init/)
  await rejects(createWallet({ directory: join(ctx.root.path, 'no-pass') }).init(), TypeError)
})

test('add verifies and stores; the same credential again is stored once; list and get show it', async () => {
  const { wallet, did } = await newWallet()
  const credential = await ctx.issuer.issue(did, { status: true })
  const first = await wallet.add(credential, { source: 'test' })
  assert.ok(first.added)
  assert.is(first.id, credential.id)
  assert.ok(first.report?.verified === false, 'offline, the status list is not available')
  const again = await wallet.add(structuredClone(credential))
  assert.not.ok(again.added)
  const list = await wallet.list()
  assert.is(list.length, 1)
  const [item] = list
  assert.is(item?.id, credential.id)
  assert.is(item?.name, 'Coding Club')
  assert.equal(item?.issuer, { id: ctx.issuer.did, name: 'Plymouth City of Learning' })
  assert.is(item?.subject, did)
  assert.is(item?.source, 'test')
  assert.is(item?.status.state, 'unknown')
  assert.match(item?.status.reason ?? '', /not available/)
  assert.is(item?.expired, false)
  assert.not.ok('credential' in (item ?? {}))
  const held = await wallet.get(credential.id as string)
  assert.equal(held?.credential, credential)
  assert.is(await wallet.get('urn:uuid:not-held'), undefined)
})

test('add refuses a tampered credential, one that is no credential, and one without a signature', async () => {
  const { wallet, did } = await newWallet()
  const credential = await ctx.issuer.issue(did)
  const changed = tampered(credential, (c) => { c.credentialSubject.achievement.name = 'Brain Surgery' })
  const err = await rejects(wallet.add(changed), CredentialRefusedError, /Signature/)
  assert.is(err.code, 'COFL_ERR_WALLET_CREDENTIAL_INVALID')
  assert.is(err.report?.checks.find((c) => c.id === 'proof')?.outcome, 'failed')
  await rejects(wallet.add(tampered(credential, (c) => { delete c.proof })), CredentialRefusedError)
  await rejects(wallet.add(tampered(credential, (c) => { delete c.credentialSubject.achievement })), CredentialRefusedError, /Schema|Signature/)
  await rejects(wallet.add([credential]), CredentialRefusedError, /an array/)
  await rejects(wallet.add('hello'), CredentialRefusedError)
  assert.equal(await wallet.list(), [])
})

test('add refuses a credential about someone else, unless forced; a different credential under a held id conflicts', async () => {
  const { wallet } = await newWallet()
  const other = await createWallet({ directory: join(ctx.root.path, 'other'), unencrypted: true })
  ctx.keep(other)
  const otherDid = await other.init()
  const credential = await ctx.issuer.issue(otherDid)
  const err = await rejects(wallet.add(credential), NotHolderError, /not about this wallet's holder/)
  assert.is(err.code, 'COFL_ERR_WALLET_NOT_HOLDER')
  assert.equal(await wallet.list(), [])
  const forced = await wallet.add(credential, { force: true })
  assert.ok(forced.added)
  assert.ok(forced.held.forced)
  const sameId = await ctx.issuer.issue(await wallet.did())
  await rejects(wallet.add({ ...sameId, id: credential.id }), CredentialRefusedError) // changing the id breaks the signature
})

test('remove deletes a held credential and says whether it was held', async () => {
  const { wallet, did } = await newWallet()
  const a = await ctx.issuer.issue(did)
  const b = await ctx.issuer.issue(did)
  await wallet.add(a)
  await wallet.add(b)
  assert.ok(await wallet.remove(a.id as string))
  assert.not.ok(await wallet.remove(a.id as string))
  assert.equal((await wallet.list()).map((h) => h.id), [b.id])
})

test('present: a presentation signed by the holder that verifies with its challenge and domain, and only with them', async () => {
  const { wallet, did } = await newWallet()
  const a = await ctx.issuer.issue(did)
  const b = await ctx.issuer.issue(did, { name: 'First Aid' })
  await wallet.add(a)
  await wallet.add(b)
  const vp = await wallet.present([a.id as string, b.id as string], { challenge: 'c-123', domain: 'jobs.example' })
  assert.is(vp.holder, did)
  assert.is((vp.verifiableCredential as unknown[]).length, 2)
  const verifier = createVerifier()
  const report = await verifier.verify(vp, { challenge: 'c-123', domain: 'jobs.example' })
  assert.ok(report.verified, JSON.stringify(report.checks))
  assert.is(report.checks.find((c) => c.id === 'holder')?.outcome, 'passed')
  assert.not.ok((await verifier.verify(vp, { challenge: 'another', domain: 'jobs.example' })).verified)
  assert.not.ok((await verifier.verify(vp, { challenge: 'c-123', domain: 'evil.example' })).verified)
  await rejects(wallet.present(['urn:uuid:nope'], { challenge: 'c' }), CredentialNotFoundError)
  await rejects(wallet.present([], { challenge: 'c' }), TypeError)
})

test('export / import: a backup round trip, with the holder key restored from the backup', async () => {
  const { wallet, did } = await newWallet()
  const credentials = [await ctx.issuer.issue(did), await ctx.issuer.issue(did, { status: true }), await ctx.issuer.issue(did, { name: 'First Aid' })]
  for (const c of credentials) await wallet.add(c)
  const plain = await wallet.export()
  assert.is(plain.type, BACKUP_TYPE)
  assert.is(plain.version, 1)
  assert.is(plain.did, did)
  assert.is(plain.credentials.length, 3)
  assert.is(plain.holderKey, undefined)
  await rejects(wallet.export({ includeKey: true }), TypeError) // an unencrypted wallet: the backup's key needs a passphrase
  const backup = JSON.parse(JSON.stringify(await wallet.export({ includeKey: true, keyPassphrase: 'backup passphrase' })))
  assert.is(backup.holderKey.secret.encryption, 'scrypt-aes-256-gcm')
  assert.not.ok(JSON.stringify(backup).includes('secretKeyMultibase'))

  const restored = createWallet({ directory: join(ctx.root.path, 'restored'), passphrase: 'new passphrase' })
  ctx.keep(restored)
  await rejects(restored.init({ restore: backup, backupPassphrase: 'wrong' }), KeyPassphraseError)
  assert.is(await restored.init({ restore: backup, backupPassphrase: 'backup passphrase' }), did)
  const result = await restored.import(backup)
  assert.is(result.added, 3)
  assert.equal(result.refused, [])
  assert.equal((await restored.list()).map((h) => h.id).sort(), credentials.map((c) => c.id).sort())
  assert.equal((await restored.get(credentials[1]?.id as string))?.credential, credentials[1])
  assert.is((await restored.list())[0]?.source, 'backup')
  const vp = await restored.present([credentials[0]?.id as string], { challenge: 'x' })
  assert.ok((await createVerifier().verify(vp, { challenge: 'x' })).verified)

  // Into a wallet of another holder: every credential is refused as someone else's.
  const { wallet: stranger } = await newWallet()
  const refused = await stranger.import(backup)
  assert.is(refused.added, 0)
  assert.equal(refused.refused.map((r) => r.code), ['COFL_ERR_WALLET_NOT_HOLDER', 'COFL_ERR_WALLET_NOT_HOLDER', 'COFL_ERR_WALLET_NOT_HOLDER'])
})

test('import is idempotent: the same credentials twice (and twice in one input) are stored once; bad items are reported', async () => {
  const { wallet, did } = await newWallet()
  const credentials = await Promise.all([1, 2, 3, 4].map(async () => await ctx.issuer.issue(did)))
  const seen: string[] = []
  const first = await wallet.import([...credentials, credentials[0]], { onItem: (item) => { seen.push(`${item.outcome} ${item.index}`) } })
  assert.is(first.added, 4)
  assert.is(first.unchanged, 1)
  assert.equal(seen, ['added 0', 'added 1', 'added 2', 'added 3', 'unchanged 4'])
  const second = await wallet.import(Buffer.from(JSON.stringify(credentials)))
  assert.is(second.added, 0)
  assert.is(second.unchanged, 4)
  assert.is((await wallet.list()).length, 4)

  const single = await ctx.issuer.issue(did)
  assert.is((await wallet.import(Buffer.from('\uFEFF' + JSON.stringify(single)))).added, 1)
  const bad = await wallet.import([tampered(single, (c) => { c.name = 'changed' }), 42, tampered(credentials[1], (c) => { c.credentialSubject.id = 'did:key:z6Mkother' })])
  assert.equal(bad.items.map((i) => i.outcome), ['refused', 'refused', 'refused'])
  assert.equal(bad.refused.map((r) => r.code), ['COFL_ERR_WALLET_CREDENTIAL_INVALID', 'COFL_ERR_WALLET_CREDENTIAL_INVALID', 'COFL_ERR_WALLET_CREDENTIAL_INVALID'])
  assert.is((await wallet.list()).length, 5)

  await rejects(wallet.import(Buffer.from('not json')), ImportFormatError)
  await rejects(wallet.import({ type: BACKUP_TYPE, version: 2, did, credentials: [] }), ImportFormatError, /version 2/)
  await rejects(wallet.import(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])), ImportFormatError, /PNG image/)
  await rejects(wallet.import(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')), ImportFormatError, /SVG image/)
})

test('a credential held under an id cannot be replaced by another one with that id', async () => {
  const { wallet, did } = await newWallet()
  const credential = await ctx.issuer.issue(did)
  // Another credential under the same id, validly signed by its issuer.
  const { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential } = await import('@cofl/credentials')
  const profile = buildProfile({ id: ctx.issuer.did, name: 'Plymouth City of Learning' })
  const twin = await signCredential(buildOpenBadgeCredential({ id: credential.id as string, issuer: profile, achievement: buildAchievement({ name: 'Other', description: 'd', criteria: 'c' }), subject: did }), { key: ctx.issuer.key })
  await wallet.add(credential)
  const err = await rejects(wallet.add(twin), CredentialConflictError)
  assert.is(err.code, 'COFL_ERR_WALLET_CONFLICT')
  assert.equal((await wallet.get(credential.id as string))?.credential, credential)
})

test('an encrypted holder key: listing needs no passphrase, presenting needs the right one', async () => {
  const directory = join(ctx.root.path, 'encrypted')
  const created = createWallet({ directory, passphrase: 'correct horse battery staple' })
  const did = await created.init()
  const credential = await ctx.issuer.issue(did)
  await created.add(credential)
  await created.close()
  const keyFile = JSON.parse(await readFile(join(directory, 'holder.key'), 'utf8'))
  assert.is(keyFile.secret.encryption, 'scrypt-aes-256-gcm')

  const locked = await openWallet({ directory })
  try {
    assert.is(await locked.did(), did)
    assert.is((await locked.list()).length, 1)
    await rejects(locked.present([credential.id as string], { challenge: 'c' }), KeyPassphraseError, /passphrase is needed/)
  } finally {
    await locked.close()
  }
  const wrong = await openWallet({ directory, passphrase: 'wrong' })
  try {
    await rejects(wrong.present([credential.id as string], { challenge: 'c' }), KeyPassphraseError, /wrong passphrase/)
  } finally {
    await wrong.close()
  }
  const right = await openWallet({ directory, passphrase: 'correct horse battery staple' })
  try {
    const vp = await right.present([credential.id as string], { challenge: 'c' })
    assert.ok((await createVerifier().verify(vp, { challenge: 'c' })).verified)
  } finally {
    await right.close()
  }
})

test('refreshStatus: active, then revoked; a list that cannot be had keeps the last known status', async () => {
  const { wallet, did } = await newWallet()
  const credential = await ctx.issuer.issue(did, { status: true })
  const plain = await ctx.issuer.issue(did)
  await wallet.add(credential)
  await wallet.add(plain)
  const lists = async (): Promise<unknown> => await ctx.issuer.statusList()
  let items = await wallet.refreshStatus({ getStatusList: lists })
  const of = (id: unknown): typeof items[number] | undefined => items.find((i) => i.id === id)
  assert.is(of(credential.id)?.status.state, 'active')
  assert.ok(of(credential.id)?.changed)
  assert.is(of(plain.id)?.status.state, 'none')
  await ctx.issuer.revoke(credential)
  items = await wallet.refreshStatus({ getStatusList: lists })
  assert.is(of(credential.id)?.previous, 'active')
  assert.is(of(credential.id)?.status.state, 'revoked')
  assert.is((await wallet.get(credential.id as string))?.status.state, 'revoked')
  items = await wallet.refreshStatus({ getStatusList: async () => { throw new Error('offline') } })
  assert.is(of(credential.id)?.status.state, 'revoked')
  assert.not.ok(of(credential.id)?.changed)
  assert.match(of(credential.id)?.unavailable ?? '', /not available/)
  assert.is((await wallet.list()).find((h) => h.id === credential.id)?.status.state, 'revoked')
})

test('claim: GET the challenge, POST a presentation signed by the holder, verify and store the credential', async () => {
  const origin = 'http://city.test:8080'
  const node = stubNode(origin, ctx.issuer)
  node.offers.set('code-aaaaaaaaaaaa', { used: false })
  node.offers.set('code-bbbbbbbbbbbb', { used: false })
  node.offers.set('code-expired00000', { used: false, expired: true })
  const directory = join(ctx.root.path, 'claiming')
  const wallet = createWallet({ directory, unencrypted: true, fetch: node.fetch })
  ctx.keep(wallet)
  const did = await wallet.init()

  const claimed = await wallet.claim(`${origin}/api/claims/code-aaaaaaaaaaaa`)
  assert.ok(claimed.added)
  assert.is(claimed.held.subject, did)
  assert.is(claimed.held.source, `claim:${origin}`)
  assert.is(claimed.held.status.state, 'active', 'the status is checked against the node at once')
  assert.is(claimed.offer.issuer.id, ctx.issuer.did)
  assert.equal(node.calls.slice(0, 2), ['GET /api/claims/code-aaaaaaaaaaaa', 'POST /api/claims/code-aaaaaaaaaaaa'])

  const byCode = await wallet.claim('code-bbbbbbbbbbbb', { node: `${origin}/` })
  assert.ok(byCode.added)
  assert.is((await wallet.list()).length, 2)

  const used = await rejects(wallet.claim('code-aaaaaaaaaaaa', { node: origin }), ClaimError, /claimed already/)
  assert.is(used.nodeCode, 'COFL_ERR_OFFER_CLAIMED')
  assert.is(used.status, 409)
  assert.is((await rejects(wallet.claim('code-expired00000', { node: origin }), ClaimError)).status, 410)
  assert.is((await rejects(wallet.claim('code-unknown00000', { node: origin }), ClaimError)).nodeCode, 'COFL_ERR_OFFER_NOT_FOUND')
  await rejects(wallet.claim('code-aaaaaaaaaaaa'), ClaimError, /--node/)
  await rejects(wallet.claim('http://elsewhere.test/api/claims/abcdefghijkl'), ClaimError, /does not answer \(ECONNREFUSED\)/)
  const noSecret = await rejects(wallet.claim('code-aaaaaaaaaaaa', { node: origin }), ClaimError)
  assert.not.ok(noSecret.message.includes('code-aaaa'), 'the claim code stays out of messages')
})

test('claim: a credential issued to another DID is refused (the offer is spent, the wallet unchanged)', async () => {
  const origin = 'http://rogue.test'
  const node = stubNode(origin, ctx.issuer, { issueTo: () => 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2' })
  node.offers.set('code-cccccccccccc', { used: false })
  const wallet = createWallet({ directory: join(ctx.root.path, 'rogue'), unencrypted: true, fetch: node.fetch })
  ctx.keep(wallet)
  await wallet.init()
  const err = await rejects(wallet.claim(`${origin}/api/claims/code-cccccccccccc`), ClaimError, /not about this wallet's holder/)
  assert.instance(err.cause, NotHolderError)
  assert.equal(await wallet.list(), [])
})

test('claim with pathway badges: each verified and kept with the credential; a bad one refused and reported, the rest kept', async () => {
  const origin = 'http://pathways.test'
  let good: Record<string, unknown> | undefined
  const node = stubNode(origin, ctx.issuer, {
    awards: async (holder) => {
      good = await ctx.issuer.issue(holder, { status: true, name: 'Harbour Crew' }) as unknown as Record<string, unknown>
      const forged = tampered(await ctx.issuer.issue(holder, { status: true, name: 'Captain' }), (c) => { c.name = 'Admiral' })
      const other = await ctx.issuer.issue('did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2', { status: true, name: 'Not Yours' })
      return [good, forged, other, 'not a credential', good]
    }
  })
  node.offers.set('code-pathway00000', { used: false })
  node.offers.set('code-noawards0000', { used: false })
  const wallet = createWallet({ directory: join(ctx.root.path, 'pathways'), unencrypted: true, fetch: node.fetch })
  ctx.keep(wallet)
  const did = await wallet.init()
  const claimed = await wallet.claim(`${origin}/api/claims/code-pathway00000`)
  assert.ok(claimed.added)
  assert.is(claimed.awards.length, 1, 'the same badge twice in one answer is kept once')
  const award = claimed.awards[0]
  assert.ok(award?.added)
  assert.is(award?.id, good?.id)
  assert.is(award?.held.name, 'Harbour Crew')
  assert.is(award?.held.subject, did)
  assert.is(award?.held.status.state, 'active')
  assert.equal(claimed.refusedAwards.map((r) => [r.index, r.code]), [[1, CredentialRefusedError.code], [2, NotHolderError.code], [3, CredentialRefusedError.code]])
  assert.match(claimed.refusedAwards[1]?.reason ?? '', /not about this wallet's holder/)
  assert.equal((await wallet.list()).map((h) => h.id).sort(), [claimed.id, good?.id].sort())
  assert.ok(await wallet.get(good?.id as string))
  // Every credential of the answer names the issuer's one status list: it was fetched once.
  assert.is(node.calls.filter((c) => c.startsWith('GET /api/status/')).length, 1, JSON.stringify(node.calls))
})

test.run()
