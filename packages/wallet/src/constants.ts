/** Named defaults and fixed names of @cofl/wallet. */

/** The holder key file inside the wallet directory (an @cofl/identity key file, mode 0600). */
export const HOLDER_KEY_FILE = 'holder.key'

/** The level store inside the wallet directory (@cofl/store; credentials in its `held` collection). */
export const STORE_DIRECTORY = 'store'

/** `type` of a wallet backup (`export()` writes it, `import()` reads it). */
export const BACKUP_TYPE = 'cofl-wallet-backup'

/** The backup format version this code writes and reads. */
export const BACKUP_VERSION = 1

/** How long a claim waits for each answer of the node. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 30_000

/** The largest answer of a node that a claim reads (a credential is a few KiB). */
export const MAX_CLAIM_RESPONSE_BYTES = 1024 * 1024

/** The path of a node's claim route, followed by the claim code (docs/api.md, "Offers and claims"). */
export const CLAIM_PATH = '/api/claims/'

/** The path of a node's status list route, followed by the URL-encoded list id. */
export const STATUS_LIST_PATH = '/api/status/'
