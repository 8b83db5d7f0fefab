/**
 * @packageDocumentation
 *
 * What the tests of the workspace repeat, written once: a temp directory of a test's own, a
 * bounded wait for a condition, a tampered copy of signed data, child processes (a fixture
 * script, a `cofl` command run to its end, or `cofl node start` and its HTTP port), requests to a
 * node (`nodeApi`, or raw with node:http), a small JSON server that stands in for one, and the
 * search of what a test captured off the network for secrets and addresses that are not public.
 * Only tests and benchmarks import it. The test issuer is at `@cofl/test-support/issuers` (it needs
 * credentials, identity and status; this entry needs no @cofl package, so the tests of any
 * package can use it).
 *
 * @example
 * import { startNodeProcess, tempDir, waitFor } from '@cofl/test-support'
 *
 * const dir = await tempDir('cofl-restart-')
 * const node = await startNodeProcess(dir.path, { env: { COFL_ALLOW_DIAL: 'loopback' } })
 * try {
 *   await waitFor('a peer', async () => (await health(node.url)).peers > 0, { ms: 30_000, detail: node.output })
 * } finally {
 *   await node.stop()
 *   await dir.remove()
 * }
 */
export { tempDir } from './temp.js'
export type { TempDir } from './temp.js'
export { waitFor } from './wait.js'
export type { WaitBound, WaitOptions } from './wait.js'
export { tampered } from './tampered.js'
export type { Editable } from './tampered.js'
export { nodeApi, rawRequest } from './http.js'
export type { Json, NodeApiOptions, RawAnswer, RawRequestOptions } from './http.js'
export { jsonServer } from './server.js'
export type { JsonHandler, JsonServer } from './server.js'
export { runCofl, spawnChild, startNodeProcess } from './process.js'
export type { Child, ChildInit, Exit, LineWait, NodeProcess, NodeProcessOptions, Run, RunCoflOptions, StopOptions } from './process.js'
export { findSecrets, isNonPublicHost, multiaddrHost, nonPublicAddressesIn, nonPublicMultiaddrs } from './leaks.js'
export type { Captured, Finding, Secret } from './leaks.js'
