// The wallet page (docs/api.md, "Web pages", /wallet): the learner's key and badges in this browser
// (IndexedDB), claims signed here, progress and next steps worked out here, sharing by download
// and by share link (docs/sharing.md: the presentation in the link's fragment, its QR code, a PDF;
// the QR code and the PDF are made by chunks loaded when asked for).
// The key is kept sealed with the learner's passphrase, asked once per page load (#lock). This
// node is asked for public lists and the apps signed in with the wallet (OB 3.0 grants) when the
// learner asks; the node of a claim link (this one or another, cross-origin) for the claim; each
// badge's own node for its status list: never anything that tells a node which other badges this
// wallet holds.
import { formatDistance } from '@cofl/pathways'
import type { LatLon } from '@cofl/pathways'
import type { AddResult, ClaimOffer, HeldCredential, HeldSummary, NodeGrant, OpenedClaim } from '@cofl/wallet/browser'
import { badgeElement } from '../lib/badge-image.js'
import { announce, byId, fill, h, markReady, messageOf, readFileBytes } from '../lib/dom.js'
import { PLACES, placeById, placeLabel } from '../lib/places.js'
import { proofTerms, shareChallenge, shareLink } from '../lib/share-link.js'
import { learnerView, loadPublicData, parseLatLon } from '../wallet/progress.js'
import type { PublicData } from '../wallet/progress.js'
import { bakedPng, bakedSvg, copyText, download, fileName, pdfBadgeImage, randomChallenge } from '../wallet/share.js'
import type { PageWallet } from '../wallet/wallet.js'

type Json = Record<string, unknown>
/** A held badge as the page shows it (a list's summary, or the whole record). */
type Held = Omit<HeldCredential, 'credential'>

/** The page opens at a claim with `/wallet#claim=<URL-encoded claim URL>` (the fragment never reaches a server). */
const CLAIM_FRAGMENT = 'claim'
const PLACE_SETTING = 'place'

interface SavedPlace extends LatLon { label?: string }

let wallet: PageWallet
let publicData: PublicData | undefined
let publicError: string | undefined
let pendingClaim: OpenedClaim | undefined
let lastPresentation: { json: string, name: string } | undefined
/** The share link shown (#share-link-panel), for its PDF. */
let lastShare: { link: string, held: HeldCredential, signedAt: string } | undefined

const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

function when (iso: string | undefined): string {
  if (iso == null) return '—'
  const t = Date.parse(iso)
  return Number.isNaN(t) ? iso : dates.format(t)
}

/** Moves focus to a result that just appeared (made focusable by script only). */
function focusOn (element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1')
  element.focus()
}

/** Runs an action of a button: disabled while it runs, its failure said in #status. */
async function busy (button: HTMLButtonElement, working: string, action: () => Promise<void>): Promise<void> {
  if (button.disabled) return
  button.disabled = true
  button.setAttribute('aria-busy', 'true')
  announce(working)
  try {
    await action()
  } catch (err) {
    announce(messageOf(err), 'error')
  } finally {
    button.disabled = false
    button.removeAttribute('aria-busy')
  }
}

function badgeName (held: Held): string {
  return held.name ?? held.achievement?.name ?? held.id
}

function issuerName (held: Held): string {
  return held.issuer.name ?? held.issuer.id
}

function expired (held: Held): boolean {
  return held.validUntil != null && Date.parse(held.validUntil) < Date.now()
}

function statusCell (held: Held): HTMLElement {
  const s = held.status
  if (expired(held)) return h('span', { class: 'bad' }, `Expired on ${when(held.validUntil)}`)
  const [text, kind] = s.state === 'active'
    ? ['Active', 'ok']
    : s.state === 'revoked'
      ? ['Revoked', 'bad']
      : s.state === 'suspended'
        ? ['Suspended', 'warn']
        : s.state === 'none'
          ? ['Valid (cannot be revoked)', 'ok']
          : ['Not checked yet', 'muted']
  return h('span', {},
    h('span', { class: kind }, text),
    h('br'),
    h('small', { class: 'muted' }, `${s.reason} (${when(s.checkedAt)})`))
}

// ---------------------------------------------------------------------------------------------
// The holder

function renderHolder (): void {
  const holder = wallet.holder()
  fill(byId('holder'),
    h('p', {}, holder.origin === 'restored' ? 'This wallet\'s key was restored from a backup. ' : 'This wallet\'s key was made in this browser. ',
      'Badges are issued to its DID, and only this page can sign with it.'),
    h('dl', {},
      h('dt', {}, 'Your DID'), h('dd', { class: 'mono', id: 'holder-did' }, holder.did),
      h('dt', {}, holder.origin === 'restored' ? 'Restored' : 'Created'), h('dd', {}, when(holder.createdAt))))
}

// ---------------------------------------------------------------------------------------------
// Badges

async function renderBadges (): Promise<HeldSummary[]> {
  const held = await wallet.list()
  const container = byId('badges')
  if (held.length === 0) {
    fill(container, h('p', { id: 'no-badges' }, 'No badges yet. Claim one with the link an issuer sent you, or add one you have.'))
  } else {
    const rows = held.map((record) => h('tr', { 'data-id': record.id },
      h('th', { scope: 'row' }, badgeElement(record.achievement?.image, { name: badgeName(record), issuer: record.issuer.id, size: 40, className: 'badge-inline' }), badgeName(record)),
      h('td', {}, issuerName(record)),
      h('td', {}, when(record.validFrom ?? record.addedAt)),
      h('td', {}, statusCell(record)),
      h('td', {},
        shareAction(record),
        h('details', {},
          h('summary', {}, 'Details', h('span', { class: 'visually-hidden' }, ` of ${badgeName(record)}`)),
          badgeElement(record.achievement?.image, { name: badgeName(record), issuer: record.issuer.id, size: 128, className: 'badge-detail' }),
          h('dl', { class: 'compact' },
            h('dt', {}, 'Credential'), h('dd', { class: 'mono' }, record.id),
            h('dt', {}, 'Issuer'), h('dd', { class: 'mono' }, record.issuer.id),
            h('dt', {}, 'Came from'), h('dd', {}, record.source),
            h('dt', {}, 'Added'), h('dd', {}, when(record.addedAt)),
            record.validUntil != null && h('dt', {}, 'Valid until'), record.validUntil != null && h('dd', {}, when(record.validUntil))),
          h('button', { type: 'button', class: 'secondary small', onclick: (event: Event) => { void removeBadge(event.currentTarget as HTMLButtonElement, record) } }, 'Remove from wallet')))))
    fill(container, h('table', { id: 'badge-table' },
      h('caption', {}, `${held.length} badge${held.length === 1 ? '' : 's'} in this browser`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Badge'), h('th', { scope: 'col' }, 'Issuer'), h('th', { scope: 'col' }, 'Issued'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'More'))),
      h('tbody', {}, ...rows)))
  }
  renderShareChoices(held)
  return held
}

async function removeBadge (button: HTMLButtonElement, record: Held): Promise<void> {
  if (!confirm(`Remove “${badgeName(record)}” from this wallet? Only a backup or the issuer can give it back.`)) return
  await busy(button, 'Removing…', async () => {
    await wallet.remove(record.id)
    await refreshAll()
    announce(`Removed “${badgeName(record)}”.`, 'success')
    focusOn(byId('badges-heading'))
  })
}

function addedWords (results: AddResult[]): string {
  return results.map((r) => `“${badgeName(r.held)}”`).join(', ')
}

// ---------------------------------------------------------------------------------------------
// Claim

function offerView (offer: ClaimOffer): HTMLElement {
  const a = offer.achievement
  const text = (value: unknown): string | undefined => typeof value === 'string' && value !== '' ? value : undefined
  const criteria = typeof a.criteria === 'object' && a.criteria !== null ? text((a.criteria as Json).narrative) : text(a.criteria)
  return h('dl', {},
    h('dt', {}, 'Badge'), h('dd', { id: 'offer-name' }, h('strong', {}, text(a.name) ?? 'an achievement')),
    text(a.description) != null && h('dt', {}, 'What it is'), text(a.description) != null && h('dd', {}, text(a.description) as string),
    criteria != null && h('dt', {}, 'Earned by'), criteria != null && h('dd', {}, criteria),
    h('dt', {}, 'Issuer'), h('dd', {}, offer.issuer.name ?? '', offer.issuer.name != null ? ' ' : '', h('span', { class: 'mono' }, offer.issuer.id)),
    offer.expiresAt !== '' && h('dt', {}, 'Claim before'), offer.expiresAt !== '' && h('dd', {}, when(offer.expiresAt)))
}

async function lookUp (link: string): Promise<void> {
  const panel = byId('offer')
  panel.hidden = true
  pendingClaim = undefined
  pendingClaim = await wallet.lookUpClaim(link)
  fill(byId('offer-details'), offerView(pendingClaim.offer))
  byId('offer-node').textContent = pendingClaim.url.host
  panel.hidden = false
  const name = typeof pendingClaim.offer.achievement.name === 'string' ? pendingClaim.offer.achievement.name : 'a badge'
  announce(`${pendingClaim.offer.issuer.name ?? 'An issuer'} offers you “${name}”. Accept it to add it to your wallet.`)
  focusOn(panel)
}

async function accept (): Promise<void> {
  if (pendingClaim == null) throw new Error('look the claim link up first')
  const result = await wallet.acceptClaim(pendingClaim)
  pendingClaim = undefined
  byId('offer').hidden = true
  byId<HTMLInputElement>('claim-link').value = ''
  await refreshAll()
  const awards = result.awards.length > 0 ? ` It completes a pathway: ${addedWords(result.awards)} ${result.awards.length === 1 ? 'was' : 'were'} added too.` : ''
  const refused = result.refusedAwards.length > 0 ? ` ${result.refusedAwards.length} pathway badge(s) were refused: ${result.refusedAwards.map((r) => r.reason).join('; ')}` : ''
  announce(`${addedWords([result])} is in your wallet.${awards}${refused}`, result.refusedAwards.length > 0 ? 'error' : 'success')
  focusOn(byId('badges-heading'))
}

/** `#claim=<URL-encoded claim URL>`: fills the claim field and looks the offer up; the fragment is then removed. */
async function claimFromFragment (): Promise<void> {
  const params = new URLSearchParams(location.hash.slice(1))
  const link = params.get(CLAIM_FRAGMENT)
  if (link == null || link === '') return
  history.replaceState(null, '', location.pathname + location.search)
  byId<HTMLInputElement>('claim-link').value = link
  try {
    await lookUp(link)
  } catch (err) {
    announce(messageOf(err), 'error')
  }
}

// ---------------------------------------------------------------------------------------------
// Import, backup, restore

async function importInput (input: unknown): Promise<void> {
  const result = await wallet.import(input)
  await refreshAll()
  const plural = (n: number): string => `${n} badge${n === 1 ? '' : 's'}`
  const parts = [
    result.added > 0 || (result.unchanged === 0 && result.refused.length === 0) ? `Added ${plural(result.added)}.` : '',
    result.unchanged > 0 ? `${plural(result.unchanged)} already in your wallet.` : '',
    result.refused.length > 0 ? `${plural(result.refused.length)} not added: ${result.refused.slice(0, 3).map((r) => r.reason).join('; ')}${result.refused.length > 3 ? '; …' : ''}` : ''
  ].filter((p) => p !== '')
  const otherWallet = result.backupDid != null && result.backupDid !== wallet.holder().did ? ` This is a backup of another wallet (${result.backupDid}): restore it under “Your key and backup” to use its key.` : ''
  announce(`${parts.join(' ')}${otherWallet}`, result.refused.length > 0 || otherWallet !== '' ? 'error' : 'success')
}

async function restoreBackup (file: File, passphrase: string): Promise<void> {
  let backup: unknown
  try {
    backup = JSON.parse(new TextDecoder().decode(await readFileBytes(file)))
  } catch (err) {
    throw new Error(`that file is not a wallet backup (not JSON: ${(err as Error).message})`)
  }
  const value = backup as Json
  if (value?.type !== 'cofl-wallet-backup') throw new Error('that file is not a wallet backup (its type is not cofl-wallet-backup)')
  if (value.holderKey != null) {
    if (passphrase === '') throw new Error('the backup\'s key is locked with a passphrase: type it')
    await wallet.restore(value, passphrase)
    renderHolder()
  } else if (value.did !== wallet.holder().did) {
    throw new Error('this backup holds no key (it was made without a passphrase), and its badges are about another DID: they cannot be used in this wallet')
  }
  await importInput(backup)
}

// ---------------------------------------------------------------------------------------------
// Progress

async function savedPlace (): Promise<SavedPlace | undefined> {
  return await wallet.settings.get<SavedPlace>(PLACE_SETTING)
}

/**
 * The place choices: the named places of this node's achievements and opportunities, then the
 * towns and cities bundled with the pages (node/web/src/lib/places.ts). Values: `node:<i>`, `town:<id>`.
 */
async function renderPlaceChoices (): Promise<void> {
  const select = byId<HTMLSelectElement>('place-choice')
  const saved = await savedPlace()
  const local = publicData?.places ?? []
  fill(select,
    h('option', { value: '' }, 'Not set'),
    local.length > 0 && h('optgroup', { label: 'Places of this node\'s badges and opportunities' }, ...local.map((p, i) => h('option', { value: `node:${i}` }, p.label))),
    h('optgroup', { label: 'Towns and cities' }, ...PLACES.map((p) => h('option', { value: `town:${p.id}` }, placeLabel(p)))))
  const choices: Array<[value: string, label: string]> = [...local.map((p, i): [string, string] => [`node:${i}`, p.label]), ...PLACES.map((p): [string, string] => [`town:${p.id}`, placeLabel(p)])]
  const match = saved?.label != null ? choices.find(([, label]) => label === saved.label)?.[0] : undefined
  select.value = match ?? ''
  byId<HTMLInputElement>('place-typed').value = saved != null && match == null ? `${saved.lat}, ${saved.lon}` : ''
}

/** The place chosen in the list, if any. */
function chosenPlace (value: string): SavedPlace | undefined {
  if (value.startsWith('node:')) {
    const named = publicData?.places[Number(value.slice(5))]
    return named != null ? { label: named.label, lat: named.lat, lon: named.lon } : undefined
  }
  if (value.startsWith('town:')) {
    const town = placeById(value.slice(5))
    return town != null ? { label: placeLabel(town), lat: town.lat, lon: town.lon } : undefined
  }
  return undefined
}

async function renderProgress (held?: HeldSummary[]): Promise<void> {
  const pathwaysBox = byId('pathways')
  const nextBox = byId('next')
  if (publicData == null) {
    const text = publicError != null ? `The node's public pathways could not be read: ${publicError}` : 'Loading…'
    fill(pathwaysBox, h('p', {}, text))
    fill(nextBox, h('p', {}, text))
    return
  }
  const data = publicData
  const badges = held ?? await wallet.list()
  const place = await savedPlace()
  const view = learnerView(data, badges, place)
  const names = new Map(data.catalogue.map((c) => [c.id, c.name]))
  const nameOf = (id: string): string => names.get(id) ?? id

  if (view.rows.length === 0) {
    fill(pathwaysBox, h('p', {}, data.pathwaysListed ? 'This node publishes no pathways yet.' : 'This node does not publish pathways.'))
  } else {
    fill(pathwaysBox, h('ul', { class: 'pathways', id: 'pathway-list' }, ...view.rows.map(({ pathway, progress: p }, i) => {
      const done = p.done.length
      const total = done + p.missing.length
      const label = `pathway-${i}`
      const words = p.complete
        ? `Complete: all ${total} done.`
        : pathway.kind === 'destination'
          ? `${done} of ${total} done. ${p.missing.length} more to go: ${p.missing.map(nameOf).join(', ')}.`
          : `${done} of ${total} suggested badges held. Still to explore: ${p.missing.map(nameOf).join(', ')}.`
      return h('li', { class: 'pathway', 'data-pathway': pathway.id },
        h('h4', { id: `${label}-name` }, pathway.name, pathway.kind === 'interest' ? h('span', { class: 'muted' }, ' (interest)') : null),
        pathway.description != null && h('p', { class: 'muted' }, pathway.description),
        h('progress', { max: Math.max(total, 1), value: done, 'aria-labelledby': `${label}-name`, 'aria-describedby': `${label}-text` }),
        h('p', { id: `${label}-text`, class: p.complete ? 'ok' : '' }, words),
        pathway.awardAchievementId != null && h('p', { class: 'muted' }, `Completing it earns the badge “${nameOf(pathway.awardAchievementId)}”.`),
        p.orderViolations.length > 0 && h('ul', { class: 'warn' }, ...p.orderViolations.map((v) => h('li', {}, v.reason))))
    })))
  }

  if (view.next.length === 0) {
    fill(nextBox, h('p', {}, data.catalogue.length === 0 ? 'This node lists no achievements yet.' : 'Nothing to suggest yet.'))
  } else {
    fill(nextBox, h('ol', { class: 'next-steps', id: 'next-list' }, ...view.next.map((step) => h('li', { 'data-achievement': step.achievementId },
      h('strong', {}, step.name), step.km != null ? h('span', { class: 'muted' }, ` (${formatDistance(step.km)})`) : null,
      h('ul', { class: 'reasons' }, ...step.reasons.map((r) => h('li', {}, r.text)))))))
  }
}

async function loadProgress (): Promise<void> {
  try {
    publicData = await loadPublicData(AbortSignal.timeout(30_000))
    publicError = undefined
  } catch (err) {
    publicError = messageOf(err)
  }
  await renderPlaceChoices()
  await renderProgress()
}

async function savePlace (): Promise<void> {
  const typed = byId<HTMLInputElement>('place-typed').value.trim()
  const choice = byId<HTMLSelectElement>('place-choice').value
  let place: SavedPlace | undefined
  if (typed !== '') {
    place = parseLatLon(typed)
    if (place == null) throw new Error(`“${typed}” is not a position: type latitude, longitude in degrees (such as 51.4545, -2.5879)`)
  } else {
    place = chosenPlace(choice)
  }
  if (place == null) {
    await wallet.settings.delete(PLACE_SETTING)
    announce('No place set: next steps are not sorted by distance.', 'success')
  } else {
    await wallet.settings.set(PLACE_SETTING, place)
    announce(`Next steps now favour places near ${place.label ?? `${place.lat}, ${place.lon}`} (kept in this browser only).`, 'success')
  }
  await renderPlaceChoices()
  await renderProgress()
}

// ---------------------------------------------------------------------------------------------
// Share

/** Why a badge cannot be shared (revoked, suspended, expired), or undefined when it can. */
function notShareable (held: Held): string | undefined {
  if (expired(held)) return `it expired on ${when(held.validUntil)}`
  if (held.status.state === 'revoked') return 'its issuer revoked it'
  if (held.status.state === 'suspended') return 'its issuer suspended it'
  return undefined
}

/** The Share button of a badge's row, or why it has none. */
function shareAction (held: Held): HTMLElement {
  const why = notShareable(held)
  if (why != null) return h('p', { class: 'not-shareable muted' }, `Not shareable: ${why}.`)
  return h('button', { type: 'button', class: 'small share-button', onclick: (event: Event) => { void shareBadge(event.currentTarget as HTMLButtonElement, held) } },
    'Share', h('span', { class: 'visually-hidden' }, ` ${badgeName(held)}`))
}

/**
 * Share: the badge's status checked first (as “Check status now” does), then a presentation of it
 * signed here over a share challenge for this node's verify page, put in a link's fragment (never
 * sent), with its QR code and a PDF.
 */
async function shareBadge (button: HTMLButtonElement, record: Held): Promise<void> {
  await busy(button, `Checking the status of “${badgeName(record)}” before sharing…`, async () => {
    await wallet.refreshStatus()
    await refreshAll()
    const held = await wallet.get(record.id)
    if (held == null) throw new Error(`“${badgeName(record)}” is no longer in your wallet`)
    const why = notShareable(held)
    if (why != null) {
      byId('share-link-panel').hidden = true
      lastShare = undefined
      announce(`“${badgeName(held)}” is not shared: ${why}. A badge that no longer holds is not offered for sharing.`, 'error')
      focusOn(byId('badges-heading'))
      return
    }
    announce(`Signing a share link for “${badgeName(held)}” with your key…`)
    const vp = await wallet.presentation([held.id], { challenge: shareChallenge(), domain: location.host })
    const link = await shareLink(location.origin, vp)
    lastShare = { link, held, signedAt: proofTerms(vp).created ?? new Date().toISOString() }
    await renderShareLink(held.status.state === 'unknown')
    announce(`The share link for “${badgeName(held)}” is ready: copy it, show its QR code or download the PDF. Nothing was sent.`, 'success')
    focusOn(byId('share-link-panel'))
  })
}

/** What a share link proves, in the holder's words and in the PDF's. */
function shareNote (signedAt: string): string {
  return `Signed by the holder's wallet on ${when(signedAt)} for the verify page of ${location.host}. Anyone with the link can show it: it proves the holder chose to share this badge, not that whoever shows it is the holder.`
}

async function renderShareLink (statusUnknown: boolean): Promise<void> {
  if (lastShare == null) return
  const { link, held } = lastShare
  const { qrSvg, QR_MAX_BYTES } = await import('../lib/qr.js')
  const bytes = new TextEncoder().encode(link).length
  const fits = bytes <= QR_MAX_BYTES
  byId('share-link-heading').textContent = `A link to “${badgeName(held)}”`
  fill(byId('share-link-what'),
    'The link carries the badge and your signature, not your key: the page it opens checks it, and no node receives it. ', shareNote(lastShare.signedAt),
    statusUnknown ? ' Its status could not be checked just now: the verify page checks it when the link is opened.' : '')
  byId<HTMLInputElement>('share-url').value = link
  byId<HTMLAnchorElement>('share-open').href = link
  fill(byId('share-qr'), fits
    ? qrSvg(link, `QR code of the share link to ${badgeName(held)}`)
    : h('p', { id: 'share-qr-too-long', class: 'warn' }, `This link is too long for a QR code (${bytes} bytes; a QR code holds at most ${QR_MAX_BYTES}): share the link itself.`))
  const pdf = byId<HTMLButtonElement>('share-pdf')
  pdf.disabled = !fits
  byId('share-pdf-hint').textContent = fits ? 'A page with the badge, its QR code and the link, to print or send.' : 'No PDF: it needs the QR code, and this link is too long for one.'
  byId('share-link-panel').hidden = false
}

async function downloadSharePdf (): Promise<void> {
  if (lastShare == null) throw new Error('make a share link first')
  const { link, held, signedAt } = lastShare
  const [{ badgePdf }, { qrModules }] = await Promise.all([import('../wallet/share-pdf.js'), import('../lib/qr.js')])
  const subject = [held.credential.credentialSubject].flat()[0] as Json | undefined
  const learner = typeof subject?.name === 'string' && subject.name !== '' ? subject.name : held.subject ?? wallet.holder().did
  const image = await pdfBadgeImage(held)
  const bytes = await badgePdf({
    name: badgeName(held),
    issuer: issuerName(held),
    learner,
    date: when(held.validFrom ?? held.addedAt),
    link,
    qr: qrModules(link),
    note: shareNote(signedAt),
    ...(image != null ? { image } : {})
  })
  download(fileName(badgeName(held), 'pdf'), new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }))
  announce(`The PDF of “${badgeName(held)}”, with its QR code and link, is downloaded.`, 'success')
}

function renderShareChoices (held: Held[]): void {
  const checked = new Set([...document.querySelectorAll<HTMLInputElement>('#share-list input:checked')].map((i) => i.value))
  fill(byId('share-list'), held.length === 0
    ? h('p', { class: 'muted' }, 'No badges yet.')
    : h('ul', { class: 'choices' }, ...held.map((record, i) => h('li', {},
      h('input', { type: 'checkbox', id: `share-${i}`, name: 'share', value: record.id, checked: checked.has(record.id) }),
      h('label', { for: `share-${i}` }, badgeName(record), h('span', { class: 'muted' }, ` — ${issuerName(record)}, ${when(record.validFrom ?? record.addedAt)}`))))))
  const bake = byId<HTMLSelectElement>('bake-choice')
  const before = bake.value
  fill(bake, ...held.map((record) => h('option', { value: record.id }, `${badgeName(record)} (${when(record.validFrom ?? record.addedAt)})`)))
  if (held.some((r) => r.id === before)) bake.value = before
  byId<HTMLButtonElement>('bake-button').disabled = held.length === 0
  byId<HTMLButtonElement>('present-button').disabled = held.length === 0
}

async function createPresentation (): Promise<void> {
  const ids = [...document.querySelectorAll<HTMLInputElement>('#share-list input:checked')].map((i) => i.value)
  if (ids.length === 0) throw new Error('choose at least one badge to share')
  const typed = byId<HTMLInputElement>('present-challenge').value.trim()
  const domain = byId<HTMLInputElement>('present-domain').value.trim()
  const challenge = typed !== '' ? typed : randomChallenge()
  const vp = await wallet.presentation(ids, { challenge, ...(domain !== '' ? { domain } : {}) })
  const json = JSON.stringify(vp, null, 2)
  lastPresentation = { json, name: `presentation-${new Date().toISOString().slice(0, 10)}.json` }
  byId<HTMLTextAreaElement>('presentation-json').value = json
  fill(byId('presentation-summary'),
    `${ids.length} badge${ids.length === 1 ? '' : 's'}, signed by you over the challenge `, h('code', { id: 'presentation-challenge' }, challenge),
    domain !== '' ? ' for the domain ' : '', domain !== '' ? h('code', {}, domain) : '',
    typed === '' ? '. The page made this challenge up: give it to whoever checks the presentation.' : '.')
  const panel = byId('presentation')
  panel.hidden = false
  announce('Your presentation is ready: download or copy it. Nothing was sent.', 'success')
  focusOn(panel)
}

async function downloadBaked (): Promise<void> {
  const id = byId<HTMLSelectElement>('bake-choice').value
  const format = byId<HTMLSelectElement>('bake-format').value === 'svg' ? 'svg' : 'png'
  const record = await wallet.get(id)
  if (record == null) throw new Error('choose a badge')
  const blob = format === 'png' ? await bakedPng(record) : await bakedSvg(record)
  download(fileName(badgeName(record), format), blob)
  announce(`The ${format.toUpperCase()} image of “${badgeName(record)}”, with the credential inside, is downloaded.`, 'success')
}

// ---------------------------------------------------------------------------------------------
// Sites and apps signed in as this wallet (OB 3.0 grants on this node)

/** What each OB 3.0 scope lets an app do, in the learner's words. */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  'credential.readonly': 'read your badges on this node',
  'credential.upsert': 'add or change badges on this node',
  'profile.readonly': 'read your profile',
  'profile.update': 'change your profile'
}

function scopeWords (scope: string): string {
  const short = scope.slice(scope.lastIndexOf('/') + 1)
  return SCOPE_WORDS[short] ?? short
}

function renderGrants (grants: NodeGrant[]): void {
  const container = byId('grants')
  if (grants.length === 0) {
    fill(container, h('p', { id: 'no-grants' }, 'No app is signed in with your wallet on this node.'))
    return
  }
  fill(container, h('table', { id: 'grant-table' },
    h('caption', {}, `${grants.length} app${grants.length === 1 ? '' : 's'} signed in with your wallet`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'App'), h('th', { scope: 'col' }, 'It may'), h('th', { scope: 'col' }, 'Since'), h('th', { scope: 'col' }, 'Until'), h('th', { scope: 'col' }, 'Revoke'))),
    h('tbody', {}, ...grants.map((grant) => h('tr', { 'data-grant': grant.grantId },
      h('th', { scope: 'row' }, grant.clientName, grant.clientUri != null ? h('br') : null, grant.clientUri != null ? h('small', { class: 'muted' }, grant.clientUri) : null),
      h('td', {}, h('ul', { class: 'reasons' }, ...grant.scope.map((s) => h('li', {}, scopeWords(s))))),
      h('td', {}, when(grant.createdAt)),
      h('td', {}, when(grant.expiresAt)),
      h('td', {}, h('button', { type: 'button', class: 'danger small', onclick: (event: Event) => { void revokeGrant(event.currentTarget as HTMLButtonElement, grant) } }, 'Revoke', h('span', { class: 'visually-hidden' }, ` ${grant.clientName}`))))))))
}

async function showGrants (): Promise<void> {
  const grants = await wallet.grants()
  renderGrants(grants)
  announce(grants.length === 0 ? 'No app is signed in with your wallet on this node.' : `${grants.length} app${grants.length === 1 ? ' is' : 's are'} signed in with your wallet on this node.`, 'success')
}

async function revokeGrant (button: HTMLButtonElement, grant: NodeGrant): Promise<void> {
  if (!confirm(`Revoke “${grant.clientName}”? It can no longer use your badges on this node (it may ask you to sign in again).`)) return
  await busy(button, `Revoking “${grant.clientName}”…`, async () => {
    await wallet.revokeGrant(grant.grantId)
    renderGrants(await wallet.grants())
    announce(`Revoked “${grant.clientName}”: it can no longer use your badges on this node.`, 'success')
    focusOn(byId('grants-heading'))
  })
}

// ---------------------------------------------------------------------------------------------

async function refreshAll (): Promise<void> {
  const held = await renderBadges()
  await renderProgress(held)
}

function wire (): void {
  const form = <T extends HTMLElement>(id: string, button: string, working: string, action: () => Promise<void>): void => {
    byId<T>(id).addEventListener('submit', (event) => {
      event.preventDefault()
      void busy(byId<HTMLButtonElement>(button), working, action)
    })
  }
  const click = (id: string, working: string, action: () => Promise<void>): void => {
    const button = byId<HTMLButtonElement>(id)
    button.addEventListener('click', () => { void busy(button, working, action) })
  }

  form('claim-form', 'claim-look', 'Looking the offer up…', async () => {
    const link = byId<HTMLInputElement>('claim-link').value
    if (link.trim() === '') throw new Error('paste the claim link first')
    await lookUp(link)
  })
  click('claim-accept', 'Signing with your key and claiming…', accept)
  byId('claim-cancel').addEventListener('click', () => {
    pendingClaim = undefined
    byId('offer').hidden = true
    announce('Not claimed. The link still works until it expires.')
    byId('claim-link').focus()
  })
  click('refresh-status', 'Checking the status of your badges…', async () => {
    const items = await wallet.refreshStatus()
    await refreshAll()
    const changed = items.filter((i) => i.changed).length
    announce(`Checked ${items.length} badge${items.length === 1 ? '' : 's'}: ${changed === 0 ? 'no change' : `${changed} changed`}.`, 'success')
  })
  form('import-form', 'import-button', 'Checking the badge…', async () => {
    const text = byId<HTMLTextAreaElement>('import-json')
    const file = byId<HTMLInputElement>('import-file')
    const chosen = file.files?.[0]
    if (chosen == null && text.value.trim() === '') throw new Error('paste a credential or choose a file')
    let input: unknown
    if (chosen != null) {
      input = await readFileBytes(chosen) // JSON, or a PNG / SVG with the credential baked in
    } else {
      try {
        input = JSON.parse(text.value)
      } catch (err) {
        throw new Error(`that is not JSON: ${(err as Error).message}`)
      }
    }
    await importInput(input)
    text.value = ''
    file.value = ''
  })
  form('place-form', 'place-save', 'Saving your place…', savePlace)
  click('place-clear', 'Forgetting your place…', async () => {
    byId<HTMLInputElement>('place-typed').value = ''
    byId<HTMLSelectElement>('place-choice').value = ''
    await savePlace()
  })
  form('present-form', 'present-button', 'Signing the presentation with your key…', createPresentation)
  click('presentation-download', 'Preparing the file…', async () => {
    if (lastPresentation == null) throw new Error('create the presentation first')
    download(lastPresentation.name, new Blob([lastPresentation.json], { type: 'application/json' }))
    announce('The presentation is downloaded.', 'success')
  })
  click('presentation-copy', 'Copying…', async () => {
    const area = byId<HTMLTextAreaElement>('presentation-json')
    if (await copyText(area.value)) {
      announce('The presentation is on the clipboard.', 'success')
    } else {
      area.focus()
      area.select()
      announce('This browser did not allow copying: the presentation is selected, copy it with your keyboard.')
    }
  })
  click('share-copy', 'Copying…', async () => {
    const field = byId<HTMLInputElement>('share-url')
    if (await copyText(field.value)) {
      announce('The share link is on the clipboard.', 'success')
    } else {
      field.focus()
      field.select()
      announce('This browser did not allow copying: the link is selected, copy it with your keyboard.')
    }
  })
  click('share-pdf', 'Making the PDF…', downloadSharePdf)
  click('grants-load', 'Signing a proof with your key and asking this node…', showGrants)
  form('bake-form', 'bake-button', 'Baking the credential into the image…', downloadBaked)
  form('backup-form', 'backup-button', 'Making the backup…', async () => {
    const passphrase = byId<HTMLInputElement>('backup-passphrase').value
    const backup = await wallet.backup(passphrase)
    download(`cofl-wallet-backup-${new Date().toISOString().slice(0, 10)}.json`, new Blob([JSON.stringify(backup, null, 2)], { type: 'application/json' }))
    byId<HTMLInputElement>('backup-passphrase').value = ''
    announce(`Backup downloaded: ${backup.credentials.length} badge${backup.credentials.length === 1 ? '' : 's'}${backup.holderKey != null ? ' and your key, locked with your passphrase' : ', without your key'}.`, 'success')
  })
  form('restore-form', 'restore-button', 'Restoring the backup…', async () => {
    const file = byId<HTMLInputElement>('restore-file').files?.[0]
    if (file == null) throw new Error('choose the backup file')
    await restoreBackup(file, byId<HTMLInputElement>('restore-passphrase').value)
    byId<HTMLInputElement>('restore-passphrase').value = ''
  })
  click('forget-button', 'Forgetting this wallet…', async () => {
    const confirmation = byId<HTMLInputElement>('forget-confirm')
    if (confirmation.value.trim().toLowerCase() !== 'forget') throw new Error('type forget to confirm')
    await wallet.forget()
    confirmation.value = ''
    renderHolder()
    await refreshAll()
    announce('This wallet was forgotten: a new key was made, locked with the same passphrase, and it holds no badge.', 'success')
  })
  window.addEventListener('hashchange', () => { void claimFromFragment() })
}

/**
 * The wallet, opened with the learner's passphrase (#lock-form): a new wallet's key is made and
 * sealed with it; an older wallet's key kept in clear is sealed with it (asked twice, as a new
 * one); a sealed key is opened with it, a wrong one said at the field and asked again.
 *
 * The form is shown and wired at once; the wallet's code (keys, signing, verifying, the OB 3.0
 * schemas: most of the page's weight, in a chunk of its own) comes while the learner types, and
 * then says which wallet this browser holds. A passphrase sent before it came waits for it.
 */
async function unlocked (): Promise<PageWallet> {
  const form = byId<HTMLFormElement>('lock-form')
  const input = byId<HTMLInputElement>('lock-passphrase')
  const opening = import('../wallet/wallet.js').then(async ({ openLockedWallet }) => await openLockedWallet())
  byId('lock').hidden = false
  input.focus()
  return await new Promise<PageWallet>((resolve, reject) => {
    const submit = async (): Promise<void> => {
      const locked = await opening
      const fresh = locked.state !== 'sealed'
      const passphrase = input.value
      if (passphrase.length < 8) throw new Error('the passphrase must be at least 8 characters')
      if (fresh && passphrase !== byId<HTMLInputElement>('lock-confirm').value) throw new Error('the two passphrases differ: type the same one twice')
      try {
        const opened = await locked.unlock(passphrase)
        input.value = ''
        byId<HTMLInputElement>('lock-confirm').value = ''
        input.removeAttribute('aria-invalid')
        form.removeEventListener('submit', listener)
        resolve(opened)
      } catch (err) {
        if ((err as { code?: string }).code === 'COFL_ERR_KEY_PASSPHRASE') {
          input.setAttribute('aria-invalid', 'true')
          input.select()
          throw new Error(`${messageOf(err)}. Type it again (a backup restores the wallet if it is lost).`)
        }
        throw err
      }
    }
    const listener = (event: Event): void => {
      event.preventDefault()
      void busy(byId<HTMLButtonElement>('lock-button'), 'Opening your wallet…', submit)
    }
    form.addEventListener('submit', listener)
    markReady() // its first screen: the passphrase form, wired
    opening.then((locked) => {
      const fresh = locked.state !== 'sealed'
      byId('lock-intro').textContent = locked.state === 'none'
        ? 'Choose a passphrase for your new wallet. The page makes your key now and keeps it in this browser, locked with the passphrase.'
        : locked.state === 'clear'
          ? `Your wallet (${locked.did ?? ''}) keeps its key unlocked in this browser. Choose a passphrase: the key is locked with it from now on.`
          : `Your wallet (${locked.did ?? ''}) is locked. Type its passphrase to open it.`
      byId('lock-button').textContent = locked.state === 'none' ? 'Create the wallet' : locked.state === 'clear' ? 'Lock the key and open' : 'Open the wallet'
      byId('lock-confirm-row').hidden = !fresh
      input.autocomplete = fresh ? 'new-password' : 'current-password'
      byId('lock').dataset.state = locked.state // which wallet this browser holds is known
    }, reject)
  })
}

async function main (): Promise<void> {
  if (!window.isSecureContext || crypto.subtle == null) {
    announce('The wallet needs a secure page (https, or this computer\'s own address): this browser does not offer its cryptography here.', 'error')
    return
  }
  try {
    wallet = await unlocked()
  } catch (err) {
    fill(byId('holder'), h('p', { role: 'alert' }, `The wallet cannot open in this browser: ${messageOf(err)}`))
    announce(`The wallet cannot open in this browser: ${messageOf(err)}`, 'error')
    return
  }
  byId('lock').hidden = true
  byId('wallet-body').hidden = false
  renderHolder()
  wire()
  if (wallet.created) announce('A new wallet was made in this browser: your key and DID are below. Back it up once you hold badges.', 'success')
  const held = await renderBadges()
  await renderProgress(held)
  await Promise.all([loadProgress(), claimFromFragment()])
  document.body.dataset.ready = 'true'
}

void main()
