/**
 * The drawn badge: what a page, the wallet and `cofl wallet bake` show for an achievement that
 * has no image of its own. One drawing everywhere: a round badge in colours taken from its
 * issuer (the same issuer, the same colours), with the badge's name on it. SVG text built here;
 * the PNG (png.ts defaultBadgePng) is the same disc without the name (no font rasteriser here).
 */

/** The colours of a drawn badge: its outer ring, the thin ring inside it, its face, its text. */
export interface BadgeColours { ring: string, inner: string, face: string, text: string }

/** The colours of a badge with no issuer given. */
export const DEFAULT_BADGE_COLOURS: Readonly<BadgeColours> = { ring: '#1f4e79', inner: '#ffffff', face: '#2e75b6', text: '#ffffff' }

/** FNV-1a (32 bits) of a string's UTF-16 code units: a spread of hues, not a security hash. */
function fnv1a (text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

function hslHex (h: number, s: number, l: number): string {
  // CSS Color 4's hsl-to-rgb, to #rrggbb.
  const f = (n: number): string => {
    const k = (n + h / 30) % 12
    const a = s * Math.min(l, 1 - l)
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(v * 255).toString(16).padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

/**
 * The colours of the badges of `issuer` (its DID or any string naming it): a hue of its own, dark
 * enough that white text on the face keeps a contrast ratio above 4.5. DEFAULT_BADGE_COLOURS when absent.
 */
export function badgeColours (issuer?: string): BadgeColours {
  if (issuer == null || issuer === '') return { ...DEFAULT_BADGE_COLOURS }
  const hue = fnv1a(issuer) % 360
  return { ring: hslHex(hue, 0.55, 0.2), inner: '#ffffff', face: hslHex(hue, 0.5, 0.3), text: '#ffffff' }
}

/** `#rrggbb` as [r, g, b]. */
export function hexRgb (hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function base64 (bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i] as number, bytes[i + 1], bytes[i + 2]]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += BASE64[n >> 18] as string + (BASE64[(n >> 12) & 63] as string) + (b === undefined ? '=' : BASE64[(n >> 6) & 63] as string) + (c === undefined ? '=' : BASE64[n & 63] as string)
  }
  return out
}

function escapeXml (text: string): string {
  return text.replace(/[&<>"]/g, (c) => c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;')
}

/**
 * An SVG that shows a PNG badge image (embedded as a data: URI), `width` x `height` (the PNG's
 * size), titled with the badge's name: to bake an SVG badge when the achievement's image is a PNG.
 */
export function pngBadgeSvg (png: Uint8Array, name: string, width: number, height: number): string {
  // Characters XML 1.0 does not allow are left out of the title.
  const title = escapeXml(name.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''))
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">`,
    `  <title>${title}</title>`,
    `  <image width="${width}" height="${height}" href="data:image/png;base64,${base64(png)}"/>`,
    '</svg>',
    ''
  ].join('\n')
}
