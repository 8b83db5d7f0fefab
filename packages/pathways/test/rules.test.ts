import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { evaluateRequirement, requirementLeaves } from '../src/index.js'
import type { Requirement } from '../src/index.js'

const tree: Requirement = {
  allOf: [
    'a',
    { nOf: { n: 2, of: ['b', 'c', { allOf: ['d', 'e'] }] } },
    { anyOf: ['f', { allOf: ['g', 'h'] }] }
  ]
}

function run (req: Requirement, held: string[]): ReturnType<typeof evaluateRequirement> {
  return evaluateRequirement(req, new Set(held))
}

const table: Array<{ name: string, req: Requirement, held: string[], done: boolean, missing: string[] }> = [
  { name: 'leaf held', req: 'a', held: ['a'], done: true, missing: [] },
  { name: 'leaf missing', req: 'a', held: ['z'], done: false, missing: ['a'] },
  { name: 'allOf needs every child', req: { allOf: ['a', 'b', 'c'] }, held: ['a', 'c'], done: false, missing: ['b'] },
  { name: 'allOf complete', req: { allOf: ['a', 'b'] }, held: ['b', 'a'], done: true, missing: [] },
  { name: 'anyOf: one child is enough', req: { anyOf: ['a', 'b', 'c'] }, held: ['c'], done: true, missing: [] },
  { name: 'anyOf with none: the first cheapest', req: { anyOf: ['a', 'b'] }, held: [], done: false, missing: ['a'] },
  { name: 'nOf 2 of 3 with one held', req: { nOf: { n: 2, of: ['a', 'b', 'c'] } }, held: ['b'], done: false, missing: ['a'] },
  { name: 'nOf 2 of 3 with two held', req: { nOf: { n: 2, of: ['a', 'b', 'c'] } }, held: ['c', 'a'], done: true, missing: [] },
  { name: 'nOf 3 of 3 is allOf', req: { nOf: { n: 3, of: ['a', 'b', 'c'] } }, held: ['a', 'b'], done: false, missing: ['c'] },
  { name: 'nested, nothing held: cheapest children of nOf and anyOf', req: tree, held: [], done: false, missing: ['a', 'b', 'c', 'f'] },
  { name: 'nested: a completed sub-tree is chosen over leaves', req: tree, held: ['d', 'e'], done: false, missing: ['a', 'b', 'f'] },
  { name: 'nested: equal cost, more progress wins (g,h over f)', req: tree, held: ['d', 'e', 'g'], done: false, missing: ['a', 'b', 'h'] },
  { name: 'nested complete through the deep branches', req: tree, held: ['a', 'c', 'd', 'e', 'g', 'h'], done: true, missing: [] },
  { name: 'nested complete through the leaves', req: tree, held: ['a', 'b', 'c', 'f'], done: true, missing: [] },
  { name: 'nested: one leaf short', req: tree, held: ['b', 'c', 'f'], done: false, missing: ['a'] },
  { name: 'anyOf of nOf: the cheaper alternative', req: { anyOf: [{ nOf: { n: 2, of: ['a', 'b', 'c'] } }, { allOf: ['x', 'y', 'z'] }] }, held: ['x', 'y'], done: false, missing: ['z'] }
]

for (const row of table) {
  test(`rule: ${row.name}`, () => {
    const r = run(row.req, row.held)
    assert.is(r.done, row.done)
    assert.equal(r.missing, row.missing)
  })
}

test('node progress: kinds, need, done children and paths', () => {
  const r = run(tree, ['d', 'e', 'g'])
  assert.is(r.kind, 'allOf')
  assert.is(r.need, 3)
  assert.is(r.doneChildren, 0)
  assert.is(r.path, 'requirements')
  const nOf = r.children[1]
  assert.ok(nOf !== undefined)
  assert.is(nOf.kind, 'nOf')
  assert.is(nOf.need, 2)
  assert.is(nOf.doneChildren, 1)
  assert.is(nOf.done, false)
  assert.is(nOf.children[2]?.path, 'requirements.allOf[1].nOf.of[2]')
  assert.is(nOf.children[2]?.done, true)
  assert.is(nOf.children[2]?.children[1]?.path, 'requirements.allOf[1].nOf.of[2].allOf[1]')
  assert.is(nOf.children[2]?.children[1]?.achievementId, 'e')
  const anyOf = r.children[2]
  assert.is(anyOf?.kind, 'anyOf')
  assert.is(anyOf?.path, 'requirements.allOf[2]')
  assert.equal(anyOf?.held, ['g'])
  assert.equal(r.held, ['d', 'e', 'g'])
})

test('requirementLeaves lists every achievement in tree order', () => {
  assert.equal(requirementLeaves(tree), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
  assert.equal(requirementLeaves('x'), ['x'])
})

test.run()
