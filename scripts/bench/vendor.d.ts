// Minimal types for the untyped libraries the plain pipeline of the benchmark uses.
declare module '@digitalbazaar/ed25519-multikey' {
  export interface KeyPair {
    id?: string
    controller?: string
    publicKeyMultibase: string
    signer(): object
    export(options: { publicKey: boolean, includeContext?: boolean }): Promise<object>
  }
  export function from (key: object): Promise<KeyPair>
  export function generate (options?: { id?: string, controller?: string }): Promise<KeyPair>
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof { constructor (options: { cryptosuite: object }) }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { canonize: (input: object, options: object) => Promise<string> }
}
declare module '@digitalbazaar/vc' {
  export function verifyCredential (options: { credential: object, suite: object, documentLoader: (url: string) => Promise<object> }): Promise<{ verified: boolean }>
}
