/**
 * The node's side of "presentations are bound to who asked for them" (docs/api.md, "Presentations
 * bound to their use"). A learner proves control of a DID with a presentation over a challenge
 * this node issued for one use, for this node's domain. Each use has its own challenges and
 * records: a claim (`cofl-claim:`, node/src/app/offers.ts), an OB 3.0 login (`cofl-login:`,
 * node/src/http/ob3/oauth.ts), grant management (`cofl-grants:`, node/src/http/ob3/grants.ts). The prefixes
 * and the wallet's rule are @cofl/wallet's (packages/wallet/src/binding.ts); here each endpoint
 * checks that a presentation is over a challenge of its own use before it compares it with the
 * one it stored.
 */
import { verifyPresentationProof } from '@cofl/credentials'
import { didMethod } from '@cofl/identity'
import { challengeUseProblem, domainOf } from '@cofl/wallet'
import type { ChallengeUse } from '@cofl/wallet'

type Json = Record<string, unknown>

/** What a presentation must be bound to. */
export interface ExpectedBinding {
  /** The challenge this node stored for the request. */
  challenge: string
  /** This node's domain, as stored with the challenge. */
  domain: string
  /** The use the challenge was made for (its prefix). */
  use: ChallengeUse
  /** What to say when the challenge is of the right use but not the stored one. */
  otherChallenge: string
}

/**
 * The domain a presentation to this node is signed for: the host (and port) of the node's own
 * origin (RouteContext.origin: its public base URL, else the address it listens on), never the
 * Host header a client sent. The wallet's own function, so that both sides work it out alike.
 */
export { domainOf }

function proofsOf (presentation: Json): Json[] {
  const proof = presentation.proof
  if (proof == null) return []
  return (Array.isArray(proof) ? proof : [proof]).filter((p): p is Json => p != null && typeof p === 'object')
}

/** The challenge of a presentation's first proof, if any: how a request is found when its challenge is its key. */
export function challengeOf (presentation: unknown): string | undefined {
  if (presentation == null || typeof presentation !== 'object' || Array.isArray(presentation)) return undefined
  const challenge = proofsOf(presentation as Json)[0]?.challenge
  return typeof challenge === 'string' ? challenge : undefined
}

/**
 * Checks a presentation by which a learner proves control of its holder DID: a Verifiable
 * Presentation whose `holder` is a DID, signed by that DID only (proofPurpose authentication,
 * did:key resolved offline, no key taken from a URL fragment), every proof over a challenge of
 * `expected.use`, equal to the stored one, and for the stored domain. Returns the holder DID;
 * anything else throws `fail(reason)`, the reason saying which check failed.
 */
export async function checkHolderPresentation (presentation: unknown, expected: ExpectedBinding, fail: (message: string) => Error): Promise<string> {
  if (presentation == null || typeof presentation !== 'object' || Array.isArray(presentation)) throw fail('the presentation is not a JSON object')
  const vp = presentation as Json
  if (![vp.type].flat().includes('VerifiablePresentation')) throw fail('the presentation\'s type does not include "VerifiablePresentation"')
  const holder = typeof vp.holder === 'string' ? vp.holder : (vp.holder as { id?: unknown } | null)?.id
  if (typeof holder !== 'string' || didMethod(holder) == null) throw fail('the presentation has no "holder" DID: the holder proves control of its DID by signing the presentation')
  const proofs = proofsOf(vp)
  if (proofs.length === 0) throw fail('the presentation is not signed: sign it as its holder over the challenge and domain this node gave')
  for (const proof of proofs) {
    const problem = challengeUseProblem(proof.challenge, expected.use)
    if (problem != null) throw fail(problem)
    if (proof.challenge !== expected.challenge) throw fail(expected.otherChallenge)
    if (proof.domain !== expected.domain) throw fail(`the presentation is signed for the domain ${JSON.stringify(proof.domain ?? null)}, not for this node's ${JSON.stringify(expected.domain)}`)
    const method = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : ''
    const controller = method.split('#')[0]
    if (controller !== holder) {
      throw fail(`the presentation is signed by ${controller === '' ? 'no verification method' : controller}, not by its holder ${holder}: only the holder can use it`)
    }
  }
  // The key must be the holder DID's own (@cofl/credentials binds every key to its controller).
  const outcome = await verifyPresentationProof(vp, { challenge: expected.challenge, domain: expected.domain })
  if (!outcome.verified) throw fail(`the presentation's proof does not verify: ${outcome.errors.join('; ')}`)
  for (const method of outcome.verificationMethods) {
    if (method.split('#')[0] !== holder) throw fail(`the presentation is signed by ${method}, not by its holder ${holder}`)
  }
  return holder
}
