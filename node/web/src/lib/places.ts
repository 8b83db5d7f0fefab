/**
 * Places to search near without typing coordinates: the approximate centres (WGS 84 degrees, to
 * about 0.01°, a few hundred metres) of UK cities and of a few areas inside the cities of
 * learning. Bundled with the page: choosing one asks nothing of the network. Good enough for
 * "within 10 km of"; not an address finder.
 */

export interface NamedPlace {
  /** A stable key, used in the page's URL (`near=bristol`). */
  id: string
  name: string
  /** The city an area belongs to; absent for a city. */
  city?: string
  lat: number
  lon: number
}

export const PLACES: readonly NamedPlace[] = [
  { id: 'aberdeen', name: 'Aberdeen', lat: 57.1497, lon: -2.0943 },
  { id: 'bath', name: 'Bath', lat: 51.3811, lon: -2.3590 },
  { id: 'belfast', name: 'Belfast', lat: 54.5973, lon: -5.9301 },
  { id: 'birmingham', name: 'Birmingham', lat: 52.4862, lon: -1.8904 },
  { id: 'bradford', name: 'Bradford', lat: 53.7960, lon: -1.7594 },
  { id: 'brighton', name: 'Brighton', lat: 50.8225, lon: -0.1372 },
  { id: 'bristol', name: 'Bristol', lat: 51.4545, lon: -2.5879 },
  { id: 'cambridge', name: 'Cambridge', lat: 52.2053, lon: 0.1218 },
  { id: 'cardiff', name: 'Cardiff', lat: 51.4816, lon: -3.1791 },
  { id: 'coventry', name: 'Coventry', lat: 52.4068, lon: -1.5197 },
  { id: 'derby', name: 'Derby', lat: 52.9225, lon: -1.4746 },
  { id: 'dundee', name: 'Dundee', lat: 56.4620, lon: -2.9707 },
  { id: 'edinburgh', name: 'Edinburgh', lat: 55.9533, lon: -3.1883 },
  { id: 'exeter', name: 'Exeter', lat: 50.7184, lon: -3.5339 },
  { id: 'glasgow', name: 'Glasgow', lat: 55.8642, lon: -4.2518 },
  { id: 'hull', name: 'Hull', lat: 53.7676, lon: -0.3274 },
  { id: 'inverness', name: 'Inverness', lat: 57.4778, lon: -4.2247 },
  { id: 'leeds', name: 'Leeds', lat: 53.8008, lon: -1.5491 },
  { id: 'leicester', name: 'Leicester', lat: 52.6369, lon: -1.1398 },
  { id: 'liverpool', name: 'Liverpool', lat: 53.4084, lon: -2.9916 },
  { id: 'london', name: 'London', lat: 51.5074, lon: -0.1278 },
  { id: 'manchester', name: 'Manchester', lat: 53.4808, lon: -2.2426 },
  { id: 'milton-keynes', name: 'Milton Keynes', lat: 52.0406, lon: -0.7594 },
  { id: 'newcastle', name: 'Newcastle upon Tyne', lat: 54.9783, lon: -1.6178 },
  { id: 'norwich', name: 'Norwich', lat: 52.6309, lon: 1.2974 },
  { id: 'nottingham', name: 'Nottingham', lat: 52.9548, lon: -1.1581 },
  { id: 'oxford', name: 'Oxford', lat: 51.7520, lon: -1.2577 },
  { id: 'plymouth', name: 'Plymouth', lat: 50.3755, lon: -4.1427 },
  { id: 'portsmouth', name: 'Portsmouth', lat: 50.8198, lon: -1.0880 },
  { id: 'reading', name: 'Reading', lat: 51.4543, lon: -0.9781 },
  { id: 'sheffield', name: 'Sheffield', lat: 53.3811, lon: -1.4701 },
  { id: 'southampton', name: 'Southampton', lat: 50.9097, lon: -1.4044 },
  { id: 'stoke', name: 'Stoke-on-Trent', lat: 53.0027, lon: -2.1794 },
  { id: 'sunderland', name: 'Sunderland', lat: 54.9069, lon: -1.3838 },
  { id: 'swansea', name: 'Swansea', lat: 51.6214, lon: -3.9436 },
  { id: 'york', name: 'York', lat: 53.9600, lon: -1.0873 },

  { id: 'bristol-bedminster', name: 'Bedminster', city: 'Bristol', lat: 51.4410, lon: -2.5980 },
  { id: 'bristol-clifton', name: 'Clifton', city: 'Bristol', lat: 51.4580, lon: -2.6170 },
  { id: 'bristol-easton', name: 'Easton', city: 'Bristol', lat: 51.4640, lon: -2.5640 },
  { id: 'bristol-southmead', name: 'Southmead', city: 'Bristol', lat: 51.4960, lon: -2.5900 },
  { id: 'london-camden', name: 'Camden Town', city: 'London', lat: 51.5390, lon: -0.1426 },
  { id: 'london-hackney', name: 'Hackney', city: 'London', lat: 51.5450, lon: -0.0553 },
  { id: 'london-brixton', name: 'Brixton', city: 'London', lat: 51.4613, lon: -0.1156 },
  { id: 'london-stratford', name: 'Stratford', city: 'London', lat: 51.5413, lon: -0.0032 },
  { id: 'manchester-salford', name: 'Salford', city: 'Manchester', lat: 53.4875, lon: -2.2901 },
  { id: 'plymouth-devonport', name: 'Devonport', city: 'Plymouth', lat: 50.3700, lon: -4.1780 },
  { id: 'plymouth-plympton', name: 'Plympton', city: 'Plymouth', lat: 50.3860, lon: -4.0520 }
]

/** The place with this key. */
export function placeById (id: string): NamedPlace | undefined {
  return PLACES.find((p) => p.id === id)
}

/** "Bedminster, Bristol" or "Bristol". */
export function placeLabel (place: NamedPlace): string {
  return place.city != null ? `${place.name}, ${place.city}` : place.name
}
