/**
 * City analytics on a large generated log: how long @cofl/analytics takes to count and
 * suppress (the complementary suppression's search for witnesses is most of it).
 *
 *   npm run bench:analytics -- [--achievements 1000] [--months 36] [--records 30000] [--runs 3]
 *
 * The log is generated from a fixed seed: `--records` offers (80% claimed) and as many credentials
 * (2% revoked), over the achievements with a skew towards the first ones (so that many
 * achievement-month cells are small and suppressed), 30 issuers, 12 areas. Prints the median time
 * of the runs and a hash of the result, which is the same on every run and for every version of
 * the code that must give the same figures.
 */
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { computeAnalytics } from '@cofl/analytics'
import type { AnalyticsAchievement, AnalyticsIssuance, AnalyticsOffer } from '@cofl/analytics'

function arg (name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`)
  return value
}

const achievementCount = arg('achievements', 1000)
const monthCount = arg('months', 36)
const recordCount = arg('records', 30000)
const runs = arg('runs', 3)

let seed = 7
const random = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff }
const achievements = new Map<string, AnalyticsAchievement>()
for (let a = 0; a < achievementCount; a++) achievements.set(`urn:bench:achievement:${a}`, { issuer: `did:example:org${a % 30}`, name: `Achievement ${a}`, area: `Area ${a % 12}` })
const months = Array.from({ length: monthCount }, (_, i) => new Date(Date.UTC(2024, i, 15)).toISOString())
const issuance: AnalyticsIssuance[] = []
const offers: AnalyticsOffer[] = []
for (let i = 0; i < recordCount; i++) {
  const achievementId = `urn:bench:achievement:${Math.floor(random() ** 2 * achievementCount)}`
  const at = months[Math.floor(random() * monthCount)] as string
  offers.push({ achievementId, createdAt: at, ...(random() < 0.8 ? { claimedAt: at } : {}) })
  issuance.push({ achievementId, subject: `did:example:learner${Math.floor(random() * recordCount / 3)}`, issuedAt: at, ...(random() < 0.02 ? { revoked: true } : {}) })
}
const now = Date.UTC(2024 + Math.ceil(monthCount / 12), 0, 1)

const times: number[] = []
let hash = ''
for (let run = 0; run < runs; run++) {
  const start = performance.now()
  const result = await computeAnalytics({ issuance, offers, achievements, now })
  times.push(performance.now() - start)
  const h = createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 16)
  if (hash !== '' && h !== hash) throw new Error('two runs gave different figures')
  hash = h
}
times.sort((a, b) => a - b)
console.log(`analytics: ${achievementCount} achievements, ${monthCount} months, ${recordCount} offers and ${recordCount} credentials: median ${(times[Math.floor(runs / 2)] as number).toFixed(0)} ms over ${runs} runs (${times.map((t) => t.toFixed(0)).join(', ')}); result ${hash}`)
