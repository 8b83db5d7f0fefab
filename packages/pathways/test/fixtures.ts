// A small city for the tests: a skills spine, two pathways and a catalogue with places in Bristol.
import type { CatalogueEntry, DestinationPathway, InterestPathway, SkillsSpine } from '../src/index.js'

/** Kilometres per degree of latitude along a meridian (π R / 180, R = 6371.0088 km). */
export const KM_PER_DEGREE_LAT = 111.19508

/** The learner, in the centre of Bristol. */
export const HOME = { lat: 51.4545, lon: -2.5879 }

/** A point `km` due south of HOME (along the meridian, where the haversine distance is exact). */
export function south (km: number): { lat: number, lon: number } {
  return { lat: HOME.lat - km / KM_PER_DEGREE_LAT, lon: HOME.lon }
}

export const spine: SkillsSpine = {
  id: 'urn:cofl:spine:bristol',
  name: 'Bristol skills spine',
  skills: [
    { id: 'skill:communication', name: 'Communication', layer: 'universal-core' },
    { id: 'skill:python', name: 'Python', layer: 'city-of-learning', targetFramework: 'ESCO', targetCode: 'S1.2.3' },
    { id: 'skill:git', name: 'Version control', layer: 'city-of-learning' },
    { id: 'skill:html', name: 'HTML', layer: 'city-of-learning' },
    { id: 'skill:sql', name: 'SQL', layer: 'city-specific' },
    { id: 'skill:viz', name: 'Data visualisation', layer: 'strategic' }
  ]
}

export const junior: DestinationPathway = {
  id: 'pathway:junior-dev',
  kind: 'destination',
  name: 'Junior Developer Apprenticeship',
  requirements: { allOf: ['py', 'git', { anyOf: ['web', 'sql'] }] },
  awardAchievementId: 'badge:junior-dev',
  opportunityId: 'opportunity:junior-dev'
}

export const data: InterestPathway = {
  id: 'pathway:data',
  kind: 'interest',
  name: 'Data Explorer',
  theme: { skills: ['skill:python', 'skill:sql'], tags: ['data'] },
  suggested: ['sql', 'pyadv', 'viz']
}

export const catalogue: CatalogueEntry[] = [
  { id: 'py', name: 'Python Basics', skills: ['skill:python'], place: HOME },
  { id: 'git', name: 'Version Control with Git', skills: ['skill:git'] },
  { id: 'web', name: 'Web Foundations', skills: ['skill:html'], place: south(17.8) },
  // aligned through a public framework code that the spine maps to skill:python
  { id: 'sql', name: 'Databases with SQL', skills: ['skill:sql'], alignment: [{ targetName: 'Python programming', targetFramework: 'ESCO', targetCode: 'S1.2.3' }] },
  { id: 'cv', name: 'CV Workshop', skills: ['skill:communication'], place: south(2.1) },
  { id: 'pyadv', name: 'Python Projects', skills: ['skill:python'] },
  { id: 'viz', name: 'Data Visualisation', skills: ['skill:viz'] },
  { id: 'badge:junior-dev', name: 'Junior Developer Pathway', skills: ['skill:python'], place: HOME }
]
