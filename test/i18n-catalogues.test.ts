// The pages' message catalogues (node/web/locales, docs/i18n.md): English and Welsh hold the same
// messages with the same placeholders and no empty text; each message with plural forms has every
// form its language needs (Intl.PluralRules); and every key the pages' sources and markup use is
// in the English catalogue (a key that is not would show the key itself to people).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB = fileURLToPath(new URL('../node/web/', import.meta.url))
const LOCALES = join(WEB, 'locales')
const FILES = readdirSync(LOCALES).filter((f) => f.endsWith('.json')).sort()
/** `<language>.json` (what every page shares) and `<page>.<language>.json` (a page's own). */
const LANGUAGES = FILES.filter((f) => /^[a-z]{2,3}\.json$/.test(f)).map((f) => f.replace(/\.json$/, '')).sort()

type Tree = { [key: string]: string | Tree }

/** Every message of a catalogue by its dotted key. */
function flatten (tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix === '' ? name : `${prefix}.${name}`
    if (typeof value === 'string') out.set(key, value)
    else if (value != null && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of flatten(value, key)) out.set(k, v)
    else throw new Error(`${key}: neither a message nor a group`)
  }
  return out
}

/** A language's whole catalogue: its shared file and every page's, no key in two files. */
function catalogueOf (lang: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const file of FILES.filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))) {
    for (const [key, text] of flatten(JSON.parse(readFileSync(join(LOCALES, file), 'utf8')) as Tree)) {
      if (out.has(key)) throw new Error(`${file}: ${key} is in another ${lang} file too`)
      out.set(key, text)
    }
  }
  return out
}

const catalogues = new Map(LANGUAGES.map((lang) => [lang, catalogueOf(lang)]))
const en = catalogues.get('en') as Map<string, string>

const PLURAL = /_(zero|one|two|few|many|other)$/

/** A catalogue's messages grouped by key without its plural suffix: key -> { form -> text } ('' for a message with no plural forms). */
function byBase (messages: Map<string, string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>()
  for (const [key, text] of messages) {
    const form = PLURAL.exec(key)?.[1] ?? ''
    const base = form === '' ? key : key.slice(0, -form.length - 1)
    const forms = out.get(base) ?? new Map<string, string>()
    forms.set(form, text)
    out.set(base, forms)
  }
  return out
}

/** The placeholders of a text: `{{name}}` and `{{count, number}}` both name `name`/`count`. */
function placeholders (text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] as string))].sort()
}

test('English and Welsh are both there', () => {
  assert.equal(LANGUAGES, ['cy', 'en'])
})

test('every catalogue has the same messages as English, with the same placeholders, and no empty text', () => {
  const english = byBase(en)
  for (const [lang, messages] of catalogues) {
    const mine = byBase(messages)
    assert.equal([...mine.keys()].filter((k) => !english.has(k)), [], `${lang}.json: messages English does not have`)
    assert.equal([...english.keys()].filter((k) => !mine.has(k)), [], `${lang}.json: messages it lacks`)
    for (const [key, text] of messages) assert.ok(text.trim() !== '', `${lang}.json ${key} is empty`)
    for (const [base, forms] of mine) {
      // A plural form may leave the number out ("Dim un nod arall" for 0), so placeholders are compared over all its forms.
      const used = placeholders([...forms.values()].join(' '))
      const expected = placeholders([...(english.get(base)?.values() ?? [])].join(' '))
      assert.equal(used, expected, `${lang}.json ${base}: placeholders`)
    }
  }
})

test('a message with plural forms has every form its language needs, and no other', () => {
  for (const [lang, messages] of catalogues) {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.slice().sort()
    for (const [base, forms] of byBase(messages)) {
      if (forms.has('')) {
        assert.is(forms.size, 1, `${lang}.json ${base}: both a plain message and plural forms`)
        continue
      }
      const present = [...forms.keys()]
      // Zero may be given in any language (i18next uses `_zero` for 0 when there is one); the others are the language's own.
      assert.equal(present.filter((f) => f !== 'zero' || needed.includes('zero')).sort(), needed, `${lang}.json ${base}: plural forms`)
      for (const [form, text] of forms) if (form !== 'zero') assert.ok(/\{\{\s*count\b/.test(text), `${lang}.json ${base}_${form} does not show the count`)
    }
  }
})

/** Every file under a folder whose name ends with `ext`. */
function files (dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => join(e.parentPath, e.name))
}

/** The keys that the pages' sources and markup ask for, with where each is asked. */
function usedKeys (): Map<string, string> {
  const used = new Map<string, string>()
  const add = (key: string, where: string): void => { used.set(key, where) }
  for (const file of files(join(WEB, 'src'), '.ts')) {
    const source = readFileSync(file, 'utf8')
    const where = file.slice(WEB.length)
    // t('key', ...) and tParts('key', ...), and both keys of a `cond ? 'a' : 'b'` in them.
    for (const m of source.matchAll(/\b(?:t|tParts)\(\s*([^,()]*?)\s*[,)]/g)) {
      for (const literal of (m[1] as string).matchAll(/'([a-z][A-Za-z0-9_.]*)'/g)) add(literal[1] as string, where)
    }
    // lib/messages.ts: message('key') is key.happened and key.todo; said(what, 'name') for both things verified.
    for (const m of source.matchAll(/\bmessage\(\s*(?:[^()]*\?\s*)?'([a-z][A-Za-z0-9_.]*)'(?:\s*:\s*'([a-z][A-Za-z0-9_.]*)')?/g)) {
      for (const key of [m[1], m[2]]) if (key != null) { add(`${key}.happened`, where); add(`${key}.todo`, where) }
    }
    for (const m of source.matchAll(/\bsaid\(\s*what\s*,\s*(?:[^()]*\?\s*)?'([A-Za-z]+)'(?:\s*:\s*'([A-Za-z]+)')?/g)) {
      for (const name of [m[1], m[2]]) {
        if (name == null) continue
        for (const what of ['badge', 'presentation']) { add(`verify.messages.${what}.${name}.happened`, where); add(`verify.messages.${what}.${name}.todo`, where) }
      }
    }
  }
  for (const file of files(join(WEB, 'pages'), '.html')) {
    const html = readFileSync(file, 'utf8')
    const where = file.slice(WEB.length)
    for (const m of html.matchAll(/data-i18n="([^"]*)"/g)) add(m[1] as string, where)
    for (const m of html.matchAll(/data-i18n-attr="([^"]*)"/g)) {
      for (const pair of (m[1] as string).split(',')) add(pair.split(':')[1]?.trim() ?? '', where)
    }
  }
  return used
}

test('every key the pages use is in the English catalogue', () => {
  const english = byBase(en)
  const used = usedKeys()
  // The scan finds what it should: the home page's keys, the verify messages' keys.
  for (const key of ['home.heading', 'common.nav.wallet', 'home.about.peerCount', 'verify.messages.presentation.revoked.todo', 'verify.messages.otherRequest.happened']) {
    assert.ok(used.has(key), `the scan missed ${key}`)
  }
  const missing = [...used].filter(([key]) => !english.has(key)).map(([key, where]) => `${key} (${where})`)
  assert.equal(missing, [], 'keys used but not in en.json')
})

test('every page marks its skip link and its navigation for translation', () => {
  const pages = files(join(WEB, 'pages'), '.html')
  assert.ok(pages.length >= 5, 'the pages are found')
  for (const file of pages) {
    const html = readFileSync(file, 'utf8')
    const where = file.slice(WEB.length)
    assert.match(html, /<a class="skip" href="#main" data-i18n="common\.skip">/, `${where}: skip link`)
    const nav = /<nav aria-label="Pages"[^>]*>(.*?)<\/nav>/s.exec(html)
    assert.ok(nav != null, `${where}: no navigation of the pages`)
    assert.match(nav[0], 'data-i18n-attr="aria-label:common.nav.label"', `${where}: the navigation's name`)
    const links = [...(nav[1] as string).matchAll(/<a [^>]*>/g)].map((m) => m[0])
    assert.ok(links.length >= 4, `${where}: links`)
    for (const link of links) assert.match(link, /data-i18n="common\.nav\.[a-z]+"/, `${where}: ${link}`)
  }
})

test.run()
