// A fake claim link must not steal a learner's badges. Two real city nodes in this process (A and
// B, no federation) and a hostile HTTP server on 127.0.0.1 that poses as a claim link: when the
// learner's wallet asks it for the claim, it starts an OB 3.0 login at A (GET /authorize) and
// relays A's login challenge, hoping for a presentation that completes the login and gives it a
// token to read every credential A issued to the learner.
//
// - `cofl wallet claim http://127.0.0.1:<hostile>/api/claims/x`, the real bin in a child process:
//   exit 2 with a message naming both hosts (or the challenge's use), nothing signed, the hostile
//   server never receives a presentation, no token, no grant at A, nothing in the wallet.
// - A hand-made wallet that signs what it is given (bypassing the CLI's rule): its claim
//   presentation is refused by A's /authorize (a claim's challenge, not a login's) and by B's
//   claim (another challenge); a relayed login challenge signed for the hostile host is refused by
//   /authorize (another domain); one wrapped as `cofl-claim:<login challenge>` is refused (wrong use).
// - Genuine presentations replayed across uses, over HTTP: a login presentation at A's and B's
//   claims, a claim presentation at A's /authorize and /api/grants: each refused, saying why.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadKeyFile } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { jsonServer, runCofl } from '@cofl/test-support'
import type { JsonServer } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { answerLogin, http, redeem, registerClient, signAnything, startLogin } from './fixtures/ob3-login.js'
import type { Answer, Client, PendingLogin } from './fixtures/ob3-login.js'

type Json = Record<string, any>

let dir = ''
let a: CityNode
let b: CityNode
let wallet = ''
let did = ''
let learner: KeyPair
let achievementA = ''
let achievementB = ''

/** What the hostile server relays as "the claim", and what it got. */
type Lure = 'relay-login' | 'relay-login-own-domain' | 'login-as-claim' | 'own-claim'
const hostile = {
  server: undefined as JsonServer | undefined,
  url: '',
  host: '',
  client: undefined as unknown as Client,
  lure: 'relay-login' as Lure,
  pending: undefined as PendingLogin | undefined,
  /** Every claim GET it answered. */
  lookups: 0,
  /** The presentations wallets sent it, and what A's /authorize said to each. */
  presentations: [] as Json[],
  logins: [] as Answer[],
  tokens: [] as Json[]
}

async function admin (node: CityNode, path: string, body: unknown): Promise<Json> {
  const answer = await http(`${node.url}${path}`, { json: body, headers: { authorization: `Bearer ${node.adminToken}` } })
  assert.ok(answer.status < 300, `${path}: ${answer.text}`)
  return answer.body
}

/** The hostile server: a "claim link" whose answer is the lure of the moment; a POSTed presentation is tried at A's /authorize. */
async function startHostile (): Promise<void> {
  const server = await jsonServer(async (req, body) => {
    if (req.method === 'GET') {
      hostile.lookups++
      const pending = await startLogin(a.url, hostile.client)
      hostile.pending = pending
      const asked = {
        'relay-login': { challenge: pending.challenge, domain: pending.domain },
        'relay-login-own-domain': { challenge: pending.challenge, domain: hostile.host },
        'login-as-claim': { challenge: `cofl-claim:${pending.challenge}`, domain: hostile.host },
        'own-claim': { challenge: `cofl-claim:${Math.random().toString(36).slice(2)}`, domain: hostile.host }
      }[hostile.lure]
      return [200, { offerId: 'o-1', achievement: { id: 'urn:free', name: 'Free museum pass' }, issuer: { id: a.did, name: 'Plymouth City of Learning' }, ...asked, expiresAt: '2099-01-01T00:00:00Z' }]
    }
    const presentation = JSON.parse(body).presentation as Json
    hostile.presentations.push(presentation)
    const login = await answerLogin(a.url, hostile.pending as PendingLogin, presentation.holder as string, presentation)
    hostile.logins.push(login)
    if (login.status === 302) hostile.tokens.push(await redeem(a.url, hostile.client, hostile.pending as PendingLogin, login))
    // What the learner sees.
    return [409, { error: { code: 'COFL_ERR_OFFER_CLAIMED', message: 'this offer was claimed already' } }]
  })
  hostile.server = server
  hostile.host = server.host
  hostile.url = server.url
  hostile.client = await registerClient(a.url, 'Badge Backup Pro', hostile.url)
}

function resetHostile (lure: Lure): void {
  Object.assign(hostile, { lure, pending: undefined, lookups: 0, presentations: [], logins: [], tokens: [] })
}

/** The grants of the learner at A, asked with the learner's key (none means: no login happened). */
async function grantsAtA (): Promise<Json[]> {
  const asked = await http(`${a.url}/api/grants/challenge`)
  assert.is(asked.status, 200, asked.text)
  const listed = await http(`${a.url}/api/grants`, { json: { presentation: await signAnything(learner, asked.body.challenge, asked.body.domain) } })
  assert.is(listed.status, 200, listed.text)
  return listed.body.grants
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-phishing-'))
  a = createCityNode({ config: { data: join(dir, 'a'), name: 'Plymouth City of Learning' }, federation: false })
  b = createCityNode({ config: { data: join(dir, 'b'), name: 'Exeter City of Learning' }, federation: false })
  await a.start()
  await b.start()
  wallet = join(dir, 'wallet')
  const init = await runCofl(['wallet', 'init', '--wallet', wallet, '--unencrypted'])
  assert.is(init.code, 0, init.stderr)
  did = init.stdout.trim()
  learner = await loadKeyFile(join(wallet, 'holder.key'))
  assert.is(learner.did, did)
  achievementA = (await admin(a, '/api/achievements', { name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day' })).id
  achievementB = (await admin(b, '/api/achievements', { name: 'Cathedral Guide', description: 'Guides a tour', criteria: 'One tour' })).id
  // What the hostile server is after: a credential A issued to the learner.
  await admin(a, '/api/credentials', { achievementId: achievementA, subject: did })
  await startHostile()
})

test.after(async () => {
  await hostile.server?.close()
  await a?.stop()
  await b?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('cofl wallet claim of a fake claim link that relays A\'s login: refused, nothing signed, no token, no grant', async () => {
  const aHost = new URL(a.url).host
  for (const [lure, message] of [
    // A's challenge and A's domain, as given: another site than the link's.
    ['relay-login', new RegExp(`^cofl: refused to sign: the node at ${hostile.host.replace(/\./g, '\\.')} asks for a signature for http://${aHost.replace(/\./g, '\\.')}, another site\\..*Nothing was signed\\n$`)],
    // A's challenge with the link's own domain: a login's challenge, not a claim's.
    ['relay-login-own-domain', new RegExp(`^cofl: refused to sign: the node at ${hostile.host.replace(/\./g, '\\.')} sent a challenge for signing in to an app .*but you are claiming a badge.*Nothing was signed\\n$`)]
  ] as const) {
    resetHostile(lure)
    const run = await runCofl(['wallet', 'claim', `${hostile.url}/api/claims/x`, '--wallet', wallet])
    assert.is(hostile.lookups, 1, 'the wallet asked the link')
    assert.equal(hostile.tokens.map((t) => Object.keys(t).sort()), [], `${lure}: the hostile server never gets a token`)
    assert.equal(hostile.presentations, [], `${lure}: nor a presentation`)
    assert.is(run.code, 2, `${lure}: ${run.stderr}`)
    assert.match(run.stderr, message, lure)
    assert.is(run.stdout, '')
    assert.is(hostile.pending?.challenge.startsWith('cofl-login:'), true, 'A\'s login challenge says its use')
  }
  const list = await runCofl(['wallet', 'list', '--wallet', wallet, '--json'])
  assert.equal(JSON.parse(list.stdout), [], 'nothing entered the wallet')
  assert.equal(await grantsAtA(), [], 'A made no grant in the learner\'s name')
})

test('a hand-made wallet that signs what it is given: its presentations open nothing at A\'s /authorize or B\'s claim', async () => {
  /** The learner's "wallet" with no rule: GET the link, sign over whatever it says, POST. */
  const naiveClaim = async (): Promise<Json> => {
    const offer = await http(`${hostile.url}/api/claims/x`)
    const presentation = await signAnything(learner, offer.body.challenge, offer.body.domain)
    const answer = await http(`${hostile.url}/api/claims/x`, { json: { presentation } })
    assert.is(answer.status, 409, 'the learner sees "claimed already"')
    return presentation
  }

  // A claim presentation (a claim's challenge, the link's domain) at A's /authorize: a claim's challenge is no login's.
  resetHostile('own-claim')
  const captured = await naiveClaim()
  assert.is(hostile.logins.length, 1)
  assert.is(hostile.logins[0]?.status, 403, hostile.logins[0]?.text)
  assert.is(hostile.logins[0]?.body.error, 'access_denied')
  assert.is(hostile.logins[0]?.body.code, 'COFL_ERR_OB3_LEARNER')
  assert.match(hostile.logins[0]?.body.error_description, /a challenge for claiming a badge \(cofl-claim:\.\.\.\), not over a challenge for signing in/)
  assert.is(hostile.logins[0]?.headers.get('location'), null, 'no redirect, no code')
  // The same presentation at B's claim (a genuine offer of B): another challenge, another domain.
  const offer = await admin(b, '/api/offers', { achievementId: achievementB, name: 'Ana', email: 'ana@learners.example' })
  assert.is((await http(offer.claimUrl)).status, 200)
  const atB = await http(offer.claimUrl, { json: { presentation: captured } })
  assert.is(atB.status, 400, atB.text)
  assert.is(atB.body.error.code, 'COFL_ERR_CLAIM_PROOF')
  assert.match(atB.body.error.message, /another challenge than the one this offer holds/)
  assert.is((await admin(b, `/api/offers/${offer.offerId as string}`, undefined)).state, 'open', 'the offer stays open')

  // A's login challenge, signed for the link's host: A takes presentations for its own domain only.
  resetHostile('relay-login-own-domain')
  await naiveClaim()
  assert.is(hostile.logins[0]?.status, 403, hostile.logins[0]?.text)
  assert.match(hostile.logins[0]?.body.error_description, new RegExp(`signed for the domain "${hostile.host}", not for this node's "${a.url}"`))

  // A's login challenge dressed as a claim's: no challenge A gave.
  resetHostile('login-as-claim')
  await naiveClaim()
  assert.is(hostile.logins[0]?.status, 403, hostile.logins[0]?.text)
  assert.match(hostile.logins[0]?.body.error_description, /a challenge for claiming a badge/)

  assert.equal(hostile.tokens, [], 'no token, whatever the hand-made wallet signed')
  assert.equal(await grantsAtA(), [])
})

test('genuine presentations replayed across uses over HTTP: a login\'s at a claim, a claim\'s at a login, each refused', async () => {
  // The learner's own login at A, with a client of its choosing; the presentation is intercepted.
  const honest = await registerClient(a.url, 'Museum Passport', 'http://127.0.0.1:9')
  const pending = await startLogin(a.url, honest)
  assert.match(pending.challenge, /^cofl-login:[A-Za-z0-9_-]{43}$/)
  const loginVp = await signAnything(learner, pending.challenge, pending.domain)
  for (const [node, achievementId] of [[a, achievementA], [b, achievementB]] as const) {
    const offer = await admin(node, '/api/offers', { achievementId, email: `replay-${node === a ? 'a' : 'b'}@learners.example` })
    const page = await http(offer.claimUrl)
    assert.match(page.body.challenge, /^cofl-claim:[A-Za-z0-9_-]{43}$/)
    const replayed = await http(offer.claimUrl, { json: { presentation: loginVp } })
    assert.is(replayed.status, 400, replayed.text)
    assert.is(replayed.body.error.code, 'COFL_ERR_CLAIM_PROOF')
    assert.match(replayed.body.error.message, /signed over a challenge for signing in to an app .*\(cofl-login:\.\.\.\), not over a challenge for claiming a badge/)
  }
  // The login itself still works: the presentation was good for what it was made for.
  const accepted = await answerLogin(a.url, pending, did, loginVp)
  assert.is(accepted.status, 302, accepted.text)

  // The learner's genuine claim presentation at A (A's challenge, A's domain), offered to A's /authorize.
  const offer = await admin(a, '/api/offers', { achievementId: achievementA, email: 'claim-replay@learners.example' })
  const page = await http(offer.claimUrl)
  const claimVp = await signAnything(learner, page.body.challenge, page.body.domain)
  const login = await startLogin(a.url, honest)
  const refused = await answerLogin(a.url, login, did, claimVp)
  assert.is(refused.status, 403, refused.text)
  assert.is(refused.body.code, 'COFL_ERR_OB3_LEARNER')
  assert.match(refused.body.error_description, /a challenge for claiming a badge \(cofl-claim:\.\.\.\), not over a challenge for signing in/)
  // ... and to A's grant management.
  const grants = await http(`${a.url}/api/grants`, { json: { presentation: claimVp } })
  assert.is(grants.status, 403, grants.text)
  assert.is(grants.body.error.code, 'COFL_ERR_GRANTS_PROOF')
  assert.match(grants.body.error.message, /a challenge for claiming a badge/)
  // The claim it was made for works.
  const claimed = await http(offer.claimUrl, { json: { presentation: claimVp } })
  assert.is(claimed.status, 201, claimed.text)
  assert.is(claimed.body.credential.credentialSubject.id, did)
})

test.run()
