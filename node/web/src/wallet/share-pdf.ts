/**
 * A badge as a one-page PDF (A4), made in the page with pdf-lib: the badge's name, its issuer, the
 * learner, the date, the badge's picture (share.ts pdfBadgeImage), the share link's
 * QR code (drawn from lib/qr.ts's modules, as squares) and the link itself. pdf-lib is large: the
 * wallet page imports this module only when the learner asks for a PDF (its own chunk, built by
 * scripts/build-web.mjs with code splitting).
 *
 *   const bytes = await badgePdf({ name, issuer, learner, date, link, qr: qrModules(link) })
 */
import { PDFDocument, PDFName, PDFString, rgb, StandardFonts } from 'pdf-lib'
import type { PDFFont, PDFPage } from 'pdf-lib'

export interface BadgePdf {
  name: string
  issuer: string
  /** The learner: a name when the credential carries one, else the holder's DID. */
  learner: string
  /** The date issued, as the page writes dates. */
  date: string
  /** The share link (printed, and behind a link annotation). */
  link: string
  /** The link's QR code: rows of dark modules. */
  qr: boolean[][]
  /** What the holder's signature does and does not say, in a sentence. */
  note: string
  /** The badge's picture, as a PNG or a JPEG. */
  image?: { type: 'png' | 'jpeg', bytes: Uint8Array }
}

const A4: [number, number] = [595.28, 841.89]
const MARGIN = 56

/** Text the standard fonts (WinAnsi) can write: any other character becomes "?". */
function writable (font: PDFFont, text: string): string {
  let out = ''
  for (const ch of text.normalize('NFC')) {
    try {
      font.encodeText(ch)
      out += ch
    } catch {
      out += '?'
    }
  }
  return out
}

/** Lines of at most `width` points: by words, and inside a word too long for a line (a DID, the link). */
function wrap (font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  const fits = (t: string): boolean => font.widthOfTextAtSize(t, size) <= width
  for (const word of text.split(/(\s+)/)) {
    if (fits(line + word)) { line += word; continue }
    if (line.trim() !== '') lines.push(line.trimEnd())
    line = ''
    for (const ch of word.trimStart()) {
      if (!fits(line + ch)) { lines.push(line); line = '' }
      line += ch
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd())
  return lines
}

function linkAnnotation (page: PDFPage, link: string, box: [number, number, number, number]): void {
  const doc = page.doc
  const annotation = doc.context.register(doc.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: box,
    Border: [0, 0, 0],
    A: { Type: 'Action', S: 'URI', URI: PDFString.of(link) }
  }))
  page.node.set(PDFName.of('Annots'), doc.context.obj([annotation]))
}

export async function badgePdf (badge: BadgePdf): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(badge.name)
  doc.setSubject(`A badge issued by ${badge.issuer}`)
  doc.setCreator('cofl wallet')
  doc.setProducer('cofl wallet (pdf-lib)')
  const page = doc.addPage(A4)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const mono = await doc.embedFont(StandardFonts.Courier)
  const width = A4[0] - 2 * MARGIN
  let y = A4[1] - MARGIN

  const text = (value: string, font: PDFFont, size: number, colour = rgb(0.1, 0.1, 0.1), gap = 4): void => {
    for (const line of wrap(font, size, writable(font, value), width)) {
      y -= size
      page.drawText(line, { x: MARGIN, y, size, font, color: colour })
      y -= gap
    }
  }

  if (badge.image != null) {
    try {
      const image = badge.image.type === 'png' ? await doc.embedPng(badge.image.bytes) : await doc.embedJpg(badge.image.bytes)
      const scale = Math.min(120 / image.width, 120 / image.height, 1)
      const w = image.width * scale
      const h = image.height * scale
      page.drawImage(image, { x: MARGIN, y: y - h, width: w, height: h })
      y -= h + 16
    } catch {
      // An image pdf-lib cannot read: the PDF goes without it.
    }
  }
  text(badge.name, bold, 24, rgb(0.12, 0.31, 0.47), 10)
  const fact = (term: string, value: string): void => {
    text(term, bold, 10, rgb(0.35, 0.35, 0.35), 2)
    text(value, regular, 13, undefined, 10)
  }
  fact('Issued by', badge.issuer)
  fact('Issued to', badge.learner)
  fact('Issued on', badge.date)

  // The QR code: one square per dark module, with its quiet zone of four modules.
  const modules = badge.qr.length
  // As large as the page leaves room for (up to 300 pt: a module of 2.3 pt, 0.8 mm, for a one-badge link), above the words and the link.
  const below = 60 + Math.ceil(badge.link.length / 130) * 7
  const side = Math.max(120, Math.min(300, width, y - 8 - MARGIN - below))
  const cell = side / (modules + 8)
  y -= 8
  const top = y
  page.drawRectangle({ x: MARGIN, y: top - side, width: side, height: side, color: rgb(1, 1, 1) })
  badge.qr.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) page.drawRectangle({ x: MARGIN + (c + 4) * cell, y: top - (r + 5) * cell, width: cell, height: cell, color: rgb(0, 0, 0) })
    })
  })
  y = top - side - 12
  text('Scan the code, or open the link below, to check this badge. It is checked in the page the link opens.', regular, 11, undefined, 6)
  text(badge.note, regular, 10, rgb(0.35, 0.35, 0.35), 8)
  const linkTop = y
  text(badge.link, mono, 6, rgb(0.1, 0.2, 0.6), 1)
  linkAnnotation(page, badge.link, [MARGIN, y, MARGIN + width, linkTop])
  return await doc.save()
}
