/**
 * The browser's stand-in for schema-files.ts (package.json `browser` maps one to the other): a
 * page has no file system, and validation needs no schema file (its code is compiled ahead of
 * time). normalizeArrays, the one reader of the files, is for Node: in a page it throws
 * SchemaUnavailableError.
 */
import { SchemaUnavailableError } from './errors.js'

/** Where the schema file `file` is, relative to the package (for messages). */
export function schemaFilePath (file: string): string {
  return `schemas/${file}`
}

export function readSchemaFile (file: string): unknown {
  throw new SchemaUnavailableError(schemaFilePath(file), 'the browser build of @cofl/credentials does not read schema files (normalizeArrays is for Node)')
}
