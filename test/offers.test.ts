// Offers and claims on a city node started in this process (no federation): an offer, its claim
// by a learner's signed presentation, the credential about the learner's DID; every refusal with
// its status and code (used, wrong, expired, signed by another DID, stale challenge, wrong
// domain); concurrent claims of one code; bulk offers of 10,000 rows with bad ones, over HTTP and
// with `cofl offer --csv`; and nothing private in what the node keeps for the federation.
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildPresentation, signPresentation, validateSchema } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openLevelStore } from '@cofl/store'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { cli } from './fixtures/cli.js'

type Json = Record<string, any>

let dir = ''
let node: CityNode
let achievementId = ''
let learner: KeyPair

interface Answer { status: number, body: Json }

async function call (method: string, path: string, body?: unknown, token: string | null = node.adminToken): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (token != null) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${node.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(60_000) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) }
}

const ok = async (method: string, path: string, body?: unknown, status = 200): Promise<Json> => {
  const answer = await call(method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

const refused = (answer: Answer, status: number, code: string, message?: RegExp): void => {
  assert.is(answer.status, status, JSON.stringify(answer.body))
  assert.is(answer.body.error?.code, code, JSON.stringify(answer.body))
  if (message != null) assert.match(answer.body.error.message, message)
}

/** The code at the end of a claim URL or claim page link (`/claim#<code>`). */
const codeOf = (claimUrl: string): string => claimUrl.slice(Math.max(claimUrl.lastIndexOf('/'), claimUrl.lastIndexOf('#')) + 1)

/** GET the claim (public), then sign an empty presentation over its challenge and domain. */
async function presentation (code: string, key: KeyPair, options: { holder?: string, challenge?: string, domain?: string } = {}): Promise<Json> {
  const claim = await call('GET', `/api/claims/${code}`, undefined, null)
  assert.is(claim.status, 200, JSON.stringify(claim.body))
  return await signPresentation(buildPresentation({ holder: options.holder ?? key.did, verifiableCredential: [] }), {
    key, challenge: options.challenge ?? claim.body.challenge, domain: options.domain ?? claim.body.domain
  }) as unknown as Json
}

const claim = async (code: string, vp: unknown): Promise<Answer> => await call('POST', `/api/claims/${code}`, { presentation: vp }, null)

const NAME = 'Ada Lovelace-Byron'
const EMAIL = 'ada.private@learners.example'

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-offers-'))
  learner = await generateKeyPair()
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  const created = await ok('POST', '/api/achievements', { name: 'Harbour Safety', description: 'A day on the water', criteria: 'Complete the day' }, 201)
  achievementId = created.id
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('offer, claim by a signed presentation: the credential is about the learner DID, verifies, and is logged', async () => {
  const offer = await ok('POST', '/api/offers', { achievementId, name: NAME, email: EMAIL }, 201)
  assert.equal(Object.keys(offer).sort(), ['claimLink', 'claimUrl', 'code', 'expiresAt', 'offerId'])
  assert.is(offer.claimLink, `${node.url}/claim#${offer.code}`)
  assert.match(offer.code, /^[A-Za-z0-9_-]{43}$/)
  assert.is(offer.claimUrl, `${node.url}/api/claims/${offer.code}`)
  const days = (Date.parse(offer.expiresAt) - Date.now()) / 86_400_000
  assert.ok(days > 29.9 && days <= 30, `default validity is 30 days, not ${days}`)

  // the admin sees the open offer with its claim page link (to hand out again), never the digest
  const shown = await ok('GET', `/api/offers/${offer.offerId}`)
  assert.is(shown.state, 'open')
  assert.is(shown.email, EMAIL)
  assert.is(shown.claimLink, offer.claimLink)
  assert.is((await ok('GET', '/api/offers?limit=1000')).offers.find((o: Json) => o.offerId === offer.offerId)?.claimLink, offer.claimLink)
  assert.not.ok('codeDigest' in shown)

  // the claim page: achievement, issuer, challenge, domain; nothing of the name or email
  const page = await call('GET', `/api/claims/${offer.code}`, undefined, null)
  assert.is(page.status, 200)
  assert.equal(Object.keys(page.body).sort(), ['achievement', 'challenge', 'challengeExpiresAt', 'domain', 'expiresAt', 'issuer', 'offerId'])
  assert.is(page.body.achievement.id, achievementId)
  assert.is(page.body.achievement.name, 'Harbour Safety')
  assert.equal(page.body.issuer, { id: node.did, name: 'Plymouth City of Learning' })
  assert.is(page.body.domain, new URL(node.url).host)
  assert.not.ok(JSON.stringify(page.body).includes(EMAIL))
  assert.not.ok(JSON.stringify(page.body).includes('Lovelace'))

  const vp = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [] }), {
    key: learner, challenge: page.body.challenge, domain: page.body.domain
  })
  const claimed = await claim(offer.code, vp)
  assert.is(claimed.status, 201, JSON.stringify(claimed.body))
  const credential = claimed.body.credential
  assert.equal(Object.keys(claimed.body), ['credential', 'awards'])
  assert.equal(claimed.body.awards, [], 'no pathway of this node awards a badge')
  assert.is(credential.credentialSubject.id, learner.did)
  assert.is(credential.issuer.id, node.did)
  assert.is(credential.credentialSubject.achievement.id, achievementId)
  assert.is(credential.credentialStatus.statusPurpose, 'revocation')
  assert.not.ok(JSON.stringify(credential).includes(EMAIL))
  assert.not.ok(JSON.stringify(credential).includes('Lovelace'))
  const schema = validateSchema('AchievementCredential', credential)
  assert.ok(schema.valid, schema.errors.join('; '))
  const report = await ok('POST', '/api/verify', { verifiableCredential: credential })
  assert.is(report.verified, true, JSON.stringify(report.checks))

  const record = await ok('GET', `/api/credentials/${encodeURIComponent(credential.id)}`)
  assert.is(record.subject, learner.did)
  assert.equal(record.credential, credential)
  const after = await ok('GET', `/api/offers/${offer.offerId}`)
  assert.is(after.state, 'claimed')
  assert.is(after.credentialId, credential.id)
  assert.not.ok(JSON.stringify(after).includes(offer.code), 'a claimed offer has no link: its code is dropped')

  // the same code again: 409, on the page and on the claim
  refused(await call('GET', `/api/claims/${offer.code}`, undefined, null), 409, 'COFL_ERR_OFFER_CLAIMED', /claimed already/)
  refused(await claim(offer.code, vp), 409, 'COFL_ERR_OFFER_CLAIMED', /works once/)
  // the email is free again for a new offer of the achievement once claimed
  await ok('POST', '/api/offers', { achievementId, email: EMAIL }, 201)
})

test('a wrong code: 404 on the page and the claim; an unknown achievement: 404; a live offer to the same email: 409', async () => {
  const wrong = 'A'.repeat(43)
  refused(await call('GET', `/api/claims/${wrong}`, undefined, null), 404, 'COFL_ERR_OFFER_NOT_FOUND', /no offer has this claim code/)
  refused(await claim(wrong, { type: 'VerifiablePresentation' }), 404, 'COFL_ERR_OFFER_NOT_FOUND')
  refused(await call('GET', '/api/claims/short', undefined, null), 404, 'COFL_ERR_OFFER_NOT_FOUND')
  refused(await call('POST', '/api/offers', { achievementId: 'urn:example:none', email: 'x@example.org' }), 404, 'COFL_ERR_NOT_FOUND')
  await ok('POST', '/api/offers', { achievementId, email: 'twice@example.org' }, 201)
  refused(await call('POST', '/api/offers', { achievementId, email: 'TWICE@example.org ' }), 409, 'COFL_ERR_CONFLICT', /live offer/)
  refused(await call('POST', '/api/offers', { achievementId, email: 'not-an-email' }), 400, 'COFL_ERR_BAD_REQUEST', /bad email/)
  refused(await call('POST', '/api/offers', { achievementId, ttlHours: 0 }), 400, 'COFL_ERR_BAD_REQUEST')
  refused(await call('POST', '/api/offers', { achievementId, ttlHours: 9000 }), 400, 'COFL_ERR_BAD_REQUEST')
  refused(await call('POST', '/api/offers', { achievementId, email: 'a@example.org' }, null), 401, 'COFL_ERR_UNAUTHORIZED')
  refused(await call('GET', '/api/offers', undefined, null), 401, 'COFL_ERR_UNAUTHORIZED')
  refused(await call('POST', '/api/claims/x', { presentation: {}, extra: 1 }, null), 400, 'COFL_ERR_BAD_REQUEST')
  refused(await call('GET', '/api/offers/nope'), 404, 'COFL_ERR_NOT_FOUND')
})

test('an expired offer: 410 on the page and the claim', async () => {
  const offer = await ok('POST', '/api/offers', { achievementId, email: 'late@example.org', ttlHours: 0.0002 }, 201)
  const vp = await presentation(offer.code, learner) // still open: 0.72 s
  await sleep(900)
  refused(await call('GET', `/api/claims/${offer.code}`, undefined, null), 410, 'COFL_ERR_OFFER_EXPIRED', /expired at/)
  refused(await claim(offer.code, vp), 410, 'COFL_ERR_OFFER_EXPIRED')
  assert.is((await ok('GET', `/api/offers/${offer.offerId}`)).state, 'expired')
  // an expired offer does not block a new one to the same email
  await ok('POST', '/api/offers', { achievementId, email: 'late@example.org' }, 201)
})

test('bad proofs: 400 COFL_ERR_CLAIM_PROOF with the reason, and the offer stays claimable', async () => {
  const offer = await ok('POST', '/api/offers', { achievementId, name: 'Bea', email: 'bea@example.org' }, 201)
  const code = offer.code
  const other = await generateKeyPair()

  // no GET before the claim: no challenge
  const unsolicited = await signPresentation(buildPresentation({ holder: learner.did, verifiableCredential: [] }), { key: learner, challenge: 'made-up', domain: new URL(node.url).host })
  refused(await claim(code, unsolicited), 400, 'COFL_ERR_CLAIM_PROOF', /GET the claim first/)
  // signed by another DID than its holder
  refused(await claim(code, await presentation(code, other, { holder: learner.did })), 400, 'COFL_ERR_CLAIM_PROOF', /not by its holder/)
  // a stale challenge: a second GET replaced it
  const stale = await presentation(code, learner)
  await presentation(code, learner)
  refused(await claim(code, stale), 400, 'COFL_ERR_CLAIM_PROOF', /stale challenge/)
  // another domain
  refused(await claim(code, await presentation(code, learner, { domain: 'evil.example' })), 400, 'COFL_ERR_CLAIM_PROOF', /domain/)
  // not signed at all, or changed after signing
  await call('GET', `/api/claims/${code}`, undefined, null)
  refused(await claim(code, buildPresentation({ holder: learner.did, verifiableCredential: [] })), 400, 'COFL_ERR_CLAIM_PROOF', /not signed/)
  const tampered = await presentation(code, learner)
  tampered.id = 'urn:uuid:00000000-0000-4000-8000-000000000000'
  refused(await claim(code, tampered), 400, 'COFL_ERR_CLAIM_PROOF', /does not verify/)
  // no holder, a holder that is no DID, not a presentation
  refused(await claim(code, await presentation(code, learner, { holder: 'https://example.org/me' })), 400, 'COFL_ERR_CLAIM_PROOF', /holder/)
  refused(await claim(code, { hello: 'world' }), 400, 'COFL_ERR_CLAIM_PROOF', /VerifiablePresentation/)

  assert.is((await ok('GET', `/api/offers/${offer.offerId}`)).state, 'open')
  const good = await claim(code, await presentation(code, learner))
  assert.is(good.status, 201, JSON.stringify(good.body))
  assert.is(good.body.credential.credentialSubject.id, learner.did)
})

test('concurrent claims of one code by ten learners: exactly one 201, the others 409; one credential issued', async () => {
  const offer = await ok('POST', '/api/offers', { achievementId, email: 'race@example.org', statusPurpose: 'suspension' }, 201)
  const page = await ok('GET', `/api/claims/${offer.code}`)
  const learners = await Promise.all(Array.from({ length: 10 }, async () => await generateKeyPair()))
  const vps = await Promise.all(learners.map(async (key) => {
    return await signPresentation(buildPresentation({ holder: key.did, verifiableCredential: [] }), { key, challenge: page.challenge, domain: page.domain })
  }))
  const before = (await ok('GET', '/api/credentials?limit=1000')).credentials.length
  const answers = await Promise.all(vps.map(async (vp) => await claim(offer.code, vp)))
  const statuses = answers.map((a) => a.status).sort()
  assert.equal(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409], JSON.stringify(answers.map((a) => a.body.error)))
  const winner = answers.find((a) => a.status === 201) as Answer
  assert.is(winner.body.credential.credentialStatus.statusPurpose, 'suspension')
  assert.ok(learners.some((k) => k.did === winner.body.credential.credentialSubject.id))
  for (const a of answers.filter((x) => x.status === 409)) assert.is(a.body.error.code, 'COFL_ERR_OFFER_CLAIMED')
  assert.is((await ok('GET', '/api/credentials?limit=1000')).credentials.length, before + 1)
  assert.is((await ok('GET', `/api/offers/${offer.offerId}`)).credentialId, winner.body.credential.id)
})

/** 10,000 learner rows with bad ones; `expected` says what must happen to each (by 1-based data row). */
function learners (count: number, domain: string): { rows: Array<{ name: string, email: string }>, bad: Map<number, RegExp> } {
  const rows: Array<{ name: string, email: string }> = []
  const bad = new Map<number, RegExp>()
  for (let i = 1; i <= count; i++) {
    let email = `learner${i}@${domain}`
    const name = i % 7 === 0 ? `Smith, "Jo" ${i}` : `Learner ${i}`
    if (i % 97 === 0) { email = ''; bad.set(i, /^missing email$/) } else if (i % 89 === 0) { email = `learner${i}.at.${domain}`; bad.set(i, /^bad email .*no @/) } else if (i % 83 === 0) { email = `learner ${i}@${domain}`; bad.set(i, /^bad email .*not a valid address/) } else if (i % 101 === 0 && !bad.has(i - 50)) { email = `LEARNER${i - 50}@${domain.toUpperCase()}`; bad.set(i, /^duplicate email/) }
    rows.push({ name, email })
  }
  return { rows, bad }
}

test('bulk over HTTP: 10,000 rows in chunks of 1,000; every bad row refused with its row and reason, every good row offered', async () => {
  const { rows, bad } = learners(10_000, 'bulk.example')
  const offered: Json[] = []
  const refusedRows: Json[] = []
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000).map((r, j) => ({ ...r, row: start + j + 1 }))
    const result = await ok('POST', '/api/offers/bulk', { achievementId, rows: chunk, ttlHours: 48 })
    offered.push(...result.offered)
    refusedRows.push(...result.refused)
  }
  assert.is(offered.length + refusedRows.length, 10_000)
  assert.equal(refusedRows.map((r) => r.row).sort((a, b) => a - b), [...bad.keys()].sort((a, b) => a - b))
  for (const r of refusedRows) assert.match(r.reason, bad.get(r.row) as RegExp, `row ${r.row}: ${r.reason}`)
  assert.ok(refusedRows.some((r) => r.problem === 'duplicate-email' && /live offer/.test(r.reason)), 'a duplicate across requests is refused as a live offer')
  for (const o of offered) {
    assert.not.ok(bad.has(o.row))
    assert.match(o.code, /^[A-Za-z0-9_-]{43}$/)
    assert.is(o.claimUrl, `${node.url}/api/claims/${o.code}`)
  }
  assert.is(new Set(offered.map((o) => o.code)).size, offered.length)
  // within one request, the duplicate names the row it repeats; row numbers default to the place in rows
  const inRequest = await ok('POST', '/api/offers/bulk', { achievementId, rows: [{ name: 'A', email: 'same@x.example' }, { name: 'B', email: 'Same@X.example' }, {}] })
  assert.equal(inRequest.refused.map((r: Json) => [r.row, r.problem]), [[2, 'duplicate-email'], [3, 'missing-email']])
  assert.match(inRequest.refused[0].reason, /the same as row 1/)
  refused(await call('POST', '/api/offers/bulk', { achievementId, rows: Array.from({ length: 1001 }, () => ({ email: 'a@b.example' })) }), 400, 'COFL_ERR_BAD_REQUEST')
  refused(await call('POST', '/api/offers/bulk', { achievementId: 'urn:example:none', rows: [{ email: 'a@b.example' }] }), 404, 'COFL_ERR_NOT_FOUND')

  // a bulk offer is claimed like any other, and the listing pages through every offer
  const sample = offered[1234] as Json
  const vp = await presentation(sample.code, learner)
  assert.is((await claim(sample.code, vp)).status, 201)
  let count = 0
  let cursor: string | null = null
  do {
    const page: Json = await ok('GET', `/api/offers?limit=1000${cursor != null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    count += page.offers.length
    for (const o of page.offers) assert.not.ok('code' in o || 'codeDigest' in o || 'challenge' in o)
    cursor = page.next
  } while (cursor != null)
  assert.ok(count >= offered.length + 1, `listed ${count}`)
})

test('bulk with `cofl offer --csv`: 10,000 rows (BOM, CRLF, quoted names); refused rows on stderr, claim links as CSV', async () => {
  const data = join(dir, 'city')
  const second = await ok('POST', '/api/achievements', { name: 'Museum Explorer', description: 'Five visits', criteria: 'Visit five times' }, 201)
  const { rows, bad } = learners(10_000, 'csv.example')
  const quote = (v: string): string => /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
  // header "Email,Name" in another order and case; a blank line, which is skipped (but counted as a row)
  const lines = ['\uFEFFEmail,Name', ...rows.map((r) => `${quote(r.email)},${quote(r.name)}`)]
  lines.splice(501, 0, '')
  const csvRow = (i: number): number => i + 1 + (i >= 501 ? 1 : 0) // data row i (1-based) -> CSV row (header = 1)
  await writeFile(join(dir, 'learners.csv'), lines.join('\r\n') + '\r\n')

  const run = await cli('offer', '--achievement', second.id, '--csv', join(dir, 'learners.csv'), '--data', data, '--out', join(dir, 'results.csv'), '--ttl-hours', '24')
  assert.is(run.code, 1, run.stderr.slice(-2000))
  assert.is(run.stdout, '')
  // not a terminal: plain n/N lines
  assert.match(run.stderr, /^offers: 500\/\d+ rows sent$/m)
  // duplicates within the file are refused before sending
  const sent = 10_000 - [...bad.values()].filter((r) => String(r).includes('duplicate')).length
  assert.match(run.stderr, new RegExp(`^offers: ${sent}/${sent} rows sent$`, 'm'))
  const reported = [...run.stderr.matchAll(/^row (\d+): refused: (.*)$/gm)].map((m) => [Number(m[1]), m[2] as string] as const)
  assert.equal(reported.map(([row]) => row), [...bad.keys()].map(csvRow))
  for (const [i, reason] of [...bad].map(([i, r]) => [i, r] as const)) {
    const line = reported.find(([row]) => row === csvRow(i))
    assert.ok(line != null && reason.test(line[1]), `row ${csvRow(i)}: ${String(line?.[1])}`)
  }
  const duplicate = reported.find(([row]) => row === csvRow(101)) as readonly [number, string]
  assert.match(duplicate[1], new RegExp(`the same as row ${csvRow(51)}$`))
  assert.match(run.stderr, new RegExp(`^${10_000 - bad.size} of 10000 row\\(s\\) offered, ${bad.size} refused; claim links in `, 'm'))

  const results = (await readFile(join(dir, 'results.csv'), 'utf8')).split('\r\n').filter((l) => l !== '')
  assert.is(results[0], 'row,name,email,claimLink')
  assert.is(results.length - 1, 10_000 - bad.size)
  assert.match(results[7] as string, new RegExp(`^${csvRow(7)},"Smith, ""Jo"" 7",learner7@csv\\.example,${node.url}/claim#[A-Za-z0-9_-]{43}$`))
  const urls = results.slice(1).map((l) => l.split(',').pop() as string)
  assert.is(new Set(urls).size, urls.length)
  // a link of the file is claimable
  const code = codeOf(urls[42] as string)
  assert.is((await claim(code, await presentation(code, learner))).status, 201)

  // again: every row has a live offer now and is refused (exit 1), but for the one just claimed,
  // which is offered again; the claim links go to stdout
  const again = await cli('offer', '--achievement', second.id, '--csv', join(dir, 'learners.csv'), '--data', data)
  assert.is(again.code, 1)
  const lines2 = again.stdout.split('\r\n').filter((l) => l !== '')
  assert.is(lines2.length, 2)
  assert.match(lines2[1] as string, new RegExp(`^${csvRow(43)},Learner 43,learner43@csv\\.example,`))
  assert.match(again.stderr, /live offer/)
})

test('`cofl offer`: all offered (exit 0), one offer, bad usage (exit 2)', async () => {
  const data = join(dir, 'city')
  await writeFile(join(dir, 'three.csv'), 'name,email\nAnn,ann@three.example\n"Bo, B",bo@three.example\nCy,cy@three.example')
  const all = await cli('offer', '--achievement', achievementId, '--csv', join(dir, 'three.csv'), '--node', node.url, '--token-file', join(data, 'admin-token'))
  assert.is(all.code, 0, all.stderr)
  const lines = all.stdout.trim().split('\r\n')
  assert.is(lines.length, 4)
  assert.match(lines[2] as string, /^3,"Bo, B",bo@three\.example,http:\/\/127\.0\.0\.1:\d+\/claim#[A-Za-z0-9_-]{43}$/)
  assert.match(all.stderr, /^3 of 3 row\(s\) offered, 0 refused$/m)

  const one = await cli('offer', '--achievement', achievementId, '--email', 'solo@example.org', '--name', 'Solo', '--data', data)
  assert.is(one.code, 0, one.stderr)
  assert.match(JSON.parse(one.stdout).claimUrl, /\/api\/claims\//)

  await writeFile(join(dir, 'noemail.csv'), 'name,mail\nAnn,ann@x.example\n')
  await writeFile(join(dir, 'broken.csv'), 'name,email\n"Ann,ann@x.example\n')
  const usage: Array<[string[], RegExp]> = [
    [['offer', '--csv', join(dir, 'three.csv'), '--data', data], /--achievement is required/],
    [['offer', '--achievement', achievementId, '--data', data], /--csv/],
    [['offer', '--achievement', achievementId, '--csv', join(dir, 'noemail.csv'), '--data', data], /"email" column/],
    [['offer', '--achievement', achievementId, '--csv', join(dir, 'broken.csv'), '--data', data], /row 2: a quoted field is never closed/],
    [['offer', '--achievement', achievementId, '--csv', join(dir, 'missing.csv'), '--data', data], /no such file/],
    [['offer', '--achievement', achievementId, '--csv', join(dir, 'three.csv'), '--ttl-hours', 'soon', '--data', data], /--ttl-hours/],
    [['offer', '--achievement', 'urn:example:none', '--csv', join(dir, 'three.csv'), '--data', data], /COFL_ERR_NOT_FOUND/],
    [['offer', '--achievement', achievementId, '--email', 'bad', '--data', data], /bad email/],
    [['offer', '--achievement', achievementId, '--csv', join(dir, 'three.csv'), '--colour', 'red'], /colour/]
  ]
  for (const [argv, message] of usage) {
    const run = await cli(...argv)
    assert.is(run.code, 2, `${argv.join(' ')}: ${run.stderr}`)
    assert.match(run.stderr, message)
  }
  assert.is((await cli('offer', '--help')).code, 0)
})

test('nothing private outside the offers collection and the issuance log: not in what the node publishes, not in its other files', async () => {
  const offers = await ok('GET', '/api/offers?limit=1000')
  assert.ok(offers.offers.length > 0)
  await node.stop()
  const store = await openLevelStore({ directory: join(dir, 'city', 'store') })
  const secrets: string[] = [EMAIL, 'Lovelace', 'bea@example.org', 'learner1@bulk.example', 'learner2@csv.example', 'Smith, \\"Jo\\"', learner.did]
  try {
    // offers hold the emails sealed (the API showed them above: the probe would see them in clear), the code index only digests
    let sealed = 0
    for await (const [key, value] of store.collection('offers').entries()) {
      const text = JSON.stringify([key, value])
      for (const secret of secrets) assert.not.ok(text.includes(secret), `${secret} in clear in store.offers (${key})`)
      if (typeof (value as Json).contact === 'string') sealed++
      assert.not.ok(/"code"/.test(JSON.stringify(value)), `a code is stored under ${key}`)
    }
    assert.ok(sealed > 0)
    assert.ok(offers.offers.some((o: Json) => typeof o.email === 'string' && o.email.includes('@')), 'the API shows the emails it sealed')
    for (const name of ['achievements', 'profiles', 'endorsements', 'status-lists', 'peers', 'meta', 'oauth', 'held']) {
      for await (const [key, value] of store.collection(name).entries()) {
        const text = JSON.stringify([key, value])
        for (const secret of secrets) assert.not.ok(text.includes(secret), `${secret} in store.${name} (${key})`)
        assert.not.ok(/"offerId"|"claimUrl"|\/api\/claims\//.test(text), `an offer in store.${name} (${key})`)
      }
    }
  } finally {
    await store.close()
  }
  // the status registry and the federation's files (blockstore, datastore) hold none of it either
  const files = async (path: string): Promise<string[]> => (await readdir(path, { withFileTypes: true, recursive: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
  for (const sub of ['status', 'federation']) {
    let paths: string[] = []
    try { paths = await files(join(dir, 'city', sub)) } catch { continue }
    for (const path of paths) {
      const bytes = await readFile(path)
      for (const secret of [EMAIL, 'bulk.example', 'csv.example', learner.did]) assert.not.ok(bytes.includes(secret), `${secret} in ${path}`)
    }
  }
  node = createCityNode({ config: { data: join(dir, 'city') }, federation: false })
  await node.start()
})

test.run()
