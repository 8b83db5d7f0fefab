// The wallet survives kill -9 during the import of 1,000 credentials: every credential whose
// import was acknowledged is there after the crash, none is held twice, and importing the whole
// file again completes to exactly 1,000.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnChild, tempDir } from '@cofl/test-support'
import { createIssuer } from '@cofl/test-support/issuers'
import { createWallet, openWallet } from '@cofl/wallet'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const CHILD = fileURLToPath(new URL('./fixtures/wallet-import.ts', import.meta.url))
const TOTAL = 1000
const CHILD_TIMEOUT_MS = 120_000

/**
 * Runs the importing child until it has acknowledged `killAfter` credentials, then kills it with
 * SIGKILL. Returns the ids it acknowledged (printed after their write resolved).
 */
async function importThenKill (directory: string, file: string, killAfter: number): Promise<string[]> {
  const child = spawnChild({ script: CHILD, args: [directory, file] })
  try {
    let held = 0
    await child.waitForLine((line) => {
      if (line.startsWith('refused ')) throw new Error(`the child refused a credential: ${line}`)
      if (line.startsWith('held ') && ++held >= killAfter) {
        child.proc.kill('SIGKILL') // mid-way: the next write may be under way
        return true
      }
      return undefined
    }, { what: `${killAfter} credentials acknowledged`, ms: CHILD_TIMEOUT_MS })
  } finally {
    await child.stop({ signal: 'SIGKILL' }) // and all it printed read
  }
  // Lines that were on their way when the child died are acknowledged as well.
  return child.lines().filter((line) => line.startsWith('held ')).map((line) => line.slice(5))
}

test('kill -9 during the import of 1,000 credentials: nothing acknowledged is lost, nothing is held twice', async () => {
  const dir = await tempDir('cofl-wallet-crash-')
  try {
    const directory = join(dir.path, 'wallet')
    const setup = createWallet({ directory, unencrypted: true })
    const did = await setup.init()
    await setup.close()

    // 1,000 distinct signed credentials for the holder, made once.
    const issuer = await createIssuer()
    const credentials: Array<Record<string, unknown>> = []
    for (let i = 0; i < TOTAL; i++) credentials.push(await issuer.issue(did) as unknown as Record<string, unknown>)
    await issuer.close()
    const ids = credentials.map((c) => c.id as string)
    assert.is(new Set(ids).size, TOTAL)
    const file = join(dir.path, 'credentials.json')
    await writeFile(file, JSON.stringify(credentials))

    // Two crashes: one a quarter of the way in, one (after the first quarter is found held) past half.
    const acknowledged = new Set<string>()
    for (const killAfter of [250, 600]) {
      const acked = await importThenKill(directory, file, killAfter)
      assert.ok(acked.length >= killAfter)
      for (const id of acked) acknowledged.add(id)

      const wallet = await openWallet({ directory })
      try {
        const held = await wallet.list()
        const heldIds = held.map((h) => h.id)
        assert.is(new Set(heldIds).size, heldIds.length, 'an id is held twice')
        const missing = [...acknowledged].filter((id) => !heldIds.includes(id))
        assert.equal(missing, [], `acknowledged but lost after kill -9: ${missing.length}`)
        assert.ok(heldIds.every((id) => ids.includes(id)), 'the wallet holds a credential that was never imported')
        assert.ok(held.length < TOTAL, `the child finished before it was killed (${held.length})`)
        // What is held is whole: spot-check the last acknowledged one against the original.
        const last = acked[acked.length - 1] as string
        assert.equal((await wallet.get(last))?.credential, credentials[ids.indexOf(last)])
      } finally {
        await wallet.close()
      }
    }

    // Importing the whole file again completes to exactly 1,000.
    const wallet = await openWallet({ directory })
    try {
      const before = (await wallet.list()).length
      const result = await wallet.import(credentials)
      assert.equal(result.refused, [])
      assert.is(result.unchanged, before)
      assert.is(result.added, TOTAL - before)
      const held = await wallet.list()
      assert.is(held.length, TOTAL)
      assert.equal(held.map((h) => h.id).sort(), [...ids].sort())
      assert.is((await wallet.import(credentials)).unchanged, TOTAL)
    } finally {
      await wallet.close()
    }
  } finally {
    await dir.remove()
  }
})

test.run()
