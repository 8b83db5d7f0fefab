/**
 * Offers' emails (config `mail`; docs/operations.md, "Mail"): when the node has a mail server
 * (`mail.smtp`), an offer made with an email is written with its mail `pending` (and its claim
 * code sealed beside the learner's email, node/src/app/offers.ts), then sent from here, one mail
 * after another at no more than `mail.perMinute`, through nodemailer's SMTP transport. Each mail
 * ends `sent` or `failed` with a reason (the address itself never in it); the pending code is
 * then dropped. A mail still pending when the node stopped (a crash, or a stop with a queue) is
 * sent at the next start, so nothing is lost; one the server took just before a crash may be
 * sent twice (at least once, never none). Resending (POST /api/offers/:id/send) makes a new claim
 * code, since the node keeps none once a mail has gone: the link before stops working.
 *
 * The learner's email is opened from its seal in memory to send, and goes to the mail server; the
 * mail has a text part and an HTML part with no remote content (the badge's image, when it is a
 * data: URL, goes with the mail as an inline attachment). With mail off, nothing here runs.
 */
import { readFile } from 'node:fs/promises'
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer'
import type { OfferMail } from '@cofl/api'
import type { MailConfig, SmtpConfig } from './config.js'
import { ConfigError, DomainError, ApiErrorCode } from './errors.js'
import { claimLinks } from './offers.js'
import type { MailJob, OfferBook } from './offers.js'

type Json = Record<string, unknown>

/** How long a connection to the mail server, its greeting and each command may take (ms). */
export const MAIL_TIMEOUT_MS = 30_000
/** The longest reason kept of a failed send. */
const MAX_REASON_LENGTH = 300

/** One mail as the transport takes it (nodemailer's message fields that the node uses). */
export interface OfferMessage {
  from: string
  to: string
  subject: string
  text: string
  html: string
  attachments: Array<{ filename: string, content: Buffer, contentType: string, cid: string }>
}

/** An image as the mail carries it. */
export interface BadgeImage { bytes: Uint8Array, mediaType: string }

/** Sends one message; throws when the mail server did not take it. Tests give their own. */
export type SendMail = (message: OfferMessage) => Promise<void>

export interface MailerInit {
  config: MailConfig
  offers: Pick<OfferBook, 'mailJob' | 'setMail' | 'renewCode' | 'pendingMail' | 'get'>
  /** The issuer the mail names. */
  issuer: { did: string, name: string | null }
  /** The node's public base URL (publicBaseUrl, else the address it listens on): the claim link starts with it. */
  baseUrl: () => string
  /** Default: nodemailer's SMTP transport for `config.smtp`. */
  send?: SendMail
  /** The bytes of an achievement's image (the node's image documents, app/images.ts). Default: a data: URL's only. */
  image?: (achievement: Json) => Promise<BadgeImage | undefined>
  /** The clock. Default Date.now. */
  now?: () => number
  log?: (line: string) => void
}

export interface Mailer {
  /** False when the node sends no mail (config `mail.smtp` null). */
  readonly enabled: boolean
  /** Opens the transport and sends the mails left pending by the last run. */
  start: () => Promise<void>
  /** Sends these offers' pending mails, in order, at the configured pace (returns at once). */
  queue: (offerIds: readonly string[]) => void
  /** A new code for the offer and its mail sent now (after those queued): the offer's links and how the send went. */
  resend: (offerId: string) => Promise<{ offerId: string, claimLink: string, claimUrl: string, expiresAt: string, mail: OfferMail }>
  /** Stops sending: the mail under way finishes, those queued stay pending (sent at the next start). */
  stop: () => Promise<void>
}

/** An SMTP transport's options for the config (the password read from its file). */
export async function smtpOptions (smtp: SmtpConfig): Promise<Json> {
  let pass = smtp.pass ?? undefined
  if (smtp.passFile != null) {
    try {
      pass = (await readFile(smtp.passFile, 'utf8')).replace(/\r?\n$/, '')
    } catch (err) {
      throw new ConfigError({ key: 'mail.smtp.passFile', value: smtp.passFile, source: 'the configuration', expected: `a readable file holding the mail server's password (${(err as Error).message})` }, { cause: err })
    }
    if (pass === '') throw new ConfigError({ key: 'mail.smtp.passFile', value: smtp.passFile, source: 'the configuration', expected: 'a file holding the password (this one is empty)' })
  }
  const secure = smtp.secure ?? false
  return {
    host: smtp.host,
    port: smtp.port ?? (secure ? 465 : 587),
    secure,
    ...(smtp.user != null ? { auth: { user: smtp.user, pass } } : {}),
    // One connection, kept for the mails that follow (a bulk offer's), closed by stop().
    pool: true,
    maxConnections: 1,
    connectionTimeout: MAIL_TIMEOUT_MS,
    greetingTimeout: MAIL_TIMEOUT_MS,
    socketTimeout: MAIL_TIMEOUT_MS,
    disableFileAccess: true,
    disableUrlAccess: true
  }
}

/** A reason for a person, without the learner's address (mail servers quote it in their refusals). */
export function mailReason (err: unknown, email: string): string {
  const message = err instanceof Error ? err.message : String(err)
  const text = message.split(email).join('(the learner\'s address)').replace(/[^\s<>"]+@[^\s<>"]+/g, '(an address)').replace(/\s+/g, ' ').trim()
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** The text of a field that may be a string or `{ narrative }` / `{ id }`. */
function textOf (value: unknown, key: string): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (typeof value === 'object' && value !== null && typeof (value as Json)[key] === 'string') return ((value as Json)[key] as string).trim()
  return undefined
}

const INLINE_IMAGE = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]+)$/

/** The image of an achievement whose image is a data: URL (never fetched from anywhere). */
export async function dataUrlImage (achievement: Json): Promise<BadgeImage | undefined> {
  const url = textOf(achievement.image, 'id')
  const match = url == null ? null : INLINE_IMAGE.exec(url)
  return match == null ? undefined : { mediaType: match[1] as string, bytes: new Uint8Array(Buffer.from(match[2] as string, 'base64')) }
}

/** The image types a mail carries (an SVG is the node's sanitised one, app/images.ts; mail programs that show none show its alt text). */
const MAIL_IMAGE_TYPES: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' }

function attachmentOf (image: BadgeImage | undefined): OfferMessage['attachments'][number] | undefined {
  const extension = image == null ? undefined : MAIL_IMAGE_TYPES[image.mediaType]
  if (image == null || extension == null) return undefined
  return { filename: `badge.${extension}`, content: Buffer.from(image.bytes), contentType: image.mediaType, cid: 'badge-image@cofl' }
}

/** The mail of an offer: its badge's name, description and image, the issuer, the claim link. */
export function offerMessage (job: MailJob, init: { from: string, issuer: { did: string, name: string | null }, baseUrl: string, image?: BadgeImage }): OfferMessage {
  const { offer, code, achievement } = job
  const { claimLink, claimUrl } = claimLinks(init.baseUrl, code)
  const badge = textOf(achievement.name, 'name') ?? 'a badge'
  const description = textOf(achievement.description, 'description')
  const issuer = init.issuer.name ?? 'A city of learning'
  const until = new Date(offer.expiresAt).toUTCString()
  const hello = offer.name != null ? `Hello ${offer.name},` : 'Hello,'
  const image = attachmentOf(init.image)
  const text = [
    hello,
    '',
    `${issuer} offers you the badge “${badge}”.`,
    ...(description != null ? ['', description] : []),
    '',
    'Claim it into your wallet here (the link works once, until ' + until + '):',
    claimLink,
    '',
    'Or with the cofl command line:',
    `cofl wallet claim ${claimUrl}`,
    '',
    `Issued by ${issuer} (${init.issuer.did}).`,
    'If you did not expect this badge, ignore this mail: nothing happens unless the link is used.'
  ].join('\n')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">',
    `<p>${escapeHtml(hello)}</p>`,
    image != null ? `<p><img src="cid:${image.cid}" alt="${escapeHtml(badge)}" width="128" height="128"></p>` : '',
    `<p><strong>${escapeHtml(issuer)}</strong> offers you the badge <strong>“${escapeHtml(badge)}”</strong>.</p>`,
    description != null ? `<p>${escapeHtml(description)}</p>` : '',
    `<p><a href="${escapeHtml(claimLink)}">Claim your badge</a> (the link works once, until ${escapeHtml(until)}).</p>`,
    `<p>Or with the cofl command line: <code>cofl wallet claim ${escapeHtml(claimUrl)}</code></p>`,
    `<p style="color:#555">Issued by ${escapeHtml(issuer)} (<code>${escapeHtml(init.issuer.did)}</code>). If you did not expect this badge, ignore this mail: nothing happens unless the link is used.</p>`,
    '</body></html>'
  ].join('')
  return {
    from: init.from,
    to: offer.email as string,
    subject: `${issuer} offers you the badge “${badge}”`,
    text,
    html,
    attachments: image != null ? [image] : []
  }
}

/** The mailer of the node's configuration; with mail off, one that sends nothing and refuses a resend. */
export function createMailer (init: MailerInit): Mailer {
  const { config, offers } = init
  const smtp = config.smtp
  const now = init.now ?? Date.now
  const log = init.log ?? (() => {})
  const enabled = smtp != null
  const gapMs = Math.ceil(60_000 / config.perMinute)
  let transport: Transporter | undefined
  let send: SendMail | undefined = init.send
  let stopped = false
  let lastSentAt = -Infinity
  /** The queue: ids and, for a resend, who waits for its outcome. */
  const waiting: Array<{ offerId: string, done?: (mail: OfferMail) => void }> = []
  let running: Promise<void> | undefined
  let pause: { timer: ReturnType<typeof setTimeout>, resolve: () => void } | undefined

  async function paced (): Promise<void> {
    const wait = lastSentAt + gapMs - now()
    if (wait <= 0) return
    await new Promise<void>((resolve) => {
      pause = { timer: setTimeout(resolve, wait), resolve }
    })
    pause = undefined
  }

  /** Sends one offer's pending mail and records how it went (the outcome, or undefined when nothing was pending). */
  async function sendOne (offerId: string): Promise<OfferMail | undefined> {
    const job = await offers.mailJob(offerId)
    if (job == null) return undefined
    const attempts = (job.offer.mail?.attempts ?? 0) + 1
    const image = await (init.image ?? dataUrlImage)(job.achievement).catch(() => undefined)
    const message = offerMessage(job, { from: config.from as string, issuer: init.issuer, baseUrl: init.baseUrl(), ...(image != null ? { image } : {}) })
    let mail: OfferMail
    try {
      await (send as SendMail)(message)
      mail = { state: 'sent', attempts, at: new Date(now()).toISOString() }
    } catch (err) {
      mail = { state: 'failed', attempts, at: new Date(now()).toISOString(), reason: mailReason(err, job.offer.email as string) }
      log(`mail: the offer ${offerId} was not sent: ${mail.reason ?? ''}`)
    } finally {
      lastSentAt = now()
    }
    await offers.setMail(offerId, mail)
    return mail
  }

  async function drain (): Promise<void> {
    // `stopped` is set by stop() while this awaits.
    // eslint-disable-next-line no-unmodified-loop-condition
    while (!stopped && waiting.length > 0) {
      const next = waiting.shift() as { offerId: string, done?: (mail: OfferMail) => void }
      await paced()
      if (stopped) { waiting.unshift(next); break }
      let outcome: OfferMail | undefined
      try {
        outcome = await sendOne(next.offerId)
      } catch (err) {
        log(`mail: the offer ${next.offerId} could not be sent: ${(err as Error).message}`)
      }
      if (next.done != null) {
        // Nothing was pending (sent by a job queued before, or ended): the offer's state as it is.
        outcome ??= (await offers.get(next.offerId).catch(() => undefined))?.mail
        next.done(outcome ?? { state: 'failed', attempts: 0, reason: 'not sent: the offer is gone' })
      }
    }
  }

  function kick (): void {
    if (running != null || stopped || send == null) return
    running = drain().finally(() => {
      running = undefined
      if (!stopped && waiting.length > 0) kick()
    })
  }

  return {
    enabled,

    async start () {
      if (!enabled) return
      if (send == null) {
        const options = await smtpOptions(smtp)
        transport = nodemailer.createTransport(options)
        const t = transport
        send = async (message) => { await t.sendMail(message) }
      }
      const pending = await offers.pendingMail()
      if (pending.length > 0) log(`mail: sending ${pending.length} offer mail(s) left pending by the last run`)
      for (const offerId of pending) waiting.push({ offerId })
      kick()
    },

    queue (offerIds) {
      if (!enabled || stopped) return
      for (const offerId of offerIds) waiting.push({ offerId })
      kick()
    },

    async resend (offerId) {
      if (!enabled) throw new DomainError(ApiErrorCode.MAIL_OFF, 'this node sends no mail (config mail.smtp is null): give the learner the claim link another way')
      if (stopped) throw new DomainError(ApiErrorCode.UNAVAILABLE, 'the node is stopping')
      const renewed = await offers.renewCode(offerId, init.baseUrl())
      // Ahead of a bulk offer's queue: the person who asked waits for it.
      const mail = await new Promise<OfferMail>((resolve) => {
        waiting.unshift({ offerId, done: resolve })
        kick()
      })
      return { offerId, claimLink: renewed.claimLink, claimUrl: renewed.claimUrl, expiresAt: renewed.expiresAt, mail }
    },

    async stop () {
      stopped = true
      if (pause != null) { clearTimeout(pause.timer); pause.resolve() }
      await running
      for (const w of waiting.splice(0)) w.done?.({ state: 'pending', attempts: 0, reason: 'the node stopped before sending it: it is sent at the next start' })
      transport?.close()
    }
  }
}
