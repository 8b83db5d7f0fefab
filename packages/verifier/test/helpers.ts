// Shared by the verifier's tests: the fixture sets, report assertions, and a small issuer that
// signs real credentials, presentations and status lists.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as assert from 'uvu/assert'
import { buildPresentation, signPresentation } from '@cofl/credentials'
import type { VerifiableCredential, VerifiablePresentation } from '@cofl/credentials'
import type { KeyPair } from '@cofl/identity'
import type { Check, CheckId, CheckOutcome, VerificationReport } from '../src/index.js'

/** The third-party fixture sets (test/vectors/fixtures at the top level). */
export const FIXTURES = fileURLToPath(new URL('../../../test/vectors/fixtures/', import.meta.url))
/** The published JSON-LD contexts (test/vectors/contexts). */
export const CONTEXTS = fileURLToPath(new URL('../../../test/vectors/contexts/', import.meta.url))

/** The fixed time the fixture verdicts are computed at. */
export const AT = new Date('2026-06-01T00:00:00Z')
export const at = (): Date => AT

export function readJson (path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
}

export function fixture (path: string): Record<string, unknown> {
  return readJson(join(FIXTURES, path))
}

export function checkOf (report: VerificationReport, id: CheckId): Check {
  const found = report.checks.find((c) => c.id === id)
  if (found == null) assert.unreachable(`the report has no ${id} check: ${JSON.stringify(report.checks)}`)
  return found as Check
}

/** Asserts one check's outcome, and for a failed check its code and reason. */
export function assertCheck (report: VerificationReport, id: CheckId, outcome: CheckOutcome, code?: string, reason?: RegExp): Check {
  const c = checkOf(report, id)
  const where = `${id}: ${JSON.stringify(c)}`
  assert.is(c.outcome, outcome, where)
  if (code !== undefined) assert.is(c.code, code, where)
  if (reason !== undefined) assert.match(c.reason, reason, where)
  assert.ok(c.reason.length > 0, `${id} has no reason`)
  return c
}

/** The ids of the failed checks, sorted. */
export function failedChecks (report: VerificationReport): string[] {
  return report.checks.filter((c) => c.outcome === 'failed').map((c) => c.id).sort()
}

/** A verify call that must not throw: a throw fails the test with the input named. */
export async function noThrow (what: string, fn: () => Promise<VerificationReport>): Promise<VerificationReport> {
  try {
    return await fn()
  } catch (err) {
    assert.unreachable(`${what}: verify threw ${(err as Error)?.stack ?? String(err)}`)
    throw err
  }
}

/** A fresh temp directory (`remove` deletes it) and an issuer that signs real credentials: the workspace's. */
export { tempDir } from '@cofl/test-support'
export { createIssuer } from '@cofl/test-support/issuers'
export type { TestIssuer } from '@cofl/test-support/issuers'

/** A holder's presentation of `credentials`, signed by `key` over `challenge` (and `domain`). */
export async function present (holder: string, key: KeyPair, credentials: VerifiableCredential[], challenge: string, domain?: string): Promise<VerifiablePresentation> {
  const presentation = buildPresentation({ holder, verifiableCredential: credentials })
  return await signPresentation(presentation, { key, challenge, ...(domain != null ? { domain } : {}) })
}

/** A deep copy with one change, to tamper with signed data. */
export { tampered } from '@cofl/test-support'
