// FederationInit.validateContent: the caller's rules for a document's content, run on every
// document that arrives (after its proof) and on publish. A refused document is rejected (the
// peer penalised) and never stored; a validator that throws makes the document ignored.
import { CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT, CREDENTIALS_V2_CONTEXT, signDocument } from '@cofl/credentials'
import { createMemoryStore } from '@cofl/store'
import type { StoredDocument } from '@cofl/store'
import { waitFor } from '@cofl/test-support'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createFederation, DOCUMENT_TYPES, FederationConfigError, federationSchema, KIND_COLLECTION_NAMES, PublishError } from '../src/index.js'
import type { DocumentKind, Federation, FederationInit, Kind } from '../src/index.js'
import { generateKeyPair, stopAll } from './helpers.js'
import type { KeyPair } from './helpers.js'

/** The records this package owns, as a node registers them. */
const schemas = [federationSchema]

type Validator = NonNullable<FederationInit['validateContent']>

/** A signed cofl document (the form the node's publishDocument signs). */
async function signedCoflDocument (key: KeyPair, kind: DocumentKind, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const document = {
    '@context': [CREDENTIALS_V2_CONTEXT, CREDENTIALS_UNDEFINED_TERMS_V2_CONTEXT],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: [DOCUMENT_TYPES[kind]],
    issuer: key.did,
    ...fields
  }
  return await signDocument(document, { key }) as unknown as Record<string, unknown>
}

/** Refuses pathways whose name starts with "bad"; records what it was asked. */
function namesValidator (): { validate: Validator, seen: Array<[Kind, string]> } {
  const seen: Array<[Kind, string]> = []
  const validate: Validator = (kind, document) => {
    seen.push([kind, document.id as string])
    if (kind === 'pathway' && String(document.name).startsWith('bad')) return { ok: false, reason: 'name: must not start with "bad"' }
    return { ok: true }
  }
  return { validate, seen }
}

test('validateContent must be a function', async () => {
  try {
    await createFederation({ key: await generateKeyPair(), store: createMemoryStore({ schemas }), start: false, validateContent: 'yes' as unknown as Validator })
    assert.unreachable()
  } catch (err) {
    assert.instance(err, FederationConfigError)
    assert.match((err as Error).message, 'validateContent')
  }
})

test('publish runs the validator: a refused document is a PublishError and is not stored', async () => {
  let a: Federation | undefined
  try {
    const key = await generateKeyPair()
    const store = createMemoryStore({ schemas })
    const { validate, seen } = namesValidator()
    a = await createFederation({ key, store, syncIntervalMs: 0, validateContent: validate })
    const bad = await signedCoflDocument(key, 'pathway', { name: 'bad route' })
    try {
      await a.publish('pathway', bad)
      assert.unreachable()
    } catch (err) {
      assert.instance(err, PublishError)
      assert.match((err as Error).message, 'name: must not start with "bad"')
    }
    assert.is(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.pathway).get(bad.id as string), undefined)
    const good = await signedCoflDocument(key, 'pathway', { name: 'a good route' })
    assert.is((await a.publish('pathway', good)).sequence, 1)
    assert.ok(await store.collection<StoredDocument>(KIND_COLLECTION_NAMES.pathway).has(good.id as string))
    assert.equal(seen, [['pathway', bad.id], ['pathway', good.id]])
  } finally {
    await stopAll([a])
  }
})

test('on arrival: a document the validator refuses is rejected (gossip and sync), never stored; the sender is penalised', async () => {
  const signal = AbortSignal.timeout(30_000)
  let a: Federation | undefined
  let b: Federation | undefined
  try {
    const keyA = await generateKeyPair()
    const storeB = createMemoryStore({ schemas })
    const { validate, seen } = namesValidator()
    // A has no content rules (a hostile or outdated peer): it publishes what it likes.
    a = await createFederation({ key: keyA, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    b = await createFederation({ key: await generateKeyPair(), store: storeB, bootstrap: a.multiaddrs(), syncIntervalMs: 0, validateContent: validate })
    await waitFor('the mesh', () => (a?.peers().length ?? 0) > 0, signal)
    await new Promise((resolve) => setTimeout(resolve, 300)) // subscriptions exchanged
    const bad = await signedCoflDocument(keyA, 'pathway', { name: 'bad route' })
    const good = await signedCoflDocument(keyA, 'pathway', { name: 'a good route' })
    const spine = await signedCoflDocument(keyA, 'spine', { name: 'bad is fine for a spine' })
    await a.publish('pathway', bad)
    await a.publish('pathway', good)
    await a.publish('spine', spine)
    await waitFor('the good pathway and the spine on b', async () => await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.pathway).has(good.id as string) && await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.spine).has(spine.id as string), signal)
    await waitFor('b asked about the bad pathway', () => seen.some(([, id]) => id === bad.id), signal)
    assert.not.ok(await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.pathway).has(bad.id as string), 'the refused pathway is not stored')
    assert.ok(seen.some(([kind, id]) => kind === 'spine' && id === spine.id), 'the validator sees every kind')
    await waitFor('a penalised by b', () => (b as Federation).peerScore((a as Federation).peerId) < 0, signal)
    // Sync offers it again: rejected again, still not stored.
    const summary = await b.syncNow({ peerId: a.peerId })
    assert.is(summary.rejected, 1, JSON.stringify(summary))
    assert.is(summary.accepted, 0)
    assert.not.ok(await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.pathway).has(bad.id as string))
  } finally {
    await stopAll([a, b])
  }
})

test('a validator that throws: the document is ignored (not stored), the sender not penalised', async () => {
  const signal = AbortSignal.timeout(30_000)
  let a: Federation | undefined
  let b: Federation | undefined
  try {
    const keyA = await generateKeyPair()
    const storeB = createMemoryStore({ schemas })
    a = await createFederation({ key: keyA, store: createMemoryStore({ schemas }), syncIntervalMs: 0 })
    const doc = await signedCoflDocument(keyA, 'opportunity', { name: 'Interview' })
    await a.publish('opportunity', doc)
    b = await createFederation({
      key: await generateKeyPair(),
      store: storeB,
      syncIntervalMs: 0,
      validateContent: () => { throw new Error('a bug in the validator') }
    })
    await b.dial(a.multiaddrs()[0] as string, { signal })
    await waitFor('connected', () => (b?.peers().length ?? 0) > 0, signal)
    const summary = await b.syncNow({ peerId: a.peerId })
    assert.is(summary.ignored, 1, JSON.stringify(summary))
    assert.is(summary.rejected, 0)
    assert.not.ok(await storeB.collection<StoredDocument>(KIND_COLLECTION_NAMES.opportunity).has(doc.id as string))
    assert.ok(b.peerScore(a.peerId) >= 0)
  } finally {
    await stopAll([a, b])
  }
})

test.run()
