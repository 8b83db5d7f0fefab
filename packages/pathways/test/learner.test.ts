// The learner's side: valid pathways counted apart from the others, an achievement as a catalogue
// entry (untrusted: a place only with coordinates in range), and progress with next steps.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { catalogueEntryOf, learnerProgress, placeOf, validPathways } from '../src/index.js'
import type { Pathway } from '../src/index.js'

const pathway: Pathway = {
  id: 'urn:p:dev',
  kind: 'destination',
  name: 'Developer',
  requirements: { allOf: ['urn:a:python', 'urn:a:web'] }
} as unknown as Pathway

test('validPathways keeps the valid ones in order and counts the others', () => {
  const { pathways, skipped } = validPathways([pathway, { id: 'broken' }, undefined, pathway])
  assert.equal(pathways.map((p) => p.id), ['urn:p:dev', 'urn:p:dev'])
  assert.is(skipped, 2)
})

test('catalogueEntryOf: id required, name else id, alignments objects, tags strings, place in range only', () => {
  assert.is(catalogueEntryOf({ name: 'No id' }), undefined)
  assert.equal(catalogueEntryOf({ id: 'urn:a:1', name: ' ', tag: ['x', 1], alignment: [{ targetName: 'S' }, 'no'] }), {
    id: 'urn:a:1', name: 'urn:a:1', alignment: [{ targetName: 'S' }], tags: ['x']
  })
  assert.equal(catalogueEntryOf({ id: 'urn:a:2', name: 'Two', place: { name: 'Hall', lat: 51.45, lon: -2.59 } })?.place, { name: 'Hall', lat: 51.45, lon: -2.59 })
  assert.is(catalogueEntryOf({ id: 'urn:a:3', name: 'Three', place: { lat: 91, lon: 0 } })?.place, undefined)
  assert.is(placeOf({ lat: '51', lon: 0 }), undefined)
})

test('learnerProgress: progress on each pathway in the order given, and the next steps', () => {
  const catalogue = [{ id: 'urn:a:python', name: 'Python' }, { id: 'urn:a:web', name: 'Web' }]
  const view = learnerProgress({ pathways: [pathway], catalogue, held: new Set(['urn:a:python']), limit: 3 })
  assert.is(view.rows.length, 1)
  assert.equal(view.rows[0]?.progress.missing, ['urn:a:web'])
  assert.equal(view.next.map((s) => s.achievementId), ['urn:a:web'])
})

test.run()
