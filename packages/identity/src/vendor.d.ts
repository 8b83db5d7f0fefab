// Minimal types for the untyped @digitalbazaar/ed25519-multikey, limited to what cofl uses.
declare module '@digitalbazaar/ed25519-multikey' {
  export interface MultikeySigner {
    id?: string
    algorithm: string
    sign(input: { data: Uint8Array }): Promise<Uint8Array>
  }
  export interface MultikeyVerifier {
    id?: string
    algorithm: string
    verify(input: { data: Uint8Array, signature: Uint8Array }): Promise<boolean>
  }
  export interface MultikeyKeyPair {
    id?: string
    controller?: string
    type?: string
    publicKeyMultibase: string
    secretKeyMultibase?: string
    publicKey: Uint8Array
    secretKey?: Uint8Array
    signer(): MultikeySigner
    verifier(): MultikeyVerifier
    export(options: { publicKey?: boolean, secretKey?: boolean, includeContext?: boolean }): Promise<Record<string, unknown>>
  }
  export function generate (options?: { id?: string, controller?: string, seed?: Uint8Array }): Promise<MultikeyKeyPair>
  export function from (key: Record<string, unknown>): Promise<MultikeyKeyPair>
}
