/**
 * A badge as every page shows it (docs/architecture.md, "Badge images"): the achievement's own
 * image when its image id names one by its hash (`.../api/images/<sha256>.<png|svg>` or
 * `urn:cofl:image:<file>`), fetched from this page's own node, which holds the images of the whole
 * federation (GET /api/images/:file), so that it shows while the issuing node is offline; else,
 * or when this node does not hold it, the drawn badge (@cofl/formats defaultBadgeSvg: the name in
 * the issuer's colours, the same drawing `cofl wallet bake` uses). Always an <img>: an SVG shown
 * as an image runs no script, and no SVG from the network is ever put into the page's DOM.
 */
import { defaultBadgeSvg } from '@cofl/formats'

/** An image id that names an image by its hash, and that file name. */
const IMAGE_ID = /(?:\/api\/images\/|^urn:cofl:image:)([0-9a-f]{64}\.(?:png|svg))$/
/** A file name as the catalogue gives it. */
const IMAGE_FILE = /^[0-9a-f]{64}\.(?:png|svg)$/

/** Where the badge is shown, and its size in CSS pixels (square). */
export interface BadgeImageOptions {
  /** The badge's name: the image's alt text, and what the drawn badge says. */
  name: string
  /** The issuer (a DID): the drawn badge's colours. */
  issuer?: string | undefined
  /** Default 64. */
  size?: number
  /** Extra class names. */
  className?: string
}

/** The file name (`<sha256>.<png|svg>`) of an achievement's image (its `image`, `{ id }` or a string), or of a catalogue result's `image`. */
export function badgeImageFile (image: unknown): string | undefined {
  const id = typeof image === 'string' ? image : image != null && typeof image === 'object' ? (image as { id?: unknown }).id : undefined
  if (typeof id !== 'string') return undefined
  if (IMAGE_FILE.test(id)) return id
  return IMAGE_ID.exec(id)?.[1]
}

/** The drawn badge as an image URL (data:, which the pages' CSP allows for images). */
export function drawnBadgeUrl (name: string, issuer?: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(defaultBadgeSvg(name, issuer))}`
}

/**
 * An <img> of a badge: `image` (an achievement's image, its id, or a catalogue result's file name)
 * from this node, falling back to the drawn badge when there is none or it does not load.
 */
export function badgeElement (image: unknown, options: BadgeImageOptions): HTMLImageElement {
  const size = options.size ?? 64
  const img = document.createElement('img')
  img.className = `badge-image${options.className != null ? ` ${options.className}` : ''}`
  img.alt = options.name
  img.width = size
  img.height = size
  img.decoding = 'async'
  const drawn = drawnBadgeUrl(options.name, options.issuer)
  const file = badgeImageFile(image)
  if (file != null) {
    img.dataset.image = file
    img.addEventListener('error', () => {
      if (img.src === drawn) return
      img.dataset.image = 'drawn'
      img.src = drawn
    }, { once: true })
    img.src = `/api/images/${file}`
  } else {
    img.dataset.image = 'drawn'
    img.src = drawn
  }
  return img
}

/**
 * The bytes of an achievement's image from this node, to bake a credential into (the wallet's
 * download): undefined when it has none, this node does not hold it, or the bytes are not what
 * the name says (their SHA-256).
 */
export async function badgeImageBytes (image: unknown, signal?: AbortSignal): Promise<{ bytes: Uint8Array, type: 'png' | 'svg' } | undefined> {
  const file = badgeImageFile(image)
  if (file == null) return undefined
  try {
    const res = await fetch(`/api/images/${file}`, { ...(signal != null ? { signal } : {}) })
    if (!res.ok) return undefined
    const bytes = new Uint8Array(await res.arrayBuffer())
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
    if (`${hex}.${file.slice(65)}` !== file) return undefined
    return { bytes, type: file.endsWith('.png') ? 'png' : 'svg' }
  } catch {
    return undefined
  }
}
