/**
 * The routes of city analytics, documented in docs/api.md ("Analytics"). The figures are computed
 * by @cofl/analytics from this node's issuance log and offers alone, with small counts
 * suppressed; its aggregates carry a node's totals to the federation (docs/analytics.md).
 *
 *   GET  /api/analytics, /api/analytics.csv  (admin) this node's figures
 *   POST /api/analytics/publish              (admin) sign and publish the next version of this node's
 *                                            aggregate (closed months; what it published kept)
 *   GET  /api/analytics/federation           (public) the totals of the aggregates this node holds
 *
 * Here only the reading of the store: the node's own achievements (so that one with nothing
 * offered or issued shows as 0), and any other achievement its records name, with the area of the
 * achievement's `place` when it has one; the pathways (the store's `pathways`, validated as on arrival)
 * that this node published, that count an achievement it offered or issued, or that a record's
 * `pathwayId` names.
 */
import type { FastifyInstance } from 'fastify'
import { computeAnalytics, federationTotals, nextAggregate, toCsv } from '@cofl/analytics'
import type {
  AggregateInput, Analytics, AnalyticsAchievement, AnalyticsIssuance, AnalyticsOffer, AnalyticsPathway, NextAggregate, PublishedPeriod
} from '@cofl/analytics'
import { decodeStatusList } from '@cofl/status'
import { progress, requirementLeaves, validatePathway } from '@cofl/pathways'
import type { Pathway } from '@cofl/pathways'
import { kindCollection } from '@cofl/federation'
import type { IssuanceRecord, Store } from '@cofl/store'
import { AGGREGATE_HISTORY_COLLECTION, ISSUANCE_COLLECTION, OFFERS_COLLECTION } from '../app/collections.js'
import type { RouteContext } from './server.js'

function achievementOf (document: Record<string, unknown>, issuer: string): AnalyticsAchievement {
  const place = document.place
  const area = place != null && typeof place === 'object' ? (place as Record<string, unknown>).area : undefined
  return {
    issuer,
    ...(typeof document.name === 'string' ? { name: document.name } : {}),
    ...(typeof area === 'string' && area !== '' ? { area } : {})
  }
}

/**
 * A pathway as analytics counts it: its requirement leaves (destination) or suggested achievements
 * (interest) and its award; complete by @cofl/pathways' rules, or when its award is held.
 */
export function analyticsPathway (pathway: Pathway): AnalyticsPathway {
  const award = pathway.awardAchievementId
  const counted = pathway.kind === 'destination' ? requirementLeaves(pathway.requirements) : [...pathway.suggested]
  if (award !== undefined) counted.push(award)
  return {
    name: pathway.name,
    achievements: [...new Set(counted)],
    complete: (held) => (award !== undefined && held.has(award)) || progress(pathway, held).complete
  }
}

/** The records analytics reads (only the fields it reads: no names, emails, credentials). */
async function analyticsRecords (store: Store): Promise<{ issuance: AnalyticsIssuance[], offers: AnalyticsOffer[] }> {
  const issuance: AnalyticsIssuance[] = []
  for await (const r of store.collection<IssuanceRecord>(ISSUANCE_COLLECTION).values()) {
    const pathwayId: unknown = r.pathwayId
    issuance.push({
      achievementId: r.achievementId,
      subject: r.subject,
      issuedAt: r.issuedAt,
      ...(r.revoked === true ? { revoked: true } : {}),
      ...(typeof pathwayId === 'string' ? { pathwayId } : {})
    })
  }
  const offers: AnalyticsOffer[] = []
  for await (const o of store.collection<Record<string, unknown>>(OFFERS_COLLECTION).values({ prefix: 'offer:' })) {
    if (typeof o.achievementId !== 'string' || typeof o.createdAt !== 'string') continue
    offers.push({ achievementId: o.achievementId, createdAt: o.createdAt, ...(typeof o.claimedAt === 'string' ? { claimedAt: o.claimedAt } : {}) })
  }
  return { issuance, offers }
}

/**
 * How many credentials this node's published revocation lists show revoked: the set bits of its
 * stored status lists of purpose revocation. Public (anyone can count them), so analytics does
 * not hide the revoked total when it is that figure. A list that does not decode counts nothing.
 */
export async function publicRevokedCount (store: Store, did: string): Promise<number> {
  let count = 0
  for await (const stored of kindCollection(store, 'status-list').values()) {
    if (stored.issuer !== did) continue
    const subject = stored.document.credentialSubject as Record<string, unknown> | undefined
    if (subject == null || subject.statusPurpose !== 'revocation' || typeof subject.encodedList !== 'string') continue
    try {
      const list = await decodeStatusList(subject.encodedList)
      for (const byte of list.bytes) for (let b = byte; b !== 0; b &= b - 1) count++
    } catch {}
  }
  return count
}

/** The analytics of the node whose DID and store these are, at `now`. */
export async function nodeAnalytics (store: Store, did: string, now: number): Promise<Analytics> {
  const { issuance, offers } = await analyticsRecords(store)
  const achievements = new Map<string, AnalyticsAchievement>()
  for await (const stored of kindCollection(store, 'achievement').values()) {
    if (stored.issuer === did) achievements.set(stored.id, achievementOf(stored.document, stored.issuer))
  }
  const used = new Set([...issuance.map((r) => r.achievementId), ...offers.map((o) => o.achievementId)])
  for (const id of used) {
    if (achievements.has(id)) continue
    const stored = await kindCollection(store, 'achievement').get(id)
    if (stored != null) achievements.set(id, achievementOf(stored.document, stored.issuer))
  }
  const named = new Set(issuance.flatMap((r) => r.pathwayId !== undefined ? [r.pathwayId] : []))
  const pathways = new Map<string, AnalyticsPathway>()
  for await (const [key, stored] of kindCollection(store, 'pathway').entries()) {
    // The pathway an id resolves to on this node (its own first); not another issuer's with the same id (@cofl/federation claimKey).
    if (stored.kind !== 'pathway' || key !== stored.id) continue
    const result = validatePathway(stored.document)
    if (!result.valid) continue
    const pathway = analyticsPathway(result.value)
    if (stored.issuer === did || named.has(stored.id) || pathway.achievements.some((id) => used.has(id))) pathways.set(stored.id, pathway)
  }
  return await computeAnalytics({ issuance, offers, achievements, pathways, now, publicRevoked: await publicRevokedCount(store, did) })
}

/** The periods this node published, oldest first. */
export async function aggregateHistory (store: Store): Promise<PublishedPeriod[]> {
  const periods: PublishedPeriod[] = []
  for await (const period of store.collection<PublishedPeriod>(AGGREGATE_HISTORY_COLLECTION).values({ prefix: 'period:' })) periods.push(period)
  return periods.sort((a, b) => a.until < b.until ? -1 : a.until > b.until ? 1 : 0)
}

/**
 * The next version of this node's aggregate (docs/analytics.md, "Publication over time"): closed
 * months only, the periods published before as they were. A new period is kept in the history
 * (synced) before it is returned, so that what is published is always on record: after a crash
 * between the two, the next version shows that period as recorded.
 */
export async function nextNodeAggregate (store: Store, did: string, now: number): Promise<NextAggregate> {
  const { issuance, offers } = await analyticsRecords(store)
  const next = nextAggregate({ issuer: did, now, history: await aggregateHistory(store), issuance, offers })
  if (next.added !== undefined) await store.collection<PublishedPeriod>(AGGREGATE_HISTORY_COLLECTION).put(`period:${next.added.until}`, next.added)
  return next
}

// One publication at a time per store: each decides knowing the one before.
const publishing = new WeakMap<Store, Promise<unknown>>()

/**
 * The totals of the aggregates a store holds (GET /api/analytics/federation): those of the issuers
 * in `trusted` (the node's trust graph; all on a local network) are summed, the others counted and
 * listed as left out.
 */
export async function storedFederationTotals (store: Store, now: number, trusted: ReadonlySet<string> | undefined): Promise<ReturnType<typeof federationTotals>> {
  const held: AggregateInput[] = []
  for await (const stored of kindCollection(store, 'aggregate').values()) held.push(stored)
  return federationTotals(held, { now, ...(trusted != null ? { trusted: (issuer: string) => trusted.has(issuer) } : {}) })
}

export async function analyticsRoutes (app: FastifyInstance, { service, admin }: RouteContext): Promise<void> {
  app.get('/api/analytics', { onRequest: admin }, async (_request, reply) => {
    void reply.header('cache-control', 'no-store')
    return await nodeAnalytics(service.store, service.did, Date.now())
  })

  app.get('/api/analytics.csv', { onRequest: admin }, async (_request, reply) => {
    const csv = toCsv(await nodeAnalytics(service.store, service.did, Date.now()))
    return await reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="analytics.csv"')
      .type('text/csv; charset=utf-8')
      .send(csv)
  })

  // The body, if any, is not read: what is published is computed here.
  app.post('/api/analytics/publish', { onRequest: admin }, async (_request, reply) => {
    const store = service.store
    const run = (publishing.get(store) ?? Promise.resolve()).catch(() => {}).then(async () => {
      const { content } = await nextNodeAggregate(store, service.did, Date.now())
      return await service.publishDocument('aggregate', content)
    })
    publishing.set(store, run)
    const result = await run
    return await reply.status(201).header('cache-control', 'no-store').send(result)
  })

  app.get('/api/analytics/federation', async (_request, reply) => {
    void reply.header('cache-control', 'no-store')
    return await storedFederationTotals(service.store, Date.now(), await service.trustedIssuers())
  })
}
