// Minimal types for the untyped @digitalbazaar packages, only what this package uses.

declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    /** Exactly one of `length` (bits) or `buffer`; bit 0 is the most significant bit of byte 0. */
    constructor (options: { length: number } | { buffer: Uint8Array })
    readonly length: number
    bits: Uint8Array
    set (position: number, on: boolean): void
    get (position: number): boolean
    /** base64url (no padding) of the GZIP-compressed bits. */
    encodeBits (): Promise<string>
    static decodeBits (options: { encoded: string }): Promise<Uint8Array>
  }
}

// Used by the tests only, as an independent decoder of what this package encodes.
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    readonly length: number
    setStatus (index: number, status: boolean): void
    getStatus (index: number): boolean
    encode (): Promise<string>
  }
  export function createList (options: { length: number }): Promise<BitstringStatusList>
  export function decodeList (options: { encodedList: string }): Promise<BitstringStatusList>
}
