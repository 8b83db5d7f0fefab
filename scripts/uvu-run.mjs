// Loads the given uvu test files into one process and runs them with uvu's own runner.
import { resolve } from 'node:path'
import { run } from 'uvu/run'

const suites = process.argv.slice(2).map((file) => ({ name: file.replace(process.cwd() + '/', ''), file: resolve(file) }))
await run(suites, {})
// Every test stops what it started; exit so that a forgotten handle cannot hang the whole run.
process.exit(process.exitCode ?? 0)
