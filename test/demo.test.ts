// `npm run demo` tells the whole story: a city, an anchor organisation endorsed by it and another
// city start; offers to three learners by CSV (one bad row refused), two claims by wallets, a
// presentation checked by an employer at the other city (valid, the issuer trusted through the
// endorsement), then a revocation seen there; then Plymouth's City of Learning and a learner's
// progress worked out in her wallet.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const DEMO = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

test('the demo: city, museum, offers by CSV, wallet claims, a presentation verified elsewhere, a revocation seen there', async () => {
  const { code, out } = await new Promise<{ code: number | null, out: string }>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=cofl-source', '--import', 'tsx', '--import', 'cofl/node20', DEMO], { stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(300_000) })
    let out = ''
    proc.stdout.on('data', (d) => { out += d })
    proc.stderr.on('data', (d) => { out += d })
    proc.on('error', reject)
    proc.on('close', (c) => { resolve({ code: c, out }) })
  })
  assert.is(code, 0, out)
  assert.match(out, /1\. Three nodes start/)
  assert.match(out, /Bristol, another city, which trusts Plymouth: +did:key:/)
  assert.match(out, /2\. Plymouth endorses the museum/)
  assert.match(out, /3\. The museum defines the achievement "Young Scientist: Forces and Motion"/)
  // The CSV: three claim links and the row without an email refused.
  assert.match(out, /4\. The museum offers it/)
  assert.is(out.match(/^ {3}row \d+, [A-Za-z ]+: claim link http:\/\/127\.0\.0\.1:\d+\/claim#[A-Za-z0-9_-]{8}\.\.\.$/gm)?.length, 3, out)
  assert.match(out, /row 4: refused: missing email/)
  // Two wallets claim and list their badge.
  for (const [step, who] of [[5, 'Amara'], [6, 'Ben']] as const) {
    assert.match(out, new RegExp(`${step}\\. ${who} creates a wallet .*DID did:key:`))
  }
  assert.is(out.match(/Young Scientist: Forces and Motion {2}from Plymouth Science Museum \(did:key:\S+\) {2}\[/g)?.length, 2, out)
  // The employer at Bristol: valid, and the museum trusted through Plymouth's endorsement.
  assert.match(out, /8\. The employer checks it at Bristol's node \(POST \/api\/verify\): VALID/)
  assert.match(out, /- trust: the museum is trusted because Plymouth endorsed it/)
  // The revocation, seen at Bristol.
  assert.match(out, /10\. Bristol's node receives the new status list/)
  assert.match(out, /11\. Ben presents his badge to the same employer, who checks it at Bristol: NOT VALID/)
  assert.match(out.slice(out.indexOf('11. Ben')), /- status: revoked by its issuer/)
  // The city: spine, achievements, pathways, opportunities, learners; Amara's progress in her wallet.
  assert.match(out, /12\. Plymouth publishes its City of Learning/)
  assert.match(out, /skills spine "Plymouth City of Learning skills spine": 9 skills in four layers/)
  assert.match(out, /two pathways: "Junior Developer"/)
  assert.match(out, /12 learners: \d+ badges claimed with their own wallets/)
  const progress = out.slice(out.indexOf('13. Amara'))
  assert.match(progress, /Junior Developer: 2 more badges to go/)
  assert.match(progress, /Next steps:\n\s+1\. /)
  assert.match(out, /All nodes stopped and \S+ removed/)
})

test.run()
