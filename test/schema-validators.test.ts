// The OB 3.0 JSON Schemas compiled ahead of time (packages/credentials/src/schema-validators.generated.ts):
// the committed module is what `npm run gen:schemas` generates now from the schemas, Ajv and
// ajv-formats installed, and validation runs in a process that may not evaluate strings as code
// (what a page's CSP without `unsafe-eval` allows), formats included, as it does here.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { validateSchema } from '@cofl/credentials'
import type { SchemaKind } from '@cofl/credentials'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

async function node (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], signal: AbortSignal.timeout(120_000) })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => { stdout += d })
    proc.stderr.on('data', (d) => { stderr += d })
    proc.on('error', reject)
    proc.on('close', (code) => { resolve({ code, stdout, stderr }) })
  })
}

test('the committed validators are what `npm run gen:schemas` generates now', async () => {
  const { code, stderr } = await node(['--import', 'tsx', 'scripts/gen-schemas.ts', '--check'])
  assert.is(code, 0, stderr)
})

const credential = JSON.parse(readFileSync(new URL('vectors/ob3/spec-examples/fullOpenBadge.json', import.meta.url), 'utf8')) as Record<string, unknown>
const CASES: Array<[SchemaKind, unknown]> = [
  ['AchievementCredential', credential],
  ['AchievementCredential', { ...credential, validFrom: 'yesterday' }], // a format
  ['AchievementCredential', { ...credential, type: ['VerifiableCredential'] }], // a contains
  ['EndorsementCredential', credential],
  ['Profile', { id: 'did:example:1', type: ['Profile'], name: 'Plymouth' }],
  ['GetOpenBadgeCredentialsResponse', { credential: [credential] }],
  ['Imsx_StatusInfo', { imsx_codeMajor: 'broken', imsx_severity: 'error' }]
]

test('every kind validates with code generation from strings disallowed, as in this process', async () => {
  const script = `
    import { validateSchema } from '@cofl/credentials'
    const cases = JSON.parse(process.argv[1])
    process.stdout.write(JSON.stringify(cases.map(([kind, doc]) => validateSchema(kind, doc))))`
  const { code, stdout, stderr } = await node([
    '--disallow-code-generation-from-strings', '--conditions=cofl-source', '--import', 'tsx',
    '--input-type=module', '--eval', script, JSON.stringify(CASES)
  ])
  assert.is(code, 0, stderr)
  const results = JSON.parse(stdout) as unknown[]
  assert.equal(results, CASES.map(([kind, doc]) => validateSchema(kind, doc)))
  assert.equal(results[1], { valid: false, errors: ['/validFrom: must be a valid date-time'] })
  assert.equal(results[2], { valid: false, errors: ['/type: must contain "AchievementCredential" or "OpenBadgeCredential"'] })
})

test.run()
