/**
 * Makes the demo city's outline, node/assets/geography/plymouth.geojson (run by hand; its output
 * is committed):
 *
 *   node --import tsx scripts/geography.ts            writes the file
 *   node --import tsx scripts/geography.ts --check    fails when the committed file is not what it makes
 *
 * Land: Natural Earth's 1:10m land polygons (public domain; version 4.1.0 as TopoJSON in the npm
 * package `world-atlas`, land-10m.json), decoded with topojson-client and cut to a box around
 * Plymouth (each ring clipped to the box: Sutherland–Hodgman against its four edges). Areas: the
 * demo's areas (scripts/demo-city.ts) as rough polygons drawn by hand around the places the demo
 * uses: approximate, for a map of where things are, not boundaries of record.
 *
 * A city of its own does the same with its box and its areas (or any GeoJSON of its own): config
 * `geography` (docs/operations.md, "Geography").
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { feature } from 'topojson-client'

type Position = [number, number]
type Ring = Position[]

/** [west, south, east, north]: about 25 km around Plymouth (the Tamar valley, Plymouth Sound, the edge of Dartmoor). */
const BOX: [number, number, number, number] = [-4.5, 50.2, -3.8, 50.55]

/** The demo's areas (place.area in scripts/demo-city.ts), drawn by hand: lon, lat. */
const AREAS: Array<{ name: string, ring: Position[] }> = [
  { name: 'Devonport', ring: [[-4.1935, 50.3615], [-4.1850, 50.3590], [-4.1745, 50.3625], [-4.1700, 50.3700], [-4.1720, 50.3790], [-4.1840, 50.3815], [-4.1930, 50.3740]] },
  { name: 'Stonehouse', ring: [[-4.1690, 50.3625], [-4.1560, 50.3610], [-4.1520, 50.3680], [-4.1530, 50.3770], [-4.1640, 50.3790], [-4.1695, 50.3720]] },
  { name: 'City Centre', ring: [[-4.1505, 50.3665], [-4.1385, 50.3655], [-4.1370, 50.3720], [-4.1390, 50.3785], [-4.1500, 50.3790], [-4.1515, 50.3730]] },
  { name: 'Barbican', ring: [[-4.1365, 50.3620], [-4.1280, 50.3610], [-4.1245, 50.3665], [-4.1285, 50.3715], [-4.1360, 50.3710]] },
  { name: 'Central Park', ring: [[-4.1620, 50.3815], [-4.1500, 50.3805], [-4.1420, 50.3845], [-4.1435, 50.3930], [-4.1560, 50.3960], [-4.1640, 50.3890]] },
  { name: 'Derriford', ring: [[-4.1330, 50.4040], [-4.1150, 50.4010], [-4.1020, 50.4080], [-4.1040, 50.4230], [-4.1200, 50.4270], [-4.1340, 50.4170]] }
]

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'node', 'assets', 'geography', 'plymouth.geojson')

/** The part of a ring inside the box (Sutherland–Hodgman: the box is convex). Null when nothing is left. */
function clipRing (ring: Ring, [w, s, e, n]: typeof BOX): Ring | null {
  const edges: Array<{ inside: (p: Position) => boolean, cut: (a: Position, b: Position) => Position }> = [
    { inside: (p) => p[0] >= w, cut: (a, b) => [w, a[1] + (b[1] - a[1]) * (w - a[0]) / (b[0] - a[0])] },
    { inside: (p) => p[0] <= e, cut: (a, b) => [e, a[1] + (b[1] - a[1]) * (e - a[0]) / (b[0] - a[0])] },
    { inside: (p) => p[1] >= s, cut: (a, b) => [a[0] + (b[0] - a[0]) * (s - a[1]) / (b[1] - a[1]), s] },
    { inside: (p) => p[1] <= n, cut: (a, b) => [a[0] + (b[0] - a[0]) * (n - a[1]) / (b[1] - a[1]), n] }
  ]
  let points = ring.slice(0, -1)
  for (const edge of edges) {
    const out: Position[] = []
    for (let i = 0; i < points.length; i++) {
      const current = points[i] as Position
      const previous = points[(i + points.length - 1) % points.length] as Position
      if (edge.inside(current)) {
        if (!edge.inside(previous)) out.push(edge.cut(previous, current))
        out.push(current)
      } else if (edge.inside(previous)) {
        out.push(edge.cut(previous, current))
      }
    }
    points = out
    if (points.length < 3) return null
  }
  const rounded = points.map(([x, y]): Position => [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5])
    .filter((p, i, all) => i === 0 || p[0] !== all[i - 1]?.[0] || p[1] !== all[i - 1]?.[1])
  // What is left along an edge of the box only (no area) is not land.
  const area = rounded.reduce((sum, p, i) => { const q = rounded[(i + 1) % rounded.length] as Position; return sum + p[0] * q[1] - q[0] * p[1] }, 0) / 2
  if (rounded.length < 3 || Math.abs(area) < 1e-8) return null
  return [...rounded, rounded[0] as Position]
}

async function make (): Promise<string> {
  const require = createRequire(import.meta.url)
  type Topology = Parameters<typeof feature>[0]
  type Land = Extract<Parameters<typeof feature>[1], { type: 'GeometryCollection' }>
  const topology = JSON.parse(await readFile(require.resolve('world-atlas/land-10m.json'), 'utf8')) as Topology & { objects: { land: Land } }
  const land = feature(topology, topology.objects.land)
  const polygons: Ring[][] = []
  for (const f of land.features) {
    const geometry = f.geometry
    const list = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : []
    for (const polygon of list) {
      const rings = polygon.map((r) => clipRing(r as Ring, BOX))
      if (rings[0] == null) continue
      polygons.push(rings.filter((r): r is Ring => r != null))
    }
  }
  const collection = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { source: 'Natural Earth 1:10m land (public domain), world-atlas 2 land-10m.json, cut to the box ' + BOX.join(', ') }, geometry: { type: 'MultiPolygon', coordinates: polygons } },
      ...AREAS.map((a) => ({ type: 'Feature', properties: { name: a.name, source: 'drawn by hand for the cofl demo (approximate)' }, geometry: { type: 'Polygon', coordinates: [[...a.ring, a.ring[0]]] } }))
    ]
  }
  return JSON.stringify(collection) + '\n'
}

const text = await make()
if (process.argv.includes('--check')) {
  const committed = await readFile(OUT, 'utf8')
  if (committed !== text) {
    process.stderr.write(`${OUT} is not what scripts/geography.ts makes: run it again and commit the file\n`)
    process.exit(1)
  }
  process.stdout.write(`${OUT}: as made (${text.length} bytes)\n`)
} else {
  await mkdir(dirname(OUT), { recursive: true })
  await writeFile(OUT, text)
  process.stdout.write(`wrote ${OUT} (${text.length} bytes)\n`)
}
