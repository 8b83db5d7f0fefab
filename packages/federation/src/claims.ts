/**
 * Documents are kept per (issuer, id): two issuers may publish a document with the same id, and
 * neither blocks or shadows the other. In a store collection, the document that an id resolves to
 * on this node (what a lookup by id alone gets) is under the key `id`; every other issuer's
 * document with that id is under `claimKey(id, issuer)` = `id U+0000 issuer` (ids never contain
 * U+0000: documentFacts refuses them), so all the claims of an id are `id` and the keys with
 * the prefix `id U+0000`. Which claim an id resolves to is `resolveClaim`'s rule.
 */
import type { Collection, StoredDocument } from '@cofl/store'
import { idOwner } from './documents.js'

const SEPARATOR = '\u0000'

/** The store key of `issuer`'s document with this id when the id does not resolve to it. */
export function claimKey (id: string, issuer: string): string {
  return `${id}${SEPARATOR}${issuer}`
}

/** The id of a document from its store key (`id`, or `claimKey(id, issuer)`). */
export function idOfKey (key: string): string {
  const at = key.indexOf(SEPARATOR)
  return at === -1 ? key : key.slice(0, at)
}

/** `issuer`'s document with this id, wherever it is kept. */
export async function claimOf (collection: Collection<StoredDocument>, id: string, issuer: string): Promise<StoredDocument | undefined> {
  const resolved = await collection.get(id)
  if (resolved?.issuer === issuer) return resolved
  return await collection.get(claimKey(id, issuer))
}

/** Who a lookup by id prefers: this node's DID, and whether an issuer is trusted (trust graph). */
export interface ClaimContext {
  self: string
  trusted: (issuer: string) => boolean
}

/**
 * The claim an id resolves to on a node, or undefined when it must be asked for with its issuer:
 * 1. an id that names its owner (idOwner: status lists, aggregates, DID URLs) resolves to the
 *    owner's document only (no other issuer's is ever accepted);
 * 2. else this node's own document;
 * 3. else the one trusted issuer's (a trust root or a chain of endorsements reaches it); none
 *    when several trusted issuers claim the id;
 * 4. else, when no claimant is trusted, the only claimant's; none when there are several (an
 *    attacker's copy is never served by id in place of the issuer's).
 */
export function resolveClaim (id: string, claims: readonly StoredDocument[], context: ClaimContext): StoredDocument | undefined {
  const owner = idOwner(id)
  if (owner != null) return claims.find((c) => c.issuer === owner)
  const own = claims.find((c) => c.issuer === context.self)
  if (own != null) return own
  const trusted = claims.filter((c) => context.trusted(c.issuer))
  if (trusted.length > 0) return trusted.length === 1 ? trusted[0] : undefined
  return claims.length === 1 ? claims[0] : undefined
}
