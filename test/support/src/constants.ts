/** The start of a temp directory's name when the test names none. */
export const DEFAULT_TEMP_PREFIX = 'cofl-test-'

/** How often `waitFor` tries its condition. */
export const DEFAULT_WAIT_EVERY_MS = 20

/** How long `cofl node start` may take to be ready (it loads libp2p, Helia and fastify from sources). */
export const DEFAULT_NODE_START_MS = 60_000

/** How often the node's data directory is read for its node.json while it starts. */
export const NODE_JSON_EVERY_MS = 50

/** How long a child has to exit after the stop signal before it gets SIGKILL. */
export const DEFAULT_KILL_AFTER_MS = 20_000

/** The issuer's name when the test names none. */
export const DEFAULT_ISSUER_NAME = 'Plymouth City of Learning'

/** The achievement a test issuer awards unless `name` says another. */
export const DEFAULT_ACHIEVEMENT = { name: 'Coding Club', description: 'Ten sessions of the coding club', criteria: 'Attend ten sessions' }

/** How long a `runCofl` child may run before it is killed. */
export const DEFAULT_COFL_RUN_MS = 60_000
