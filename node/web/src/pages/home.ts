// The home page: what this node is (its city, DID, peers) and where to go.
import type { Health } from '@cofl/api'
import { api, byId, fill, h } from '../lib/dom.js'

async function main (): Promise<void> {
  const about = byId('about')
  try {
    const health = await api<Health>('/api/health')
    fill(about,
      h('p', {}, 'This node is run by ', h('strong', {}, health.name ?? 'a city of learning'), '.'),
      h('dl', {},
        h('dt', {}, 'Issuer DID'), h('dd', { class: 'mono' }, health.did),
        h('dt', {}, 'Connected peers'), h('dd', { id: 'peer-count' }, String(health.peers))))
  } catch (err) {
    fill(about, h('p', { role: 'alert' }, `The node did not answer: ${(err as Error).message}`))
  }
}

void main()
