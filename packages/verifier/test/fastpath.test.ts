// The pool's worker threads verify on the fast eddsa-rdfc-2022 path of @cofl/credentials (which
// decides only "verified"; every failure is the plain pipeline's): a batch of valid credentials
// is decided there entirely, a tampered one by the plain pipeline, and so is a zero-worker pool.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { createVerifierPool } from '../src/pool-entry.js'
import { createIssuer, tampered } from './helpers.js'

const LIMIT_MS = 60_000

let valid: VerifiableCredential[]
let forged: VerifiableCredential

test.before(async () => {
  const issuer = await createIssuer()
  const learner = await generateKeyPair()
  valid = []
  for (let i = 0; i < 12; i++) valid.push(await issuer.issue(learner.did, { name: `Badge ${i}` }))
  forged = tampered(valid[0] as VerifiableCredential, (c) => { c.name = 'Forged' })
})

for (const workers of [2, 0]) {
  test(`a pool of ${workers} workers verifies on the fast path; a failure is the plain pipeline's`, async () => {
    const pool = createVerifierPool({ workers, chunk: 4 })
    try {
      const reports = await Promise.race([
        pool.verifyMany([...valid, forged]),
        new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error('no answer')) }, LIMIT_MS).unref())
      ])
      assert.equal(reports.map((r) => r.verified), [...valid.map(() => true), false])
      assert.equal(pool.proofPathCounts(), { fast: valid.length, plain: 1 })
    } finally {
      await pool.close()
    }
  })
}

test.run()
