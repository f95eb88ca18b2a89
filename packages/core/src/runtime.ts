/**
 * Where tsgi runs without Node: a `node:` module is looked up at run time, never
 * imported statically, by the packages that use one where it is present and fall
 * back to web APIs where it is not (gzip: node:zlib or CompressionStream; auth:
 * node:crypto's HMAC or WebCrypto; logger: node:fs for its direct file writes).
 *
 * A static `import 'node:zlib'` makes a module fail to load on Cloudflare Workers
 * without `nodejs_compat`; `process.getBuiltinModule` (Node 20.16+, Bun, Deno 2,
 * Workers with `nodejs_compat`) answers synchronously, so a middleware factory stays
 * synchronous and a CommonJS build needs no top-level await.
 *
 * @example
 * import type zlib from 'node:zlib';
 * const z = nodeBuiltin<typeof zlib>('node:zlib'); // undefined on plain Workers
 * @see https://nodejs.org/api/process.html#processgetbuiltinmoduleid
 * @module
 */

type Lookup = (id: string) => unknown;

/** The runtime's `node:` module `id`, or `undefined` where the runtime has none. */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: Lookup } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    return (proc.getBuiltinModule(id) ?? undefined) as T | undefined;
  } catch {
    // Workers with nodejs_compat throw for a module they do not provide.
    return undefined;
  }
}
