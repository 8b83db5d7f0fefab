/**
 * The place part of the catalogue: a grid of GRID_DEGREES cells over latitude and longitude. A
 * radius query visits only the cells that the spherical cap can touch, then measures the
 * great-circle distance. A pathway has no place of its own: it is as near as the nearest of its
 * achievements, and in the areas of its achievements (those the search may see).
 */
import { distanceKm, EARTH_RADIUS_KM } from '@cofl/pathways'
import type { LatLon } from '@cofl/pathways'
import { GRID_DEGREES } from './constants.js'
import type { Entry } from './entries.js'
import type { CataloguePlace } from './types.js'
import { str } from './util.js'
import type { Interner } from './util.js'

const RAD = Math.PI / 180
const LAT_CELLS = Math.ceil(180 / GRID_DEGREES) + 1
const LON_CELLS = Math.round(360 / GRID_DEGREES)

const ADDRESS_FIELDS = ['streetAddress', 'postalCode', 'addressLocality', 'addressRegion', 'addressCountry'] as const

/** The achievement with this id that the search at hand may see, if any. */
export type AchievementLookup = (id: string) => Entry | undefined

/** The number of the grid cell that holds a point. */
export function cellOf (lat: number, lon: number): number {
  const latIdx = Math.floor((lat + 90) / GRID_DEGREES)
  const lonIdx = ((Math.floor((lon + 180) / GRID_DEGREES) % LON_CELLS) + LON_CELLS) % LON_CELLS
  return latIdx * LON_CELLS + lonIdx
}

/** The place of a document: undefined without finite coordinates on the globe. */
export function placeOf (value: unknown, pool: Interner): CataloguePlace | undefined {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const p = value as Record<string, unknown>
  const { lat, lon } = p
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return undefined
  const place: CataloguePlace = { lat, lon }
  const name = str(p.name)
  const area = str(p.area)
  if (name !== undefined) place.name = pool.intern(name)
  if (area !== undefined) place.area = pool.intern(area)
  if (p.address != null && typeof p.address === 'object') {
    const address: Record<string, string> = {}
    for (const k of ADDRESS_FIELDS) {
      const v = str((p.address as Record<string, unknown>)[k])
      if (v !== undefined) address[k] = pool.intern(v)
    }
    if (Object.keys(address).length > 0) place.address = address
  }
  return place
}

/** The grid cells (their posting lists) that a circle of `km` around the point can touch. */
export function cellsNear (cells: ReadonlyMap<number, number[]>, lat: number, lon: number, km: number): number[][] {
  const theta = km / EARTH_RADIUS_KM
  const dLat = theta / RAD + 1e-9
  const latMin = Math.max(-90, lat - dLat)
  const latMax = Math.min(90, lat + dLat)
  const phi = lat * RAD
  let lonMin = -Infinity
  let lonMax = Infinity
  // A cap that reaches a pole covers every longitude; else its longitudes are within asin(sin θ / cos φ).
  if (theta < Math.PI / 2 - Math.abs(phi)) {
    const dLon = Math.asin(Math.min(1, Math.sin(theta) / Math.cos(phi))) / RAD + 1e-9
    lonMin = lon - dLon
    lonMax = lon + dLon
  }
  const latLo = Math.floor((latMin + 90) / GRID_DEGREES)
  const latHi = Math.min(LAT_CELLS - 1, Math.floor((latMax + 90) / GRID_DEGREES))
  const allLons = lonMin === -Infinity || lonMax - lonMin >= 360 - GRID_DEGREES
  const lonLo = allLons ? 0 : Math.floor((lonMin + 180) / GRID_DEGREES)
  const lonHi = allLons ? LON_CELLS - 1 : Math.floor((lonMax + 180) / GRID_DEGREES)
  const out: number[][] = []
  const count = (latHi - latLo + 1) * (lonHi - lonLo + 1)
  if (count > cells.size) {
    // Fewer occupied cells than cells in range: test each occupied one.
    for (const [cell, list] of cells) {
      const latIdx = Math.floor(cell / LON_CELLS)
      const lonIdx = cell % LON_CELLS
      if (latIdx < latLo || latIdx > latHi) continue
      if (!allLons) {
        const inRange = (i: number): boolean => i >= lonLo && i <= lonHi
        if (!inRange(lonIdx) && !inRange(lonIdx + LON_CELLS) && !inRange(lonIdx - LON_CELLS)) continue
      }
      out.push(list)
    }
    return out
  }
  for (let la = latLo; la <= latHi; la++) {
    for (let lo = lonLo; lo <= lonHi; lo++) {
      const list = cells.get(la * LON_CELLS + (((lo % LON_CELLS) + LON_CELLS) % LON_CELLS))
      if (list !== undefined) out.push(list)
    }
  }
  return out
}

/** The distance from a point: of the entry's place; for a pathway, of its nearest achievement. */
export function distanceOf (e: Entry, point: LatLon, achievementOf: AchievementLookup): number | undefined {
  if (e.place !== undefined) return distanceKm(point, e.place)
  if (e.type !== 'pathway') return undefined
  let best: number | undefined
  for (const id of e.refs) {
    const a = achievementOf(id)
    if (a?.place === undefined) continue
    const km = distanceKm(point, a.place)
    if (best === undefined || km < best) best = km
  }
  return best
}

/** Whether the entry is in the (folded) area; a pathway when one of its achievements is. */
export function inArea (e: Entry, area: string, achievementOf: AchievementLookup): boolean {
  if (e.type !== 'pathway') return e.area === area
  return e.refs.some((id) => achievementOf(id)?.area === area)
}
