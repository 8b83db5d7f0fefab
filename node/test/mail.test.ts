// Offers' emails (node/src/app/mail.ts): the config (off by default, validated), what a mail says,
// the send state an offer records (pending, sent, failed without the address in its reason), a
// resend with a new code (the old one dead), a pending mail sent after a crash with its original
// link, nothing sent or tried with mail off, the claim page link in every answer, and a real SMTP
// server (smtp-server on 127.0.0.1, port 0, with a login) behind nodemailer. A node of one
// (federation off) over a store in memory, called with fastify's inject.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { StatusRegistry } from '@cofl/status'
import { createMemoryStore } from '@cofl/store'
import type { Store } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { claimUrl } from '@cofl/wallet'
import type { FastifyInstance } from 'fastify'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityServices } from '../src/app/city.js'
import type { CityServices } from '../src/app/city.js'
import { defaultConfig, envLayer, resolveConfig } from '../src/app/config.js'
import type { ConfigInput, MailConfig } from '../src/app/config.js'
import { ephemeralDataKey } from '../src/app/datadir.js'
import type { DataKey } from '../src/app/datadir.js'
import { ConfigError } from '../src/app/errors.js'
import { mailReason } from '../src/app/mail.js'
import type { OfferMessage, SendMail } from '../src/app/mail.js'
import { localNetwork } from '../src/app/network.js'
import { createCityService } from '../src/app/service.js'
import type { CityService } from '../src/app/service.js'
import { buildApi, loggedUrl } from '../src/http/server.js'

type Json = Record<string, any>

const TOKEN = 'token'
const BASE = 'https://badges.example.org'
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const ACHIEVEMENT = {
  id: 'urn:example:swimming',
  name: 'Swimming 50 m',
  description: 'Swims 50 metres without stopping.',
  criteria: { narrative: 'Swim 50 m' },
  image: `data:image/png;base64,${PNG_1PX}`
}
const MAIL_ON: MailConfig = { smtp: { host: '127.0.0.1', port: 2525 }, from: 'City Badges <badges@example.org>', perMinute: 6000 }

let dir = ''
const registries: StatusRegistry[] = []
const apps: FastifyInstance[] = []
const servicesMade: CityServices[] = []
const releases: Array<() => void> = []

interface Node { app: FastifyInstance, services: CityServices, service: CityService }

/** A node of one over `store`; `send` stands for the mail server (undefined: mail off). */
async function makeNode (options: { store?: Store, dataKey?: DataKey, send?: SendMail, mail?: MailConfig, key?: Awaited<ReturnType<typeof generateKeyPair>> } = {}): Promise<Node> {
  const key = options.key ?? await generateKeyPair()
  const store = options.store ?? createMemoryStore()
  const registry = await openStatusRegistry({ directory: join(dir, `status-${registries.length}`), issuer: key.did })
  registries.push(registry)
  const network = localNetwork({ key, store, directory: join(dir, `network-${registries.length}`), listen: [], bootstrap: [], trustRoots: [], federation: false })
  const service = createCityService({ key, name: 'Mail City', store, registry, network, log: () => {}, publicBaseUrl: BASE })
  const mail = options.mail ?? (options.send != null ? MAIL_ON : undefined)
  const services = createCityServices(service, {
    ...(options.dataKey != null ? { dataKey: options.dataKey } : {}),
    ...(mail != null ? { mail } : {}),
    ...(options.send != null ? { sendMail: options.send } : {}),
    baseUrl: () => BASE
  })
  servicesMade.push(services)
  const app = buildApi({ service, services, adminToken: TOKEN, bodyLimit: 1 << 20, closing: () => false })
  apps.push(app)
  await app.ready()
  await services.offers.start()
  await services.mailer.start()
  return { app, services, service }
}

async function call (node: Node, method: 'GET' | 'POST', url: string, payload?: unknown, admin = true): Promise<{ status: number, body: Json }> {
  const answer = await node.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as Json } : {}), headers: admin ? { authorization: `Bearer ${TOKEN}` } : {} })
  return { status: answer.statusCode, body: answer.body === '' ? {} : JSON.parse(answer.body) as Json }
}

async function ok (node: Node, method: 'GET' | 'POST', url: string, payload?: unknown, status = 200): Promise<Json> {
  const answer = await call(node, method, url, payload)
  assert.is(answer.status, status, JSON.stringify(answer.body))
  return answer.body
}

/** A fake mail server: what it took, and a way to make it refuse. */
function inbox (): { send: SendMail, sent: OfferMessage[], refuse: (err: Error | undefined) => void } {
  const sent: OfferMessage[] = []
  let refusal: Error | undefined
  return {
    sent,
    refuse: (err) => { refusal = err },
    send: async (message) => {
      if (refusal != null) throw refusal
      sent.push(message)
    }
  }
}

const codeOfLink = (link: string): string => link.slice(link.indexOf('#') + 1)

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-mail-'))
})

test.after(async () => {
  // The crashed run's mail server answers at last, so that its mailer can stop.
  for (const release of releases) release()
  for (const s of servicesMade) { await s.mailer.stop(); await s.offers.stop() }
  for (const app of apps) await app.close()
  for (const r of registries) await r.close()
  await rm(dir, { recursive: true, force: true })
})

test('config: mail is off by default; an SMTP server needs a sender; bad values are refused with their key', async () => {
  assert.equal(defaultConfig().mail, { smtp: null, from: null, perMinute: 60 })
  const resolve = (values: ConfigInput): unknown => resolveConfig([{ values, source: 'test' }], dir)
  const refused = (values: ConfigInput, key: string, expected: RegExp): void => {
    let err: unknown
    try { resolve(values) } catch (e) { err = e }
    assert.instance(err, ConfigError, `${JSON.stringify(values)} was accepted`)
    assert.is((err as ConfigError).key, key, (err as Error).message)
    assert.match((err as Error).message, expected)
  }
  refused({ mail: { smtp: { host: 'smtp.example.org' } } }, 'mail.from', /required when mail\.smtp is set/)
  refused({ mail: { smtp: { host: 'smtp.example.org' }, from: 'Badges <badges@example.org>\r\nBcc: x@evil.example' } }, 'mail.from', /one line/)
  refused({ mail: { smtp: { host: 'smtp.example.org', port: 70000 }, from: 'b@example.org' } }, 'mail.smtp.port', /1 to 65535/)
  refused({ mail: { smtp: { host: 'smtp.example.org', user: 'u', pass: 'p', passFile: '/x' }, from: 'b@example.org' } }, 'mail.smtp.pass', /not both/)
  refused({ mail: { smtp: { host: 'smtp.example.org', user: 'u' }, from: 'b@example.org' } }, 'mail.smtp.passFile', /password of mail\.smtp\.user/)
  refused({ mail: { smtp: { host: 'smtp.example.org', passFile: '/x' }, from: 'b@example.org' } }, 'mail.smtp.user', /user name/)
  refused({ mail: { smtp: { host: 'smtp.example.org', tls: true } as unknown as MailConfig['smtp'], from: 'b@example.org' } }, 'mail.smtp.tls', /no such key/)
  refused({ mail: { perMinute: 0 } }, 'mail.perMinute', /1 to 6000/)

  const good = resolve({ mail: { smtp: { host: 'smtp.example.org', user: 'badges', passFile: 'smtp-pass' }, from: 'City Badges <badges@example.org>' } }) as { mail: MailConfig }
  assert.is(good.mail.smtp?.passFile, join(dir, 'smtp-pass'), 'a relative passFile is resolved like the data directory')

  // The environment: strings, integers and a boolean.
  const env = envLayer({ COFL_MAIL_SMTP_HOST: 'mail.example.org', COFL_MAIL_SMTP_PORT: '465', COFL_MAIL_SMTP_SECURE: 'true', COFL_MAIL_FROM: 'badges@example.org' })
  assert.equal(env.mail, { smtp: { host: 'mail.example.org', port: 465, secure: true }, from: 'badges@example.org' })
  let err: unknown
  try { resolveConfig([{ values: envLayer({ COFL_MAIL_SMTP_HOST: 'h', COFL_MAIL_SMTP_SECURE: 'yes', COFL_MAIL_FROM: 'b@example.org' }), source: () => 'COFL_MAIL_SMTP_SECURE' }], dir) } catch (e) { err = e }
  assert.instance(err, ConfigError)
  assert.is((err as ConfigError).key, 'mail.smtp.secure')
})

test('mail off: offers carry the claim page link, no mail state, nothing is sent, a resend is refused', async () => {
  const box = inbox()
  // The transport is there but the config has no SMTP server: it must never be called.
  const node = await makeNode({ send: box.send, mail: { smtp: null, from: null, perMinute: 60 } })
  await ok(node, 'POST', '/api/achievements', ACHIEVEMENT, 201)
  const offer = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, name: 'Ada', email: 'ada@example.org' }, 201)
  assert.is(offer.claimLink, `${BASE}/claim#${offer.code as string}`)
  assert.is(offer.claimUrl, `${BASE}/api/claims/${offer.code as string}`)
  assert.is(offer.mail, undefined)
  const bulk = await ok(node, 'POST', '/api/offers/bulk', { achievementId: ACHIEVEMENT.id, rows: [{ email: 'bo@example.org' }] })
  assert.is(bulk.offered[0].claimLink, `${BASE}/claim#${bulk.offered[0].code as string}`)
  const resend = await call(node, 'POST', `/api/offers/${offer.offerId as string}/send`)
  assert.is(resend.status, 409)
  assert.is(resend.body.error.code, 'COFL_ERR_MAIL_OFF')
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.is(box.sent.length, 0)
  assert.is((await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)).mail, undefined)
})

test('mail on: one offer and a bulk offer are mailed (name, issuer, image inline, claim link) and say so', async () => {
  const box = inbox()
  const node = await makeNode({ send: box.send })
  await ok(node, 'POST', '/api/achievements', ACHIEVEMENT, 201)
  const offer = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, name: 'Ada Lovelace', email: 'ada@example.org' }, 201)
  assert.equal(offer.mail, { state: 'pending', attempts: 0 })
  await waitFor('the mail', () => box.sent.length === 1, 5000)
  const mail = box.sent[0] as OfferMessage
  assert.is(mail.to, 'ada@example.org')
  assert.is(mail.from, MAIL_ON.from)
  assert.match(mail.subject, /Mail City offers you the badge “Swimming 50 m”/)
  for (const part of [mail.text, mail.html]) {
    assert.ok(part.includes(offer.claimLink as string), 'the claim page link')
    assert.ok(part.includes('Mail City'), 'the issuer')
    assert.ok(part.includes(node.service.did), 'the issuer DID')
    assert.ok(part.includes('Swims 50 metres'), 'the description')
    assert.ok(part.includes('Ada Lovelace'), 'the learner')
  }
  assert.ok(mail.text.includes(`cofl wallet claim ${offer.claimUrl as string}`))
  // No remote content: every src is the inline image.
  assert.equal([...mail.html.matchAll(/src="([^"]*)"/g)].map((m) => m[1]), ['cid:badge-image@cofl'])
  assert.is(mail.attachments.length, 1)
  assert.is(mail.attachments[0]?.content.toString('base64'), PNG_1PX)
  await waitFor('sent recorded', async () => (await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)).mail?.state === 'sent', 5000)
  const shown = await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)
  assert.is(shown.mail.attempts, 1)
  assert.ok(Date.parse(shown.mail.at as string) > 0)

  const bulk = await ok(node, 'POST', '/api/offers/bulk', { achievementId: ACHIEVEMENT.id, rows: [{ name: 'Bo', email: 'bo@example.org' }, { email: 'not an email' }, { email: 'cy@example.org' }] })
  assert.is(bulk.offered.length, 2)
  await waitFor('the bulk mails', () => box.sent.length === 3, 5000)
  assert.equal(box.sent.slice(1).map((m) => m.to), ['bo@example.org', 'cy@example.org'])
  assert.ok(box.sent[2]?.text.includes(bulk.offered[1].claimLink as string))
  // The listing shows each offer's state.
  await waitFor('the listing says sent', async () => {
    const list = await ok(node, 'GET', '/api/offers?limit=10')
    return (list.offers as Json[]).filter((o) => o.mail?.state === 'sent').length === 3
  }, 5000)
})

test('a refused mail is recorded without the address; a resend makes a new code and the old one stops working', async () => {
  const box = inbox()
  const node = await makeNode({ send: box.send })
  await ok(node, 'POST', '/api/achievements', ACHIEVEMENT, 201)
  box.refuse(new Error('Can\'t send mail - all recipients were rejected: 550 5.1.1 <ada@example.org>: Recipient address rejected'))
  const offer = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, email: 'ada@example.org' }, 201)
  await waitFor('failed recorded', async () => (await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)).mail?.state === 'failed', 5000)
  const failed = (await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)).mail as Json
  assert.match(failed.reason, /Recipient address rejected/)
  assert.not.match(failed.reason, /ada@example\.org/)
  assert.is(failed.attempts, 1)

  box.refuse(undefined)
  const resent = await ok(node, 'POST', `/api/offers/${offer.offerId as string}/send`)
  assert.is(resent.mail.state, 'sent')
  assert.is(resent.mail.attempts, 2)
  assert.is.not(resent.claimLink, offer.claimLink)
  assert.ok((box.sent[0] as OfferMessage).text.includes(resent.claimLink as string))
  const old = await call(node, 'GET', `/api/claims/${offer.code as string}`, undefined, false)
  assert.is(old.body.error?.code, 'COFL_ERR_OFFER_NOT_FOUND')
  const fresh = await call(node, 'GET', `/api/claims/${codeOfLink(resent.claimLink as string)}`, undefined, false)
  assert.is(fresh.status, 200, JSON.stringify(fresh.body))

  // Refusals: unknown offer, no email, expired, withdrawn.
  assert.is((await call(node, 'POST', '/api/offers/no-such-offer/send')).body.error.code, 'COFL_ERR_NOT_FOUND')
  const noEmail = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, name: 'Nobody' }, 201)
  assert.is(noEmail.mail, undefined)
  assert.is((await call(node, 'POST', `/api/offers/${noEmail.offerId as string}/send`)).body.error.code, 'COFL_ERR_CONFLICT')
  const short = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, email: 'short@example.org', ttlHours: 0.0002 }, 201)
  await new Promise((resolve) => setTimeout(resolve, 800))
  assert.is((await call(node, 'POST', `/api/offers/${short.offerId as string}/send`)).body.error.code, 'COFL_ERR_OFFER_EXPIRED')
  const gone = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, email: 'gone@example.org' }, 201)
  await node.services.offers.erase([gone.offerId as string])
  assert.is((await call(node, 'POST', `/api/offers/${gone.offerId as string}/send`)).body.error.code, 'COFL_ERR_OFFER_WITHDRAWN')
  const withdrawn = await call(node, 'GET', `/api/claims/${gone.code as string}`, undefined, false)
  assert.is(withdrawn.status, 410)
  assert.is(withdrawn.body.error.code, 'COFL_ERR_OFFER_WITHDRAWN')
})

test('a crash before the mail went: the next start sends it, with the link the offer was made with', async () => {
  const store = createMemoryStore()
  const dataKey = ephemeralDataKey()
  const key = await generateKeyPair()
  // The first run's mail server never answers: the offer stays pending, and the run is abandoned (a crash).
  const first = await makeNode({ store, dataKey, key, send: async () => await new Promise<void>((resolve) => { releases.push(resolve) }) })
  await ok(first, 'POST', '/api/achievements', ACHIEVEMENT, 201)
  const offer = await ok(first, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, name: 'Di', email: 'di@example.org' }, 201)
  assert.is((await ok(first, 'GET', `/api/offers/${offer.offerId as string}`)).mail.state, 'pending')

  const box = inbox()
  const second = await makeNode({ store, dataKey, key, send: box.send })
  await waitFor('the pending mail sent at start', () => box.sent.length === 1, 5000)
  assert.ok((box.sent[0] as OfferMessage).text.includes(offer.claimLink as string), 'the original link')
  await waitFor('sent recorded', async () => (await ok(second, 'GET', `/api/offers/${offer.offerId as string}`)).mail?.state === 'sent', 5000)
  // Once sent, the code is kept nowhere (a third start sends nothing).
  const again = inbox()
  await makeNode({ store, dataKey, key, send: again.send })
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.is(again.sent.length, 0)
  const stored = await store.collection<Json>('offers').get(`offer:${offer.offerId as string}`)
  assert.not.ok(JSON.stringify(stored).includes(offer.code as string))
})

test('a real SMTP server on loopback, with a login: the mail arrives, and a refusal is recorded', async () => {
  const received: string[] = []
  const logins: string[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth (auth, _session, callback) {
      logins.push(`${auth.username ?? ''}:${auth.password ?? ''}`)
      if (auth.username === 'badges' && auth.password === 's3cret') callback(null, { user: 'badges' })
      else callback(new Error('bad login'))
    },
    onRcptTo (address, _session, callback) {
      if (address.address.startsWith('nobody@')) { callback(Object.assign(new Error(`5.1.1 <${address.address}>: no such user`), { responseCode: 550 })); return }
      callback()
    },
    onData (stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => { received.push(Buffer.concat(chunks).toString('utf8')); callback() })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const port = (server.server.address() as { port: number }).port
    await writeFile(join(dir, 'smtp-pass'), 's3cret\n')
    const node = await makeNode({ mail: { smtp: { host: '127.0.0.1', port, secure: false, user: 'badges', passFile: join(dir, 'smtp-pass') }, from: 'City Badges <badges@example.org>', perMinute: 6000 } })
    await ok(node, 'POST', '/api/achievements', ACHIEVEMENT, 201)
    const offer = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, name: 'Ada', email: 'ada@example.org' }, 201)
    await waitFor('the mail at the server', () => received.length === 1, 10_000)
    assert.equal(logins, ['badges:s3cret'])
    const parsed = await simpleParser(received[0] as string, { keepCidLinks: true })
    assert.match(parsed.subject ?? '', /Swimming 50 m/)
    assert.ok((parsed.text ?? '').includes(offer.claimLink as string))
    assert.ok(String(parsed.html).includes('cid:badge-image@cofl'), String(parsed.html))
    assert.is(parsed.attachments[0]?.contentId, '<badge-image@cofl>')
    await waitFor('sent recorded', async () => (await ok(node, 'GET', `/api/offers/${offer.offerId as string}`)).mail?.state === 'sent', 5000)

    const refused = await ok(node, 'POST', '/api/offers', { achievementId: ACHIEVEMENT.id, email: 'nobody@example.org' }, 201)
    await waitFor('failed recorded', async () => (await ok(node, 'GET', `/api/offers/${refused.offerId as string}`)).mail?.state === 'failed', 10_000)
    const reason = (await ok(node, 'GET', `/api/offers/${refused.offerId as string}`)).mail.reason as string
    assert.match(reason, /no such user/)
    assert.not.match(reason, /nobody@/)
  } finally {
    await new Promise<void>((resolve) => server.close(() => { resolve() }))
  }
})

test('the node never logs a claim code; wallets take the claim page link', () => {
  assert.is(loggedUrl('/api/claims/AbCdEf0123456789_-xyz'), '/api/claims/(code)')
  assert.is(loggedUrl('/api/claims/AbCdEf0123456789?x=1'), '/api/claims/(code)')
  assert.is(loggedUrl('/api/offers?cursor=abc'), '/api/offers')
  assert.is(mailReason(new Error('550 <Ada@Example.org> and ada@example.org: rejected'), 'ada@example.org'), '550 <(an address)> and (the learner\'s address): rejected')
  assert.is(claimUrl(`${BASE}/claim#AbCdEf0123456789_-xyz`).href, `${BASE}/api/claims/AbCdEf0123456789_-xyz`)
  assert.is(claimUrl(`${BASE}/api/claims/AbCdEf0123456789`).href, `${BASE}/api/claims/AbCdEf0123456789`)
})

test.run()
