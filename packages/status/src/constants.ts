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

/**
 * Format of the registry's level database, recorded on creation. Format 1 handed out indexes in
 * order (a cursor `next`); format 2 draws them at random and keeps one record per allocated index.
 * A format 1 directory is migrated when it is opened (its indexes 0..next-1 stay allocated).
 */
export const REGISTRY_FORMAT = 2

/** The format of registries that handed out indexes in order (migrated on open). */
export const SEQUENTIAL_REGISTRY_FORMAT = 1

/**
 * A list takes new credentials until FILL_NUMERATOR / FILL_DENOMINATOR (7/8) of its indexes are
 * allocated; the next allocation opens a new list. Why 7/8: an index is drawn uniformly among the
 * free ones (Bitstring Status List v1.0 asks for random indexes, so that neither the order of
 * issuance nor the number issued can be read off them), by rejection sampling, which needs
 * 1 / (1 - fill) draws on average: 8 at 7/8, but 64 at 63/64 and ever more as the list fills.
 * At 7/8 a new credential's index is still one of at least 16,384 free ones (of 131,072), and a
 * list wastes an eighth of its entries, which costs nothing when it is sparse-compressed.
 */
export const FILL_NUMERATOR = 7
export const FILL_DENOMINATOR = 8

/**
 * Random draws tried before an allocation picks the k-th free index instead (k itself drawn at
 * random, so still uniform among the free indexes): bounds the time of an allocation whatever the
 * luck. Below the fill threshold, needing more than 64 draws has a chance under (7/8)^64 ~ 0.02%.
 */
export const MAX_RANDOM_DRAWS = 64
