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
 * It runs in Node and in browsers: nothing this entry imports, here or in the packages under it,
 * is a Node built-in (a browser bundle takes their `browser` paths; a test bundles this entry for
 * the browser). Batch verification on worker threads is Node's: `@cofl/verifier/pool`.
 *
 * @example
 * ```ts
 * import { createVerifier, formatReport } from '@cofl/verifier'
 * import { verifyMany } from '@cofl/verifier/pool'
 *
 * const verifier = createVerifier({ statusLists: [signedListCredential] })
 * const report = await verifier.verify(credential)
 * console.log(report.verdict, formatReport(report)) // 'valid' | 'invalid' | 'indeterminate'
 * const reports = await verifyMany(manyCredentials, { workers: 2 }) // a worker pool over the cores (Node)
 * ```
 */
export { VerifierError, WorkerPoolError } from './errors.js'
export { CHECK_TITLES, formatReport, vcJwtReport, VERDICT_WORDS, verdictFromChecks } from './report.js'
export type { Check, CheckId, CheckOutcome, TrustResult, VerificationReport, Verdict } from './report.js'
export { createVerifier } from './verifier.js'
export type { Verifier, VerifierInit, VerifyPresentationOptions } from './verifier.js'
