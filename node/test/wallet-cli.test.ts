// `cofl wallet ...` end to end in process (runCli): init, import, list, show, present (verified
// with `cofl verify`), export, import of the backup elsewhere, remove, refresh without a node.
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { verifyPresentationProof } from '@cofl/credentials'
import { loadKeyFile } from '@cofl/identity'
import { jsonServer } from '@cofl/test-support'
import type { JsonServer } from '@cofl/test-support'
import { issueCredential } from '../src/index.js'
import { cli } from './cli-helpers.js'

async function ok (...argv: string[]): Promise<string> {
  const run = await cli(...argv)
  assert.is(run.code, 0, `cofl ${argv.join(' ')}: ${run.stderr}`)
  return run.stdout
}

let dir = ''
const path = (name: string): string => join(dir, name)
let did = ''
const ids: string[] = []

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-wallet-cli-'))
})
test.after(async () => { await rm(dir, { recursive: true, force: true }) })

test('wallet init prints the holder DID and refuses a second init', async () => {
  const run = await cli('wallet', 'init', '--wallet', path('wallet'), '--unencrypted')
  assert.is(run.code, 0, run.stderr)
  assert.match(run.stdout, /^did:key:z6Mk\w+\n$/)
  did = run.stdout.trim()
  const again = await cli('wallet', 'init', '--wallet', path('wallet'), '--unencrypted')
  assert.is(again.code, 2)
  assert.match(again.stderr, /^cofl: .*holds a wallet already.*\n$/)
  const none = await cli('wallet', 'list', '--wallet', path('nowhere'))
  assert.is(none.code, 2)
  assert.match(none.stderr, /cofl wallet init/)
  const help = await cli('wallet', 'present', '--help')
  assert.is(help.code, 0)
  assert.match(help.stdout, /--challenge C/)
})

test('wallet import: a credential, then an array with it again (kept once); a tampered one exits 1', async () => {
  await ok('keys', 'new', '--out', path('issuer.key'), '--unencrypted')
  await writeFile(path('a.json'), JSON.stringify({ name: 'Coding Club', description: 'Ten sessions', criteria: 'Attend ten sessions' }))
  await writeFile(path('achievement.json'), await ok('achievement', 'sign', '--key', path('issuer.key'), '--issuer-name', 'Plymouth City of Learning', path('a.json')))
  const issue = async (): Promise<Record<string, any>> => JSON.parse(await ok('issue', '--key', path('issuer.key'), '--achievement', path('achievement.json'), '--subject', did, '--issuer-name', 'Plymouth City of Learning'))
  const one = await issue()
  const two = await issue()
  ids.push(one.id, two.id)
  await writeFile(path('one.json'), JSON.stringify(one))
  await writeFile(path('both.json'), JSON.stringify([one, two]))
  assert.is(await ok('wallet', 'import', '--wallet', path('wallet'), path('one.json')), 'imported 1, held already 0, refused 0\n')
  assert.is(await ok('wallet', 'import', '--wallet', path('wallet'), path('both.json')), 'imported 1, held already 1, refused 0\n')

  one.credentialSubject.achievement.name = 'Brain Surgery'
  await writeFile(path('tampered.json'), JSON.stringify(one))
  const bad = await cli('wallet', 'import', '--wallet', path('wallet'), path('tampered.json'))
  assert.is(bad.code, 1)
  assert.match(bad.stdout, /refused #1 urn:uuid:\S+: refused .*Signature/)
  await writeFile(path('junk.txt'), 'hello')
  const junk = await cli('wallet', 'import', '--wallet', path('wallet'), path('junk.txt'))
  assert.is(junk.code, 2)
  assert.match(junk.stderr, /neither JSON nor a PNG/)
})

test('wallet list and show (the wallet from $COFL_WALLET)', async () => {
  process.env.COFL_WALLET = path('wallet')
  try {
    const list = await ok('wallet', 'list')
    const lines = list.trim().split('\n')
    assert.is(lines.length, 2)
    for (const line of lines) assert.match(line, /^urn:uuid:\S+ {2}Coding Club {2}from Plymouth City of Learning \(did:key:\S+\) {2}\[not revocable\]$/)
    const json = JSON.parse(await ok('wallet', 'list', '--json'))
    assert.equal(json.map((h: { id: string }) => h.id).sort(), [...ids].sort())
    const shown = JSON.parse(await ok('wallet', 'show', ids[0] as string))
    assert.is(shown.id, ids[0])
    assert.is(shown.source, 'import:one.json')
    assert.is(shown.credential.id, ids[0])
    const credential = JSON.parse(await ok('wallet', 'show', ids[0] as string, '--credential'))
    assert.is(credential.credentialSubject.id, did)
    const missing = await cli('wallet', 'show', 'urn:uuid:nope')
    assert.is(missing.code, 2)
    assert.match(missing.stderr, /holds no credential urn:uuid:nope/)
  } finally {
    delete process.env.COFL_WALLET
  }
})

test('wallet bake: PNG and SVG that `cofl verify` reads back; a tampered one fails', async () => {
  for (const ext of ['png', 'svg']) {
    const file = path(`badge.${ext}`)
    assert.is(await ok('wallet', 'bake', '--wallet', path('wallet'), ids[0] as string, '--out', file), `baked ${String(ids[0])} into ${file} (on a drawn badge)\n`)
    const report = await cli('verify', file, '--json')
    assert.is(report.code, 0, report.stdout + report.stderr)
    assert.is(JSON.parse(report.stdout).id, ids[0])
    // the baked text, changed: the signature no longer holds
    const bytes = await readFile(file)
    const text = bytes.toString('latin1').split('Coding Club').join('Coding Klub')
    if (ext === 'svg') {
      await writeFile(path(`tampered.${ext}`), text, 'latin1')
      const bad = await cli('verify', path(`tampered.${ext}`), '--json')
      assert.is(bad.code, 1)
      assert.is(JSON.parse(bad.stdout).checks.find((c: { id: string }) => c.id === 'proof').code, 'COFL_ERR_INVALID_SIGNATURE')
    }
  }
  const wrong = await cli('wallet', 'bake', '--wallet', path('wallet'), ids[0] as string, '--out', path('badge.gif'))
  assert.is(wrong.code, 2)
  assert.match(wrong.stderr, /must end in \.png or \.svg/)
})

test('wallet present: a presentation that `cofl verify` accepts with its challenge and domain only', async () => {
  const signed = await cli('wallet', 'present', '--wallet', path('wallet'), ...ids, '--challenge', 'c-42', '--domain', 'jobs.example', '--out', path('vp.json'))
  assert.is(signed.code, 0, signed.stderr)
  assert.is(signed.stdout, `${path('vp.json')}\n`)
  assert.is(signed.stderr, 'signed for the domain jobs.example, over the challenge c-42\n', 'it says whom it signed for')
  const vp = JSON.parse(await readFile(path('vp.json'), 'utf8'))
  assert.is(vp.holder, did)
  assert.is(vp.verifiableCredential.length, 2)
  const verified = await cli('verify', path('vp.json'), '--challenge', 'c-42', '--domain', 'jobs.example')
  assert.is(verified.code, 0, verified.stdout)
  assert.match(verified.stdout, /^VALID presentation/)
  assert.is((await cli('verify', path('vp.json'), '--challenge', 'other', '--domain', 'jobs.example')).code, 1)
  // No domain: refused unless --no-domain says so; then it signs without one, and says so.
  for (const domain of [[], ['--domain', ''], ['--domain', '  ']]) {
    const refused = await cli('wallet', 'present', '--wallet', path('wallet'), ids[0] as string, '--challenge', 'c', ...domain)
    assert.is(refused.code, 2)
    assert.match(refused.stderr, /^cofl: --domain is required: the verifier's domain .*--no-domain signs for no domain\n$/)
    assert.is(refused.stdout, '', 'nothing signed')
  }
  const unbound = await cli('wallet', 'present', '--wallet', path('wallet'), ids[0] as string, '--challenge', 'c', '--no-domain')
  assert.is(unbound.code, 0, unbound.stderr)
  assert.match(unbound.stderr, /^signed for no domain \(--no-domain: any verifier that gave the challenge accepts it\), over the challenge c\n$/)
  const stdout = JSON.parse(unbound.stdout)
  assert.is(stdout.type[0], 'VerifiablePresentation')
  assert.is(stdout.proof.domain, undefined)
  assert.is(stdout.proof.challenge, 'c')
  const both = await cli('wallet', 'present', '--wallet', path('wallet'), ids[0] as string, '--challenge', 'c', '--no-domain', '--domain', 'jobs.example')
  assert.is(both.code, 2)
  // A claim's or grants' challenge is signed by `wallet claim` / `wallet grants` only.
  for (const challenge of ['cofl-claim:abc', 'cofl-grants:abc']) {
    const handedOut = await cli('wallet', 'present', '--wallet', path('wallet'), ids[0] as string, '--challenge', challenge, '--domain', 'city.example')
    assert.is(handedOut.code, 2)
    assert.match(handedOut.stderr, /^cofl: refused to sign: .*Nothing was signed\n$/)
    assert.is(handedOut.stdout, '')
  }
  const noChallenge = await cli('wallet', 'present', '--wallet', path('wallet'), ids[0] as string)
  assert.is(noChallenge.code, 2)
  assert.match(noChallenge.stderr, /--challenge is required/)
})

test('wallet export, and import of the backup into a wallet restored from it', async () => {
  assert.match(await ok('wallet', 'export', '--wallet', path('wallet'), '--out', path('backup.json')), /^exported 2 credentials to /)
  const plain = JSON.parse(await readFile(path('backup.json'), 'utf8'))
  assert.is(plain.type, 'cofl-wallet-backup')
  assert.is(plain.holderKey, undefined)
  assert.is((await stat(path('backup.json'))).mode & 0o777, 0o600)
  const noPass = await cli('wallet', 'export', '--wallet', path('wallet'), '--out', path('keyed.json'), '--include-key')
  assert.is(noPass.code, 2)
  assert.match(noPass.stderr, /--backup-passphrase-file/)
  await writeFile(path('backup-pass'), 'a backup passphrase\n')
  assert.match(await ok('wallet', 'export', '--wallet', path('wallet'), '--out', path('keyed.json'), '--include-key', '--backup-passphrase-file', path('backup-pass')), /and the holder key/)

  await writeFile(path('new-pass'), 'the new wallet passphrase\n')
  const restored = await ok('wallet', 'init', '--wallet', path('restored'), '--passphrase-file', path('new-pass'), '--from-backup', path('keyed.json'), '--backup-passphrase-file', path('backup-pass'))
  assert.is(restored.trim(), did)
  assert.is(await ok('wallet', 'import', '--wallet', path('restored'), path('keyed.json')), 'imported 2, held already 0, refused 0\n')
  assert.is(await ok('wallet', 'import', '--wallet', path('restored'), path('keyed.json')), 'imported 0, held already 2, refused 0\n')
  // The restored wallet's key is encrypted with the new passphrase.
  const locked = await cli('wallet', 'present', '--wallet', path('restored'), ids[0] as string, '--challenge', 'c', '--domain', 'jobs.example', '--passphrase-file', path('backup-pass'))
  assert.is(locked.code, 2)
  assert.match(locked.stderr, /wrong passphrase/)
  await ok('wallet', 'present', '--wallet', path('restored'), ids[0] as string, '--challenge', 'c', '--domain', 'jobs.example', '--passphrase-file', path('new-pass'))

  // A fresh wallet of another holder refuses them: exit 1, one line per credential.
  await ok('wallet', 'init', '--wallet', path('stranger'), '--unencrypted')
  const refused = await cli('wallet', 'import', '--wallet', path('stranger'), path('backup.json'))
  assert.is(refused.code, 1)
  assert.is(refused.stdout.split('\n').filter((l) => l.includes('not about this wallet\'s holder')).length, 2)
})

test('wallet refresh without a reachable node keeps the status; wallet remove', async () => {
  const refreshed = await ok('wallet', 'refresh', '--wallet', path('wallet'), '--node', 'http://127.0.0.1:9')
  assert.match(refreshed, /not revocable/)
  assert.is(await ok('wallet', 'remove', '--wallet', path('wallet'), ids[0] as string), `removed: ${ids[0] as string}\n`)
  const again = await cli('wallet', 'remove', '--wallet', path('wallet'), ids[0] as string)
  assert.is(again.code, 2)
  assert.match(again.stderr, /holds no credential/)
  assert.is(JSON.parse(await ok('wallet', 'list', '--wallet', path('wallet'), '--json')).length, 1)
})

/**
 * A small HTTP server with a node's claim and status routes (docs/api.md, "Offers and claims"):
 * one offer under `code`, status lists from a `cofl status publish` directory.
 */
async function miniNode (code: string, published: string): Promise<JsonServer> {
  const key = await loadKeyFile(path('issuer.key'))
  const achievement = JSON.parse(await readFile(path('achievement.json'), 'utf8'))
  let challenge: string | undefined
  let used = false
  return await jsonServer(async (req, body) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/api/status/')) {
      const id = decodeURIComponent(url.pathname.slice('/api/status/'.length))
      for (const name of readdirSync(published)) {
        const list = JSON.parse(await readFile(join(published, name), 'utf8'))
        if (list.id === id) return [200, list]
      }
      return [404, { error: { code: 'COFL_ERR_NOT_FOUND', message: `no status list ${id}` } }]
    }
    if (url.pathname !== `/api/claims/${code}`) return [404, { error: { code: 'COFL_ERR_OFFER_NOT_FOUND', message: 'no such offer' } }]
    if (used) return [409, { error: { code: 'COFL_ERR_OFFER_CLAIMED', message: 'this offer was claimed already' } }]
    // A claim's challenge, for the host the wallet asked (docs/api.md, "Presentations bound to their use").
    if (req.method === 'GET') {
      challenge = `cofl-claim:${randomUUID()}`
      return [200, { offerId: 'o-1', achievement: { id: achievement.id, name: achievement.name }, issuer: { id: key.did }, challenge, domain: req.headers.host, expiresAt: '2099-01-01T00:00:00Z' }]
    }
    const { presentation } = JSON.parse(body)
    const proof = await verifyPresentationProof(presentation, { challenge: challenge ?? '', domain: req.headers.host ?? '' })
    if (!proof.verified || proof.verificationMethods[0]?.split('#')[0] !== presentation.holder) return [400, { error: { code: 'COFL_ERR_CLAIM_PROOF', message: proof.errors.join('; ') } }]
    used = true
    return [201, { credential: await issueCredential({ key, achievement, subject: presentation.holder, issuerName: 'Plymouth City of Learning' }) }]
  })
}

test('wallet claim and wallet refresh against a node: claimed once, then active, then revoked', async () => {
  const status = path('status')
  const issued = await ok('issue', '--key', path('issuer.key'), '--achievement', path('achievement.json'), '--subject', did, '--status', status, '--issuer-name', 'Plymouth City of Learning')
  await writeFile(path('revocable.json'), issued)
  await ok('wallet', 'import', '--wallet', path('wallet'), path('revocable.json'))
  await ok('status', 'publish', '--status', status, '--key', path('issuer.key'))
  const mini = await miniNode('the-claim-code-0123', join(status, 'published'))
  const url = mini.url
  try {
    const claimed = await cli('wallet', 'claim', `${url}/api/claims/the-claim-code-0123`, '--wallet', path('wallet'))
    assert.is(claimed.code, 0, claimed.stderr)
    assert.match(claimed.stdout, /^claimed: urn:uuid:\S+ {2}Coding Club {2}from Plymouth City of Learning \(did:key:\S+\) {2}\[not revocable\]\n$/)
    const twice = await cli('wallet', 'claim', 'the-claim-code-0123', '--node', url, '--wallet', path('wallet'))
    assert.is(twice.code, 2)
    assert.match(twice.stderr, /^cofl: the node refused the claim: this offer was claimed already \(COFL_ERR_OFFER_CLAIMED\)\n$/)
    const noNode = await cli('wallet', 'claim', 'the-claim-code-0123', '--wallet', path('wallet'))
    assert.is(noNode.code, 2)
    assert.match(noNode.stderr, /--node URL/)

    const id = JSON.parse(issued).id as string
    assert.match(await ok('wallet', 'refresh', '--wallet', path('wallet'), '--node', url), new RegExp(`${id}: active \\(was unknown\\)`))
    await ok('revoke', '--status', status, '--key', path('issuer.key'), path('revocable.json'))
    await ok('status', 'publish', '--status', status, '--key', path('issuer.key'))
    assert.match(await ok('wallet', 'refresh', '--wallet', path('wallet'), '--node', url), new RegExp(`${id}: revoked \\(was active\\)`))
    assert.match(await ok('wallet', 'list', '--wallet', path('wallet')), new RegExp(`${id} .*\\[revoked\\]`))
  } finally {
    await mini.close()
  }
})

test.run()
