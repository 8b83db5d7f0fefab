/**
 * Named defaults of @cofl/credentials.
 */

/**
 * How many verification methods the fast eddsa-rdfc-2022 path keeps a checked node:crypto public
 * KeyObject for (fastverify.ts). A verification method is a pure function of its content, so a
 * kept key is never stale; the bound only caps memory when many issuers are seen.
 */
export const FAST_PATH_KEY_CACHE_SIZE = 1000
