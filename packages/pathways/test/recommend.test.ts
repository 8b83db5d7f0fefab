import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { recommend, skillKeys } from '../src/index.js'
import type { CatalogueEntry, DestinationPathway, RecommendInput } from '../src/index.js'
import { catalogue, data, HOME, junior, spine } from './fixtures.js'

const JR = "towards 'Junior Developer Apprenticeship'"

interface Case {
  name: string
  input: Partial<RecommendInput>
  order: string[]
  scores?: number[]
  /** Reasons of the first step, in order. */
  reasons?: string[]
}

const cases: Case[] = [
  {
    name: 'near a pathway: both branches of the anyOf complete it; skills and interest add up',
    input: { held: ['py', 'git'] },
    order: ['sql', 'web', 'pyadv', 'viz'],
    scores: [2.416667, 2, 0.416667, 0.166667],
    reasons: [`2 of 3 done ${JR}: this completes it`, 'builds on Python, which you have shown', "suggested in 'Data Explorer' (0 of 3 held)"]
  },
  {
    name: 'a new learner at home: first steps, nearness decides among equals',
    input: { held: [], learnerPlace: HOME },
    order: ['py', 'sql', 'cv', 'web', 'git', 'pyadv', 'viz'],
    scores: [0.833333, 0.5, 0.4475, 0.388333, 0.333333, 0.166667, 0.166667],
    reasons: ['0.0 km from you', `0 of 3 done ${JR}: 2 more after this`]
  },
  {
    name: 'pathway complete: its badge is never suggested, the interest pathway leads',
    input: { held: ['py', 'git', 'sql'], learnerPlace: HOME },
    order: ['pyadv', 'cv', 'viz', 'web'],
    reasons: ["suggested in 'Data Explorer' (1 of 3 held)", 'builds on Python, which you have shown']
  },
  {
    name: 'limit and maximum distance',
    input: { held: [], learnerPlace: HOME, limit: 3, maxDistanceKm: 10 },
    order: ['py', 'sql', 'cv']
  },
  {
    name: 'equal scores are ordered by id',
    input: { held: ['py'], weights: { gap: 0, completes: 0, interest: 0, near: 0, skill: 1 } },
    order: ['pyadv', 'sql'],
    scores: [1, 1]
  },
  {
    name: 'nothing to say: no steps',
    input: { held: [], pathways: [], catalogue: catalogue.filter((c) => c.place === undefined) },
    order: []
  }
]

for (const c of cases) {
  test(`ranking: ${c.name}`, () => {
    const input: RecommendInput = { pathways: [junior, data], catalogue, spine, held: [], ...c.input }
    const steps = recommend(input)
    assert.equal(steps.map((s) => s.achievementId), c.order)
    if (c.scores !== undefined) {
      steps.forEach((s, i) => assert.ok(Math.abs(s.score - (c.scores?.[i] ?? NaN)) < 1e-6, `${s.achievementId}: ${s.score} vs ${c.scores?.[i]}`))
    }
    if (c.reasons !== undefined) assert.equal(steps[0]?.reasons.map((r) => r.text), c.reasons)
    // the same answer whatever the order of the catalogue and the pathways
    const reversed = recommend({ ...input, catalogue: [...input.catalogue].reverse(), pathways: [...input.pathways].reverse() })
    assert.equal(reversed, steps)
  })
}

test('reasons carry their kind, pathway, skills and distance; the score is their sum', () => {
  const steps = recommend({ pathways: [junior, data], catalogue, spine, held: ['py', 'git'], learnerPlace: HOME })
  const web = steps.find((s) => s.achievementId === 'web')
  assert.ok(web !== undefined)
  assert.equal(web.reasons.map((r) => [r.kind, r.text]), [
    ['completes', `2 of 3 done ${JR}: this completes it`],
    ['near', '18 km from you']
  ])
  assert.is(web.reasons[0]?.pathwayId, junior.id)
  assert.ok(Math.abs((web.km ?? 0) - 17.8) < 1e-6)
  const sql = steps.find((s) => s.achievementId === 'sql')
  assert.equal(sql?.reasons.find((r) => r.kind === 'skill')?.skills, ['skill:python'])
  for (const s of steps) assert.ok(Math.abs(s.score - s.reasons.reduce((t, r) => t + r.score, 0)) < 1e-5)
})

test('several shared skills are named together, by name', () => {
  const entries: CatalogueEntry[] = [
    { id: 'held', name: 'Held', skills: ['skill:sql', 'skill:python', 'skill:git'] },
    { id: 'next', name: 'Next', skills: ['skill:python', 'skill:git', 'skill:sql', 'skill:viz'] }
  ]
  const [step] = recommend({ pathways: [], catalogue: entries, spine, held: ['held'] })
  assert.is(step?.reasons[0]?.text, 'builds on Python, SQL and Version control, which you have shown')
})

test('a step that would break an order constraint gets nothing from that pathway', () => {
  const care: DestinationPathway = {
    id: 'pathway:care',
    kind: 'destination',
    name: 'Care',
    requirements: { allOf: ['first-aid', { anyOf: ['placement', 'shadowing'] }] },
    order: [{ before: 'first-aid', after: 'placement' }]
  }
  const entries: CatalogueEntry[] = ['first-aid', 'placement', 'shadowing'].map((id) => ({ id, name: id }))
  assert.equal(recommend({ pathways: [care], catalogue: entries, held: [] }).map((s) => s.achievementId), ['first-aid', 'shadowing'])
  assert.equal(recommend({ pathways: [care], catalogue: entries, held: ['first-aid'] }).map((s) => s.achievementId), ['placement', 'shadowing'])
})

test('skillKeys: spine mapping by framework code, then targetUrl, then framework:code, then name', () => {
  assert.equal(skillKeys({
    id: 'x',
    name: 'X',
    skills: ['skill:a'],
    alignment: [
      { targetFramework: 'ESCO', targetCode: 'S1.2.3', targetUrl: 'https://esco.example/s123' },
      { targetUrl: 'https://example.org/skill' },
      { targetFramework: 'ONET', targetCode: '15-1252' },
      { targetName: 'Teamwork' }
    ]
  }, spine), ['skill:a', 'skill:python', 'https://example.org/skill', 'ONET:15-1252', 'Teamwork'])
})

test('programmer mistakes throw TypeError', () => {
  assert.throws(() => recommend({ pathways: [], catalogue, held: [], limit: -1 }), TypeError)
  assert.throws(() => recommend({ pathways: undefined as unknown as [], catalogue, held: [] }), TypeError)
})

test.run()
