/**
 * @packageDocumentation
 *
 * The cofl verification pipeline (offline): JSON Schema -> proof -> status -> validFrom /
 * validUntil for credentials; holder signature, challenge, domain, holder binding and every
 * credential inside for presentations. It never throws on bad input: it returns a report with
 * every check, its outcome and a reason a person understands, and a verdict: valid, invalid, or
 * indeterminate (cannot be checked here: an unsupported suite, an issuer whose document it cannot
 * resolve, a status list it cannot get). Every key must be bound to its issuer by the issuer's
 * document; a key merely named in a URL fragment is never trusted.
 *
 * @example
 * ```ts
 * import { createVerifier, formatReport, verifyMany } from '@cofl/verifier'
 *
 * const verifier = createVerifier({ statusLists: [signedListCredential] })
 * const report = await verifier.verify(credential)
 * console.log(report.verdict, formatReport(report)) // 'valid' | 'invalid' | 'indeterminate'
 * const reports = await verifyMany(manyCredentials, { workers: 2 }) // a worker pool over the cores
 * // a command line batch: the calling thread verifies too, and starts before the workers have loaded
 * const batch = await verifyMany(manyCredentials, { workers: 1, callingThread: true })
 * ```
 */
export * from './constants.js'
export * from './errors.js'
export { CHECK_TITLES, formatReport, VERDICT_WORDS, verdictFromChecks } from './report.js'
export type { Check, CheckId, CheckOutcome, TrustResult, VerificationReport, Verdict } from './report.js'
export { createVerifier } from './verifier.js'
export type { Verifier, VerifierInit, VerifyPresentationOptions } from './verifier.js'
export { createVerifierPool, verifyMany, workersFor } from './pool.js'
export type { PoolInit, VerifierPool } from './pool.js'
