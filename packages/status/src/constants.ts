/**
 * Named defaults and limits of @cofl/status.
 */

/**
 * Bits in a status list: the W3C minimum (16 KiB before compression), which gives group privacy.
 * `checkStatusEntry` refuses a shorter list in strict mode.
 */
export const STATUS_LIST_LENGTH = 131072

/**
 * The smallest `listLength` a registry accepts. Lists shorter than STATUS_LIST_LENGTH exist only
 * so that tests can fill a list and roll over to the next one; they fail the strict check.
 */
export const MIN_LIST_LENGTH = 8

/**
 * The longest list that `decodeStatusList` inflates (bits; 8 MiB of memory). A list is untrusted
 * input and gzip compresses zeros about 1000:1, so the output is bounded while inflating.
 */
export const MAX_STATUS_LIST_LENGTH = 2 ** 26

/** The status purposes this package issues and checks. */
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const
export type StatusPurpose = typeof STATUS_PURPOSES[number]

/** VC 2.0 defines every term of a list credential but `sequence`. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'

/**
 * The W3C context that maps terms no other context defines (our `sequence`) to the VC 2.0
 * issuer-dependent namespace, so that the list credential can be signed in JSON-LD safe mode.
 */
export const VC_UNDEFINED_TERMS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/undefined-terms/v2'

/** The contexts of a list credential, in order. */
export const STATUS_LIST_CONTEXTS: readonly string[] = [VC_V2_CONTEXT, VC_UNDEFINED_TERMS_V2_CONTEXT]

/** Prefix of the default list ids: `urn:cofl:status:<issuerDid>:<purpose>:<listNumber>`. */
export const DEFAULT_LIST_ID_PREFIX = 'urn:cofl:status:'

/** Format of the registry's level database, recorded on creation. */
export const REGISTRY_FORMAT = 1
