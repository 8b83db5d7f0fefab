// The RFC 4180 CSV reader of `cofl offer --csv` and the learner rows it makes: quotes, commas and
// line breaks in fields, CRLF / LF / CR, a byte order mark, blank lines, bad quoting.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { csvLine, learnerRows, parseCsv } from '../src/index.js'

const fields = (text: string): string[][] => parseCsv(text).map((r) => r.fields)

test('plain records, LF and CRLF, with and without a final line break', () => {
  assert.equal(fields('a,b\n1,2\n'), [['a', 'b'], ['1', '2']])
  assert.equal(fields('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']])
  assert.equal(fields('a,b\r\n1,2'), [['a', 'b'], ['1', '2']])
  assert.equal(fields('a,b\r1,2\r'), [['a', 'b'], ['1', '2']])
  assert.equal(fields(''), [])
  assert.equal(fields('a'), [['a']])
})

test('quoted fields: commas, doubled quotes, CRLF and LF inside, empty quoted fields', () => {
  assert.equal(fields('"Smith, Ann","ann@example.org"\r\n'), [['Smith, Ann', 'ann@example.org']])
  assert.equal(fields('"She said ""hi""",x\n'), [['She said "hi"', 'x']])
  assert.equal(fields('"two\r\nlines",x\n"and\nthis",y'), [['two\r\nlines', 'x'], ['and\nthis', 'y']])
  assert.equal(fields('"",""\n'), [['', '']])
  assert.equal(fields('a,""'), [['a', '']])
  assert.equal(fields('""'), [['']])
  assert.equal(fields('a,,b,\n'), [['a', '', 'b', '']])
})

test('row numbers count records (a quoted line break stays in its row), the header being row 1', () => {
  const records = parseCsv('name,email\n"multi\nline",a@example.org\n\nB,b@example.org\n')
  assert.equal(records.map((r) => r.row), [1, 2, 3, 4])
  assert.equal(records[2]?.fields, [''])
})

test('a UTF-8 byte order mark is dropped; unicode passes', () => {
  assert.equal(fields('\uFEFFname,email\nZoë Ødegård,zoe@example.org\n'), [['name', 'email'], ['Zoë Ødegård', 'zoe@example.org']])
})

test('lenient: a quote inside an unquoted field is kept as it is', () => {
  assert.equal(fields('O"Brien,x\n'), [['O"Brien', 'x']])
})

test('strict: an unclosed quote, or text after a closing quote, is an error naming the row', () => {
  assert.throws(() => parseCsv('a,b\n"never closed,x\n'), (err: Error & { code?: string }) => err.code === 'COFL_ERR_INPUT' && /row 2/.test(err.message))
  assert.throws(() => parseCsv('a,b\nx,"quoted"tail\n'), (err: Error & { code?: string }) => err.code === 'COFL_ERR_INPUT' && /row 2/.test(err.message))
})

test('csvLine quotes what needs it and round-trips', () => {
  const values = ['plain', 'Smith, Ann', 'say "hi"', 'two\nlines', '']
  const line = csvLine(values)
  assert.is(line, 'plain,"Smith, Ann","say ""hi""","two\nlines",\r\n')
  assert.equal(fields(line), [values])
})

test('learner rows: header in any case and order, blank lines skipped, duplicates refused with the first row', () => {
  const { rows, refused } = learnerRows('\uFEFFEMAIL,Extra,Name\r\na@example.org,x,Ann\r\n\r\nB@Example.org,,Bob\r\nb@example.org,,Bobby\r\n,,NoEmail\r\n', 'test.csv')
  assert.equal(rows, [
    { row: 2, name: 'Ann', email: 'a@example.org' },
    { row: 4, name: 'Bob', email: 'B@Example.org' },
    { row: 6, name: 'NoEmail', email: '' }
  ])
  assert.equal(refused, [{ row: 5, name: 'Bobby', email: 'b@example.org', reason: 'duplicate email b@example.org: the same as row 4' }])
  assert.throws(() => learnerRows('name,mail\nA,a@example.org\n', 'x.csv'), (err: Error & { code?: string }) => err.code === 'COFL_ERR_USAGE' && /"email" column/.test(err.message))
  assert.throws(() => learnerRows('', 'x.csv'), (err: Error & { code?: string }) => err.code === 'COFL_ERR_USAGE')
})

test.run()
