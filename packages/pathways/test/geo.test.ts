import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { byDistance, distanceKm, formatDistance } from '../src/index.js'
import { HOME, KM_PER_DEGREE_LAT, south } from './fixtures.js'

test('distance: zero for the same point', () => {
  assert.is(distanceKm(HOME, HOME), 0)
})

test('distance: one degree along a meridian is π R / 180', () => {
  assert.ok(Math.abs(distanceKm({ lat: 10, lon: 5 }, { lat: 11, lon: 5 }) - KM_PER_DEGREE_LAT) < 1e-3)
})

test('distance: London to Paris is about 343.5 km (published great-circle figure), symmetric', () => {
  const london = { lat: 51.5074, lon: -0.1278 }
  const paris = { lat: 48.8566, lon: 2.3522 }
  const d = distanceKm(london, paris)
  assert.ok(Math.abs(d - 343.5) < 1, String(d))
  assert.is(distanceKm(paris, london), d)
})

test('distance: antipodes are half the circumference, across the date line is short', () => {
  assert.ok(Math.abs(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 }) - Math.PI * 6371.0088) < 1e-6)
  assert.ok(Math.abs(distanceKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }) - KM_PER_DEGREE_LAT) < 1e-3)
})

test('formatDistance', () => {
  assert.is(formatDistance(2.1), '2.1 km')
  assert.is(formatDistance(0.04), '0.0 km')
  assert.is(formatDistance(9.94), '9.9 km')
  assert.is(formatDistance(17.8), '18 km')
})

test('byDistance: nearest first, ties by id, beyond the limit and without a place left out', () => {
  const items = [
    { id: 'far', place: south(30) },
    { id: 'b', place: south(2) },
    { id: 'a', place: south(2) },
    { id: 'here', place: HOME },
    { id: 'nowhere' }
  ]
  assert.equal(byDistance(items, HOME, 25).map((x) => x.item.id), ['here', 'a', 'b'])
  assert.equal(byDistance(items, HOME).map((x) => x.item.id), ['here', 'a', 'b', 'far'])
  assert.ok(Math.abs((byDistance(items, HOME)[1]?.km ?? 0) - 2) < 1e-6)
})

test.run()
