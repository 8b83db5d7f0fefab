// The home page: what this node is (its city, DID, peers) and where to go, in the language the
// person reads (lib/i18n.ts fills the page's marked texts; this fills what comes from the node).
import type { Health } from '@cofl/api'
import { api, byId, fill, h, markReady } from '../lib/dom.js'
import { formatDate, t, tParts } from '../lib/i18n.js'

async function main (): Promise<void> {
  const about = byId('about')
  try {
    const health = await api<Health>('/api/health')
    const name = h('strong', {}, health.name ?? t('home.about.unnamed'))
    const now = new Date()
    fill(about,
      h('p', {}, ...tParts('home.about.runBy', { name })),
      h('dl', {},
        h('dt', {}, t('home.about.did')), h('dd', { class: 'mono' }, health.did),
        h('dt', {}, t('home.about.peers')), h('dd', { id: 'peer-count', 'data-count': health.peers }, t('home.about.peerCount', { count: health.peers })),
        h('dt', {}, t('home.about.asOf')), h('dd', {}, h('time', { id: 'as-of', datetime: now.toISOString() }, formatDate(now, 'dateTime')))))
  } catch (err) {
    fill(about, h('p', { role: 'alert' }, t('home.about.failed', { reason: (err as Error).message })))
  }
  markReady() // the node's answer shown (the switcher is there from the start)
}

void main()
