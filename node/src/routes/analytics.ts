/**
 * The routes of city analytics (admin), documented in docs/api.md ("Analytics"); the figures are
 * computed by node/src/analytics.ts from this node's issuance log and offers alone, with small
 * counts suppressed. Here only the reading of the store: the node's own achievements (so that one
 * with nothing offered or issued shows as 0), and any other achievement its records name, with
 * the area of the achievement's `place` when it has one. Pathways are not stored on a node yet,
 * so the pathway breakdown is empty.
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '@cofl/store'
import { computeAnalytics, toCsv } from '../analytics.js'
import type { Analytics, AnalyticsAchievement, AnalyticsIssuance, AnalyticsOffer } from '../analytics.js'
import type { RouteContext } from '../http.js'

function achievementOf (document: Record<string, unknown>, issuer: string): AnalyticsAchievement {
  const place = document.place
  const area = place != null && typeof place === 'object' ? (place as Record<string, unknown>).area : undefined
  return {
    issuer,
    ...(typeof document.name === 'string' ? { name: document.name } : {}),
    ...(typeof area === 'string' && area !== '' ? { area } : {})
  }
}

/** The analytics of the node whose DID and store these are, at `now`. */
export async function nodeAnalytics (store: Store, did: string, now: number): Promise<Analytics> {
  // Only the fields analytics reads are kept: no names, emails, credentials.
  const issuance: AnalyticsIssuance[] = []
  for await (const r of store.issuance.values()) {
    issuance.push({ achievementId: r.achievementId, subject: r.subject, issuedAt: r.issuedAt, ...(r.revoked === true ? { revoked: true } : {}) })
  }
  const offers: AnalyticsOffer[] = []
  for await (const o of store.offers.values({ prefix: 'offer:' })) {
    if (typeof o.achievementId !== 'string' || typeof o.createdAt !== 'string') continue
    offers.push({ achievementId: o.achievementId, createdAt: o.createdAt, ...(typeof o.claimedAt === 'string' ? { claimedAt: o.claimedAt } : {}) })
  }
  const achievements = new Map<string, AnalyticsAchievement>()
  for await (const stored of store.achievements.values()) {
    if (stored.issuer === did) achievements.set(stored.id, achievementOf(stored.document, stored.issuer))
  }
  for (const id of new Set([...issuance.map((r) => r.achievementId), ...offers.map((o) => o.achievementId)])) {
    if (achievements.has(id)) continue
    const stored = await store.achievements.get(id)
    if (stored != null) achievements.set(id, achievementOf(stored.document, stored.issuer))
  }
  return await computeAnalytics({ issuance, offers, achievements, now })
}

export function analyticsRoutes (app: FastifyInstance, { service, admin }: RouteContext): void {
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
}
