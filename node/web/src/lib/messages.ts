/**
 * The checks of a verification report (packages/verifier: check ids, and the codes of
 * @cofl/credentials, @cofl/status and the verifier) in words for the person who verifies: what
 * happened, and what to do about it. The verifier's own reason and code stay for the technical
 * details. Pure (no DOM): tested in Node (test/verify-messages.test.ts).
 */
import type { Check } from '@cofl/verifier'

export interface CheckMessage {
  /** What happened, in one sentence. */
  happened: string
  /** What the person can do about it, in one sentence. */
  todo: string
}

/** Proof codes that mean "made for another request", not "the signature is broken". */
const REQUEST_CODES = new Set(['COFL_ERR_PROOF_PURPOSE'])

/** Whether a failed proof check says the presentation was made for another challenge or domain (its signature may be sound). */
export function isOtherRequest (check: Check): boolean {
  if (check.id !== 'proof' || check.outcome !== 'failed') return false
  return (check.code != null && REQUEST_CODES.has(check.code)) || /\b(challenge|domain)\b/i.test(check.reason)
}

/**
 * What a check that did not pass means, or null for one that passed or was not made.
 * `what` names the thing verified: "badge" or "presentation".
 */
export function checkMessage (check: Check, what: 'badge' | 'presentation'): CheckMessage | null {
  if (check.outcome === 'passed' || check.outcome === 'skipped') return null
  const unknown = check.outcome === 'indeterminate'
  switch (check.id) {
    case 'format':
      return { happened: `This is not a ${what} that can be checked.`, todo: `Ask for the ${what} itself: the badge image or the JSON file the issuer sent.` }
    case 'schema':
      return unknown
        ? { happened: `Whether this ${what} has the form Open Badges 3.0 requires cannot be checked here.`, todo: 'Try again later, or on another node.' }
        : { happened: `This ${what} is not in the form Open Badges 3.0 requires, so it cannot be relied on.`, todo: 'Ask its issuer for a badge in the Open Badges 3.0 form.' }
    case 'proof':
      if (check.code === 'COFL_ERR_CHALLENGE_MISSING') {
        return { happened: 'No challenge was given, so this presentation could be a copy of one made for someone else.', todo: 'Enter the challenge you gave the holder, and verify again.' }
      }
      if (isOtherRequest(check)) {
        return { happened: 'This presentation was made for another request (challenge/domain): it does not answer the challenge and domain given here.', todo: 'Check the challenge and domain you entered, or ask the holder to present again for your request.' }
      }
      if (unknown) {
        return { happened: `The signature of this ${what} cannot be checked on this node: the key of whoever signed it cannot be found from here.`, todo: 'Do not rely on it yet: verify it where its issuer\'s key can be found, or ask the issuer.' }
      }
      if (check.code === 'COFL_ERR_NO_PROOF') return { happened: `This ${what} carries no signature, so anyone could have written it.`, todo: 'Do not accept it. Ask for the signed original.' }
      if (check.code === 'COFL_ERR_KEY_NOT_BOUND') {
        return { happened: `This ${what} was signed with a key that does not belong to the issuer it names: it is forged.`, todo: 'Do not accept it.' }
      }
      return { happened: `This ${what} was changed after it was signed, or was not signed by who it says.`, todo: 'Do not accept it. Ask the holder for the original, as its issuer sent it.' }
    case 'status':
      if (check.code === 'COFL_ERR_STATUS_REVOKED') return { happened: `The issuer has revoked this ${what}: it is no longer valid.`, todo: 'Do not accept it. Ask the issuer if you need to know why.' }
      if (check.code === 'COFL_ERR_STATUS_SUSPENDED') {
        return { happened: `The issuer has suspended this ${what}: it is not valid while the suspension lasts.`, todo: 'Do not accept it for now; check again later, as the issuer may lift the suspension.' }
      }
      return unknown
        ? { happened: `Whether the issuer has revoked this ${what} cannot be found out here: this node does not hold the issuer's revocation list.`, todo: 'Try again later, or verify it on a node that follows this issuer.' }
        : { happened: `The revocation information of this ${what} is broken, so whether it still holds cannot be known.`, todo: 'Ask its issuer.' }
    case 'validity':
      if (check.code === 'COFL_ERR_EXPIRED') return { happened: `This ${what} has expired.`, todo: 'Ask the holder for a current one.' }
      if (check.code === 'COFL_ERR_NOT_YET_VALID') return { happened: `This ${what} is not valid yet.`, todo: 'Check it again from the date it becomes valid.' }
      return { happened: `The dates of this ${what} cannot be read.`, todo: 'Ask its issuer for a corrected one.' }
    case 'holder':
      return { happened: 'This presentation was not signed by the person the badges in it were awarded to.', todo: 'Do not accept it. Ask the learner to present their own badges.' }
    case 'credentials':
      return unknown
        ? { happened: 'Some badges in this presentation cannot be checked here.', todo: 'See each badge below.' }
        : { happened: 'Some badges in this presentation are not valid.', todo: 'See each badge below.' }
    default:
      return { happened: `${check.title}: ${unknown ? 'cannot be checked here' : 'did not pass'}.`, todo: 'See the technical details below.' }
  }
}
