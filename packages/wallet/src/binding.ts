/**
 * Presentations bound to who asked for them. A node's challenge starts with the use it was made
 * for (`cofl-claim:`, `cofl-login:`, `cofl-grants:`), and a presentation is signed for a
 * `domain`, the host of the node. The wallet signs for a node only when both hold:
 *
 * - the `domain` is the host (host[:port]) of the URL the learner gave the wallet (the claim link
 *   pasted or clicked, the node named on the command line), not one the answer names;
 * - the challenge is of the use the wallet is performing (a claim signs only a `cofl-claim:`
 *   challenge).
 *
 * So a site posing as a claim link cannot have the wallet sign another node's login challenge:
 * it gets a refusal and nothing signed. One rule for the CLI, @cofl/wallet and the browser wallet
 * (which imports it from `@cofl/wallet/browser`); the node checks the same prefixes on its side
 * (node/src/app/presentation.ts).
 *
 *   assertSigningFor({ url: claimLink, domain: offer.domain, challenge: offer.challenge, use: 'claim' })
 */
import { CHALLENGE_PREFIXES } from './constants.js'
import type { ChallengeUse } from './constants.js'
import { SigningRefusedError } from './errors.js'

/** What each use is, in words (for messages). */
const USE_WORDS: Readonly<Record<ChallengeUse, string>> = {
  claim: 'claiming a badge',
  login: 'signing in to an app through the node\'s OB 3.0 API',
  grants: 'listing or revoking the apps you signed in to'
}

/** The use a challenge was made for, from its prefix; undefined for a challenge of no known use. */
export function challengeUse (challenge: unknown): ChallengeUse | undefined {
  if (typeof challenge !== 'string') return undefined
  return (Object.keys(CHALLENGE_PREFIXES) as ChallengeUse[]).find((use) => challenge.startsWith(CHALLENGE_PREFIXES[use]))
}

/** A challenge in words: its use, or that it has none the wallet knows. */
export function describeChallengeUse (challenge: unknown): string {
  const use = challengeUse(challenge)
  return use != null ? `a challenge for ${USE_WORDS[use]} (${CHALLENGE_PREFIXES[use]}...)` : 'a challenge of no cofl use'
}

/**
 * Why a presentation over `challenge` does not fit `use`, or undefined when it does. The node
 * says it when it refuses a presentation made for another use.
 */
export function challengeUseProblem (challenge: unknown, use: ChallengeUse): string | undefined {
  if (typeof challenge === 'string' && challenge.startsWith(CHALLENGE_PREFIXES[use]) && challenge.length > CHALLENGE_PREFIXES[use].length) return undefined
  return `the presentation is signed over ${describeChallengeUse(challenge)}, not over a challenge for ${USE_WORDS[use]} (${CHALLENGE_PREFIXES[use]}...): a presentation made for one use is refused at every other`
}

/** The host (host[:port], lower case, without a default port) of a URL: the domain a wallet signs for. */
export function domainOf (url: URL | string): string {
  return (typeof url === 'string' ? new URL(url) : url).host.toLowerCase()
}

/** What a node asks the wallet to sign, and where the learner told the wallet to go. */
export interface SigningRequest {
  /** The URL the learner gave: the claim link, or the node's URL (never one the node redirected to). */
  url: URL | string
  /** The `domain` the node's answer asks the signature for. */
  domain: string
  /** The node's challenge. */
  challenge: string
  /** What the wallet is doing. */
  use: ChallengeUse
}

/**
 * The wallet's rule before it signs for a node: the answer's domain is the host of the URL the
 * learner gave, and the challenge is of the use under way. Throws SigningRefusedError, naming
 * both hosts (or the challenge's use), when either does not hold; the caller then signs nothing.
 */
export function assertSigningFor (request: SigningRequest): void {
  if (request == null || typeof request !== 'object') throw new TypeError('assertSigningFor(request): request must be an object')
  let expected: string
  try {
    expected = domainOf(request.url)
  } catch (err) {
    throw new TypeError('assertSigningFor: request.url must be an absolute URL', { cause: err })
  }
  const asked = typeof request.domain === 'string' ? request.domain.trim().toLowerCase() : ''
  if (asked !== expected) {
    throw new SigningRefusedError(`refused to sign: the node at ${expected} asks for a signature for ${asked === '' ? 'no domain' : asked}, another site. A presentation signed for ${asked === '' ? 'no domain' : asked} would let whoever holds it act as you there; only a signature for ${expected} is made here. Nothing was signed`)
  }
  const problem = challengeUseProblem(request.challenge, request.use)
  if (problem != null) {
    throw new SigningRefusedError(`refused to sign: the node at ${expected} sent ${describeChallengeUse(request.challenge)}, but you are ${USE_WORDS[request.use]}: it could be passed on to be used as you elsewhere. Nothing was signed`)
  }
}

/**
 * Challenges the wallet signs only itself, through the protocol of their use (claims, grants), and
 * never as a presentation for someone else (`present`): a `cofl-claim:` or `cofl-grants:`
 * challenge handed to the learner to present is refused. Login (`cofl-login:`) and verifiers'
 * own challenges are presented.
 */
export function assertPresentable (challenge: string): void {
  const use = challengeUse(challenge)
  if (use === 'claim' || use === 'grants') {
    throw new SigningRefusedError(`refused to sign: ${describeChallengeUse(challenge)} is signed by the wallet itself (\`cofl wallet ${use === 'claim' ? 'claim URL' : 'grants'}\`), never handed out as a presentation. Nothing was signed`)
  }
}
