/**
 * The checks of a verification report (packages/verifier: check ids, and the codes of
 * @cofl/credentials, @cofl/status and the verifier) in words for the person who verifies: what
 * happened, and what to do about it. The verifier's own reason and code stay for the technical
 * details. In the language the page speaks (lib/i18n.ts; the catalogues' `verify.messages.*`).
 * Pure (no DOM): tested in Node (test/verify-messages.test.ts, test/i18n-messages.test.ts).
 */
import type { Check } from '@cofl/verifier'
import { t } from './i18n.js'

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
      return said(what, 'format')
    case 'schema':
      return said(what, unknown ? 'schemaUnknown' : 'schemaFailed')
    case 'proof':
      if (check.code === 'COFL_ERR_CHALLENGE_MISSING') return message('verify.messages.challengeMissing')
      if (isOtherRequest(check)) return message('verify.messages.otherRequest')
      if (unknown) return said(what, 'proofUnknown')
      if (check.code === 'COFL_ERR_NO_PROOF') return said(what, 'noProof')
      if (check.code === 'COFL_ERR_KEY_NOT_BOUND') return said(what, 'keyNotBound')
      return said(what, 'proofBroken')
    case 'status':
      if (check.code === 'COFL_ERR_STATUS_REVOKED') return said(what, 'revoked')
      if (check.code === 'COFL_ERR_STATUS_SUSPENDED') return said(what, 'suspended')
      return said(what, unknown ? 'statusUnknown' : 'statusBroken')
    case 'validity':
      if (check.code === 'COFL_ERR_EXPIRED') return said(what, 'expired')
      if (check.code === 'COFL_ERR_NOT_YET_VALID') return said(what, 'notYetValid')
      return said(what, 'datesUnreadable')
    case 'holder':
      return message('verify.messages.holder')
    case 'credentials':
      return message(unknown ? 'verify.messages.credentialsUnknown' : 'verify.messages.credentialsFailed')
    default:
      return {
        happened: t(unknown ? 'verify.messages.other.unknown' : 'verify.messages.other.failed', { title: check.title }),
        todo: t('verify.messages.other.todo')
      }
  }
}

/** The message at `key` (its `happened` and `todo`). */
function message (key: string): CheckMessage {
  return { happened: t(`${key}.happened`), todo: t(`${key}.todo`) }
}

/**
 * The messages that name what was verified: one per thing (`verify.messages.badge.*`,
 * `verify.messages.presentation.*`), not a noun put in a sentence, as Welsh mutates the noun by
 * where it stands (yn fathodyn, yn gyflwyniad).
 */
type NamedMessage = 'format' | 'schemaUnknown' | 'schemaFailed' | 'proofUnknown' | 'noProof' | 'keyNotBound' | 'proofBroken' |
  'revoked' | 'suspended' | 'statusUnknown' | 'statusBroken' | 'expired' | 'notYetValid' | 'datesUnreadable'
function said (what: 'badge' | 'presentation', name: NamedMessage): CheckMessage {
  return message(`verify.messages.${what}.${name}`)
}
