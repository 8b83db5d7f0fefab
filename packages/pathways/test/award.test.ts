import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decidePathwayAward, pathwayAwardsDue } from '../src/index.js'
import type { DestinationPathway } from '../src/index.js'
import { data, junior } from './fixtures.js'

test('the pathway badge is awarded exactly once', () => {
  const awarded = new Set<string>()
  const held = ['py', 'git', 'web']
  let issued = 0
  for (let claim = 0; claim < 3; claim++) {
    const d = decidePathwayAward({ pathway: junior, held, awarded })
    if (d.award) {
      awarded.add(d.achievementId)
      issued++
    }
  }
  assert.is(issued, 1)
  assert.equal([...awarded], ['badge:junior-dev'])
  const again = decidePathwayAward({ pathway: junior, held, awarded })
  assert.is(again.award, false)
  assert.is(again.reason, "the badge of 'Junior Developer Apprenticeship' was awarded already")
})

test('a badge the learner already holds is not awarded again', () => {
  assert.is(decidePathwayAward({ pathway: junior, held: ['py', 'git', 'web', 'badge:junior-dev'], awarded: [] }).award, false)
})

test('not complete: no award, with what is missing', () => {
  const d = decidePathwayAward({ pathway: junior, held: ['py'], awarded: [] })
  assert.is(d.award, false)
  assert.is(d.reason, "'Junior Developer Apprenticeship' is not complete: missing git, web")
})

test('no badge named: no award', () => {
  const { awardAchievementId: _, ...plain } = junior
  const d = decidePathwayAward({ pathway: plain, held: ['py', 'git', 'web'], awarded: [] })
  assert.is(d.award, false)
})

test('order broken: withheld unless enforceOrder is false', () => {
  const care: DestinationPathway = {
    id: 'pathway:care',
    kind: 'destination',
    name: 'Care',
    requirements: { allOf: ['first-aid', 'placement'] },
    order: [{ before: 'first-aid', after: 'placement' }],
    awardAchievementId: 'badge:care'
  }
  const earnedAt = { 'first-aid': '2025-05-01', placement: '2025-04-01' }
  const held = ['first-aid', 'placement']
  assert.is(decidePathwayAward({ pathway: care, held, awarded: [], earnedAt }).award, false)
  assert.is(decidePathwayAward({ pathway: care, held, awarded: [], earnedAt, enforceOrder: false }).award, true)
  assert.is(decidePathwayAward({ pathway: care, held, awarded: [], earnedAt: { 'first-aid': '2025-03-01', placement: '2025-04-01' } }).award, true)
})

test('interest pathway with a badge: awarded when every suggestion is held', () => {
  const withBadge = { ...data, awardAchievementId: 'badge:data' }
  assert.is(decidePathwayAward({ pathway: withBadge, held: ['sql', 'pyadv'], awarded: [] }).award, false)
  assert.is(decidePathwayAward({ pathway: withBadge, held: ['sql', 'pyadv', 'viz'], awarded: [] }).award, true)
})

test('pathwayAwardsDue: each badge once across pathways, chained awards, nothing on a second call', () => {
  const twin: DestinationPathway = { ...junior, id: 'pathway:junior-dev-2', requirements: { allOf: ['py', 'git'] } }
  const senior: DestinationPathway = {
    id: 'pathway:senior', kind: 'destination', name: 'Senior', requirements: { allOf: ['badge:junior-dev', 'sql'] }, awardAchievementId: 'badge:senior'
  }
  const held = ['py', 'git', 'web', 'sql']
  const due = pathwayAwardsDue({ pathways: [senior, twin, junior], held, awarded: [] })
  assert.equal(due.map((d) => [d.pathwayId, d.achievementId]), [
    ['pathway:junior-dev', 'badge:junior-dev'],
    ['pathway:senior', 'badge:senior']
  ])
  const awarded = due.map((d) => d.achievementId)
  assert.equal(pathwayAwardsDue({ pathways: [junior, twin, senior], held: [...held, ...awarded], awarded }), [])
})

test.run()
