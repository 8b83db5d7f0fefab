/**
 * Share links (docs/sharing.md): a presentation carried whole in the fragment of a link to a verify
 * page, `<origin>/verify#vp=<data>`. `<data>` is the presentation's JSON (UTF-8), compressed with
 * raw DEFLATE (RFC 1951, the browser's CompressionStream 'deflate-raw'), in base64url without
 * padding. A browser never sends a fragment to a server, so no node receives or stores the
 * presentation: the verify page reads it and verifies it in the page.
 *
 * The holder signs a share link's presentation over a challenge of its own, `cofl-share:<random>`
 * (no node ever issues one: it cannot be passed off as a claim, a sign-in or a verifier's
 * request), for the domain of the verify page the link opens (its host). Reading is bounded: a
 * fragment longer than MAX_SHARE_FRAGMENT_CHARS, or one that inflates past MAX_SHARE_JSON_BYTES, is
 * refused (a ShareLinkError, which says why) before it is parsed.
 *
 *   const link = await shareLink(location.origin, presentation)   // https://city.example/verify#vp=...
 *   const vp = await readShareFragment(location.hash)              // the presentation, or undefined (no vp=)
 */

type Json = Record<string, unknown>

/** The name of the fragment parameter that carries the presentation. */
export const SHARE_PARAMETER = 'vp'
/** The page a share link opens. */
export const SHARE_PATH = '/verify'
/** What a share link's challenge starts with (the rest: 32 random bytes in base64url). */
export const SHARE_CHALLENGE_PREFIX = 'cofl-share:'
/** The most JSON a share link may inflate to (1 MiB); a longer one is refused, when made and when read. */
export const MAX_SHARE_JSON_BYTES = 1024 * 1024
/** The longest fragment value read (characters of base64url), well under what browsers keep of a URL (2 MB in Chromium). */
export const MAX_SHARE_FRAGMENT_CHARS = 1024 * 1024

/** Why a share link cannot be read (or made). */
export type ShareLinkProblem = 'not-base64url' | 'too-long' | 'broken' | 'too-large' | 'not-json' | 'not-presentation'

/**
 * A share link that cannot be read or made: an Error (named ShareLinkError) whose message is a
 * sentence for the person and whose `kind` says which problem, for the page and the tests. A page
 * failure that crosses no API, so it has no COFL_ERR code.
 */
export interface ShareLinkError extends Error { readonly kind: ShareLinkProblem }

function shareLinkError (kind: ShareLinkProblem, message: string, options?: ErrorOptions): ShareLinkError {
  return Object.assign(new Error(message, options), { name: 'ShareLinkError', kind })
}

function isShareLinkError (err: unknown): err is ShareLinkError {
  return err instanceof Error && err.name === 'ShareLinkError'
}

function toBase64url (bytes: Uint8Array): string {
  let binary = ''
  // In slices: String.fromCharCode(...a large array) would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url (text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw shareLinkError('not-base64url', 'this share link is damaged: its data holds characters a share link never has (was it changed?)')
  if (text.length % 4 === 1) throw shareLinkError('broken', 'this share link is damaged: it was cut short')
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

async function deflate (bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** Inflates `bytes`, stopping (and refusing) as soon as the output passes `max` bytes. */
async function inflateAtMost (bytes: Uint8Array, max: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > max) {
        await reader.cancel().catch(() => {})
        throw shareLinkError('too-large', `this share link unpacks to more than ${max / 1024} KiB, more than any badge needs: it is not read`)
      }
      chunks.push(value)
    }
  } catch (err) {
    if (isShareLinkError(err)) throw err
    throw shareLinkError('broken', 'this share link is damaged: its data does not unpack (was it cut short or changed?)', { cause: err })
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) { out.set(chunk, at); at += chunk.length }
  return out
}

/** The fragment value of a presentation: its JSON, deflated, in base64url. Refused when the JSON passes MAX_SHARE_JSON_BYTES. */
export async function encodeSharePresentation (presentation: Json): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(presentation))
  if (json.length > MAX_SHARE_JSON_BYTES) {
    throw shareLinkError('too-large', `this presentation is ${Math.ceil(json.length / 1024)} KiB, more than a share link carries (${MAX_SHARE_JSON_BYTES / 1024} KiB): download it as a file instead`)
  }
  return toBase64url(await deflate(json))
}

/** The presentation a fragment value carries (bounded, checked to be a presentation); ShareLinkError when it cannot be read. */
export async function decodeSharePresentation (data: string): Promise<Json> {
  if (data.length > MAX_SHARE_FRAGMENT_CHARS) throw shareLinkError('too-long', `this share link is ${data.length} characters long, longer than any share link (${MAX_SHARE_FRAGMENT_CHARS}): it is not read`)
  if (data === '') throw shareLinkError('broken', 'this share link is empty after “#vp=”: it was cut short. Ask for the link again.')
  const json = await inflateAtMost(fromBase64url(data), MAX_SHARE_JSON_BYTES)
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json))
  } catch (err) {
    throw shareLinkError('not-json', 'this share link unpacks to something that is not a presentation (not JSON)', { cause: err })
  }
  const types = typeof value === 'object' && value !== null && !Array.isArray(value) ? [(value as Json).type].flat() : []
  if (!types.includes('VerifiablePresentation')) throw shareLinkError('not-presentation', 'this share link carries no presentation (its JSON is not a VerifiablePresentation)')
  return value as Json
}

/** The link that shows `presentation` on the verify page of `origin`. */
export async function shareLink (origin: string, presentation: Json): Promise<string> {
  return `${origin}${SHARE_PATH}#${SHARE_PARAMETER}=${await encodeSharePresentation(presentation)}`
}

/** The fragment value of `vp=` in a location's hash (`#vp=...`), or undefined when the hash has none. */
export function shareData (hash: string): string | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  const prefix = `${SHARE_PARAMETER}=`
  // Read by hand, not with URLSearchParams: base64url has no character it would change, and a
  // parameter of a megabyte is not copied around.
  for (const part of fragment.split('&')) if (part.startsWith(prefix)) return part.slice(prefix.length)
  return undefined
}

/** The presentation of a location's hash, when it has `vp=`; ShareLinkError when it cannot be read. */
export async function readShareFragment (hash: string): Promise<Json | undefined> {
  const data = shareData(hash)
  return data == null ? undefined : await decodeSharePresentation(data)
}

/** A share link's challenge: the prefix and 32 random bytes. */
export function shareChallenge (): string {
  return `${SHARE_CHALLENGE_PREFIX}${toBase64url(crypto.getRandomValues(new Uint8Array(32)))}`
}

/** What the holder signed a presentation's proof over: its challenge, domain and date (the first proof's). */
export function proofTerms (presentation: Json): { challenge?: string, domain?: string, created?: string } {
  const proof = [presentation.proof].flat()[0]
  if (typeof proof !== 'object' || proof === null) return {}
  const { challenge, domain, created } = proof as Json
  return {
    ...(typeof challenge === 'string' ? { challenge } : {}),
    ...(typeof domain === 'string' ? { domain } : {}),
    ...(typeof created === 'string' ? { created } : {})
  }
}
