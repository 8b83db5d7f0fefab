// The OB 3.0 API as the spec says, checked by independent code: a standard OAuth client
// (oauth4webapi) registers with the spec's own registration example and runs the authorisation code
// flow with PKCE, and the answers are validated with ajv against 1EdTech's schemas and OpenAPI file
// (test/vectors/ob3, copied unchanged). Each test quotes the sentence it is written from:
// OB 3.0 = Open Badges Specification v3.0, 1EdTech/openbadges-specification ob_v3p0/security.html
// and api section (commit 1af145ff2dc6e22627e79eb5d0f9afca06ea2489); RFC 6749, RFC 7591.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { Ajv2019 } from 'ajv/dist/2019.js'
import addFormatsModule from 'ajv-formats'
import * as oauth from 'oauth4webapi'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCityNode, OB3_SCOPES } from 'cofl'
import type { CityNode } from 'cofl'
import { http, OB3 as API, signAnything } from './fixtures/ob3-login.js'

type Json = Record<string, any>

const VECTORS = new URL('vectors/ob3/', import.meta.url)
const vector = (path: string): Json => JSON.parse(readFileSync(new URL(path, VECTORS), 'utf8')) as Json
const OPENAPI = vector('openapi/openapi.json')

// The schemas compiled here, not with the node's own validator (ajv-formats is CommonJS: its
// default export is the module object under nodenext).
const ajv = new Ajv2019({ strict: true, strictTuples: false, allErrors: true })
addFormatsModule.default(ajv)
const getCredentialsResponse = ajv.compile(vector('schemas/getopenbadgecredentialsresponse.json'))
const imsxStatusInfo = ajv.compile(vector('schemas/imsx_statusinfo.json'))

function conforms (validate: ReturnType<typeof ajv.compile>, document: unknown, what: string): void {
  assert.ok(validate(document), `${what}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(document)}`)
}

// OB 3.0 section 7, "Register with Authorization Server", example "Sample registration request"
// (its JSON body, as published).
const SPEC_REGISTRATION = {
  client_name: 'Example Client Application',
  client_uri: 'https://client.1edtech.org/',
  logo_uri: 'https://client.1edtech.org/logo.png',
  tos_uri: 'https://client.1edtech.org/terms',
  policy_uri: 'https://client.1edtech.org/privacy',
  software_id: 'c88b6ed8-269e-448e-99be-7e2ff47167d1',
  software_version: 'v4.0.30319',
  redirect_uris: [
    'https://client.1edtech.org/Authorize'
  ],
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: [
    'authorization_code',
    'refresh_token'
  ],
  response_types: [
    'code'
  ],
  scope: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert offline_access'
}
// The example's redirect URI: never fetched, the tests read the redirect's Location.
const REDIRECT_URI = 'https://client.1edtech.org/Authorize'
// The scope of the spec's "Sample ACG authorization request".
const SPEC_AUTHORIZATION_SCOPE = 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly offline_access'

let dir = ''
let node: CityNode
let learner: KeyPair
let elsewhere: KeyPair
let as: oauth.AuthorizationServer
// The node listens on http://127.0.0.1; oauth4webapi wants https unless told.
const insecure = { [oauth.allowInsecureRequests]: true } as const

/** A text/plain upsert (the fixture's client sends JSON and forms only). */
async function postText (body: string, contentType: string, headers: Record<string, string>): Promise<{ status: number, body: Json, text: string }> {
  const response = await fetch(`${node.url}${API}/credentials`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body, signal: AbortSignal.timeout(30_000) })
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text) as Json, text }
}

/** A registration through oauth4webapi (it accepts only 201 with a client_id). */
async function register (metadata: Json): Promise<oauth.Client & { client_secret: string }> {
  const response = await oauth.dynamicClientRegistrationRequest(as, metadata, insecure)
  return await oauth.processDynamicClientRegistrationResponse(response) as oauth.Client & { client_secret: string }
}

/** A refused registration: 400 and the RFC 7591 section 3.2.2 error. */
async function refusedRegistration (metadata: Json, error: string): Promise<string> {
  const answer = await http(`${node.url}${API}/register`, { json: metadata })
  assert.is(answer.status, 400, answer.text)
  assert.is(answer.body.error, error, answer.text)
  assert.is(answer.body.code, 'COFL_ERR_OB3_CLIENT')
  return answer.body.error_description as string
}

/**
 * The authorisation request as the client sends it, the learner's login (a presentation signed by
 * the learner's did:key over the node's challenge), and the redirect back: its Location.
 */
async function authorize (client: oauth.Client, scope: string, state: string, verifier: string): Promise<URL> {
  const url = new URL(as.authorization_endpoint as string)
  url.search = new URLSearchParams({
    client_id: client.client_id, response_type: 'code', scope, redirect_uri: REDIRECT_URI,
    state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256'
  }).toString()
  const pending = await http(url.toString(), { headers: { accept: 'application/json' } })
  assert.is(pending.status, 200, pending.text)
  const presentation = await signAnything(learner, pending.body.challenge, pending.body.domain)
  const answer = await http(`${node.url}${API}/authorize`, { json: { request_id: pending.body.request_id, did: learner.did, presentation } })
  assert.is(answer.status, 302, answer.text)
  return new URL(answer.headers.get('location') ?? '')
}

/** Registration, authorisation and token, with oauth4webapi: the client and the learner's tokens. */
async function login (metadata: Json, scope: string): Promise<{ client: oauth.Client & { client_secret: string }, tokens: oauth.TokenEndpointResponse }> {
  const client = await register(metadata)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const params = oauth.validateAuthResponse(as, client, await authorize(client, scope, state, verifier), state)
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), params, REDIRECT_URI, verifier, insecure)
  return { client, tokens: await oauth.processAuthorizationCodeResponse(as, client, response) }
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cofl-ob3-conformance-'))
  learner = await generateKeyPair()
  elsewhere = await generateKeyPair()
  node = createCityNode({ config: { data: join(dir, 'city'), name: 'Plymouth City of Learning' }, federation: false })
  await node.start()
  // The authorisation server as the Service Description Document names it.
  const sdd = await http(`${node.url}${API}/discovery`)
  const scheme = sdd.body.components.securitySchemes.OAuth2ACG
  as = {
    issuer: node.url,
    authorization_endpoint: scheme.flows.authorizationCode.authorizationUrl,
    token_endpoint: scheme.flows.authorizationCode.tokenUrl,
    registration_endpoint: scheme['x-imssf-registrationUrl'],
    revocation_endpoint: scheme['x-cofl-revocationUrl']
  }
})

test.after(async () => {
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('registration: the spec\'s own example is registered, with the scopes this node grants (offline_access left out)', async () => {
  // OB 3.0 section 7: "If the authorization server accepts the registration request, it will store
  // the information provided in the request and respond HTTP 201 Created (...). All the information
  // provided by the client application MUST be returned to the client application, including
  // modifications to the properties as the authorization server deems necessary."
  // RFC 7591 section 3.2.1: "The authorization server MAY reject or replace any of the client's
  // requested metadata values submitted during the registration and substitute them with suitable
  // values."
  const client = await register(SPEC_REGISTRATION)
  assert.is(typeof client.client_id, 'string')
  assert.is(typeof client.client_secret, 'string')
  assert.is(typeof client.client_id_issued_at, 'number')
  // RFC 7591 section 3.2.1, client_secret_expires_at: "Time at which the client secret will expire
  // or 0 if it will not expire" (seconds since the epoch): a registration never used expires.
  const expiresAt = client.client_secret_expires_at as number
  assert.ok(Number.isInteger(expiresAt) && expiresAt > (client.client_id_issued_at as number), String(expiresAt))
  const { scope: _asked, ...rest } = SPEC_REGISTRATION
  for (const [name, value] of Object.entries(rest)) assert.equal(client[name], value, name)
  assert.is(client.scope, `${OB3_SCOPES.credentialRead} ${OB3_SCOPES.credentialUpsert}`)
})

test('authorisation: the redirect carries code, scope (the granted one) and state; tokens and a refresh with oauth4webapi', async () => {
  // OB 3.0 section 7, "Authorization Response": "If the user authorizes the client application to
  // access their resources with the requested scopes, the authorization server MUST redirect the
  // browser back to the redirect_uri with the code, scope, and state query string parameters."
  // And of `scope`: "The authorized scope for the access request (this MAY be a subset of the
  // scopes in the request). The value is a space delimited set of scopes."
  const client = await register(SPEC_REGISTRATION)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const location = await authorize(client, SPEC_AUTHORIZATION_SCOPE, state, verifier)
  assert.is(`${location.origin}${location.pathname}`, REDIRECT_URI)
  // oauth4webapi checks that this is an authorisation response with this state and no error.
  const params = oauth.validateAuthResponse(as, client, location, state)
  assert.ok((params.get('code') ?? '') !== '')
  assert.is(params.get('state'), state)
  assert.is(params.get('scope'), OB3_SCOPES.credentialRead)

  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), params, REDIRECT_URI, verifier, insecure)
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
  assert.is(tokens.token_type, 'bearer')
  assert.is(tokens.scope, OB3_SCOPES.credentialRead)
  assert.is(typeof tokens.refresh_token, 'string', 'the client registered the refresh_token grant')
  const refreshed = await oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), tokens.refresh_token as string, insecure))
  assert.is(refreshed.scope, OB3_SCOPES.credentialRead)
})

test('registration: grant_types defaults to authorization_code; such a client gets no refresh token, and the refresh_token grant is refused', async () => {
  // OB 3.0 section 7, `grant_types`: "If omitted, the default behavior is that the client will use
  // only the "authorization_code" grant type." RFC 6749 section 5.2, `unauthorized_client`: "The
  // authenticated client is not authorized to use this authorization grant type."
  const { grant_types: _both, ...withoutGrantTypes } = SPEC_REGISTRATION
  const { client, tokens } = await login(withoutGrantTypes, OB3_SCOPES.credentialRead)
  assert.equal(client.grant_types, ['authorization_code'])
  assert.is(tokens.refresh_token, undefined)

  // Even with a refresh token of the same learner's grant to another client that may refresh.
  const other = (await login(SPEC_REGISTRATION, OB3_SCOPES.credentialRead)).tokens
  const answer = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), other.refresh_token as string, insecure)
  const error = await oauth.processRefreshTokenResponse(as, client, answer).then(() => undefined, (err: unknown) => err)
  assert.instance(error, oauth.ResponseBodyError)
  assert.is((error as oauth.ResponseBodyError).error, 'unauthorized_client')
  assert.is((error as oauth.ResponseBodyError).status, 400)
})

test('registration: every URL https and on the client_uri\'s host, with clear errors; http only for a client on a loopback address', async () => {
  // OB 3.0 section 7, "Register with Authorization Server": "All URLs MUST use HTTPS (e.g.
  // https://1edtech.org/logo.png) and all URLs MUST have the same hostname."
  const http1 = await refusedRegistration({ ...SPEC_REGISTRATION, redirect_uris: ['http://client.1edtech.org/Authorize'] }, 'invalid_redirect_uri')
  assert.match(http1, /must use https/)
  const elsewhereHost = await refusedRegistration({ ...SPEC_REGISTRATION, redirect_uris: ['https://evil.example/Authorize'] }, 'invalid_redirect_uri')
  assert.match(elsewhereHost, /not on client\.1edtech\.org, the host of the client_uri/)
  // A subdomain is another hostname; so is a loopback address, for a client on the web.
  await refusedRegistration({ ...SPEC_REGISTRATION, redirect_uris: ['https://app.client.1edtech.org/Authorize'] }, 'invalid_redirect_uri')
  await refusedRegistration({ ...SPEC_REGISTRATION, redirect_uris: ['http://127.0.0.1:8080/Authorize'] }, 'invalid_redirect_uri')
  // One bad redirect URI among good ones refuses the registration.
  await refusedRegistration({ ...SPEC_REGISTRATION, redirect_uris: [...SPEC_REGISTRATION.redirect_uris, 'https://evil.example/Authorize'] }, 'invalid_redirect_uri')
  assert.match(await refusedRegistration({ ...SPEC_REGISTRATION, logo_uri: 'https://cdn.example/logo.png' }, 'invalid_client_metadata'), /logo_uri .* not on client\.1edtech\.org/)
  assert.match(await refusedRegistration({ ...SPEC_REGISTRATION, tos_uri: 'http://client.1edtech.org/terms' }, 'invalid_client_metadata'), /tos_uri .* must use https/)
  assert.match(await refusedRegistration({ ...SPEC_REGISTRATION, client_uri: 'http://client.1edtech.org/' }, 'invalid_client_metadata'), /client_uri .* must use https/)

  // A client on the learner's own machine (RFC 8252 section 7.3): http on its loopback host only.
  const local = {
    ...SPEC_REGISTRATION,
    client_uri: 'http://127.0.0.1:4000/',
    logo_uri: 'http://127.0.0.1:4000/logo.png',
    tos_uri: 'http://127.0.0.1:4000/terms',
    policy_uri: 'http://127.0.0.1:4000/privacy',
    redirect_uris: ['http://127.0.0.1:53123/callback']
  }
  assert.equal((await register(local)).redirect_uris, local.redirect_uris)
  await refusedRegistration({ ...local, redirect_uris: ['http://localhost:53123/callback'] }, 'invalid_redirect_uri')
})

/** A credential issued elsewhere to the learner, signed, as oauth4webapi's caller would hold it. */
async function foreignCredential (name: string): Promise<Json> {
  const issuer = buildProfile({ id: elsewhere.did, name: 'Elsewhere Academy' })
  return await signCredential(buildOpenBadgeCredential({
    issuer, subject: learner.did, achievement: buildAchievement({ name, description: `${name}, elsewhere`, criteria: 'Do it', creator: issuer })
  }), { key: elsewhere }) as Json
}

test('credentials: after upserts whose proof is one object and whose types are strings, GET /credentials is a valid GetOpenBadgeCredentialsResponse', async () => {
  // OB 3.0 section 6.2.2.2 (getCredentials responses): "200 application/json
  // GetOpenBadgeCredentialsResponse", whose schema says of each credential
  // `"proof": {"type": "array", "items": {"$ref": "#/$defs/Proof"}}` and of `type` (of the
  // credential, its subject, its achievement) `"type": "array"`.
  // Section 6.2.3.2 (upsertCredential): "The response body MUST be the AchievementCredential in
  // the request."
  const { tokens } = await login(SPEC_REGISTRATION, `${OB3_SCOPES.credentialRead} ${OB3_SCOPES.credentialUpsert}`)
  const bearer = { authorization: `Bearer ${tokens.access_token}` }
  const upsertAndList = async (credential: Json): Promise<Json[]> => {
    const created = await http(`${node.url}${API}/credentials`, { json: credential, headers: bearer })
    assert.is(created.status, 201, created.text)
    assert.equal(created.body, credential)
    const list = await http(`${node.url}${API}/credentials`, { headers: bearer })
    assert.is(list.status, 200, list.text)
    conforms(getCredentialsResponse, list.body, 'GET /credentials')
    return list.body.credential as Json[]
  }
  // A single proof object: valid VC 2.0, which the schema wants as an array.
  const signed = await foreignCredential('Sailing')
  let served = await upsertAndList({ ...signed, proof: signed.proof[0] })
  assert.equal(served.find((c) => c.id === signed.id), signed)
  // Single types of the subject and its achievement too (the same credential to JSON-LD: the proof holds).
  const other = await foreignCredential('Climbing')
  const subject = other.credentialSubject
  served = await upsertAndList({ ...other, proof: other.proof[0], credentialSubject: { ...subject, type: 'AchievementSubject', achievement: { ...subject.achievement, type: 'Achievement' } } })
  assert.equal(served.find((c) => c.id === other.id), other)
  assert.equal(served.find((c) => c.id === signed.id), signed)
})

test('credentials: POST takes the OpenAPI\'s two content types, never 415; a compact JWS is answered that this host cannot verify VC-JWT yet', async () => {
  // OB 3.0 section 6.2.3.1 (upsertCredential request): "If the AchievementCredential is signed with
  // the VC-JWT Proof Format, the request body MUST be a CompactJws string and the Content-Type MUST
  // be text/plain." The OpenAPI file lists the request bodies and the answers.
  const operation = OPENAPI.paths['/credentials'].post
  assert.is(operation.operationId, 'upsertCredential')
  assert.equal(Object.keys(operation.requestBody.content).sort(), ['application/json', 'text/plain'])
  const allowed = Object.keys(operation.responses)
  const jwsPattern = new RegExp(operation.requestBody.content['text/plain'].schema.pattern as string)

  const { tokens } = await login(SPEC_REGISTRATION, OB3_SCOPES.credentialUpsert)
  const bearer = { authorization: `Bearer ${tokens.access_token}` }
  // A VC-JWT of a credential issued elsewhere, made as OB 3.0 "Proofs (Signatures)" says (JOSE
  // header `alg`, `kid`, `typ: JWT`; the payload the credential with `iss`, `jti`, `nbf`, `sub`),
  // signed with EdDSA, in the RFC 7515 compact serialisation.
  const { proof: _proof, ...credential } = await foreignCredential('Kayaking')
  const payload = { ...credential, iss: elsewhere.did, jti: credential.id, nbf: Math.floor(Date.parse(credential.validFrom) / 1000), sub: learner.did }
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${part({ alg: 'EdDSA', kid: elsewhere.id, typ: 'JWT' })}.${part(payload)}`
  const signature = await elsewhere.multikey.signer().sign({ data: new TextEncoder().encode(input) })
  const jws = `${input}.${Buffer.from(signature).toString('base64url')}`
  assert.match(jws, jwsPattern)

  const answer = await postText(jws, 'text/plain', bearer)
  assert.is(answer.status, 400, answer.text)
  assert.ok(allowed.includes(String(answer.status)))
  conforms(imsxStatusInfo, answer.body, 'the refusal')
  assert.is(answer.body.imsx_codeMajor, 'failure')
  assert.match(answer.body.imsx_description, /^COFL_ERR_OB3_VC_JWT_UNSUPPORTED: this host cannot verify VC-JWT/)

  for (const body of ['not a credential', '{"id": "urn:uuid:1"}', 'a.b']) {
    const malformed = await postText(body, 'text/plain; charset=utf-8', bearer)
    assert.is(malformed.status, 400, malformed.text)
    conforms(imsxStatusInfo, malformed.body, 'the refusal')
    assert.match(malformed.body.imsx_description, /^COFL_ERR_OB3_CREDENTIAL: a text\/plain body must be .* compact JWS/)
  }
  // application/json as before (the other content type of the OpenAPI).
  const json = await http(`${node.url}${API}/credentials`, { json: await foreignCredential('Rowing'), headers: bearer })
  assert.is(json.status, 201, json.text)
})

test.run()
