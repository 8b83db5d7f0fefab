// The claim page (docs/api.md, "Web pages", /claim): where a claim link, `<node>/claim#<code>`,
// leads a learner (from an offer's email, the dashboard, `cofl offer`). The code is in the URL's
// fragment, which browsers never send to a server; the page reads it and asks this node for the
// offer (GET /api/claims/<code>, whose path the node never writes to its log: http/server.ts
// loggedUrl). It shows the badge, who issues it and whether this node trusts that issuer (the verify
// page's words), and three ways to claim: the browser wallet (`/wallet#claim=<API URL>`, again a
// fragment), the `cofl wallet claim <API URL>` line, and a QR code of the link for a phone.
import type { ClaimOffer, TrustAnswer } from '@cofl/api'
import { badgeElement, badgeImageFile } from '../lib/badge-image.js'
import { api, ApiCallError, announce, byId, fill, focusResult, h, markReady, messageOf } from '../lib/dom.js'
import { qrSvg } from '../lib/qr.js'
import { formatDate, t, usePageMessages } from '../lib/i18n.js'
import en from '../../locales/claim.en.json' with { type: 'json' }
import cy from '../../locales/claim.cy.json' with { type: 'json' }

// The page's own words (node/web/locales/claim.*.json), before anything is written.
usePageMessages({ en, cy })

type Json = Record<string, unknown>

/** A claim code as the node makes them (base64url); anything else is a broken link. */
const CODE = /^[A-Za-z0-9_-]{8,512}$/

function text (value: unknown, key?: string): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim()
  if (key != null && typeof value === 'object' && value !== null) return text((value as Json)[key])
  return undefined
}

/** The badge's image, when it is one the page may show (this node's, or a data: URL): never fetched from elsewhere. */
function imageUrl (achievement: Json): string | undefined {
  const url = text(achievement.image, 'id')
  if (url == null) return undefined
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/.test(url)) return url
  try {
    return new URL(url, location.href).origin === location.origin ? url : undefined
  } catch {
    return undefined
  }
}

/** What a refusal of the node means for the learner: a heading, what happened, what to do. */
function problemOf (err: unknown): { title: string, happened: string, todo: string } {
  const code = err instanceof ApiCallError ? err.code : undefined
  switch (code) {
    case 'COFL_ERR_OFFER_NOT_FOUND': return problem('notFound')
    case 'COFL_ERR_OFFER_CLAIMED': return problem('claimed')
    case 'COFL_ERR_OFFER_EXPIRED': return problem('expired')
    case 'COFL_ERR_OFFER_WITHDRAWN': return problem('withdrawn')
    default: return problem('unreadable', { reason: messageOf(err) })
  }
}

/** One of the page's problems (claim.problem.<which>.*) in the page's language. */
function problem (which: string, vars: Record<string, string> = {}): { title: string, happened: string, todo: string } {
  return { title: t(`claim.problem.${which}.title`), happened: t(`claim.problem.${which}.happened`, vars), todo: t(`claim.problem.${which}.todo`) }
}

function showProblem (problem: { title: string, happened: string, todo: string }): void {
  byId('offer').hidden = true
  byId('claim-actions').hidden = true
  byId('problem-heading').textContent = problem.title
  byId('problem-text').textContent = problem.happened
  byId('problem-todo').textContent = problem.todo
  byId('claim-problem').hidden = false
  // The heading, which takes the focus, says it: the live region only drops "Looking the offer up…".
  announce('')
  focusResult(byId('problem-heading'))
}

/** The issuer's trust, in the verify page's words; its name from the Profile it signed (GET /api/trust), else from the offer. */
async function trustLine (issuer: ClaimOffer['issuer']): Promise<{ name: string | undefined, line: HTMLElement }> {
  let trust: TrustAnswer
  try {
    trust = await api<TrustAnswer>(`/api/trust/${encodeURIComponent(issuer.id)}`)
  } catch (err) {
    const none = err instanceof ApiCallError && err.status === 404
    return { name: undefined, line: h('span', {}, none ? t('claim.trust.none') : t('claim.trust.failed', { reason: messageOf(err) })) }
  }
  const name = trust.names[issuer.id]
  return {
    name,
    line: h('span', { class: trust.trusted ? 'ok' : 'warn' },
      h('strong', {}, trust.trusted ? t('claim.trust.trusted') : t('claim.trust.notTrusted'), ' '),
      trust.trusted
        ? trust.chain.length === 1 ? t('claim.trust.root') : t('claim.trust.chain')
        : t('claim.trust.unconfirmed'))
  }
}

async function copy (value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value)
    return true
  } catch {
    return false
  }
}

async function showOffer (code: string): Promise<void> {
  const offer = await api<ClaimOffer>(`/api/claims/${encodeURIComponent(code)}`)
  const a = offer.achievement
  const name = text(a.name) ?? t('claim.offer.untitled')
  // Asked at once, shown when it answers: the offer is on screen one round trip sooner.
  const trust = trustLine(offer.issuer)

  byId('offer-heading').textContent = name
  byId('offer-description').textContent = text(a.description) ?? ''
  // The badge's image by its hash from this node (lib/badge-image.ts), else one of this node's or a data: URL, else the drawn badge.
  const image = badgeImageFile(a.image) == null ? imageUrl(a) : undefined
  const imageBox = byId('offer-image')
  fill(imageBox, image != null
    ? h('img', { src: image, alt: t('claim.offer.imageAlt', { name }), width: 128, height: 128 })
    : badgeElement(a.image, { name, issuer: offer.issuer.id, size: 128 }))
  imageBox.hidden = false
  const criteria = text(a.criteria, 'narrative')
  fill(byId('offer-facts'),
    h('dt', {}, t('claim.offer.issuer')), h('dd', { id: 'offer-issuer' }, h('span', { class: 'muted' }, t('claim.offer.checking')), ' ', h('span', { class: 'mono' }, offer.issuer.id)),
    criteria != null && h('dt', {}, t('claim.offer.earnedBy')), criteria != null && h('dd', {}, criteria),
    h('dt', {}, t('claim.offer.claimBefore')), h('dd', {}, h('time', { datetime: offer.expiresAt }, formatDate(offer.expiresAt, 'dateTime'))))
  fill(byId('offer-trust'), h('span', { class: 'muted' }, t('claim.offer.askingTrust')))

  const base = `${location.origin}${location.pathname.replace(/\/claim\/?$/, '')}`
  const apiUrl = `${base}/api/claims/${code}`
  const pageUrl = `${location.origin}${location.pathname}#${code}`
  byId<HTMLAnchorElement>('claim-wallet').href = `/wallet#claim=${encodeURIComponent(apiUrl)}`
  const command = `cofl wallet claim ${apiUrl}`
  byId('cli-command').textContent = command
  byId('copy-command').onclick = () => {
    void copy(command).then((done) => { announce(done ? t('claim.actions.copied') : t('claim.actions.copyFailed'), done ? 'success' : 'error') })
  }
  fill(byId('claim-qr'), qrSvg(pageUrl, t('claim.actions.qrLabel', { name })))

  byId('offer').hidden = false
  byId('claim-actions').hidden = false
  byId('claim-problem').hidden = true
  document.title = t('claim.offer.pageTitle', { name })
  markReady()
  const { name: verifiedName, line } = await trust
  const issuerName = verifiedName ?? offer.issuer.name
  fill(byId('offer-issuer'), issuerName != null ? h('strong', {}, issuerName) : t('claim.offer.noName'), ' ', h('span', { class: 'mono' }, offer.issuer.id))
  fill(byId('offer-trust'), line)
  announce(issuerName != null ? t('claim.offer.announce', { issuer: issuerName, name }) : t('claim.offer.announceUnnamed', { name }))
  focusResult(byId('offer-heading'))
}

async function main (): Promise<void> {
  // A new link in the same page (hashchange): nothing of the one before stays shown.
  for (const id of ['offer', 'claim-actions', 'claim-problem']) byId(id).hidden = true
  const code = decodeURIComponent(location.hash.slice(1)).trim()
  if (code === '') {
    showProblem(problem('noCode'))
    return
  }
  if (!CODE.test(code)) {
    showProblem(problem('broken'))
    return
  }
  announce(t('claim.lookingUp'))
  try {
    await showOffer(code)
  } catch (err) {
    showProblem(problemOf(err))
  }
}

window.addEventListener('hashchange', () => { void main() })
void main().finally(markReady) // the offer (or what is wrong with the link) is shown
