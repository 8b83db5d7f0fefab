// README.md, run as written. The two commands at its top are the ones .ci/run and a new user run;
// every command block of its tour (offline, with a node, the wallet) is executed in order by bash,
// in a folder of the clone (so that `npx cofl` finds the built bin, as it does for a user), with the
// passphrase in COFL_PASSPHRASE as the README says and HOME in that folder (the wallet's default
// place). Each command must end with the exit code its comment names (`# exit 1: ...`), else 0.
// A README that drifts from the code fails here.
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import * as assert from 'uvu/assert'
import { suite } from 'uvu'
import { ensureBuilt, ROOT, run, startServer, userEnv } from './support.js'
import type { Server } from './support.js'

const test = suite('README.md as written')

interface Step { text: string, comment: string, expected: number }

/** The fenced blocks of `lang` in `markdown`, in order. */
export function codeBlocks (markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1] as string)
}

/**
 * The commands of a shell block: a line continued by a trailing backslash or by an open quote is
 * one command; a comment (`#` starting a word outside quotes) is kept apart, for its `exit N`.
 */
export function shellCommands (block: string): Step[] {
  const steps: Step[] = []
  let text = ''
  let comment = ''
  let quote: '' | "'" | '"' = ''
  for (let i = 0; i < block.length; i++) {
    const c = block[i] as string
    if (quote === "'") {
      if (c === "'") quote = ''
      text += c
    } else if (quote === '"') {
      if (c === '\\') { text += c + (block[i + 1] ?? ''); i++; continue }
      if (c === '"') quote = ''
      text += c
    } else if (c === '#' && (text === '' || /\s$/.test(text))) {
      const end = block.indexOf('\n', i)
      comment += block.slice(i, end < 0 ? block.length : end)
      i = (end < 0 ? block.length : end) - 1
    } else if (c === '\\' && block[i + 1] === '\n') {
      text += ' '
      i++
    } else if (c === '\\') {
      text += c + (block[i + 1] ?? '')
      i++
    } else if (c === '\n') {
      if (text.trim() !== '') steps.push({ text: text.trim(), comment: comment.trim(), expected: Number(/\bexit (\d+)\b/.exec(comment)?.[1] ?? 0) })
      text = ''
      comment = ''
    } else {
      if (c === "'" || c === '"') quote = c
      text += c
    }
  }
  if (quote !== '') throw new Error(`a quote is never closed in the block:\n${block}`)
  if (text.trim() !== '') steps.push({ text: text.trim(), comment: comment.trim(), expected: Number(/\bexit (\d+)\b/.exec(comment)?.[1] ?? 0) })
  return steps
}

const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
const tour = readme.slice(readme.indexOf('## A tour'), readme.indexOf('\n## ', readme.indexOf('## A tour') + 1))

test('the shell lexer: continuations, quotes across lines, comments with quotes, exit codes', () => {
  const steps = shellCommands("a 'x\ny' # it's\nb \\\n  c   # exit 1: no\n\"#\" d\n")
  assert.equal(steps.map((s) => [s.text, s.expected]), [["a 'x\ny'", 0], ['b    c', 1], ['"#" d', 0]])
})

test('it opens with what cofl is and exactly two commands: run a node, run the tests; .ci/run runs the second', async () => {
  const head = readme.slice(0, readme.indexOf('## '))
  assert.match(head, /^# cofl\n\ncofl is a federated, decentralised Open Badges network/)
  assert.equal(codeBlocks(head, 'sh').map((b) => b.trim()), ['npm ci && npm start', 'npm ci && npm test'])
  assert.match(head, /http:\/\/127\.0\.0\.1:<port>\//, 'it says where the web pages are')
  const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8')
  assert.match(ci, /^npm ci\b.*\nnpm test$/m)
})

test('the tour names COFL_PASSPHRASE and has the three blocks it promises', () => {
  assert.match(tour, /COFL_PASSPHRASE/)
  const blocks = codeBlocks(tour, 'sh')
  assert.is(blocks.length, 3)
  assert.ok(blocks.every((b) => shellCommands(b).length >= 5))
})

let dir = ''
let node: Server | undefined

test.before(async () => {
  // Inside the clone, as a user's folder is: npx finds node_modules/.bin/cofl above it. The folder
  // first: if the build is missing, the tour's commands still run there, never in the checkout.
  await mkdir(join(ROOT, 'tmp'), { recursive: true })
  dir = await mkdtemp(join(ROOT, 'tmp', 'readme-tour-'))
  await mkdir(join(dir, 'home'))
  ensureBuilt()
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

const env = (): NodeJS.ProcessEnv => userEnv({ COFL_PASSPHRASE: 'a passphrase for the README tour', HOME: join(dir, 'home') })

/** Runs the steps of one block in one bash, in order, and checks each step's exit code. */
async function runBlock (title: string, steps: Step[]): Promise<void> {
  if (dir === '') throw new Error('the tour has no folder of its own (its set-up failed): not running its commands')
  const script = steps.map((s, i) => `${s.text}\nprintf '\\n::cofl-step %d %d\\n' ${i} $?`).join('\n')
  const result = await run('bash', ['--noprofile', '--norc', '-c', script], { cwd: dir, env: env(), timeoutMs: 300_000 })
  const outputs = result.stdout.split(/\n::cofl-step (\d+) (\d+)\n/)
  const codes = new Map<number, { code: number, output: string }>()
  for (let i = 1; i + 1 < outputs.length; i += 3) codes.set(Number(outputs[i]), { code: Number(outputs[i + 1]), output: outputs[i - 1] ?? '' })
  steps.forEach((step, i) => {
    const got = codes.get(i)
    assert.ok(got != null, `${title}: the step never ran: ${step.text}\n${result.stdout}\n${result.stderr}`)
    assert.is(got?.code, step.expected, `${title}: \`${step.text}\` exited ${String(got?.code)}, the README says ${step.expected}:\n${got?.output ?? ''}\n${result.stderr.slice(-2000)}`)
  })
}

test('the tour runs as written: offline, then with a node, then the wallet', async () => {
  const [offline, withNode, wallet] = codeBlocks(tour, 'sh').map(shellCommands) as [Step[], Step[], Step[]]
  await runBlock('offline', offline)
  assert.ok((await stat(join(dir, 'badges', 'python.json'))).isFile())

  // "With a city node running in the same folder (... `npx cofl node start`, in another terminal)".
  node = await startServer('npx', ['cofl', 'node', 'start'], { cwd: dir, env: env(), timeoutMs: 90_000 })
  await runBlock('with a node', withNode)
  await runBlock('wallet', wallet)

  // What the tour says it leaves behind.
  const links = await readFile(join(dir, 'links.csv'), 'utf8')
  assert.match(links, /^row,name,email,claimLink\r?\n2,Ada Lovelace,ada@example\.org,http:\/\/127\.0\.0\.1:\d+\/claim#[A-Za-z0-9_-]{43}\r?\n/, JSON.stringify(links))
  assert.ok((await stat(join(dir, 'badge.png'))).size > 100)
  const vp = JSON.parse(await readFile(join(dir, 'vp.json'), 'utf8')) as { type: string[] }
  assert.ok([vp.type].flat().includes('VerifiablePresentation'))
})

test('the node of the tour stops gracefully on Ctrl-C', async () => {
  assert.ok(node != null, 'the node was started')
  await node?.stop()
  assert.match(node?.output() ?? '', /SIGINT: stopping\.\.\.\nstopped\n/)
})

test.run()
