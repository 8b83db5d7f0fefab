/**
 * The content rules of cofl documents: skills spines, pathways and opportunities, checked by the
 * @cofl/pathways validators, and aggregates, by @cofl/analytics' validateAggregate. The federation
 * runs them on every document that arrives (FederationInit.validateContent: a refused document is
 * rejected and never stored), the local network and the service run them before publishing.
 *
 * A document is `{ '@context', id, type, issuer, ...content, proof }`: the validators read the
 * content and ignore the envelope fields. The issuer is checked against the announcement by the
 * federation (documentFacts); here only that it is a DID string when a validator reads it.
 */
import { validateAggregate } from '@cofl/analytics'
import { formatValidationError, validateOpportunity, validatePathway, validateSpine } from '@cofl/pathways'
import type { ValidationResult } from '@cofl/pathways'
import type { Kind } from '@cofl/federation'
import { imageRule } from './images.js'

/** A content rule: the errors of a document (`path: message`), none when it is valid. Never throws on bad input. */
export type ContentRule = (document: Record<string, unknown>) => string[]

/** What the federation wants of a content check (FederationInit.validateContent). */
export type ContentVerdict = { ok: true } | { ok: false, reason: string }

/** The most errors a verdict's reason lists (the rest are counted). */
export const MAX_REASON_ERRORS = 10

function errorsOf<T> (result: ValidationResult<T>): string[] {
  return result.valid ? [] : result.errors.map(formatValidationError)
}

/**
 * The content rule of each kind of cofl document. Kinds without an entry (OB 3.0 documents, whose
 * form the proof and the verifier check) have no content rule. Other modules add their kinds'.
 */
export const CONTENT_VALIDATORS: Partial<Record<Kind, ContentRule>> = {
  spine: (document) => errorsOf(validateSpine(document)),
  pathway: (document) => errorsOf(validatePathway(document)),
  opportunity: (document) => errorsOf(validateOpportunity(document)),
  aggregate: validateAggregate,
  image: imageRule
}

/** The errors of a document of `kind` (`path: message`); [] when valid or when the kind has no rule. */
export function contentErrors (kind: Kind, document: Record<string, unknown>): string[] {
  const rule = CONTENT_VALIDATORS[kind]
  if (rule == null) return []
  if (document == null || typeof document !== 'object' || Array.isArray(document)) return [`the ${kind} must be a JSON object`]
  try {
    return rule(document)
  } catch (err) {
    // The validators return errors instead of throwing; this is for a rule that does not.
    return [`the ${kind} could not be checked: ${err instanceof Error ? err.message : String(err)}`]
  }
}

/** The verdict of the content rules on a document (FederationInit.validateContent); never throws. */
export function validateCoflDocument (kind: Kind, document: Record<string, unknown>): ContentVerdict {
  const errors = contentErrors(kind, document)
  if (errors.length === 0) return { ok: true }
  const shown = errors.slice(0, MAX_REASON_ERRORS).join('; ')
  return { ok: false, reason: errors.length > MAX_REASON_ERRORS ? `${shown}; and ${errors.length - MAX_REASON_ERRORS} more` : shown }
}
