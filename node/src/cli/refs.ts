/**
 * Where a command takes the id of an achievement or a credential, it also takes the JSON file
 * that holds it (what `cofl achievement create` or `cofl credential issue` printed): its `id`.
 * `cofl endorse` takes a DID or an issuer's signed Profile (what `cofl keys profile` wrote).
 */
import { InputError } from '../app/errors.js'
import { readJsonObject } from './io.js'

/** A URI (`urn:uuid:...`, `did:...`, `https://...`) is an id as it is. */
export const URI = /^[A-Za-z][A-Za-z0-9+.-]*:/

/** The id that `ref` gives: `ref` itself when it is a URI, else the `id` of the JSON file `ref`. */
export async function idOf (ref: string, what: string): Promise<string> {
  return (await idOrDocument(ref, what)).id
}

/** As idOf, with the JSON object of the file when `ref` is one (a signed document handed over whole). */
export async function idOrDocument (ref: string, what: string): Promise<{ id: string, document?: Record<string, unknown> }> {
  if (URI.test(ref)) return { id: ref }
  const document = await readJsonObject(ref, what)
  const id = document.id
  if (typeof id !== 'string' || id === '') throw new InputError(`${ref} holds no "id" (expected ${what}, or give its id)`)
  return { id, document }
}
