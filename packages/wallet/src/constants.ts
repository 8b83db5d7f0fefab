/** Named defaults and fixed names of @cofl/wallet. */

/** The holder key file inside the wallet directory (an @cofl/identity key file, mode 0600). */
export const HOLDER_KEY_FILE = 'holder.key'

/** The level store inside the wallet directory (@cofl/store; credentials in its HELD_COLLECTION). */
export const STORE_DIRECTORY = 'store'

/**
 * The collection of the wallet's level store that holds its credentials (key: credential id):
 * @cofl/wallet owns it (walletSchema, level.ts). The name of the store's former `held` property,
 * so that existing wallets open unchanged.
 */
export const HELD_COLLECTION = 'held'

/** `type` of a wallet backup (`export()` writes it, `import()` reads it). */
export const BACKUP_TYPE = 'cofl-wallet-backup'

/** The backup format version this code writes and reads. */
export const BACKUP_VERSION = 1

/** How long a claim waits for each answer of the node. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 30_000

/** The largest answer of a node that a claim reads (a credential is a few KiB). */
export const MAX_CLAIM_RESPONSE_BYTES = 1024 * 1024

/** The node's API paths a wallet calls (claims, status lists, grants): @cofl/api's, the one set of them. */
export { CLAIM_PATH, GRANTS_PATHS, STATUS_LIST_PATH } from '@cofl/api'

/**
 * The prefix of a node's challenge for each use (packages/wallet/src/binding.ts): a claim's
 * (GET /api/claims/:code), an OB 3.0 login's (GET /ims/ob/v3p0/authorize) and grant
 * management's (GET /api/grants/challenge). A presentation over one is refused for the others.
 */
export const CHALLENGE_PREFIXES = {
  claim: 'cofl-claim:',
  login: 'cofl-login:',
  grants: 'cofl-grants:'
} as const

/** The uses a node makes challenges for. */
export type ChallengeUse = keyof typeof CHALLENGE_PREFIXES
