/**
 * Where a command takes the id of an achievement or a credential, it also takes the JSON file
 * that holds it (what `cofl achievement create` or `cofl credential issue` printed): its `id`.
 */
import { InputError } from '../app/errors.js'
import { readJsonObject } from './io.js'

/** A URI (`urn:uuid:...`, `did:...`, `https://...`) is an id as it is. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:/

/** The id that `ref` gives: `ref` itself when it is a URI, else the `id` of the JSON file `ref`. */
export async function idOf (ref: string, what: string): Promise<string> {
  if (URI.test(ref)) return ref
  const value = await readJsonObject(ref, what)
  const id = value.id
  if (typeof id !== 'string' || id === '') throw new InputError(`${ref} holds no "id" (expected ${what}, or give its id)`)
  return id
}
