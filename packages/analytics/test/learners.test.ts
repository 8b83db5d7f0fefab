// Counts of learners within one set of figures (computeAnalytics): the learners with one badge
// (learners - learners with more than one) and a pathway's completed + progressed (the learners
// holding any of its achievements) are counts too, so the subtractions of issue 15 give nothing:
// 7 - 5 = 2 learners with one badge, and a pathway of another city over this node's achievements
// whose completed 5 beside 7 learners would give a hidden progressed of 2.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type AnalyticsIssuance, computeAnalytics } from '../src/index.js'

const CITY = 'did:web:city.example.org'
const A = 'https://city.example.org/achievements/a'
const B = 'https://city.example.org/achievements/b'
const ELSEWHERE = 'https://elsewhere.example.org/pathways/a-then-b'
const S = { value: null, suppressed: true }
const v = (value: number): { value: number, suppressed: boolean } => ({ value, suppressed: false })
const learner = (i: number): string => `did:key:z6MkLearnersTestLearner${i}`
const NOW = Date.parse('2025-04-01T00:00:00Z')

// 7 learners hold A; 5 of them hold B too.
const issuance: AnalyticsIssuance[] = [
  ...Array.from({ length: 7 }, (_, i) => ({ achievementId: A, subject: learner(i), issuedAt: '2025-01-10T00:00:00Z' })),
  ...Array.from({ length: 5 }, (_, i) => ({ achievementId: B, subject: learner(i), issuedAt: '2025-02-10T00:00:00Z' }))
]
const achievements = new Map([[A, { issuer: CITY }], [B, { issuer: CITY }]])

test('learners 7 with 5 holding more than one: the 2 with one badge do not come back by subtraction', async () => {
  const a = await computeAnalytics({ issuance, offers: [], achievements, now: NOW })
  assert.equal(a.totals.learners, v(7))
  assert.equal(a.totals.learnersWithMoreThanOne, S)
  // 10 learners, 5 with more than one: nothing small, both shown.
  const more = [...issuance, ...[7, 8, 9].map((i) => ({ achievementId: A, subject: learner(i), issuedAt: '2025-01-10T00:00:00Z' }))]
  const b = await computeAnalytics({ issuance: more, offers: [], achievements, now: NOW })
  assert.equal([b.totals.learners, b.totals.learnersWithMoreThanOne], [v(10), v(5)])
})

test('a pathway of another city over this node\'s achievements: completed 5 beside 7 learners hides progressed and completed', async () => {
  const a = await computeAnalytics({ issuance, offers: [], achievements, pathways: new Map([[ELSEWHERE, { achievements: [A, B] }]]), now: NOW })
  const [row] = a.byPathway
  assert.is(row?.key, ELSEWHERE)
  assert.equal([row?.completed, row?.progressed], [S, S], 'else 7 - 5 = 2 progressed')
  // Its record counts go through the linked tables as any pathway's: 12 issued, the sum of A's and B's.
  assert.equal(row?.issued, v(12))
})

test.run()
