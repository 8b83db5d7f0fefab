/** A document as a test edits it: any field, any depth, without casts. */
export type Editable = Record<string, any>

/** A deep copy of `document` with one change, to tamper with signed data; the original is untouched. */
export function tampered<T> (document: T, change: (copy: Editable) => void): T {
  const copy = structuredClone(document) as Editable
  change(copy)
  return copy as T
}
