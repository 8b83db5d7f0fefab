/**
 * The federation's trust graph: a node trusts its own DID and its configured roots; an
 * EndorsementCredential (stored, so verified on the way in) by a trusted issuer whose subject is
 * another issuer's DID (or that issuer's Profile id) makes that issuer trusted, over at most
 * MAX_TRUST_HOPS endorsements.
 */
import type { Store, StoredDocument } from '@cofl/store'
import { kindCollection } from './schema.js'

export interface TrustResult {
  trusted: boolean
  issuer: string
  /** The issuers of valid endorsements of `issuer` (trusted or not). */
  endorsedBy: string[]
  /** From a trust root to `issuer` (empty when not trusted; [issuer] when it is a root itself). */
  chain: string[]
  /** In words. */
  reason: string
}

interface Edge { endorser: string, subject: string }

function idOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value != null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id
  return undefined
}

function current (document: Record<string, unknown>, now: number): boolean {
  const from = typeof document.validFrom === 'string' ? Date.parse(document.validFrom) : NaN
  const until = typeof document.validUntil === 'string' ? Date.parse(document.validUntil) : NaN
  if (!Number.isNaN(from) && from > now) return false
  if (!Number.isNaN(until) && until < now) return false
  return true
}

async function edges (store: Store, now: number): Promise<Edge[]> {
  const out: Edge[] = []
  for await (const stored of kindCollection(store, 'endorsement').values()) {
    const doc = stored.document
    const subject = idOf((doc.credentialSubject as unknown))
    if (subject == null || !current(doc, now)) continue
    out.push({ endorser: stored.issuer, subject })
  }
  return out
}

/**
 * Every issuer that `roots` reach, each with its shortest chain (root first, the issuer last;
 * [root] for a root): the same rule as evaluateTrust, for all issuers at once (breadth first from
 * the roots over the stored endorsements, at most `maxHops` of them). One read of the endorsements.
 */
export async function trustedIssuers (store: Store, roots: ReadonlySet<string>, maxHops: number, now = Date.now()): Promise<Map<string, string[]>> {
  const subjects = new Map<string, string[]>()
  for (const e of await edges(store, now)) {
    if (e.endorser === e.subject) continue
    const list = subjects.get(e.endorser)
    if (list == null) subjects.set(e.endorser, [e.subject])
    else list.push(e.subject)
  }
  const chains = new Map<string, string[]>([...roots].map((root) => [root, [root]]))
  let frontier = [...roots]
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    const following: string[] = []
    for (const endorser of frontier) {
      const chain = chains.get(endorser) as string[]
      for (const subject of subjects.get(endorser) ?? []) {
        if (chains.has(subject)) continue
        chains.set(subject, [...chain, subject])
        following.push(subject)
      }
    }
    frontier = following
  }
  return chains
}

/** The trust of `issuer` as seen from `roots` (the node's DID and its configured trust roots). */
export async function evaluateTrust (store: Store, roots: ReadonlySet<string>, issuer: string, maxHops: number, now = Date.now()): Promise<TrustResult> {
  if (roots.has(issuer)) {
    return { trusted: true, issuer, endorsedBy: [], chain: [issuer], reason: `${issuer} is a trust root of this node` }
  }
  const all = await edges(store, now)
  // The profile ids that stand for an issuer: its DID, and the id of its stored Profile.
  const profile: StoredDocument | undefined = await kindCollection(store, 'profile').get(issuer)
  const namesOf = async (did: string): Promise<Set<string>> => {
    const names = new Set([did])
    const p = did === issuer ? profile : await kindCollection(store, 'profile').get(did)
    if (p != null && typeof p.document.id === 'string') names.add(p.document.id)
    return names
  }
  const endorsersOf = async (did: string): Promise<string[]> => {
    const names = await namesOf(did)
    return [...new Set(all.filter((e) => names.has(e.subject) && e.endorser !== did).map((e) => e.endorser))]
  }
  const endorsedBy = await endorsersOf(issuer)
  // Breadth first from the issuer towards the roots: the shortest chain wins.
  const next = new Map<string, string>() // endorser -> the issuer it endorses (one step towards `issuer`)
  let frontier = [issuer]
  const seen = new Set([issuer])
  for (let hop = 1; hop <= maxHops && frontier.length > 0; hop++) {
    const following: string[] = []
    for (const did of frontier) {
      for (const endorser of (did === issuer ? endorsedBy : await endorsersOf(did))) {
        if (seen.has(endorser)) continue
        seen.add(endorser)
        next.set(endorser, did)
        if (roots.has(endorser)) {
          const chain = [endorser]
          let at = endorser
          while (at !== issuer) { at = next.get(at) as string; chain.push(at) }
          return {
            trusted: true,
            issuer,
            endorsedBy,
            chain,
            reason: hop === 1
              ? `endorsed by ${endorser}, a trust root of this node`
              : `a chain of ${hop} endorsements from the trust root ${endorser}: ${chain.join(' -> ')}`
          }
        }
        following.push(endorser)
      }
    }
    frontier = following
  }
  return {
    trusted: false,
    issuer,
    endorsedBy,
    chain: [],
    reason: endorsedBy.length === 0
      ? `${issuer} is not a trust root and no endorsement of it is held`
      : `endorsed by ${endorsedBy.join(', ')}, but no chain of at most ${maxHops} endorsements reaches a trust root`
  }
}
