/**
 * The image `cofl wallet bake` bakes into (docs/cli.md): the achievement's own image, fetched by
 * its hash from a node (`--node URL` or `--data DIR`: every node serves the images of the
 * federation at GET /api/images/<sha256>.<png|svg>, and the bytes must hash to that name), else the
 * drawn badge, the same drawing as the web pages (@cofl/formats defaultBadgeSvg: the badge's name in
 * its issuer's colours; as a PNG, the same disc without the name).
 */
import { createHash } from 'node:crypto'
import { defaultBadgePng, defaultBadgeSvg, pngBadgeSvg, pngInfo } from '@cofl/formats'

/** How long the node may take to send an image. */
const IMAGE_FETCH_MS = 15_000

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => value != null && typeof value === 'object' && !Array.isArray(value)

/** The achievement's image id of a credential, and the file name it gives (`<sha256>.<png|svg>`), if it names one. */
export function credentialImageFile (credential: Json): string | undefined {
  const subject = Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject
  const image = isObject(subject) && isObject(subject.achievement) ? subject.achievement.image : undefined
  const id = typeof image === 'string' ? image : isObject(image) ? image.id : undefined
  return typeof id === 'string' ? /(?:\/api\/images\/|^urn:cofl:image:)([0-9a-f]{64}\.(?:png|svg))$/.exec(id)?.[1] : undefined
}

/** The image `file` from the node at `base`, checked against its hash; or why not. */
export async function fetchImage (base: string, file: string): Promise<{ bytes: Uint8Array, type: 'png' | 'svg' } | { error: string }> {
  let res: Response
  try {
    res = await fetch(`${base.replace(/\/+$/, '')}/api/images/${file}`, { signal: AbortSignal.timeout(IMAGE_FETCH_MS) })
  } catch (err) {
    return { error: `the node at ${base} did not answer (${err instanceof Error ? err.message : String(err)})` }
  }
  if (!res.ok) return { error: `the node at ${base} answered ${res.status} for the image ${file}` }
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (createHash('sha256').update(bytes).digest('hex') !== file.slice(0, 64)) return { error: `the node at ${base} sent an image whose hash is not its name` }
  return { bytes, type: file.endsWith('.png') ? 'png' : 'svg' }
}

/** What to bake into for `format`: the achievement's image when it fits the format, else the drawn badge. `source` says which, in words. */
export function badgeToBake (format: 'png' | 'svg', own: { bytes: Uint8Array, type: 'png' | 'svg' } | undefined, name: string, issuer: string | undefined): { image: Uint8Array | string, source: string } {
  if (format === 'png') {
    if (own?.type === 'png') return { image: own.bytes, source: 'the achievement\'s image' }
    return { image: defaultBadgePng(issuer), source: own?.type === 'svg' ? 'a drawn badge (the achievement\'s image is an SVG; bake an .svg to keep it)' : 'a drawn badge' }
  }
  if (own?.type === 'svg') return { image: new TextDecoder().decode(own.bytes), source: 'the achievement\'s image' }
  if (own?.type === 'png') {
    const { width, height } = pngInfo(own.bytes)
    return { image: pngBadgeSvg(own.bytes, name, width, height), source: 'the achievement\'s image (its PNG inside the SVG)' }
  }
  return { image: defaultBadgeSvg(name, issuer), source: 'a drawn badge' }
}
