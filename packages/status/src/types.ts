import type { StatusPurpose } from './constants.js'

/** A `credentialStatus` entry as this package issues it (W3C Bitstring Status List). */
export interface BitstringStatusListEntry {
  /** `<statusListCredential>#<index>` */
  id: string
  type: 'BitstringStatusListEntry'
  statusPurpose: StatusPurpose
  /** The index as a base-10 string, as the W3C spec requires. */
  statusListIndex: string
  /** The id of the list credential. */
  statusListCredential: string
}

/** Where a status bit lives in a registry. */
export interface StatusPosition {
  purpose: StatusPurpose
  listNumber: number
  index: number
}

/** The subject of a list credential. */
export interface BitstringStatusListSubject {
  /** `<list id>#list` */
  id: string
  type: 'BitstringStatusList'
  statusPurpose: StatusPurpose
  /** Multibase base64url ('u') of the GZIP-compressed bits; bit 0 is the most significant of byte 0. */
  encodedList: string
}

/** A BitstringStatusListCredential before it is signed. */
export interface UnsignedStatusListCredential {
  '@context': string[]
  id: string
  type: string[]
  issuer: string
  /** Time of building, ISO 8601 without milliseconds. */
  validFrom: string
  /**
   * Version of this list: one higher with every build, never reused (also across restarts). Not
   * defined by a context: the VC 2.0 context's `@vocab` maps it into the issuer-dependent
   * namespace, so it is signed with the rest.
   */
  sequence: number
  credentialSubject: BitstringStatusListSubject
}
