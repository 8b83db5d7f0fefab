/**
 * `cofl wallet progress`: the learner's progress on the pathways of the federation and the next
 * steps recommended, computed here, on the learner's side. The node is asked only for public
 * documents (pathways, achievements); which badges the wallet holds never leaves this process.
 */
import { listAll, listedDocument } from '@cofl/api'
import { catalogueEntryOf, formatDistance, learnerProgress, validPathways } from '@cofl/pathways'
import type { CatalogueEntry, PathwayProgress, Recommendation } from '@cofl/pathways'
import { callNode } from './client.js'
import { EXIT, MAX_PAGE_LIMIT } from '../app/constants.js'
import { UsageError } from '../app/errors.js'
import { json, str } from './command.js'
import type { Command } from './command.js'
import { nodeUrl, walletOption, WALLET_HELP, withWallet } from './wallet.js'

/** At most this many public documents of one kind are read from the node. */
export const MAX_PUBLIC_DOCUMENTS = 20_000

type Json = Record<string, unknown>

/** Every entry of a paged public listing of the node at `url`, in pages as large as the node gives. */
async function listPublic (url: string, path: string, field: string): Promise<Json[]> {
  return await listAll(async (pathAndQuery) => await callNode({ url }, 'GET', pathAndQuery), path, field, { pageSize: MAX_PAGE_LIMIT, max: MAX_PUBLIC_DOCUMENTS })
}

/** `lat,lon` in degrees. */
export function parseNear (text: string): { lat: number, lon: number } {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text)
  const lat = Number(match?.[1])
  const lon = Number(match?.[2])
  if (match == null || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
    throw new UsageError(`--near ${JSON.stringify(text)} is not "lat,lon" in degrees (such as 51.4545,-2.5879)`)
  }
  return { lat, lon }
}

export interface LearnerView {
  pathways: Array<{ id: string, name: string, progress: PathwayProgress, /** The names of `progress.missing` (else their ids). */ missingNames: string[] }>
  next: Recommendation[]
  /** Pathways the node listed that were not valid pathways (left out). */
  skipped: number
}

/** Progress on the destination pathways and next steps from the achievement ids held and the public documents. Pure. */
export function learnerView (held: Set<string>, pathwayDocs: Json[], achievements: Json[], near?: { lat: number, lon: number }, limit = 5): LearnerView {
  const { pathways, skipped } = validPathways(pathwayDocs)
  const catalogue = achievements.map(catalogueEntryOf).filter((e): e is CatalogueEntry => e != null)
  const names = new Map(catalogue.map((e) => [e.id, e.name]))
  const { rows, next } = learnerProgress({ pathways, catalogue, held, ...(near != null ? { learnerPlace: near } : {}), limit })
  const destinations = rows
    .filter(({ pathway }) => pathway.kind === 'destination')
    .map(({ pathway, progress }) => ({ id: pathway.id, name: pathway.name, progress, missingNames: progress.missing.map((id) => names.get(id) ?? id) }))
  return { pathways: destinations, next, skipped }
}

function progressLine (row: LearnerView['pathways'][number]): string {
  const p = row.progress
  if (p.complete) return `  ✓ ${row.name}: complete`
  const missing = p.missing.length
  return `  ${Math.round(p.fraction * 100)}% ${row.name}: ${missing} more badge${missing === 1 ? '' : 's'} to go (${row.missingNames.join('; ')})`
}

export const COMMANDS: Record<string, Command> = {
  'wallet progress': {
    summary: 'progress on the federation\'s pathways and the next steps, computed in the wallet',
    usage: 'cofl wallet progress [--node URL | --data DIR] [--wallet DIR] [--near LAT,LON] [--limit N] [--json]',
    help: `Reads the public pathways and achievements from a node (GET /api/pathways, GET /api/achievements)\nand works out, here, how far the wallet's badges go along each destination pathway and which\nachievements to earn next, each with the reasons it was suggested. The node never learns which\nbadges the wallet holds. --near LAT,LON favours steps near that place.\n\n${WALLET_HELP}`,
    options: { ...walletOption, node: { type: 'string' }, data: { type: 'string' }, near: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run (values, _positionals, io) {
      const near = str(values.near) != null ? parseNear(str(values.near) as string) : undefined
      const limit = str(values.limit) != null ? Number(str(values.limit)) : 5
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit must be a whole number from 1 to 100')
      const held = await withWallet(values, { key: false }, async (wallet) => {
        const ids = new Set<string>()
        for (const h of await wallet.list()) {
          // Revoked, suspended or expired badges do not count towards a pathway.
          if (h.achievement?.id != null && !h.expired && h.status.state !== 'revoked' && h.status.state !== 'suspended') ids.add(h.achievement.id)
        }
        return ids
      })
      const url = await nodeUrl(values)
      const [pathwayEntries, achievementEntries] = await Promise.all([listPublic(url, '/api/pathways', 'pathways'), listPublic(url, '/api/achievements', 'achievements')])
      const view = learnerView(
        held,
        pathwayEntries.map((e) => listedDocument(e, 'pathway')).filter((d): d is Json => d != null),
        achievementEntries.map((e) => listedDocument(e, 'achievement')).filter((d): d is Json => d != null),
        near,
        limit
      )
      if (values.json === true) {
        io.stdout(json(view))
        return EXIT.ok
      }
      io.stdout(`Pathways (${view.pathways.length}):\n`)
      io.stdout(view.pathways.length === 0 ? '  none published on this node\n' : view.pathways.map(progressLine).join('\n') + '\n')
      io.stdout('Next steps:\n')
      if (view.next.length === 0) io.stdout('  nothing to suggest yet\n')
      view.next.forEach((step, i) => {
        const where = step.km != null ? ` (${formatDistance(step.km)})` : ''
        io.stdout(`  ${i + 1}. ${step.name}${where}\n${step.reasons.map((r) => `     - ${r.text}`).join('\n')}\n`)
      })
      if (view.skipped > 0) io.stdout(`(${view.skipped} pathway document${view.skipped === 1 ? '' : 's'} left out: not valid)\n`)
      return EXIT.ok
    }
  }
}
