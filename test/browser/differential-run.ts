/**
 * What verifier-differential.test.ts runs on both sides, in Node and, bundled by the test for the
 * browser (differential-entry.ts), in Chromium: the same two verifiers over the same inputs, at the
 * same fixed time. It imports only what a page can: @cofl/verifier's main entry, and
 * @cofl/credentials / @cofl/identity for the URL issuers' controller documents.
 */
import { createVerificationLoader } from '@cofl/credentials'
import { buildControllerDocument } from '@cofl/identity'
import { createVerifier } from '@cofl/verifier'
import type { VerificationReport, VerifyPresentationOptions } from '@cofl/verifier'

export interface DifferentialInput {
  /** The vector it comes from (a file of test/vectors, with what was asked of it). */
  name: string
  value: unknown
  options?: VerifyPresentationOptions
}

export interface DifferentialJob {
  inputs: DifferentialInput[]
  /** Status list credentials, under the URLs credentials name them by. */
  statusLists: Array<[string, unknown]>
  /** URL issuers and the keys their documents bind (what a verifier that resolved them would hold). */
  issuerKeys: Array<[string, string[]]>
  /** The time to verify at (an ISO date-time). */
  at: string
}

/** The reports on one input: with the URL issuers' documents ("bound"), and without (a node's default). */
export interface DifferentialResult { name: string, bound: VerificationReport, unbound: VerificationReport }

/** A report as JSON carries it (no undefined members), so that both sides compare alike. */
function plain (report: VerificationReport): VerificationReport {
  return JSON.parse(JSON.stringify(report)) as VerificationReport
}

export async function runVerifiers (job: DifferentialJob): Promise<DifferentialResult[]> {
  const at = new Date(job.at)
  const statusLists = new Map(job.statusLists)
  const controllerDocuments = job.issuerKeys.map(([id, keys]) => buildControllerDocument(id, keys))
  const bound = createVerifier({ statusLists, now: () => at, documentLoader: createVerificationLoader({ controllerDocuments }) })
  const unbound = createVerifier({ statusLists, now: () => at })
  const results: DifferentialResult[] = []
  for (const input of job.inputs) {
    results.push({
      name: input.name,
      bound: plain(await bound.verify(input.value, input.options)),
      unbound: plain(await unbound.verify(input.value, input.options))
    })
  }
  return results
}
