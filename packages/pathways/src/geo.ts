/**
 * Distances between places: the haversine great-circle distance on a sphere of the Earth's mean
 * radius (error under 0.5 %, ample for "how far is it from me" in a city).
 */
import { EARTH_RADIUS_KM } from './constants.js'

/** A point in WGS 84 degrees. */
export interface LatLon {
  lat: number
  lon: number
}

const RAD = Math.PI / 180

/** The great-circle distance between `a` and `b` in kilometres. */
export function distanceKm (a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD
  const dLon = (b.lon - a.lon) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** A distance as a person reads it: "0.4 km", "2.1 km", "12 km". */
export function formatDistance (km: number): string {
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`
}

/**
 * The items with a place within `maxKm` of `center`, nearest first (equal distances by id), each
 * with its distance. Items without a place are left out.
 */
export function byDistance<T extends { id: string, place?: LatLon }> (items: Iterable<T>, center: LatLon, maxKm = Infinity): Array<{ item: T, km: number }> {
  const out: Array<{ item: T, km: number }> = []
  for (const item of items) {
    if (item.place === undefined) continue
    const km = distanceKm(center, item.place)
    if (km <= maxKm) out.push({ item, km })
  }
  return out.sort((a, b) => a.km - b.km || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0))
}
