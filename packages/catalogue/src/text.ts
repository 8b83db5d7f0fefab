/**
 * The text part of the catalogue: an inverted index token -> entry numbers, and what a query's
 * words ask of it.
 *
 * Tokens are folded to lower case without accents (NFKD, combining marks removed, ø æ œ ß ł đ þ
 * spelt out), in the index and in queries alike. Every word of a query must match; the last one
 * also as a prefix unless the query ends with a space or punctuation (a sorted token list gives
 * the tokens of a prefix). A few English stop words are dropped from the query (STOP_WORDS).
 */
import { CATALOGUE_EXCERPT_CHARS, MAX_INDEXED_FIELD_CHARS, STOP_WORDS } from './constants.js'
import { NONE } from './util.js'

/** A token of the text index and the numbers of the entries that hold it. */
export interface Term {
  token: string
  docs: number[]
  /** The query that last selected this term as a prefix match. */
  mark: number
  /** The document that last took this term (each document takes a term once). */
  taken: number
}

const FOLDED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', þ: 'th', ð: 'd', ı: 'i' }

// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007f]/

/** Lower case, accents removed: what both the index and the queries compare. */
export function foldText (text: string): string {
  if (!NOT_ASCII.test(text)) return text.toLowerCase()
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[øæœßłđþðı]/g, (c) => FOLDED[c] ?? c)
}

/** The folded words of a text, in order (duplicates kept). */
export function tokenize (text: string): string[] {
  const folded = foldText(text)
  return folded.split(NOT_ASCII.test(folded) ? /[^\p{L}\p{N}]+/u : /[^a-z0-9]+/).filter((t) => t !== '')
}

/** The text of a value (a string, a language map, an array of either). */
export function textOf (value: unknown, depth = 0): string {
  if (typeof value === 'string') return value
  if (depth > 3) return ''
  if (Array.isArray(value)) return value.map((v) => textOf(v, depth + 1)).join(' ')
  if (value != null && typeof value === 'object') return Object.values(value).map((v) => textOf(v, depth + 1)).join(' ')
  return ''
}

/** The start of a description, as a result shows it; undefined for an empty one. */
export function excerptOf (text: string): string | undefined {
  const t = text.trim()
  if (t === '') return undefined
  if (t.length <= CATALOGUE_EXCERPT_CHARS) return t
  const cut = t.slice(0, CATALOGUE_EXCERPT_CHARS)
  const space = cut.lastIndexOf(' ')
  return `${(space > CATALOGUE_EXCERPT_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/** The readable part of a skill id for the text index: what follows its last '/', '#' or ':'. */
export function skillLabel (id: string): string {
  const m = /[^/#:]*$/.exec(id)
  return m?.[0] ?? id
}

/** "LearningProgram" -> "LearningProgram Learning Program". */
export function splitCamel (text: string): string {
  return `${text} ${text.replace(/([a-z])([A-Z])/g, '$1 $2')}`
}

function lowerBound (sorted: readonly string[], value: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as string) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The terms of the index, by token, and the sorted token list that prefixes are looked up in. */
export class TextIndex {
  private readonly terms = new Map<string, Term>()
  /** Every token, sorted, but for those added since the last prefix lookup (`newTokens`). */
  private sortedTokens: string[] = []
  private newTokens: string[] = []
  /** Counts the calls of termsOf: a term's `taken` is the call that took it last. */
  private takings = 0

  /** Distinct tokens. */
  get size (): number {
    return this.terms.size
  }

  get (token: string): Term | undefined {
    return this.terms.get(token)
  }

  /** The terms of the tokens of these texts, each once, made when new (their posting lists are filled by the caller). */
  termsOf (texts: string[]): readonly Term[] {
    const out: Term[] = []
    const taking = ++this.takings
    for (const text of texts) {
      for (const token of tokenize(text.length > MAX_INDEXED_FIELD_CHARS ? text.slice(0, MAX_INDEXED_FIELD_CHARS) : text)) {
        let term = this.terms.get(token)
        if (term === undefined) {
          term = { token, docs: [], mark: 0, taken: 0 }
          this.terms.set(token, term)
          this.newTokens.push(token)
        }
        if (term.taken === taking) continue
        term.taken = taking
        out.push(term)
      }
    }
    // Kept per entry: an exact copy (a pushed-to array keeps room to grow).
    return out.length === 0 ? NONE : out.slice()
  }

  /** The terms whose token starts with `prefix` (the sorted token list is brought up to date first). */
  withPrefix (prefix: string): Term[] {
    if (this.newTokens.length > 0) {
      if (this.newTokens.length > 64) {
        this.sortedTokens = [...this.terms.keys()].sort()
      } else {
        for (const token of this.newTokens) {
          if (!this.terms.has(token)) continue
          this.sortedTokens.splice(lowerBound(this.sortedTokens, token), 0, token)
        }
      }
      this.newTokens = []
    }
    const out: Term[] = []
    for (let i = lowerBound(this.sortedTokens, prefix); i < this.sortedTokens.length; i++) {
      const token = this.sortedTokens[i] as string
      if (!token.startsWith(prefix)) break
      const term = this.terms.get(token)
      if (term !== undefined) out.push(term)
    }
    return out
  }

  /** Empties every posting list, before a compaction fills them again. */
  clearPostings (): void {
    for (const term of this.terms.values()) term.docs = []
  }

  /** Drops the terms that no entry holds any more (after a compaction) and sorts the token list anew. */
  prune (): void {
    for (const [token, term] of this.terms) if (term.docs.length === 0) this.terms.delete(token)
    this.sortedTokens = [...this.terms.keys()].sort()
    this.newTokens = []
  }

  /** Forgets every query's prefix marks (when the query counter starts again). */
  clearMarks (): void {
    for (const t of this.terms.values()) t.mark = 0
  }
}

/** What the words of a query ask of an entry. */
export interface TextMatch {
  /** Whether the query has words at all (then results are ordered by words in the name). */
  textual: boolean
  /** The terms of the complete words, rarest first: an entry must hold every one. */
  words: Term[]
  /** When the last word is a prefix: the terms that start with it, marked with the query's mark; an entry must hold one. */
  prefixTerms: Term[] | undefined
}

/**
 * The terms that the text `q` asks for, the terms of its prefix marked with `mark`; undefined when
 * no entry can match (a complete word no entry holds, a prefix no token starts with).
 */
export function matchText (index: TextIndex, q: string, mark: number): TextMatch | undefined {
  let words: Term[] = []
  let prefixTerms: Term[] | undefined
  let tokens = tokenize(q)
  const lastIsPrefix = tokens.length > 0 && !/[\s\p{P}]$/u.test(q)
  const kept = tokens.filter((t, i) => !STOP_WORDS.has(t) || (lastIsPrefix && i === tokens.length - 1))
  if (kept.length > 0) tokens = kept
  const textual = tokens.length > 0
  if (textual) {
    const complete = [...new Set(lastIsPrefix ? tokens.slice(0, -1) : tokens)]
    for (const w of complete) {
      const t = index.get(w)
      if (t === undefined) return undefined
      words.push(t)
    }
    words = words.sort((a, b) => a.docs.length - b.docs.length)
    if (lastIsPrefix) {
      prefixTerms = index.withPrefix(tokens[tokens.length - 1] as string)
      if (prefixTerms.length === 0) return undefined
      for (const t of prefixTerms) t.mark = mark
    }
  }
  return { textual, words, prefixTerms }
}
