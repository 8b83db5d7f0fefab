/**
 * CSV as RFC 4180 writes it, for the analytics' CSV and offers to learners from a file (`cofl
 * offer --csv`, the City dashboard): records separated by CRLF (or LF, or a lone CR), fields by
 * commas; a field in double quotes may hold commas, line breaks and "" (one quote). A UTF-8 byte
 * order mark at the start is dropped. Lenient where spreadsheets are: a quote inside an unquoted
 * field is taken as it is, and records may have different numbers of fields. Strict where data
 * would be lost: text after a closing quote, or a quote never closed, is a CsvError
 * (COFL_ERR_INPUT) naming the row. Runs in the browser too (no Node module).
 */
import { CsvError, CsvErrorCode } from './errors.js'

export interface CsvRecord {
  /** The record's number, 1-based, counting the header: the row a spreadsheet shows. */
  row: number
  fields: string[]
}

/** Parses CSV text into records (empty lines are records with one empty field). */
export function parseCsv (text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  // The field being read was quoted (so "" is an empty field that exists, not a missing one).
  let quoted = false
  let row = 1
  let i = 0
  const n = input.length
  const endRecord = (): void => {
    fields.push(field)
    records.push({ row, fields })
    fields = []
    field = ''
    quoted = false
    row++
  }
  while (i < n) {
    const c = input[i] as string
    if (c === '"' && field === '' && !quoted) {
      // A quoted field: up to the closing quote, "" being one quote.
      const startRow = row
      i++
      for (;;) {
        if (i >= n) throw new CsvError(CsvErrorCode.INPUT, `row ${startRow}: a quoted field is never closed (a missing ")`)
        const q = input[i] as string
        if (q === '"') {
          if (input[i + 1] === '"') { field += '"'; i += 2; continue }
          i++
          break
        }
        field += q
        i++
      }
      const next = input[i]
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new CsvError(CsvErrorCode.INPUT, `row ${startRow}: text after the closing quote of a field (a quote inside a quoted field is written "")`)
      }
      quoted = true
      continue
    }
    if (c === ',') {
      fields.push(field)
      field = ''
      quoted = false
      i++
      continue
    }
    if (c === '\r' || c === '\n') {
      endRecord()
      i += c === '\r' && input[i + 1] === '\n' ? 2 : 1
      continue
    }
    field += c
    i++
  }
  // A last record without a line break; a final line break ends the text, it opens no record.
  if (field !== '' || quoted || fields.length > 0) endRecord()
  return records
}

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField (value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** One CSV record with its CRLF. */
export function csvLine (values: Array<string | number>): string {
  return values.map((v) => csvField(String(v))).join(',') + '\r\n'
}

/** The form in which emails are compared (duplicates): trimmed, lower case. */
export function normaliseEmail (email: string): string {
  return email.trim().toLowerCase()
}

/** A learner of an offers CSV file: its row (1-based, the header is row 1), name and email. */
export interface LearnerRow { row: number, name: string, email: string }

/**
 * The learner rows of an offers CSV file (`cofl offer --csv`, the City dashboard): a header row
 * naming "email" (and "name"), in any case and order, then a row per learner; blank lines are
 * skipped. A row whose email repeats an earlier row's (compared by normaliseEmail) is refused,
 * naming that row. An empty file, or a header without "email", is a CsvError (COFL_ERR_USAGE)
 * whose message starts with `source`.
 */
export function learnerRows (text: string, source: string): { rows: LearnerRow[], refused: Array<LearnerRow & { reason: string }> } {
  const records = parseCsv(text)
  const header = records[0]
  if (header == null || header.fields.every((f) => f.trim() === '')) throw new CsvError(CsvErrorCode.USAGE, `${source} is empty: it needs a header row "name,email" and a row per learner`)
  const names = header.fields.map((f) => f.trim().toLowerCase())
  const emailColumn = names.indexOf('email')
  const nameColumn = names.indexOf('name')
  if (emailColumn < 0) throw new CsvError(CsvErrorCode.USAGE, `${source}: the header row (row 1) must name an "email" column and a "name" column; it has ${header.fields.map((f) => JSON.stringify(f)).join(', ')}`)
  const rows: LearnerRow[] = []
  const refused: Array<LearnerRow & { reason: string }> = []
  const seen = new Map<string, number>()
  for (const record of records.slice(1)) {
    if (record.fields.every((f) => f.trim() === '')) continue // a blank line
    const email = (record.fields[emailColumn] ?? '').trim()
    const name = nameColumn < 0 ? '' : (record.fields[nameColumn] ?? '').trim()
    if (email !== '') {
      const before = seen.get(normaliseEmail(email))
      if (before != null) { refused.push({ row: record.row, name, email, reason: `duplicate email ${email}: the same as row ${before}` }); continue }
      seen.set(normaliseEmail(email), record.row)
    }
    rows.push({ row: record.row, name, email })
  }
  return { rows, refused }
}
