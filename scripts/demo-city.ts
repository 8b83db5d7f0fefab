/**
 * A small, realistic City of Learning on one node, over its HTTP API: Plymouth's skills spine (four
 * layers), achievements from its providers (library coding club, college, aquarium, community
 * trust...) aligned to the spine and placed where they happen, a destination pathway to an
 * apprenticeship (with a pathway badge) and an interest pathway, three opportunities, and twelve
 * learners whose wallets claim what they earned, so that their progress, the recommendations
 * and the city's analytics have something to show.
 *
 *   npm run demo:city                 fills the node that `npm start` runs (.cofl)
 *   npm run demo:city -- --data DIR   the node whose data directory is DIR
 *
 * `fillCity` is also the last part of `npm run demo`. The learners' wallets live in a temporary
 * folder and are removed at the end: only the node keeps what it issued.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createWallet } from '@cofl/wallet'

export interface CityTarget { url: string, token: string }

type Json = Record<string, unknown>

async function call<T = Json> (target: CityTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000)
  })
  const json = await response.json() as T & { error?: { code: string, message: string } }
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${json.error?.code ?? ''} ${json.error?.message ?? ''}`)
  return json
}

const SKILLS_BUILDER = 'Skills Builder Universal Framework'

/** Plymouth's spine: ids are URNs of the city; the universal core maps to a public framework. */
export const SPINE = {
  id: 'urn:cofl:plymouth:spine',
  name: 'Plymouth City of Learning skills spine',
  skills: [
    { id: 'urn:cofl:plymouth:skill:teamwork', name: 'Teamwork', layer: 'universal-core', targetFramework: SKILLS_BUILDER, targetCode: 'Teamwork' },
    { id: 'urn:cofl:plymouth:skill:problem-solving', name: 'Problem solving', layer: 'universal-core', targetFramework: SKILLS_BUILDER, targetCode: 'Problem Solving' },
    { id: 'urn:cofl:plymouth:skill:speaking', name: 'Speaking', layer: 'universal-core', targetFramework: SKILLS_BUILDER, targetCode: 'Speaking' },
    { id: 'urn:cofl:plymouth:skill:creativity', name: 'Creativity', layer: 'city-of-learning', targetFramework: SKILLS_BUILDER, targetCode: 'Creativity' },
    { id: 'urn:cofl:plymouth:skill:digital-making', name: 'Digital making', layer: 'city-of-learning' },
    { id: 'urn:cofl:plymouth:skill:programming', name: 'Programming', layer: 'city-specific' },
    { id: 'urn:cofl:plymouth:skill:marine-science', name: 'Marine science', layer: 'city-specific' },
    { id: 'urn:cofl:plymouth:skill:green-skills', name: 'Green skills for net zero', layer: 'strategic' },
    { id: 'urn:cofl:plymouth:skill:digital-careers', name: 'Digital careers', layer: 'strategic' }
  ]
} as const

const skill = (key: string): Json => {
  const s = SPINE.skills.find((k) => k.id.endsWith(`:${key}`))
  if (s == null) throw new Error(`no spine skill ${key}`)
  return { type: ['Alignment'], targetName: s.name, targetUrl: s.id, targetType: 'CFItem', ...('targetFramework' in s ? { targetFramework: s.targetFramework, targetCode: s.targetCode } : {}) }
}

interface AchievementSeed { key: string, name: string, provider: string, description: string, criteria: string, skills: string[], tags: string[], place: Json }

/** Places in Plymouth (WGS 84): the providers' addresses and areas. */
export const ACHIEVEMENTS: AchievementSeed[] = [
  {
    key: 'python', name: 'Coding Club: Python Foundations', provider: 'Plymouth Central Library Coding Club',
    description: 'Eight weekly evenings writing small Python programs: variables, loops, functions and files.',
    criteria: 'Attend six of the eight sessions and finish a small program of your own.', skills: ['programming', 'problem-solving'], tags: ['coding', 'python', 'digital'],
    place: { name: 'Plymouth Central Library', area: 'City Centre', lat: 50.3727, lon: -4.1422, address: { streetAddress: '167-171 Armada Way', addressLocality: 'Plymouth', postalCode: 'PL1 1HZ', addressCountry: 'GB' } }
  },
  {
    key: 'web', name: 'Web Design Sprint', provider: 'Real Ideas, Devonport Guildhall',
    description: 'A week-long sprint designing and building a website for a local charity.',
    criteria: 'Build and present a working website with a team.', skills: ['digital-making', 'teamwork', 'creativity'], tags: ['web', 'design', 'digital'],
    place: { name: 'Devonport Guildhall', area: 'Devonport', lat: 50.3667, lon: -4.1812, address: { streetAddress: 'Ker Street', addressLocality: 'Plymouth', postalCode: 'PL1 4EL', addressCountry: 'GB' } }
  },
  {
    key: 'marine-data', name: 'Marine Data Explorer', provider: 'National Marine Aquarium',
    description: 'Collect and chart water quality data from Plymouth Sound with the aquarium\'s scientists.',
    criteria: 'Take part in three sampling days and present a chart of your findings.', skills: ['marine-science', 'problem-solving', 'programming'], tags: ['ocean', 'science', 'data'],
    place: { name: 'National Marine Aquarium', area: 'Barbican', lat: 50.3664, lon: -4.1331, address: { streetAddress: 'Rope Walk', addressLocality: 'Plymouth', postalCode: 'PL4 0LF', addressCountry: 'GB' } }
  },
  {
    key: 'portfolio', name: 'Digital Portfolio', provider: 'City College Plymouth',
    description: 'Put together an online portfolio of your projects, with a short reflective write-up of each.',
    criteria: 'A portfolio of at least three projects, reviewed by a tutor.', skills: ['digital-careers', 'speaking'], tags: ['portfolio', 'careers', 'digital'],
    place: { name: 'City College Plymouth', area: 'Stonehouse', lat: 50.3733, lon: -4.1585, address: { streetAddress: 'Kings Road', addressLocality: 'Plymouth', postalCode: 'PL1 5QG', addressCountry: 'GB' } }
  },
  {
    key: 'community', name: 'Teamwork in Action: Community Project', provider: 'Argyle Community Trust',
    description: 'Plan and run a community event with other young people, from budget to clean-up.',
    criteria: 'Play a named role in planning and running the event.', skills: ['teamwork', 'speaking'], tags: ['community', 'volunteering'],
    place: { name: 'Home Park', area: 'Central Park', lat: 50.3880, lon: -4.1508, address: { addressLocality: 'Plymouth', postalCode: 'PL2 3DQ', addressCountry: 'GB' } }
  },
  {
    key: 'green', name: 'Green Skills: Energy at Home', provider: 'Plymouth Energy Community',
    description: 'Learn to read an energy bill, find draughts and give practical advice to neighbours.',
    criteria: 'Complete a home energy check with a trained volunteer.', skills: ['green-skills', 'problem-solving'], tags: ['energy', 'climate', 'green'],
    place: { name: 'Plymouth Energy Community', area: 'Stonehouse', lat: 50.3706, lon: -4.1617, address: { addressLocality: 'Plymouth', addressCountry: 'GB' } }
  },
  {
    key: 'interview', name: 'Interview Ready', provider: 'Plymouth City Council Skills Service',
    description: 'Mock interviews with local employers and feedback on how you present yourself.',
    criteria: 'Two mock interviews with written feedback.', skills: ['speaking', 'digital-careers'], tags: ['careers', 'employability'],
    place: { name: 'Plymouth Guildhall', area: 'City Centre', lat: 50.3703, lon: -4.1427, address: { addressLocality: 'Plymouth', addressCountry: 'GB' } }
  }
]

export interface FilledCity {
  spine: string
  achievements: Record<string, string>
  pathways: string[]
  opportunities: string[]
  /** Per learner: the achievement keys claimed. */
  learners: Array<{ name: string, did: string, claimed: string[] }>
}

/**
 * Who earned what: twelve learners. Enough claims per achievement that the city's figures are not
 * all suppressed (fewer than 5), a few learners one step from the pathway, and offers not claimed.
 */
const EARNED: Array<[string, string[], string[]]> = [
  ['Amara Okafor', ['python', 'web'], ['portfolio']],
  ['Ben Carter', ['python', 'marine-data'], []],
  ['Chloe Nguyen', ['python', 'web', 'portfolio'], []],
  ['Dev Patel', ['python', 'community'], ['web']],
  ['Ella Rowe', ['python', 'green', 'marine-data'], []],
  ['Finn O\'Brien', ['web', 'community'], ['python']],
  ['Grace Lee', ['marine-data', 'green'], []],
  ['Hassan Ali', ['community', 'interview'], ['python']],
  ['Isla Murray', ['python', 'interview'], []],
  ['Jay Singh', ['web', 'marine-data'], []],
  ['Kai Thompson', ['community', 'green'], ['interview']],
  ['Lena Novak', ['marine-data', 'interview', 'web'], []]
]

/** Fills the node at `target` (its admin token) with the city; `log` tells each step. */
export async function fillCity (target: CityTarget, log: (line: string) => void = () => {}): Promise<FilledCity> {
  const spine = await call<{ id: string }>(target, 'POST', '/api/spines', SPINE)
  log(`skills spine "${SPINE.name}": ${SPINE.skills.length} skills in four layers, the universal core mapped to the ${SKILLS_BUILDER}`)

  const achievements: Record<string, string> = {}
  for (const a of ACHIEVEMENTS) {
    const created = await call<{ id: string }>(target, 'POST', '/api/achievements', {
      name: a.name,
      description: `${a.description} Run by ${a.provider}.`,
      criteria: { narrative: a.criteria },
      tag: a.tags,
      alignment: a.skills.map(skill),
      place: a.place
    })
    achievements[a.key] = created.id
  }
  const badge = await call<{ id: string }>(target, 'POST', '/api/achievements', {
    name: 'Junior Digital Developer Pathway',
    description: 'Awarded to learners who complete the Junior Developer pathway of Plymouth City of Learning.',
    criteria: { narrative: 'Earn every badge the Junior Developer pathway asks for.' },
    achievementType: 'Achievement',
    alignment: [skill('digital-careers'), skill('programming')],
    tag: ['pathway', 'digital']
  })
  achievements['pathway-badge'] = badge.id
  log(`${ACHIEVEMENTS.length} achievements from ${new Set(ACHIEVEMENTS.map((a) => a.provider)).size} providers, aligned to the spine and placed on the map, and a pathway badge`)

  const id = (key: string): string => achievements[key] as string
  const apprenticeship = 'urn:cofl:plymouth:opportunity:junior-developer-apprenticeship'
  const developer = await call<{ id: string }>(target, 'POST', '/api/pathways', {
    id: 'urn:cofl:plymouth:pathway:junior-developer',
    kind: 'destination',
    name: 'Junior Developer',
    description: 'From a first coding club to an interview for a junior developer apprenticeship.',
    requirements: { allOf: [id('python'), { nOf: { n: 1, of: [id('web'), id('marine-data')] } }, id('portfolio')] },
    order: [{ before: id('python'), after: id('portfolio') }],
    opportunityId: apprenticeship,
    awardAchievementId: id('pathway-badge')
  })
  const ocean = await call<{ id: string }>(target, 'POST', '/api/pathways', {
    id: 'urn:cofl:plymouth:pathway:ocean-and-climate',
    kind: 'interest',
    name: 'Ocean and climate',
    description: 'For learners curious about the sea around Plymouth and what a warming climate means for it.',
    theme: { skills: ['urn:cofl:plymouth:skill:marine-science', 'urn:cofl:plymouth:skill:green-skills'], tags: ['ocean', 'climate'] },
    suggested: [id('marine-data'), id('green'), id('community')]
  })
  log('two pathways: "Junior Developer" (destination: an apprenticeship interview; awards the pathway badge) and "Ocean and climate" (interest)')

  const opportunities = [
    await call<{ id: string }>(target, 'POST', '/api/opportunities', {
      id: apprenticeship, kind: 'apprenticeship', name: 'Junior Developer Apprenticeship (interview)', provider: 'Plymouth digital employers',
      description: 'A guaranteed interview for a Level 3 software developer apprenticeship with a Plymouth employer.',
      place: { name: 'Plymouth Science Park', area: 'Derriford', lat: 50.4137, lon: -4.1164 },
      startDate: '2027-01-11', applyBy: '2026-12-18', asks: { pathwayId: developer.id }
    }),
    await call<{ id: string }>(target, 'POST', '/api/opportunities', {
      id: 'urn:cofl:plymouth:opportunity:marine-technician-interview', kind: 'interview', name: 'Trainee Marine Technician (interview)', provider: 'National Marine Aquarium',
      description: 'An interview for a trainee technician role looking after the aquarium\'s life support systems.',
      place: { name: 'National Marine Aquarium', area: 'Barbican', lat: 50.3664, lon: -4.1331 },
      applyBy: '2027-02-01', asks: { achievementIds: [id('marine-data'), id('community')] }
    }),
    await call<{ id: string }>(target, 'POST', '/api/opportunities', {
      id: 'urn:cofl:plymouth:opportunity:level3-digital', kind: 'course', name: 'Level 3 Diploma in Digital Technologies', provider: 'City College Plymouth',
      place: { name: 'City College Plymouth', area: 'Stonehouse', lat: 50.3733, lon: -4.1585 },
      startDate: '2027-09-06', asks: { achievementIds: [id('python')] }
    })
  ]
  log('three opportunities: an apprenticeship interview, a marine technician interview and a college course')

  const root = await mkdtemp(join(tmpdir(), 'cofl-demo-city-wallets-'))
  const learners: FilledCity['learners'] = []
  try {
    for (const [name, claimedKeys, unclaimedKeys] of EARNED) {
      const wallet = createWallet({ directory: join(root, name.replace(/\W+/g, '-').toLowerCase()), unencrypted: true })
      const did = await wallet.init()
      try {
        const email = `${name.split(' ')[0]?.toLowerCase().replace(/\W/g, '') ?? 'learner'}@example.org`
        for (const key of [...claimedKeys, ...unclaimedKeys]) {
          const offer = await call<{ claimUrl: string }>(target, 'POST', '/api/offers', { achievementId: id(key), name, email })
          if (claimedKeys.includes(key)) await wallet.claim(offer.claimUrl)
        }
      } finally {
        await wallet.close()
      }
      learners.push({ name, did, claimed: claimedKeys })
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  const claims = learners.reduce((n, l) => n + l.claimed.length, 0)
  log(`${learners.length} learners: ${claims} badges claimed with their own wallets, ${EARNED.reduce((n, e) => n + e[2].length, 0)} offers not claimed yet`)
  return { spine: spine.id, achievements, pathways: [developer.id, ocean.id], opportunities: opportunities.map((o) => o.id), learners }
}

/** The node of a data directory: its URL (DIR/node.json) and admin token (DIR/admin-token). */
export async function cityTarget (data: string): Promise<CityTarget> {
  let info: { http?: string, stopped?: boolean }
  try {
    info = JSON.parse(await readFile(join(data, 'node.json'), 'utf8')) as { http?: string, stopped?: boolean }
  } catch {
    throw new Error(`no node runs with the data directory ${data} (start one with \`npm start\`, or give --data DIR)`)
  }
  if (info.http == null || info.stopped === true) throw new Error(`the node of ${data} is not running (start it with \`npm start\`)`)
  return { url: info.http, token: (await readFile(join(data, 'admin-token'), 'utf8')).trim() }
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--data')
  const data = resolve(i >= 0 ? process.argv[i + 1] ?? '.cofl' : process.env.COFL_DATA ?? '.cofl')
  try {
    const target = await cityTarget(data)
    process.stdout.write(`Filling the node at ${target.url} with a small City of Learning (Plymouth):\n`)
    await fillCity(target, (line) => { process.stdout.write(`  - ${line}\n`) })
    process.stdout.write(`Done. Open ${target.url}/ : the catalogue, the city dashboard (admin token in ${join(data, 'admin-token')}), the wallet.\n`)
  } catch (err) {
    process.stderr.write(`demo:city: ${(err as Error).message}\n`)
    process.exitCode = 2
  }
}
