import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkStatusEntry, encodeStatusList, statusEntries, STATUS_LIST_LENGTH } from '../src/index.js'
import { readVector } from './helpers.js'

const W3C = 'bitstring-status-list/w3c-spec-examples/'
const TESTLIST = 'fixtures/1edtech-validator-ob30/ob30/bit-string-list/'
const DCC = 'fixtures/dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/'

async function list (options: { purpose?: unknown, set?: number[], length?: number, id?: string } = {}): Promise<Record<string, unknown>> {
  const id = options.id ?? 'https://example.com/status/1'
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: 'did:example:12345',
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.purpose ?? 'revocation',
      encodedList: await encodeStatusList({ length: options.length ?? STATUS_LIST_LENGTH, set: options.set ?? [] })
    }
  }
}

function entry (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'https://example.com/status/1#5',
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '5',
    statusListCredential: 'https://example.com/status/1',
    ...overrides
  }
}

test('W3C spec example: the revocable credential is not revoked', async () => {
  const credential = await readVector(W3C + 'appendix-revocable-credential.json')
  const listCredential = await readVector(W3C + 'appendix-status-list-credential.json')
  const [e] = statusEntries(credential)
  const result = await checkStatusEntry({ entry: e, listCredential })
  assert.is(result.ok, true, result.reason)
  assert.is(result.set, false)
  assert.is(result.index, 94567)
  assert.is(result.purpose, 'revocation')
  assert.is(result.listLength, STATUS_LIST_LENGTH)
  assert.is(result.code, undefined)
  assert.equal(result.warnings, [])
  assert.match(result.reason, /not revoked/)
})

test('1EdTech fixture: index given as the number 23 is accepted with a warning, and is revoked', async () => {
  const credential = await readVector(TESTLIST + 'credential-status-revoked.json')
  const listCredential = await readVector(TESTLIST + 'testlist')
  const [e] = statusEntries(credential)
  const result = await checkStatusEntry({ entry: e, listCredential })
  assert.is(result.ok, false)
  assert.is(result.set, true)
  assert.is(result.index, 23)
  assert.is(result.code, 'COFL_ERR_STATUS_REVOKED')
  assert.match(result.reason, /^revoked: bit 23/)
  assert.ok(result.warnings.some((w) => /JSON number 23/.test(w)), JSON.stringify(result.warnings))
  // The fixture's list lives at a URL whose document says id https://example.com/credentials/status/3.
  assert.ok(result.warnings.some((w) => /differs/.test(w)), JSON.stringify(result.warnings))
  const clear = await checkStatusEntry({ entry: { ...e, statusListIndex: '22' }, listCredential })
  assert.is(clear.ok, true, clear.reason)
  assert.equal(clear.warnings.filter((w) => /JSON number/.test(w)), [])
})

test('DCC list of 100,000 bits: strict refuses it with the length code, non-strict reads its bits', async () => {
  const listCredential = await readVector(DCC + 'e5WK8CbZ1GjycuPombrj')
  const e = entry({ statusListIndex: '2', statusListCredential: listCredential.id })
  const strict = await checkStatusEntry({ entry: e, listCredential })
  assert.is(strict.ok, false)
  assert.is(strict.code, 'COFL_ERR_STATUS_LIST_LENGTH')
  assert.is(strict.set, undefined)
  assert.is(strict.listLength, 100000)
  assert.match(strict.reason, /100000 bits, fewer than the 131072/)
  for (const [index, set] of [[2, true], [3, false], [6, true], [8, true], [99999, false]] as const) {
    const r = await checkStatusEntry({ entry: { ...e, statusListIndex: String(index) }, listCredential, strict: false })
    assert.is(r.set, set, `bit ${index}`)
    assert.is(r.ok, !set)
    assert.ok(r.warnings.some((w) => /fewer than/.test(w)))
  }
  const out = await checkStatusEntry({ entry: { ...e, statusListIndex: '100000' }, listCredential, strict: false })
  assert.is(out.code, 'COFL_ERR_STATUS_INDEX_RANGE')
  assert.is(out.set, undefined)
})

test('DCC lists: missing BitstringStatusListCredential type, tampered encodedList', async () => {
  const missing = await readVector(DCC + 'missingBitStringType')
  const r1 = await checkStatusEntry({ entry: entry(), listCredential: missing })
  assert.is(r1.code, 'COFL_ERR_STATUS_LIST_INVALID')
  assert.match(r1.reason, /not a BitstringStatusListCredential/)
  const tampered = await readVector(DCC + 'tampered')
  const r2 = await checkStatusEntry({ entry: entry(), listCredential: tampered, strict: false })
  assert.is(r2.code, 'COFL_ERR_STATUS_LIST_DECODE')
  assert.is(r2.ok, false)
})

test('suspension: set bit gives COFL_ERR_STATUS_SUSPENDED; list purpose may be an array', async () => {
  const l = await list({ purpose: 'suspension', set: [5] })
  const r = await checkStatusEntry({ entry: entry({ statusPurpose: 'suspension' }), listCredential: l })
  assert.is(r.ok, false)
  assert.is(r.set, true)
  assert.is(r.code, 'COFL_ERR_STATUS_SUSPENDED')
  assert.match(r.reason, /^suspended/)
  const both = await list({ purpose: ['revocation', 'suspension'] })
  const r2 = await checkStatusEntry({ entry: entry({ statusPurpose: 'suspension' }), listCredential: both })
  assert.is(r2.ok, true, r2.reason)
  assert.match(r2.reason, /not suspended/)
})

test('purpose mismatch between entry and list', async () => {
  const r = await checkStatusEntry({ entry: entry({ statusPurpose: 'suspension' }), listCredential: await list() })
  assert.is(r.ok, false)
  assert.is(r.code, 'COFL_ERR_STATUS_PURPOSE_MISMATCH')
  assert.match(r.reason, /suspension.*revocation/)
})

test('a list id that differs from statusListCredential is not an error by itself', async () => {
  const r = await checkStatusEntry({ entry: entry(), listCredential: await list({ id: 'https://mirror.example/lists/1' }) })
  assert.is(r.ok, true, r.reason)
  assert.is(r.warnings.length, 1)
})

test('malformed entries give clear reasons and COFL_ERR_STATUS_ENTRY_INVALID (or _PURPOSE)', async () => {
  const l = await list()
  const cases: Array<[unknown, string, RegExp]> = [
    [null, 'COFL_ERR_STATUS_ENTRY_INVALID', /not an object/],
    [entry({ type: 'StatusList2021Entry' }), 'COFL_ERR_STATUS_ENTRY_INVALID', /not BitstringStatusListEntry/],
    [entry({ statusPurpose: undefined }), 'COFL_ERR_STATUS_ENTRY_INVALID', /no statusPurpose/],
    [entry({ statusListIndex: undefined }), 'COFL_ERR_STATUS_ENTRY_INVALID', /no statusListIndex/],
    [entry({ statusListIndex: '0x10' }), 'COFL_ERR_STATUS_ENTRY_INVALID', /not a non-negative integer written in base 10/],
    [entry({ statusListIndex: '-1' }), 'COFL_ERR_STATUS_ENTRY_INVALID', /base 10/],
    [entry({ statusListIndex: '' }), 'COFL_ERR_STATUS_ENTRY_INVALID', /base 10/],
    [entry({ statusListIndex: 1.5 }), 'COFL_ERR_STATUS_ENTRY_INVALID', /base 10/],
    [entry({ statusListIndex: '99999999999999999999' }), 'COFL_ERR_STATUS_ENTRY_INVALID', /base 10/],
    [entry({ statusListCredential: undefined }), 'COFL_ERR_STATUS_ENTRY_INVALID', /no statusListCredential/],
    [entry({ statusListCredential: 7 }), 'COFL_ERR_STATUS_ENTRY_INVALID', /no statusListCredential/],
    [entry({ statusSize: 2 }), 'COFL_ERR_STATUS_ENTRY_INVALID', /statusSize/],
    [entry({ statusPurpose: 'message' }), 'COFL_ERR_STATUS_PURPOSE', /"message" is not supported/]
  ]
  for (const [e, code, reason] of cases) {
    const r = await checkStatusEntry({ entry: e, listCredential: l })
    assert.is(r.ok, false, JSON.stringify(e))
    assert.is(r.code, code, r.reason)
    assert.match(r.reason, reason)
    assert.is(r.set, undefined)
  }
})

test('malformed list credentials', async () => {
  const good = await list()
  const subject = good.credentialSubject as Record<string, unknown>
  const cases: Array<[unknown, string]> = [
    [undefined, 'COFL_ERR_STATUS_LIST_INVALID'],
    ['a string', 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, type: 'VerifiableCredential' }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: [subject] }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: { ...subject, type: 'StatusList2021' } }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: { ...subject, statusPurpose: undefined } }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: { ...subject, statusPurpose: [] } }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: { ...subject, encodedList: undefined } }, 'COFL_ERR_STATUS_LIST_INVALID'],
    [{ ...good, credentialSubject: { ...subject, encodedList: 'uAAAA' } }, 'COFL_ERR_STATUS_LIST_DECODE'],
    [{ ...good, credentialSubject: { ...subject, encodedList: (subject.encodedList as string).slice(1) } }, 'COFL_ERR_STATUS_LIST_DECODE']
  ]
  for (const [listCredential, code] of cases) {
    const r = await checkStatusEntry({ entry: entry(), listCredential })
    assert.is(r.ok, false)
    assert.is(r.code, code, r.reason)
    assert.is(r.purpose, 'revocation')
    assert.is(r.index, 5)
  }
})

test('index out of range', async () => {
  const r = await checkStatusEntry({ entry: entry({ statusListIndex: String(STATUS_LIST_LENGTH) }), listCredential: await list() })
  assert.is(r.code, 'COFL_ERR_STATUS_INDEX_RANGE')
  assert.match(r.reason, /outside/)
})

test('never throws on garbage input', async () => {
  const garbage: unknown[] = [null, undefined, 0, 'x', [], {}, { type: [] }, { credentialSubject: null }, [entry()]]
  for (const e of garbage) {
    for (const l of garbage) {
      const r = await checkStatusEntry({ entry: e, listCredential: l })
      assert.is(r.ok, false)
      assert.type(r.reason, 'string')
      assert.type(r.code, 'string')
    }
  }
})

test('statusEntries: object or array, only BitstringStatusListEntry', async () => {
  assert.is(statusEntries(await readVector(W3C + 'appendix-revocable-credential.json')).length, 1)
  const two = statusEntries(await readVector(W3C + 'example-credential-simple-entries.json'))
  assert.equal(two.map((e) => e.statusPurpose), ['revocation', 'suspension'])
  assert.equal(statusEntries({ credentialStatus: [{ type: '1EdTechRevocationList' }, { type: ['BitstringStatusListEntry'] }, null, 'x'] }),
    [{ type: ['BitstringStatusListEntry'] }])
  assert.equal(statusEntries({}), [])
  assert.equal(statusEntries(null), [])
  assert.equal(statusEntries(await readVector('fixtures/1edtech-validator-ob30/ob30/credential-status-revoked.json')), [])
})

test.run()
