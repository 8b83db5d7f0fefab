// The pages' language library (node/web/src/lib/i18n.ts, run here in Node with no DOM): which
// language a browser gets, plurals by the language's own rules, dates and numbers in its locale,
// messages with elements in them; and the verify report's messages (lib/messages.ts) said in
// Welsh for every check that can fail, none of them a bare key or left in English.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Check } from '@cofl/verifier'

// The pages' code is compiled for the browser by its own project (tsc -p node/web), outside this
// one: imported by a path the type check does not follow, typed here by what the test uses.
const I18N = '../node/web/src/lib/i18n.js'
const MESSAGES = '../node/web/src/lib/messages.js'
type Language = 'en' | 'cy'
const i18n = await import(I18N) as {
  languageFrom: (saved: string | null | undefined, preferred?: readonly string[]) => Language
  language: () => Language
  useLanguage: (lang: Language) => void
  t: (key: string, vars?: Record<string, string | number>) => string
  tParts: <N>(key: string, vars: Record<string, string | number | N>) => Array<string | N>
  formatDate: (date: Date | string | number, style?: 'date' | 'long' | 'dateTime') => string
  formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string
  catalogueDate: (date: Date, style: 'date' | 'long' | 'dateTime') => string
}
const { checkMessage } = await import(MESSAGES) as {
  checkMessage: (check: Check, what: 'badge' | 'presentation') => { happened: string, todo: string } | null
}

test.after.each(() => { i18n.useLanguage('en') })

test('the language: a saved choice first, then the browser\'s first language we speak, else English', () => {
  assert.is(i18n.languageFrom(null, ['cy']), 'cy')
  assert.is(i18n.languageFrom(null, ['cy-GB', 'en-GB']), 'cy')
  assert.is(i18n.languageFrom(undefined, ['fr-FR', 'CY_gb', 'en']), 'cy')
  assert.is(i18n.languageFrom(null, ['en-US', 'cy']), 'en')
  assert.is(i18n.languageFrom(null, ['fr', 'de']), 'en')
  assert.is(i18n.languageFrom(null, []), 'en')
  assert.is(i18n.languageFrom('en', ['cy-GB']), 'en', 'the switcher\'s choice wins over the browser')
  assert.is(i18n.languageFrom('cy', ['en-GB']), 'cy')
  assert.is(i18n.languageFrom('xx', ['cy']), 'cy', 'a saved value that is not ours is ignored')
  // In Node (no DOM) the library speaks English until told otherwise.
  assert.is(i18n.language(), 'en')
})

test('plurals by each language\'s rules, the count written in its locale', () => {
  assert.is(i18n.t('home.about.peerCount', { count: 1 }), '1 other node')
  assert.is(i18n.t('home.about.peerCount', { count: 0 }), '0 other nodes')
  assert.is(i18n.t('home.about.peerCount', { count: 12345 }), '12,345 other nodes')
  i18n.useLanguage('cy')
  assert.is(i18n.language(), 'cy')
  assert.is(i18n.t('home.about.peerCount', { count: 0 }), 'Dim un nod arall', 'Welsh has a zero form')
  assert.is(i18n.t('home.about.peerCount', { count: 3 }), '3 nod arall')
  assert.is(i18n.t('common.nav.admin'), 'Dangosfwrdd y ddinas')
})

test('dates and numbers in the language\'s locale; what is not a date is given back', () => {
  const date = new Date(Date.UTC(2026, 2, 5, 12, 0))
  assert.match(i18n.formatDate(date, 'long'), /5 March 2026/)
  assert.is(i18n.formatNumber(1234.5), '1,234.5')
  i18n.useLanguage('cy')
  assert.match(i18n.formatDate(date, 'long'), /5 Mawrth 2026/)
  assert.match(i18n.formatDate('2026-07-01', 'long'), /Gorffennaf/)
  assert.match(i18n.formatNumber(0.25, { style: 'percent' }), /25%/)
  assert.is(i18n.formatDate('not a date'), 'not a date')
})

test('where a browser\'s Intl lacks the language (Chromium has no Welsh), the catalogue writes dates as CLDR does', () => {
  // Node has all of ICU: its Intl is the reference.
  for (const [lang, loc] of [['en', 'en-GB'], ['cy', 'cy-GB']] as const) {
    i18n.useLanguage(lang)
    for (let month = 0; month < 12; month++) {
      const date = new Date(2026, month, 5 + month, 9, 7)
      for (const [style, options] of [['date', { dateStyle: 'medium' }], ['long', { dateStyle: 'long' }], ['dateTime', { dateStyle: 'long', timeStyle: 'short' }]] as const) {
        assert.is(i18n.catalogueDate(date, style), new Intl.DateTimeFormat(loc, options).format(date), `${lang} ${style} month ${month + 1}`)
      }
    }
  }
})

test('a message with an element in it: the element where its placeholder is', () => {
  const name = { element: 'strong' }
  assert.equal(i18n.tParts('home.about.runBy', { name }), ['This node is run by ', name, '.'])
  i18n.useLanguage('cy')
  assert.equal(i18n.tParts('home.about.runBy', { name }), [name, ' sy\'n rhedeg y nod hwn.'])
})

function check (id: string, outcome: Check['outcome'], reason: string, code?: string): Check {
  return { id, title: id, outcome, reason, ...(code != null ? { code } : {}) } as Check
}

/** A check for every message lib/messages.ts has. */
const CHECKS: Check[] = [
  check('format', 'failed', 'not JSON'),
  check('schema', 'indeterminate', 'schema not loaded'),
  check('schema', 'failed', 'missing type'),
  check('proof', 'failed', 'no challenge', 'COFL_ERR_CHALLENGE_MISSING'),
  check('proof', 'failed', 'The challenge is not as expected', 'COFL_ERR_PROOF_PURPOSE'),
  check('proof', 'indeterminate', 'key not found', 'COFL_ERR_CONTROLLER_UNRESOLVED'),
  check('proof', 'failed', 'no proof', 'COFL_ERR_NO_PROOF'),
  check('proof', 'failed', 'key not bound', 'COFL_ERR_KEY_NOT_BOUND'),
  check('proof', 'failed', 'signature does not match', 'COFL_ERR_INVALID_SIGNATURE'),
  check('status', 'failed', 'revoked', 'COFL_ERR_STATUS_REVOKED'),
  check('status', 'failed', 'suspended', 'COFL_ERR_STATUS_SUSPENDED'),
  check('status', 'indeterminate', 'list not held', 'COFL_ERR_STATUS_LIST_UNAVAILABLE'),
  check('status', 'failed', 'list broken', 'COFL_ERR_STATUS_LIST_INVALID'),
  check('validity', 'failed', 'expired', 'COFL_ERR_EXPIRED'),
  check('validity', 'failed', 'not yet', 'COFL_ERR_NOT_YET_VALID'),
  check('validity', 'failed', 'bad date'),
  check('holder', 'failed', 'not the holder', 'COFL_ERR_HOLDER'),
  check('credentials', 'indeterminate', 'some unknown'),
  check('credentials', 'failed', 'some failed'),
  check('something-new', 'failed', 'a check this page has no words for'),
  check('something-new', 'indeterminate', 'a check this page has no words for')
]

test('every verify message is in Welsh when the page speaks Welsh: no key shown, none left in English', () => {
  const seen = new Set<string>()
  for (const what of ['badge', 'presentation'] as const) {
    for (const c of CHECKS) {
      const english = checkMessage(c, what)
      i18n.useLanguage('cy')
      const welsh = checkMessage(c, what)
      i18n.useLanguage('en')
      const where = `${c.id} ${c.outcome} ${c.code ?? ''} (${what})`
      assert.ok(english != null && welsh != null, where)
      for (const text of [english.happened, english.todo, welsh.happened, welsh.todo]) {
        assert.not.match(text, /^verify\.messages\./, `${where}: a key, not a message`)
        assert.ok(text.trim().length > 0, where)
      }
      assert.is.not(welsh.happened, english.happened, `${where}: not in Welsh`)
      assert.is.not(welsh.todo, english.todo, `${where}: not in Welsh`)
      seen.add(english.happened)
    }
  }
  // Each case has words of its own (a badge's and a presentation's told apart where they differ).
  assert.ok(seen.size >= 30, `only ${seen.size} different messages`)
  // The Welsh names the thing verified with its own mutation.
  i18n.useLanguage('cy')
  assert.match(checkMessage(check('format', 'failed', 'x'), 'badge')?.happened ?? '', 'yn fathodyn')
  assert.match(checkMessage(check('format', 'failed', 'x'), 'presentation')?.happened ?? '', 'yn gyflwyniad')
  assert.match(checkMessage(check('status', 'failed', 'x', 'COFL_ERR_STATUS_REVOKED'), 'badge')?.happened ?? '', 'wedi dirymu\'r bathodyn hwn')
})

test.run()
