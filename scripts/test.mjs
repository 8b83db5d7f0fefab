#!/usr/bin/env node
// Runs every uvu test file of the workspace, one child process per package (and one for the
// cross-package tests under test/), then the group `lint` (`npm run lint` and `npm run deps`, one
// test each), and ends with the line `N passed, N failed` that CI reads.
//
//   npm test                       all of them
//   npm test -- packages/status    only the groups whose folder starts with that path
//   npm test -- lint               only the lint group
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolvePath(fileURLToPath(new URL('..', import.meta.url)))
// Generous: a shared, loaded machine runs the root group (the slowest) in 5 to 12 minutes.
const GROUP_TIMEOUT_MS = 20 * 60 * 1000
// The checks of the group `lint`: npm scripts, each one test that passes when it exits 0.
const LINT_SCRIPTS = ['lint', 'deps']

function testFiles (dir) {
  const out = []
  let entries
  try { entries = readdirSync(dir) } catch { return out }
  for (const name of entries.sort()) {
    if (name === 'node_modules' || name === 'vectors' || name === 'fixtures' || name === 'dist' || name === 'screenshots') continue
    // test/support, test/browser and test/shipped are groups of their own (below).
    if (dir === join(root, 'test') && (name === 'support' || name === 'browser' || name === 'shipped')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...testFiles(path))
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const groups = [
  ...readdirSync(join(root, 'packages')).sort().map((p) => join('packages', p, 'test')),
  join('node', 'test'),
  // @cofl/test-support's own tests (test/support/test).
  join('test', 'support'),
  'test',
  join('test', 'browser'),
  // The compiled build as a user runs it: `npm start`, the README's tour, `npm run demo:city`.
  join('test', 'shipped')
]
const only = process.argv.slice(2)
const matches = (group) => only.length === 0 || only.some((o) => group.startsWith(o.replace(/\/$/, '')))
const selected = groups.filter(matches)

// eslint-disable-next-line no-control-regex
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '')
let passed = 0
let failed = 0
let skipped = 0

for (const group of selected) {
  const files = testFiles(join(root, group))
  if (files.length === 0) continue
  const result = await new Promise((resolve) => {
    const child = spawn(process.execPath, [
      // --expose-gc: tests that force garbage collection (timeouts that must fire after one, docs/dependencies.md).
      '--expose-gc', '--conditions=cofl-source', '--import', 'tsx', '--import', 'cofl/node20',
      join(root, 'scripts', 'uvu-run.mjs'), ...files
    ], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } })
    let out = ''
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d) })
    const timer = setTimeout(() => { process.stdout.write(`\n${group}: timed out after ${GROUP_TIMEOUT_MS / 1000} s\n`); child.kill('SIGKILL') }, GROUP_TIMEOUT_MS)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out: strip(out) }) })
  })
  const total = Number(/Total:\s+(\d+)/.exec(result.out)?.[1] ?? NaN)
  const ok = Number(/Passed:\s+(\d+)/.exec(result.out)?.[1] ?? NaN)
  const skip = Number(/Skipped:\s+(\d+)/.exec(result.out)?.[1] ?? 0)
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    process.stdout.write(`\n${relative(root, join(root, group))}: the run ended (code ${result.code}) before uvu printed its totals\n`)
    failed += 1
    continue
  }
  passed += ok
  skipped += skip
  failed += total - ok - skip
  if (result.code !== 0 && total - ok - skip === 0) failed += 1 // crashed after its totals
  if (group === join('test', 'browser')) {
    // Kept for CI to collect as artifacts: <journey>-<state>-<1280|390>.png.
    const shots = join(root, 'test', 'browser', 'screenshots')
    let count = 0
    try { count = readdirSync(shots).filter((f) => f.endsWith('.png')).length } catch {}
    process.stdout.write(`\n${group}: ${count} screenshot(s) in ${relative(root, shots)}/\n`)
  }
}

if (matches('lint')) {
  process.stdout.write('\nlint\n')
  for (const script of LINT_SCRIPTS) {
    const result = await new Promise((resolve) => {
      const child = spawn('npm', ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } })
      let out = ''
      child.stdout.on('data', (d) => { out += d })
      child.stderr.on('data', (d) => { out += d })
      child.on('error', (err) => { resolve({ code: null, out: `${out}${err.message}\n` }) })
      child.on('close', (code) => { resolve({ code, out }) })
    })
    if (result.code === 0) {
      passed += 1
      process.stdout.write(`  npm run ${script}: passed\n`)
    } else {
      failed += 1
      process.stdout.write(`  npm run ${script}: failed (code ${result.code})\n${result.out}\n`)
    }
  }
}

process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`)
process.exitCode = failed > 0 ? 1 : 0
