/**
 * Named constants of @cofl/store.
 */

/**
 * What a collection's name may be: lowercase ASCII letters, digits and '-', 1 to 64 characters,
 * starting with a letter or a digit. On disk a collection is the level sublevel of its name
 * (`!<name>!<key>`); the rule keeps level's separator '!' (and everything that sorts below it)
 * out of names, so that no collection's range can hold another's keys ('held' and 'held-x' are
 * apart). Owning packages declare their names; renaming one is a schema change of its owner.
 */
export const COLLECTION_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/

/** The collection of small named values: owners' schema versions, counters. */
export const META_COLLECTION = 'meta'

/**
 * The `meta` key of an owner's schema version is SCHEMA_VERSION_KEY_PREFIX + owner, except for
 * LEGACY_SCHEMA_OWNER's, which is SCHEMA_VERSION_KEY.
 */
export const SCHEMA_VERSION_KEY_PREFIX = 'schema-version:'

/**
 * The `meta` key of the one schema version that stores recorded before each owner had its own
 * (2 in every store written since the issuance log was indexed by subject). It is still read and
 * written: it is the version of LEGACY_SCHEMA_OWNER, the owner of the issuance log.
 */
export const SCHEMA_VERSION_KEY = 'schema-version'

/**
 * The owner whose schema version lives under SCHEMA_VERSION_KEY: the issuance log's, whose owner
 * (the node, node/src/app/issuance-log.ts) registers its schema under this name.
 */
export const LEGACY_SCHEMA_OWNER = 'issuance'
