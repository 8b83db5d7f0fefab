// A signed aggregate: its proof verifies, and the content rules every node runs on arrival (the
// node's registry, documents.ts) accept it, and refuse one with bad figures even when it is signed.
// The aggregates themselves: packages/analytics/test/aggregates.test.ts.
import { buildAggregate, computeAnalytics, type AnalyticsIssuance, type AnalyticsOffer, type Cell, validateAggregate } from '@cofl/analytics'
import { signDocument, verifyDocumentProof } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { contentErrors, validateCoflDocument } from '../src/app/documents.js'
import { COFL_DOCUMENT_CONTEXT } from '../src/app/service.js'

const NOW = Date.parse('2025-04-01T00:00:00.000Z')
const v = (value: number): Cell => ({ value, suppressed: false })
const A = 'https://city.example.org/achievements/a'
// 10 credentials of A to 10 learners in January; 14 offers of A, 12 claimed: nothing small to suppress.
const issuance: AnalyticsIssuance[] = Array.from({ length: 10 }, (_, i) => ({ achievementId: A, subject: `did:key:z6MkSignedAggregateLearner${i}`, issuedAt: '2025-01-10T00:00:00.000Z' }))
const offers: AnalyticsOffer[] = Array.from({ length: 14 }, (_, i) => ({ achievementId: A, createdAt: '2025-01-05T00:00:00.000Z', ...(i < 12 ? { claimedAt: '2025-01-06T00:00:00.000Z' } : {}) }))
const achievements = new Map([[A, { name: 'A', issuer: 'did:web:city.example.org' }]])

/** A document as a node's service signs it (publishDocument). */
async function signed (key: KeyPair, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { id, ...rest } = fields
  return await signDocument({ '@context': [...COFL_DOCUMENT_CONTEXT], id, type: ['CoflAggregate'], issuer: key.did, ...rest }, { key }) as unknown as Record<string, unknown>
}

test('a signed aggregate verifies and passes the content rules the federation runs (documents.ts registry)', async () => {
  const key = await generateKeyPair()
  const c = buildAggregate(await computeAnalytics({ issuance, offers, achievements, now: NOW }), { issuer: key.did })
  const document = await signed(key, { ...c })
  assert.ok((await verifyDocumentProof(document)).verified)
  assert.equal(validateAggregate(document), [])
  assert.equal(contentErrors('aggregate', document), [])
  assert.equal(validateCoflDocument('aggregate', document), { ok: true })
  // Tampered after signing: the proof fails (the federation's check); negative figures fail the content rules too.
  const tampered = structuredClone(document) as Record<string, any>
  tampered.totals.issued.value = -10
  assert.not.ok((await verifyDocumentProof(tampered)).verified)
  assert.equal(contentErrors('aggregate', tampered), ['totals.issued.value: must be a non-negative integer'])
  // Signed with bad figures: the proof holds, the content rules refuse it.
  const bad = await signed(key, { ...c, totals: { ...c.totals, offered: v(-5) } })
  assert.ok((await verifyDocumentProof(bad)).verified)
  const verdict = validateCoflDocument('aggregate', bad)
  assert.is(verdict.ok, false)
  assert.match((verdict as { reason: string }).reason, /totals\.offered\.value: must be a non-negative integer/)
})

test.run()
