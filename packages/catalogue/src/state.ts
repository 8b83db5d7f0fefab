/**
 * What the index holds, in one object: the entries by number and by key, the text index, the
 * skills spines, the other posting lists, and the marks that queries use.
 *
 * A newer version of an issuer's document gets a new number and the old one is dropped from the
 * entries; the posting lists keep the old number until a compaction (when dropped numbers
 * outnumber the live ones), and every query skips numbers that no longer name an entry.
 */
import type { StoredDocument } from '@cofl/store'
import { COMPACT_AFTER_DROPPED } from './constants.js'
import type { CatalogueType } from './constants.js'
import { entryKey, entryOf } from './entries.js'
import type { Entry } from './entries.js'
import { SpineSkills } from './skills.js'
import { TextIndex } from './text.js'
import { Interner, NONE, push } from './util.js'

/** Whose documents the search under way may show. */
export type Visible = (issuer: string) => boolean

/** Everyone's documents: what every search sees unless it is given the trusted issuers. */
export const EVERYONE: Visible = () => true

/** The posting lists other than the text index's, by what they are looked up by; rebuilt whole by a compaction. */
export class Postings {
  readonly skills = new Map<string, number[]>()
  readonly cells = new Map<number, number[]>()
  readonly areas = new Map<string, number[]>()
  readonly issuers = new Map<string, number[]>()
  readonly byType: Record<CatalogueType, number[]> = { achievement: [], pathway: [], opportunity: [] }
  /** Achievement id -> pathways and opportunities that ask for it. */
  readonly refs = new Map<string, number[]>()
  /** Pathway id -> opportunities that ask for it. */
  readonly pathwayRefs = new Map<string, number[]>()

  /** Adds an entry's number to every list it belongs to. */
  add (e: Entry): void {
    for (const k of e.skillKeys) push(this.skills, k, e.no)
    if (e.cell !== undefined) push(this.cells, e.cell, e.no)
    if (e.area !== undefined) push(this.areas, e.area, e.no)
    push(this.issuers, e.issuer, e.no)
    this.byType[e.type].push(e.no)
    for (const id of e.refs) push(this.refs, id, e.no)
    if (e.pathwayRef !== undefined) push(this.pathwayRefs, e.pathwayRef, e.no)
  }
}

/**
 * Which entries the query under way has visited (`seen[no] === mark`), with no clearing between
 * queries: each query takes the next mark (and a term's `mark` says which query took it as a
 * prefix match).
 */
export class QueryMarks {
  seen = new Uint32Array(1024)
  private epoch = 0

  /** The mark of a new query; when the counter wraps, every mark is cleared (the terms' too). */
  next (text: TextIndex): number {
    if (++this.epoch === 0xffffffff) {
      this.epoch = 1
      this.seen.fill(0)
      text.clearMarks()
    }
    return this.epoch
  }

  /** Room for the entry number `no`. */
  fit (no: number): void {
    if (no < this.seen.length) return
    const bigger = new Uint32Array(Math.max(this.seen.length * 2, no + 1))
    bigger.set(this.seen)
    this.seen = bigger
  }
}

export class CatalogueState {
  /** By number; a dropped (replaced) version leaves undefined until a compaction. */
  entries: Array<Entry | undefined> = []
  /** Entries that are not dropped. */
  live = 0
  /** Per type, entry key (entryKey: id and issuer) -> number. */
  readonly ids: Record<CatalogueType, Map<string, number>> = { achievement: new Map(), pathway: new Map(), opportunity: new Map() }
  /** Achievement id -> the keys of the entries with that id (one per issuer). */
  readonly achievementKeys = new Map<string, string[]>()
  readonly text = new TextIndex()
  readonly spines = new SpineSkills()
  postings = new Postings()
  readonly pool = new Interner()
  readonly marks = new QueryMarks()

  /**
   * Adds a document, or its newer version (which drops the one held); false for a kind the
   * catalogue does not hold (a spine goes to `spines`) or a version not newer than the one held.
   */
  put (stored: StoredDocument): boolean {
    if (stored == null || typeof stored !== 'object' || typeof stored.id !== 'string' || stored.document == null || typeof stored.document !== 'object') return false
    if (stored.kind === 'spine') return this.spines.put(stored)
    const type: CatalogueType | undefined = stored.kind === 'achievement' ? 'achievement' : stored.kind === 'pathway' ? 'pathway' : stored.kind === 'opportunity' ? 'opportunity' : undefined
    if (type === undefined) return false
    const sequence = typeof stored.sequence === 'number' ? stored.sequence : 0
    const heldNo = this.ids[type].get(entryKey(stored))
    if (heldNo !== undefined) {
      if ((this.entries[heldNo] as Entry).sequence >= sequence) return false
      this.entries[heldNo] = undefined
      this.live--
    }
    const no = this.entries.length
    const entry = entryOf(type, stored, sequence, no, this.text, this.pool)
    this.entries.push(entry)
    this.ids[type].set(entry.key, no)
    if (type === 'achievement' && heldNo === undefined) push(this.achievementKeys, entry.id, entry.key)
    this.live++
    this.post(entry)
    this.marks.fit(no)
    const dropped = this.entries.length - this.live
    if (dropped > COMPACT_AFTER_DROPPED && dropped > this.live) this.compact()
    return true
  }

  /** Adds an entry's number to every posting list it belongs to. */
  private post (e: Entry): void {
    for (const t of e.terms) t.docs.push(e.no)
    this.postings.add(e)
  }

  /** Renumbers the live entries and rebuilds every posting list without the dropped numbers. */
  private compact (): void {
    const kept = this.entries.filter((e): e is Entry => e !== undefined)
    this.entries = kept
    this.text.clearPostings()
    this.postings = new Postings()
    kept.forEach((e, no) => {
      e.no = no
      this.ids[e.type].set(e.key, no)
      this.post(e)
    })
    this.text.prune()
  }

  /**
   * The achievement with this id that a document refers to: of the issuers with an achievement
   * of that id, the first the search at hand may see (`visible`).
   */
  achievementOf (id: string, visible: Visible): Entry | undefined {
    for (const key of this.achievementKeys.get(id) ?? NONE) {
      const no = this.ids.achievement.get(key)
      const e = no === undefined ? undefined : this.entries[no]
      if (e !== undefined && visible(e.issuer)) return e
    }
    return undefined
  }

  /** How many achievements, pathways and opportunities are held. */
  count (type: CatalogueType): number {
    return this.ids[type].size
  }
}
