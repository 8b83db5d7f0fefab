/**
 * The browser-safe face of @cofl/wallet (`@cofl/wallet/browser`), for a wallet that lives in a web
 * page: the claim protocol's parsing (the page makes the calls itself), what a wallet keeps of a
 * credential, baked badges (PNG and SVG) and the reading of imports and backups. Nothing here
 * touches the file system, a store or node:crypto; a bundler for the browser swaps zlib.ts for
 * zlib-browser.ts (package.json `browser`). `createWallet`, the key file, `callJson` and
 * `nodeStatusLists` stay Node-only (the main entry).
 *
 * @example
 * ```ts
 * import { parseOffer, credentialOf, awardsOf, heldRecord, bakePng } from '@cofl/wallet/browser'
 *
 * const offer = parseOffer(await (await fetch(claimUrl)).json())   // achievement, issuer, challenge, domain
 * // ...sign a presentation over offer.challenge / offer.domain, POST it...
 * const credential = credentialOf(answer)                          // and awardsOf(answer)
 * const png = bakePng(badgePng, credential)                        // a baked badge to download
 * ```
 */
export * from './constants.js'
export * from './errors.js'
export { awardsOf, claimUrl, credentialOf, nodeBaseUrl, parseOffer } from './claim.js'
export { assertPresentable, assertSigningFor, challengeUse, challengeUseProblem, describeChallengeUse, domainOf } from './binding.js'
export type { SigningRequest } from './binding.js'
export { parseGrants, parseGrantsChallenge } from './grants.js'
export { parseImport } from './import.js'
export type { ParsedImport } from './import.js'
export { canonicalJson, heldRecord, statusFromReport, subjectIds, summary } from './records.js'
export type {
  ClaimOffer, GrantsChallenge, HeldCredential, HeldStatus, HeldStatusState, HeldSummary, ImportItem, ImportResult, NodeGrant, RefusedAward,
  WalletBackup
} from './types.js'
export {
  bakePng, bakeSvg, defaultBadgeSvg, detectBadgeFormat, extractCredential, MAX_BAKED_TEXT_BYTES, OB3_PNG_KEYWORD,
  OB3_SVG_ELEMENT, OB3_SVG_NAMESPACE, parseBakedCredential, unbakePng, unbakeSvg, vcJwtReport
} from './bake.js'
export type { BadgeFormat, BakedCredential } from './bake.js'
export { BakeError, BakeErrorCode } from './bake-errors.js'
