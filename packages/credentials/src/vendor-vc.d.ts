// Minimal types for the untyped Digital Bazaar signing libraries, limited to what cofl uses.
type Loader = (url: string) => Promise<{ contextUrl: string | null, documentUrl: string, document: unknown }>

declare module '@digitalbazaar/vc' {
  import { ProofPurpose } from 'jsonld-signatures'
  export class CredentialIssuancePurpose extends ProofPurpose {
    constructor (options?: { controller?: object, date?: string | Date, maxTimestampDelta?: number })
  }
  export function issue (options: { credential: object, suite: object, documentLoader: Loader, now?: string | Date }): Promise<Record<string, unknown>>
  export function signPresentation (options: { presentation: object, suite: object, documentLoader: Loader, challenge?: string, domain?: string }): Promise<Record<string, unknown>>
  export function verifyCredential (options: {
    credential: object
    suite: object | object[]
    documentLoader: Loader
    checkStatus?: (options: object) => Promise<{ verified: boolean }>
    now?: string | Date
  }): Promise<{ verified: boolean, error?: unknown, results?: Array<{ verified: boolean, error?: unknown }> }>
  export function _checkCredential (options: { credential: object, now?: Date, mode?: 'issue' | 'verify', maxClockSkew?: number }): void
  /** The XML Schema dateTime expression that vc and data-integrity both test dates with (unanchored). */
  export const dateRegex: RegExp
  export function _checkPresentation (presentation: object): void
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor (options: { signer?: object, date?: string | Date, cryptosuite: object, legacyContext?: boolean })
    type: string
    cryptosuite: string
    verificationMethod?: string
    canonize (input: object, options: object): Promise<string>
    canonizeProof (proof: object, options: { documentLoader: Loader, document: object }): Promise<string>
    /** Adds the Data Integrity v2 context to `document['@context']` unless it (or VC 2.0's) is there. */
    ensureSuiteContext (options: { document: Record<string, unknown>, addSuiteContext: boolean }): void
    /** Loads the proof's verification method with the document loader (throws when it cannot). */
    getVerificationMethod (options: { proof: object, documentLoader: Loader }): Promise<Record<string, unknown>>
    /** Decodes `proof.proofValue` (multibase) and checks it with the cryptosuite's verifier. */
    verifySignature (options: { verifyData: Uint8Array, verificationMethod: object, proof: object }): Promise<boolean>
    /** Signs `verifyData` with the suite's signer and sets `proof.proofValue` (multibase base58btc). */
    sign (options: { verifyData: Uint8Array, proof: Record<string, unknown> }): Promise<Record<string, unknown>>
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: {
    name: string
    requiredAlgorithm: string
    canonize(input: object, options: object): Promise<string>
    createVerifier(options: { verificationMethod: object }): Promise<object>
  }
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor (options?: object)
  }
}

declare module 'jsonld-signatures' {
  interface ProofResult { proof: Record<string, unknown>, verified: boolean, error?: unknown, verificationMethod?: { id?: string, controller?: string } }
  interface VerifyResult { verified: boolean, results?: ProofResult[], error?: unknown }
  export class ProofPurpose {
    constructor (options?: object)
    term: string
    match (proof: object, options: { document: object, documentLoader: Loader }): Promise<boolean>
    validate (proof: object, options: { document: object, suite: object, verificationMethod: object, documentLoader: Loader }): Promise<{ valid: boolean, error?: unknown }>
    update (proof: Record<string, unknown>, options: { document: object, suite: object, documentLoader: Loader }): Promise<Record<string, unknown>>
  }
  const jsigs: {
    SECURITY_CONTEXT_URL: string
    /** A loader that answers jsonld-signatures' own contexts first, then asks `loader`. */
    extendContextLoader(loader: Loader): Loader
    sign(document: object, options: { suite: object, purpose: object, documentLoader: Loader }): Promise<Record<string, unknown>>
    verify(document: object, options: { suite: object | object[], purpose: object, documentLoader: Loader }): Promise<VerifyResult>
    purposes: {
      AssertionProofPurpose: new (options?: { controller?: object, date?: string | Date }) => ProofPurpose
      AuthenticationProofPurpose: new (options: { challenge?: string, domain?: string | string[], controller?: object, date?: string | Date }) => ProofPurpose
    }
  }
  export default jsigs
}
