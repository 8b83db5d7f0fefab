/**
 * QR codes, drawn in the page from qrcode-generator's modules (no image service, nothing fetched):
 * a claim link in the dashboard and on the claim page, a share link in the wallet.
 */
import qrcode from 'qrcode-generator'

/** The most a QR code (version 40, level L, bytes) holds; a longer text has no QR code. */
export const QR_MAX_BYTES = 2953

/** The dark modules of `text`'s QR code (smallest version that holds it, level L): rows of booleans. */
export function qrModules (text: string): boolean[][] {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length > QR_MAX_BYTES) throw new RangeError(`a QR code holds at most ${QR_MAX_BYTES} bytes; this text has ${bytes.length}`)
  const code = qrcode(0, 'L')
  // Byte mode over the UTF-8 bytes, one character per byte (qrcode-generator's default encoding).
  code.addData(String.fromCharCode(...bytes), 'Byte')
  code.make()
  const size = code.getModuleCount()
  const rows: boolean[][] = []
  for (let row = 0; row < size; row++) {
    const line: boolean[] = []
    for (let col = 0; col < size; col++) line.push(code.isDark(row, col))
    rows.push(line)
  }
  return rows
}

const SVG = 'http://www.w3.org/2000/svg'

/**
 * An `<svg role="img">` of `text`'s QR code, with a quiet zone of four modules, labelled `label`
 * for screen readers; it scales to its box (set its size in CSS).
 */
export function qrSvg (text: string, label: string): SVGSVGElement {
  const modules = qrModules(text)
  const size = modules.length + 8
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('class', 'qr')
  svg.setAttribute('shape-rendering', 'crispEdges')
  const background = document.createElementNS(SVG, 'rect')
  background.setAttribute('width', String(size))
  background.setAttribute('height', String(size))
  background.setAttribute('fill', '#fff')
  let d = ''
  modules.forEach((line, row) => {
    line.forEach((dark, col) => { if (dark) d += `M${col + 4} ${row + 4}h1v1h-1z` })
  })
  const path = document.createElementNS(SVG, 'path')
  path.setAttribute('d', d)
  path.setAttribute('fill', '#000')
  svg.append(background, path)
  return svg
}
