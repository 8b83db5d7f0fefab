/**
 * The module verifier-differential.test.ts bundles for Chromium (as the node's pages are bundled:
 * scripts/browser-bundle.mjs): differential-run.ts, reachable from the test as `coflDifferential`.
 */
import { runVerifiers } from './differential-run.js'

(globalThis as { coflDifferential?: typeof runVerifiers }).coflDifferential = runVerifiers
