/**
 * The W3C VC data model rules as @digitalbazaar/vc checks them (contexts, types, issuer,
 * credentialStatus, evidence, ...), without the date comparisons: a verifier reports dates as a
 * check of their own. Returns the reason instead of throwing.
 */
import * as vc from '@digitalbazaar/vc'

export interface DataModelResult { valid: boolean, reason?: string }

function result (fn: () => void): DataModelResult {
  try {
    fn()
    return { valid: true }
  } catch (err) {
    return { valid: false, reason: ((err as Error)?.message ?? String(err)).replace(/\.$/, '') }
  }
}

/** Checks the data model of a credential. */
export function checkCredentialDataModel (credential: object): DataModelResult {
  if (!('@context' in credential)) return { valid: false, reason: 'the credential has no @context' }
  return result(() => { vc._checkCredential({ credential, mode: 'issue' }) })
}

/** Checks the data model of a presentation. */
export function checkPresentationDataModel (presentation: object): DataModelResult {
  if (!('@context' in presentation)) return { valid: false, reason: 'the presentation has no @context' }
  return result(() => { vc._checkPresentation(presentation) })
}
