// `cofl wallet progress`, the learner-side part: progress on destination pathways (with the names
// of what is missing) and next steps, from the achievement ids held and public documents only;
// pathway documents that are not valid are left out and counted; --near parsing.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UsageError } from '../src/app/errors.js'
import { learnerView, parseNear } from '../src/cli/progress.js'

const a = (id: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, type: ['Achievement'], name, ...extra })
const achievements = [
  a('urn:a:python', 'Python Foundations', { alignment: [{ targetName: 'Programming', targetUrl: 'urn:skill:programming' }], place: { lat: 50.3727, lon: -4.1422 } }),
  a('urn:a:web', 'Web Design Sprint', { alignment: [{ targetName: 'Programming', targetUrl: 'urn:skill:programming' }], place: { lat: 50.3667, lon: -4.1812 } }),
  a('urn:a:portfolio', 'Digital Portfolio', { place: { lat: 51.4545, lon: -2.5879 } }),
  a('urn:a:other', 'Unrelated', {})
]
const pathway = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['CoflPathway'],
  issuer: 'did:key:z6MkCity',
  id: 'urn:p:dev',
  kind: 'destination',
  name: 'Junior Developer',
  requirements: { allOf: ['urn:a:python', 'urn:a:web', 'urn:a:portfolio'] }
}

test('progress names what is missing; next steps close the gap, nearest first among equals', () => {
  const view = learnerView(new Set(['urn:a:python']), [pathway], achievements, { lat: 50.3727, lon: -4.1422 })
  assert.is(view.pathways.length, 1)
  const row = view.pathways[0]
  assert.ok(row != null)
  assert.is(row.progress.complete, false)
  assert.equal(row.progress.missing.slice().sort(), ['urn:a:portfolio', 'urn:a:web'])
  assert.equal(row.missingNames.slice().sort(), ['Digital Portfolio', 'Web Design Sprint'])
  const ids = view.next.map((s) => s.achievementId)
  assert.ok(ids.includes('urn:a:web') && ids.includes('urn:a:portfolio'), ids.join())
  assert.not.ok(ids.includes('urn:a:python'), 'a held achievement is never suggested')
  // The web sprint shares a skill with what is held and is in the same city: ranked first.
  assert.is(ids[0], 'urn:a:web')
  assert.ok(view.next[0]?.reasons.some((r) => r.kind === 'skill'), JSON.stringify(view.next[0]?.reasons))
  assert.is(view.skipped, 0)
})

test('a complete pathway is complete; an invalid pathway document is left out and counted', () => {
  const broken = { ...pathway, id: 'urn:p:broken', requirements: { nOf: { n: 5, of: ['urn:a:python'] } } }
  const view = learnerView(new Set(['urn:a:python', 'urn:a:web', 'urn:a:portfolio']), [pathway, broken], achievements)
  assert.is(view.pathways.length, 1)
  assert.is(view.pathways[0]?.progress.complete, true)
  assert.is(view.skipped, 1)
})

test('--near takes "lat,lon" in degrees and refuses anything else with a usage error', () => {
  assert.equal(parseNear('51.4545,-2.5879'), { lat: 51.4545, lon: -2.5879 })
  assert.equal(parseNear(' 50 , -4 '), { lat: 50, lon: -4 })
  for (const bad of ['', 'Bristol', '91,0', '0,181', '51.4;-2.5', '1,2,3']) {
    assert.throws(() => parseNear(bad), (err: unknown) => err instanceof UsageError, bad)
  }
})

test.run()
