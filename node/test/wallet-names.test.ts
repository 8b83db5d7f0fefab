// A wallet's credential named by a word of its name where an id is expected (`cofl wallet show`,
// `present`, `bake`), as the README's tour does: one match is taken, several are refused with the
// list of ids, none is "no credential".
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli } from './cli-helpers.js'

let dir = ''
const path = (name: string): string => join(dir, name)
const held: Record<string, string> = {}

async function ok (...argv: string[]): Promise<string> {
  const run = await cli(...argv)
  assert.is(run.code, 0, `cofl ${argv.join(' ')}: ${run.stderr}`)
  return run.stdout
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-wallet-names-'))
  const did = (await ok('wallet', 'init', '--wallet', path('wallet'), '--unencrypted')).trim()
  await ok('keys', 'new', '--out', path('issuer.key'), '--unencrypted')
  for (const name of ['Museum Explorer', 'Museum Guide', 'Coding Club: Python']) {
    await writeFile(path('fields.json'), JSON.stringify({ name, description: `${name}, five sessions`, criteria: 'Come five times' }))
    await writeFile(path('achievement.json'), await ok('achievement', 'sign', '--key', path('issuer.key'), path('fields.json')))
    const credential = await ok('issue', '--key', path('issuer.key'), '--achievement', path('achievement.json'), '--subject', did)
    held[name] = (JSON.parse(credential) as { id: string }).id
    await writeFile(path('c.json'), credential)
    await ok('wallet', 'import', '--wallet', path('wallet'), path('c.json'))
  }
})
test.after(async () => { await rm(dir, { recursive: true, force: true }) })

test('one credential whose name has the words: show, present and bake take it', async () => {
  const shown = JSON.parse(await ok('wallet', 'show', 'python', '--wallet', path('wallet'))) as { id: string }
  assert.is(shown.id, held['Coding Club: Python'])
  const vp = JSON.parse(await ok('wallet', 'present', 'museum explorer', '--challenge', 'c-1', '--domain', 'jobs.example', '--wallet', path('wallet'))) as { verifiableCredential: Array<{ id: string }> }
  assert.equal(vp.verifiableCredential.map((c) => c.id), [held['Museum Explorer']])
  assert.match(await ok('wallet', 'bake', 'GUIDE', '--out', path('guide.png'), '--wallet', path('wallet')), new RegExp(`^baked ${held['Museum Guide'] ?? ''} into `))
})

test('an id is still taken as an id', async () => {
  const shown = JSON.parse(await ok('wallet', 'show', held['Museum Guide'] as string, '--wallet', path('wallet'))) as { id: string }
  assert.is(shown.id, held['Museum Guide'])
})

test('words that name several credentials: exit 2 with their ids; words that name none: exit 2', async () => {
  const several = await cli('wallet', 'bake', 'museum', '--out', path('m.png'), '--wallet', path('wallet'))
  assert.is(several.code, 2)
  assert.match(several.stderr, /"museum" names 2 credentials of the wallet; give one of their ids/)
  assert.ok(several.stderr.includes(held['Museum Explorer'] as string) && several.stderr.includes(held['Museum Guide'] as string))
  const none = await cli('wallet', 'show', 'kayak', '--wallet', path('wallet'))
  assert.is(none.code, 2)
  assert.match(none.stderr, /the wallet holds no credential kayak, by id or by name/)
})

test.run()
