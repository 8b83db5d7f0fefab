// scripts/bench/catalogue.ts at tiny sizes, so that the benchmark cannot rot: it generates a
// catalogue, builds the index, checks it against brute force, times every query shape and the
// recommendations, and formats its table. Speed is not judged here (benchmarks show it); only
// that everything runs and agrees. Also: a recommender reused for many wallets gives what one-off
// recommend() calls give.
import { createRecommender, recommend } from '@cofl/pathways'
import type { CatalogueEntry, Pathway } from '@cofl/pathways'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

// The script lives outside this project's sources: imported by URL, typed here by what is used.
interface Bench {
  SMALL_SIZES: Record<string, number>
  generateCatalogue: (sizes: Record<string, number>, seed?: number) => {
    spine: { document: Record<string, unknown> }
    achievements: Array<{ id: string, document: Record<string, unknown> }>
    pathways: Array<{ document: Record<string, unknown> }>
    byCity: string[][]
  }
  runCatalogueBench: (sizes: Record<string, number>, seed?: number) => Promise<{
    counts: { achievements: number, pathways: number, opportunities: number }
    checks: { run: number, failures: string[] }
    queries: Array<{ name: string, n: number, p50: number, p95: number, meanTotal?: number }>
    recommend: { n: number, p95: number, steps: number, prepareMs: number }
    oneOff: { n: number }
    build: { ms: number, putMs: number }
  }>
  formatReport: (report: unknown) => string
}

const bench = await import(new URL('../../../scripts/bench/catalogue.ts', import.meta.url).href) as Bench
const TINY = { achievements: 600, pathways: 60, opportunities: 20, issuers: 12, spineSkills: 40, queries: 15, warmUp: 3, checks: 10, recommendRuns: 3, oneOffRuns: 2, held: 20 }

test('the catalogue benchmark runs at tiny sizes: built, checked against brute force, timed, printed', async () => {
  const report = await bench.runCatalogueBench(TINY, 7)
  const { achievements, pathways, opportunities } = report.counts
  assert.equal({ achievements, pathways, opportunities }, { achievements: 600, pathways: 60, opportunities: 20 })
  assert.equal(report.checks.failures, [])
  assert.ok(report.checks.run >= 20)
  assert.equal(report.queries.map((q) => q.name), ['text only', 'text + place radius', 'skill + place radius', 'area + type'])
  for (const q of report.queries) {
    assert.is(q.n, 15)
    assert.ok(Number.isFinite(q.p95) && q.p95 >= q.p50, q.name)
  }
  assert.ok(report.queries.some((q) => (q.meanTotal ?? 0) > 0), 'the queries find something')
  assert.is(report.recommend.n, 3)
  assert.ok(report.recommend.steps > 0)
  assert.ok(report.recommend.prepareMs >= 0 && report.build.putMs >= 0 && report.build.ms >= 0)
  assert.is(report.oneOff.n, 2)
  const table = bench.formatReport(report)
  assert.match(table, /\| text \+ place radius +\|/)
  assert.match(table, /recommend, catalogue read once/)
  assert.match(table, /PASS|FAIL/)
})

test('a recommender read once gives, wallet after wallet, what recommend() gives', () => {
  const cat = bench.generateCatalogue({ ...bench.SMALL_SIZES, achievements: 1500, pathways: 150, opportunities: 0, issuers: 10, spineSkills: 60 }, 3)
  const catalogue = cat.achievements.map((a) => ({ id: a.id, ...a.document }) as unknown as CatalogueEntry)
  const pathways = cat.pathways.map((p) => p.document as unknown as Pathway)
  const spine = { id: 'spine', name: 'spine', skills: cat.spine.document.skills as never }
  const recommender = createRecommender({ pathways, catalogue, spine })
  const bristol = cat.byCity[0] as string[]
  for (let i = 0; i < 6; i++) {
    const held = bristol.slice(i * 7, i * 7 + 5 + i * 3)
    const options = { held, learnerPlace: { lat: 51.45 + i / 100, lon: -2.59 }, limit: 12, ...(i % 2 === 1 ? { maxDistanceKm: 8 } : {}) }
    const once = recommend({ pathways, catalogue, spine, ...options })
    assert.equal(recommender.recommend(options), once, `wallet ${i}`)
    assert.ok(once.length > 0)
  }
})

test.run()
