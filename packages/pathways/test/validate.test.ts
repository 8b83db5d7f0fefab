import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  assertValidPathway, formatValidationError, MAX_REQUIREMENT_DEPTH, PathwayError, PathwayErrorCode, validateOpportunity,
  validatePathway, validatePlace, validateSpine
} from '../src/index.js'
import { junior, spine } from './fixtures.js'

function messages (input: unknown): string[] {
  const r = validatePathway(input)
  return r.valid ? [] : r.errors.map(formatValidationError)
}

function nested (depth: number): unknown {
  let req: unknown = 'leaf'
  for (let i = 0; i < depth; i++) req = { allOf: [req] }
  return req
}

const dest = (requirements: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ id: 'p', kind: 'destination', name: 'P', requirements, ...extra })

test('a valid pathway gives a clean copy: unknown top-level keys dropped, later changes to the input not seen', () => {
  const input = JSON.parse(JSON.stringify({ ...junior, '@context': ['x'], proof: {} }))
  const r = validatePathway(input)
  assert.ok(r.valid)
  assert.equal(r.value, junior)
  input.requirements.allOf.push('more')
  assert.equal(r.value, junior)
})

const cases: Array<[string, unknown, string[]]> = [
  ['nOf n above its children', dest({ allOf: ['x', 'y', { nOf: { n: 5, of: ['a', 'b', 'c'] } }] }), ['requirements.allOf[2].nOf: n must be between 1 and 3']],
  ['nOf n zero', dest({ nOf: { n: 0, of: ['a'] } }), ['requirements.nOf: n must be between 1 and 1']],
  ['nOf n not an integer', dest({ nOf: { n: 1.5, of: ['a', 'b'] } }), ['requirements.nOf: n must be between 1 and 2']],
  ['empty allOf', dest({ allOf: [] }), ['requirements.allOf: must have at least 1 entry']],
  ['two operators in one node', dest({ allOf: ['a'], anyOf: ['b'] }), ['requirements: must have exactly one of allOf, anyOf, nOf']],
  ['unknown key', dest({ oneOf: ['a'] }), ["requirements: unknown key 'oneOf' (expected one of allOf, anyOf, nOf)"]],
  ['a number as a leaf', dest({ anyOf: ['a', 7] }), ['requirements.anyOf[1]: must be an achievement id or one of { allOf }, { anyOf }, { nOf: { n, of } }']],
  ['an empty id', dest({ anyOf: [''] }), ['requirements.anyOf[0]: must be a non-empty string']],
  ['an achievement twice', dest({ allOf: ['a', { anyOf: ['b', 'a'] }] }), ["requirements.allOf[1].anyOf[1]: achievement 'a' appears twice (also at requirements.allOf[0])"]],
  ['no requirements', { id: 'p', kind: 'destination', name: 'P' }, ['requirements: is required for a destination pathway']],
  ['a wrong kind', { id: 'p', kind: 'route', name: 'P' }, ["kind: must be one of 'destination', 'interest'"]],
  ['missing id and name', { kind: 'destination', requirements: 'a' }, ['id: must be a non-empty string', 'name: must be a non-empty string']],
  ['order naming an achievement outside the tree', dest({ allOf: ['a', 'b'] }, { order: [{ before: 'a', after: 'z' }] }), ["order[0].after: achievement 'z' is not in the requirements"]],
  ['order before itself', dest({ allOf: ['a', 'b'] }, { order: [{ before: 'a', after: 'a' }] }), ["order[0]: achievement 'a' cannot come before itself"]],
  ['order cycle', dest({ allOf: ['a', 'b', 'c'] }, { order: [{ before: 'a', after: 'b' }, { before: 'b', after: 'c' }, { before: 'c', after: 'a' }] }), ['order: the constraints form a cycle: a → b → c → a']],
  ['award that is also a requirement', dest({ allOf: ['a', 'b'] }, { awardAchievementId: 'b' }), ["awardAchievementId: 'b' is also one of the requirements"]],
  ['interest without suggestions', { id: 'p', kind: 'interest', name: 'P', theme: { skills: ['s'] }, suggested: [] }, ['suggested: must have at least 1 entry']],
  ['interest with an empty theme', { id: 'p', kind: 'interest', name: 'P', theme: {}, suggested: ['a'] }, ['theme: must name at least one skill or tag']],
  ['not an object', 'pathway', ['must be a pathway object']],
  ['null', null, ['must be a pathway object']],
  ['an array', [], ['must be a pathway object']]
]

for (const [name, input, expected] of cases) {
  test(`invalid: ${name}`, () => {
    assert.equal(messages(input), expected)
  })
}

test(`depth: ${MAX_REQUIREMENT_DEPTH} nested operators pass, one more is refused with its path and code`, () => {
  assert.ok(validatePathway(dest(nested(MAX_REQUIREMENT_DEPTH))).valid)
  const r = validatePathway(dest(nested(MAX_REQUIREMENT_DEPTH + 1)))
  assert.not.ok(r.valid)
  if (r.valid) return
  assert.is(r.errors.length, 1)
  assert.is(r.errors[0]?.code, PathwayErrorCode.TOO_DEEP)
  assert.is(r.errors[0]?.path, 'requirements' + '.allOf[0]'.repeat(MAX_REQUIREMENT_DEPTH) + '.allOf')
})

test('depth: a very deep tree (100,000 levels) is refused without overflowing the stack', () => {
  const r = validatePathway(dest(nested(100_000)))
  assert.not.ok(r.valid)
  if (!r.valid) assert.is(r.errors[0]?.code, PathwayErrorCode.TOO_DEEP)
})

test('a node that contains itself is refused as a cycle, without throwing', () => {
  const node: { anyOf: unknown[] } = { anyOf: ['a'] }
  node.anyOf.push(node)
  const r = validatePathway(dest(node))
  assert.not.ok(r.valid)
  if (r.valid) return
  assert.equal(r.errors.map((e) => [e.path, e.code]), [['requirements.anyOf[1]', PathwayErrorCode.CYCLE]])
})

test('a node shared by two parents (no cycle) is an achievement twice', () => {
  const shared = { anyOf: ['x'] }
  const r = validatePathway(dest({ allOf: [shared, shared] }))
  assert.not.ok(r.valid)
  if (!r.valid) assert.is(r.errors[0]?.code, PathwayErrorCode.DUPLICATE)
})

test('a getter that throws gives an error, not an exception', () => {
  const evil = { id: 'p', kind: 'destination', name: 'P', get requirements (): unknown { throw new Error('boom') } }
  assert.equal(messages(evil), ['could not be read: boom'])
})

test('too many nodes is refused once', () => {
  const r = validatePathway(dest({ anyOf: Array.from({ length: 999 }, (_, i) => ({ anyOf: [`a${i}`] })) }))
  assert.not.ok(r.valid)
  if (r.valid) return
  assert.is(r.errors.length, 1)
  assert.is(r.errors[0]?.code, PathwayErrorCode.TOO_DEEP)
})

test('assertValidPathway throws PathwayError with the code and all errors', () => {
  try {
    assertValidPathway({ kind: 'destination', requirements: 'a' })
    assert.unreachable()
  } catch (err) {
    assert.instance(err, PathwayError)
    assert.is((err as PathwayError).code, 'COFL_ERR_PATHWAY_INVALID')
    assert.is((err as PathwayError).name, 'PathwayError')
    assert.is((err as PathwayError).errors.length, 2)
  }
  assert.equal(assertValidPathway(junior), junior)
})

test('spine: valid; unknown layer, duplicate id and a code without framework refused', () => {
  assert.ok(validateSpine(spine).valid)
  const r = validateSpine({
    id: 's',
    name: 'S',
    skills: [
      { id: 'a', name: 'A', layer: 'universal-core' },
      { id: 'a', name: 'A again', layer: 'regional', targetCode: 'X' }
    ]
  })
  assert.not.ok(r.valid)
  if (r.valid) return
  assert.equal(r.errors.map(formatValidationError), [
    "skills[1].layer: must be one of 'universal-core', 'city-of-learning', 'city-specific', 'strategic'",
    'skills[1].targetCode: needs a targetFramework',
    "skills[1].id: skill 'a' appears twice (also at skills[0])"
  ])
})

test('opportunity: valid; end before start, bad kind and empty asks refused', () => {
  const good = {
    id: 'o',
    kind: 'apprenticeship',
    name: 'Junior developer',
    place: { lat: 51.45, lon: -2.59, address: { addressLocality: 'Bristol' } },
    startDate: '2025-09-01',
    endDate: '2026-08-31',
    asks: { pathwayId: 'pathway:junior-dev' }
  }
  const ok = validateOpportunity(good)
  assert.ok(ok.valid)
  if (ok.valid) assert.equal(ok.value, good)
  const bad = validateOpportunity({ ...good, kind: 'gig', endDate: '2025-01-01', asks: {} })
  assert.not.ok(bad.valid)
  if (bad.valid) return
  assert.equal(bad.errors.map(formatValidationError), [
    "kind: must be one of 'interview', 'apprenticeship', 'internship', 'course'",
    'endDate: must not be before startDate',
    'asks: must name a pathwayId or achievementIds'
  ])
})

test('place: latitude and longitude ranges', () => {
  assert.ok(validatePlace({ lat: -90, lon: 180 }).valid)
  const r = validatePlace({ lat: 91, lon: Number.NaN })
  assert.not.ok(r.valid)
  if (!r.valid) assert.equal(r.errors.map(formatValidationError), ['lat: must be a number between -90 and 90', 'lon: must be a number between -180 and 180'])
})

test.run()
