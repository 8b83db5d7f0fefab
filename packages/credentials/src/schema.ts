/**
 * Validation against the official Open Badges 3.0 JSON Schemas (draft 2019-09), shipped unmodified
 * in packages/credentials/schemas/ (see its README.md for their source and licence). Each schema
 * is read and compiled once, on first use, then cached. Errors are returned as sentences a person
 * can read, each prefixed by the JSON Pointer of the offending value ("/" for the document itself):
 *
 *   validateSchema('AchievementCredential', credential)
 *   // { valid: false, errors: ["/credentialSubject/achievement: must have required property 'criteria'"] }
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2019 } from 'ajv/dist/2019.js'
import addFormatsModule from 'ajv-formats'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2019.js'
import { SchemaUnavailableError } from './errors.js'

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

// ajv-formats is CommonJS with `exports.default`: under nodenext the default import is the module
// object, whose `default` is the plugin (also at run time, where module.exports.default is set).
const addFormats = addFormatsModule.default

let ajv: Ajv2019 | undefined
const validators = new Map<SchemaKind, ValidateFunction>()

function getAjv (): Ajv2019 {
  if (ajv === undefined) {
    ajv = new Ajv2019({
      // Strict mode stays on, except `strictTuples`: the published schemas declare `@context` as
      // a 2-item tuple (`items: [VC v2, OB context]`, `minItems: 2`) followed by any number of
      // further contexts (`additionalItems: {$ref: Context}`). Ajv's strictTuples lint only
      // accepts closed tuples (`maxItems` equal to the length or `additionalItems: false`), so
      // the four credential/profile schemas fail to compile with it. It is a lint about how a
      // schema is written; turning it off does not change which documents the schema accepts.
      strict: true,
      strictTuples: false,
      // Every error, so that a person sees all that is wrong at once. The schemas hold no
      // expensive keywords (no uniqueItems, only simple anchored patterns), and the error list is
      // capped below.
      allErrors: true,
      // Gives each error its schema, used to say what a failed `contains` wanted.
      verbose: true
    })
    addFormats(ajv)
  }
  return ajv
}

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

function getValidator (kind: SchemaKind): ValidateFunction {
  let validate = validators.get(kind)
  if (validate === undefined) {
    const path = join(packageRoot(), 'schemas', SCHEMA_FILES[kind])
    let schema: unknown
    try {
      schema = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new SchemaUnavailableError(path, 'it cannot be read as JSON', { cause: err })
    }
    try {
      validate = getAjv().compile(schema as object)
    } catch (err) {
      throw new SchemaUnavailableError(path, `it does not compile (${(err as Error).message})`, { cause: err })
    }
    validators.set(kind, validate)
  }
  return validate
}

function quote (value: unknown): string {
  return JSON.stringify(value)
}

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
  const out: string[] = []
  for (const error of errors) {
    // A failed `contains` also reports why each item did not match; the `contains` error itself
    // says what was wanted, which is what a person needs.
    if (error.schemaPath.includes('/contains/')) continue
    const text = describe(error)
    if (!out.includes(text)) out.push(text)
  }
  if (out.length > MAX_SCHEMA_ERRORS) {
    const more = out.length - MAX_SCHEMA_ERRORS
    out.length = MAX_SCHEMA_ERRORS
    out.push(`(${more} more errors not shown)`)
  }
  return out
}

/**
 * Validates a document against the official OB 3.0 JSON Schema of `kind`. Never throws for an
 * invalid document; throws TypeError for an unknown kind and SchemaUnavailableError when the
 * package's schema files are missing (a broken install).
 */
export function validateSchema (kind: SchemaKind, document: unknown): SchemaValidationResult {
  if (!Object.hasOwn(SCHEMA_FILES, kind)) {
    throw new TypeError(`kind must be one of ${Object.keys(SCHEMA_FILES).join(', ')}; got ${quote(kind)}`)
  }
  const validate = getValidator(kind)
  const valid = validate(document)
  return { valid, errors: valid ? [] : readableErrors(validate.errors ?? []) }
}
