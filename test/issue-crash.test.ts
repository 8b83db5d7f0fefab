// A crash in the middle of issuing (kill -9 between the status index allocation and the signing)
// leaves no index handed out twice: the next credentials get other, distinct indexes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnChild } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cliOk } from './fixtures/cli.js'

const CHILD = fileURLToPath(new URL('./fixtures/issue-then-hang.ts', import.meta.url))
const LEARNER = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'

/** Runs the child until it reports its allocated index, then kills it with SIGKILL. */
async function allocateThenKill (args: string[]): Promise<number> {
  const child = spawnChild({ script: CHILD, args })
  try {
    return await child.waitForLine((line) => {
      const match = /allocated (\d+)$/.exec(line)
      return match != null ? Number(match[1]) : undefined
    }, { what: 'an allocation', ms: 60_000 })
  } finally {
    await child.stop({ signal: 'SIGKILL' })
  }
}

test('kill -9 between allocation and signing: no status index is handed out twice', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cofl-crash-'))
  try {
    const key = join(dir, 'issuer.key')
    await cliOk('keys', 'new', '--out', key, '--unencrypted')
    await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'First Aid', description: 'Basic first aid', criteria: 'Pass the course' }))
    await writeFile(join(dir, 'achievement.json'), await cliOk('achievement', 'sign', '--key', key, join(dir, 'a.json')))
    const issue = async (): Promise<number> => {
      const credential = JSON.parse(await cliOk('issue', '--key', key, '--achievement', join(dir, 'achievement.json'), '--subject', LEARNER, '--status', join(dir, 'status')))
      return Number(credential.credentialStatus.statusListIndex)
    }
    const handedOut = [await issue()]
    const lost: number[] = []
    for (let round = 0; round < 2; round++) {
      lost.push(await allocateThenKill([key, join(dir, 'status', 'registry'), join(dir, 'achievement.json'), LEARNER]))
      handedOut.push(await issue(), await issue())
    }
    const all = [...handedOut, ...lost]
    assert.is(new Set(all).size, all.length, `an index was handed out twice: issued ${handedOut.join(',')}, killed after ${lost.join(',')}`)
    for (const index of lost) assert.not.ok(handedOut.includes(index))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
