// Skills spines, pathways and opportunities across two city nodes started in this process
// (127.0.0.1, port 0; B bootstraps from A): published on A over HTTP, replicated to B and listed
// by B's public routes; invalid content refused over HTTP with the path of every error; a signed
// but invalid pathway from a hostile peer (a bare federation without content rules) rejected by B
// and never stored; an achievement with a place (and an alignment to a spine skill) that signs,
// replicates, and whose issued credential verifies on B and meets the official OB 3.0 JSON Schema.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signDocument, validateSchema, verifyDocumentProof } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { validatePathway } from '@cofl/pathways'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode } from 'cofl'
import type { CityNode } from 'cofl'
import { waitFor } from '@cofl/test-support'
import { settle, startNode, stopAll } from './fixtures/federation.js'
import type { TestNode } from './fixtures/federation.js'

type Json = Record<string, any>

const HTTP_MS = 30_000
const GOSSIP_MS = 30_000

let dir = ''
let a: CityNode
let b: CityNode
let hostile: TestNode | undefined

interface Answer { status: number, body: Json }

async function call (node: CityNode, method: string, path: string, body?: unknown, admin = true): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (admin) headers.authorization = `Bearer ${node.adminToken}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${node.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(HTTP_MS) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : JSON.parse(text) }
}

async function ok (node: CityNode, method: string, path: string, body?: unknown, status = 200): Promise<Json> {
  const answer = await call(node, method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

/** The error of a refused request: its status and code, and its message. */
async function refused (node: CityNode, method: string, path: string, body: unknown, status: number, code: string): Promise<string> {
  const answer = await call(node, method, path, body)
  assert.is(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`)
  assert.is(answer.body.error?.code, code)
  assert.equal(Object.keys(answer.body), ['error'])
  assert.not.match(answer.body.error.message, /\n\s+at /, 'no stack trace')
  return answer.body.error.message as string
}

const held = async (node: CityNode, path: string, id: string): Promise<Json | undefined> => {
  const answer = await call(node, 'GET', `/api/${path}/${encodeURIComponent(id)}`, undefined, false)
  return answer.status === 200 ? answer.body : undefined
}

const SPINE = {
  id: 'urn:cofl:spine:plymouth',
  name: 'Plymouth skills spine',
  skills: [
    { id: 'urn:cofl:skill:python', name: 'Python programming', layer: 'universal-core', targetFramework: 'ESCO', targetCode: 'S1.2.3' },
    { id: 'urn:cofl:skill:sailing', name: 'Dinghy sailing', layer: 'city-specific' },
    { id: 'urn:cofl:skill:teamwork', name: 'Teamwork', layer: 'city-of-learning' }
  ]
}

const DESTINATION = {
  id: 'urn:cofl:pathway:junior-dev',
  kind: 'destination',
  name: 'Junior developer apprenticeship',
  description: 'Three badges, Python first',
  requirements: { allOf: ['urn:example:python', { nOf: { n: 1, of: ['urn:example:git', 'urn:example:sql'] } }, 'urn:example:cv'] },
  order: [{ before: 'urn:example:python', after: 'urn:example:cv' }],
  opportunityId: 'urn:cofl:opportunity:apprenticeship',
  awardAchievementId: 'urn:example:junior-dev-badge'
}

const INTEREST = {
  kind: 'interest',
  name: 'Life on the water',
  theme: { skills: ['urn:cofl:skill:sailing'], tags: ['sea', 'outdoors'] },
  suggested: ['urn:example:sailing-1', 'urn:example:harbour-safety']
}

const OPPORTUNITY = {
  id: 'urn:cofl:opportunity:apprenticeship',
  kind: 'apprenticeship',
  name: 'Software apprenticeship at the dockyard',
  place: { name: 'Devonport Dockyard', area: 'Devonport', lat: 50.3836, lon: -4.1839, address: { addressLocality: 'Plymouth', addressCountry: 'GB' } },
  startDate: '2026-09-01',
  applyBy: '2026-07-01',
  asks: { pathwayId: 'urn:cofl:pathway:junior-dev' }
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-pathways-publish-'))
  a = createCityNode({ config: { data: join(dir, 'a'), name: 'Plymouth City of Learning' }, signingWorkers: 0 })
  await a.start()
  // B trusts A: its public routes list only the documents of issuers it trusts.
  b = createCityNode({ config: { data: join(dir, 'b'), name: 'Exeter City of Learning', bootstrap: a.info().multiaddrs, trustRoots: [a.did] }, signingWorkers: 0 })
  await b.start()
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('a and b connected', async () => (await ok(a, 'GET', '/api/health')).peers > 0, signal, 50)
  await settle(500) // subscriptions exchanged
})

test.after(async () => {
  await stopAll([hostile])
  await Promise.allSettled([b?.stop(), a?.stop()])
  await rm(dir, { recursive: true, force: true })
})

const published = {} as Record<'spine' | 'destination' | 'interest' | 'opportunity', Json>

test('publish on A over HTTP: a spine, a destination and an interest pathway, an opportunity (signed by A)', async () => {
  published.spine = await ok(a, 'POST', '/api/spines', SPINE, 201)
  published.destination = await ok(a, 'POST', '/api/pathways', DESTINATION, 201)
  published.interest = await ok(a, 'POST', '/api/pathways', INTEREST, 201)
  published.opportunity = await ok(a, 'POST', '/api/opportunities', OPPORTUNITY, 201)
  for (const [name, result] of Object.entries(published)) {
    assert.equal(Object.keys(result).sort(), ['cid', 'document', 'id', 'sequence'], name)
    assert.is(result.sequence, 1, name)
    assert.is(result.document.id, result.id, name)
    assert.is(result.document.issuer, a.did, name)
    assert.equal(result.document['@context'], [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT], name)
    assert.is(result.document.proof.cryptosuite, 'eddsa-rdfc-2022', name)
    assert.ok((await verifyDocumentProof(result.document)).verified, name)
  }
  assert.equal(published.spine.document.type, ['CoflSkillsSpine'])
  assert.equal(published.destination.document.type, ['CoflPathway'])
  assert.equal(published.opportunity.document.type, ['CoflOpportunity'])
  assert.is(published.spine.id, SPINE.id)
  assert.match(published.interest.id, /^urn:uuid:[0-9a-f-]{36}$/, 'an id is generated when none is given')
  // What a wallet reads back is a valid pathway.
  const pathway = validatePathway(published.destination.document)
  assert.ok(pathway.valid)
  assert.equal(pathway.valid && pathway.value.kind === 'destination' ? pathway.value.requirements : undefined, DESTINATION.requirements)
  // Listed on A, one by id.
  assert.is((await ok(a, 'GET', '/api/pathways')).pathways.length, 2)
  assert.equal((await ok(a, 'GET', `/api/spines/${encodeURIComponent(SPINE.id)}`)).document, published.spine.document)
})

test('they arrive on B and are listed by its public routes (paged, filtered by issuer and kind)', async () => {
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('all four on B', async () => {
    return (await held(b, 'spines', SPINE.id)) != null && (await held(b, 'pathways', DESTINATION.id)) != null &&
      (await held(b, 'pathways', published.interest.id)) != null && (await held(b, 'opportunities', OPPORTUNITY.id)) != null
  }, signal, 50)
  const spines = await call(b, 'GET', '/api/spines', undefined, false)
  assert.is(spines.status, 200)
  assert.equal(spines.body.spines.map((e: Json) => e.id), [SPINE.id])
  const entry = spines.body.spines[0]
  assert.equal(Object.keys(entry).sort(), ['cid', 'document', 'id', 'issuer', 'sequence'])
  assert.is(entry.issuer, a.did)
  assert.is(entry.cid, published.spine.cid)
  assert.equal(entry.document, published.spine.document)
  const pathways = (await call(b, 'GET', `/api/pathways?issuer=${encodeURIComponent(a.did)}`, undefined, false)).body
  assert.equal(pathways.pathways.map((e: Json) => e.id).sort(), [DESTINATION.id, published.interest.id].sort())
  assert.is(pathways.next, null)
  assert.is((await ok(b, 'GET', `/api/pathways?issuer=${encodeURIComponent(b.did)}`)).pathways.length, 0)
  assert.equal((await ok(b, 'GET', '/api/pathways?kind=interest')).pathways.map((e: Json) => e.id), [published.interest.id])
  assert.equal((await ok(b, 'GET', '/api/opportunities?kind=apprenticeship')).opportunities.map((e: Json) => e.id), [OPPORTUNITY.id])
  assert.is((await ok(b, 'GET', '/api/opportunities?kind=course')).opportunities.length, 0)
  const page = await ok(b, 'GET', '/api/pathways?limit=1')
  assert.is(page.pathways.length, 1)
  assert.is(typeof page.next, 'string')
  const rest = await ok(b, 'GET', `/api/pathways?limit=1&cursor=${encodeURIComponent(page.next)}`)
  assert.is(rest.pathways.length, 1)
  assert.is(rest.next, null)
  assert.is.not(rest.pathways[0].id, page.pathways[0].id)
  const opportunity = await held(b, 'opportunities', OPPORTUNITY.id)
  assert.equal(opportunity?.document.place, OPPORTUNITY.place)
  // Refused queries.
  await refused(b, 'GET', '/api/pathways?limit=0', undefined, 400, 'COFL_ERR_BAD_REQUEST')
  await refused(b, 'GET', '/api/pathways?kind=sideways', undefined, 400, 'COFL_ERR_BAD_REQUEST')
  await refused(b, 'GET', '/api/spines?issuer=nobody', undefined, 400, 'COFL_ERR_BAD_REQUEST')
  await refused(b, 'GET', '/api/spines?colour=red', undefined, 400, 'COFL_ERR_BAD_REQUEST')
  await refused(b, 'GET', `/api/pathways/${encodeURIComponent('urn:cofl:pathway:none')}`, undefined, 404, 'COFL_ERR_NOT_FOUND')
})

test('republishing an id A published makes a new version, replicated to B', async () => {
  const v2 = await ok(a, 'POST', '/api/pathways', { ...DESTINATION, name: 'Junior developer apprenticeship (2026)' }, 201)
  assert.is(v2.sequence, 2)
  assert.is.not(v2.cid, published.destination.cid)
  // The document read back (with its envelope) can be edited and posted again.
  const v3 = await ok(a, 'POST', '/api/pathways', { ...v2.document, description: 'Python first, then Git or SQL' }, 201)
  assert.is(v3.sequence, 3)
  assert.is(v3.document.description, 'Python first, then Git or SQL')
  await waitFor('version 3 on B', async () => (await held(b, 'pathways', DESTINATION.id))?.sequence === 3, AbortSignal.timeout(GOSSIP_MS), 50)
  assert.equal((await held(b, 'pathways', DESTINATION.id))?.document, v3.document)
})

test('invalid content is a 400 listing every error with its path; other refusals', async () => {
  const nOf = await refused(a, 'POST', '/api/pathways', { ...DESTINATION, id: 'urn:cofl:pathway:bad-n', requirements: { nOf: { n: 3, of: ['urn:example:a', 'urn:example:b'] } }, order: undefined }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(nOf, 'requirements.nOf: n must be between 1 and 2')
  const cycle = await refused(a, 'POST', '/api/pathways', {
    ...DESTINATION,
    id: 'urn:cofl:pathway:cycle',
    requirements: { allOf: ['urn:example:a', 'urn:example:b', { anyOf: ['urn:example:c', 'urn:example:a'] }] },
    order: [{ before: 'urn:example:a', after: 'urn:example:b' }, { before: 'urn:example:b', after: 'urn:example:a' }]
  }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(cycle, "requirements.allOf[2].anyOf[1]: achievement 'urn:example:a' appears twice (also at requirements.allOf[0])")
  assert.match(cycle, 'order: the constraints form a cycle')
  const place = await refused(a, 'POST', '/api/opportunities', { ...OPPORTUNITY, id: 'urn:cofl:opportunity:bad-place', place: { name: 'Nowhere', lat: 123, lon: 'west' } }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(place, 'place.lat: must be a number between -90 and 90')
  assert.match(place, 'place.lon: must be a number between -180 and 180')
  const spine = await refused(a, 'POST', '/api/spines', { name: 'Empty', skills: [{ id: 's', name: 'S', layer: 'galactic' }] }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(spine, "skills[0].layer: must be one of 'universal-core'")
  assert.match(await refused(a, 'POST', '/api/pathways', { ...INTEREST, issuer: b.did }, 400, 'COFL_ERR_BAD_REQUEST'), 'issuer: must be this node\'s DID')
  assert.match(await refused(a, 'POST', '/api/pathways', { ...SPINE, id: 'urn:cofl:spine:as-pathway', type: ['CoflSkillsSpine'] }, 400, 'COFL_ERR_BAD_REQUEST'), 'type: a pathway is a CoflPathway')
  await refused(a, 'POST', '/api/pathways', { ...INTEREST, id: 'not an id' }, 400, 'COFL_ERR_BAD_REQUEST')
  await refused(a, 'POST', '/api/pathways', [INTEREST], 400, 'COFL_ERR_BAD_REQUEST')
  // An id that names another DID is that DID's alone.
  assert.match(await refused(b, 'POST', '/api/pathways', { ...INTEREST, id: `urn:cofl:aggregate:${a.did}` }, 400, 'COFL_ERR_BAD_REQUEST'), `is ${a.did}'s`)
  // An id that B holds as A's pathway: B may publish its own with it too (documents are kept per
  // issuer and id). Each node's lookup by id gives its own; `?issuer=` gives the other's.
  const ours = await ok(b, 'POST', '/api/pathways', { ...INTEREST, id: DESTINATION.id }, 201)
  assert.is((await held(b, 'pathways', DESTINATION.id))?.issuer, b.did)
  assert.is((await ok(b, 'GET', `/api/pathways/${encodeURIComponent(DESTINATION.id)}?issuer=${encodeURIComponent(a.did)}`)).sequence, 3)
  await waitFor('B\'s pathway on A', async () => (await call(a, 'GET', `/api/pathways/${encodeURIComponent(DESTINATION.id)}?issuer=${encodeURIComponent(b.did)}`, undefined, false)).status === 200, AbortSignal.timeout(GOSSIP_MS), 50)
  assert.is((await held(a, 'pathways', DESTINATION.id))?.issuer, a.did)
  assert.equal((await ok(a, 'GET', `/api/pathways/${encodeURIComponent(DESTINATION.id)}?issuer=${encodeURIComponent(b.did)}`)).document, ours.document)
  // A does not trust B: B's pathway is not in A's list, unless asked for.
  assert.not.ok((await ok(a, 'GET', '/api/pathways')).pathways.some((e: Json) => e.issuer === b.did))
  assert.ok((await ok(a, 'GET', '/api/pathways?untrusted=1')).pathways.some((e: Json) => e.issuer === b.did))
  // Admin only.
  const anonymous = await call(a, 'POST', '/api/spines', SPINE, false)
  assert.is(anonymous.status, 401)
  assert.is(anonymous.body.error.code, 'COFL_ERR_UNAUTHORIZED')
  for (const id of ['urn:cofl:pathway:bad-n', 'urn:cofl:pathway:cycle']) assert.is(await held(a, 'pathways', id), undefined)
  assert.is(await held(a, 'opportunities', 'urn:cofl:opportunity:bad-place'), undefined)
})

async function signedPathway (key: KeyPair, fields: Json): Promise<Json> {
  return await signDocument({ '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT], type: ['CoflPathway'], issuer: key.did, ...fields }, { key }) as unknown as Json
}

test('a hostile peer (a federation without content rules) publishes a signed but invalid pathway: B rejects it, stores nothing', async () => {
  const signal = AbortSignal.timeout(GOSSIP_MS)
  const key = await generateKeyPair()
  hostile = await startNode({ key, bootstrap: b.info().multiaddrs })
  await waitFor('the hostile peer connected to B', () => (hostile?.federation.peers().length ?? 0) > 0, signal, 50)
  await settle(500)
  const bad = await signedPathway(key, { id: 'urn:cofl:pathway:hostile', kind: 'destination', name: 'Impossible', requirements: { nOf: { n: 5, of: ['urn:example:a'] } } })
  assert.ok((await verifyDocumentProof(bad)).verified, 'the bad pathway carries a valid proof')
  const badPlace = await signDocument({ '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT], type: ['CoflOpportunity'], issuer: key.did, id: 'urn:cofl:opportunity:hostile', kind: 'course', name: 'Off the map', place: { lat: -200, lon: 0 }, asks: { achievementIds: ['urn:example:a'] } }, { key }) as unknown as Json
  const control = await signedPathway(key, { id: 'urn:cofl:pathway:hostile-control', kind: 'interest', name: 'Fine', theme: { skills: [], tags: ['x'] }, suggested: ['urn:example:a'] })
  await hostile.federation.publish('pathway', bad)
  await hostile.federation.publish('opportunity', badPlace)
  await hostile.federation.publish('pathway', control)
  // The valid one, published last by the same peer, arrives: the invalid ones were seen and refused.
  await waitFor('the control pathway on B', async () => (await held(b, 'pathways', control.id)) != null, signal, 50)
  assert.is(await held(b, 'pathways', bad.id), undefined)
  assert.is(await held(b, 'opportunities', badPlace.id), undefined)
  assert.ok((await ok(b, 'GET', '/api/pathways')).pathways.every((e: Json) => e.id !== bad.id))
  // Nor does B pass them on: A never gets them either.
  assert.is(await held(a, 'pathways', bad.id), undefined)
})

test('an achievement with a place and an alignment to a spine skill: signed, replicated; a credential issued from it verifies and meets the OB 3.0 schema', async () => {
  const place = { name: 'Mount Batten Watersports Centre', area: 'Mount Batten', lat: 50.3597, lon: -4.1286, address: { streetAddress: '70 Lawrence Road', postalCode: 'PL9 9SJ', addressLocality: 'Plymouth', addressCountry: 'GB' } }
  const created = await ok(a, 'POST', '/api/achievements', {
    name: 'Dinghy Sailing 1',
    description: 'Rig, launch and sail a dinghy',
    criteria: 'Sail a triangle course',
    achievementType: 'Competency',
    alignment: [{ targetName: 'Dinghy sailing', targetUrl: 'urn:cofl:skill:sailing', targetFramework: 'Plymouth skills spine' }],
    place
  }, 201)
  const achievement = created.achievement
  assert.equal(achievement.place, place)
  assert.is(achievement['@context'].length, 3, 'the place context follows VC v2 and OB 3.0')
  assert.equal(achievement.alignment, [{ type: ['Alignment'], targetName: 'Dinghy sailing', targetUrl: 'urn:cofl:skill:sailing', targetFramework: 'Plymouth skills spine' }])
  assert.ok((await verifyDocumentProof(achievement)).verified)
  // The place is signed: changing it breaks the proof.
  assert.not.ok((await verifyDocumentProof({ ...achievement, place: { ...place, lat: 50.4 } })).verified)
  // Replicated to B (B checked its proof on arrival) with its place.
  const signal = AbortSignal.timeout(GOSSIP_MS)
  await waitFor('the achievement on B', async () => (await call(b, 'GET', `/api/achievements/${encodeURIComponent(created.id)}`, undefined, false)).status === 200, signal, 50)
  assert.equal((await ok(b, 'GET', `/api/achievements/${encodeURIComponent(created.id)}`)).achievement, achievement)

  const learner = await generateKeyPair()
  const { credential } = await ok(a, 'POST', '/api/credentials', { achievementId: created.id, subject: learner.did }, 201)
  assert.equal(credential['@context'], achievement['@context'])
  assert.equal(credential.credentialSubject.achievement.place, place)
  const schema = validateSchema('AchievementCredential', credential)
  assert.ok(schema.valid, schema.errors.join('; '))
  // B holds A's status list once it replicated the version that covers the new index.
  await waitFor('a verdict on B', async () => {
    const report = await ok(b, 'POST', '/api/verify', { verifiableCredential: credential })
    return report.verified === true
  }, signal, 100)
  const report = await ok(b, 'POST', '/api/verify', { verifiableCredential: credential })
  for (const id of ['format', 'schema', 'proof', 'status']) {
    assert.is(report.checks.find((c: Json) => c.id === id)?.outcome, 'passed', `${id}: ${JSON.stringify(report.checks)}`)
  }
})

test('an achievement with a bad place or an alignment the OB 3.0 schema refuses is a 400 with the path', async () => {
  const base = { name: 'Somewhere', description: 'x', criteria: 'y' }
  const badPlace = await refused(a, 'POST', '/api/achievements', { ...base, place: { lat: 95, lon: 0, colour: 'blue', address: { city: 'Plymouth' } } }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(badPlace, 'place.lat: must be a number between -90 and 90')
  assert.match(badPlace, 'place.colour: unknown field')
  assert.match(badPlace, 'place.address.city: unknown field')
  assert.match(await refused(a, 'POST', '/api/achievements', { ...base, place: 'the harbour' }, 400, 'COFL_ERR_BAD_REQUEST'), 'place: must be an object')
  const alignment = await refused(a, 'POST', '/api/achievements', { ...base, alignment: [{ targetName: 'Sailing' }] }, 400, 'COFL_ERR_BAD_REQUEST')
  assert.match(alignment, "alignment[0]: must have required property 'targetUrl'")
})

test.run()
