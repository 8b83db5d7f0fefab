/**
 * Node 20 compatibility, kept in this one place (see docs/operations.md, "Node 20").
 *
 * 1. libp2p's dependencies call `Promise.withResolvers` (Node 22+): polyfilled here. Every entry
 *    point (the `cofl` bin, the test runner, the benchmarks) imports this module first.
 * 2. `import 'helia'` crashes on Node 20 through undici 8 under @libp2p/http: fixed by the
 *    `overrides` entry of the root package.json, which pins undici 7 there.
 *
 * Drop both together when Node 20 is no longer supported.
 */
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (): PromiseWithResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
      return { promise, resolve, reject }
    }
  })
}

export {}
