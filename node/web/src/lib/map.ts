/**
 * A map drawn in the page: the city's outline (GeoJSON from GET /api/geography: land, coast, named
 * areas) in SVG, and markers clustered with supercluster at the current zoom. No tiles, nothing
 * fetched: Web Mercator, the projection supercluster clusters in. The page that uses it links
 * /assets/map.css.
 *
 *   const view = drawMap(container, {
 *     label: 'Map of the results',              // the accessible name of the map's group
 *     outline,                                  // GeoJSON FeatureCollection, or null: markers only
 *     points: [{ id: 'r1', lat, lon, name: 'Bike Repair', mark: '1', weight: 1, kind: 'achievement' }],
 *     focus: { lat, lon, km: 10, label: 'Bristol' },   // optional: a search point and its radius
 *     onSelect: (points) => { ... },            // a marker (one point) or a spot that cannot be zoomed apart
 *     countWords: (n) => `${n} results`         // what a cluster's count means (default "n places")
 *   })
 *   view.zoomIn(); view.zoomOut(); view.reset(); view.destroy()
 *
 * Every marker is a <button> (keyboard focusable, at least 28 px, its accessible name the
 * point's `name`), placed over the SVG; a cluster is a button that shows the sum of its points'
 * `weight` (default 1) and zooms in to split it (focus goes to the first marker it became), or
 * hands its points to `onSelect` when they are at one spot. Zoom in / out / show all buttons sit
 * under the map, and the map can be dragged. The outline is an image (role img with a title that
 * names its areas): the page's list is the accessible form of what the markers show.
 */
import Supercluster from 'supercluster'
import { h, svg } from './dom.js'

export interface MapPoint {
  /** Unique in the map: given back to onSelect. */
  id: string
  lat: number
  lon: number
  /** The marker's accessible name. */
  name: string
  /** A short text drawn in the marker (a number in the page's list). */
  mark?: string
  /** What the point counts for in a cluster (default 1). */
  weight?: number
  /** A class for the marker's colour: `kind-<kind>`. */
  kind?: string
}

type Position = number[]
interface OutlineGeometry { type: string, coordinates: unknown }
/** The part of a GeoJSON FeatureCollection the map reads (GET /api/geography's answer). */
export interface Outline {
  type: 'FeatureCollection'
  bbox?: number[]
  features: Array<{ type: 'Feature', properties?: { name?: string } | null, geometry: OutlineGeometry | null }>
}

export interface MapFocus { lat: number, lon: number, km?: number, label: string }

export interface MapOptions {
  label: string
  outline?: Outline | null
  points: MapPoint[]
  focus?: MapFocus
  onSelect?: (points: MapPoint[]) => void
  countWords?: (count: number) => string
}

export interface MapView {
  zoomIn: () => void
  zoomOut: () => void
  /** Back to the view that shows every point (or the outline). */
  reset: () => void
  /** The zoom level now (world 512 units wide at zoom 0). */
  readonly zoom: number
  destroy: () => void
}

/** The SVG's viewBox (4:3). */
const W = 480
const H = 360
/** World size at zoom 0 (units of the viewBox), as supercluster's default extent. */
const TILE = 512
/**
 * supercluster's radius (viewBox units at its zoom). The markers are clustered at the whole zoom
 * level above the one shown (see drawMarkers), so that points closer than 44 to 88 units on the
 * map, never less than a marker's width, are one cluster.
 */
const CLUSTER_RADIUS = 88
const MIN_ZOOM = 1
/** The deepest zoom shown (a few metres across a marker) and the deepest supercluster clusters at: points still in one cluster there are at one spot. */
const MAX_ZOOM = 20
const CLUSTER_MAX_ZOOM = 20
const EARTH_KM = 40075.016686
/** Room kept around what the first view shows (fraction of each side). */
const PAD = 0.12

const mercX = (lon: number): number => (lon + 180) / 360
const mercY = (lat: number): number => {
  const clamped = Math.max(-85.05, Math.min(85.05, lat))
  return 0.5 - Math.log(Math.tan(Math.PI / 4 + clamped * Math.PI / 360)) / (2 * Math.PI)
}
const lonOf = (x: number): number => x * 360 - 180
const latOf = (y: number): number => (360 / Math.PI) * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - 90

function round1 (value: number): number {
  return Math.round(value * 10) / 10
}

/** Every ring or line of a geometry (positions), and whether it is a polygon's. */
function linesOf (geometry: OutlineGeometry | null): { lines: Position[][], closed: boolean } {
  if (geometry == null || !Array.isArray(geometry.coordinates)) return { lines: [], closed: false }
  const c = geometry.coordinates as unknown[]
  switch (geometry.type) {
    case 'Polygon': return { lines: c as Position[][], closed: true }
    case 'MultiPolygon': return { lines: (c as Position[][][]).flat(), closed: true }
    case 'LineString': return { lines: [c as Position[]], closed: false }
    case 'MultiLineString': return { lines: c as Position[][], closed: false }
    default: return { lines: [], closed: false }
  }
}

function boundsOfOutline (outline: Outline): [number, number, number, number] | undefined {
  if (Array.isArray(outline.bbox) && outline.bbox.length === 4 && outline.bbox.every(Number.isFinite)) return outline.bbox as [number, number, number, number]
  let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity
  for (const f of outline.features) {
    for (const line of linesOf(f.geometry).lines) for (const [lon = 0, lat = 0] of line) { w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat) }
  }
  return Number.isFinite(w) ? [w, s, e, n] : undefined
}

/** Draws the map into `container` (its children replaced). */
export function drawMap (container: HTMLElement, options: MapOptions): MapView {
  const points = options.points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180)
  const countWords = options.countWords ?? ((n: number) => `${n} place${n === 1 ? '' : 's'}`)
  const index = new Supercluster<{ i: number, weight: number }, { weight: number }>({
    radius: CLUSTER_RADIUS,
    extent: TILE,
    maxZoom: CLUSTER_MAX_ZOOM,
    map: (p) => ({ weight: p.weight }),
    reduce: (acc, p) => { acc.weight += p.weight }
  })
  index.load(points.map((p, i) => ({ type: 'Feature' as const, properties: { i, weight: p.weight ?? 1 }, geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] } })))

  const outline = options.outline != null && Array.isArray(options.outline.features) && options.outline.features.length > 0 ? options.outline : null
  const areas = outline?.features.filter((f) => typeof f.properties?.name === 'string') ?? []

  // The view: its centre (Mercator, 0..1) and zoom.
  let cx = 0.5
  let cy = 0.5
  let zoom = MIN_ZOOM
  const scale = (): number => TILE * 2 ** zoom
  const toView = (lon: number, lat: number): [number, number] => [W / 2 + (mercX(lon) - cx) * scale(), H / 2 + (mercY(lat) - cy) * scale()]

  function fit (): void {
    let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity
    const add = (lon: number, lat: number): void => { w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat) }
    for (const p of points) add(p.lon, p.lat)
    if (options.focus != null) {
      const { lat, lon, km } = options.focus
      const dLat = (km ?? 0) / 110.574
      const dLon = (km ?? 0) / (111.32 * Math.max(0.01, Math.cos(lat * Math.PI / 180)))
      add(lon - dLon, lat - dLat); add(lon + dLon, lat + dLat)
    }
    if (!Number.isFinite(w) && outline != null) {
      const b = boundsOfOutline(outline)
      if (b != null) { add(b[0], b[1]); add(b[2], b[3]) }
    }
    if (!Number.isFinite(w)) { cx = 0.5; cy = 0.5; zoom = MIN_ZOOM; return }
    const x0 = mercX(w); const x1 = mercX(e); const y0 = mercY(n); const y1 = mercY(s)
    cx = (x0 + x1) / 2
    cy = (y0 + y1) / 2
    const span = Math.max((x1 - x0) / (W * (1 - 2 * PAD)), (y1 - y0) / (H * (1 - 2 * PAD)))
    zoom = span > 0 ? Math.log2(1 / (span * TILE)) : 14
    zoom = Math.max(MIN_ZOOM, Math.min(zoom, 16))
  }

  const svgTitleId = `map-outline-${Math.random().toString(36).slice(2, 8)}`
  const areaNames = [...new Set(areas.map((f) => f.properties?.name as string))]
  const picture = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', role: 'img', 'aria-labelledby': svgTitleId, focusable: 'false' })
  const markers = h('div', { class: 'map-markers' })
  const stage = h('div', { class: 'map-stage' }, picture, markers)
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' })
  const zoomInButton = h('button', { type: 'button', class: 'secondary map-zoom-in', 'aria-label': 'Zoom in' }, '+')
  const zoomOutButton = h('button', { type: 'button', class: 'secondary map-zoom-out', 'aria-label': 'Zoom out' }, '−')
  const resetButton = h('button', { type: 'button', class: 'secondary map-reset' }, 'Show all')
  const tools = h('div', { class: 'map-tools' }, zoomInButton, zoomOutButton, resetButton)
  const root = h('div', { class: 'cofl-map', role: 'group', 'aria-label': options.label }, stage, tools, live)
  container.replaceChildren(root)

  function pathOf (lines: Position[][], closed: boolean): string {
    return lines.map((line) => line.map(([lon = 0, lat = 0], i) => {
      const [x, y] = toView(lon, lat)
      return `${i === 0 ? 'M' : 'L'}${round1(x)} ${round1(y)}`
    }).join('') + (closed ? 'Z' : '')).join('')
  }

  function drawOutline (): void {
    const shapes: SVGElement[] = [
      svg('title', { id: svgTitleId }, outline == null
        ? options.label
        : `${options.label}: the city's outline${areaNames.length > 0 ? ` with its areas ${areaNames.join(', ')}` : ''}; the markers are buttons below it`),
      svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' })
    ]
    // Where the outline has land, what is not land within its box is sea.
    const box = outline != null && outline.features.some((f) => linesOf(f.geometry).closed && f.properties?.name == null) ? boundsOfOutline(outline) : undefined
    if (box != null) {
      const [x0, y0] = toView(box[0], box[3])
      const [x1, y1] = toView(box[2], box[1])
      shapes.push(svg('rect', { x: round1(x0), y: round1(y0), width: round1(x1 - x0), height: round1(y1 - y0), class: 'map-sea' }))
    }
    if (outline != null) {
      for (const f of outline.features) {
        const { lines, closed } = linesOf(f.geometry)
        if (lines.length === 0) continue
        const named = typeof f.properties?.name === 'string'
        shapes.push(svg('path', { d: pathOf(lines, closed), class: named ? 'map-area' : closed ? 'map-land' : 'map-coast', 'fill-rule': 'evenodd', ...(named ? { 'data-area': f.properties?.name } : {}) }))
      }
      // Areas' names, the biggest areas first, each where it does not cover a name written already.
      const labels: Array<{ name: string, x: number, y: number, size: number }> = []
      for (const f of areas) {
        const ring = linesOf(f.geometry).lines[0] ?? []
        if (ring.length === 0) continue
        const xy = ring.map(([lon = 0, lat = 0]) => toView(lon, lat))
        const minX = Math.min(...xy.map((p) => p[0])); const maxX = Math.max(...xy.map((p) => p[0]))
        const minY = Math.min(...xy.map((p) => p[1])); const maxY = Math.max(...xy.map((p) => p[1]))
        if (maxX < 0 || minX > W || maxY < 0 || minY > H || maxX - minX < 12) continue
        labels.push({ name: f.properties?.name as string, x: (minX + maxX) / 2, y: (minY + maxY) / 2, size: (maxX - minX) * (maxY - minY) })
      }
      const placed: Array<[number, number, number, number]> = []
      for (const label of labels.sort((a, b) => b.size - a.size)) {
        const half = label.name.length * 3.3
        const box: [number, number, number, number] = [label.x - half, label.y - 8, label.x + half, label.y + 8]
        if (placed.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue
        placed.push(box)
        shapes.push(svg('text', { x: round1(label.x), y: round1(label.y), class: 'map-area-name', 'text-anchor': 'middle', 'dominant-baseline': 'central' }, label.name))
      }
    }
    const focus = options.focus
    if (focus != null) {
      const [fx, fy] = toView(focus.lon, focus.lat)
      if (focus.km != null) shapes.push(svg('circle', { cx: round1(fx), cy: round1(fy), r: round1(focus.km / kmPerUnit()), class: 'map-radius' }))
      shapes.push(svg('g', { class: 'map-center' },
        svg('path', { d: `M ${round1(fx - 8)} ${round1(fy)} H ${round1(fx + 8)} M ${round1(fx)} ${round1(fy - 8)} V ${round1(fy + 8)}` }),
        svg('circle', { cx: round1(fx), cy: round1(fy), r: 3 })))
    }
    const bar = niceKm(kmPerUnit() * W / 5)
    const barPx = bar / kmPerUnit()
    shapes.push(svg('g', { class: 'map-scale' },
      svg('path', { d: `M 12 ${H - 14} v 6 h ${round1(barPx)} v -6` }),
      svg('text', { x: round1(12 + barPx / 2), y: H - 18, 'text-anchor': 'middle' }, bar < 1 ? `${Math.round(bar * 1000)} m` : `${bar} km`)))
    shapes.push(svg('text', { x: W - 10, y: 20, 'text-anchor': 'end', class: 'map-north' }, 'N ↑'))
    picture.replaceChildren(...shapes)
  }

  function kmPerUnit (): number {
    return EARTH_KM * Math.cos(latOf(cy) * Math.PI / 180) / scale()
  }

  function place (element: HTMLElement, lon: number, lat: number): void {
    const [x, y] = toView(lon, lat)
    element.style.left = `${(x / W) * 100}%`
    element.style.top = `${(y / H) * 100}%`
  }

  function viewBounds (): [number, number, number, number] {
    const half = (size: number): number => size / 2 / scale()
    // A little beyond the edges, so that a marker half out is still drawn.
    const margin = 20 / scale()
    return [
      Math.max(-180, lonOf(cx - half(W) - margin)), Math.max(-85, latOf(cy + half(H) + margin)),
      Math.min(180, lonOf(cx + half(W) + margin)), Math.min(85, latOf(cy - half(H) - margin))
    ]
  }

  function drawMarkers (): void {
    const clusterZoom = clusterZoomOf(zoom)
    const features = points.length > 0 ? index.getClusters(viewBounds(), clusterZoom) : []
    const buttons: HTMLElement[] = []
    // In the tab order: the single markers in the order of the points (the page's list), then the clusters.
    const order = (f: typeof features[number]): number => (f.properties as { i?: number }).i ?? points.length
    features.sort((a, b) => order(a) - order(b))
    for (const feature of features) {
      const [lon = 0, lat = 0] = feature.geometry.coordinates
      const props = feature.properties as { cluster?: boolean, cluster_id?: number, point_count?: number, weight: number, i?: number }
      if (props.cluster === true) {
        const id = props.cluster_id as number
        const count = props.weight
        const button = h('button', { type: 'button', class: 'map-cluster', 'data-count': count, 'aria-label': `${countWords(count)} here: zoom in`, title: `${countWords(count)}: zoom in` }, String(count))
        button.addEventListener('click', () => { openCluster(id, lon, lat) })
        place(button, lon, lat)
        buttons.push(button)
      } else {
        const point = points[props.i as number] as MapPoint
        const button = h('button', { type: 'button', class: `map-marker kind-${point.kind ?? 'other'}`, 'data-id': point.id, 'aria-label': point.mark != null && point.mark !== '' ? `${point.mark}: ${point.name}` : point.name, title: point.name }, point.mark ?? '')
        button.addEventListener('click', () => { options.onSelect?.([point]) })
        place(button, lon, lat)
        buttons.push(button)
      }
    }
    markers.replaceChildren(...buttons)
    zoomInButton.setAttribute('aria-disabled', String(zoom >= MAX_ZOOM))
    zoomOutButton.setAttribute('aria-disabled', String(zoom <= MIN_ZOOM))
  }

  function render (): void {
    drawOutline()
    drawMarkers()
  }

  function openCluster (id: number, lon: number, lat: number): void {
    const leaves = index.getLeaves(id, Infinity).map((f) => points[f.properties.i] as MapPoint)
    const expansion = index.getClusterExpansionZoom(id)
    if (expansion > CLUSTER_MAX_ZOOM || zoom >= MAX_ZOOM) {
      // At one spot: no zoom splits them.
      options.onSelect?.(leaves)
      return
    }
    cx = mercX(lon)
    cy = mercY(lat)
    // The zoom shown whose clusters are those of supercluster's `expansion` (and at least one more level).
    zoom = Math.min(MAX_ZOOM, Math.max(expansion - 1, Math.floor(zoom) + 1))
    render()
    const ids = new Set(leaves.map((p) => p.id))
    const first = [...markers.querySelectorAll<HTMLButtonElement>('button')].find((b) => ids.has(b.dataset.id ?? '') || b.classList.contains('map-cluster'))
    live.textContent = `Zoomed in: ${markers.children.length} marker${markers.children.length === 1 ? '' : 's'} shown.`
    first?.focus()
  }

  function zoomBy (step: number): void {
    const next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, Math.round(zoom + step)))
    if (next === zoom) return
    zoom = next
    render()
    live.textContent = `Zoomed ${step > 0 ? 'in' : 'out'}: ${markers.children.length} marker${markers.children.length === 1 ? '' : 's'} shown.`
  }

  zoomInButton.addEventListener('click', () => { zoomBy(1) })
  zoomOutButton.addEventListener('click', () => { zoomBy(-1) })
  resetButton.addEventListener('click', () => { fit(); render(); live.textContent = 'The whole map is shown.' })

  // Dragging moves the map (a marker's click is not a drag).
  let drag: { id: number, x: number, y: number, cx: number, cy: number, moved: boolean } | undefined
  const onDown = (event: PointerEvent): void => {
    if ((event.target as Element).closest('button') != null || event.button !== 0) return
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY, cx, cy, moved: false }
    stage.setPointerCapture(event.pointerId)
  }
  const onMove = (event: PointerEvent): void => {
    if (drag == null || drag.id !== event.pointerId) return
    const unit = stage.clientWidth > 0 ? W / stage.clientWidth : 1
    const dx = (event.clientX - drag.x) * unit
    const dy = (event.clientY - drag.y) * unit
    if (!drag.moved && Math.hypot(dx, dy) < 4) return
    drag.moved = true
    cx = drag.cx - dx / scale()
    cy = drag.cy - dy / scale()
    render()
  }
  const onUp = (event: PointerEvent): void => {
    if (drag?.id === event.pointerId) drag = undefined
  }
  stage.addEventListener('pointerdown', onDown)
  stage.addEventListener('pointermove', onMove)
  stage.addEventListener('pointerup', onUp)
  stage.addEventListener('pointercancel', onUp)

  fit()
  render()

  return {
    zoomIn: () => { zoomBy(1) },
    zoomOut: () => { zoomBy(-1) },
    reset: () => { fit(); render() },
    get zoom () { return zoom },
    destroy: () => { container.replaceChildren() }
  }
}

/** The whole zoom level supercluster clusters at for the zoom shown: the next one up (its radius is twice what the map keeps apart). */
function clusterZoomOf (zoom: number): number {
  return Math.max(0, Math.min(CLUSTER_MAX_ZOOM, Math.floor(zoom) + 1))
}

function niceKm (value: number): number {
  const steps = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
  return steps.filter((s) => s <= value).pop() ?? steps[0] as number
}
