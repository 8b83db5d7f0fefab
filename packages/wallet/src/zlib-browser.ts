/**
 * The browser's stand-in for zlib.ts (package.json `browser` maps one to the other), for the
 * browser entry (browser.ts). Baking a PNG and reading one back needs only CRC-32, the checksum
 * of every PNG chunk (ISO 3309, the polynomial node:zlib's crc32 computes), here from its table.
 * There is no deflate in the browser build: `defaultBadgePng`, the only deflate, is left out of
 * the browser entry (a page draws its badge with a canvas), and a compressed openbadgecredential
 * chunk, which the OB 3.0 baking rules forbid, is refused as malformed.
 */

let table: Uint32Array | undefined

function crcTable (): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c >>> 0
    }
  }
  return table
}

/** CRC-32 of `data`, continuing from `value` (as node:zlib's crc32). */
export function crc32 (data: Uint8Array, value = 0): number {
  const t = crcTable()
  let c = (value ^ 0xffffffff) >>> 0
  for (const byte of data) c = (t[(c ^ byte) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function unavailable (what: string): never {
  throw new Error(`${what} is not available in the browser build of @cofl/wallet`)
}

export function deflateSync (_data: Uint8Array, _options?: object): Uint8Array {
  return unavailable('deflate')
}

export function inflateSync (_data: Uint8Array, _options?: object): Uint8Array {
  return unavailable('inflate (a compressed openbadgecredential chunk)')
}
