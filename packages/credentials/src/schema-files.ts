/**
 * The OB 3.0 JSON Schema files shipped in packages/credentials/schemas/, read from disk. Validation
 * needs none of them (its code is compiled ahead of time, schema-validators.generated.ts); only
 * normalizeArrays reads them. A bundle for the browser gets schema-files-browser.ts instead
 * (package.json `browser`), so that nothing the package's entry imports is a Node built-in there.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SchemaUnavailableError } from './errors.js'

/** The folder holding the package's package.json: src/ under tsx, dist/src/ once compiled. */
function packageRoot (): string {
  const start = dirname(fileURLToPath(import.meta.url))
  let dir = start
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new SchemaUnavailableError(start, 'no package.json above this module')
    dir = parent
  }
}

/** Where the schema file `file` (such as achievementcredential.json) is. */
export function schemaFilePath (file: string): string {
  return join(packageRoot(), 'schemas', file)
}

/** The schema file `file` as published, parsed; SchemaUnavailableError when it cannot be read. */
export function readSchemaFile (file: string): unknown {
  const path = schemaFilePath(file)
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new SchemaUnavailableError(path, 'it cannot be read as JSON', { cause: err })
  }
}
