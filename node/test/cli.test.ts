// The cofl CLI: every command end to end (in process through runCli, and as a child process for
// exit codes, standard input and the absence of stack traces).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPresentation, signPresentation, validateSchema } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { runCofl } from '@cofl/test-support'
import type { Run } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli } from './cli-helpers.js'

const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'

let dir = ''
const path = (name: string): string => join(dir, name)

test.before(async () => { dir = await mkdtemp(join(tmpdir(), 'cofl-cli-')) })
test.after(async () => { await rm(dir, { recursive: true, force: true }) })

test('keys new (unencrypted and encrypted) prints the DID; keys show reads it back', async () => {
  const plain = await cli('keys', 'new', '--out', path('issuer.key'), '--unencrypted')
  assert.is(plain.code, 0, plain.stderr)
  assert.match(plain.stdout, /^did:key:z6Mk\w+\n$/)
  await writeFile(path('pass'), 'a long passphrase\n')
  const enc = await cli('keys', 'new', '--out', path('enc.key'), '--passphrase-file', path('pass'))
  assert.is(enc.code, 0, enc.stderr)
  assert.is((await cli('keys', 'show', '--key', path('enc.key'), '--passphrase-file', path('pass'))).stdout, enc.stdout)
  await writeFile(path('wrong'), 'not it')
  const wrong = await cli('keys', 'show', '--key', path('enc.key'), '--passphrase-file', path('wrong'))
  assert.is(wrong.code, 2)
  assert.match(wrong.stderr, /wrong passphrase/)
  const again = await cli('keys', 'new', '--out', path('issuer.key'), '--unencrypted')
  assert.is(again.code, 2)
  assert.match(again.stderr, /never overwrites/)
})

test('achievement sign, issue with a status directory, status publish, verify, revoke', async () => {
  await writeFile(path('achievement.json'), JSON.stringify({
    name: 'Coding Club: Python Basics', description: 'Ten sessions of Python at the city library.',
    criteria: 'Attend ten sessions and build a small game.', achievementType: 'Competency',
    alignment: [{ targetName: 'Programming', targetUrl: 'https://example.org/skills/programming' }]
  }))
  const signed = await cli('achievement', 'sign', '--key', path('issuer.key'), '--issuer-name', 'Plymouth City of Learning', path('achievement.json'))
  assert.is(signed.code, 0, signed.stderr)
  const achievement = JSON.parse(signed.stdout)
  assert.equal(achievement.type, ['Achievement'])
  assert.is(achievement.proof.cryptosuite, 'eddsa-rdfc-2022')
  await writeFile(path('achievement.signed.json'), signed.stdout)

  const issued = await cli('issue', '--key', path('issuer.key'), '--achievement', path('achievement.signed.json'), '--subject', LEARNER, '--status', path('status'))
  assert.is(issued.code, 0, issued.stderr)
  const credential = JSON.parse(issued.stdout)
  const schema = validateSchema('AchievementCredential', credential)
  assert.ok(schema.valid, schema.errors.join('; '))
  assert.equal(credential['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'])
  assert.ok(Array.isArray(credential.proof))
  assert.is(credential.credentialStatus.statusPurpose, 'revocation')
  await writeFile(path('credential.json'), issued.stdout)

  const published = await cli('status', 'publish', '--status', path('status'), '--key', path('issuer.key'))
  assert.is(published.code, 0, published.stderr)
  const lists = published.stdout.trim().split('\n')
  assert.is(lists.length, 2)
  const listArgs = lists.flatMap((l) => ['--status-list', l])
  const ok = await cli('verify', path('credential.json'), ...listArgs, '--json')
  assert.is(ok.code, 0, ok.stdout)
  const report = JSON.parse(ok.stdout)
  assert.is(report.verified, true)
  assert.equal(report.checks.map((c: { id: string, outcome: string }) => `${c.id}:${c.outcome}`), ['format:passed', 'schema:passed', 'proof:passed', 'status:passed', 'validity:passed'])

  const revoked = await cli('revoke', '--status', path('status'), '--key', path('issuer.key'), path('credential.json'))
  assert.is(revoked.code, 0, revoked.stderr)
  // the old list still says "not revoked"; the newly published one says revoked, with a higher sequence
  const before = JSON.parse(await readFile(lists[0] as string, 'utf8'))
  assert.is((await cli('status', 'publish', '--status', path('status'), '--key', path('issuer.key'))).code, 0)
  const after = JSON.parse(await readFile(lists[0] as string, 'utf8'))
  assert.ok(after.sequence > before.sequence)
  const bad = await cli('verify', path('credential.json'), ...listArgs)
  assert.is(bad.code, 1)
  assert.match(bad.stdout, /INVALID credential/)
  assert.match(bad.stdout, /\[FAIL\] Revocation and suspension: revoked by its issuer/)
})

test('suspend and unsuspend a credential issued with --status-purpose suspension', async () => {
  const issued = await cli('issue', '--key', path('issuer.key'), '--achievement', path('achievement.signed.json'), '--subject', LEARNER, '--status', path('status'), '--status-purpose', 'suspension')
  assert.is(issued.code, 0, issued.stderr)
  await writeFile(path('suspendable.json'), issued.stdout)
  const verdict = async (): Promise<Run> => {
    const lists = (await cli('status', 'publish', '--status', path('status'), '--key', path('issuer.key'))).stdout.trim().split('\n')
    return await cli('verify', path('suspendable.json'), ...lists.flatMap((l) => ['--status-list', l]), '--json')
  }
  assert.is((await verdict()).code, 0)
  assert.is((await cli('suspend', '--status', path('status'), '--key', path('issuer.key'), path('suspendable.json'))).code, 0)
  const suspended = await verdict()
  assert.is(suspended.code, 1)
  assert.match(JSON.parse(suspended.stdout).checks.find((c: { id: string }) => c.id === 'status').reason, /suspended/)
  assert.is((await cli('unsuspend', '--status', path('status'), '--key', path('issuer.key'), path('suspendable.json'))).code, 0)
  assert.is((await verdict()).code, 0)
  const cannot = await cli('revoke', '--status', path('status'), '--key', path('issuer.key'), path('suspendable.json'))
  assert.is(cannot.code, 2)
  assert.match(cannot.stderr, /no revocation status entry/)
})

test('a status directory belongs to one issuer', async () => {
  await cli('keys', 'new', '--out', path('other.key'), '--unencrypted')
  const r = await cli('issue', '--key', path('other.key'), '--achievement', path('achievement.signed.json'), '--subject', LEARNER, '--status', path('status'))
  assert.is(r.code, 2)
  assert.match(r.stderr, /^cofl: the status registry in .* belongs to did:key:\w+, not did:key:/)
})

test('bad usage and unreadable input: exit 2 with one line on stderr', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['issue', '--key', path('issuer.key')], /--achievement is required/],
    [['issue', '--key', path('issuer.key'), '--achievement', path('achievement.signed.json'), '--subject', 'alice@example.org'], /the subject "alice@example.org" is not a did:key this node can resolve: it is not a DID/],
    [['issue', '--key', path('issuer.key'), '--achievement', path('achievement.json'), '--subject', LEARNER], /is not a signed achievement: sign it first with `cofl achievement sign`/],
    [['issue', '--key', path('nope.key'), '--achievement', path('achievement.signed.json'), '--subject', LEARNER], /cannot read key file/],
    [['achievement', 'sign', '--key', path('issuer.key'), path('credential.json')], /signed already|needs/],
    [['verify'], /missing argument/],
    [['verify', path('missing.json')], /cannot read .*no such file/],
    [['verify', path('a'), path('b')], /unexpected argument/],
    [['verify', '--bogus', path('a')], /Unknown option '--bogus'/],
    [['verify', path('credential.json'), '--domain', 'example.org'], /--domain goes with --challenge/],
    [['frobnicate'], /unknown command "frobnicate"/]
  ]
  for (const [argv, message] of cases) {
    const r = await cli(...argv)
    assert.is(r.code, 2, argv.join(' '))
    assert.match(r.stderr, message, argv.join(' '))
    assert.ok(r.stderr.startsWith('cofl: '), argv.join(' '))
  }
  const tampered = JSON.parse(await readFile(path('achievement.signed.json'), 'utf8'))
  tampered.name = 'Something else'
  await writeFile(path('tampered-achievement.json'), JSON.stringify(tampered))
  const t = await cli('issue', '--key', path('issuer.key'), '--achievement', path('tampered-achievement.json'), '--subject', LEARNER)
  assert.is(t.code, 2)
  assert.match(t.stderr, /achievement's signature does not verify/)
})

test('verify a presentation: challenge and domain must be the ones the verifier gave', async () => {
  const learner = await generateKeyPair()
  await writeFile(path('learner-achievement.json'), await readFile(path('achievement.signed.json')))
  const issued = await cli('issue', '--key', path('issuer.key'), '--achievement', path('learner-achievement.json'), '--subject', learner.did)
  assert.is(issued.code, 0, issued.stderr)
  const presentation = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: JSON.parse(issued.stdout) }), { key: learner, challenge: 'c-81f2', domain: 'jobs.example.org' })
  await writeFile(path('presentation.json'), JSON.stringify(presentation))
  const ok = await cli('verify', path('presentation.json'), '--challenge', 'c-81f2', '--domain', 'jobs.example.org', '--json')
  assert.is(ok.code, 0, ok.stdout)
  assert.equal(JSON.parse(ok.stdout).checks.map((c: { id: string, outcome: string }) => `${c.id}:${c.outcome}`), ['format:passed', 'proof:passed', 'holder:passed', 'credentials:passed'])
  for (const [args, reason] of [
    [['--challenge', 'another'], /challenge/],
    [['--challenge', 'c-81f2', '--domain', 'other.example.org'], /domain/],
    [[], /no challenge was given/]
  ] as Array<[string[], RegExp]>) {
    const r = await cli('verify', path('presentation.json'), ...args, '--json')
    assert.is(r.code, 1, args.join(' '))
    const proof = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'proof')
    assert.is(proof.outcome, 'failed')
    assert.match(proof.reason, reason)
  }
})

test('every command has --help', async () => {
  for (const argv of [['keys', 'new'], ['keys', 'show'], ['achievement', 'sign'], ['issue'], ['revoke'], ['suspend'], ['unsuspend'], ['status', 'publish'], ['verify']]) {
    const r = await cli(...argv, '--help')
    assert.is(r.code, 0, argv.join(' '))
    assert.match(r.stdout, new RegExp(`^cofl ${argv.join(' ')}`))
  }
  const main = await cli('--help')
  assert.is(main.code, 0)
  for (const name of ['keys new', 'achievement sign', 'issue', 'revoke', 'status publish', 'verify']) assert.ok(main.stdout.includes(name), name)
})

test('the bin: stdin, exit codes, and no stack trace on bad input', async () => {
  const credential = await readFile(path('credential.json'), 'utf8')
  const fromStdin = await runCofl(['verify', '-', '--json'], { stdin: credential })
  assert.is(fromStdin.code, 3) // no status list given: revocation cannot be checked here (neither valid nor invalid)
  assert.is(JSON.parse(fromStdin.stdout).verified, false)
  assert.is(JSON.parse(fromStdin.stdout).verdict, 'indeterminate')
  const cases: Array<[string[], string | undefined, number]> = [
    [['verify', '-'], 'this is not json', 2],
    [['verify', '-'], '[1, 2, 3]', 1],
    [['verify', '-'], '{"hello": "world"}', 1],
    [['verify', '-'], '', 2],
    [['issue', '--subject'], undefined, 2]
  ]
  for (const [argv, stdin, code] of cases) {
    const r = await runCofl(argv, stdin != null ? { stdin } : {})
    assert.is(r.code, code, `${argv.join(' ')} <<< ${String(stdin)}: ${r.stderr}`)
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
    if (code === 2) assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  }
  const help = await runCofl(['--help'])
  assert.is(help.code, 0)
  assert.match(help.stdout, /^cofl: a federated/)
  const none = await runCofl([])
  assert.is(none.code, 2)
})

test.run()
