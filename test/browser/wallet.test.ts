// The wallet page in Chromium, against a city node started in this process. The admin API makes
// two achievements, a destination pathway asking for both (with a pathway badge) and two offers;
// in the page the wallet makes its key, claims from a link (`/wallet#claim=...`), shows the
// badge, progress "1 of 2" and a next step naming the missing achievement with its reason; a
// second claim completes the pathway and brings its badge (`awards`). The learner shares a
// presentation over a verifier's challenge and a baked PNG / SVG: each download verifies on the
// node (POST /api/verify, made by this test, as a verifier would). A backup restores the same
// wallet in a fresh browser profile. Every request the page made is recorded: the held badges,
// the holder DID and the learner's place never leave the page but in the claims the learner made.
// A claim whose node asks for a signature for another domain, or over a login's challenge, is
// refused in the page and nothing is signed or sent; after an OB 3.0 login of the page's DID, the
// page lists the app ("Sites and apps you signed in to") and revokes it: its tokens stop working.
// The wallet's key is sealed with a passphrase: made with one, asked again after a reload (a wrong
// one refused), and a badge offered by a second node (another origin: another port) is claimed
// into the wallet of the first node's page, cross-origin, signed for the second node's host only;
// its status is refreshed at the node it came from.
import { readFile } from 'node:fs/promises'
import { generateKeyPair } from '@cofl/identity'
import * as assert from 'uvu/assert'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { answerLogin, http, OB3, redeem, registerClient, startLogin, tokenRequest } from '../fixtures/ob3-login.js'
import { adminOk, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

type Json = Record<string, any>

const { it, before, after, run } = browserSuite('wallet page')

const PYTHON = 'urn:cofl:test:achievement:python'
const GIT = 'urn:cofl:test:achievement:git'
const BADGE = 'urn:cofl:test:achievement:junior-dev'
const SAILING = 'urn:cofl:test:achievement:sailing'
const PATHWAY = 'urn:cofl:test:pathway:junior-dev'
const CHALLENGE = 'verifier-challenge-7Hq2'
const DOMAIN = 'jobs.example'
const PLACE = '50.3755, -4.1427'
const PASSPHRASE = 'correct horse battery'

const WALLET_PASSPHRASE = 'kittiwakes over the hoe'

let browser: Browser | undefined
let city: TestNode | undefined
let museum: TestNode | undefined

interface Recorded { method: string, url: string, body: string }

async function admin (method: string, path: string, body?: unknown): Promise<Json> { return await adminOk((city as TestNode).node, method, path, body) }

/** The holder record the wallet page keeps in IndexedDB (database cofl-wallet, store holder). */
async function storedHolder (page: Page): Promise<Record<string, any>> {
  return await page.evaluate(async () => await new Promise<Record<string, any>>((resolve, reject) => {
    const open = indexedDB.open('cofl-wallet')
    open.onerror = () => { reject(open.error) }
    open.onsuccess = () => {
      const get = open.result.transaction('holder', 'readonly').objectStore('holder').get('holder')
      get.onsuccess = () => { open.result.close(); resolve(get.result as Record<string, any>) }
      get.onerror = () => { reject(get.error) }
    }
  }))
}

/** An admin call to `node` (the museum's node, in the cross-origin test). */
async function nodeAdmin (node: TestNode['node'], method: string, path: string, body?: unknown): Promise<Json> { return await adminOk(node, method, path, body) }

/** POST /api/verify as a verifier would (from this test, not from the page). */
async function verifyOnNode (body: string | Uint8Array, type: string): Promise<Json> {
  const response = await fetch(`${(city as TestNode).node.url}/api/verify`, { method: 'POST', headers: { 'content-type': type }, body: body as BodyInit, signal: AbortSignal.timeout(30_000) })
  return await response.json() as Json
}

async function downloadOf (page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()])
  const path = await download.path()
  assert.ok(path != null, 'the download was saved')
  return await readFile(path)
}

function recordRequests (page: Page): Recorded[] {
  const requests: Recorded[] = []
  page.on('request', (request: Request) => { requests.push({ method: request.method(), url: request.url(), body: request.postData() ?? '' }) })
  return requests
}

/** The wallet page's first visit: a passphrase chosen (twice), the wallet made with it. */
async function createWallet (page: Page, passphrase = WALLET_PASSPHRASE): Promise<void> {
  await page.locator('#lock').waitFor({ state: 'visible' })
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('The same passphrase again').fill(passphrase)
  await page.getByRole('button', { name: 'Create the wallet' }).click()
}

/** A fresh browser profile at this node's wallet page, made with a passphrase, ready, with its requests recorded. */
async function openWalletPage (errors: string[]): Promise<{ context: BrowserContext, page: Page, requests: Recorded[] }> {
  const { context, page } = await newPage(browser as Browser, errors)
  const requests = recordRequests(page)
  try {
    await page.goto(`${(city as TestNode).node.url}/wallet`)
    await createWallet(page)
    await page.locator('body[data-ready="true"]').waitFor()
  } catch (err) {
    await context.close()
    throw err
  }
  return { context, page, requests }
}

async function waitForStatus (page: Page, text: string | RegExp): Promise<void> {
  await page.locator('#status').filter({ hasText: text }).waitFor({ timeout: 30_000 })
}

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  museum = await startTestNode({ name: 'Plymouth Museum of Learning' }, { federation: false })
  browser = await launchBrowser()
  await admin('POST', '/api/achievements', { id: PYTHON, name: 'Python basics', description: 'Writes small Python programs', criteria: 'Ten exercises in the coding club' })
  await admin('POST', '/api/achievements', { id: GIT, name: 'Git for teams', description: 'Shares code with git', criteria: 'A pull request reviewed and merged' })
  await admin('POST', '/api/achievements', { id: BADGE, name: 'Junior developer pathway', description: 'Python and git: ready for an apprenticeship', criteria: 'Both badges of the pathway' })
  await admin('POST', '/api/achievements', { id: SAILING, name: 'Dinghy sailing', description: 'Sails a dinghy in the Sound', criteria: 'Two sessions on the water', place: { name: 'Mount Batten Centre', area: 'Plymstock', lat: 50.3594, lon: -4.1283 } })
  await admin('POST', '/api/pathways', { id: PATHWAY, kind: 'destination', name: 'Junior developer', description: 'Two badges towards an apprenticeship', requirements: { allOf: [PYTHON, GIT] }, awardAchievementId: BADGE })
})

after(async () => {
  await browser?.close()
  await city?.stop()
  await museum?.stop()
})

it('claims from a link, shows progress and next steps, shares a verifiable presentation and baked badges, keeps everything in the page', async () => {
  const node = (city as TestNode).node
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  let restored: BrowserContext | undefined
  const requests = recordRequests(page)
  try {
    const first = await admin('POST', '/api/offers', { achievementId: PYTHON, name: 'Ana', email: 'ana@example.org' })
    const second = await admin('POST', '/api/offers', { achievementId: GIT, name: 'Ana', email: 'ana@example.org' })

    // First visit, opened at the claim: the wallet makes its key, and shows the offer.
    const response = await page.goto(`${node.url}/wallet#claim=${encodeURIComponent(first.claimUrl as string)}`)
    assert.is(response?.status(), 200)
    assert.match(response?.headers()['content-security-policy'] ?? '', "script-src 'self'")
    await createWallet(page)
    await page.locator('#offer').waitFor({ state: 'visible' })
    const did = (await page.textContent('#holder-did'))?.trim() ?? ''
    assert.match(did, /^did:key:z6Mk/)
    assert.is(page.url(), `${node.url}/wallet`, 'the claim code is taken out of the address bar')
    assert.match(await page.textContent('#offer-details') ?? '', 'Python basics')
    assert.match(await page.textContent('#offer-details') ?? '', node.did)
    assert.is(await page.getByRole('link', { name: 'Wallet' }).first().getAttribute('aria-current'), 'page')
    await page.locator('#pathway-list').waitFor()
    assert.match(await page.textContent('#pathway-list') ?? '', '0 of 2 done')
    await screenshot(page, 'wallet-offer')

    // Accept: signed in the page, claimed, checked in the page, kept.
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, '“Python basics” is in your wallet')
    const row = page.locator('#badge-table tbody tr').filter({ hasText: 'Python basics' })
    assert.is(await row.count(), 1)
    assert.match(await row.textContent() ?? '', 'Bristol City of Learning')
    assert.match(await row.textContent() ?? '', 'Active')
    assert.is(await page.evaluate('document.activeElement?.id'), 'badges-heading', 'focus moves to the badges')

    // Progress and next steps, worked out in the page.
    const pathway = page.locator(`li.pathway[data-pathway="${PATHWAY}"]`)
    await pathway.filter({ hasText: '1 of 2 done' }).waitFor()
    assert.match(await pathway.textContent() ?? '', '1 more to go: Git for teams')
    assert.is(await pathway.locator('progress').getAttribute('value'), '1')
    assert.is(await pathway.locator('progress').getAttribute('max'), '2')
    const step = page.locator(`#next-list > li[data-achievement="${GIT}"]`)
    assert.match(await step.textContent() ?? '', 'Git for teams')
    assert.match(await step.textContent() ?? '', "1 of 2 done towards 'Junior developer': this completes it")
    assert.is(await page.locator(`#next-list > li[data-achievement="${BADGE}"]`).count(), 0, 'a pathway badge is no next step')

    // The learner's place: typed, kept in the page.
    await page.getByLabel('Or type a position (latitude, longitude)').fill(PLACE)
    await page.getByRole('button', { name: 'Use this place' }).click()
    await waitForStatus(page, 'kept in this browser only')
    const near = page.locator(`#next-list > li[data-achievement="${SAILING}"]`)
    await near.waitFor()
    assert.match(await near.textContent() ?? '', /Dinghy sailing \(\d+(\.\d)? km\).*\d+(\.\d)? km from you/s)
    await screenshot(page, 'wallet-progress')

    // A second claim, pasted: it completes the pathway, and the node awards its badge with it.
    await page.getByLabel('Claim link').fill(second.claimUrl as string)
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator('#offer-details').filter({ hasText: 'Git for teams' }).waitFor()
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, 'It completes a pathway: “Junior developer pathway” was added too')
    assert.is(await page.locator('#badge-table tbody tr').count(), 3)
    await pathway.filter({ hasText: 'Complete: all 2 done.' }).waitFor()

    // A baked PNG of a badge, read back by this page (it is held already: nothing added).
    await page.getByLabel('Badge', { exact: true }).selectOption({ label: (await page.locator('#bake-choice option').filter({ hasText: 'Python basics' }).textContent()) ?? '' })
    const png = await downloadOf(page, async () => { await page.getByRole('button', { name: 'Download the badge image' }).click() })
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    await page.locator('#import summary').click()
    await page.getByLabel('Or a file: JSON, or a badge image (PNG, SVG) with the credential baked in').setInputFiles({ name: 'python-basics.png', mimeType: 'image/png', buffer: png })
    await page.getByRole('button', { name: 'Add to wallet' }).click()
    await waitForStatus(page, '1 badge already in your wallet.')
    await page.getByLabel('Image format').selectOption('svg')
    const svg = await downloadOf(page, async () => { await page.getByRole('button', { name: 'Download the badge image' }).click() })
    assert.match(svg.toString('utf8'), '<openbadges:credential>')

    // A presentation of two badges over the verifier's challenge and domain.
    await page.locator('#share-list label').filter({ hasText: 'Python basics' }).click()
    await page.locator('#share-list label').filter({ hasText: 'Git for teams' }).click()
    await page.getByLabel('Challenge (optional)').fill(CHALLENGE)
    await page.getByLabel('Domain (optional)').fill(DOMAIN)
    await page.getByRole('button', { name: 'Create the presentation' }).click()
    await page.locator('#presentation').waitFor({ state: 'visible' })
    const vpFile = await downloadOf(page, async () => { await page.getByRole('button', { name: 'Download (JSON)' }).click() })
    await screenshot(page, 'wallet-share')
    const vp = JSON.parse(vpFile.toString('utf8')) as Json
    assert.is(vp.holder, did)
    assert.is(vp.verifiableCredential.length, 2)

    // The learner's downloads, checked by a verifier on the node.
    const vpReport = await verifyOnNode(JSON.stringify({ verifiablePresentation: vp, challenge: CHALLENGE, domain: DOMAIN }), 'application/json')
    assert.ok(vpReport.verified, JSON.stringify(vpReport.checks))
    assert.is(vpReport.holder, did)
    const replay = await verifyOnNode(JSON.stringify({ verifiablePresentation: vp, challenge: 'another-challenge', domain: DOMAIN }), 'application/json')
    assert.not.ok(replay.verified, 'the presentation holds for its challenge only')
    const pngReport = await verifyOnNode(new Uint8Array(png), 'image/png')
    assert.ok(pngReport.verified, JSON.stringify(pngReport.checks))
    assert.is(pngReport.achievement?.id, PYTHON)
    assert.is(pngReport.subject, did)
    const svgReport = await verifyOnNode(new Uint8Array(svg), 'image/svg+xml')
    assert.ok(svgReport.verified, JSON.stringify(svgReport.checks))

    // A backup with the key, restored in a fresh browser profile: the same DID, the same badges.
    await page.getByLabel('Passphrase to lock your key in the backup').fill(PASSPHRASE)
    const backupFile = await downloadOf(page, async () => { await page.getByRole('button', { name: 'Download a backup' }).click() })
    const backup = JSON.parse(backupFile.toString('utf8')) as Json
    assert.is(backup.type, 'cofl-wallet-backup')
    assert.is(backup.did, did)
    assert.is(backup.credentials.length, 3)
    assert.not.match(backupFile.toString('utf8'), /secretKeyMultibase/, 'the key is sealed in the backup')
    await screenshot(page, 'wallet-backup')

    const fresh = await newPage(browser as Browser, errors)
    restored = fresh.context
    const other = fresh.page
    const otherRequests = recordRequests(other)
    await other.goto(`${node.url}/wallet`)
    await createWallet(other, 'another profile passphrase')
    await other.locator('body[data-ready="true"]').waitFor()
    assert.is.not((await other.textContent('#holder-did'))?.trim(), did, 'another profile, another wallet')
    await other.getByLabel('Backup file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: backupFile })
    await other.getByLabel('Its passphrase').fill('wrong passphrase')
    await other.getByRole('button', { name: 'Restore' }).click()
    await waitForStatus(other, 'the passphrase does not open')
    await other.getByLabel('Its passphrase').fill(PASSPHRASE)
    await other.getByRole('button', { name: 'Restore' }).click()
    await waitForStatus(other, 'Added 3 badges.')
    assert.is((await other.textContent('#holder-did'))?.trim(), did)
    assert.is(await other.locator('#badge-table tbody tr').count(), 3)
    await screenshot(other, 'wallet-restored')
    assert.ok(otherRequests.every((r) => r.method === 'GET' && !r.url.includes(did)), 'a restore sends nothing')

    // What the page sent: the two claims (a presentation by the holder, no badge), and GETs of
    // public documents. No badge, no DID, no place in any other request; no POST /api/verify.
    const origin = new URL(node.url).origin
    assert.ok(requests.every((r) => new URL(r.url).origin === origin), 'this origin only')
    const posts = requests.filter((r) => r.method !== 'GET')
    assert.equal(posts.map((r) => new URL(r.url).pathname), [new URL(first.claimUrl as string).pathname, new URL(second.claimUrl as string).pathname])
    for (const post of posts) {
      const presentation = JSON.parse(post.body).presentation as Json
      assert.is(presentation.holder, did)
      assert.is(presentation.verifiableCredential, undefined, 'a claim carries no badge')
    }
    const credentialIds = (vp.verifiableCredential as Json[]).map((c) => c.id as string)
    for (const r of requests.filter((x) => x.method === 'GET')) {
      const path = new URL(r.url).pathname
      assert.ok(/^\/(wallet|assets\/[\w.-]+|api\/(claims\/[\w-]+|pathways|achievements|opportunities|status\/[^/]+))$/.test(path), `an expected GET: ${path}`)
      assert.not.ok(r.url.includes(did) || r.url.includes(encodeURIComponent(did)), `no DID in ${r.url}`)
      for (const id of credentialIds) assert.not.ok(r.url.includes(id) || r.url.includes(encodeURIComponent(id)), `no credential id in ${r.url}`)
      assert.not.ok(r.url.includes('50.37'), 'the place stays in the page')
    }
    assert.equal(errors, [])
  } finally {
    await restored?.close()
    await context.close()
  }
})

it('refuses a link that is no claim link and a badge about someone else, saying why', async () => {
  const errors: string[] = []
  const { context, page, requests } = await openWalletPage(errors)
  try {
    await page.getByLabel('Claim link').fill('https://elsewhere.example/api/offers/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG')
    await page.getByRole('button', { name: 'Look up' }).click()
    await waitForStatus(page, 'that is a link to https://elsewhere.example, but not a claim link')
    assert.ok(requests.every((r) => !r.url.includes('elsewhere') && !r.url.includes('abcdefghijklmnop')), 'nothing is sent for a link that is no claim link')

    // A credential issued to another DID (admin API): checked in the page, refused.
    const issued = await admin('POST', '/api/credentials', { achievementId: PYTHON, subject: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })
    await page.locator('#import summary').click()
    await page.getByLabel('Credential, presentation or backup (JSON)').fill(JSON.stringify(issued.credential ?? issued))
    await page.getByRole('button', { name: 'Add to wallet' }).click()
    await waitForStatus(page, /1 badge not added: refused .*not about you/)
    assert.is(await page.locator('#badge-table').count(), 0)
    await screenshot(page, 'wallet-refused')
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

it('signs a claim only for its own node and over a claim challenge; lists and revokes the apps signed in with the wallet', async () => {
  const node = (city as TestNode).node
  const host = new URL(node.url).host
  const errors: string[] = []
  const { context, page, requests } = await openWalletPage(errors)
  try {
    const did = (await page.textContent('#holder-did'))?.trim() ?? ''
    const offer = await admin('POST', '/api/offers', { achievementId: GIT, name: 'Bo', email: 'bo@example.org' })

    // The node's answer is changed on its way (as a hostile node would answer): another domain,
    // then a login's challenge for this very host. The page refuses, and sends nothing.
    let lure: (json: Json) => void = (json) => { json.domain = 'badges.evil.example' }
    await page.route('**/api/claims/**', async (route) => {
      if (route.request().method() !== 'GET') { await route.continue(); return }
      const response = await route.fetch()
      const json = await response.json() as Json
      lure(json)
      await route.fulfill({ response, json })
    })
    for (const [change, said] of [
      [(json: Json) => { json.domain = 'badges.evil.example' }, `refused to sign: the node at ${host} asks for a signature for badges.evil.example, another site`],
      [(json: Json) => { json.challenge = `cofl-login:${String(json.challenge).slice('cofl-claim:'.length)}` }, `refused to sign: the node at ${host} sent a challenge for signing in to an app`]
    ] as const) {
      lure = change
      await page.getByLabel('Claim link').fill(offer.claimUrl as string)
      await page.getByRole('button', { name: 'Look up' }).click()
      await page.locator('#offer').waitFor({ state: 'visible' })
      await page.getByRole('button', { name: 'Accept the badge' }).click()
      await waitForStatus(page, said)
      assert.match(await page.textContent('#status') ?? '', 'Nothing was signed')
    }
    await screenshot(page, 'wallet-refused-domain')
    assert.equal(requests.filter((r) => r.method !== 'GET').map((r) => r.url), [], 'nothing was POSTed')
    assert.is((await admin('GET', `/api/offers/${offer.offerId as string}`)).state, 'open')
    await page.unroute('**/api/claims/**')
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator('#offer-details').filter({ hasText: 'Git for teams' }).waitFor()
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, '“Git for teams” is in your wallet')

    // An app signs in as this wallet's DID: the learner signs the login's challenge in the page (Share).
    const app = await registerClient(node.url, 'Museum Passport App', 'http://127.0.0.1:9')
    const pending = await startLogin(node.url, app)
    await page.locator('#share-list label').filter({ hasText: 'Git for teams' }).click()
    await page.getByLabel('Challenge (optional)').fill(pending.challenge)
    await page.getByLabel('Domain (optional)').fill(pending.domain)
    await page.getByRole('button', { name: 'Create the presentation' }).click()
    await page.locator('#presentation').waitFor({ state: 'visible' })
    const loginVp = JSON.parse(await page.locator('#presentation-json').inputValue()) as Json
    const tokens = await redeem(node.url, app, pending, await answerLogin(node.url, pending, did, loginVp))
    assert.is((await http(`${node.url}${OB3}/credentials`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } })).status, 200)

    // Sites and apps: listed when the learner asks, with the app's name and what it may do.
    assert.not.ok(requests.some((r) => r.url.includes('/api/grants')), 'nothing is asked before the learner does')
    await page.getByRole('button', { name: 'Show the apps' }).click()
    await waitForStatus(page, '1 app is signed in with your wallet on this node.')
    const row = page.locator('#grant-table tbody tr')
    assert.is(await row.count(), 1)
    assert.match(await row.textContent() ?? '', 'Museum Passport App')
    assert.match(await row.textContent() ?? '', 'read your badges on this node')
    assert.match(await row.textContent() ?? '', 'change your profile')
    await screenshot(page, 'wallet-grants')
    page.once('dialog', (dialog) => { void dialog.accept() })
    await page.getByRole('button', { name: 'Revoke Museum Passport App' }).click()
    await waitForStatus(page, 'Revoked “Museum Passport App”')
    await page.locator('#no-grants').waitFor()
    assert.is((await http(`${node.url}${OB3}/credentials`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } })).status, 401)
    assert.is((await tokenRequest(node.url, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error, 'invalid_grant')
    // Each grants request: a fresh challenge of this node, a presentation by the holder for this host.
    const grantPosts = requests.filter((r) => r.method === 'POST' && r.url.includes('/api/grants'))
    assert.equal(grantPosts.map((r) => new URL(r.url).pathname), ['/api/grants', '/api/grants/revoke', '/api/grants'])
    for (const post of grantPosts) {
      const presentation = JSON.parse(post.body).presentation as Json
      assert.is(presentation.holder, did)
      assert.match(presentation.proof.challenge, /^cofl-grants:/)
      assert.is(presentation.proof.domain, host)
    }
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

it('keeps its key sealed with a passphrase, asks it after a reload, and claims from a node on another origin', async () => {
  const here = (city as TestNode).node
  const there = (museum as TestNode).node
  assert.is.not(new URL(here.url).origin, new URL(there.url).origin, 'two origins')
  const errors: string[] = []
  const { context, page, requests } = await openWalletPage(errors)
  try {
    const did = (await page.textContent('#holder-did'))?.trim() ?? ''
    assert.match(did, /^did:key:z6Mk/)

    // What IndexedDB keeps: the key sealed (PBKDF2 + AES-GCM), no secret key in clear.
    const stored = await storedHolder(page)
    assert.is(stored.did, did)
    assert.is(stored.secretKeyMultibase, undefined)
    assert.is(stored.sealed?.secret?.encryption, 'pbkdf2-sha256-aes-256-gcm')
    assert.is(stored.sealed?.secret?.kdf?.iterations, 600_000)

    // A reload asks for the passphrase: a wrong one is refused at the field, the right one opens.
    await page.reload()
    await page.locator('#lock[data-state="sealed"]').waitFor({ state: 'visible' })
    assert.match(await page.textContent('#lock-intro') ?? '', 'is locked')
    assert.ok(await page.locator('#wallet-body').isHidden(), 'nothing of the wallet shows while it is locked')
    assert.ok(await page.locator('#lock-confirm-row').isHidden(), 'an existing wallet asks once')
    await page.getByLabel('Passphrase', { exact: true }).fill('kittiwakes over the sound')
    await page.getByRole('button', { name: 'Open the wallet' }).click()
    await waitForStatus(page, /wrong passphrase/)
    assert.is(await page.getByLabel('Passphrase', { exact: true }).getAttribute('aria-invalid'), 'true')
    await screenshot(page, 'wallet-locked')
    await page.getByLabel('Passphrase', { exact: true }).fill(WALLET_PASSPHRASE)
    await page.getByRole('button', { name: 'Open the wallet' }).click()
    await page.locator('body[data-ready="true"]').waitFor()
    assert.is((await page.textContent('#holder-did'))?.trim(), did, 'the same wallet')

    // An offer of the museum's node (its own achievement), claimed in this node's page.
    const created = await nodeAdmin(there, 'POST', '/api/achievements', { name: 'Maritime history', description: 'A guided tour of the harbour collection', criteria: 'The tour and its quiz' })
    const offer = await nodeAdmin(there, 'POST', '/api/offers', { achievementId: created.id })
    const claimUrl = offer.claimUrl as string
    assert.ok(claimUrl.startsWith(there.url))

    // The museum's answer changed on its way to name this page's own host: refused, nothing signed.
    await page.route(`${there.url}/api/claims/**`, async (route) => {
      if (route.request().method() !== 'GET') { await route.continue(); return }
      const response = await route.fetch()
      const json = await response.json() as Json
      json.domain = new URL(here.url).host
      await route.fulfill({ response, json })
    })
    await page.getByLabel('Claim link').fill(claimUrl)
    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator('#offer').waitFor({ state: 'visible' })
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, 'Nothing was signed')
    assert.equal(requests.filter((r) => r.method === 'POST').map((r) => r.url), [], 'nothing was POSTed')
    await page.unroute(`${there.url}/api/claims/**`)

    await page.getByRole('button', { name: 'Look up' }).click()
    await page.locator('#offer-details').filter({ hasText: 'Maritime history' }).waitFor()
    assert.is(await page.textContent('#offer-node'), new URL(there.url).host)
    await page.getByRole('button', { name: 'Accept the badge' }).click()
    await waitForStatus(page, '“Maritime history” is in your wallet')
    const row = page.locator('#badge-table tbody tr').filter({ hasText: 'Maritime history' })
    assert.match(await row.textContent() ?? '', 'Plymouth Museum of Learning')
    assert.match(await row.textContent() ?? '', 'Active')
    await screenshot(page, 'wallet-claimed-elsewhere')

    // The claim went to the museum's node, signed for its host (not this page's).
    const posts = requests.filter((r) => r.method === 'POST')
    assert.equal(posts.map((r) => r.url), [claimUrl])
    const presentation = JSON.parse(posts[0]?.body ?? '{}').presentation as Json
    assert.is(presentation.holder, did)
    assert.is(presentation.proof.domain, new URL(there.url).host)

    // The museum revokes it; the status refresh asks the museum's node (this one holds no copy).
    const held = await nodeAdmin(there, 'GET', '/api/credentials')
    const credentialId = (held.items ?? held.credentials ?? []).map((c: Json) => c.credentialId ?? c.id).find((id: unknown) => typeof id === 'string')
    assert.type(credentialId, 'string')
    await nodeAdmin(there, 'POST', '/api/credentials/revoke', { credentialId, now: true })
    await page.getByRole('button', { name: 'Check status now' }).click()
    await waitForStatus(page, /Checked 1 badge: 1 changed/)
    assert.match(await row.textContent() ?? '', 'Revoked')
    assert.ok(requests.some((r) => r.method === 'GET' && r.url.startsWith(`${there.url}/api/status/`)), 'the status list was asked of the museum')
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

it('locks with a passphrase the key an older wallet page kept in clear (the migration)', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  try {
    // The database as the page kept it before: the holder key in clear.
    const key = await generateKeyPair()
    await page.goto(`${(city as TestNode).node.url}/wallet`)
    // (the form shows at once; the wallet's code then opens the database and says what it holds)
    await page.locator('#lock[data-state="none"]').waitFor({ state: 'visible' })
    const older = { did: key.did, publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase, createdAt: '2026-01-02T03:04:05.000Z', origin: 'created' }
    await page.evaluate(async (record) => await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('cofl-wallet')
      open.onerror = () => { reject(open.error) }
      open.onsuccess = () => {
        const tx = open.result.transaction('holder', 'readwrite')
        tx.objectStore('holder').put(record, 'holder')
        tx.oncomplete = () => { open.result.close(); resolve() }
        tx.onerror = () => { reject(tx.error) }
      }
    }), older)
    await page.reload()
    await page.locator('#lock[data-state="clear"]').waitFor({ state: 'visible' })
    assert.match(await page.textContent('#lock-intro') ?? '', `Your wallet (${key.did}) keeps its key unlocked in this browser`)
    await page.getByLabel('Passphrase', { exact: true }).fill(WALLET_PASSPHRASE)
    await page.getByLabel('The same passphrase again').fill(WALLET_PASSPHRASE)
    await page.getByRole('button', { name: 'Lock the key and open' }).click()
    await page.locator('body[data-ready="true"]').waitFor()
    assert.is((await page.textContent('#holder-did'))?.trim(), key.did, 'the same wallet, its key kept')
    const stored = await storedHolder(page)
    assert.is(stored.secretKeyMultibase, undefined, 'no key in clear any more')
    assert.not.ok(JSON.stringify(stored).includes(key.secretKeyMultibase as string))
    assert.is(stored.sealed?.secret?.encryption, 'pbkdf2-sha256-aes-256-gcm')
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

run()
