// `npm run demo` tells the whole story and ends with the issuer offline: the badge verified at
// another city is valid, the revoked one is not.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const DEMO = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

test('the demo: three nodes, issue, revoke, issuer offline, verified elsewhere', async () => {
  const { code, out } = await new Promise<{ code: number | null, out: string }>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', '--import', 'cofl/node20', DEMO], { stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(180_000) })
    let out = ''
    proc.stdout.on('data', (d) => { out += d })
    proc.stderr.on('data', (d) => { out += d })
    proc.on('error', reject)
    proc.on('close', (c) => { resolve({ code: c, out }) })
  })
  assert.is(code, 0, out)
  assert.match(out, /7\. Plymouth's node stops/)
  assert.match(out, /8\. An employer asks Bristol to verify the first badge: VALID/)
  assert.match(out, /9\. An employer asks Bristol to verify the revoked badge: NOT VALID \(revoked by its issuer/)
})

test.run()
