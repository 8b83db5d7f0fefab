/**
 * The skill part of the catalogue. An achievement is found by what it aligns to (an alignment's
 * targetUrl, its targetCode, its framework and code), an interest pathway by its theme skills. A
 * skill of a skills spine also matches the alignments that name its framework and code, and a
 * code the spine skills that have it. Pathways and opportunities match through the achievements
 * they ask for, and an opportunity through the pathway it asks for.
 */
import type { StoredDocument } from '@cofl/store'
import { MAX_REFS, MAX_RESULT_SKILLS } from './constants.js'
import { entryKey } from './entries.js'
import type { Entry } from './entries.js'
import type { CatalogueState, Visible } from './state.js'
import type { CatalogueSkill } from './types.js'
import { NONE, str } from './util.js'

export interface SpineSkillInfo { name?: string, framework?: string, code?: string }

/** The skills spines held: skill id -> name, framework, code; and back from codes to skill ids. */
export class SpineSkills {
  private readonly spines = new Map<string, { sequence: number, skills: Array<SpineSkillInfo & { id: string }> }>()
  private byId = new Map<string, SpineSkillInfo>()
  private byCode = new Map<string, string[]>()
  private byFrameworkCode = new Map<string, string>()

  /** Adds a spine, or its newer version; false when the version held is as new. */
  put (stored: StoredDocument): boolean {
    const held = this.spines.get(entryKey(stored))
    if (held !== undefined && held.sequence >= stored.sequence) return false
    const list = Array.isArray(stored.document.skills) ? stored.document.skills as unknown[] : []
    const skills: Array<SpineSkillInfo & { id: string }> = []
    for (const s of list.slice(0, MAX_REFS)) {
      if (s == null || typeof s !== 'object') continue
      const o = s as Record<string, unknown>
      const id = str(o.id)
      if (id === undefined) continue
      const name = str(o.name)
      const framework = str(o.targetFramework)
      const code = str(o.targetCode)
      skills.push({ id, ...(name !== undefined ? { name } : {}), ...(framework !== undefined ? { framework } : {}), ...(code !== undefined ? { code } : {}) })
    }
    this.spines.set(entryKey(stored), { sequence: stored.sequence, skills })
    this.rebuild()
    return true
  }

  private rebuild (): void {
    this.byId = new Map()
    this.byCode = new Map()
    this.byFrameworkCode = new Map()
    for (const spine of this.spines.values()) {
      for (const s of spine.skills) {
        this.byId.set(s.id, s)
        if (s.code !== undefined) {
          const list = this.byCode.get(s.code) ?? []
          if (!list.includes(s.id)) list.push(s.id)
          this.byCode.set(s.code, list)
          if (s.framework !== undefined) this.byFrameworkCode.set(`${s.framework}\u0000${s.code}`, s.id)
        }
      }
    }
  }

  /** The keys of the skill index that a queried skill stands for. */
  keysOf (skill: string): string[] {
    const keys = new Set([skill])
    const s = this.byId.get(skill)
    if (s?.framework !== undefined && s.code !== undefined) keys.add(`${s.framework}\u0000${s.code}`)
    for (const id of this.byCode.get(skill) ?? []) {
      keys.add(id)
      const other = this.byId.get(id)
      if (other?.framework !== undefined && other.code !== undefined) keys.add(`${other.framework}\u0000${other.code}`)
    }
    return [...keys]
  }

  /** A skill as a result shows it: named by the spine, else by `fallbackName`. */
  skillOf (key: string, fallbackName?: string): CatalogueSkill {
    const name = this.byId.get(key)?.name ?? fallbackName
    return name !== undefined ? { id: key, name } : { id: key }
  }

  /** The spine skill of this framework and code. */
  idOfCode (framework: string, code: string): string | undefined {
    return this.byFrameworkCode.get(`${framework}\u0000${code}`)
  }

  /** Skills of all the spines held. */
  get count (): number {
    let n = 0
    for (const s of this.spines.values()) n += s.skills.length
    return n
  }
}

/** The numbers of everything that matches a skill: directly, or through the achievements (and pathways) it asks for. */
export function skillMatches (state: CatalogueState, skill: string, visible: Visible): Set<number> {
  const { entries } = state
  const { skills, refs, pathwayRefs } = state.postings
  const out = new Set<number>()
  for (const key of state.spines.keysOf(skill)) for (const no of skills.get(key) ?? NONE) if (entries[no] !== undefined) out.add(no)
  for (const no of [...out]) {
    const e = entries[no] as Entry
    if (e.type === 'achievement' && visible(e.issuer)) for (const r of refs.get(e.id) ?? NONE) if (entries[r] !== undefined) out.add(r)
  }
  const pathways: Entry[] = []
  for (const no of out) if ((entries[no] as Entry).type === 'pathway') pathways.push(entries[no] as Entry)
  for (const p of pathways) for (const r of pathwayRefs.get(p.id) ?? NONE) if (entries[r] !== undefined) out.add(r)
  return out
}

/** The skills an achievement shows, as @cofl/pathways' skillKeys names them. */
function achievementSkills (spines: SpineSkills, e: Entry, out: Map<string, CatalogueSkill>): void {
  for (const a of e.alignment) {
    if (out.size >= MAX_RESULT_SKILLS) return
    const coded = a.framework !== undefined && a.code !== undefined ? spines.idOfCode(a.framework, a.code) : undefined
    const id = coded ?? a.url ?? (a.code !== undefined ? `${a.framework ?? ''}:${a.code}` : a.name)
    if (id !== undefined && !out.has(id)) out.set(id, spines.skillOf(id, a.name))
  }
}

/** The skills a result shows: a pathway's theme skills, then its own alignments, or those of the achievements it asks for. */
export function resultSkills (state: CatalogueState, e: Entry, visible: Visible): CatalogueSkill[] {
  const spines = state.spines
  const skillMap = new Map<string, CatalogueSkill>()
  for (const s of e.themeSkills) if (skillMap.size < MAX_RESULT_SKILLS && !skillMap.has(s)) skillMap.set(s, spines.skillOf(s))
  if (e.type === 'achievement') achievementSkills(spines, e, skillMap)
  else {
    for (const id of e.refs) {
      if (skillMap.size >= MAX_RESULT_SKILLS) break
      const a = state.achievementOf(id, visible)
      if (a !== undefined) achievementSkills(spines, a, skillMap)
    }
  }
  return [...skillMap.values()]
}
