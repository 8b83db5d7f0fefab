/**
 * The wallet's side of the learner's OB 3.0 grants on a node (docs/api.md, "Grants"): which apps
 * signed in as the learner through the node's OB 3.0 API, and their revocation. Each request is
 * a presentation by the holder over a fresh `cofl-grants:` challenge of the node, for its host
 * (binding.ts). This module checks the node's answers; the calls are the wallet's (core.ts), in
 * Node and in the page alike.
 */
import type { GrantList } from '@cofl/api'
import { GrantsError } from './errors.js'
import { isObject } from './records.js'
import type { GrantsChallenge, NodeGrant } from './types.js'

/** Checks the node's answer to GET /api/grants/challenge. */
export function parseGrantsChallenge (value: unknown): GrantsChallenge {
  if (!isObject(value)) throw new GrantsError('the node\'s grants challenge is not a JSON object')
  const missing = ['challenge', 'domain'].filter((k) => typeof value[k] !== 'string' || value[k] === '')
  if (missing.length > 0) throw new GrantsError(`the node's grants challenge lacks ${missing.join(', ')}`)
  return { challenge: value.challenge as string, domain: value.domain as string, expiresAt: typeof value.expiresAt === 'string' ? value.expiresAt : '' }
}

function grantOf (value: unknown, index: number): NodeGrant {
  if (!isObject(value)) throw new GrantsError(`grant #${index + 1} of the node's answer is not a JSON object`)
  const text = (k: string): string | undefined => typeof value[k] === 'string' ? value[k] as string : undefined
  const grantId = text('grantId')
  const clientId = text('clientId')
  if (grantId == null || clientId == null) throw new GrantsError(`grant #${index + 1} of the node's answer lacks grantId or clientId`)
  const scope = Array.isArray(value.scope) ? value.scope.filter((s): s is string => typeof s === 'string') : []
  const clientUri = text('clientUri')
  return {
    grantId,
    clientId,
    clientName: text('clientName') ?? clientId,
    ...(clientUri != null ? { clientUri } : {}),
    scope,
    createdAt: text('createdAt') ?? '',
    expiresAt: text('expiresAt') ?? ''
  }
}

/** Checks the node's answer to POST /api/grants: `{ "did", "grants": [...] }`. */
export function parseGrants (value: unknown): GrantList {
  if (!isObject(value) || !Array.isArray(value.grants)) throw new GrantsError('the node\'s answer holds no list of grants')
  return { did: typeof value.did === 'string' ? value.did : '', grants: value.grants.map(grantOf) }
}
