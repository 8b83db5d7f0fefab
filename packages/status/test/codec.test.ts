import { decodeList } from '@digitalbazaar/vc-bitstring-status-list'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeStatusList, encodeStatusList, STATUS_LIST_LENGTH, StatusError } from '../src/index.js'
import { readVector } from './helpers.js'

function setBits (list: { length: number, get: (i: number) => boolean }): number[] {
  const out: number[] = []
  for (let i = 0; i < list.length; i++) if (list.get(i)) out.push(i)
  return out
}

function listOf (credential: Record<string, unknown>): string {
  return (credential.credentialSubject as { encodedList: string }).encodedList
}

test('W3C spec example list: 131072 bits, none set; our empty list encodes to the same text', async () => {
  const example = await readVector('bitstring-status-list/w3c-spec-examples/example-bitstring-status-list-credential.json')
  const list = await decodeStatusList(listOf(example))
  assert.is(list.length, STATUS_LIST_LENGTH)
  assert.equal(setBits(list), [])
  assert.is(await encodeStatusList({ length: STATUS_LIST_LENGTH }), listOf(example))
  const appendix = await readVector('bitstring-status-list/w3c-spec-examples/appendix-status-list-credential.json')
  assert.is(listOf(appendix), listOf(example))
})

test('1EdTech validator testlist: only bit 23 set', async () => {
  const testlist = await readVector('fixtures/1edtech-validator-ob30/ob30/bit-string-list/testlist')
  const list = await decodeStatusList(listOf(testlist))
  assert.is(list.length, STATUS_LIST_LENGTH)
  assert.equal(setBits(list), [23])
})

test('DCC list: 100,000 bits, bits 2, 6 and 8 set', async () => {
  const dcc = await readVector('fixtures/dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj')
  const list = await decodeStatusList(listOf(dcc))
  assert.is(list.length, 100000)
  assert.equal(setBits(list), [2, 6, 8])
})

test('bit 0 is the most significant bit of byte 0', async () => {
  const list = await decodeStatusList(await encodeStatusList({ length: 16, set: [0, 9, 15] }))
  assert.equal([...list.bytes], [0b10000000, 0b01000001])
  assert.equal(setBits(list), [0, 9, 15])
})

test('what we encode, the library decodes the same (independent decoder)', async () => {
  const set = [0, 1, 7, 8, 23, 4096, 94567, STATUS_LIST_LENGTH - 1]
  const encoded = await encodeStatusList({ length: STATUS_LIST_LENGTH, set })
  assert.ok(encoded.startsWith('u'))
  const theirs = await decodeList({ encodedList: encoded })
  assert.is(theirs.length, STATUS_LIST_LENGTH)
  for (const i of set) assert.ok(theirs.getStatus(i), `bit ${i}`)
  assert.not.ok(theirs.getStatus(2))
  assert.equal(setBits(await decodeStatusList(encoded)), set)
})

test('decode refuses what is not a list, with COFL_ERR_STATUS_LIST_DECODE', async () => {
  const tampered = await readVector('fixtures/dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/tampered')
  const good = await encodeStatusList({ length: 64 })
  const bad = [
    '', 'u', 'z' + good.slice(1), 'u!!!!', 'u' + btoa('not gzip').replace(/=+$/, ''),
    good.slice(0, good.length - 8), listOf(tampered), 42 as unknown as string
  ]
  for (const text of bad) {
    try {
      await decodeStatusList(text)
      assert.unreachable(`decoded ${JSON.stringify(text)}`)
    } catch (err) {
      assert.instance(err, StatusError, String(err))
      assert.is((err as StatusError).code, 'COFL_ERR_STATUS_LIST_DECODE')
    }
  }
})

test('decode stops inflating beyond maxLength (a small text cannot allocate a huge list)', async () => {
  // 2^23 zero bits compress to about a kilobyte.
  const big = await encodeStatusList({ length: 2 ** 23 })
  assert.ok(big.length < 2000, `encoded length ${big.length}`)
  try {
    await decodeStatusList(big, { maxLength: STATUS_LIST_LENGTH })
    assert.unreachable('decoded beyond the limit')
  } catch (err) {
    assert.is((err as StatusError).code, 'COFL_ERR_STATUS_LIST_DECODE')
    assert.match((err as Error).message, /limit/)
  }
  assert.is((await decodeStatusList(big)).length, 2 ** 23)
})

test('encode refuses bad lengths and indexes (programmer errors)', async () => {
  for (const length of [0, -8, 12, 1.5]) {
    try { await encodeStatusList({ length }); assert.unreachable() } catch (err) { assert.instance(err, TypeError) }
  }
  try { await encodeStatusList({ length: 8, set: [8] }); assert.unreachable() } catch (err) { assert.instance(err, RangeError) }
})

test.run()
