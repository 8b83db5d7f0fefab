import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openStatusRegistry, StatusError } from '../src/index.js'
import { ISSUER } from './helpers.js'
import type { ChildProcess } from 'node:child_process'

const SCRIPT = fileURLToPath(new URL('./fixtures/allocate-loop.ts', import.meta.url))
const LIST_LENGTH = 16 // small, so that the child crosses list boundaries
const WAIT_MS = 20_000

interface Child {
  process: ChildProcess
  lines: string[]
  /** Resolves when `count` allocations were printed; rejects on timeout or exit. */
  printed: (count: number) => Promise<void>
  /** Resolves when the process has exited. */
  exited: Promise<void>
}

function startChild (directory: string): Child {
  const child = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', SCRIPT, directory, ISSUER, String(LIST_LENGTH)], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: string[] = []
  let buffer = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    for (const line of parts) if (line !== 'ready') lines.push(line)
    for (const wake of waiters) wake()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => { for (const wake of waiters) wake(); resolve() })
  })
  const printed = async (count: number): Promise<void> => {
    const signal = AbortSignal.timeout(WAIT_MS)
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (lines.length >= count) done(resolve)
        else if (signal.aborted) done(() => { reject(new Error(`child printed ${lines.length} of ${count} allocations in ${WAIT_MS} ms; stderr: ${stderr}`)) })
        else if (child.exitCode !== null || child.signalCode !== null) done(() => { reject(new Error(`child exited early (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`)) })
      }
      const done = (settle: () => void): void => { waiters.delete(check); signal.removeEventListener('abort', check); settle() }
      waiters.add(check)
      signal.addEventListener('abort', check)
      check()
    })
  }
  return { process: child, lines, printed, exited }
}

async function kill (child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
  await Promise.race([child.exited, new Promise((_resolve, reject) => setTimeout(() => { reject(new Error('child did not exit after SIGKILL')) }, WAIT_MS).unref())])
}

const key = (a: { listNumber: number, index: number }): string => `${a.listNumber}:${a.index}`

test('kill -9 during allocation: no index printed by the child is ever handed out again', async () => {
  const dir = await tempDir()
  const children: Child[] = []
  try {
    const handedOut: string[] = []
    for (const [round, count] of [[1, 25], [2, 40]] as const) {
      const child = startChild(dir.path)
      children.push(child)
      await child.printed(count)
      // While the child holds the directory, a second opener gets a clear error, not level's.
      if (round === 1) {
        try {
          await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: LIST_LENGTH })
          assert.unreachable('opened a directory held by another process')
        } catch (err) {
          assert.instance(err, StatusError, String(err))
          assert.is((err as StatusError).code, 'COFL_ERR_STATUS_LOCKED')
        }
      }
      await kill(child)
      assert.is(child.process.signalCode, 'SIGKILL')
      assert.ok(child.lines.length >= count)
      handedOut.push(...child.lines)
    }

    const registry = await openStatusRegistry({ directory: dir.path, issuer: ISSUER, listLength: LIST_LENGTH })
    try {
      const after: string[] = []
      for (let i = 0; i < 20; i++) after.push(key(await registry.allocate()))
      after.push(...(await Promise.all(Array.from({ length: 20 }, async () => key(await registry.allocate())))))
      const all = [...handedOut, ...after]
      assert.is(new Set(all).size, all.length, 'an index was handed out twice')
      // Each index the children printed is still allocated after the kills (a set bit would be accepted).
      for (const k of handedOut) {
        const [listNumber, index] = k.split(':').map(Number) as [number, number]
        assert.is(await registry.getStatus({ purpose: 'revocation', listNumber, index }), false)
      }
    } finally {
      await registry.close()
    }
  } finally {
    for (const child of children) await kill(child).catch(() => {})
    await dir.remove()
  }
})

test.run()
