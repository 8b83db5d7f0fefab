/**
 * What the learner shares, made in the page and handed to the learner (a download, the
 * clipboard), never sent by the page: a presentation of chosen badges signed by the holder, and a
 * badge image with one credential baked in (@cofl/formats' bakePng / bakeSvg, OB 3.0 "Baked Badge").
 * Share links are lib/share-link.ts (read by the verify page too); their PDF, share-pdf.ts.
 */
import { badgeColours, bakePng, bakeSvg, defaultBadgeSvg } from '@cofl/formats'
import type { HeldCredential } from '@cofl/wallet/browser'
import { badgeImageBytes } from '../lib/badge-image.js'

type Json = Record<string, unknown>

/** The side of the PNG badge drawn when the achievement has no PNG image of its own. */
export const BADGE_PNG_SIZE = 256

/** Gives the learner a file (a download the browser saves; nothing leaves the page). */
export function download (name: string, data: Blob): void {
  const url = URL.createObjectURL(data)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}

/** A file name from a badge's name: letters, digits and dashes. */
export function fileName (name: string, extension: string): string {
  const base = name.normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60).toLowerCase()
  return `${base === '' ? 'badge' : base}.${extension}`
}

function achievementOf (held: HeldCredential): Json | undefined {
  const subject = [held.credential.credentialSubject].flat()[0] as Json | undefined
  const achievement = subject?.achievement
  return typeof achievement === 'object' && achievement !== null && !Array.isArray(achievement) ? achievement as Json : undefined
}

/** The achievement's image as a data: URL of the given media type, when it has one. */
function dataImage (held: HeldCredential, mediaType: string): Uint8Array | undefined {
  const image = achievementOf(held)?.image
  const id = typeof image === 'string' ? image : typeof image === 'object' && image !== null ? (image as Json).id : undefined
  if (typeof id !== 'string') return undefined
  const match = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(id)
  if (match == null || match[1]?.toLowerCase() !== mediaType) return undefined
  try {
    if (match[2] != null) return Uint8Array.from(atob(match[3] as string), (c) => c.charCodeAt(0))
    return new TextEncoder().encode(decodeURIComponent(match[3] as string))
  } catch {
    return undefined
  }
}

/** An SVG image drawn as a PNG (an <img> of it, which runs no script, onto a canvas); undefined when the browser cannot. */
async function svgAsPng (svg: Uint8Array): Promise<Uint8Array | undefined> {
  const url = URL.createObjectURL(new Blob([svg as Uint8Array<ArrayBuffer>], { type: 'image/svg+xml' }))
  try {
    const image = new Image(BADGE_PNG_SIZE, BADGE_PNG_SIZE)
    image.src = url
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = BADGE_PNG_SIZE
    canvas.height = BADGE_PNG_SIZE
    canvas.getContext('2d')?.drawImage(image, 0, 0, BADGE_PNG_SIZE, BADGE_PNG_SIZE)
    const blob = await new Promise<Blob | null>((resolve) => { canvas.toBlob(resolve, 'image/png') })
    return blob != null ? new Uint8Array(await blob.arrayBuffer()) : undefined
  } catch {
    return undefined
  } finally {
    URL.revokeObjectURL(url)
  }
}

/**
 * The badge's picture for its PDF (pdf-lib embeds PNG and JPEG): the achievement's image from this
 * node (lib/badge-image.ts; an SVG drawn as a PNG), else one given as a PNG or JPEG data: URL, else
 * the drawn badge; undefined when none can be had.
 */
export async function pdfBadgeImage (held: HeldCredential): Promise<{ type: 'png' | 'jpeg', bytes: Uint8Array } | undefined> {
  try {
    const fetched = await badgeImageBytes(achievementOf(held)?.image)
    if (fetched?.type === 'png') return { type: 'png', bytes: fetched.bytes }
    const drawn = fetched?.type === 'svg' ? await svgAsPng(fetched.bytes) : undefined
    if (drawn != null) return { type: 'png', bytes: drawn }
    const png = dataImage(held, 'image/png')
    if (png != null) return { type: 'png', bytes: png }
    const jpeg = dataImage(held, 'image/jpeg')
    if (jpeg != null) return { type: 'jpeg', bytes: jpeg }
    return { type: 'png', bytes: await drawnBadgePng(badgeName(held), held.issuer.id) }
  } catch {
    return undefined
  }
}

function badgeName (held: HeldCredential): string {
  return held.name ?? held.achievement?.name ?? 'Badge'
}

/** Draws a round badge with the name on it, as a PNG (the canvas encodes it). */
async function drawnBadgePng (name: string, issuer?: string): Promise<Uint8Array> {
  const size = BADGE_PNG_SIZE
  const canvas = document.createElement('canvas')
  canvas.width = size
  canvas.height = size
  const g = canvas.getContext('2d')
  if (g == null) throw new Error('this browser cannot draw an image (no canvas 2D context)')
  const circle = (r: number, fill: string): void => { g.beginPath(); g.arc(size / 2, size / 2, r, 0, Math.PI * 2); g.fillStyle = fill; g.fill() }
  // The drawn badge's colours (@cofl/formats badgeColours: its issuer's), as the pages and the CLI draw it.
  const colours = badgeColours(issuer)
  circle(size * 0.47, colours.ring)
  circle(size * 0.42, colours.inner)
  circle(size * 0.39, colours.face)
  g.fillStyle = '#ffffff'
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  // Up to three lines of the name, shrunk to fit inside the circle.
  const words = name.split(/\s+/).filter((w) => w !== '')
  let fontSize = 30
  let lines: string[] = []
  for (; fontSize >= 12; fontSize -= 2) {
    g.font = `600 ${fontSize}px system-ui, sans-serif`
    lines = []
    let line = ''
    for (const word of words) {
      const candidate = line === '' ? word : `${line} ${word}`
      if (g.measureText(candidate).width <= size * 0.62 || line === '') line = candidate
      else { lines.push(line); line = word }
    }
    if (line !== '') lines.push(line)
    if (lines.length <= 3 && lines.every((l) => g.measureText(l).width <= size * 0.66)) break
  }
  lines = lines.slice(0, 3)
  const height = fontSize * 1.15
  lines.forEach((l, i) => { g.fillText(l, size / 2, size / 2 + (i - (lines.length - 1) / 2) * height, size * 0.66) })
  const blob = await new Promise<Blob | null>((resolve) => { canvas.toBlob(resolve, 'image/png') })
  if (blob == null) throw new Error('the browser could not encode the badge image')
  return new Uint8Array(await blob.arrayBuffer())
}

/** The credential baked into the achievement's PNG image (a drawn badge when it has none). */
export async function bakedPng (held: HeldCredential): Promise<Blob> {
  // The achievement's image from this node by its hash (lib/badge-image.ts), else one given as a data: URL.
  const fetched = await badgeImageBytes(achievementOf(held)?.image)
  const own = fetched?.type === 'png' ? fetched.bytes : dataImage(held, 'image/png')
  let baked: Uint8Array | undefined
  try {
    if (own != null) baked = bakePng(own, held.credential)
  } catch {
    // The achievement's image is no readable PNG: bake into a drawn badge instead.
  }
  baked ??= bakePng(await drawnBadgePng(badgeName(held), held.issuer.id), held.credential)
  return new Blob([baked as Uint8Array<ArrayBuffer>], { type: 'image/png' })
}

/** The credential baked into the achievement's SVG image (a plain badge with its name when it has none). */
export async function bakedSvg (held: HeldCredential): Promise<Blob> {
  const fetched = await badgeImageBytes(achievementOf(held)?.image)
  const image = fetched?.type === 'svg' ? fetched.bytes : dataImage(held, 'image/svg+xml')
  const svg = image != null ? new TextDecoder().decode(image) : defaultBadgeSvg(badgeName(held), held.issuer.id)
  return new Blob([bakeSvg(svg, held.credential)], { type: 'image/svg+xml' })
}

/** Puts text on the clipboard; false when the browser does not allow it (the page then selects it for the learner). */
export async function copyText (text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

/** A fresh random challenge (base64url of 32 random bytes), for a presentation whose verifier gave none. */
export function randomChallenge (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
