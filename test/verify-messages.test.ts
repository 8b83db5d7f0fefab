// The verify page's words for the checks of a report (node/web/src/lib/messages.ts, pure, run here
// in Node): what happened and what to do, with no code, bit number or library text in them; a
// presentation made for another challenge or domain is said to be that, not a broken signature.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Check } from '@cofl/verifier'

// The page's code is compiled for the browser by its own project (tsc -p node/web), outside this
// one: imported by a path the type check does not follow, typed here by what the test uses.
const MESSAGES = '../node/web/src/lib/messages.js'
const { checkMessage, isOtherRequest } = await import(MESSAGES) as {
  checkMessage: (check: Check, what: 'badge' | 'presentation') => { happened: string, todo: string } | null
  isOtherRequest: (check: Check) => boolean
}

function check (id: Check['id'], outcome: Check['outcome'], reason: string, code?: string): Check {
  return { id, title: id, outcome, reason, ...(code != null ? { code } : {}) }
}

/** No code, no bit number, no status list id, no PNG chunk name in what people read. */
function plain (text: string): void {
  assert.not.match(text, /COFL_ERR|\bbit \d|urn:cofl|iTXt|openbadgecredential|not as expected/i, text)
}

test('a revoked badge: said in words, what to do, and no bit number or list id', () => {
  const m = checkMessage(check('status', 'failed', 'revoked by its issuer (bit 39 of revocation list urn:cofl:status:did:key:z6Mk:revocation:0 is set)', 'COFL_ERR_STATUS_REVOKED'), 'badge')
  assert.ok(m != null)
  assert.match(m.happened, 'The issuer has revoked this badge')
  assert.match(m.todo, 'Do not accept it')
  plain(`${m.happened} ${m.todo}`)
})

test('a suspended badge and a list this node does not hold are told apart', () => {
  const suspended = checkMessage(check('status', 'failed', 'suspended (bit 3 of list ...)', 'COFL_ERR_STATUS_SUSPENDED'), 'badge')
  assert.match(suspended?.happened ?? '', 'suspended')
  const unknown = checkMessage(check('status', 'indeterminate', 'the status list urn:cofl:status:x is not held here', 'COFL_ERR_STATUS_LIST_UNAVAILABLE'), 'badge')
  assert.match(unknown?.happened ?? '', 'cannot be found out here')
  plain(`${unknown?.happened ?? ''} ${unknown?.todo ?? ''}`)
})

test('a presentation for another challenge or domain: made for another request, not a broken signature', () => {
  const wrong = check('proof', 'failed', 'The challenge is not as expected; challenge="c-999", expected="c-123"', 'COFL_ERR_PROOF_PURPOSE')
  assert.ok(isOtherRequest(wrong))
  const m = checkMessage(wrong, 'presentation')
  assert.ok(m != null)
  assert.match(m.happened, 'made for another request (challenge/domain)')
  assert.not.match(m.happened, /changed after it was signed|forged|signature/i)
  plain(`${m.happened} ${m.todo}`)
  // Said the same when only the reason names the domain.
  assert.ok(isOtherRequest(check('proof', 'failed', 'The domain is not as expected')))
  // A broken signature is not that.
  const broken = check('proof', 'failed', 'the signature does not match', 'COFL_ERR_INVALID_SIGNATURE')
  assert.not.ok(isOtherRequest(broken))
  assert.match(checkMessage(broken, 'badge')?.happened ?? '', 'changed after it was signed')
})

test('a missing challenge, a key not the issuer\'s, a proof that cannot be checked here: each its own words', () => {
  assert.match(checkMessage(check('proof', 'failed', 'no challenge', 'COFL_ERR_CHALLENGE_MISSING'), 'presentation')?.todo ?? '', 'Enter the challenge')
  assert.match(checkMessage(check('proof', 'failed', 'key z6Mk... is not in did:key:...', 'COFL_ERR_KEY_NOT_BOUND'), 'badge')?.happened ?? '', 'forged')
  const unknown = checkMessage(check('proof', 'indeterminate', 'https://x/#k: not taken on trust', 'COFL_ERR_CONTROLLER_UNRESOLVED'), 'badge')
  assert.match(unknown?.happened ?? '', 'cannot be checked on this node')
  plain(`${unknown?.happened ?? ''} ${unknown?.todo ?? ''}`)
})

test('dates, holder and inner credentials; a check that passed or was skipped has no message', () => {
  assert.match(checkMessage(check('validity', 'failed', 'expired on 2020-01-01', 'COFL_ERR_EXPIRED'), 'badge')?.happened ?? '', 'has expired')
  assert.match(checkMessage(check('validity', 'failed', 'valid from 2999', 'COFL_ERR_NOT_YET_VALID'), 'badge')?.happened ?? '', 'not valid yet')
  assert.match(checkMessage(check('holder', 'failed', 'signed by did:key:a, not by the holder', 'COFL_ERR_HOLDER'), 'presentation')?.happened ?? '', 'not signed by the person')
  assert.is(checkMessage(check('proof', 'passed', 'signed by did:key:x'), 'badge'), null)
  assert.is(checkMessage(check('status', 'skipped', 'not checked'), 'badge'), null)
})

test.run()
