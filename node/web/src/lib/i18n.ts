/**
 * The pages' words in English and Welsh (docs/i18n.md). The message catalogues are
 * node/web/locales/<language>.json (what every page shares) and <page>.<language>.json (a page's
 * own, added by the page with usePageMessages), bundled into the page (no request, no flash of the
 * other language); i18next looks keys up, fills `{{placeholders}}` and picks plural forms through
 * Intl.PluralRules (`key_one`, `key_two`, `key_few`, ... as the language has them).
 *
 * The language is the one the person chose with the switcher (kept in localStorage), else the
 * first of the browser's languages that the pages speak, else English. In a browser, importing
 * this module fills every element marked `data-i18n="key"` (its text) or
 * `data-i18n-attr="attribute:key,..."` (attributes) and puts the switcher in the page's header.
 * A page whose every text is in the catalogues says so with `<html data-i18n-page>` and gets
 * `<html lang>` set; on a page not converted yet, only the texts filled get a `lang` of their own
 * (so that a screen reader reads each part in its language).
 *
 *   import { t, formatDate } from '../lib/i18n.js'
 *   h('p', {}, t('home.about.runBy', { name }), ' ', formatDate(new Date(), 'long'))
 *
 * Pure where it can be: with no DOM (the Node tests of lib/messages.ts) it speaks English unless
 * told otherwise by `useLanguage`.
 */
import i18next from 'i18next'
import en from '../../locales/en.json' with { type: 'json' }
import cy from '../../locales/cy.json' with { type: 'json' }

/** The languages the pages speak, English first (the fallback). */
export const LANGUAGES = ['en', 'cy'] as const
export type Language = typeof LANGUAGES[number]

/** Each language's own name, as the switcher shows it (never translated). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Cymraeg' }

/** The locale that dates and numbers are written in, per language. */
export const LOCALES: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB' }

/** Where the person's choice is kept (localStorage), and the note that puts focus back on the switcher after the reload it causes (sessionStorage). */
export const STORAGE_KEY = 'cofl.language'
const FOCUS_KEY = 'cofl.language.focus'

function isLanguage (value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/**
 * The language to speak: `saved` when it is one of ours, else the first of `preferred` (BCP 47
 * tags, as navigator.languages) whose primary language we speak (`cy`, `cy-GB` -> Welsh), else
 * English.
 */
export function languageFrom (saved: string | null | undefined, preferred: readonly string[] = []): Language {
  if (isLanguage(saved)) return saved
  for (const tag of preferred) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0]
    if (isLanguage(primary)) return primary
  }
  return 'en'
}

function storage (kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return typeof globalThis[kind] === 'object' ? globalThis[kind] : undefined
  } catch {
    return undefined // storage refused (a sandboxed frame, blocked cookies)
  }
}

function browserLanguage (): Language {
  let saved: string | null | undefined
  try { saved = storage('localStorage')?.getItem(STORAGE_KEY) } catch { saved = undefined }
  const nav = typeof navigator === 'object' ? navigator : undefined
  const preferred = nav?.languages != null && nav.languages.length > 0 ? nav.languages : (nav?.language != null ? [nav.language] : [])
  // No DOM (Node): English, whatever the machine's locale.
  return typeof document === 'object' ? languageFrom(saved, preferred) : 'en'
}

const i18n = i18next.createInstance()
void i18n.init({
  lng: browserLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  resources: { en: { translation: en }, cy: { translation: cy } },
  initAsync: false, // the catalogues are here already: ready before this module returns
  interpolation: { escapeValue: false }, // the pages set text, never markup (lib/dom.ts)
  returnNull: false
})
// `{{count, number}}` in a message: written as formatNumber writes it (i18next's own asks Intl for the bare language).
i18n.services.formatter?.add('number', (value, _lng, options) => formatNumber(Number(value), options as Intl.NumberFormatOptions))

/** The language the page speaks now. */
export function language (): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en'
}

/** The locale of the language spoken now (`en-GB`, `cy-GB`), for Intl. */
export function locale (): string {
  return LOCALES[language()]
}

/** Speaks `lang` from now on, in this page only (not kept): the tests, and the page itself at start. */
export function useLanguage (lang: Language): void {
  void i18n.changeLanguage(lang)
}

/** The message `key` (dotted, as in the catalogues) in the language spoken now, with `vars` filled in; `count` picks the plural form. */
export function t (key: string, vars: Record<string, string | number> = {}): string {
  return i18n.t(key, vars)
}

/**
 * The message `key` as parts, with the values of `vars` that are DOM nodes (a `<strong>` name, a
 * link) put where their placeholders are: `h('p', {}, ...tParts('home.about.runBy', { name: h('strong', {}, name) }))`.
 */
export function tParts<N> (key: string, vars: Record<string, string | number | N>): Array<string | N> {
  const nodes = new Map<string, N>()
  const plain: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'string' || typeof value === 'number') {
      plain[name] = value
    } else {
      const mark = `\uE000${nodes.size}\uE001` // from Unicode's private use area, which no message holds
      nodes.set(mark, value)
      plain[name] = mark
    }
  }
  return t(key, plain).split(/(\uE000\d+\uE001)/).filter((part) => part !== '').map((part) => nodes.get(part) ?? part)
}

export type DateStyle = 'date' | 'long' | 'dateTime'
const DATE_STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  long: { dateStyle: 'long' },
  dateTime: { dateStyle: 'long', timeStyle: 'short' }
}

/** Whether this browser's Intl has the data to write dates in `loc` (Chromium's has no Welsh: it writes "2026 M12 8"). */
function intlWrites (loc: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([loc]).length > 0
  } catch {
    return false
  }
}

/**
 * A date written from the catalogue's month names and patterns (`common.date.*`), as CLDR writes
 * it for en-GB and cy-GB: for a browser whose Intl lacks the language. Exported for its test.
 */
export function catalogueDate (value: Date, style: DateStyle): string {
  const parts = new Map(new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(value).map((p) => [p.type, p.value]))
  const month = Number(parts.get('month'))
  const day = t('common.date.pattern', {
    day: Number(parts.get('day')),
    month: style === 'date' ? t(`common.date.monthsShort.${month}`) : t(`common.date.months.${month}`),
    year: parts.get('year') ?? ''
  })
  return style === 'dateTime' ? t('common.date.dateTime', { date: day, time: `${parts.get('hour') ?? ''}:${parts.get('minute') ?? ''}` }) : day
}

/** A date (a Date, an ISO string or epoch milliseconds) written for the language spoken now, in the browser's time zone; what cannot be read as a date is given back as it was. */
export function formatDate (date: Date | string | number, style: DateStyle = 'date'): string {
  const value = date instanceof Date ? date : new Date(date)
  if (Number.isNaN(value.getTime())) return String(date)
  const loc = locale()
  return intlWrites(loc) ? new Intl.DateTimeFormat(loc, DATE_STYLES[style]).format(value) : catalogueDate(value, style)
}

/**
 * A number written for the language spoken now. Where the browser's Intl lacks the language, en-GB's
 * way (Welsh writes numbers as British English does: 1,234.5), never the browser's own locale's.
 */
export function formatNumber (n: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat([locale(), 'en-GB'], options).format(n)
}

/**
 * Fills the marked elements under `root` in the language spoken now: `data-i18n="key"` sets the
 * element's text; `data-i18n-attr="aria-label:key,title:key"` sets those attributes.
 */
export function translate (root: ParentNode): void {
  const lang = language()
  // Where the element's language (its own, or the page's) is another, the element says which it is now.
  const mark = (element: HTMLElement): void => {
    if ((element.closest('[lang]')?.getAttribute('lang') ?? '') !== lang) element.lang = lang
  }
  // A key of a page's own catalogue that is not added yet (usePageMessages) leaves the text as it is.
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset.i18n
    if (key == null || key === '' || !i18n.exists(key)) continue
    element.textContent = t(key)
    mark(element)
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    let any = false
    for (const pair of (element.dataset.i18nAttr ?? '').split(',')) {
      const [attribute, key] = pair.split(':').map((s) => s.trim())
      if (attribute != null && attribute !== '' && key != null && key !== '' && i18n.exists(key)) { element.setAttribute(attribute, t(key)); any = true }
    }
    if (any) mark(element)
  }
}

/**
 * Adds a page's own messages (node/web/locales/<page>.<language>.json, each with the page's name as
 * its root key) to the catalogues, and fills the page's marked elements again: a page module calls
 * it first thing, with the files it imports, so that every page carries only its own words.
 *
 *   import en from '../../locales/wallet.en.json' with { type: 'json' }
 *   import cy from '../../locales/wallet.cy.json' with { type: 'json' }
 *   usePageMessages({ en, cy })
 */
export function usePageMessages (messages: Record<Language, object>): void {
  for (const lang of LANGUAGES) i18n.addResourceBundle(lang, 'translation', messages[lang], true, false)
  if (typeof document === 'object') {
    if (document.documentElement.hasAttribute('data-i18n-page')) document.documentElement.lang = language()
    translate(document)
  }
}

/** Keeps `lang` as the person's choice and loads the page again in it (so that what scripts wrote is written again), with the focus back on the switcher. */
export function chooseLanguage (lang: Language): void {
  try { storage('localStorage')?.setItem(STORAGE_KEY, lang) } catch { /* not kept: this page still changes */ }
  try { storage('sessionStorage')?.setItem(FOCUS_KEY, '1') } catch { /* the focus starts at the top */ }
  location.reload()
}

/** The switcher: one button, in the other language, that changes to it (as Welsh public bodies' sites do). */
function switcher (): HTMLButtonElement {
  const other: Language = language() === 'en' ? 'cy' : 'en'
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'lang-switch'
  button.id = 'lang-switch'
  button.lang = other
  button.textContent = LANGUAGE_NAMES[other]
  button.addEventListener('click', () => { chooseLanguage(other) })
  return button
}

/** What importing this module does to a page: its language, its marked texts, the switcher in its header. */
function startPage (): void {
  if (document.documentElement.hasAttribute('data-i18n-page')) document.documentElement.lang = language()
  translate(document)
  const header = document.querySelector('header.site')
  if (header != null && document.getElementById('lang-switch') == null) {
    const button = switcher()
    header.append(button)
    let refocus = false
    try { refocus = storage('sessionStorage')?.getItem(FOCUS_KEY) != null; storage('sessionStorage')?.removeItem(FOCUS_KEY) } catch { refocus = false }
    if (refocus) button.focus()
  }
}

if (typeof document === 'object') startPage()
