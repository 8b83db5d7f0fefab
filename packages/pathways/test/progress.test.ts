import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { progress } from '../src/index.js'
import type { DestinationPathway } from '../src/index.js'
import { data, junior } from './fixtures.js'

const ordered: DestinationPathway = {
  id: 'pathway:care',
  kind: 'destination',
  name: 'Care Apprenticeship',
  requirements: { allOf: ['first-aid', 'safeguarding', { nOf: { n: 1, of: ['placement', 'shadowing'] } }] },
  order: [{ before: 'first-aid', after: 'placement' }, { before: 'safeguarding', after: 'placement' }]
}

test('destination: nothing held', () => {
  const p = progress(junior, [])
  assert.is(p.pathwayId, 'pathway:junior-dev')
  assert.is(p.kind, 'destination')
  assert.is(p.complete, false)
  assert.is(p.fraction, 0)
  assert.equal(p.done, [])
  assert.equal(p.missing, ['py', 'git', 'web'])
  assert.is(p.tree?.done, false)
})

test('destination: two of three done, one missing, per node done flags', () => {
  const p = progress(junior, new Set(['git', 'py', 'unrelated']))
  assert.is(p.complete, false)
  assert.equal(p.done, ['py', 'git'])
  assert.equal(p.missing, ['web'])
  assert.is(p.fraction, 2 / 3)
  assert.equal(p.tree?.children.map((c) => c.done), [true, true, false])
})

test('destination: the cheapest completion takes the branch already started', () => {
  const p = progress(junior, ['py', 'sql'])
  assert.equal(p.missing, ['git'])
  assert.equal(p.done, ['py', 'sql'])
})

test('destination: complete, fraction 1', () => {
  const p = progress(junior, ['py', 'git', 'sql'])
  assert.is(p.complete, true)
  assert.is(p.inOrder, true)
  assert.is(p.fraction, 1)
  assert.equal(p.missing, [])
})

test('interest: done and missing suggestions', () => {
  const p = progress(data, ['viz', 'py'])
  assert.is(p.kind, 'interest')
  assert.equal(p.done, ['viz'])
  assert.equal(p.missing, ['sql', 'pyadv'])
  assert.is(p.fraction, 1 / 3)
  assert.is(p.complete, false)
  assert.is(progress(data, ['sql', 'pyadv', 'viz']).complete, true)
})

test('order: earned in order is fine', () => {
  const p = progress(ordered, ['first-aid', 'safeguarding', 'placement'], {
    earnedAt: { 'first-aid': '2025-01-10T00:00:00Z', safeguarding: '2025-02-01T00:00:00Z', placement: '2025-03-01T00:00:00Z' }
  })
  assert.is(p.complete, true)
  assert.is(p.inOrder, true)
  assert.equal(p.orderViolations, [])
  assert.equal(p.orderUnchecked, [])
})

test('order: a later step earned before its predecessor is a violation (dates, also as a Map of Dates)', () => {
  const p = progress(ordered, ['first-aid', 'safeguarding', 'placement'], {
    earnedAt: new Map([['first-aid', new Date('2025-01-10T00:00:00Z')], ['safeguarding', new Date('2025-04-01T00:00:00Z')], ['placement', new Date('2025-03-01T00:00:00Z')]])
  })
  assert.is(p.complete, true)
  assert.is(p.inOrder, false)
  assert.equal(p.orderViolations.map((v) => [v.before, v.after]), [['safeguarding', 'placement']])
  assert.is(p.orderViolations[0]?.reason, "'placement' was earned on 2025-03-01T00:00:00.000Z, before 'safeguarding' (2025-04-01T00:00:00.000Z)")
})

test('order: a later step held while its predecessor is still missing is a violation', () => {
  const p = progress(ordered, ['placement', 'first-aid'])
  assert.equal(p.missing, ['safeguarding'])
  assert.equal(p.orderViolations.map((v) => [v.before, v.after]), [['safeguarding', 'placement']])
  assert.match(p.orderViolations[0]?.reason ?? '', 'which is still missing')
  // the pair whose dates are unknown is reported as unchecked, not as a violation
  assert.equal(p.orderUnchecked, [{ before: 'first-aid', after: 'placement' }])
})

test('order: a constraint on the branch not taken does not bind', () => {
  const p = progress(ordered, ['first-aid', 'safeguarding', 'shadowing'])
  assert.is(p.complete, true)
  assert.is(p.inOrder, true)
})

test('programmer mistakes throw TypeError', () => {
  assert.throws(() => progress(junior, 'py' as unknown as string[]), TypeError)
  assert.throws(() => progress(null as unknown as DestinationPathway, []), TypeError)
})

test.run()
