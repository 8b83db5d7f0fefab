/**
 * What png.ts needs of zlib: on Node, node:zlib itself. A bundle for the browser gets
 * zlib-browser.ts instead (package.json `browser`).
 */
export { crc32, deflateSync, inflateSync } from 'node:zlib'
