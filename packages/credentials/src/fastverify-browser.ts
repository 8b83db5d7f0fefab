/**
 * The browser's stand-in for fastverify.ts (package.json `browser` maps one to the other): the
 * faster path reaches into jsonld.js internals with `createRequire` and verifies with
 * node:crypto KeyObjects, neither of which a browser has. In a bundle for the browser, "fast"
 * verification is the library's eddsa-rdfc-2022 cryptosuite exactly as published: same verdicts,
 * the library's speed (a wallet page verifies a handful of credentials, not thousands).
 */
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'

/** In the browser: the library's own cryptosuite. */
export const fastEddsaRdfc2022 = eddsaRdfc2022
