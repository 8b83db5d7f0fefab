/**
 * A self-signed issuer Profile handed to the city (POST /api/endorsements `profile`): how a
 * provider without a node of its own shows that its DID is an issuer's.
 */
import { checkDocument, documentFacts } from '@cofl/federation'

/**
 * Why `profile` is not the signed Profile document of `did`, made by a key of `did` (what a node
 * of `did` would publish as its Profile, checked as a node checks one from the federation), or
 * undefined when it is. Never throws.
 */
export async function selfSignedProfileError (profile: Record<string, unknown>, did: string): Promise<string | undefined> {
  const facts = documentFacts('profile', profile)
  if (!facts.ok) return `the profile is no issuer Profile document: ${facts.reason}`
  if (facts.id !== did) return `the profile is the Profile of ${facts.id.slice(0, 200)}, not of ${did}: an issuer hands over its own Profile`
  const check = await checkDocument('profile', profile, { id: did, issuer: did, sequence: 1 })
  if (!check.ok) return `the profile is not signed by ${did}: ${check.reason}`
  return undefined
}
