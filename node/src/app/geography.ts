/**
 * The city's geography (config `geography`): a GeoJSON FeatureCollection (RFC 7946, WGS 84) of the
 * outline the catalogue's map draws under its markers: land or coast (features without a name)
 * and the city's areas (features whose `properties.name` is the area's name, as the catalogue's
 * `place.area` says it). Read once when the node starts, checked, simplified, and served as it is
 * from then on by GET /api/geography (http/geography.ts); nothing is fetched from anywhere.
 *
 * A file that is too big, not JSON, not a FeatureCollection of Polygon / MultiPolygon /
 * LineString / MultiLineString features, or with a position outside WGS 84's ranges stops the
 * start with GeographyError (COFL_ERR_GEOGRAPHY), which names the file and the first problem.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { defineError } from '@cofl/errors'
import { NodeError } from './errors.js'
import { fsReason } from './files.js'

/** The largest geography file the node reads (bytes). */
const MAX_GEOGRAPHY_BYTES = 512 * 1024
/** The most positions (vertices) a geography file may hold, all features together. */
const MAX_GEOGRAPHY_POSITIONS = 50_000
/** The most features a geography file may hold. */
const MAX_GEOGRAPHY_FEATURES = 1_000
/** The longest area name. */
const MAX_AREA_NAME = 100
/** What the node serves is simplified until it holds at most this many positions. */
const SERVED_GEOGRAPHY_POSITIONS = 6_000

/** A geography file the node cannot use: the message names the file and what is wrong. */
export class GeographyError extends defineError(NodeError, 'COFL_ERR_GEOGRAPHY') {}

type Position = [lon: number, lat: number]
type GeographyGeometry =
  | { type: 'Polygon', coordinates: Position[][] }
  | { type: 'MultiPolygon', coordinates: Position[][][] }
  | { type: 'LineString', coordinates: Position[] }
  | { type: 'MultiLineString', coordinates: Position[][] }

export interface GeographyFeature {
  type: 'Feature'
  /** `name`: an area's name (absent: land or coast). */
  properties: { name?: string }
  geometry: GeographyGeometry
}

/** What GET /api/geography answers: the outline, its bounding box, and the names of its areas. */
export interface Geography {
  type: 'FeatureCollection'
  /** [west, south, east, north] of every feature (absent when there is none). */
  bbox?: [number, number, number, number]
  features: GeographyFeature[]
}

/** A geography as the node holds it: the document and its JSON, with an ETag of that JSON. */
export interface LoadedGeography {
  geography: Geography
  json: string
  etag: string
}

/** The geography of a node without one: no features. */
export function emptyGeography (): LoadedGeography {
  return served({ type: 'FeatureCollection', features: [] })
}

function served (geography: Geography): LoadedGeography {
  const json = JSON.stringify(geography)
  return { geography, json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` }
}

class Problem extends Error {}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks a GeoJSON FeatureCollection; throws Problem (its message: where and what) at the first fault. */
function checkGeography (json: unknown): Geography {
  if (!isObject(json) || json.type !== 'FeatureCollection') throw new Problem('it is not a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})')
  if (!Array.isArray(json.features)) throw new Problem('"features" is not an array')
  if (json.features.length > MAX_GEOGRAPHY_FEATURES) throw new Problem(`it has ${json.features.length} features; at most ${MAX_GEOGRAPHY_FEATURES}`)
  let positions = 0
  const position = (value: unknown, where: string): Position => {
    if (!Array.isArray(value) || value.length < 2 || value.length > 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      throw new Problem(`${where} is not a position [longitude, latitude]`)
    }
    const [lon, lat] = value as [number, number]
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new Problem(`${where} is [${lon}, ${lat}]: a longitude is −180 to 180 and a latitude −90 to 90 (WGS 84 degrees, longitude first)`)
    if (++positions > MAX_GEOGRAPHY_POSITIONS) throw new Problem(`it has more than ${MAX_GEOGRAPHY_POSITIONS} positions; simplify it`)
    return [lon, lat]
  }
  const line = (value: unknown, where: string, min: number): Position[] => {
    if (!Array.isArray(value) || value.length < min) throw new Problem(`${where} is not an array of at least ${min} positions`)
    return value.map((p, i) => position(p, `${where}[${i}]`))
  }
  const ring = (value: unknown, where: string): Position[] => {
    const points = line(value, where, 4)
    const first = points[0] as Position
    const last = points[points.length - 1] as Position
    if (first[0] !== last[0] || first[1] !== last[1]) throw new Problem(`${where} is not closed (its last position must be its first)`)
    return points
  }
  const list = (value: unknown, where: string): unknown[] => {
    if (!Array.isArray(value) || value.length === 0) throw new Problem(`${where} is not a non-empty array`)
    return value
  }
  const features = json.features.map((feature, i): GeographyFeature => {
    const at = `features[${i}]`
    if (!isObject(feature) || feature.type !== 'Feature') throw new Problem(`${at} is not a GeoJSON Feature`)
    const properties = feature.properties ?? {}
    if (!isObject(properties)) throw new Problem(`${at}.properties is not an object or null`)
    const name = properties.name
    if (name !== undefined && name !== null && (typeof name !== 'string' || name.trim() === '' || name.length > MAX_AREA_NAME)) {
      throw new Problem(`${at}.properties.name is not a name of 1 to ${MAX_AREA_NAME} characters`)
    }
    const geometry = feature.geometry
    if (!isObject(geometry)) throw new Problem(`${at}.geometry is not a geometry`)
    const c = geometry.coordinates
    const where = `${at}.geometry.coordinates`
    let checked: GeographyGeometry
    switch (geometry.type) {
      case 'Polygon': checked = { type: 'Polygon', coordinates: list(c, where).map((r, j) => ring(r, `${where}[${j}]`)) }; break
      case 'MultiPolygon': checked = { type: 'MultiPolygon', coordinates: list(c, where).map((p, j) => list(p, `${where}[${j}]`).map((r, k) => ring(r, `${where}[${j}][${k}]`))) }; break
      case 'LineString': checked = { type: 'LineString', coordinates: line(c, where, 2) }; break
      case 'MultiLineString': checked = { type: 'MultiLineString', coordinates: list(c, where).map((l, j) => line(l, `${where}[${j}]`, 2)) }; break
      default: throw new Problem(`${at}.geometry.type is ${JSON.stringify(geometry.type) ?? 'missing'}; expected Polygon, MultiPolygon, LineString or MultiLineString`)
    }
    return { type: 'Feature', properties: typeof name === 'string' ? { name: name.trim() } : {}, geometry: checked }
  })
  return { type: 'FeatureCollection', features }
}

/** Every line of a geometry (rings and lines), for simplifying and measuring. */
function linesOf (geometry: GeographyGeometry): Position[][] {
  switch (geometry.type) {
    case 'Polygon': return geometry.coordinates
    case 'MultiPolygon': return geometry.coordinates.flat()
    case 'LineString': return [geometry.coordinates]
    case 'MultiLineString': return geometry.coordinates
  }
}

function boundsOf (features: GeographyFeature[]): [number, number, number, number] | undefined {
  let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity
  for (const f of features) {
    for (const l of linesOf(f.geometry)) {
      for (const [lon, lat] of l) { w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat) }
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : undefined
}

/** Squared distance of p from the segment a-b (plane coordinates; degrees are plane enough for a city). */
function segmentDistance2 (p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const length2 = dx * dx + dy * dy
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
  const x = a[0] + t * dx - p[0]
  const y = a[1] + t * dy - p[1]
  return x * x + y * y
}

/** Ramer–Douglas–Peucker: the positions of `line` that keep it within `tolerance` degrees (ends kept). */
function simplifyLine (line: Position[], tolerance: number): Position[] {
  if (line.length <= 2 || tolerance <= 0) return line
  const keep = new Uint8Array(line.length)
  keep[0] = 1
  keep[line.length - 1] = 1
  const stack: Array<[number, number]> = [[0, line.length - 1]]
  const t2 = tolerance * tolerance
  while (stack.length > 0) {
    const [from, to] = stack.pop() as [number, number]
    let worst = -1
    let worstD = t2
    for (let i = from + 1; i < to; i++) {
      const d = segmentDistance2(line[i] as Position, line[from] as Position, line[to] as Position)
      if (d > worstD) { worst = i; worstD = d }
    }
    if (worst >= 0) {
      keep[worst] = 1
      stack.push([from, worst], [worst, to])
    }
  }
  return line.filter((_, i) => keep[i] === 1)
}

function simplifyRing (ring: Position[], tolerance: number): Position[] | null {
  const out = simplifyLine(ring, tolerance)
  // A closed ring keeps at least 4 positions (a triangle); smaller than the tolerance, it goes.
  return out.length >= 4 ? out : null
}

function simplifyGeometry (geometry: GeographyGeometry, tolerance: number): GeographyGeometry | null {
  switch (geometry.type) {
    case 'Polygon': {
      const outer = simplifyRing(geometry.coordinates[0] as Position[], tolerance)
      if (outer == null) return null
      return { type: 'Polygon', coordinates: [outer, ...geometry.coordinates.slice(1).map((r) => simplifyRing(r, tolerance)).filter((r) => r != null)] }
    }
    case 'MultiPolygon': {
      const polygons = geometry.coordinates.map((p) => simplifyGeometry({ type: 'Polygon', coordinates: p }, tolerance)).filter((p) => p != null).map((p) => p.coordinates as Position[][])
      return polygons.length > 0 ? { type: 'MultiPolygon', coordinates: polygons } : null
    }
    case 'LineString': return { type: 'LineString', coordinates: simplifyLine(geometry.coordinates, tolerance) }
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => simplifyLine(l, tolerance)) }
  }
}

function countPositions (features: GeographyFeature[]): number {
  return features.reduce((sum, f) => sum + linesOf(f.geometry).reduce((s, l) => s + l.length, 0), 0)
}

/**
 * The geography simplified until it holds at most `maxPositions` positions: the tolerance starts
 * at a thousandth of the outline's size (under a pixel on a map of the whole outline) and doubles
 * while there are too many. Areas (named features) are never dropped; land smaller than the
 * tolerance is. Coordinates are rounded to 5 decimals (about a metre).
 */
function simplifyGeography (geography: Geography, maxPositions = SERVED_GEOGRAPHY_POSITIONS): Geography {
  const bbox = boundsOf(geography.features)
  if (bbox == null) return { type: 'FeatureCollection', features: [] }
  const round = (v: number): number => Math.round(v * 1e5) / 1e5
  const rounded = geography.features.map((f): GeographyFeature => ({ ...f, geometry: mapPositions(f.geometry, (p) => [round(p[0]), round(p[1])]) }))
  let features = rounded
  let tolerance = Math.max(bbox[2] - bbox[0], bbox[3] - bbox[1]) / 1000
  for (let attempt = 0; attempt < 20; attempt++) {
    features = rounded.flatMap((f) => {
      const geometry = simplifyGeometry(f.geometry, tolerance)
      if (geometry != null) return [{ ...f, geometry }]
      return f.properties.name != null ? [f] : []
    })
    if (countPositions(features) <= maxPositions) break
    tolerance *= 2
  }
  return { type: 'FeatureCollection', bbox: boundsOf(features) ?? bbox, features }
}

function mapPositions (geometry: GeographyGeometry, fn: (p: Position) => Position): GeographyGeometry {
  switch (geometry.type) {
    case 'Polygon': return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(fn)) }
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map((r) => r.map(fn))) }
    case 'LineString': return { type: 'LineString', coordinates: geometry.coordinates.map(fn) }
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => l.map(fn)) }
  }
}

/**
 * Reads, checks and simplifies the geography file at `path` (resolved against `cwd`). Throws
 * GeographyError naming the file and what is wrong with it.
 */
export async function loadGeography (path: string, cwd: string = process.cwd()): Promise<LoadedGeography> {
  const file = resolve(cwd, path)
  const fail = (why: string, cause?: unknown): GeographyError =>
    new GeographyError(`the geography file ${file} (config geography) cannot be used: ${why}`, cause != null ? { cause } : undefined)
  let text: string
  try {
    const info = await stat(file)
    if (!info.isFile()) throw fail('it is not a file')
    if (info.size > MAX_GEOGRAPHY_BYTES) throw fail(`it is ${info.size} bytes; at most ${MAX_GEOGRAPHY_BYTES} (${MAX_GEOGRAPHY_BYTES / 1024} KiB): simplify it (scripts/geography.ts shows how)`)
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof GeographyError) throw err
    throw fail(fsReason(err, 'read'), err)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw fail(`it is not JSON (${(err as Error).message})`, err)
  }
  try {
    return served(simplifyGeography(checkGeography(json)))
  } catch (err) {
    if (err instanceof Problem) throw fail(err.message)
    throw err
  }
}
