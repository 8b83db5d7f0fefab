/**
 * Validation against the official Open Badges 3.0 JSON Schemas (draft 2019-09), shipped unmodified
 * in packages/credentials/schemas/ (see its README.md for their source and licence). The schemas
 * are compiled ahead of time, with Ajv's standalone code, into schema-validators.generated.ts
 * (`npm run gen:schemas`, scripts/gen-schemas.ts, which also holds the Ajv options): nothing is
 * compiled or evaluated at run time. Errors are returned as sentences a person can read, each
 * prefixed by the JSON Pointer of the offending value ("/" for the document itself):
 *
 *   validateSchema('AchievementCredential', credential)
 *   // { valid: false, errors: ["/credentialSubject/achievement: must have required property 'criteria'"] }
 */
import type { ErrorObject } from 'ajv/dist/2019.js'
import { SchemaUnavailableError } from './errors.js'
import { readSchemaFile, schemaFilePath } from './schema-files.js'
import * as compiled from './schema-validators.generated.js'

/** The documents an OB 3.0 JSON Schema exists for. */
export type SchemaKind =
  | 'AchievementCredential'
  | 'EndorsementCredential'
  | 'Profile'
  | 'GetOpenBadgeCredentialsResponse'
  | 'Imsx_StatusInfo'

export interface SchemaValidationResult {
  valid: boolean
  /** Readable errors, e.g. "/credentialSubject/achievement: must have required property 'criteria'". */
  errors: string[]
}

const SCHEMA_FILES: Readonly<Record<SchemaKind, string>> = Object.freeze({
  AchievementCredential: 'achievementcredential.json',
  EndorsementCredential: 'endorsementcredential.json',
  Profile: 'profile.json',
  GetOpenBadgeCredentialsResponse: 'getopenbadgecredentialsresponse.json',
  Imsx_StatusInfo: 'imsx_statusinfo.json'
})

/** At most this many errors are listed for one document; the rest are counted. */
const MAX_SCHEMA_ERRORS = 50

/** The parts of a published schema that say where an array goes (draft 2019-09, local $refs). */
interface SchemaNode {
  $ref?: string
  type?: unknown
  allOf?: SchemaNode[]
  oneOf?: SchemaNode[]
  anyOf?: SchemaNode[]
  items?: SchemaNode | SchemaNode[]
  properties?: Record<string, SchemaNode>
  $defs?: Record<string, SchemaNode>
}
const schemas = new Map<SchemaKind, SchemaNode>()

function schemaPath (kind: SchemaKind): string {
  return schemaFilePath(SCHEMA_FILES[kind])
}

/** The schema of `kind` as published (read once; schema-files.ts, Node only). */
function readSchema (kind: SchemaKind): SchemaNode {
  let schema = schemas.get(kind)
  if (schema === undefined) {
    schema = readSchemaFile(SCHEMA_FILES[kind]) as SchemaNode
    schemas.set(kind, schema)
  }
  return schema
}

/** A function of Ajv's standalone code: it validates, and leaves the errors of the last document on itself. */
interface Validator {
  (document: unknown): boolean
  errors?: ErrorObject[] | null
}

/** The validator compiled ahead of time from the schema file of `kind`, exported under the file's name. */
function getValidator (kind: SchemaKind): Validator {
  const name = SCHEMA_FILES[kind].replace(/\.json$/, '')
  const validate = (compiled as unknown as Readonly<Record<string, Validator | undefined>>)[name]
  if (validate === undefined) throw new SchemaUnavailableError(schemaPath(kind), 'no validator was generated from it (`npm run gen:schemas`)')
  return validate
}

function quote (value: unknown): string {
  return JSON.stringify(value)
}

function checkKind (kind: SchemaKind): void {
  if (!Object.hasOwn(SCHEMA_FILES, kind)) {
    throw new TypeError(`kind must be one of ${Object.keys(SCHEMA_FILES).join(', ')}; got ${quote(kind)}`)
  }
}

// The generated code is compiled with `verbose` (scripts/gen-schemas.ts): each error carries its
// schema, from which a failed `contains` says what it wanted.
function describe (error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath
  const params = error.params as Record<string, unknown>
  let message = error.message ?? `fails ${error.keyword}`
  switch (error.keyword) {
    case 'additionalProperties':
      message = `must NOT have additional property ${quote(params.additionalProperty)}`
      break
    case 'enum':
      if (Array.isArray(params.allowedValues)) {
        message = `must be one of ${params.allowedValues.map(quote).join(', ')}`
      }
      break
    case 'const':
      message = `must be ${quote(params.allowedValue)}`
      break
    case 'contains': {
      const wanted = (error.schema as { enum?: unknown } | undefined)?.enum
      if (Array.isArray(wanted)) message = `must contain ${wanted.map(quote).join(' or ')}`
      break
    }
    case 'format':
      message = `must be a valid ${String(params.format)}`
      break
  }
  return `${where}: ${message}`
}

function readableErrors (errors: readonly ErrorObject[]): string[] {
  // A Set: a document with thousands of wrong values has thousands of errors, many alike.
  const unique = new Set<string>()
  for (const error of errors) {
    // A failed `contains` also reports why each item did not match; the `contains` error itself
    // says what was wanted, which is what a person needs.
    if (error.schemaPath.includes('/contains/')) continue
    unique.add(describe(error))
  }
  const out = [...unique]
  if (out.length > MAX_SCHEMA_ERRORS) {
    const more = out.length - MAX_SCHEMA_ERRORS
    out.length = MAX_SCHEMA_ERRORS
    out.push(`(${more} more errors not shown)`)
  }
  return out
}

/**
 * Validates a document against the official OB 3.0 JSON Schema of `kind`. Never throws for an
 * invalid document; throws TypeError for an unknown kind and SchemaUnavailableError when no
 * validator was generated for its schema (a broken build: `npm run gen:schemas`).
 */
export function validateSchema (kind: SchemaKind, document: unknown): SchemaValidationResult {
  checkKind(kind)
  // The generated validators recurse with the document: a document nested thousands of levels deep
  // would overflow the stack. No OB 3.0 document nests anywhere near MAX_SCHEMA_DEPTH.
  if (deeperThan(document, MAX_SCHEMA_DEPTH)) return { valid: false, errors: [`the document nests deeper than ${MAX_SCHEMA_DEPTH} levels, which no OB 3.0 document does`] }
  const validate = getValidator(kind)
  const valid = validate(document)
  return { valid, errors: valid ? [] : readableErrors(validate.errors ?? []) }
}

/** How deep a document validateSchema reads may nest (the OB 3.0 schemas nest about ten levels). */
export const MAX_SCHEMA_DEPTH = 64

/** Whether `value` nests objects or arrays deeper than `limit`: a walk with a stack of its own, no recursion. */
function deeperThan (value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number]
    if (node === null || typeof node !== 'object') continue
    if (depth >= limit) return true
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}

/** How deep normalizeArrays follows a document (the schemas nest about ten levels). */
const MAX_NORMALIZE_DEPTH = 64

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The subschemas that apply to one value: `node` with its local `$ref` followed, and its `allOf`. */
function applicable (root: SchemaNode, node: SchemaNode | undefined, depth = 0): SchemaNode[] {
  if (node === undefined || depth > MAX_NORMALIZE_DEPTH) return []
  const ref = node.$ref?.startsWith('#/$defs/') === true ? root.$defs?.[node.$ref.slice('#/$defs/'.length)] : undefined
  return [node, ...applicable(root, ref, depth + 1), ...(node.allOf ?? []).flatMap((s) => applicable(root, s, depth + 1))]
}

/** The alternatives of `oneOf` / `anyOf` too: a value is read against each of them. */
function alternatives (root: SchemaNode, nodes: SchemaNode[]): SchemaNode[] {
  return nodes.flatMap((n) => [n, ...[...(n.oneOf ?? []), ...(n.anyOf ?? [])].flatMap((s) => applicable(root, s))])
}

function normalizeValue (root: SchemaNode, nodes: SchemaNode[], value: unknown, depth: number): unknown {
  if (depth > MAX_NORMALIZE_DEPTH || value === undefined || value === null || nodes.length === 0) return value
  let out = value
  if (!Array.isArray(out) && nodes.some((n) => n.type === 'array')) out = [out]
  if (Array.isArray(out)) {
    // `items` as a list (a tuple, as `@context` is) names fixed positions: those are left as they are.
    const items = alternatives(root, nodes.flatMap((n) => isPlainObject(n.items) ? applicable(root, n.items) : []))
    if (items.length === 0) return out
    let copy: unknown[] | undefined
    out.forEach((item, i) => {
      const w = normalizeValue(root, items, item, depth + 1)
      if (w !== item) (copy ??= [...(out as unknown[])])[i] = w
    })
    return copy ?? out
  }
  if (!isPlainObject(out)) return out
  const objects = alternatives(root, nodes)
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(out)) {
    const properties = objects.flatMap((n) => applicable(root, n.properties !== undefined && Object.hasOwn(n.properties, key) ? n.properties[key] : undefined))
    const v = out[key]
    const w = normalizeValue(root, properties, v, depth + 1)
    if (w !== v) (copy ??= { ...out })[key] = w
  }
  return copy ?? out
}

/**
 * `document` with every single value that the OB 3.0 JSON Schema of `kind` wants as an array
 * (`proof`, `type`, `endorsement`, `evidence`, `alignment`, ..., at any depth) made a one-element
 * array, as that schema requires. JSON-LD reads a value and a one-element array alike, so the
 * document means the same and its Data Integrity proofs, which sign its canonical RDF
 * (eddsa-rdfc-2022, Ed25519Signature2020), still hold. Values the schema wants as strings (an Image's `type`, a Proof's `type`) are left
 * as they are; so is anything it does not describe. A copy of what changed, sharing the rest;
 * `document` itself when nothing did. Never throws for an odd document (it is returned as is);
 * throws SchemaUnavailableError when the package's schema files are missing.
 *
 *   normalizeArrays('AchievementCredential', { ...credential, proof: { type: 'DataIntegrityProof', ... } })
 *   // { ...credential, proof: [{ type: 'DataIntegrityProof', ... }] }
 */
export function normalizeArrays<T> (kind: SchemaKind, document: T): T {
  checkKind(kind)
  const root = readSchema(kind)
  return normalizeValue(root, applicable(root, root), document, 0) as T
}
