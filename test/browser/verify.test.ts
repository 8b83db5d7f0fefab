// The verify page in Chromium, against a real node: a credential pasted (valid, tampered with,
// revoked; from an https issuer whose key is only named in a URL, which cannot be checked here,
// and from the city's own DID signed by another key, which is not valid), a baked PNG given by
// the file input and dropped on the drop zone, a presentation with its challenge, an issuer
// outside the node's trust until the city endorses it (named then by the city's Profile), a fresh key
// naming itself Plymouth City Council (never shown as fact), a tampered badge's claims greyed, a
// presentation made for another challenge (not called a broken signature), and bad input
// (empty, not JSON, an image with no credential) that only gets a message. Keyboard use, focus on
// the verdict, and no console errors throughout.
import * as assert from 'uvu/assert'
import type { Browser, Page } from 'playwright-core'
import { buildAchievement, buildOpenBadgeCredential, buildPresentation, buildProfile, buildProfileDocument, signCredential, signDocument, signPresentation } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import { bakePng, bakeSvg, defaultBadgePng, defaultBadgeSvg } from '@cofl/formats'
import { crc32, deflateSync } from 'node:zlib'
import { assertAxeClean, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('verify page')

let browser: Browser | undefined
let city: TestNode | undefined
let achievementId = ''
let valid: Record<string, unknown> = {}
let toRevoke: Record<string, unknown> = {}

async function admin<T = Record<string, unknown>> (path: string, body: unknown): Promise<T> {
  const node = (city as TestNode).node
  const response = await fetch(node.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${node.adminToken}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000)
  })
  const json = await response.json() as T
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

async function issue (subject: string): Promise<Record<string, unknown>> {
  return (await admin<{ credential: Record<string, unknown> }>('/api/credentials', { achievementId, subject })).credential
}

const LEARNER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  browser = await launchBrowser()
  const created = await admin<{ id: string }>('/api/achievements', { name: 'Bike Repair Basics', description: 'Fixed a puncture, adjusted brakes and gears at the community bike workshop.', criteria: 'Three supervised repairs' })
  achievementId = created.id
  valid = await issue(LEARNER)
  toRevoke = await issue(LEARNER)
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

/** Opens the verify page in a fresh context; `errors` collects page errors and console errors. */
async function open (errors: string[]): Promise<{ page: Page, close: () => Promise<void> }> {
  const { context, page } = await newPage(browser as Browser, errors)
  const response = await page.goto((city as TestNode).node.url + '/verify')
  assert.is(response?.status(), 200)
  return { page, close: async () => { await context.close() } }
}

async function paste (page: Page, document: unknown): Promise<void> {
  await page.fill('#json', JSON.stringify(document, null, 2))
  await page.click('#verify-button')
}

async function verdict (page: Page): Promise<string> {
  await page.locator('#verdict').waitFor()
  return (await page.locator('#verdict').textContent() ?? '').trim()
}

function row (page: Page, check: string): ReturnType<Page['locator']> {
  return page.locator(`#report tr[data-check="${check}"]`).first()
}

it('a valid credential pasted and sent with the keyboard: Valid, the achievement, its issuer and its trust', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const node = (city as TestNode).node
    // Keyboard only: the text area, then Tab to the Verify button, then Enter.
    await page.focus('#json')
    await page.keyboard.insertText(JSON.stringify(valid, null, 2))
    await page.getByText('This looks like a credential (OpenBadgeCredential).').waitFor()
    await page.keyboard.press('Tab')
    assert.is(await page.evaluate(() => document.activeElement?.id), 'verify-button')
    await page.keyboard.press('Enter')
    assert.match(await verdict(page), /^✓ Valid$/)
    // Focus moves to the verdict; the live region says it too.
    assert.is(await page.evaluate(() => document.activeElement?.id), 'verdict')
    assert.match(await page.textContent('#status') ?? '', 'Valid')
    const report = await page.textContent('#report') ?? ''
    for (const expected of ['Bike Repair Basics', 'Fixed a puncture, adjusted brakes and gears', 'Bristol City of Learning', node.did, LEARNER, 'Active: not revoked', 'Trusted.', 'is a trust root itself']) {
      assert.ok(report.includes(expected), `the report shows ${expected}`)
    }
    // The trusted issuer named as fact, from the Profile the node holds (GET /api/trust/:did names).
    assert.is(await page.getAttribute('#report [data-issuer]', 'data-issuer'), 'verified')
    assert.is(await page.textContent('#report .issuer strong.issuer-name'), 'Bristol City of Learning')
    assert.match(await page.textContent('#report .summary') ?? '', 'issued by Bristol City of Learning, an issuer this node trusts')
    assert.is(await page.locator('#report dl.facts[data-unverified]').count(), 0)
    assert.is(await page.locator('#report tr[data-outcome="failed"]').count(), 0)
    assert.is(await page.locator('#report .caution').count(), 0)
    assert.is(await row(page, 'proof').locator('td.outcome').textContent(), '✓ Passed')
    assert.ok(await page.locator('#report time').count() >= 1, 'the dates are <time> elements')
    await screenshot(page, 'verify-valid')
    await assertAxeClean(page, 'verify-valid')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('a credential changed after signing: Not valid, with the signature check\'s reason', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const tampered = structuredClone(valid) as { credentialSubject: { achievement: { name: string } } }
    tampered.credentialSubject.achievement.name = 'Bike Repair Master'
    const expected = await (await fetch((city as TestNode).node.url + '/api/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: tampered }) })).json() as { checks: Array<{ id: string, reason: string }> }
    const proofReason = expected.checks.find((c) => c.id === 'proof')?.reason ?? ''
    assert.ok(proofReason.length > 0)
    await paste(page, tampered)
    assert.match(await verdict(page), /Not valid$/)
    assert.match(await page.textContent('#report .summary') ?? '', 'This badge was changed after it was signed, or was not signed by who it says. Do not accept it.')
    assert.match(await page.textContent('#report .caution') ?? '', 'none of what follows can be believed', 'what the badge claims is flagged as unbelievable')
    // Every claim greyed and struck, tied to the statement; the forged name and issuer are not in bold.
    const facts = page.locator('#report dl.facts')
    assert.is(await facts.getAttribute('data-unverified'), 'true')
    assert.match(await facts.getAttribute('class') ?? '', /\bunverified\b/)
    const caution = await facts.getAttribute('aria-describedby') ?? ''
    assert.match(await page.textContent(`#${caution}`) ?? '', 'none of what follows can be believed')
    assert.match(await facts.textContent() ?? '', 'Bike Repair Master')
    assert.is(await facts.locator('strong, b').count(), 0, 'no claim of a tampered badge in bold')
    assert.match(await facts.locator('.issuer').textContent() ?? '', 'Claims to be "Bristol City of Learning" (not confirmed)')
    assert.is(await facts.evaluate((dl) => getComputedStyle(dl.querySelector('dd') as Element).textDecorationLine), 'line-through')
    assert.ok(await page.locator('#report details.technical').count() >= 1)
    assert.is(await row(page, 'proof').locator('td.outcome').textContent(), '✗ Failed')
    assert.ok((await row(page, 'proof').locator('td.reason').textContent() ?? '').includes(proofReason), 'the proof check\'s reason is shown')
    assert.match(await page.textContent('#status') ?? '', 'Not valid')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'error')
    await screenshot(page, 'verify-tampered')
    await assertAxeClean(page, 'verify-tampered')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('an https issuer whose key is only named in a URL: Cannot be checked here, with the reason, not Not valid; a forged did:key one: Not valid', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const harvard = 'https://www.harvard.edu/issuers/1'
    const forger = await generateKeyPair()
    forger.multikey.id = `${harvard}#${forger.publicKeyMultibase}`
    forger.multikey.controller = harvard
    const issuer = buildProfile({ id: harvard, name: 'Harvard University' })
    const achievement = buildAchievement({ name: 'Doctor of Law', description: 'Honoris causa', criteria: 'Awarded by the corporation', creator: issuer })
    await paste(page, await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: LEARNER }), { key: forger }))
    assert.match(await verdict(page), /^\? Cannot be checked here$/)
    const block = page.locator('#report .verdict').first()
    assert.is(await block.getAttribute('data-verdict'), 'cannot-be-checked')
    assert.match(await block.getAttribute('class') ?? '', /\bunknown\b/)
    assert.not.match(await block.getAttribute('class') ?? '', /\bbad\b/, 'not the red of Not valid')
    const summary = await page.textContent('#report .summary') ?? ''
    assert.match(summary, 'could not be checked on this node, so it is shown neither valid nor forged')
    assert.not.match(summary, /not taken on trust|COFL_ERR/, 'the technical reason is not in the summary')
    assert.match(await row(page, 'proof').locator('td.reason').textContent() ?? '', /not taken on trust/, 'the reason is in the details')
    assert.is(await row(page, 'proof').getAttribute('data-outcome'), 'indeterminate')
    assert.is((await row(page, 'proof').locator('td.outcome').textContent())?.trim(), '? Cannot be checked here')
    assert.match(await row(page, 'proof').textContent() ?? '', 'COFL_ERR_CONTROLLER_UNRESOLVED')
    assert.match(await page.textContent('#report .caution.unknown') ?? '', 'cannot be checked here, so none of what follows is verified')
    assert.match(await page.textContent('#status') ?? '', 'Cannot be checked here')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'info')
    assert.match(await page.textContent('#report') ?? '', 'Not asked: the signature cannot be checked here')
    await screenshot(page, 'verify-cannot-be-checked')
    await assertAxeClean(page, 'verify-cannot-be-checked')

    // The city's own DID as the issuer, the proof by another did:key's key: forged, Not valid.
    const node = (city as TestNode).node
    const stranger = await generateKeyPair()
    const city2 = buildProfile({ id: node.did, name: 'Bristol City of Learning' })
    const forged = await signCredential(buildOpenBadgeCredential({ issuer: city2, achievement: buildAchievement({ name: 'Bike Repair Master', description: 'Forged', criteria: 'None', creator: city2 }), subject: LEARNER }), { key: stranger })
    await paste(page, forged)
    await page.locator('#verdict', { hasText: /Not valid$/ }).waitFor()
    assert.is(await page.locator('#report .verdict').first().getAttribute('data-verdict'), 'tampered')
    assert.match(await row(page, 'proof').textContent() ?? '', 'COFL_ERR_KEY_NOT_BOUND')
    assert.is(await page.getAttribute('#status', 'data-kind'), 'error')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('a revoked credential: Revoked, and its status says so; a suspended one: Suspended', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    await admin('/api/credentials/revoke', { credentialId: toRevoke.id, now: true })
    await paste(page, toRevoke)
    assert.match(await verdict(page), /Revoked$/)
    assert.match(await page.textContent('#report .status-words') ?? '', /^Revoked: revoked by its issuer/)
    assert.is(await row(page, 'status').getAttribute('data-outcome'), 'failed')
    assert.match(await row(page, 'status').textContent() ?? '', 'COFL_ERR_STATUS_REVOKED')
    // Said in words; the bit number and the list only inside the (closed) technical details.
    assert.match(await page.textContent('#report .summary') ?? '', 'The issuer has revoked this badge: it is no longer valid. Do not accept it.')
    assert.match(await row(page, 'status').locator('td.reason').textContent() ?? '', /\bbit \d+\b/)
    assert.ok(await page.locator('#report details.technical tr[data-check="status"]').count() === 1, 'the status check is inside the details')
    assert.not.ok(await row(page, 'status').isVisible(), 'the details are closed')
    const outside = await page.evaluate(() => {
      const copy = document.querySelector('#report')?.cloneNode(true) as HTMLElement
      copy.querySelectorAll('details').forEach((d) => { d.remove() })
      return copy.textContent ?? ''
    })
    assert.not.match(outside, /\bbit \d+|urn:cofl:status|COFL_ERR/, 'no bit number, list id or code outside the details')
    await screenshot(page, 'verify-revoked')
    await assertAxeClean(page, 'verify-revoked')

    // A suspendable credential, suspended: Suspended.
    const suspendable = (await admin<{ credential: Record<string, unknown> }>('/api/credentials', { achievementId, subject: LEARNER, statusPurpose: 'suspension' })).credential
    await admin('/api/credentials/suspend', { credentialId: suspendable.id, now: true })
    await paste(page, suspendable)
    await page.locator('#verdict', { hasText: /Suspended$/ }).waitFor()
    assert.match(await page.textContent('#report .status-words') ?? '', /^Suspended: suspended by its issuer/)
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('a baked PNG, by the file input and dropped on the drop zone, and a baked SVG: Valid', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const png = Buffer.from(bakePng(defaultBadgePng(), valid))
    // 1. The file input (what a keyboard user reaches with Tab and Space).
    await page.setInputFiles('#file', { name: 'bike-repair.png', mimeType: 'image/png', buffer: png })
    assert.match(await verdict(page), /^✓ Valid$/)
    assert.match(await page.textContent('#status') ?? '', 'The badge chosen (bike-repair.png): Valid')
    assert.match(await page.textContent('#report') ?? '', 'Fixed a puncture', 'the description read from the baked credential')
    // What only the baked credential says (the node's report and catalogue do not): the criteria
    // and the credential's own dates.
    assert.match(await page.textContent('#report') ?? '', 'Three supervised repairs', 'the criteria read from the baked PNG')
    assert.is(await page.locator(`#report time[datetime="${String(valid.validFrom)}"]`).count(), 1, 'validFrom read from the baked PNG')
    await screenshot(page, 'verify-png-chosen')
    await assertAxeClean(page, 'verify-png-chosen')

    // 2. A drop: a DataTransfer made in the page holding the same file, dropped on the zone.
    await page.click('#clear-button')
    assert.ok(await page.locator('#report').isHidden())
    const transfer = await page.evaluateHandle((bytes) => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array(bytes)], 'dropped-badge.png', { type: 'image/png' }))
      return data
    }, [...png])
    await page.dispatchEvent('#dropzone', 'dragenter', { dataTransfer: transfer })
    assert.ok(await page.locator('#dropzone.over').count() === 1, 'the zone shows it will take the drop')
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: transfer })
    assert.match(await verdict(page), /^✓ Valid$/)
    assert.match(await page.textContent('#status') ?? '', 'The badge dropped (dropped-badge.png): Valid')
    assert.is(await page.locator('#dropzone.over').count(), 0)
    assert.match(await page.textContent('#report') ?? '', 'Bristol City of Learning')
    await screenshot(page, 'verify-png-dropped')
    await assertAxeClean(page, 'verify-png-dropped')

    // 3. A baked SVG, by the file input.
    const svgBadge = bakeSvg(defaultBadgeSvg('Bike Repair Basics'), valid)
    await page.setInputFiles('#file', { name: 'bike-repair.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svgBadge) })
    await page.locator('#status', { hasText: 'The badge chosen (bike-repair.svg): Valid' }).waitFor()
    assert.match(await page.textContent('#report') ?? '', 'Fixed a puncture', 'the description read from the baked SVG')
    assert.match(await page.textContent('#report') ?? '', 'Three supervised repairs', 'the criteria read from the baked SVG')
    assert.is(await page.locator(`#report time[datetime="${String(valid.validFrom)}"]`).count(), 1, 'validFrom read from the baked SVG')

    // 4. A PNG baked elsewhere with a compressed iTXt chunk, which OB 3.0 forbids: the page reads
    // it as the node does (@cofl/formats inflates it in the browser too) and verifies it, and shows
    // what only the credential says.
    await page.setInputFiles('#file', { name: 'compressed.png', mimeType: 'image/png', buffer: withCompressedCredential(Buffer.from(defaultBadgePng()), valid) })
    await page.locator('#status', { hasText: 'The badge chosen (compressed.png): Valid' }).waitFor()
    assert.match(await page.textContent('#report') ?? '', 'Fixed a puncture', 'the description read from the compressed chunk')
    assert.match(await page.textContent('#report') ?? '', 'Three supervised repairs', 'the criteria read from the compressed chunk')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

/** `png` with an `openbadgecredential` iTXt chunk whose text is deflated (compression flag 1), before IEND. */
function withCompressedCredential (png: Buffer, credential: object): Buffer {
  const data = Buffer.concat([Buffer.from('openbadgecredential\0', 'latin1'), Buffer.from([1, 0]), Buffer.from('\0\0', 'latin1'), deflateSync(JSON.stringify(credential))])
  const type = Buffer.from('iTXt', 'latin1')
  const chunk = Buffer.alloc(12 + data.length)
  chunk.writeUInt32BE(data.length, 0)
  type.copy(chunk, 4)
  data.copy(chunk, 8)
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length)
  const iend = png.length - 12 // the last chunk of a PNG is IEND, 12 bytes
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)])
}

it('a presentation: the challenge field appears; without it the presentation fails, with it it is valid', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const holder = await generateKeyPair()
    const held = await issue(holder.did)
    const vp = await signPresentation(buildPresentation({ holder: holder.did, verifiableCredential: [held as never] }), { key: holder, challenge: 'c-123', domain: 'jobs.example' })
    assert.ok(await page.locator('#presentation-options').isHidden())
    await page.fill('#json', JSON.stringify(vp))
    await page.locator('#presentation-options').waitFor({ state: 'visible' })
    await page.click('#verify-button')
    assert.match(await verdict(page), /Presentation: Not valid for this request$/)
    assert.match(await row(page, 'proof').textContent() ?? '', 'COFL_ERR_CHALLENGE_MISSING')

    // Another challenge: made for another request, which is not a broken signature.
    await page.fill('#challenge', 'c-999')
    await page.click('#verify-button')
    // The report before said "Not valid for this request" too (no challenge): wait for the new one's words.
    await page.locator('#report .summary', { hasText: 'made for another request' }).first().waitFor({ timeout: 10_000 })
    assert.match(await verdict(page), /Presentation: Not valid for this request$/)
    const summary = await page.textContent('#report .summary') ?? ''
    assert.match(summary, 'This presentation was made for another request (challenge/domain)')
    assert.not.match(summary, /signature does not hold|changed after it was signed|forged|not as expected/i)
    assert.is(await page.locator('#report .verdict').first().getAttribute('data-verdict'), 'other-request')
    assert.match(await row(page, 'proof').locator('td.reason').textContent() ?? '', /challenge/i, 'the verifier\'s own reason is in the details')
    await page.fill('#challenge', '')

    // A domain alone is refused in the page, before any request.
    await page.fill('#domain', 'jobs.example')
    await page.click('#verify-button')
    await page.getByText('A domain is checked together with a challenge').waitFor()
    assert.is(await page.getAttribute('#challenge', 'aria-invalid'), 'true')
    assert.ok(await page.locator('#report').isHidden())

    await page.fill('#challenge', 'c-123')
    await page.click('#verify-button')
    assert.match(await verdict(page), /Presentation: Valid$/)
    const heading = await page.locator('#report h3.verdict-title').first().textContent() ?? ''
    assert.match(heading, 'Credential 1 of 1 (Bike Repair Basics): Valid')
    assert.match(await page.textContent('#report') ?? '', holder.did)
    await screenshot(page, 'verify-presentation')
    await assertAxeClean(page, 'verify-presentation')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('an issuer outside the node\'s trust: valid but not trusted, then trusted once the city endorses it', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const key = await generateKeyPair()
    const issuer = buildProfile({ id: key.did, name: 'Harbourside Makerspace' })
    const achievement = buildAchievement({ name: 'Laser Cutting Safety', description: 'Safe use of the laser cutter', criteria: 'Induction', creator: issuer })
    const credential = await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: LEARNER }), { key })
    await paste(page, credential)
    assert.match(await verdict(page), /Valid, but the issuer is not trusted$/)
    assert.match(await page.textContent('#report .trust') ?? '', 'Not trusted.')
    assert.match(await page.textContent('#report') ?? '', 'No endorsement of this issuer is held')
    await screenshot(page, 'verify-untrusted')
    await assertAxeClean(page, 'verify-untrusted')

    // The makerspace runs no node: it hands the city its Profile, signed by its own key.
    const profile = await signDocument(buildProfileDocument({ id: key.did, name: 'Harbourside Makerspace' }), { key })
    await admin('/api/endorsements', { issuer: key.did, comment: 'Our partner makerspace', profile })
    await page.click('#verify-button')
    await page.locator('#verdict', { hasText: /^✓ Valid$/ }).waitFor()
    const node = (city as TestNode).node
    const endorsers = await page.locator('#report ul.endorsers li').allTextContents()
    assert.equal(endorsers.length, 1)
    // The endorsing city by the name in its Profile, the DIDs only under the details.
    assert.is(endorsers[0], 'Endorsed by Bristol City of Learning (this node, a trust root)')
    const chain = await page.locator('#report ol.chain li').allTextContents()
    assert.equal(chain.length, 2)
    assert.match(chain[0] ?? '', 'Bristol City of Learning (trust root)')
    // The makerspace handed its Profile over, which the node does not keep: it has no verified
    // name here, so the one it gives itself stays labelled as its own.
    assert.match(chain[1] ?? '', 'an issuer with no Profile on this node (the issuer)')
    assert.match(await page.textContent('#report .issuer') ?? '', 'Names itself "Harbourside Makerspace" (self-declared, not confirmed)')
    const details = await page.textContent('#report details.trust-details') ?? ''
    assert.match(details, key.did)
    assert.match(details, `Bristol City of Learning: ${node.did}`)
    await screenshot(page, 'verify-endorsed')
    await assertAxeClean(page, 'verify-endorsed')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('a fresh key naming itself Plymouth City Council: the name is never shown as fact', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const key = await generateKeyPair()
    const issuer = buildProfile({ id: key.did, name: 'Plymouth City Council' })
    const achievement = buildAchievement({ name: 'Harbour Safety', description: 'Safe work on the quays', criteria: 'Induction', creator: issuer })
    await paste(page, await signCredential(buildOpenBadgeCredential({ issuer, achievement, subject: LEARNER }), { key }))
    assert.match(await verdict(page), /Valid, but the issuer is not trusted$/)
    assert.is(await page.getAttribute('#report [data-issuer]', 'data-issuer'), 'self-declared')
    assert.match(await page.textContent('#report .issuer') ?? '', 'Names itself "Plymouth City Council" (self-declared, not confirmed)')
    const bold = await page.locator('#report strong, #report b, #report h2, #report h3, #report h4').allTextContents()
    assert.ok(bold.every((text) => !text.includes('Plymouth')), `never in bold or a heading: ${bold.join(' | ')}`)
    assert.not.match(await page.textContent('#report .summary') ?? '', 'Plymouth')
    assert.not.match(await page.textContent('#status') ?? '', 'Plymouth')
    assert.match(await page.textContent('#report .trust') ?? '', 'who it really is, is not confirmed')
    await screenshot(page, 'verify-self-declared')
    await assertAxeClean(page, 'verify-self-declared')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('bad input gets a message in the live region and no report: empty, not JSON, an image with no badge', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    await page.click('#verify-button')
    assert.match(await page.textContent('#status') ?? '', 'Nothing to verify')
    assert.is(await page.getAttribute('#status', 'role'), 'status')
    assert.is(await page.getAttribute('#json', 'aria-invalid'), 'true')
    assert.is(await page.evaluate(() => document.activeElement?.id), 'json')

    await page.fill('#json', '{"type": ["VerifiableCredential"], oops')
    await page.click('#verify-button')
    assert.match(await page.textContent('#status') ?? '', 'This is not JSON')
    assert.ok(await page.locator('#report').isHidden())
    await screenshot(page, 'verify-not-json')
    await assertAxeClean(page, 'verify-not-json')

    await page.fill('#json', '[1, 2]')
    await page.click('#verify-button')
    assert.match(await page.textContent('#status') ?? '', 'an array')

    await page.setInputFiles('#file', { name: 'plain.png', mimeType: 'image/png', buffer: Buffer.from(defaultBadgePng()) })
    await page.getByText('no badge is baked into this PNG image').waitFor()
    assert.not.match(await page.textContent('#status') ?? '', /iTXt|openbadgecredential/)
    assert.ok(await page.locator('#report').isHidden())
    await page.setInputFiles('#file', { name: 'empty.json', mimeType: 'application/json', buffer: Buffer.alloc(0) })
    await page.getByText('The file empty.json is empty.').waitFor()

    // A phone's width: everything reflows, nothing scrolls sideways (WCAG 1.4.10).
    await page.setViewportSize({ width: 390, height: 800 })
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling at 390 px')
    await screenshot(page, 'verify-narrow')
    await assertAxeClean(page, 'verify-narrow')
    await page.setViewportSize({ width: 1280, height: 900 })

    // A JSON object that is no credential goes to the verifier, whose report says what it is not.
    await page.fill('#json', '{"hello": "world"}')
    await page.click('#verify-button')
    assert.match(await verdict(page), /Not a credential$/)
    assert.is(await row(page, 'format').getAttribute('data-outcome'), 'failed')
    // The page still works after all that.
    await paste(page, valid)
    await page.locator('#verdict', { hasText: /^✓ Valid$/ }).waitFor()
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

it('nothing given to the page leaves the browser: it asks the node only its health, status lists and trust (GET)', async () => {
  const errors: string[] = []
  const { page, close } = await open(errors)
  try {
    const requests: string[] = []
    page.on('request', (request) => { requests.push(`${request.method()} ${new URL(request.url()).pathname}`) })
    await paste(page, valid)
    assert.match(await verdict(page), /^✓ Valid$/)
    await page.click('#clear-button')
    await page.setInputFiles('#file', { name: 'bike-repair.png', mimeType: 'image/png', buffer: Buffer.from(bakePng(defaultBadgePng(), valid)) })
    await page.locator('#status', { hasText: 'The badge chosen (bike-repair.png): Valid' }).waitFor()
    const api = requests.filter((r) => r.includes(' /api/'))
    assert.ok(api.length > 0)
    for (const request of api) assert.match(request, /^GET \/api\/(health|status\/[^/]+|trust\/did%3A[^/]+)$/, request)
    assert.ok(api.some((r) => r.startsWith('GET /api/status/')), 'the status list was asked of the node')
    assert.ok(api.some((r) => r.startsWith(`GET /api/trust/${encodeURIComponent((city as TestNode).node.did)}`)), 'the issuer\'s trust was asked of the node')
    assert.equal(requests.filter((r) => !r.startsWith('GET ')), [], 'nothing was sent')
    assert.equal(errors, [])
  } finally {
    await close()
  }
})

run()
