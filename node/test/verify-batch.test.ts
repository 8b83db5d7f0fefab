// `cofl verify --batch DIR`: a directory of valid, tampered and unreadable files verified on the
// main thread and the verifier's worker threads; what it prints (lines, --json) and its exit codes,
// in process and as the real bin in a child process; the same verdicts whatever the threads.
import { copyFile, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential } from '@cofl/credentials'
import type { OpenBadgeCredentialInit } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { bakePng, bakeSvg, defaultBadgePng, defaultBadgeSvg } from '@cofl/formats'
import { runCofl } from '@cofl/test-support'
import type { Run } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_INPUT_BYTES } from '../src/cli/io.js'
import { cli } from './cli-helpers.js'

const LIMIT_MS = 120_000

/** `cofl ARGV...` in this process, or a failure after LIMIT_MS. */
async function cliBounded (...argv: string[]): Promise<Run> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`cofl ${argv.join(' ')}: no answer within ${LIMIT_MS} ms`)) }, LIMIT_MS)
  })
  try {
    return await Promise.race([cli(...argv), timeout])
  } finally {
    clearTimeout(timer)
  }
}

let root = ''
let mixed = ''
let valid = ''
/** More files than one chunk of the pool, failing each check in turn. */
let many = ''
/** What `many` holds: how many files fail which check (by code), and how many are valid. */
const MANY = { valid: 30, tampered: 3, expired: 2, notYetValid: 1, unknownStatusList: 2, schema: 2 }

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cofl-verify-batch-'))
  mixed = join(root, 'mixed')
  valid = join(root, 'valid')
  await mkdir(mixed)
  await mkdir(valid)
  const key = await generateKeyPair()
  const issuer = buildProfile({ id: key.did, name: 'Plymouth City of Learning' })
  const achievement = buildAchievement({ name: 'Coding Club', description: '10 sessions', criteria: 'Attend 10 sessions', creator: issuer })
  const credentials = await Promise.all([0, 1, 2].map(async (i) => await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: `did:example:learner-${i}` }), { key })))
  const [a, b, c] = credentials
  for (const dir of [mixed, valid]) {
    await writeFile(join(dir, 'a.json'), JSON.stringify(a))
    await writeFile(join(dir, 'b.JSON'), JSON.stringify(b))
    await writeFile(join(dir, 'c.png'), bakePng(defaultBadgePng(), c as object))
    await writeFile(join(dir, 'd.svg'), bakeSvg(defaultBadgeSvg('Coding Club'), a as object))
    await writeFile(join(dir, 'notes.txt'), 'not a credential file: left alone')
    await mkdir(join(dir, 'nested.json'))
  }
  // The mixed directory also holds a tampered credential and files that cannot be read as one.
  await writeFile(join(mixed, 'tampered.json'), JSON.stringify({ ...a, name: 'Master of Everything' }))
  await writeFile(join(mixed, 'broken.json'), '{"@context": [')
  await writeFile(join(mixed, 'empty.json'), '')
  await writeFile(join(mixed, 'blank.png'), defaultBadgePng())
  await writeFile(join(mixed, 'list.json'), '[1, 2]')
  await symlink(join(root, 'nowhere.json'), join(mixed, 'gone.json'))

  many = join(root, 'many')
  await mkdir(many)
  const day = 86_400_000
  const sign = async (init: Partial<OpenBadgeCredentialInit>, change?: (c: Record<string, unknown>) => void): Promise<Record<string, unknown>> => {
    const unsigned = buildOpenBadgeCredential({ issuer, achievement, subject: `did:example:learner-${Math.random()}`, ...init }) as unknown as Record<string, unknown>
    change?.(unsigned)
    return await signCredential(unsigned as never, { key }) as unknown as Record<string, unknown>
  }
  const files: Array<[string, Record<string, unknown>]> = []
  for (let i = 0; i < MANY.valid; i++) {
    const credential = await sign({})
    // Every fifth one with its proof as one object (valid VC 2.0; the OB schema wants an array).
    files.push([`valid-${i}.json`, i % 5 === 0 ? { ...credential, proof: (credential.proof as unknown[])[0] } : credential])
  }
  for (let i = 0; i < MANY.tampered; i++) files.push([`tampered-${i}.json`, { ...await sign({}), name: 'Forged' }])
  for (let i = 0; i < MANY.expired; i++) files.push([`expired-${i}.json`, await sign({ validFrom: new Date(Date.now() - 400 * day), validUntil: new Date(Date.now() - 30 * day) })])
  for (let i = 0; i < MANY.notYetValid; i++) files.push([`future-${i}.json`, await sign({ validFrom: new Date(Date.now() + 30 * day) })])
  for (let i = 0; i < MANY.unknownStatusList; i++) {
    const credentialStatus = { id: `https://example.org/status/1#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(i), statusListCredential: 'https://example.org/status/1' }
    files.push([`status-${i}.json`, await sign({ credentialStatus } as Partial<OpenBadgeCredentialInit>)])
  }
  for (let i = 0; i < MANY.schema; i++) {
    // Signed as it is, but no valid OB 3.0 credential: the achievement has no criteria.
    files.push([`schema-${i}.json`, await sign({}, (c) => { delete ((c.credentialSubject as Record<string, unknown>).achievement as Record<string, unknown>).criteria })])
  }
  await Promise.all(files.map(async ([name, credential]) => { await writeFile(join(many, name), JSON.stringify(credential)) }))
})

test.after(async () => { await rm(root, { recursive: true, force: true }) })

test('a directory of valid credentials (JSON and baked PNG / SVG): exit 0 and a summary', async () => {
  const run = await cli('verify', '--batch', valid, '--workers', '1')
  assert.is(run.code, 0, run.stdout + run.stderr)
  assert.match(run.stdout, /^4 files: 4 valid, 0 invalid, 0 cannot be checked here \([\d.]+ s, main thread\)\n$/)
  const json = await cli('verify', '--batch', valid, '--workers', '0', '--json')
  assert.is(json.code, 0, json.stderr)
  const summary = JSON.parse(json.stdout) as Record<string, number>
  assert.equal(Object.keys(summary), ['total', 'valid', 'invalid', 'indeterminate', 'seconds'])
  assert.equal([summary.total, summary.valid, summary.invalid, summary.indeterminate], [4, 4, 0, 0])
  assert.ok(typeof summary.seconds === 'number' && summary.seconds >= 0)
})

test('valid, tampered and unreadable files: one line per invalid file with its reason, exit 1', async () => {
  const run = await cli('verify', '--batch', mixed, '--workers', '2')
  assert.is(run.code, 1, run.stderr)
  const lines = run.stdout.trim().split('\n')
  assert.is(lines.length, 7, run.stdout)
  const line = (file: string): string => lines.find((l) => l.startsWith(`${file}: `)) ?? assert.unreachable(`no line for ${file}: ${run.stdout}`) as never
  assert.match(line('tampered.json'), /proof: the signature does not match/)
  assert.match(line('broken.json'), /broken\.json is not JSON/)
  assert.match(line('empty.json'), /is not JSON/)
  assert.match(line('blank.png'), /a PNG image with no baked credential/)
  assert.match(line('list.json'), /format: expected a credential \(a JSON object\), got an array/)
  assert.match(line('gone.json'), /cannot read gone\.json: no such file/)
  assert.ok(!run.stdout.includes(mixed), 'lines name files, not the directory')
  // Ten files are less than one chunk: the main thread verifies them alone, no worker starts.
  assert.match(lines[6] as string, /^10 files: 4 valid, 6 invalid, 0 cannot be checked here \([\d.]+ s, main thread\)$/)
})

test('--json: one object per file that is not valid, then {"total","valid","invalid","indeterminate","seconds"}', async () => {
  const run = await cli('verify', '--batch', mixed, '--json', '--workers', '1')
  assert.is(run.code, 1, run.stderr)
  const objects = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  const summary = objects.pop() as Record<string, number>
  assert.equal([summary.total, summary.valid, summary.invalid, summary.indeterminate], [10, 4, 6, 0])
  assert.equal(objects.map((o) => o.file), ['blank.png', 'broken.json', 'empty.json', 'gone.json', 'list.json', 'tampered.json'])
  assert.ok(objects.every((o) => o.verdict === 'invalid'), JSON.stringify(objects))
  const tampered = objects.find((o) => o.file === 'tampered.json') as Record<string, unknown>
  assert.equal(tampered.codes, ['COFL_ERR_INVALID_SIGNATURE'])
  assert.match(String(tampered.reason), /signature does not match/)
  assert.equal((objects.find((o) => o.file === 'gone.json') as Record<string, unknown>).codes, [])
})

test('the same verdicts on the main thread alone (--workers 1, 0) and with worker threads (--workers 3)', async () => {
  const runs = new Map<string, Run>()
  for (const workers of ['1', '0', '3']) {
    const run = await cliBounded('verify', '--batch', many, '--workers', workers, '--json')
    assert.is(run.code, 1, `--workers ${workers}: ${run.stderr}`)
    runs.set(workers, run)
  }
  const linesOf = (run: Run): Array<Record<string, unknown>> => run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  const one = linesOf(runs.get('1') as Run)
  const summary = one.pop() as Record<string, number>
  const failed = Object.values(MANY).reduce((a, b) => a + b, 0) - MANY.valid
  // A status list the batch was not given: cannot be checked here, not invalid.
  assert.equal([summary.total, summary.valid, summary.invalid, summary.indeterminate], [MANY.valid + failed, MANY.valid, failed - MANY.unknownStatusList, MANY.unknownStatusList])
  assert.ok(one.filter((o) => String(o.file).startsWith('status-')).every((o) => o.verdict === 'indeterminate'))
  const codes = (prefix: string): unknown[] => one.filter((o) => String(o.file).startsWith(prefix)).map((o) => o.codes)
  assert.equal(codes('tampered-'), Array(MANY.tampered).fill(['COFL_ERR_INVALID_SIGNATURE']))
  assert.equal(codes('expired-'), Array(MANY.expired).fill(['COFL_ERR_EXPIRED']))
  assert.equal(codes('future-'), Array(MANY.notYetValid).fill(['COFL_ERR_NOT_YET_VALID']))
  assert.equal(codes('status-'), Array(MANY.unknownStatusList).fill(['COFL_ERR_STATUS_LIST_UNAVAILABLE']))
  assert.equal(codes('schema-'), Array(MANY.schema).fill(['COFL_ERR_SCHEMA']))
  assert.is(one.length, failed)
  // Every line but the summary's seconds is the same, whatever the threads.
  const withoutSeconds = (run: Run): unknown => linesOf(run).map(({ seconds: _seconds, ...rest }) => rest)
  for (const workers of ['0', '3']) assert.equal(withoutSeconds(runs.get(workers) as Run), withoutSeconds(runs.get('1') as Run), `--workers ${workers}`)
  // The text summary names the worker threads it may use: one chunk of the queue is the main thread's.
  const text = await cliBounded('verify', '--batch', many, '--workers', '3')
  assert.match(text.stdout, /\n40 files: 30 valid, 8 invalid, 2 cannot be checked here \([\d.]+ s, main thread and up to 2 worker threads\)\n$/)
  assert.match(text.stdout, /\nstatus-0\.json: cannot be checked here: status: the status list https:\/\/example\.org\/status\/1 is not available/)
})

test('no file invalid, one that cannot be checked here: exit 3; with its status list given: exit 0', async () => {
  const dir = join(root, 'unchecked')
  await mkdir(dir)
  await copyFile(join(valid, 'a.json'), join(dir, 'a.json'))
  await copyFile(join(many, 'status-0.json'), join(dir, 'status-0.json'))
  const run = await cliBounded('verify', '--batch', dir, '--workers', '1')
  assert.is(run.code, 3, run.stdout + run.stderr)
  assert.match(run.stdout, /^status-0\.json: cannot be checked here: status: the status list https:\/\/example\.org\/status\/1 is not available/)
  assert.match(run.stdout, /\n2 files: 1 valid, 0 invalid, 1 cannot be checked here /)
  // and one invalid file beside it: exit 1
  await copyFile(join(many, 'tampered-0.json'), join(dir, 'tampered-0.json'))
  const worse = await cliBounded('verify', '--batch', dir, '--workers', '1', '--json')
  assert.is(worse.code, 1, worse.stderr)
  assert.match(worse.stdout, /\{"total":3,"valid":1,"invalid":1,"indeterminate":1,"seconds":[\d.]+\}\n$/)
})

test('a file over the size limit counts as invalid, with the reason `cofl verify FILE` gives', async () => {
  const big = join(root, 'big')
  await mkdir(big)
  await copyFile(join(valid, 'a.json'), join(big, 'a.json'))
  await writeFile(join(big, 'huge.json'), '')
  await truncate(join(big, 'huge.json'), MAX_INPUT_BYTES + 1)
  const run = await cliBounded('verify', '--batch', big, '--workers', '1')
  assert.is(run.code, 1, run.stderr)
  assert.match(run.stdout, new RegExp(`^huge\\.json: huge\\.json is larger than ${MAX_INPUT_BYTES} bytes\n2 files: 1 valid, 1 invalid`))
})

test('bad usage exits 2 with its reason on stderr', async () => {
  const empty = join(root, 'empty')
  await mkdir(empty)
  const onlyText = join(root, 'text')
  await mkdir(onlyText)
  await writeFile(join(onlyText, 'readme.txt'), 'hello')
  const cases: Array<[string[], RegExp]> = [
    [['--batch', join(root, 'missing')], /--batch .*missing: no such directory/],
    [['--batch', join(valid, 'a.json')], /not a directory/],
    [['--batch', empty], /no credential file in it/],
    [['--batch', onlyText], /no credential file in it/],
    [['--batch', valid, '--workers', 'x'], /--workers "x" is not a whole number/],
    [['--batch', valid, '--workers=-1'], /--workers "-1" is not a whole number/],
    [['--batch', valid, '--workers', '-1'], /Option '--workers' argument is ambiguous/],
    [['--batch', valid, '--workers', '1.5'], /--workers "1.5" is not a whole number/],
    [['--batch', valid, '--workers', '100000'], /is not a whole number from 0 to 256/],
    [['--batch', valid, join(valid, 'a.json')], /--batch takes a directory and no FILE/],
    [['--batch', valid, '--node', 'http://127.0.0.1:1'], /--node goes without --batch/],
    [['--batch', valid, '--challenge', 'c'], /--challenge goes without --batch/],
    [['--batch', valid, '--status-list', join(root, 'no-list.json')], /cannot read .*no-list\.json: no such file/],
    [['--workers', '2', join(valid, 'a.json')], /--workers goes with --batch/],
    [[], /missing argument/]
  ]
  for (const [args, message] of cases) {
    const run = await cli('verify', ...args)
    assert.is(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`)
    assert.match(run.stderr, message, args.join(' '))
    assert.ok(run.stderr.startsWith('cofl: ') && !run.stderr.includes('    at '), run.stderr)
  }
  // `cofl verify FILE` is unchanged.
  const one = await cli('verify', join(valid, 'a.json'), '--json')
  assert.is(one.code, 0, one.stderr)
  assert.is((JSON.parse(one.stdout) as { verified: boolean }).verified, true)
})

test('help names --batch', async () => {
  const help = await cli('verify', '--help')
  assert.is(help.code, 0)
  assert.match(help.stdout, /cofl verify --batch DIR \[--workers N\]/)
  assert.match(help.stdout, /one per\s+core/)
  assert.match(help.stdout, /1 \(or 0\) verifies on the main thread alone/)
})

test('the real bin: default workers (one per core), exit codes 1 and 0', async () => {
  const mixedRun = await runCofl(['verify', '--batch', mixed, '--json'])
  assert.is(mixedRun.code, 1, mixedRun.stderr)
  assert.match(mixedRun.stdout, /\{"total":10,"valid":4,"invalid":6,"indeterminate":0,"seconds":[\d.]+\}\n$/)
  const validRun = await runCofl(['verify', '--batch', valid])
  assert.is(validRun.code, 0, validRun.stderr)
  assert.is(validRun.stderr, '')
})

test.run()
