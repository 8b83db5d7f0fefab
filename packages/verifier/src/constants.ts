/** Named defaults of @cofl/verifier. */

/** How far clocks may disagree when validFrom / validUntil are compared with now (as @digitalbazaar/vc). */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300

/** Refuse status lists shorter than the W3C minimum of 131,072 entries. */
export const DEFAULT_STRICT_STATUS_LIST_LENGTH = true

/** How many documents a batch verification sends to a worker in one message. */
export const DEFAULT_BATCH_CHUNK = 16

/** How many chunks a worker of the batch pool holds at a time (the one it verifies and the next). */
export const WORKER_JOBS_IN_FLIGHT = 2
