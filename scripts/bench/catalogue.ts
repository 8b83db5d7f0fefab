/**
 * Catalogue search (@cofl/catalogue) and next-step recommendations (@cofl/pathways'
 * `recommend`) over a generated UK catalogue:
 *
 *   npm run bench:catalogue -- [--small] [--seed 1] [--json]
 *
 * 1. generates (deterministic for a seed) a skills spine of 300 skills, 100,000 achievements of
 *    200 issuers in six UK cities (names, descriptions and tags from word lists, some accented;
 *    1 to 3 alignments to the spine, by its id or by framework code only; a place in an area of
 *    the issuer's city for 90 %), 5,000 pathways over them (destination: allOf / anyOf / nOf
 *    nested up to three levels; interest: theme and suggestions) and 1,000 opportunities;
 * 2. times the index's `put` of every document (the index's own work), then puts them into an
 *    in-memory @cofl/store and times the index's `load` from it (what a node does when it starts:
 *    the store's reads and copies included), with the heap the index keeps (heapUsed after a full
 *    GC, before and after);
 * 3. checks the index against brute force (radius counts and whole-word counts), then times
 *    1,000 queries of each shape, after 100 untimed: text only (the last word half the time a
 *    prefix), text + place radius, skill + place radius, area + type; 20 results a page;
 * 4. recommendations for a learner in Bristol holding 50 badges (half of them along six
 *    pathways) against the whole catalogue and every pathway: `createRecommender` once (it reads
 *    the catalogue and the pathways), then 50 of its `recommend` calls after 3 untimed, each with
 *    a slightly different wallet (what a wallet that keeps the catalogue does); and, for
 *    comparison, 10 one-off `recommend()` calls, which read the catalogue each time.
 *
 * Targets: p95 under 50 ms for every query shape; a prepared recommendation p95 under 100 ms.
 * Prints a table with PASS / FAIL and exits 1 when a target or a check fails. `--small` (or COFL_BENCH_SMALL=1)
 * runs a tenth of the sizes, for a quick look; packages/catalogue/test/catalogue-bench.test.ts runs the same
 * code at tiny sizes so that it cannot rot.
 */
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { kindCollection } from '@cofl/federation'
import { createCatalogueIndex } from '@cofl/catalogue'
import type { CatalogueQuery } from '@cofl/catalogue'
import { createRecommender, distanceKm, recommend } from '@cofl/pathways'
import type { CatalogueEntry, Pathway, Requirement, SkillsSpine } from '@cofl/pathways'
import { createMemoryStore } from '@cofl/store'
import type { StoredDocument } from '@cofl/store'

type Json = Record<string, unknown>

export interface BenchSizes {
  achievements: number
  pathways: number
  opportunities: number
  issuers: number
  spineSkills: number
  /** Timed queries per shape. */
  queries: number
  /** Untimed queries first (the JIT warms up). */
  warmUp: number
  /** Queries per brute-force check. */
  checks: number
  recommendRuns: number
  /** One-off recommend() calls, for comparison. */
  oneOffRuns: number
  held: number
}

export const FULL_SIZES: BenchSizes = {
  achievements: 100_000, pathways: 5_000, opportunities: 1_000, issuers: 200, spineSkills: 300, queries: 1_000, warmUp: 100, checks: 50, recommendRuns: 50, oneOffRuns: 10, held: 50
}
export const SMALL_SIZES: BenchSizes = {
  achievements: 10_000, pathways: 500, opportunities: 100, issuers: 40, spineSkills: 300, queries: 300, warmUp: 30, checks: 30, recommendRuns: 20, oneOffRuns: 5, held: 50
}

export const TARGETS = { queryP95Ms: 50, recommendP95Ms: 100 } as const

// --- word lists ------------------------------------------------------------------------------

const CITIES = [
  { name: 'Bristol', lat: 51.4545, lon: -2.5879, weight: 3, areas: ['Easton', 'Bedminster', 'Clifton', 'St Pauls', 'Southmead', 'Hartcliffe', 'Redland', 'Lawrence Hill'] },
  { name: 'Manchester', lat: 53.4808, lon: -2.2426, weight: 2, areas: ['Ancoats', 'Hulme', 'Moss Side', 'Didsbury', 'Levenshulme', 'Cheetham Hill', 'Chorlton'] },
  { name: 'Leeds', lat: 53.8008, lon: -1.5491, weight: 2, areas: ['Headingley', 'Chapeltown', 'Harehills', 'Armley', 'Holbeck', 'Roundhay'] },
  { name: 'Birmingham', lat: 52.4862, lon: -1.8904, weight: 2, areas: ['Digbeth', 'Sparkbrook', 'Handsworth', 'Edgbaston', 'Erdington', 'Small Heath', 'Moseley'] },
  { name: 'Glasgow', lat: 55.8642, lon: -4.2518, weight: 1, areas: ['Govan', 'Partick', 'Dennistoun', 'Gorbals', 'Maryhill', 'Shawlands'] },
  { name: 'London', lat: 51.5074, lon: -0.1278, weight: 3, areas: ['Hackney', 'Brixton', 'Peckham', 'Camden', 'Tower Hamlets', 'Lewisham', 'Croydon', 'Walthamstow'] }
] as const

const ADJECTIVES = ['Digital', 'Creative', 'Practical', 'Community', 'Green', 'Advanced', 'Introductory', 'Applied', 'Collaborative', 'Everyday',
  'Sustainable', 'Inclusive', 'Professional', 'Urban', 'Youth', 'Neighbourhood', 'Hands-on', 'Confident', 'Safe', 'Entrepreneurial',
  'Critical', 'Visual', 'Outdoor', 'Healthy', 'Civic', 'Independent', 'Modern', 'Traditional', 'Local', 'Global']
const SUBJECTS = ['Coding', 'Web Design', 'Photography', 'Film Making', 'Gardening', 'Cooking', 'Café Culture', 'Barista Skills', 'Pâtisserie', 'Résumé Writing',
  'Public Speaking', 'Leadership', 'Teamwork', 'First Aid', 'Health & Safety', 'Book Keeping', 'Data Analysis', 'Python', 'Robotics', 'Game Design',
  'Music Production', 'Podcasting', 'Journalism', 'Creative Writing', 'Poetry', 'Theatre', 'Dance', 'Football Coaching', 'Cycling', 'Bike Repair',
  'Carpentry', 'Upcycling', 'Sewing', 'Textile Design', 'Ceramics', 'Painting', 'Illustration', 'Animation', '3D Printing', 'Electronics',
  'Volunteering', 'Mentoring', 'Youth Work', 'Crèche Assistance', 'Care Work', 'Customer Service', 'Retail', 'Marketing', 'Social Media', 'Enterprise',
  'Money Management', 'Mental Health Awareness', 'Mindfulness', 'Nutrition', 'Sign Language', 'Spanish', 'Mandarin', 'Urdu', 'Citizenship', 'Heritage']
const LEVELS = ['', '', 'Level 1', 'Level 2', 'Level 3', 'Foundations', 'for Beginners', 'Award', 'Certificate', 'Masterclass', 'Challenge', 'Explorer']
const VERBS = ['plan', 'build', 'present', 'lead', 'review', 'design', 'organise', 'test', 'teach', 'document', 'share', 'improve']
const OBJECTS = ['a small project', 'a public event', 'a group session', 'a portfolio', 'a short film', 'a community garden', 'a pop-up shop', 'a website',
  'a budget', 'a workshop', 'a performance', 'a survey', 'a campaign', 'a prototype', 'a menu']
const CONTEXTS = ['with a local library', 'at a youth club', 'in a community centre', 'with a city museum', 'at a college', 'with a charity', 'online',
  'at a festival', 'with local employers', 'in a makerspace']
const TAGS = ['digital', 'creative', 'outdoors', 'employability', 'wellbeing', 'stem', 'arts', 'sport', 'volunteering', 'enterprise', 'languages',
  'food', 'environment', 'media', 'music', 'care', 'citizenship', 'heritage', 'making', 'leadership', 'numeracy', 'literacy', 'coding', 'design',
  'community', 'health', 'travel', 'finance', 'science', 'games']
const ACHIEVEMENT_TYPES = ['Badge', 'Certificate', 'Competency', 'Course', 'Award', 'Assessment']
const SKILL_DOMAINS = ['Communication', 'Problem Solving', 'Creativity', 'Digital Literacy', 'Teamwork', 'Self Management', 'Numeracy', 'Leadership', 'Care', 'Making']
const SKILL_ASPECTS = ['Listening', 'Speaking', 'Writing', 'Planning', 'Reflecting', 'Collaborating', 'Coding', 'Analysing', 'Designing', 'Presenting',
  'Negotiating', 'Organising', 'Researching', 'Evaluating', 'Facilitating', 'Budgeting', 'Prototyping', 'Testing', 'Mentoring', 'Adapting',
  'Imagining', 'Documenting', 'Measuring', 'Supporting', 'Leading', 'Sharing', 'Repairing', 'Growing', 'Cooking', 'Performing']
const SPINE_LAYERS = ['universal-core', 'city-of-learning', 'city-specific', 'strategic'] as const
const OPPORTUNITY_KINDS = ['interview', 'apprenticeship', 'internship', 'course'] as const

// --- generation ------------------------------------------------------------------------------

/** mulberry32: a small deterministic PRNG. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Rng {
  next: () => number
  int: (n: number) => number
  pick: <T>(list: readonly T[]) => T
  some: <T>(list: readonly T[], k: number) => T[]
}

function rngOf (seed: number): Rng {
  const next = prng(seed)
  const int = (n: number): number => Math.floor(next() * n)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T
  const some = <T>(list: readonly T[], k: number): T[] => {
    const out = new Set<T>()
    while (out.size < Math.min(k, list.length)) out.add(pick(list))
    return [...out]
  }
  return { next, int, pick, some }
}

/** A point about `km` (roughly normal) from a centre. */
function jitter (rng: Rng, lat: number, lon: number, km: number): { lat: number, lon: number } {
  const r = km * Math.sqrt(-2 * Math.log(1 - rng.next())) / 1.2
  const a = rng.next() * 2 * Math.PI
  return { lat: lat + (r * Math.cos(a)) / 111.2, lon: lon + (r * Math.sin(a)) / (111.2 * Math.cos(lat * Math.PI / 180)) }
}

export interface GeneratedCatalogue {
  spine: StoredDocument
  achievements: StoredDocument[]
  pathways: StoredDocument[]
  opportunities: StoredDocument[]
  /** For queries: the areas of each city with their centres. */
  cities: Array<{ name: string, lat: number, lon: number, areas: Array<{ name: string, lat: number, lon: number }> }>
  /** Achievement ids by city index. */
  byCity: string[][]
}

function storedDoc (kind: StoredDocument['kind'], issuer: string, document: Json): StoredDocument {
  return { kind, id: document.id as string, issuer, sequence: 1, cid: `bench:${kind}:${document.id as string}`, document, receivedAt: '2026-01-01T00:00:00.000Z' }
}

export function generateCatalogue (sizes: BenchSizes, seed = 1): GeneratedCatalogue {
  const rng = rngOf(seed)
  const cities = CITIES.map((c) => ({
    name: c.name,
    lat: c.lat,
    lon: c.lon,
    areas: c.areas.map((name) => ({ name, ...jitter(rng, c.lat, c.lon, 4) }))
  }))
  const weighted = CITIES.flatMap((c, i) => Array.from({ length: c.weight }, () => i))

  const base = 'https://spine.bench.cofl.example/skills/'
  const skills = Array.from({ length: sizes.spineSkills }, (_, i) => {
    const name = `${SKILL_DOMAINS[i % SKILL_DOMAINS.length] as string}: ${SKILL_ASPECTS[Math.floor(i / SKILL_DOMAINS.length) % SKILL_ASPECTS.length] as string}${i >= SKILL_DOMAINS.length * SKILL_ASPECTS.length ? ` ${i}` : ''}`
    return {
      id: `${base}${i}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      name,
      layer: SPINE_LAYERS[i % SPINE_LAYERS.length] as string,
      targetFramework: 'ESCO',
      targetCode: `S${1 + Math.floor(i / 40)}.${i % 40}`
    }
  })
  const spineIssuer = 'did:key:z6MkBenchSpineIssuer'
  const spine = storedDoc('spine', spineIssuer, { id: 'https://spine.bench.cofl.example/', type: ['CoflSkillsSpine'], issuer: spineIssuer, name: 'UK Cities of Learning spine', skills })

  const issuers = Array.from({ length: sizes.issuers }, (_, i) => ({
    did: `did:key:z6MkBenchIssuer${String(i).padStart(4, '0')}`,
    host: `https://issuer${i}.bench.cofl.example`,
    name: `${rng.pick(ADJECTIVES)} ${rng.pick(['Library', 'Youth Club', 'College', 'Museum', 'Makerspace', 'Trust', 'Academy', 'Studio'])} ${i}`,
    city: rng.pick(weighted)
  }))

  const achievements: StoredDocument[] = []
  const byCity: string[][] = cities.map(() => [])
  for (let i = 0; i < sizes.achievements; i++) {
    const issuer = issuers[i % issuers.length] as typeof issuers[number]
    const subject = rng.pick(SUBJECTS)
    const level = rng.pick(LEVELS)
    const name = `${rng.pick(ADJECTIVES)} ${subject}${level === '' ? '' : ` ${level}`}`
    const id = `${issuer.host}/achievements/${i}`
    const aligned = rng.some(skills, 1 + rng.int(3))
    const alignment = aligned.map((s) => rng.next() < 0.7
      ? { type: ['Alignment'], targetName: s.name, targetUrl: s.id, targetFramework: s.targetFramework, targetCode: s.targetCode, targetType: 'ceasn:Competency' }
      : { type: ['Alignment'], targetName: s.name, targetFramework: s.targetFramework, targetCode: s.targetCode, targetUrl: `https://esco.bench.example/skill/${s.targetCode}` })
    const document: Json = {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id,
      type: ['Achievement'],
      name,
      description: `Learners ${rng.pick(VERBS)} ${rng.pick(OBJECTS)} ${rng.pick(CONTEXTS)}, and show ${subject.toLowerCase()} in practice. ` +
        `They ${rng.pick(VERBS)} ${rng.pick(OBJECTS)} and ${rng.pick(VERBS)} what they learnt.`,
      criteria: { narrative: `Complete the ${subject} activities and ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}.` },
      achievementType: rng.pick(ACHIEVEMENT_TYPES),
      tag: rng.some(TAGS, 2 + rng.int(3)),
      alignment,
      creator: { id: issuer.did, type: ['Profile'], name: issuer.name }
    }
    const city = rng.next() < 0.85 ? issuer.city : rng.pick(weighted)
    if (rng.next() < 0.9) {
      const area = rng.pick((cities[city] as typeof cities[number]).areas)
      const point = jitter(rng, area.lat, area.lon, 1.5)
      document.place = { name: `${issuer.name} venue`, area: area.name, address: { addressLocality: (cities[city] as typeof cities[number]).name, addressCountry: 'GB' }, ...point }
    }
    ;(byCity[city] as string[]).push(id)
    achievements.push(storedDoc('achievement', issuer.did, document))
  }

  const pathways: StoredDocument[] = []
  const destinations: string[] = []
  for (let i = 0; i < sizes.pathways; i++) {
    const issuer = issuers[rng.int(issuers.length)] as typeof issuers[number]
    const pool = byCity[issuer.city] as string[]
    const used = new Set<string>()
    const leaf = (): string => {
      for (;;) {
        const id = rng.pick(pool)
        if (!used.has(id)) { used.add(id); return id }
      }
    }
    const id = `${issuer.host}/pathways/${i}`
    const subject = rng.pick(SUBJECTS)
    const common = { '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2'], id, type: ['CoflPathway'], issuer: issuer.did }
    if (rng.next() < 0.7) {
      const node = (depth: number): Requirement => {
        const r = rng.next()
        if (depth >= 3 || r < 0.45) return leaf()
        const children = (n: number): Requirement[] => Array.from({ length: n }, () => node(depth + 1))
        if (r < 0.65) return { anyOf: children(2 + rng.int(2)) }
        if (r < 0.85) { const of = children(3 + rng.int(2)); return { nOf: { n: 2, of } } }
        return { allOf: children(2) }
      }
      const requirements: Requirement = { allOf: Array.from({ length: 3 + rng.int(3) }, () => node(1)) }
      destinations.push(id)
      pathways.push(storedDoc('pathway', issuer.did, { ...common, kind: 'destination', name: `${subject} ${rng.pick(['Apprenticeship Route', 'Pathway to Work', 'Career Route', 'Traineeship'])}`, description: `The badges that lead to a ${subject.toLowerCase()} role with ${issuer.name}.`, requirements }))
    } else {
      const suggested = Array.from({ length: 5 + rng.int(6) }, leaf)
      pathways.push(storedDoc('pathway', issuer.did, {
        ...common,
        kind: 'interest',
        name: `Explore ${subject}`,
        description: `Try ${subject.toLowerCase()} at your own pace.`,
        theme: { skills: rng.some(skills, 2 + rng.int(2)).map((s) => s.id), tags: rng.some(TAGS, 2) },
        suggested
      }))
    }
  }

  const opportunities: StoredDocument[] = []
  for (let i = 0; i < sizes.opportunities && destinations.length > 0; i++) {
    const issuer = issuers[rng.int(issuers.length)] as typeof issuers[number]
    const city = cities[issuer.city] as typeof cities[number]
    const area = rng.pick(city.areas)
    const kind = rng.pick(OPPORTUNITY_KINDS)
    opportunities.push(storedDoc('opportunity', issuer.did, {
      id: `${issuer.host}/opportunities/${i}`,
      type: ['CoflOpportunity'],
      issuer: issuer.did,
      kind,
      name: `${rng.pick(SUBJECTS)} ${kind === 'course' ? 'Course' : kind === 'interview' ? 'Interviews' : kind === 'internship' ? 'Internship' : 'Apprenticeship'}`,
      description: `With ${issuer.name} in ${area.name}.`,
      place: { name: issuer.name, area: area.name, ...jitter(rng, area.lat, area.lon, 1) },
      startDate: '2026-09-01',
      asks: { pathwayId: rng.pick(destinations) }
    }))
  }
  return { spine, achievements, pathways, opportunities, cities, byCity }
}

// --- measuring -------------------------------------------------------------------------------

export interface Timing {
  name: string
  n: number
  p50: number
  p95: number
  p99: number
  /** Mean `total` of the answers (how much each query matched). */
  meanTotal?: number
  /** No target: shown for comparison. */
  targetMs: number | null
  pass: boolean
}

export interface BenchReport {
  sizes: BenchSizes
  seed: number
  counts: { achievements: number, pathways: number, opportunities: number, issuers: number, spineSkills: number, areas: number }
  build: { ms: number, putMs: number, heapMB: number | null, tokens: number, cells: number }
  checks: { run: number, failures: string[] }
  queries: Timing[]
  recommend: Timing & { held: number, steps: number, prepareMs: number }
  oneOff: Timing
  pass: boolean
}

function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

function timing (name: string, times: number[], targetMs: number | null, meanTotal?: number): Timing {
  const s = [...times].sort((a, b) => a - b)
  const p95 = percentile(s, 95)
  return {
    name, n: times.length, p50: percentile(s, 50), p95, p99: percentile(s, 99), ...(meanTotal !== undefined ? { meanTotal } : {}),
    targetMs, pass: targetMs === null || p95 < targetMs
  }
}

/** A full garbage collection, when the runtime lets us ask for one. */
function gcFunction (): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc
  if (typeof g === 'function') return g
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
}

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
const words = (s: string): string[] => fold(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')

/** The query shapes, generated from the catalogue's own words and places. */
function queryShapes (cat: GeneratedCatalogue, rng: Rng): Array<{ name: string, make: () => CatalogueQuery }> {
  const vocabulary = [...new Set([...ADJECTIVES, ...SUBJECTS, ...TAGS].flatMap(words))].filter((w) => w.length >= 3)
  const skills = cat.spine.document.skills as Array<{ id: string, targetCode: string }>
  const text = (): string => {
    const n = 1 + rng.int(2)
    const list = Array.from({ length: n }, () => rng.pick(vocabulary))
    const last = list[list.length - 1] as string
    // Half the time the last word is being typed: a prefix of 3 letters or more.
    if (rng.next() < 0.5) list[list.length - 1] = last.slice(0, 3 + rng.int(Math.max(1, last.length - 2)))
    return list.join(' ')
  }
  const point = (): { lat: number, lon: number } => {
    const city = rng.pick(cat.cities)
    return jitter(rng, city.lat, city.lon, 3)
  }
  const types: Array<CatalogueQuery['type']> = [['achievement'], ['pathway'], ['achievement', 'opportunity'], ['opportunity']]
  return [
    { name: 'text only', make: () => ({ q: text() }) },
    { name: 'text + place radius', make: () => ({ q: text(), near: { ...point(), km: rng.pick([2, 5, 10, 20]) } }) },
    { name: 'skill + place radius', make: () => { const s = rng.pick(skills); return { skill: rng.next() < 0.8 ? s.id : s.targetCode, near: { ...point(), km: rng.pick([5, 10, 20]) } } } },
    { name: 'area + type', make: () => ({ area: rng.pick(rng.pick(cat.cities).areas).name, type: rng.pick(types) }) }
  ]
}

/** Pathways and catalogue entries as @cofl/pathways reads them. */
function recommendInput (cat: GeneratedCatalogue, rng: Rng, heldCount: number): { pathways: Pathway[], catalogue: CatalogueEntry[], held: string[], spine: SkillsSpine } {
  const catalogue: CatalogueEntry[] = cat.achievements.map((a) => {
    const d = a.document
    return {
      id: a.id,
      name: d.name as string,
      alignment: d.alignment as CatalogueEntry['alignment'],
      tags: d.tag as string[],
      ...(d.place !== undefined ? { place: d.place as CatalogueEntry['place'] } : {})
    } as CatalogueEntry
  })
  const pathways = cat.pathways.map((p) => {
    const { '@context': _c, type: _t, ...content } = p.document
    return content as unknown as Pathway
  })
  // A learner in Bristol: half the badges along six of its destination pathways, the rest at random there.
  const bristol = cat.byCity[0] as string[]
  const bristolSet = new Set(bristol)
  const held = new Set<string>()
  const leavesOf = (r: Requirement): string[] => typeof r === 'string' ? [r] : ('allOf' in r ? r.allOf : 'anyOf' in r ? r.anyOf : r.nOf.of).flatMap(leavesOf)
  const along = pathways.filter((p) => p.kind === 'destination' && bristolSet.has(leavesOf(p.requirements)[0] ?? ''))
  const candidates = (along.length > 0 ? along : pathways.filter((p) => p.kind === 'destination')).slice(0, 6)
  for (const p of candidates) {
    if (p.kind !== 'destination') continue
    for (const id of leavesOf(p.requirements)) if (held.size < heldCount / 2 && rng.next() < 0.6) held.add(id)
  }
  while (held.size < Math.min(heldCount, bristolSet.size)) held.add(rng.pick(bristol))
  return { pathways, catalogue, held: [...held], spine: { id: cat.spine.id, name: 'spine', skills: cat.spine.document.skills as SkillsSpine['skills'] } }
}

/** Generates, builds, checks and times; prints nothing. */
export async function runCatalogueBench (sizes: BenchSizes, seed = 1): Promise<BenchReport> {
  const cat = generateCatalogue(sizes, seed)
  const all = [cat.spine, ...cat.achievements, ...cat.pathways, ...cat.opportunities]
  let putMs = 0
  {
    // An index of its own, dropped before the one measured is built.
    const start = performance.now()
    const index = createCatalogueIndex()
    for (const d of all) index.put(d)
    putMs = performance.now() - start
  }
  const store = createMemoryStore()
  await kindCollection(store, 'spine').put(cat.spine.id, cat.spine)
  for (const d of cat.achievements) await kindCollection(store, 'achievement').put(d.id, d)
  for (const d of cat.pathways) await kindCollection(store, 'pathway').put(d.id, d)
  for (const d of cat.opportunities) await kindCollection(store, 'opportunity').put(d.id, d)

  const gc = gcFunction()
  gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const index = createCatalogueIndex()
  const t0 = performance.now()
  await index.load(store)
  const buildMs = performance.now() - t0
  gc?.()
  const heapAfter = process.memoryUsage().heapUsed
  const stats = index.stats()
  await store.close()

  // Checks against brute force: radius counts, and whole-word counts.
  const rng = rngOf(seed + 1)
  const failures: string[] = []
  const places = cat.achievements.filter((a) => a.document.place !== undefined).map((a) => a.document.place as { lat: number, lon: number })
  const texts = cat.achievements.map((a) => {
    const d = a.document
    return new Set(words([d.name, d.description, ...(d.tag as string[]), d.achievementType, ...(d.alignment as Json[]).flatMap((al) => [al.targetName, al.targetCode])].join(' ')))
  })
  const vocabulary = [...new Set([...ADJECTIVES, ...SUBJECTS, ...TAGS, ...VERBS].flatMap(words))].filter((w) => !['and', 'for', 'the', 'with', 'a', 'at', 'in', 'of', 'to', 'on', 'or', 'an', 'by'].includes(w))
  let run = 0
  for (let i = 0; i < sizes.checks; i++) {
    const city = rng.pick(cat.cities)
    const center = jitter(rng, city.lat, city.lon, 3)
    const km = rng.pick([0.5, 1, 3, 8, 25])
    const expected = places.filter((p) => distanceKm(center, p) <= km).length
    const got = index.search({ near: { ...center, km }, type: ['achievement'], limit: 1 }).total
    if (got !== expected) failures.push(`${km} km around ${center.lat},${center.lon}: ${got} achievements, brute force ${expected}`)
    const word = rng.pick(vocabulary)
    const wantWord = texts.filter((t) => t.has(word)).length
    const gotWord = index.search({ q: `${word} `, type: ['achievement'], limit: 1 }).total
    if (gotWord !== wantWord) failures.push(`"${word}": ${gotWord} achievements, brute force ${wantWord}`)
    run += 2
  }

  const queries: Timing[] = []
  for (const shape of queryShapes(cat, rng)) {
    for (let i = 0; i < sizes.warmUp; i++) index.search(shape.make())
    const times: number[] = []
    let totals = 0
    for (let i = 0; i < sizes.queries; i++) {
      const query = { ...shape.make(), limit: 20 }
      const start = performance.now()
      const page = index.search(query)
      times.push(performance.now() - start)
      totals += page.total
    }
    queries.push(timing(shape.name, times, TARGETS.queryP95Ms, totals / sizes.queries))
  }

  const input = recommendInput(cat, rng, sizes.held)
  const bristol = cat.cities[0] as GeneratedCatalogue['cities'][number]
  const learnerPlace = { lat: bristol.lat, lon: bristol.lon }
  const t1 = performance.now()
  const recommender = createRecommender(input)
  const prepareMs = performance.now() - t1
  const times: number[] = []
  let steps = 0
  for (let i = 0; i < sizes.recommendRuns + 3; i++) {
    // Each call a wallet of its own: one badge fewer, by turns.
    const held = input.held.filter((_, k) => k !== i % input.held.length)
    const start = performance.now()
    const out = recommender.recommend({ held, learnerPlace, limit: 10 })
    if (i >= 3) times.push(performance.now() - start)
    steps = out.length
  }
  const rec = { ...timing(`recommend, catalogue read once (${input.held.length} held)`, times, TARGETS.recommendP95Ms), held: input.held.length, steps, prepareMs }
  run++
  if (steps === 0) failures.push('recommend gave no step')
  const oneOffTimes: number[] = []
  let same = true
  for (let i = 0; i < sizes.oneOffRuns; i++) {
    const start = performance.now()
    const out = recommend({ ...input, learnerPlace, limit: 10 })
    oneOffTimes.push(performance.now() - start)
    if (i === 0) same = JSON.stringify(out) === JSON.stringify(recommender.recommend({ held: input.held, learnerPlace, limit: 10 }))
  }
  run++
  if (!same) failures.push('recommend() and createRecommender().recommend() differ')
  const oneOff = timing('recommend(), one-off (reads the catalogue)', oneOffTimes, null)

  return {
    sizes,
    seed,
    counts: {
      achievements: stats.achievements,
      pathways: stats.pathways,
      opportunities: stats.opportunities,
      issuers: sizes.issuers,
      spineSkills: stats.spineSkills,
      areas: cat.cities.reduce((s, c) => s + c.areas.length, 0)
    },
    build: { ms: buildMs, putMs, heapMB: gc !== undefined ? (heapAfter - heapBefore) / 2 ** 20 : null, tokens: stats.tokens, cells: stats.cells },
    checks: { run, failures },
    queries,
    recommend: rec,
    oneOff,
    pass: failures.length === 0 && queries.every((q) => q.pass) && rec.pass
  }
}

const ms = (x: number): string => x < 10 ? x.toFixed(2) : x.toFixed(1)
const n = (x: number): string => x.toLocaleString('en-GB')

/** The report as a person reads it. */
export function formatReport (r: BenchReport): string {
  const lines: string[] = []
  lines.push(`Catalogue: ${n(r.counts.achievements)} achievements of ${n(r.counts.issuers)} issuers in ${CITIES.length} cities (${r.counts.areas} areas), ` +
    `${n(r.counts.pathways)} pathways, ${n(r.counts.opportunities)} opportunities, a spine of ${r.counts.spineSkills} skills (seed ${r.seed})`)
  lines.push(`Index build: put of every document ${n(Math.round(r.build.putMs))} ms; load from a memory store ${n(Math.round(r.build.ms))} ms (its reads included); ` +
    `heap kept +${r.build.heapMB === null ? '? (no gc)' : `${r.build.heapMB.toFixed(1)} MB`}; ${n(r.build.tokens)} tokens, ${n(r.build.cells)} grid cells`)
  lines.push(`createRecommender (reads the catalogue and the pathways once): ${n(Math.round(r.recommend.prepareMs))} ms`)
  lines.push(`Checks against brute force: ${r.checks.run - r.checks.failures.length} / ${r.checks.run} agree`)
  for (const f of r.checks.failures.slice(0, 10)) lines.push(`  MISMATCH ${f}`)
  lines.push('')
  const header = ['measure', 'runs', 'p50 ms', 'p95 ms', 'p99 ms', 'mean total', 'target', 'result']
  const target = (t: Timing): string => t.targetMs === null ? '-' : `p95 < ${t.targetMs} ms`
  const verdict = (t: Timing): string => t.targetMs === null ? '-' : t.pass ? 'PASS' : 'FAIL'
  const rows = [
    ...r.queries.map((q) => [q.name, n(q.n), ms(q.p50), ms(q.p95), ms(q.p99), n(Math.round(q.meanTotal ?? 0)), target(q), verdict(q)]),
    [r.recommend.name, n(r.recommend.n), ms(r.recommend.p50), ms(r.recommend.p95), ms(r.recommend.p99), `${r.recommend.steps} steps`, target(r.recommend), verdict(r.recommend)],
    [r.oneOff.name, n(r.oneOff.n), ms(r.oneOff.p50), ms(r.oneOff.p95), ms(r.oneOff.p99), '', target(r.oneOff), verdict(r.oneOff)]
  ]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cells: string[]): string => `| ${cells.map((c, i) => i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)).join(' | ')} |`
  lines.push(line(header))
  lines.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) lines.push(line(row))
  lines.push('')
  lines.push(r.pass ? 'PASS: every target met, every check agrees' : 'FAIL: see the rows and checks above')
  return lines.join('\n')
}

function arg (name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main (): Promise<void> {
  const small = process.argv.includes('--small') || process.env.COFL_BENCH_SMALL === '1'
  const seed = Number(arg('seed') ?? 1)
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number')
  const report = await runCatalogueBench(small ? SMALL_SIZES : FULL_SIZES, seed)
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  process.exitCode = report.pass ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
