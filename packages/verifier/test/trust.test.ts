// The issuer's trust: reported apart from validity, only for a credential whose signature holds,
// and a failing trust function does not break verification.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createVerifier, formatReport } from '../src/index.js'
import type { TrustResult } from '../src/index.js'
import { createIssuer, tampered } from './helpers.js'

test('a trust function answers for the issuer; validity is unchanged by it', async () => {
  const issuer = await createIssuer()
  const stranger = await createIssuer({ name: 'Somewhere Else' })
  const learner = 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'
  const asked: string[] = []
  const trust = async (did: string): Promise<TrustResult> => {
    asked.push(did)
    return did === issuer.did
      ? { trusted: true, issuer: did, endorsedBy: ['did:key:city'], chain: [did, 'did:key:city'], reason: 'endorsed by did:key:city, a trust root' }
      : { trusted: false, issuer: did, endorsedBy: [], chain: [], reason: 'no endorsement reaches a trust root' }
  }
  const verifier = createVerifier({ trust })
  const ours = await verifier.verify(await issuer.issue(learner))
  assert.ok(ours.verified)
  assert.is(ours.trust?.trusted, true)
  assert.match(formatReport(ours), /trust: +trusted: endorsed by did:key:city/)
  const theirs = await verifier.verify(await stranger.issue(learner))
  assert.ok(theirs.verified, 'valid although not trusted')
  assert.is(theirs.trust?.trusted, false)
  assert.match(formatReport(theirs), /NOT trusted: no endorsement reaches a trust root/)
  const forged = await verifier.verify(tampered(await issuer.issue(learner), (c) => { c.name = 'Other' }))
  assert.not.ok(forged.verified)
  assert.is(forged.trust, undefined, 'no trust answer for a credential whose signature fails')
  assert.equal(asked, [issuer.did, stranger.did])
  const broken = await createVerifier({ trust: async () => { throw new Error('graph unavailable') } }).verify(await issuer.issue(learner))
  assert.ok(broken.verified)
  assert.is(broken.trust?.trusted, false)
  assert.match(broken.trust?.reason ?? '', /could not be determined: graph unavailable/)
})

test.run()
